//! Company-name forms used for duplicate checks (docs/ARCHITECTURE.md, "Duplicate check").
//!
//! * basic: full width → half width, lower case, no spaces or punctuation;
//! * core: also without region words (leading or bracketed) and legal forms, falling back
//!   to the basic form when stripping leaves too little (上海银行 must not become 银行).

/// Region words stripped from the core name. Longest first so 广州市 wins over 广州.
const REGIONS: &[&str] = &[
    "内蒙古自治区",
    "黑龙江省",
    "北京市",
    "上海市",
    "天津市",
    "重庆市",
    "深圳市",
    "广州市",
    "杭州市",
    "苏州市",
    "南京市",
    "成都市",
    "武汉市",
    "西安市",
    "青岛市",
    "厦门市",
    "长沙市",
    "合肥市",
    "广东省",
    "江苏省",
    "浙江省",
    "四川省",
    "湖北省",
    "山东省",
    "福建省",
    "湖南省",
    "安徽省",
    "陕西省",
    "北京",
    "上海",
    "天津",
    "重庆",
    "深圳",
    "广州",
    "杭州",
    "苏州",
    "南京",
    "成都",
    "武汉",
    "西安",
    "青岛",
    "厦门",
    "长沙",
    "合肥",
    "广东",
    "江苏",
    "浙江",
    "四川",
    "湖北",
    "山东",
    "福建",
    "湖南",
    "安徽",
    "陕西",
    "中国",
    "beijing",
    "shanghai",
    "shenzhen",
    "guangzhou",
    "hangzhou",
    "suzhou",
    "nanjing",
    "chengdu",
    "wuhan",
    "xian",
    "tianjin",
    "chongqing",
    "qingdao",
    "xiamen",
    "changsha",
    "hefei",
    "china",
];

/// Legal forms, longest first; stripped only at the end of the name.
const LEGAL_FORMS: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "集团股份有限公司",
    "有限公司",
    "集团公司",
    "公司",
    "集团",
    "corporationlimited",
    "companylimited",
    "coltd",
    "corporation",
    "limited",
    "company",
    "group",
    "corp",
    "inc",
    "ltd",
    "co",
    "llc",
    "plc",
    "gmbh",
];

/// Branch suffixes: kept as a separate signal, since a branch is related to, not the same as, its parent.
const BRANCH_MARKERS: &[&str] = &["分公司", "办事处", "分部", "branch"];

/// Words that say nothing on their own: a core made only of them falls back to basic.
const GENERIC_WORDS: &[&str] = &[
    "银行",
    "科技",
    "信息技术",
    "技术",
    "贸易",
    "物流",
    "投资",
    "实业",
    "控股",
    "发展",
    "bank",
    "technology",
    "trading",
    "holdings",
];

/// Traditional → simplified for one character (the table in `t2s_table`).
pub fn to_simplified(c: char) -> char {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static MAP: OnceLock<HashMap<char, char>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        super::t2s_table::TRADITIONAL
            .chars()
            .zip(super::t2s_table::SIMPLIFIED.chars())
            .collect()
    });
    map.get(&c).copied().unwrap_or(c)
}

/// A traditional form of a simplified character (itself when it has none): the inverse of
/// `to_simplified`, for generators and tests that need names written the traditional way.
pub fn to_traditional(c: char) -> char {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static MAP: OnceLock<HashMap<char, char>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for (traditional, simplified) in super::t2s_table::TRADITIONAL
            .chars()
            .zip(super::t2s_table::SIMPLIFIED.chars())
        {
            map.entry(simplified).or_insert(traditional);
        }
        map
    });
    map.get(&c).copied().unwrap_or(c)
}

/// A text written the traditional way (`to_traditional` on every character).
pub fn to_traditional_text(text: &str) -> String {
    text.chars().map(to_traditional).collect()
}

/// NFKC (full width → half width, compatibility forms) then simplified characters.
/// The database does the same with `normalize(…, NFKC)` and `dibs.to_simplified`.
pub fn canonical(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfkc().map(to_simplified).collect()
}

