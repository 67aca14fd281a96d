//! The 9 a.m. 抢单 burst: many reps connected through PgBouncer (transaction mode) wait at a
//! barrier; fresh leads are released in one commit; every rep grabs at once. Figures: how
//! long until every lead has an owner, claim latency, and the rules checked afterwards —
//! one owner per lead, no rep over the holding limit or the daily cap, every loser told who
//! won. Beside it, in the same run, the same burst as a bare conditional `UPDATE` through the
//! same pooler (the floor any claim through it pays).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::watch;
use tokio_postgres::types::Type;
use tokio_postgres::{Client, Config};

use crate::domain::ownership::Reason;
use crate::error::Error;
use crate::pooler::LocalPooler;
use crate::rng::SeededRng;

use super::{Latencies, Scratch, join_error};

#[derive(Debug, Clone, Copy)]
pub struct BurstOptions {
    pub reps: usize,
    pub leads: usize,
    /// Holding limit of the pool (per rep).
    pub limit: i32,
    /// Claims a rep may make per day in the pool.
    pub daily_cap: i32,
    /// PgBouncer's cap on server connections for the run (it is restarted with it).
    pub server_connections: u32,
    /// Leads each rep tries, one after another (a rep who wins keeps trying: limit and cap
    /// are what stop them).
    pub tries: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BurstViolations {
    pub leads_without_an_owner: i64,
    pub leads_claimed_twice: i64,
    pub reps_over_limit: i64,
    pub reps_over_daily_cap: i64,
    /// "Taken" answers that did not say by whom.
    pub losers_not_told: u64,
    /// The claims benchmark's checks over the pool's log (ownership chain, unlogged changes,
    /// limit in history, companies split).
    pub invariants: i64,
}

impl BurstViolations {
    pub fn total(&self) -> i64 {
        self.leads_without_an_owner
            + self.leads_claimed_twice
            + self.reps_over_limit
            + self.reps_over_daily_cap
            + self.losers_not_told as i64
            + self.invariants
    }
}

/// One side of the burst (dibs' claim, or the bare update).
#[derive(Debug, Clone, Default, Serialize)]
pub struct BurstSide {
    pub calls: u64,
    pub wins: u64,
    pub leads_owned: usize,
    /// From the release's commit until the last lead had its owner (ms); absent if some never did.
    pub all_owned_ms: Option<f64>,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub refusals: BTreeMap<String, u64>,
    pub errors: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BurstReport {
    pub reps: usize,
    pub leads: usize,
    pub limit: i32,
    pub daily_cap: i32,
    pub tries: usize,
    pub pooler_server_connections: u32,
    /// Most server connections seen on the bench database during dibs' burst.
    pub server_connections_peak: i64,
    pub connect_seconds: f64,
    pub dibs: BurstSide,
    pub baseline: BurstSide,
    pub violations: BurstViolations,
}

/// What one rep's task saw.
#[derive(Default)]
struct RepOutcome {
    latencies: Latencies,
    calls: u64,
    /// (lead, when it was won, from the release).
    wins: Vec<(i64, Duration)>,
    refusals: BTreeMap<String, u64>,
    errors: BTreeMap<String, u64>,
    losers_not_told: u64,
}

const CLAIM: &str = "select (o).ok, (o).reason, (o).other_user_name from dibs.claim_lead($1, $2) o";
const BARE_CLAIM: &str =
    "update dibs_bench_burst_baseline set owner = $2 where id = $1 and owner is null returning id";

/// Runs the burst on a scratch database of the private cluster, through a PgBouncer started
/// beside it (`dibs local start --pooler`'s, at its shipped cap).
pub async fn burst(
    direct: &Config,
    pooler: &LocalPooler,
    options: BurstOptions,
) -> Result<BurstReport, Error> {
    // Restarted so the run has its own cap (and no clients left from anything else).
    pooler.stop();
    pooler.start(options.server_connections)?;
    let scratch = Scratch::create(direct).await?;
    let result = burst_in(&scratch.config, pooler, options).await;
    scratch.cleanup().await?;
    result
}

async fn burst_in(
    config: &Config,
    pooler: &LocalPooler,
    options: BurstOptions,
) -> Result<BurstReport, Error> {
    let bench = Error::doing("bench");
    let dbname = config.get_dbname().unwrap_or("dibs").to_string();
    let mut admin = crate::db::connect(config).await?;
    let (pool, _reps, _) =
        super::claims::setup_pool(&mut admin, options.reps, 0, options.limit, None).await?;
    admin
        .execute(
            "update dibs.pools set daily_claim_cap = $2 where id = $1",
            &[&pool, &options.daily_cap],
        )
        .await
        .map_err(&bench)?;
    admin
        .batch_execute(&format!(
            "create table dibs_bench_burst_baseline (id bigint primary key, owner bigint);
             insert into dibs_bench_burst_baseline (id) select generate_series(1, {});",
            options.leads
        ))
        .await
        .map_err(&bench)?;

    // Everyone connects first (to the pooler: no server connection is taken yet).
    let connect_started = Instant::now();
    let mut reps = Vec::with_capacity(options.reps);
    for chunk in (0..options.reps).collect::<Vec<_>>().chunks(100) {
        let connecting = chunk.iter().map(|&index| {
            let config = pooler.config_for(&dbname, &super::claims::bench_login(index));
            async move { crate::db::connect(&config).await }
        });
        for client in futures_util::future::join_all(connecting).await {
            reps.push(Arc::new(client?));
        }
    }
    let connect_seconds = connect_started.elapsed().as_secs_f64();

    // dibs: release fresh leads in one commit, everyone grabs.
    let names = fresh_names(options.leads);
    let (peak_stop, peak) = watch_peak(crate::db::connect(config).await?, dbname.clone());
    let dibs_side = run_side(&reps, options, true, || release_leads(&admin, pool, &names)).await?;
    let _ = peak_stop.send(());
    let server_connections_peak = peak.await.map_err(|e| join_error(&e))?;
    let (dibs, lead_ids, losers_not_told) = dibs_side;

    // Baseline: the same burst as a bare conditional update, as the owner's login (one pool).
    let owner_reps = {
        let mut owners = Vec::with_capacity(options.reps);
        for chunk in (0..options.reps).collect::<Vec<_>>().chunks(100) {
            let connecting = chunk.iter().map(|_| {
                let config = pooler.config_for(&dbname, crate::local::SUPERUSER);
                async move { crate::db::connect(&config).await }
            });
            for client in futures_util::future::join_all(connecting).await {
                owners.push(Arc::new(client?));
            }
        }
        owners
    };
    let baseline_ids: Vec<i64> = (1..=options.leads as i64).collect();
    let (baseline, _, _) = run_side(&owner_reps, options, false, || async {
        Ok(baseline_ids.clone())
    })
    .await?;

    let violations = check(&admin, pool, &lead_ids, options, losers_not_told).await?;
    Ok(BurstReport {
        reps: options.reps,
        leads: options.leads,
        limit: options.limit,
        daily_cap: options.daily_cap,
        tries: options.tries,
        pooler_server_connections: options.server_connections,
        server_connections_peak,
        connect_seconds,
        dibs,
        baseline,
        violations,
    })
}

/// Distinct generated company names (each lead its own company, so the one-owner-per-company
/// rule does not decide the race).
fn fresh_names(count: usize) -> Vec<String> {
    let mut rng = SeededRng::new(9);
    let mut seen = HashSet::new();
    let mut names = Vec::with_capacity(count);
    while names.len() < count {
        let name = crate::seed::generate::random_company(&mut rng).name;
        if seen.insert(name.clone()) {
            names.push(name);
        }
    }
    names
}

async fn release_leads(admin: &Client, pool: i64, names: &[String]) -> Result<Vec<i64>, Error> {
    let basic: Vec<String> = names
        .iter()
        .map(|n| crate::domain::names::basic_form(n))
        .collect();
    let core: Vec<String> = names
        .iter()
        .map(|n| crate::domain::names::core_form(n))
        .collect();
    let rows = admin
        .query(
            "insert into dibs.leads (pool_id, company_name, name_basic, name_core)
             select $1, n, b, c from unnest($2::text[], $3::text[], $4::text[]) as t(n, b, c)
             returning id",
            &[&pool, &names, &basic, &core],
        )
        .await
        .map_err(Error::doing("bench (releasing the leads)"))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Releases the leads (`release` commits them), opens the barrier, and gathers every rep's
/// grabs. Returns the side's figures, the released ids and the losers not told who won.
async fn run_side<F, Fut>(
    reps: &[Arc<Client>],
    options: BurstOptions,
    through_dibs: bool,
    release: F,
) -> Result<(BurstSide, Vec<i64>, u64), Error>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Vec<i64>, Error>>,
{
    let (gate, opened) = watch::channel::<Option<(Arc<Vec<i64>>, Instant)>>(None);
    let tasks: Vec<_> = reps
        .iter()
        .enumerate()
        .map(|(index, client)| {
            let (client, mut opened) = (client.clone(), opened.clone());
            tokio::spawn(async move {
                let (leads, released) = loop {
                    if let Some(open) = opened.borrow_and_update().clone() {
                        break open;
                    }
                    if opened.changed().await.is_err() {
                        return RepOutcome::default();
                    }
                };
                grab(
                    &client,
                    index,
                    &leads,
                    released,
                    options.tries,
                    through_dibs,
                )
                .await
            })
        })
        .collect();
    drop(opened);
    let ids = release().await?;
    let _ = gate.send(Some((Arc::new(ids.clone()), Instant::now())));

    let mut side = BurstSide::default();
    let mut latencies = Latencies::default();
    let mut first_win: BTreeMap<i64, Duration> = BTreeMap::new();
    let mut losers_not_told = 0;
    for task in tasks {
        let outcome = task.await.map_err(|e| join_error(&e))?;
        side.calls += outcome.calls;
        side.wins += outcome.wins.len() as u64;
        latencies.merge(outcome.latencies);
        for (lead, at) in outcome.wins {
            let entry = first_win.entry(lead).or_insert(at);
            *entry = (*entry).min(at);
        }
        for (reason, n) in outcome.refusals {
            *side.refusals.entry(reason).or_default() += n;
        }
        for (error, n) in outcome.errors {
            *side.errors.entry(error).or_default() += n;
        }
        losers_not_told += outcome.losers_not_told;
    }
    side.leads_owned = first_win.len();
    side.all_owned_ms = (first_win.len() == ids.len())
        .then(|| first_win.values().max().map(|d| d.as_secs_f64() * 1e3))
        .flatten();
    side.p50_ms = latencies.quantile_ms(0.50);
    side.p99_ms = latencies.quantile_ms(0.99);
    side.max_ms = latencies.quantile_ms(1.0);
    Ok((side, ids, losers_not_told))
}

/// One rep at the barrier's opening: tries `tries` different leads in its own random order.
async fn grab(
    client: &Client,
    index: usize,
    leads: &[i64],
    released: Instant,
    tries: usize,
    through_dibs: bool,
) -> RepOutcome {
    let mut outcome = RepOutcome::default();
    let mut rng = SeededRng::new(index as u64 + 1);
    let mut tried = HashSet::new();
    let rep_marker = index as i64 + 1;
    while tried.len() < tries.min(leads.len()) {
        let lead = leads[rng.below(leads.len())];
        if !tried.insert(lead) {
            continue;
        }
        let started = Instant::now();
        // Unnamed statements (one round trip, nothing left on the server connection): the
        // hot path is safe through a transaction pooler without a wrapping transaction.
        let answer = if through_dibs {
            client
                .query_typed(CLAIM, &[(&lead, Type::INT8), (&None::<i64>, Type::INT8)])
                .await
        } else {
            client
                .query_typed(
                    BARE_CLAIM,
                    &[(&lead, Type::INT8), (&rep_marker, Type::INT8)],
                )
                .await
        };
        outcome.latencies.record(started.elapsed());
        outcome.calls += 1;
        match answer {
            Ok(rows) if !through_dibs => {
                if rows.is_empty() {
                    *outcome.refusals.entry("taken".into()).or_default() += 1;
                } else {
                    outcome.wins.push((lead, released.elapsed()));
                }
            }
            Ok(rows) => {
                let Some(row) = rows.first() else {
                    *outcome.errors.entry("no answer".into()).or_default() += 1;
                    continue;
                };
                let (ok, reason): (bool, String) = (row.get(0), row.get(1));
                let winner: Option<String> = row.get(2);
                if ok {
                    outcome.wins.push((lead, released.elapsed()));
                } else {
                    if Reason::parse(&reason) == Reason::AlreadyOwnedBy && winner.is_none() {
                        outcome.losers_not_told += 1;
                    }
                    *outcome.refusals.entry(reason).or_default() += 1;
                }
            }
            Err(error) => {
                let detail = crate::db::error_detail(&error);
                *outcome.errors.entry(detail).or_default() += 1;
            }
        }
    }
    outcome
}

/// Samples the bench database's server connections every 20 ms until told to stop.
fn watch_peak(
    client: Client,
    dbname: String,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<i64>,
) {
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        let mut peak = 0;
        loop {
            if let Ok(row) = client
                .query_one(
                    "select count(*) from pg_stat_activity where datname = $1
                     and backend_type = 'client backend' and usename <> current_user",
                    &[&dbname],
                )
                .await
            {
                peak = peak.max(row.get::<_, i64>(0));
            }
            tokio::select! {
                _ = &mut stopped => return peak,
                _ = tokio::time::sleep(Duration::from_millis(20)) => {}
            }
        }
    });
    (stop, handle)
}

async fn check(
    admin: &Client,
    pool: i64,
    leads: &[i64],
    options: BurstOptions,
    losers_not_told: u64,
) -> Result<BurstViolations, Error> {
    let bench = Error::doing("bench (checking)");
    let count = |sql: &'static str| async move {
        admin
            .query_one(sql, &[&pool, &leads])
            .await
            .map(|r| r.get::<_, i64>(0))
            .map_err(Error::doing("bench (checking)"))
    };
    let leads_without_an_owner = count(
        "select count(*) from dibs.leads where pool_id = $1 and id = any($2) and owner_id is null",
    )
    .await?;
    let leads_claimed_twice = count(
        "select count(*) from (select entity_id from dibs.ownership_log
         where pool_id = $1 and entity = 'lead' and entity_id = any($2) and outcome = 'ok'
           and action = 'claim' group by entity_id having count(*) > 1) twice",
    )
    .await?;
    let reps_over_limit: i64 = admin
        .query_one(
            "select count(*) from (select owner_id from dibs.leads where pool_id = $1
             and owner_id is not null group by owner_id having count(*) > $2) over",
            &[&pool, &i64::from(options.limit)],
        )
        .await
        .map_err(&bench)?
        .get(0);
    let reps_over_daily_cap: i64 = admin
        .query_one(
            "select count(*) from (select to_owner from dibs.ownership_log where pool_id = $1
             and entity = 'lead' and outcome = 'ok' and action = 'claim'
             group by to_owner having count(*) > $2) over",
            &[&pool, &i64::from(options.daily_cap)],
        )
        .await
        .map_err(&bench)?
        .get(0);
    let invariants = super::claims::check_invariants(admin, pool).await?.total();
    Ok(BurstViolations {
        leads_without_an_owner,
        leads_claimed_twice,
        reps_over_limit,
        reps_over_daily_cap,
        losers_not_told,
        invariants,
    })
}

