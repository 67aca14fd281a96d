//! The imperative shell: runs the core's effects as tasks and feeds their answers back as
//! messages. A key handler never waits for the database: the core returns effects, this runs
//! them. Every task sends exactly one message and only then counts itself done, so "no task
//! running and no message waiting" means the screen has settled (what the headless mode and
//! the benchmark wait for).

pub mod headless;
pub mod listen;
mod live;
pub mod terminal;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_postgres::Config;

use super::app::{App, Effect, Link, Msg};
use super::cmd::{Lane, TabMsg};
use crate::db::Session;
use crate::domain::score::Draft;
use crate::error::Error;

/// A latest-wins job: who asked, which request number, what to check.
type LiveJob = (&'static str, u64, Draft);

pub struct Runtime {
    db: Session,
    tx: mpsc::Sender<Msg>,
    panel: mpsc::UnboundedSender<LiveJob>,
    search: mpsc::UnboundedSender<LiveJob>,
    running: Arc<AtomicUsize>,
    /// A real terminal is attached (headless runs have none: nothing is written to stdout).
    terminal: bool,
}

impl Runtime {
    pub fn start(config: &Config, db: Session, tx: mpsc::Sender<Msg>) -> Runtime {
        let running = Arc::new(AtomicUsize::new(0));
        let (panel, panel_jobs) = mpsc::unbounded_channel();
        let (search, search_jobs) = mpsc::unbounded_channel();
        // Candidates may lag (the save is checked on the primary); the duplicate panel's
        // drafts go to the primary all the same.
        tokio::spawn(live::latest_wins(
            config.clone(),
            db.replica().cloned(),
            Lane::DuplicatePanel,
            panel_jobs,
            tx.clone(),
            running.clone(),
        ));
        tokio::spawn(live::latest_wins(
            config.clone(),
            db.replica().cloned(),
            Lane::Search,
            search_jobs,
            tx.clone(),
            running.clone(),
        ));
        let runtime = Runtime {
            db: db.clone(),
            tx,
            panel,
            search,
            running,
            terminal: true,
        };
        runtime.watch(Link::Work, db.link());
        if let Some(replica) = db.replica() {
            runtime.watch_replica(replica.state());
        }
        runtime
    }

    /// Tells the app whenever a connection goes down or comes back.
    pub fn watch(&self, link: Link, mut up: tokio::sync::watch::Receiver<bool>) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            loop {
                let now = *up.borrow_and_update();
                if tx.send(Msg::Link(link, now)).await.is_err() {
                    return;
                }
                if up.changed().await.is_err() {
                    return;
                }
            }
        });
    }

    /// Tells the app how the read replica stands, as it changes.
    fn watch_replica(
        &self,
        mut state: tokio::sync::watch::Receiver<crate::db::replica::ReplicaState>,
    ) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            loop {
                let now = *state.borrow_and_update();
                if tx.send(Msg::Replica(now)).await.is_err() {
                    return;
                }
                if state.changed().await.is_err() {
                    return;
                }
            }
        });
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
        self.run(app.update(msg))
    }

    /// Runs effects; returns whether a redraw was asked.
    pub fn run(&self, effects: Vec<Effect>) -> bool {
        let mut redraw = false;
        for effect in effects {
            match effect {
                Effect::Redraw => redraw = true,
                other => self.spawn(other),
            }
        }
        redraw
    }

    fn spawn(&self, effect: Effect) {
        self.running.fetch_add(1, Ordering::SeqCst);
        let done = {
            let running = self.running.clone();
            move || {
                running.fetch_sub(1, Ordering::SeqCst);
            }
        };
        match effect {
            Effect::Redraw => done(),
            Effect::Copy(text) => {
                if self.terminal {
                    // Straight to the terminal, between frames: the terminal (local or at the
                    // far end of SSH) puts it on its clipboard. Harmless where unsupported.
                    use std::io::Write;
                    let mut out = std::io::stdout();
                    let _ = out.write_all(super::export::osc52(&text).as_bytes());
                    let _ = out.flush();
                }
                done();
            }
            Effect::Live {
                owner,
                lane,
                seq,
                draft,
            } => {
                let lane = match lane {
                    Lane::DuplicatePanel => &self.panel,
                    Lane::Search => &self.search,
                };
                if lane.send((owner, seq, draft)).is_err() {
                    done();
                }
            }
            Effect::LoadFigures => {
                let (db, tx) = (self.db.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let figures = crate::db_read_lagging!(&db, c => crate::db::api::me::figures(c));
                    let _ = tx.send(Msg::Figures(figures)).await;
                    done();
                });
            }
            Effect::Request { owner, request } => {
                let (db, tx) = (self.db.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let reply = request.run(db).await;
                    let _ = tx.send(Msg::To(owner, TabMsg::Reply(reply))).await;
                    done();
                });
            }
            Effect::Timer { owner, ms, token } => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    let _ = tx.send(Msg::To(owner, TabMsg::Timer(token))).await;
                    done();
                });
            }
            Effect::Export(export) => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let written = write_export(export.what, &export.rows);
                    let _ = tx.send(Msg::Exported(written)).await;
                    done();
                });
            }
        }
    }
}

/// Writes an export into the current directory (else the temp directory) and says where.
fn write_export(what: &str, rows: &[Vec<String>]) -> Result<(usize, String), Error> {
    let bytes = super::export::csv_bytes(rows).map_err(|e| io_error("export", e))?;
    let name = format!(
        "dibs-{what}-{}.csv",
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    );
    let mut last_error = None;
    for dir in [std::env::current_dir().ok(), Some(std::env::temp_dir())]
        .into_iter()
        .flatten()
    {
        let path = dir.join(&name);
        match std::fs::write(&path, &bytes) {
            Ok(()) => return Ok((rows.len().saturating_sub(1), path.display().to_string())),
            Err(e) => last_error = Some(io_error(&path.display().to_string(), e)),
        }
    }
    Err(last_error.unwrap_or_else(|| io_error("export", std::io::Error::other("no directory"))))
}

fn io_error(what: &str, err: std::io::Error) -> Error {
    crate::text::TuiText::FileError {
        path: what.to_string(),
        detail: err.to_string(),
    }
    .into()
}
