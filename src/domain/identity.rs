//! Which records are one company (pure): the rule the database's company trigger applies to
//! each new record (`sql/code/32_companies.sql`, `dibs.assign_company`), applied here to a
//! whole table at once for the backfill. Strong evidence only — the same valid credit code,
//! or the same core name and branch with compatible regions and no conflicting codes. Weaker evidence
//! (a phone, a domain, a fuzzy name) only warns, through the duplicate check: agents and
//! switchboards share phones, and one character can make another company.

use std::collections::HashMap;

/// What one record says about its identity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The core form of the name (`names::core_form`, stored as `name_core`).
    pub core: String,
    /// Regions the name states, each 'province/city/county' (empty levels blank).
    pub places: Vec<String>,
    /// The branch the name ends in (分公司 …), empty for none: a branch is another company.
    pub branch: String,
    /// A valid unified social credit code, if any.
    pub code: Option<String>,
    /// Its company already, when it has one: records sharing it stay together.
    pub company: Option<i64>,
    /// An administrator separated this record (an undone merge): it is its own company.
    pub pinned: bool,
}

/// Whether two places, 'province/city/county', can be the same place (one may be coarser).
pub fn place_compatible(a: &str, b: &str) -> bool {
    let level = |p: &str, i: usize| p.split('/').nth(i).unwrap_or("").to_owned();
    if level(a, 0) != level(b, 0) {
        return false;
    }
    let (city_a, city_b) = (level(a, 1), level(b, 1));
    if city_a.is_empty() || city_b.is_empty() {
        return true;
    }
    if city_a != city_b {
        return false;
    }
    let (county_a, county_b) = (level(a, 2), level(b, 2));
    county_a.is_empty() || county_b.is_empty() || county_a == county_b
}

/// Either states no region, or some reading of one fits some reading of the other.
pub fn places_compatible(a: &[String], b: &[String]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|x| b.iter().any(|y| place_compatible(x, y)))
}

/// Whether the name is evidence at all (a core of one character says nothing).
fn name_counts(core: &str) -> bool {
    core.chars().count() >= 2
}

