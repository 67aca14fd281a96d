//! Two company names compared part by part (pure): what each part says for or against their
//! being one company. The features feed the scoring model (`domain::model`); their names are
//! the keys of its weights (`data/dedup_model.json`).

use super::company::Parts;
use super::lexicon::{lexicon, readings};

/// A feature of a pair: its name in the model, and its value (1.0 for a yes/no feature).
pub type Feature = (&'static str, f64);

/// How two trade names (字号) relate, the strongest relation first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TradeRelation {
    Equal,
    /// Same readings at every position (an IME slip: 恒信 / 恒心).
    Homophone,
    /// The same characters in another order (九六 / 六九).
    Transposed,
    /// One is the other with one character left out (速度达 / 速达).
    OneMissing,
    /// One character differs, and it sounds different (美舟 / 美铂): evidence against.
    OneDifferent,
    /// One contains the other (a short name, or a trade name with an industry word in it).
    Contains,
    Other,
}

fn sounds_alike(a: char, b: char) -> bool {
    if a == b {
        return true;
    }
    let (ra, rb) = (readings(a), readings(b));
    ra.iter().any(|r| rb.contains(r))
}

/// `long` is `short` with one character more, comparing characters by sound (a dropped
/// character and an IME slip often come together: 麦第威 / 迪威).
fn one_missing(short: &[char], long: &[char]) -> bool {
    (0..long.len()).any(|skip| {
        long.iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, c)| *c)
            .zip(short.iter())
            .all(|(p, q)| sounds_alike(p, *q))
    })
}

pub fn trade_relation(a: &str, b: &str) -> TradeRelation {
    let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if x.is_empty() || y.is_empty() {
        return TradeRelation::Other;
    }
    if x == y {
        return TradeRelation::Equal;
    }
    if x.len() == y.len() {
        if x.iter().zip(&y).all(|(p, q)| sounds_alike(*p, *q)) {
            return TradeRelation::Homophone;
        }
        let (mut sx, mut sy) = (x.clone(), y.clone());
        sx.sort_unstable();
        sy.sort_unstable();
        if sx == sy {
            return TradeRelation::Transposed;
        }
        if x.iter().zip(&y).filter(|(p, q)| p != q).count() == 1 {
            return TradeRelation::OneDifferent;
        }
    }
    let (short, long) = if x.len() < y.len() {
        (&x, &y)
    } else {
        (&y, &x)
    };
    if long.len() == short.len() + 1 && short.len() >= 2 && one_missing(short, long) {
        return TradeRelation::OneMissing;
    }
    if short.len() >= 2 && long.windows(short.len()).any(|w| w == &short[..]) {
        return TradeRelation::Contains;
    }
    TradeRelation::Other
}

/// How two parts that may be missing relate: equal, one inside the other, one missing, both
/// missing, in conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartRelation {
    Equal,
    Nested,
    OneMissing,
    BothMissing,
    Conflict,
}

pub fn industry_relation(a: &str, b: &str) -> PartRelation {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => PartRelation::BothMissing,
        (true, false) | (false, true) => PartRelation::OneMissing,
        _ if a == b => PartRelation::Equal,
        // Two spellings of one industry word (家俱 / 家具, the first what 傢俱 becomes): the same
        // syllables throughout.
        _ if trade_relation(a, b) == TradeRelation::Homophone => PartRelation::Equal,
        _ if a.contains(b) || b.contains(a) => PartRelation::Nested,
        _ => PartRelation::Conflict,
    }
}

pub fn region_relation(a: &Parts, b: &Parts) -> PartRelation {
    match (a.places.is_empty(), b.places.is_empty()) {
        (true, true) => PartRelation::BothMissing,
        (true, false) | (false, true) => PartRelation::OneMissing,
        _ => {
            if a.places.iter().any(|p| b.places.contains(p)) {
                PartRelation::Equal
            } else if a
                .places
                .iter()
                .any(|p| b.places.iter().any(|q| p.compatible(q)))
            {
                PartRelation::Nested
            } else {
                PartRelation::Conflict
            }
        }
    }
}

/// Legal forms: the same class is equal (有限公司 / 有限责任公司, Ltd / Limited); a suffix cut
/// short (Co. / Co., Ltd.) is nested; other classes conflict (LLC / Inc).
pub fn form_relation(a: &Parts, b: &Parts) -> PartRelation {
    match (a.form, b.form) {
        _ if a.unformed() && b.unformed() => PartRelation::BothMissing,
        _ if a.unformed() || b.unformed() => PartRelation::OneMissing,
        (Some(x), Some(y)) if x == y => PartRelation::Equal,
        _ => {
            let (wa, wb) = (&a.form_words, &b.form_words);
            if !wa.is_empty() && !wb.is_empty() && (wa.starts_with(wb) || wb.starts_with(wa)) {
                PartRelation::Nested
            } else {
                PartRelation::Conflict
            }
        }
    }
}

