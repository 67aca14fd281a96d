//! Racing reps claiming and releasing under holding limits, beside single-row updates.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio_postgres::{Client, Config, Statement};

use crate::db::api::ownership::outcome_sql;
use crate::db::copy::CopyWriter;
use crate::error::Error;
use crate::rng::SeededRng;

#[allow(unused_imports)]
use super::{Latencies, Scratch, join_error};

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
    /// The minimal correct claim/release on the same tables (advisory lock, count,
    /// conditional update, log row), same reps and mix.
    pub minimal_calls_per_second: f64,
    pub minimal_p50_ms: f64,
    pub minimal_p99_ms: f64,
    pub ratio_calls_to_minimal: f64,
    pub baseline_updates_per_second: f64,
    pub baseline_p50_ms: f64,
    pub baseline_p99_ms: f64,
    pub ratio_calls_to_baseline: f64,
    pub ratio_claims_to_baseline: f64,
    pub events_published: i64,
    pub events_received: u64,
    /// WAL written per ownership call, per minimal call and per baseline update (what
    /// commit-time I/O pays for).
    pub wal_bytes_per_call: f64,
    pub wal_bytes_per_minimal_call: f64,
    pub wal_bytes_per_baseline_update: f64,
    pub violations: Violations,
    /// Whether each phase started right after a CHECKPOINT (false when the login may not
    /// ask for one: then the phases' full-page writes differ and the comparison is rougher).
    pub phases_start_checkpointed: bool,
}

/// Starts a measured phase from a fresh checkpoint, so that every phase pays the same
/// full-page writes. Without it the first phase ran inside the checkpoint that the bulk load
/// had started: each page it touched first was written whole to the WAL (9.3 KB a claim
/// against 5.9 KB for the same statement in the phase after it), and the phases compared
/// checkpoint timing more than code. False when the login may not checkpoint.
async fn checkpoint_before_phase(client: &Client) -> Result<bool, Error> {
    match client.batch_execute("checkpoint").await {
        Ok(()) => Ok(true),
        Err(error)
            if error.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) =>
        {
            Ok(false)
        }
        Err(error) => Err(Error::doing("bench")(error)),
    }
}

async fn wal_position(client: &Client) -> Result<f64, Error> {
    client
        .query_one(
            "select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::float8",
            &[],
        )
        .await
        .map(|r| r.get(0))
        .map_err(Error::doing("bench"))
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
    /// Companies with records held by two owners at the end without a logged override (I7).
    pub companies_split: i64,
}

impl Violations {
    fn add(&mut self, other: &Violations) {
        self.broken_ownership_chain += other.broken_ownership_chain;
        self.reps_over_limit += other.reps_over_limit;
        self.unlogged_changes += other.unlogged_changes;
        self.limit_exceeded_in_history += other.limit_exceeded_in_history;
        self.companies_split += other.companies_split;
    }

    pub fn total(&self) -> i64 {
        self.broken_ownership_chain
            + self.reps_over_limit
            + self.unlogged_changes
            + self.limit_exceeded_in_history
            + self.companies_split
    }
}

pub fn bench_login(index: usize) -> String {
    format!("dibs_bench_rep_{index}")
}

