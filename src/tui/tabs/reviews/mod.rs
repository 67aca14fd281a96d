//! The review queue (`:reviews`, for managers and admins): partner-vs-direct conflicts the
//! caller may decide, with both sides' evidence (who was first, follow-ups in 30 days) and
//! the tie-break's suggestion. `a` approves (the partner wins), `x` rejects (direct sales
//! keep it); either asks for the reason both sides are shown. The database decides who may.

pub mod requests;
mod view;

use std::any::Any;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use self::requests::{ReviewsMsg, ReviewsRequest};
use crate::domain::partners::ReviewLine;
use crate::text::{Label, OwnershipText};
use crate::tui::cmd::{Cmd, Export, Intent, TabMsg};
use crate::tui::keymap::{Action, Context};
use crate::tui::tab::{Component, Ctx, Tab};

const PROMPT_REASON: u32 = 1;

#[derive(Debug, Default)]
pub struct ReviewsTab {
    pub rows: Option<Vec<ReviewLine>>,
    pub selected: usize,
    /// The review and the decision a reason is being asked for.
    deciding: Option<(i64, bool)>,
}

impl ReviewsTab {
    pub fn selected_row(&self) -> Option<&ReviewLine> {
        self.rows.as_ref()?.get(self.selected)
    }

    fn load() -> Cmd {
        Cmd::request(ReviewsRequest::Load)
    }
}

impl Component for ReviewsTab {
    fn id(&self) -> &'static str {
        "reviews"
    }

    fn update(&mut self, _ctx: &Ctx, msg: TabMsg) -> Vec<Cmd> {
        match msg {
            TabMsg::Prompted { tag, text } if tag == PROMPT_REASON => match self.deciding.take() {
                Some((review, approve)) => vec![Cmd::request(ReviewsRequest::Decide {
                    review,
                    approve,
                    reason: text,
                })],
                None => Vec::new(),
            },
            TabMsg::Reply(reply) => match reply.downcast::<ReviewsMsg>() {
                Ok(msg) => match *msg {
                    ReviewsMsg::Loaded(Ok(rows)) => {
                        self.selected = self.selected.min(rows.len().saturating_sub(1));
                        self.rows = Some(rows);
                        vec![Cmd::Redraw]
                    }
                    ReviewsMsg::Loaded(Err(error)) => vec![Cmd::failed(error)],
                    ReviewsMsg::Decided(Ok((outcome, now))) => vec![
                        Cmd::flash(OwnershipText::of(&outcome, now)),
                        Self::load(),
                        Cmd::Intent(Intent::Reload),
                    ],
                    ReviewsMsg::Decided(Err(error)) => vec![Cmd::failed(error), Self::load()],
                },
                Err(_) => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Tab for ReviewsTab {
    fn title(&self) -> Label {
        Label::TabReviews
    }

    fn context(&self) -> Context {
        Context::Reviews
    }

    fn on_key(&mut self, ctx: &Ctx, _key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
        let count = self.rows.as_ref().map_or(0, Vec::len);
        match action {
            Some(Action::Down) => self.selected = (self.selected + 1).min(count.saturating_sub(1)),
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Approve | Action::Reject) if ctx.readonly => {
                return vec![Cmd::flash(Label::ReadOnlyRefused)];
            }
            Some(Action::Approve | Action::Reject) => {
                let Some(row) = self.selected_row() else {
                    return Vec::new();
                };
                self.deciding = Some((row.id, action == Some(Action::Approve)));
                return vec![Cmd::Intent(Intent::Prompt {
                    label: Label::ReviewReasonPrompt,
                    text: String::new(),
                    tag: PROMPT_REASON,
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
        vec![
            Action::Down,
            Action::Approve,
            Action::Reject,
            Action::Refresh,
        ]
    }

    fn export(&self, ctx: &Ctx) -> Option<Export> {
        let rows = self.rows.as_ref()?;
        let mut out = vec![vec![
            "#".to_string(),
            ctx.label(Label::ColCompany).to_string(),
            ctx.label(Label::Partner).to_string(),
            ctx.label(Label::DirectSide).to_string(),
            ctx.label(Label::Suggested).to_string(),
        ]];
        out.extend(rows.iter().map(|r| {
            vec![
                r.id.to_string(),
                r.company.clone(),
                r.partner.clone(),
                r.direct_rep.clone().unwrap_or_default(),
                r.suggested.clone(),
            ]
        }));
        Some(Export {
            what: "reviews",
            rows: out,
        })
    }

    fn copy_line(&self, _ctx: &Ctx) -> Option<String> {
        let row = self.selected_row()?;
        Some(format!(
            "#{} {} · {} ↔ {}",
            row.id,
            row.company,
            row.partner,
            row.direct_rep.clone().unwrap_or_default()
        ))
    }

    fn refresh(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        vec![Self::load()]
    }

    fn enter(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        vec![Self::load()]
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
