//! The connections an app works through: a small pool that replaces broken connections,
//! re-runs a read once when its connection broke, never re-runs a write, and tells whoever
//! watches whether the database is answering (the status bar says so).

use std::sync::{Arc, RwLock};
use std::time::Duration;

use deadpool_postgres::{Object, Pool};
use tokio::sync::watch;
use tokio_postgres::Config;

use super::replica::Replica;
use crate::error::Error;
use crate::text::DbText;

/// Connections of an app at its busiest: reads run beside a slow write instead of queueing
/// behind it.
const APP_CONNECTIONS: usize = 4;
/// An app at rest keeps one: connections idle this long beyond the first are closed, so a
/// thousand open apps do not hold four thousand server backends (the connection budget).
const IDLE_CLOSE: Duration = Duration::from_secs(5);
/// How long a gateway ticket lasts, and how often the app asks for a fresh one: at half its
/// life, so a database that is down for hours still finds the app with a valid ticket.
const TICKET_HOURS: i32 = 12;
const TICKET_RENEWAL: Duration = Duration::from_secs(6 * 3600);
/// After a failed renewal (the database was down), try again this soon.
const TICKET_RETRY: Duration = Duration::from_secs(60);

/// A connected session under the person's own login. Cheap to clone: every task of the app
/// holds one. (Live events and the latest-wins checks have their own connections.)
#[derive(Clone)]
pub struct Session {
    pool: Pool,
    /// True while the database answers; false from the first lost connection until a
    /// connection works again.
    up: Arc<watch::Sender<bool>>,
    /// Where reads that may lag go, when a `read_url` is set (see [`super::replica`]).
    replica: Option<Arc<Replica>>,
    /// On the gateway login (`gateway_url`): the rep's ticket, set in every unit of work.
    ticket: Option<Arc<RwLock<String>>>,
}

impl Session {
    /// Opens the pool and one connection to prove the database answers (so a wrong password
    /// is said at start, not at the first key).
    /// Reads that may lag go to this process's `read_url`, when it has one.
    /// With a `gateway_url`, the work goes through the gateway (see [`Session::open_through_gateway`]).
    pub async fn open(config: &Config) -> Result<Session, Error> {
        let replica = super::pooling::read_config(config);
        match super::pooling::gateway_config() {
            Some(gateway) => Session::open_through_gateway(config, gateway, replica).await,
            None => Session::open_reading_from(config, replica).await,
        }
    }

    /// The app's work through the shared gateway login (migration 13): the rep signs in on
    /// `own` (their own login: `database_url`) for a ticket, and every unit of work on
    /// `gateway` sets it, so the database answers the rep wherever it asks who is calling.
    /// The ticket is renewed at half its life; the live-event connection and replica reads
    /// stay on the rep's own login.
    pub async fn open_through_gateway(
        own: &Config,
        gateway: Config,
        replica: Option<Config>,
    ) -> Result<Session, Error> {
        let ticket = Arc::new(RwLock::new(sign_in(own).await?));
        let mut session = Session::open_pool(&gateway, replica).await?;
        tokio::spawn(renew_ticket(own.clone(), Arc::downgrade(&ticket)));
        session.ticket = Some(ticket);
        Ok(session)
    }

    /// Runs one unit of work on a leased client (see [`super::pooling::unit`]), with the
    /// rep's ticket when the session is on the gateway.
    pub async fn unit<T>(
        &self,
        client: &tokio_postgres::Client,
        work: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let ticket = self
            .ticket
            .as_ref()
            .map(|t| t.read().map(|t| t.clone()).unwrap_or_default());
        super::pooling::unit_as(client, ticket.as_deref(), work).await
    }

    /// [`Session::open`] with reads that may lag going to `replica` (a streaming replica of
    /// `config`'s database, reached under the same login with the same timeouts).
    pub async fn open_reading_from(
        config: &Config,
        replica: Option<Config>,
    ) -> Result<Session, Error> {
        Session::open_pool(config, replica).await
    }