/// Connects as the rep's own login when the server lets us (a private cluster does), else
/// as the benchmark's own login acting for the rep (an admin path that costs a little more).
pub(super) async fn rep_connection(
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
    let err = |e: tokio_postgres::Error| Error::db("bench", &e);
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
    // Reps call as themselves, as in production (the caller's own login role). Roles are
    // cluster-wide; a role left by an earlier run is reused. Users and memberships go in one
    // statement each: their triggers rebuild every scope once per statement.
    let logins: Vec<String> = (0..reps).map(bench_login).collect();
    let names: Vec<String> = (0..reps).map(|i| format!("压测销售{i}")).collect();
    for chunk in logins.chunks(500) {
        let block: String = chunk
            .iter()
            .map(|login| {
                format!(
                    "if not exists (select 1 from pg_roles where rolname = '{login}') then \
                     create role {login} login in role dibs_rep; end if;"
                )
            })
            .collect();
        tx.batch_execute(&format!("do $$ begin {block} end $$"))
            .await
            .map_err(err)?;
    }
    let inserted: HashMap<String, i64> = tx
        .query(
            "insert into dibs.users (login_role, display_name, role, team_id)
             select l, n, 'rep', $3 from unnest($1::text[], $2::text[]) as t(l, n)
             returning login_role, id",
            &[&logins, &names, &team],
        )
        .await
        .map_err(err)?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    // In rep order: rep `i` is `bench_login(i)`.
    let rep_ids: Vec<i64> = logins
        .iter()
        .filter_map(|login| inserted.get(login).copied())
        .collect();
    tx.execute(
        "insert into dibs.pool_members (pool_id, user_id) select $1, unnest($2::bigint[])",
        &[&pool, &rep_ids],
    )
    .await
    .map_err(err)?;
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
pub(super) struct Stop {
    deadline: Instant,
    flag: Arc<AtomicBool>,
}

impl Stop {
    pub(super) fn at(deadline: Instant) -> Stop {
        Stop {
            deadline,
            flag: Arc::new(AtomicBool::new(false)),
        }
    }

    pub(super) fn reached(&self) -> bool {
        self.flag.load(Ordering::Relaxed) || Instant::now() >= self.deadline
    }

    pub(super) fn now(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }
}

/// What one simulated rep did.
#[derive(Default)]
pub(super) struct RepTally {
    pub(super) latencies: Latencies,
    pub(super) claims_ok: u64,
    pub(super) calls: u64,
    pub(super) refusals: HashMap<String, u64>,
}

impl RepTally {
    fn merge(&mut self, other: RepTally) {
        self.latencies.merge(other.latencies);
        self.claims_ok += other.claims_ok;
        self.calls += other.calls;
        for (reason, count) in other.refusals {
            *self.refusals.entry(reason).or_default() += count;
        }
    }
}

/// Waits for every simulated rep and adds up what they did.
pub(super) async fn tally_of(
    tasks: Vec<tokio::task::JoinHandle<Result<RepTally, Error>>>,
) -> Result<RepTally, Error> {
    let mut total = RepTally::default();
    for task in tasks {
        total.merge(task.await.map_err(|e| join_error(&e))??);
    }
    Ok(total)
}

/// A rep's loop: claim random leads until near the limit, release some, repeat, until `deadline`.
/// The leads a simulated rep picks from (`first..first + span`) and how many it keeps.
#[derive(Clone, Copy)]
pub(super) struct LeadRange {
    pub(super) first: i64,
    pub(super) span: i64,
    pub(super) keep: i32,
}

pub(super) async fn simulate_rep(
    config: Config,
    rep_index: usize,
    rep: i64,
    range: LeadRange,
    stop: Stop,
    seed: u64,
) -> Result<RepTally, Error> {
    let (client, on_behalf) = rep_connection(&config, rep_index, rep).await?;
    let calls = Calls::Dibs {
        claim: prepare(
            &client,
            &outcome_sql("(o).ok, (o).reason", "dibs.claim_lead($1, $2)"),
        )
        .await?,
        release: prepare(
            &client,
            &outcome_sql("(o).ok, (o).reason", "dibs.release_lead($1, $2)"),
        )
        .await?,
        on_behalf,
    };
    run_mix(&client, &calls, range, stop, seed).await
}

async fn prepare(client: &Client, sql: &str) -> Result<Statement, Error> {
    client.prepare(sql).await.map_err(Error::doing("bench"))
}

/// How a simulated rep claims and releases: through dibs' functions (as the rep's login, or
/// an admin acting for them), or through the minimal correct claim below.
enum Calls {
    Dibs {
        claim: Statement,
        release: Statement,
        on_behalf: Option<i64>,
    },
    Minimal {
        claim: Statement,
        release: Statement,
        rep: i64,
        limit: i32,
    },
}

/// What one call answered: whether it took the lead, and a refusal's reason.
struct Answer {
    claimed: bool,
    refusal: Option<String>,
}

impl Calls {
    async fn call(&self, client: &Client, claiming: bool, lead: i64) -> Result<Answer, Error> {
        let bench = Error::doing("bench");
        match self {
            Calls::Dibs {
                claim,
                release,
                on_behalf,
            } => {
                let statement = if claiming { claim } else { release };
                let row = client
                    .query_one(statement, &[&lead, on_behalf])
                    .await
                    .map_err(bench)?;
                let (ok, reason) = (row.get::<_, bool>(0), row.get::<_, String>(1));
                Ok(Answer {
                    claimed: claiming && ok && reason == "ok",
                    refusal: (!ok).then_some(reason),
                })
            }
            Calls::Minimal {
                claim,
                release,
                rep,
                limit,
            } => {
                let done: bool = if claiming {
                    client.query_one(claim, &[&lead, rep, limit]).await
                } else {
                    client.query_one(release, &[&lead, rep]).await
                }
                .map_err(bench)?
                .get(0);
                Ok(Answer {
                    claimed: claiming && done,
                    refusal: None,
                })
            }
        }
    }
}

/// The claim/release mix every simulated rep runs, whichever way it calls: keep claiming
/// while well under the limit; at the limit, half the tries still claim, so over_limit
/// refusals are exercised too.
async fn run_mix(
    client: &Client,
    calls: &Calls,
    range: LeadRange,
    stop: Stop,
    seed: u64,
) -> Result<RepTally, Error> {
    let mut rng = SeededRng::new(seed);
    let mut held: Vec<i64> = Vec::new();
    let mut tally = RepTally::default();
    while !stop.reached() {
        let do_claim = held.is_empty()
            || (held.len() < range.keep as usize && rng.chance(70))
            || rng.chance(15);
        let lead = if do_claim {
            range.first + rng.range(0, range.span - 1)
        } else {
            held.swap_remove(rng.below(held.len()))
        };
        let started = Instant::now();
        let answer = calls.call(client, do_claim, lead).await?;
        tally.latencies.record(started.elapsed());
        tally.calls += 1;
        if answer.claimed {
            held.push(lead);
            tally.claims_ok += 1;
        }
        if let Some(reason) = answer.refusal {
            *tally.refusals.entry(reason).or_default() += 1;
        }
    }
    Ok(tally)
}

/// The minimal correct claim and release (issue: "faster claim path"): on the same tables,
/// with the same triggers, the least a claim must do to keep the holding limit — the rep's
/// advisory lock, a count of their holdings in the pool, the conditional update, the log row —
/// plus the company's lock and holder (one owner per company is part of correct) — and nothing else (no caller resolution, no pool/lock/cooldown/cap/company checks in words,
/// no refusal log). Created in the scratch database only.
const MINIMAL_CLAIM: &str = "
create function dibs_bench_min_claim(p_lead bigint, p_rep bigint, p_limit integer) returns boolean
language plpgsql as $f$
declare
    v_pool bigint;
    v_company bigint;
    v_held integer;
begin
    -- One owner per company (I7) is part of correct since schema 9: the company's lock and
    -- holder first (company, then rep, as every ownership function orders them).
    select pool_id, company_id into v_pool, v_company from dibs.leads where id = p_lead;
    if v_company is not null then
        perform dibs.lock_company(v_company);
        if (dibs.company_holder(v_company, 'lead', p_lead, p_rep)).holder is not null then
            return false;
        end if;
        perform dibs.company_checked(v_company, p_rep);
    end if;
    perform pg_advisory_xact_lock(1147, p_rep::int);
    select count(version) into v_held from dibs.leads
    where owner_id = p_rep and pool_id = v_pool and status in ('new', 'working');
    if v_held >= p_limit then
        return false;
    end if;
    update dibs.leads set owner_id = p_rep, owned_since = now(), status = 'working', version = version + 1,
                          updated_at = now()
    where id = p_lead and owner_id is null and status = 'new' and not locked;
    if not found then
        return false;
    end if;
    insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, to_owner, pool_id)
    values ('lead', p_lead, 'claim', 'ok', 'ok', p_rep, p_rep, v_pool);
    return true;
