//! Calls of the ownership functions (`sql/code/30_ownership.sql`): one action in, the
//! database's outcome out. No rule is decided here — the database decides.

use tokio_postgres::{GenericClient, Row};

use crate::domain::ownership::{Action, Entity, Outcome, Reason};
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
        Action::ClaimDespite { entity, id, reason } => match entity {
            Entity::Lead => query(client, "dibs.claim_lead($1, $2, $3)", &[id, who, reason]).await,
            Entity::Customer => {
                query(
                    client,
                    "dibs.claim_customer($1, $2, 'claim', $3)",
                    &[id, who, reason],
                )
                .await
            }
        },
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
        Action::PartnerRegister(r) => {
            query(
                client,
                "dibs.partner_register($1, $2, $3, $4, $5, $6)",
                &[&r.name, &r.code, &r.phone, &r.note, &r.review, &r.partner],
            )
            .await
        }
        Action::PartnerRegisterCustomer {
            customer,
            partner,
            note,
            review,
        } => {
            query(
                client,
                "dibs.partner_register_customer($1, $2, $3, $4)",
                &[customer, partner, note, review],
            )
            .await
        }
        Action::DecideReview {
            review,
            approve,
            reason,
        } => {
            query(
                client,
                "dibs.decide_review($1, $2, $3)",
                &[review, approve, reason],
            )
            .await
        }
    }?;
    Ok(outcome_from_row(&row))
}

/// The statement that runs one ownership function (`call`, e.g. `dibs.claim_lead($1, $2)`)
/// and reads `columns` of its outcome (`(o).ok, (o).reason`).
///
/// The function is called as a value, not in FROM: the claim and release wrappers are SQL
/// functions PostgreSQL inlines only there (a call in FROM runs them as ordinary SQL
/// functions, planned afresh each time), and a function in FROM also puts its one row through
/// a tuple store. `offset 0` keeps the subquery from being merged into the outer query, which
/// would call the function once per column read.
pub fn outcome_sql(columns: &str, call: &str) -> String {
    format!("select {columns} from (select {call} as o offset 0) s")
}

async fn query<C: GenericClient>(
    client: &C,
    call: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Result<Row, Error> {
    let sql = outcome_sql(OUTCOME_COLUMNS, call);
    client
        .query_one(sql.as_str(), params)
        .await
        .map_err(Error::doing("ownership"))
}

/// A user id from a login name or a number, for `--to` and `--as`.
pub async fn resolve_user<C: GenericClient>(client: &C, login_or_id: &str) -> Result<i64, Error> {
    if let Ok(id) = login_or_id.parse::<i64>() {
        return Ok(id);
    }
    client
        .query_opt(
            "select id from dibs.users where login_role = $1",
            &[&login_or_id],
        )
        .await
        .map_err(Error::doing("ownership"))?
        .map(|r| r.get(0))
        .ok_or_else(|| {
            SetupText::NoSuchUser {
                login: login_or_id.to_string(),
            }
            .into()
        })
}
