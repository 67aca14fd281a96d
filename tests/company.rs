//! One company, one owner (I7): every ownership path checks the company, not only the row.
//! Real login roles, real connections, races at a barrier.

mod common;

use common::{act, as_person, org, scalar};
use dibs::domain::identity::{Evidence, group};
use dibs::domain::ownership::{Action, Entity, Reason};
use dibs::testkit::TestDatabase;
use tokio_postgres::Client;

const COMPANY: &str = "杭州安城汽车零部件股份有限公司";
const SAME_COMPANY: &str = "杭州安城汽车零部件有限公司";

async fn lead_named(admin: &Client, pool: i64, name: &str) -> i64 {
    admin
        .query_one(
            "insert into dibs.leads (pool_id, company_name) values ($1, $2) returning id",
            &[&pool, &name],
        )
        .await
        .unwrap_or_else(|e| panic!("lead: {}", dibs::db::error_detail(&e)))
        .get(0)
}

async fn customer_named(admin: &Client, pool: i64, name: &str) -> i64 {
    admin
        .query_one(
            "insert into dibs.customers (name, pool_id) values ($1, $2) returning id",
            &[&name, &pool],
        )
        .await
        .unwrap_or_else(|e| panic!("customer: {}", dibs::db::error_detail(&e)))
        .get(0)
}

