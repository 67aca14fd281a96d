//! The terminal app (docs/ARCHITECTURE.md, "The app").
//!
//! - `app`: the pure core — the registered tabs, the chrome's state, the overlays, and the
//!   `update` that routes messages and returns effects as data;
//! - `tab`, `cmd`: the surface of a tab and what it may ask for (intents, requests);
//! - `tabs/`: one folder per tab (state + update, its requests, its drawing), and flows with
//!   no pane of their own (`repair`);
//! - `keymap`: keys by context and modifiers, with words; hints and help come from it;
//! - `chrome/`, `overlay/`: what is drawn around and over the current tab;
//! - `runtime/`: the shell that runs effects as tasks (latest-wins checks, LISTEN, timers),
//!   the real terminal, and headless script runs;
//! - `export`: CSV bytes and the OSC 52 clipboard sequence.

pub mod app;
pub mod chrome;
pub mod cmd;
pub mod export;
pub mod fixtures;
pub mod keymap;
pub mod overlay;
pub mod runtime;
pub mod tab;
pub mod tabs;

#[cfg(test)]
mod app_tests;
#[cfg(test)]
mod golden;
#[cfg(test)]
mod testing;

pub use app::{App, Effect, Msg, Options};
pub use chrome::Theme;
pub use chrome::widgets::buffer_to_text;
