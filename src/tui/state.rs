//! The pure core of the app: state, messages and `update`, which returns effects as data.
//! No I/O here — the shell (`mod.rs`) runs effects as tasks and feeds results back.
//! The lead pool tab lives here; the customers tab in `customers`.

use std::cell::Cell;
use std::collections::BTreeSet;

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use super::board::{self, Board, BoardQuery, MoveAnswer};
use super::customers::{self, Customers};
pub use super::keys::KeyAction;
use super::keys::Keymap;
use crate::dedup::check::{LiveResult, Match};
use crate::domain::score::Draft;
use crate::ownership::{NewCustomer, Outcome};
use crate::text::{Label, TuiText};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub display_name: String,
    pub team: String,
    /// My active customers (counting everyone's would read a million rows at start-up).
    pub customers: i64,
    pub pool_leads: i64,
    pub holding: i64,
    pub limit: i64,
}

/// One row of the lead pool pane.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadRow {
    pub id: i64,
    pub company: String,
    pub region: String,
    pub industry: String,
    pub source: String,
    pub owner: Option<String>,
    pub mine: bool,
    pub age_days: i64,
    /// Days since the last follow-up (None: never followed up).
    pub followed_days_ago: Option<i64>,
    /// Days until the pool recycles it (held leads only; ≤ 0: due now).
    pub recycle_in_days: Option<i64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Id,
    Company,
    Age,
    Recycle,
}

impl SortBy {
    fn next(self) -> SortBy {
        match self {
            SortBy::Id => SortBy::Company,
            SortBy::Company => SortBy::Age,
            SortBy::Age => SortBy::Recycle,
            SortBy::Recycle => SortBy::Id,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SortBy::Id => "#",
            SortBy::Company => "company",
            SortBy::Age => "age",
            SortBy::Recycle => "recycle",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolView {
    pub id: i64,
    pub name: String,
    pub rows: Vec<LeadRow>,
    pub cursor: usize,
    /// First row drawn: kept between frames so the list scrolls like a list (render-side).
    pub offset: Cell<usize>,
    /// More unclaimed leads exist past the last row (keyset paging by id, never OFFSET).
    pub has_more: bool,
    pub loading_more: bool,
}

/// Unclaimed leads read per page.
pub const PAGE: i64 = 200;
/// Read the next page when the cursor comes this close to the end.
const PREFETCH: usize = 20;

impl PoolView {
    fn unclaimed(&self) -> impl Iterator<Item = &LeadRow> {
        self.rows.iter().filter(|r| !r.mine)
    }

    /// My leads first, then the order chosen (ties by id, so the order is stable).
    fn sort(&mut self, by: SortBy) {
        self.rows.sort_by(|a, b| {
            b.mine.cmp(&a.mine).then_with(|| {
                match by {
                    SortBy::Id => std::cmp::Ordering::Equal,
                    SortBy::Company => a.company.cmp(&b.company),
                    SortBy::Age => b.age_days.cmp(&a.age_days),
                    SortBy::Recycle => a
                        .recycle_in_days
                        .unwrap_or(i64::MAX)
                        .cmp(&b.recycle_in_days.unwrap_or(i64::MAX)),
                }
                .then(a.id.cmp(&b.id))
            })
        });
    }
}

/// An ownership change waiting for the person's yes, with what it will change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    Claim {
        id: i64,
        company: String,
    },
    Release {
        id: i64,
        company: String,
    },
    ClaimCustomer {
        id: i64,
        company: String,
    },
    Assign {
        leads: Vec<i64>,
        to: i64,
        to_name: String,
        held: i64,
        limit: i64,
    },
    /// Everything `from` holds to `to`: how much fits under `to`'s limits, how much stays.
    TransferAll {
        from: i64,
        to: i64,
        from_login: String,
        to_login: String,
        moves: usize,
        stays: usize,
    },
}

/// A one-line text input at the bottom of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    FollowUp { lead: i64 },
    LostReason { id: i64, stage: i16, version: i32 },
    BoardFilter,
    TransferReason { from: i64, to: i64, label: String },
    AssignTo { leads: Vec<i64> },
    Palette,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
}

impl Prompt {
    pub fn label(&self) -> Label {
        match self.kind {
            PromptKind::FollowUp { .. } => Label::FollowupPrompt,
            PromptKind::LostReason { .. } => Label::LostReasonPrompt,
            PromptKind::BoardFilter => Label::BoardFilterPrompt,
            PromptKind::TransferReason { .. } => Label::RepairReasonPrompt,
            PromptKind::AssignTo { .. } => Label::AssignPrompt,
            PromptKind::Palette => Label::PalettePrompt,
        }
    }
}

/// The `:` commands; Tab completes them.
pub const COMMANDS: &[&str] = &[
    "pool",
    "customers",
    "board",
    "new",
    "search",
    "sort",
    "transfer",
    "undo",
    "history",
    "refresh",
    "help",
    "quit",
];