fn relation_name(prefix: &'static str, relation: PartRelation) -> &'static str {
    use PartRelation::*;
    match (prefix, relation) {
        ("industry", Equal) => "industry_equal",
        ("industry", Nested) => "industry_nested",
        ("industry", OneMissing) => "industry_one_missing",
        ("industry", Conflict) => "industry_conflict",
        ("region", Equal) => "region_equal",
        ("region", Nested) => "region_nested",
        ("region", OneMissing) => "region_one_missing",
        ("region", Conflict) => "region_conflict",
        ("form", Equal) => "form_equal",
        ("form", OneMissing) => "form_one_missing",
        ("form", Nested) => "form_nested",
        ("form", Conflict) => "form_conflict",
        _ => "both_missing",
    }
}

/// The features of two Chinese names.
pub fn han_features(a: &Parts, b: &Parts) -> Vec<Feature> {
    let mut features = Vec::with_capacity(12);
    let trade = trade_relation(&a.trade, &b.trade);
    // An abbreviation's trade name is chosen characters, not a slip: 交建 against 交通 is
    // not "one character different" (evidence against) but the way 中国交建 is made.
    let abbreviated =
        matches!(trade, TradeRelation::Other | TradeRelation::OneDifferent) && abbreviates(a, b);
    features.push((
        match trade {
            _ if abbreviated => "trade_abbreviated",
            TradeRelation::Equal => "trade_equal",
            TradeRelation::Homophone => "trade_homophone",
            TradeRelation::Transposed => "trade_transposed",
            TradeRelation::OneMissing => "trade_one_missing",
            TradeRelation::OneDifferent => "trade_one_different",
            TradeRelation::Contains => "trade_contains",
            TradeRelation::Other => "trade_other",
        },
        1.0,
    ));
    if trade == TradeRelation::Homophone
        && a.trade
            .chars()
            .zip(b.trade.chars())
            .filter(|(x, y)| x != y)
            .count()
            > 1
    {
        // An IME slip changes one character; several changed characters that all happen to
        // share a reading (锐盈 / 瑞景) say much less.
        features.push(("trade_homophone_several", 1.0));
    }
    features.push(("trade_similarity", strsim::jaro_winkler(&a.trade, &b.trade)));
    let (core_a, core_b) = (a.core(), b.core());
    if core_a == core_b && !core_a.is_empty() {
        features.push(("core_equal", 1.0));
    } else if trade != TradeRelation::Equal {
        // The trade names may have been cut differently (a dropped character moves the line
        // between 字号 and 行业: 远方光电隔音 / 方光电隔音): compare the cores the same way.
        match trade_relation(&core_a, &core_b) {
            TradeRelation::Homophone => features.push(("core_homophone", 1.0)),
            TradeRelation::Transposed => features.push(("core_transposed", 1.0)),
            TradeRelation::OneMissing => features.push(("core_one_missing", 1.0)),
            _ => {}
        }
    }
    if a.basic == b.basic {
        features.push(("basic_equal", 1.0));
    }
    features.extend(short_name_features(a, b, trade));
    let industries = &lexicon().industries;
    if industries.contains(&a.trade) || industries.contains(&b.trade) {
        // A name that is a place and an industry word (云南旅游, 中国玻璃): its "trade name"
        // is the industry, shared by every company of the trade.
        features.push(("trade_is_industry", 1.0));
        // Then the place is the name: 南京医药 and 中国医药, 重庆燃气 and 中国燃气 are other
        // companies, though a missing region says little when the trade name is distinctive.
        if matches!(
            region_relation(a, b),
            PartRelation::OneMissing | PartRelation::Conflict
        ) {
            features.push(("industry_trade_places_differ", 1.0));
        }
    }
    let national_and_local = |x: &Parts, y: &Parts| {
        x.national && x.places.is_empty() && !y.national && !y.places.is_empty()
    };
    if national_and_local(a, b) || national_and_local(b, a) {
        // 中国东方集团 / 青岛东方, 中国重工 / 太原重工: one company for the country, one of a
        // region — the region is not merely left out.
        features.push(("national_and_local", 1.0));
    }
    for (prefix, relation) in [
        (
            "industry",
            industry_relation(industry_of(a), industry_of(b)),
        ),
        ("region", region_relation(a, b)),
        ("form", form_relation(a, b)),
    ] {
        let name = relation_name(prefix, relation);
        if name != "both_missing" {
            features.push((name, 1.0));
        }
    }
    features
}

/// The industry a name states. A name without a legal form that ends in 股份 or 控股 is a
/// securities short name (杉杉股份): the word stands for the form, not for an industry.
fn industry_of(parts: &Parts) -> &str {
    if parts.unformed() && matches!(parts.industry.as_str(), "股份" | "控股" | "集团") {
        ""
    } else {
        &parts.industry
    }
}

/// The characters a short name of `parts` may be chosen from, in order: the first character
/// of each place it states (上海 → 上, for 上汽), then 字号 and 行业.
fn abbreviation_source(parts: &Parts) -> Vec<char> {
    let mut chars: Vec<char> = Vec::new();
    for place in &parts.places {
        let name: Vec<char> = place.name().chars().collect();
        for c in name {
            if !chars.contains(&c) {
                chars.push(c);
            }
        }
    }
    chars.extend(parts.trade.chars());
    chars.extend(parts.industry.chars());
    chars
}

/// The name with the shorter core is an ordered selection of the other's characters (its
/// places' first characters, 字号 and 行业), starting where the other's trade name or a place
/// starts: 中国交建 from 中国交通建设, 上汽 from 上海汽车.
fn abbreviates(a: &Parts, b: &Parts) -> bool {
    let (core_a, core_b) = (a.core(), b.core());
    let (short, long) = if core_a.chars().count() < core_b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    let short_core: Vec<char> = short.core().chars().collect();
    let long_trade: Vec<char> = long.trade.chars().collect();
    if short_core.len() < 2 || long_trade.is_empty() || core_a == core_b {
        return false;
    }
    let starts_well = long_trade.first() == short_core.first()
        || long
            .places
            .iter()
            .any(|p| p.name().chars().next() == short_core.first().copied());
    starts_well && is_subsequence(&short_core, &abbreviation_source(long))
}

/// `short` is made of the first characters of the full name's words, in order (交通|建设 →
/// 交建, 上海|汽车 → 上汽): the usual way an abbreviation is formed, much rarer by chance than
/// any selection of characters. Words: each stated place, then 字号 and 行业 in twos.
fn initials_of(short: &[char], long: &Parts) -> bool {
    let mut words: Vec<Vec<char>> = long
        .places
        .iter()
        .map(|p| p.name().chars().collect())
        .collect();
    for part in [&long.trade, &long.industry] {
        let chars: Vec<char> = part.chars().collect();
        words.extend(chars.chunks(2).map(<[char]>::to_vec));
    }
    let mut rest = words.iter();
    short.len() >= 2
        && short
            .iter()
            .all(|c| rest.any(|word| word.first() == Some(c)))
}

/// The length of the longest common subsequence of two texts.
fn common_subsequence(a: &[char], b: &[char]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                row[j + 1].max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// `short` is an ordered selection of `long`'s characters (中国交建 from 中国交通建设).
fn is_subsequence(short: &[char], long: &[char]) -> bool {
    let mut rest = long.iter();
    short.iter().all(|c| rest.any(|l| l == c))
}

/// Whether one name is the other's short name (简称) or abbreviation, and how much of the
/// longer trade name it keeps. A securities short name has no legal form and is the trade
/// name with an industry word or a short tail (杉杉股份), or chosen characters of the full
/// name (中国交建, 上汽): the features let the model weigh that apart from a spelling slip.
fn short_name_features(a: &Parts, b: &Parts, trade: TradeRelation) -> Vec<Feature> {
    let mut features = Vec::new();
    match (a.unformed(), b.unformed()) {
        (true, true) => features.push(("unformed_both", 1.0)),
        (true, false) | (false, true) => features.push(("unformed_one", 1.0)),
        _ => {}
    }
    let (core_a, core_b) = (a.core(), b.core());
    let (short, long) = if core_a.chars().count() < core_b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    let short_core: Vec<char> = short.core().chars().collect();
    let long_trade: Vec<char> = long.trade.chars().collect();
    if short_core.len() < 2 || long_trade.is_empty() || core_a == core_b {
        return features;
    }
    if matches!(trade, TradeRelation::Other | TradeRelation::OneDifferent) && abbreviates(a, b) {
        features.push(("short_abbreviation", 1.0));
        if initials_of(&short_core, long) {
            features.push(("short_initials", 1.0));
        }
    }
    // How much of the shorter name, as written, is found in order in the longer one: a short
    // name is made of the full name's characters (宁波杉杉股份有限公司 → 杉杉股份); two
    // companies that share a first word do not share the rest (东方航空 / 东方锆业).
    let (short_basic, long_basic): (Vec<char>, Vec<char>) =
        if short.basic.chars().count() <= long.basic.chars().count() {
            (short.basic.chars().collect(), long.basic.chars().collect())
        } else {
            (long.basic.chars().collect(), short.basic.chars().collect())
        };
    if !short_basic.is_empty() {
        let common = common_subsequence(&short_basic, &long_basic);
        features.push((
            "short_unmatched",
            (short_basic.len() - common) as f64 / short_basic.len() as f64,
        ));
    }
    let kept = long_trade.iter().filter(|c| short_core.contains(c)).count();
    features.push(("short_keeps_trade", kept as f64 / long_trade.len() as f64));
    features
}

fn tokens_jaccard(a: &[String], b: &[String]) -> f64 {
    use std::collections::HashSet;
    let (x, y): (HashSet<&String>, HashSet<&String>) = (a.iter().collect(), b.iter().collect());
    let union = x.union(&y).count();
    if union == 0 {
        return 0.0;
    }
    x.intersection(&y).count() as f64 / union as f64
}

fn sorted_joined(tokens: &[String]) -> String {
    let mut sorted = tokens.to_vec();
    sorted.sort();
    sorted.join(" ")
}

/// The tokens that say who the company is: without generic words (technology, trading,
/// singapore …); all of them when nothing else is left.
pub fn distinctive(tokens: &[String]) -> Vec<String> {
    let generic = &lexicon().generic_en;
    let own: Vec<String> = tokens
        .iter()
        .filter(|t| !generic.contains(t.as_str()))
        .cloned()
        .collect();
    if own.is_empty() { tokens.to_vec() } else { own }
}

/// Two tokens are the same word, allowing one slip in a word of five letters or more.
fn same_word(a: &str, b: &str) -> bool {
    a == b || (a.len().min(b.len()) >= 5 && strsim::levenshtein(a, b) <= 1)
}

/// How the distinctive words of two names relate.
fn distinctive_relation(a: &[String], b: &[String]) -> &'static str {
    let found = |x: &[String], y: &[String]| {
        x.iter()
            .filter(|t| y.iter().any(|u| same_word(t, u)))
            .count()
    };
    let (in_b, in_a) = (found(a, b), found(b, a));
    if in_b == a.len() && in_a == b.len() {
        if a == b {
            "distinct_equal"
        } else {
            "distinct_near"
        }
    } else if in_b == a.len() || in_a == b.len() {
        "distinct_subset"
    } else if in_b == 0 && in_a == 0 {
        "distinct_conflict"
    } else {
        "distinct_overlap"
    }
}

/// The features of two Latin-script names (and their countries, when known).
pub fn latin_features(
    a: &Parts,
    b: &Parts,
    country_a: Option<&str>,
    country_b: Option<&str>,
) -> Vec<Feature> {
    let mut features = Vec::with_capacity(16);
    let (base_a, base_b) = (a.tokens.concat(), b.tokens.concat());
    if a.tokens == b.tokens && !a.tokens.is_empty() {
        features.push(("base_equal", 1.0));
    } else if base_a == base_b && !base_a.is_empty() {
        features.push(("base_equal_unspaced", 1.0));
    } else if sorted_joined(&a.tokens) == sorted_joined(&b.tokens) && !a.tokens.is_empty() {
        features.push(("base_reordered", 1.0));
    }
    let edits = strsim::levenshtein(&base_a, &base_b);
    if edits == 1 {
        features.push(("base_one_edit", 1.0));
    } else if edits == 2 {
        features.push(("base_two_edits", 1.0));
    }
    features.push(("token_jaccard", tokens_jaccard(&a.tokens, &b.tokens)));
    features.push(("base_similarity", strsim::jaro_winkler(&base_a, &base_b)));
    features.push((
        "sorted_similarity",
        strsim::jaro_winkler(&sorted_joined(&a.tokens), &sorted_joined(&b.tokens)),
    ));
    if a.tokens.first() == b.tokens.first() && !a.tokens.is_empty() {
        features.push(("first_token_equal", 1.0));
    }
    let (own_a, own_b) = (distinctive(&a.tokens), distinctive(&b.tokens));
    features.push((distinctive_relation(&own_a, &own_b), 1.0));
    features.push((
        "distinct_similarity",
        strsim::jaro_winkler(&own_a.concat(), &own_b.concat()),
    ));
    let numbers = |p: &Parts| -> Vec<String> {
        p.tokens
            .iter()
            .filter(|t| t.chars().any(|c| c.is_ascii_digit()))
            .cloned()
            .collect()
    };
    let (numbers_a, numbers_b) = (numbers(a), numbers(b));
    if numbers_a != numbers_b {
        // Fund 2 / Fund 3 are two entities; a number only one name has may be left out.
        features.push(if numbers_a.is_empty() || numbers_b.is_empty() {
            ("numbers_one_missing", 1.0)
        } else {
            ("numbers_differ", 1.0)
        });
    }
    let generic = |tokens: &[String], own: &[String]| -> Vec<String> {
        tokens
            .iter()
            .filter(|t| !own.contains(t))
            .cloned()
            .collect()
    };
    let (generic_a, generic_b) = (generic(&a.tokens, &own_a), generic(&b.tokens, &own_b));
    if generic_a != generic_b {
        let within = |x: &[String], y: &[String]| x.iter().all(|t| y.contains(t));
        features.push(
            if within(&generic_a, &generic_b) || within(&generic_b, &generic_a) {
                ("generic_one_dropped", 1.0)
            } else {
                ("generic_differ", 1.0)
            },
        );
    }
    let form = form_relation(a, b);
    let name = relation_name("form", form);
    if name != "both_missing" {
        features.push((name, 1.0));
    }
    match (country_a, country_b) {
        (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => features.push(("country_equal", 1.0)),
        (Some(_), Some(_)) => features.push(("country_differ", 1.0)),
        // Unknown is its own case, so the model has an offset for names without a country.
        _ => features.push(("country_unknown", 1.0)),
    }
    features
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::company::parse;

    #[test]
    fn trade_names_relate_by_sound_order_and_length() {
        use TradeRelation::*;
        assert_eq!(trade_relation("恒信", "恒信"), Equal);
        assert_eq!(trade_relation("恒信", "恒心"), Homophone);
        assert_eq!(trade_relation("九六", "六九"), Transposed);
        assert_eq!(trade_relation("速度达", "速达"), OneMissing);
        assert_eq!(trade_relation("美舟", "美铂"), OneDifferent);
        assert_eq!(trade_relation("舒福德", "舒福埃"), OneDifferent);
        assert_eq!(trade_relation("小米", "小米影业"), Contains);
        assert_eq!(trade_relation("华为", "联想"), Other);
    }

    #[test]
    fn two_spellings_of_one_industry_word_are_one_industry() {
        // 淺休傢俱廠 in traditional script: 傢俱 becomes 家俱, the simplified name says 家具.
        let traditional = parse("淺休傢俱廠");
        let simplified = parse("西安市浅休家具厂");
        assert_eq!(
            industry_relation(industry_of(&traditional), industry_of(&simplified)),
            PartRelation::Equal
        );
        assert_eq!(industry_relation("家具", "化工"), PartRelation::Conflict);
        assert_eq!(industry_relation("家具", "家具城"), PartRelation::Nested);
    }

    #[test]
    fn regions_nest_conflict_or_are_missing() {
        let nanjing = parse("南京市联荣家纺有限公司");
        let jiangsu = parse("江苏省联荣家纺有限公司");
        let hangzhou = parse("杭州市联荣家纺有限公司");
        let none = parse("联荣家纺有限公司");
        assert_eq!(region_relation(&nanjing, &nanjing), PartRelation::Equal);
        assert_eq!(region_relation(&nanjing, &jiangsu), PartRelation::Nested);
        assert_eq!(region_relation(&nanjing, &hangzhou), PartRelation::Conflict);
        assert_eq!(region_relation(&nanjing, &none), PartRelation::OneMissing);
    }

    #[test]
    fn the_misses_of_the_old_matcher_now_agree_part_by_part() {
        let pairs = [
            ("太原市煤矿业包装有限公司", "煤矿业包装有限公司"),
            ("兰州市言趣建筑设计商行", "言趣建筑设计（兰州）商行"),
            ("南京市缤果鲜茶特种设备有限公司", "南京市缤果鲜茶有限公司"),
            ("海南省活得漂亮食品有限公司", "活得漂亮食品有限责任公司"),
        ];
        for (x, y) in pairs {
            let features = han_features(&parse(x), &parse(y));
            let names: Vec<&str> = features.iter().map(|f| f.0).collect();
            assert!(
                names.contains(&"trade_equal") && !names.contains(&"region_conflict"),
                "{x} / {y}: {names:?}"
            );
            assert!(
                !names.contains(&"industry_conflict"),
                "{x} / {y}: {names:?}"
            );
        }
    }
}
