//! The one scoring module (pure): how likely a stored record is the company being typed,
//! and why. Names are taken apart (`domain::company`), compared part by part
//! (`domain::compare`) and weighed by the fitted model (`domain::model`); the credit code,
//! phone and company e-mail domain add their evidence. Used by the live check, the batch scan
//! and the import alike.

use serde::Serialize;

use crate::domain::company::{Parts, parse};
use crate::domain::compare::{Feature, han_features, latin_features};
use crate::domain::cross::cross_features;
use crate::domain::model::{Logistic, Model, shipped};
use crate::domain::ownership::Entity;
use crate::domain::{email, phone, uscc};

/// What a person typed (all optional but the name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub name: String,
    pub uscc: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// ISO country code, when the source has one (English names: used as evidence).
    pub country: Option<String>,
}

/// A record in comparable form: its name taken apart, a valid credit code (an invalid one is
/// a typo to show, never a key), phone in E.164, company e-mail domain, country.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keyed {
    pub name: String,
    pub parts: Parts,
    pub uscc: Option<String>,
    pub phone_e164: Option<String>,
    pub domain: Option<String>,
    pub country: Option<String>,
    /// A stored company's other names (曾用名, 别名, English name), each with the same code,
    /// phone, domain and country: the check compares the draft with every one.
    pub aliases: Vec<Keyed>,
}

impl Keyed {
    pub fn of(draft: &Draft) -> Keyed {
        Keyed {
            name: draft.name.clone(),
            parts: parse(&draft.name),
            uscc: draft.uscc.as_deref().and_then(|c| uscc::validate(c).ok()),
            phone_e164: draft
                .phone
                .as_deref()
                .and_then(|p| phone::normalize(p).ok())
                .map(|p| p.e164),
            domain: draft.email.as_deref().and_then(email::company_domain),
            country: draft
                .country
                .as_deref()
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty()),
            aliases: Vec::new(),
        }
    }

    pub fn stored(stored: &StoredKeys) -> Keyed {
        let record = Keyed {
            name: stored.name.clone(),
            parts: parse(&stored.name),
            uscc: stored.uscc.clone().filter(|_| stored.uscc_valid),
            phone_e164: stored.phone_e164.clone(),
            domain: stored.domain.clone(),
            country: stored.country.clone(),
            aliases: Vec::new(),
        };
        let aliases = stored
            .aliases
            .iter()
            .map(|alias| Keyed {
                name: alias.clone(),
                parts: parse(alias),
                ..record.clone()
            })
            .collect();
        Keyed { aliases, ..record }
    }
}

/// A stored record's keys, as the database returns them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredKeys {
    pub name: String,
    pub uscc: Option<String>,
    pub uscc_valid: bool,
    pub phone_e164: Option<String>,
    pub domain: Option<String>,
    pub country: Option<String>,
    /// Names the company is also known as (曾用名, 别名, English name): each is compared too.
    pub aliases: Vec<String>,
}

/// Why a record came up (the largest contributions to its score, in words when shown).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    SameCreditCode,
    SameName,
    /// 同字号: the same trade name.
    SameTradeName,
    /// 同音: the trade names sound the same.
    Homophone,
    /// 字序颠倒: the same characters in another order.
    Transposed,
    /// 少一字: one character left out.
    OneCharMissing,
    /// 简称: one name is the other's short form.
    ShortName,
    /// 缩写: one name is made of chosen characters of the other (中国交建 / 中国交通建设).
    Abbreviation,
    /// 英文名: a Chinese name and its English (pinyin) name.
    EnglishName,
    /// 曾用名/别名: the name matched is one the company is also known as.
    AlsoKnownAs {
        alias: String,
    },
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
    /// 行业不同.
    DifferentIndustry,
    /// One character of the trade name differs and sounds different (舒福德 / 舒福埃).
    OneCharDifferent,
    /// The trade names (字号) differ.
    DifferentTradeName,
    /// Different legal forms of entity (LLC / Inc).
    DifferentForm,
    DifferentCountry,
}

