//! The dedicated LISTEN connection: never pooled, never in a transaction, reconnected with
//! back-off; after a reconnect the app re-reads what it shows (events may have been missed).

use std::time::Duration;

use tokio::sync::mpsc;
use tokio_postgres::Config;

use crate::db::Session;
use crate::tui::app::{Link, Msg};

/// Follows live events: by LISTEN, or — where this process cannot listen (transaction-pooled
/// with no direct URL) — by asking where the publisher stands every half second.
pub async fn listen(config: Config, db: Session, tx: mpsc::Sender<Msg>) {
    if !crate::db::pooling::can_listen() {
        return follow_by_asking(db, tx).await;
    }
    // Capped at 2 s: after a restart the screen is live again within seconds, while a
    // database that stays down is asked at most every 2 s by each app.
    let mut backoff = Duration::from_millis(250);
    loop {
        if let Ok(mut subscription) = crate::db::listen::subscribe(&config, "dibs_events").await {
            backoff = Duration::from_millis(250);
            let _ = tx.send(Msg::Link(Link::Events, true)).await;
            let _ = tx.send(Msg::Changed).await;
            while subscription.payloads.recv().await.is_some() {
                // A burst of events is one refresh.
                tokio::time::sleep(Duration::from_millis(100)).await;
                while subscription.payloads.try_recv().is_ok() {}
                // The re-read this starts must not come from a replica that has not yet
                // replayed what was announced.
                if let Some(replica) = db.replica()
                    && let Some(position) = subscription.primary_position().await
                {
                    replica.raise_fence(position);
                }
                if tx.send(Msg::Changed).await.is_err() {
                    return;
                }
            }
        }
        if tx.send(Msg::Link(Link::Events, false)).await.is_err() {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(2));
    }
}

/// How often an app that cannot LISTEN asks whether anything was published.
const ASK_EVERY: Duration = Duration::from_millis(500);

/// The polling twin of the LISTEN loop: the same messages (link up, link down, changed), on
/// the app's own working connection, so a transaction-pooled app holds no server connection
/// at rest.
async fn follow_by_asking(db: Session, tx: mpsc::Sender<Msg>) {
    let mut last: Option<Vec<i64>> = None;
    let mut up: Option<bool> = None;
    loop {
        let mark = crate::db_read!(&db, c => crate::db::listen::events_mark(c));
        let changed = match mark {
            Ok(mark) => {
                let fresh = up != Some(true);
                if fresh && tx.send(Msg::Link(Link::Events, true)).await.is_err() {
                    return;
                }
                up = Some(true);
                // After a gap the screen re-reads, as after a LISTEN reconnect.
                let moved = fresh || last.as_ref() != Some(&mark);
                last = Some(mark);
                moved
            }
            Err(_) => {
                if up != Some(false) && tx.send(Msg::Link(Link::Events, false)).await.is_err() {
                    return;
                }
                up = Some(false);
                false
            }
        };
        if changed {
            // As after a notification: the re-read must see what moved the mark.
            db.fence_to_primary_now().await;
            if tx.send(Msg::Changed).await.is_err() {
                return;
            }
        }
        tokio::time::sleep(ASK_EVERY).await;
    }
}
