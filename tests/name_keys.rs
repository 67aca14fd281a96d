//! The database takes names apart and keys them exactly as the client does (issue 12): every
//! name of the labelled development sets, and generated ones, parsed by `dibs.parse_name` and
//! keyed by `dibs.name_keys`, against `domain::company::parse` and `domain::keys::name_keys`.
//! And stored rows carry their keys, whoever writes them.

use dibs::domain::company::parse;
use dibs::domain::keys::name_keys;
use dibs::testkit::TestDatabase;

fn dev_names() -> Vec<String> {
    include_str!("data/dev_names.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items.dedup();
    items
}

#[tokio::test(flavor = "multi_thread")]
async fn sql_and_rust_take_every_dev_name_apart_alike() {
    let db = TestDatabase::new().await;
    let client = db.client().await;
    let mut names = dev_names();
    let mut rng = dibs::rng::SeededRng::new(12);
    for _ in 0..500 {
        let company = dibs::seed::generate::random_company(&mut rng);
        let (variant, _) = dibs::seed::generate::near_duplicate(&mut rng, &company);
        names.push(company.name);
        names.push(company.name_en);
        names.push(variant);
    }
    names.extend(
        [
            "",
            "（北京）",
            "集团有限公司",
            "恒信精密机械（上海）有限公司苏州分公司",
            "恒信精密机械上海办事处",
            "a(b(c)d)e有限公司",
            "洛阳市一默自动化设备合伙企业（有限合伙）",
            "S.R.L.",
            "The",
            "Müller & Söhne Gesellschaft mit beschränkter Haftung",
            "a)b(c Ltd",
            "((Asia) Pacific Trading Co",
            "Sino [HK] (Asia) O'Brien’s + Sons Pte. Ltd.",
            "X (unclosed Holdings",
            // Securities short names, market marks and share classes, English names (issue 18).
            "*ST狮头",
            " XD中国建筑",
            "深康佳A",
            "南戈壁-S",
            "小天鹅 B ",
            "N天能",
            "Stone Ltd",
            "新疆天山水泥股份有限公司",
            "上汽集团",
            "中国交建",
            "重庆银行股份有限公司",
            "北方华锦化学工业股份有限公司",
            "Xin Zhi Motor",
            "Hunan Jiangnan Red Arrow Co Ltd",
        ]
        .map(str::to_string),
    );
    assert!(names.len() > 7_000, "the dev names are in tests/data");
    let rows = client
        .query(
            "select n, (p).basic, (p).han, (p).trade, (p).industry, (p).form, (p).form_words,
                    (p).places, (p).branch, (p).tokens, dibs.name_keys(p)
             from (select n, dibs.parse_name(n) p from unnest($1::text[]) n) x",
            &[&names],
        )
        .await
        .expect("parsed by SQL");
    assert_eq!(rows.len(), names.len());
    let mut differences = Vec::new();
    for row in &rows {
        let name: String = row.get(0);
        let parts = parse(&name);
        let rust = (
            parts.basic.clone(),
            parts.han,
            parts.trade.clone(),
            parts.industry.clone(),
            parts.form.map(|f| format!("{f:?}")),
            parts.form_words.clone(),
            sorted(
                parts
                    .places
                    .iter()
                    .map(|p| {
                        format!(
                            "{}/{}/{}",
                            p.province,
                            p.city.as_deref().unwrap_or(""),
                            p.county.as_deref().unwrap_or("")
                        )
                    })
                    .collect(),
            ),
            parts.branch.clone(),
            parts.tokens.clone(),
            sorted(name_keys(&parts)),
        );
        let sql = (
            row.get::<_, Option<String>>(1).unwrap_or_default(),
            row.get::<_, Option<bool>>(2).unwrap_or_default(),
            row.get::<_, Option<String>>(3).unwrap_or_default(),
            row.get::<_, Option<String>>(4).unwrap_or_default(),
            row.get::<_, Option<String>>(5),
            row.get::<_, Option<Vec<String>>>(6).unwrap_or_default(),
            sorted(row.get::<_, Option<Vec<String>>>(7).unwrap_or_default()),
            row.get::<_, Option<String>>(8),
            row.get::<_, Option<Vec<String>>>(9).unwrap_or_default(),
            sorted(row.get::<_, Option<Vec<String>>>(10).unwrap_or_default()),
        );
        if rust != sql {
            differences.push(format!("{name:?}\n  rust {rust:?}\n  sql  {sql:?}"));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} names differ, e.g.:\n{}",
        differences.len(),
        names.len(),
        differences[..differences.len().min(8)].join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn stored_rows_get_their_keys_and_country_from_the_database() {
    let db = TestDatabase::new().await;
    let client = db.client().await;
    client
        .execute(
            "insert into dibs.customers (name, name_keys, country) values ('南京市联荣家纺股份有限公司', '{forged}', ' cn ')",
            &[],
        )
        .await
        .expect("insert");
    let row = client
        .query_one("select name_keys, country from dibs.customers", &[])
        .await
        .expect("row");
    let keys: Vec<String> = row.get(0);
    assert!(keys.contains(&"t:联荣".to_string()), "{keys:?}");
    assert!(!keys.contains(&"forged".to_string()));
    assert_eq!(row.get::<_, Option<String>>(1).as_deref(), Some("CN"));
    client
        .execute(
            "update dibs.customers set name = '联荣（南京）家纺有限公司', name_keys = '{}'",
            &[],
        )
        .await
        .expect("update");
    let keys: Vec<String> = client
        .query_one("select name_keys from dibs.customers", &[])
        .await
        .expect("row")
        .get(0);
    assert_eq!(
        sorted(keys),
        sorted(name_keys(&parse("联荣（南京）家纺有限公司")))
    );
}
