//! The duplicate check against the database: candidates from `dibs.dedup_candidates`
//! (indexes and visibility live there), scored by `score`, best first.

use serde::Serialize;
use tokio::task::JoinHandle;
use tokio_postgres::{CancelToken, Client, GenericClient};

use crate::domain::score::{Draft, DraftKeys, StoredKeys, Weights, Why, score};
use crate::error::Error;
use crate::ownership::Entity;

fn db_error(err: &tokio_postgres::Error) -> Error {
    Error::db("duplicate check", err)
}

/// One probable duplicate, with what the person may see of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    pub entity: Entity,
    pub id: i64,
    pub name: String,
    pub owner: Option<String>,
    pub team: Option<String>,
    pub status: String,
    pub score: f64,
    pub why: Vec<Why>,
}

/// Weights and thresholds from the enabled rules for `entity` checked against `against`.
pub async fn load_weights<C: GenericClient>(
    client: &C,
    entity: Entity,
    against: Entity,
) -> Result<Weights, Error> {
    let rows = client
        .query(
            "select match_kind::text, threshold::float8, weight::float8 from dibs.dedup_rules
             where enabled and entity = $1::text::dibs.entity_kind and against = $2::text::dibs.entity_kind",
            &[&entity.as_sql(), &against.as_sql()],
        )
        .await
        .map_err(|e| db_error(&e))?;
    let mut weights = Weights {
        phone: 0.0,
        domain: 0.0,
        ..Weights::default()
    };
    for row in rows {
        let (kind, threshold, weight): (String, f64, f64) = (row.get(0), row.get(1), row.get(2));
        match kind.as_str() {
            "name_fuzzy" => {
                weights.name_threshold = threshold;
                weights.name = weight;
            }
            "phone" => weights.phone = weight,
            "email_domain" => weights.domain = weight,
            _ => {}
        }
    }
    Ok(weights)
}

/// The top `k` probable duplicates of `draft` among `against` records.
pub async fn check<C: GenericClient>(
    client: &C,
    draft: &Draft,
    against: Entity,
    k: usize,
    weights: &Weights,
) -> Result<Vec<Match>, Error> {
    let rows = client
        .query(
            "select entity, id, name, name_core, uscc, uscc_valid, phone_e164, email_domain, owner_name, team_name, status
             from dibs.dedup_candidates($1, $2, $3, $4, $5, 50)",
            &[&draft.name, &draft.uscc, &draft.phone, &draft.email, &against.as_sql()],
        )
        .await
        .map_err(|e| db_error(&e))?;
    let keys = DraftKeys::of(draft);
    let mut matches: Vec<Match> = rows
        .iter()
        .map(|row| {
            let stored = StoredKeys {
                name: row.get(2),
                core: row.get(3),
                uscc: row.get(4),
                uscc_valid: row.get(5),
                phone_e164: row.get(6),
                domain: row.get(7),
            };
            let scored = score(&keys, &stored, weights);
            Match {
                entity: against,
                id: row.get(1),
                name: stored.name,
                owner: row.get(8),
                team: row.get(9),
                status: row.get(10),
                score: scored.score,
                why: scored.why,
            }
        })
        .filter(|m| !m.why.is_empty())
        .collect();
    matches.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
    matches.truncate(k);
    Ok(matches)
}

/// Someone else typing a similar new company right now ("王芳 is creating 华为技术… right now").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InFlight {
    pub user: String,
    pub team: Option<String>,
    pub draft: String,
    pub seconds_ago: i32,
}

/// What the live panel shows: stored probable duplicates and drafts being typed elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveResult {
    pub matches: Vec<Match>,
    pub in_flight: Vec<InFlight>,
}

/// Records the caller's draft and returns others' similar drafts of the last two minutes.
pub async fn touch_draft<C: GenericClient>(
    client: &C,
    entity: Entity,
    name: &str,
) -> Result<Vec<InFlight>, Error> {
    let rows = client
        .query(
            "select user_name, team_name, draft_name, seconds_ago from dibs.touch_draft($1, $2)",
            &[&entity.as_sql(), &name],
        )
        .await
        .map_err(|e| db_error(&e))?;
    Ok(rows
        .iter()
        .map(|r| InFlight {
            user: r.get(0),
            team: r.get(1),
            draft: r.get(2),
            seconds_ago: r.get(3),
        })
        .collect())
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