/// The duplicate rules that change how the engine scores, from `dibs.dedup_rules`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Live typing: what was typed so far may be the start of a stored name. Off for batch
    /// comparisons, where a short name that starts a longer one (新星 / 新星新能源) is a
    /// parent and its subsidiary, not one company.
    pub typing: bool,
    /// The phone and e-mail-domain rules are enabled (an admin may switch either off).
    pub phone: bool,
    pub domain: bool,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            typing: true,
            phone: true,
            domain: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    /// The model's probability that the two are one company (0–1).
    pub score: f64,
    /// At or above the fitted threshold of the pair's script: the scan and the import report
    /// it, the live panel warns.
    pub duplicate: bool,
    pub why: Vec<Why>,
}

/// Mixed scripts (a Chinese and an English name): only a code, a phone or a domain speaks,
/// and a phone and a domain together are needed to call it one company.
const MIXED_THRESHOLD: f64 = 0.6;
/// How far under the threshold a capped score (a branch, two different credit codes) stays.
const CAP_MARGIN: f64 = 0.05;

/// Which model applies to a pair: both names Chinese, both Latin, or neither (mixed scripts:
/// only codes, phones and domains can speak).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    Han,
    /// Chinese, one name (or both) without a legal form: a short name or abbreviation.
    HanShort,
    Latin,
    /// One Chinese and one Latin-script name.
    Mixed,
}

pub const SCRIPTS: [Script; 4] = [Script::Han, Script::HanShort, Script::Latin, Script::Mixed];

pub fn script(a: &Parts, b: &Parts) -> Script {
    match (a.han, b.han) {
        (true, true) if a.unformed() || b.unformed() => Script::HanShort,
        (true, true) => Script::Han,
        (false, false) => Script::Latin,
        _ => Script::Mixed,
    }
}

/// The model that scores a pair of this script; None while it has not been fitted (an
/// older model file): then only codes, phones and domains speak.
pub fn script_model(model: &Model, script: Script) -> Option<&Logistic> {
    let logistic = match script {
        Script::Han => &model.han,
        Script::HanShort => &model.han_short,
        Script::Latin => &model.latin,
        Script::Mixed => &model.cross,
    };
    match script {
        Script::HanShort if logistic.weights.is_empty() => Some(&model.han),
        _ if logistic.weights.is_empty() => None,
        _ => Some(logistic),
    }
}

/// What the hard rules decide before any model: the same valid credit code is one company;
/// two different valid codes, or a branch beside its company, are two entities (shown, never
/// reported as duplicates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HardRule {
    SameCode,
    TwoEntities,
    None,
}

pub fn hard_rule(a: &Keyed, b: &Keyed) -> HardRule {
    match (&a.uscc, &b.uscc) {
        (Some(x), Some(y)) if x == y => HardRule::SameCode,
        (Some(_), Some(_)) => HardRule::TwoEntities,
        _ if a.parts.branch != b.parts.branch => HardRule::TwoEntities,
        _ => HardRule::None,
    }
}

/// The features of a pair for `model` (the name's, and the shared evidence).
pub fn features(a: &Keyed, b: &Keyed, weights: &Weights) -> Vec<Feature> {
    let mut features = match (a.parts.han, b.parts.han) {
        (true, true) => han_features(&a.parts, &b.parts),
        (false, false) => latin_features(
            &a.parts,
            &b.parts,
            a.country.as_deref(),
            b.country.as_deref(),
        ),
        (true, false) => cross_features(&a.parts, &b.parts),
        (false, true) => cross_features(&b.parts, &a.parts),
    };
    if weights.phone && a.phone_e164.is_some() && a.phone_e164 == b.phone_e164 {
        features.push(("phone_equal", 1.0));
    }
    if weights.domain && a.domain.is_some() && a.domain == b.domain {
        features.push(("domain_equal", 1.0));
    }
    features
}

/// A cross-script name probability mapped so that the model's own threshold lands on the
/// mixed threshold (monotone, 0 → 0 and 1 → 1), so the names and the shared evidence add up
/// on one scale.
fn on_mixed_scale(p: f64, threshold: f64) -> f64 {
    let t = threshold.clamp(0.01, 0.99);
    if p >= t {
        MIXED_THRESHOLD + (1.0 - MIXED_THRESHOLD) * (p - t) / (1.0 - t)
    } else {
        MIXED_THRESHOLD * p / t
    }
}

