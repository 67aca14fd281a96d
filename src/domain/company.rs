//! A company name taken apart (pure). Chinese names follow 企业名称登记管理规定: 行政区划 (a
//! region, leading or bracketed, at any level) + 字号 (the trade name) + 行业 (industry) + 组织
//! 形式 (legal form), maybe a branch after it. Latin-script names are tokens, a legal suffix
//! (Ltd, Inc, LLC, GmbH …) and what is left, the base. The duplicate check compares names part
//! by part (`domain::compare`); the database parses with the same rules (`sql/code/12_name_keys.sql`,
//! kept in step by a test).

use super::lexicon::{Place, lexicon};
use super::names::canonical;

/// What a legal form says about the entity. Variants within a class are the same kind of
/// entity written differently; across classes they may still be one company (form variants
/// are common in real data), but less likely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// 有限公司, 有限责任公司, Ltd, Limited, Pte Ltd, Pvt Ltd, Pty Ltd, Sdn Bhd …
    Limited,
    /// 股份有限公司, 股份公司, PLC, AG, SA …
    JointStock,
    /// 集团, 集团有限公司 …
    Group,
    /// 合伙企业, 有限合伙, LP, LLP
    Partnership,
    /// 个人独资企业
    Sole,
    /// 厂, 工厂
    Factory,
    /// 商行, 商店, 经营部, 门市部
    Shop,
    /// Inc, Incorporated, Corp, Corporation
    Incorporated,
    /// LLC
    Llc,
    /// GmbH
    Gmbh,
    /// BV, NV
    Bv,
    /// SRL, SARL, SAS, SpA, KK, other civil-law forms
    OtherForm,
    /// Company, Co (a US or Indian name's last word, not a limited company)
    Company,
}

/// Chinese legal forms, longest first: the first that ends the name is its form.
const HAN_FORMS: &[(&str, Form)] = &[
    ("集团股份有限公司", Form::Group),
    ("股份有限公司", Form::JointStock),
    ("有限责任公司", Form::Limited),
    ("集团有限公司", Form::Group),
    ("个人独资企业", Form::Sole),
    ("合伙企业", Form::Partnership),
    ("有限合伙", Form::Partnership),
    ("普通合伙", Form::Partnership),
    ("集团公司", Form::Group),
    ("股份公司", Form::JointStock),
    ("责任公司", Form::Limited),
    ("有限公司", Form::Limited),
    ("门市部", Form::Shop),
    ("经营部", Form::Shop),
    ("公司", Form::Limited),
    ("集团", Form::Group),
    ("商行", Form::Shop),
    ("商店", Form::Shop),
    ("工厂", Form::Factory),
    ("厂", Form::Factory),
];

/// Branch markers: a branch is related to its company, not the same entity.
const HAN_BRANCHES: &[&str] = &[
    "分公司",
    "分厂",
    "分店",
    "办事处",
    "营业部",
    "分部",
    "分行",
    "支行",
    "分社",
    "分中心",
];