    async fn open_pool(config: &Config, replica: Option<Config>) -> Result<Session, Error> {
        let pool = super::connect_pool(config, APP_CONNECTIONS)?;
        let first = pool.get().await.map_err(|e| pool_error(config, e))?;
        let replica = match replica {
            Some(read) => {
                let replica = Replica::open(&super::timeouts::interactive(read))?;
                // The first screen is at least as new as the moment the app opened.
                if let Some(position) = super::replica::primary_position(&first).await {
                    replica.raise_fence(position);
                }
                Some(replica)
            }
            None => None,
        };
        drop(first);
        let up = Arc::new(watch::channel(true).0);
        tokio::spawn(close_idle(pool.clone(), Arc::downgrade(&up)));
        Ok(Session {
            pool,
            up,
            replica,
            ticket: None,
        })
    }

    /// The replica reads that may lag go to, when there is one.
    pub fn replica(&self) -> Option<&Arc<Replica>> {
        self.replica.as_ref()
    }

    /// Replica reads from now on must see all the primary has committed so far: after a
    /// change of this app's own, or news of others' (asks the primary where its WAL stands;
    /// nothing to do without a replica).
    pub async fn fence_to_primary_now(&self) {
        let Some(replica) = &self.replica else {
            return;
        };
        if let Ok(lease) = self.pool.get().await
            && let Some(position) = super::replica::primary_position(&lease).await
        {
            replica.raise_fence(position);
        }
    }

    /// Connections open to the server (busy or idle), for the connection budget.
    pub fn open_connections(&self) -> usize {
        self.pool.status().size
    }

    /// Whether the database answers, as it changes.
    pub fn link(&self) -> watch::Receiver<bool> {
        self.up.subscribe()
    }

    /// A connection for one piece of work (use [`read!`](crate::db::read) and
    /// [`write!`](crate::db::write), which also say how it went).
    pub async fn lease(&self) -> Result<Object, Error> {
        self.pool.get().await.map_err(|e| lost(&e.to_string()))
    }

    /// After work on `lease`: a connection that broke is never handed out again.
    pub fn finish<T>(&self, lease: Object, result: &Result<T, Error>) {
        if result.as_ref().is_err_and(Error::is_connection_lost) {
            let _ = Object::take(lease);
        }
    }

    /// The words for a change whose connection broke: it is never re-run (it may have
    /// committed); the screen re-reads once the database answers again.
    pub fn change_error(error: Error) -> Error {
        if error.is_connection_lost() {
            DbText::ChangeInterrupted.into()
        } else {
            error
        }
    }

    /// Records whether the database answered; the first loss starts a probe that notices
    /// when it answers again (nothing else may ask for a while).
    pub fn note<T>(&self, result: &Result<T, Error>) {
        match result {
            Err(error) if error.is_connection_lost() => {
                if self.up.send_replace(false) {
                    tokio::spawn(probe(self.pool.clone(), self.up.clone()));
                }
            }
            Err(_) | Ok(_) => {
                self.up.send_if_modified(|up| !std::mem::replace(up, true));
            }
        }
    }
}

/// Closes connections idle for [`IDLE_CLOSE`] beyond the one an app keeps, until the session
/// is gone (`alive` no longer upgrades).
pub(super) async fn close_idle<T>(pool: Pool, alive: std::sync::Weak<T>) {
    loop {
        tokio::time::sleep(IDLE_CLOSE / 2).await;
        if alive.upgrade().is_none() {
            return;
        }
        let status = pool.status();
        // Connections at work count as the kept one; otherwise the first idle one is kept.
        let mut kept = status.size.saturating_sub(status.available);
        pool.retain(|_, metrics| {
            if kept == 0 || metrics.last_used() < IDLE_CLOSE {
                kept += 1;
                true
            } else {
                false
            }
        });
    }
}

/// A gateway ticket, asked for on the rep's own login (one short connection).
async fn sign_in(own: &Config) -> Result<String, Error> {
    let client = super::connect(own).await?;
    super::api::me::issue_ticket(&client, TICKET_HOURS).await
}

/// Replaces the session's ticket with a fresh one at half its life, until the session is gone.
async fn renew_ticket(own: Config, ticket: std::sync::Weak<RwLock<String>>) {
    let mut wait = TICKET_RENEWAL;
    loop {
        tokio::time::sleep(wait).await;
        let Some(current) = ticket.upgrade() else {
            return;
        };
        wait = match sign_in(&own).await {
            Ok(fresh) => {
                if let Ok(mut held) = current.write() {
                    *held = fresh;
                }
                TICKET_RENEWAL
            }
            Err(_) => TICKET_RETRY,
        };
    }
}

