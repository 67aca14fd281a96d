//! Who the caller is and what they hold: the app's header line.

use tokio_postgres::GenericClient;

use crate::error::Error;

/// The header figures (my customers only: counting everyone's would read a million rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub display_name: String,
    pub team: String,
    pub customers: i64,
    pub pool_leads: i64,
    pub holding: i64,
    pub limit: i64,
    /// A partner's person: holding is the partner's registered companies, limit its capacity.
    pub partner: bool,
}

pub async fn figures<C: GenericClient>(client: &C) -> Result<Figures, Error> {
    let row = client
        .query_one(
            "select display_name, team, customers, pool_leads, holding, holding_limit, partner
             from dibs.my_figures()",
            &[],
        )
        .await
        .map_err(|e| Error::db("reading your figures", &e))?;
    Ok(Figures {
        display_name: row.get(0),
        team: row.get(1),
        customers: row.get(2),
        pool_leads: row.get(3),
        holding: row.get(4),
        limit: row.get(5),
        partner: row.get(6),
    })
}

/// Whether a dibs user with this login exists (the demo checks its rep).
pub async fn user_exists<C: GenericClient>(client: &C, login: &str) -> Result<bool, Error> {
    Ok(client
        .query_opt("select 1 from dibs.users where login_role = $1", &[&login])
        .await
        .map_err(|e| Error::db("looking up a user", &e))?
        .is_some())
}

/// The caller's role (rep, manager, admin, viewer, partner; none for a login that is none):
/// which tabs the app opens with. What each may do is decided in the database regardless.
pub async fn role<C: GenericClient>(client: &C) -> Result<String, Error> {
    Ok(client
        .query_one("select coalesce(dibs.my_role(), 'none')", &[])
        .await
        .map_err(|e| Error::db("reading your role", &e))?
        .get(0))
}

/// A gateway ticket for the caller's own login, valid `hours` (`sql/code/62_gateway.sql`). An
/// unnamed statement: one round trip, safe through a transaction pooler without a transaction.
pub async fn issue_ticket(client: &tokio_postgres::Client, hours: i32) -> Result<String, Error> {
    let rows = client
        .query_typed(
            "select dibs.issue_ticket($1)",
            &[(&hours, tokio_postgres::types::Type::INT4)],
        )
        .await
        .map_err(Error::doing("signing in for the gateway"))?;
    rows.first()
        .map(|row| row.get::<_, String>(0))
        .ok_or_else(|| Error::Connection {
            during: "signing in for the gateway".into(),
            detail: "no ticket came back".into(),
        })
}
