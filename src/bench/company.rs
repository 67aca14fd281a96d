//! `dibs bench company`: what the company check (I7) costs the claim path, and how long a
//! 16-way race for one company takes, each beside a baseline in the same run; and
//! `dibs bench company-backfill`: computing company ids for every record of a copy of the
//! database, beside the per-row trigger path on a sample.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio_postgres::Config;

use super::claims::{LeadRange, Stop, rep_connection, setup_pool, simulate_rep, tally_of};
use super::{Latencies, Scratch, join_error};
use crate::db::api::ownership::outcome_sql;
use crate::error::Error;

#[derive(Debug, Clone, Copy)]
pub struct CompanyOptions {
    pub reps: usize,
    pub seconds: f64,
    pub leads: i64,
    pub holding_limit: i32,
    pub race_rounds: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Phase {
    pub calls_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub company_refusals: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CompanyReport {
    pub reps: usize,
    pub leads: i64,
    /// Claim/release mix on leads with companies (the check on), two runs averaged.
    pub with_check: Phase,
    /// The same on the same names without companies (the check skipped).
    pub without_check: Phase,
    pub cost_percent: f64,
    pub race_rounds: usize,
    /// Rounds in which exactly one of 16 reps won the company.
    pub race_rounds_one_winner: usize,
    pub race_p50_ms: f64,
    pub race_p99_ms: f64,
    /// 16 reps claiming 16 leads of 16 different companies at a barrier.
    pub baseline_race_p50_ms: f64,
    pub baseline_race_p99_ms: f64,
    pub violations: i64,
}

impl CompanyReport {
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "dibs bench company — {} reps, {} leads per pool; baseline: the same calls without the company check, same run",
            self.reps, self.leads
        );
        let _ = writeln!(
            out,
            "{:<32}{:>10}{:>9}{:>9}{:>18}",
            "", "calls/s", "p50 ms", "p99 ms", "company refusals"
        );
        for (label, phase) in [
            ("claims, company check on", &self.with_check),
            ("baseline: check off", &self.without_check),
        ] {
            let _ = writeln!(
                out,
                "{label:<32}{:>10.0}{:>9.2}{:>9.2}{:>18}",
                phase.calls_per_second, phase.p50_ms, phase.p99_ms, phase.company_refusals
            );
        }
        let _ = writeln!(
            out,
            "cost of the check: {:.1} % of calls/s",
            self.cost_percent
        );
        let _ = writeln!(
            out,
            "16 reps racing for one company ({} rounds): exactly one winner in {} rounds; call p50 {:.2} ms, p99 {:.2} ms (baseline, 16 different companies: p50 {:.2} ms, p99 {:.2} ms)",
            self.race_rounds,
            self.race_rounds_one_winner,
            self.race_p50_ms,
            self.race_p99_ms,
            self.baseline_race_p50_ms,
            self.baseline_race_p99_ms
        );
        let _ = writeln!(out, "invariant violations: {}", self.violations);
        out
    }
}

fn failed(err: tokio_postgres::Error) -> Error {
    Error::db("bench company", &err)
}

pub async fn company(target: &Config, options: CompanyOptions) -> Result<CompanyReport, Error> {
    let scratch = Scratch::create(target).await?;
    let result = company_in(&scratch.config, options).await;
    scratch.cleanup().await?;
    result
}

