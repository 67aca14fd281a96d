//! Migrations: applied once each, in order, concurrently safe; newer databases refused.

use dibs::db::{MIGRATIONS, SCHEMA_VERSION, check_trigram_support, migrate};
use dibs::testkit::TestDatabase;

#[tokio::test]
async fn migrations_apply_in_order_once_and_are_idempotent() {
    let db = TestDatabase::empty().await;
    let mut client = db.client().await;
    assert_eq!(
        migrate(&mut client).await.expect("first run"),
        MIGRATIONS.len()
    );
    assert_eq!(
        migrate(&mut client).await.expect("second run"),
        0,
        "nothing left to apply"
    );
    let versions: Vec<i32> = client
        .query(
            "select version from dibs.schema_migrations order by applied_at, version",
            &[],
        )
        .await
        .expect("versions")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let expected: Vec<i32> = (1..=SCHEMA_VERSION).collect();
    assert_eq!(versions, expected);
    check_trigram_support(&client)
        .await
        .expect("pg_trgm handles Chinese");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_migrators_apply_each_migration_exactly_once() {
    let db = TestDatabase::empty().await;
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let config = db.config.clone();
        tasks.push(tokio::spawn(async move {
            let mut client = dibs::db::connect(&config).await.expect("connect");
            migrate(&mut client).await
        }));
    }
    let mut total_applied = 0;
    for task in tasks {
        total_applied += task.await.expect("join").expect("every migrator succeeds");
    }
    assert_eq!(
        total_applied,
        MIGRATIONS.len(),
        "each migration ran in exactly one session"
    );
}

#[tokio::test]
async fn a_database_from_a_newer_dibs_is_refused_untouched() {
    let db = TestDatabase::new().await;
    let mut client = db.client().await;
    let future = SCHEMA_VERSION + 1;
    client
        .execute(
            "insert into dibs.schema_migrations (version, name, checksum) values ($1, 'from_the_future', 'x')",
            &[&future],
        )
        .await
        .expect("fake a newer schema");
    let err = migrate(&mut client).await.expect_err("must refuse");
    let message = err.to_string();
    assert!(
        message.contains(&format!("schema version {future}")),
        "{message}"
    );
    assert!(message.contains("Upgrade dibs"), "{message}");
}

#[tokio::test]
async fn an_edited_released_migration_is_noticed() {
    let db = TestDatabase::new().await;
    let mut client = db.client().await;
    client
        .execute(
            "update dibs.schema_migrations set checksum = 'edited' where version = 1",
            &[],
        )
        .await
        .expect("tamper");
    let err = migrate(&mut client).await.expect_err("must refuse");
    assert!(err.to_string().contains("never be edited"), "{err}");
}

#[tokio::test]
async fn a_failing_migration_is_rolled_back_and_reported() {
    let db = TestDatabase::empty().await;
    let mut client = db.client().await;
    // Something in the way of migration 1: a table of the same name in a schema it creates.
    client
        .batch_execute("create schema dibs; create type dibs.user_role as enum ('x')")
        .await
        .expect("obstacle");
    let err = migrate(&mut client).await.expect_err("must fail");
    let message = err.to_string();
    assert!(
        message.contains("Migration 1") && message.contains("rolled back"),
        "{message}"
    );
    let teams_exist: bool = client
        .query_one("select to_regclass('dibs.teams') is not null", &[])
        .await
        .expect("check")
        .get(0);
    assert!(!teams_exist, "nothing of the failed migration remains");
}

#[tokio::test]
async fn a_non_utf8_database_is_reported_for_trigrams() {
    let db = TestDatabase::empty().await;
    let admin = db.client().await;
    admin
        .batch_execute(&format!(
            "create database {}_c template template0 encoding 'SQL_ASCII' locale 'C'",
            db.name
        ))
        .await
        .expect("create C database");
    let mut config = db.config.clone();
    config.dbname(format!("{}_c", db.name));
    let mut client = dibs::db::connect(&config).await.expect("connect");
    migrate(&mut client).await.expect("migrations run anywhere");
    let err = check_trigram_support(&client)
        .await
        .expect_err("C locale extracts no Chinese trigrams");
    assert!(err.to_string().contains("UTF-8"), "{err}");
    drop(client);
    admin
        .batch_execute(&format!("drop database {}_c with (force)", db.name))
        .await
        .expect("drop");
}
