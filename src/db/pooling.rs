//! How this process's connections reach PostgreSQL: directly (or through a pooler in session
//! mode — the same thing to us), or through PgBouncer in **transaction mode**, where a server
//! connection belongs to a client only while a transaction is open. Set once per process from
//! the config file, like the timeouts.
//!
//! What transaction pooling breaks, and what dibs does instead:
//! - *Named prepared statements across transactions* (the driver prepares every query under a
//!   name, then binds it in a second message): every unit of work of the app runs inside one
//!   transaction (`begin` pipelined with the work's first query), so the prepare, the bind and
//!   the driver's close of the statement all reach the same server connection.
//! - *Session settings* (`-c statement_timeout=…` start-up options, which PgBouncer refuses):
//!   the timeouts are `set local` in that same `begin`.
//! - *Session advisory locks* (the worker's leader lock) and *LISTEN*: these need a session of
//!   their own, so they use the direct URL (`listen_url`); without one, the app follows live
//!   events by asking the database every half second instead of listening.
//! - *Long sessions* (imports, the CLI's multi-statement commands, migrations): the CLI uses
//!   the direct URL when there is one.

use std::str::FromStr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio_postgres::types::Type;
use tokio_postgres::{Client, Config};

use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PoolMode {
    /// Every connection is a server session of its own (direct, or a session-mode pooler).
    #[default]
    Session,
    /// Connections go through a transaction-mode pooler (PgBouncer `pool_mode = transaction`).
    Transaction,
}

