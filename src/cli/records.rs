//! `dibs lead …`, `dibs customer …`, `dibs history …`: the ownership API for scripts and
//! on-call admins. Every change is one database function call; refusals exit with code 3.

use std::process::ExitCode;

use chrono::Utc;
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::db::api::history::{self, HistoryOf};
use crate::db::api::ownership;
use crate::db::{self, DatabaseTarget};
use crate::domain::ownership::{Action, Entity, Outcome};
use crate::error::Error;
use crate::text::AdminText;

use super::EXIT_REFUSED;

/// Output settings shared by the record commands.
pub struct Output {
    pub json: bool,
    pub act_as: Option<String>,
}

#[derive(Debug, Args)]
pub struct ClaimArgs {
    /// One or more ids.
    #[arg(required = true)]
    pub ids: Vec<i64>,
    /// Where someone else holds the company and the rule is 'warn': why you work it too
    /// (kept, and logged with the claim).
    #[arg(long)]
    pub reason: Option<String>,
}

impl ClaimArgs {
    fn actions(self, entity: Entity) -> Vec<Action> {
        self.ids
            .into_iter()
            .map(|id| match (&self.reason, entity) {
                (Some(reason), _) => Action::ClaimDespite {
                    entity,
                    id,
                    reason: reason.clone(),
                },
                (None, Entity::Lead) => Action::ClaimLead(id),
                (None, Entity::Customer) => Action::ClaimCustomer(id),
            })
            .collect()
    }
}

#[derive(Debug, Args)]
pub struct Ids {
    /// One or more ids.
    #[arg(required = true)]
    pub ids: Vec<i64>,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    #[arg(required = true)]
    pub ids: Vec<i64>,
    /// The receiving user (login or id).
    #[arg(long)]
    pub to: String,
}

