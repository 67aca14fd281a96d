//! The partner's view (渠道伙伴): what a partner's person sees when they sign in — their
//! partner's registrations (status, days of protection left, review state), a registration
//! form whose availability answer comes as they type, and follow-up logging. Pure: keys and
//! answers in, commands out. What a partner may learn is decided in the database; this shows
//! the words it answers with (available / unavailable / invalid, never who holds a company).

pub mod requests;
mod view;

use std::any::Any;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use self::requests::{PartnerMsg, PartnerRequest};
use crate::domain::ownership::{Outcome, PartnerRegistration, Reason};
use crate::domain::partners::MyRegistration;
use crate::domain::{phone, uscc};
use crate::text::{Label, OwnershipText, TuiText};
use crate::tui::cmd::{Cmd, Export, Intent, Note, TabMsg};
use crate::tui::keymap::{Action, Context};
use crate::tui::tab::{Component, Ctx, Tab};

/// Typing pauses this long before the availability check runs: every check counts toward
/// the partner's daily number, so not every keystroke asks.
pub const CHECK_DEBOUNCE_MS: u64 = 500;
const PROMPT_FOLLOW_UP: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Code,
    Phone,
    Note,
}

pub const FIELDS: [Field; 4] = [Field::Name, Field::Code, Field::Phone, Field::Note];

impl Field {
    pub fn label(self) -> Label {
        match self {
            Field::Name => Label::FieldName,
            Field::Code => Label::FieldCode,
            Field::Phone => Label::FieldPhone,
            Field::Note => Label::FieldNote,
        }
    }

    const fn max_chars(self) -> usize {
        match self {
            Field::Name => 200,
            Field::Code => 18,
            Field::Phone => 40,
            Field::Note => 500,
        }
    }

    /// Fields the availability answer depends on.
    fn checked(self) -> bool {
        !matches!(self, Field::Note)
    }
}

/// The registration form; closing it keeps what was typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegistrationForm {
    pub open: bool,
    pub values: [String; 4],
    pub focus: usize,
    /// Version of what was typed; answers for older versions are dropped.
    pub seq: u64,
    pub answer: Option<String>,
    pub checking: bool,
    pub saving: bool,
    /// Direct sales hold the company: a save may ask for a review (C-r).
    pub review_possible: bool,
    pub notice: Option<Note>,
}

impl RegistrationForm {
    pub fn value(&self, field: Field) -> &str {
        let index = FIELDS.iter().position(|f| *f == field).unwrap_or(0);
        self.values[index].trim()
    }

    fn optional(&self, field: Field) -> Option<String> {
        Some(self.value(field).to_string()).filter(|v| !v.is_empty())
    }

    /// A field's problem as typed (checked here so nothing invalid is sent or counted).
    pub fn problem(&self, field: Field) -> Option<Label> {
        let value = self.value(field);
        match field {
            Field::Code if !value.is_empty() && uscc::validate(value).is_err() => {
                Some(Label::FieldCode)
            }
            Field::Phone if !value.is_empty() && phone::normalize(value).is_err() => {
                Some(Label::FieldPhone)
            }
            _ => None,
        }
    }

    /// Worth asking the database about: a name of two characters or more, nothing invalid.
    fn checkable(&self) -> bool {
        self.value(Field::Name).chars().count() >= 2
            && FIELDS.iter().all(|f| self.problem(*f).is_none())
    }

    fn registration(&self, review: bool) -> PartnerRegistration {
        PartnerRegistration {
            name: self.value(Field::Name).to_string(),
            code: self.optional(Field::Code),
            phone: self.optional(Field::Phone),
            note: self.optional(Field::Note),
            review,
            partner: None,
        }
    }
}

#[derive(Debug, Default)]
pub struct PartnerTab {
    pub rows: Option<Vec<MyRegistration>>,
    pub selected: usize,
    pub form: RegistrationForm,
    /// The customer a follow-up prompt is for.
    following: Option<i64>,
}

impl PartnerTab {
    pub fn selected_row(&self) -> Option<&MyRegistration> {
        self.rows.as_ref()?.get(self.selected)
    }

