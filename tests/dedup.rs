//! The duplicate check end to end: the database computes the same forms as the client,
//! block rules hold for every insert (also racing ones), warnings need an override reason,
//! candidates come back scored with reasons.

mod common;

use common::{as_person, org, scalar};
use dibs::dedup::check::{check, load_weights};
use dibs::domain::ownership::Entity;
use dibs::domain::score::{Draft, Why};
use dibs::domain::{names, phone, uscc};
use dibs::testkit::TestDatabase;

#[tokio::test(flavor = "multi_thread")]
async fn database_and_client_compute_the_same_name_forms_and_phones() {
    let db = TestDatabase::new().await;
    let client = db.client().await;
    let mut rng = dibs::rng::SeededRng::new(31);
    let mut names_to_check: Vec<String> = vec![
        "華為技術（深圳）有限公司".into(),
        "HUAWEI TECHNOLOGIES CO., LTD.".into(),
        "上海银行股份有限公司".into(),
        "北京科技有限公司".into(),
        "恒信精密机械（上海）有限公司苏州分公司".into(),
        "ＡＢＣ　Trading Co.,Ltd".into(),
        "zinc".into(),
        "（北京）".into(),
        "集团有限公司".into(),
        "Café Müller GmbH".into(),
        "a(b)c(深圳)d".into(),
        "".into(),
    ];
    for _ in 0..1_500 {
        let company = dibs::seed::generate::random_company(&mut rng);
        let (variant, _) = dibs::seed::generate::near_duplicate(&mut rng, &company);
        names_to_check.push(company.name);
        names_to_check.push(company.name_en);
        names_to_check.push(variant);
    }
    let rows = client
        .query(
            "select n, dibs.name_basic(n), dibs.name_core(n) from unnest($1::text[]) n",
            &[&names_to_check],
        )
        .await
        .expect("forms");
    for row in rows {
        let name: String = row.get(0);
        assert_eq!(
            row.get::<_, String>(1),
            names::basic_form(&name),
            "basic form of {name:?}"
        );
        assert_eq!(
            row.get::<_, String>(2),
            names::core_form(&name),
            "core form of {name:?}"
        );
    }
    let mut phones: Vec<String> = vec![
        "138 1234 5678".into(),
        "+86 138-1234-5678".into(),
        "0086 13812345678".into(),
        "8613812345678".into(),
        "021-6234 5678 转 8001".into(),
        "(021) 6234-5678".into(),
        "400-820-8820".into(),
        "+1 415 555 0100".into(),
        "1381234567".into(),
        "12345".into(),
        "电话".into(),
        "010 8888 6666 ext. 12".into(),
    ];
    for _ in 0..500 {
        phones.push(dibs::seed::generate::mobile(&mut rng).0);
        let region = rng.below(16);
        phones.push(dibs::seed::generate::landline(&mut rng, region).0);
    }
    let rows = client
        .query(
            "select p, dibs.phone_e164(p) from unnest($1::text[]) p",
            &[&phones],
        )
        .await
        .expect("phones");
    for row in rows {
        let written: String = row.get(0);
        let expected = phone::normalize(&written).ok().map(|p| p.e164);
        assert_eq!(
            row.get::<_, Option<String>>(1),
            expected,
            "phone {written:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn stored_forms_come_from_the_database_whatever_the_client_sends() {
    let db = TestDatabase::new().await;
    let client = db.client().await;
    client
        .execute(
            "insert into dibs.customers (name, name_core, phone, email) values ('華為技術（深圳）有限公司', 'forged', '+86 138-1234-5678', 'Li@Huawei.com')",
            &[],
        )
        .await
        .expect("insert");
    let row = client
        .query_one(
            "select name_core, phone_e164, email_domain from dibs.customers",
            &[],
        )
        .await
        .expect("row");
    assert_eq!(row.get::<_, String>(0), "华为技术");
    assert_eq!(row.get::<_, String>(1), "+8613812345678");
    assert_eq!(row.get::<_, String>(2), "huawei.com");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_block_rule_stops_direct_inserts_and_exactly_one_of_racing_creates_wins() {
    let db = TestDatabase::new().await;
    let org = org(&db, 8, 100).await;
    let admin = db.client().await;
    admin
        .execute(
            "insert into dibs.dedup_rules (name, entity, against, match_kind, threshold, action, position)
             values ('customer: same core name', 'customer', 'customer', 'name_fuzzy', 1.0, 'block', 5)",
            &[],
        )
        .await
        .expect("block rule");
    admin
        .execute(
            "insert into dibs.customers (name) values ('华为技术有限公司')",
            &[],
        )
        .await
        .expect("first");
    let err = admin
        .execute(
            "insert into dibs.customers (name) values ('華為技術（深圳）有限公司')",
            &[],
        )
        .await
        .expect_err("blocked even for a direct insert by the owner");
    assert_eq!(
        err.code().map(|c| c.code()),
        Some("DB001"),
        "{}",
        dibs::db::error_detail(&err)
    );
    assert!(dibs::db::error_detail(&err).contains("same core name"));

    // Eight reps save the same new company at the same instant.
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(org.reps.len()));
    let mut tasks = Vec::new();
    for (index, (_, login)) in org.reps.iter().enumerate() {
        let client = as_person(&db, login).await;
        let barrier = barrier.clone();
        let name = if index % 2 == 0 {
            "恒信精密机械（上海）有限公司"
        } else {
            "上海恒信精密机械有限公司"
        };
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            client
                .query_one(
                    "select (o).ok, (o).reason from dibs.create_customer($1, null, null, null, null, null, null, '确认是新客户') o",
                    &[&name],
                )
                .await
                .map(|r| (r.get::<_, bool>(0), r.get::<_, String>(1)))
                .expect("create")
        }));
    }
    let mut created = 0;
    for task in tasks {
        let (ok, reason) = task.await.expect("task");
        if ok {
            created += 1;
        } else {
            assert_eq!(reason, "duplicate_blocked");
        }
    }
    assert_eq!(created, 1, "exactly one create passes the block rule");
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.customers where name_core = '恒信精密机械'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.dedup_decisions where decision = 'blocked'"
        )
        .await,
        7
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_warning_needs_a_reason_and_both_are_logged() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 100).await;
    let admin = db.client().await;
    admin.execute("insert into dibs.customers (name, phone) values ('恒信精密机械有限公司', '021-6234 5678')", &[]).await.expect("existing");
    let rep = as_person(&db, &org.reps[0].1).await;
    let create = "select (o).ok, (o).reason, (o).detail from dibs.create_customer($1, null, $2, null, null, null, null, $3) o";
    let first = rep
        .query_one(
            create,
            &[
                &"上海恒信精密机械有限公司",
                &"021 62345678",
                &None::<String>,
            ],
        )
        .await
        .expect("call");
    assert!(!first.get::<_, bool>(0));
    assert_eq!(first.get::<_, String>(1), "needs_override");
    let detail: serde_json::Value = first.get(2);
    assert!(
        detail.to_string().contains("恒信精密机械有限公司"),
        "{detail}"
    );
    let second = rep
        .query_one(
            create,
            &[
                &"上海恒信精密机械有限公司",
                &"021 62345678",
                &Some("客户确认是独立法人，已核对营业执照".to_string()),
            ],
        )
        .await
        .expect("call");
    assert!(
        second.get::<_, bool>(0),
        "with a reason the save goes through"
    );
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.dedup_decisions where decision = 'needs_override'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(&admin, "select count(*) from dibs.dedup_decisions where decision = 'warned_overridden' and override_reason like '%营业执照%'").await,
        1
    );
    assert_eq!(
        scalar(
            &admin,
            &format!(
                "select count(*) from dibs.customers where owner_id = {}",
                org.reps[0].0
            )
        )
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_live_check_ranks_variants_first_and_says_why() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 100).await;
    let admin = db.client().await;
    let code = uscc::synthesise("440300", 4242);
    admin
        .execute(
            "insert into dibs.customers (name, uscc, phone, email_domain, owner_id, owned_since, team_id)
             values ('华为技术有限公司', $1, '0755-2878 0808', 'huawei.com', $2, now(), $3),
                    ('华为技术有限公司苏州分公司', null, null, null, null, null, null),
                    ('华通物流有限公司', null, '0755-2878 0808', null, null, null, null),
                    ('恒信精密机械有限公司', null, null, null, null, null, null)",
            &[&code, &org.reps[0].0, &org.team],
        )
        .await
        .expect("customers");
    let weights = load_weights(&admin, Entity::Customer, Entity::Customer)
        .await
        .expect("weights");
    let rep = as_person(&db, &org.reps[0].1).await;

    let typed = Draft {
        name: "華為技術（深圳）有限公司".into(),
        ..Draft::default()
    };
    let top = check(&rep, &typed, Entity::Customer, 5, &weights)
        .await
        .expect("check");
    assert_eq!(top[0].name, "华为技术有限公司", "{top:?}");
    assert!(top[0].why.contains(&Why::SameName));
    assert_eq!(top[0].owner.as_deref(), Some("销售0"));
    assert!(
        top.iter()
            .any(|m| m.why.iter().any(|w| matches!(w, Why::Branch { .. }))),
        "the branch shows as related: {top:?}"
    );

    // Two characters typed so far: the prefix finds it.
    let partial = check(
        &rep,
        &Draft {
            name: "华为".into(),
            ..Draft::default()
        },
        Entity::Customer,
        5,
        &weights,
    )
    .await
    .expect("check");
    assert!(
        partial.iter().any(|m| m.name == "华为技术有限公司"),
        "{partial:?}"
    );

    // The credit code decides, whatever the name.
    let by_code = check(
        &rep,
        &Draft {
            name: "某某公司".into(),
            uscc: Some(code.to_lowercase()),
            ..Draft::default()
        },
        Entity::Customer,
        5,
        &weights,
    )
    .await
    .expect("check");
    assert_eq!(by_code[0].score, 1.0);
    assert!(by_code[0].why.contains(&Why::SameCreditCode));

    // A shared switchboard number alone ranks low.
    let by_phone = check(
        &rep,
        &Draft {
            name: "无关贸易公司".into(),
            phone: Some("0755 28780808".into()),
            ..Draft::default()
        },
        Entity::Customer,
        5,
        &weights,
    )
    .await
    .expect("check");
    assert!(by_phone.iter().all(|m| m.score < 0.5), "{by_phone:?}");
    assert!(by_phone.iter().any(|m| m.why.contains(&Why::SamePhone)));
}

