//! Labelled duplicate sets on disk: a directory with `records.csv` (what a matcher reads) and
//! `pairs_same.csv` (the true pairs), and optionally `pairs_branch.csv` (related records that
//! count neither way), `hard_negative_pairs.csv` (different companies built to confuse, with a
//! `kind`) and `truth_records.csv` (each record's `perturbations`). The sets a team labels
//! itself only need the first two files; `dibs dedup fit` and `dibs bench dedup-quality` read
//! this layout.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::scan::{Record, RowProblem, read_records};
use crate::error::Error;
use crate::text::DbText;

/// An unordered pair of record ids, smaller first.
pub type IdPair = (String, String);

pub fn ordered(a: &str, b: &str) -> IdPair {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

#[derive(Debug, Clone, Default)]
pub struct LabelledSet {
    pub name: String,
    pub records: Vec<Record>,
    pub problems: Vec<RowProblem>,
    pub same: HashSet<IdPair>,
    pub branch: HashSet<IdPair>,
    /// Hard-negative pairs by kind.
    pub hard_negatives: BTreeMap<String, HashSet<IdPair>>,
    /// The perturbations applied to each record (empty for originals).
    pub perturbations: HashMap<String, Vec<String>>,
    /// Records marked as the registered original of their company (`is_original` = 1).
    pub originals: HashSet<String>,
    /// The company (entity) of each record, when the truth file names it.
    pub entity: HashMap<String, String>,
    /// Records that are a branch of their company (`relation` = branch): related, not it.
    pub branch_records: HashSet<String>,
    /// True pairs the set itself says no name matcher can find (`pairs_unreachable*.csv`:
    /// a former name with nothing in common): a fit learns nothing from them.
    pub unreachable: HashSet<IdPair>,
    /// The script of each record (`zh`, `en`), when the truth file says (`truth.csv`).
    pub script: HashMap<String, String>,
}

fn open_error(path: &Path, err: impl std::fmt::Display) -> Error {
    DbText::DatabaseError {
        during: format!("reading {}", path.display()),
        detail: err.to_string(),
    }
    .into()
}

/// Rows of a CSV file as header → value maps.
fn rows(path: &Path) -> Result<Vec<HashMap<String, String>>, Error> {
    let file = std::fs::File::open(path).map_err(|e| open_error(path, e))?;
    let body = super::scan::read_without_bom(file)?;
    let (mut reader, headers) = super::scan::csv_reader(&body)?;
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| open_error(path, e))?;
        out.push(
            headers
                .iter()
                .cloned()
                .zip(record.iter().map(|v| v.trim().to_string()))
                .collect(),
        );
    }
    Ok(out)
}

fn pair_file(path: &Path) -> Result<Vec<(IdPair, Option<String>)>, Error> {
    Ok(rows(path)?
        .into_iter()
        .filter_map(|row| {
            let a = row.get("record_id_a").or_else(|| row.get("id_a"))?;
            let b = row.get("record_id_b").or_else(|| row.get("id_b"))?;
            (a != b).then(|| (ordered(a, b), row.get("kind").cloned()))
        })
        .collect())
}

