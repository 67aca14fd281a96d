//! The terminal app: the home figures and the lead pool pane, live.
//!
//! Shape (DESIGN.md §3): a pure core (`state`: state, messages, `update` returning effects
//! as data), a view (`view`), and this shell, which owns the terminal, runs effects as tasks
//! on the database (`data`), listens for live events on a dedicated connection, and redraws
//! only when something changed — never awaiting the database inside a key handler.

pub mod data;
pub mod state;
pub mod view;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{Event, EventStream, KeyEventKind};
use tokio::sync::mpsc;
use tokio_postgres::{Client, Config};

pub use state::{App, Effect, Msg, update};
pub use view::{buffer_to_text, render};

use crate::ownership::Action;

/// Runs the app until the person quits. The terminal is restored on every exit path,
/// including a panic (ratatui's `init` installs a hook that restores it first).
pub async fn run(config: Config, database: String) -> std::io::Result<()> {
    let client = match crate::db::connect(&config).await {
        Ok(client) => Arc::new(client),
        Err(err) => return Err(std::io::Error::other(err.to_string())),
    };
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, client, config, database).await;
    ratatui::restore();
    result
}

fn spawn_effect(effect: Effect, client: &Arc<Client>, tx: &mpsc::Sender<Msg>) {
    let (client, tx) = (client.clone(), tx.clone());
    tokio::spawn(async move {
        let msg = match effect {
            Effect::Redraw => return,
            Effect::LoadFigures => Msg::Loaded(data::load_figures(&client).await),
            Effect::LoadPool { unclaimed } => {
                Msg::PoolLoaded(data::load_pool(&client, unclaimed).await)
            }
            Effect::LoadMore { pool, after } => {
                Msg::MoreLoaded(data::load_unclaimed(&client, pool, after, state::PAGE).await)
            }
            Effect::Claim(id) => Msg::Done(data::change(&client, Action::ClaimLead(id)).await),
            Effect::Release(id) => Msg::Done(data::change(&client, Action::ReleaseLead(id)).await),
        };
        let _ = tx.send(msg).await;
    });
}

/// The dedicated LISTEN connection: never pooled, never in a transaction, reconnected with
/// back-off; after a reconnect the app re-reads what it shows (events may have been missed).
async fn listen(config: Config, tx: mpsc::Sender<Msg>) {
    let mut backoff = Duration::from_millis(500);
    loop {
        if let Ok(mut subscription) = crate::db::listen::subscribe(&config, "dibs_events").await {
            backoff = Duration::from_millis(500);
            let _ = tx.send(Msg::Live(true)).await;
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
        if tx.send(Msg::Live(false)).await.is_err() {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    client: Arc<Client>,
    config: Config,
    database: String,
) -> std::io::Result<()> {
    let mut app = App {
        database,
        ..App::default()
    };
    let (tx, mut rx) = mpsc::channel::<Msg>(64);
    spawn_effect(Effect::LoadFigures, &client, &tx);
    spawn_effect(
        Effect::LoadPool {
            unclaimed: state::PAGE,
        },
        &client,
        &tx,
    );
    let listener = tokio::spawn(listen(config, tx.clone()));
    let mut events = EventStream::new();
    terminal.draw(|f| render(&app, f))?;
    while !app.quit {
        let first = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => Msg::Key(key.code, key.modifiers),
                Some(Ok(Event::Resize(..))) => Msg::Resized,
                Some(Ok(_)) => continue,
                Some(Err(err)) => return Err(err),
                None => break,
            },
            Some(msg) = rx.recv() => msg,
        };
        // Coalesce: handle everything already waiting, then draw once.
        let mut redraw = false;
        let mut pending = vec![first];
        while let Ok(more) = rx.try_recv() {
            pending.push(more);
        }
        for msg in pending {
            for effect in update(&mut app, msg) {
                match effect {
                    Effect::Redraw => redraw = true,
                    other => spawn_effect(other, &client, &tx),
                }
            }
        }
        if redraw && !app.quit {
            terminal.draw(|f| render(&app, f))?;
        }
    }
    listener.abort();
    Ok(())
}
