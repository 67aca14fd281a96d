//! `dibs dedup scan`: every pair of records in a file that the engine judges the same
//! company. Pure computation over the file: names are parsed and keyed by the same rules the
//! database applies on insert (`domain::keys`, kept in step with SQL by a test), candidate
//! pairs come from shared keys, each is scored by `domain::score`.

use std::io::{Read, Write};
use std::time::Instant;

use serde::Serialize;

use crate::domain::matching::{Blocking, duplicates};
use crate::domain::score::{Draft, Keyed, Weights, Why};
use crate::error::Error;
use crate::text::DedupText;

/// One input record: `id,name` and optionally `phone,email,uscc,country`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub uscc: Option<String>,
    /// ISO 3166 country code, when the file has a `country` column.
    pub country: Option<String>,
}

impl Record {
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

/// A row that could not be read, by line number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    pub line: u64,
    pub field: String,
    pub why: String,
}

/// The whole of a CSV input with its UTF-8 BOM (Excel writes one) removed.
pub fn read_without_bom(mut input: impl Read) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| DedupText::BadFile {
            detail: e.to_string(),
        })?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    Ok(bytes)
}

/// A lenient CSV reader over `body` and its header names, trimmed and lower-cased.
pub fn csv_reader(body: &[u8]) -> Result<(csv::Reader<&[u8]>, Vec<String>), Error> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(body);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| DedupText::BadFile {
            detail: format!("the header row: {e}"),
        })?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    // Two columns of one name: which one holds the data is a guess dibs does not make.
    for (index, name) in headers.iter().enumerate() {
        if let Some(first) = headers[..index]
            .iter()
            .position(|h| h == name && !h.is_empty())
        {
            return Err(DedupText::BadFile {
                detail: format!(
                    "the header names the column {name:?} twice (columns {} and {}); rename or remove one",
                    first + 1,
                    index + 1
                ),
            }
            .into());
        }
    }
    Ok((reader, headers))
}

/// The physical line (1-based) a CSV record starts on: a quoted field may span lines, so
/// counting records would drift.
pub fn physical_line(record: &csv::ByteRecord, fallback: u64) -> u64 {
    record.position().map(|p| p.line()).unwrap_or(fallback)
}

/// What no company field may hold, said with the record's physical lines: a line break (in a
/// company list it is almost always an unbalanced quote that swallowed the rows after it —
/// they are reported here, never glued into one name) or a NUL byte (the database refuses it).
pub fn suspicious_record(
    record: &csv::ByteRecord,
    line: u64,
    headers: &[String],
) -> Option<RowProblem> {
    for (index, field) in record.iter().enumerate() {
        let name = headers.get(index).cloned().unwrap_or_else(|| "-".into());
        // A quote left open on the last line takes the file's final line break along: that
        // break ends the last line, it starts no new one.
        let body = field.strip_suffix(b"\n").unwrap_or(field);
        let breaks = body.iter().filter(|b| **b == b'\n').count() as u64;
        if field.contains(&b'\n') || field.contains(&b'\r') {
            return Some(RowProblem {
                line,
                field: name,
                why: format!(
                    "a quoted field runs over lines {line}–{}: probably a quote (\") left open; \
                     those lines were not imported — close the quote and import them again",
                    line + breaks
                ),
            });
        }
        if field.contains(&0) {
            return Some(RowProblem {
                line,
                field: name,
                why: "contains a NUL byte (a damaged or binary file?)".into(),
            });
        }
    }
    None
}

