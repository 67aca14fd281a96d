//! `dibs worker`: the sweeps (expire registrations, recycle, remind, auto-assign) and the
//! event notifier. Several workers may run; one leads, chosen by a session-level advisory
//! lock that PostgreSQL releases by itself if the leader's connection dies.

use std::time::Duration;

use serde::Serialize;
use tokio_postgres::{Client, Config};

use crate::db::api::worker::{self as api, Sweep};
pub use crate::db::api::worker::{Preview, preview};

use crate::error::Error;

/// Advisory-lock key (class, object) for the worker's leadership.
const LEADER_LOCK: (i32, i32) = (1147, -1);
/// Rows per sweep transaction: small, so no claim waits on a sweep for long.
pub const SWEEP_BATCH: i32 = 500;
const ASSIGN_BATCH: i32 = 100;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PassReport {
    pub registrations_expired: i64,
    pub leads_recycled: i64,
    pub customers_recycled: i64,
    pub reminders: i64,
    pub leads_assigned: i64,
}

/// Calls a batch function until it reports nothing left; each call is its own transaction.
async fn drain(client: &Client, sweep: Sweep, batch: i32) -> Result<i64, Error> {
    let mut total = 0i64;
    loop {
        let done = api::sweep_batch(client, sweep, batch).await?;
        total += i64::from(done);
        if done < batch {
            return Ok(total);
        }
    }
}

/// One pass of every sweep, in the order that keeps rules true: protections end first,
/// then recycling frees holdings, then the assigner fills them.
pub async fn run_pass(client: &Client) -> Result<PassReport, Error> {
    Ok(PassReport {
        registrations_expired: drain(client, Sweep::ExpireRegistrations, SWEEP_BATCH).await?,
        leads_recycled: drain(client, Sweep::RecycleLeads, SWEEP_BATCH).await?,
        customers_recycled: drain(client, Sweep::RecycleCustomers, SWEEP_BATCH).await?,
        reminders: drain(client, Sweep::Reminders, 1000).await?,
        leads_assigned: drain(client, Sweep::AutoAssign, ASSIGN_BATCH).await?,
    })
}

pub async fn try_lead(client: &Client) -> Result<bool, Error> {
    api::try_lead(client, LEADER_LOCK).await
}

/// Publishes committed log rows as NOTIFY batches; returns how many events went out.
pub async fn publish_events(client: &Client) -> Result<i64, Error> {
    api::publish_events(client).await
}

/// Runs the notifier until the connection fails: every `interval`, one publish call.
pub async fn notifier_loop(config: Config, interval: Duration) -> Result<(), Error> {
    let client = crate::db::connect(&config).await?;
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        publish_events(&client).await?;
    }
}

/// The worker: waits for leadership, then runs passes every `interval` and the notifier
/// every 200 ms. `once` runs a single pass (and publishes its events) and returns.
pub async fn run(
    config: Config,
    interval: Duration,
    once: bool,
) -> Result<Option<PassReport>, Error> {
    let client = crate::db::connect(&config).await?;
    if once {
        let report = run_pass(&client).await?;
        publish_events(&client).await?;
        return Ok(Some(report));
    }
    while !try_lead(&client).await? {
        tracing::info!("another worker leads; waiting");
        tokio::time::sleep(interval).await;
    }
    tracing::info!("this worker leads");
    let notifier = tokio::spawn(notifier_loop(config.clone(), Duration::from_millis(200)));
    let mut ticker = tokio::time::interval(interval);
    loop {
        ticker.tick().await;
        if notifier.is_finished() {
            return match notifier.await {
                Ok(Err(err)) => Err(err),
                _ => Ok(None),
            };
        }
        let report = run_pass(&client).await?;
        tracing::info!(?report, "worker pass");
    }
}
