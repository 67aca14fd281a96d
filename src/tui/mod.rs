//! The terminal app: the lead pool and customers tabs, live.
//!
//! Shape (DESIGN.md §3): a pure core (`state`, `customers`: state, messages, `update`
//! returning effects as data), a view (`view`), and this shell, which owns the terminal,
//! runs effects as tasks on the database (`data`), listens for live events on a dedicated
//! connection, and redraws only when something changed — never awaiting the database
//! inside a key handler. `headless` runs the same core on a script of keys.

pub mod bench;
pub mod board;
pub mod customers;
pub mod data;
pub mod export;
pub mod headless;
pub mod keys;
pub mod state;
pub mod tree;
pub mod view;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{Event, EventStream, KeyEventKind};
use tokio::sync::mpsc;
use tokio_postgres::{Client, Config};

pub use state::{App, Effect, Msg, update};
pub use view::{Theme, buffer_to_text, render};

use crate::dedup::check::{LiveChecker, LiveResult};
use crate::domain::score::Draft;
use crate::ownership::{Action, Entity};

/// How the app was asked to look and behave.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub readonly: bool,
    pub theme: Theme,
    pub keymap: keys::Keymap,
}

impl Options {
    fn app(&self, database: String) -> App {
        App {
            database,
            readonly: self.readonly,
            keymap: self.keymap.clone(),
            theme: self.theme,
            ..App::default()
        }
    }
}

/// Runs the app until the person quits. The terminal is restored on every exit path,
/// including a panic (ratatui's `init` installs a hook that restores it first).
pub async fn run(config: Config, database: String, options: Options) -> std::io::Result<()> {
    let config = session_config(config, options.readonly);
    let client = match crate::db::connect(&config).await {
        Ok(client) => Arc::new(client),
        Err(err) => return Err(std::io::Error::other(err.to_string())),
    };
    let mut terminal = ratatui::init();
    let app = options.app(database);
    let result = event_loop(&mut terminal, client, config, app).await;
    ratatui::restore();
    result
}

/// A read-only session is read-only in the database too: every transaction it opens is.
fn session_config(mut config: Config, readonly: bool) -> Config {
    if readonly {
        config.options("-c default_transaction_read_only=on");
    }
    config
}

/// Runs effects as tasks. Every task sends exactly one message back and only then counts
/// itself done, so "no task running and no message waiting" means the screen is settled
/// (what the headless mode waits for).
pub struct Runtime {
    client: Arc<Client>,
    tx: mpsc::Sender<Msg>,
    checks: mpsc::UnboundedSender<(u64, Draft)>,
    searches: mpsc::UnboundedSender<(u64, Draft)>,
    running: Arc<AtomicUsize>,
    /// A real terminal is attached (headless runs have none: nothing is written to stdout).
    terminal: bool,
}

impl Runtime {
    pub fn start(config: &Config, client: Arc<Client>, tx: mpsc::Sender<Msg>) -> Runtime {
        let running = Arc::new(AtomicUsize::new(0));
        let (checks, check_jobs) = mpsc::unbounded_channel();
        let (searches, search_jobs) = mpsc::unbounded_channel();
        tokio::spawn(latest_wins(
            config.clone(),
            true,
            check_jobs,
            tx.clone(),
            running.clone(),
            |seq, result| Msg::DuplicatePanel { seq, result },
        ));
        tokio::spawn(latest_wins(
            config.clone(),
            false,
            search_jobs,
            tx.clone(),
            running.clone(),
            |seq, result| Msg::SearchResults {
                seq,
                result: result.map(|r| r.matches),
            },
        ));
        Runtime {
            client,
            tx,
            checks,
            searches,
            running,
            terminal: true,
        }
    }

    /// For headless runs: effects that talk to the terminal itself are skipped.
    pub fn without_terminal(mut self) -> Runtime {
        self.terminal = false;
        self
    }

    pub fn settled(&self) -> bool {
        self.running.load(Ordering::SeqCst) == 0
    }

