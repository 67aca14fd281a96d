//! Which database dibs uses: `DATABASE_URL` / the config file, or the private cluster.

use std::str::FromStr;

use tokio_postgres::Config;

use crate::config::Settings;
use crate::error::Error;
use crate::local::{DEFAULT_PORT, Durability, LocalCluster};
use crate::text::{ClusterText, DbText};

/// The database every command of this run talks to.
#[derive(Debug, Clone)]
pub struct DatabaseTarget {
    pub config: Config,
    /// Present when dibs manages the server itself.
    pub local: Option<LocalCluster>,
}

pub const LOCAL_DATABASE: &str = "dibs";

pub fn local_cluster(settings: &Settings) -> Result<LocalCluster, Error> {
    let root = settings
        .local_dir
        .clone()
        .unwrap_or_else(LocalCluster::default_root);
    LocalCluster::locate(root, settings.local_port.unwrap_or(DEFAULT_PORT))
}

/// Resolves the target, starting (and on first use creating) the private cluster.
pub async fn resolve_target(settings: &Settings) -> Result<DatabaseTarget, Error> {
    if let Some(url) = &settings.database_url {
        let config = Config::from_str(url).map_err(|e| DbText::DatabaseUnreachable {
            target: "DATABASE_URL".into(),
            detail: format!("not a valid connection string: {e}"),
        })?;
        return Ok(DatabaseTarget {
            config,
            local: None,
        });
    }
    let cluster = local_cluster(settings)?;
    let starter = cluster.clone();
    tokio::task::spawn_blocking(move || starter.ensure_running(Durability::Durable))
        .await
        .map_err(|e| ClusterText::ClusterFailedToStart {
            log_path: "-".into(),
            log_tail: e.to_string(),
        })??;
    ensure_database(&cluster, LOCAL_DATABASE).await?;
    Ok(DatabaseTarget {
        config: cluster.pg_config(LOCAL_DATABASE),
        local: Some(cluster),
    })
}

/// `CREATE DATABASE` when missing, with a UTF-8 collation so pg_trgm works on Chinese.
pub async fn ensure_database(cluster: &LocalCluster, name: &str) -> Result<(), Error> {
    let admin = crate::db::connect(&cluster.pg_config("postgres")).await?;
    let exists = admin
        .query_opt("select 1 from pg_database where datname = $1", &[&name])
        .await
        .map_err(|e| crate::db::friendly_error(&e, &cluster.pg_config("postgres")))?
        .is_some();
    if !exists {
        let sql = format!(
            "create database \"{}\" template template0 encoding 'UTF8' locale 'C.UTF-8'",
            name.replace('"', "\"\"")
        );
        if let Err(err) = admin.batch_execute(&sql).await {
            // Another dibs may have created it a moment ago.
            if err.code() != Some(&tokio_postgres::error::SqlState::DUPLICATE_DATABASE) {
                return Err(crate::db::friendly_error(
                    &err,
                    &cluster.pg_config("postgres"),
                ));
            }
        }
    }
    Ok(())
}
