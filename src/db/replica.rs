//! Reads that may lag, from a streaming replica (`read_url`): lists, search, reports. What
//! decides ownership never reads here — every change, and every check inside one, runs on the
//! primary, in the database's own functions.
//!
//! A replica is behind the primary by its replay lag, usually milliseconds. Two things make
//! that invisible to the person at the keyboard:
//! - **The fence.** The app keeps the newest primary WAL position it must see: raised after
//!   each of its own changes, when live events arrive, and when it opens. Each replica read
//!   first asks whether the replica has replayed that far (in the same flight as the read, so
//!   it costs no round trip); when it has not, the read runs on the primary instead. So a rep
//!   never sees their own claim undone by a stale list, nor a list older than the event that
//!   made the app re-read it.
//! - **Falling back.** A replica that does not answer (down, restarting, cut off) is marked
//!   down and every read goes to the primary until a probe finds it answering again; a read
//!   that fails on the replica for any reason (a recovery conflict cancels it) runs once on
//!   the primary.
//!
//! The status bar shows the lag when it exceeds a second, and says when the replica is down.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use deadpool_postgres::{Object, Pool};
use tokio::sync::watch;
use tokio_postgres::{Client, Config};

use crate::error::Error;

/// How the replica stands, as the watcher last saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReplicaState {
    /// Answering, and replaying within this lag (zero when it has all the primary sent).
    Answering { lag: Duration },
    /// Not answering: reads go to the primary.
    Down,
}

/// How often the watcher asks the replica how far behind it is (and, when down, whether it
/// answers again).
const WATCH_EVERY: Duration = Duration::from_secs(1);
/// Connections to the replica: the watcher's and one read at a time beside it.
const REPLICA_CONNECTIONS: usize = 2;

/// One look at the replica: has it replayed all it received (always, on a server not in
/// recovery — a read URL naming a primary, or a promoted standby); where replay stands; and
/// seconds since the last commit it replayed was made (null until it replays one).
const LAG_SQL: &str = "select not pg_is_in_recovery()
            or pg_last_wal_receive_lsn() is not distinct from pg_last_wal_replay_lsn(),
        pg_last_wal_replay_lsn()::text,
        extract(epoch from now() - pg_last_xact_replay_timestamp())::float8";

/// What [`LAG_SQL`] saw.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Look {
    caught_up: bool,
    replay: Option<u64>,
    since_replayed_commit: Option<f64>,
}

impl Look {
    fn read(messages: &[tokio_postgres::SimpleQueryMessage]) -> Option<Look> {
        let row = messages.iter().find_map(|message| match message {
            tokio_postgres::SimpleQueryMessage::Row(row) => Some(row),
            _ => None,
        })?;
        Some(Look {
            caught_up: row.get(0) == Some("t"),
            replay: row.get(1).and_then(parse_lsn),
            since_replayed_commit: row.get(2).and_then(|text| text.parse().ok()),
        })
    }
}

/// The replay lag from successive looks. Caught up (it has replayed all it received) is no
/// lag: an idle primary sends nothing, and its last commit then only looks old. Behind, the
/// lag is the age of the last commit replayed — or, on a standby that has replayed none since
/// it started, how long replay has stood still.
#[derive(Debug, Default)]
struct LagGauge {
    replay: Option<u64>,
    moved_at: Option<std::time::Instant>,
}

impl LagGauge {
    fn lag(&mut self, look: &Look, now: std::time::Instant) -> Duration {
        if look.caught_up || self.replay != look.replay {
            self.replay = look.replay;
            self.moved_at = Some(now);
        }
        if look.caught_up {
            return Duration::ZERO;
        }
        match look.since_replayed_commit {
            Some(seconds) if seconds.is_finite() && seconds > 0.0 => {
                Duration::from_secs_f64(seconds)
            }
            Some(_) => Duration::ZERO,
            None => self
                .moved_at
                .map_or(Duration::ZERO, |at| now.saturating_duration_since(at)),
        }
    }
}

/// Where the primary's WAL stands: every commit acknowledged so far ends at or before it.
/// (The insert position, not the write position: with `synchronous_commit = off` a commit
/// returns before its record is written out.)
pub const PRIMARY_POSITION_SQL: &str = "select (case when pg_is_in_recovery() \
     then pg_last_wal_replay_lsn() else pg_current_wal_insert_lsn() end)::text";

pub struct Replica {
    /// How to reach it (the live-check lanes open connections of their own there).
    config: Config,
    pool: Pool,
    state: watch::Sender<ReplicaState>,
    /// The newest primary WAL position (see [`parse_lsn`]) this app must see on the replica.
    fence: AtomicU64,
    /// Reads the replica answered, and reads it passed to the primary (behind the fence,
    /// down, or failed there): how much the replica takes off the primary.
    served: AtomicU64,
    passed_on: AtomicU64,
}

