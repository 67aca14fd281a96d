//! Blocking keys (pure): short strings two spellings of one company are likely to share, so
//! candidates are found by looking keys up instead of comparing every pair. The scan groups
//! records by them; the database stores them in an indexed array (`name_keys`, GIN `&&`) and
//! computes them itself on insert with the same rules (`sql/code/12_name_keys.sql`, kept in
//! step by a test). A key is a prefix naming its kind, then the text.
//!
//! Chinese names: the trade name (字号) and its one-deletion neighbours (`t:`), its toneless
//! pinyin under every reading of a heteronym (`p:`), its characters sorted (`s:`), the core
//! 字号+行业 (`c:`), the trade name's first characters when it is long (a brand that holds
//! an industry word parses differently with and without it), and abbreviation pairs (`a:`:
//! the trade name's first character with a later one, or a place's first character with it).
//! Latin names: the base (`b:`), its tokens sorted (`o:`), its distinctive words (`k:`) and
//! their one-deletion neighbours, the one-deletion neighbours of a short base (`e:`), and the
//! distinctive words alone or run together as possible pinyin (`p:`, shared with a Chinese
//! name's trade-name pinyin, so either script finds the other). Codes, phones and domains are keys of their own columns, not of these.

use super::company::Parts;
use super::compare::distinctive;
use super::lexicon::{lexicon, readings};

/// At most this many pinyin spellings per name (heteronyms multiply).
const MAX_SPELLINGS: usize = 8;
/// Bases up to this many letters also get their one-deletion neighbours (a typo in a short
/// name leaves no other key intact).
const SHORT_BASE: usize = 14;
/// Distinctive words up to this many letters also get their one-deletion neighbours.
const MAX_TYPO_WORD: usize = 14;

/// The keys of a parsed name, deduplicated, in a stable order.
pub fn name_keys(parts: &Parts) -> Vec<String> {
    let mut keys = if parts.han {
        han_keys(parts)
    } else {
        latin_keys(parts)
    };
    let mut seen = std::collections::HashSet::new();
    keys.retain(|k| seen.insert(k.clone()));
    keys
}

/// The keys that say "this very name" (the trade name and the core; or the base and its
/// words sorted): the first, most selective probe of a candidate search.
pub fn exact_keys(parts: &Parts) -> Vec<String> {
    if parts.han {
        vec![format!("t:{}", parts.trade), format!("c:{}", parts.core())]
    } else {
        let mut sorted = parts.tokens.clone();
        sorted.sort();
        vec![
            format!("b:{}", parts.tokens.concat()),
            format!("o:{}", sorted.concat()),
        ]
    }
}

fn han_keys(parts: &Parts) -> Vec<String> {
    let trade: Vec<char> = parts.trade.chars().collect();
    let mut keys = Vec::new();
    if trade.len() < 2 {
        if !parts.basic.is_empty() {
            keys.push(format!("c:{}", parts.core()));
        }
        return keys;
    }
    keys.push(format!("t:{}", parts.trade));
    if trade.len() >= 3 {
        for skip in 0..trade.len() {
            keys.push(format!("t:{}", without(&trade, skip)));
        }
    }
    if trade.len() >= 4 {
        keys.push(format!("t:{}", trade[..2].iter().collect::<String>()));
        keys.push(format!("t:{}", trade[..3].iter().collect::<String>()));
    }
    for spelling in spellings(&trade) {
        keys.push(format!("p:{spelling}"));
    }
    if trade.len() >= 3 {
        // An English name may spell only the start of a trade name, the rest translated
        // (长白山 → Changbai Mountain, 江南红箭 → Jiangnan Red Arrow, 徐家汇商城 → Xujiahui
        // Commercial), or only its end, the start translated (北方华锦 → North Huajin).
        for spelling in spellings(&trade[..2]) {
            keys.push(format!("p:{spelling}"));
        }
    }
    if trade.len() >= 4 {
        for spelling in spellings(&trade[..3])
            .into_iter()
            .chain(spellings(&trade[2..]))
        {
            keys.push(format!("p:{spelling}"));
        }
    }
    if lexicon().industries.contains(&parts.trade) {
        // A place and an industry word only (重庆银行, 南京医药): the English name spells the
        // place (Bank of Chongqing, Nanjing Pharmaceutical).
        for place in &parts.places {
            let name: Vec<char> = place.name().chars().collect();
            for spelling in spellings(&name) {
                keys.push(format!("p:{spelling}"));
            }
        }
    }
    let mut sorted = trade.clone();
    sorted.sort_unstable();
    keys.push(format!("s:{}", sorted.iter().collect::<String>()));
    // Abbreviations (中国交建 ← 中国交通建设, 上汽 ← 上海汽车): the trade name's first
    // character with each later character of 字号+行业, and each stated place's first
    // character with it. A short name's own trade name yields the same pair.
    let first = trade[0];
    for c in parts.core().chars().skip(1) {
        keys.push(format!("a:{first}{c}"));
    }
    for place in &parts.places {
        if let Some(initial) = place.name().chars().next() {
            keys.push(format!("a:{initial}{first}"));
        }
    }
    // The core, and the core without each trade-name character: a dropped character can
    // move the line between 字号 and 行业 (远方光电隔音 / 方光电隔音).
    let core: Vec<char> = parts.core().chars().collect();
    keys.push(format!("c:{}", parts.core()));
    if !parts.industry.is_empty() {
        for skip in 0..trade.len() {
            keys.push(format!("c:{}", without(&core, skip)));
        }
    }
    keys
}