/// The basic form: comparable across width, script, case, spacing and punctuation.
pub fn basic_form(name: &str) -> String {
    let kept = |text: &str| -> String {
        canonical(text)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let mut form = kept(name);
    // Dropping punctuation or lowercasing can bring combining marks together in an order
    // normalisation changes (a mark, `{`, another mark): normalise again until the form is a
    // fixed point, so the basic form of a basic form is itself. A form of ASCII and CJK
    // ideographs only (nearly every company name) is one already.
    let plain = |c: char| c.is_ascii() || ('\u{4e00}'..='\u{9fff}').contains(&c);
    for _ in 0..4 {
        if form.chars().all(plain) {
            break;
        }
        let again = kept(&form);
        if again == form {
            break;
        }
        form = again;
    }
    form
}

/// Removes bracketed parts that are only a region: 华为技术（深圳）有限公司 → 华为技术有限公司.
fn without_bracketed_regions(name: &str) -> String {
    let half = canonical(name);
    let mut out = String::with_capacity(half.len());
    let mut rest = half.as_str();
    while let Some(open) = rest.find('(') {
        let Some(close_rel) = rest[open..].find(')') else {
            break;
        };
        let inner = &rest[open + 1..open + close_rel];
        out.push_str(&rest[..open]);
        let inner_basic = basic_form(inner);
        if !REGIONS.iter().any(|r| *r == inner_basic) {
            out.push_str(&rest[open..open + close_rel + 1]);
        }
        rest = &rest[open + close_rel + 1..];
    }
    out.push_str(rest);
    out
}

/// The branch suffix of a name, if any: "苏州分公司" in "恒信（上海）有限公司苏州分公司".
pub fn branch_part(name: &str) -> Option<String> {
    let basic = basic_form(name);
    let marker = BRANCH_MARKERS.iter().find(|m| basic.ends_with(*m))?;
    let before = &basic[..basic.len() - marker.len()];
    // The branch qualifier is what follows the last legal form, e.g. 苏州 + 分公司.
    let cut = LEGAL_FORMS
        .iter()
        .filter_map(|f| before.rfind(f).map(|i| i + f.len()))
        .max()
        .unwrap_or(0);
    Some(format!("{}{}", &before[cut..], marker))
}

/// The region a name states, if any: a bracketed one (华为技术（深圳）) or a leading one
/// (深圳市华为…), without 市/省 so 深圳市 and 深圳 agree.
pub fn region_of(name: &str) -> Option<String> {
    let canonical = canonical(name);
    let trim = |r: &str| r.trim_end_matches(['市', '省']).to_string();
    let mut rest = canonical.as_str();
    while let Some(open) = rest.find('(') {
        let Some(close_rel) = rest[open..].find(')') else {
            break;
        };
        let inner = basic_form(&rest[open + 1..open + close_rel]);
        if REGIONS.contains(&inner.as_str()) {
            return Some(trim(&inner));
        }
        rest = &rest[open + close_rel + 1..];
    }
    let basic = basic_form(&canonical);
    REGIONS
        .iter()
        .find(|r| basic.starts_with(*r) && basic.len() > r.len())
        .map(|r| trim(r))
}

/// The core form: the trade name and industry, without region and legal form.
pub fn core_form(name: &str) -> String {
    let mut core = basic_form(&without_bracketed_regions(name));
    if let Some(branch) = branch_part(name)
        && core.ends_with(&branch)
    {
        core.truncate(core.len() - branch.len());
    }
    let basic = core.clone();
    // Legal forms can stack ("集团有限公司"): strip until none is left at the end.
    while let Some(form) = LEGAL_FORMS
        .iter()
        .find(|f| core.ends_with(*f) && core.len() > f.len())
    {
        core.truncate(core.len() - form.len());
    }
    let without_legal_form = core.clone();
    if let Some(region) = REGIONS
        .iter()
        .find(|r| core.starts_with(*r) && core.len() > r.len())
    {
        core = core[region.len()..].to_string();
    }
    let meaningful = |form: &str| form.chars().count() >= 2 && !GENERIC_WORDS.contains(&form);
    if meaningful(&core) {
        core
    } else if meaningful(&without_legal_form) {
        without_legal_form
    } else {
        basic
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_case_and_punctuation_do_not_matter() {
        assert_eq!(
            basic_form("ＨＵＡＷＥＩ Technologies Co., Ltd."),
            "huaweitechnologiescoltd"
        );
        assert_eq!(
            basic_form("华为技术（深圳）有限公司"),
            basic_form("华为技术(深圳)有限公司")
        );
    }

    #[test]
    fn core_drops_regions_and_legal_forms() {
        assert_eq!(core_form("华为技术有限公司"), "华为技术");
        assert_eq!(core_form("华为技术（深圳）有限公司"), "华为技术");
        assert_eq!(core_form("上海恒信精密机械股份有限公司"), "恒信精密机械");
        assert_eq!(
            core_form("HUAWEI TECHNOLOGIES CO., LTD."),
            "huaweitechnologies"
        );
        assert_eq!(core_form("恒信集团有限公司"), "恒信");
    }

    #[test]
    fn core_falls_back_when_only_an_industry_word_is_left() {
        assert_eq!(core_form("上海银行股份有限公司"), "上海银行");
        assert_eq!(core_form("北京科技有限公司"), "北京科技");
    }

    #[test]
    fn stated_regions_are_found_with_or_without_suffix() {
        assert_eq!(
            region_of("华为技术（深圳）有限公司").as_deref(),
            Some("深圳")
        );
        assert_eq!(region_of("深圳市华为技术有限公司").as_deref(), Some("深圳"));
        assert_eq!(region_of("华为技术有限公司"), None);
        assert_eq!(
            region_of("Shanghai Hengxin Co., Ltd.").as_deref(),
            Some("shanghai")
        );
    }

    #[test]
    fn branches_are_a_separate_signal() {
        let name = "恒信精密机械（上海）有限公司苏州分公司";
        assert_eq!(branch_part(name).as_deref(), Some("苏州分公司"));
        assert_eq!(core_form(name), "恒信精密机械");
        assert_eq!(branch_part("恒信精密机械有限公司"), None);
    }
}
