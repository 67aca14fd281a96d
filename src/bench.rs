//! `dibs bench …`: the performance targets of the issues as benchmarks that print their
//! figures beside a baseline measured in the same run, on the same server.
//!
//! Each benchmark works in a scratch database it creates and drops, so a benchmark never
//! touches real data (a recycle sweep would otherwise recycle real leads).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio_postgres::{Client, Config};

use crate::error::Error;
use crate::rng::SeededRng;
use crate::seed::copy::CopyWriter;
use crate::text::DbText;

fn db_error(err: &tokio_postgres::Error) -> Error {
    Error::db("bench", err)
}

/// A scratch database on the target's server, migrated, dropped on `cleanup`.
pub struct Scratch {
    pub config: Config,
    admin: Config,
    name: String,
}

impl Scratch {
    pub async fn create(target: &Config) -> Result<Scratch, Error> {
        let name = format!("dibs_bench_{}", std::process::id());
        let admin_client = crate::db::connect(target).await?;
        admin_client
            .batch_execute(&format!("drop database if exists {name}"))
            .await
            .map_err(|e| db_error(&e))?;
        admin_client
            .batch_execute(&format!(
                "create database {name} template template0 encoding 'UTF8' locale 'C.UTF-8'"
            ))
            .await
            .map_err(|e| db_error(&e))?;
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
            .map_err(|e| db_error(&e))
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

#[derive(Debug, Clone, Serialize)]
pub struct ClaimsReport {
    pub reps: usize,
    pub seconds: f64,
    pub leads: i64,
    pub holding_limit: i32,
    pub claims_ok: u64,
    pub ownership_calls: u64,
    pub claims_per_second: f64,
    pub calls_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub refusals: BTreeMap<String, u64>,
    pub baseline_updates_per_second: f64,
    pub baseline_p50_ms: f64,
    pub baseline_p99_ms: f64,
    pub ratio_calls_to_baseline: f64,
    pub ratio_claims_to_baseline: f64,
    pub events_published: i64,
    pub events_received: u64,
    /// WAL written per ownership call and per baseline update (what commit-time I/O pays for).
    pub wal_bytes_per_call: f64,
    pub wal_bytes_per_baseline_update: f64,
    pub violations: Violations,
}

async fn wal_position(client: &Client) -> Result<f64, Error> {
    client
        .query_one(
            "select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::float8",
            &[],
        )
        .await
        .map(|r| r.get(0))
        .map_err(|e| db_error(&e))
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Violations {
    /// A change whose previous owner was not the owner the log had at that point.
    pub broken_ownership_chain: i64,
    /// Reps holding more than their limit at the end.
    pub reps_over_limit: i64,
    /// Leads whose current owner differs from the last logged change.
    pub unlogged_changes: i64,
    /// Reps whose holdings, replayed from the log, ever exceeded the limit.
    pub limit_exceeded_in_history: i64,
}

impl Violations {
    pub fn total(&self) -> i64 {
        self.broken_ownership_chain
            + self.reps_over_limit
            + self.unlogged_changes
            + self.limit_exceeded_in_history
    }
}

fn bench_login(index: usize) -> String {
    format!("dibs_bench_rep_{index}")
}

/// Connects as the rep's own login when the server lets us (a private cluster does), else
/// as the benchmark's own login acting for the rep (an admin path that costs a little more).
async fn rep_connection(
    config: &Config,
    index: usize,
    rep: i64,
) -> Result<(Client, Option<i64>), Error> {
    let mut own = config.clone();
    own.user(bench_login(index));
    match crate::db::connect(&own).await {
        Ok(client) => Ok((client, None)),
        Err(_) => Ok((crate::db::connect(config).await?, Some(rep))),
    }
}

/// Pool, reps and leads for a benchmark. Returns (pool id, rep ids, first lead id).
pub async fn setup_pool(
    client: &mut Client,
    reps: usize,
    leads: i64,
    holding_limit: i32,
    recycle_after_idle_days: Option<i32>,
) -> Result<(i64, Vec<i64>, i64), Error> {
    let err = |e: tokio_postgres::Error| db_error(&e);
    let tx = client.transaction().await.map_err(err)?;
    let team: i64 = tx
        .query_one(
            "insert into dibs.teams (name, region) values ('压测组', '华东') returning id",
            &[],
        )
        .await
        .map_err(err)?
        .get(0);
    let pool: i64 = tx
        .query_one(
            "insert into dibs.pools (name, holding_limit, daily_claim_cap, cooldown, recycle_after_idle)
             values ('压测线索池', $1, 1000000000, '0', make_interval(days => $2)) returning id",
            &[&holding_limit, &recycle_after_idle_days],
        )
        .await
        .map_err(err)?
        .get(0);
    let mut rep_ids = Vec::with_capacity(reps);
    for index in 0..reps {
        let login = bench_login(index);
        // Reps call as themselves, as in production (the caller's own login role). Roles are
        // cluster-wide; a role left by an earlier run is reused.
        tx.batch_execute(&format!(
            "do $$ begin
                 if not exists (select 1 from pg_roles where rolname = '{login}') then
                     create role {login} login in role dibs_rep;
                 end if;
             end $$"
        ))
        .await
        .map_err(err)?;
        let id: i64 = tx
            .query_one(
                "insert into dibs.users (login_role, display_name, role, team_id) values ($1, $2, 'rep', $3) returning id",
                &[&login, &format!("压测销售{index}"), &team],
            )
            .await
            .map_err(err)?
            .get(0);
        tx.execute(
            "insert into dibs.pool_members (pool_id, user_id) values ($1, $2)",
            &[&pool, &id],
        )
        .await
        .map_err(err)?;
        rep_ids.push(id);
    }
    let first: i64 = tx
        .query_one("select coalesce(max(id), 0) + 1 from dibs.leads", &[])
        .await
        .map_err(err)?
        .get(0);
    let mut copy = CopyWriter::start(
        &tx,
        "dibs.leads",
        &["id", "pool_id", "company_name", "name_basic", "name_core"],
    )
    .await
    .map_err(err)?;
    let mut rng = SeededRng::new(99);
    let pool_text = pool.to_string();
    for offset in 0..leads {
        let company = crate::seed::generate::random_company(&mut rng);
        copy.row(&[
            Some(&(first + offset).to_string()),
            Some(&pool_text),
            Some(&company.name),
            Some(&crate::domain::names::basic_form(&company.name)),
            Some(&crate::domain::names::core_form(&company.name)),
        ])
        .await
        .map_err(err)?;
    }
    copy.finish().await.map_err(err)?;
    crate::seed::advance_sequences(&tx).await?;
    tx.commit().await.map_err(err)?;
    client
        .batch_execute("analyze dibs.leads")
        .await
        .map_err(err)?;
    Ok((pool, rep_ids, first))
}

/// When a simulated load stops: at a deadline, or when another task says so.
#[derive(Clone)]
struct Stop {
    deadline: Instant,
    flag: Arc<AtomicBool>,
}

impl Stop {
    fn at(deadline: Instant) -> Stop {
        Stop {
            deadline,
            flag: Arc::new(AtomicBool::new(false)),
        }
    }

    fn reached(&self) -> bool {
        self.flag.load(Ordering::Relaxed) || Instant::now() >= self.deadline
    }

    fn now(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }
}

/// What one simulated rep did.
#[derive(Default)]
struct RepTally {
    latencies: Latencies,
    claims_ok: u64,
    calls: u64,
    refusals: HashMap<String, u64>,
}

/// A rep's loop: claim random leads until near the limit, release some, repeat, until `deadline`.
/// The leads a simulated rep picks from (`first..first + span`) and how many it keeps.
#[derive(Clone, Copy)]
struct LeadRange {
    first: i64,
    span: i64,
    keep: i32,
}

async fn simulate_rep(
    config: Config,
    rep_index: usize,
    rep: i64,
    range: LeadRange,
    stop: Stop,
    seed: u64,
) -> Result<RepTally, Error> {
    let LeadRange {
        first: first_lead,
        span: leads,
        keep: limit,
    } = range;
    let (client, on_behalf) = rep_connection(&config, rep_index, rep).await?;
    let claim = client
        .prepare("select (o).ok, (o).reason from dibs.claim_lead($1, $2) o")
        .await
        .map_err(|e| db_error(&e))?;
    let release = client
        .prepare("select (o).ok, (o).reason from dibs.release_lead($1, $2) o")
        .await
        .map_err(|e| db_error(&e))?;
    let mut rng = SeededRng::new(seed);
    let mut held: Vec<i64> = Vec::new();
    let mut tally = RepTally::default();
    while !stop.reached() {
        // Keep claiming while well under the limit; at the limit, half the tries still
        // claim, so over_limit refusals are exercised too.
        let do_claim =
            held.is_empty() || (held.len() < limit as usize && rng.chance(70)) || rng.chance(15);
        let started = Instant::now();
        let row = if do_claim {
            let lead = first_lead + rng.range(0, leads - 1);
            let row = client
                .query_one(&claim, &[&lead, &on_behalf])
                .await
                .map_err(|e| db_error(&e))?;
            if row.get::<_, bool>(0) && row.get::<_, &str>(1) == "ok" {
                held.push(lead);
                tally.claims_ok += 1;
            }
            row
        } else {
            let lead = held.swap_remove(rng.below(held.len()));
            client
                .query_one(&release, &[&lead, &on_behalf])
                .await
                .map_err(|e| db_error(&e))?
        };
        tally.latencies.record(started.elapsed());
        tally.calls += 1;
        if !row.get::<_, bool>(0) {
            *tally.refusals.entry(row.get::<_, String>(1)).or_default() += 1;
        }
    }
    Ok(tally)
}

/// The baseline: one single-row UPDATE per transaction, the cheapest write PostgreSQL does.
async fn simulate_baseline(
    config: Config,
    rows: i64,
    deadline: Instant,
    seed: u64,
) -> Result<Latencies, Error> {
    let client = crate::db::connect(&config).await?;
    let update = client
        .prepare("update dibs_bench_baseline set n = n + 1 where id = $1")
        .await
        .map_err(|e| db_error(&e))?;
    let mut rng = SeededRng::new(seed);
    let mut latencies = Latencies::default();
    while Instant::now() < deadline {
        let id = rng.range(1, rows);
        let started = Instant::now();
        client
            .execute(&update, &[&id])
            .await
            .map_err(|e| db_error(&e))?;
        latencies.record(started.elapsed());
    }
    Ok(latencies)
}

/// Counts NOTIFY payload items on `dibs_events` until `deadline`.
async fn listen_events(config: Config, deadline: Instant) -> Result<u64, Error> {
    let mut subscription = crate::db::listen::subscribe(&config, "dibs_events").await?;
    let mut received = 0u64;
    // Keep listening a little past the deadline so the last batch arrives.
    let until = deadline + Duration::from_millis(800);
    while let Ok(Some(payload)) =
        tokio::time::timeout_at(until.into(), subscription.payloads.recv()).await
    {
        // One payload carries a batch: [["l",812,"claim",40231],…]
        received += payload.matches("],[").count() as u64 + 1;
    }
    Ok(received)
}

/// Checks I1/I2 and logging over the final state and the whole log of the bench pool.
pub async fn check_invariants(client: &Client, pool: i64) -> Result<Violations, Error> {
    let err = |e: tokio_postgres::Error| db_error(&e);
    let broken_ownership_chain: i64 = client
        .query_one(
            "select count(*) from (
                 select from_owner, lag(to_owner) over (partition by entity_id order by id) as previous,
                        row_number() over (partition by entity_id order by id) as n
                 from dibs.ownership_log
                 where entity = 'lead' and outcome = 'ok' and pool_id = $1 and action <> 'followup') chain
             where (n = 1 and from_owner is not null) or (n > 1 and from_owner is distinct from previous)",
            &[&pool],
        )
        .await
        .map_err(err)?
        .get(0);
    let reps_over_limit: i64 = client
        .query_one(
            "select count(*) from (
                 select owner_id, count(*) as held from dibs.leads
                 where pool_id = $1 and owner_id is not null and status in ('new', 'working') group by owner_id) h
             where held > dibs.effective_limit($1, owner_id)",
            &[&pool],
        )
        .await
        .map_err(err)?
        .get(0);
    let unlogged_changes: i64 = client
        .query_one(
            "select count(*) from dibs.leads l
             left join lateral (select to_owner from dibs.ownership_log g
                                where g.entity = 'lead' and g.entity_id = l.id and g.outcome = 'ok'
                                order by g.id desc limit 1) last on true
             where l.pool_id = $1 and l.owner_id is distinct from last.to_owner",
            &[&pool],
        )
        .await
        .map_err(err)?
        .get(0);
    // Per rep, every change that raises holdings is serialised by the rep's lock, so the
    // log's order for one rep is the order the changes happened in.
    let limit_exceeded_in_history: i64 = client
        .query_one(
            "with deltas as (
                 select to_owner as rep, id, 1 as delta from dibs.ownership_log
                 where entity = 'lead' and outcome = 'ok' and pool_id = $1 and to_owner is not null
                   and to_owner is distinct from from_owner
                 union all
                 select from_owner, id, -1 from dibs.ownership_log
                 where entity = 'lead' and outcome = 'ok' and pool_id = $1 and from_owner is not null
                   and to_owner is distinct from from_owner),
             running as (select rep, sum(delta) over (partition by rep order by id) as held from deltas)
             select count(distinct rep) from running where held > dibs.effective_limit($1, rep)",
            &[&pool],
        )
        .await
        .map_err(err)?
        .get(0);
    Ok(Violations {
        broken_ownership_chain,
        reps_over_limit,
        unlogged_changes,
        limit_exceeded_in_history,
    })
}