/// The commands starting with what was typed.
pub fn completions(typed: &str) -> Vec<&'static str> {
    let typed = typed.trim();
    COMMANDS
        .iter()
        .copied()
        .filter(|c| c.starts_with(typed))
        .collect()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Pool,
    Customers,
    Board,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct App {
    pub database: String,
    pub keymap: Keymap,
    pub theme: super::view::Theme,
    pub readonly: bool,
    /// Driven by a headless script: no live connection, and the status bar says so.
    pub scripted: bool,
    pub tab: Tab,
    pub figures: Option<Figures>,
    pub pool: Option<PoolView>,
    pub customers: Customers,
    pub board: Option<Board>,
    pub error: Option<String>,
    /// The last outcome in words ("王芳 claimed it 2 s ago").
    pub flash: Option<String>,
    pub confirm: Option<Pending>,
    pub prompt: Option<Prompt>,
    /// A live-event connection is up.
    pub live: bool,
    /// `/` filter over the pool list (company name, case-insensitive), and whether it is being typed.
    pub filter: String,
    pub typing_filter: bool,
    pub sort: SortBy,
    /// Leads marked with Space for a bulk assign.
    pub marked: BTreeSet<i64>,
    pub help: bool,
    pub quit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Debounced {
    Search,
    Draft,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyCode, KeyModifiers),
    Loaded(Result<Figures, String>),
    PoolLoaded(Result<PoolView, String>),
    /// The words for an ownership call's outcome (or its error).
    Done(Result<String, String>),
    /// The next page of unclaimed leads, and whether more follow.
    MoreLoaded(Result<(Vec<LeadRow>, bool), String>),
    /// Someone changed ownership somewhere: re-read what is shown.
    Changed,
    Live(bool),
    Resized,
    DebounceDue {
        what: Debounced,
        seq: u64,
    },
    SearchResults {
        seq: u64,
        result: Result<Vec<Match>, String>,
    },
    DuplicatePanel {
        seq: u64,
        result: Result<LiveResult, String>,
    },
    Saved(Result<Outcome, String>),
    DetailLoaded(Result<customers::Detail, String>),
    /// Who an assignment would go to and what they hold now.
    AssignPreview(Result<Pending, String>),
    /// What a hand-over would move (shown in a confirm dialog).
    TransferPreview(Result<Pending, String>),
    /// Where an export was written (or why not), and how many rows.
    Exported(Result<(usize, String), String>),
    BoardLoaded(Result<Board, String>),
    TreeLoaded(Result<super::tree::Tree, String>),
    ChildrenLoaded {
        parent: i64,
        result: Result<Vec<super::tree::Node>, String>,
    },
    CardMoved(Result<MoveAnswer, String>),
}

/// What `update` asks the shell to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Redraw,
    LoadFigures,
    /// Re-read the pool with at least this many unclaimed rows (what is already on screen).
    LoadPool {
        unclaimed: i64,
    },
    LoadMore {
        pool: i64,
        after: i64,
    },
    Claim(i64),
    Release(i64),
    ClaimCustomer(i64),
    FollowUp {
        lead: i64,
        note: String,
    },
    PreviewAssign {
        leads: Vec<i64>,
        login: String,
    },
    Assign {
        leads: Vec<i64>,
        to: i64,
    },
    /// Send `DebounceDue` after `ms` of quiet.
    Debounce {
        what: Debounced,
        seq: u64,
        ms: u64,
    },
    Search {
        seq: u64,
        query: String,
    },
    CheckDraft {
        seq: u64,
        draft: Draft,
    },
    ClearDraft,
    Save(NewCustomer),
    LoadDetail(i64),
    LoadBoard(BoardQuery),
    LoadTree(i64),
    LoadChildren(i64),
    /// Write these rows as CSV, named after `what`.
    Export {
        what: &'static str,
        rows: Vec<Vec<String>>,
    },
    /// Put this text on the terminal's clipboard.
    Copy(String),
    PreviewTransfer {
        from: String,
        to: String,
    },
    TransferAll {
        from: i64,
        to: i64,
        reason: String,
        label: String,
    },
    UndoTransfer {
        batch: i64,
        reason: String,
    },
    /// Everything one person did or was party to, in the 360° pane.
    LoadPersonHistory(String),
    MoveCard {
        id: i64,
        stage: i16,
        version: i32,
        reason: Option<String>,
    },
}

/// Does the row pass the filter (company name contains it, case-insensitive)?
fn passes(row: &LeadRow, needle: &str) -> bool {
    needle.is_empty() || row.company.to_lowercase().contains(needle)
}

impl App {
    /// The rows the filter lets through; the cursor indexes this list.
    pub fn visible_rows(&self) -> Vec<&LeadRow> {
        let needle = self.filter.to_lowercase();
        self.pool
            .as_ref()
            .map(|p| p.rows.iter().filter(|r| passes(r, &needle)).collect())
            .unwrap_or_default()
    }