#[tokio::test(flavor = "multi_thread")]
async fn check_and_scan_from_the_command_line() {
    let db = TestDatabase::new().await;
    let admin = db.client().await;
    admin
        .execute("insert into dibs.customers (name, phone) values ('华为技术有限公司', '0755-2878 0808')", &[])
        .await
        .expect("customer");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_dibs"))
            .args(args)
            .env("DATABASE_URL", db.url())
            .env("LANG", "C.UTF-8")
            .env("XDG_STATE_HOME", std::env::temp_dir())
            .output()
            .expect("run dibs")
    };
    let checked = run(&[
        "dedup",
        "check",
        "--name",
        "華為技術（深圳）有限公司",
        "--code",
        "91440300MA5XXXXXX0",
    ]);
    let out = String::from_utf8_lossy(&checked.stdout);
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(
        out.contains("华为技术有限公司") && out.contains("same name"),
        "{out}"
    );
    assert!(
        String::from_utf8_lossy(&checked.stderr).contains("not valid"),
        "a bad code is reported as a typo"
    );

    let dir = std::env::temp_dir().join(format!("dibs-scan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let input = dir.join("in.csv");
    std::fs::write(
        &input,
        "\u{FEFF}id,name,phone,email,uscc\n\
         a1,上海恒信精密机械有限公司,021-6234 5678,,\n\
         a2,恒信精密机械（上海）有限公司,,,\n\
         a3,北京恒信精密机械有限公司,,,\n\
         a4,宏达物流有限公司,021 62345678,,\n\
         a5,,,,\n",
    )
    .expect("input");
    let output = dir.join("pairs.csv");
    let scanned = run(&[
        "dedup",
        "scan",
        input.to_str().expect("path"),
        "--output",
        output.to_str().expect("path"),
    ]);
    // A skipped row is said, and the exit status says the scan is not whole (3).
    assert_eq!(
        scanned.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&scanned.stderr)
    );
    assert!(String::from_utf8_lossy(&scanned.stderr).contains("line 6: name: missing"));
    let pairs = std::fs::read_to_string(&output).expect("pairs");
    let lines: Vec<&str> = pairs.lines().collect();
    assert_eq!(lines[0], "id_a,id_b,score,reasons");
    assert_eq!(
        lines.len(),
        2,
        "only a1/a2 are one company (a3 is another city, a4 only shares a phone):\n{pairs}"
    );
    assert!(lines[1].starts_with("a1,a2,"), "{pairs}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_reps_typing_the_same_new_company_see_each_other() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 100).await;
    let (ann, bob) = (
        as_person(&db, &org.reps[0].1).await,
        as_person(&db, &org.reps[1].1).await,
    );
    let weights = load_weights(&ann, Entity::Customer, Entity::Customer)
        .await
        .expect("weights");
    let typed = |name: &str| Draft {
        name: name.into(),
        ..Draft::default()
    };
    let first =
        dibs::dedup::check::check_live(&ann, &typed("恒信精密"), Entity::Customer, 5, &weights)
            .await
            .expect("ann");
    assert!(first.in_flight.is_empty(), "nobody else is typing yet");
    let second = dibs::dedup::check::check_live(
        &bob,
        &typed("上海恒信精密机械"),
        Entity::Customer,
        5,
        &weights,
    )
    .await
    .expect("bob");
    assert_eq!(second.in_flight.len(), 1, "{second:?}");
    assert_eq!(second.in_flight[0].user, "销售0");
    assert_eq!(second.in_flight[0].draft, "恒信精密");
    let again =
        dibs::dedup::check::check_live(&ann, &typed("恒信精密机械"), Entity::Customer, 5, &weights)
            .await
            .expect("ann again");
    assert_eq!(again.in_flight[0].user, "销售1", "and the other way round");
    // Saving ends the draft: Bob no longer sees Ann once her customer exists (as a match instead).
    ann.query_one("select dibs.create_customer('恒信精密机械有限公司', null, null, null, null, null, null, null)", &[])
        .await
        .expect("create");
    let after = dibs::dedup::check::check_live(
        &bob,
        &typed("上海恒信精密机械"),
        Entity::Customer,
        5,
        &weights,
    )
    .await
    .expect("bob");
    assert!(after.in_flight.is_empty(), "{after:?}");
    assert!(
        after
            .matches
            .iter()
            .any(|m| m.name == "恒信精密机械有限公司")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn merge_moves_everything_and_unmerge_puts_it_back() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 100).await;
    let admin = db.client().await;
    let ids: Vec<i64> = admin
        .query(
            "insert into dibs.customers (name, pool_id) values ('华为技术有限公司', $1), ('華為技術（深圳）有限公司', $1), ('华为技术子公司', $1) returning id",
            &[&org.customer_pool],
        )
        .await
        .expect("customers")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let (keep, drop, child) = (ids[0], ids[1], ids[2]);
    let rep = as_person(&db, &org.reps[1].1).await;
    assert!(
        common::act(&rep, dibs::domain::ownership::Action::ClaimCustomer(drop))
            .await
            .ok
    );
    admin
        .batch_execute(&format!(
            "update dibs.customers set parent_id = {drop} where id = {child};
             insert into dibs.contacts (customer_id, name) values ({drop}, '张伟'), ({drop}, '李娜'), ({keep}, '王强');
             insert into dibs.opportunities (customer_id, name, stage_id) values ({drop}, '云平台', 1);
             insert into dibs.followups (customer_id, user_id, kind) values ({drop}, {}, 'call')",
            org.reps[1].0
        ))
        .await
        .expect("attached records");
    let manager = as_person(&db, &org.manager.1).await;
    let merged = common::act(
        &manager,
        dibs::domain::ownership::Action::MergeCustomers { keep, drop },
    )
    .await;
    assert!(merged.ok, "{merged:?}");
    let count = |sql: String| {
        let admin = &admin;
        async move { scalar(admin, &sql).await }
    };
    assert_eq!(
        count(format!(
            "select count(*) from dibs.contacts where customer_id = {keep}"
        ))
        .await,
        3
    );
    assert_eq!(
        count(format!(
            "select count(*) from dibs.opportunities where customer_id = {keep}"
        ))
        .await,
        1
    );
    assert_eq!(
        count(format!(
            "select count(*) from dibs.followups where customer_id = {keep}"
        ))
        .await,
        1
    );
    assert_eq!(
        count(format!(
            "select count(*) from dibs.customers where parent_id = {keep}"
        ))
        .await,
        1
    );
    assert_eq!(
        count(format!(
            "select count(*) from dibs.customers where id = {keep} and owner_id = {}",
            org.reps[1].0
        ))
        .await,
        1,
        "keep inherits the owner"
    );
    let merge_id = merged
        .detail
        .as_ref()
        .and_then(|d| d.get("merge"))
        .and_then(|m| m.as_i64())
        .expect("merge id");

    let undone = common::act(
        &manager,
        dibs::domain::ownership::Action::UnmergeCustomers { merge: merge_id },
    )
    .await;
    assert!(undone.ok, "{undone:?}");
    assert_eq!(
        count(format!(
            "select count(*) from dibs.contacts where customer_id = {drop}"
        ))
        .await,
        2
    );
    assert_eq!(
        count(format!(
            "select count(*) from dibs.contacts where customer_id = {keep}"
        ))
        .await,
        1
    );
    assert_eq!(
        count(format!(
            "select count(*) from dibs.opportunities where customer_id = {drop}"
        ))
        .await,
        1
    );
    assert_eq!(
        count(format!(
            "select count(*) from dibs.customers where parent_id = {drop}"
        ))
        .await,
        1
    );
    assert_eq!(count(format!("select count(*) from dibs.customers where id = {drop} and status = 'active' and owner_id = {}", org.reps[1].0)).await, 1);
    assert_eq!(
        count(format!(
            "select count(*) from dibs.customers where id = {keep} and owner_id is null"
        ))
        .await,
        1
    );
    let twice = common::act(
        &manager,
        dibs::domain::ownership::Action::UnmergeCustomers { merge: merge_id },
    )
    .await;
    assert!(!twice.ok, "a merge is undone once");
}

#[tokio::test(flavor = "multi_thread")]
async fn import_reports_bad_rows_flags_duplicates_and_keeps_good_rows() {
    let db = TestDatabase::new().await;
    let _org = org(&db, 1, 100).await;
    let mut admin = db.client().await;
    let code = uscc::synthesise("310000", 99);
    admin
        .execute(
            "insert into dibs.customers (name, uscc) values ('华为技术有限公司', $1)",
            &[&code],
        )
        .await
        .expect("existing");
    let fresh = uscc::synthesise("110000", 100);
    let file = format!(
        "\u{FEFF}name,uscc,phone,email,region\n\
         新客户科技有限公司,{fresh},138 1234 5678,li@xinkehu.com,北京\n\
         ,,,,\n\
         新客户科技（北京）有限公司,,,,北京\n\
         華為技術（深圳）有限公司,,,,深圳\n\
         另一家公司,{code},,,\n\
         坏电话公司,,12345,,\n\
         好物流有限公司,,,,\n"
    );
    let dry =
        dibs::dedup::import::import(&mut admin, Entity::Customer, None, file.as_bytes(), true)
            .await
            .expect("dry run");
    assert_eq!(dry.imported, 2, "{dry:?}");
    assert_eq!(
        scalar(&admin, "select count(*) from dibs.customers").await,
        1,
        "a dry run writes nothing"
    );
    let report =
        dibs::dedup::import::import(&mut admin, Entity::Customer, None, file.as_bytes(), false)
            .await
            .expect("import");
    assert_eq!(report.rows, 7);
    assert_eq!(report.imported, 2);
    assert_eq!(
        report.problems.iter().map(|p| p.line).collect::<Vec<_>>(),
        vec![3, 7]
    );
    assert_eq!(report.duplicates_in_file, vec![(4, 2)]);
    let flagged: Vec<u64> = report.duplicates_in_database.iter().map(|d| d.0).collect();
    assert_eq!(
        flagged,
        vec![5, 6],
        "similar name and same credit code: {report:?}"
    );
    assert_eq!(
        scalar(&admin, "select count(*) from dibs.customers").await,
        3
    );
    assert_eq!(scalar(&admin, "select count(*) from dibs.customers where phone_e164 = '+8613812345678' and email_domain = 'xinkehu.com'").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_latest_keystroke_wins() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 100).await;
    let admin = db.client().await;
    admin
        .execute("insert into dibs.customers (name) values ('华为技术有限公司'), ('恒信精密机械有限公司')", &[])
        .await
        .expect("customers");
    let client = as_person(&db, &org.reps[0].1).await;
    let mut live = dibs::dedup::check::LiveChecker::new(client, Entity::Customer)
        .await
        .expect("checker");
    for typed in ["恒", "恒信", "恒信精", "华", "华为"] {
        // Each keystroke supersedes the request before it (cancelled on the server too).
        live.submit(
            Draft {
                name: typed.into(),
                ..Draft::default()
            },
            5,
        );
    }
    let last = live.submit(
        Draft {
            name: "华为技术".into(),
            ..Draft::default()
        },
        5,
    );
    let result = last.await.expect("task").expect("check");
    assert_eq!(result.matches[0].name, "华为技术有限公司", "{result:?}");
    assert!(
        result
            .matches
            .iter()
            .all(|m| m.name != "恒信精密机械有限公司"),
        "no stale answer: {result:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn phone_and_domain_rules_block_or_warn_as_configured() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 100).await;
    let admin = db.client().await;
    admin
        .execute(
            "insert into dibs.customers (name, phone, email) values ('甲方科技有限公司', '0755-2878 0808', 'it@jiafang.com')",
            &[],
        )
        .await
        .expect("existing");
    let rep = as_person(&db, &org.reps[0].1).await;
    let create = "select (o).ok, (o).reason from dibs.create_customer($1, null, $2, $3, null, null, null, $4) o";
    // Same company domain, different name: a warning (default rule), saved with a reason.
    let warned = rep
        .query_one(
            create,
            &[
                &"乙方贸易有限公司",
                &None::<String>,
                &Some("li@jiafang.com"),
                &None::<String>,
            ],
        )
        .await
        .expect("call");
    assert_eq!(warned.get::<_, String>(1), "needs_override");
    // Free mail never matches.
    let free = rep
        .query_one(
            create,
            &[
                &"丙方物流有限公司",
                &None::<String>,
                &Some("zhang@qq.com"),
                &None::<String>,
            ],
        )
        .await
        .expect("call");
    assert!(
        free.get::<_, bool>(0),
        "a shared free-mail domain is not a duplicate signal"
    );
    // An admin turns the phone rule into a block: now the same number is refused outright.
    admin
        .execute(
            "update dibs.dedup_rules set action = 'block' where name = 'customer: same phone'",
            &[],
        )
        .await
        .expect("rule change");
    let blocked = rep
        .query_one(
            create,
            &[
                &"丁方咨询有限公司",
                &Some("+86 755 28780808"),
                &None::<String>,
                &Some("确认".to_string()),
            ],
        )
        .await
        .expect("call");
    assert_eq!(
        blocked.get::<_, String>(1),
        "duplicate_blocked",
        "an override reason does not beat a block"
    );
    let err = admin
        .execute(
            "insert into dibs.customers (name, phone) values ('戊方有限公司', '075528780808')",
            &[],
        )
        .await
        .expect_err("blocked for direct inserts too");
    assert_eq!(err.code().map(|c| c.code()), Some("DB001"));
}

/// Issue 18: a merge keeps the dropped record's name as a name of the kept one; a later check
/// of that name finds the kept company, says which name matched, and a new record of that
/// name joins the kept customer's company. A rep adds an English name; only the owner (or a
/// manager of theirs) may. An English name and a short name find the Chinese customer.
#[tokio::test(flavor = "multi_thread")]
async fn a_merged_name_and_other_names_find_their_company() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 100).await;
    let admin = db.client().await;
    let ids: Vec<i64> = admin
        .query(
            "insert into dibs.customers (name, owner_id, owned_since, team_id)
             values ('华夏幸福基业股份有限公司', $1, now(), $2),
                    ('廊坊京御房地产开发有限公司', null, null, null),
                    ('湖北武昌鱼股份有限公司', null, null, null),
                    ('中国交通建设股份有限公司', null, null, null)
             returning id",
            &[&org.reps[0].0, &org.team],
        )
        .await
        .expect("customers")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let (keep, drop) = (ids[0], ids[1]);
    let manager = as_person(&db, &org.manager.1).await;
    let merged: bool = manager
        .query_one("select (dibs.merge_customers($1, $2)).ok", &[&keep, &drop])
        .await
        .expect("merge")
        .get(0);
    assert!(merged);
    let kept_names: Vec<(String, String)> = manager
        .query("select name, source from dibs.aliases_of($1)", &[&keep])
        .await
        .expect("aliases")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        kept_names,
        vec![(
            "廊坊京御房地产开发有限公司".to_string(),
            "merge".to_string()
        )]
    );

    let weights = load_weights(&admin, Entity::Customer, Entity::Customer)
        .await
        .expect("weights");
    let rep = as_person(&db, &org.reps[1].1).await;
    let by_old_name = check(
        &rep,
        &Draft {
            name: "廊坊京御房地产开发有限公司".into(),
            ..Draft::default()
        },
        Entity::Customer,
        5,
        &weights,
    )
    .await
    .expect("check");
    assert_eq!(by_old_name[0].id, keep, "{by_old_name:?}");
    assert!(by_old_name[0].duplicate, "{by_old_name:?}");
    assert!(
        by_old_name[0].why.iter().any(
            |w| matches!(w, Why::AlsoKnownAs { alias } if alias == "廊坊京御房地产开发有限公司")
        ),
        "{by_old_name:?}"
    );
    // A lead of the old name is the kept customer's company (one owner per company).
    let lead_company: i64 = admin
        .query_one(
            "insert into dibs.leads (pool_id, company_name) values ($1, '廊坊京御房地产开发有限公司')
             returning company_id",
            &[&org.pool],
        )
        .await
        .expect("lead")
        .get(0);
    let keep_company: i64 = scalar(
        &admin,
        &format!("select company_id from dibs.customers where id = {keep}"),
    )
    .await;
    assert_eq!(lead_company, keep_company);

    // Only the owner (or a manager of theirs) names a customer; the refusal is recorded.
    let refused: (bool, String) = rep
        .query_one(
            "select (r).ok, (r).reason from dibs.alias_add($1, 'CFLD', 'english') r",
            &[&keep],
        )
        .await
        .map(|r| (r.get(0), r.get(1)))
        .expect("alias_add");
    assert_eq!(refused, (false, "not_permitted".to_string()));
    let owner = as_person(&db, &org.reps[0].1).await;
    let added: bool = owner
        .query_one(
            "select (dibs.alias_add($1, 'China Fortune Land Development', 'english')).ok",
            &[&keep],
        )
        .await
        .expect("alias_add")
        .get(0);
    assert!(added);
    let by_english = check(
        &rep,
        &Draft {
            name: "China Fortune Land Development Co Ltd".into(),
            ..Draft::default()
        },
        Entity::Customer,
        5,
        &weights,
    )
    .await
    .expect("check");
    assert_eq!(by_english[0].id, keep, "{by_english:?}");

    // Without any alias: the pinyin of an English name finds the company and judges it the
    // same; an abbreviation (中国交建) comes up in the live panel's top 5.
    let abbreviation = check(
        &rep,
        &Draft {
            name: "中国交建".into(),
            ..Draft::default()
        },
        Entity::Customer,
        5,
        &weights,
    )
    .await
    .expect("check");
    assert!(
        abbreviation.iter().any(|m| m.id == ids[3]),
        "{abbreviation:?}"
    );
    for (typed, expected) in [("Hubei Wuchangyu Co Ltd", ids[2])] {
        let found = check(
            &rep,
            &Draft {
                name: typed.into(),
                ..Draft::default()
            },
            Entity::Customer,
            5,
            &weights,
        )
        .await
        .expect("check");
        assert!(
            found.iter().any(|m| m.id == expected && m.duplicate),
            "{typed}: {found:?}"
        );
    }
}

