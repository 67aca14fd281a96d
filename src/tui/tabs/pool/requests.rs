//! The pool tab's database work and its answers.

use chrono::{DateTime, Utc};

use crate::db::Session;
use crate::db::api::ownership::perform;
use crate::db::api::pool::{self, AssignPreview, LeadRow, PoolPage};
use crate::domain::ownership::{Action as Call, Entity, Outcome};
use crate::error::Error;
use crate::tui::cmd::request;

#[derive(Debug, Clone, PartialEq)]
pub enum PoolRequest {
    /// Re-read the pool with at least this many unclaimed rows (what is already on screen).
    Load {
        unclaimed: i64,
    },
    /// The next page of unclaimed leads after this id.
    More {
        pool: i64,
        after: i64,
    },
    /// One ownership call (claim, release).
    Change(Call),
    FollowUp {
        lead: i64,
        note: String,
    },
    PreviewAssign {
        leads: Vec<i64>,
        login: String,
    },
    Assign {
        leads: Vec<i64>,
        to: i64,
    },
}

#[derive(Debug)]
pub enum PoolMsg {
    Loaded(Result<PoolPage, Error>),
    More(Result<(Vec<LeadRow>, bool), Error>),
    /// The database's answer and when it came (refusals say "2 s ago").
    Done(Result<(Outcome, DateTime<Utc>), Error>),
    AssignPreview(Result<AssignPreview, Error>),
    Assigned(Result<(Vec<Outcome>, DateTime<Utc>), Error>),
}

/// Unclaimed leads read per page.
pub const PAGE: i64 = 200;

impl PoolRequest {
    async fn execute(self, db: &Session) -> PoolMsg {
        match self {
            PoolRequest::Load { unclaimed } => {
                PoolMsg::Loaded(crate::db_read_lagging!(db, c => pool::first_pool(c, unclaimed)))
            }
            PoolRequest::More { pool, after } => PoolMsg::More(
                crate::db_read_lagging!(db, c => pool::unclaimed_after(c, pool, after, PAGE)),
            ),
            PoolRequest::Change(call) => PoolMsg::Done(
                crate::db_write!(db, c => perform(c, &call, None)).map(|o| (o, Utc::now())),
            ),
            PoolRequest::FollowUp { lead, note } => {
                let call = Call::Followup {
                    entity: Entity::Lead,
                    id: lead,
                    kind: "call".into(),
                    note: Some(note).filter(|n| !n.is_empty()),
                };
                PoolMsg::Done(
                    crate::db_write!(db, c => perform(c, &call, None)).map(|o| (o, Utc::now())),
                )
            }
            PoolRequest::PreviewAssign { leads, login } => PoolMsg::AssignPreview(
                crate::db_read!(db, c => pool::preview_assign(c, leads.clone(), &login)),
            ),
            PoolRequest::Assign { leads, to } => PoolMsg::Assigned(
                crate::db_write!(db, c => pool::assign(c, &leads, to)).map(|o| (o, Utc::now())),
            ),
        }
    }
}

request!(PoolRequest);
