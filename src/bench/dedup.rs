//! The duplicate check: quality on labelled sets, speed at scale.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use serde::Serialize;
use tokio_postgres::Config;

use crate::dedup::labelled::{IdPair, LabelledSet, Quality, ordered, quality};
use crate::domain::ownership::Entity;
use crate::domain::score::{Draft, Weights};
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

/// The live check across scripts: every record of one script stored as a customer, every
/// record of the other typed; is a record of its company in the top 5? Beside the matcher
/// before issue 12 in the same run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CrossLive {
    /// (stored script, typed script, queries, top-5 share, baseline top-5 share)
    pub directions: Vec<(String, String, usize, f64, f64)>,
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
    pub cross: Option<CrossLive>,
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
            if let Some(cross) = &set.cross {
                for (stored, typed, queries, top5, baseline) in &cross.directions {
                    let _ = writeln!(
                        out,
                        "  live check across scripts, {typed} typed against {stored} stored ({queries} names): top-5 {top5:.3}; baseline top-5 {baseline:.3}"
                    );
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
        let live_run = live;
        let live = if live_run && !set.entity.is_empty() && set.script.is_empty() {
            let scratch = Scratch::create(target).await?;
            let result = live_quality(&scratch.config, set).await;
            scratch.cleanup().await?;
            Some(result?)
        } else {
            None
        };
        let cross = if live_run && !set.script.is_empty() {
            let mut cross = CrossLive::default();
            for (stored, typed) in [("zh", "en"), ("en", "zh")] {
                let scratch = Scratch::create(target).await?;
                let result = cross_direction(&scratch.config, set, stored, typed).await;
                scratch.cleanup().await?;
                let (queries, top5, baseline) = result?;
                cross
                    .directions
                    .push((stored.into(), typed.into(), queries, top5, baseline));
            }
            Some(cross)
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
            cross,
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

/// Stores every record written in `stored` as a customer, types every record written in
/// `typed` whose company has one stored, and counts how often a record of its company is in
/// the top 5: (queries, share now, share of the matcher before issue 12).
async fn cross_direction(
    config: &Config,
    set: &LabelledSet,
    stored: &str,
    typed: &str,
) -> Result<(usize, f64, f64), Error> {
    let client = crate::db::connect(config).await?;
    let of_script = |script: &str| -> Vec<&crate::dedup::scan::Record> {
        set.records
            .iter()
            .filter(|r| set.script.get(&r.id).map(String::as_str) == Some(script))
            .collect()
    };
    let mut entity_of_customer: HashMap<i64, &str> = HashMap::new();
    for chunk in of_script(stored).chunks(1_000) {
        let names: Vec<&str> = chunk.iter().map(|r| r.name.as_str()).collect();
        let ids: Vec<i64> = client
            .query(
                "insert into dibs.customers (name)
                 select n from unnest($1::text[]) with ordinality as u(n, o) order by o returning id",
                &[&names],
            )
            .await
            .map_err(Error::doing("bench"))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for (record, id) in chunk.iter().zip(ids) {
            if let Some(entity) = set.entity.get(&record.id) {
                entity_of_customer.insert(id, entity.as_str());
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
    let stored_entities: HashSet<&str> = entity_of_customer.values().copied().collect();
    let (mut queries, mut top5, mut old5) = (0usize, 0usize, 0usize);
    for record in of_script(typed) {
        let Some(entity) = set.entity.get(&record.id).map(String::as_str) else {
            continue;
        };
        if !stored_entities.contains(entity) {
            continue;
        }
        queries += 1;
        let found =
            crate::dedup::check::check(&client, &record.draft(), Entity::Customer, 5, &weights)
                .await?;
        if found
            .iter()
            .any(|m| entity_of_customer.get(&m.id) == Some(&entity))
        {
            top5 += 1;
        }
        let old = super::legacy::check(&client, record, 5).await?;
        if old
            .iter()
            .any(|id| entity_of_customer.get(id) == Some(&entity))
        {
            old5 += 1;
        }
    }
    let share = |n: usize| n as f64 / queries.max(1) as f64;
    Ok((queries, share(top5), share(old5)))
}

/// Latency quantiles in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Quantiles {
    pub queries: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

impl Quantiles {
    fn of(mut latencies: Latencies) -> Quantiles {
        Quantiles {
            queries: latencies.len(),
            p50_ms: latencies.quantile_ms(0.5),
            p95_ms: latencies.quantile_ms(0.95),
            p99_ms: latencies.quantile_ms(0.99),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SpeedReport {
    pub customers: i64,
    /// The live check, all inputs, and by input length (characters).
    pub live: Quantiles,
    pub live_by_length: Vec<(usize, Quantiles)>,
    /// The matcher before issue 12 on the same inputs.
    pub baseline_live: Quantiles,
    pub scan_records: usize,
    pub scan_seconds: f64,
    pub baseline_scan_seconds: f64,
    /// `dibs import` of generated rows into a copy of the database.
    pub import_rows: usize,
    pub import_seconds: f64,
    pub import_imported: usize,
    pub import_duplicates: usize,
    pub import_phases: crate::dedup::import::Phases,
    /// The import before issue 12 (row by row: check, then insert), on a sample of the rows.
    pub baseline_import_rows: usize,
    pub baseline_import_seconds: f64,
}

impl SpeedReport {
    pub fn text(&self) -> String {
        use std::fmt::Write;
        let mut out = format!(
            "dibs bench dedup-speed — {} active customers; baseline: the matcher before issue 12, same inputs, same run\n",
            self.customers
        );
        let _ = writeln!(
            out,
            "{:<34}{:>9}{:>9}{:>9}{:>9}",
            "", "checks", "p50 ms", "p95 ms", "p99 ms"
        );
        let mut line = |label: String, q: &Quantiles| {
            let _ = writeln!(
                out,
                "{label:<34}{:>9}{:>9.2}{:>9.2}{:>9.2}",
                q.queries, q.p50_ms, q.p95_ms, q.p99_ms
            );
        };
        line("live check (2–12 characters)".into(), &self.live);
        for (length, q) in &self.live_by_length {
            line(format!("  {length} characters"), q);
        }
        line("baseline live check".into(), &self.baseline_live);
        if self.scan_records > 0 {
            let _ = writeln!(
                out,
                "dedup scan of {} records: {:.1} s ({:.0} records/s); baseline {:.1} s",
                self.scan_records,
                self.scan_seconds,
                self.scan_records as f64 / self.scan_seconds.max(1e-9),
                self.baseline_scan_seconds
            );
        }
        if self.import_rows > 0 {
            let _ = writeln!(
                out,
                "import of {} rows against {} customers: {:.1} s ({:.0} rows/s; {} imported, {} already there); baseline {} rows in {:.1} s ({:.0} rows/s)",
                self.import_rows,
                self.customers,
                self.import_seconds,
                self.import_rows as f64 / self.import_seconds.max(1e-9),
                self.import_imported,
                self.import_duplicates,
                self.baseline_import_rows,
                self.baseline_import_seconds,
                self.baseline_import_rows as f64 / self.baseline_import_seconds.max(1e-9)
            );
            let p = &self.import_phases;
            let _ = writeln!(
                out,
                "  of which: reading and checking the file {:.1} s, staging {:.1} s, candidates {:.1} s, inserting {:.1} s",
                p.file, p.stage, p.candidates, p.insert
            );
        }
        out
    }
}

/// `dibs bench dedup-speed`: on the database as it is (seed it first, e.g. with 1,000,000
/// customers): the live check's latency for inputs of 2–12 characters taken from stored names;
/// the scan of a generated file of `scan_records` records; and `dibs import` of `import_rows`
/// generated rows (a tenth of them other spellings of stored companies) into a copy of the
/// database, made from it as a template and dropped afterwards. Each beside the matcher
/// before issue 12 on the same inputs (its import on a sample: row by row it is slow).
pub async fn dedup_speed(
    target: &Config,
    queries: usize,
    scan_records: usize,
    import_rows: usize,
) -> Result<SpeedReport, Error> {
    let client = crate::db::connect(target).await?;
    let customers: i64 = crate::db::api::dedup::active_customers(&client).await?;
    let names =
        crate::db::api::dedup::sample_customer_names(&client, queries.max(import_rows / 10), 77)
            .await?;
    let mut report = SpeedReport {
        customers,
        ..SpeedReport::default()
    };
    let inputs: Vec<String> = names
        .iter()
        .take(queries)
        .enumerate()
        .map(|(i, name)| name.chars().take(2 + i % 11).collect())
        .collect();
    let weights =
        crate::dedup::check::load_weights(&client, Entity::Customer, Entity::Customer).await?;
    crate::db::api::dedup::legacy_session(&client).await?;
    // Warm the caches the way a working server is warm.
    for input in inputs.iter().take(20) {
        let draft = Draft {
            name: input.clone(),
            ..Draft::default()
        };
        crate::dedup::check::check(&client, &draft, Entity::Customer, 5, &weights).await?;
        super::legacy::check(&client, &record_of(input), 5).await?;
    }
    let (mut all, mut old) = (Latencies::default(), Latencies::default());
    let mut buckets: BTreeMap<usize, Latencies> = BTreeMap::new();
    for input in &inputs {
        let draft = Draft {
            name: input.clone(),
            ..Draft::default()
        };
        let started = Instant::now();
        crate::dedup::check::check(&client, &draft, Entity::Customer, 5, &weights).await?;
        let elapsed = started.elapsed();
        all.record(elapsed);
        buckets
            .entry(input.chars().count())
            .or_default()
            .record(elapsed);
        let started = Instant::now();
        super::legacy::check(&client, &record_of(input), 5).await?;
        old.record(started.elapsed());
    }
    report.live = Quantiles::of(all);
    report.baseline_live = Quantiles::of(old);
    report.live_by_length = buckets
        .into_iter()
        .map(|(l, q)| (l, Quantiles::of(q)))
        .collect();

    if scan_records > 0 {
        let set = crate::dedup::eval::chinese_set(9, scan_records * 10 / 28);
        let started = Instant::now();
        let (_, scanned) = crate::dedup::scan::scan(&set.records, &Weights::default());
        report.scan_records = scanned.records;
        report.scan_seconds = started.elapsed().as_secs_f64();
        let started = Instant::now();
        super::legacy::scan(&set.records);
        report.baseline_scan_seconds = started.elapsed().as_secs_f64();
    }

    if import_rows > 0 {
        drop(client);
        let copy = Scratch::copy_of(target).await?;
        let result = import_speed(&copy.config, &names, import_rows, &mut report).await;
        copy.cleanup().await?;
        result?;
    }
    Ok(report)
}

fn record_of(name: &str) -> crate::dedup::scan::Record {
    crate::dedup::scan::Record {
        name: name.to_string(),
        ..crate::dedup::scan::Record::default()
    }
}

/// Generated import rows: new companies, and every tenth another spelling of a stored one.
fn import_file(stored: &[String], rows: usize, seed: u64) -> String {
    let mut rng = SeededRng::new(seed);
    let mut out = String::from("name,phone,email\n");
    for i in 0..rows {
        let name = if i % 10 == 0 && !stored.is_empty() {
            let original = &stored[rng.below(stored.len())];
            match rng.below(3) {
                0 => format!("{original} "),
                1 => crate::domain::names::to_traditional_text(original),
                _ => original.replacen("有限公司", "有限责任公司", 1),
            }
        } else {
            crate::seed::generate::random_company(&mut rng).name
        };
        let phone = crate::seed::generate::mobile(&mut rng).0;
        let _ = std::fmt::Write::write_fmt(
            &mut out,
            format_args!("\"{}\",{phone},\n", name.replace('"', "")),
        );
    }
    out
}

async fn import_speed(
    config: &Config,
    stored: &[String],
    rows: usize,
    report: &mut SpeedReport,
) -> Result<(), Error> {
    let mut client = crate::db::connect(config).await?;
    let file = import_file(stored, rows, 5);
    let started = Instant::now();
    let imported =
        crate::dedup::import::import(&mut client, Entity::Customer, None, file.as_bytes(), false)
            .await?;
    report.import_seconds = started.elapsed().as_secs_f64();
    report.import_rows = rows;
    report.import_imported = imported.imported;
    report.import_duplicates =
        imported.duplicates_in_database.len() + imported.duplicates_in_file.len();
    report.import_phases = imported.seconds;
    // The import before issue 12, row by row, on a sample of other rows.
    let sample = (rows / 20).clamp(100, 5_000);
    let file = import_file(stored, sample, 6);
    let (sample_rows, _) = crate::dedup::import::read_rows(file.as_bytes())?;
    crate::db::api::dedup::legacy_session(&client).await?;
    let started = Instant::now();
    for row in &sample_rows {
        let record = crate::dedup::scan::Record {
            name: row.name.clone(),
            phone: row.phone.clone(),
            ..crate::dedup::scan::Record::default()
        };
        let best = super::legacy::check_scored(&client, &record, 1).await?;
        if best
            .first()
            .is_some_and(|(score, _)| *score >= super::legacy::DUPLICATE_AT)
        {
            continue;
        }
        crate::db::api::import::insert_one_customer(&client, &row.name, row.phone.as_deref())
            .await?;
    }
    report.baseline_import_rows = sample_rows.len();
    report.baseline_import_seconds = started.elapsed().as_secs_f64();
    Ok(())
}