    /// How many rows the filter lets through, without collecting them.
    pub fn visible_count(&self) -> usize {
        let needle = self.filter.to_lowercase();
        self.pool
            .as_ref()
            .map(|p| p.rows.iter().filter(|r| passes(r, &needle)).count())
            .unwrap_or(0)
    }

    fn selected(&self) -> Option<&LeadRow> {
        let cursor = self.pool.as_ref()?.cursor;
        let needle = self.filter.to_lowercase();
        self.pool
            .as_ref()?
            .rows
            .iter()
            .filter(|r| passes(r, &needle))
            .nth(cursor)
    }

    fn move_cursor(&mut self, delta: isize) -> Vec<Effect> {
        let visible = self.visible_count();
        let Some(pool) = self.pool.as_mut() else {
            return vec![Effect::Redraw];
        };
        let last = visible as isize - 1;
        pool.cursor = (pool.cursor as isize + delta).clamp(0, last.max(0)) as usize;
        let near_end = pool.cursor + PREFETCH >= visible;
        if near_end
            && pool.has_more
            && !pool.loading_more
            && let Some(after) = pool.unclaimed().map(|r| r.id).max()
        {
            pool.loading_more = true;
            return vec![
                Effect::LoadMore {
                    pool: pool.id,
                    after,
                },
                Effect::Redraw,
            ];
        }
        vec![Effect::Redraw]
    }

    fn reload(&self) -> Effect {
        let shown = self
            .pool
            .as_ref()
            .map(|p| p.unclaimed().count() as i64)
            .unwrap_or(0);
        Effect::LoadPool {
            unclaimed: shown.max(PAGE),
        }
    }

    pub(super) fn refuse_readonly(&mut self) -> Vec<Effect> {
        self.flash = Some(Label::ReadOnlyRefused.to_string());
        vec![Effect::Redraw]
    }

    /// Opens a confirm dialog for an ownership change (never in a read-only session).
    pub(super) fn ask(&mut self, pending: Pending) -> Vec<Effect> {
        if self.readonly {
            return self.refuse_readonly();
        }
        self.confirm = Some(pending);
        vec![Effect::Redraw]
    }

    pub(super) fn open_prompt(&mut self, kind: PromptKind) -> Vec<Effect> {
        if self.readonly && kind != PromptKind::Palette {
            return self.refuse_readonly();
        }
        self.prompt = Some(Prompt {
            kind,
            text: String::new(),
        });
        vec![Effect::Redraw]
    }

    fn switch_to(&mut self, tab: Tab) -> Vec<Effect> {
        self.tab = tab;
        let mut effects = vec![Effect::Redraw];
        if tab == Tab::Customers && self.customers.results.is_empty() && !self.customers.searching {
            effects.push(customers::search_now(&mut self.customers));
        }
        if tab == Tab::Board && self.board.is_none() {
            effects.push(Effect::LoadBoard(BoardQuery::default()));
        }
        effects
    }

    /// Keys every tab shares: tabs, palette, help, refresh, quit.
    pub(super) fn common_key(&mut self, code: KeyCode) -> Vec<Effect> {
        match self.keymap.action(code) {
            Some(KeyAction::Export) => match super::export::rows(self) {
                Some((what, rows)) => vec![Effect::Export { what, rows }],
                None => vec![],
            },
            Some(KeyAction::Copy) => match super::export::selected_line(self) {
                Some(text) => {
                    self.flash = Some(TuiText::Copied { text: text.clone() }.to_string());
                    vec![Effect::Copy(text), Effect::Redraw]
                }
                None => vec![],
            },
            Some(KeyAction::NextTab) => {
                let next = match self.tab {
                    Tab::Pool => Tab::Customers,
                    Tab::Customers => Tab::Board,
                    Tab::Board => Tab::Pool,
                };
                self.switch_to(next)
            }
            Some(KeyAction::Palette) => self.open_prompt(PromptKind::Palette),
            Some(KeyAction::Help) => {
                self.help = true;
                vec![Effect::Redraw]
            }
            Some(KeyAction::Refresh) => vec![self.reload(), Effect::LoadFigures],
            Some(KeyAction::Quit) => {
                self.quit = true;
                vec![]
            }
            _ => match code {
                KeyCode::Char('1') => self.switch_to(Tab::Pool),
                KeyCode::Char('2') => self.switch_to(Tab::Customers),
                KeyCode::Char('3') => self.switch_to(Tab::Board),
                _ => vec![],
            },
        }
    }

