//! The 9 a.m. 抢单 burst: many reps connected through PgBouncer (transaction mode) wait at a
//! barrier; fresh leads are released in one commit; every rep grabs at once. Figures: how
//! long until every lead has an owner, claim latency, and the rules checked afterwards —
//! one owner per lead, no rep over the holding limit or the daily cap, every loser told who
//! won, every claim logged under the rep who made it.
//!
//! Two ways through the pooler, each on a pool and leads of its own: every rep on their own
//! login (PgBouncer keeps a pool per login), and every rep through the shared gateway login
//! with the ticket they signed in for (migration 13: one pool for everyone). Beside them, in
//! the same run, the same burst as a bare conditional `UPDATE` through the same pooler under
//! one login (the floor any claim through it pays).

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::watch;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Config};

use crate::db::api::ownership::outcome_sql;
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
    /// Claims through the gateway logged under anyone but the rep whose ticket made them.
    pub claims_not_logged_as_their_rep: i64,
    /// "Taken" answers that did not say by whom.
    pub losers_not_told: u64,
    /// The claims benchmark's checks over the pool's log (ownership chain, unlogged changes,
    /// limit in history, companies split).
    pub invariants: i64,
}

impl BurstViolations {
    /// Both sides' violations together.
    fn plus(&self, other: &BurstViolations) -> BurstViolations {
        BurstViolations {
            leads_without_an_owner: self.leads_without_an_owner + other.leads_without_an_owner,
            leads_claimed_twice: self.leads_claimed_twice + other.leads_claimed_twice,
            reps_over_limit: self.reps_over_limit + other.reps_over_limit,
            reps_over_daily_cap: self.reps_over_daily_cap + other.reps_over_daily_cap,
            claims_not_logged_as_their_rep: self.claims_not_logged_as_their_rep
                + other.claims_not_logged_as_their_rep,
            losers_not_told: self.losers_not_told + other.losers_not_told,
            invariants: self.invariants + other.invariants,
        }
    }

    pub fn total(&self) -> i64 {
        self.leads_without_an_owner
            + self.leads_claimed_twice
            + self.reps_over_limit
            + self.reps_over_daily_cap
            + self.claims_not_logged_as_their_rep
            + self.losers_not_told as i64
            + self.invariants
    }
}

/// One side of the burst (dibs' claim on own logins or through the gateway, or the bare update).
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
    /// Most server connections seen on the bench database during dibs' burst on own logins.
    pub server_connections_peak: i64,
    /// The same during the burst through the gateway login.
    pub gateway_server_connections_peak: i64,
    pub connect_seconds: f64,
    /// Every rep signing in for the gateway (one `dibs.issue_ticket()` each, on their own login).
    pub sign_in_seconds: f64,
    pub dibs: BurstSide,
    pub gateway: BurstSide,
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

static CLAIM: LazyLock<String> = LazyLock::new(|| {
    outcome_sql(
        "(o).ok, (o).reason, (o).other_user_name",
        "dibs.claim_lead($1, $2)",
    )
});
/// The shared login of the gateway side (a member of `dibs_gateway`, so a rep's rights only).
const GATEWAY_LOGIN: &str = "dibs_bench_gateway";

/// How long the reps' tickets last (the run takes minutes).
const TICKET_HOURS: i32 = 1;

