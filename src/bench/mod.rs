//! `dibs bench …`: the performance targets of the issues as benchmarks that print their
//! figures beside a baseline measured in the same run, on the same server.
//!
//! Each benchmark that writes works in a scratch database it creates and drops, so a
//! benchmark never touches real data (a recycle sweep would otherwise recycle real leads).
//!
//! - `claims`: ownership calls of racing reps vs single-row updates, with the invariant check;
//! - `company`: the company check's cost on claims and a 16-way race for one company, and
//!   the company-id backfill (`company-backfill`);
//! - `recycle`: a sweep over many leads while reps claim;
//! - `dedup`: duplicate-check quality on labelled sets, and its speed at scale, beside the
//!   matcher before issue 12 (`legacy`);
//! - `rls`: what row-level security costs the app's queries;
//! - `tui`: the app (render, last key → panel, start-up, memory), on the database as it is;
//! - `render`: frame render times of every pane, with no database at all;
//! - `soak`: load with a database restart or backend kills every few minutes (faults);
//! - `analytics`: the collision rollups at 10 million log rows: catch-up, dashboard queries,
//!   and their cost on claims.

pub mod analytics;
pub mod burst;
pub mod claims;
pub mod company;
pub mod dedup;
pub mod failover;
pub mod legacy;
pub mod recycle;
pub mod render;
pub mod rls;
pub mod soak;
pub mod tui;

pub use claims::{ClaimsOptions, ClaimsReport, check_invariants, claims, setup_pool};
pub use dedup::{dedup_quality, dedup_speed};
pub use recycle::recycle;

use std::time::Duration;

use tokio_postgres::Config;

use crate::error::Error;
use crate::text::DbText;

pub(crate) fn join_error(err: &tokio::task::JoinError) -> Error {
    DbText::DatabaseError {
        during: "bench task".into(),
        detail: err.to_string(),
    }
    .into()
}

/// A scratch database on the target's server, migrated, dropped on `cleanup`.
pub struct Scratch {
    pub config: Config,
    admin: Config,
    name: String,
}

impl Scratch {
    /// A copy of the target database (made with it as the template: nobody else may be
    /// connected to it meanwhile), for benchmarks that write into data as it is.
    pub async fn copy_of(target: &Config) -> Result<Scratch, Error> {
        let name = format!("dibs_bench_copy_{}", std::process::id());
        let source = target.get_dbname().unwrap_or("dibs").replace('"', "");
        let mut admin = target.clone();
        admin.dbname("postgres");
        let admin_client = crate::db::connect(&admin).await?;
        admin_client
            .batch_execute(&format!("drop database if exists {name}"))
            .await
            .map_err(Error::doing("bench"))?;
        admin_client
            .batch_execute(&format!("create database {name} template \"{source}\""))
            .await
            .map_err(Error::doing(
                "bench (copying the database: close other sessions to it)",
            ))?;
        let mut config = target.clone();
        config.dbname(&name);
        Ok(Scratch {
            config,
            admin,
            name,
        })
    }

    pub async fn create(target: &Config) -> Result<Scratch, Error> {
        let name = format!("dibs_bench_{}", std::process::id());
        let admin_client = crate::db::connect(target).await?;
        admin_client
            .batch_execute(&format!("drop database if exists {name}"))
            .await
            .map_err(Error::doing("bench"))?;
        admin_client
            .batch_execute(&format!(
                "create database {name} template template0 encoding 'UTF8' locale 'C.UTF-8'"
            ))
            .await
            .map_err(Error::doing("bench"))?;
        let mut config = target.clone();
        config.dbname(&name);
        let mut client = crate::db::connect(&config).await?;
        crate::db::migrate(&mut client).await?;
        Ok(Scratch {
            config,
            admin: target.clone(),
            name,
        })
    }

    pub async fn cleanup(self) -> Result<(), Error> {
        let client = crate::db::connect(&self.admin).await?;
        client
            .batch_execute(&format!(
                "drop database if exists {} with (force)",
                self.name
            ))
            .await
            .map_err(Error::doing("bench"))
    }
}

/// Latencies of one kind of operation, in microseconds.
#[derive(Debug, Default, Clone)]
pub struct Latencies(Vec<u32>);

impl Latencies {
    pub fn record(&mut self, elapsed: Duration) {
        self.0
            .push(elapsed.as_micros().min(u128::from(u32::MAX)) as u32);
    }

    pub fn merge(&mut self, other: Latencies) {
        self.0.extend(other.0);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The q-quantile (0..=1) in milliseconds, nearest-rank.
    pub fn quantile_ms(&mut self, q: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        self.0.sort_unstable();
        let rank = ((q * self.0.len() as f64).ceil() as usize).clamp(1, self.0.len());
        f64::from(self.0[rank - 1]) / 1000.0
    }
}
