//! A dedicated LISTEN connection: never pooled, never in a transaction (a listener inside an
//! open transaction makes the server's notify queue grow without bound).

use futures_util::StreamExt;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio::task::JoinHandle;
use tokio_postgres::{AsyncMessage, Client, Config};

use crate::error::Error;

/// Payloads of NOTIFYs on one channel, as they arrive. The connection closes on drop.
pub struct Subscription {
    /// Keeps the connection open; asked only where the primary's WAL stands.
    client: Client,
    pub payloads: UnboundedReceiver<String>,
    driver: JoinHandle<()>,
}

impl Subscription {
    /// Where the primary's WAL stood once the latest notifications were delivered: what a
    /// replica must have replayed to show what they announced.
    pub async fn primary_position(&self) -> Option<u64> {
        super::replica::primary_position(&self.client).await
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

/// Drives the connection, passing each notification's payload on.
fn forward<S, T>(
    mut connection: tokio_postgres::Connection<S, T>,
    tx: tokio::sync::mpsc::UnboundedSender<String>,
) -> JoinHandle<()>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(Ok(message)) = messages.next().await {
            if let AsyncMessage::Notification(n) = message
                && tx.send(n.payload().to_string()).is_err()
            {
                return;
            }
        }
    })
}

/// Opens a connection and LISTENs on `channel` (an identifier chosen by dibs, not user input),
/// within the connect timeout (a server that accepts and never answers must not hold the
/// listener forever: it would never try again).
pub async fn subscribe(config: &Config, channel: &str) -> Result<Subscription, Error> {
    // LISTEN holds a session: never through a transaction pooler.
    let config = &super::pooling::session_config(config);
    let limit = super::connect::opening_limit(config);
    match tokio::time::timeout(limit, open_and_listen(config, channel)).await {
        Ok(result) => result,
        Err(_) => Err(crate::text::DbText::DatabaseUnreachable {
            target: super::describe(config),
            detail: crate::text::DbText::NoAnswer {
                seconds: limit.as_secs_f64(),
            }
            .to_string(),
        }
        .into()),
    }
}

async fn open_and_listen(config: &Config, channel: &str) -> Result<Subscription, Error> {
    let config = super::tls::effective(config);
    let (tx, payloads) = unbounded_channel();
    let (client, driver) = if super::tls::wants_tls(&config) {
        let (client, connection) = config
            .connect(super::tls::connector()?)
            .await
            .map_err(|e| super::friendly_error(&e, &config))?;
        (client, forward(connection, tx))
    } else {
        let (client, connection) = config
            .connect(tokio_postgres::NoTls)
            .await
            .map_err(|e| super::friendly_error(&e, &config))?;
        (client, forward(connection, tx))
    };
    client
        .batch_execute(&format!("listen {channel}"))
        .await
        .map_err(|e| super::friendly_error(&e, &config))?;
    Ok(Subscription {
        client,
        payloads,
        driver,
    })
}

/// Where the event publisher stands: it moves whenever live events are published, so an app
/// that cannot LISTEN (transaction-pooled, no direct URL) follows changes by asking for it.
pub async fn events_mark(client: &Client) -> Result<Vec<i64>, Error> {
    let row = client
        .query_one(
            "select last_xid, last_id, last_notice_xid, last_notice_id from dibs.event_cursor",
            &[],
        )
        .await?;
    Ok((0..4).map(|i| row.get::<_, i64>(i)).collect())
}