/// Issue 18: an import's `aka` column becomes the customers' also-known-as names, and a
/// later import of one of those names is flagged as that customer.
#[tokio::test(flavor = "multi_thread")]
async fn imported_other_names_are_kept_and_matched() {
    let db = TestDatabase::new().await;
    let _org = org(&db, 1, 100).await;
    let mut admin = db.client().await;
    let file = "name,aka\n\
                华夏幸福基业股份有限公司,廊坊京御房地产开发有限公司；China Fortune Land Development\n\
                好物流有限公司,\n";
    let report =
        dibs::dedup::import::import(&mut admin, Entity::Customer, None, file.as_bytes(), false)
            .await
            .expect("import");
    assert_eq!(report.imported, 2, "{report:?}");
    let aliases: Vec<(String, String)> = admin
        .query(
            "select a.name, a.source from dibs.customer_aliases a join dibs.customers c on c.id = a.customer_id
             where c.name = '华夏幸福基业股份有限公司' order by a.id",
            &[],
        )
        .await
        .expect("aliases")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        aliases,
        vec![
            (
                "廊坊京御房地产开发有限公司".to_string(),
                "import".to_string()
            ),
            (
                "China Fortune Land Development".to_string(),
                "import".to_string()
            ),
        ]
    );
    let again = "name\n廊坊京御房地产开发有限公司\n";
    let second =
        dibs::dedup::import::import(&mut admin, Entity::Customer, None, again.as_bytes(), false)
            .await
            .expect("import");
    assert_eq!(second.imported, 0, "{second:?}");
    assert_eq!(second.duplicates_in_database.len(), 1, "{second:?}");
    assert_eq!(
        second.duplicates_in_database[0].2, "华夏幸福基业股份有限公司",
        "flagged as the company it names: {second:?}"
    );
}
