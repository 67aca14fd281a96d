//! Failover: a primary and a synchronous streaming standby (two private clusters of their own
//! in a temp directory), reps claiming through a two-host URL with
//! `target_session_attrs=read-write`; the primary is stopped the way a crash stops it
//! (`pg_ctl stop -m immediate`), the standby promoted, and the reps find it by themselves.
//! Figures: the time from the kill to the first successful claim on the new primary, and
//! claims a rep was told went through that the new primary lacks (must be 0 with synchronous
//! replication). The claim rate before the kill is the same run's baseline.
//!
//! With `--patroni` the two servers are Patroni nodes with a local etcd (`crate::patroni`):
//! the leader's node dies (Patroni killed, PostgreSQL stopped as a crash stops it) and nobody
//! promotes — Patroni does, once the dead leader's key expires in etcd.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Mutex;
use tokio_postgres::Config;
use tokio_postgres::config::TargetSessionAttrs;
use tokio_postgres::types::Type;

use crate::db::api::ownership::outcome_sql;
use crate::error::Error;
use crate::local::{Durability, LocalCluster};
use crate::patroni::LocalPatroni;
use crate::rng::SeededRng;

use super::join_error;

#[derive(Debug, Clone, Copy)]
pub struct FailoverOptions {
    pub reps: usize,
    pub leads: i64,
    /// Seconds of claims before the primary is killed, and after the promotion.
    pub seconds: f64,
    /// Seconds between the kill and the promotion (what a failover manager takes to decide).
    pub promote_after: f64,
    /// Patroni and etcd decide and promote instead of the bench.
    pub patroni: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailoverReport {
    pub reps: usize,
    /// `pg_ctl promote` by the bench, or Patroni's own failover.
    pub promoted_by: String,
    pub claims_per_second_before: f64,
    pub claims_per_second_after: f64,
    pub acknowledged_claims: usize,
    /// Acknowledged claims the new primary does not have.
    pub lost_claims: usize,
    pub promote_seconds: f64,
    /// From the kill to the first claim acknowledged by the new primary.
    pub kill_to_first_claim_seconds: f64,
    pub errors_during_failover: u64,
    pub invariant_violations: i64,
    /// A `dibs worker` started against the two-host URL holds the leader lock on the new primary.
    pub worker_leads_on_new_primary: bool,
    /// Live events a listener on the two-host URL received after the promotion.
    pub events_after_promotion: u64,
    /// An open app of a rep on the same URL (its pool and its live-event loop, as the TUI runs
    /// them): its live link came back after the promotion, and a read and a claim through its
    /// pool then worked.
    pub app_live_again: bool,
    pub app_works_on_new_primary: bool,
}

static CLAIM: LazyLock<String> = LazyLock::new(|| outcome_sql("(o).ok", "dibs.claim_lead($1, $2)"));

pub async fn failover(options: FailoverOptions) -> Result<FailoverReport, Error> {
    let base = std::env::temp_dir().join(format!("dibs-failover-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).map_err(|e| Error::from(io(&e)))?;
    if options.patroni {
        let patroni = LocalPatroni::locate(base.join("patroni"), 5442)?;
        let result = run(Pair::Patroni(&patroni), options).await;
        patroni.stop();
        let _ = std::fs::remove_dir_all(&base);
        return result;
    }
    let primary = LocalCluster::locate(base.join("primary"), 5432)?;
    let standby = LocalCluster::locate(base.join("standby"), 5433)?;
    let result = run(
        Pair::Manual {
            primary: &primary,
            standby: &standby,
        },
        options,
    )
    .await;
    let _ = primary.stop(true);
    let _ = standby.stop(true);
    let _ = std::fs::remove_dir_all(&base);
    result
}

/// The two servers the benchmark fails over between.
#[derive(Clone, Copy)]
enum Pair<'a> {
    /// Two private clusters: the bench kills the primary and promotes the standby itself.
    Manual {
        primary: &'a LocalCluster,
        standby: &'a LocalCluster,
    },
    /// Two Patroni nodes with a local etcd: Patroni promotes by itself.
    Patroni(&'a LocalPatroni),
}

/// Builds the pair with the dibs database migrated and the bench's pool and reps on the
/// primary, the standby synchronous; returns (primary, standby, pool, first lead).
async fn bring_up(
    pair: Pair<'_>,
    options: FailoverOptions,
) -> Result<(LocalCluster, LocalCluster, i64, i64), Error> {
    let bench = Error::doing("bench failover");
    let (primary, standby) = match pair {
        Pair::Manual { primary, standby } => (primary.clone(), standby.clone()),
        Pair::Patroni(patroni) => {
            patroni.start().await?;
            let leader = patroni.leader().await.unwrap_or(0);
            (
                patroni.nodes[leader].clone(),
                patroni.nodes[1 - leader].clone(),
            )
        }
    };
    if let Pair::Manual { .. } = pair {
        primary.ensure_running(Durability::Durable)?;
    }
    crate::db::target::ensure_database(&primary, "dibs").await?;
    let mut admin = crate::db::connect(&primary.pg_config("dibs")).await?;
    crate::db::migrate(&mut admin).await?;
    let (pool, _reps, first_lead) =
        super::claims::setup_pool(&mut admin, options.reps, options.leads, 1_000_000, None).await?;
    drop(admin);
    if let Pair::Patroni(_) = pair {
        // Patroni already runs the standby in synchronous mode.
        return Ok((primary, standby, pool, first_lead));
    }
    let starter = standby.clone();
    let primary_for_backup = primary.clone();
    tokio::task::spawn_blocking(move || starter.start_as_standby_of(&primary_for_backup))
        .await
        .map_err(|e| join_error(&e))??;
    let admin = crate::db::connect(&primary.pg_config("dibs")).await?;
    // Synchronous: a commit returns only once the standby has the WAL.
    for _ in 0..100 {
        let streaming: i64 = admin
            .query_one(
                "select count(*) from pg_stat_replication where state = 'streaming'",
                &[],
            )
            .await
            .map_err(&bench)?
            .get(0);
        if streaming > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for statement in [
        "alter system set synchronous_standby_names = '*'",
        "select pg_reload_conf()",
    ] {
        admin.batch_execute(statement).await.map_err(&bench)?;
    }
    Ok((primary, standby, pool, first_lead))
}

/// Waits until `node` accepts writes (Patroni promoted it); false after `limit`.
async fn promoted_within(node: &LocalCluster, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if crate::patroni::accepts_writes(node).await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

fn io(e: &std::io::Error) -> crate::text::Text {
    crate::text::DbText::DatabaseError {
        during: "bench failover".into(),
        detail: e.to_string(),
    }
    .into()
}

async fn run(pair: Pair<'_>, options: FailoverOptions) -> Result<FailoverReport, Error> {
    let bench = Error::doing("bench failover");
    let (primary, standby, pool, first_lead) = bring_up(pair, options).await?;
    let (primary, standby) = (&primary, &standby);

    // Reps: a two-host URL that finds whichever accepts writes.
    let mut both = Config::new();
    both.host_path(primary.socket_dir())
        .host_path(standby.socket_dir())
        .port(primary.port)
        .port(standby.port)
        .dbname("dibs")
        .target_session_attrs(TargetSessionAttrs::ReadWrite)
        .connect_timeout(Duration::from_secs(2));
    let promoted_flag = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // A worker (leader lock, passes, notifier) and a listener, as the owner, on the same URL.
    let mut owner_both = both.clone();
    owner_both.user(crate::local::SUPERUSER);
    let worker = tokio::spawn(crate::worker::run(
        owner_both.clone(),
        Duration::from_secs(1),
        false,
    ));
    let events_after = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let listener = {
        let (config, events_after) = (owner_both.clone(), events_after.clone());
        let promoted = promoted_flag.clone();
        tokio::spawn(async move {
            loop {
                if let Ok(mut subscription) =
                    crate::db::listen::subscribe(&config, "dibs_events").await
                {
                    while subscription.payloads.recv().await.is_some() {
                        if promoted.load(std::sync::atomic::Ordering::SeqCst) {
                            events_after.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    // An open app of rep 0, as the TUI runs it: its pool and its live-event loop.
    let mut app_config = both.clone();
    app_config.user(super::claims::bench_login(0));
    let app = crate::db::Session::open(&app_config).await?;
    let app_live_again = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let app_listener = {
        let (tx, mut rx) = tokio::sync::mpsc::channel(256);
        let listening = tokio::spawn(crate::tui::runtime::listen::listen(
            app_config.clone(),
            app.clone(),
            tx,
        ));
        let (promoted, live_again) = (promoted_flag.clone(), app_live_again.clone());
        let watching = tokio::spawn(async move {
            while let Some(message) = rx.recv().await {
                if matches!(
                    message,
                    crate::tui::app::Msg::Link(crate::tui::app::Link::Events, true)
                ) && promoted.load(std::sync::atomic::Ordering::SeqCst)
                {
                    live_again.store(true, std::sync::atomic::Ordering::SeqCst);
                }
            }
        });
        (listening, watching)
    };
    let acknowledged: Arc<Mutex<HashMap<i64, String>>> = Arc::default();
    let first_after_kill: Arc<Mutex<Option<Instant>>> = Arc::default();
    let killed_at: Arc<Mutex<Option<Instant>>> = Arc::default();
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let counts_before = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counts_after = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let promoted = promoted_flag.clone();
    let mut tasks = Vec::new();
    for index in 0..options.reps {
        let mut config = both.clone();
        let login = super::claims::bench_login(index);
        config.user(&login);
        let (acknowledged, first_after_kill, killed_at, errors, stop) = (
            acknowledged.clone(),
            first_after_kill.clone(),
            killed_at.clone(),
            errors.clone(),
            stop.clone(),
        );
        let (counts_before, counts_after, promoted) = (
            counts_before.clone(),
            counts_after.clone(),
            promoted.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut rng = SeededRng::new(index as u64 + 7);
            let mut client = None;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let Some(c) = client.as_ref() else {
                    match crate::db::connect(&config).await {
                        Ok(c) => client = Some(c),
                        Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                    }
                    continue;
                };
                let lead = first_lead + rng.below(options.leads as usize) as i64;
                match c
                    .query_typed(
                        CLAIM.as_str(),
                        &[(&lead, Type::INT8), (&None::<i64>, Type::INT8)],
                    )
                    .await
                {
                    Ok(rows) => {
                        if rows.first().is_some_and(|r| r.get::<_, bool>(0)) {
                            acknowledged.lock().await.insert(lead, login.clone());
                            if killed_at.lock().await.is_some() {
                                let mut first = first_after_kill.lock().await;
                                first.get_or_insert_with(Instant::now);
                            }
                            if promoted.load(std::sync::atomic::Ordering::SeqCst) {
                                counts_after.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            } else {
                                counts_before.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            }
                        }
                    }
                    Err(_) => {
                        errors.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        client = None;
                    }
                }
            }
        }));
    }
    let run_for = Duration::from_secs_f64(options.seconds);
    tokio::time::sleep(run_for).await;
    let before = counts_before.load(std::sync::atomic::Ordering::SeqCst);
    // The crash: no checkpoint, no goodbye to the clients.
    let kill = Instant::now();
    match pair {
        Pair::Manual { .. } => {
            let victim = primary.clone();
            tokio::task::spawn_blocking(move || victim.stop(true))
                .await
                .map_err(|e| join_error(&e))??;
        }
        Pair::Patroni(patroni) => {
            let index = patroni
                .nodes
                .iter()
                .position(|node| node.root == primary.root)
                .unwrap_or(0);
            patroni.kill_node(index)?;
        }
    }
    // Marked once the old primary is down: a claim acknowledged from here on was
    // acknowledged by the new one (timed from the kill's start).
    *killed_at.lock().await = Some(kill);
    let promote_seconds = match pair {
        Pair::Manual { .. } => {
            tokio::time::sleep(Duration::from_secs_f64(options.promote_after)).await;
            let promote_started = Instant::now();
            let promoting = standby.clone();
            tokio::task::spawn_blocking(move || promoting.promote())
                .await
                .map_err(|e| join_error(&e))??;
            promote_started.elapsed().as_secs_f64()
        }
        // Nobody promotes: the figure is how long Patroni took, from the kill.
        Pair::Patroni(_) => {
            if !promoted_within(standby, Duration::from_secs(120)).await {
                return Err(crate::text::ClusterText::PatroniFailed {
                    path: standby.root.display().to_string(),
                    detail: "Patroni did not promote the standby within 120 s".into(),
                }
                .into());
            }
            kill.elapsed().as_secs_f64()
        }
    };
    promoted.store(true, std::sync::atomic::Ordering::SeqCst);
    let after_started = Instant::now();
    tokio::time::sleep(run_for).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for task in tasks {
        task.await.map_err(|e| join_error(&e))?;
    }
    let after_seconds = after_started.elapsed().as_secs_f64();
    // Let the notifier publish the tail; the worker must hold its leader lock (a session lock,
    // key 1147/-1) on the new primary by now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let survivor = crate::db::connect(&standby.pg_config("dibs")).await?;
    let worker_leads_on_new_primary: bool = survivor
        .query_one(
            "select count(*) > 0 from pg_locks
             where locktype = 'advisory' and classid = 1147 and objsubid = 2 and granted",
            &[],
        )
        .await
        .map_err(&bench)?
        .get(0);
    worker.abort();
    listener.abort();
    // The app: a read (re-run once when its connection broke, as every read is), then a claim
    // — refused or not, the call must reach the new primary.
    let app_read = crate::db_read!(&app, c => crate::db::api::me::figures(c));
    let app_claim = crate::db_write!(&app, c => crate::db::api::ownership::perform(
        c,
        &crate::domain::ownership::Action::ClaimLead(first_lead),
        None
    ));
    let app_works_on_new_primary = app_read.is_ok() && app_claim.is_ok();
    app_listener.0.abort();
    app_listener.1.abort();
    let after = counts_after.load(std::sync::atomic::Ordering::SeqCst);

    // What the new primary has.
    let owners: HashMap<i64, String> = survivor
        .query(
            "select l.id, u.login_role from dibs.leads l join dibs.users u on u.id = l.owner_id
             where l.pool_id = $1",
            &[&pool],
        )
        .await
        .map_err(&bench)?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let acknowledged = acknowledged.lock().await;
    let lost_claims = acknowledged
        .iter()
        .filter(|(lead, login)| owners.get(lead) != Some(login))
        .count();
    let invariant_violations = super::claims::check_invariants(&survivor, pool)
        .await?
        .total();
    let first = *first_after_kill.lock().await;
    Ok(FailoverReport {
        reps: options.reps,
        promoted_by: match pair {
            Pair::Manual { .. } => {
                format!("pg_ctl promote, {} s after the kill", options.promote_after)
            }
            Pair::Patroni(_) => format!(
                "Patroni (etcd leader ttl {} s), by itself",
                crate::patroni::LEADER_TTL
            ),
        },
        claims_per_second_before: before as f64 / options.seconds,
        claims_per_second_after: after as f64 / after_seconds,
        acknowledged_claims: acknowledged.len(),
        lost_claims,
        promote_seconds,
        kill_to_first_claim_seconds: first
            .map(|at| at.duration_since(kill).as_secs_f64())
            .unwrap_or(f64::NAN),
        errors_during_failover: errors.load(std::sync::atomic::Ordering::SeqCst),
        invariant_violations,
        worker_leads_on_new_primary,
        events_after_promotion: events_after.load(std::sync::atomic::Ordering::SeqCst),
        app_live_again: app_live_again.load(std::sync::atomic::Ordering::SeqCst),
        app_works_on_new_primary,
    })
}

fn yes(flag: bool) -> &'static str {
    if flag { "yes" } else { "NO" }
}

impl FailoverReport {
    pub fn text(&self) -> String {
        format!(
            "dibs bench failover — {} reps claiming through host=primary,standby \
             target_session_attrs=read-write; synchronous standby; primary stopped -m immediate\n\
             promoted by: {}\n\
             claims/s before the kill (baseline): {:.0}    after the promotion: {:.0}\n\
             promotion took {:.2} s; kill to first claim on the new primary: {:.2} s\n\
             acknowledged claims: {}    lost on the new primary: {}    errors seen by reps: {}    \
             invariant violations: {}\n\
             a worker on the same URL leads on the new primary: {}    live events heard after the promotion: {}\n\
             an open app on the same URL: live again after the promotion: {}    read and claim on the new primary: {}\n",
            self.reps,
            self.promoted_by,
            self.claims_per_second_before,
            self.claims_per_second_after,
            self.promote_seconds,
            self.kill_to_first_claim_seconds,
            self.acknowledged_claims,
            self.lost_claims,
            self.errors_during_failover,
            self.invariant_violations,
            yes(self.worker_leads_on_new_primary),
            self.events_after_promotion,
            yes(self.app_live_again),
            yes(self.app_works_on_new_primary),
        )
    }
}
