//! The customers tab's database work and its answers.

use chrono::{DateTime, Utc};

use crate::db::Session;
use crate::db::api::customers::{self, CustomerDetail};
use crate::db::api::history::HistoryEntry;
use crate::db::api::ownership::perform;
use crate::db::api::tree::{self, Around, Node};
use crate::domain::ownership::{Action as Call, Entity, NewCustomer, Outcome};
use crate::domain::score::Match;
use crate::error::Error;
use crate::tui::cmd::request;

#[derive(Debug, Clone, PartialEq)]
pub enum CustomersRequest {
    /// "My customers" (what the tab shows with nothing typed), for search number `seq`.
    Mine {
        seq: u64,
    },
    Detail(i64),
    PersonHistory(String),
    Tree(i64),
    Children(i64),
    Claim(i64),
    Save(NewCustomer),
    /// Withdraw the draft others see ("王芳 is creating …").
    ClearDraft,
}

#[derive(Debug)]
pub enum CustomersMsg {
    Mine {
        seq: u64,
        result: Result<Vec<Match>, Error>,
    },
    Detail(Result<Box<CustomerDetail>, Error>),
    PersonHistory {
        login: String,
        result: Result<Vec<HistoryEntry>, Error>,
    },
    Tree(Result<Around, Error>),
    Children {
        parent: i64,
        result: Result<Vec<Node>, Error>,
    },
    Claimed(Result<(Outcome, DateTime<Utc>), Error>),
    Saved(Result<(Outcome, DateTime<Utc>), Error>),
    DraftCleared,
}

impl CustomersRequest {
    async fn execute(self, db: &Session) -> CustomersMsg {
        match self {
            CustomersRequest::Mine { seq } => CustomersMsg::Mine {
                seq,
                result: crate::db_read_lagging!(db, c => customers::mine(c)),
            },
            CustomersRequest::Detail(id) => CustomersMsg::Detail(
                crate::db_read_lagging!(db, c => customers::detail(c, id)).map(Box::new),
            ),
            CustomersRequest::PersonHistory(login) => {
                let result = crate::db_read_lagging!(db, c => customers::person_history(c, &login));
                CustomersMsg::PersonHistory { login, result }
            }
            CustomersRequest::Tree(id) => {
                CustomersMsg::Tree(crate::db_read_lagging!(db, c => tree::around(c, id)))
            }
            CustomersRequest::Children(parent) => CustomersMsg::Children {
                parent,
                result: crate::db_read_lagging!(db, c => tree::children(c, parent)),
            },
            CustomersRequest::Claim(id) => CustomersMsg::Claimed(
                crate::db_write!(db, c => perform(c, &Call::ClaimCustomer(id), None))
                    .map(|o| (o, Utc::now())),
            ),
            CustomersRequest::Save(new) => CustomersMsg::Saved(
                crate::db_write!(db, c => perform(c, &Call::CreateCustomer(new), None))
                    .map(|o| (o, Utc::now())),
            ),
            CustomersRequest::ClearDraft => {
                let _ = crate::db_write!(db, c => crate::db::api::dedup::clear_draft(c, Entity::Customer));
                CustomersMsg::DraftCleared
            }
        }
    }
}

request!(CustomersRequest);
