//! The database's administration functions (`dibs.user_*`, `transfer_all`, `undo_transfer`,
//! `reparent_customer`, `alias_add`, in sql/code/61_users.sql, 71_repair.sql and 42_aliases.sql): one call shape, one
//! answer, one way to say it. The CLI and the app both use it; the database decides who may.

use serde::Serialize;
use tokio_postgres::GenericClient;
use tokio_postgres::types::ToSql;

use crate::error::Error;
use crate::text::{AdminText, SetupText};

/// The answer of an administration function (`dibs.admin_result`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdminOutcome {
    pub ok: bool,
    pub reason: String,
    pub user_id: Option<i64>,
    pub detail: Option<serde_json::Value>,
}

impl AdminOutcome {
    /// The outcome in words, naming what was asked (`what`).
    pub fn words(&self, what: &str) -> AdminText {
        if self.ok {
            AdminText::AdminDone {
                what: what.to_string(),
                detail: self.detail.as_ref().map(|d| d.to_string()),
            }
        } else {
            AdminText::AdminRefused {
                what: what.to_string(),
                reason: self.reason.clone(),
            }
        }
    }
}

pub(crate) async fn call<C: GenericClient>(
    client: &C,
    function_call: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<AdminOutcome, Error> {
    let row = client
        .query_one(
            &format!("select (r).ok, (r).reason, (r).user_id, (r).detail from {function_call} r"),
            params,
        )
        .await
        .map_err(Error::doing("user administration"))?;
    Ok(AdminOutcome {
        ok: row.get(0),
        reason: row.get(1),
        user_id: row.get(2),
        detail: row.get(3),
    })
}

/// A new person: login role and dibs user in one checked call. Only the SCRAM verifier of a
/// password ever reaches the server.
pub struct NewUser<'a> {
    pub login: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub team: Option<i64>,
    pub verifier: Option<String>,
    pub email: Option<&'a str>,
}

pub async fn user_add<C: GenericClient>(
    client: &C,
    user: &NewUser<'_>,
) -> Result<AdminOutcome, Error> {
    call(
        client,
        "dibs.user_add($1, $2, $3, $4, $5, $6)",
        &[
            &user.login,
            &user.name,
            &user.role,
            &user.team,
            &user.verifier,
            &user.email,
        ],
    )
    .await
}

pub async fn user_disable<C: GenericClient>(client: &C, user: i64) -> Result<AdminOutcome, Error> {
    call(client, "dibs.user_disable($1)", &[&user]).await
}

pub async fn user_set_role<C: GenericClient>(
    client: &C,
    user: i64,
    role: &str,
) -> Result<AdminOutcome, Error> {
    call(client, "dibs.user_set_role($1, $2)", &[&user, &role]).await
}

pub async fn user_set_team<C: GenericClient>(
    client: &C,
    user: i64,
    team: i64,
) -> Result<AdminOutcome, Error> {
    call(client, "dibs.user_set_team($1, $2)", &[&user, &team]).await
}

pub async fn user_set_limit<C: GenericClient>(
    client: &C,
    user: i64,
    pool: i64,
    limit: Option<i32>,
) -> Result<AdminOutcome, Error> {
    call(
        client,
        "dibs.user_set_limit($1, $2, $3)",
        &[&user, &pool, &limit],
    )
    .await
}

pub async fn reparent<C: GenericClient>(
    client: &C,
    customer: i64,
    parent: Option<i64>,
) -> Result<AdminOutcome, Error> {
    call(
        client,
        "dibs.reparent_customer($1, $2)",
        &[&customer, &parent],
    )
    .await
}

/// Adds a name `customer` is also known as (`kind`: former, alias, english or short).
pub async fn alias_add<C: GenericClient>(
    client: &C,
    customer: i64,
    name: &str,
    kind: &str,
) -> Result<AdminOutcome, Error> {
    call(
        client,
        "dibs.alias_add($1, $2, $3)",
        &[&customer, &name, &kind],
    )
    .await
}

/// A name a customer is also known as, and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alias {
    pub name: String,
    pub kind: String,
    pub source: String,
}