fn without(chars: &[char], skip: usize) -> String {
    chars
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != skip)
        .map(|(_, c)| *c)
        .collect()
}

/// The toneless pinyin of `chars`, one spelling per combination of readings (most common
/// readings first, at most `MAX_SPELLINGS`).
pub fn spellings(chars: &[char]) -> Vec<String> {
    let mut spellings = vec![String::new()];
    for c in chars {
        let readings = readings(*c);
        let mut next = Vec::new();
        'outer: for spelling in &spellings {
            for reading in &readings {
                next.push(format!("{spelling}{reading}"));
                if next.len() >= MAX_SPELLINGS {
                    break 'outer;
                }
            }
        }
        spellings = next;
    }
    spellings
}

fn latin_keys(parts: &Parts) -> Vec<String> {
    let tokens = &parts.tokens;
    let mut keys = Vec::new();
    let base = tokens.concat();
    if base.is_empty() {
        return keys;
    }
    keys.push(format!("b:{base}"));
    let mut sorted = tokens.clone();
    sorted.sort();
    keys.push(format!("o:{}", sorted.concat()));
    // The distinctive words alone and run together in twos and threes, as the pinyin of a
    // Chinese trade name they may spell (Xin Zhi Motor → p:xinzhi ↔ 信质).
    let own = distinctive(tokens);
    for (i, word) in own.iter().enumerate() {
        if word.chars().count() >= 2 {
            keys.push(format!("p:{word}"));
        }
        if let Some(next) = own.get(i + 1) {
            keys.push(format!("p:{word}{next}"));
            if let Some(third) = own.get(i + 2) {
                keys.push(format!("p:{word}{next}{third}"));
            }
        }
    }
    // Each distinctive word, and its one-deletion neighbours: a typo leaves the other words
    // intact, or is undone by a deletion on one side or both.
    for word in own {
        let letters: Vec<char> = word.chars().collect();
        if letters.len() < 3 && !letters.iter().any(char::is_ascii_digit) {
            continue;
        }
        keys.push(format!("k:{word}"));
        if letters.len() >= 4 && letters.len() <= MAX_TYPO_WORD {
            for skip in 0..letters.len() {
                keys.push(format!("k:{}", without(&letters, skip)));
            }
        }
    }
    let letters: Vec<char> = base.chars().collect();
    if letters.len() <= SHORT_BASE {
        for skip in 0..letters.len() {
            keys.push(format!("e:{}", without(&letters, skip)));
        }
        keys.push(format!("e:{base}"));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::company::parse;

    fn shared(a: &str, b: &str) -> Vec<String> {
        let kb = name_keys(&parse(b));
        name_keys(&parse(a))
            .into_iter()
            .filter(|k| kb.contains(k))
            .collect()
    }

    #[test]
    fn spellings_of_one_company_share_a_key() {
        for (a, b) in [
            ("南京市联荣家纺股份有限公司", "联荣（南京）家纺有限公司"),
            ("恒信电子有限公司", "恒心电子有限公司"),
            ("九六科技有限公司", "六九科技有限公司"),
            ("速度达物流有限公司", "速达物流有限公司"),
            ("南京市缤果鲜茶特种设备有限公司", "南京市缤果鲜茶有限公司"),
            (
                "The Kings Road Investments Pte. Ltd.",
                "KINGS ROAD INVESTMENTS LIMITED",
            ),
            ("Accord Industries", "Acord Industries Inc"),
            ("Sino Harbour Investments", "Harbour Sino Investments"),
        ] {
            assert!(!shared(a, b).is_empty(), "{a} / {b}");
        }
    }

    #[test]
    fn unrelated_names_share_none() {
        assert!(shared("恒信电子有限公司", "联想电子有限公司").is_empty());
        assert!(shared("Accord Industries", "Hydro One").is_empty());
    }

    #[test]
    fn heteronyms_give_every_spelling() {
        let spellings = spellings(&['长', '城']);
        assert!(spellings.contains(&"changcheng".to_string()));
        assert!(spellings.contains(&"zhangcheng".to_string()));
    }
}