/// Latin legal suffixes (as token sequences), longest first within the table's reading.
const LATIN_FORMS: &[(&[&str], Form)] = &[
    (
        &["gesellschaft", "mit", "beschrankter", "haftung"],
        Form::Gmbh,
    ),
    (&["limited", "liability", "company"], Form::Llc),
    (&["limited", "liability", "partnership"], Form::Partnership),
    (&["public", "limited", "company"], Form::JointStock),
    (&["private", "ltd"], Form::Limited),
    (&["private", "limited"], Form::Limited),
    (&["company", "limited"], Form::Limited),
    (&["corporation", "limited"], Form::Limited),
    (&["co", "limited"], Form::Limited),
    (&["co", "ltd"], Form::Limited),
    (&["pte", "ltd"], Form::Limited),
    (&["pte", "limited"], Form::Limited),
    (&["pvt", "ltd"], Form::Limited),
    (&["pvt", "limited"], Form::Limited),
    (&["pty", "ltd"], Form::Limited),
    (&["pty", "limited"], Form::Limited),
    (&["sdn", "bhd"], Form::Limited),
    (&["aktiengesellschaft"], Form::JointStock),
    (&["private"], Form::Limited),
    (&["pte"], Form::Limited),
    (&["pvt"], Form::Limited),
    (&["pty"], Form::Limited),
    (&["limited"], Form::Limited),
    (&["ltd"], Form::Limited),
    (&["ltda"], Form::Limited),
    (&["bhd"], Form::Limited),
    (&["berhad"], Form::Limited),
    (&["plc"], Form::JointStock),
    (&["ag"], Form::JointStock),
    (&["sa"], Form::JointStock),
    (&["spa"], Form::JointStock),
    (&["inc"], Form::Incorporated),
    (&["incorporated"], Form::Incorporated),
    (&["corp"], Form::Incorporated),
    (&["corporation"], Form::Incorporated),
    (&["llc"], Form::Llc),
    (&["lp"], Form::Partnership),
    (&["llp"], Form::Partnership),
    (&["gmbh"], Form::Gmbh),
    (&["bv"], Form::Bv),
    (&["nv"], Form::Bv),
    (&["srl"], Form::OtherForm),
    (&["sl"], Form::OtherForm),
    (&["sro"], Form::OtherForm),
    (&["doo"], Form::OtherForm),
    (&["eu"], Form::OtherForm),
    (&["aps"], Form::Limited),
    (&["kg"], Form::Partnership),
    (&["ohg"], Form::Partnership),
    (&["vof"], Form::Partnership),
    (&["cv"], Form::Partnership),
    (&["company"], Form::Company),
    (&["co"], Form::Company),
    (&["sarl"], Form::OtherForm),
    (&["sas"], Form::OtherForm),
    (&["kk"], Form::OtherForm),
    (&["oy"], Form::OtherForm),
    (&["ab"], Form::OtherForm),
    (&["as"], Form::OtherForm),
];

/// Short forms of common words in Latin-script names, read as the word.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("intl", "international"),
    ("int", "international"),
    ("mfg", "manufacturing"),
    ("mfrs", "manufacturers"),
    ("tech", "technology"),
    ("techs", "technologies"),
    ("svcs", "services"),
    ("svc", "service"),
    ("hldgs", "holdings"),
    ("hldg", "holding"),
    ("grp", "group"),
    ("mgmt", "management"),
    ("mgt", "management"),
    ("assoc", "associates"),
    ("bros", "brothers"),
    ("natl", "national"),
    ("dev", "development"),
    ("devt", "development"),
    ("eng", "engineering"),
    ("engg", "engineering"),
    ("inds", "industries"),
    ("ind", "industries"),
    ("invt", "investment"),
    ("invts", "investments"),
    ("prop", "properties"),
    ("props", "properties"),
    ("co", "company"),
    ("cos", "companies"),
    ("ctr", "center"),
    ("centre", "center"),
    ("dept", "department"),
    ("gen", "general"),
    ("amer", "american"),
    ("sys", "systems"),
    ("elec", "electric"),
    ("pharm", "pharmaceutical"),
    ("pharma", "pharmaceutical"),
    ("fin", "financial"),
    ("trad", "trading"),
    ("ins", "insurance"),
    ("univ", "university"),
    ("assn", "association"),
    ("and", "and"),
];