end
$f$;
create function dibs_bench_min_release(p_lead bigint, p_rep bigint) returns boolean
language plpgsql as $f$
declare
    v_pool bigint;
begin
    update dibs.leads set owner_id = null, owned_since = null, status = 'new', version = version + 1,
                          updated_at = now()
    where id = p_lead and owner_id = p_rep
    returning pool_id into v_pool;
    if not found then
        return false;
    end if;
    insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, from_owner, pool_id)
    values ('lead', p_lead, 'release', 'ok', 'ok', p_rep, p_rep, v_pool);
    return true;
end
$f$;";

/// Reps doing the same claim/release mix through the minimal functions above.
async fn simulate_minimal(
    config: Config,
    rep: i64,
    range: LeadRange,
    stop: Stop,
    seed: u64,
) -> Result<RepTally, Error> {
    let client = crate::db::connect(&config).await?;
    let calls = Calls::Minimal {
        claim: prepare(&client, "select dibs_bench_min_claim($1, $2, $3)").await?,
        release: prepare(&client, "select dibs_bench_min_release($1, $2)").await?,
        rep,
        limit: range.keep,
    };
    run_mix(&client, &calls, range, stop, seed).await
}

/// What the blocks of calls through dibs' functions did, added up.
#[derive(Default)]
struct DibsTotals {
    reps: RepTally,
    seconds: f64,
    wal: f64,
    events_published: i64,
    events_received: u64,
    violations: Violations,
}