    fn pool_key(&mut self, code: KeyCode) -> Vec<Effect> {
        match self.keymap.action(code) {
            Some(KeyAction::Quit) if code == KeyCode::Esc && !self.filter.is_empty() => {
                // Esc first clears a filter; q still quits.
                self.filter.clear();
                vec![Effect::Redraw]
            }
            Some(KeyAction::Quit) if code == KeyCode::Esc && !self.marked.is_empty() => {
                self.marked.clear();
                vec![Effect::Redraw]
            }
            Some(KeyAction::Down) => self.move_cursor(1),
            Some(KeyAction::Up) => self.move_cursor(-1),
            Some(KeyAction::PageDown) => self.move_cursor(10),
            Some(KeyAction::PageUp) => self.move_cursor(-10),
            Some(KeyAction::Claim) => match self.selected() {
                Some(row) => {
                    let pending = Pending::Claim {
                        id: row.id,
                        company: row.company.clone(),
                    };
                    self.ask(pending)
                }
                None => vec![],
            },
            Some(KeyAction::Release) => match self.selected() {
                Some(row) => {
                    let pending = Pending::Release {
                        id: row.id,
                        company: row.company.clone(),
                    };
                    self.ask(pending)
                }
                None => vec![],
            },
            Some(KeyAction::Mark) => {
                if let Some(id) = self.selected().map(|r| r.id)
                    && !self.marked.remove(&id)
                {
                    self.marked.insert(id);
                }
                self.move_cursor(1)
            }
            Some(KeyAction::Assign) => {
                let leads: Vec<i64> = if self.marked.is_empty() {
                    self.selected().map(|r| r.id).into_iter().collect()
                } else {
                    self.marked.iter().copied().collect()
                };
                if leads.is_empty() {
                    return vec![];
                }
                self.open_prompt(PromptKind::AssignTo { leads })
            }
            Some(KeyAction::FollowUp) => match self.selected() {
                Some(row) => {
                    let lead = row.id;
                    self.open_prompt(PromptKind::FollowUp { lead })
                }
                None => vec![],
            },
            Some(KeyAction::Sort) => {
                self.sort = self.sort.next();
                let selected = self.selected().map(|r| r.id);
                let sort = self.sort;
                if let Some(pool) = self.pool.as_mut() {
                    pool.sort(sort);
                }
                self.keep_cursor_on(selected);
                self.flash = Some(TuiText::Sorted { by: sort.name() }.to_string());
                vec![Effect::Redraw]
            }
            Some(KeyAction::Filter) => {
                self.typing_filter = true;
                vec![Effect::Redraw]
            }
            Some(KeyAction::New) => {
                self.switch_to(Tab::Customers);
                customers::on_key(self, code, KeyModifiers::NONE)
            }
            _ => self.common_key(code),
        }
    }

    fn keep_cursor_on(&mut self, id: Option<i64>) {
        let needle = self.filter.to_lowercase();
        if let Some(pool) = self.pool.as_mut() {
            let visible = pool.rows.iter().filter(|r| passes(r, &needle));
            let count = visible.clone().count();
            let position = id.and_then(|id| visible.clone().position(|r| r.id == id));
            pool.cursor = position.unwrap_or(pool.cursor).min(count.saturating_sub(1));
        }
    }

    fn prompt_key(&mut self, code: KeyCode) -> Vec<Effect> {
        let Some(prompt) = self.prompt.as_mut() else {
            return vec![];
        };
        match code {
            KeyCode::Esc => self.prompt = None,
            KeyCode::Backspace => {
                prompt.text.pop();
            }
            KeyCode::Tab if prompt.kind == PromptKind::Palette => {
                let options = completions(&prompt.text);
                if let Some(first) = options.first() {
                    // Complete to the longest prefix all options share.
                    let common = options.iter().fold(first.to_string(), |acc, o| {
                        acc.chars()
                            .zip(o.chars())
                            .take_while(|(a, b)| a == b)
                            .map(|(a, _)| a)
                            .collect()
                    });
                    prompt.text = common;
                }
            }
            KeyCode::Char(c) if prompt.text.chars().count() < 1000 => prompt.text.push(c),
            KeyCode::Enter => {
                let Some(prompt) = self.prompt.take() else {
                    return vec![];
                };
                let text = prompt.text.trim().to_string();
                return match prompt.kind {
                    PromptKind::FollowUp { lead } => vec![
                        Effect::FollowUp {
                            lead,
                            note: text.clone(),
                        },
                        Effect::Redraw,
                    ],
                    PromptKind::AssignTo { leads } if !text.is_empty() => {
                        vec![Effect::PreviewAssign { leads, login: text }, Effect::Redraw]
                    }
                    PromptKind::AssignTo { .. } => vec![Effect::Redraw],
                    PromptKind::TransferReason { .. } if text.is_empty() => {
                        self.flash = Some(Label::RepairReasonPrompt.to_string());
                        vec![Effect::Redraw]
                    }
                    PromptKind::TransferReason { from, to, label } => vec![
                        Effect::TransferAll {
                            from,
                            to,
                            reason: text,
                            label,
                        },
                        Effect::Redraw,
                    ],
                    PromptKind::BoardFilter => {
                        let Some(board) = self.board.as_mut() else {
                            return vec![Effect::Redraw];
                        };
                        board.filter = text;
                        vec![Effect::LoadBoard(board.query()), Effect::Redraw]
                    }
                    PromptKind::LostReason { id, stage, version } => vec![
                        Effect::MoveCard {
                            id,
                            stage,
                            version,
                            reason: Some(text),
                        },
                        Effect::Redraw,
                    ],
                    PromptKind::Palette => self.run_command(&text),
                };
            }
            _ => return vec![],
        }
        vec![Effect::Redraw]
    }