/// A name taken apart. Han names fill `trade`, `industry`, `places`, `form`, `branch`;
/// Latin names fill `tokens` (the base, abbreviations read out) and `form`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parts {
    /// Letters and digits only, lower case, simplified: what the name is, whatever its writing.
    pub basic: String,
    /// Written mostly in Chinese characters.
    pub han: bool,
    /// 字号, or for a Latin name the base tokens joined by spaces.
    pub trade: String,
    /// 行业: the longest ending of the name (before the form) made of industry words.
    pub industry: String,
    pub form: Option<Form>,
    /// The legal form as written, in order (pte ltd / 有限责任公司): a truncated suffix
    /// (pte / pte ltd) is the same form cut short, not another one.
    pub form_words: Vec<String>,
    /// The places the name states (each candidate of an ambiguous name, narrowed by the others).
    pub places: Vec<Place>,
    pub branch: Option<String>,
    /// Latin: the base tokens, abbreviations read out, "the" and the legal suffix left out.
    pub tokens: Vec<String>,
    /// A stock-market mark in front of a securities short name (ST, *ST, XD, N …): stripped
    /// before anything is compared (it says how the share trades, not who the company is).
    pub market_mark: Option<String>,
    /// The name says 中国 (中国医药, 中国东方集团): a national company, not one of a region's,
    /// though the country is not a place a region nests in.
    pub national: bool,
    /// 集团 is the only legal form written (伟禄集团, not 伟禄集团控股有限公司).
    pub group_only: bool,
}

impl Parts {
    /// Written without a legal form, as a securities short name is: no form at all, or only
    /// 集团 (伟禄集团, 广汽集团 — a group's short name, where the full name says 集团控股有限公司).
    pub fn unformed(&self) -> bool {
        self.form.is_none() || self.group_only
    }

    /// 字号 + 行业: the name without region and legal form.
    pub fn core(&self) -> String {
        if self.han {
            format!("{}{}", self.trade, self.industry)
        } else {
            self.tokens.concat()
        }
    }
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// Only this many characters of a name count (what a stored name may hold).
pub const MAX_NAME: usize = 200;

/// Takes a name apart.
pub fn parse(name: &str) -> Parts {
    let name: String = name.chars().take(MAX_NAME).collect();
    let canonical = canonical(&name).to_lowercase();
    let (market_mark, canonical) = without_market_mark(&canonical);
    let basic: String = canonical.chars().filter(|c| c.is_alphanumeric()).collect();
    let han_chars = canonical.chars().filter(|c| is_han(*c)).count();
    let latin_chars = canonical
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .count();
    let mut parts = if han_chars > 0 && han_chars * 2 >= latin_chars {
        parse_han(&canonical)
    } else {
        parse_latin(&canonical)
    };
    parts.basic = basic;
    parts.market_mark = market_mark;
    parts
}

/// Marks an exchange puts in front of a short name (or after it, `SHARE_CLASSES`) (*ST狮头, XD中国建筑, N天能), longest
/// first. Only in front of a Chinese character: a Latin name starting with "st" is a word.
const MARKET_MARKS: &[&str] = &["s*st", "*st", "sst", "st", "xd", "xr", "dr", "n", "g"];

/// The share class after a short name (深康佳A, 小天鹅B, 南戈壁-S), right after a Chinese
/// character.
const SHARE_CLASSES: &[char] = &['a', 'b', 's'];

fn without_market_mark(canonical: &str) -> (Option<String>, String) {
    let mut mark = None;
    let mut text = canonical.to_string();
    let trimmed = canonical.trim_start();
    for prefix in MARKET_MARKS {
        if let Some(rest) = trimmed.strip_prefix(prefix)
            && rest.chars().next().is_some_and(is_han)
        {
            mark = Some(prefix.to_uppercase());
            text = rest.to_string();
            break;
        }
    }
    let end = text.trim_end();
    if let Some(class) = end.chars().last().filter(|c| SHARE_CLASSES.contains(c)) {
        let before = &end[..end.len() - class.len_utf8()];
        let before = before.strip_suffix('-').unwrap_or(before);
        if before.chars().last().is_some_and(is_han) {
            mark.get_or_insert(class.to_uppercase().collect());
            text = before.to_string();
        }
    }
    (mark, text)
}

/// Brackets of every kind become ( ); everything but letters, digits and brackets goes.
fn han_text(canonical: &str) -> Vec<char> {
    canonical
        .chars()
        .map(|c| match c {
            '[' | '【' | '〔' | '〈' | '《' | '「' | '『' | '{' => '(',
            ']' | '】' | '〕' | '〉' | '》' | '」' | '』' | '}' => ')',
            other => other,
        })
        .filter(|c| c.is_alphanumeric() || *c == '(' || *c == ')')
        .collect()
}

fn ends_with(text: &[char], suffix: &str) -> bool {
    let suffix: Vec<char> = suffix.chars().collect();
    text.len() >= suffix.len() && text[text.len() - suffix.len()..] == suffix[..]
}

fn string(chars: &[char]) -> String {
    chars.iter().collect()
}

/// The places a written name may be.
fn places_of(text: &str) -> Option<&'static Vec<Place>> {
    lexicon().places.get(text)
}