/// One block of ownership calls through dibs' functions, with the notifier and a listener
/// running as in production when live events are on; its invariants are checked before the
/// next block returns the leads. The caller has published and folded what earlier blocks
/// logged (`catch_up_with_the_log`).
#[allow(clippy::too_many_arguments)]
async fn run_dibs_block(
    config: &Config,
    client: &Client,
    pool: i64,
    reps: &[i64],
    range: LeadRange,
    duration: Duration,
    options: ClaimsOptions,
    totals: &mut DibsTotals,
) -> Result<(), Error> {
    let log_before: i64 = client
        .query_one("select coalesce(max(id), 0) from dibs.ownership_log", &[])
        .await
        .map_err(Error::doing("bench"))?
        .get(0);
    let deadline = Instant::now() + duration;
    let notifier = options.live_events.then(|| {
        tokio::spawn(crate::worker::notifier_loop(
            config.clone(),
            Duration::from_millis(100),
            None,
        ))
    });
    let rollup = options.rollup.then(|| {
        tokio::spawn(crate::worker::rollup_loop(
            config.clone(),
            crate::worker::ROLLUP_EVERY,
        ))
    });
    let listener = options
        .live_events
        .then(|| tokio::spawn(listen_events(config.clone(), deadline)));
    let wal_before = wal_position(client).await?;
    let started = Instant::now();
    let tasks: Vec<_> = reps
        .iter()
        .enumerate()
        .map(|(index, rep)| {
            tokio::spawn(simulate_rep(
                config.clone(),
                index,
                *rep,
                range,
                Stop::at(deadline),
                index as u64 + 1,
            ))
        })
        .collect();
    totals.reps.merge(tally_of(tasks).await?);
    totals.seconds += started.elapsed().as_secs_f64();
    totals.wal += wal_position(client).await? - wal_before;
    if let Some(handle) = listener {
        // Let the notifier publish the tail before stopping it.
        tokio::time::sleep(Duration::from_millis(300)).await;
        totals.events_received += handle.await.map_err(|e| join_error(&e))??;
    }
    if let Some(handle) = notifier {
        handle.abort();
    }
    if let Some(handle) = rollup {
        handle.abort();
    }
    // Every successful change of the block is one event to publish.
    drain_events(client).await?;
    totals.events_published += client
        .query_one(
            "select count(*) from dibs.ownership_log where outcome = 'ok' and id > $1",
            &[&log_before],
        )
        .await
        .map_err(Error::doing("bench"))?
        .get::<_, i64>(0);
    // The invariants of what dibs' own functions did, before the next block returns the leads.
    totals
        .violations
        .add(&check_invariants_since(client, pool, log_before).await?);
    Ok(())
}

