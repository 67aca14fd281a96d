//! Versioned migrations from `sql/`, applied once each, in order, each in its own transaction.

use tokio_postgres::Client;

use crate::text::{Text, UserError};

pub struct Migration {
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration this binary ships, in order. Released files are never edited.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "schema_v1",
        sql: include_str!("../../sql/0001_schema_v1.sql"),
    },
    Migration {
        version: 2,
        name: "ownership",
        sql: include_str!("../../sql/0002_ownership.sql"),
    },
    Migration {
        version: 3,
        name: "t2s",
        sql: include_str!("../../sql/0003_t2s.sql"),
    },
    Migration {
        version: 4,
        name: "dedup",
        sql: include_str!("../../sql/0004_dedup.sql"),
    },
    Migration {
        version: 5,
        name: "drafts_merges",
        sql: include_str!("../../sql/0005_drafts_merges.sql"),
    },
    Migration {
        version: 6,
        name: "security",
        sql: include_str!("../../sql/0006_security.sql"),
    },
    Migration {
        version: 7,
        name: "board_tree",
        sql: include_str!("../../sql/0007_board_tree.sql"),
    },
];

pub const SCHEMA_VERSION: i32 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// Serialises migrators across processes: two dibs starting at once must not both apply.
const MIGRATION_LOCK_KEY: i64 = 0x0000_d1b5_0001;

/// FNV-1a: stable across Rust versions, enough to notice an edited migration.
fn checksum(sql: &str) -> String {
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

/// Applies what is missing and returns how many migrations ran.
pub async fn migrate(client: &mut Client) -> Result<usize, UserError> {
    let mut applied_count = 0;
    for migration in MIGRATIONS {
        let tx = client
            .transaction()
            .await
            .map_err(|e| failed(migration, &e))?;
        tx.execute("select pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK_KEY])
            .await
            .map_err(|e| failed(migration, &e))?;
        tx.batch_execute(
            "create schema if not exists dibs;
             create table if not exists dibs.schema_migrations (
                 version    integer primary key,
                 name       text not null,
                 checksum   text not null,
                 applied_at timestamptz not null default now())",
        )
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
            return Err(Text::DatabaseNewerThanBinary {
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
            if recorded != checksum(migration.sql) {
                return Err(Text::MigrationChanged {
                    version: migration.version,
                    name: migration.name.into(),
                }
                .into());
            }
            continue;
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
    Ok(applied_count)
}

fn failed(migration: &Migration, err: &tokio_postgres::Error) -> UserError {
    Text::MigrationFailed {
        version: migration.version,
        name: migration.name.into(),
        detail: crate::db::error_detail(err),
    }
    .into()
}

/// pg_trgm silently extracts nothing from Chinese under a non-UTF-8 LC_CTYPE.
pub async fn check_trigram_support(client: &Client) -> Result<(), UserError> {
    let row = client
        .query_one(
            "select dibs.show_trgm('公司') <> '{}'::text[], \
                    (select datctype from pg_database where datname = current_database())",
            &[],
        )
        .await
        .map_err(|e| {
            UserError(Text::DatabaseError {
                during: "trigram check".into(),
                detail: crate::db::error_detail(&e),
            })
        })?;
    if row.get::<_, bool>(0) {
        Ok(())
    } else {
        Err(Text::TrigramNeedsUtf8Locale { ctype: row.get(1) }.into())
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
    fn checksum_notices_an_edit() {
        assert_ne!(checksum("select 1"), checksum("select 2"));
        assert_eq!(checksum("select 1"), checksum("select 1"));
    }
}
