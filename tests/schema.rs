//! Schema v1 constraints: what the database itself refuses.

use dibs::domain::uscc;
use dibs::testkit::TestDatabase;
use tokio_postgres::error::SqlState;

async fn insert_customer(
    client: &tokio_postgres::Client,
    name: &str,
    code: Option<&str>,
) -> Result<i64, tokio_postgres::Error> {
    client
        .query_one(
            "insert into dibs.customers (name, uscc) values ($1, $2) returning id",
            &[&name, &code],
        )
        .await
        .map(|r| r.get(0))
}

#[tokio::test]
async fn two_live_customers_cannot_share_a_valid_credit_code() {
    let db = TestDatabase::new().await;
    let client = db.client().await;
    let code = uscc::synthesise("310000", 77);
    insert_customer(&client, "上海恒信精密机械有限公司", Some(&code))
        .await
        .expect("first");
    let err = insert_customer(&client, "恒信精密机械（上海）有限公司", Some(&code))
        .await
        .expect_err("duplicate code");
    // The block rule names the existing customer; the unique index stands behind it.
    assert_eq!(
        err.code().map(|c| c.code()),
        Some("DB001"),
        "{}",
        dibs::db::error_detail(&err)
    );
    client
        .execute("update dibs.dedup_rules set enabled = false", &[])
        .await
        .expect("rules off");
    let err = insert_customer(&client, "恒信精密机械（上海）有限公司", Some(&code))
        .await
        .expect_err("duplicate code");
    assert_eq!(err.code(), Some(&SqlState::UNIQUE_VIOLATION));
}

#[tokio::test]
async fn an_invalid_code_is_kept_for_correction_but_is_never_a_key() {
    let db = TestDatabase::new().await;
    let client = db.client().await;
    let mut typo = uscc::synthesise("310000", 78);
    typo.replace_range(17..18, if typo.ends_with('0') { "1" } else { "0" });
    let a = insert_customer(&client, "甲公司", Some(&typo))
        .await
        .expect("typo stored");
    insert_customer(&client, "乙公司", Some(&typo))
        .await
        .expect("a typo does not block anyone");
    let valid: bool = client
        .query_one("select uscc_valid from dibs.customers where id = $1", &[&a])
        .await
        .expect("row")
        .get(0);
    assert!(!valid);
}

#[tokio::test]
async fn a_merged_customer_frees_its_code() {
    let db = TestDatabase::new().await;
    let client = db.client().await;
    let code = uscc::synthesise("440300", 5);
    let keep = insert_customer(&client, "保留客户", None)
        .await
        .expect("keep");
    let old = insert_customer(&client, "旧客户", Some(&code))
        .await
        .expect("old");
    client
        .execute(
            "update dibs.customers set status = 'merged', merged_into = $1 where id = $2",
            &[&keep, &old],
        )
        .await
        .expect("merge");
    insert_customer(&client, "新客户", Some(&code))
        .await
        .expect("code reusable once the holder is merged");
}

#[tokio::test]
async fn the_database_and_rust_agree_on_credit_code_validity() {
    let db = TestDatabase::new().await;
    let client = db.client().await;
    let mut samples: Vec<String> = (0..300)
        .map(|i| uscc::synthesise("110000", i * 7919))
        .collect();
    // Corrupt every third one in a different position.
    for (index, code) in samples.iter_mut().enumerate().filter(|(i, _)| i % 3 == 0) {
        let position = index % 18;
        let replacement = if &code[position..=position] == "A" {
            "B"
        } else {
            "A"
        };
        code.replace_range(position..=position, replacement);
    }
    samples.extend([
        "".into(),
        "91310000MA1FL8XQ3I".into(),
        "short".into(),
        "913100000000000000".into(),
    ]);
    for code in samples {
        let in_db: bool = client
            .query_one("select dibs.uscc_is_valid($1)", &[&code])
            .await
            .expect("query")
            .get(0);
        assert_eq!(
            in_db,
            uscc::validate(&code).is_ok(),
            "disagreement on {code:?}"
        );
    }
}

