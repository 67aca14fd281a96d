//! The lead pool tab, pure: my leads first, then the unclaimed ones (keyset pages of 200),
//! a filter, sorting, claim/release behind a confirm, follow-ups, and a manager's bulk
//! assignment with a preview of the receiver's holdings. Keys in, commands out.

pub mod requests;
mod view;

use std::any::Any;
use std::cell::Cell;
use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;

use self::requests::{PAGE, PoolMsg, PoolRequest};
use crate::db::api::pool::{AssignPreview, LeadRow, PoolPage};
use crate::domain::ownership::Action as Call;
use crate::text::{Label, OwnershipText, Text, TuiText};
use crate::tui::cmd::{Cmd, Export, Intent, Note, TabMsg};
use crate::tui::keymap::{Action, Context};
use crate::tui::tab::{Component, Ctx, Tab};

/// Read the next page when the cursor comes this close to the end.
const PREFETCH: usize = 20;

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

/// The pool on screen: its page of data and where the person is in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoolView {
    pub page: PoolPage,
    pub cursor: usize,
    /// First row drawn: kept between frames so the list scrolls like a list (render-side).
    pub offset: Cell<usize>,
    pub loading_more: bool,
}

impl PoolView {
    pub fn new(page: PoolPage) -> PoolView {
        PoolView {
            page,
            ..PoolView::default()
        }
    }

    fn unclaimed(&self) -> impl Iterator<Item = &LeadRow> {
        self.page.rows.iter().filter(|r| !r.mine)
    }

