//! Helpers for the app's unit tests: drive the pure core with keys and replies, pick the
//! work it asks for out of its effects, draw it.

use std::any::Any;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Effect, Msg, Options};
use super::chrome::widgets::buffer_to_text;
use super::cmd::{Lane, Request, TabMsg};
use crate::domain::score::Draft;
use crate::text::Lang;

pub fn app() -> App {
    App::new("dibs · wangfang".into(), Lang::En, Options::default())
}

pub fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
}

/// Types each character; returns every effect asked on the way.
pub fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| press(app, KeyCode::Char(c)))
        .collect()
}

/// The requests of type `R` among the effects, in order.
pub fn requests<R: Request + Clone>(effects: &[Effect]) -> Vec<R> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Request { request, .. } => request.as_any().downcast_ref::<R>().cloned(),
            _ => None,
        })
        .collect()
}

pub fn timers(effects: &[Effect]) -> Vec<u64> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Timer { token, .. } => Some(*token),
            _ => None,
        })
        .collect()
}

pub fn lives(effects: &[Effect]) -> Vec<(Lane, u64, Draft)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Live {
                lane, seq, draft, ..
            } => Some((*lane, *seq, draft.clone())),
            _ => None,
        })
        .collect()
}

/// A component's own message, delivered as the runtime would.
pub fn reply<M: Any + Send>(app: &mut App, owner: &'static str, msg: M) -> Vec<Effect> {
    app.update(Msg::To(owner, TabMsg::reply(msg)))
}

pub fn timer(app: &mut App, owner: &'static str, token: u64) -> Vec<Effect> {
    app.update(Msg::To(owner, TabMsg::Timer(token)))
}

pub fn screen(app: &App, width: u16, height: u16) -> (String, Buffer) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|f| app.render(f)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    (buffer_to_text(&buffer), buffer)
}

/// What the outcome line says.
pub fn flash(app: &App) -> String {
    app.flash
        .as_ref()
        .map(|n| n.render(app.lang))
        .unwrap_or_default()
}
