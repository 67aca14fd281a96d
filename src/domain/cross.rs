//! A Chinese name compared with a Latin-script one (pure): English names of Chinese companies
//! are mostly the pinyin of the region and 字号, then English words for the industry and the
//! legal form ("Hunan Jiangnan Red Arrow Co Ltd" ↔ 湖南江南红箭股份有限公司). The English
//! tokens are read as a place (the pinyin of a stated region), as translated words
//! (`data/words_en_zh.txt`) or as the pinyin of the trade name, compared under every reading of
//! each character; the features feed the cross-script model (`domain::model`). A brand-style
//! English name with no pinyin relation (Edifier / 漫步者) and a Cantonese spelling (Man Wah /
//! 敏华) stay out of reach: there is no dictionary of them to compare with.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::company::Parts;
use super::compare::Feature;
use super::keys::spellings;
use super::lexicon::{lexicon, readings};

const WORDS: &str = include_str!("../../data/words_en_zh.txt");

/// English word → the Chinese words it translates.
fn translations() -> &'static HashMap<&'static str, Vec<&'static str>> {
    static MAP: OnceLock<HashMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    MAP.get_or_init(|| {
        WORDS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut words = l.split_whitespace();
                let english = words.next()?;
                Some((english, words.collect()))
            })
            .collect()
    })
}

/// The pinyin of every place name in the lexicon (全称 and 简称): an English token that is one
/// of them names a place.
fn place_spellings() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = HashSet::new();
        for written in lexicon().places.keys() {
            let chars: Vec<char> = written.chars().collect();
            for spelling in spellings(&chars) {
                set.insert(spelling);
            }
        }
        set
    })
}

/// Every toneless pinyin syllable of the lexicon.
fn syllables() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| lexicon().pinyin.values().flatten().copied().collect())
}

/// Whether a token could be pinyin: it splits into syllables from end to end (chunlan,
/// xiangtan), as English words mostly do not (refrigerating, tech, lifestyle). An unread token
/// that could be pinyin may be another company's trade name; an English word left untranslated
/// is most often an industry the lexicon does not know, and says little either way.
fn reads_as_pinyin(token: &str) -> bool {
    let n = token.len();
    if n < 2 || !token.is_ascii() {
        return false;
    }
    let mut reached = vec![false; n + 1];
    reached[0] = true;
    for start in 0..n {
        if !reached[start] {
            continue;
        }
        for end in start + 1..=(start + 6).min(n) {
            if syllables().contains(&token[start..end]) {
                reached[end] = true;
            }
        }
    }
    reached[n]
}

/// The letters of `rest` (tokens run together) past the first `used`: how many belong to
/// tokens that could be pinyin (a token the spelling stopped inside counts as pinyin), and
/// whether a whole English word is among them.
fn unread_letters(rest: &[&str], used: usize) -> (usize, bool) {
    let (mut pinyin, mut english) = (0, false);
    let mut start = 0;
    for token in rest {
        let end = start + token.len();
        if end > used {
            if start < used || reads_as_pinyin(token) {
                pinyin += end - start.max(used);
            } else {
                english = true;
            }
        }
        start = end;
    }
    (pinyin, english)
}

/// The pinyin of the places a Chinese name states (any reading, short names of each level).
fn stated_place_spellings(parts: &Parts) -> HashSet<String> {
    let mut out = HashSet::new();
    for place in &parts.places {
        for level in [
            Some(&place.province),
            place.city.as_ref(),
            place.county.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            let chars: Vec<char> = level.chars().collect();
            out.extend(spellings(&chars));
        }
    }
    out
}

/// How many leading characters of `chars` the letters spell, in order, and how many letters
/// that used (every reading of each character is tried; the longest match wins).
fn spelled_prefix(chars: &[char], letters: &str) -> (usize, usize) {
    fn walk(chars: &[char], letters: &str, used: usize, best: &mut (usize, usize), depth: usize) {
        if depth > best.0 || (depth == best.0 && used > best.1) {
            *best = (depth, used);
        }
        let Some(c) = chars.first() else {
            return;
        };
        for reading in readings(*c) {
            if letters[used..].starts_with(reading.as_str()) {
                walk(&chars[1..], letters, used + reading.len(), best, depth + 1);
            }
        }
    }
    let mut best = (0, 0);
    walk(chars, letters, 0, &mut best, 0);
    best
}

/// A Latin-script name's tokens, sorted into what they may be.
struct Reading<'a> {
    /// Leading tokens that spell a place.
    places: Vec<&'a str>,
    /// Tokens that translate a Chinese word (their Chinese words).
    translated: Vec<&'a [&'static str]>,
    /// The rest, in order: the pinyin of a trade name, or a word we cannot read.
    rest: Vec<&'a str>,
}