impl BurstReport {
    pub fn text(&self) -> String {
        let side = |name: &str, s: &BurstSide| {
            format!(
                "{name:<34}{:>9}{:>8}{:>7}/{:<5}{:>10}{:>9.1}{:>9.1}{:>9.1}\n",
                s.calls,
                s.wins,
                s.leads_owned,
                self.leads,
                s.all_owned_ms
                    .map(|ms| format!("{ms:.0}"))
                    .unwrap_or_else(|| "never".into()),
                s.p50_ms,
                s.p99_ms,
                s.max_ms
            )
        };
        let mut out = format!(
            "dibs bench burst — {} reps through PgBouncer (transaction mode, {} server connections), \
             {} fresh leads released in one commit; limit {}, daily cap {}, {} tries a rep\n\
             connecting {} reps to the pooler: {:.2} s; server connections during the burst: at most {}\n",
            self.reps,
            self.pooler_server_connections,
            self.leads,
            self.limit,
            self.daily_cap,
            self.tries,
            self.reps,
            self.connect_seconds,
            self.server_connections_peak
        );
        out.push_str(&format!(
            "{:<34}{:>9}{:>8}{:>13}{:>10}{:>9}{:>9}{:>9}\n",
            "", "calls", "wins", "owned", "all (ms)", "p50 ms", "p99 ms", "max ms"
        ));
        out.push_str(&side("dibs.claim_lead", &self.dibs));
        out.push_str(&side("baseline: conditional UPDATE", &self.baseline));
        for (reason, n) in &self.dibs.refusals {
            out.push_str(&format!("  refused {reason}: {n}\n"));
        }
        for (error, n) in self.dibs.errors.iter().chain(&self.baseline.errors) {
            out.push_str(&format!("  ERROR {error}: {n}\n"));
        }
        let v = &self.violations;
        out.push_str(&format!(
            "violations: {} (leads without an owner {}, claimed twice {}, reps over limit {}, \
             over daily cap {}, losers not told who won {}, log invariants {})\n",
            v.total(),
            v.leads_without_an_owner,
            v.leads_claimed_twice,
            v.reps_over_limit,
            v.reps_over_daily_cap,
            v.losers_not_told,
            v.invariants
        ));
        out
    }
}