impl FromStr for PoolMode {
    type Err = String;
    fn from_str(text: &str) -> Result<PoolMode, String> {
        match text {
            "session" | "direct" => Ok(PoolMode::Session),
            "transaction" => Ok(PoolMode::Transaction),
            other => Err(format!(
                "pool_mode = {other:?} is not allowed; use \"session\" or \"transaction\""
            )),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Pooling {
    pub mode: PoolMode,
    /// A direct (or session-mode) connection for LISTEN, the worker's leader lock and the CLI.
    pub direct: Option<Config>,
    /// A replica for reads that may lag (`read_url`; see `db::replica`).
    pub read: Option<Config>,
    /// The shared gateway login for an app's work (`gateway_url`; see `db::session`).
    pub gateway: Option<Config>,
}

static CURRENT: OnceLock<Pooling> = OnceLock::new();
/// A read-only app through a transaction pooler: every unit is a read-only transaction.
static READ_ONLY: AtomicBool = AtomicBool::new(false);

/// Sets this process's pooling (the first call wins).
pub fn install(pooling: Pooling) {
    let _ = CURRENT.set(pooling);
}

fn current() -> Option<&'static Pooling> {
    CURRENT.get()
}

/// True when connections go through a transaction-mode pooler.
pub fn transaction_mode() -> bool {
    current().is_some_and(|p| p.mode == PoolMode::Transaction)
}

/// Makes every unit of this process read-only (the start-up option that does it in session
/// mode cannot pass a transaction pooler).
pub fn set_read_only() {
    READ_ONLY.store(true, Ordering::SeqCst);
}

/// The connection for work that needs a session of its own: the direct URL when one is set,
/// else the connection itself (which then is a session).
pub fn session_config(config: &Config) -> Config {
    match current().and_then(|p| p.direct.as_ref()) {
        Some(direct) => with_user_of(direct.clone(), config),
        None => config.clone(),
    }
}

/// The replica for reads that may lag, under this connection's login (the same rule as the
/// direct URL: a login named in `read_url` is never used).
pub fn read_config(config: &Config) -> Option<Config> {
    current()
        .and_then(|p| p.read.as_ref())
        .map(|read| with_user_of(read.clone(), config))
}

/// The gateway an app's work goes through, when `gateway_url` is set. Unlike the other URLs it
/// keeps its own login: that login is the point (one PgBouncer pool for everyone), and it
/// can do nothing without the ticket of a rep who signed in under their own.
pub fn gateway_config() -> Option<Config> {
    current().and_then(|p| p.gateway.clone())
}

/// Whether this process can LISTEN: always, unless it is transaction-pooled with no direct URL.
pub fn can_listen() -> bool {
    !transaction_mode() || current().is_some_and(|p| p.direct.is_some())
}

/// The direct URL names the server; the login is always the one this connection uses (the
/// person who opened the app) — a login named in the direct URL must never let a rep's
/// command run as someone else.
fn with_user_of(mut direct: Config, config: &Config) -> Config {
    if let Some(user) = config.get_user() {
        direct.user(user);
        match config.get_password() {
            Some(password) => direct.password(password),
            None => direct.password(Vec::<u8>::new()),
        };
    }
    direct
}

/// The statement that opens a unit of work in transaction mode: the transaction, and this
/// process's timeouts for it (they cannot be session settings there).
///
/// It starts with a `rollback`: a unit abandoned half-way (a superseded live check, a task
/// ended by quitting) may have left its transaction open on this connection, and that must not
/// become the next unit's transaction. (With none open, the server only warns.)
pub fn begin_statement(interactive: bool) -> String {
    let begin = if READ_ONLY.load(Ordering::SeqCst) {
        "rollback; begin read only"
    } else {
        "rollback; begin"
    };
    if !interactive {
        return begin.into();
    }
    let t = super::timeouts::current();
    format!(
        "{begin}; set local lock_timeout = {}; set local statement_timeout = {}; \
         set local client_connection_check_interval = {}",
        t.lock.as_millis(),
        t.statement.as_millis(),
        t.client_check.as_millis()
    )
}

/// Runs `work` inside one transaction on `client` when the process is transaction-pooled
/// (else just runs it). The `begin` is sent in the same flight as the work's first message,
/// so the wrapping costs one round trip (the commit), not two. A failed unit is rolled back;
/// a failed commit is the unit's error (the change did not happen).
pub async fn unit<T>(
    client: &Client,
    work: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    if !transaction_mode() {
        return work.await;
    }
    let begin = begin_statement(true);
    let (began, result) = futures_util::future::join(client.batch_execute(&begin), work).await;
    if let Err(error) = began {
        return Err(error.into());
    }
    finish_unit(client, result).await
}

/// Sets the rep's gateway ticket for the rest of the transaction (`sql/code/62_gateway.sql`).
/// A bind parameter, so the ticket never appears in `pg_stat_activity`, where every other
/// session of the shared login could read it.
pub const SET_TICKET: &str = "select set_config('dibs.ticket', $1, true)";

/// [`unit`] on the gateway login: the same transaction, with the rep's ticket set in the same
/// flight as the `begin` and the work's first message, so the database answers the ticket's
/// rep wherever it asks who is calling. With a ticket it is always a transaction, whatever the
/// pool mode: a ticket set outside one would end with its statement. Without one, exactly
/// [`unit`].
pub async fn unit_as<T>(
    client: &Client,
    ticket: Option<&str>,
    work: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let Some(ticket) = ticket else {
        return unit(client, work).await;
    };
    let begin = begin_statement(true);
    let (began, signed, result) = futures_util::future::join3(
        client.batch_execute(&begin),
        client.query_typed(SET_TICKET, &[(&ticket, Type::TEXT)]),
        work,
    )
    .await;
    if let Err(error) = began.and(signed.map(drop)) {
        let _ = client.batch_execute("rollback").await;
        return Err(error.into());
    }
    finish_unit(client, result).await
}

/// Commits a unit whose work went through, rolls back one that failed.
async fn finish_unit<T>(client: &Client, result: Result<T, Error>) -> Result<T, Error> {
    match result {
        Ok(value) => client
            .batch_execute("commit")
            .await
            .map(|()| value)
            .map_err(Error::from),
        Err(error) => {
            // Best effort: a broken connection is dropped by the caller anyway.
            let _ = client.batch_execute("rollback").await;
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_modes_are_named_and_others_refused() {
        assert_eq!("transaction".parse(), Ok(PoolMode::Transaction));
        assert_eq!("session".parse(), Ok(PoolMode::Session));
        assert_eq!("direct".parse(), Ok(PoolMode::Session));
        let refused = "statement".parse::<PoolMode>().err().unwrap_or_default();
        assert!(refused.contains("use \"session\" or \"transaction\""));
    }

    #[test]
    fn the_direct_url_takes_the_login_of_the_connection() {
        let direct = Config::from_str("host=/run/pg port=5432 dbname=dibs").unwrap_or_default();
        let mut pooled = Config::new();
        pooled.user("ann").password("pw");
        let joined = with_user_of(direct.clone(), &pooled);
        assert_eq!(joined.get_user(), Some("ann"));
        assert_eq!(joined.get_password(), Some(&b"pw"[..]));
        let mut named = direct;
        named.user("dibs").password("owner");
        let joined = with_user_of(named, &pooled);
        assert_eq!(joined.get_user(), Some("ann"));
        assert_eq!(joined.get_password(), Some(&b"pw"[..]));
    }

    #[test]
    fn interactive_units_carry_the_timeouts() {
        let sql = begin_statement(true);
        assert!(sql.starts_with("rollback; begin; set local lock_timeout = "));
        assert!(sql.contains("statement_timeout"));
        assert_eq!(begin_statement(false), "rollback; begin");
    }
}
