//! The duplicate check: quality on labelled sets, speed at scale.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use serde::Serialize;
use tokio_postgres::Config;

use crate::error::Error;
use crate::rng::SeededRng;

#[allow(unused_imports)]
use super::{Latencies, Scratch, join_error};

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

    let client = crate::db::connect(config).await?;
    let set = chinese_set(7, companies);
    let truth = set.true_pairs();
    // One set of rules: the live check as configured, the scan without the typing bonus.
    let live_weights = crate::dedup::check::load_weights(
        &client,
        crate::domain::ownership::Entity::Customer,
        crate::domain::ownership::Entity::Customer,
    )
    .await?;
    let weights = crate::domain::score::Weights {
        typing: false,
        ..live_weights
    };
    let (pairs, report) = crate::dedup::scan::scan(&set.records, &weights);
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
            .map_err(Error::doing("bench"))?
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
            country: None,
        };
        let top = crate::dedup::check::check(
            &client,
            &draft,
            crate::domain::ownership::Entity::Customer,
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
        .map_err(Error::doing("bench"))?
        .get(0);
    let max_id: i64 = client
        .query_one("select coalesce(max(id), 0) from dibs.customers", &[])
        .await
        .map_err(Error::doing("bench"))?
        .get(0);
    let weights = crate::dedup::check::load_weights(
        &client,
        crate::domain::ownership::Entity::Customer,
        crate::domain::ownership::Entity::Customer,
    )
    .await?;
    let mut rng = SeededRng::new(77);
    let mut inputs = Vec::with_capacity(queries);
    while inputs.len() < queries && max_id > 0 {
        let id = rng.range(1, max_id);
        let Some(row) = client
            .query_opt("select name from dibs.customers where id = $1", &[&id])
            .await
            .map_err(Error::doing("bench"))?
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
            crate::domain::ownership::Entity::Customer,
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
            crate::domain::ownership::Entity::Customer,
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
        .map_err(Error::doing("bench"))?;
    for input in inputs.iter().take(queries.min(50)) {
        let started = Instant::now();
        client
            .query(&like, &[input])
            .await
            .map_err(Error::doing("bench"))?;
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
        let (_, report) = crate::dedup::scan::scan(&set.records, &weights);
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
