//! The duplicate check against the database: candidates from `db::api::dedup`, scored by
//! `domain::score`, best first; and the live checker, where the latest keystroke wins.

use tokio::task::JoinHandle;
use tokio_postgres::{CancelToken, Client, GenericClient};

pub use crate::db::api::dedup::load_weights;
use crate::db::api::dedup::{candidates, touch_draft};
use crate::domain::ownership::Entity;
use crate::domain::score::{Draft, Keyed, Weights, score};
pub use crate::domain::score::{InFlight, LiveResult, Match};
use crate::error::Error;

/// The top `k` probable duplicates of `draft` among `against` records.
pub async fn check<C: GenericClient>(
    client: &C,
    draft: &Draft,
    against: Entity,
    k: usize,
    weights: &Weights,
) -> Result<Vec<Match>, Error> {
    let found = candidates(
        client,
        &draft.name,
        draft.uscc.as_deref(),
        draft.phone.as_deref(),
        draft.email.as_deref(),
        against,
    )
    .await?;
    let keys = Keyed::of(draft);
    let mut matches: Vec<Match> = found
        .into_iter()
        .map(|c| {
            let scored = score(&keys, &Keyed::stored(&c.keys), weights);
            Match {
                entity: against,
                id: c.id,
                name: c.keys.name,
                owner: c.owner,
                team: c.team,
                status: c.status,
                score: scored.score,
                duplicate: scored.duplicate,
                why: scored.why,
            }
        })
        .filter(|m| !m.why.is_empty())
        .collect();
    matches.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
    matches.truncate(k);
    Ok(matches)
}

/// The live check for a form being filled in: candidates plus in-flight drafts.
pub async fn check_live<C: GenericClient>(
    client: &C,
    draft: &Draft,
    against: Entity,
    k: usize,
    weights: &Weights,
) -> Result<LiveResult, Error> {
    let in_flight = touch_draft(client, Entity::Customer, &draft.name).await?;
    let matches = check(client, draft, against, k, weights).await?;
    Ok(LiveResult { matches, in_flight })
}

/// A running check: its server-side cancel handle and the task that yields its matches.
type Running = (CancelToken, JoinHandle<Result<LiveResult, Error>>);

/// Search-as-you-type: the latest request wins. Submitting a new draft cancels the query
/// still running for the previous one, on the server too, so stale work never piles up.
pub struct LiveChecker {
    client: std::sync::Arc<Client>,
    weights: Weights,
    against: Entity,
    in_flight: Option<Running>,
    /// Record each draft so others typing the same company see it (off for plain search).
    record_drafts: bool,
}

impl LiveChecker {
    pub async fn new(client: Client, against: Entity) -> Result<LiveChecker, Error> {
        let weights = load_weights(&client, Entity::Customer, against).await?;
        Ok(LiveChecker {
            client: std::sync::Arc::new(client),
            weights,
            against,
            in_flight: None,
            record_drafts: true,
        })
    }

    /// A checker for searching: nothing is recorded, nothing in-flight is reported.
    pub fn without_drafts(mut self) -> LiveChecker {
        self.record_drafts = false;
        self
    }

    /// Starts a check of `draft`; the returned handle yields its matches.
    pub fn submit(&mut self, draft: Draft, k: usize) -> &mut JoinHandle<Result<LiveResult, Error>> {
        let cancelling = self.cancel();
        let client = self.client.clone();
        let (weights, against, record_drafts) = (self.weights, self.against, self.record_drafts);
        let token = client.cancel_token();
        let handle = tokio::spawn(async move {
            // Start only once the server has the cancel for the previous query: a cancel that
            // arrived later could otherwise stop this one instead.
            if let Some(cancelling) = cancelling {
                let _ = cancelling.await;
            }
            let mut attempt = 0;
            loop {
                attempt += 1;
                let result = if record_drafts {
                    check_live(client.as_ref(), &draft, against, k, &weights).await
                } else {
                    check(client.as_ref(), &draft, against, k, &weights)
                        .await
                        .map(|matches| LiveResult {
                            matches,
                            in_flight: Vec::new(),
                        })
                };
                match result {
                    // Belt and braces: if a stale cancel still lands here, this is the latest
                    // request, so run it again.
                    Err(ref e) if e.sqlstate() == Some("57014") && attempt < 10 => {}
                    other => return other,
                }
            }
        });
        &mut self.in_flight.insert((token, handle)).1
    }

    /// Cancels the running check, if any (server-side, then the task). Returns the task
    /// sending the cancel request, which ends once the server has it.
    pub fn cancel(&mut self) -> Option<JoinHandle<()>> {
        let (token, handle) = self.in_flight.take()?;
        if handle.is_finished() {
            return None;
        }
        handle.abort();
        Some(tokio::spawn(async move {
            // The token remembers the connection's sslmode: plain first, TLS when required.
            if token.cancel_query(tokio_postgres::NoTls).await.is_err()
                && let Ok(tls) = crate::db::tls::connector()
            {
                let _ = token.cancel_query(tls).await;
            }
        }))
    }
}
