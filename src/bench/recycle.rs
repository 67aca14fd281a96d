//! A recycle sweep over many leads while reps claim: claim latency with and without it.

use std::time::{Duration, Instant};

use serde::Serialize;
use tokio_postgres::Config;

use crate::error::Error;

use super::claims::{
    LeadRange, Stop, Violations, check_invariants, setup_pool, simulate_rep, tally_of,
};
#[allow(unused_imports)]
use super::{Latencies, Scratch, join_error};

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
        .map_err(Error::doing("bench"))?;
    client
        .batch_execute(&format!(
            "insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, to_owner, pool_id)
             select 'lead', id, 'assign', 'ok', 'bench', owner_id, pool_id from dibs.leads
             where pool_id = {pool} and owner_id is not null"
        ))
        .await
        .map_err(Error::doing("bench"))?;
    for sql in [
        "vacuum analyze dibs.leads",
        "vacuum analyze dibs.ownership_log",
        "checkpoint",
    ] {
        // CHECKPOINT needs a superuser; without it the phases are only a little noisier.
        let result = client.batch_execute(sql).await;
        if result.is_err() && sql != "checkpoint" {
            result.map_err(Error::doing("bench"))?;
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
        async move { Ok::<Latencies, Error>(tally_of(tasks).await?.latencies) }
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
            .map_err(Error::doing("bench"))?
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