impl Replica {
    /// The pool (no connection yet) and its watcher, which runs while the replica is held.
    pub fn open(config: &Config) -> Result<Arc<Replica>, Error> {
        let replica = Arc::new(Replica {
            config: config.clone(),
            pool: super::connect_pool(config, REPLICA_CONNECTIONS)?,
            // Assumed answering until the watcher or a read finds otherwise.
            state: watch::channel(ReplicaState::Answering {
                lag: Duration::ZERO,
            })
            .0,
            fence: AtomicU64::new(0),
            served: AtomicU64::new(0),
            passed_on: AtomicU64::new(0),
        });
        tokio::spawn(watch_replica(Arc::downgrade(&replica)));
        // The watcher keeps one connection; a second, opened for a read beside it, closes
        // when idle.
        tokio::spawn(super::session::close_idle(
            replica.pool.clone(),
            Arc::downgrade(&replica),
        ));
        Ok(replica)
    }

    /// The replica's state, as it changes.
    pub fn state(&self) -> watch::Receiver<ReplicaState> {
        self.state.subscribe()
    }

    /// Reads answered here so far, and reads passed on to the primary.
    pub fn reads(&self) -> (u64, u64) {
        (
            self.served.load(Ordering::SeqCst),
            self.passed_on.load(Ordering::SeqCst),
        )
    }

    /// Counts a read the primary answered instead.
    pub fn passed_on(&self) {
        self.passed_on.fetch_add(1, Ordering::SeqCst);
    }

    /// Whether reads go here now (false while the replica is down).
    pub fn answering(&self) -> bool {
        *self.state.borrow() != ReplicaState::Down
    }

    /// The primary has reached `lsn`: replica reads from now on must see at least that.
    pub fn raise_fence(&self, lsn: u64) {
        self.fence.fetch_max(lsn, Ordering::SeqCst);
    }

    /// A replica connection for one read, or `None` when the replica is down (read the
    /// primary). A replica that cannot give one is marked down.
    pub async fn lease(&self) -> Option<Object> {
        if !self.answering() {
            return None;
        }
        match self.pool.get().await {
            Ok(lease) => Some(lease),
            Err(_) => {
                self.mark_down();
                None
            }
        }
    }

    /// After a read on `lease` failed: a broken connection is dropped and the replica marked
    /// down (the watcher brings it back); other failures leave it as it is.
    pub fn failed(&self, lease: Object, error: &Error) {
        if error.is_connection_lost() {
            let _ = Object::take(lease);
            self.mark_down();
        }
    }

    /// How to reach the replica.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The replica failed to answer: reads go to the primary until the watcher sees it back.
    pub fn mark_down(&self) {
        self.state.send_if_modified(|state| {
            let changed = *state != ReplicaState::Down;
            *state = ReplicaState::Down;
            changed
        });
    }

    /// Runs `work` on a replica connection behind the fence: `Ok(None)` when the replica has
    /// not yet replayed as far as this app must see (run it on the primary then).
    ///
    /// The fence question is sent before the work's first message, in the same flight; the
    /// server answers them in order, and a read-committed statement on a replica sees all that
    /// was replayed before it began — so when the answer is yes, the work saw the fence too.
    pub async fn fenced<T>(
        &self,
        client: &Client,
        work: impl Future<Output = Result<T, Error>>,
    ) -> Result<Option<T>, Error> {
        let question = fence_question(self.fence.load(Ordering::SeqCst));
        let answer = super::pooling::unit(client, async {
            let (answer, result) =
                futures_util::future::join(client.simple_query(&question), work).await;
            if replayed_far_enough(&answer?) {
                result.map(Some)
            } else {
                Ok(None)
            }
        })
        .await;
        if matches!(answer, Ok(Some(_))) {
            self.served.fetch_add(1, Ordering::SeqCst);
        }
        answer
    }
}

/// Whether the fence question's single row says yes.
fn replayed_far_enough(messages: &[tokio_postgres::SimpleQueryMessage]) -> bool {
    first_value(messages) == Some("t")
}

/// The first column of the first row a simple query returned.
fn first_value(messages: &[tokio_postgres::SimpleQueryMessage]) -> Option<&str> {
    messages.iter().find_map(|message| match message {
        tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0),
        _ => None,
    })
}

/// The question a replica read starts with. A server not in recovery (a read URL naming the
/// primary, or a standby promoted by a failover) has all there is, so it always says yes.
fn fence_question(fence: u64) -> String {
    format!(
        "select not pg_is_in_recovery() or pg_last_wal_replay_lsn() >= '{}'::pg_lsn",
        format_lsn(fence)
    )
}

