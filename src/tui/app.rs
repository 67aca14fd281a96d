//! The app's pure core: the registered tabs and flows, the chrome's state, the overlays, and
//! `update`, which routes each message to whoever it is for, applies their intents and
//! returns the work to run as data (`Effect`). No I/O: the runtime runs the effects and
//! feeds their answers back as messages.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::widgets::{Paragraph, Wrap};

use super::chrome::{self, Liveness, Status, Theme};
use super::cmd::{Cmd, Export, Intent, Lane, Note, Request, TabMsg};
use super::keymap::{Action, Context, Keymap};
use super::overlay::{self, Overlay, Prompt};
use super::tab::{Component, Ctx, Tab};
use crate::db::api::me::Figures;
use crate::domain::score::Draft;
use crate::error::Error;
use crate::text::{Label, Lang, TuiText};

/// The palette's owner name and tag.
const APP: &str = "app";
const PALETTE: u32 = 0;

/// What comes in: keys, answers for components, the header figures, live events.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Resized,
    /// One of the app's connections is up (or not).
    Link(Link, bool),
    /// Someone changed something: re-read what is shown.
    Changed,
    Figures(Result<Figures, Error>),
    /// Where an export went (rows, path), or why not.
    Exported(Result<(usize, String), Error>),
    /// An answer for the component named.
    To(&'static str, TabMsg),
    /// How the replica that lists and search read from stands (only with a `read_url`).
    Replica(crate::db::replica::ReplicaState),
}

/// The connections the screen depends on: the status bar says "live" only while all are up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Link {
    /// The LISTEN connection live events arrive on.
    Events,
    /// The pool reads and changes go through.
    Work,
    /// The app's own notifier, when it runs one (it publishes everyone's changes as events).
    Notifier,
}

/// What the runtime runs for the core; answers come back as `Msg::To(owner, …)`.
#[derive(Debug)]
pub enum Effect {
    Redraw,
    LoadFigures,
    Request {
        owner: &'static str,
        request: Box<dyn Request>,
    },
    Live {
        owner: &'static str,
        lane: Lane,
        seq: u64,
        draft: Draft,
    },
    Timer {
        owner: &'static str,
        ms: u64,
        token: u64,
    },
    Export(Export),
    Copy(String),
}

impl Effect {
    pub fn is_redraw(&self) -> bool {
        matches!(self, Effect::Redraw)
    }
}

/// How the app was asked to look and behave.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub readonly: bool,
    pub theme: Theme,
    pub keymap: Keymap,
}

pub struct App {
    pub database: String,
    pub lang: Lang,
    pub theme: Theme,
    pub keymap: Keymap,
    pub readonly: bool,
    /// Driven by a headless script: no live connection, and the status bar says so.
    pub scripted: bool,
    pub tabs: Vec<Box<dyn Tab>>,
    /// Flows with no pane of their own (the repair hand-over).
    pub components: Vec<Box<dyn Component>>,
    pub current: usize,
    pub figures: Option<Figures>,
    /// The last outcome in words ("王芳 claimed it 2 s ago"), or an error.
    pub flash: Option<Note>,
    pub overlay: Option<Overlay>,
    /// Since when each broken connection has been down (local time); empty when all are up.
    pub down: std::collections::BTreeMap<Link, chrono::DateTime<chrono::Local>>,
    /// The live-event connection has been up at least once.
    pub connected: bool,
    /// The read replica's state, when reads go to one.
    pub replica: Option<crate::db::replica::ReplicaState>,
    /// Tabs that missed a live event while not shown: they re-read when shown again.
    stale: Vec<bool>,
    pub quit: bool,
}

impl App {
    /// The tabs of this person's role (a partner's person sees only their registrations;
    /// managers and admins get the review queue too).
    pub fn for_role(mut self, role: &str) -> App {
        self.tabs = super::tabs::for_role(role);
        self.stale = vec![false; self.tabs.len()];
        self.current = 0;
        self
    }

