//! The customers tab, pure: "my customers", search as you type (newest query wins), the
//! new-customer form with its live duplicate panel, the 360° view, a person's history and the
//! customer's group tree. Keys in, commands out; no I/O.

pub mod detail;
pub mod form;
pub mod requests;
pub mod tree;
mod view;

use std::any::Any;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use self::detail::{DetailView, Shown};
use self::form::{FIELDS, Field, Form};
use self::requests::{CustomersMsg, CustomersRequest};
use self::tree::Tree;
use crate::domain::ownership::Reason;
use crate::domain::score::{Draft, LiveResult, Match};
use crate::error::Error;
use crate::text::{Label, OwnershipText, TuiText};
use crate::tui::cmd::{Cmd, Export, Intent, Lane, Note, TabMsg};
use crate::tui::keymap::{Action, Context};
use crate::tui::tab::{Component, Ctx, Tab};

/// Quiet time after the last keystroke before a search or duplicate check runs.
pub const DEBOUNCE_MS: u64 = 100;

const CONFIRM_CLAIM: u32 = 1;

/// Timer tokens: the sequence number, and which input it is for in the lowest bit.
fn token(seq: u64, draft: bool) -> u64 {
    seq * 2 + u64::from(draft)
}

#[derive(Debug, Default)]
pub struct CustomersTab {
    pub query: String,
    pub typing: bool,
    pub results: Vec<Match>,
    pub cursor: usize,
    pub seq: u64,
    pub searching: bool,
    pub form: Form,
    pub detail: Option<DetailView>,
    pub tree: Option<Tree>,
    pending_claim: Option<i64>,
}

impl CustomersTab {
    pub fn selected(&self) -> Option<&Match> {
        self.results.get(self.cursor)
    }

    /// The search for the current query, at once (empty query: my customers).
    pub fn search_now(&mut self) -> Cmd {
        self.seq += 1;
        self.searching = true;
        let query = self.query.trim().to_string();
        if query.is_empty() {
            Cmd::request(CustomersRequest::Mine { seq: self.seq })
        } else {
            Cmd::Live {
                lane: Lane::Search,
                seq: self.seq,
                draft: Draft {
                    name: query,
                    ..Draft::default()
                },
            }
        }
    }

    fn move_cursor(&mut self, delta: isize) -> Vec<Cmd> {
        let last = self.results.len() as isize - 1;
        self.cursor = (self.cursor as isize + delta).clamp(0, last.max(0)) as usize;
        vec![Cmd::Redraw]
    }

    fn ask_claim(&mut self, ctx: &Ctx, id: i64, company: String) -> Vec<Cmd> {
        if ctx.readonly {
            return vec![Cmd::flash(Label::ReadOnlyRefused)];
        }
        self.pending_claim = Some(id);
        vec![Cmd::Intent(Intent::Confirm {
            question: TuiText::ConfirmClaimCustomer { id, company }.into(),
            tag: CONFIRM_CLAIM,
        })]
    }

    fn open_form(&mut self, ctx: &Ctx) -> Vec<Cmd> {
        if ctx.readonly {
            return vec![Cmd::flash(Label::ReadOnlyRefused)];
        }
        self.form.open = true;
        let mut cmds = vec![Cmd::Redraw];
        if !self.form.value(Field::Name).is_empty() {
            self.form.seq += 1;
            cmds.push(Cmd::Timer {
                ms: DEBOUNCE_MS,
                token: token(self.form.seq, true),
            });
        }
        cmds
    }

    fn list_key(&mut self, ctx: &Ctx, action: Option<Action>) -> Vec<Cmd> {
        match action {
            Some(Action::Down) => self.move_cursor(1),
            Some(Action::Up) => self.move_cursor(-1),
            Some(Action::PageDown) => self.move_cursor(10),
            Some(Action::PageUp) => self.move_cursor(-10),
            Some(Action::Filter) => {
                self.typing = true;
                vec![Cmd::Redraw]
            }
            Some(Action::New) => self.open_form(ctx),
            Some(Action::Tree) => match self.selected() {
                Some(m) => vec![Cmd::request(CustomersRequest::Tree(m.id)), Cmd::Redraw],
                None => Vec::new(),
            },
            Some(Action::Open) => match self.selected() {
                Some(m) => vec![Cmd::request(CustomersRequest::Detail(m.id)), Cmd::Redraw],
                None => Vec::new(),
            },
            Some(Action::Claim) => match self.selected() {
                Some(m) => {
                    let (id, name) = (m.id, m.name.clone());
                    self.ask_claim(ctx, id, name)
                }
                None => Vec::new(),
            },
            Some(Action::Back) if !self.query.is_empty() => {
                self.query.clear();
                vec![self.search_now(), Cmd::Redraw]
            }
            Some(Action::Back) => vec![Cmd::Intent(Intent::Quit)],
            _ => Vec::new(),
        }
    }

