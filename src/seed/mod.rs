//! Demo data (`dibs seed --demo`) and data at scale (`dibs seed --customers N --leads M`).
//!
//! Everything is generated from one seed, so the same seed gives the same rows. Rows are
//! loaded with COPY and explicit ids (relationships are decided in memory), then the
//! identity sequences are moved past them.

pub mod demo;
pub mod generate;
pub mod history;
pub mod org;
pub mod partners;
pub mod scale;
pub mod vocab;

use tokio_postgres::Client;

use crate::error::Error;
use crate::text::SetupText;

pub use demo::seed_demo;
pub use scale::seed_scale;

pub const DEFAULT_SEED: u64 = 20_260_101;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeedReport {
    pub customers: u64,
    pub leads: u64,
    pub seconds: f64,
}

impl SeedReport {
    pub fn text(&self) -> SetupText {
        SetupText::SeedDone {
            customers: self.customers,
            leads: self.leads,
            seconds: self.seconds,
        }
    }
}

/// Seeded rows are history, as if carried over from an earlier CRM: their owners are written
/// as they were, collisions included (they are what `dibs report collisions` finds), so the
/// commit-time check of one owner per company is off for this transaction only (the
/// statement is transactional: a failed seed leaves it on). The load is a bulk write
/// (`db::bulk`).
pub async fn load_as_history(tx: &tokio_postgres::Transaction<'_>) -> Result<(), Error> {
    tx.batch_execute(
        "alter table dibs.customers disable trigger customers_90_company_owner;
         alter table dibs.leads disable trigger leads_90_company_owner",
    )
    .await
    .map_err(|e| seed_error(&e))?;
    crate::db::bulk::begin(tx).await.map_err(|e| seed_error(&e))
}

/// Turns the check back on before the seed commits.
pub async fn end_history(tx: &tokio_postgres::Transaction<'_>) -> Result<(), Error> {
    crate::db::bulk::end(tx).await.map_err(|e| seed_error(&e))?;
    tx.batch_execute(
        "alter table dibs.customers enable trigger customers_90_company_owner;
         alter table dibs.leads enable trigger leads_90_company_owner",
    )
    .await
    .map_err(|e| seed_error(&e))
}

/// True when no person and no customer exists yet: the state `dibs demo` seeds.
pub async fn database_is_empty(client: &Client) -> Result<bool, Error> {
    let row = client
        .query_one(
            "select not exists (select 1 from dibs.users) and not exists (select 1 from dibs.customers)",
            &[],
        )
        .await
        .map_err(|e| seed_error(&e))?;
    Ok(row.get(0))
}

pub(crate) fn seed_error(err: &tokio_postgres::Error) -> Error {
    Error::db("seed", err)
}

/// Moves each identity sequence past the explicit ids the seed wrote.
pub(crate) async fn advance_sequences(tx: &tokio_postgres::Transaction<'_>) -> Result<(), Error> {
    for table in [
        "teams",
        "users",
        "pools",
        "customers",
        "leads",
        "contacts",
        "opportunities",
        "followups",
        "registrations",
    ] {
        let sql = format!(
            "select setval(pg_get_serial_sequence('dibs.{table}', 'id'), \
                           greatest((select max(id) from dibs.{table}), 1))"
        );
        tx.execute(sql.as_str(), &[])
            .await
            .map_err(|e| seed_error(&e))?;
    }
    Ok(())
}

/// Whether a seeding transaction was chosen as a deadlock's victim (it was rolled back
/// whole, so it is safe to run again). Seeds create cluster-wide login roles, so two
/// databases of one cluster seeding at once (tests do) can deadlock on them.
pub(crate) fn is_deadlock<T>(result: &Result<T, Error>) -> bool {
    matches!(result, Err(e) if e.sqlstate() == Some("40P01"))
}