async fn company_in(config: &Config, options: CompanyOptions) -> Result<CompanyReport, Error> {
    let mut client = crate::db::connect(config).await?;
    let (pool, reps, first) = setup_pool(
        &mut client,
        options.reps,
        options.leads,
        options.holding_limit,
        None,
    )
    .await?;
    // A second pool with the same names and members, whose leads have no company: the
    // claim function skips the check for them (no lock, no lookup).
    let plain_pool: i64 = client
        .query_one(
            "insert into dibs.pools (name, holding_limit, daily_claim_cap, cooldown)
             select '压测对照池', holding_limit, daily_claim_cap, cooldown from dibs.pools where id = $1
             returning id",
            &[&pool],
        )
        .await
        .map_err(failed)?
        .get(0);
    client
        .execute(
            "insert into dibs.pool_members (pool_id, user_id) select $1, user_id from dibs.pool_members where pool_id = $2",
            &[&plain_pool, &pool],
        )
        .await
        .map_err(failed)?;
    let plain_first: i64 = client
        .query_one(
            "with copied as (
                 insert into dibs.leads (pool_id, company_name)
                 select $1, company_name from dibs.leads where pool_id = $2 order by id returning id)
             select min(id) from copied",
            &[&plain_pool, &pool],
        )
        .await
        .map_err(failed)?
        .get(0);
    client
        .batch_execute(&format!(
            "update dibs.leads set company_id = null where pool_id = {plain_pool}; analyze dibs.leads"
        ))
        .await
        .map_err(failed)?;

    let mut report = CompanyReport {
        reps: options.reps,
        leads: options.leads,
        race_rounds: options.race_rounds,
        ..CompanyReport::default()
    };
    let half = options.seconds / 2.0;
    let (mut with, mut without) = (Vec::new(), Vec::new());
    // Alternate, so that neither side always runs on the warmer, bigger database.
    for round in 0..2u64 {
        with.push(run_phase(config, &reps, first, options, half, 10 + round).await?);
        without.push(run_phase(config, &reps, plain_first, options, half, 10 + round).await?);
    }
    report.with_check = average(&with);
    report.without_check = average(&without);
    report.cost_percent = if report.without_check.calls_per_second > 0.0 {
        100.0 * (1.0 - report.with_check.calls_per_second / report.without_check.calls_per_second)
    } else {
        0.0
    };

    let (mut contested, one_winner) = race(config, &reps, pool, options.race_rounds, true).await?;
    let (mut baseline, _) = race(config, &reps, pool, options.race_rounds, false).await?;
    report.race_rounds_one_winner = one_winner;
    report.race_p50_ms = contested.quantile_ms(0.50);
    report.race_p99_ms = contested.quantile_ms(0.99);
    report.baseline_race_p50_ms = baseline.quantile_ms(0.50);
    report.baseline_race_p99_ms = baseline.quantile_ms(0.99);
    report.violations = super::check_invariants(&client, pool).await?.total();
    Ok(report)
}

fn average(phases: &[Phase]) -> Phase {
    let n = phases.len().max(1) as f64;
    Phase {
        calls_per_second: phases.iter().map(|p| p.calls_per_second).sum::<f64>() / n,
        p50_ms: phases.iter().map(|p| p.p50_ms).sum::<f64>() / n,
        p99_ms: phases.iter().map(|p| p.p99_ms).sum::<f64>() / n,
        company_refusals: phases.iter().map(|p| p.company_refusals).sum(),
    }
}

/// The claim/release mix of `bench claims` for `seconds`, then everything released again.
async fn run_phase(
    config: &Config,
    reps: &[i64],
    first: i64,
    options: CompanyOptions,
    seconds: f64,
    seed: u64,
) -> Result<Phase, Error> {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
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
                    first,
                    span: options.leads,
                    keep: options.holding_limit,
                },
                Stop::at(deadline),
                seed * 1000 + index as u64,
            ))
        })
        .collect();
    let tally = tally_of(tasks).await?;
    let (mut latencies, calls) = (tally.latencies, tally.calls);
    let company_refusals = tally.refusals.get("company_held").copied().unwrap_or(0);
    let elapsed = started.elapsed().as_secs_f64();
    // Back to the pool, through the function (the log stays consistent).
    let client = crate::db::connect(config).await?;
    client
        .batch_execute(
            "select dibs.release_lead(l.id, l.owner_id) from dibs.leads l where l.owner_id is not null",
        )
        .await
        .map_err(failed)?;
    Ok(Phase {
        calls_per_second: calls as f64 / elapsed,
        p50_ms: latencies.quantile_ms(0.50),
        p99_ms: latencies.quantile_ms(0.99),
        company_refusals,
    })
}