    fn search_key(&mut self, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
        match (action, key.code) {
            (Some(Action::Submit), _) | (_, KeyCode::Down) => {
                self.typing = false;
                return vec![Cmd::Redraw];
            }
            (Some(Action::Cancel), _) => {
                self.typing = false;
                self.query.clear();
            }
            (_, KeyCode::Backspace) => {
                self.query.pop();
            }
            (None, KeyCode::Char(c)) if self.query.chars().count() < 200 => self.query.push(c),
            _ => return Vec::new(),
        }
        self.cursor = 0;
        self.seq += 1;
        vec![
            Cmd::Timer {
                ms: DEBOUNCE_MS,
                token: token(self.seq, false),
            },
            Cmd::Redraw,
        ]
    }

    fn detail_key(&mut self, ctx: &Ctx, action: Option<Action>) -> Vec<Cmd> {
        let Some(detail) = self.detail.as_mut() else {
            return Vec::new();
        };
        match action {
            Some(Action::Down) => detail.scroll = detail.scroll.saturating_add(1),
            Some(Action::Up) => detail.scroll = detail.scroll.saturating_sub(1),
            Some(Action::PageDown) => detail.scroll = detail.scroll.saturating_add(10),
            Some(Action::PageUp) => detail.scroll = detail.scroll.saturating_sub(10),
            Some(Action::Back) => self.detail = None,
            Some(Action::Claim) => {
                let Some(id) = detail.customer_id() else {
                    return Vec::new();
                };
                let name = detail.name().to_string();
                return self.ask_claim(ctx, id, name);
            }
            Some(Action::Tree) => {
                return match detail.customer_id() {
                    Some(id) => vec![Cmd::request(CustomersRequest::Tree(id)), Cmd::Redraw],
                    None => Vec::new(),
                };
            }
            _ => return Vec::new(),
        }
        vec![Cmd::Redraw]
    }

    fn tree_key(&mut self, action: Option<Action>) -> Vec<Cmd> {
        let Some(tree) = self.tree.as_mut() else {
            return Vec::new();
        };
        let last = tree.rows.len().saturating_sub(1);
        match action {
            Some(Action::Down) => tree.cursor = (tree.cursor + 1).min(last),
            Some(Action::Up) => tree.cursor = tree.cursor.saturating_sub(1),
            Some(Action::PageDown) => tree.cursor = (tree.cursor + 10).min(last),
            Some(Action::PageUp) => tree.cursor = tree.cursor.saturating_sub(10),
            Some(Action::Right | Action::Open) => {
                if let Some(row) = tree.selected()
                    && !row.expanded
                    && row.node.children > 0
                {
                    return vec![
                        Cmd::request(CustomersRequest::Children(row.node.id)),
                        Cmd::Redraw,
                    ];
                }
            }
            Some(Action::Left) => {
                let cursor = tree.cursor;
                if tree.selected().is_some_and(|r| r.expanded) {
                    tree.collapse(cursor);
                } else if let Some(depth) = tree.selected().map(|r| r.depth) {
                    // On a closed row, h goes up to its parent.
                    if let Some(parent) = tree.rows[..cursor].iter().rposition(|r| r.depth < depth)
                    {
                        tree.cursor = parent;
                    }
                }
            }
            Some(Action::Back) => self.tree = None,
            _ => return Vec::new(),
        }
        vec![Cmd::Redraw]
    }