    fn load() -> Cmd {
        Cmd::request(PartnerRequest::Load)
    }

    fn save(&mut self, review: bool) -> Vec<Cmd> {
        let form = &mut self.form;
        if form.saving {
            return Vec::new();
        }
        if form.value(Field::Name).chars().count() < 2 {
            form.notice = Some(Note::Said(TuiText::PartnerNameNeeded.into()));
            return vec![Cmd::Redraw];
        }
        if let Some(field) = FIELDS.iter().find_map(|f| form.problem(*f)) {
            form.notice = Some(Note::Said(TuiText::PartnerFieldInvalid { field }.into()));
            return vec![Cmd::Redraw];
        }
        form.saving = true;
        vec![
            Cmd::request(PartnerRequest::Register(form.registration(review))),
            Cmd::Redraw,
        ]
    }

    /// The answer to a registration: done (the form clears, the list re-reads), or why not,
    /// kept on the form with what was typed.
    fn registered(&mut self, outcome: Outcome, now: chrono::DateTime<chrono::Utc>) -> Vec<Cmd> {
        let words = OwnershipText::of(&outcome, now);
        self.form.saving = false;
        self.form.review_possible = !outcome.ok
            && outcome.reason == Reason::CompanyHeld
            && outcome.other_user_name.is_none();
        if outcome.ok || outcome.reason == Reason::ReviewRequested {
            self.form = RegistrationForm::default();
            return vec![
                Cmd::flash(words),
                Self::load(),
                Cmd::Intent(Intent::Reload),
                Cmd::Redraw,
            ];
        }
        self.form.notice = Some(Note::Said(words.into()));
        vec![Cmd::Redraw]
    }