    fn run_command(&mut self, typed: &str) -> Vec<Effect> {
        let mut words = typed.split_whitespace();
        let typed = words.next().unwrap_or("");
        let args: Vec<&str> = words.collect();
        let options = completions(typed);
        let command = if COMMANDS.contains(&typed) {
            typed
        } else if options.len() == 1 {
            options[0]
        } else {
            self.flash = Some(Label::NoSuchCommand.to_string());
            return vec![Effect::Redraw];
        };
        match command {
            "pool" => self.switch_to(Tab::Pool),
            "customers" => self.switch_to(Tab::Customers),
            "board" => self.switch_to(Tab::Board),
            "new" => {
                self.switch_to(Tab::Customers);
                let key = self.keymap.key_of(KeyAction::New);
                let code = super::keys::parse_key(&key).unwrap_or(KeyCode::Char('n'));
                customers::on_key(self, code, KeyModifiers::NONE)
            }
            "search" => {
                self.switch_to(Tab::Customers);
                self.customers.typing = true;
                vec![Effect::Redraw]
            }
            "sort" => self.pool_key(
                super::keys::parse_key(&self.keymap.key_of(KeyAction::Sort))
                    .unwrap_or(KeyCode::Char('s')),
            ),
            "transfer" | "undo" if self.readonly => self.refuse_readonly(),
            "transfer" => match args.as_slice() {
                [from, to] => vec![
                    Effect::PreviewTransfer {
                        from: from.to_string(),
                        to: to.to_string(),
                    },
                    Effect::Redraw,
                ],
                _ => {
                    self.flash = Some(Label::TransferUsage.to_string());
                    vec![Effect::Redraw]
                }
            },
            "history" => match args.first() {
                Some(login) => vec![Effect::LoadPersonHistory(login.to_string()), Effect::Redraw],
                None => {
                    self.flash = Some(Label::HistoryUsage.to_string());
                    vec![Effect::Redraw]
                }
            },
            "undo" => match (
                args.first().and_then(|b| b.parse::<i64>().ok()),
                args.len() > 1,
            ) {
                (Some(batch), true) => vec![
                    Effect::UndoTransfer {
                        batch,
                        reason: args[1..].join(" "),
                    },
                    Effect::Redraw,
                ],
                _ => {
                    self.flash = Some(Label::UndoUsage.to_string());
                    vec![Effect::Redraw]
                }
            },
            "refresh" => vec![self.reload(), Effect::LoadFigures],
            "help" => {
                self.help = true;
                vec![Effect::Redraw]
            }
            _ => {
                self.quit = true;
                vec![]
            }
        }
    }
}

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    use Effect::*;
    match msg {
        Msg::Key(KeyCode::Char('c'), modifiers) if modifiers.contains(KeyModifiers::CONTROL) => {
            app.quit = true;
            vec![]
        }
        Msg::Key(code, _) if app.confirm.is_some() => {
            let pending = app.confirm.take();
            match (code, pending) {
                (KeyCode::Char('y') | KeyCode::Enter, Some(pending)) => {
                    let effect = match pending {
                        Pending::Claim { id, .. } => Claim(id),
                        Pending::Release { id, .. } => Release(id),
                        Pending::ClaimCustomer { id, .. } => ClaimCustomer(id),
                        Pending::Assign { leads, to, .. } => {
                            app.marked.clear();
                            Assign { leads, to }
                        }
                        // A repair needs its why before it runs.
                        Pending::TransferAll {
                            from,
                            to,
                            from_login,
                            to_login,
                            ..
                        } => {
                            let label = format!("{from_login} → {to_login}");
                            return app.open_prompt(PromptKind::TransferReason { from, to, label });
                        }
                    };
                    vec![effect, Redraw]
                }
                _ => vec![Redraw],
            }
        }
        Msg::Key(code, _) if app.prompt.is_some() => app.prompt_key(code),
        Msg::Key(_, _) if app.help => {
            app.help = false;
            vec![Redraw]
        }
        Msg::Key(code, _) if app.typing_filter => {
            match code {
                KeyCode::Enter => app.typing_filter = false,
                KeyCode::Esc => {
                    app.typing_filter = false;
                    app.filter.clear();
                }
                KeyCode::Backspace => {
                    app.filter.pop();
                }
                KeyCode::Char(c) => app.filter.push(c),
                _ => {}
            }
            if let Some(pool) = app.pool.as_mut() {
                pool.cursor = 0;
            }
            vec![Redraw]
        }
        Msg::Key(code, modifiers) => match app.tab {
            Tab::Pool => app.pool_key(code),
            Tab::Customers => customers::on_key(app, code, modifiers),
            Tab::Board => board::on_key(app, code),
        },
        Msg::Loaded(Ok(figures)) => {
            app.figures = Some(figures);
            app.error = None;
            vec![Redraw]
        }
        Msg::Loaded(Err(error)) | Msg::PoolLoaded(Err(error)) => {
            app.error = Some(error);
            vec![Redraw]
        }
        Msg::PoolLoaded(Ok(mut view)) => {
            // Keep the cursor on the same lead when the list refreshes under it.
            let selected = app.selected().map(|r| r.id);
            view.sort(app.sort);
            if let Some(old) = &app.pool {
                view.cursor = old.cursor;
                view.offset = old.offset.clone();
            }
            app.pool = Some(view);
            app.keep_cursor_on(selected);
            vec![Redraw]
        }
        Msg::Done(result) => {
            app.flash = Some(match result {
                Ok(words) | Err(words) => words,
            });
            let mut effects = vec![app.reload(), LoadFigures, Redraw];
            if let Some(detail) = &app.customers.detail {
                effects.push(LoadDetail(detail.id));
            }
            effects
        }
        Msg::MoreLoaded(Ok((rows, has_more))) => {
            let sort = app.sort;
            if let Some(pool) = app.pool.as_mut() {
                let known: std::collections::HashSet<i64> =
                    pool.rows.iter().map(|r| r.id).collect();
                pool.rows
                    .extend(rows.into_iter().filter(|r| !known.contains(&r.id)));
                pool.has_more = has_more;
                pool.loading_more = false;
                if sort != SortBy::Id {
                    pool.sort(sort);
                }
            }
            vec![Redraw]
        }
        Msg::MoreLoaded(Err(error)) => {
            if let Some(pool) = app.pool.as_mut() {
                pool.loading_more = false;
            }
            app.error = Some(error);
            vec![Redraw]
        }
        Msg::Changed => {
            let mut effects = vec![app.reload(), LoadFigures];
            if let (Tab::Board, Some(board)) = (app.tab, &app.board) {
                effects.push(LoadBoard(board.query()));
            }
            if app.tab == Tab::Customers {
                match &app.customers.detail {
                    Some(detail) => effects.push(LoadDetail(detail.id)),
                    None => effects.push(customers::search_now(&mut app.customers)),
                }
            }
            effects
        }
        Msg::Live(up) => {
            app.live = up;
            vec![Redraw]
        }
        Msg::Resized => vec![Redraw],
        Msg::DebounceDue { what, seq } => customers::debounce_due(app, what, seq),
        Msg::SearchResults { seq, result } => customers::search_results(app, seq, result),
        Msg::DuplicatePanel { seq, result } => customers::duplicate_panel(app, seq, result),
        Msg::Saved(result) => customers::saved(app, result),
        Msg::DetailLoaded(Ok(detail)) => {
            let scroll = match &app.customers.detail {
                Some(old) if old.id == detail.id => old.scroll,
                _ => 0,
            };
            app.customers.detail = Some(customers::Detail { scroll, ..detail });
            app.tab = Tab::Customers;
            vec![Redraw]
        }
        Msg::DetailLoaded(Err(error)) | Msg::AssignPreview(Err(error)) => {
            app.error = Some(error);
            vec![Redraw]
        }
        Msg::AssignPreview(Ok(pending)) | Msg::TransferPreview(Ok(pending)) => app.ask(pending),
        Msg::TransferPreview(Err(error)) => {
            app.error = Some(error);
            vec![Redraw]
        }
        Msg::Exported(result) => {
            app.flash = Some(match result {
                Ok((rows, path)) => TuiText::Exported { rows, path }.to_string(),
                Err(error) => error,
            });
            vec![Redraw]
        }
        Msg::BoardLoaded(Ok(loaded)) => board::loaded(app, loaded),
        Msg::BoardLoaded(Err(error)) => {
            app.error = Some(error);
            vec![Redraw]
        }
        Msg::CardMoved(answer) => board::moved(app, answer),
        Msg::TreeLoaded(Ok(tree)) => {
            app.customers.tree = Some(tree);
            app.tab = Tab::Customers;
            vec![Redraw]
        }
        Msg::TreeLoaded(Err(error))
        | Msg::ChildrenLoaded {
            result: Err(error), ..
        } => {
            app.error = Some(error);
            vec![Redraw]
        }
        Msg::ChildrenLoaded {
            parent,
            result: Ok(children),
        } => {
            if let Some(tree) = app.customers.tree.as_mut()
                && let Some(at) = tree.row_of(parent)
            {
                tree.insert_children(at, children);
            }
            vec![Redraw]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, company: &str) -> LeadRow {
        LeadRow {
            id,
            company: company.into(),
            region: "上海".into(),
            source: "展会".into(),
            owner: None,
            mine: false,
            age_days: 3,
            ..LeadRow::default()
        }
    }

    fn app_with_rows() -> App {
        let mut app = App::default();
        update(
            &mut app,
            Msg::PoolLoaded(Ok(PoolView {
                name: "池".into(),
                rows: vec![row(1, "甲"), row(2, "乙"), row(3, "丙")],
                ..PoolView::default()
            })),
        );
        app
    }

    fn key(c: char) -> Msg {
        Msg::Key(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn claiming_asks_first_and_only_yes_claims() {
        let mut app = app_with_rows();
        update(&mut app, key('j'));
        assert_eq!(update(&mut app, key('c')), vec![Effect::Redraw]);
        assert_eq!(
            app.confirm,
            Some(Pending::Claim {
                id: 2,
                company: "乙".into()
            })
        );
        assert_eq!(
            update(&mut app, key('n')),
            vec![Effect::Redraw],
            "no cancels"
        );
        assert_eq!(app.confirm, None);
        update(&mut app, key('c'));
        assert_eq!(
            update(&mut app, key('y')),
            vec![Effect::Claim(2), Effect::Redraw]
        );
        // q while a dialog is open answers the dialog, it does not quit.
        update(&mut app, key('r'));
        update(&mut app, key('q'));
        assert!(!app.quit);
    }

    #[test]
    fn the_cursor_stays_on_its_lead_across_a_live_refresh() {
        let mut app = app_with_rows();
        update(&mut app, key('j'));
        update(&mut app, key('j'));
        let refreshed = PoolView {
            name: "池".into(),
            rows: vec![row(3, "丙"), row(4, "丁")],
            ..PoolView::default()
        };
        update(&mut app, Msg::PoolLoaded(Ok(refreshed)));
        assert_eq!(app.selected().map(|r| r.id), Some(3));
        update(&mut app, key('k'));
        update(&mut app, key('k'));
        assert_eq!(
            app.pool.as_ref().map(|p| p.cursor),
            Some(0),
            "the cursor stops at the top"
        );
    }

    #[test]
    fn scrolling_near_the_end_reads_the_next_page_once_by_keyset() {
        let mut app = App::default();
        let rows: Vec<LeadRow> = (1..=21).map(|id| row(id, "公司")).collect();
        update(
            &mut app,
            Msg::PoolLoaded(Ok(PoolView {
                id: 7,
                name: "池".into(),
                rows,
                has_more: true,
                ..PoolView::default()
            })),
        );
        let effects = update(&mut app, key('j'));
        assert_eq!(
            effects,
            vec![Effect::LoadMore { pool: 7, after: 21 }, Effect::Redraw]
        );
        assert_eq!(
            update(&mut app, key('j')),
            vec![Effect::Redraw],
            "one page request at a time"
        );
        let more: Vec<LeadRow> = (22..=40).map(|id| row(id, "公司")).collect();
        update(&mut app, Msg::MoreLoaded(Ok((more, false))));
        assert_eq!(app.visible_rows().len(), 40);
        for _ in 0..50 {
            assert_eq!(
                update(&mut app, key('j')),
                vec![Effect::Redraw],
                "no more pages"
            );
        }
        // A live refresh re-reads as many unclaimed rows as are on screen, not just the first page.
        assert_eq!(
            update(&mut app, Msg::Changed)[0],
            Effect::LoadPool { unclaimed: PAGE }
        );
    }

    #[test]
    fn slash_filters_the_list_and_esc_clears_it() {
        let mut app = app_with_rows();
        update(&mut app, key('/'));
        assert!(app.typing_filter);
        update(&mut app, key('乙'));
        update(&mut app, Msg::Key(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(
            app.visible_rows().iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![2]
        );
        // Keys act on the filtered list: c claims the only visible lead.
        update(&mut app, key('c'));
        assert_eq!(
            app.confirm,
            Some(Pending::Claim {
                id: 2,
                company: "乙".into()
            })
        );
        update(&mut app, key('n'));
        update(&mut app, Msg::Key(KeyCode::Esc, KeyModifiers::NONE));
        assert!(!app.quit, "Esc clears the filter before it quits");
        assert_eq!(app.visible_rows().len(), 3);
    }

    #[test]
    fn help_opens_and_any_key_closes_it() {
        let mut app = app_with_rows();
        update(&mut app, key('?'));
        assert!(app.help);
        update(&mut app, key('q'));
        assert!(
            !app.help && !app.quit,
            "the key closes help, it does not act"
        );
    }

    #[test]
    fn the_palette_completes_and_runs_commands() {
        let mut app = app_with_rows();
        update(&mut app, key(':'));
        update(&mut app, key('c'));
        update(&mut app, Msg::Key(KeyCode::Tab, KeyModifiers::NONE));
        assert_eq!(
            app.prompt.as_ref().map(|p| p.text.as_str()),
            Some("customers")
        );
        let effects = update(&mut app, Msg::Key(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(app.tab, Tab::Customers);
        assert!(
            effects.iter().any(|e| matches!(e, Effect::Search { .. })),
            "{effects:?}"
        );
        update(&mut app, key(':'));
        for c in "zz".chars() {
            update(&mut app, key(c));
        }
        update(&mut app, Msg::Key(KeyCode::Enter, KeyModifiers::NONE));
        assert!(
            app.flash.is_some() && !app.quit,
            "an unknown command says so"
        );
    }

    #[test]
    fn read_only_sessions_change_nothing() {
        let mut app = app_with_rows();
        app.readonly = true;
        for c in ['c', 'r', 'a', 'f'] {
            let effects = update(&mut app, key(c));
            assert_eq!(effects, vec![Effect::Redraw]);
            assert!(app.confirm.is_none() && app.prompt.is_none(), "{c}");
        }
        assert!(app.flash.as_deref().is_some_and(|f| !f.is_empty()));
    }

    #[test]
    fn bulk_assign_marks_rows_previews_then_assigns_them() {
        let mut app = app_with_rows();
        update(&mut app, key(' '));
        update(&mut app, key(' '));
        assert_eq!(app.marked.iter().copied().collect::<Vec<_>>(), vec![1, 2]);
        update(&mut app, key('a'));
        for c in "lina".chars() {
            update(&mut app, key(c));
        }
        let effects = update(&mut app, Msg::Key(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(
            effects[0],
            Effect::PreviewAssign {
                leads: vec![1, 2],
                login: "lina".into()
            }
        );
        update(
            &mut app,
            Msg::AssignPreview(Ok(Pending::Assign {
                leads: vec![1, 2],
                to: 9,
                to_name: "李娜".into(),
                held: 49,
                limit: 50,
            })),
        );
        assert!(matches!(app.confirm, Some(Pending::Assign { .. })));
        let effects = update(&mut app, key('y'));
        assert_eq!(
            effects[0],
            Effect::Assign {
                leads: vec![1, 2],
                to: 9
            }
        );
        assert!(app.marked.is_empty());
    }

    #[test]
    fn export_takes_the_visible_rows_and_copy_the_selected_one() {
        let mut app = app_with_rows();
        update(&mut app, key('/'));
        update(&mut app, key('乙'));
        update(&mut app, Msg::Key(KeyCode::Enter, KeyModifiers::NONE));
        let effects = update(&mut app, key('e'));
        let Some(Effect::Export { what, rows }) = effects.first() else {
            panic!("{effects:?}");
        };
        assert_eq!(*what, "leads");
        assert_eq!(rows.len(), 2, "header and the one visible row");
        assert_eq!(rows[1][1], "乙");
        let effects = update(&mut app, key('y'));
        assert_eq!(effects[0], Effect::Copy("#2 乙 · 上海".into()));
        assert!(app.flash.as_deref().is_some_and(|f| f.contains("#2 乙")));
    }

    #[test]
    fn a_hand_over_is_previewed_confirmed_and_needs_a_reason() {
        let mut app = app_with_rows();
        update(&mut app, key(':'));
        for c in "transfer lisi wangwu".chars() {
            update(&mut app, key(c));
        }
        let effects = update(&mut app, Msg::Key(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(
            effects[0],
            Effect::PreviewTransfer {
                from: "lisi".into(),
                to: "wangwu".into()
            }
        );
        update(
            &mut app,
            Msg::TransferPreview(Ok(Pending::TransferAll {
                from: 3,
                to: 4,
                from_login: "lisi".into(),
                to_login: "wangwu".into(),
                moves: 2,
                stays: 1,
            })),
        );
        assert!(matches!(app.confirm, Some(Pending::TransferAll { .. })));
        let effects = update(&mut app, key('y'));
        assert_eq!(effects, vec![Effect::Redraw], "asks for the reason first");
        let effects = update(&mut app, Msg::Key(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(
            effects,
            vec![Effect::Redraw],
            "an empty reason runs nothing"
        );
        update(&mut app, key(':'));
        for c in "undo 7 交接有误".chars() {
            update(&mut app, key(c));
        }
        let effects = update(&mut app, Msg::Key(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(
            effects[0],
            Effect::UndoTransfer {
                batch: 7,
                reason: "交接有误".into()
            }
        );
    }

    #[test]
    fn sorting_keeps_my_leads_first_and_the_cursor_on_its_lead() {
        let mut app = app_with_rows();
        update(&mut app, key('j'));
        update(&mut app, key('s'));
        assert_eq!(app.sort, SortBy::Company);
        assert_eq!(app.selected().map(|r| r.id), Some(2));
        let companies: Vec<&str> = app
            .visible_rows()
            .iter()
            .map(|r| r.company.as_str())
            .collect();
        let mut sorted = companies.clone();
        sorted.sort();
        assert_eq!(companies, sorted);
    }

    #[test]
    fn outcomes_flash_and_reload_and_events_reload() {
        let mut app = app_with_rows();
        let effects = update(&mut app, Msg::Done(Err("王芳 claimed it 2 s ago".into())));
        assert_eq!(app.flash.as_deref(), Some("王芳 claimed it 2 s ago"));
        assert!(effects.contains(&Effect::LoadPool { unclaimed: PAGE }));
        assert_eq!(
            update(&mut app, Msg::Changed),
            vec![Effect::LoadPool { unclaimed: PAGE }, Effect::LoadFigures]
        );
        update(&mut app, key('q'));
        assert!(app.quit);
    }
}