/// Reads `id,name[,phone,email,uscc,country]` (a header row, UTF-8 with or without BOM). Bad
/// rows are reported and skipped; good rows are kept.
pub fn read_records(input: impl Read) -> Result<(Vec<Record>, Vec<RowProblem>), Error> {
    let body = read_without_bom(input)?;
    let (mut reader, headers) = csv_reader(&body)?;
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(id_col), Some(name_col)) = (column("id"), column("name")) else {
        return Err(DedupText::BadFile {
            detail: "the header row needs at least the columns id and name".into(),
        }
        .into());
    };
    let (phone_col, email_col, uscc_col, country_col) = (
        column("phone"),
        column("email"),
        column("uscc"),
        column("country"),
    );
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for (index, result) in reader.byte_records().enumerate() {
        let row = match result {
            Ok(row) => row,
            Err(err) => {
                problems.push(RowProblem {
                    line: err.position().map(|p| p.line()).unwrap_or(index as u64 + 2),
                    field: "-".into(),
                    why: err.to_string(),
                });
                continue;
            }
        };
        let line = physical_line(&row, index as u64 + 2);
        if let Some(problem) = suspicious_record(&row, line, &headers) {
            problems.push(problem);
            continue;
        }
        let field = |col: Option<usize>, name: &str| -> Result<Option<String>, RowProblem> {
            match col.and_then(|c| row.get(c)) {
                None => Ok(None),
                Some(raw) => match std::str::from_utf8(raw) {
                    Ok(text) => Ok(Some(text.trim().to_string()).filter(|t| !t.is_empty())),
                    Err(_) => Err(RowProblem {
                        line,
                        field: name.into(),
                        why: "not UTF-8 text".into(),
                    }),
                },
            }
        };
        let parsed = (|| {
            let id = field(Some(id_col), "id")?.ok_or(RowProblem {
                line,
                field: "id".into(),
                why: "missing".into(),
            })?;
            let name = field(Some(name_col), "name")?.ok_or(RowProblem {
                line,
                field: "name".into(),
                why: "missing".into(),
            })?;
            if name.chars().count() > 200 {
                return Err(RowProblem {
                    line,
                    field: "name".into(),
                    why: "longer than 200 characters".into(),
                });
            }
            Ok(Record {
                id,
                name,
                phone: field(phone_col, "phone")?,
                email: field(email_col, "email")?,
                uscc: field(uscc_col, "uscc")?,
                country: field(country_col, "country")?,
            })
        })();
        match parsed {
            Ok(record) => records.push(record),
            Err(problem) => problems.push(problem),
        }
    }
    Ok((records, problems))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    pub id_a: String,
    pub id_b: String,
    pub score: f64,
    pub why: Vec<Why>,
}

pub fn why_text(why: &[Why]) -> String {
    crate::text::why_words(why, crate::text::lang())
}

#[derive(Debug, Clone, Serialize)]
pub struct ScanReport {
    pub records: usize,
    pub blocking_keys: usize,
    pub candidate_pairs: usize,
    /// Keys shared by too many records to pair out (a common word, an agent's phone).
    pub oversized_blocks: usize,
    pub duplicate_pairs: usize,
    pub seconds: f64,
}

/// Finds the duplicate pairs among `records`, best first.
pub fn scan(records: &[Record], weights: &Weights) -> (Vec<Pair>, ScanReport) {
    let started = Instant::now();
    let keyed: Vec<Keyed> = records.iter().map(|r| Keyed::of(&r.draft())).collect();
    let (found, blocking) = duplicates(&keyed, weights);
    let Blocking {
        keys,
        candidate_pairs,
        oversized_blocks,
    } = blocking;
    let mut pairs: Vec<Pair> = found
        .into_iter()
        .map(|(a, b, scored)| Pair {
            id_a: records[a as usize].id.clone(),
            id_b: records[b as usize].id.clone(),
            score: scored.score,
            why: scored.why,
        })
        .collect();
    pairs.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| x.id_a.cmp(&y.id_a))
            .then_with(|| x.id_b.cmp(&y.id_b))
    });
    let report = ScanReport {
        records: records.len(),
        blocking_keys: keys,
        candidate_pairs,
        oversized_blocks,
        duplicate_pairs: pairs.len(),
        seconds: started.elapsed().as_secs_f64(),
    };
    (pairs, report)
}

/// Writes `id_a,id_b,score,reasons` with a header row.
pub fn write_pairs(pairs: &[Pair], output: impl Write) -> Result<(), Error> {
    let io = |e: csv::Error| {
        Error::from(DedupText::BadFile {
            detail: e.to_string(),
        })
    };
    let mut writer = csv::Writer::from_writer(output);
    writer
        .write_record(["id_a", "id_b", "score", "reasons"])
        .map_err(io)?;
    for pair in pairs {
        writer
            .write_record([
                pair.id_a.as_str(),
                pair.id_b.as_str(),
                &format!("{:.3}", pair.score),
                &why_text(&pair.why),
            ])
            .map_err(io)?;
    }
    writer.flush().map_err(|e| io(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_with_and_without_bom_and_reports_bad_rows_by_line() {
        let text = "\u{FEFF}id,name,phone,email,uscc\n1,华为技术有限公司,,,\n2,,138,,\n3,恒信,021-1,a@b.com,X\n";
        let (records, problems) = read_records(text.as_bytes()).expect("readable");
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].name, "华为技术有限公司");
        assert_eq!(
            problems,
            vec![RowProblem {
                line: 3,
                field: "name".into(),
                why: "missing".into()
            }]
        );
        let mut bad = b"id,name\n1,".to_vec();
        bad.extend_from_slice(&[0xff, 0xfe]);
        bad.extend_from_slice(b"\n2,ok\n");
        let (records, problems) = read_records(bad.as_slice()).expect("readable");
        assert_eq!(records.len(), 1);
        assert_eq!(problems[0].why, "not UTF-8 text");
        assert!(
            read_records("name\nx\n".as_bytes()).is_err(),
            "id column required"
        );
    }
}
