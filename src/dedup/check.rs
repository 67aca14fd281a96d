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

/// The top `k` among several kinds of record at once (a company may reach dibs as leads and
/// as customers: whichever a rep types, the other is shown too), best first.
pub async fn check_among<C: GenericClient>(
    client: &C,
    draft: &Draft,
    targets: &[(Entity, Weights)],
    k: usize,
) -> Result<Vec<Match>, Error> {
    let mut all = Vec::new();
    for (against, weights) in targets {
        all.extend(check(client, draft, *against, k, weights).await?);
    }
    all.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
    all.truncate(k);
    Ok(all)
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
    /// What to look among, each with its weights.
    targets: std::sync::Arc<Vec<(Entity, Weights)>>,
    in_flight: Option<Running>,
    /// Record each draft so others typing the same company see it (off for plain search).
    record_drafts: bool,
    /// Where drafts are recorded when the candidates come from a read replica (a replica
    /// cannot take the write, and who else is typing must be current): the primary.
    drafts_on: Option<std::sync::Arc<Client>>,
}

impl LiveChecker {
    pub async fn new(client: Client, against: Entity) -> Result<LiveChecker, Error> {
        Self::among(client, &[against]).await
    }

    /// A checker that looks among customers and leads together (the new-customer form).
    pub async fn everywhere(client: Client) -> Result<LiveChecker, Error> {
        Self::among(client, &[Entity::Customer, Entity::Lead]).await
    }

    async fn among(client: Client, kinds: &[Entity]) -> Result<LiveChecker, Error> {
        let mut targets = Vec::new();
        for against in kinds {
            targets.push((
                *against,
                load_weights(&client, Entity::Customer, *against).await?,
            ));
        }
        Ok(LiveChecker {
            client: std::sync::Arc::new(client),
            targets: std::sync::Arc::new(targets),
            in_flight: None,
            record_drafts: true,
            drafts_on: None,
        })
    }

    /// Candidates from this checker's connection (a read replica), drafts recorded and
    /// others' drafts read on `primary`.
    pub fn with_drafts_on(mut self, primary: Client) -> LiveChecker {
        self.drafts_on = Some(std::sync::Arc::new(primary));
        self
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
        let (targets, record_drafts) = (self.targets.clone(), self.record_drafts);
        let drafts_on = self.drafts_on.clone();
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
                let result = match (&drafts_on, record_drafts) {
                    // Candidates on the replica and the draft on the primary, side by side.
                    (Some(primary), true) => {
                        let (in_flight, matches) = futures_util::future::join(
                            crate::db::pooling::unit(
                                primary.as_ref(),
                                touch_draft(primary.as_ref(), Entity::Customer, &draft.name),
                            ),
                            crate::db::pooling::unit(
                                client.as_ref(),
                                check_among(client.as_ref(), &draft, &targets, k),
                            ),
                        )
                        .await;
                        in_flight.and_then(|in_flight| {
                            matches.map(|matches| LiveResult { matches, in_flight })
                        })
                    }
                    _ => {
                        let work = async {
                            let in_flight = if record_drafts {
                                touch_draft(client.as_ref(), Entity::Customer, &draft.name).await?
                            } else {
                                Vec::new()
                            };
                            let matches = check_among(client.as_ref(), &draft, &targets, k).await?;
                            Ok(LiveResult { matches, in_flight })
                        };
                        crate::db::pooling::unit(client.as_ref(), work).await
                    }
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
