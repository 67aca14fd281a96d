//! The repair hand-over from the palette, a flow with no pane of its own: `:transfer FROM TO`
//! previews what moves and what stays over the receiver's limits, asks yes and a reason, then
//! hands over; `:undo BATCH REASON` puts a hand-over back. The database decides and logs.

use std::any::Any;

use crate::db::Session;
use crate::db::api::admin::{self, AdminOutcome};
use crate::db::api::ownership::resolve_user;
use crate::error::Error;
use crate::text::{AdminText, Label};
use crate::tui::cmd::{Cmd, Intent, Note, TabMsg, request};
use crate::tui::tab::{Component, Ctx};

#[derive(Debug, Clone, PartialEq)]
pub enum RepairRequest {
    Preview {
        from: String,
        to: String,
    },
    TransferAll {
        from: i64,
        to: i64,
        reason: String,
        label: String,
    },
    Undo {
        batch: i64,
        reason: String,
    },
}

/// What a hand-over would do, for the confirm dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub from: i64,
    pub to: i64,
    pub from_login: String,
    pub to_login: String,
    pub moves: usize,
    pub stays: usize,
}

#[derive(Debug)]
pub enum RepairMsg {
    Previewed(Result<Plan, Error>),
    Done {
        what: String,
        result: Result<AdminOutcome, Error>,
    },
}

impl RepairRequest {
    async fn execute(self, db: &Session) -> RepairMsg {
        match self {
            RepairRequest::Preview { from, to } => {
                RepairMsg::Previewed(crate::db_read!(db, client => async {
                    let from_id = resolve_user(client, &from).await?;
                    let to_id = resolve_user(client, &to).await?;
                    let items = admin::transfer_all_preview(client, from_id, to_id).await?;
                    let moves = items.iter().filter(|i| i.fits).count();
                    Ok(Plan {
                        from: from_id,
                        to: to_id,
                        from_login: from.clone(),
                        to_login: to.clone(),
                        moves,
                        stays: items.len() - moves,
                    })
                }))
            }
            RepairRequest::TransferAll {
                from,
                to,
                reason,
                label,
            } => RepairMsg::Done {
                what: format!("transfer {label}"),
                result: crate::db_write!(db, c => admin::transfer_all(c, from, to, &reason)),
            },
            RepairRequest::Undo { batch, reason } => RepairMsg::Done {
                what: format!("undo {batch}"),
                result: crate::db_write!(db, c => admin::undo_transfer(c, batch, &reason)),
            },
        }
    }
}

request!(RepairRequest);

const CONFIRM: u32 = 1;
const REASON: u32 = 2;

#[derive(Debug, Default)]
pub struct Repair {
    plan: Option<Plan>,
}

impl Component for Repair {
    fn id(&self) -> &'static str {
        "repair"
    }

    fn update(&mut self, _ctx: &Ctx, msg: TabMsg) -> Vec<Cmd> {
        match msg {
            // A repair needs its why before it runs.
            TabMsg::Answer { tag: CONFIRM, yes } if yes && self.plan.is_some() => {
                vec![Cmd::Intent(Intent::Prompt {
                    label: Label::RepairReasonPrompt,
                    text: String::new(),
                    tag: REASON,
                })]
            }
            TabMsg::Answer { .. } => {
                self.plan = None;
                vec![Cmd::Redraw]
            }
            TabMsg::Prompted { tag: REASON, text } if text.is_empty() => {
                self.plan = None;
                vec![Cmd::flash(Label::RepairReasonPrompt)]
            }
            TabMsg::Prompted { tag: REASON, text } => match self.plan.take() {
                Some(plan) => vec![
                    Cmd::request(RepairRequest::TransferAll {
                        from: plan.from,
                        to: plan.to,
                        reason: text,
                        label: format!("{} → {}", plan.from_login, plan.to_login),
                    }),
                    Cmd::Redraw,
                ],
                None => Vec::new(),
            },
            TabMsg::Reply(reply) => match reply.downcast::<RepairMsg>() {
                Ok(msg) => match *msg {
                    RepairMsg::Previewed(Ok(plan)) => {
                        let question = AdminText::TransferPreview {
                            from: plan.from_login.clone(),
                            to: plan.to_login.clone(),
                            moves: plan.moves,
                            stays: plan.stays,
                        }
                        .into();
                        self.plan = Some(plan);
                        vec![Cmd::Intent(Intent::Confirm {
                            question,
                            tag: CONFIRM,
                        })]
                    }
                    RepairMsg::Previewed(Err(error)) => vec![Cmd::failed(error)],
                    RepairMsg::Done { what, result } => {
                        let note = match result {
                            Ok(outcome) => Note::Said(outcome.words(&what).into()),
                            Err(error) => Note::Failed(error),
                        };
                        vec![
                            Cmd::Intent(Intent::Flash(note)),
                            Cmd::Intent(Intent::Reload),
                        ]
                    }
                },
                Err(_) => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn commands(&self) -> &'static [&'static str] {
        &["transfer", "undo"]
    }

    fn command(&mut self, ctx: &Ctx, name: &str, args: &[&str]) -> Vec<Cmd> {
        if ctx.readonly {
            return vec![Cmd::flash(Label::ReadOnlyRefused)];
        }
        match (name, args) {
            ("transfer", [from, to]) => vec![Cmd::request(RepairRequest::Preview {
                from: from.to_string(),
                to: to.to_string(),
            })],
            ("transfer", _) => vec![Cmd::flash(Label::TransferUsage)],
            ("undo", [batch, reason @ ..]) if !reason.is_empty() => match batch.parse::<i64>() {
                Ok(batch) => vec![Cmd::request(RepairRequest::Undo {
                    batch,
                    reason: reason.join(" "),
                })],
                Err(_) => vec![Cmd::flash(Label::UndoUsage)],
            },
            _ => vec![Cmd::flash(Label::UndoUsage)],
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
