//! The app in a real terminal: reads keys, runs the core, draws only when something
//! changed (nothing is drawn at idle; bursts of messages are coalesced into one frame).
//!
//! Terminal hygiene: SIGTERM, SIGHUP and SIGINT end the app the way `q` does (drafts
//! withdrawn, terminal restored); Ctrl-Z and an outside SIGTSTP hand the terminal back before
//! the process stops, and SIGCONT (`fg`) takes it again — raw mode, alternate screen, a full
//! redraw — however the process was stopped.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{Event, EventStream, KeyCode, KeyEventKind, KeyModifiers};
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;
use tokio_postgres::Config;

use super::Runtime;
use crate::db::Session;
use crate::error::Error;
use crate::tui::app::{App, Link, Msg};

/// How long quitting waits for the components' last words (drafts withdrawn).
const LEAVE_LIMIT: Duration = Duration::from_secs(3);

/// Runs the app until the person quits. The terminal is restored on every exit path,
/// including a panic (ratatui's `init` installs a hook that restores it first) and the
/// signals that end a program.
pub async fn run(
    config: Config,
    mut app: App,
    notifier: tokio::sync::watch::Receiver<bool>,
) -> Result<(), Error> {
    let db = Session::open(&config).await?;
    let mut signals = Signals::new().map_err(terminal_failed)?;
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, db, config, &mut app, notifier, &mut signals).await;
    hand_back();
    result.map_err(terminal_failed)
}

fn terminal_failed(e: std::io::Error) -> Error {
    crate::text::TuiText::TerminalFailed {
        detail: e.to_string(),
    }
    .into()
}

/// The signals the app answers. The ending ones (TERM, HUP, INT) are watched by a task of
/// their own: it asks the loop to quit and, should the loop not manage within a few seconds
/// (stuck writing to a terminal nobody reads), restores the terminal and exits itself — a
/// handled signal must never leave a process that no longer dies of it.
struct Signals {
    quit: mpsc::Receiver<()>,
    stop: Signal,
    resume: Signal,
}

/// How long the loop has to quit after an ending signal before the watcher ends the process.
const QUIT_LIMIT: Duration = Duration::from_secs(5);

/// What a signal asks of the loop.
enum Asked {
    Quit,
    Suspend,
    Resume,
}

impl Signals {
    fn new() -> std::io::Result<Signals> {
        let mut terminate = signal(SignalKind::terminate())?;
        let mut hangup = signal(SignalKind::hangup())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        let (tx, quit) = mpsc::channel(1);
        tokio::spawn(async move {
            let code = tokio::select! {
                _ = terminate.recv() => libc::SIGTERM,
                _ = hangup.recv() => libc::SIGHUP,
                _ = interrupt.recv() => libc::SIGINT,
            };
            let _ = tx.send(()).await;
            tokio::time::sleep(QUIT_LIMIT).await;
            tracing::warn!(
                "the app did not quit within {QUIT_LIMIT:?} of signal {code}; ending it"
            );
            hand_back();
            std::process::exit(128 + code);
        });
        Ok(Signals {
            quit,
            stop: signal(SignalKind::from_raw(libc::SIGTSTP))?,
            resume: signal(SignalKind::from_raw(libc::SIGCONT))?,
        })
    }

    async fn next(&mut self) -> Asked {
        tokio::select! {
            Some(()) = self.quit.recv() => Asked::Quit,
            _ = self.stop.recv() => Asked::Suspend,
            _ = self.resume.recv() => Asked::Resume,
        }
    }
}

/// Hands the terminal back to the shell and stops this process; returns once it runs again
/// (`fg`), with the terminal taken back.
fn suspend(terminal: &mut DefaultTerminal) -> std::io::Result<()> {
    hand_back();
    // SAFETY: raising a signal at this process; SIGSTOP cannot be caught, so this returns
    // only when the process is continued.
    unsafe {
        libc::raise(libc::SIGSTOP);
    }
    resume(terminal)
}

/// Gives the terminal back as the shell had it: cooked mode, main screen, cursor shown.
fn hand_back() {
    use ratatui::crossterm::{cursor, execute};
    ratatui::restore();
    let _ = execute!(std::io::stdout(), cursor::Show);
}

/// Takes the terminal (again): raw mode, alternate screen, hidden cursor, and a full redraw
/// (the shell may have reset the modes and drawn over the screen while the app was stopped).
fn resume(terminal: &mut DefaultTerminal) -> std::io::Result<()> {
    use ratatui::crossterm::{cursor, execute, terminal as term};
    term::enable_raw_mode()?;
    execute!(std::io::stdout(), term::EnterAlternateScreen, cursor::Hide)?;
    terminal.clear()
}

enum Next {
    Msg(Msg),
    Suspend,
    Resume,
    Quit,
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    db: Session,
    config: Config,
    app: &mut App,
    notifier: tokio::sync::watch::Receiver<bool>,
    signals: &mut Signals,
) -> std::io::Result<()> {
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let runtime = Runtime::start(&config, db.clone(), tx.clone());
    runtime.watch(Link::Notifier, notifier);
    runtime.run(app.start());
    let listener = tokio::spawn(super::listen::listen(config, db, tx.clone()));
    let mut events = EventStream::new();
    terminal.draw(|f| app.render(f))?;
    while !app.quit {
        let next = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key)))
                    if key.kind == KeyEventKind::Press
                        && key.code == KeyCode::Char('z')
                        && key.modifiers.contains(KeyModifiers::CONTROL) => Next::Suspend,
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => Next::Msg(Msg::Key(key)),
                Some(Ok(Event::Resize(..))) => Next::Msg(Msg::Resized),
                Some(Ok(_)) => continue,
                Some(Err(err)) => return Err(err),
                None => break,
            },
            asked = signals.next() => match asked {
                Asked::Quit => Next::Quit,
                Asked::Suspend => Next::Suspend,
                Asked::Resume => Next::Resume,
            },
            Some(msg) = rx.recv() => Next::Msg(msg),
        };
        let first = match next {
            Next::Msg(msg) => msg,
            Next::Quit => break,
            Next::Suspend => {
                suspend(terminal)?;
                terminal.draw(|f| app.render(f))?;
                continue;
            }
            Next::Resume => {
                resume(terminal)?;
                terminal.draw(|f| app.render(f))?;
                continue;
            }
        };
        // Coalesce: handle everything already waiting, then draw once.
        let mut redraw = runtime.apply(app, first);
        while let Ok(more) = rx.try_recv() {
            redraw |= runtime.apply(app, more);
        }
        if redraw && !app.quit {
            terminal.draw(|f| app.render(f))?;
        }
    }
    listener.abort();
    // What components take back (the draft colleagues see) must reach the database before
    // the runtime stops, or the draft would linger until it expires.
    runtime.run(app.leave());
    let deadline = Instant::now() + LEAVE_LIMIT;
    while !runtime.settled() && Instant::now() < deadline {
        tokio::select! {
            Some(msg) = rx.recv() => { runtime.apply(app, msg); }
            _ = tokio::time::sleep(Duration::from_millis(10)) => {}
        }
    }
    Ok(())
}
