//! Duplicates within one set of records (pure): candidate pairs from shared blocking keys
//! (`domain::keys` for names, plus credit code, phone and domain), each scored by
//! `domain::score`. The batch scan and the import's check of a file against itself use it.

use std::collections::HashMap;

use super::keys::name_keys;
use super::score::{Keyed, Scored, Weights, score};

/// A key shared by more records than this says little (a common word, a shared agent's phone
/// number): its block is not paired out, so one key cannot make the work quadratic.
pub const MAX_BLOCK: usize = 300;
/// Abbreviation keys (`a:`) pair a trade name's first character with another: common pairs
/// gather many names of a file, and an abbreviation is worth a look only among few.
pub const MAX_ABBREVIATION_BLOCK: usize = 30;

/// Every blocking key of a record: its name's, and its valid code, phone and domain.
pub fn record_keys(record: &Keyed) -> Vec<String> {
    let mut keys = name_keys(&record.parts);
    if let Some(code) = &record.uscc {
        keys.push(format!("u:{code}"));
    }
    if let Some(phone) = &record.phone_e164 {
        keys.push(format!("ph:{phone}"));
    }
    if let Some(domain) = &record.domain {
        keys.push(format!("dm:{domain}"));
    }
    keys
}

/// What the blocking did, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blocking {
    pub keys: usize,
    pub candidate_pairs: usize,
    /// Keys whose block was too large to pair out (see `MAX_BLOCK`).
    pub oversized_blocks: usize,
}

/// The pairs of records (i < j) that share at least one key.
pub fn candidate_pairs(keys: &[Vec<String>]) -> (Vec<(u32, u32)>, Blocking) {
    let mut blocks: HashMap<&str, Vec<u32>> = HashMap::new();
    for (index, record_keys) in keys.iter().enumerate() {
        for key in record_keys {
            blocks.entry(key.as_str()).or_default().push(index as u32);
        }
    }
    let mut blocking = Blocking {
        keys: blocks.len(),
        ..Blocking::default()
    };
    let mut pairs = Vec::new();
    for (key, members) in &blocks {
        let cap = if key.starts_with("a:") {
            MAX_ABBREVIATION_BLOCK
        } else {
            MAX_BLOCK
        };
        if members.len() > cap {
            blocking.oversized_blocks += 1;
            continue;
        }
        for (n, a) in members.iter().enumerate() {
            for b in &members[n + 1..] {
                if a != b {
                    pairs.push(((*a).min(*b), (*a).max(*b)));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    blocking.candidate_pairs = pairs.len();
    (pairs, blocking)
}

/// A pair's score, whichever record is taken as the draft (the better of the two ways: a
/// short name typed against a long one and the reverse are the same question).
pub fn score_pair(a: &Keyed, b: &Keyed, weights: &Weights) -> Scored {
    let forward = score(a, b, weights);
    if forward.score >= 1.0 {
        return forward;
    }
    let backward = score(b, a, weights);
    if backward.score > forward.score {
        backward
    } else {
        forward
    }
}

/// Every candidate pair scored, on all cores; only the pairs judged one company are kept.
/// (Records of a file are complete names: no typing bonus.)
pub fn duplicates(records: &[Keyed], weights: &Weights) -> (Vec<(u32, u32, Scored)>, Blocking) {
    let weights = &Weights {
        typing: false,
        ..*weights
    };
    let keys: Vec<Vec<String>> = records.iter().map(record_keys).collect();
    let (pairs, blocking) = candidate_pairs(&keys);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 16);
    let chunk = pairs.len().div_ceil(threads).max(1);
    let found: Vec<(u32, u32, Scored)> = std::thread::scope(|scope| {
        let workers: Vec<_> = pairs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .filter_map(|(a, b)| {
                            let scored =
                                score_pair(&records[*a as usize], &records[*b as usize], weights);
                            scored.duplicate.then_some((*a, *b, scored))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    (found, blocking)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::score::Draft;

    fn keyed(name: &str, phone: Option<&str>) -> Keyed {
        Keyed::of(&Draft {
            name: name.into(),
            phone: phone.map(str::to_string),
            ..Draft::default()
        })
    }

    #[test]
    fn pairs_come_from_shared_keys_only_and_oversized_blocks_are_skipped() {
        let keys = vec![
            vec!["a".to_string(), "b".to_string()],
            vec!["b".to_string()],
            vec!["c".to_string()],
            vec!["a".to_string()],
        ];
        let (pairs, blocking) = candidate_pairs(&keys);
        assert_eq!(pairs, vec![(0, 1), (0, 3)]);
        assert_eq!(blocking.keys, 3);
        let crowd: Vec<Vec<String>> = (0..MAX_BLOCK + 1).map(|_| vec!["x".to_string()]).collect();
        let (pairs, blocking) = candidate_pairs(&crowd);
        assert!(pairs.is_empty());
        assert_eq!(blocking.oversized_blocks, 1);
    }

    #[test]
    fn a_file_with_one_company_twice_yields_that_pair() {
        let records = vec![
            keyed("南京市联荣家纺股份有限公司", None),
            keyed("联荣（南京）家纺股份有限公司", None),
            keyed("杭州市恒信电子有限公司", Some("0571-88886666")),
            keyed("上海市宏达物流有限公司", Some("0571-88886666")),
        ];
        let (found, _) = duplicates(&records, &Weights::default());
        let pairs: Vec<(u32, u32)> = found.iter().map(|(a, b, _)| (*a, *b)).collect();
        assert_eq!(pairs, vec![(0, 1)]);
    }
}