#[derive(Debug, Args)]
pub struct FollowupArgs {
    pub id: i64,
    /// call, visit, message, email, meeting or note.
    #[arg(long, default_value = "call")]
    pub kind: String,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum LeadAction {
    /// Claim leads from their pool for yourself.
    Claim(ClaimArgs),
    /// Give leads back to their pool.
    Release(Ids),
    /// Assign leads to a rep (managers for their team, admins for all).
    Assign(MoveArgs),
    /// Hand leads over to another rep.
    Transfer(MoveArgs),
    /// Lock leads (managers/admins): nobody else claims them, nothing recycles them.
    Lock(Ids),
    Unlock(Ids),
    /// Log a follow-up: resets the recycle clock.
    Followup(FollowupArgs),
    /// Convert a lead into a customer (a new one, or `--customer ID`).
    Convert {
        id: i64,
        #[arg(long)]
        customer: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CustomerAction {
    /// Claim customers from the customer pool (公海).
    Claim(ClaimArgs),
    Release(Ids),
    /// Register (报备) a customer: protection for the pool's period, extended by activity.
    /// With --partner: for that channel partner (by its people, or a channel manager's 代报备),
    /// under the partner's rules and terms.
    Register {
        id: i64,
        /// The channel partner (name or id) it is registered for.
        #[arg(long)]
        partner: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// With --partner: if direct sales hold the company, ask a neutral manager to review.
        #[arg(long, requires = "partner")]
        review: bool,
    },
    Lock(Ids),
    Unlock(Ids),
    Transfer(MoveArgs),
    Followup(FollowupArgs),
    /// Merge the ownership of DROP into KEEP (DROP becomes part of KEEP).
    MergeOwnership {
        keep: i64,
        drop: i64,
    },
    /// Merge DROP into KEEP: contacts, opportunities, follow-ups, leads and child companies
    /// move; the merge is recorded and can be undone with `unmerge`.
    Merge {
        keep: i64,
        drop: i64,
    },
    /// Undo a merge by its number (printed by `merge`).
    Unmerge {
        merge: i64,
    },
    /// Record a name the customer is also known as (曾用名, 别名, English name, 简称): the
    /// duplicate check then finds the customer by it.
    Alias {
        id: i64,
        name: String,
        #[arg(long, value_enum, default_value_t = AliasKind::Alias)]
        kind: AliasKind,
    },
    /// The names a customer is also known as.
    Aliases {
        id: i64,
    },
    /// Put a customer under another in the group tree (admins); cycles are refused.
    Reparent {
        id: i64,
        /// The new parent; leave out to make it a group of its own.
        #[arg(long)]
        parent: Option<i64>,
    },
}

/// What kind of other name a customer goes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AliasKind {
    /// 曾用名: a name it had before.
    Former,
    /// 别名: another name it is known by (工行).
    Alias,
    /// 英文名.
    English,
    /// 简称.
    Short,
}

impl AliasKind {
    pub fn as_sql(self) -> &'static str {
        match self {
            AliasKind::Former => "former",
            AliasKind::Alias => "alias",
            AliasKind::English => "english",
            AliasKind::Short => "short",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum HistoryTarget {
    Lead {
        id: i64,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Only this action (claim, release, assign, transfer, recycle, …).
        #[arg(long)]
        action: Option<String>,
    },
    Customer {
        id: i64,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        action: Option<String>,
    },
    /// Everything a person did or was party to (login or id).
    Person {
        user: String,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        action: Option<String>,
    },
}

#[derive(Serialize)]
struct Reported<'a> {
    #[serde(flatten)]
    outcome: &'a Outcome,
    message: String,
}

pub(super) async fn run_actions(
    target: &DatabaseTarget,
    actions: Vec<Action>,
    output: &Output,
) -> Result<ExitCode, Error> {
    // A person's commands wait for a held row only so long, and a claim whose command was
    // killed while it waited is stopped by the server, never committed later.
    let client = db::connect(&db::timeouts::interactive(target.config.clone())).await?;
    let on_behalf = match &output.act_as {
        Some(user) => Some(ownership::resolve_user(&client, user).await?),
        None => None,
    };
    let mut outcomes = Vec::with_capacity(actions.len());
    for action in &actions {
        outcomes.push(ownership::perform(&client, action, on_behalf).await?);
    }
    let now = Utc::now();
    if output.json {
        let reported: Vec<Reported> = outcomes
            .iter()
            .map(|o| Reported {
                outcome: o,
                message: crate::text::OwnershipText::of(o, now).to_string(),
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&reported).unwrap_or_else(|_| "[]".into())
        );
    } else {
        for outcome in &outcomes {
            let mark = if outcome.ok { "ok " } else { "NO " };
            println!(
                "{mark} {} {}: {}",
                outcome.entity.as_sql(),
                outcome.id,
                crate::text::OwnershipText::of(outcome, now)
            );
            if let Some(merge) = outcome.detail.as_ref().and_then(|d| d.get("merge")) {
                println!("    merge {merge} (undo: dibs customer unmerge {merge})");
            }
        }
    }
    let refused = outcomes.iter().any(|o| !o.ok);
    Ok(if refused {
        ExitCode::from(EXIT_REFUSED)
    } else {
        ExitCode::SUCCESS
    })
}

async fn user_id(target: &DatabaseTarget, user: &str) -> Result<i64, Error> {
    let client = db::connect(&target.config).await?;
    ownership::resolve_user(&client, user).await
}

pub async fn lead(
    target: &DatabaseTarget,
    action: LeadAction,
    output: &Output,
) -> Result<ExitCode, Error> {
    let actions = match action {
        LeadAction::Claim(args) => args.actions(Entity::Lead),
        LeadAction::Release(ids) => ids.ids.into_iter().map(Action::ReleaseLead).collect(),
        LeadAction::Assign(args) => {
            let to = user_id(target, &args.to).await?;
            args.ids
                .into_iter()
                .map(|lead| Action::AssignLead { lead, to })
                .collect()
        }
        LeadAction::Transfer(args) => {
            let to = user_id(target, &args.to).await?;
            args.ids
                .into_iter()
                .map(|lead| Action::TransferLead { lead, to })
                .collect()
        }
        LeadAction::Lock(ids) => locks(Entity::Lead, ids, true),
        LeadAction::Unlock(ids) => locks(Entity::Lead, ids, false),
        LeadAction::Followup(args) => {
            vec![Action::Followup {
                entity: Entity::Lead,
                id: args.id,
                kind: args.kind,
                note: args.note,
            }]
        }
        LeadAction::Convert { id, customer } => vec![Action::ConvertLead { lead: id, customer }],
    };
    run_actions(target, actions, output).await
}

fn locks(entity: Entity, ids: Ids, locked: bool) -> Vec<Action> {
    ids.ids
        .into_iter()
        .map(|id| Action::SetLocked { entity, id, locked })
        .collect()
}

pub async fn customer(
    target: &DatabaseTarget,
    action: CustomerAction,
    output: &Output,
) -> Result<ExitCode, Error> {
    match action {
        CustomerAction::Reparent { id, parent } => {
            return super::users::reparent(target, id, parent, output).await;
        }
        CustomerAction::Alias { id, name, kind } => {
            return super::users::alias_add(target, id, &name, kind.as_sql(), output).await;
        }
        CustomerAction::Aliases { id } => return super::users::aliases(target, id, output).await,
        _ => {}
    }
    let actions = match action {
        CustomerAction::Reparent { .. }
        | CustomerAction::Alias { .. }
        | CustomerAction::Aliases { .. } => Vec::new(),
        CustomerAction::Claim(args) => args.actions(Entity::Customer),
        CustomerAction::Release(ids) => ids.ids.into_iter().map(Action::ReleaseCustomer).collect(),
        CustomerAction::Register {
            id,
            partner: Some(partner),
            note,
            review,
        } => {
            let client = db::connect(&target.config).await?;
            let partner = crate::db::api::partners::resolve(&client, &partner).await?;
            vec![Action::PartnerRegisterCustomer {
                customer: id,
                partner: Some(partner),
                note,
                review,
            }]
        }
        CustomerAction::Register {
            id,
            partner: None,
            note,
            ..
        } => vec![Action::RegisterCustomer {
            customer: id,
            partner: None,
            note,
        }],
        CustomerAction::Lock(ids) => locks(Entity::Customer, ids, true),
        CustomerAction::Unlock(ids) => locks(Entity::Customer, ids, false),
        CustomerAction::Transfer(args) => {
            let to = user_id(target, &args.to).await?;
            args.ids
                .into_iter()
                .map(|customer| Action::TransferCustomer { customer, to })
                .collect()
        }
        CustomerAction::Followup(args) => {
            vec![Action::Followup {
                entity: Entity::Customer,
                id: args.id,
                kind: args.kind,
                note: args.note,
            }]
        }
        CustomerAction::MergeOwnership { keep, drop } => {
            vec![Action::MergeOwnership { keep, drop }]
        }
        CustomerAction::Merge { keep, drop } => vec![Action::MergeCustomers { keep, drop }],
        CustomerAction::Unmerge { merge } => vec![Action::UnmergeCustomers { merge }],
    };
    run_actions(target, actions, output).await
}

pub async fn history(
    target: &DatabaseTarget,
    which: HistoryTarget,
    output: &Output,
) -> Result<ExitCode, Error> {
    let client = db::connect(&target.config).await?;
    let (of, limit, action) = match which {
        HistoryTarget::Lead { id, limit, action } => {
            (HistoryOf::Record(Entity::Lead, id), limit, action)
        }
        HistoryTarget::Customer { id, limit, action } => {
            (HistoryOf::Record(Entity::Customer, id), limit, action)
        }
        HistoryTarget::Person {
            user,
            limit,
            action,
        } => (
            HistoryOf::Person(ownership::resolve_user(&client, &user).await?),
            limit,
            action,
        ),
    };
    let entries = history::history(&client, of, action.as_deref(), limit).await?;
    if output.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&entries).unwrap_or_else(|_| "[]".into())
        );
        return Ok(ExitCode::SUCCESS);
    }
    let dash = || "-".to_string();
    for e in entries {
        println!(
            "{}  {:<11} {:<7} {:<18} {} → {}  by {} ({})",
            e.at.format("%Y-%m-%d %H:%M:%S"),
            e.action,
            e.outcome,
            e.reason,
            e.from_owner.unwrap_or_else(dash),
            e.to_owner.unwrap_or_else(dash),
            e.actor.unwrap_or_else(|| "worker".into()),
            e.login,
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn company_rule(
    target: &DatabaseTarget,
    pair: &str,
    mode: &str,
) -> Result<ExitCode, Error> {
    let client = db::connect(&target.config).await?;
    let (ok, reason) = crate::db::api::company::set_rule(&client, pair, mode).await?;
    let what = format!("company rule {pair} = {mode}");
    if ok {
        println!("{}", AdminText::AdminDone { what, detail: None });
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{}", AdminText::AdminRefused { what, reason });
        Ok(ExitCode::from(EXIT_REFUSED))
    }
}
