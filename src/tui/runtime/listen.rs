//! The dedicated LISTEN connection: never pooled, never in a transaction, reconnected with
//! back-off; after a reconnect the app re-reads what it shows (events may have been missed).

use std::time::Duration;

use tokio::sync::mpsc;
use tokio_postgres::Config;

use crate::tui::app::{Link, Msg};

pub async fn listen(config: Config, tx: mpsc::Sender<Msg>) {
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