/// How a side's reps call.
#[derive(Clone)]
enum Path {
    /// `dibs.claim_lead` on the rep's own login.
    OwnLogin,
    /// `dibs.claim_lead` on the shared gateway login, with the rep's ticket (by rep index).
    Gateway(Arc<Vec<String>>),
    /// The bare conditional update.
    Bare,
}
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
    let reps = connect_many(pooler, &dbname, options.reps, super::claims::bench_login).await?;
    let connect_seconds = connect_started.elapsed().as_secs_f64();

    // Before the bell: every rep signs in for the gateway on their own login.
    let sign_in_started = Instant::now();
    let tickets = Arc::new(sign_in(&reps).await?);
    let sign_in_seconds = sign_in_started.elapsed().as_secs_f64();

    // Each side its own fresh leads (distinct companies across both) in a pool of its own, so
    // the first side's claims count against neither the limit nor the daily cap of the second.
    let mut names = fresh_names(options.leads * 2);
    let gateway_names = names.split_off(options.leads);
    let gateway_pool = twin_pool(&admin, pool).await?;

    // dibs on own logins: release fresh leads in one commit, everyone grabs.
    let (peak_stop, peak) = watch_peak(crate::db::connect(config).await?, dbname.clone());
    let dibs_side = run_side(&reps, options, Path::OwnLogin, || {
        release_leads(&admin, pool, &names)
    })
    .await?;
    let _ = peak_stop.send(());
    let server_connections_peak = peak.await.map_err(|e| join_error(&e))?;
    let (dibs, lead_ids, losers_not_told) = dibs_side;

    // dibs through the gateway: the same reps, one shared login, each transaction its ticket.
    admin
        .batch_execute(&format!(
            "do $$ begin if not exists (select 1 from pg_roles where rolname = '{GATEWAY_LOGIN}') then \
             create role {GATEWAY_LOGIN} login in role dibs_gateway; end if; end $$"
        ))
        .await
        .map_err(&bench)?;
    let gateway_clients =
        connect_many(pooler, &dbname, options.reps, |_| GATEWAY_LOGIN.to_string()).await?;
    let (peak_stop, peak) = watch_peak(crate::db::connect(config).await?, dbname.clone());
    let gateway_side = run_side(&gateway_clients, options, Path::Gateway(tickets), || {
        release_leads(&admin, gateway_pool, &gateway_names)
    })
    .await?;
    let _ = peak_stop.send(());
    let gateway_server_connections_peak = peak.await.map_err(|e| join_error(&e))?;
    let (gateway, gateway_lead_ids, gateway_losers_not_told) = gateway_side;
    drop(gateway_clients);

    // Baseline: the same burst as a bare conditional update, as the owner's login (one pool).
    let owner_reps = connect_many(pooler, &dbname, options.reps, |_| {
        crate::local::SUPERUSER.to_string()
    })
    .await?;
    let baseline_ids: Vec<i64> = (1..=options.leads as i64).collect();
    let (baseline, _, _) = run_side(&owner_reps, options, Path::Bare, || async {
        Ok(baseline_ids.clone())
    })
    .await?;

    let own = check(&admin, pool, &lead_ids, options, losers_not_told).await?;
    let through_gateway = check(
        &admin,
        gateway_pool,
        &gateway_lead_ids,
        options,
        gateway_losers_not_told,
    )
    .await?;
    let violations = own.plus(&through_gateway);
    Ok(BurstReport {
        reps: options.reps,
        leads: options.leads,
        limit: options.limit,
        daily_cap: options.daily_cap,
        tries: options.tries,
        pooler_server_connections: options.server_connections,
        server_connections_peak,
        gateway_server_connections_peak,
        connect_seconds,
        sign_in_seconds,
        dibs,
        gateway,
        baseline,
        violations,
    })
}

/// `count` clients connected to the pooler, rep `i` as `login(i)`, a hundred at a time.
async fn connect_many(
    pooler: &LocalPooler,
    dbname: &str,
    count: usize,
    login: impl Fn(usize) -> String,
) -> Result<Vec<Arc<Client>>, Error> {
    let mut clients = Vec::with_capacity(count);
    for chunk in (0..count).collect::<Vec<_>>().chunks(100) {
        let connecting = chunk.iter().map(|&index| {
            let config = pooler.config_for(dbname, &login(index));
            async move { crate::db::connect(&config).await }
        });
        for client in futures_util::future::join_all(connecting).await {
            clients.push(Arc::new(client?));
        }
    }
    Ok(clients)
}

/// Every rep's ticket for the gateway, asked on their own login (as the app does when it opens).
async fn sign_in(reps: &[Arc<Client>]) -> Result<Vec<String>, Error> {
    let mut tickets = Vec::with_capacity(reps.len());
    for chunk in reps.chunks(100) {
        let signing_in = chunk
            .iter()
            .map(|client| crate::db::api::me::issue_ticket(client, TICKET_HOURS));
        for ticket in futures_util::future::join_all(signing_in).await {
            tickets.push(ticket?);
        }
    }
    Ok(tickets)
}

/// A second pool with the first one's rules and members.
async fn twin_pool(admin: &Client, pool: i64) -> Result<i64, Error> {
    let bench = Error::doing("bench (the gateway's pool)");
    let twin: i64 = admin
        .query_one(
            "insert into dibs.pools (name, holding_limit, daily_claim_cap, cooldown, recycle_after_idle)
             select name || '（网关）', holding_limit, daily_claim_cap, cooldown, recycle_after_idle
             from dibs.pools where id = $1 returning id",
            &[&pool],
        )
        .await
        .map_err(&bench)?
        .get(0);
    admin
        .execute(
            "insert into dibs.pool_members (pool_id, user_id, holding_limit)
             select $2, user_id, holding_limit from dibs.pool_members where pool_id = $1",
            &[&pool, &twin],
        )
        .await
        .map_err(&bench)?;
    Ok(twin)
}