/// At most `max_places` leading tokens are read as places: a place word may also be the
/// trade name (东方 is a city too; 柳州化工 has 柳州 for a trade name).
fn read_latin(tokens: &[String], max_places: usize) -> Reading<'_> {
    let mut reading = Reading {
        places: Vec::new(),
        translated: Vec::new(),
        rest: Vec::new(),
    };
    let mut leading = true;
    for (i, token) in tokens.iter().enumerate() {
        let last = i + 1 == tokens.len();
        if leading
            && reading.places.len() < max_places
            && !last
            && place_spellings().contains(token.as_str())
            && token != "china"
        {
            reading.places.push(token);
            continue;
        }
        leading = false;
        match translations().get(token.as_str()) {
            Some(chinese) => reading.translated.push(chinese),
            None => reading.rest.push(token),
        }
    }
    reading
}

/// The features of a Chinese name `han` against a Latin-script name `latin`.
pub fn cross_features(han: &Parts, latin: &Parts) -> Vec<Feature> {
    let mut features = Vec::with_capacity(10);
    // Leading place words are read as places, as many as spell the most of the trade name
    // (fewer when a "place" is the trade name itself: Zhejiang Dongfang ↔ 浙江东方).
    let trade: Vec<char> = han.trade.chars().collect();
    let core: Vec<char> = han.core().chars().collect();
    let mut reading = read_latin(&latin.tokens, usize::MAX);
    let mut letters: String = reading.rest.concat();
    let (mut spelled, mut used) = spelled_prefix(&core, &letters);
    for max_places in (0..reading.places.len()).rev() {
        let other = read_latin(&latin.tokens, max_places);
        let other_letters: String = other.rest.concat();
        let (s, u) = spelled_prefix(&core, &other_letters);
        if s > spelled {
            (reading, letters, spelled, used) = (other, other_letters, s, u);
        }
    }
    let trade_len = trade.len().max(1);
    let trade_spelled = spelled.min(trade.len());
    let (pinyin_unread, english_unread) = unread_letters(&reading.rest, used);
    if !letters.is_empty() && trade_spelled == trade.len() && pinyin_unread == 0 {
        features.push(("x_trade_spelled", 1.0));
    } else if trade_spelled >= 2 {
        features.push(("x_trade_start_spelled", 1.0));
    }
    features.push(("x_trade_share", trade_spelled as f64 / trade_len as f64));
    // Three or more characters spelled in order rarely happen by chance, where two often do
    // (华泰 has many namesakes; 阳谷华泰 few).
    if trade_spelled >= 3 {
        features.push(("x_trade_three_spelled", 1.0));
    }
    if !letters.is_empty() {
        // Letters left over that spell nothing of the name but could be pinyin: another
        // trade name, perhaps. An untranslated English word is told apart.
        features.push((
            "x_letters_unread",
            pinyin_unread as f64 / letters.len() as f64,
        ));
        if english_unread {
            features.push(("x_english_unread", 1.0));
        }
    } else {
        features.push(("x_nothing_to_spell", 1.0));
    }
    // Translated words: found in the Chinese name, or not.
    let han_text = format!("{}{}", han.trade, han.industry);
    let (mut found, mut missed) = (0, 0);
    for chinese in &reading.translated {
        if chinese.iter().any(|w| is_weak_word(w)) {
            continue;
        }
        if chinese.iter().any(|w| han_text.contains(w)) {
            found += 1;
        } else {
            missed += 1;
        }
    }
    if found > 0 {
        features.push(("x_words_found", found as f64));
    }
    // What of the Chinese 字号+行业 nothing in the English accounts for.
    let mut explained = vec![false; core.len()];
    for flag in explained.iter_mut().take(spelled) {
        *flag = true;
    }
    for chinese in &reading.translated {
        for word in chinese.iter() {
            let word: Vec<char> = word.chars().collect();
            if let Some(at) = core.windows(word.len()).position(|w| w == &word[..]) {
                for flag in &mut explained[at..at + word.len()] {
                    *flag = true;
                }
            }
        }
    }
    if !core.is_empty() {
        let unexplained = explained.iter().filter(|e| !**e).count();
        features.push(("x_han_unexplained", unexplained as f64 / core.len() as f64));
    }
    // A short name drops its industry (中珠控股 for Zhongzhu Medical): a word it lacks says
    // less than one a name with an industry lacks.
    if missed > 0 {
        let feature = if han.industry.is_empty() {
            "x_words_unsaid"
        } else {
            "x_words_missed"
        };
        features.push((feature, missed as f64));
    }
    // Places: the English states one, and the Chinese states it too, or another, or none.
    if !reading.places.is_empty() {
        let stated = stated_place_spellings(han);
        if stated.is_empty() {
            features.push(("x_region_one_missing", 1.0));
        } else if reading.places.iter().any(|p| stated.contains(*p)) {
            features.push(("x_region_equal", 1.0));
        } else {
            features.push(("x_region_conflict", 1.0));
        }
    } else if !han.places.is_empty() {
        features.push(("x_region_one_missing", 1.0));
    } else if latin
        .tokens
        .first()
        .is_some_and(|t| place_spellings().contains(t.as_str()) && t != "china")
    {
        // The English states a place the Chinese name does not (as a place).
        features.push(("x_region_one_missing", 1.0));
    }
    if han.unformed() {
        features.push(("x_han_unformed", 1.0));
    }
    features
}

