//! The app in a real terminal: reads keys, runs the core, draws only when something
//! changed (nothing is drawn at idle; bursts of messages are coalesced into one frame).

use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{Event, EventStream, KeyEventKind};
use tokio::sync::mpsc;
use tokio_postgres::Config;

use super::Runtime;
use crate::db::Session;
use crate::error::Error;
use crate::tui::app::{App, Msg};

/// Runs the app until the person quits. The terminal is restored on every exit path,
/// including a panic (ratatui's `init` installs a hook that restores it first).
pub async fn run(config: Config, mut app: App) -> Result<(), Error> {
    let client = crate::db::connect(&config).await?;
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, Session::new(client), config, &mut app).await;
    ratatui::restore();
    result.map_err(|e| {
        crate::text::TuiText::TerminalFailed {
            detail: e.to_string(),
        }
        .into()
    })
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    db: Session,
    config: Config,
    app: &mut App,
) -> std::io::Result<()> {
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let runtime = Runtime::start(&config, db, tx.clone());
    runtime.run(app.start());
    let listener = tokio::spawn(super::listen::listen(config, tx.clone()));
    let mut events = EventStream::new();
    terminal.draw(|f| app.render(f))?;
    while !app.quit {
        let first = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => Msg::Key(key),
                Some(Ok(Event::Resize(..))) => Msg::Resized,
                Some(Ok(_)) => continue,
                Some(Err(err)) => return Err(err),
                None => break,
            },
            Some(msg) = rx.recv() => msg,
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
    runtime.run(app.leave());
    Ok(())
}