/// The same company on the evidence of these two records alone.
pub fn same_company(a: &Evidence, b: &Evidence) -> bool {
    if a.pinned || b.pinned {
        return false;
    }
    if let (Some(x), Some(y)) = (&a.code, &b.code) {
        if x == y {
            return true;
        }
        // Two valid, different codes are two legal entities, whatever the names say.
        return false;
    }
    name_counts(&a.core)
        && a.core == b.core
        && a.branch == b.branch
        && places_compatible(&a.places, &b.places)
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Groups records into companies: the result gives each record the index of its group's
/// first record. Records are taken in the given order, each as the trigger takes a new one:
/// it joins the companies of records with its valid code; by name, it joins the one company
/// whose records of the same core and branch all fit its regions (a name with a region
/// prefers a company that states one) — when its name fits two such companies (a name
/// without a region, beside 深圳 and 成都 ones), it is ambiguous and joins neither. Only records in the same block (code; core and branch) are compared.
pub fn group(records: &[Evidence]) -> Vec<usize> {
    let mut sets = UnionFind((0..records.len()).collect());
    let mut by_code: HashMap<&str, usize> = HashMap::new();
    let mut by_company: HashMap<i64, usize> = HashMap::new();
    let mut by_core: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, record) in records.iter().enumerate() {
        if let Some(company) = record.company {
            match by_company.get(&company) {
                Some(&first) => sets.union(first, i),
                None => {
                    by_company.insert(company, i);
                }
            }
        }
        if record.pinned {
            continue;
        }
        if let Some(code) = &record.code {
            match by_code.get(code.as_str()) {
                Some(&first) => sets.union(first, i),
                None => {
                    by_code.insert(code, i);
                }
            }
        }
        if !name_counts(&record.core) {
            continue;
        }
        let block = by_core
            .entry((record.core.as_str(), record.branch.as_str()))
            .or_default();
        // Companies (roots) the name points at, and those it cannot be (a record of the
        // same name in a region that does not fit).
        let (mut fits, mut placed_fits, mut misfits) = (Vec::new(), Vec::new(), Vec::new());
        for &j in block.iter() {
            let root = sets.find(j);
            if same_company(record, &records[j]) {
                fits.push(root);
                if !records[j].places.is_empty() {
                    placed_fits.push(root);
                }
            } else {
                misfits.push(root);
            }
        }
        for list in [&mut fits, &mut placed_fits] {
            list.sort_unstable();
            list.dedup();
            list.retain(|root| !misfits.contains(root));
        }
        // A name with a region prefers the company that states the same region over one
        // that states none.
        let chosen = match (&placed_fits[..], &fits[..]) {
            ([only], _) if !record.places.is_empty() => Some(*only),
            (_, [only]) => Some(*only),
            _ => None,
        };
        if let Some(root) = chosen {
            sets.union(root, i);
        }
        block.push(i);
    }
    (0..records.len()).map(|i| sets.find(i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(core: &str, places: &[&str]) -> Evidence {
        Evidence {
            core: core.into(),
            places: places.iter().map(|p| p.to_string()).collect(),
            ..Evidence::default()
        }
    }

    #[test]
    fn a_coarser_region_fits_a_finer_one_and_two_cities_do_not() {
        assert!(place_compatible("浙江/杭州/", "浙江//"));
        assert!(place_compatible("浙江/杭州/西湖", "浙江/杭州/"));
        assert!(!place_compatible("浙江/杭州/", "江苏/南京/"));
        assert!(!place_compatible("浙江/杭州/", "浙江/宁波/"));
        assert!(places_compatible(&[], &["浙江/杭州/".into()]));
    }

    #[test]
    fn the_demo_company_under_two_legal_forms_is_one_company() {
        // 杭州安城汽车零部件股份有限公司 and 杭州安城汽车零部件有限公司 share their core form.
        let records = [
            named("安城汽车零部件", &["浙江/杭州/"]),
            named("安城汽车零部件", &["浙江/杭州/"]),
            named("安城汽车零部件", &[]),
            named("安城汽车零部件", &["江苏/南京/"]),
        ];
        let groups = group(&records);
        assert_eq!(groups[0], groups[1]);
        assert_eq!(groups[0], groups[2], "a name without a region joins");
        assert_ne!(groups[0], groups[3], "the Nanjing one is another company");
    }

    #[test]
    fn a_name_without_a_region_never_glues_two_cities_together() {
        let records = [
            named("万汇建筑工程", &["广东/深圳/"]),
            named("万汇建筑工程", &["四川/成都/"]),
            named("万汇建筑工程", &[]),
            named("万汇建筑工程", &["四川/成都/"]),
        ];
        let groups = group(&records);
        assert_ne!(groups[0], groups[1]);
        assert_ne!(groups[2], groups[0], "ambiguous: fits both cities");
        assert_ne!(groups[2], groups[1]);
        assert_eq!(groups[3], groups[1]);
    }

    #[test]
    fn codes_decide_both_ways_and_pinned_records_stand_alone() {
        let code = |c: &str| Some(c.to_string());
        let a = Evidence {
            code: code("91330100MA27XXXXX1"),
            ..named("安城汽车零部件", &[])
        };
        let b = Evidence {
            code: code("91330100MA27XXXXX1"),
            ..named("完全不同的名字", &[])
        };
        let c = Evidence {
            code: code("91330100MA27YYYYY2"),
            ..named("安城汽车零部件", &[])
        };
        assert!(same_company(&a, &b), "the same code, whatever the name");
        assert!(!same_company(&a, &c), "two valid codes are two entities");
        let pinned = Evidence {
            pinned: true,
            ..a.clone()
        };
        let groups = group(&[a, b, pinned]);
        assert_eq!(groups[0], groups[1]);
        assert_ne!(groups[0], groups[2]);
    }

    #[test]
    fn a_branch_is_another_company() {
        let head = named("腾帆物流", &["福建/厦门/"]);
        let branch = Evidence {
            branch: "厦门分公司".into(),
            ..head.clone()
        };
        assert!(!same_company(&head, &branch));
        assert_ne!(group(&[head, branch])[1], 0);
    }

    #[test]
    fn records_of_one_company_id_stay_together_and_one_character_cores_are_no_evidence() {
        let mut a = named("甲", &[]);
        let mut b = named("甲", &[]);
        assert_ne!(group(&[a.clone(), b.clone()])[1], 0);
        a.company = Some(7);
        b.company = Some(7);
        assert_eq!(group(&[a, b])[1], 0);
    }
}
