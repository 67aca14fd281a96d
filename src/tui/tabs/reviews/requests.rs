//! The review queue's database work: read it, decide one.

use chrono::{DateTime, Utc};

use crate::db::Session;
use crate::db::api::ownership::perform;
use crate::db::api::partners;
use crate::domain::ownership::{Action as Call, Outcome};
use crate::domain::partners::ReviewLine;
use crate::error::Error;
use crate::tui::cmd::request;

#[derive(Debug, Clone, PartialEq)]
pub enum ReviewsRequest {
    Load,
    Decide {
        review: i64,
        approve: bool,
        reason: String,
    },
}

#[derive(Debug)]
pub enum ReviewsMsg {
    Loaded(Result<Vec<ReviewLine>, Error>),
    Decided(Result<(Outcome, DateTime<Utc>), Error>),
}

impl ReviewsRequest {
    async fn execute(self, db: &Session) -> ReviewsMsg {
        match self {
            ReviewsRequest::Load => ReviewsMsg::Loaded(
                crate::db_read_lagging!(db, c => partners::review_queue(c, false)),
            ),
            ReviewsRequest::Decide {
                review,
                approve,
                reason,
            } => {
                let call = Call::DecideReview {
                    review,
                    approve,
                    reason,
                };
                ReviewsMsg::Decided(
                    crate::db_write!(db, c => perform(c, &call, None)).map(|o| (o, Utc::now())),
                )
            }
        }
    }
}

request!(ReviewsRequest);