    fn on_form_key(&mut self, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
        let form = &mut self.form;
        let field = FIELDS[form.focus];
        match action {
            Some(Action::Save) => return self.save(false),
            Some(Action::AskReview) if form.review_possible => return self.save(true),
            Some(Action::NextField)
                if key.code == KeyCode::Enter && form.focus + 1 == FIELDS.len() =>
            {
                return self.save(false);
            }
            Some(Action::NextField) => {
                form.focus = (form.focus + 1) % FIELDS.len();
                return vec![Cmd::Redraw];
            }
            Some(Action::PrevField) => {
                form.focus = (form.focus + FIELDS.len() - 1) % FIELDS.len();
                return vec![Cmd::Redraw];
            }
            Some(Action::Back) => {
                form.open = false;
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
        if !field.checked() {
            return vec![Cmd::Redraw];
        }
        form.seq += 1;
        form.answer = None;
        form.review_possible = false;
        form.checking = form.checkable();
        if !form.checking {
            return vec![Cmd::Redraw];
        }
        vec![
            Cmd::Timer {
                ms: CHECK_DEBOUNCE_MS,
                token: form.seq,
            },
            Cmd::Redraw,
        ]
    }
}

impl Component for PartnerTab {
    fn id(&self) -> &'static str {
        "partner"
    }

    fn update(&mut self, _ctx: &Ctx, msg: TabMsg) -> Vec<Cmd> {
        match msg {
            // The typing paused: ask, if this is still what is typed.
            TabMsg::Timer(token) if token == self.form.seq && self.form.checking => {
                let form = &self.form;
                vec![Cmd::request(PartnerRequest::Check {
                    seq: form.seq,
                    name: form.value(Field::Name).to_string(),
                    code: form.optional(Field::Code),
                    phone: form.optional(Field::Phone),
                })]
            }
            TabMsg::Prompted { tag, text } if tag == PROMPT_FOLLOW_UP => {
                match self.following.take() {
                    Some(customer) => vec![Cmd::request(PartnerRequest::FollowUp {
                        customer,
                        note: text,
                    })],
                    None => Vec::new(),
                }
            }
            TabMsg::Reply(reply) => match reply.downcast::<PartnerMsg>() {
                Ok(msg) => match *msg {
                    PartnerMsg::Loaded(Ok(rows)) => {
                        self.selected = self.selected.min(rows.len().saturating_sub(1));
                        self.rows = Some(rows);
                        vec![Cmd::Redraw]
                    }
                    PartnerMsg::Loaded(Err(error)) => vec![Cmd::failed(error)],
                    PartnerMsg::Checked { seq, answer } if seq == self.form.seq => {
                        self.form.checking = false;
                        match answer {
                            Ok(answer) => self.form.answer = Some(answer),
                            Err(error) => self.form.notice = Some(Note::Failed(error)),
                        }
                        vec![Cmd::Redraw]
                    }
                    PartnerMsg::Checked { .. } => Vec::new(),
                    PartnerMsg::Registered(Ok((outcome, now))) => self.registered(outcome, now),
                    PartnerMsg::Registered(Err(error)) => {
                        self.form.saving = false;
                        self.form.notice = Some(Note::Failed(error));
                        vec![Cmd::Redraw]
                    }
                    PartnerMsg::FollowedUp(Ok((outcome, now))) => {
                        vec![Cmd::flash(OwnershipText::of(&outcome, now)), Self::load()]
                    }
                    PartnerMsg::FollowedUp(Err(error)) => vec![Cmd::failed(error)],
                },
                Err(_) => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn start(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        vec![Self::load()]
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Tab for PartnerTab {
    fn title(&self) -> Label {
        Label::TabPartner
    }

    fn context(&self) -> Context {
        if self.form.open {
            Context::Form
        } else {
            Context::Partner
        }
    }

    fn on_key(&mut self, ctx: &Ctx, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
        if self.form.open {
            return self.on_form_key(key, action);
        }
        let count = self.rows.as_ref().map_or(0, Vec::len);
        match action {
            Some(Action::Down) => self.selected = (self.selected + 1).min(count.saturating_sub(1)),
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::New | Action::FollowUp) if ctx.readonly => {
                return vec![Cmd::flash(Label::ReadOnlyRefused)];
            }
            Some(Action::New) => self.form.open = true,
            Some(Action::FollowUp) => {
                let Some(row) = self.selected_row().filter(|r| r.registration_id.is_some()) else {
                    return Vec::new();
                };
                self.following = Some(row.customer_id);
                return vec![Cmd::Intent(Intent::Prompt {
                    label: Label::FollowupPrompt,
                    text: String::new(),
                    tag: PROMPT_FOLLOW_UP,
                })];
            }
            Some(Action::Back) => return vec![Cmd::Intent(Intent::Quit)],
            _ => return Vec::new(),
        }
        vec![Cmd::Redraw]
    }

    fn view(&self, ctx: &Ctx, frame: &mut Frame, area: Rect) {
        view::render(self, ctx, frame, area);
    }

    fn hints(&self) -> Vec<Action> {
        if self.form.open {
            let mut hints = vec![Action::NextField, Action::Save, Action::Back];
            if self.form.review_possible {
                hints.insert(2, Action::AskReview);
            }
            hints
        } else {
            vec![Action::Down, Action::New, Action::FollowUp, Action::Refresh]
        }
    }

    fn export(&self, ctx: &Ctx) -> Option<Export> {
        let rows = self.rows.as_ref()?;
        let mut out = vec![vec![
            "#".to_string(),
            ctx.label(Label::ColCompany).to_string(),
            ctx.label(Label::Status).to_string(),
            ctx.label(Label::ColRegistered).to_string(),
            ctx.label(Label::ColProtection).to_string(),
        ]];
        out.extend(rows.iter().map(|r| {
            vec![
                r.customer_id.to_string(),
                r.company.clone(),
                view::status_words(r, ctx.lang),
                r.registered_at.format("%Y-%m-%d").to_string(),
                r.expires_at
                    .map(|e| e.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            ]
        }));
        Some(Export {
            what: "registrations",
            rows: out,
        })
    }

    fn copy_line(&self, ctx: &Ctx) -> Option<String> {
        let row = self.selected_row()?;
        Some(format!(
            "#{} {} · {}",
            row.customer_id,
            row.company,
            view::status_words(row, ctx.lang)
        ))
    }

    fn refresh(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        vec![Self::load()]
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

#[cfg(test)]
mod tests;
