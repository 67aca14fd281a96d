//! The one scoring module (pure): how likely a stored record is the company being typed,
//! and why. Used by the live check, the batch scan and the import alike.

use serde::Serialize;

use crate::domain::names::{branch_part, core_form, region_of};
use crate::domain::ownership::Entity;
use crate::domain::{email, phone, uscc};

/// What a person typed (all optional but the name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub name: String,
    pub uscc: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// The draft in comparable form, computed once per draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftKeys {
    pub core: String,
    pub branch: Option<String>,
    pub region: Option<String>,
    /// A valid code, normalised; an invalid one never matches (it is a typo to show).
    pub uscc: Option<String>,
    pub phone_e164: Option<String>,
    pub domain: Option<String>,
}

impl DraftKeys {
    pub fn of(draft: &Draft) -> DraftKeys {
        DraftKeys {
            core: core_form(&draft.name),
            branch: branch_part(&draft.name),
            region: region_of(&draft.name),
            uscc: draft.uscc.as_deref().and_then(|c| uscc::validate(c).ok()),
            phone_e164: draft
                .phone
                .as_deref()
                .and_then(|p| phone::normalize(p).ok())
                .map(|p| p.e164),
            domain: draft.email.as_deref().and_then(email::company_domain),
        }
    }
}

/// A stored record's keys, as the database returns them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredKeys {
    pub name: String,
    pub core: String,
    pub uscc: Option<String>,
    pub uscc_valid: bool,
    pub phone_e164: Option<String>,
    pub domain: Option<String>,
}

/// Why a record came up.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    SameCreditCode,
    SameName,
    SimilarName {
        similarity: f64,
    },
    TypedPrefix,
    SamePhone,
    SameDomain,
    /// Related (a branch of the same company, or its parent), not the same entity.
    Branch {
        branch: String,
    },
    /// Both carry a valid credit code and the codes differ: two legal entities.
    DifferentCreditCode,
    /// Both names state a region and the regions differ (上海恒信… / 北京恒信…).
    DifferentRegion,
    /// The names differ in the trade name (字号), the most distinctive part.
    DifferentTradeName,
}

/// Weights and thresholds, from the database's duplicate rules (`dibs.dedup_rules`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub name_threshold: f64,
    pub name: f64,
    pub phone: f64,
    pub domain: f64,
    /// Live typing: what was typed so far may be the start of a stored name. Off for batch
    /// comparisons, where a short name that starts a longer one (新星 / 新星新能源) is a
    /// parent and its subsidiary, not one company.
    pub typing: bool,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            name_threshold: 0.88,
            name: 1.0,
            phone: 0.35,
            domain: 0.4,
            typing: true,
        }
    }
}

/// A score at or above this judges a pair the same company (batch scan, import).
pub const DUPLICATE_AT: f64 = 0.85;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    pub score: f64,
    pub why: Vec<Why>,
}

/// Name similarity of two core forms: Jaro-Winkler counts characters, so it is correct on
/// Chinese (docs/ARCHITECTURE.md, "Duplicate check"); an exact core is 1.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    strsim::jaro_winkler(a, b)
}

pub fn score(draft: &DraftKeys, stored: &StoredKeys, weights: &Weights) -> Scored {
    let mut why = Vec::new();
    if let (Some(code), Some(other)) = (&draft.uscc, &stored.uscc)
        && stored.uscc_valid
        && code == other
    {
        why.push(Why::SameCreditCode);
        return Scored { score: 1.0, why };
    }
    let mut similarity = name_similarity(&draft.core, &stored.core);
    if draft.core == stored.core && !draft.core.is_empty() {
        why.push(Why::SameName);
    } else if weights.typing
        && draft.core.chars().count() >= 2
        && stored.core.starts_with(&draft.core)
    {
        // The rep is still typing: what they typed so far is the start of this name.
        similarity = similarity.max(0.9);
        why.push(Why::TypedPrefix);
    } else if similarity >= weights.name_threshold - 0.1 {
        why.push(Why::SimilarName {
            similarity: (similarity * 100.0).round() / 100.0,
        });
    }
    let stored_branch = branch_part(&stored.name);
    if similarity >= 0.9 && stored_branch != draft.branch {
        // Same company family, different entity: worth showing, not a duplicate.
        similarity = similarity.min(0.7);
        why.push(Why::Branch {
            branch: stored_branch.or(draft.branch.clone()).unwrap_or_default(),
        });
    }
    if let (Some(mine), Some(theirs)) = (&draft.region, region_of(&stored.name))
        && *mine != theirs
        && similarity >= 0.8
    {
        similarity = similarity.min(0.8);
        why.push(Why::DifferentRegion);
    }
    if (0.8..1.0).contains(&similarity) && differs_in_trade_name(&draft.core, &stored.core) {
        similarity = similarity.min(0.8);
        why.push(Why::DifferentTradeName);
    }
    // Below the threshold a name still counts, but for much less.
    let name_signal = if similarity >= weights.name_threshold {
        similarity
    } else {
        similarity * similarity * 0.5
    };
    let same_phone = draft.phone_e164.is_some() && draft.phone_e164 == stored.phone_e164;
    let same_domain = draft.domain.is_some() && draft.domain == stored.domain;
    if same_phone {
        why.push(Why::SamePhone);
    }
    if same_domain {
        why.push(Why::SameDomain);
    }
    // Independent signals combined as a noisy-or: a shared switchboard alone stays low.
    let miss = (1.0 - weights.name * name_signal)
        * (1.0 - if same_phone { weights.phone } else { 0.0 })
        * (1.0 - if same_domain { weights.domain } else { 0.0 });
    let mut total = 1.0 - miss;
    if let (Some(mine), Some(theirs)) = (&draft.uscc, &stored.uscc)
        && stored.uscc_valid
        && mine != theirs
    {
        total = total.min(0.5);
        why.push(Why::DifferentCreditCode);
    }
    Scored {
        score: (total * 1000.0).round() / 1000.0,
        why,
    }
}

