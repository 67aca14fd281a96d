//! `sql/schema.sql` is the current schema as PostgreSQL dumps it (migrations and code applied
//! to an empty database): a reviewable picture of every table, function, policy and grant.
//! It is generated, committed, and this test fails when it is stale. Regenerate with
//! `scripts/dump-schema` (the same test, told to write the file instead).

use std::process::Command;

use dibs::testkit::{TestDatabase, normalise_dump, pg_tool};

#[tokio::test]
async fn the_committed_schema_dump_is_current() {
    let db = TestDatabase::new().await;
    let pg_dump = pg_tool("pg_dump").unwrap_or_else(|e| panic!("pg_dump is needed: {e}"));
    let mut command = Command::new(&pg_dump);
    command.args([
        "--schema-only",
        "--schema=dibs",
        "--no-owner",
        "-d",
        &db.url(),
    ]);
    if let Some(password) = db.config.get_password() {
        command.env("PGPASSWORD", String::from_utf8_lossy(password).to_string());
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", pg_dump.display()));
    assert!(
        output.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dumped = normalise_dump(&String::from_utf8_lossy(&output.stdout));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/sql/schema.sql");
    if std::env::var_os("DIBS_UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &dumped).expect("write sql/schema.sql");
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed != dumped {
        let first = committed
            .lines()
            .zip(dumped.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(dumped.lines().count()));
        let context = |text: &str| {
            text.lines()
                .skip(first.saturating_sub(3))
                .take(8)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "sql/schema.sql is stale (first difference at line {}): run scripts/dump-schema and commit it.\n\
             --- committed\n{}\n--- the schema now\n{}",
            first + 1,
            context(&committed),
            context(&dumped)
        );
    }
}