    fn form_key(&mut self, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
        let form = &mut self.form;
        if form.saving {
            return Vec::new();
        }
        // Typing the reason to save anyway.
        if let Some(reason) = form.reason.as_mut() {
            match (action, key.code) {
                (Some(Action::Submit), _) => return self.save(),
                (Some(Action::Cancel), _) => {
                    form.reason = None;
                    form.notice = None;
                }
                (_, KeyCode::Backspace) => {
                    reason.pop();
                }
                (None, KeyCode::Char(c)) if reason.chars().count() < 1000 => reason.push(c),
                _ => return Vec::new(),
            }
            return vec![Cmd::Redraw];
        }
        let field = form.focused();
        match action {
            Some(Action::Save) => return self.save(),
            // Enter on the last field saves, as a form does.
            Some(Action::NextField)
                if key.code == KeyCode::Enter && form.focus + 1 == FIELDS.len() =>
            {
                return self.save();
            }
            Some(Action::Back) => {
                // Closing keeps the typed values; the draft stops showing to others.
                form.open = false;
                return vec![Cmd::request(CustomersRequest::ClearDraft), Cmd::Redraw];
            }
            Some(Action::NextField) => {
                form.focus = (form.focus + 1) % FIELDS.len();
                return vec![Cmd::Redraw];
            }
            Some(Action::PrevField) => {
                form.focus = (form.focus + FIELDS.len() - 1) % FIELDS.len();
                return vec![Cmd::Redraw];
            }
            Some(Action::ClearField) => form.values[form.focus].clear(),
            Some(_) => return Vec::new(),
            None => match key.code {
                KeyCode::Backspace => {
                    form.values[form.focus].pop();
                }
                KeyCode::Char(c)
                    if !key.modifiers.contains(KeyModifiers::CONTROL)
                        && form.values[form.focus].chars().count() < field.max_chars() =>
                {
                    form.values[form.focus].push(c);
                }
                _ => return Vec::new(),
            },
        }
        form.notice = None;
        if field.keys_duplicates() {
            form.seq += 1;
            if form.value(Field::Name).is_empty() {
                form.panel = None;
                return vec![Cmd::Redraw];
            }
            return vec![
                Cmd::Timer {
                    ms: DEBOUNCE_MS,
                    token: token(form.seq, true),
                },
                Cmd::Redraw,
            ];
        }
        vec![Cmd::Redraw]
    }

    fn save(&mut self) -> Vec<Cmd> {
        let form = &mut self.form;
        match form.to_new_customer() {
            Ok(new) => {
                form.saving = true;
                form.notice = None;
                vec![Cmd::request(CustomersRequest::Save(new)), Cmd::Redraw]
            }
            Err(problem) => {
                form.notice = Some(problem);
                vec![Cmd::Redraw]
            }
        }
    }

    /// The quiet time after a keystroke ended: run the check if nothing newer was typed.
    fn timer(&mut self, token: u64) -> Vec<Cmd> {
        let (seq, draft) = (token / 2, token % 2 == 1);
        if !draft && seq == self.seq {
            self.searching = true;
            let query = self.query.trim().to_string();
            let cmd = if query.is_empty() {
                Cmd::request(CustomersRequest::Mine { seq })
            } else {
                Cmd::Live {
                    lane: Lane::Search,
                    seq,
                    draft: Draft {
                        name: query,
                        ..Draft::default()
                    },
                }
            };
            return vec![cmd, Cmd::Redraw];
        }
        if draft && seq == self.form.seq && self.form.open {
            self.form.checking = true;
            return vec![
                Cmd::Live {
                    lane: Lane::DuplicatePanel,
                    seq,
                    draft: self.form.draft(),
                },
                Cmd::Redraw,
            ];
        }
        Vec::new()
    }

    fn live(&mut self, lane: Lane, seq: u64, result: Result<LiveResult, Error>) -> Vec<Cmd> {
        match lane {
            Lane::Search => self.search_results(seq, result.map(|r| r.matches)),
            Lane::DuplicatePanel => {
                let form = &mut self.form;
                if seq != form.seq {
                    return Vec::new();
                }
                form.checking = false;
                match result {
                    Ok(panel) => form.panel = Some(panel),
                    Err(error) => form.notice = Some(Note::Failed(error)),
                }
                vec![Cmd::Redraw]
            }
        }
    }

