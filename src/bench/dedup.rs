//! The duplicate check: quality on labelled sets, speed at scale.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use serde::Serialize;
use tokio_postgres::Config;

use crate::dedup::labelled::{IdPair, LabelledSet, Quality, ordered, quality};
use crate::domain::ownership::Entity;
use crate::domain::score::Weights;
use crate::error::Error;
use crate::rng::SeededRng;

use super::{Latencies, Scratch};

/// The live check on one set: each original stored as a customer, every other spelling of
/// the same company typed as a draft through `dedup::check`; is the original among the top 5?
#[derive(Debug, Clone, Default, Serialize)]
pub struct LiveQuality {
    pub stored: usize,
    pub queries: usize,
    pub top1: f64,
    pub top5: f64,
    pub baseline_top1: f64,
    pub baseline_top5: f64,
    /// A few drafts whose company was not in the top 5: (typed, stored).
    pub misses: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SetQuality {
    pub set: String,
    pub records: usize,
    pub scan: Quality,
    pub scan_seconds: f64,
    /// The matcher before issue 12 (`bench::legacy`), on the same records in the same run.
    pub baseline: Quality,
    pub baseline_seconds: f64,
    pub live: Option<LiveQuality>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QualityReport {
    pub sets: Vec<SetQuality>,
}

impl QualityReport {
    pub fn text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::from(
            "dibs bench dedup-quality — the duplicate check on labelled sets, beside the matcher before issue 12 (baseline) in the same run\n",
        );
        for set in &self.sets {
            let _ = writeln!(
                out,
                "\n{} — {} records, {} true pairs",
                set.set, set.records, set.scan.true_pairs
            );
            let _ = writeln!(
                out,
                "  {:<28}{:>10}{:>10}{:>8}{:>10}{:>9}",
                "", "precision", "recall", "F1", "reported", "seconds"
            );
            for (label, q, seconds) in [
                ("dedup scan", &set.scan, set.scan_seconds),
                ("baseline", &set.baseline, set.baseline_seconds),
            ] {
                let _ = writeln!(
                    out,
                    "  {label:<28}{:>10.3}{:>10.3}{:>8.3}{:>10}{:>9.2}",
                    q.precision, q.recall, q.f1, q.reported, seconds
                );
            }
            if !set.scan.recall_by_kind.is_empty() {
                let _ = writeln!(out, "  recall by perturbation        now  baseline   pairs");
                for ((kind, found, of), (_, old, _)) in set
                    .scan
                    .recall_by_kind
                    .iter()
                    .zip(&set.baseline.recall_by_kind)
                {
                    let share = |n: &usize| *n as f64 / (*of).max(1) as f64;
                    let _ = writeln!(
                        out,
                        "    {kind:<26}{:>6.3}{:>10.3}{of:>8}",
                        share(found),
                        share(old)
                    );
                }
            }
            if !set.scan.hard_negatives.is_empty() {
                let _ = writeln!(
                    out,
                    "  hard negatives reported (fewer is better)   now  baseline   pairs"
                );
                for ((kind, found, of), (_, old, _)) in set
                    .scan
                    .hard_negatives
                    .iter()
                    .zip(&set.baseline.hard_negatives)
                {
                    let _ = writeln!(out, "    {kind:<40}{found:>6}{old:>10}{of:>8}");
                }
            }
            if let Some(live) = &set.live {
                let _ = writeln!(
                    out,
                    "  live check ({} stored, {} other spellings typed): top-1 {:.3}, top-5 {:.3}; baseline top-1 {:.3}, top-5 {:.3}",
                    live.stored,
                    live.queries,
                    live.top1,
                    live.top5,
                    live.baseline_top1,
                    live.baseline_top5
                );
                for (typed, stored) in live.misses.iter().take(5) {
                    let _ = writeln!(out, "    not in the top 5: {typed} → {stored}");
                }
            }
        }
        out
    }
}

/// The project's own generated set as a labelled set (each cluster's first record is its
/// original).
fn generated_set(companies: usize) -> LabelledSet {
    let set = crate::dedup::eval::chinese_set(7, companies);
    let mut labelled = LabelledSet {
        name: format!("generated ({companies} companies)"),
        same: set.true_pairs(),
        ..LabelledSet::default()
    };
    for (i, record) in set.records.iter().enumerate() {
        labelled
            .entity
            .insert(record.id.clone(), set.cluster[i].to_string());
        if set.original[i] {
            labelled.originals.insert(record.id.clone());
        }
    }
    labelled.records = set.records;
    labelled
}

/// `dibs bench dedup-quality`: on each labelled set, the scan's precision, recall and F1,
/// recall by perturbation and hard negatives by kind, and the live check's top-1/top-5 —
/// beside the matcher before issue 12 in the same run.
pub async fn dedup_quality(
    target: &Config,
    sets: &[std::path::PathBuf],
    generated: usize,
    live: bool,
) -> Result<QualityReport, Error> {
    let mut labelled = Vec::new();
    if generated > 0 {
        labelled.push(generated_set(generated));
    }
    for dir in sets {
        labelled.push(LabelledSet::read(dir)?);
    }
    let mut report = QualityReport { sets: Vec::new() };
    for set in &labelled {
        let started = Instant::now();
        let (pairs, _) = crate::dedup::scan::scan(&set.records, &Weights::default());
        let scan_seconds = started.elapsed().as_secs_f64();
        let reported: HashSet<IdPair> = pairs.iter().map(|p| ordered(&p.id_a, &p.id_b)).collect();
        let started = Instant::now();
        let old: HashSet<IdPair> = super::legacy::scan(&set.records)
            .into_iter()
            .map(|(a, b)| ordered(&set.records[a].id, &set.records[b].id))
            .collect();
        let baseline_seconds = started.elapsed().as_secs_f64();
        let live = if live && !set.entity.is_empty() {
            let scratch = Scratch::create(target).await?;
            let result = live_quality(&scratch.config, set).await;
            scratch.cleanup().await?;
            Some(result?)
        } else {
            None
        };
        report.sets.push(SetQuality {
            set: set.name.clone(),
            records: set.records.len(),
            scan: quality(set, &reported),
            scan_seconds,
            baseline: quality(set, &old),
            baseline_seconds,
            live,
        });
    }
    Ok(report)
}

/// The records stored as customers: those marked original, or else the first unperturbed
/// record of each company.
fn originals(set: &LabelledSet) -> Vec<usize> {
    if !set.originals.is_empty() {
        return (0..set.records.len())
            .filter(|i| set.originals.contains(&set.records[*i].id))
            .collect();
    }
    let mut seen = HashSet::new();
    (0..set.records.len())
        .filter(|i| {
            let id = &set.records[*i].id;
            set.perturbations.get(id).is_none_or(|p| p.is_empty())
                && set.entity.get(id).is_some_and(|e| seen.insert(e.clone()))
        })
        .collect()
}

async fn live_quality(config: &Config, set: &LabelledSet) -> Result<LiveQuality, Error> {
    let client = crate::db::connect(config).await?;
    let stored = originals(set);
    let mut customer_of_entity: HashMap<String, (i64, String)> = HashMap::new();
    for chunk in stored.chunks(1_000) {
        let column = |f: fn(&crate::dedup::scan::Record) -> Option<&str>| -> Vec<Option<&str>> {
            chunk.iter().map(|i| f(&set.records[*i])).collect()
        };
        let names: Vec<&str> = chunk
            .iter()
            .map(|i| set.records[*i].name.as_str())
            .collect();
        let ids: Vec<i64> = client
            .query(
                "insert into dibs.customers (name, phone, email, uscc, country)
                 select n, p, e, c, k from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                     with ordinality as u(n, p, e, c, k, o)
                 order by o returning id",
                &[
                    &names,
                    &column(|r| r.phone.as_deref()),
                    &column(|r| r.email.as_deref()),
                    &column(|r| r.uscc.as_deref()),
                    &column(|r| r.country.as_deref()),
                ],
            )
            .await
            .map_err(Error::doing("bench"))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for (index, id) in chunk.iter().zip(ids) {
            if let Some(entity) = set.entity.get(&set.records[*index].id) {
                customer_of_entity.insert(entity.clone(), (id, set.records[*index].name.clone()));
            }
        }
    }
    client
        .batch_execute("analyze dibs.customers")
        .await
        .map_err(Error::doing("bench"))?;
    crate::db::api::dedup::legacy_session(&client).await?;
    let weights =
        crate::dedup::check::load_weights(&client, Entity::Customer, Entity::Customer).await?;
    let stored_ids: HashSet<usize> = stored.iter().copied().collect();
    let mut live = LiveQuality {
        stored: stored.len(),
        ..LiveQuality::default()
    };
    let (mut top1, mut top5, mut old1, mut old5) = (0, 0, 0, 0);
    for (index, record) in set.records.iter().enumerate() {
        if stored_ids.contains(&index) || set.branch_records.contains(&record.id) {
            continue;
        }
        let Some((expected, stored_name)) = set
            .entity
            .get(&record.id)
            .and_then(|e| customer_of_entity.get(e))
        else {
            continue;
        };
        live.queries += 1;
        let found =
            crate::dedup::check::check(&client, &record.draft(), Entity::Customer, 5, &weights)
                .await?;
        if found.first().is_some_and(|m| m.id == *expected) {
            top1 += 1;
        }
        if found.iter().any(|m| m.id == *expected) {
            top5 += 1;
        } else if live.misses.len() < 20 {
            live.misses.push((record.name.clone(), stored_name.clone()));
        }
        let old = super::legacy::check(&client, record, 5).await?;
        if old.first() == Some(expected) {
            old1 += 1;
        }
        if old.contains(expected) {
            old5 += 1;
        }
    }
    let share = |n: usize| {
        if live.queries == 0 {
            0.0
        } else {
            n as f64 / live.queries as f64
        }
    };
    live.top1 = share(top1);
    live.top5 = share(top5);
    live.baseline_top1 = share(old1);
    live.baseline_top5 = share(old5);
    Ok(live)
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