#[tokio::test]
async fn structural_rules_are_enforced() {
    let db = TestDatabase::new().await;
    let client = db.client().await;
    // A foreign key to nowhere.
    let err = client
        .execute(
            "insert into dibs.customers (name, owner_id, owned_since) values ('x', 999999, now())",
            &[],
        )
        .await
        .expect_err("no such user");
    assert_eq!(err.code(), Some(&SqlState::FOREIGN_KEY_VIOLATION));
    // An owner without the time ownership began (the ownership log needs it).
    client
        .batch_execute(
            "insert into dibs.teams (name, region) values ('T', '华东');
             insert into dibs.users (login_role, display_name, team_id) values ('u_rep', 'U', 1)",
        )
        .await
        .expect("user");
    let err = client
        .execute(
            "insert into dibs.customers (name, owner_id) values ('x', 1)",
            &[],
        )
        .await
        .expect_err("owner without owned_since");
    assert_eq!(err.code(), Some(&SqlState::CHECK_VIOLATION));
    // A customer cannot be its own parent; a contact cannot report to themself.
    let id = insert_customer(&client, "自指公司", None)
        .await
        .expect("customer");
    let err = client
        .execute(
            "update dibs.customers set parent_id = id where id = $1",
            &[&id],
        )
        .await
        .expect_err("self parent");
    assert_eq!(err.code(), Some(&SqlState::CHECK_VIOLATION));
    // A converted lead must name its customer.
    client
        .batch_execute("insert into dibs.pools (name) values ('P')")
        .await
        .expect("pool");
    let err = client
        .execute(
            "insert into dibs.leads (pool_id, company_name, status) values (1, 'x', 'converted')",
            &[],
        )
        .await
        .expect_err("converted without customer");
    assert_eq!(err.code(), Some(&SqlState::CHECK_VIOLATION));
    // Empty and over-long names are refused.
    for name in ["".to_string(), "名".repeat(201)] {
        let err = insert_customer(&client, &name, None)
            .await
            .expect_err("bad length");
        assert_eq!(err.code(), Some(&SqlState::CHECK_VIOLATION));
    }
}

#[tokio::test]
async fn one_live_registration_per_customer() {
    let db = TestDatabase::new().await;
    let client = db.client().await;
    client
        .batch_execute(
            "insert into dibs.users (login_role, display_name) values ('r1', 'R1'), ('r2', 'R2');
             insert into dibs.customers (name) values ('报备客户')",
        )
        .await
        .expect("setup");
    let register = "insert into dibs.registrations (customer_id, registered_by, expires_at, max_until) \
                    values (1, $1, now() + interval '30 days', now() + interval '90 days')";
    client
        .execute(register, &[&1i64])
        .await
        .expect("first registration");
    let err = client
        .execute(register, &[&2i64])
        .await
        .expect_err("second live registration");
    assert_eq!(err.code(), Some(&SqlState::UNIQUE_VIOLATION));
}

#[tokio::test]
async fn client_roles_cannot_write_tables_directly() {
    let db = TestDatabase::new().await;
    let client = db.client().await;
    client
        .batch_execute(
            "do $$ begin
                 if not exists (select 1 from pg_roles where rolname = 'schema_test_rep') then
                     create role schema_test_rep login;
                 end if;
             end $$;
             grant dibs_rep to schema_test_rep;
             insert into dibs.customers (name) values ('只读客户')",
        )
        .await
        .expect("setup");
    let rep = dibs::db::connect(&db.config_as("schema_test_rep"))
        .await
        .expect("rep connects");
    let count: i64 = rep
        .query_one("select count(*) from dibs.customers", &[])
        .await
        .expect("rep reads")
        .get(0);
    assert_eq!(count, 1);
    let err = rep
        .execute("update dibs.customers set name = 'x'", &[])
        .await
        .expect_err("no direct writes");
    assert_eq!(err.code(), Some(&SqlState::INSUFFICIENT_PRIVILEGE));
    let err = rep
        .execute("insert into dibs.ownership_log (entity, entity_id, action, outcome) values ('lead', 1, 'claim', 'ok')", &[])
        .await
        .expect_err("no log forgery");
    assert_eq!(err.code(), Some(&SqlState::INSUFFICIENT_PRIVILEGE));
}

/// The public claim and release wrappers are inlined into the app's statement, so a claim is
/// one PL/pgSQL call (`dibs.claim`) with one pinned search_path. Making a wrapper SECURITY
/// DEFINER, giving it a SET or a PL/pgSQL body would silently add a second call to every
/// claim; this test says so instead.
#[tokio::test(flavor = "multi_thread")]
async fn the_claim_and_release_wrappers_are_inlined_where_the_app_calls_them() {
    let db = TestDatabase::new().await;
    let client = db.client().await;
    for (wrapper, inner) in [
        ("claim_lead", "claim('lead'"),
        ("claim_customer", "claim('customer'"),
        ("release_lead", "release('lead'"),
        ("release_customer", "release('customer'"),
    ] {
        let call = format!("dibs.{wrapper}(1, null)");
        let sql = dibs::db::api::ownership::outcome_sql("(o).ok", &call);
        let plan: Vec<String> = client
            .query(&format!("explain (verbose, costs off) {sql}"), &[])
            .await
            .expect("explain")
            .iter()
            .map(|r| r.get(0))
            .collect();
        let plan = plan.join("\n");
        assert!(
            plan.contains(inner) && !plan.contains(wrapper),
            "{wrapper} is not inlined:\n{plan}"
        );
    }
}
