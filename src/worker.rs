//! `dibs worker`: the sweeps (expire registrations, recycle, remind, auto-assign) and the
//! event notifier. Several workers may run; one leads, chosen by a session-level advisory
//! lock that PostgreSQL releases by itself if the leader's connection dies.

use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;
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
    /// Partner reviews nobody decided within the SLA, settled by the tie-break.
    pub reviews_settled: i64,
    pub leads_recycled: i64,
    pub customers_recycled: i64,
    pub reminders: i64,
    pub leads_assigned: i64,
    /// Claim counters of past days deleted (only today's decide the daily cap).
    pub counters_purged: i64,
}

/// How often a standby worker asks for leadership: a leader killed with `kill -9` loses its
/// lock as soon as the server notices the connection is gone, so this bounds the take-over.
const STANDBY_RETRY: Duration = Duration::from_secs(2);
/// Longest wait between attempts to reconnect.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Calls a batch function until a batch handles nothing; each call is its own transaction.
/// (A short batch is no sign of the end: rows another session holds are skipped, not done.)
async fn drain(client: &Client, sweep: Sweep, batch: i32) -> Result<i64, Error> {
    let mut total = 0i64;
    loop {
        let done = api::sweep_batch(client, sweep, batch).await?;
        total += i64::from(done);
        if done == 0 {
            return Ok(total);
        }
    }
}

/// One pass of every sweep, in the order that keeps rules true: protections end first,
/// then recycling frees holdings, then the assigner fills them.
pub async fn run_pass(client: &Client) -> Result<PassReport, Error> {
    Ok(PassReport {
        registrations_expired: drain(client, Sweep::ExpireRegistrations, SWEEP_BATCH).await?,
        reviews_settled: drain(client, Sweep::SettleReviews, 100).await?,
        leads_recycled: drain(client, Sweep::RecycleLeads, SWEEP_BATCH).await?,
        customers_recycled: drain(client, Sweep::RecycleCustomers, SWEEP_BATCH).await?,
        reminders: drain(client, Sweep::Reminders, 1000).await?,
        leads_assigned: drain(client, Sweep::AutoAssign, ASSIGN_BATCH).await?,
        counters_purged: drain(client, Sweep::PurgeCounters, SWEEP_BATCH).await?,
    })
}

pub async fn try_lead(client: &Client) -> Result<bool, Error> {
    api::try_lead(client, LEADER_LOCK).await
}

/// Publishes committed log rows as NOTIFY batches; returns how many events went out.
pub async fn publish_events(client: &Client) -> Result<i64, Error> {
    api::publish_events(client).await
}

/// Log rows per rollup transaction.
pub const ROLLUP_BATCH: i32 = 5000;
/// How often the analytics rollups are brought up to date.
pub const ROLLUP_EVERY: Duration = Duration::from_secs(2);

/// Brings the analytics rollups up to date, batch after batch; rows read.
pub async fn roll_up(client: &Client) -> Result<i64, Error> {
    let mut total = 0i64;
    loop {
        let read = api::roll_up_analytics(client, ROLLUP_BATCH).await?;
        total += i64::from(read);
        if read == 0 {
            return Ok(total);
        }
    }
}

/// Keeps the analytics rollups up to date for good, on a connection of its own (a catch-up
/// of millions of rows never holds back the live events): every `every`, everything
/// committed since. A lost connection is remade with back-off; returns only on a failure
/// waiting cannot cure (the login may not fold the logs).
pub async fn rollup_loop(config: Config, every: Duration) -> Result<(), Error> {
    let mut backoff = Backoff::new();
    loop {
        let failure = match crate::db::connect(&config).await {
            Ok(client) => {
                let mut ticker = tokio::time::interval(every);
                ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    ticker.tick().await;
                    match roll_up(&client).await {
                        Ok(_) => backoff.reset(),
                        Err(error) if passing(&error) && !error.is_connection_lost() => {}
                        Err(error) => break error,
                    }
                }
            }
            Err(error) => error,
        };
        if !failure.is_connection_lost() {
            return Err(failure);
        }
        tracing::warn!("analytics rollup: {failure}; reconnecting");
        backoff.wait().await;
    }
}

/// A failure the worker waits out rather than dies of: the connection broke or the database
/// is restarting, or this transaction lost a deadlock or serialisation conflict (the work is
/// still due and the next attempt does it).
fn passing(error: &Error) -> bool {
    error.is_connection_lost() || matches!(error.sqlstate(), Some("40P01" | "40001"))
}