/// Publishes every committed log row not yet published (batch after batch).
async fn drain_events(client: &Client) -> Result<(), Error> {
    while crate::worker::publish_events(client).await? > 0 {}
    Ok(())
}

/// Publishes (and, with the rollup on, folds) what earlier blocks logged — the minimal
/// functions log too — so that a dibs block's notifier, listener and rollup work on its own
/// rows only.
async fn catch_up_with_the_log(client: &Client, rollup: bool) -> Result<(), Error> {
    drain_events(client).await?;
    if rollup {
        crate::worker::roll_up(client).await?;
    }
    Ok(())
}

/// Every rep runs the claim/release mix through the minimal functions until `duration` has
/// passed.
async fn run_minimal_block(
    config: &Config,
    reps: &[i64],
    range: LeadRange,
    duration: Duration,
) -> Result<RepTally, Error> {
    let deadline = Instant::now() + duration;
    let tasks: Vec<_> = reps
        .iter()
        .enumerate()
        .map(|(index, rep)| {
            tokio::spawn(simulate_minimal(
                config.clone(),
                *rep,
                range,
                Stop::at(deadline),
                index as u64 + 1,
            ))
        })
        .collect();
    tally_of(tasks).await
}

/// Every lead of the bench pool back in the pool, unlogged (between blocks only: the
/// invariants of a dibs block are checked before it).
async fn return_every_lead(client: &Client, pool: i64) -> Result<(), Error> {
    client
        .execute(
            "update dibs.leads set owner_id = null, owned_since = null, status = 'new'
             where pool_id = $1 and owner_id is not null",
            &[&pool],
        )
        .await
        .map(drop)
        .map_err(Error::doing("bench"))
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
        .map_err(Error::doing("bench"))?;
    let mut rng = SeededRng::new(seed);
    let mut latencies = Latencies::default();
    while Instant::now() < deadline {
        let id = rng.range(1, rows);
        let started = Instant::now();
        client
            .execute(&update, &[&id])
            .await
            .map_err(Error::doing("bench"))?;
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
    check_invariants_since(client, pool, 0).await
}

/// The same over the log rows after `since_log_id`, for a pool whose leads were all returned
/// (unlogged) when that row was the last: the chain starts again from no owner.
async fn check_invariants_since(
    client: &Client,
    pool: i64,
    since_log_id: i64,
) -> Result<Violations, Error> {
    let err = |e: tokio_postgres::Error| Error::db("bench", &e);
    let broken_ownership_chain: i64 = client
        .query_one(
            "select count(*) from (
                 select from_owner, lag(to_owner) over (partition by entity_id order by id) as previous,
                        row_number() over (partition by entity_id order by id) as n
                 from dibs.ownership_log
                 where entity = 'lead' and outcome = 'ok' and pool_id = $1 and action <> 'followup'
                   and id > $2) chain
             where (n = 1 and from_owner is not null) or (n > 1 and from_owner is distinct from previous)",
            &[&pool, &since_log_id],
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
                                  and g.id > $2
                                order by g.id desc limit 1) last on true
             where l.pool_id = $1 and l.owner_id is distinct from last.to_owner",
            &[&pool, &since_log_id],
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
                   and to_owner is distinct from from_owner and id > $2
                 union all
                 select from_owner, id, -1 from dibs.ownership_log
                 where entity = 'lead' and outcome = 'ok' and pool_id = $1 and from_owner is not null
                   and to_owner is distinct from from_owner and id > $2),
             running as (select rep, sum(delta) over (partition by rep order by id) as held from deltas)
             select count(distinct rep) from running where held > dibs.effective_limit($1, rep)",
            &[&pool, &since_log_id],
        )
        .await
        .map_err(err)?
        .get(0);
    let companies_split: i64 = client
        .query_one(
            "select count(*) from (
                 select l.company_id from dibs.leads l
                 where l.pool_id = $1 and l.owner_id is not null and l.status in ('new', 'working')
                   and not exists (select 1 from dibs.company_overrides o
                                   where o.company_id = l.company_id and o.user_id = l.owner_id)
                 group by l.company_id having count(distinct l.owner_id) > 1) split",
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
        companies_split,
    })
}

