//! A labelled evaluation set for the duplicate check, generated deterministically from the
//! demo word lists (city names, trade-name characters, industry words and legal forms with
//! their pinyin; ordinary vocabulary typed for this project, no company register copied).
//!
//! Each company is a cluster: its registered name plus variants as reps type them. Hard
//! negatives sit beside them as their own clusters: the same trade name in another city,
//! a name one trade-name character apart, a branch, companies behind one shared phone.

use crate::domain::lexicon::readings;
use crate::domain::uscc;
use crate::rng::SeededRng;
use crate::seed::generate::{self, Company};
use crate::seed::vocab::{INDUSTRIES, REGIONS, SHARED_PHONES, TRADE_CHARS};

use super::labelled::ordered;
use super::scan::Record;

#[derive(Debug, Clone)]
pub struct Labelled {
    pub records: Vec<Record>,
    /// The cluster (real-world company) of each record.
    pub cluster: Vec<usize>,
    /// Records that are the registered original of their cluster (what a CRM already holds).
    pub original: Vec<bool>,
}

impl Labelled {
    /// Pairs of records in the same cluster: what a perfect scan reports.
    pub fn true_pairs(&self) -> std::collections::HashSet<(String, String)> {
        let mut pairs = std::collections::HashSet::new();
        for i in 0..self.records.len() {
            for j in i + 1..self.records.len() {
                if self.cluster[i] == self.cluster[j] {
                    pairs.insert(ordered(&self.records[i].id, &self.records[j].id));
                }
            }
        }
        pairs
    }
}

struct Builder {
    labelled: Labelled,
    next_cluster: usize,
    serial: u64,
}

impl Builder {
    fn push(&mut self, cluster: usize, original: bool, record: Record) {
        self.labelled.records.push(Record {
            id: format!("r{}", self.labelled.records.len() + 1),
            ..record
        });
        self.labelled.cluster.push(cluster);
        self.labelled.original.push(original);
    }

    fn new_cluster(&mut self) -> usize {
        self.next_cluster += 1;
        self.next_cluster
    }

    fn code(&mut self, company: &Company) -> String {
        self.serial += 1;
        uscc::synthesise(company.region().code, 50_000_000 + self.serial)
    }
}

fn record(
    name: String,
    phone: Option<String>,
    email: Option<String>,
    code: Option<String>,
) -> Record {
    Record {
        id: String::new(),
        name,
        phone,
        email,
        uscc: code,
        country: None,
    }
}

/// `companies` clusters with Chinese-name variants and hard negatives.
pub fn chinese_set(seed: u64, companies: usize) -> Labelled {
    let mut rng = SeededRng::new(seed);
    let mut b = Builder {
        labelled: Labelled {
            records: Vec::new(),
            cluster: Vec::new(),
            original: Vec::new(),
        },
        next_cluster: 0,
        serial: 0,
    };
    for _ in 0..companies {
        let company = generate::random_company(&mut rng);
        let cluster = b.new_cluster();
        let code = b.code(&company);
        let phone = generate::landline(&mut rng, company.region).0;
        let email = format!("info@{}", company.domain);
        let has_code = rng.chance(60);
        b.push(
            cluster,
            true,
            record(
                company.name.clone(),
                rng.chance(60).then(|| phone.clone()),
                rng.chance(50).then(|| email.clone()),
                has_code.then(|| code.clone()),
            ),
        );
        // Variants: the same company as reps type it (Chinese only; English names are a
        // separate, known gap without transliteration).
        for _ in 0..rng.range(0, 2) {
            let variant = loop {
                let (variant, how) = generate::near_duplicate(&mut rng, &company);
                if how != "English name" {
                    break variant;
                }
            };
            b.push(
                cluster,
                false,
                record(
                    variant,
                    rng.chance(30).then(|| phone.clone()),
                    rng.chance(30).then(|| format!("sales@{}", company.domain)),
                    (has_code && rng.chance(30)).then(|| code.clone()),
                ),
            );
        }
        // Hard negatives, each its own company.
        match rng.below(5) {
            0 => {
                // Same trade name and industry in another city.
                let mut other_region = rng.below(REGIONS.len());
                if other_region == company.region {
                    other_region = (other_region + 1) % REGIONS.len();
                }
                let twin = generate::company(
                    &mut rng,
                    other_region,
                    company.industry,
                    (company.trade_zh.clone(), company.trade_en.clone()),
                );
                let twin = Company {
                    name: format!(
                        "{}{}{}有限公司",
                        twin.region().zh,
                        twin.trade_zh,
                        INDUSTRIES[twin.industry].zh
                    ),
                    ..twin
                };
                let cluster = b.new_cluster();
                let code = b.code(&twin);
                b.push(
                    cluster,
                    true,
                    record(
                        twin.name.clone(),
                        None,
                        None,
                        rng.chance(50).then_some(code),
                    ),
                );
            }
            1 => {
                // One trade-name character apart, same city and industry, and a character
                // that sounds different (one that sounds the same is what an IME slip
                // looks like: the duplicate check is right to take it for the company).
                let mut chars: Vec<char> = company.trade_zh.chars().collect();
                let slot = rng.below(chars.len());
                let replaced = chars[slot];
                let replacement = loop {
                    let (c, _) = rng.pick(TRADE_CHARS);
                    let c = c.chars().next().unwrap_or('新');
                    let sounds_alike = readings(c).iter().any(|r| readings(replaced).contains(r));
                    if !chars.contains(&c) && !sounds_alike {
                        break c;
                    }
                };
                chars[slot] = replacement;
                let trade: String = chars.into_iter().collect();
                let name = company.name.replacen(&company.trade_zh, &trade, 1);
                let cluster = b.new_cluster();
                b.push(cluster, true, record(name, None, None, None));
            }
            2 => {
                // A branch of the company: related, not the same.
                let city = REGIONS[rng.below(REGIONS.len())].zh;
                let cluster = b.new_cluster();
                b.push(
                    cluster,
                    true,
                    record(format!("{}{}分公司", company.name, city), None, None, None),
                );
            }
            3 => {
                // An unrelated company behind a shared switchboard number.
                let other = generate::random_company(&mut rng);
                let shared = (*rng.pick(SHARED_PHONES)).to_string();
                let cluster = b.new_cluster();
                b.push(cluster, true, record(other.name, Some(shared), None, None));
            }
            _ => {}
        }
    }
    b.labelled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_is_deterministic_and_has_positives_and_negatives() {
        let a = chinese_set(1, 200);
        let b = chinese_set(1, 200);
        assert_eq!(a.records, b.records);
        assert!(a.true_pairs().len() > 100);
        let clusters: std::collections::HashSet<usize> = a.cluster.iter().copied().collect();
        assert!(clusters.len() > 250, "hard negatives add clusters");
    }
}