/// Adds a mention's candidates to what the name states, keeping only candidates compatible
/// with what is already known (江苏 then 南京 → 南京 in 江苏).
fn mention(parts: &mut Parts, found: &[Place]) {
    if found.iter().any(|p| p.province == "中国") {
        parts.national = true;
    }
    let places = &mut parts.places;
    let found: Vec<Place> = found
        .iter()
        .filter(|p| p.province != "中国")
        .cloned()
        .collect();
    if found.is_empty() {
        return;
    }
    if places.is_empty() {
        *places = found;
        return;
    }
    let mut merged = Vec::new();
    for old in places.iter() {
        for new in &found {
            if old.compatible(new) {
                let narrow = old.clone().narrower(new.clone());
                if !merged.contains(&narrow) {
                    merged.push(narrow);
                }
            }
        }
    }
    // Incompatible mentions (a typo, an odd name): keep both sets rather than lose one.
    if merged.is_empty() {
        places.extend(found);
    } else {
        *places = merged;
    }
}

fn parse_han(canonical: &str) -> Parts {
    let mut text = han_text(canonical);
    let mut parts = Parts {
        han: true,
        ..Parts::default()
    };
    // A branch after the company: …有限公司上海分公司.
    if let Some(marker) = HAN_BRANCHES.iter().find(|m| ends_with(&text, m)) {
        let before = &text[..text.len() - marker.chars().count()];
        let before_string = string(before);
        let cut = HAN_FORMS
            .iter()
            .filter_map(|(f, _)| before_string.rfind(f).map(|i| i + f.len()))
            .max()
            .map(|byte| before_string[..byte].chars().count());
        let cut = cut.unwrap_or_else(|| {
            // No form before it: the place right before the marker is the branch's.
            let n = before.len();
            (2..=lexicon().longest_place.min(n.saturating_sub(2)))
                .rev()
                .find(|k| places_of(&string(&before[n - k..])).is_some())
                .map(|k| n - k)
                .unwrap_or(n)
        });
        parts.branch = Some(format!("{}{marker}", string(&before[cut..])));
        text.truncate(cut);
    }
    // Bracketed parts: a region goes to places, a form goes to the form, the rest stays.
    let mut flat = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] == '('
            && let Some(close) = text[i + 1..].iter().position(|c| *c == ')')
        {
            let inner = string(&text[i + 1..i + 1 + close]);
            if let Some(found) = places_of(&inner) {
                mention(&mut parts, found);
            } else if let Some((_, form)) = HAN_FORMS.iter().find(|(f, _)| *f == inner) {
                parts.form.get_or_insert(*form);
            } else {
                flat.extend(inner.chars());
            }
            i += close + 2;
            continue;
        }
        if text[i] != '(' && text[i] != ')' {
            flat.push(text[i]);
        }
        i += 1;
    }
    let mut text = flat;
    // Legal forms at the end, stacked ones too (集团有限公司): the outermost names the form.
    let mut stripped = Vec::new();
    while let Some((suffix, form)) = HAN_FORMS
        .iter()
        .find(|(f, _)| ends_with(&text, f) && text.len() > f.chars().count())
    {
        // 化工厂 is 化工 + 厂, not 化 + 工厂.
        let suffix = if *suffix == "工厂"
            && text.len() >= 3
            && lexicon()
                .industries
                .contains(&string(&text[text.len() - 3..text.len() - 1]))
        {
            "厂"
        } else {
            suffix
        };
        if parts.form.is_none() {
            parts.form = Some(*form);
        }
        stripped.push(suffix);
        text.truncate(text.len() - suffix.chars().count());
    }
    parts.group_only = stripped == ["集团"];
    // Leading regions, nested (浙江省杭州市…), as long as two characters are left after them.
    // A county counts only written in full, and a second region only inside the first.
    loop {
        let n = text.len();
        let longest = lexicon().longest_place.min(n.saturating_sub(2));
        let found = (2..=longest).rev().find_map(|k| {
            let written = string(&text[..k]);
            let found = places_of(&written)?;
            let compatible = parts.places.is_empty()
                || found
                    .iter()
                    .any(|f| parts.places.iter().any(|p| p.compatible(f)));
            (compatible && !lexicon().county_short.contains(&written)).then_some((k, found))
        });
        let Some((k, found)) = found else {
            break;
        };
        mention(&mut parts, found);
        text.drain(..k);
    }
    // The industry: the longest ending made of industry words, leaving at least two
    // characters of trade name.
    let mut industry_start = text.len();
    loop {
        let longest = lexicon()
            .longest_industry
            .min(industry_start.saturating_sub(2));
        let Some(k) = (2..=longest).rev().find(|k| {
            lexicon()
                .industries
                .contains(&string(&text[industry_start - k..industry_start]))
        }) else {
            break;
        };
        industry_start -= k;
    }
    parts.industry = string(&text[industry_start..]);
    parts.trade = string(&text[..industry_start]);
    parts
}