/// `rounds` rounds of 16 reps claiming 16 leads at a barrier: of one company (`same`), or
/// of 16 different companies. Returns every call's latency and the rounds with one winner.
async fn race(
    config: &Config,
    reps: &[i64],
    pool: i64,
    rounds: usize,
    same: bool,
) -> Result<(Latencies, usize), Error> {
    const RACERS: usize = 16;
    let admin = crate::db::connect(config).await?;
    let mut sessions = Vec::new();
    for (index, rep) in reps.iter().enumerate().take(RACERS) {
        sessions.push(Arc::new(rep_connection(config, index, *rep).await?));
    }
    let mut latencies = Latencies::default();
    let mut one_winner = 0;
    for round in 0..rounds {
        let names: Vec<String> = (0..sessions.len())
            .map(|i| {
                let base = if same {
                    format!("竞速{round}号精密机械")
                } else {
                    format!("对照{round}号{i}精密机械")
                };
                match i % 3 {
                    0 => format!("{base}有限公司"),
                    1 => format!("深圳市{base}有限公司"),
                    _ => format!("{base}（深圳）有限责任公司"),
                }
            })
            .collect();
        let ids: Vec<i64> = admin
            .query(
                "insert into dibs.leads (pool_id, company_name) select $1, unnest($2::text[]) returning id",
                &[&pool, &names],
            )
            .await
            .map_err(failed)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let barrier = Arc::new(tokio::sync::Barrier::new(sessions.len()));
        let mut tasks = Vec::new();
        for (session, lead) in sessions.iter().zip(ids) {
            let (session, barrier) = (session.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let started = Instant::now();
                let row = session
                    .0
                    .query_one(
                        outcome_sql("(o).ok", "dibs.claim_lead($1, $2)").as_str(),
                        &[&lead, &session.1],
                    )
                    .await
                    .map_err(failed)?;
                Ok::<_, Error>((started.elapsed(), row.get::<_, bool>(0)))
            }));
        }
        let mut winners = 0;
        for task in tasks {
            let (elapsed, ok) = task.await.map_err(|e| join_error(&e))??;
            latencies.record(elapsed);
            winners += usize::from(ok);
        }
        if winners == 1 {
            one_winner += 1;
        }
        // Release the winners so the limit never interferes.
        admin
            .batch_execute(&format!(
                "select dibs.release_lead(l.id, l.owner_id) from dibs.leads l
                 where l.owner_id is not null and l.pool_id = {pool}"
            ))
            .await
            .map_err(failed)?;
    }
    Ok((latencies, one_winner))
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BackfillReport {
    pub customers: i64,
    pub leads: i64,
    pub companies: usize,
    pub split: i64,
    pub seconds: f64,
    /// The per-row path (the trigger recomputing one record's company), on a sample.
    pub baseline_rows: i64,
    pub baseline_seconds: f64,
}

impl BackfillReport {
    pub fn text(&self) -> String {
        let per_row = if self.baseline_rows > 0 {
            self.baseline_seconds / self.baseline_rows as f64
        } else {
            0.0
        };
        format!(
            "dibs bench company-backfill — company ids for {} customers + {} leads (a copy of the database)\n\
             backfill (grouped in memory, written in bulk): {:.1} s → {} companies, {} held by more than one owner\n\
             baseline, the trigger recomputing row by row: {} rows in {:.1} s ({:.2} ms/row → {:.0} s for all)\n",
            self.customers,
            self.leads,
            self.seconds,
            self.companies,
            self.split,
            self.baseline_rows,
            self.baseline_seconds,
            per_row * 1000.0,
            per_row * (self.customers + self.leads) as f64
        )
    }
}

/// Drops every company id in a copy of the database and computes them all again.
pub async fn company_backfill(target: &Config, sample: i64) -> Result<BackfillReport, Error> {
    let scratch = Scratch::copy_of(target).await?;
    let result = backfill_in(&scratch.config, sample).await;
    scratch.cleanup().await?;
    result
}

async fn backfill_in(config: &Config, sample: i64) -> Result<BackfillReport, Error> {
    let mut client = crate::db::connect(config).await?;
    let mut report = BackfillReport::default();
    // Baseline first (on the database as it is): the trigger path, one row at a time.
    let started = Instant::now();
    report.baseline_rows = client
        .execute(
            "update dibs.customers set company_id = null, company_pinned = false
             where id in (select id from dibs.customers where status = 'active' order by id limit $1)",
            &[&sample],
        )
        .await
        .map_err(failed)? as i64;
    report.baseline_seconds = started.elapsed().as_secs_f64();

    let tx = client.transaction().await.map_err(failed)?;
    crate::db::bulk::begin(&tx).await.map_err(failed)?;
    tx.batch_execute(
        "update dibs.customers set company_id = null;
         update dibs.leads set company_id = null;
         truncate dibs.company_overrides;
         delete from dibs.companies",
    )
    .await
    .map_err(failed)?;
    crate::db::bulk::end(&tx).await.map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    report.customers = client
        .query_one("select count(*) from dibs.customers", &[])
        .await
        .map_err(failed)?
        .get(0);
    report.leads = client
        .query_one("select count(*) from dibs.leads", &[])
        .await
        .map_err(failed)?
        .get(0);
    let started = Instant::now();
    let done = crate::db::company::backfill(&mut client, 0x0000_d1b5_0002).await?;
    report.seconds = started.elapsed().as_secs_f64();
    if let Some(done) = done {
        report.companies = done.companies;
        report.split = done.split;
    }
    Ok(report)
}