#[derive(Debug, Clone, Copy)]
pub struct ClaimsOptions {
    pub reps: usize,
    pub seconds: f64,
    pub leads: i64,
    pub holding_limit: i32,
    pub live_events: bool,
    /// Keep the analytics rollups up to date while the reps work (as the worker does).
    pub rollup: bool,
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
        .map_err(Error::doing("bench"))?;
    let duration = Duration::from_secs_f64(options.seconds);
    let range = LeadRange {
        first: first_lead,
        span: options.leads,
        keep: options.holding_limit,
    };

    // A warm-up, not measured, through the minimal functions: the first block after the bulk
    // load otherwise pays alone for what the load left behind (full index and table pages to
    // split and extend, cold statistics) — measured at 0.4 more full-page images per claim
    // than the same UPDATE in the block after it.
    client
        .batch_execute(MINIMAL_CLAIM)
        .await
        .map_err(Error::doing("bench"))?;
    run_minimal_block(config, &reps, range, duration / 2).await?;

    // Then dibs' functions and the minimal ones in four blocks of half the duration each,
    // ABBA (dibs, minimal, minimal, dibs), so that a machine that speeds up or slows down
    // during the run weighs on both sides alike. Every block starts with every lead back in
    // the pool and from a fresh checkpoint.
    let block = duration / 2;
    let mut dibs_totals = DibsTotals::default();
    let mut minimal = RepTally::default();
    let (mut minimal_seconds, mut wal_minimal) = (0f64, 0f64);
    let mut checkpointed = true;
    for dibs_block in [true, false, false, true] {
        // Before the checkpoint, so that the block starts from it with nothing to catch up on.
        if dibs_block {
            catch_up_with_the_log(&client, options.rollup).await?;
        }
        return_every_lead(&client, pool).await?;
        checkpointed &= checkpoint_before_phase(&client).await?;
        if dibs_block {
            run_dibs_block(
                config,
                &client,
                pool,
                &reps,
                range,
                block,
                options,
                &mut dibs_totals,
            )
            .await?;
        } else {
            let wal_before = wal_position(&client).await?;
            let started = Instant::now();
            minimal.merge(run_minimal_block(config, &reps, range, block).await?);
            minimal_seconds += started.elapsed().as_secs_f64();
            wal_minimal += wal_position(&client).await? - wal_before;
        }
    }
    let DibsTotals {
        reps:
            RepTally {
                mut latencies,
                claims_ok,
                calls,
                refusals,
            },
        seconds: elapsed,
        wal: wal_calls,
        events_published,
        events_received,
        violations,
    } = dibs_totals;
    let refusals: BTreeMap<String, u64> = refusals.into_iter().collect();
    let minimal_calls = minimal.calls;
    let mut minimal = minimal.latencies;
    let minimal_rate = minimal_calls as f64 / minimal_seconds.max(f64::EPSILON);

    // Baseline, same concurrency, for as long as each side ran.
    checkpointed &= checkpoint_before_phase(&client).await?;
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
        minimal_calls_per_second: minimal_rate,
        minimal_p50_ms: minimal.quantile_ms(0.50),
        minimal_p99_ms: minimal.quantile_ms(0.99),
        ratio_calls_to_minimal: if minimal_rate > 0.0 {
            calls_rate / minimal_rate
        } else {
            0.0
        },
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
        wal_bytes_per_minimal_call: wal_minimal / (minimal_calls.max(1) as f64),
        wal_bytes_per_baseline_update: wal_baseline / (baseline.len().max(1) as f64),
        violations,
        phases_start_checkpointed: checkpointed,
    })
}
