//! The surface every tab shows the app, and what the app lends it while it works.
//!
//! A tab owns its state and changes nothing else: keys and answers go in, commands come out
//! (`Cmd`: redraw, intents for the app, database work). The app routes messages, applies the
//! intents and draws the chrome around the tab's area.

use std::any::Any;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::chrome::Theme;
use super::cmd::{Cmd, Export, TabMsg};
use super::keymap::{Action, Context, Keymap};
use crate::text::{Label, Lang};

/// What a tab may read of the app: the language and look, the keymap, the session's rights.
pub struct Ctx<'a> {
    pub lang: Lang,
    pub theme: Theme,
    pub keymap: &'a Keymap,
    pub readonly: bool,
}

impl Ctx<'_> {
    /// A label in this session's language.
    pub fn label(&self, label: Label) -> &'static str {
        label.render(self.lang)
    }
}

/// Something that takes messages and palette commands: a tab, or a flow with no pane of its
/// own (the repair hand-over).
pub trait Component: Send {
    /// The name messages are routed by, and the palette command that switches to a tab.
    fn id(&self) -> &'static str;

    /// An answer, a prompt's text, a timer, or the reply to one of its requests.
    fn update(&mut self, ctx: &Ctx, msg: TabMsg) -> Vec<Cmd>;

    /// Palette commands it runs (`:history`, `:sort`…).
    fn commands(&self) -> &'static [&'static str] {
        &[]
    }

    fn command(&mut self, _ctx: &Ctx, _name: &str, _args: &[&str]) -> Vec<Cmd> {
        Vec::new()
    }

    /// The app starts.
    fn start(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        Vec::new()
    }

    /// The app quits: take back what others see of us (a draft being typed).
    fn leave(&mut self) -> Vec<Cmd> {
        Vec::new()
    }

    /// For tests: the component as itself.
    fn as_any(&self) -> &dyn Any;
}

pub trait Tab: Component {
    fn title(&self) -> Label;

    /// Where the keyboard is inside the tab right now (its list, a form, an input…).
    fn context(&self) -> Context;

    /// A key, with what the keymap says it does here (none: a character to type, or nothing).
    fn on_key(&mut self, ctx: &Ctx, key: KeyEvent, action: Option<Action>) -> Vec<Cmd>;

    fn view(&self, ctx: &Ctx, frame: &mut Frame, area: Rect);

    /// The actions the status bar names right now (their keys come from the keymap).
    fn hints(&self) -> Vec<Action>;

    /// What the tab shows, as rows for a CSV file.
    fn export(&self, ctx: &Ctx) -> Option<Export>;

    /// The selected record as one line, for the clipboard.
    fn copy_line(&self, ctx: &Ctx) -> Option<String>;

    /// Re-read what it shows (`g`, or a colleague changed something).
    fn refresh(&mut self, ctx: &Ctx) -> Vec<Cmd>;

    /// It became the current tab.
    fn enter(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        Vec::new()
    }

    fn as_any_mut(&mut self) -> &mut dyn Any;
}