    /// My leads first, then the order chosen (ties by id, so the order is stable).
    fn sort(&mut self, by: SortBy) {
        self.page.rows.sort_by(|a, b| {
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

/// What an open dialog is about.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pending {
    Claim { id: i64 },
    Release { id: i64 },
    Assign(AssignPreview),
    FollowUp { lead: i64 },
    AssignTo { leads: Vec<i64> },
}

// Dialog and prompt tags.
const CONFIRM: u32 = 1;
const PROMPT: u32 = 2;

#[derive(Debug, Default)]
pub struct PoolTab {
    pub pool: Option<PoolView>,
    /// `/` filter over the list (company name, case-insensitive), and whether it is typed.
    pub filter: String,
    pub typing_filter: bool,
    pub sort: SortBy,
    /// Leads marked with Space for a bulk assign.
    pub marked: BTreeSet<i64>,
    pending: Option<Pending>,
}

fn passes(row: &LeadRow, needle: &str) -> bool {
    needle.is_empty() || row.company.to_lowercase().contains(needle)
}

impl PoolTab {
    /// The rows the filter lets through; the cursor indexes this list.
    pub fn visible_rows(&self) -> Vec<&LeadRow> {
        let needle = self.filter.to_lowercase();
        self.pool
            .as_ref()
            .map(|p| p.page.rows.iter().filter(|r| passes(r, &needle)).collect())
            .unwrap_or_default()
    }

    pub fn visible_count(&self) -> usize {
        let needle = self.filter.to_lowercase();
        self.pool
            .as_ref()
            .map(|p| p.page.rows.iter().filter(|r| passes(r, &needle)).count())
            .unwrap_or(0)
    }

    pub fn selected(&self) -> Option<&LeadRow> {
        let cursor = self.pool.as_ref()?.cursor;
        self.visible_rows().into_iter().nth(cursor)
    }

    fn move_cursor(&mut self, delta: isize) -> Vec<Cmd> {
        let visible = self.visible_count();
        let Some(pool) = self.pool.as_mut() else {
            return vec![Cmd::Redraw];
        };
        let last = visible as isize - 1;
        pool.cursor = (pool.cursor as isize + delta).clamp(0, last.max(0)) as usize;
        let near_end = pool.cursor + PREFETCH >= visible;
        if near_end
            && pool.page.has_more
            && !pool.loading_more
            && let Some(after) = pool.unclaimed().map(|r| r.id).max()
        {
            pool.loading_more = true;
            return vec![
                Cmd::request(PoolRequest::More {
                    pool: pool.page.id,
                    after,
                }),
                Cmd::Redraw,
            ];
        }
        vec![Cmd::Redraw]
    }

    /// Re-read as many unclaimed rows as are on screen, not just the first page.
    fn reload(&self) -> Cmd {
        let shown = self
            .pool
            .as_ref()
            .map(|p| p.unclaimed().count() as i64)
            .unwrap_or(0);
        Cmd::request(PoolRequest::Load {
            unclaimed: shown.max(PAGE),
        })
    }

    fn keep_cursor_on(&mut self, id: Option<i64>) {
        let needle = self.filter.to_lowercase();
        if let Some(pool) = self.pool.as_mut() {
            let visible = pool.page.rows.iter().filter(|r| passes(r, &needle));
            let count = visible.clone().count();
            let position = id.and_then(|id| visible.clone().position(|r| r.id == id));
            pool.cursor = position.unwrap_or(pool.cursor).min(count.saturating_sub(1));
        }
    }

    /// Asks before an ownership change (never in a read-only session).
    fn ask(&mut self, ctx: &Ctx, pending: Pending, question: Text) -> Vec<Cmd> {
        if ctx.readonly {
            return vec![Cmd::flash(Label::ReadOnlyRefused)];
        }
        self.pending = Some(pending);
        vec![Cmd::Intent(Intent::Confirm {
            question,
            tag: CONFIRM,
        })]
    }

    fn prompt(&mut self, ctx: &Ctx, pending: Pending, label: Label) -> Vec<Cmd> {
        if ctx.readonly {
            return vec![Cmd::flash(Label::ReadOnlyRefused)];
        }
        self.pending = Some(pending);
        vec![Cmd::Intent(Intent::Prompt {
            label,
            text: String::new(),
            tag: PROMPT,
        })]
    }

    fn filter_key(&mut self, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
        match (action, key.code) {
            (Some(Action::Submit), _) => self.typing_filter = false,
            (Some(Action::Cancel), _) => {
                self.typing_filter = false;
                self.filter.clear();
            }
            (_, KeyCode::Backspace) => {
                self.filter.pop();
            }
            (None, KeyCode::Char(c)) if self.filter.chars().count() < 200 => self.filter.push(c),
            _ => return Vec::new(),
        }
        if let Some(pool) = self.pool.as_mut() {
            pool.cursor = 0;
        }
        vec![Cmd::Redraw]
    }

    fn answer(&mut self, yes: bool) -> Vec<Cmd> {
        let Some(pending) = self.pending.take().filter(|_| yes) else {
            return vec![Cmd::Redraw];
        };
        let request = match pending {
            Pending::Claim { id } => PoolRequest::Change(Call::ClaimLead(id)),
            Pending::Release { id } => PoolRequest::Change(Call::ReleaseLead(id)),
            Pending::Assign(preview) => {
                self.marked.clear();
                PoolRequest::Assign {
                    leads: preview.leads,
                    to: preview.to,
                }
            }
            Pending::FollowUp { .. } | Pending::AssignTo { .. } => return vec![Cmd::Redraw],
        };
        vec![Cmd::request(request), Cmd::Redraw]
    }

    fn prompted(&mut self, text: String) -> Vec<Cmd> {
        match self.pending.take() {
            Some(Pending::FollowUp { lead }) => vec![
                Cmd::request(PoolRequest::FollowUp { lead, note: text }),
                Cmd::Redraw,
            ],
            Some(Pending::AssignTo { leads }) if !text.is_empty() => vec![
                Cmd::request(PoolRequest::PreviewAssign { leads, login: text }),
                Cmd::Redraw,
            ],
            _ => vec![Cmd::Redraw],
        }
    }

    fn replied(&mut self, ctx: &Ctx, msg: PoolMsg) -> Vec<Cmd> {
        match msg {
            PoolMsg::Loaded(Ok(page)) => {
                // Keep the cursor on the same lead when the list refreshes under it.
                let selected = self.selected().map(|r| r.id);
                let mut view = PoolView::new(page);
                view.sort(self.sort);
                if let Some(old) = &self.pool {
                    view.cursor = old.cursor;
                    view.offset = old.offset.clone();
                }
                self.pool = Some(view);
                self.keep_cursor_on(selected);
                vec![Cmd::Redraw]
            }
            PoolMsg::More(Ok((rows, has_more))) => {
                let sort = self.sort;
                if let Some(pool) = self.pool.as_mut() {
                    let known: std::collections::HashSet<i64> =
                        pool.page.rows.iter().map(|r| r.id).collect();
                    pool.page
                        .rows
                        .extend(rows.into_iter().filter(|r| !known.contains(&r.id)));
                    pool.page.has_more = has_more;
                    pool.loading_more = false;
                    if sort != SortBy::Id {
                        pool.sort(sort);
                    }
                }
                vec![Cmd::Redraw]
            }
            PoolMsg::More(Err(error)) => {
                if let Some(pool) = self.pool.as_mut() {
                    pool.loading_more = false;
                }
                vec![Cmd::failed(error)]
            }
            PoolMsg::Loaded(Err(error)) | PoolMsg::AssignPreview(Err(error)) => {
                vec![Cmd::failed(error)]
            }
            PoolMsg::Done(result) => {
                let note = match result {
                    Ok((outcome, at)) => Note::Said(OwnershipText::of(&outcome, at).into()),
                    Err(error) => Note::Failed(error),
                };
                vec![
                    Cmd::Intent(Intent::Flash(note)),
                    self.reload(),
                    Cmd::Intent(Intent::Reload),
                ]
            }
            PoolMsg::AssignPreview(Ok(preview)) => {
                let question = TuiText::ConfirmAssign {
                    count: preview.leads.len(),
                    to: preview.to_name.clone(),
                    held: preview.held,
                    limit: preview.limit,
                    held_elsewhere: preview.held_elsewhere,
                }
                .into();
                self.ask(ctx, Pending::Assign(preview), question)
            }
            PoolMsg::Assigned(result) => {
                let note = match result {
                    Ok((outcomes, at)) => {
                        let refused: Vec<_> = outcomes.iter().filter(|o| !o.ok).collect();
                        Note::Said(
                            TuiText::AssignResult {
                                done: outcomes.len() - refused.len(),
                                refused: refused.len(),
                                first_refusal: refused.first().map(|o| OwnershipText::of(o, at)),
                            }
                            .into(),
                        )
                    }
                    Err(error) => Note::Failed(error),
                };
                vec![
                    Cmd::Intent(Intent::Flash(note)),
                    self.reload(),
                    Cmd::Intent(Intent::Reload),
                ]
            }
        }
    }

    fn sort_next(&mut self) -> Vec<Cmd> {
        self.sort = self.sort.next();
        let selected = self.selected().map(|r| r.id);
        let sort = self.sort;
        if let Some(pool) = self.pool.as_mut() {
            pool.sort(sort);
        }
        self.keep_cursor_on(selected);
        vec![Cmd::flash(TuiText::Sorted { by: sort.name() }), Cmd::Redraw]
    }
}

impl Component for PoolTab {
    fn id(&self) -> &'static str {
        "pool"
    }

    fn update(&mut self, ctx: &Ctx, msg: TabMsg) -> Vec<Cmd> {
        match msg {
            TabMsg::Answer { yes, .. } => self.answer(yes),
            TabMsg::Prompted { text, .. } => self.prompted(text),
            TabMsg::Reply(reply) => match reply.downcast::<PoolMsg>() {
                Ok(msg) => self.replied(ctx, *msg),
                Err(_) => Vec::new(),
            },
            TabMsg::Timer(_) | TabMsg::Live { .. } => Vec::new(),
        }
    }

    fn commands(&self) -> &'static [&'static str] {
        &["sort"]
    }

    fn command(&mut self, _ctx: &Ctx, _name: &str, _args: &[&str]) -> Vec<Cmd> {
        let mut cmds = vec![Cmd::Intent(Intent::Switch("pool"))];
        cmds.extend(self.sort_next());
        cmds
    }

    fn start(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        vec![Cmd::request(PoolRequest::Load { unclaimed: PAGE })]
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Tab for PoolTab {
    fn title(&self) -> Label {
        Label::TabPool
    }

    fn context(&self) -> Context {
        if self.typing_filter {
            Context::Input
        } else {
            Context::Pool
        }
    }

    fn on_key(&mut self, ctx: &Ctx, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
        if self.typing_filter {
            return self.filter_key(key, action);
        }
        match action {
            Some(Action::Back) if !self.filter.is_empty() => {
                self.filter.clear();
                vec![Cmd::Redraw]
            }
            Some(Action::Back) if !self.marked.is_empty() => {
                self.marked.clear();
                vec![Cmd::Redraw]
            }
            Some(Action::Back) => vec![Cmd::Intent(Intent::Quit)],
            Some(Action::Down) => self.move_cursor(1),
            Some(Action::Up) => self.move_cursor(-1),
            Some(Action::PageDown) => self.move_cursor(10),
            Some(Action::PageUp) => self.move_cursor(-10),
            Some(Action::Claim) => match self.selected() {
                Some(row) => {
                    let question = TuiText::ConfirmClaim {
                        id: row.id,
                        company: row.company.clone(),
                        more_of_company: row.company_leads - 1,
                        holder: row.company_holder.clone(),
                    }
                    .into();
                    let id = row.id;
                    self.ask(ctx, Pending::Claim { id }, question)
                }
                None => Vec::new(),
            },
            Some(Action::Release) => match self.selected() {
                Some(row) => {
                    let question = TuiText::ConfirmRelease {
                        id: row.id,
                        company: row.company.clone(),
                    }
                    .into();
                    let id = row.id;
                    self.ask(ctx, Pending::Release { id }, question)
                }
                None => Vec::new(),
            },
            Some(Action::Mark) => {
                if let Some(id) = self.selected().map(|r| r.id)
                    && !self.marked.remove(&id)
                {
                    self.marked.insert(id);
                }
                self.move_cursor(1)
            }
            Some(Action::Assign) => {
                let leads: Vec<i64> = if self.marked.is_empty() {
                    self.selected().map(|r| r.id).into_iter().collect()
                } else {
                    self.marked.iter().copied().collect()
                };
                if leads.is_empty() {
                    return Vec::new();
                }
                self.prompt(ctx, Pending::AssignTo { leads }, Label::AssignPrompt)
            }
            Some(Action::FollowUp) => match self.selected().map(|r| r.id) {
                Some(lead) => self.prompt(ctx, Pending::FollowUp { lead }, Label::FollowupPrompt),
                None => Vec::new(),
            },
            Some(Action::Sort) => self.sort_next(),
            Some(Action::Filter) => {
                self.typing_filter = true;
                vec![Cmd::Redraw]
            }
            Some(Action::New) => vec![Cmd::Intent(Intent::Run("new"))],
            _ => Vec::new(),
        }
    }

    fn view(&self, ctx: &Ctx, frame: &mut Frame, area: Rect) {
        view::render(self, ctx, frame, area);
    }

    fn hints(&self) -> Vec<Action> {
        if self.typing_filter {
            vec![Action::Submit, Action::Cancel]
        } else {
            vec![
                Action::Claim,
                Action::Release,
                Action::FollowUp,
                Action::Assign,
                Action::Filter,
            ]
        }
    }

    fn export(&self, ctx: &Ctx) -> Option<Export> {
        let mut rows = vec![vec![
            "#".to_string(),
            ctx.label(Label::ColCompany).to_string(),
            ctx.label(Label::ColRegion).to_string(),
            ctx.label(Label::FieldIndustry).to_string(),
            ctx.label(Label::ColSource).to_string(),
            ctx.label(Label::ColAge).to_string(),
            ctx.label(Label::ColOwner).to_string(),
        ]];
        rows.extend(self.visible_rows().iter().map(|r| {
            vec![
                r.id.to_string(),
                r.company.clone(),
                r.region.clone(),
                r.industry.clone(),
                r.source.clone(),
                r.age_days.to_string(),
                r.owner.clone().unwrap_or_default(),
            ]
        }));
        Some(Export {
            what: "leads",
            rows,
        })
    }

    fn copy_line(&self, _ctx: &Ctx) -> Option<String> {
        let row = self.selected()?;
        Some(format!("#{} {} · {}", row.id, row.company, row.region))
    }

    fn refresh(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        vec![self.reload()]
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

#[cfg(test)]
mod tests;