impl LabelledSet {
    pub fn read(dir: &Path) -> Result<LabelledSet, Error> {
        let records_path = dir.join("records.csv");
        let file = std::fs::File::open(&records_path).map_err(|e| open_error(&records_path, e))?;
        let (records, problems) = read_records(file)?;
        let mut set = LabelledSet {
            name: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| dir.display().to_string()),
            records,
            problems,
            ..LabelledSet::default()
        };
        set.same = pair_file(&dir.join("pairs_same.csv"))?
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        let optional = |name: &str| -> Option<PathBuf> {
            let path = dir.join(name);
            path.exists().then_some(path)
        };
        if let Some(path) = optional("pairs_branch.csv") {
            set.branch = pair_file(&path)?.into_iter().map(|(p, _)| p).collect();
        }
        for name in ["pairs_unreachable.csv", "pairs_unreachable_zh.csv"] {
            if let Some(path) = optional(name) {
                set.unreachable
                    .extend(pair_file(&path)?.into_iter().map(|(p, _)| p));
            }
        }
        if let Some(path) = optional("hard_negative_pairs.csv") {
            for (pair, kind) in pair_file(&path)? {
                set.hard_negatives
                    .entry(kind.unwrap_or_else(|| "hard negative".into()))
                    .or_default()
                    .insert(pair);
            }
        }
        if let Some(path) = optional("truth_records.csv") {
            for row in rows(&path)? {
                let Some(id) = row.get("record_id") else {
                    continue;
                };
                let perturbations: Vec<String> = row
                    .get("perturbations")
                    .map(|p| {
                        p.split(';')
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                if row.get("is_original").map(String::as_str) == Some("1") {
                    set.originals.insert(id.clone());
                }
                if row.get("relation").map(String::as_str) == Some("branch") {
                    set.branch_records.insert(id.clone());
                }
                if let Some(entity) = row.get("entity_id").or_else(|| row.get("lei")) {
                    set.entity.insert(id.clone(), entity.clone());
                }
                set.perturbations.insert(id.clone(), perturbations);
            }
        }
        // Real names (real_cn_dev): entity, kind and script of each record.
        if let Some(path) = optional("truth.csv") {
            for row in rows(&path)? {
                let (Some(id), Some(entity)) = (row.get("record_id"), row.get("entity_id")) else {
                    continue;
                };
                set.entity.insert(id.clone(), entity.clone());
                if let Some(script) = row.get("script") {
                    set.script.insert(id.clone(), script.clone());
                }
            }
        }
        Ok(set)
    }
}

/// How well reported pairs match a set's labels.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Quality {
    pub reported: usize,
    pub true_pairs: usize,
    pub true_positives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Recall by perturbation kind: (kind, found, of). A pair counts for every kind applied
    /// to either of its records.
    pub recall_by_kind: Vec<(String, usize, usize)>,
    /// Hard negatives reported, by kind: (kind, reported, of).
    pub hard_negatives: Vec<(String, usize, usize)>,
}

/// Scores `reported` against `set` the way the sets' own `score.py` does: branch pairs count
/// neither way, a true pair missing from the report is missed.
pub fn quality(set: &LabelledSet, reported: &HashSet<IdPair>) -> Quality {
    let reported: HashSet<&IdPair> = reported
        .iter()
        .filter(|p| !set.branch.contains(p))
        .collect();
    let true_positives = set.same.iter().filter(|p| reported.contains(p)).count();
    let precision = if reported.is_empty() {
        0.0
    } else {
        true_positives as f64 / reported.len() as f64
    };
    let recall = if set.same.is_empty() {
        0.0
    } else {
        true_positives as f64 / set.same.len() as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let none = Vec::new();
    for pair in &set.same {
        let mut kinds: Vec<&String> = set
            .perturbations
            .get(&pair.0)
            .unwrap_or(&none)
            .iter()
            .chain(set.perturbations.get(&pair.1).unwrap_or(&none))
            .collect();
        kinds.sort();
        kinds.dedup();
        let exact = "(exact copy)".to_string();
        if kinds.is_empty() {
            kinds.push(&exact);
        }
        for kind in kinds {
            let entry = by_kind.entry(kind.clone()).or_default();
            entry.0 += usize::from(reported.contains(pair));
            entry.1 += 1;
        }
    }
    Quality {
        reported: reported.len(),
        true_pairs: set.same.len(),
        true_positives,
        precision,
        recall,
        f1,
        recall_by_kind: by_kind.into_iter().map(|(k, (f, n))| (k, f, n)).collect(),
        hard_negatives: set
            .hard_negatives
            .iter()
            .map(|(kind, pairs)| {
                (
                    kind.clone(),
                    pairs.iter().filter(|p| reported.contains(p)).count(),
                    pairs.len(),
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_counts_as_the_sets_scorer_does() {
        let mut set = LabelledSet {
            same: [ordered("a", "b"), ordered("c", "d")].into_iter().collect(),
            branch: [ordered("a", "e")].into_iter().collect(),
            ..LabelledSet::default()
        };
        set.perturbations.insert("b".into(), vec!["typo".into()]);
        set.hard_negatives
            .insert("twins".into(), [ordered("c", "x")].into_iter().collect());
        let reported = [ordered("b", "a"), ordered("a", "e"), ordered("x", "c")]
            .into_iter()
            .collect();
        let q = quality(&set, &reported);
        assert_eq!((q.reported, q.true_positives), (2, 1));
        assert!((q.precision - 0.5).abs() < 1e-9 && (q.recall - 0.5).abs() < 1e-9);
        assert_eq!(
            q.recall_by_kind,
            vec![("(exact copy)".into(), 0, 1), ("typo".into(), 1, 1)]
        );
        assert_eq!(q.hard_negatives, vec![("twins".into(), 1, 1)]);
    }
}
