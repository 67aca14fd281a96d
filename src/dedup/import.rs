//! `dibs import customers|leads FILE`: every row validated and reported by line, duplicates
//! within the file and against the database flagged (not imported) by the same engine as the
//! scan and the live check, block rules enforced by the database on every insert. Good rows
//! are never lost because of bad ones. The database work is in bulk (`db::api::import`).

use std::collections::HashMap;
use std::io::Read;

use serde::Serialize;
use tokio_postgres::Client;

use super::check::load_weights;
use super::scan::{RowProblem, why_text};
use crate::db::api::import::{StagedRow, candidates, insert, pool_for, stage, unstage};
use crate::domain::keys::{exact_keys, name_keys};
use crate::domain::matching::{duplicates, score_pair};
use crate::domain::ownership::Entity;
use crate::domain::score::{Draft, Keyed, Weights};
use crate::domain::{email, phone, uscc};
use crate::error::Error;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportRow {
    pub line: u64,
    pub name: String,
    pub uscc: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub region: Option<String>,
    pub industry: Option<String>,
    pub contact_name: Option<String>,
    pub source: Option<String>,
    /// ISO 3166 country code (two or three letters, upper case).
    pub country: Option<String>,
    /// Other names of the company (an `aka` column, names separated by `;`): stored as its
    /// also-known-as names when it is imported as a customer.
    pub aka: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub imported: usize,
    pub dry_run: bool,
    pub problems: Vec<RowProblem>,
    /// (line, the earlier line of the same company in this file)
    pub duplicates_in_file: Vec<(u64, u64)>,
    /// (line, existing id, existing name, score, reasons)
    pub duplicates_in_database: Vec<(u64, i64, String, f64, String)>,
    /// (line, what the database said)
    pub blocked: Vec<(u64, String)>,
    /// Seconds spent reading and checking the file, staging, finding candidates, inserting.
    pub seconds: Phases,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Phases {
    pub file: f64,
    pub stage: f64,
    pub candidates: f64,
    pub insert: f64,
}

fn problem(line: u64, field: &str, why: impl Into<String>) -> RowProblem {
    RowProblem {
        line,
        field: field.into(),
        why: why.into(),
    }
}

/// Parses and validates every row; returns the valid rows and the problems of the others.
pub fn read_rows(input: impl Read) -> Result<(Vec<ImportRow>, Vec<RowProblem>), Error> {
    let body = super::scan::read_without_bom(input)?;
    let (mut reader, headers) = super::scan::csv_reader(&body)?;
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let Some(name_col) = column(&["name", "company_name", "company"]) else {
        return Err(crate::text::DedupText::BadFile {
            detail: "the header row needs a name (or company_name) column".into(),
        }
        .into());
    };
    let cols = [
        column(&["uscc", "credit_code"]),
        column(&["phone"]),
        column(&["email"]),
        column(&["region"]),
        column(&["industry"]),
        column(&["contact_name", "contact"]),
        column(&["source"]),
        column(&["country", "country_code"]),
        column(&["aka", "also_known_as", "former_names"]),
    ];
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (index, result) in reader.byte_records().enumerate() {
        let record = match result {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map(|p| p.line()).unwrap_or(index as u64 + 2);
                problems.push(problem(line, "-", err.to_string()));
                continue;
            }
        };
        let line = super::scan::physical_line(&record, index as u64 + 2);
        if let Some(suspicious) = super::scan::suspicious_record(&record, line, &headers) {
            problems.push(suspicious);
            continue;
        }
        if record.len() > headers.len() {
            problems.push(problem(
                line,
                "-",
                format!("{} fields, the header has {}", record.len(), headers.len()),
            ));
            continue;
        }
        let text = |col: Option<usize>, field: &str| -> Result<Option<String>, RowProblem> {
            match col.and_then(|c| record.get(c)) {
                None => Ok(None),
                Some(raw) => std::str::from_utf8(raw)
                    .map(|t| Some(t.trim().to_string()).filter(|t| !t.is_empty()))
                    .map_err(|_| problem(line, field, "not UTF-8 text (save the file as UTF-8)")),
            }
        };
        let parsed = (|| {
            let name =
                text(Some(name_col), "name")?.ok_or_else(|| problem(line, "name", "missing"))?;
            if name.chars().count() > 200 {
                return Err(problem(line, "name", "longer than 200 characters"));
            }
            let code = text(cols[0], "uscc")?;
            if let Some(code) = &code
                && let Err(why) = uscc::validate(code)
            {
                return Err(problem(
                    line,
                    "uscc",
                    format!("not a valid credit code: {why:?}"),
                ));
            }
            let phone_text = text(cols[1], "phone")?;
            if let Some(p) = &phone_text
                && let Err(why) = phone::normalize(p)
            {
                return Err(problem(
                    line,
                    "phone",
                    format!("not a phone number: {why:?}"),
                ));
            }
            let email_text = text(cols[2], "email")?;
            if let Some(e) = &email_text
                && let Err(why) = email::domain_of(e)
            {
                return Err(problem(
                    line,
                    "email",
                    format!("not an e-mail address: {why:?}"),
                ));
            }
            let limited = |col: Option<usize>,
                           field: &str,
                           max: usize|
             -> Result<Option<String>, RowProblem> {
                let value = text(col, field)?;
                match &value {
                    Some(v) if v.chars().count() > max => Err(problem(
                        line,
                        field,
                        format!("longer than {max} characters"),
                    )),
                    _ => Ok(value),
                }
            };
            let country = text(cols[7], "country")?.map(|c| c.to_ascii_uppercase());
            if let Some(c) = &country
                && !(2..=3).contains(&c.len()) | !c.chars().all(|ch| ch.is_ascii_alphabetic())
            {
                return Err(problem(
                    line,
                    "country",
                    "not a country code (two letters, as CN, US, DE)",
                ));
            }
            let aka: Vec<String> = text(cols[8], "aka")?
                .map(|names| {
                    names
                        .split([';', '；', '|'])
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            if aka.iter().any(|n| n.chars().count() > 200) {
                return Err(problem(line, "aka", "a name longer than 200 characters"));
            }
            Ok(ImportRow {
                aka,
                line,
                name,
                uscc: code.map(|c| c.to_uppercase()),
                phone: phone_text,
                email: email_text,
                region: limited(cols[3], "region", 50)?,
                industry: limited(cols[4], "industry", 50)?,
                contact_name: limited(cols[5], "contact_name", 100)?,
                source: limited(cols[6], "source", 50)?,
                country,
            })
        })();
        match parsed {
            Ok(row) => rows.push(row),
            Err(p) => problems.push(p),
        }
    }
    Ok((rows, problems))
}

impl ImportRow {
    pub fn draft(&self) -> Draft {
        Draft {
            name: self.name.clone(),
            uscc: self.uscc.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            country: self.country.clone(),
        }
    }
}

/// Rows inserted per statement (and per transaction).
const INSERT_SLICE: usize = 1_000;
/// Staged lines whose candidates one statement fetches.
const CANDIDATE_SLICE: usize = 2_000;

/// The first row of each group of rows judged one company (by the same engine as the scan),
/// for every row: a row that is not its group's first is a duplicate within the file.
fn first_of_group(keyed: &[Keyed], weights: &Weights) -> Vec<usize> {
    let (pairs, _) = duplicates(keyed, weights);
    let mut parent: Vec<usize> = (0..keyed.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (a, b, _) in pairs {
        let (ra, rb) = (root(&mut parent, a as usize), root(&mut parent, b as usize));
        // The earlier row stays the group's first.
        let (keep, join) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[join] = keep;
    }
    (0..keyed.len()).map(|i| root(&mut parent, i)).collect()
}

/// What an import says while it runs: the rows it will not import once the file is checked,
/// then each committed slice. The CLI prints progress and keeps a journal on disk written as
/// rows commit, so an import killed half-way leaves a record of what it did.
pub trait ImportLog {
    /// The file is checked: problems and duplicates are in `report`; `to_import` rows follow.
    fn checked(&mut self, _report: &ImportReport, _to_import: usize) {}
    /// A slice committed: its lines, and how many rows are imported so far.
    fn committed(&mut self, _lines: &[i64], _imported: usize) {}
    /// A row the database refused.
    fn blocked(&mut self, _line: u64, _why: &str) {}
}

/// Says nothing while importing.
pub struct Quiet;

impl ImportLog for Quiet {}

/// [`import_with`], saying nothing while it runs.
pub async fn import(
    client: &mut Client,
    entity: Entity,
    pool_name: Option<&str>,
    input: impl Read,
    dry_run: bool,
) -> Result<ImportReport, Error> {
    import_with(client, entity, pool_name, input, dry_run, &mut Quiet).await
}

/// Imports the valid, non-duplicate rows (or only reports, with `dry_run`). Rows are staged
/// and checked against the database in bulk; each slice of rows to keep is inserted in its
/// own transaction, and a slice the database refuses is retried row by row, so one refused
/// row never costs the others.
pub async fn import_with(
    client: &mut Client,
    entity: Entity,
    pool_name: Option<&str>,
    input: impl Read,
    dry_run: bool,
    log: &mut (dyn ImportLog + Send),
) -> Result<ImportReport, Error> {
    let started = std::time::Instant::now();
    let (rows, problems) = read_rows(input)?;
    let mut report = ImportReport {
        rows: rows.len() + problems.len(),
        dry_run,
        problems,
        ..ImportReport::default()
    };
    let pool = pool_for(client, entity, pool_name).await?;
    if entity == Entity::Lead && pool.is_none() {
        return Err(crate::text::SetupText::NoSuchThing {
            what: "lead pool (--pool)".into(),
            name: pool_name.unwrap_or("").to_string(),
        }
        .into());
    }
    let mut weights = load_weights(client, Entity::Customer, entity).await?;
    weights.typing = false;
    let keyed: Vec<Keyed> = rows.iter().map(|r| Keyed::of(&r.draft())).collect();
    let first = first_of_group(&keyed, &weights);
    let mut staged = Vec::new();
    let mut staged_index: HashMap<i64, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if first[i] != i {
            report
                .duplicates_in_file
                .push((row.line, rows[first[i]].line));
            continue;
        }
        staged_index.insert(row.line as i64, i);
        staged.push(StagedRow {
            line: row.line as i64,
            name: row.name.clone(),
            uscc: row.uscc.clone(),
            phone: row.phone.clone(),
            email: row.email.clone(),
            region: row.region.clone(),
            industry: row.industry.clone(),
            contact_name: row.contact_name.clone(),
            source: row.source.clone(),
            country: row.country.clone(),
            aka: row.aka.clone(),
            keys: name_keys(&keyed[i].parts),
            exact: exact_keys(&keyed[i].parts),
        });
    }
    report.seconds.file = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    stage(client, &staged).await?;
    report.seconds.stage = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    let mut stored: HashMap<i64, Keyed> = HashMap::new();
    let mut keep: Vec<i64> = Vec::new();
    for slice in staged.chunks(CANDIDATE_SLICE) {
        let (Some(first_line), Some(last_line)) = (slice.first(), slice.last()) else {
            continue;
        };
        let found = candidates(client, entity, first_line.line, last_line.line).await?;
        let mut best: HashMap<i64, (f64, i64, Vec<crate::domain::score::Why>)> = HashMap::new();
        for candidate in found {
            let Some(index) = staged_index.get(&candidate.line) else {
                continue;
            };
            let other = stored
                .entry(candidate.id)
                .or_insert_with(|| Keyed::stored(&candidate.keys));
            let scored = score_pair(&keyed[*index], other, &weights);
            let better = best
                .get(&candidate.line)
                .is_none_or(|(score, _, _)| scored.score > *score);
            if scored.duplicate && better {
                best.insert(candidate.line, (scored.score, candidate.id, scored.why));
            }
        }
        for row in slice {
            match best.remove(&row.line) {
                Some((score, id, why)) => report.duplicates_in_database.push((
                    row.line as u64,
                    id,
                    stored.get(&id).map(|k| k.name.clone()).unwrap_or_default(),
                    score,
                    why_text(&why),
                )),
                None => keep.push(row.line),
            }
        }
    }
    report.seconds.candidates = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    log.checked(&report, keep.len());
    if dry_run {
        report.imported = keep.len();
        unstage(&*client).await?;
        return Ok(report);
    }
    for slice in keep.chunks(INSERT_SLICE) {
        match insert(client, entity, pool, slice).await {
            Ok(n) => {
                report.imported += n as usize;
                log.committed(slice, report.imported);
            }
            // Someone's row was refused: find whose, one by one.
            Err(err) if err.as_db_error().is_some() => {
                for line in slice {
                    match insert(client, entity, pool, std::slice::from_ref(line)).await {
                        Ok(n) => {
                            report.imported += n as usize;
                            log.committed(std::slice::from_ref(line), report.imported);
                        }
                        Err(err) if err.as_db_error().is_some() => {
                            let why = crate::db::error_detail(&err);
                            log.blocked(*line as u64, &why);
                            report.blocked.push((*line as u64, why));
                        }
                        Err(err) => return Err(Error::db("import", &err)),
                    }
                }
            }
            Err(err) => return Err(Error::db("import", &err)),
        }
    }
    report.seconds.insert = started.elapsed().as_secs_f64();
    unstage(&*client).await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bad_field_is_reported_with_its_line_and_good_rows_are_kept() {
        let long = "名".repeat(201);
        let code = uscc::synthesise("310000", 5);
        let mut bad_code = code.clone();
        bad_code.replace_range(17..18, if code.ends_with('0') { "1" } else { "0" });
        let text = format!(
            "name,uscc,phone,email,region\n\
             好公司,{code},021-6234 5678,a@b.com,上海\n\
             ,,,,\n\
             {long},,,,\n\
             坏代码公司,{bad_code},,,\n\
             坏电话公司,,12345,,\n\
             坏邮箱公司,,,not-an-address,\n\
             多列公司,,,,,extra\n\
             另一个好公司,,,,\n"
        );
        let (rows, problems) = read_rows(text.as_bytes()).expect("readable");
        assert_eq!(
            rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            vec!["好公司", "另一个好公司"]
        );
        let summary: Vec<(u64, &str)> = problems
            .iter()
            .map(|p| (p.line, p.field.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (3, "name"),
                (4, "name"),
                (5, "uscc"),
                (6, "phone"),
                (7, "email"),
                (8, "-")
            ]
        );
        let mut latin1 = b"name\n".to_vec();
        latin1.extend_from_slice(&[0xc4, 0xe3, b'\n']);
        let (rows, problems) = read_rows(latin1.as_slice()).expect("readable");
        assert!(rows.is_empty());
        assert!(problems[0].why.contains("UTF-8"));
    }
}