/// Asks the replica its lag every [`WATCH_EVERY`] while the replica is held.
async fn watch_replica(replica: std::sync::Weak<Replica>) {
    let mut gauge = LagGauge::default();
    loop {
        tokio::time::sleep(WATCH_EVERY).await;
        let Some(replica) = replica.upgrade() else {
            return;
        };
        let state = match replica.pool.get().await {
            // A simple query: no named statement, so a transaction pooler in front of the
            // replicas is fine too.
            Ok(lease) => match lease.simple_query(LAG_SQL).await {
                Ok(messages) => ReplicaState::Answering {
                    lag: Look::read(&messages).map_or(Duration::ZERO, |look| {
                        gauge.lag(&look, std::time::Instant::now())
                    }),
                },
                Err(_) => {
                    let _ = Object::take(lease);
                    ReplicaState::Down
                }
            },
            Err(_) => ReplicaState::Down,
        };
        replica.state.send_if_modified(|now| {
            let changed = *now != state;
            *now = state;
            changed
        });
    }
}

/// A WAL position as PostgreSQL prints it (`16/B374D848`: high and low 32 bits, in hex).
pub fn parse_lsn(text: &str) -> Option<u64> {
    let (high, low) = text.trim().split_once('/')?;
    let high = u64::from_str_radix(high, 16).ok()?;
    let low = u64::from_str_radix(low, 16).ok()?;
    (high <= u64::from(u32::MAX) && low <= u64::from(u32::MAX)).then_some((high << 32) | low)
}

/// The inverse of [`parse_lsn`] (only hex digits and a slash: safe inside a literal).
pub fn format_lsn(lsn: u64) -> String {
    format!("{:X}/{:X}", lsn >> 32, lsn & u64::from(u32::MAX))
}

/// A connection for a report (which may lag): the replica when this process has one and it
/// answers, else `config` itself.
pub async fn connect_for_report(config: &Config) -> Result<Client, Error> {
    if let Some(read) = super::pooling::read_config(config) {
        match super::connect(&read).await {
            Ok(client) => return Ok(client),
            Err(error) => {
                tracing::warn!("read replica unavailable, reporting from the primary: {error}")
            }
        }
    }
    super::connect(config).await
}

/// Where the primary's WAL stands, asked on `client` (a connection to the primary).
pub async fn primary_position(client: &Client) -> Option<u64> {
    let messages = client.simple_query(PRIMARY_POSITION_SQL).await.ok()?;
    first_value(&messages).and_then(parse_lsn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wal_positions_read_and_print_as_postgres_writes_them() {
        assert_eq!(parse_lsn("16/B374D848"), Some(0x16_B374_D848));
        assert_eq!(parse_lsn("0/0"), Some(0));
        assert_eq!(format_lsn(0x16_B374_D848), "16/B374D848");
        assert_eq!(parse_lsn(&format_lsn(u64::MAX)), Some(u64::MAX));
        for broken in ["", "16", "16/", "/1", "G/1", "1/100000000", "1/2/3"] {
            assert_eq!(parse_lsn(broken), None, "{broken:?}");
        }
    }

    #[test]
    fn lag_is_the_age_of_the_last_replayed_commit_or_how_long_replay_stood_still() {
        let start = std::time::Instant::now();
        let at = |seconds: u64| start + Duration::from_secs(seconds);
        let look = |caught_up, replay, since| Look {
            caught_up,
            replay: Some(replay),
            since_replayed_commit: since,
        };
        let mut gauge = LagGauge::default();
        // Caught up: no lag, however old the last commit (an idle primary).
        assert_eq!(
            gauge.lag(&look(true, 10, Some(600.0)), at(0)),
            Duration::ZERO
        );
        // Behind with a replayed commit: that commit's age.
        assert_eq!(
            gauge.lag(&look(false, 10, Some(3.5)), at(1)),
            Duration::from_secs_f64(3.5)
        );
        // Behind with none replayed since start: the time replay has stood still.
        let mut fresh = LagGauge::default();
        assert_eq!(fresh.lag(&look(true, 10, None), at(0)), Duration::ZERO);
        assert_eq!(
            fresh.lag(&look(false, 10, None), at(2)),
            Duration::from_secs(2)
        );
        assert_eq!(
            fresh.lag(&look(false, 10, None), at(5)),
            Duration::from_secs(5)
        );
        // Replay moves on: the clock starts again from there.
        assert_eq!(fresh.lag(&look(false, 11, None), at(6)), Duration::ZERO);
        assert_eq!(
            fresh.lag(&look(false, 11, None), at(7)),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn the_fence_question_names_the_position_and_lets_a_primary_through() {
        let question = fence_question(0x1_0000_00A0);
        assert!(question.contains("'1/A0'::pg_lsn"), "{question}");
        assert!(
            question.starts_with("select not pg_is_in_recovery() or "),
            "{question}"
        );
    }
}
