//! Headless script mode: the real app core and runtime against a real database, driven by
//! a script of keys instead of a terminal, printing the final screen as text. For tests and
//! reproducible bug reports: `dibs open --keys '2/华为<Enter>' --size 80x24`.
//!
//! After every key the runner waits until the screen has settled — no effect running and no
//! message waiting — so a script gives the same screen on a fast or a slow machine.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TryRecvError;
use tokio_postgres::Config;

use super::Runtime;
use crate::db::Session;
use crate::error::Error;
use crate::text::SetupText;
use crate::tui::app::{App, Msg};
use crate::tui::chrome::widgets::buffer_to_text;
use crate::tui::keymap::parse_key;

fn bad_script(detail: String) -> Error {
    SetupText::BadScript { detail }.into()
}

/// Parses a script: characters are typed as they are (Chinese included); `<Name>` is a
/// named key (`<Enter>`, `<Esc>`, `<Tab>`, `<Down>`, `<Space>`, `<C-s>` for Ctrl-S, `<lt>`
/// for a literal `<`).
pub fn parse_script(script: &str) -> Result<Vec<KeyEvent>, Error> {
    let mut keys = Vec::new();
    let mut chars = script.chars();
    while let Some(c) = chars.next() {
        if c != '<' {
            keys.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            continue;
        }
        let name: String = chars.by_ref().take_while(|c| *c != '>').collect();
        if name.eq_ignore_ascii_case("lt") {
            keys.push(KeyEvent::new(KeyCode::Char('<'), KeyModifiers::NONE));
            continue;
        }
        keys.push(parse_key(&name).ok_or_else(|| bad_script(format!("unknown key <{name}>")))?);
    }
    Ok(keys)
}

/// What a scripted run measured, for `--stats` and the start-up benchmark.
#[derive(Debug, Clone, Copy)]
pub struct RunStats {
    /// From the start of the run to the first frame with data on it.
    pub first_frame: Duration,
    pub total: Duration,
}

/// Runs `keys` and returns the final screen as text.
pub async fn run_script(
    config: Config,
    mut app: App,
    keys: &[KeyEvent],
    size: (u16, u16),
    timeout: Duration,
) -> Result<(String, RunStats), Error> {
    let started = Instant::now();
    let db = Session::open(&config).await?;
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let runtime = Runtime::start(&config, db, tx).without_terminal();
    app.scripted = true;
    runtime.run(app.start());
    let deadline = started + timeout;
    settle(&mut app, &runtime, &mut rx, deadline).await?;
    let mut terminal =
        Terminal::new(TestBackend::new(size.0, size.1)).map_err(|e| bad_script(e.to_string()))?;
    terminal
        .draw(|f| app.render(f))
        .map_err(|e| bad_script(e.to_string()))?;
    let first_frame = started.elapsed();
    for key in keys {
        if app.quit {
            break;
        }
        runtime.apply(&mut app, Msg::Key(*key));
        settle(&mut app, &runtime, &mut rx, deadline).await?;
        // Draw as the app would, so render-side state (the scroll offset) follows. The test
        // backend does not model a wide character covering its neighbour the way a terminal
        // does, so each frame is drawn whole rather than as a diff of the last.
        terminal.clear().map_err(|e| bad_script(e.to_string()))?;
        terminal
            .draw(|f| app.render(f))
            .map_err(|e| bad_script(e.to_string()))?;
    }
    let text = buffer_to_text(terminal.backend().buffer());
    runtime.run(app.leave());
    settle(&mut app, &runtime, &mut rx, deadline).await?;
    Ok((
        text,
        RunStats {
            first_frame,
            total: started.elapsed(),
        },
    ))
}

/// Waits until no effect runs and no message waits.
pub async fn settle(
    app: &mut App,
    runtime: &Runtime,
    rx: &mut mpsc::Receiver<Msg>,
    deadline: Instant,
) -> Result<(), Error> {
    loop {
        // Read "settled" before looking at the queue: a task sends its message before it
        // counts itself done, so if none runs, everything it sent is already queued.
        let settled = runtime.settled();
        match rx.try_recv() {
            Ok(msg) => {
                runtime.apply(app, msg);
                continue;
            }
            Err(TryRecvError::Disconnected) => return Ok(()),
            Err(TryRecvError::Empty) if settled => return Ok(()),
            Err(TryRecvError::Empty) => {}
        }
        if Instant::now() > deadline {
            return Err(bad_script(
                "the script did not settle in time (a query still running?)".into(),
            ));
        }
        if let Ok(Some(msg)) = tokio::time::timeout(Duration::from_millis(10), rx.recv()).await {
            runtime.apply(app, msg);
        }
    }
}

/// A memory figure of this process in KiB from `/proc/self/status` (Linux): `VmHWM` is
/// the peak resident set, `VmRSS` the current one.
pub fn memory_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| {
            l.strip_prefix(field)
                .is_some_and(|rest| rest.starts_with(':'))
        })?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Peak resident memory of this process in KiB, for `--stats` and the benchmark.
pub fn peak_rss_kib() -> Option<u64> {
    memory_kib("VmHWM")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn scripts_type_text_and_named_keys() {
        let keys = parse_script("2/华为<Enter><C-s><lt>x<Space>").unwrap_or_default();
        assert_eq!(
            keys,
            vec![
                plain('2'),
                plain('/'),
                plain('华'),
                plain('为'),
                KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
                KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
                plain('<'),
                plain('x'),
                plain(' '),
            ]
        );
        let error = parse_script("<Entr>")
            .err()
            .map(|e| e.render(crate::text::Lang::En));
        assert!(error.is_some_and(|e| e.contains("unknown key <Entr>")));
    }
}