/// One edit (insert, delete, substitute) apart, for suffixes typed with a slip (Limted).
fn one_edit(a: &str, b: &str) -> bool {
    strsim::levenshtein(a, b) <= 1
}

fn parse_latin(canonical: &str) -> Parts {
    let mut text = String::with_capacity(canonical.len());
    let mut depth = 0;
    for c in canonical.chars() {
        match c {
            // A parenthesised part is usually a place or a former name: not the base.
            '(' | '[' => depth += 1,
            ')' | ']' => depth = (depth - 1).max(0),
            _ if depth > 0 => {}
            '&' | '+' => text.push_str(" and "),
            c if c.is_alphanumeric() => text.push(c),
            '\'' | '’' => {}
            _ => text.push(' '),
        }
    }
    let tokens: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    // Initials written with dots or spaces are one word: S.R.L. → srl, C.F. → cf.
    let mut joined: Vec<(String, bool)> = Vec::new();
    for token in tokens {
        let single = token.chars().count() == 1 && token.chars().all(char::is_alphabetic);
        match joined.last_mut() {
            Some((last, true)) if single => last.push_str(&token),
            _ => joined.push((token, single)),
        }
    }
    let mut tokens: Vec<String> = joined.into_iter().map(|(t, _)| t).collect();
    if tokens.first().is_some_and(|t| t == "the") && tokens.len() > 1 {
        tokens.remove(0);
    }
    let mut parts = Parts::default();
    // The legal suffix (the longest sequence that ends the name; a one-letter slip in a long
    // one is forgiven), repeated for stacked ones (Co., Ltd.).
    loop {
        let found = LATIN_FORMS.iter().find(|(words, _)| {
            words.len() < tokens.len()
                && tokens[tokens.len() - words.len()..]
                    .iter()
                    .zip(words.iter())
                    .all(|(t, w)| t == w || (w.len() >= 5 && one_edit(t, w)))
        });
        let Some((words, form)) = found else {
            break;
        };
        parts.form.get_or_insert(*form);
        let cut = tokens.len() - words.len();
        parts.form_words.splice(0..0, tokens.drain(cut..));
    }
    let tokens: Vec<String> = tokens
        .into_iter()
        .map(|t| {
            ABBREVIATIONS
                .iter()
                .find(|(short, _)| *short == t)
                .map(|(_, long)| long.to_string())
                .unwrap_or(t)
        })
        .collect();
    parts.trade = tokens.join(" ");
    parts.tokens = tokens;
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str) -> Parts {
        parse(name)
    }

    #[test]
    fn the_four_parts_of_a_chinese_name_in_every_order() {
        for name in [
            "南京市联荣家纺股份有限公司",
            "联荣（南京）家纺股份有限公司",
            "联荣(南京市)家纺股份有限公司",
            "联荣家纺(南京)股份有限公司",
            "江苏省南京市联荣家纺股份有限公司",
        ] {
            let parts = p(name);
            assert_eq!(parts.trade, "联荣", "{name}");
            assert_eq!(parts.industry, "家纺", "{name}");
            assert_eq!(parts.form, Some(Form::JointStock), "{name}");
            assert_eq!(parts.places.len(), 1, "{name}: {:?}", parts.places);
            assert_eq!(parts.places[0].name(), "南京", "{name}");
        }
    }

    #[test]
    fn regions_of_every_level() {
        let county = p("昆山市恒信电子有限公司");
        assert_eq!(county.trade, "恒信");
        assert_eq!(county.places[0].city.as_deref(), Some("苏州"));
        let province = p("广西壮族自治区恒信电子有限公司");
        assert_eq!(province.places[0].province, "广西");
        let short = p("内蒙古恒信电子有限公司");
        assert_eq!(short.places[0].province, "内蒙古");
        let no_region = p("恒信电子有限公司");
        assert!(no_region.places.is_empty());
        assert_eq!(no_region.trade, "恒信");
    }

    #[test]
    fn industries_and_forms_stack_and_a_trade_name_keeps_two_characters() {
        let parts = p("缤果鲜茶特种设备有限公司");
        assert_eq!(parts.industry, "特种设备");
        let parts = p("上海市多拉供应链管理有限责任公司");
        assert_eq!(
            (parts.trade.as_str(), parts.industry.as_str()),
            ("多拉", "供应链管理")
        );
        assert_eq!(parts.form, Some(Form::Limited));
        let parts = p("恒信集团有限公司");
        assert_eq!(parts.trade, "恒信");
        assert_eq!(parts.form, Some(Form::Group));
        // A trade name that is itself an industry word stays a trade name.
        let parts = p("电子电子有限公司");
        assert_eq!(parts.trade.chars().count(), 2);
        let parts = p("洛阳市一默自动化设备合伙企业（有限合伙）");
        assert_eq!(
            (parts.trade.as_str(), parts.form),
            ("一默", Some(Form::Partnership))
        );
    }

    #[test]
    fn branches_are_apart() {
        let parts = p("恒信精密机械（上海）有限公司苏州分公司");
        assert_eq!(parts.branch.as_deref(), Some("苏州分公司"));
        assert_eq!(parts.trade, "恒信");
        let parts = p("恒信精密机械上海办事处");
        assert_eq!(parts.branch.as_deref(), Some("上海办事处"));
    }

    #[test]
    fn traditional_full_width_and_spaced_names_parse_alike() {
        let a = p("深圳市華為技術有限公司");
        let b = p("深圳市 华为技术 有限公司");
        let c = p("深圳市华为技术有限公司");
        assert_eq!(a, c);
        assert_eq!(b, c);
    }

    #[test]
    fn latin_names_lose_the_the_and_suffixes_and_read_abbreviations() {
        let a = p("The Kings Road Investments Pte. Ltd.");
        assert_eq!(a.tokens, ["kings", "road", "investments"]);
        assert_eq!(a.form, Some(Form::Limited));
        let b = p("ACCORD INDUSTRIES, LLC");
        assert_eq!(b.form, Some(Form::Llc));
        let c = p("Smith & Wesson Intl Mfg Co., Limted");
        assert_eq!(
            c.tokens,
            ["smith", "and", "wesson", "international", "manufacturing"]
        );
        assert_eq!(c.form, Some(Form::Limited));
        let d = p("SINO HARBOUR (HK) INVESTMENTS LIMITED");
        assert_eq!(d.trade, "sino harbour investments");
    }
}