/// One claim through the gateway: the ticket and the claim in one transaction, sent in one
/// flight (begin, set the ticket, claim, commit: one round trip). The ticket is a bind
/// parameter, so it never appears in `pg_stat_activity`. If anything fails, the commit
/// answers as a rollback: nothing of the transaction stays.
async fn claim_through_gateway(
    client: &Client,
    ticket: &str,
    lead: i64,
) -> Result<Vec<tokio_postgres::Row>, tokio_postgres::Error> {
    let ticket_param: [(&(dyn ToSql + Sync), Type); 1] = [(&ticket, Type::TEXT)];
    let nobody: Option<i64> = None;
    let claim_params: [(&(dyn ToSql + Sync), Type); 2] =
        [(&lead, Type::INT8), (&nobody, Type::INT8)];
    let (began, set, claimed, committed) = futures_util::join!(
        client.batch_execute("begin"),
        client.query_typed(crate::db::pooling::SET_TICKET, &ticket_param),
        client.query_typed(CLAIM.as_str(), &claim_params),
        client.batch_execute("commit"),
    );
    began?;
    set?;
    let rows = claimed?;
    committed?;
    Ok(rows)
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
    path: Path,
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
            let (client, mut opened, path) = (client.clone(), opened.clone(), path.clone());
            tokio::spawn(async move {
                let (leads, released) = loop {
                    if let Some(open) = opened.borrow_and_update().clone() {
                        break open;
                    }
                    if opened.changed().await.is_err() {
                        return RepOutcome::default();
                    }
                };
                grab(&client, index, &leads, released, options.tries, &path).await
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
    path: &Path,
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
        let answer = match path {
            Path::OwnLogin => {
                client
                    .query_typed(
                        CLAIM.as_str(),
                        &[(&lead, Type::INT8), (&None::<i64>, Type::INT8)],
                    )
                    .await
            }
            Path::Gateway(tickets) => {
                let ticket = tickets.get(index).map(String::as_str).unwrap_or_default();
                claim_through_gateway(client, ticket, lead).await
            }
            Path::Bare => {
                client
                    .query_typed(
                        BARE_CLAIM,
                        &[(&lead, Type::INT8), (&rep_marker, Type::INT8)],
                    )
                    .await
            }
        };
        let through_dibs = !matches!(path, Path::Bare);
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
    // Every claim and refusal is the person's: the log names the login of the rep who acted
    // (on the gateway, the ticket's — never the shared login).
    let claims_not_logged_as_their_rep = count(
        "select count(*) from dibs.ownership_log g left join dibs.users u on u.id = g.actor_id
         where g.pool_id = $1 and g.entity = 'lead' and g.entity_id = any($2)
           and u.login_role is distinct from g.login",
    )
    .await?;
    let invariants = super::claims::check_invariants(admin, pool).await?.total();
    Ok(BurstViolations {
        leads_without_an_owner,
        leads_claimed_twice,
        reps_over_limit,
        reps_over_daily_cap,
        claims_not_logged_as_their_rep,
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
             connecting {} reps to the pooler: {:.2} s; signing every rep in for the gateway: {:.2} s\n\
             server connections during the burst: at most {} on own logins, {} through the gateway\n",
            self.reps,
            self.pooler_server_connections,
            self.leads,
            self.limit,
            self.daily_cap,
            self.tries,
            self.reps,
            self.connect_seconds,
            self.sign_in_seconds,
            self.server_connections_peak,
            self.gateway_server_connections_peak
        );
        out.push_str(&format!(
            "{:<34}{:>9}{:>8}{:>13}{:>10}{:>9}{:>9}{:>9}\n",
            "", "calls", "wins", "owned", "all (ms)", "p50 ms", "p99 ms", "max ms"
        ));
        out.push_str(&side("dibs.claim_lead, own logins", &self.dibs));
        out.push_str(&side("dibs.claim_lead, gateway + ticket", &self.gateway));
        out.push_str(&side("baseline: conditional UPDATE", &self.baseline));
        for (name, s) in [("own logins", &self.dibs), ("gateway", &self.gateway)] {
            for (reason, n) in &s.refusals {
                out.push_str(&format!("  {name}: refused {reason}: {n}\n"));
            }
        }
        let errors = self
            .dibs
            .errors
            .iter()
            .chain(&self.gateway.errors)
            .chain(&self.baseline.errors);
        for (error, n) in errors {
            out.push_str(&format!("  ERROR {error}: {n}\n"));
        }
        let v = &self.violations;
        out.push_str(&format!(
            "violations: {} (leads without an owner {}, claimed twice {}, reps over limit {}, \
             over daily cap {}, logged under another login {}, losers not told who won {}, \
             log invariants {})\n",
            v.total(),
            v.leads_without_an_owner,
            v.leads_claimed_twice,
            v.reps_over_limit,
            v.reps_over_daily_cap,
            v.claims_not_logged_as_their_rep,
            v.losers_not_told,
            v.invariants
        ));
        out
    }
}