/// How much a same phone or domain alone counts when the names cannot be compared (mixed
/// scripts): a shared switchboard alone stays low.
const PHONE_ALONE: f64 = 0.35;
const DOMAIN_ALONE: f64 = 0.4;

/// The score of a stored record for a draft: against its name, and against each name it is
/// also known as (the best wins, and says which name matched).
pub fn score(draft: &Keyed, stored: &Keyed, weights: &Weights) -> Scored {
    let mut best = score_with(shipped(), draft, stored, weights);
    for alias in &stored.aliases {
        let mut by_alias = score_with(shipped(), draft, alias, weights);
        if by_alias.score > best.score {
            by_alias.why.insert(
                0,
                Why::AlsoKnownAs {
                    alias: alias.name.clone(),
                },
            );
            best = by_alias;
        }
    }
    best
}

/// The score under a given model (the fit compares candidates with it).
pub fn score_with(model: &Model, draft: &Keyed, stored: &Keyed, weights: &Weights) -> Scored {
    if hard_rule(draft, stored) == HardRule::SameCode {
        return Scored {
            score: 1.0,
            duplicate: true,
            why: vec![Why::SameCreditCode],
        };
    }
    let features = features(draft, stored, weights);
    let mut why = Vec::new();
    let script = script(&draft.parts, &stored.parts);
    let (mut score, threshold) = match script_model(model, script) {
        Some(logistic) if script != Script::Mixed => {
            why = reasons(logistic, &features, draft, stored);
            (logistic.probability(&features), logistic.threshold)
        }
        cross => {
            // Mixed scripts: the names' own evidence (when the cross-script model is there),
            // put on the scale of the mixed threshold, then a phone and a domain on top.
            let mut miss = 1.0;
            if let Some(logistic) = cross {
                let names: Vec<Feature> = features
                    .iter()
                    .filter(|(name, _)| name.starts_with("x_"))
                    .copied()
                    .collect();
                let p = logistic.probability(&names);
                miss = 1.0 - on_mixed_scale(p, logistic.threshold);
                if p >= logistic.threshold {
                    why.push(Why::EnglishName);
                }
            }
            for (name, _) in &features {
                match *name {
                    "phone_equal" => {
                        miss *= 1.0 - PHONE_ALONE;
                        why.push(Why::SamePhone);
                    }
                    "domain_equal" => {
                        miss *= 1.0 - DOMAIN_ALONE;
                        why.push(Why::SameDomain);
                    }
                    _ => {}
                }
            }
            (1.0 - miss, MIXED_THRESHOLD)
        }
    };
    let cap = (threshold - CAP_MARGIN).max(0.0);
    // Still typing: what was typed so far is the start of this name.
    let typed = &draft.parts.basic;
    if weights.typing
        && typed.chars().count() >= 2
        && score < threshold
        && (stored.parts.basic.starts_with(typed.as_str())
            || stored.parts.core().starts_with(typed.as_str())
            || stored.parts.trade.starts_with(typed.as_str()))
    {
        score = threshold;
        why.insert(0, Why::TypedPrefix);
    }
    if draft.parts.branch != stored.parts.branch && score >= cap {
        // Same company family, different entity: worth showing, not a duplicate.
        score = cap;
        why.push(Why::Branch {
            branch: stored
                .parts
                .branch
                .clone()
                .or(draft.parts.branch.clone())
                .unwrap_or_default(),
        });
    }
    if draft.uscc.is_some() && stored.uscc.is_some() {
        score = score.min(cap);
        why.push(Why::DifferentCreditCode);
    }
    Scored {
        score: (score * 1000.0).round() / 1000.0,
        duplicate: score >= threshold,
        why,
    }
}

