//! The ownership log read back: one record's history, or everything a person did or was
//! party to (row-level security decides what the caller sees).

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::GenericClient;

use crate::domain::ownership::Entity;
use crate::error::Error;

/// One row of the ownership log, for `dibs history`.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// Every record of one company (the analytics' drill-down).
    Company(i64),
}

pub async fn history<C: GenericClient>(
    client: &C,
    of: HistoryOf,
    action: Option<&str>,
    limit: i64,
) -> Result<Vec<HistoryEntry>, Error> {
    let (entity, id, person, company) = match of {
        HistoryOf::Record(entity, id) => (Some(entity.as_sql()), Some(id), None, None),
        HistoryOf::Person(user) => (None, None, Some(user), None),
        HistoryOf::Company(company) => (None, None, None, Some(company)),
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
               and ($6::bigint is null
                    or (g.entity = 'lead' and g.entity_id in (select id from dibs.leads where company_id = $6))
                    or (g.entity = 'customer' and g.entity_id in (select id from dibs.customers where company_id = $6)))
             order by g.at desc, g.id desc limit $5",
            &[&entity, &id, &person, &action, &limit, &company],
        )
        .await
        .map_err(|e| Error::db("history", &e))?;
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