/// Asks the database every second (at most every few seconds) until it answers.
async fn probe(pool: Pool, up: Arc<watch::Sender<bool>>) {
    let mut wait = Duration::from_millis(250);
    loop {
        tokio::time::sleep(wait).await;
        if *up.borrow() {
            return;
        }
        if let Ok(connection) = pool.get().await {
            match connection.simple_query("select 1").await {
                Ok(_) => {
                    up.send_replace(true);
                    return;
                }
                Err(_) => {
                    let _ = Object::take(connection);
                }
            }
        }
        wait = (wait * 2).min(Duration::from_secs(1));
    }
}

fn lost(detail: &str) -> Error {
    Error::Connection {
        during: String::new(),
        detail: detail.to_string(),
    }
}

fn pool_error(config: &Config, error: deadpool_postgres::PoolError) -> Error {
    match error {
        deadpool_postgres::PoolError::Backend(e) => super::friendly_error(&e, config),
        other => DbText::DatabaseUnreachable {
            target: super::describe(config),
            detail: other.to_string(),
        }
        .into(),
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Session")
    }
}

/// Runs a read on a leased connection: `read!(db, c => api::thing(c, id))`. When its
/// connection broke (the database restarted, the backend was killed), the broken connection
/// is dropped and the read runs once more on a fresh one. (A macro rather than a closure:
/// a closure over a borrowed client cannot promise its future is `Send`.)
#[macro_export]
macro_rules! db_read {
    ($db:expr, $c:ident => $work:expr) => {{
        let db: &$crate::db::Session = $db;
        let mut tries = 0;
        loop {
            let result = $crate::db_attempt!(db, $c => $work);
            tries += 1;
            if tries < 2
                && result
                    .as_ref()
                    .is_err_and($crate::error::Error::is_connection_lost)
            {
                continue;
            }
            db.note(&result);
            break result;
        }
    }};
}

/// Runs a read that may lag — a list, a search, a report — on the replica when there is one
/// and it has replayed everything this app must see; otherwise (no replica, replica down or
/// behind, or the read failed there) exactly as [`db_read!`] on the primary. Never for what
/// decides ownership.
#[macro_export]
macro_rules! db_read_lagging {
    ($db:expr, $c:ident => $work:expr) => {{
        let db: &$crate::db::Session = $db;
        let on_replica = match db.replica() {
            Some(replica) => match replica.lease().await {
                Some(lease) => {
                    let result = {
                        let $c: &tokio_postgres::Client = &lease;
                        replica.fenced($c, $work).await
                    };
                    match result {
                        Ok(answer) => answer,
                        Err(error) => {
                            replica.failed(lease, &error);
                            None
                        }
                    }
                }
                None => None,
            },
            None => None,
        };
        match on_replica {
            Some(value) => Ok(value),
            None => {
                if let Some(replica) = db.replica() {
                    replica.passed_on();
                }
                $crate::db_read!(db, $c => $work)
            }
        }
    }};
}

/// Runs a change once on a leased connection: `write!(db, c => api::claim(c, id))`. A change
/// whose connection broke is never re-run; it answers [`Session::change_error`].
#[macro_export]
macro_rules! db_write {
    ($db:expr, $c:ident => $work:expr) => {{
        let db: &$crate::db::Session = $db;
        let result = $crate::db_attempt!(db, $c => $work);
        db.note(&result);
        if result.is_ok() {
            db.fence_to_primary_now().await;
        }
        result.map_err($crate::db::Session::change_error)
    }};
}

/// One attempt of [`db_read!`] or [`db_write!`]: lease a connection, run the work on it, and
/// hand the connection back (or drop it when it broke).
#[doc(hidden)]
#[macro_export]
macro_rules! db_attempt {
    ($db:expr, $c:ident => $work:expr) => {
        match $db.lease().await {
            Ok(lease) => {
                let result = {
                    let $c: &tokio_postgres::Client = &lease;
                    // One transaction per unit when transaction-pooled (a no-op otherwise),
                    // carrying the rep's ticket on the gateway.
                    $db.unit($c, $work).await
                };
                $db.finish(lease, &result);
                result
            }
            Err(error) => Err(error),
        }
    };
}