/// Equal-length cores that differ within their first two characters (where the trade name
/// sits) but agree on the rest: 恒信精密机械 / 恒兴精密机械.
fn differs_in_trade_name(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    a.len() == b.len() && a.len() >= 4 && a[..2] != b[..2] && a[2..] == b[2..]
}

/// One probable duplicate, with what the person may see of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    pub entity: Entity,
    pub id: i64,
    pub name: String,
    pub owner: Option<String>,
    pub team: Option<String>,
    pub status: String,
    pub score: f64,
    pub why: Vec<Why>,
}

/// Someone else typing a similar new company right now ("王芳 is creating 华为技术… right now").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InFlight {
    pub user: String,
    pub team: Option<String>,
    pub draft: String,
    pub seconds_ago: i32,
}

/// What the live panel shows: stored probable duplicates and drafts being typed elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveResult {
    pub matches: Vec<Match>,
    pub in_flight: Vec<InFlight>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(name: &str) -> DraftKeys {
        DraftKeys::of(&Draft {
            name: name.into(),
            ..Draft::default()
        })
    }

    fn stored(name: &str) -> StoredKeys {
        StoredKeys {
            name: name.into(),
            core: core_form(name),
            ..StoredKeys::default()
        }
    }

    #[test]
    fn spelling_variants_of_one_company_score_as_duplicates() {
        let w = Weights::default();
        for (typed, existing) in [
            ("华为技术（深圳）有限公司", "华为技术有限公司"),
            ("華為技術有限公司", "华为技术有限公司"),
            ("深圳华为技术股份有限公司", "华为技术有限公司"),
            ("华为技术", "华为技术有限公司"),
        ] {
            let s = score(&keys(typed), &stored(existing), &w);
            assert!(s.score >= DUPLICATE_AT, "{typed} vs {existing}: {s:?}");
        }
    }

    #[test]
    fn different_companies_and_branches_do_not() {
        let w = Weights::default();
        for (typed, existing) in [
            ("恒信精密机械有限公司", "恒达物流有限公司"),
            ("华为技术有限公司", "华为技术有限公司苏州分公司"),
            ("上海银行股份有限公司", "北京银行股份有限公司"),
        ] {
            let s = score(&keys(typed), &stored(existing), &w);
            assert!(s.score < DUPLICATE_AT, "{typed} vs {existing}: {s:?}");
        }
        let branch = score(
            &keys("华为技术有限公司"),
            &stored("华为技术有限公司苏州分公司"),
            &w,
        );
        assert!(
            branch.why.iter().any(|w| matches!(w, Why::Branch { .. })),
            "{branch:?}"
        );
    }

    #[test]
    fn a_shared_phone_alone_is_not_enough_but_adds_to_a_name() {
        let w = Weights::default();
        let mut draft = keys("恒信精密机械有限公司");
        draft.phone_e164 = Some("+864008208820".into());
        let mut other = stored("宏达物流有限公司");
        other.phone_e164 = draft.phone_e164.clone();
        let phone_only = score(&draft, &other, &w);
        assert!(phone_only.score < 0.5, "{phone_only:?}");
        assert!(phone_only.why.contains(&Why::SamePhone));
    }

    #[test]
    fn same_valid_code_decides_an_invalid_one_never_matches() {
        let w = Weights::default();
        let code = uscc::synthesise("310000", 9);
        let draft = DraftKeys::of(&Draft {
            name: "甲".into(),
            uscc: Some(code.clone()),
            ..Draft::default()
        });
        let other = StoredKeys {
            uscc: Some(code.clone()),
            uscc_valid: true,
            ..stored("乙公司")
        };
        assert_eq!(score(&draft, &other, &w).score, 1.0);
        let mut typo = code.clone();
        typo.replace_range(17..18, if code.ends_with('0') { "1" } else { "0" });
        let draft = DraftKeys::of(&Draft {
            name: "甲".into(),
            uscc: Some(typo.clone()),
            ..Draft::default()
        });
        let other = StoredKeys {
            uscc: Some(typo),
            uscc_valid: false,
            ..stored("乙公司")
        };
        assert!(score(&draft, &other, &w).score < 0.5);
    }

    #[test]
    fn scores_stay_between_zero_and_one() {
        let mut rng = crate::rng::SeededRng::new(11);
        let w = Weights::default();
        for _ in 0..2_000 {
            let a = crate::seed::generate::random_company(&mut rng);
            let b = crate::seed::generate::random_company(&mut rng);
            let mut draft = keys(&a.name);
            draft.domain = Some(a.domain.clone());
            let mut other = stored(&b.name);
            other.domain = Some(b.domain.clone());
            let s = score(&draft, &other, &w);
            assert!((0.0..=1.0).contains(&s.score), "{s:?}");
            assert!(score(&draft, &stored(&a.name), &w).score >= DUPLICATE_AT);
        }
    }
}