async fn set_rule(admin: &Client, pair: &str, mode: &str) {
    admin
        .execute(
            "update dibs.company_rules set mode = $2 where pair = $1",
            &[&pair, &mode],
        )
        .await
        .expect("rule");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_scenario_is_refused_under_block_and_needs_a_logged_reason_under_warn() {
    let db = TestDatabase::new().await;
    let org = org(&db, 3, 100).await;
    let admin = db.client().await;
    let leads = [
        lead_named(&admin, org.pool, COMPANY).await,
        lead_named(&admin, org.pool, COMPANY).await,
        lead_named(&admin, org.pool, COMPANY).await,
    ];
    let customer = customer_named(&admin, org.customer_pool, SAME_COMPANY).await;
    assert_eq!(
        scalar(
            &admin,
            &format!(
                "select count(distinct company_id) from (
                     select company_id from dibs.leads where id in ({}, {}, {})
                     union all select company_id from dibs.customers where id = {customer}) r",
                leads[0], leads[1], leads[2]
            )
        )
        .await,
        1,
        "three leads and a customer of one legal entity are one company"
    );
    // 张霞 holds the customer.
    let zhang = as_person(&db, &org.reps[2].1).await;
    assert!(act(&zhang, Action::ClaimCustomer(customer)).await.ok);

    // 王芳 tries a lead of the same company: refused, in words, naming holder, team, record.
    let wang = as_person(&db, &org.reps[0].1).await;
    let refused = act(&wang, Action::ClaimLead(leads[0])).await;
    assert!(!refused.ok);
    assert_eq!(refused.reason, Reason::CompanyHeld);
    assert_eq!(refused.other_user_id, Some(org.reps[2].0));
    let words =
        dibs::text::OwnershipText::of(&refused, chrono::Utc::now()).render(dibs::text::Lang::En);
    assert!(
        words.contains("销售2 (测试组) already holds this company")
            && words.contains(&format!("customer #{customer} {SAME_COMPANY}")),
        "{words}"
    );
    // Only the name and team of the holder: never contact details.
    let detail = refused.detail.clone().expect("detail");
    for hidden in ["phone", "email", "phone_e164"] {
        assert!(detail.get(hidden).is_none(), "{detail}");
    }
    assert_eq!(
        scalar(&admin, "select count(*) from dibs.ownership_log where reason = 'company_held' and outcome = 'refused'").await,
        1,
        "the refusal is logged like every other outcome"
    );

    // Under warn: without a reason still refused (and told a reason would do) …
    set_rule(&admin, "lead_customer", "warn").await;
    let needs_reason = act(&wang, Action::ClaimLead(leads[0])).await;
    assert_eq!(needs_reason.reason, Reason::CompanyHeld);
    assert_eq!(
        needs_reason
            .detail
            .as_ref()
            .and_then(|d| d.get("override_needed")),
        Some(&serde_json::Value::Bool(true))
    );
    // … with a reason it passes, and the reason is on record in the log and the overrides.
    let claimed = act(
        &wang,
        Action::ClaimDespite {
            entity: Entity::Lead,
            id: leads[0],
            reason: "总部指定华东跟进".into(),
        },
    )
    .await;
    assert!(claimed.ok, "{claimed:?}");
    assert_eq!(
        scalar(&admin, &format!("select count(*) from dibs.ownership_log where entity_id = {} and action = 'claim' and outcome = 'ok' and detail ->> 'company_override' = '总部指定华东跟进'", leads[0])).await,
        1
    );
    assert_eq!(
        scalar(
            &admin,
            "select count(*) from dibs.company_overrides where reason = '总部指定华东跟进'"
        )
        .await,
        1
    );
    // lead↔lead stays block: 罗军 cannot take another lead of it, warn or not.
    let luo = as_person(&db, &org.reps[1].1).await;
    let blocked = act(
        &luo,
        Action::ClaimDespite {
            entity: Entity::Lead,
            id: leads[1],
            reason: "我也想要".into(),
        },
    )
    .await;
    assert_eq!(blocked.reason, Reason::CompanyHeld, "{blocked:?}");
    assert_eq!(blocked.other_user_id, Some(org.reps[0].0));
    // With lead↔customer off, the customer's holder no longer counts; 王芳's lead still does.
    set_rule(&admin, "lead_customer", "off").await;
    let still = act(&luo, Action::ClaimLead(leads[1])).await;
    assert_eq!(still.reason, Reason::CompanyHeld, "{still:?}");
    assert_eq!(still.other_user_id, Some(org.reps[0].0));
    set_rule(&admin, "lead_lead", "off").await;
    assert!(
        act(&luo, Action::ClaimLead(leads[1])).await.ok,
        "every rule off: no check"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_reps_racing_for_sixteen_duplicate_leads_leave_one_owner() {
    const REPS: usize = 16;
    let db = TestDatabase::new().await;
    let org = org(&db, REPS, 100).await;
    let admin = db.client().await;
    for round in 0..5 {
        // Each round a new company with sixteen leads spelled a little differently.
        let base = format!("恒信精密{round}号机械");
        let spellings = [
            format!("{base}有限公司"),
            format!("深圳市{base}有限公司"),
            format!("{base}（深圳）有限公司"),
            format!("深圳{base}有限责任公司"),
        ];
        let mut lead_ids = Vec::new();
        for i in 0..REPS {
            lead_ids.push(lead_named(&admin, org.pool, &spellings[i % spellings.len()]).await);
        }
        let mut sessions = Vec::new();
        for (_, login) in &org.reps {
            sessions.push(as_person(&db, login).await);
        }
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(REPS));
        let mut tasks = Vec::new();
        for (client, lead) in sessions.into_iter().zip(lead_ids.clone()) {
            let barrier = barrier.clone();
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                act(&client, Action::ClaimLead(lead)).await
            }));
        }
        let mut winners = 0;
        for task in tasks {
            let outcome = task.await.expect("rep");
            if outcome.ok {
                winners += 1;
            } else {
                assert_eq!(outcome.reason, Reason::CompanyHeld, "{outcome:?}");
            }
        }
        assert_eq!(
            winners, 1,
            "round {round}: exactly one rep wins the company"
        );
        let list = lead_ids
            .iter()
            .map(|id| id.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(
            scalar(&admin, &format!("select count(distinct owner_id) from dibs.leads where id in ({list}) and owner_id is not null")).await,
            1
        );
    }
    let violations = dibs::bench::check_invariants(&admin, org.pool)
        .await
        .expect("check");
    assert_eq!(violations.total(), 0, "{violations:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_assigner_routes_a_held_company_to_its_holder_and_never_splits_it() {
    let db = TestDatabase::new().await;
    let org = org(&db, 3, 100).await;
    let admin = db.client().await;
    admin
        .execute(
            "insert into dibs.assignment_rules (pool_id, name, strategy) values ($1, '全部', 'round_robin')",
            &[&org.pool],
        )
        .await
        .expect("rule");
    let held = lead_named(&admin, org.pool, "苏州联荣家纺股份有限公司").await;
    let rep = as_person(&db, &org.reps[1].1).await;
    assert!(act(&rep, Action::ClaimLead(held)).await.ok);
    let mut more = Vec::new();
    for name in [
        "苏州联荣家纺股份有限公司",
        "联荣（苏州）家纺股份有限公司",
        "苏州市联荣家纺有限公司",
    ] {
        more.push(lead_named(&admin, org.pool, name).await);
    }
    // Other companies, for the round robin to spread.
    for i in 0..6 {
        lead_named(&admin, org.pool, &format!("无关{i}号贸易有限公司")).await;
    }
    // The preview says so before anything moves.
    let preview: String = admin
        .query_one("select note from dibs.pick_assignee($1)", &[&more[0]])
        .await
        .expect("preview")
        .get(0);
    assert_eq!(preview, "company_owner");
    let assigned: i32 = admin
        .query_one("select dibs.auto_assign(100)", &[])
        .await
        .expect("assign")
        .get(0);
    assert_eq!(assigned, 9);
    for lead in &more {
        assert_eq!(
            scalar(
                &admin,
                &format!("select owner_id from dibs.leads where id = {lead}")
            )
            .await,
            org.reps[1].0,
            "every lead of the company goes to its holder"
        );
    }
    // A holder who cannot take more (limit reached): the lead waits for a manager, logged.
    admin
        .execute(
            "update dibs.pool_members set holding_limit =
                 (select count(*) from dibs.leads where owner_id = $1 and status in ('new', 'working'))
             where user_id = $1",
            &[&org.reps[1].0],
        )
        .await
        .expect("limit");
    let waiting = lead_named(&admin, org.pool, "联荣家纺（苏州）股份有限公司").await;
    admin
        .query_one("select dibs.auto_assign(100)", &[])
        .await
        .expect("assign");
    assert_eq!(
        scalar(
            &admin,
            &format!("select count(*) from dibs.leads where id = {waiting} and owner_id is null and assign_note = 'company_held'")
        )
        .await,
        1
    );
    assert_eq!(
        scalar(&admin, &format!("select count(*) from dibs.ownership_log where entity_id = {waiting} and reason = 'company_held'")).await,
        1
    );
    let violations = dibs::bench::check_invariants(&admin, org.pool)
        .await
        .expect("check");
    assert_eq!(violations.total(), 0, "{violations:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn converting_into_a_second_customer_of_a_company_is_refused_and_points_at_the_first() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 100).await;
    let admin = db.client().await;
    let existing = customer_named(&admin, org.customer_pool, SAME_COMPANY).await;
    let lead = lead_named(&admin, org.pool, COMPANY).await;
    let rep = as_person(&db, &org.reps[0].1).await;
    assert!(act(&rep, Action::ClaimLead(lead)).await.ok);
    let refused = act(
        &rep,
        Action::ConvertLead {
            lead,
            customer: None,
        },
    )
    .await;
    assert_eq!(refused.reason, Reason::CompanyHasCustomer, "{refused:?}");
    assert_eq!(refused.detail_i64("existing_customer"), Some(existing));
    let words =
        dibs::text::OwnershipText::of(&refused, chrono::Utc::now()).render(dibs::text::Lang::En);
    assert!(words.contains(&format!("--customer {existing}")), "{words}");
    // Converting into it works (the rep takes the customer too).
    let converted = act(
        &rep,
        Action::ConvertLead {
            lead,
            customer: Some(existing),
        },
    )
    .await;
    assert!(converted.ok, "{converted:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_transfer_takes_the_companys_other_records_along() {
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 100).await;
    let admin = db.client().await;
    let a = lead_named(&admin, org.pool, COMPANY).await;
    let b = lead_named(&admin, org.pool, COMPANY).await;
    let rep = as_person(&db, &org.reps[0].1).await;
    assert!(act(&rep, Action::ClaimLead(a)).await.ok);
    // The holder of a company may take more of it.
    assert!(
        act(&rep, Action::ClaimLead(b)).await.ok,
        "the holder may take more of their own company"
    );
    let manager = as_person(&db, &org.manager.1).await;
    let moved = act(
        &manager,
        Action::TransferLead {
            lead: a,
            to: org.reps[1].0,
        },
    )
    .await;
    assert!(moved.ok, "{moved:?}");
    assert_eq!(moved.detail_i64("moved_along"), Some(1));
    assert_eq!(
        scalar(
            &admin,
            &format!(
                "select count(*) from dibs.leads where id in ({a}, {b}) and owner_id = {}",
                org.reps[1].0
            )
        )
        .await,
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_direct_write_that_splits_a_company_fails_at_commit() {
    // The backstop for writers that bypass the functions (a table owner's psql, a script).
    let db = TestDatabase::new().await;
    let org = org(&db, 2, 100).await;
    let admin = db.client().await;
    let a = lead_named(&admin, org.pool, COMPANY).await;
    let b = lead_named(&admin, org.pool, SAME_COMPANY).await;
    let rep = as_person(&db, &org.reps[0].1).await;
    assert!(act(&rep, Action::ClaimLead(a)).await.ok);
    let err = admin
        .execute(
            "update dibs.leads set owner_id = $1, owned_since = now(), status = 'working' where id = $2",
            &[&org.reps[1].0, &b],
        )
        .await
        .expect_err("refused at commit");
    assert_eq!(err.code().map(|c| c.code()), Some("DB007"), "{err:?}");
    assert_eq!(
        scalar(
            &admin,
            &format!("select count(*) from dibs.leads where id = {b} and owner_id is null")
        )
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn merge_unites_companies_and_unmerge_splits_the_record_off() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 100).await;
    let admin = db.client().await;
    let keep = customer_named(&admin, org.customer_pool, "华为技术有限公司").await;
    let drop = customer_named(&admin, org.customer_pool, "华为终端有限公司").await;
    let company = |id: i64| format!("select company_id from dibs.customers where id = {id}");
    assert_ne!(
        scalar(&admin, &company(keep)).await,
        scalar(&admin, &company(drop)).await
    );
    let manager = as_person(&db, &org.manager.1).await;
    let merged = act(&manager, Action::MergeCustomers { keep, drop }).await;
    assert!(merged.ok, "{merged:?}");
    assert_eq!(
        scalar(&admin, &company(keep)).await,
        scalar(&admin, &company(drop)).await
    );
    let merge = merged.detail_i64("merge").expect("merge id");
    let undone = act(&manager, Action::UnmergeCustomers { merge }).await;
    assert!(undone.ok, "{undone:?}");
    assert_ne!(
        scalar(&admin, &company(keep)).await,
        scalar(&admin, &company(drop)).await
    );
    // Renaming a record moves it to the company its new name says.
    let other = customer_named(&admin, org.customer_pool, "恒信精密机械有限公司").await;
    admin
        .execute(
            "update dibs.customers set name = '恒信精密机械（上海）有限公司' where id = $1",
            &[&keep],
        )
        .await
        .expect("rename");
    assert_eq!(
        scalar(&admin, &company(keep)).await,
        scalar(&admin, &company(other)).await
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_reports_each_row_of_a_company_someone_holds() {
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 100).await;
    let mut admin = db.client().await;
    let held = customer_named(&admin, org.customer_pool, SAME_COMPANY).await;
    let rep = as_person(&db, &org.reps[0].1).await;
    assert!(act(&rep, Action::ClaimCustomer(held)).await.ok);
    let file = format!(
        "name,uscc,phone,email,region\n{COMPANY},,,,\n杭州安城汽车零部件（杭州）有限公司,,,,\n全新的贸易有限公司,,,,\n"
    );
    let report =
        dibs::dedup::import::import(&mut admin, Entity::Customer, None, file.as_bytes(), false)
            .await
            .expect("import");
    assert_eq!(report.imported, 1, "{report:?}");
    let flagged: Vec<u64> = report
        .duplicates_in_database
        .iter()
        .filter(|d| d.1 == held)
        .map(|d| d.0)
        .collect();
    assert_eq!(flagged, vec![2], "{report:?}");
    // The other spelling is the same company as line 2 of the file: reported against it.
    assert_eq!(report.duplicates_in_file, vec![(3, 2)], "{report:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_database_and_the_backfill_group_records_alike() {
    // The trigger groups each record as it arrives; the backfill groups a whole table at
    // once with domain::identity. On the same records in the same order, the same partition.
    let db = TestDatabase::new().await;
    let org = org(&db, 1, 100).await;
    let admin = db.client().await;
    let names = [
        "杭州安城汽车零部件股份有限公司",
        "杭州安城汽车零部件有限公司",
        "安城汽车零部件有限公司",
        "南京安城汽车零部件有限公司",
        "万汇建筑工程（深圳）有限公司",
        "万汇建筑工程（成都）有限公司",
        "万汇建筑工程有限公司",
        "万汇建筑工程（成都）有限责任公司",
        "腾帆物流（厦门）有限公司",
        "腾帆物流（厦门）有限公司厦门分公司",
        "騰帆物流（厦门）有限公司",
        "Kings Road Investments Pte Ltd",
        "KINGS ROAD INVESTMENTS PTE. LTD.",
    ];
    let mut ids = Vec::new();
    for name in names {
        ids.push(lead_named(&admin, org.pool, name).await);
    }
    let rows = admin
        .query(
            "select company_id, name_core, name_places, name_branch from dibs.leads order by id",
            &[],
        )
        .await
        .expect("rows");
    let in_database: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
    let evidence: Vec<Evidence> = rows
        .iter()
        .map(|r| Evidence {
            core: r.get(1),
            places: r.get(2),
            branch: r.get(3),
            ..Evidence::default()
        })
        .collect();
    let in_rust = group(&evidence);
    for i in 0..names.len() {
        for j in 0..i {
            assert_eq!(
                in_database[i] == in_database[j],
                in_rust[i] == in_rust[j],
                "{} / {}",
                names[i],
                names[j]
            );
        }
    }
    // And what they say is right.
    assert_eq!(in_database[0], in_database[1]);
    assert_eq!(in_database[0], in_database[2]);
    assert_ne!(in_database[0], in_database[3]);
    assert_ne!(in_database[4], in_database[5]);
    assert_ne!(in_database[6], in_database[4]);
    assert_eq!(in_database[5], in_database[7]);
    assert_ne!(
        in_database[8], in_database[9],
        "a branch is another company"
    );
    assert_eq!(in_database[8], in_database[10]);
    assert_eq!(in_database[11], in_database[12]);
}
