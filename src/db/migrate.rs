//! The schema in two parts (docs/ARCHITECTURE.md, "SQL: schema apart from code"):
//!
//! - **Migrations** (`sql/migrations/NNNN_*.sql`): tables, types, indexes, policies, seed rows.
//!   Append-only: each is applied once, in order, in its own transaction; a released file is
//!   never edited (its checksum is recorded and compared).
//! - **Code** (`sql/code/*.sql`): functions, triggers, views and grants, written with `create or
//!   replace` so that each has exactly one current definition in the tree. A code file is
//!   re-applied when its checksum changes; when anything at all is applied in a run, every code
//!   file is re-applied, in name order, so grants and triggers converge on what the tree says.
//!
//! A code file starts with `-- requires: NNNN`: the newest migration whose objects its
//! signatures, views, triggers or grants need (function bodies are not validated when they are
//! created — `check_function_bodies` is off — so a body may use what arrives later). On a run
//! that applies migrations, each code file is applied just before the first pending migration
//! above its requirement (a later migration may rely on it: the policies call the scope
//! helpers), and the rest after the last migration.

use std::collections::{HashMap, HashSet};

use tokio_postgres::{Client, GenericClient};

use crate::error::Error;
use crate::text::DbText;

pub struct Migration {
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// One file of `sql/code/`.
pub struct CodeFile {
    pub name: &'static str,
    pub sql: &'static str,
}

impl CodeFile {
    /// The migration this file needs, from its first line (`-- requires: 0004`).
    pub fn requires(&self) -> Option<i32> {
        self.sql
            .lines()
            .next()?
            .strip_prefix("-- requires:")?
            .trim()
            .parse()
            .ok()
    }
}

macro_rules! migration {
    ($version:expr, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../../sql/migrations/", $name, ".sql")),
        }
    };
}

macro_rules! code {
    ($name:literal) => {
        CodeFile {
            name: $name,
            sql: include_str!(concat!("../../sql/code/", $name)),
        }
    };
}

/// Every migration this binary ships, in order. Released files are never edited.
pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_schema_v1"),
    migration!(2, "0002_ownership"),
    migration!(3, "0003_t2s"),
    migration!(4, "0004_dedup"),
    migration!(5, "0005_drafts_merges"),
    migration!(6, "0006_security"),
    migration!(7, "0007_board_tree"),
    migration!(8, "0008_name_keys"),
    migration!(9, "0009_companies"),
    migration!(10, "0010_analytics"),
    migration!(11, "0011_partners"),
    migration!(12, "0012_aliases"),
    migration!(13, "0013_gateway"),
    migration!(14, "0014_claim_counter"),
];

/// Every code file, in the order they are applied (a test keeps this list and `sql/code/` equal).
pub const CODE: &[CodeFile] = &[
    code!("10_t2s.sql"),
    code!("11_forms.sql"),
    code!("12_name_keys.sql"),
    code!("20_security_predicates.sql"),
    code!("30_ownership.sql"),
    code!("31_refusal_commit.sql"),
    code!("32_companies.sql"),
    code!("40_dedup.sql"),
    code!("42_aliases.sql"),
    code!("50_drafts_merges.sql"),
    code!("60_security.sql"),
    code!("61_users.sql"),
    code!("62_gateway.sql"),
    code!("70_board_tree.sql"),
    code!("71_repair.sql"),
    code!("80_analytics.sql"),
    code!("85_partners.sql"),
    code!("90_grants.sql"),
];

/// Checksums of migrations 1–7 as released before functions moved out of them into
/// `sql/code/`. A database migrated by such a build recorded these; its schema is the same
/// (checked by comparing dumps when the split was made), so they are accepted once and the
/// record is brought up to date.
const CHECKSUMS_BEFORE_SPLIT: &[(i32, &str)] = &[
    (1, "3b7e7956f2661e47"),
    (2, "87082935733d022c"),
    (3, "7e36bbdb9896abba"),
    (4, "b568c7a102e55453"),
    (5, "6d14a803efcc92b4"),
    (6, "d44f01cea05d9c04"),
    (7, "bfc9d87950bcfbb5"),
];

pub const SCHEMA_VERSION: i32 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// Serialises migrators across processes: two dibs starting at once must not both apply.
const MIGRATION_LOCK_KEY: i64 = 0x0000_d1b5_0001;