    fn search_results(&mut self, seq: u64, result: Result<Vec<Match>, Error>) -> Vec<Cmd> {
        if seq != self.seq {
            return Vec::new();
        }
        self.searching = false;
        match result {
            Ok(results) => {
                self.results = results;
                self.cursor = self.cursor.min(self.results.len().saturating_sub(1));
                vec![Cmd::Redraw]
            }
            Err(error) => vec![Cmd::failed(error)],
        }
    }

    fn replied(&mut self, msg: CustomersMsg) -> Vec<Cmd> {
        match msg {
            CustomersMsg::Mine { seq, result } => self.search_results(seq, result),
            CustomersMsg::Detail(Ok(detail)) => {
                let scroll = match &self.detail {
                    Some(old) if old.customer_id() == Some(detail.id) => old.scroll,
                    _ => 0,
                };
                self.detail = Some(DetailView {
                    shown: Shown::Customer(detail),
                    scroll,
                });
                vec![Cmd::Intent(Intent::Switch("customers")), Cmd::Redraw]
            }
            CustomersMsg::PersonHistory {
                login,
                result: Ok(entries),
            } => {
                self.detail = Some(DetailView::new(Shown::Person { login, entries }));
                vec![Cmd::Intent(Intent::Switch("customers")), Cmd::Redraw]
            }
            CustomersMsg::Tree(Ok(around)) => {
                self.tree = Some(Tree::around(around));
                vec![Cmd::Intent(Intent::Switch("customers")), Cmd::Redraw]
            }
            CustomersMsg::Children {
                parent,
                result: Ok(children),
            } => {
                if let Some(tree) = self.tree.as_mut()
                    && let Some(at) = tree.row_of(parent)
                {
                    tree.insert_children(at, children);
                }
                vec![Cmd::Redraw]
            }
            CustomersMsg::Detail(Err(error))
            | CustomersMsg::PersonHistory {
                result: Err(error), ..
            }
            | CustomersMsg::Tree(Err(error))
            | CustomersMsg::Children {
                result: Err(error), ..
            } => vec![Cmd::failed(error)],
            CustomersMsg::Claimed(result) => {
                let note = match result {
                    Ok((outcome, at)) => Note::Said(OwnershipText::of(&outcome, at).into()),
                    Err(error) => Note::Failed(error),
                };
                let mut cmds = vec![
                    Cmd::Intent(Intent::Flash(note)),
                    Cmd::Intent(Intent::Reload),
                ];
                cmds.extend(self.reread());
                cmds
            }
            CustomersMsg::Saved(result) => self.saved(result),
            CustomersMsg::DraftCleared => Vec::new(),
        }
    }

    /// The database's answer to a save. Only success clears the form.
    fn saved(
        &mut self,
        result: Result<
            (
                crate::domain::ownership::Outcome,
                chrono::DateTime<chrono::Utc>,
            ),
            Error,
        >,
    ) -> Vec<Cmd> {
        let form = &mut self.form;
        form.saving = false;
        let (outcome, at) = match result {
            Ok(answer) => answer,
            Err(error) => {
                form.notice = Some(Note::Failed(error));
                return vec![Cmd::Redraw];
            }
        };
        let words = Note::Said(OwnershipText::of(&outcome, at).into());
        if outcome.ok {
            self.form = Form::default();
            return vec![
                Cmd::Intent(Intent::Flash(words)),
                Cmd::request(CustomersRequest::Detail(outcome.id)),
                Cmd::Intent(Intent::Reload),
            ];
        }
        if outcome.reason == Reason::NeedsOverride && form.reason.is_none() {
            form.reason = Some(String::new());
        }
        form.notice = Some(words);
        vec![Cmd::Redraw]
    }

    /// Re-reads what the tab shows.
    fn reread(&mut self) -> Vec<Cmd> {
        if let Some(tree) = &self.tree {
            return vec![Cmd::request(CustomersRequest::Tree(tree.focus))];
        }
        match self.detail.as_ref().map(|d| &d.shown) {
            Some(Shown::Customer(c)) => vec![Cmd::request(CustomersRequest::Detail(c.id))],
            Some(Shown::Person { login, .. }) => {
                vec![Cmd::request(CustomersRequest::PersonHistory(login.clone()))]
            }
            None => vec![self.search_now()],
        }
    }
}