    pub fn new(database: String, lang: Lang, options: Options) -> App {
        let tabs = super::tabs::all();
        let stale = vec![false; tabs.len()];
        App {
            database,
            lang,
            theme: options.theme,
            keymap: options.keymap,
            readonly: options.readonly,
            scripted: false,
            tabs,
            components: super::tabs::components(),
            current: 0,
            figures: None,
            flash: None,
            overlay: None,
            down: Default::default(),
            connected: false,
            replica: None,
            stale,
            quit: false,
        }
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            lang: self.lang,
            theme: self.theme,
            keymap: &self.keymap,
            readonly: self.readonly,
        }
    }

    /// The tab of that id, as its own type (for tests and the benchmark).
    pub fn tab<T: 'static>(&self) -> Option<&T> {
        self.tabs.iter().find_map(|t| t.as_any().downcast_ref())
    }

    pub fn tab_mut<T: 'static>(&mut self) -> Option<&mut T> {
        self.tabs
            .iter_mut()
            .find_map(|t| t.as_any_mut().downcast_mut())
    }

    pub fn current_id(&self) -> &'static str {
        self.tabs[self.current].id()
    }

    /// Where the keyboard is now.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Confirm { .. }) => Context::Confirm,
            Some(Overlay::Prompt(_)) => Context::Prompt,
            Some(Overlay::Help) => Context::Global,
            None => self.tabs[self.current].context(),
        }
    }

    /// What the app does first: the header figures, and whatever each component loads.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut effects = vec![Effect::LoadFigures];
        let ctx_parts = (self.lang, self.theme, self.readonly);
        for index in 0..self.tabs.len() {
            let cmds = {
                let ctx = Ctx {
                    lang: ctx_parts.0,
                    theme: ctx_parts.1,
                    keymap: &self.keymap,
                    readonly: ctx_parts.2,
                };
                self.tabs[index].start(&ctx)
            };
            let owner = self.tabs[index].id();
            effects.extend(self.apply(owner, cmds));
        }
        effects
    }

    /// The app quits: what components take back (drafts) before the runtime stops.
    pub fn leave(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        for index in 0..self.tabs.len() {
            let cmds = self.tabs[index].leave();
            let owner = self.tabs[index].id();
            effects.extend(self.apply(owner, cmds));
        }
        effects
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.key(key),
            Msg::Resized => vec![Effect::Redraw],
            Msg::Link(link, up) => {
                if up {
                    let was_down = self.down.remove(&link).is_some();
                    if link == Link::Events {
                        self.connected = true;
                    }
                    // The work connection is back: what is on screen may be stale (the events
                    // connection re-reads by itself when it comes back).
                    if was_down && link == Link::Work {
                        return self.update(Msg::Changed);
                    }
                } else {
                    self.down.entry(link).or_insert_with(chrono::Local::now);
                }
                vec![Effect::Redraw]
            }
            Msg::Replica(state) => {
                let before = self.replica_note();
                self.replica = Some(state);
                if self.replica_note() == before {
                    Vec::new()
                } else {
                    vec![Effect::Redraw]
                }
            }
            Msg::Changed => {
                let mut effects = vec![Effect::LoadFigures];
                for (index, stale) in self.stale.iter_mut().enumerate() {
                    *stale = index != self.current;
                }
                let cmds = {
                    let ctx = Ctx {
                        lang: self.lang,
                        theme: self.theme,
                        keymap: &self.keymap,
                        readonly: self.readonly,
                    };
                    self.tabs[self.current].refresh(&ctx)
                };
                let owner = self.current_id();
                effects.extend(self.apply(owner, cmds));
                effects
            }
            Msg::Figures(Ok(figures)) => {
                self.figures = Some(figures);
                vec![Effect::Redraw]
            }
            Msg::Figures(Err(error)) => {
                self.flash = Some(Note::Failed(error));
                vec![Effect::Redraw]
            }
            Msg::Exported(result) => {
                self.flash = Some(match result {
                    Ok((rows, path)) => TuiText::Exported { rows, path }.into(),
                    Err(error) => Note::Failed(error),
                });
                vec![Effect::Redraw]
            }
            Msg::To(owner, msg) => self.deliver(owner, msg),
        }
    }

    /// A message for a component, by id.
    fn deliver(&mut self, owner: &'static str, msg: TabMsg) -> Vec<Effect> {
        let cmds = {
            let ctx = Ctx {
                lang: self.lang,
                theme: self.theme,
                keymap: &self.keymap,
                readonly: self.readonly,
            };
            if let Some(tab) = self.tabs.iter_mut().find(|t| t.id() == owner) {
                tab.update(&ctx, msg)
            } else if let Some(c) = self.components.iter_mut().find(|c| c.id() == owner) {
                c.update(&ctx, msg)
            } else {
                Vec::new()
            }
        };
        self.apply(owner, cmds)
    }

    /// Applies a component's commands: intents here, work as effects stamped with its name.
    fn apply(&mut self, owner: &'static str, cmds: Vec<Cmd>) -> Vec<Effect> {
        let mut effects = Vec::new();
        for cmd in cmds {
            match cmd {
                Cmd::Redraw => effects.push(Effect::Redraw),
                Cmd::Request(request) => effects.push(Effect::Request { owner, request }),
                Cmd::Live { lane, seq, draft } => effects.push(Effect::Live {
                    owner,
                    lane,
                    seq,
                    draft,
                }),
                Cmd::Timer { ms, token } => effects.push(Effect::Timer { owner, ms, token }),
                Cmd::Intent(intent) => effects.extend(self.intent(owner, intent)),
            }
        }
        effects
    }

    fn intent(&mut self, owner: &'static str, intent: Intent) -> Vec<Effect> {
        match intent {
            Intent::Confirm { question, tag } => {
                self.overlay = Some(Overlay::Confirm {
                    owner,
                    question,
                    tag,
                });
            }
            Intent::Prompt { label, text, tag } => {
                self.overlay = Some(Overlay::Prompt(Prompt {
                    owner,
                    label,
                    text,
                    tag,
                    commands: Vec::new(),
                }));
            }
            Intent::Flash(note) => self.flash = Some(note),
            Intent::Switch(id) => return self.switch_to_id(id),
            Intent::Reload => return vec![Effect::LoadFigures, Effect::Redraw],
            Intent::Run(command) => return self.run_command(command),
            Intent::Quit => self.quit = true,
        }
        vec![Effect::Redraw]
    }

    fn switch_to(&mut self, index: usize) -> Vec<Effect> {
        if index >= self.tabs.len() {
            return Vec::new();
        }
        let was_stale = std::mem::replace(&mut self.stale[index], false);
        self.current = index;
        let cmds = {
            let ctx = Ctx {
                lang: self.lang,
                theme: self.theme,
                keymap: &self.keymap,
                readonly: self.readonly,
            };
            let mut cmds = self.tabs[index].enter(&ctx);
            if was_stale {
                cmds.extend(self.tabs[index].refresh(&ctx));
            }
            cmds
        };
        let owner = self.current_id();
        let mut effects = vec![Effect::Redraw];
        effects.extend(self.apply(owner, cmds));
        effects
    }

    fn switch_to_id(&mut self, id: &str) -> Vec<Effect> {
        match self.tabs.iter().position(|t| t.id() == id) {
            Some(index) if index == self.current => vec![Effect::Redraw],
            Some(index) => self.switch_to(index),
            None => Vec::new(),
        }
    }

    fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        // Ctrl-C always quits, whatever has the keyboard.
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return Vec::new();
        }
        let context = self.context();
        let action = self.keymap.action(context, key);
        match self.overlay.take() {
            Some(Overlay::Help) => vec![Effect::Redraw],
            Some(Overlay::Confirm { owner, tag, .. }) => {
                let yes = action == Some(Action::Yes);
                let mut effects = vec![Effect::Redraw];
                effects.extend(self.deliver(owner, TabMsg::Answer { tag, yes }));
                effects
            }
            Some(Overlay::Prompt(prompt)) => self.prompt_key(prompt, key, action),
            None => self.tab_key(key, action),
        }
    }

    fn prompt_key(
        &mut self,
        mut prompt: Prompt,
        key: KeyEvent,
        action: Option<Action>,
    ) -> Vec<Effect> {
        match action {
            Some(Action::Cancel) => return vec![Effect::Redraw],
            Some(Action::Submit) => {
                let text = prompt.text.trim().to_string();
                if prompt.owner == APP && prompt.tag == PALETTE {
                    return self.run_command(&text);
                }
                let mut effects = vec![Effect::Redraw];
                effects.extend(self.deliver(
                    prompt.owner,
                    TabMsg::Prompted {
                        tag: prompt.tag,
                        text,
                    },
                ));
                return effects;
            }
            Some(Action::Complete) if prompt.is_palette() => prompt.complete(),
            Some(Action::ClearField) => prompt.text.clear(),
            _ => match key.code {
                KeyCode::Backspace => {
                    prompt.text.pop();
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    prompt.type_char(c)
                }
                _ => {}
            },
        }
        self.overlay = Some(Overlay::Prompt(prompt));
        vec![Effect::Redraw]
    }

    fn tab_key(&mut self, key: KeyEvent, action: Option<Action>) -> Vec<Effect> {
        // A new key clears the last outcome once something else is asked.
        match action {
            Some(Action::NextTab) => {
                let next = (self.current + 1) % self.tabs.len();
                return self.switch_to(next);
            }
            Some(Action::GotoTab(n)) => return self.switch_to(usize::from(n) - 1),
            Some(Action::Palette) => {
                self.overlay = Some(Overlay::Prompt(Prompt {
                    owner: APP,
                    label: Label::PalettePrompt,
                    text: String::new(),
                    tag: PALETTE,
                    commands: self.palette_commands(),
                }));
                return vec![Effect::Redraw];
            }
            Some(Action::Help) => {
                self.overlay = Some(Overlay::Help);
                return vec![Effect::Redraw];
            }
            Some(Action::Quit) => {
                self.quit = true;
                return Vec::new();
            }
            Some(Action::Refresh) => return self.refresh(),
            Some(Action::Export) => {
                let ctx = self.ctx();
                return match self.tabs[self.current].export(&ctx) {
                    Some(export) => vec![Effect::Export(export)],
                    None => Vec::new(),
                };
            }
            Some(Action::Copy) => {
                let ctx = self.ctx();
                let Some(line) = self.tabs[self.current].copy_line(&ctx) else {
                    return Vec::new();
                };
                self.flash = Some(TuiText::Copied { text: line.clone() }.into());
                return vec![Effect::Copy(line), Effect::Redraw];
            }
            _ => {}
        }
        let cmds = {
            let ctx = Ctx {
                lang: self.lang,
                theme: self.theme,
                keymap: &self.keymap,
                readonly: self.readonly,
            };
            self.tabs[self.current].on_key(&ctx, key, action)
        };
        let owner = self.current_id();
        self.apply(owner, cmds)
    }

    fn refresh(&mut self) -> Vec<Effect> {
        let cmds = {
            let ctx = Ctx {
                lang: self.lang,
                theme: self.theme,
                keymap: &self.keymap,
                readonly: self.readonly,
            };
            self.tabs[self.current].refresh(&ctx)
        };
        let owner = self.current_id();
        let mut effects = vec![Effect::LoadFigures];
        effects.extend(self.apply(owner, cmds));
        effects
    }

    /// Every palette command: switching to a tab by its name, the app's own, the components'.
    pub fn palette_commands(&self) -> Vec<&'static str> {
        let mut commands: Vec<&'static str> = self.tabs.iter().map(|t| t.id()).collect();
        for tab in &self.tabs {
            commands.extend(tab.commands());
        }
        for component in &self.components {
            commands.extend(component.commands());
        }
        commands.extend(["refresh", "help", "quit"]);
        commands
    }

    fn run_command(&mut self, typed: &str) -> Vec<Effect> {
        let mut words = typed.split_whitespace();
        let typed = words.next().unwrap_or("");
        let args: Vec<&str> = words.collect();
        let commands = self.palette_commands();
        let options: Vec<&'static str> = commands
            .iter()
            .copied()
            .filter(|c| c.starts_with(typed))
            .collect();
        let command = if let Some(exact) = commands.iter().find(|c| **c == typed) {
            *exact
        } else if options.len() == 1 && !typed.is_empty() {
            options[0]
        } else {
            self.flash = Some(Label::NoSuchCommand.into());
            return vec![Effect::Redraw];
        };
        match command {
            "refresh" => return self.refresh(),
            "help" => {
                self.overlay = Some(Overlay::Help);
                return vec![Effect::Redraw];
            }
            "quit" => {
                self.quit = true;
                return Vec::new();
            }
            _ => {}
        }
        if let Some(index) = self.tabs.iter().position(|t| t.id() == command) {
            return self.switch_to(index);
        }
        let ctx = Ctx {
            lang: self.lang,
            theme: self.theme,
            keymap: &self.keymap,
            readonly: self.readonly,
        };
        let mut owner = None;
        let mut cmds = Vec::new();
        if let Some(tab) = self
            .tabs
            .iter_mut()
            .find(|t| t.commands().contains(&command))
        {
            owner = Some(tab.id());
            cmds = tab.command(&ctx, command, &args);
        } else if let Some(c) = self
            .components
            .iter_mut()
            .find(|c| c.commands().contains(&command))
        {
            owner = Some(c.id());
            cmds = c.command(&ctx, command, &args);
        }
        let mut effects = vec![Effect::Redraw];
        if let Some(owner) = owner {
            effects.extend(self.apply(owner, cmds));
        }
        effects
    }

    /// Draws the whole screen: chrome, the current tab, what sits over it.
    /// What the status bar says: live only while every connection is up.
    /// What the status bar says of the replica: its lag once over a second, or that it is
    /// down; nothing while it keeps up (or when there is none).
    pub fn replica_note(&self) -> Option<TuiText> {
        match self.replica? {
            crate::db::replica::ReplicaState::Down => Some(TuiText::ReplicaDown),
            crate::db::replica::ReplicaState::Answering { lag } if lag.as_secs() >= 1 => {
                Some(TuiText::ReplicaBehind {
                    seconds: lag.as_secs(),
                })
            }
            crate::db::replica::ReplicaState::Answering { .. } => None,
        }
    }

    pub fn liveness(&self) -> Liveness {
        if self.scripted {
            return Liveness::Scripted;
        }
        match self.down.values().min() {
            Some(since) => Liveness::Reconnecting(since.format("%H:%M:%S").to_string()),
            None if self.connected => Liveness::Live,
            None => Liveness::Connecting,
        }
    }

    pub fn render(&self, frame: &mut Frame) {
        let area = frame.area();
        let ctx = self.ctx();
        if area.width < chrome::MIN_SIZE.0 || area.height < chrome::MIN_SIZE.1 {
            let text = TuiText::TooSmall {
                width: area.width,
                height: area.height,
            }
            .render(self.lang);
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
            return;
        }
        let [tabs, figures, main, flash, status] = chrome::bands(area);
        let titles: Vec<(String, Label)> = self
            .tabs
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let key = self
                    .keymap
                    .first_key(Action::GotoTab(i as u8 + 1))
                    .unwrap_or_default();
                (key, t.title())
            })
            .collect();
        chrome::tab_bar(
            frame,
            tabs,
            self.theme,
            self.lang,
            &titles,
            self.current,
            self.figures.as_ref(),
        );
        chrome::figures_line(frame, figures, self.theme, self.lang, self.figures.as_ref());
        let tab = &self.tabs[self.current];
        tab.view(&ctx, frame, main);
        match &self.overlay {
            Some(Overlay::Prompt(prompt)) => overlay::prompt::view(&ctx, prompt, frame, flash),
            _ => chrome::outcome_line(frame, flash, self.theme, self.lang, self.flash.as_ref()),
        }
        let mut hints = tab.hints();
        if tab.context().takes_global() {
            hints.extend([Action::Palette, Action::Help]);
        }
        chrome::status_bar(
            frame,
            status,
            self.theme,
            self.lang,
            &Status {
                database: &self.database,
                liveness: self.liveness(),
                replica: self.replica_note().map(|note| note.render(self.lang)),
                readonly: self.readonly,
                hints: self.keymap.hints(&hints, self.lang),
            },
        );
        match &self.overlay {
            Some(Overlay::Confirm { question, .. }) => {
                overlay::confirm::view(&ctx, question, frame)
            }
            Some(Overlay::Help) => overlay::help::view(&ctx, tab.context(), frame),
            _ => {}
        }
    }
}
