//! Search-as-you-type on its own connection: the newest request of a lane wins, the query
//! still running for an older one is cancelled on the server (`LiveChecker`). Every request
//! is answered — superseded ones with an error the component drops by its sequence number —
//! so the runtime's count of running work stays exact.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::mpsc;
use tokio_postgres::Config;

use super::LiveJob;
use crate::db::replica::Replica;
use crate::dedup::check::LiveChecker;
use crate::domain::ownership::Entity;
use crate::domain::score::LiveResult;
use crate::error::Error;
use crate::text::TuiText;
use crate::tui::app::Msg;
use crate::tui::cmd::{Lane, TabMsg};

/// How long a lane keeps its connection after the last request.
const IDLE_CLOSE: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs one lane's requests, newest first. With `replica`, the lane reads there while it
/// answers (search may lag by the replay lag) and moves to the primary when it does not.
pub(super) async fn latest_wins(
    config: Config,
    replica: Option<Arc<Replica>>,
    lane: Lane,
    mut jobs: mpsc::UnboundedReceiver<LiveJob>,
    tx: mpsc::Sender<Msg>,
    running: Arc<AtomicUsize>,
) {
    let answer = |owner: &'static str, seq: u64, result: Result<LiveResult, Error>| {
        let (tx, running) = (tx.clone(), running.clone());
        async move {
            let _ = tx
                .send(Msg::To(owner, TabMsg::Live { lane, seq, result }))
                .await;
            running.fetch_sub(1, Ordering::SeqCst);
        }
    };
    let record_drafts = lane == Lane::DuplicatePanel;
    let mut checker: Option<LiveChecker> = None;
    // Whether `checker`'s connection is to the replica.
    let mut on_replica = false;
    let mut next = None;
    loop {
        let (owner, seq, draft) = match next.take() {
            Some(job) => job,
            None if checker.is_some() => {
                match tokio::time::timeout(IDLE_CLOSE, jobs.recv()).await {
                    Ok(Some(job)) => job,
                    Ok(None) => return,
                    Err(_) => {
                        // Nobody is typing: give the server connection back (the budget of an
                        // app at rest is one working connection and one listening).
                        checker = None;
                        continue;
                    }
                }
            }
            None => match jobs.recv().await {
                Some(job) => job,
                None => return,
            },
        };
        if checker.is_none() {
            match open_checker(&config, replica.as_deref(), record_drafts).await {
                Ok((opened, replica)) => {
                    checker = Some(opened);
                    on_replica = replica;
                }
                Err(error) => {
                    answer(owner, seq, Err(error)).await;
                    continue;
                }
            }
        }
        let Some(live) = checker.as_mut() else {
            continue;
        };
        let handle = live.submit(draft.clone(), lane.limit());
        tokio::select! {
            joined = handle => {
                let result = match joined {
                    Ok(result) => result,
                    Err(e) => Err(TuiText::TaskFailed { detail: e.to_string() }.into()),
                };
                if let Err(error) = &result {
                    // A broken connection: connect afresh for the next request.
                    checker = None;
                    // The replica went away under the request: ask the primary at once
                    // rather than show a failed search.
                    if on_replica && error.is_connection_lost() {
                        if let Some(replica) = &replica {
                            replica.mark_down();
                        }
                        next = Some((owner, seq, draft));
                        continue;
                    }
                }
                answer(owner, seq, result).await;
            }
            newer = jobs.recv() => {
                answer(owner, seq, Err(TuiText::Superseded.into())).await;
                match newer {
                    Some(job) => next = Some(job),
                    None => return,
                }
            }
        }
    }
}

/// A lane's checker, and whether its candidates come from the replica: there while it
/// answers — the duplicate panel then records drafts and reads others' on the primary beside
/// it (a replica takes no write, and who else is typing must be current) — else everything on
/// the primary. The duplicate panel looks among leads too: a company in the pool is a company
/// someone may be working already.
async fn open_checker(
    config: &Config,
    replica: Option<&Replica>,
    record_drafts: bool,
) -> Result<(LiveChecker, bool), Error> {
    if let Some(replica) = replica.filter(|r| r.answering()) {
        match crate::db::connect(replica.config()).await {
            Ok(candidates) if record_drafts => {
                let primary = crate::db::connect(config).await?;
                let checker = LiveChecker::everywhere(candidates).await?;
                return Ok((checker.with_drafts_on(primary), true));
            }
            Ok(candidates) => {
                let checker = LiveChecker::new(candidates, Entity::Customer).await?;
                return Ok((checker.without_drafts(), true));
            }
            Err(_) => replica.mark_down(),
        }
    }
    let client = crate::db::connect(config).await?;
    if record_drafts {
        Ok((LiveChecker::everywhere(client).await?, false))
    } else {
        let checker = LiveChecker::new(client, Entity::Customer).await?;
        Ok((checker.without_drafts(), false))
    }
}