#[derive(Debug, Clone, Copy)]
pub struct ClaimsOptions {
    pub reps: usize,
    pub seconds: f64,
    pub leads: i64,
    pub holding_limit: i32,
    pub live_events: bool,
}

/// `dibs bench claims`: ownership calls vs plain updates, same concurrency, same server.
pub async fn claims(target: &Config, options: ClaimsOptions) -> Result<ClaimsReport, Error> {
    let scratch = Scratch::create(target).await?;
    let result = claims_in(&scratch.config, options).await;
    scratch.cleanup().await?;
    result
}

async fn claims_in(config: &Config, options: ClaimsOptions) -> Result<ClaimsReport, Error> {
    let mut client = crate::db::connect(config).await?;
    let (pool, reps, first_lead) = setup_pool(
        &mut client,
        options.reps,
        options.leads,
        options.holding_limit,
        None,
    )
    .await?;
    client
        .batch_execute(&format!(
            "create table dibs_bench_baseline (id bigint primary key, n bigint not null default 0);
             insert into dibs_bench_baseline (id) select generate_series(1, {});
             analyze dibs_bench_baseline",
            options.leads
        ))
        .await
        .map_err(|e| db_error(&e))?;
    let duration = Duration::from_secs_f64(options.seconds);

    // Ownership calls, with the notifier and a listener running as in production.
    let deadline = Instant::now() + duration;
    let notifier = options.live_events.then(|| {
        tokio::spawn(crate::worker::notifier_loop(
            config.clone(),
            Duration::from_millis(100),
        ))
    });
    let listener = options
        .live_events
        .then(|| tokio::spawn(listen_events(config.clone(), deadline)));
    let wal_before = wal_position(&client).await?;
    let started = Instant::now();
    let tasks: Vec<_> = reps
        .iter()
        .enumerate()
        .map(|(index, rep)| {
            tokio::spawn(simulate_rep(
                config.clone(),
                index,
                *rep,
                LeadRange {
                    first: first_lead,
                    span: options.leads,
                    keep: options.holding_limit,
                },
                Stop::at(deadline),
                index as u64 + 1,
            ))
        })
        .collect();
    let mut latencies = Latencies::default();
    let (mut claims_ok, mut calls) = (0u64, 0u64);
    let mut refusals: BTreeMap<String, u64> = BTreeMap::new();
    for task in tasks {
        let tally = task.await.map_err(|e| join_error(&e))??;
        latencies.merge(tally.latencies);
        claims_ok += tally.claims_ok;
        calls += tally.calls;
        for (reason, count) in tally.refusals {
            *refusals.entry(reason).or_default() += count;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let wal_calls = wal_position(&client).await? - wal_before;
    let events_received = match listener {
        Some(handle) => {
            // Let the notifier publish the tail before stopping it.
            tokio::time::sleep(Duration::from_millis(300)).await;
            handle.await.map_err(|e| join_error(&e))??
        }
        None => 0,
    };
    if let Some(handle) = notifier {
        handle.abort();
    }
    let events_published = crate::worker::publish_events(&client).await?;
    let events_published = events_published
        + client
            .query_one(
                "select count(*) from dibs.ownership_log where outcome = 'ok' and xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
                &[],
            )
            .await
            .map_err(|e| db_error(&e))?
            .get::<_, i64>(0)
        - events_published;

    // Baseline, same concurrency and duration.
    let deadline = Instant::now() + duration;
    let wal_before = wal_position(&client).await?;
    let started = Instant::now();
    let tasks: Vec<_> = (0..options.reps)
        .map(|index| {
            tokio::spawn(simulate_baseline(
                config.clone(),
                options.leads,
                deadline,
                1000 + index as u64,
            ))
        })
        .collect();
    let mut baseline = Latencies::default();
    for task in tasks {
        baseline.merge(task.await.map_err(|e| join_error(&e))??);
    }
    let baseline_elapsed = started.elapsed().as_secs_f64();
    let wal_baseline = wal_position(&client).await? - wal_before;
    let violations = check_invariants(&client, pool).await?;

    let baseline_rate = baseline.len() as f64 / baseline_elapsed;
    let calls_rate = calls as f64 / elapsed;
    let claims_rate = claims_ok as f64 / elapsed;
    Ok(ClaimsReport {
        reps: options.reps,
        seconds: elapsed,
        leads: options.leads,
        holding_limit: options.holding_limit,
        claims_ok,
        ownership_calls: calls,
        claims_per_second: claims_rate,
        calls_per_second: calls_rate,
        p50_ms: latencies.quantile_ms(0.50),
        p99_ms: latencies.quantile_ms(0.99),
        refusals,
        baseline_updates_per_second: baseline_rate,
        baseline_p50_ms: baseline.quantile_ms(0.50),
        baseline_p99_ms: baseline.quantile_ms(0.99),
        ratio_calls_to_baseline: if baseline_rate > 0.0 {
            calls_rate / baseline_rate
        } else {
            0.0
        },
        ratio_claims_to_baseline: if baseline_rate > 0.0 {
            claims_rate / baseline_rate
        } else {
            0.0
        },
        events_published,
        events_received,
        wal_bytes_per_call: wal_calls / (calls.max(1) as f64),
        wal_bytes_per_baseline_update: wal_baseline / (baseline.len().max(1) as f64),
        violations,
    })
}

fn join_error(err: &tokio::task::JoinError) -> Error {
    DbText::DatabaseError {
        during: "bench task".into(),
        detail: err.to_string(),
    }
    .into()
}

#[derive(Debug, Clone, Serialize)]
pub struct RecycleReport {
    pub leads: i64,
    pub due: i64,
    pub recycled: i64,
    pub sweep_seconds: f64,
    pub claim_p50_ms_quiet: f64,
    pub claim_p99_ms_quiet: f64,
    pub claim_p50_ms_during_sweep: f64,
    pub claim_p99_ms_during_sweep: f64,
    pub p99_ratio: f64,
    pub claims_quiet: usize,
    pub claims_during_sweep: usize,
    pub violations: Violations,
}

/// `dibs bench recycle`: a sweep over `leads` with `due` overdue, while reps claim; claim
/// latency during the sweep against the same load without it.
pub async fn recycle(
    target: &Config,
    leads: i64,
    due: i64,
    reps: usize,
    quiet_seconds: f64,
) -> Result<RecycleReport, Error> {
    let scratch = Scratch::create(target).await?;
    let result = recycle_in(&scratch.config, leads, due, reps, quiet_seconds).await;
    scratch.cleanup().await?;
    result
}

async fn recycle_in(
    config: &Config,
    leads: i64,
    due: i64,
    reps: usize,
    quiet_seconds: f64,
) -> Result<RecycleReport, Error> {
    let mut client = crate::db::connect(config).await?;
    // Two groups of reps: holders own the overdue leads (the sweep takes them back),
    // claimers work the pool as usual, with ordinary holdings, while the sweep runs.
    let limit = i32::try_from(due / reps.max(1) as i64 + 100).unwrap_or(i32::MAX);
    let (pool, all_reps, first_lead) =
        setup_pool(&mut client, reps * 2, leads, limit, Some(1)).await?;
    let (holders, claimers) = all_reps.split_at(reps);
    let rep_ids = claimers.to_vec();
    client
        .execute(
            "with picked as (
                 select id, $4::bigint[] as reps, row_number() over (order by id) as n
                 from dibs.leads where pool_id = $1 and id >= $2 order by id limit $3)
             update dibs.leads l set owner_id = picked.reps[1 + (picked.n % array_length(picked.reps, 1))],
                                     owned_since = now() - interval '2 days', status = 'working'
             from picked where l.id = picked.id",
            &[&pool, &first_lead, &due, &holders.to_vec()],
        )
        .await
        .map_err(|e| db_error(&e))?;
    client
        .batch_execute(&format!(
            "insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, to_owner, pool_id)
             select 'lead', id, 'assign', 'ok', 'bench', owner_id, pool_id from dibs.leads
             where pool_id = {pool} and owner_id is not null"
        ))
        .await
        .map_err(|e| db_error(&e))?;
    for sql in [
        "vacuum analyze dibs.leads",
        "vacuum analyze dibs.ownership_log",
        "checkpoint",
    ] {
        // CHECKPOINT needs a superuser; without it the phases are only a little noisier.
        let result = client.batch_execute(sql).await;
        if result.is_err() && sql != "checkpoint" {
            result.map_err(|e| db_error(&e))?;
        }
    }
    // Claims only touch the leads nobody owns.
    let claim_first = first_lead + due;
    let claim_span = leads - due;

    let run_claims = |stop: Stop| {
        let tasks: Vec<_> = rep_ids
            .iter()
            .enumerate()
            .map(|(index, rep)| {
                tokio::spawn(simulate_rep(
                    config.clone(),
                    reps + index,
                    *rep,
                    LeadRange {
                        first: claim_first,
                        span: claim_span,
                        keep: 50,
                    },
                    stop.clone(),
                    7 + index as u64,
                ))
            })
            .collect();
        async move {
            let mut latencies = Latencies::default();
            for task in tasks {
                latencies.merge(task.await.map_err(|e| join_error(&e))??.latencies);
            }
            Ok::<Latencies, Error>(latencies)
        }
    };

    // A short warm-up (connections, caches, plans) whose figures are discarded.
    run_claims(Stop::at(Instant::now() + Duration::from_secs(2))).await?;
    let mut quiet = run_claims(Stop::at(
        Instant::now() + Duration::from_secs_f64(quiet_seconds),
    ))
    .await?;

    // The same claim load again, this time while the sweep runs in batches as the worker
    // runs it; the load stops when the sweep ends (or after ten minutes at most).
    let stop = Stop::at(Instant::now() + Duration::from_secs(600));
    let claims = tokio::spawn(run_claims(stop.clone()));
    let sweep_client = crate::db::connect(config).await?;
    let started = Instant::now();
    let mut recycled = 0i64;
    loop {
        let done: i32 = sweep_client
            .query_one(
                "select dibs.recycle_leads($1)",
                &[&crate::worker::SWEEP_BATCH],
            )
            .await
            .map_err(|e| db_error(&e))?
            .get(0);
        recycled += i64::from(done);
        if done == 0 {
            break;
        }
    }
    let sweep_seconds = started.elapsed().as_secs_f64();
    stop.now();
    let mut during = claims.await.map_err(|e| join_error(&e))??;
    let violations = check_invariants(&client, pool).await?;
    let quiet_p99 = quiet.quantile_ms(0.99);
    let during_p99 = during.quantile_ms(0.99);
    Ok(RecycleReport {
        leads,
        due,
        recycled,
        sweep_seconds,
        claim_p50_ms_quiet: quiet.quantile_ms(0.50),
        claim_p99_ms_quiet: quiet_p99,
        claim_p50_ms_during_sweep: during.quantile_ms(0.50),
        claim_p99_ms_during_sweep: during_p99,
        p99_ratio: if quiet_p99 > 0.0 {
            during_p99 / quiet_p99
        } else {
            0.0
        },
        claims_quiet: quiet.len(),
        claims_during_sweep: during.len(),
        violations,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct QualityReport {
    pub records: usize,
    pub true_pairs: usize,
    pub reported_pairs: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub baseline_precision: f64,
    pub baseline_recall: f64,
    pub baseline_f1: f64,
    pub top5_queries: usize,
    pub top5_recall: f64,
    pub scan_seconds: f64,
}

/// `dibs bench dedup-quality`: precision/recall/F1 of the scan and top-5 recall of the live
/// check on the labelled Chinese set, beside exact-field matching (name or credit code).
pub async fn dedup_quality(target: &Config, companies: usize) -> Result<QualityReport, Error> {
    let scratch = Scratch::create(target).await?;
    let result = dedup_quality_in(&scratch.config, companies).await;
    scratch.cleanup().await?;
    result
}

async fn dedup_quality_in(config: &Config, companies: usize) -> Result<QualityReport, Error> {
    use crate::dedup::eval::{chinese_set, ordered, precision_recall};
    use crate::domain::score::Draft;
    use std::collections::HashSet;

    let mut client = crate::db::connect(config).await?;
    let set = chinese_set(7, companies);
    let truth = set.true_pairs();
    // One set of rules: the live check as configured, the scan without the typing bonus.
    let live_weights = crate::dedup::check::load_weights(
        &client,
        crate::ownership::Entity::Customer,
        crate::ownership::Entity::Customer,
    )
    .await?;
    let weights = crate::domain::score::Weights {
        typing: false,
        ..live_weights
    };
    let (pairs, report) = crate::dedup::scan::scan(&mut client, &set.records, &weights).await?;
    let reported: HashSet<(String, String)> =
        pairs.iter().map(|p| ordered(&p.id_a, &p.id_b)).collect();
    let (precision, recall, f1) = precision_recall(&truth, &reported);

    // Baseline: what CRMs without 查重 catch — the exact same name or the same code.
    let mut baseline = HashSet::new();
    for i in 0..set.records.len() {
        for j in i + 1..set.records.len() {
            let (a, b) = (&set.records[i], &set.records[j]);
            if a.name == b.name || (a.uscc.is_some() && a.uscc == b.uscc) {
                baseline.insert(ordered(&a.id, &b.id));
            }
        }
    }
    let (baseline_precision, baseline_recall, baseline_f1) = precision_recall(&truth, &baseline);

    // Live check: the originals are the stored customers; each variant is typed as a draft.
    let originals: Vec<usize> = (0..set.records.len())
        .filter(|i| set.original[*i])
        .collect();
    let mut customer_of_cluster = HashMap::new();
    for chunk in originals.chunks(1000) {
        let names: Vec<&str> = chunk
            .iter()
            .map(|i| set.records[*i].name.as_str())
            .collect();
        let phones: Vec<Option<&str>> = chunk
            .iter()
            .map(|i| set.records[*i].phone.as_deref())
            .collect();
        let emails: Vec<Option<&str>> = chunk
            .iter()
            .map(|i| set.records[*i].email.as_deref())
            .collect();
        let codes: Vec<Option<&str>> = chunk
            .iter()
            .map(|i| set.records[*i].uscc.as_deref())
            .collect();
        let ids: Vec<i64> = client
            .query(
                "insert into dibs.customers (name, phone, email, uscc)
                 select n, p, e, c from unnest($1::text[], $2::text[], $3::text[], $4::text[]) with ordinality as u(n, p, e, c, o)
                 order by o returning id",
                &[&names, &phones, &emails, &codes],
            )
            .await
            .map_err(|e| db_error(&e))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for (index, id) in chunk.iter().zip(ids) {
            customer_of_cluster.insert(set.cluster[*index], id);
        }
    }
    let (mut queries, mut found) = (0usize, 0usize);
    for (index, record) in set
        .records
        .iter()
        .enumerate()
        .filter(|(i, _)| !set.original[*i])
    {
        let Some(expected) = customer_of_cluster.get(&set.cluster[index]) else {
            continue;
        };
        let draft = Draft {
            name: record.name.clone(),
            uscc: record.uscc.clone(),
            phone: record.phone.clone(),
            email: record.email.clone(),
        };
        let top = crate::dedup::check::check(
            &client,
            &draft,
            crate::ownership::Entity::Customer,
            5,
            &live_weights,
        )
        .await?;
        queries += 1;
        if top.iter().any(|m| m.id == *expected) {
            found += 1;
        }
    }
    Ok(QualityReport {
        records: set.records.len(),
        true_pairs: truth.len(),
        reported_pairs: reported.len(),
        precision,
        recall,
        f1,
        baseline_precision,
        baseline_recall,
        baseline_f1,
        top5_queries: queries,
        top5_recall: if queries == 0 {
            0.0
        } else {
            found as f64 / queries as f64
        },
        scan_seconds: report.seconds,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct SpeedReport {
    pub customers: i64,
    pub queries: usize,
    /// (input length in characters, p50, p95, p99) of the live check, from the client.
    pub by_length: Vec<(usize, f64, f64, f64)>,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub baseline_queries: usize,
    pub baseline_p50_ms: f64,
    pub baseline_p95_ms: f64,
    pub baseline_p99_ms: f64,
    pub scan_records: usize,
    pub scan_seconds: f64,
    pub scan_records_per_second: f64,
}

/// `dibs bench dedup-speed`: live-check latency on the database as it is (seed it first,
/// e.g. with 1,000,000 customers) for inputs of 2–12 characters taken from stored names,
/// beside a `LIKE '%…%'` search (what a CRM without trigram indexes runs); and the scan's
/// throughput on a generated file of `scan_records` records.
pub async fn dedup_speed(
    target: &Config,
    queries: usize,
    scan_records: usize,
) -> Result<SpeedReport, Error> {
    use crate::domain::score::Draft;
    let client = crate::db::connect(target).await?;
    let customers: i64 = client
        .query_one(
            "select count(*) from dibs.customers where status = 'active'",
            &[],
        )
        .await
        .map_err(|e| db_error(&e))?
        .get(0);
    let max_id: i64 = client
        .query_one("select coalesce(max(id), 0) from dibs.customers", &[])
        .await
        .map_err(|e| db_error(&e))?
        .get(0);
    let weights = crate::dedup::check::load_weights(
        &client,
        crate::ownership::Entity::Customer,
        crate::ownership::Entity::Customer,
    )
    .await?;
    let mut rng = SeededRng::new(77);
    let mut inputs = Vec::with_capacity(queries);
    while inputs.len() < queries && max_id > 0 {
        let id = rng.range(1, max_id);
        let Some(row) = client
            .query_opt("select name from dibs.customers where id = $1", &[&id])
            .await
            .map_err(|e| db_error(&e))?
        else {
            continue;
        };
        let name: String = row.get(0);
        let length = 2 + inputs.len() % 11;
        inputs.push(name.chars().take(length).collect::<String>());
    }
    // Warm the caches the way a working server is warm.
    for input in inputs.iter().take(20) {
        let draft = Draft {
            name: input.clone(),
            ..Draft::default()
        };
        crate::dedup::check::check(
            &client,
            &draft,
            crate::ownership::Entity::Customer,
            5,
            &weights,
        )
        .await?;
    }
    let mut all = Latencies::default();
    let mut buckets: BTreeMap<usize, Latencies> = BTreeMap::new();
    for input in &inputs {
        let draft = Draft {
            name: input.clone(),
            ..Draft::default()
        };
        let started = Instant::now();
        crate::dedup::check::check(
            &client,
            &draft,
            crate::ownership::Entity::Customer,
            5,
            &weights,
        )
        .await?;
        let elapsed = started.elapsed();
        all.record(elapsed);
        buckets
            .entry(input.chars().count())
            .or_default()
            .record(elapsed);
    }
    let mut baseline = Latencies::default();
    let like = client
        .prepare("select id, name from dibs.customers where status = 'active' and name like '%' || $1 || '%' limit 5")
        .await
        .map_err(|e| db_error(&e))?;
    for input in inputs.iter().take(queries.min(50)) {
        let started = Instant::now();
        client
            .query(&like, &[input])
            .await
            .map_err(|e| db_error(&e))?;
        baseline.record(started.elapsed());
    }
    let by_length = buckets
        .into_iter()
        .map(|(length, mut l)| {
            (
                length,
                l.quantile_ms(0.5),
                l.quantile_ms(0.95),
                l.quantile_ms(0.99),
            )
        })
        .collect();

    let (scan_count, scan_seconds) = if scan_records > 0 {
        let set = crate::dedup::eval::chinese_set(9, scan_records * 10 / 28);
        let mut scan_client = crate::db::connect(target).await?;
        let mut batch = weights;
        batch.typing = false;
        let (_, report) = crate::dedup::scan::scan(&mut scan_client, &set.records, &batch).await?;
        (report.records, report.seconds)
    } else {
        (0, 0.0)
    };
    Ok(SpeedReport {
        customers,
        queries: all.len(),
        by_length,
        p50_ms: all.quantile_ms(0.5),
        p95_ms: all.quantile_ms(0.95),
        p99_ms: all.quantile_ms(0.99),
        baseline_queries: baseline.len(),
        baseline_p50_ms: baseline.quantile_ms(0.5),
        baseline_p95_ms: baseline.quantile_ms(0.95),
        baseline_p99_ms: baseline.quantile_ms(0.99),
        scan_records: scan_count,
        scan_seconds,
        scan_records_per_second: if scan_seconds > 0.0 {
            scan_count as f64 / scan_seconds
        } else {
            0.0
        },
    })
}