/// FNV-1a: stable across Rust versions, enough to notice an edited file.
pub fn checksum(sql: &str) -> String {
    let mut hash: u64 = 0xcbf29ce484222325;
    for byte in sql.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x100000001b3);
    }
    format!("{hash:016x}")
}

/// The newest applied migration, or `None` when there is no readable record of any.
pub async fn current_version(client: &Client) -> Option<i32> {
    client
        .query_one("select max(version) from dibs.schema_migrations", &[])
        .await
        .ok()
        .and_then(|row| row.get::<_, Option<i32>>(0))
}

/// True when every migration is applied and every code file is current: nothing to do (a
/// rep's login, which may create nothing, only reads this).
pub async fn is_current(client: &Client) -> bool {
    if current_version(client).await != Some(SCHEMA_VERSION) {
        return false;
    }
    let Ok(rows) = client
        .query("select name, checksum from dibs.schema_code", &[])
        .await
    else {
        return false;
    };
    let recorded: HashMap<String, String> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    CODE.iter()
        .all(|c| recorded.get(c.name).map(String::as_str) == Some(checksum(c.sql).as_str()))
        && super::lexicon::is_current(client).await
}

const BOOKKEEPING: &str = "create schema if not exists dibs;
     create table if not exists dibs.schema_migrations (
         version    integer primary key,
         name       text not null,
         checksum   text not null,
         applied_at timestamptz not null default now());
     create table if not exists dibs.schema_code (
         name       text primary key,
         checksum   text not null,
         applied_at timestamptz not null default now())";

/// Applies what is missing and returns how many migrations ran (code files are re-applied
/// as described above, and not counted).
pub async fn migrate(client: &mut Client) -> Result<usize, Error> {
    Ok(migrate_reporting(client).await?.applied)
}

/// What a migration run did.
#[derive(Debug, Clone, Default)]
pub struct MigrationReport {
    pub applied: usize,
    /// Company ids computed for records stored before companies existed.
    pub companies: Option<super::company::Backfill>,
}