/// The largest contributions, as reasons a person reads (at most three, strongest first).
fn reasons(logistic: &Logistic, features: &[Feature], a: &Keyed, b: &Keyed) -> Vec<Why> {
    let same_name = a.parts.basic == b.parts.basic
        || (a.parts.han && a.parts.core() == b.parts.core())
        || (!a.parts.han && a.parts.tokens == b.parts.tokens && !a.parts.tokens.is_empty());
    let mut why = Vec::new();
    for (name, weight) in logistic.contributions(features) {
        if weight.abs() < 0.5 || why.len() >= 3 {
            continue;
        }
        let reason = match name {
            "trade_equal" | "core_equal" | "basic_equal" | "base_equal" | "base_equal_unspaced"
                if same_name =>
            {
                Why::SameName
            }
            "trade_equal" => Why::SameTradeName,
            "trade_homophone" => Why::Homophone,
            "trade_transposed" | "base_reordered" => Why::Transposed,
            "trade_one_missing" => Why::OneCharMissing,
            "trade_contains" | "short_keeps_trade" if weight > 0.0 => Why::ShortName,
            "short_abbreviation" | "trade_abbreviated" if weight > 0.0 => Why::Abbreviation,
            "trade_one_different" => Why::OneCharDifferent,
            "trade_other" if weight < 0.0 => Why::DifferentTradeName,
            "base_one_edit" | "base_two_edits" | "base_similarity" | "sorted_similarity"
            | "trade_similarity" | "token_jaccard"
                if weight > 0.0 =>
            {
                Why::SimilarName {
                    similarity: (strsim::jaro_winkler(&a.parts.core(), &b.parts.core()) * 100.0)
                        .round()
                        / 100.0,
                }
            }
            "region_conflict" => Why::DifferentRegion,
            "industry_conflict" => Why::DifferentIndustry,
            "form_conflict" if weight < 0.0 => Why::DifferentForm,
            "country_differ" => Why::DifferentCountry,
            "phone_equal" => Why::SamePhone,
            "domain_equal" => Why::SameDomain,
            _ => continue,
        };
        if !why.contains(&reason) {
            why.push(reason);
        }
    }
    why
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
    /// At or above the batch threshold: the panel warns.
    pub duplicate: bool,
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

    fn keys(name: &str) -> Keyed {
        Keyed::of(&Draft {
            name: name.into(),
            ..Draft::default()
        })
    }

    fn batch() -> Weights {
        Weights {
            typing: false,
            ..Weights::default()
        }
    }

    #[test]
    fn spelling_variants_of_one_company_score_as_duplicates() {
        for (typed, existing) in [
            ("华为技术（深圳）有限公司", "华为技术有限公司"),
            ("華為技術有限公司", "华为技术有限公司"),
            ("深圳华为技术股份有限公司", "华为技术有限公司"),
            ("南京市联荣家纺股份有限公司", "联荣（南京）家纺股份有限公司"),
            ("太原市煤矿业包装有限公司", "煤矿业包装有限公司"),
            ("兰州市言趣建筑设计商行", "言趣建筑设计（兰州）商行"),
            ("南京市缤果鲜茶特种设备有限公司", "南京市缤果鲜茶有限公司"),
            ("海南省活得漂亮食品有限公司", "活得漂亮食品有限责任公司"),
            (
                "The Kings Road Investments Pte. Ltd.",
                "KINGS ROAD INVESTMENTS PTE LTD",
            ),
        ] {
            let s = score(&keys(typed), &keys(existing), &batch());
            assert!(s.duplicate, "{typed} vs {existing}: {s:?}");
        }
    }

    #[test]
    fn different_companies_and_branches_do_not() {
        for (typed, existing) in [
            ("恒信精密机械有限公司", "恒达物流有限公司"),
            ("华为技术有限公司", "华为技术有限公司苏州分公司"),
            ("上海银行股份有限公司", "北京银行股份有限公司"),
            ("南京市舒福德家具有限公司", "南京市舒福埃家具有限公司"),
        ] {
            let s = score(&keys(typed), &keys(existing), &batch());
            assert!(!s.duplicate, "{typed} vs {existing}: {s:?}");
        }
        let branch = score(
            &keys("华为技术有限公司"),
            &keys("华为技术有限公司苏州分公司"),
            &batch(),
        );
        assert!(
            branch.why.iter().any(|w| matches!(w, Why::Branch { .. })),
            "{branch:?}"
        );
    }

    #[test]
    fn a_short_name_finds_its_company_but_not_a_national_namesake() {
        for (short, full) in [
            ("千百度", "千百度国际控股有限公司"),
            ("杉杉股份", "宁波杉杉股份有限公司"),
        ] {
            let s = score(&keys(short), &keys(full), &batch());
            assert!(s.duplicate, "{short} vs {full}: {s:?}");
        }
        // When the trade name is an industry word, or one name is the country's, the place
        // is what tells the companies apart.
        for (national, local) in [
            ("中国重工", "太原重工股份有限公司"),
            ("中国东方集团", "青岛东方"),
            ("中国医药", "南京医药"),
        ] {
            let s = score(&keys(national), &keys(local), &batch());
            assert!(!s.duplicate, "{national} vs {local}: {s:?}");
        }
    }

    #[test]
    fn reasons_name_the_part_that_decided() {
        let homophone = score(
            &keys("恒信电子有限公司"),
            &keys("恒心电子有限公司"),
            &batch(),
        );
        assert!(homophone.why.contains(&Why::Homophone), "{homophone:?}");
        let region = score(
            &keys("上海市恒信电子有限公司"),
            &keys("北京市恒信电子有限公司"),
            &batch(),
        );
        assert!(region.why.contains(&Why::DifferentRegion), "{region:?}");
    }

    #[test]
    fn typing_the_start_of_a_stored_name_warns() {
        for (typed, stored) in [
            ("华为", "华为技术有限公司"),
            ("恒信精", "恒信精密机械股份有限公司"),
            ("Accord Ind", "Accord Industries LLC"),
        ] {
            let live = score(&keys(typed), &keys(stored), &Weights::default());
            assert!(live.duplicate, "{typed}: {live:?}");
            let batch = score(&keys(typed), &keys(stored), &batch());
            assert!(!batch.why.contains(&Why::TypedPrefix), "{typed}: {batch:?}");
        }
        // The bonus fills in where the model alone would not warn.
        let live = score(
            &keys("Accord Ind"),
            &keys("Accord Industries LLC"),
            &Weights::default(),
        );
        assert!(live.why.contains(&Why::TypedPrefix), "{live:?}");
    }

    #[test]
    fn a_shared_phone_alone_is_not_enough() {
        let mut draft = keys("恒信精密机械有限公司");
        draft.phone_e164 = Some("+864008208820".into());
        let mut other = keys("宏达物流有限公司");
        other.phone_e164 = draft.phone_e164.clone();
        let phone_only = score(&draft, &other, &batch());
        assert!(!phone_only.duplicate, "{phone_only:?}");
    }

    #[test]
    fn same_valid_code_decides_an_invalid_one_never_matches() {
        let code = uscc::synthesise("310000", 9);
        let with_code = |name: &str, code: &str| {
            Keyed::of(&Draft {
                name: name.into(),
                uscc: Some(code.into()),
                ..Draft::default()
            })
        };
        let same = score(
            &with_code("甲", &code),
            &with_code("乙公司", &code),
            &batch(),
        );
        assert_eq!((same.score, same.duplicate), (1.0, true));
        let mut typo = code.clone();
        typo.replace_range(17..18, if code.ends_with('0') { "1" } else { "0" });
        let typos = score(
            &with_code("甲", &typo),
            &with_code("乙公司", &typo),
            &batch(),
        );
        assert!(!typos.duplicate, "{typos:?}");
        let other = uscc::synthesise("310000", 10);
        let two = score(
            &with_code("华为技术有限公司", &code),
            &with_code("华为技术有限公司", &other),
            &batch(),
        );
        assert!(!two.duplicate && two.why.contains(&Why::DifferentCreditCode));
    }

    #[test]
    fn scores_stay_between_zero_and_one_and_a_name_matches_itself() {
        let mut rng = crate::rng::SeededRng::new(11);
        for _ in 0..2_000 {
            let a = crate::seed::generate::random_company(&mut rng);
            let b = crate::seed::generate::random_company(&mut rng);
            let s = score(&keys(&a.name), &keys(&b.name), &batch());
            assert!((0.0..=1.0).contains(&s.score), "{s:?}");
            assert!(score(&keys(&a.name), &keys(&a.name), &batch()).duplicate);
        }
    }
}
