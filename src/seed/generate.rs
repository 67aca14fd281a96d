//! Pure generators for demo rows: companies, people, phones, e-mail addresses.

use crate::rng::SeededRng;
use crate::seed::vocab::{
    self, GIVEN_NAMES, INDUSTRIES, LEGAL_FORMS, REGIONS, SURNAMES, TRADE_CHARS,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    pub name: String,
    pub name_en: String,
    pub trade_zh: String,
    pub trade_en: String,
    pub region: usize,
    pub industry: usize,
    pub domain: String,
}

impl Company {
    pub fn region(&self) -> &'static vocab::Region {
        &REGIONS[self.region]
    }

    pub fn industry(&self) -> &'static vocab::Industry {
        &INDUSTRIES[self.industry]
    }
}

pub fn trade_name(rng: &mut SeededRng) -> (String, String) {
    let (a_zh, a_en) = rng.pick(TRADE_CHARS);
    let mut second = rng.pick(TRADE_CHARS);
    while second.0 == *a_zh {
        second = rng.pick(TRADE_CHARS);
    }
    (
        format!("{a_zh}{}", second.0),
        format!("{a_en}{}", second.1.to_lowercase()),
    )
}

/// A registered company name in one of the common shapes:
/// 上海恒信精密机械有限公司 / 恒信精密机械（上海）有限公司.
pub fn company(
    rng: &mut SeededRng,
    region: usize,
    industry: usize,
    trade: (String, String),
) -> Company {
    let r = &REGIONS[region];
    let i = &INDUSTRIES[industry];
    let (legal_zh, legal_en) = rng.pick(LEGAL_FORMS);
    let (trade_zh, trade_en) = trade;
    let name = if rng.chance(75) {
        format!("{}{trade_zh}{}{legal_zh}", r.zh, i.zh)
    } else {
        format!("{trade_zh}{}（{}）{legal_zh}", i.zh, r.zh)
    };
    let name_en = format!("{} {trade_en} {} {legal_en}", r.en, i.en);
    let domain = format!("{}-{}.com.cn", trade_en.to_lowercase(), i.domain_hint);
    Company {
        name,
        name_en,
        trade_zh,
        trade_en,
        region,
        industry,
        domain,
    }
}

pub fn random_company(rng: &mut SeededRng) -> Company {
    let region = rng.below(REGIONS.len());
    let industry = rng.below(INDUSTRIES.len());
    let trade = trade_name(rng);
    company(rng, region, industry, trade)
}

/// A near-duplicate of a name, as reps really type them. Returns the variant and what changed.
pub fn near_duplicate(rng: &mut SeededRng, company: &Company) -> (String, &'static str) {
    let r = company.region();
    let i = company.industry();
    match rng.below(6) {
        0 => (
            format!("{}{}（{}）有限公司", company.trade_zh, i.zh, r.zh),
            "region moved into brackets",
        ),
        1 => (company.name_en.to_uppercase(), "English name"),
        2 => (
            format!("{}{}", company.trade_zh, i.zh),
            "no region, no legal form",
        ),
        3 => {
            let mut name = company.name.clone();
            for (simplified, traditional) in vocab::TRADITIONAL {
                name = name.replace(simplified, traditional);
            }
            (name, "traditional characters")
        }
        4 => (
            company
                .name
                .replace('（', "(")
                .replace('）', ")")
                .replace("有限公司", " 有限公司"),
            "half-width, spaced",
        ),
        _ => (
            format!("{}{}{}股份有限公司", r.zh, company.trade_zh, i.zh),
            "other legal form",
        ),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub pinyin: String,
}

pub fn person(rng: &mut SeededRng) -> Person {
    let (surname, surname_py) = rng.pick(SURNAMES);
    let (given, given_py) = rng.pick(GIVEN_NAMES);
    Person {
        name: format!("{surname}{given}"),
        pinyin: format!("{surname_py}{given_py}"),
    }
}

/// A mobile number as typed (`138 1234 5678`) and in E.164.
pub fn mobile(rng: &mut SeededRng) -> (String, String) {
    let prefix = rng.pick(&["138", "139", "136", "186", "158", "177", "150", "189"]);
    let middle = rng.range(0, 9999);
    let end = rng.range(0, 9999);
    (
        format!("{prefix} {middle:04} {end:04}"),
        format!("+86{prefix}{middle:04}{end:04}"),
    )
}

/// A landline in the company's city (`021-6234 5678`) and in E.164.
pub fn landline(rng: &mut SeededRng, region: usize) -> (String, String) {
    let area = REGIONS[region].area_code;
    let first = rng.range(5000, 8999);
    let second = rng.range(0, 9999);
    (
        format!("0{area}-{first} {second:04}"),
        format!("+86{area}{first}{second:04}"),
    )
}

/// E.164 of a shared Chinese number as written in `vocab::SHARED_PHONES`.
pub fn shared_phone_e164(written: &str) -> String {
    let digits: String = written.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix('0') {
        Some(national) => format!("+86{national}"),
        None => format!("+86{digits}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::names::core_form;

    #[test]
    fn companies_look_registered_and_share_a_core_with_their_variants() {
        let mut rng = SeededRng::new(3);
        for _ in 0..200 {
            let company = random_company(&mut rng);
            assert!(company.name.ends_with("公司"), "{}", company.name);
            assert!(company.name.contains(&company.trade_zh));
            let (variant, how) = near_duplicate(&mut rng, &company);
            assert_ne!(variant, "");
            if how != "English name" && how != "traditional characters" {
                assert_eq!(
                    core_form(&variant),
                    core_form(&company.name),
                    "{how}: {variant} vs {}",
                    company.name
                );
            }
        }
    }

    #[test]
    fn phones_are_valid_e164() {
        let mut rng = SeededRng::new(9);
        for _ in 0..100 {
            let (_, e164) = mobile(&mut rng);
            assert!(e164.starts_with("+861") && e164.len() == 14, "{e164}");
            let (_, fixed) = landline(&mut rng, 0);
            assert!(fixed.starts_with("+8621"), "{fixed}");
        }
        assert_eq!(shared_phone_e164("021-6888 0000"), "+862168880000");
        assert_eq!(shared_phone_e164("400-820-8820"), "+864008208820");
    }
}
