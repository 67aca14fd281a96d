//! Client side of the ownership engine: typed calls to the database functions in
//! `sql/code/30_ownership.sql` and their outcomes. No rule is decided here — the database
//! decides; this module only carries the answer.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::{Client, GenericClient, Row};

pub use crate::domain::ownership::{Action, Entity, NewCustomer, Outcome, Reason};
use crate::error::Error;
use crate::text::SetupText;

fn outcome_from_row(row: &Row) -> Outcome {
    let entity: String = row.get("entity_text");
    Outcome {
        ok: row.get("ok"),
        reason: Reason::parse(row.get::<_, &str>("reason")),
        entity: if entity == "customer" {
            Entity::Customer
        } else {
            Entity::Lead
        },
        id: row.get::<_, Option<i64>>("entity_id").unwrap_or_default(),
        owner_id: row.get("owner_id"),
        other_user_id: row.get("other_user_id"),
        other_user_name: row.get("other_user_name"),
        other_since: row.get("other_since"),
        detail: row.get("detail"),
    }
}

const OUTCOME_COLUMNS: &str = "(o).ok, (o).reason, (o).entity::text as entity_text, (o).entity_id, (o).owner_id, \
     (o).other_user_id, (o).other_user_name, (o).other_since, (o).detail";

fn db_error(err: &tokio_postgres::Error) -> Error {
    Error::db("ownership", err)
}

/// Runs one ownership function and returns its outcome. Refusals are outcomes, not errors;
/// errors are for a database that cannot be reached or a broken call.
pub async fn perform<C: GenericClient>(
    client: &C,
    action: &Action,
    on_behalf_of: Option<i64>,
) -> Result<Outcome, Error> {
    let who = &on_behalf_of;
    let row = match action {
        Action::ClaimLead(id) => query(client, "dibs.claim_lead($1, $2)", &[id, who]).await,
        Action::ReleaseLead(id) => query(client, "dibs.release_lead($1, $2)", &[id, who]).await,
        Action::AssignLead { lead, to } => {
            query(client, "dibs.assign_lead($1, $2, $3)", &[lead, to, who]).await
        }
        Action::TransferLead { lead, to } => {
            query(client, "dibs.transfer_lead($1, $2, $3)", &[lead, to, who]).await
        }
        Action::ClaimCustomer(id) => query(client, "dibs.claim_customer($1, $2)", &[id, who]).await,
        Action::ReleaseCustomer(id) => {
            query(client, "dibs.release_customer($1, $2)", &[id, who]).await
        }
        Action::TransferCustomer { customer, to } => {
            query(
                client,
                "dibs.transfer_customer($1, $2, $3)",
                &[customer, to, who],
            )
            .await
        }
        Action::RegisterCustomer {
            customer,
            partner,
            note,
        } => {
            query(
                client,
                "dibs.register_customer($1, $2, $3, $4)",
                &[customer, partner, note, who],
            )
            .await
        }
        Action::SetLocked { entity, id, locked } => {
            let entity = entity.as_sql();
            query(
                client,
                "dibs.set_locked($1::text::dibs.entity_kind, $2, $3, $4)",
                &[&entity, id, locked, who],
            )
            .await
        }
        Action::Followup {
            entity,
            id,
            kind,
            note,
        } => {
            let entity = entity.as_sql();
            query(
                client,
                "dibs.log_followup($1::text::dibs.entity_kind, $2, $3, $4, null, $5)",
                &[&entity, id, kind, note, who],
            )
            .await
        }
        Action::ConvertLead { lead, customer } => {
            query(
                client,
                "dibs.convert_lead($1, $2, $3)",
                &[lead, customer, who],
            )
            .await
        }
        Action::MergeOwnership { keep, drop } => {
            query(
                client,
                "dibs.merge_customer_ownership($1, $2, $3)",
                &[keep, drop, who],
            )
            .await
        }
        Action::MergeCustomers { keep, drop } => {
            query(
                client,
                "dibs.merge_customers($1, $2, $3)",
                &[keep, drop, who],
            )
            .await
        }
        Action::UnmergeCustomers { merge } => {
            query(client, "dibs.unmerge_customers($1, $2)", &[merge, who]).await
        }
        Action::CreateCustomer(c) => {
            query(
                client,
                "dibs.create_customer($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    &c.name,
                    &c.uscc,
                    &c.phone,
                    &c.email,
                    &c.region,
                    &c.industry,
                    &c.parent,
                    &c.override_reason,
                    who,
                ],
            )
            .await
        }
    }?;
    Ok(outcome_from_row(&row))
}

async fn query<C: GenericClient>(
    client: &C,
    call: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Result<Row, Error> {
    let sql = format!("select {OUTCOME_COLUMNS} from {call} o");
    client
        .query_one(sql.as_str(), params)
        .await
        .map_err(|e| db_error(&e))
}

/// A user id from a login name or a number, for `--to` and `--as`.
pub async fn resolve_user(client: &Client, login_or_id: &str) -> Result<i64, Error> {
    if let Ok(id) = login_or_id.parse::<i64>() {
        return Ok(id);
    }
    client
        .query_opt(
            "select id from dibs.users where login_role = $1",
            &[&login_or_id],
        )
        .await
        .map_err(|e| db_error(&e))?
        .map(|r| r.get(0))
        .ok_or_else(|| {
            SetupText::NoSuchUser {
                login: login_or_id.to_string(),
            }
            .into()
        })
}

/// One row of the ownership log, for `dibs history`.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    pub outcome: String,
    pub reason: String,
    pub actor: Option<String>,
    pub from_owner: Option<String>,
    pub to_owner: Option<String>,
    pub login: String,
    pub detail: Option<serde_json::Value>,
}

/// Whose history: one record's, or everything one person did or was party to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryOf {
    Record(Entity, i64),
    Person(i64),
}

pub async fn history(
    client: &Client,
    of: HistoryOf,
    action: Option<&str>,
    limit: i64,
) -> Result<Vec<HistoryEntry>, Error> {
    let (entity, id, person) = match of {
        HistoryOf::Record(entity, id) => (Some(entity.as_sql()), Some(id), None),
        HistoryOf::Person(user) => (None, None, Some(user)),
    };
    let rows = client
        .query(
            "select g.at, g.action::text, g.outcome::text, g.reason, a.display_name, f.display_name, t.display_name,
                    g.login::text, g.detail
             from dibs.ownership_log g
             left join dibs.users a on a.id = g.actor_id
             left join dibs.users f on f.id = g.from_owner
             left join dibs.users t on t.id = g.to_owner
             where ($1::text is null or (g.entity = $1::text::dibs.entity_kind and g.entity_id = $2))
               and ($3::bigint is null or $3 in (g.actor_id, g.from_owner, g.to_owner))
               and ($4::text is null or g.action::text = $4)
             order by g.at desc, g.id desc limit $5",
            &[&entity, &id, &person, &action, &limit],
        )
        .await
        .map_err(|e| db_error(&e))?;
    Ok(rows
        .iter()
        .map(|r| HistoryEntry {
            at: r.get(0),
            action: r.get(1),
            outcome: r.get(2),
            reason: r.get(3),
            actor: r.get(4),
            from_owner: r.get(5),
            to_owner: r.get(6),
            login: r.get(7),
            detail: r.get(8),
        })
        .collect())
}
