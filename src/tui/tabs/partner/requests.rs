//! The partner tab's database work: its registrations, the availability check, registering,
//! following up — each one call of the partner functions (sql/code/85_partners.sql).

use chrono::{DateTime, Utc};

use crate::db::Session;
use crate::db::api::ownership::perform;
use crate::db::api::partners;
use crate::domain::ownership::{Action as Call, Entity, Outcome, PartnerRegistration};
use crate::domain::partners::MyRegistration;
use crate::error::Error;
use crate::tui::cmd::request;

#[derive(Debug, Clone, PartialEq)]
pub enum PartnerRequest {
    Load,
    /// The availability answer for version `seq` of the form.
    Check {
        seq: u64,
        name: String,
        code: Option<String>,
        phone: Option<String>,
    },
    Register(PartnerRegistration),
    FollowUp {
        customer: i64,
        note: String,
    },
}

#[derive(Debug)]
pub enum PartnerMsg {
    Loaded(Result<Vec<MyRegistration>, Error>),
    Checked {
        seq: u64,
        answer: Result<String, Error>,
    },
    Registered(Result<(Outcome, DateTime<Utc>), Error>),
    FollowedUp(Result<(Outcome, DateTime<Utc>), Error>),
}

impl PartnerRequest {
    async fn execute(self, db: &Session) -> PartnerMsg {
        match self {
            PartnerRequest::Load => {
                PartnerMsg::Loaded(crate::db_read_lagging!(db, c => partners::my_registrations(c)))
            }
            // A check writes its audit row: it is a change, never re-run on a lost connection.
            PartnerRequest::Check {
                seq,
                name,
                code,
                phone,
            } => PartnerMsg::Checked {
                seq,
                answer: crate::db_write!(db, c => partners::check(c, None, &name, code.as_deref(), phone.as_deref())),
            },
            PartnerRequest::Register(registration) => {
                let call = Call::PartnerRegister(registration);
                PartnerMsg::Registered(
                    crate::db_write!(db, c => perform(c, &call, None)).map(|o| (o, Utc::now())),
                )
            }
            PartnerRequest::FollowUp { customer, note } => {
                let call = Call::Followup {
                    entity: Entity::Customer,
                    id: customer,
                    kind: "visit".into(),
                    note: Some(note).filter(|n| !n.trim().is_empty()),
                };
                PartnerMsg::FollowedUp(
                    crate::db_write!(db, c => perform(c, &call, None)).map(|o| (o, Utc::now())),
                )
            }
        }
    }
}

request!(PartnerRequest);
