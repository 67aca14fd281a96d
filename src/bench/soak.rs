//! `dibs bench soak`: faults as a normal night brings them, under load. Reps claim and
//! release, a manager assigns, two workers sweep (one leads, one stands by), the app runs
//! headless — and every `fault_every` the database is restarted or every backend is killed.
//!
//! Reported: calls that went through, were refused, or failed because of a fault (each
//! client reconnects by itself); for each fault, how long until the app was live again;
//! the ownership invariants over the whole log; and lost rows — changes a client was told
//! went through that the log does not have. The baseline is the same load in the minutes
//! before the first fault.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::mpsc;
use tokio_postgres::{Client, Config};

use super::claims::{LeadRange, Stop, Violations, check_invariants, setup_pool};
use super::{Scratch, join_error};
use crate::db::api::ownership::outcome_sql;
use crate::error::Error;
use crate::local::LocalCluster;
use crate::rng::SeededRng;
use crate::tui::app::{App, Msg, Options};
use crate::tui::chrome::Liveness;
use crate::tui::runtime::Runtime;

#[derive(Debug, Clone, Copy)]
pub struct SoakOptions {
    pub seconds: f64,
    pub fault_every: f64,
    pub reps: usize,
    pub leads: i64,
    pub holding_limit: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct FaultReport {
    pub kind: &'static str,
    /// Seconds from the start of the run.
    pub at: f64,
    /// Seconds from the end of the fault (the database answering again, or the kill) until
    /// the app's status bar said live again — which it says only once the live-event
    /// connection is remade and the app's reads work; `None`: not within 30 s, or the app
    /// never noticed the fault.
    pub app_live_again: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Calls {
    pub ok: u64,
    pub refused: u64,
    /// Failed because the connection broke or the database was down (then reconnected).
    pub failed: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SoakReport {
    pub seconds: f64,
    pub reps: usize,
    pub faults: Vec<FaultReport>,
    pub calls: Calls,
    /// Calls per second before the first fault (the baseline) and over the whole run.
    pub calls_per_s_before_faults: f64,
    pub calls_per_s_overall: f64,
    pub manager_assignments: u64,
    pub leads_recycled: i64,
    pub violations: Violations,
    /// Claims a rep was told went through that the ownership log does not have.
    pub lost_rows: i64,
    pub workers_alive_at_end: usize,
}

impl SoakReport {
    pub fn text(&self) -> String {
        let mut out = format!(
            "dibs bench soak — {:.0} s, {} reps, a manager, two workers, the app headless\n",
            self.seconds, self.reps
        );
        out += &format!(
            "calls: {} ok, {} refused, {} failed by a fault (and retried on a new connection)\n",
            self.calls.ok, self.calls.refused, self.calls.failed
        );
        out += &format!(
            "calls/s: {:.0} before the first fault (baseline) · {:.0} over the whole run\n",
            self.calls_per_s_before_faults, self.calls_per_s_overall
        );
        out += &format!(
            "manager assignments {}, leads recycled by the workers {}, workers still running {}/2\n",
            self.manager_assignments, self.leads_recycled, self.workers_alive_at_end
        );
        for fault in &self.faults {
            out += &format!(
                "fault at {:>5.1} s: {:<16} app live again after {}\n",
                fault.at,
                fault.kind,
                fault
                    .app_live_again
                    .map(|s| format!("{s:.2} s"))
                    .unwrap_or_else(|| "— (not within 30 s)".into())
            );
        }
        out += &format!(
            "invariant violations: {} ({:?})\nlost rows: {}",
            self.violations.total(),
            self.violations,
            self.lost_rows
        );
        out
    }
}

/// Runs the soak in a scratch database of `cluster` (which it restarts: the private cluster
/// only).
pub async fn soak(
    cluster: &LocalCluster,
    target: &Config,
    options: SoakOptions,
) -> Result<SoakReport, Error> {
    let scratch = Scratch::create(target).await?;
    let result = soak_in(cluster, &scratch.config, options).await;
    // The database may be restarting when the run ends: wait until it answers.
    for _ in 0..50 {
        if crate::db::connect(target).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    scratch.cleanup().await?;
    result
}

fn connection_fault(error: &Error) -> bool {
    error.is_connection_lost()
}

/// A rep's loop that survives faults: a failed call counts as failed and the rep connects
/// afresh; claims the database confirmed are remembered for the lost-row check.
async fn rep(
    config: Config,
    index: usize,
    range: LeadRange,
    stop: Stop,
    acknowledged: Arc<Mutex<HashMap<(i64, i64), u32>>>,
    before_faults: Arc<Mutex<Option<Instant>>>,
) -> (Calls, u64) {
    let LeadRange { first, span, keep } = range;
    let keep = keep as usize;
    let mut calls = Calls::default();
    let mut calls_before_faults = 0u64;
    let mut rng = SeededRng::new(index as u64 + 7);
    let mut own = config.clone();
    own.user(super::claims::bench_login(index));
    let mut held: Vec<i64> = Vec::new();
    let claim_sql = outcome_sql("(o).ok, (o).reason", "dibs.claim_lead($1)");
    let release_sql = outcome_sql("(o).ok, (o).reason", "dibs.release_lead($1)");
    while !stop.reached() {
        let Ok(client) = crate::db::connect(&own).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        let me: Option<i64> = match client.query_one("select dibs.my_id()", &[]).await {
            Ok(row) => row.get(0),
            Err(_) => continue,
        };
        let Some(me) = me else { return (calls, 0) };
        while !stop.reached() {
            let claim = held.is_empty() || (held.len() < keep && rng.chance(70)) || rng.chance(15);
            let (lead, sql) = if claim {
                (first + rng.range(0, span - 1), &claim_sql)
            } else {
                (held.swap_remove(rng.below(held.len())), &release_sql)
            };
            let answer = client
                .query_one(sql.as_str(), &[&lead])
                .await
                .map_err(|e| Error::db("soak", &e));
            let counted = before_faults
                .lock()
                .map(|b| b.is_none_or(|t| Instant::now() < t))
                .unwrap_or(false);
            if counted {
                calls_before_faults += 1;
            }
            match answer {
                Ok(row) if row.get::<_, bool>(0) => {
                    calls.ok += 1;
                    // A change (not "already yours", which changes nothing) must be logged.
                    if claim && row.get::<_, &str>(1) == "ok" {
                        held.push(lead);
                        if let Ok(mut acks) = acknowledged.lock() {
                            *acks.entry((lead, me)).or_default() += 1;
                        }
                    }
                }
                Ok(_) => calls.refused += 1,
                Err(error) if connection_fault(&error) => {
                    calls.failed += 1;
                    break;
                }
                Err(_) => calls.failed += 1,
            }
        }
    }
    (calls, calls_before_faults)
}

/// The manager: assigns an unclaimed lead to a rep now and then, as an admin would.
async fn manager(config: Config, first: i64, span: i64, reps: Vec<i64>, stop: Stop) -> u64 {
    let mut assigned = 0;
    let mut rng = SeededRng::new(4242);
    while !stop.reached() {
        let Ok(client) = crate::db::connect(&config).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        while !stop.reached() {
            let lead = first + rng.range(0, span - 1);
            let to = reps[rng.below(reps.len())];
            match crate::db::api::pool::assign(&client, &[lead], to).await {
                Ok(outcomes) => assigned += outcomes.iter().filter(|o| o.ok).count() as u64,
                Err(error) if connection_fault(&error) => break,
                Err(_) => {}
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    assigned
}

/// Kills every backend of the database but the caller's.
async fn kill_backends(config: &Config) -> Result<(), Error> {
    let client = crate::db::connect(config).await?;
    client
        .execute(
            "select pg_terminate_backend(pid) from pg_stat_activity
             where datname = current_database() and pid <> pg_backend_pid()",
            &[],
        )
        .await
        .map_err(Error::doing("soak"))?;
    Ok(())
}

async fn restart(cluster: &LocalCluster) -> Result<(), Error> {
    let cluster = cluster.clone();
    tokio::task::spawn_blocking(move || {
        cluster.stop(false)?;
        std::thread::sleep(Duration::from_secs(2));
        cluster.start()
    })
    .await
    .map_err(|e| join_error(&e))?
}

async fn soak_in(
    cluster: &LocalCluster,
    config: &Config,
    options: SoakOptions,
) -> Result<SoakReport, Error> {
    let mut client = crate::db::connect(config).await?;
    let (pool, reps, first) = setup_pool(
        &mut client,
        options.reps,
        options.leads,
        options.holding_limit,
        Some(1),
    )
    .await?;
    // Leads not followed up within 20 s go back: the workers sweep all the time.
    client
        .execute(
            "update dibs.pools set recycle_after_idle = interval '20 seconds' where id = $1",
            &[&pool],
        )
        .await
        .map_err(Error::doing("soak"))?;
    drop(client);
    let started = Instant::now();
    let stop = Stop::at(started + Duration::from_secs_f64(options.seconds));
    let acknowledged = Arc::new(Mutex::new(HashMap::new()));
    let first_fault = Arc::new(Mutex::new(None::<Instant>));

    let workers: Vec<_> = (0..2)
        .map(|_| {
            tokio::spawn(crate::worker::run(
                config.clone(),
                Duration::from_secs(1),
                false,
            ))
        })
        .collect();
    let reps_running: Vec<_> = (0..reps.len())
        .map(|index| {
            tokio::spawn(rep(
                config.clone(),
                index,
                LeadRange {
                    first,
                    span: options.leads,
                    keep: options.holding_limit,
                },
                stop.clone(),
                acknowledged.clone(),
                first_fault.clone(),
            ))
        })
        .collect();
    let manager_running = tokio::spawn(manager(
        config.clone(),
        first,
        options.leads,
        reps.clone(),
        stop.clone(),
    ));

    // The app, headless, as the first rep, with the same client settings people get.
    let mut app_config = crate::db::timeouts::interactive(config.clone());
    app_config.user(super::claims::bench_login(0));
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let db = crate::db::Session::open(&app_config).await?;
    let runtime = Runtime::start(&app_config, db.clone(), tx.clone()).without_terminal();
    let listener = tokio::spawn(crate::tui::runtime::listen::listen(
        app_config.clone(),
        db,
        tx.clone(),
    ));
    let mut app = App::new("soak".into(), crate::text::Lang::En, Options::default());
    runtime.run(app.start());

    // Faults: alternately a restart and a kill of every backend, each `fault_every`.
    let (fault_tx, mut fault_rx) = mpsc::unbounded_channel::<(&'static str, f64, Instant)>();
    let faults_running = {
        let (cluster, config, stop) = (cluster.clone(), config.clone(), stop.clone());
        let first_fault = first_fault.clone();
        let every = Duration::from_secs_f64(options.fault_every);
        tokio::spawn(async move {
            let mut n = 0;
            loop {
                let next = Instant::now() + every;
                while Instant::now() < next {
                    if stop.reached() {
                        return Ok::<(), Error>(());
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                let at = started.elapsed().as_secs_f64();
                if let Ok(mut first) = first_fault.lock() {
                    first.get_or_insert_with(Instant::now);
                }
                let kind = if n % 2 == 0 {
                    restart(&cluster).await?;
                    "restart"
                } else {
                    kill_backends(&config).await?;
                    "backends killed"
                };
                n += 1;
                let _ = fault_tx.send((kind, at, Instant::now()));
            }
        })
    };

    let mut faults: Vec<FaultReport> = Vec::new();
    // The fault being watched: when it ended, whether the app has noticed it yet.
    let mut watching: Option<(usize, Instant, bool)> = None;
    while !stop.reached() {
        tokio::select! {
            Some(msg) = rx.recv() => { runtime.apply(&mut app, msg); }
            Some((kind, at, ended)) = fault_rx.recv() => {
                if let Some((index, _, _)) = watching.take() {
                    faults[index].app_live_again = None;
                }
                faults.push(FaultReport { kind, at, app_live_again: None });
                // The app re-reads now, as a person looking at it would.
                runtime.apply(&mut app, Msg::Changed);
                watching = Some((faults.len() - 1, ended, false));
            }
            _ = tokio::time::sleep(Duration::from_millis(20)) => {}
        }
        if let Some((index, ended, noticed)) = watching {
            let live = app.liveness() == Liveness::Live;
            if !live && !noticed {
                watching = Some((index, ended, true));
            } else if live && noticed {
                faults[index].app_live_again = Some(ended.elapsed().as_secs_f64());
                watching = None;
            } else if ended.elapsed() > Duration::from_secs(30) {
                watching = None;
            }
        }
    }
    listener.abort();
    let _ = faults_running.await;

    let mut calls = Calls::default();
    let mut before = 0u64;
    for task in reps_running {
        let (tally, early) = task.await.map_err(|e| join_error(&e))?;
        calls.ok += tally.ok;
        calls.refused += tally.refused;
        calls.failed += tally.failed;
        before += early;
    }
    let manager_assignments = manager_running.await.map_err(|e| join_error(&e))?;
    let workers_alive_at_end = workers.iter().filter(|w| !w.is_finished()).count();
    for worker in &workers {
        worker.abort();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let quiet = first_fault
        .lock()
        .ok()
        .and_then(|f| *f)
        .map(|t| t.duration_since(started).as_secs_f64())
        .unwrap_or(elapsed);

    // The database may still be coming back from the last fault.
    let client = loop {
        match crate::db::connect(config).await {
            Ok(client) => break client,
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    let violations = check_invariants(&client, pool).await?;
    let lost_rows = lost_rows(&client, pool, &acknowledged).await?;
    let leads_recycled: i64 = client
        .query_one(
            "select count(*) from dibs.ownership_log where pool_id = $1 and action = 'recycle' and outcome = 'ok'",
            &[&pool],
        )
        .await
        .map_err(Error::doing("soak"))?
        .get(0);
    let total = calls.ok + calls.refused + calls.failed;
    Ok(SoakReport {
        seconds: elapsed,
        reps: options.reps,
        faults,
        calls,
        calls_per_s_before_faults: before as f64 / quiet.max(0.001),
        calls_per_s_overall: total as f64 / elapsed.max(0.001),
        manager_assignments,
        leads_recycled,
        violations,
        lost_rows,
        workers_alive_at_end,
    })
}

/// Acknowledged claims missing from the log: per (lead, rep), fewer logged claims than the
/// rep was told went through.
async fn lost_rows(
    client: &Client,
    pool: i64,
    acknowledged: &Mutex<HashMap<(i64, i64), u32>>,
) -> Result<i64, Error> {
    let logged: HashMap<(i64, i64), i64> = client
        .query(
            "select entity_id, to_owner, count(*) from dibs.ownership_log
             where entity = 'lead' and pool_id = $1 and action = 'claim' and outcome = 'ok'
             group by entity_id, to_owner",
            &[&pool],
        )
        .await
        .map_err(Error::doing("soak"))?
        .iter()
        .map(|r| ((r.get(0), r.get(1)), r.get(2)))
        .collect();
    let acks = acknowledged.lock().map(|a| a.clone()).unwrap_or_default();
    Ok(acks
        .iter()
        .map(|(key, told)| {
            let have = logged.get(key).copied().unwrap_or(0);
            (i64::from(*told) - have).max(0)
        })
        .sum())
}