/// `migrate`, with what the run computed besides.
pub async fn migrate_reporting(client: &mut Client) -> Result<MigrationReport, Error> {
    let mut applied_count = 0;
    let mut applied_code: HashSet<&'static str> = HashSet::new();
    for migration in MIGRATIONS {
        let tx = client
            .transaction()
            .await
            .map_err(|e| failed(migration, &e))?;
        tx.execute("select pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK_KEY])
            .await
            .map_err(|e| failed(migration, &e))?;
        tx.batch_execute(BOOKKEEPING)
            .await
            .map_err(|e| failed(migration, &e))?;
        let rows = tx
            .query(
                "select version, name, checksum from dibs.schema_migrations order by version",
                &[],
            )
            .await
            .map_err(|e| failed(migration, &e))?;
        let newest: i32 = rows.iter().map(|r| r.get::<_, i32>(0)).max().unwrap_or(0);
        if newest > SCHEMA_VERSION {
            return Err(DbText::DatabaseNewerThanBinary {
                database_version: newest,
                binary_version: SCHEMA_VERSION,
            }
            .into());
        }
        if let Some(row) = rows
            .iter()
            .find(|r| r.get::<_, i32>(0) == migration.version)
        {
            let recorded: String = row.get(2);
            let current = checksum(migration.sql);
            if recorded == current {
                continue;
            }
            let before_split = CHECKSUMS_BEFORE_SPLIT
                .iter()
                .any(|(v, sum)| *v == migration.version && *sum == recorded);
            if !before_split {
                return Err(DbText::MigrationChanged {
                    version: migration.version,
                    name: migration.name.into(),
                }
                .into());
            }
            tx.execute(
                "update dibs.schema_migrations set checksum = $2 where version = $1",
                &[&migration.version, &current],
            )
            .await
            .map_err(|e| failed(migration, &e))?;
            tx.commit().await.map_err(|e| failed(migration, &e))?;
            continue;
        }
        // Code a pending migration may rely on goes in first (see the module comment).
        for code in CODE {
            if code.requires().is_some_and(|r| r < migration.version)
                && !applied_code.contains(code.name)
            {
                apply_code(&tx, code).await?;
                applied_code.insert(code.name);
            }
        }
        tx.batch_execute(migration.sql)
            .await
            .map_err(|e| failed(migration, &e))?;
        tx.execute(
            "insert into dibs.schema_migrations (version, name, checksum) values ($1, $2, $3)",
            &[
                &migration.version,
                &migration.name,
                &checksum(migration.sql),
            ],
        )
        .await
        .map_err(|e| failed(migration, &e))?;
        tx.commit().await.map_err(|e| failed(migration, &e))?;
        applied_count += 1;
    }
    apply_remaining_code(client, applied_count > 0, &applied_code).await?;
    super::lexicon::sync(client, MIGRATION_LOCK_KEY).await?;
    let companies = super::company::backfill(client, MIGRATION_LOCK_KEY).await?;
    Ok(MigrationReport {
        applied: applied_count,
        companies,
    })
}

/// After the migrations: when this run changed anything or any code file is not current,
/// every code file not applied yet in this run is applied, in order, in one transaction.
async fn apply_remaining_code(
    client: &mut Client,
    changed: bool,
    applied: &HashSet<&'static str>,
) -> Result<(), Error> {
    let tx = client
        .transaction()
        .await
        .map_err(|e| code_failed("-", &e))?;
    tx.execute("select pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK_KEY])
        .await
        .map_err(|e| code_failed("-", &e))?;
    let recorded: HashMap<String, String> = tx
        .query("select name, checksum from dibs.schema_code", &[])
        .await
        .map_err(|e| code_failed("-", &e))?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let stale = CODE
        .iter()
        .any(|c| recorded.get(c.name).map(String::as_str) != Some(checksum(c.sql).as_str()));
    if !changed && !stale {
        return Ok(());
    }
    for code in CODE {
        if !applied.contains(code.name) {
            apply_code(&tx, code).await?;
        }
    }
    tx.commit().await.map_err(|e| code_failed("-", &e))
}

async fn apply_code<C: GenericClient>(client: &C, code: &CodeFile) -> Result<(), Error> {
    client
        .batch_execute("set local check_function_bodies = off")
        .await
        .map_err(|e| code_failed(code.name, &e))?;
    client
        .batch_execute(code.sql)
        .await
        .map_err(|e| code_failed(code.name, &e))?;
    client
        .execute(
            "insert into dibs.schema_code (name, checksum) values ($1, $2)
             on conflict (name) do update set checksum = excluded.checksum, applied_at = now()",
            &[&code.name, &checksum(code.sql)],
        )
        .await
        .map_err(|e| code_failed(code.name, &e))?;
    Ok(())
}

fn code_failed(name: &str, err: &tokio_postgres::Error) -> Error {
    DbText::DatabaseError {
        during: format!("applying sql/code/{name}"),
        detail: crate::db::error_detail(err),
    }
    .into()
}

fn failed(migration: &Migration, err: &tokio_postgres::Error) -> Error {
    DbText::MigrationFailed {
        version: migration.version,
        name: migration.name.into(),
        detail: crate::db::error_detail(err),
    }
    .into()
}

/// pg_trgm silently extracts nothing from Chinese under a non-UTF-8 LC_CTYPE.
pub async fn check_trigram_support(client: &Client) -> Result<(), Error> {
    let row = client
        .query_one(
            "select dibs.show_trgm('公司') <> '{}'::text[], \
                    (select datctype from pg_database where datname = current_database())",
            &[],
        )
        .await
        .map_err(|e| Error::db("trigram check", &e))?;
    if row.get::<_, bool>(0) {
        Ok(())
    } else {
        Err(DbText::TrigramNeedsUtf8Locale { ctype: row.get(1) }.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_strictly_ordered_from_one() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version, index as i32 + 1, "{}", migration.name);
        }
    }

    #[test]
    fn every_code_file_is_listed_in_order_and_says_what_it_requires() {
        let mut on_disk: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/sql/code"))
                .expect("sql/code")
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sql"))
                .collect();
        on_disk.sort();
        let listed: Vec<String> = CODE.iter().map(|c| c.name.to_string()).collect();
        assert_eq!(listed, on_disk, "CODE lists sql/code/ in name order");
        for code in CODE {
            let requires = code.requires();
            assert!(
                requires.is_some_and(|r| (1..=SCHEMA_VERSION).contains(&r)),
                "{} starts with -- requires: NNNN",
                code.name
            );
        }
    }

    #[test]
    fn checksum_notices_an_edit() {
        assert_ne!(checksum("select 1"), checksum("select 2"));
        assert_eq!(checksum("select 1"), checksum("select 1"));
    }
}