/// Words too common to tell two companies apart (a legal form, 国际, 中国, 实业 …): found or
/// not, they say nothing.
fn is_weak_word(word: &str) -> bool {
    matches!(
        word,
        "集团"
            | "控股"
            | "公司"
            | "有限"
            | "股份"
            | "国际"
            | "中国"
            | "华"
            | "实业"
            | "工业"
            | "产业"
            | "发展"
            | "开发"
            | "投资"
            | "国家"
            | "新"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::company::parse;

    fn has(features: &[Feature], name: &str) -> bool {
        features.iter().any(|(n, v)| *n == name && *v > 0.0)
    }

    #[test]
    fn pinyin_of_the_trade_name_and_translated_words_are_read() {
        for (han, latin) in [
            ("湖北武昌鱼股份有限公司", "Hubei Wuchangyu Co Ltd"),
            ("浙江东方集团股份有限公司", "Zhejiang Dongfang Group"),
            ("信质电机股份有限公司", "Xin Zhi Motor"),
            ("四川宏达股份有限公司", "Hongda"),
        ] {
            let f = cross_features(&parse(han), &parse(latin));
            assert!(has(&f, "x_trade_spelled"), "{han} / {latin}: {f:?}");
        }
        let f = cross_features(
            &parse("汕头万顺包装材料股份有限公司"),
            &parse("Shantou Wanshun Package Material"),
        );
        assert!(
            has(&f, "x_trade_spelled") && has(&f, "x_region_equal"),
            "{f:?}"
        );
        assert!(has(&f, "x_words_found"), "{f:?}");
    }

    #[test]
    fn an_untranslated_english_word_is_not_read_as_another_trade_name() {
        assert!(reads_as_pinyin("chunlan") && reads_as_pinyin("xiangtan"));
        assert!(!reads_as_pinyin("refrigerating") && !reads_as_pinyin("tech"));
        // The trade name is spelled whole; the industry word the lexicon lacks stays apart.
        let f = cross_features(
            &parse("江苏春兰制冷设备股份有限公司"),
            &parse("Jiangsu Chunlan Refrigerating"),
        );
        assert!(
            has(&f, "x_trade_spelled") && has(&f, "x_english_unread"),
            "{f:?}"
        );
        assert!(!has(&f, "x_letters_unread"), "{f:?}");
        // Letters that could be another trade name still count against the pair.
        let f = cross_features(&parse("春兰股份"), &parse("Chunlan Xinhua"));
        assert!(
            has(&f, "x_letters_unread") && !has(&f, "x_trade_spelled"),
            "{f:?}"
        );
    }

    #[test]
    fn three_characters_spelled_are_told_from_two() {
        let f = cross_features(
            &parse("阳谷华泰"),
            &parse("Shandong Yanggu Huatai Chemical"),
        );
        assert!(has(&f, "x_trade_three_spelled"), "{f:?}");
        let f = cross_features(&parse("华泰股份"), &parse("Huatai"));
        assert!(
            has(&f, "x_trade_spelled") && !has(&f, "x_trade_three_spelled"),
            "{f:?}"
        );
    }

    #[test]
    fn exchange_abbreviations_are_translated() {
        for (han, latin) in [
            ("华东医药", "Huadong Med"),
            ("国元证券股份有限公司", "Guoyuan Sec"),
        ] {
            let f = cross_features(&parse(han), &parse(latin));
            assert!(
                has(&f, "x_words_found") && has(&f, "x_trade_spelled"),
                "{han} / {latin}: {f:?}"
            );
        }
    }

    #[test]
    fn another_trade_name_or_place_is_told_apart() {
        let f = cross_features(
            &parse("浙江东方集团股份有限公司"),
            &parse("Jiangsu Dongfang Group"),
        );
        assert!(has(&f, "x_region_conflict"), "{f:?}");
        let f = cross_features(
            &parse("漫步者科技股份有限公司"),
            &parse("Edifier Technology"),
        );
        assert!(
            !has(&f, "x_trade_spelled") && !has(&f, "x_trade_start_spelled"),
            "{f:?}"
        );
    }
}
