//! `dibs bench analytics`: the collision analytics at scale (issue 15's targets). In a
//! scratch database holding the demo organisation and `log_rows` simulated log rows:
//!
//! - rollup catch-up: how fast the worker folds a backlog (rows/s), beside a baseline of one
//!   full recount of the same figures straight from the raw log;
//! - each dashboard query, p50/p95 over `rounds` calls, for an administrator (everything) and
//!   a manager (her teams), beside the same period's figures computed from the raw log;
//! - the rollup's cost on `dibs bench claims`: the same claims run with the rollup folding
//!   the log as it grows and without, alternating, in one run.

use std::time::Instant;

use serde::Serialize;
use tokio_postgres::{Client, Config};

use super::{Latencies, Scratch};
use crate::db::api::analytics;
use crate::domain::analytics::{Period, Span};
use crate::error::Error;

#[derive(Debug, Clone, Copy)]
pub struct AnalyticsOptions {
    pub log_rows: i64,
    pub weeks: i32,
    pub rounds: usize,
    pub claims_seconds: f64,
    pub claims_reps: usize,
    /// Alternating rounds of claims without and with the rollup.
    pub claims_rounds: usize,
    /// Leave out the claims comparison (it takes 4 × claims_seconds).
    pub no_claims: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueryLine {
    pub query: String,
    pub scope: String,
    pub p50_ms: f64,
    pub p95_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnalyticsReport {
    pub log_rows: i64,
    pub decisions: i64,
    pub weeks: i32,
    pub load_seconds: f64,
    pub rollup_seconds: f64,
    pub rollup_rows_per_second: f64,
    pub recount_seconds: f64,
    pub recount_rows_per_second: f64,
    pub rollup_rows: i64,
    pub queries: Vec<QueryLine>,
    pub raw_baseline: Vec<QueryLine>,
    pub claims_calls_per_second_without: Vec<f64>,
    pub claims_calls_per_second_with: Vec<f64>,
    pub claims_cost_percent: Option<f64>,
}

/// The attempt-day figures per day and person, straight from the raw log over [$1, $2]: the
/// work the rollups save (the baseline of both the catch-up and the dashboard).
const RAW_FIGURES: &str = "
    select count(*), count(*) filter (where collided), count(*) filter (where raced) from (
        select (g.at at time zone dibs.org_time_zone())::date as day,
               case when g.outcome = 'ok' then g.to_owner else g.actor_id end as user_id,
               dibs.record_subject(g.entity, g.entity_id) as subject,
               bool_or(dibs.is_collision(g.outcome, g.reason)) as collided,
               bool_or(dibs.is_race(g.outcome, g.reason, g.at, g.detail)) as raced
        from dibs.ownership_log g
        where g.action in ('claim', 'register', 'convert', 'create')
          and g.at >= $1::date::timestamptz and g.at < ($2::date + 1)::timestamptz
        group by 1, 2, 3
    ) a";

fn db(e: tokio_postgres::Error) -> Error {
    Error::doing("bench analytics")(e)
}

pub async fn run(target: &Config, options: AnalyticsOptions) -> Result<AnalyticsReport, Error> {
    let scratch = Scratch::create(target).await?;
    let result = run_in(&scratch.config, options).await;
    scratch.cleanup().await?;
    let mut report = result?;
    if !options.no_claims {
        // Alternating, so drift on the machine falls on both sides alike.
        for _ in 0..options.claims_rounds.max(1) {
            for rollup in [false, true] {
                let claims = super::claims(
                    target,
                    super::ClaimsOptions {
                        reps: options.claims_reps,
                        seconds: options.claims_seconds,
                        leads: 100_000,
                        holding_limit: 20,
                        live_events: true,
                        rollup,
                    },
                )
                .await?;
                if rollup {
                    report
                        .claims_calls_per_second_with
                        .push(claims.calls_per_second);
                } else {
                    report
                        .claims_calls_per_second_without
                        .push(claims.calls_per_second);
                }
            }
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        let (without, with) = (
            mean(&report.claims_calls_per_second_without),
            mean(&report.claims_calls_per_second_with),
        );
        report.claims_cost_percent = (without > 0.0).then(|| (without - with) / without * 100.0);
    }
    Ok(report)
}

async fn run_in(config: &Config, options: AnalyticsOptions) -> Result<AnalyticsReport, Error> {
    let mut client = crate::db::connect(config).await?;
    crate::seed::seed_demo(&mut client, crate::seed::DEFAULT_SEED).await?;
    let started = Instant::now();
    let tx = client.transaction().await.map_err(db)?;
    let written =
        crate::seed::history::write_history(&tx, options.weeks, options.log_rows, 7).await?;
    tx.commit().await.map_err(db)?;
    client
        .batch_execute("analyze dibs.ownership_log; analyze dibs.dedup_decisions")
        .await
        .map_err(db)?;
    let load_seconds = started.elapsed().as_secs_f64();
    let total_rows: i64 = client
        .query_one("select count(*) from dibs.ownership_log", &[])
        .await
        .map_err(db)?
        .get(0);

    // Baseline: one recount of every attempt-day from the raw log.
    let (from, to) = (
        chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(),
        chrono::NaiveDate::from_ymd_opt(2100, 1, 1).unwrap_or_default(),
    );
    let started = Instant::now();
    client
        .query_one(RAW_FIGURES, &[&from, &to])
        .await
        .map_err(db)?;
    let recount_seconds = started.elapsed().as_secs_f64();

    // The worker's catch-up, batch by batch as it runs.
    let started = Instant::now();
    while crate::db::api::worker::roll_up_analytics(&client, crate::worker::ROLLUP_BATCH).await? > 0
    {
    }
    let rollup_seconds = started.elapsed().as_secs_f64();
    let rollup_rows: i64 = client
        .query_one("select rows_counted from dibs.analytics_cursor", &[])
        .await
        .map_err(db)?
        .get(0);
    client
        .batch_execute("analyze dibs.attempt_facts; analyze dibs.daily_figures; analyze dibs.daily_refusals; analyze dibs.daily_decisions; analyze dibs.shadow_people; analyze dibs.shadow_companies")
        .await
        .map_err(db)?;

    // The dashboard as an administrator and as a manager of the demo.
    let manager: String = client
        .query_one(
            "select login_role from dibs.users where role = 'manager' and active order by id limit 1",
            &[],
        )
        .await
        .map_err(db)?
        .get(0);
    let mut manager_config = config.clone();
    manager_config.user(&manager);
    let as_manager = crate::db::connect(&manager_config).await?;
    let today = chrono::Local::now().date_naive();
    let period = Period::ending(today, Span::FourWeeks);
    let mut queries = Vec::new();
    for (scope, who) in [("admin", &client), ("manager", &as_manager)] {
        queries.extend(time_dashboard(who, scope, period, options.rounds).await?);
    }
    // Baseline: the same four weeks' headline figures from the raw log.
    let mut raw = Latencies::default();
    for _ in 0..options.rounds.min(10) {
        let started = Instant::now();
        client
            .query_one(RAW_FIGURES, &[&period.from, &period.to])
            .await
            .map_err(db)?;
        raw.record(started.elapsed());
    }
    Ok(AnalyticsReport {
        log_rows: total_rows,
        decisions: written.decisions as i64,
        weeks: options.weeks,
        load_seconds,
        rollup_seconds,
        rollup_rows_per_second: rollup_rows as f64 / rollup_seconds.max(1e-9),
        recount_seconds,
        recount_rows_per_second: total_rows as f64 / recount_seconds.max(1e-9),
        rollup_rows,
        queries,
        raw_baseline: vec![QueryLine {
            query: "four weeks' attempt-day figures from the raw log".into(),
            scope: "admin".into(),
            p50_ms: raw.quantile_ms(0.50),
            p95_ms: raw.quantile_ms(0.95),
        }],
        claims_calls_per_second_without: Vec::new(),
        claims_calls_per_second_with: Vec::new(),
        claims_cost_percent: None,
    })
}

async fn time_dashboard(
    client: &Client,
    scope: &str,
    period: Period,
    rounds: usize,
) -> Result<Vec<QueryLine>, Error> {
    let window = period.trend_window(analytics::TREND_WEEKS);
    let names = [
        "collision_figures (12 weeks, per day)",
        "analytics_summary (4 weeks)",
        "refusal_reasons (4 weeks)",
        "rep_figures (4 weeks, with holdings)",
        "contested_companies (4 weeks, top 10)",
        "analytics_lag",
        "the whole tab (all of the above, twice the summary)",
    ];
    let mut timings: Vec<Latencies> = vec![Latencies::default(); names.len()];
    for _ in 0..rounds {
        for (index, timing) in timings.iter_mut().enumerate() {
            let started = Instant::now();
            match index {
                0 => {
                    drop(analytics::collision_figures(client, window.from, window.to, None).await?)
                }
                1 => drop(analytics::summary(client, period, None).await?),
                2 => drop(analytics::refusal_reasons(client, period, None).await?),
                3 => drop(analytics::rep_figures(client, period).await?),
                4 => drop(
                    analytics::contested_companies(client, period, analytics::TOP_CONTESTED, None)
                        .await?,
                ),
                5 => drop(analytics::lag(client).await?),
                _ => drop(analytics::dashboard(client, period, None).await?),
            }
            timing.record(started.elapsed());
        }
    }
    Ok(names
        .iter()
        .zip(timings.iter_mut())
        .map(|(name, timing)| QueryLine {
            query: name.to_string(),
            scope: scope.to_string(),
            p50_ms: timing.quantile_ms(0.50),
            p95_ms: timing.quantile_ms(0.95),
        })
        .collect())
}

impl AnalyticsReport {
    pub fn text(&self) -> String {
        let mut out = format!(
            "dibs bench analytics — {} log rows ({} weeks simulated) and {} decisions, loaded in {:.0} s\n\n",
            self.log_rows, self.weeks, self.decisions, self.load_seconds
        );
        out.push_str(&format!(
            "rollup catch-up      {:>10.0} rows/s  ({} rows in {:.1} s, batches of {})\n",
            self.rollup_rows_per_second,
            self.rollup_rows,
            self.rollup_seconds,
            crate::worker::ROLLUP_BATCH
        ));
        out.push_str(&format!(
            "baseline: recount    {:>10.0} rows/s  (one query over the raw log, {:.1} s — every dashboard would pay it)\n\n",
            self.recount_rows_per_second, self.recount_seconds
        ));
        out.push_str(&format!(
            "{:<54}{:>9}{:>10}{:>10}\n",
            "dashboard query", "scope", "p50 ms", "p95 ms"
        ));
        for line in self.queries.iter().chain(&self.raw_baseline) {
            out.push_str(&format!(
                "{:<54}{:>9}{:>10.2}{:>10.2}\n",
                line.query, line.scope, line.p50_ms, line.p95_ms
            ));
        }
        out.push_str("(target: each dashboard query p95 ≤ 100 ms; the last line is the baseline without rollups)\n");
        if let Some(cost) = self.claims_cost_percent {
            let show = |v: &[f64]| {
                v.iter()
                    .map(|x| format!("{x:.0}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            out.push_str(&format!(
                "\nbench claims, calls/s without the rollup: {}; with it: {}; cost {:.1}% (target ≤ 5%)\n",
                show(&self.claims_calls_per_second_without),
                show(&self.claims_calls_per_second_with),
                cost
            ));
        }
        out
    }
}