pub async fn aliases_of<C: GenericClient>(client: &C, customer: i64) -> Result<Vec<Alias>, Error> {
    let rows = client
        .query(
            "select name, kind, source from dibs.aliases_of($1)",
            &[&customer],
        )
        .await
        .map_err(Error::doing(
            "reading the names a customer is also known as",
        ))?;
    Ok(rows
        .iter()
        .map(|r| Alias {
            name: r.get(0),
            kind: r.get(1),
            source: r.get(2),
        })
        .collect())
}

pub async fn transfer_all<C: GenericClient>(
    client: &C,
    from: i64,
    to: i64,
    reason: &str,
) -> Result<AdminOutcome, Error> {
    call(
        client,
        "dibs.transfer_all($1, $2, $3)",
        &[&from, &to, &reason],
    )
    .await
}

pub async fn undo_transfer<C: GenericClient>(
    client: &C,
    batch: i64,
    reason: &str,
) -> Result<AdminOutcome, Error> {
    call(client, "dibs.undo_transfer($1, $2)", &[&batch, &reason]).await
}

/// One record a hand-over would move, and whether it fits the receiver's limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransferItem {
    pub entity: String,
    pub id: i64,
    pub name: String,
    pub pool: String,
    pub fits: bool,
}

pub async fn transfer_all_preview<C: GenericClient>(
    client: &C,
    from: i64,
    to: i64,
) -> Result<Vec<TransferItem>, Error> {
    let rows = client
        .query(
            "select entity, id, name, pool, fits from dibs.transfer_all_preview($1, $2)",
            &[&from, &to],
        )
        .await
        .map_err(Error::doing("user administration"))?;
    Ok(rows
        .iter()
        .map(|r| TransferItem {
            entity: r.get(0),
            id: r.get(1),
            name: r.get(2),
            pool: r.get(3),
            fits: r.get(4),
        })
        .collect())
}

/// What a person holds (what disabling them returns to the pools).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holding {
    pub entity: String,
    pub id: i64,
    pub name: String,
    pub pool: String,
}

pub async fn holdings<C: GenericClient>(client: &C, user: i64) -> Result<Vec<Holding>, Error> {
    let rows = client
        .query(
            "select entity, id, name, pool from dibs.user_holdings($1)",
            &[&user],
        )
        .await
        .map_err(Error::doing("user administration"))?;
    Ok(rows
        .iter()
        .map(|r| Holding {
            entity: r.get(0),
            id: r.get(1),
            name: r.get(2),
            pool: r.get(3),
        })
        .collect())
}

/// A person as `dibs user list` shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserLine {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: String,
    pub team: String,
    /// Active in dibs and allowed to log in.
    pub active: bool,
}

pub async fn users<C: GenericClient>(client: &C) -> Result<Vec<UserLine>, Error> {
    let rows = client
        .query(
            "select u.id, u.login_role::text, u.display_name, u.role::text, coalesce(t.name, '-'), u.active,
                    coalesce((select rolcanlogin from pg_roles where rolname = u.login_role), false)
             from dibs.users u left join dibs.teams t on t.id = u.team_id order by u.id",
            &[],
        )
        .await
        .map_err(Error::doing("user administration"))?;
    Ok(rows
        .iter()
        .map(|r| UserLine {
            id: r.get(0),
            login: r.get(1),
            name: r.get(2),
            role: r.get(3),
            team: r.get(4),
            active: r.get::<_, bool>(5) && r.get::<_, bool>(6),
        })
        .collect())
}

/// A team or pool by name (or a number, taken as its id).
pub async fn team_id<C: GenericClient>(client: &C, name: &str) -> Result<i64, Error> {
    lookup(
        client,
        "select id from dibs.teams where name = $1",
        name,
        "team",
    )
    .await
}

pub async fn pool_id<C: GenericClient>(client: &C, name: &str) -> Result<i64, Error> {
    lookup(
        client,
        "select id from dibs.pools where name = $1",
        name,
        "pool",
    )
    .await
}

async fn lookup<C: GenericClient>(
    client: &C,
    sql: &str,
    key: &str,
    what: &str,
) -> Result<i64, Error> {
    if let Ok(id) = key.parse::<i64>() {
        return Ok(id);
    }
    client
        .query_opt(sql, &[&key])
        .await
        .map_err(Error::doing("user administration"))?
        .map(|r| r.get(0))
        .ok_or_else(|| {
            SetupText::NoSuchThing {
                what: what.to_string(),
                name: key.to_string(),
            }
            .into()
        })
}