impl Component for CustomersTab {
    fn id(&self) -> &'static str {
        "customers"
    }

    fn update(&mut self, _ctx: &Ctx, msg: TabMsg) -> Vec<Cmd> {
        match msg {
            TabMsg::Answer { yes, .. } => match self.pending_claim.take().filter(|_| yes) {
                Some(id) => vec![Cmd::request(CustomersRequest::Claim(id)), Cmd::Redraw],
                None => vec![Cmd::Redraw],
            },
            TabMsg::Prompted { .. } => Vec::new(),
            TabMsg::Timer(token) => self.timer(token),
            TabMsg::Live { lane, seq, result } => self.live(lane, seq, result),
            TabMsg::Reply(reply) => match reply.downcast::<CustomersMsg>() {
                Ok(msg) => self.replied(*msg),
                Err(_) => Vec::new(),
            },
        }
    }

    fn commands(&self) -> &'static [&'static str] {
        &["new", "search", "history"]
    }

    fn command(&mut self, ctx: &Ctx, name: &str, args: &[&str]) -> Vec<Cmd> {
        let mut cmds = vec![Cmd::Intent(Intent::Switch("customers"))];
        match name {
            "new" => cmds.extend(self.open_form(ctx)),
            "search" => {
                self.typing = true;
                cmds.push(Cmd::Redraw);
            }
            _ => match args.first() {
                Some(login) => cmds.push(Cmd::request(CustomersRequest::PersonHistory(
                    login.to_string(),
                ))),
                None => cmds.push(Cmd::flash(Label::HistoryUsage)),
            },
        }
        cmds
    }

    fn leave(&mut self) -> Vec<Cmd> {
        if self.form.open {
            vec![Cmd::request(CustomersRequest::ClearDraft)]
        } else {
            Vec::new()
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Tab for CustomersTab {
    fn title(&self) -> Label {
        Label::TabCustomers
    }

    fn context(&self) -> Context {
        if self.form.open {
            if self.form.reason.is_some() {
                Context::Input
            } else {
                Context::Form
            }
        } else if self.typing {
            Context::Input
        } else if self.tree.is_some() {
            Context::Tree
        } else if self.detail.is_some() {
            Context::Detail
        } else {
            Context::Customers
        }
    }

    fn on_key(&mut self, ctx: &Ctx, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
        if self.form.open {
            return self.form_key(key, action);
        }
        if self.typing {
            return self.search_key(key, action);
        }
        if self.tree.is_some() {
            return self.tree_key(action);
        }
        if self.detail.is_some() {
            return self.detail_key(ctx, action);
        }
        self.list_key(ctx, action)
    }

    fn view(&self, ctx: &Ctx, frame: &mut Frame, area: Rect) {
        view::render(self, ctx, frame, area);
    }

    fn hints(&self) -> Vec<Action> {
        match self.context() {
            Context::Form => vec![
                Action::NextField,
                Action::PrevField,
                Action::Save,
                Action::Back,
            ],
            Context::Input => vec![Action::Submit, Action::Cancel],
            Context::Tree => vec![Action::Open, Action::Left, Action::Back],
            Context::Detail => vec![Action::Down, Action::Claim, Action::Tree, Action::Back],
            _ => vec![Action::Filter, Action::New, Action::Open, Action::Claim],
        }
    }

    fn export(&self, ctx: &Ctx) -> Option<Export> {
        let mut rows = vec![vec![
            "#".to_string(),
            ctx.label(Label::ColCompany).to_string(),
            ctx.label(Label::ColOwner).to_string(),
            ctx.label(Label::Team).to_string(),
            ctx.label(Label::Status).to_string(),
        ]];
        rows.extend(self.results.iter().map(|m| {
            vec![
                m.id.to_string(),
                m.name.clone(),
                m.owner.clone().unwrap_or_default(),
                m.team.clone().unwrap_or_default(),
                m.status.clone(),
            ]
        }));
        Some(Export {
            what: "customers",
            rows,
        })
    }

    fn copy_line(&self, _ctx: &Ctx) -> Option<String> {
        let m = self.selected()?;
        Some(format!(
            "#{} {} · {}",
            m.id,
            m.name,
            m.owner.clone().unwrap_or_default()
        ))
    }

    fn refresh(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        self.reread()
    }

    fn enter(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        if self.results.is_empty() && !self.searching {
            vec![self.search_now()]
        } else {
            Vec::new()
        }
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

#[cfg(test)]
mod tests;
