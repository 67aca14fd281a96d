//! Opening connections, and turning driver errors into sentences a person can act on.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, NoTls};

use crate::error::Error;
use crate::text::DbText;

/// `host:port/db as user`, never the password.
pub fn describe(config: &Config) -> String {
    use tokio_postgres::config::Host;
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{host}:{port}/{} as {}",
        config.get_dbname().unwrap_or("?"),
        config.get_user().unwrap_or("?")
    )
}

/// The server's own message and SQLSTATE when there is one (the driver's `Display` says only "db error").
pub fn error_detail(err: &tokio_postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => err.to_string(),
    }
}

/// Maps a connection or query error to the words dibs shows.
pub fn friendly_error(err: &tokio_postgres::Error, config: &Config) -> Error {
    let user = config.get_user().unwrap_or("?").to_string();
    if let Some(db_err) = err.as_db_error() {
        let code = db_err.code();
        if *code == SqlState::INVALID_PASSWORD {
            return DbText::WrongPassword { user }.into();
        }
        if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
            && db_err.message().contains("role")
        {
            return DbText::UnknownRole { user }.into();
        }
        if *code == SqlState::INVALID_CATALOG_NAME {
            return DbText::UnknownDatabase {
                name: config.get_dbname().unwrap_or("?").to_string(),
            }
            .into();
        }
        return DbText::DatabaseUnreachable {
            target: describe(config),
            detail: db_err.message().to_string(),
        }
        .into();
    }
    // Errors without a server message: refused, timed out, no such socket, password required.
    let detail = std::error::Error::source(err)
        .map(|s| s.to_string())
        .unwrap_or_else(|| err.to_string());
    if detail.contains("password missing") {
        return DbText::WrongPassword { user }.into();
    }
    DbText::DatabaseUnreachable {
        target: describe(config),
        detail,
    }
    .into()
}

/// How long opening a connection may take when the URL does not say (`connect_timeout`).
const DEFAULT_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long opening a connection may take, start-up and authentication included.
pub fn opening_limit(config: &Config) -> std::time::Duration {
    config
        .get_connect_timeout()
        .copied()
        .unwrap_or(DEFAULT_CONNECT_TIMEOUT)
}

/// One connection whose driver task runs on the current runtime. The whole opening — TCP,
/// TLS, start-up and authentication — is bounded by the connect timeout: the driver's own
/// timeout covers the TCP connect only, so a server that accepts and never answers would
/// otherwise hang every command forever.
pub async fn connect(config: &Config) -> Result<Client, Error> {
    let mut config = super::tls::effective(config);
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
    }
    let limit = opening_limit(&config);
    match tokio::time::timeout(limit, open(&config)).await {
        Ok(result) => result,
        Err(_) => Err(DbText::DatabaseUnreachable {
            target: describe(&config),
            detail: DbText::NoAnswer {
                seconds: limit.as_secs_f64(),
            }
            .to_string(),
        }
        .into()),
    }
}

async fn open(config: &Config) -> Result<Client, Error> {
    let config = config.clone();
    if super::tls::wants_tls(&config) {
        let (client, connection) = config
            .connect(super::tls::connector()?)
            .await
            .map_err(|e| friendly_error(&e, &config))?;
        drive(connection);
        Ok(client)
    } else {
        let (client, connection) = config
            .connect(NoTls)
            .await
            .map_err(|e| friendly_error(&e, &config))?;
        drive(connection);
        Ok(client)
    }
}

/// Runs a connection's driver until the connection ends.
fn drive<F>(connection: F)
where
    F: std::future::Future<Output = Result<(), tokio_postgres::Error>> + Send + 'static,
{
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::warn!("database connection closed: {err}");
        }
    });
}

/// A pool for request/response work; the LISTEN connection is never pooled.
pub fn connect_pool(config: &Config, size: usize) -> Result<Pool, Error> {
    let config = super::tls::effective(config);
    let manager_config = ManagerConfig {
        recycling_method: RecyclingMethod::Fast,
    };
    let manager = if super::tls::wants_tls(&config) {
        Manager::from_config(config.clone(), super::tls::connector()?, manager_config)
    } else {
        Manager::from_config(config.clone(), NoTls, manager_config)
    };
    // Never wait forever for a connection: not to open one, not for a free one.
    let limit = Some(opening_limit(&config));
    Pool::builder(manager)
        .max_size(size)
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .create_timeout(limit)
        .wait_timeout(limit)
        .recycle_timeout(limit)
        .build()
        .map_err(|e| {
            DbText::DatabaseUnreachable {
                target: describe(&config),
                detail: e.to_string(),
            }
            .into()
        })
}
