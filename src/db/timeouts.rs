//! How long a person's session may wait: for a row another session holds (`lock_timeout`),
//! for one statement (`statement_timeout`), and how often the server checks that the client
//! is still there while it works (`client_connection_check_interval`: a claim whose client
//! was killed while it waited on a lock is rolled back, never committed as a "ghost claim").
//!
//! Set once per process from the config file; applied to interactive sessions (the app and
//! the record commands), never to migrations, imports or benchmarks, which may run long.

use std::sync::OnceLock;
use std::time::Duration;

use tokio_postgres::Config;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientTimeouts {
    pub lock: Duration,
    pub statement: Duration,
    pub client_check: Duration,
}

impl Default for ClientTimeouts {
    fn default() -> ClientTimeouts {
        ClientTimeouts {
            lock: Duration::from_secs(5),
            statement: Duration::from_secs(30),
            client_check: Duration::from_secs(2),
        }
    }
}

static CURRENT: OnceLock<ClientTimeouts> = OnceLock::new();

/// Sets this process's timeouts (the first call wins).
pub fn install(timeouts: ClientTimeouts) {
    let _ = CURRENT.set(timeouts);
}

pub fn current() -> ClientTimeouts {
    CURRENT.get().copied().unwrap_or_default()
}

/// The connection settings with this process's timeouts as start-up options (added to any
/// options the URL already has).
/// Through a transaction-mode pooler, which refuses start-up options, the connection is left
/// as it is: every unit of work sets the timeouts itself ([`super::pooling::begin_statement`]).
pub fn interactive(mut config: Config) -> Config {
    if super::pooling::transaction_mode() {
        return config;
    }
    let timeouts = current();
    let ours = format!(
        "-c lock_timeout={}ms -c statement_timeout={}ms -c client_connection_check_interval={}ms",
        timeouts.lock.as_millis(),
        timeouts.statement.as_millis(),
        timeouts.client_check.as_millis()
    );
    let options = match config.get_options() {
        Some(existing) if !existing.trim().is_empty() => format!("{existing} {ours}"),
        _ => ours,
    };
    config.options(&options);
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_added_to_the_urls_own_options() {
        let mut config = Config::new();
        config.options("-c default_transaction_read_only=on");
        let config = interactive(config);
        let options = config.get_options().unwrap_or_default();
        assert!(options.starts_with("-c default_transaction_read_only=on -c lock_timeout="));
        assert!(options.contains("client_connection_check_interval="));
    }
}
