//! The analytics tab's database work and its answers.

use crate::db::Session;
use crate::db::api::analytics::{self, Dashboard};
use crate::db::api::history::{self, HistoryEntry, HistoryOf};
use crate::domain::analytics::Period;
use crate::error::Error;
use crate::tui::cmd::request;

/// Rows of a company's ownership history shown in the drill-down.
const HISTORY_ROWS: i64 = 200;

#[derive(Debug, Clone, PartialEq)]
pub enum AnalyticsRequest {
    /// The dashboard of a period, for the caller's scope or one person in it.
    Load { period: Period, person: Option<i64> },
    /// The ownership history of every record of a company.
    History { company: i64 },
}

#[derive(Debug)]
pub enum AnalyticsMsg {
    Loaded {
        period: Period,
        person: Option<i64>,
        result: Result<Box<Dashboard>, Error>,
    },
    History {
        company: i64,
        result: Result<Vec<HistoryEntry>, Error>,
    },
}

impl AnalyticsRequest {
    async fn execute(self, db: &Session) -> AnalyticsMsg {
        match self {
            AnalyticsRequest::Load { period, person } => AnalyticsMsg::Loaded {
                period,
                person,
                result: crate::db_read_lagging!(db, c => analytics::dashboard(c, period, person))
                    .map(Box::new),
            },
            AnalyticsRequest::History { company } => AnalyticsMsg::History {
                company,
                result: crate::db_read_lagging!(db, c => history::history(c, HistoryOf::Company(company), None, HISTORY_ROWS)),
            },
        }
    }
}

request!(AnalyticsRequest);
