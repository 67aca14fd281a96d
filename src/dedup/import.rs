//! `dibs import customers|leads FILE`: every row validated and reported by line, duplicates
//! within the file and against the database flagged (not imported), block rules enforced by
//! the database on each insert. Good rows are never lost because of bad ones.

use std::collections::HashMap;
use std::io::Read;

use serde::Serialize;
use tokio_postgres::Client;

use super::check::{check, load_weights};
use super::scan::{RowProblem, why_text};
use crate::domain::ownership::Entity;
use crate::domain::score::Draft;
use crate::domain::{email, names, phone, uscc};
use crate::error::Error;
use crate::text::DbText;

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
        return Err(DbText::DatabaseError {
            during: "reading the header row".into(),
            detail: "the file needs a name (or company_name) column".into(),
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
    ];
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (index, result) in reader.byte_records().enumerate() {
        let line = index as u64 + 2;
        let record = match result {
            Ok(record) => record,
            Err(err) => {
                problems.push(problem(line, "-", err.to_string()));
                continue;
            }
        };
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
            Ok(ImportRow {
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

/// Imports the valid, non-duplicate rows (or only reports, with `dry_run`).
pub async fn import(
    client: &Client,
    entity: Entity,
    pool_name: Option<&str>,
    input: impl Read,
    dry_run: bool,
) -> Result<ImportReport, Error> {
    let (rows, problems) = read_rows(input)?;
    let mut report = ImportReport {
        rows: rows.len() + problems.len(),
        dry_run,
        problems,
        ..ImportReport::default()
    };
    let pool: Option<i64> = match entity {
        Entity::Customer => client
            .query_opt(
                "select id from dibs.pools where kind = 'customer' order by id limit 1",
                &[],
            )
            .await
            .map_err(Error::doing("import"))?
            .map(|r| r.get(0)),
        Entity::Lead => {
            let name = pool_name.unwrap_or("");
            let found = client
                .query_opt(
                    "select id from dibs.pools where name = $1 and kind = 'lead'",
                    &[&name],
                )
                .await
                .map_err(Error::doing("import"))?
                .map(|r| r.get(0));
            if found.is_none() {
                return Err(DbText::DatabaseError {
                    during: "import".into(),
                    detail: format!("there is no lead pool named {name:?} (use --pool)"),
                }
                .into());
            }
            found
        }
    };
    let mut weights = load_weights(client, Entity::Customer, entity).await?;
    weights.typing = false;
    let mut seen_core: HashMap<String, u64> = HashMap::new();
    let mut seen_code: HashMap<String, u64> = HashMap::new();
    for row in rows {
        let core = names::core_form(&row.name);
        let earlier = row
            .uscc
            .as_ref()
            .and_then(|c| seen_code.get(c))
            .or_else(|| {
                (core.chars().count() >= 2)
                    .then(|| seen_core.get(&core))
                    .flatten()
            })
            .copied();
        if let Some(first) = earlier {
            report.duplicates_in_file.push((row.line, first));
            continue;
        }
        seen_core.insert(core, row.line);
        if let Some(code) = &row.uscc {
            seen_code.insert(code.clone(), row.line);
        }
        let draft = Draft {
            name: row.name.clone(),
            uscc: row.uscc.clone(),
            phone: row.phone.clone(),
            email: row.email.clone(),
            country: row.country.clone(),
        };
        let best = check(client, &draft, entity, 1, &weights).await?;
        if let Some(existing) = best.first().filter(|m| m.duplicate) {
            report.duplicates_in_database.push((
                row.line,
                existing.id,
                existing.name.clone(),
                existing.score,
                why_text(&existing.why),
            ));
            continue;
        }
        if dry_run {
            report.imported += 1;
            continue;
        }
        let source = row.source.clone().unwrap_or_else(|| "import".into());
        let inserted = match entity {
            Entity::Customer => {
                client
                    .execute(
                        "insert into dibs.customers (name, uscc, phone, email, region, industry, source, pool_id)
                         values ($1, $2, $3, $4, $5, $6, $7, $8)",
                        &[&row.name, &row.uscc, &row.phone, &row.email, &row.region, &row.industry, &source, &pool],
                    )
                    .await
            }
            Entity::Lead => {
                client
                    .execute(
                        "insert into dibs.leads (pool_id, company_name, uscc, phone, email, region, industry, contact_name, source)
                         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        &[&pool, &row.name, &row.uscc, &row.phone, &row.email, &row.region, &row.industry, &row.contact_name, &source],
                    )
                    .await
            }
        };
        match inserted {
            Ok(_) => report.imported += 1,
            // A block rule or the unique credit code: the database refused this row only.
            Err(err) if err.as_db_error().is_some() => report
                .blocked
                .push((row.line, crate::db::error_detail(&err))),
            Err(err) => return Err(Error::db("import", &err)),
        }
    }
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