/// Runs the notifier for good: every `interval`, one publish call. A lost connection is
/// logged and remade with back-off; `up`, when given, says whether it is publishing (the app
/// shows it). Returns only on a failure waiting cannot cure (the login may not publish).
pub async fn notifier_loop(
    config: Config,
    interval: Duration,
    up: Option<watch::Sender<bool>>,
) -> Result<(), Error> {
    let say = |now: bool| {
        if let Some(up) = &up {
            up.send_if_modified(|was| std::mem::replace(was, now) != now);
        }
    };
    let mut backoff = Backoff::new();
    loop {
        let failure = match crate::db::connect(&config).await {
            Ok(client) => {
                let mut ticker = tokio::time::interval(interval);
                ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    ticker.tick().await;
                    match publish_events(&client).await {
                        Ok(_) => {
                            say(true);
                            backoff.reset();
                        }
                        Err(error) if passing(&error) && !error.is_connection_lost() => {}
                        Err(error) => break error,
                    }
                }
            }
            Err(error) => error,
        };
        if !failure.is_connection_lost() {
            say(false);
            return Err(failure);
        }
        say(false);
        tracing::warn!("notifier: {failure}; reconnecting");
        backoff.wait().await;
    }
}

/// Doubling waits from a quarter second up to [`MAX_BACKOFF`].
struct Backoff(Duration);

impl Backoff {
    fn new() -> Backoff {
        Backoff(Duration::from_millis(250))
    }
    fn reset(&mut self) {
        self.0 = Duration::from_millis(250);
    }
    async fn wait(&mut self) {
        tokio::time::sleep(self.0).await;
        self.0 = (self.0 * 2).min(MAX_BACKOFF);
    }
}

/// The worker: waits for leadership, then runs passes every `interval`, the notifier
/// every 200 ms and the analytics rollups every [`ROLLUP_EVERY`], for good — a lost connection, a database restart or a deadlock is logged
/// and waited out, never fatal. `once` runs a single pass under the leader lock (or says
/// another worker leads) and returns.
pub async fn run(
    config: Config,
    interval: Duration,
    once: bool,
) -> Result<Option<PassReport>, Error> {
    if once {
        let client = crate::db::connect(&config).await?;
        if !try_lead(&client).await? {
            return Err(crate::text::OwnershipText::AnotherWorkerLeads.into());
        }
        let report = run_pass(&client).await?;
        publish_events(&client).await?;
        while roll_up(&client).await? > 0 {}
        return Ok(Some(report));
    }
    let mut backoff = Backoff::new();
    loop {
        match lead(&config, interval, &mut backoff).await {
            Err(error) if passing(&error) => {
                tracing::warn!("worker: {error}; reconnecting");
                backoff.wait().await;
            }
            Err(error) => return Err(error),
            Ok(()) => {}
        }
    }
}

/// One connection's life: stand by until leading, then sweep until the connection fails.
async fn lead(config: &Config, interval: Duration, backoff: &mut Backoff) -> Result<(), Error> {
    let client = crate::db::connect(config).await?;
    backoff.reset();
    let mut said = false;
    while !try_lead(&client).await? {
        if !said {
            tracing::info!("another worker leads; standing by");
            said = true;
        }
        tokio::time::sleep(STANDBY_RETRY).await;
    }
    tracing::info!("this worker leads");
    // The notifier lives as long as the leadership: a new leader starts its own.
    let notifier = tokio::spawn(notifier_loop(
        config.clone(),
        Duration::from_millis(200),
        None,
    ));
    let _stop_notifier = AbortOnDrop(notifier);
    let rollup = tokio::spawn(rollup_loop(config.clone(), ROLLUP_EVERY));
    let _stop_rollup = AbortOnDrop(rollup);
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match run_pass(&client).await {
            Ok(report) => tracing::info!(?report, "worker pass"),
            Err(error) if error.is_connection_lost() => return Err(error),
            // A deadlock victim, a conflict, or a record a sweep could not handle: the rows
            // are still due and the next pass tries again; a worker that exited here would
            // leave every other sweep undone.
            Err(error) => {
                tracing::warn!("worker pass: {error}; tried again at the next pass");
                eprintln!("dibs worker: {error}; tried again at the next pass");
            }
        }
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<Result<(), Error>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