    /// Feeds `msg` to the core and runs what it asks; returns whether a redraw was asked.
    pub fn apply(&self, app: &mut App, msg: Msg) -> bool {
        let mut redraw = false;
        for effect in update(app, msg) {
            match effect {
                Effect::Redraw => redraw = true,
                other => self.spawn(other),
            }
        }
        redraw
    }

    pub fn spawn(&self, effect: Effect) {
        self.running.fetch_add(1, Ordering::SeqCst);
        match effect {
            Effect::Redraw => {
                self.running.fetch_sub(1, Ordering::SeqCst);
            }
            Effect::Copy(_) if !self.terminal => {
                self.running.fetch_sub(1, Ordering::SeqCst);
            }
            Effect::CheckDraft { seq, draft } => {
                if self.checks.send((seq, draft)).is_err() {
                    self.running.fetch_sub(1, Ordering::SeqCst);
                }
            }
            Effect::Search { seq, query } if !query.is_empty() => {
                let draft = Draft {
                    name: query,
                    ..Draft::default()
                };
                if self.searches.send((seq, draft)).is_err() {
                    self.running.fetch_sub(1, Ordering::SeqCst);
                }
            }
            effect => {
                let (client, tx, running) =
                    (self.client.clone(), self.tx.clone(), self.running.clone());
                tokio::spawn(async move {
                    if let Some(msg) = run_effect(effect, &client).await {
                        let _ = tx.send(msg).await;
                    }
                    running.fetch_sub(1, Ordering::SeqCst);
                });
            }
        }
    }
}

async fn run_effect(effect: Effect, client: &Client) -> Option<Msg> {
    Some(match effect {
        Effect::Redraw | Effect::CheckDraft { .. } => return None,
        Effect::LoadFigures => Msg::Loaded(data::load_figures(client).await),
        Effect::LoadPool { unclaimed } => Msg::PoolLoaded(data::load_pool(client, unclaimed).await),
        Effect::LoadMore { pool, after } => {
            Msg::MoreLoaded(data::load_unclaimed(client, pool, after, state::PAGE).await)
        }
        Effect::Claim(id) => Msg::Done(data::change(client, Action::ClaimLead(id)).await),
        Effect::Release(id) => Msg::Done(data::change(client, Action::ReleaseLead(id)).await),
        Effect::ClaimCustomer(id) => {
            Msg::Done(data::change(client, Action::ClaimCustomer(id)).await)
        }
        Effect::FollowUp { lead, note } => Msg::Done(data::follow_up(client, lead, note).await),
        Effect::PreviewAssign { leads, login } => {
            Msg::AssignPreview(data::preview_assign(client, leads, login).await)
        }
        Effect::Assign { leads, to } => Msg::Done(data::assign(client, leads, to).await),
        Effect::Debounce { what, seq, ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Msg::DebounceDue { what, seq }
        }
        Effect::Search { seq, .. } => Msg::SearchResults {
            seq,
            result: data::my_customers(client).await,
        },
        Effect::ClearDraft => {
            let _ = client
                .execute("select dibs.clear_draft('customer')", &[])
                .await;
            return None;
        }
        Effect::Save(new) => Msg::Saved(
            crate::ownership::perform(client, &Action::CreateCustomer(new), None)
                .await
                .map_err(|e| e.to_string()),
        ),
        Effect::LoadDetail(id) => Msg::DetailLoaded(data::load_detail(client, id).await),
        Effect::LoadBoard(query) => Msg::BoardLoaded(data::load_board(client, query).await),
        Effect::LoadTree(id) => Msg::TreeLoaded(data::load_tree(client, id).await),
        Effect::PreviewTransfer { from, to } => {
            Msg::TransferPreview(data::preview_transfer(client, from, to).await)
        }
        Effect::TransferAll {
            from,
            to,
            reason,
            label,
        } => Msg::Done(data::transfer_all(client, from, to, reason, label).await),
        Effect::UndoTransfer { batch, reason } => {
            Msg::Done(data::undo_transfer(client, batch, reason).await)
        }
        Effect::LoadPersonHistory(login) => {
            Msg::DetailLoaded(data::load_person_history(client, login).await)
        }
        Effect::Export { what, rows } => Msg::Exported(write_export(what, &rows)),
        Effect::Copy(text) => {
            // Straight to the terminal, between frames: the terminal (local or at the far
            // end of SSH) puts it on its clipboard. Harmless where unsupported.
            use std::io::Write;
            let mut out = std::io::stdout();
            let _ = out.write_all(export::osc52(&text).as_bytes());
            let _ = out.flush();
            return None;
        }
        Effect::LoadChildren(parent) => Msg::ChildrenLoaded {
            parent,
            result: data::load_children(client, parent).await,
        },
        Effect::MoveCard {
            id,
            stage,
            version,
            reason,
        } => Msg::CardMoved(data::move_card(client, id, stage, version, reason).await),
    })
}

