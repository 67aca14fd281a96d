//! Companies (`sql/code/32_companies.sql`): who holds one company under several records.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::GenericClient;

use crate::error::Error;

/// One record of a company held today by more than one owner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollisionRecord {
    pub company: i64,
    pub entity: String,
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub team: Option<String>,
    pub owned_since: Option<DateTime<Utc>>,
    pub last_followup: Option<DateTime<Utc>>,
}

/// Companies held today by more than one owner, within the caller's scope, record by
/// record, grouped by company (oldest holding first).
pub async fn collisions<C: GenericClient>(client: &C) -> Result<Vec<CollisionRecord>, Error> {
    let rows = client
        .query(
            "select company_id, entity::text, id, name, owner_name, team, owned_since, last_followup_at
             from dibs.company_collisions()",
            &[],
        )
        .await
        .map_err(|e| Error::db("reading companies held by more than one owner", &e))?;
    Ok(rows
        .iter()
        .map(|r| CollisionRecord {
            company: r.get(0),
            entity: r.get(1),
            id: r.get(2),
            name: r.get(3),
            owner: r.get::<_, Option<String>>(4).unwrap_or_default(),
            team: r.get(5),
            owned_since: r.get(6),
            last_followup: r.get(7),
        })
        .collect())
}

/// Sets the rule for a pair of record kinds ('lead_lead', 'lead_customer',
/// 'customer_customer') to 'block', 'warn' or 'off' (admins). Returns whether it was taken
/// and the reason code.
pub async fn set_rule<C: GenericClient>(
    client: &C,
    pair: &str,
    mode: &str,
) -> Result<(bool, String), Error> {
    let row = client
        .query_one(
            "select (r).ok, (r).reason from dibs.set_company_rule($1, $2) r",
            &[&pair, &mode],
        )
        .await
        .map_err(|e| Error::db("setting the company rule", &e))?;
    Ok((row.get(0), row.get(1)))
}