/// Writes an export into the current directory (else the temp directory) and says where.
fn write_export(what: &str, rows: &[Vec<String>]) -> Result<(usize, String), String> {
    let bytes = export::csv_bytes(rows)?;
    let name = format!(
        "dibs-{what}-{}.csv",
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    );
    let mut last_error = String::new();
    for dir in [std::env::current_dir().ok(), Some(std::env::temp_dir())]
        .into_iter()
        .flatten()
    {
        let path = dir.join(&name);
        match std::fs::write(&path, &bytes) {
            Ok(()) => return Ok((rows.len().saturating_sub(1), path.display().to_string())),
            Err(e) => last_error = format!("{}: {e}", path.display()),
        }
    }
    Err(last_error)
}

/// Search-as-you-type on its own connection: the newest request wins, the query still
/// running for an older one is cancelled on the server (`LiveChecker`). Every request
/// is answered, superseded ones with an error the core drops by its sequence number.
async fn latest_wins(
    config: Config,
    record_drafts: bool,
    mut jobs: mpsc::UnboundedReceiver<(u64, Draft)>,
    tx: mpsc::Sender<Msg>,
    running: Arc<AtomicUsize>,
    reply: fn(u64, Result<LiveResult, String>) -> Msg,
) {
    let answer = |seq, result| {
        let (tx, running) = (tx.clone(), running.clone());
        async move {
            let _ = tx.send(reply(seq, result)).await;
            running.fetch_sub(1, Ordering::SeqCst);
        }
    };
    let mut checker: Option<LiveChecker> = None;
    let mut next = None;
    loop {
        let (seq, draft) = match next.take() {
            Some(job) => job,
            None => match jobs.recv().await {
                Some(job) => job,
                None => return,
            },
        };
        if checker.is_none() {
            let connected = match crate::db::connect(&config).await {
                Ok(client) => LiveChecker::new(client, Entity::Customer)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match connected {
                Ok(c) if record_drafts => checker = Some(c),
                Ok(c) => checker = Some(c.without_drafts()),
                Err(error) => {
                    answer(seq, Err(error)).await;
                    continue;
                }
            }
        }
        let Some(live) = checker.as_mut() else {
            continue;
        };
        let k = if record_drafts {
            customers::PANEL_SIZE
        } else {
            50
        };
        let handle = live.submit(draft, k);
        tokio::select! {
            joined = handle => {
                let result = match joined {
                    Ok(result) => result.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                if result.is_err() {
                    // A broken connection: connect afresh for the next request.
                    checker = None;
                }
                answer(seq, result).await;
            }
            newer = jobs.recv() => {
                answer(seq, Err("superseded".into())).await;
                match newer {
                    Some(job) => next = Some(job),
                    None => return,
                }
            }
        }
    }
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

/// The effects the app starts with.
pub fn start_effects() -> Vec<Effect> {
    vec![
        Effect::LoadFigures,
        Effect::LoadPool {
            unclaimed: state::PAGE,
        },
    ]
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    client: Arc<Client>,
    config: Config,
    mut app: App,
) -> std::io::Result<()> {
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let runtime = Runtime::start(&config, client, tx.clone());
    for effect in start_effects() {
        runtime.spawn(effect);
    }
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
            redraw |= runtime.apply(&mut app, msg);
        }
        if redraw && !app.quit {
            terminal.draw(|f| render(&app, f))?;
        }
    }
    listener.abort();
    if app.customers.form.open {
        runtime.spawn(Effect::ClearDraft);
    }
    Ok(())
}
