//! The stage board (商机阶段看板), pure: columns by stage, a cursor, optimistic moves. A move
//! shows at once; the database's answer either confirms it (and the card takes the version
//! the database gave it) or the board is re-read — rolled back — with the reason in words.

pub mod requests;
mod view;

use std::any::Any;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use self::requests::{BoardMsg, BoardRequest};
use crate::db::api::board::{BoardQuery, Card, MoveAnswer, Scope, Stage};
use crate::error::Error;
use crate::text::{Label, TuiText};
use crate::tui::cmd::{Cmd, Export, Intent, Note, TabMsg};
use crate::tui::keymap::{Action, Context};
use crate::tui::tab::{Component, Ctx, Tab};

/// Cards without activity for this many days are marked stale.
pub const STALE_DAYS: i64 = 14;

pub fn stale(card: &Card) -> bool {
    card.idle_days >= STALE_DAYS
}

fn next_scope(scope: Scope) -> Scope {
    match scope {
        Scope::Mine => Scope::Team,
        Scope::Team => Scope::All,
        Scope::All => Scope::Mine,
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Board {
    pub query: BoardQuery,
    pub columns: Vec<Stage>,
    pub column: usize,
    /// The selected card in each column.
    pub rows: Vec<usize>,
}

impl Board {
    pub fn selected(&self) -> Option<&Card> {
        let column = self.columns.get(self.column)?;
        column.cards.get(*self.rows.get(self.column)?)
    }

    fn clamp(&mut self) {
        self.rows.resize(self.columns.len(), 0);
        self.column = self.column.min(self.columns.len().saturating_sub(1));
        for (row, column) in self.rows.iter_mut().zip(&self.columns) {
            *row = (*row).min(column.cards.len().saturating_sub(1));
        }
    }

    /// Moves the selected card to column `to` on screen at once; returns what to ask the
    /// database (card, stage, the version the card was read at). The card on screen takes
    /// the version the move will give it, so a quick second move is not refused by the first.
    fn move_selected(&mut self, to: usize) -> Option<(i64, i16, i32)> {
        let from = self.column;
        if to >= self.columns.len() || to == from {
            return None;
        }
        let row = *self.rows.get(from)?;
        if row >= self.columns[from].cards.len() {
            return None;
        }
        let mut card = self.columns[from].cards.remove(row);
        let answer = (card.id, self.columns[to].id, card.version);
        card.version += 1;
        self.columns[to].cards.insert(0, card);
        self.column = to;
        self.rows[to] = 0;
        self.clamp();
        Some(answer)
    }

    fn index_of_stage(&self, won: bool) -> Option<usize> {
        self.columns.iter().position(|c| c.closed && c.won == won)
    }

    fn card_mut(&mut self, id: i64) -> Option<&mut Card> {
        self.columns
            .iter_mut()
            .flat_map(|c| c.cards.iter_mut())
            .find(|c| c.id == id)
    }
}

const CONFIRM_WON: u32 = 1;
const PROMPT_LOST: u32 = 2;
const PROMPT_FILTER: u32 = 3;

#[derive(Debug, Default)]
pub struct BoardTab {
    pub board: Option<Board>,
    /// A card waiting for its won confirmation or lost reason: (card, stage, version).
    pending: Option<(i64, i16, i32)>,
}

impl BoardTab {
    fn query(&self) -> BoardQuery {
        self.board
            .as_ref()
            .map(|b| b.query.clone())
            .unwrap_or_default()
    }

    fn load(&self) -> Cmd {
        Cmd::request(BoardRequest::Load(self.query()))
    }

    fn move_to(&mut self, to: usize) -> Vec<Cmd> {
        let Some(board) = self.board.as_mut() else {
            return Vec::new();
        };
        match board.move_selected(to) {
            Some((id, stage, version)) => vec![
                Cmd::request(BoardRequest::Move {
                    id,
                    stage,
                    version,
                    reason: None,
                }),
                Cmd::Redraw,
            ],
            None => Vec::new(),
        }
    }

    /// The answer to a move: confirmed, or rolled back by re-reading the board, in words.
    fn moved(&mut self, id: i64, answer: Result<MoveAnswer, Error>) -> Vec<Cmd> {
        let note = match answer {
            Ok(a) if a.ok => {
                if let (Some(board), Some(version)) = (self.board.as_mut(), a.version)
                    && let Some(card) = board.card_mut(id)
                {
                    card.version = version;
                }
                Note::Said(TuiText::BoardMoved.into())
            }
            Ok(a) => Note::Said(
                TuiText::BoardMoveRefused {
                    reason: a.reason,
                    by: a.by_name,
                    seconds_ago: a.seconds_ago,
                }
                .into(),
            ),
            Err(error) => Note::Failed(error),
        };
        vec![Cmd::Intent(Intent::Flash(note)), self.load(), Cmd::Redraw]
    }

    /// A freshly read board keeps the person's column and card where it can.
    fn loaded(&mut self, query: BoardQuery, columns: Vec<Stage>) -> Vec<Cmd> {
        let mut board = Board {
            query,
            columns,
            ..Board::default()
        };
        if let Some(old) = &self.board {
            board.column = old.column;
            board.rows = old.rows.clone();
            if let Some(id) = old.selected().map(|c| c.id) {
                for (index, column) in board.columns.iter().enumerate() {
                    if let Some(row) = column.cards.iter().position(|c| c.id == id) {
                        board.column = index;
                        board.rows.resize(board.columns.len(), 0);
                        board.rows[index] = row;
                    }
                }
            }
        }
        board.clamp();
        self.board = Some(board);
        vec![Cmd::Redraw]
    }
}

impl Component for BoardTab {
    fn id(&self) -> &'static str {
        "board"
    }

    fn update(&mut self, _ctx: &Ctx, msg: TabMsg) -> Vec<Cmd> {
        match msg {
            TabMsg::Answer { tag, yes } if tag == CONFIRM_WON => {
                if !yes {
                    self.pending = None;
                    return vec![Cmd::Redraw];
                }
                let Some((id, stage, _)) = self.pending.take() else {
                    return Vec::new();
                };
                let to = self
                    .board
                    .as_ref()
                    .and_then(|b| b.columns.iter().position(|c| c.id == stage));
                match to {
                    Some(to)
                        if self.board.as_ref().and_then(|b| b.selected()).map(|c| c.id)
                            == Some(id) =>
                    {
                        self.move_to(to)
                    }
                    _ => vec![self.load()],
                }
            }
            TabMsg::Prompted { tag, text } if tag == PROMPT_LOST => match self.pending.take() {
                Some((id, stage, version)) => vec![
                    Cmd::request(BoardRequest::Move {
                        id,
                        stage,
                        version,
                        reason: Some(text),
                    }),
                    Cmd::Redraw,
                ],
                None => Vec::new(),
            },
            TabMsg::Prompted { tag, text } if tag == PROMPT_FILTER => {
                if let Some(board) = self.board.as_mut() {
                    board.query.filter = text;
                }
                vec![self.load(), Cmd::Redraw]
            }
            TabMsg::Reply(reply) => match reply.downcast::<BoardMsg>() {
                Ok(msg) => match *msg {
                    BoardMsg::Loaded {
                        query,
                        result: Ok(columns),
                    } => self.loaded(query, columns),
                    BoardMsg::Loaded {
                        result: Err(error), ..
                    } => vec![Cmd::failed(error)],
                    BoardMsg::Moved { id, result } => self.moved(id, result),
                },
                Err(_) => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn commands(&self) -> &'static [&'static str] {
        &[]
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Tab for BoardTab {
    fn title(&self) -> Label {
        Label::TabBoard
    }

    fn context(&self) -> Context {
        Context::Board
    }

    fn on_key(&mut self, ctx: &Ctx, _key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
        let moves = matches!(
            action,
            Some(Action::StageNext | Action::StagePrev | Action::Won | Action::Lost)
        );
        if moves && ctx.readonly {
            return vec![Cmd::flash(Label::ReadOnlyRefused)];
        }
        let Some(board) = self.board.as_mut() else {
            return match action {
                Some(Action::Back) => vec![Cmd::Intent(Intent::Quit)],
                _ => Vec::new(),
            };
        };
        match action {
            Some(Action::Left) => board.column = board.column.saturating_sub(1),
            Some(Action::Right) => {
                board.column = (board.column + 1).min(board.columns.len().saturating_sub(1))
            }
            Some(Action::Down) => {
                if let Some(row) = board.rows.get_mut(board.column) {
                    *row += 1;
                }
                board.clamp();
            }
            Some(Action::Up) => {
                if let Some(row) = board.rows.get_mut(board.column) {
                    *row = row.saturating_sub(1);
                }
            }
            Some(Action::Scope) => {
                board.query.scope = next_scope(board.query.scope);
                return vec![
                    Cmd::request(BoardRequest::Load(board.query.clone())),
                    Cmd::Redraw,
                ];
            }
            Some(Action::Filter) => {
                return vec![Cmd::Intent(Intent::Prompt {
                    label: Label::BoardFilterPrompt,
                    text: board.query.filter.clone(),
                    tag: PROMPT_FILTER,
                })];
            }
            Some(Action::Back) if !board.query.filter.is_empty() => {
                board.query.filter.clear();
                return vec![
                    Cmd::request(BoardRequest::Load(board.query.clone())),
                    Cmd::Redraw,
                ];
            }
            Some(Action::Back) => return vec![Cmd::Intent(Intent::Quit)],
            Some(Action::StageNext | Action::StagePrev) => {
                let to = if action == Some(Action::StageNext) {
                    board.column + 1
                } else {
                    board.column.wrapping_sub(1)
                };
                // Closed columns are reached with won/lost, which ask first.
                if board.columns.get(to).is_none_or(|c| c.closed) {
                    return Vec::new();
                }
                return self.move_to(to);
            }
            Some(Action::Won) => {
                let (Some(card), Some(to)) = (board.selected(), board.index_of_stage(true)) else {
                    return Vec::new();
                };
                self.pending = Some((card.id, board.columns[to].id, card.version));
                return vec![Cmd::Intent(Intent::Confirm {
                    question: TuiText::ConfirmWon {
                        name: card.name.clone(),
                    }
                    .into(),
                    tag: CONFIRM_WON,
                })];
            }
            Some(Action::Lost) => {
                let (Some(card), Some(to)) = (board.selected(), board.index_of_stage(false)) else {
                    return Vec::new();
                };
                self.pending = Some((card.id, board.columns[to].id, card.version));
                return vec![Cmd::Intent(Intent::Prompt {
                    label: Label::LostReasonPrompt,
                    text: String::new(),
                    tag: PROMPT_LOST,
                })];
            }
            _ => return Vec::new(),
        }
        vec![Cmd::Redraw]
    }

    fn view(&self, ctx: &Ctx, frame: &mut Frame, area: Rect) {
        view::render(self, ctx, frame, area);
    }

    fn hints(&self) -> Vec<Action> {
        vec![
            Action::Left,
            Action::StageNext,
            Action::Won,
            Action::Lost,
            Action::Scope,
            Action::Filter,
        ]
    }

    fn export(&self, ctx: &Ctx) -> Option<Export> {
        let board = self.board.as_ref()?;
        let mut rows = vec![vec![
            "#".to_string(),
            ctx.label(Label::Stage).to_string(),
            ctx.label(Label::PersonName).to_string(),
            ctx.label(Label::ColCompany).to_string(),
            ctx.label(Label::Amount).to_string(),
            ctx.label(Label::Owner).to_string(),
        ]];
        for column in &board.columns {
            let stage = view::stage_name(column, ctx.lang);
            rows.extend(column.cards.iter().map(|c| {
                vec![
                    c.id.to_string(),
                    stage.clone(),
                    c.name.clone(),
                    c.customer.clone(),
                    format!("{:.2}", c.amount),
                    c.owner.clone(),
                ]
            }));
        }
        Some(Export {
            what: "board",
            rows,
        })
    }

    fn copy_line(&self, ctx: &Ctx) -> Option<String> {
        let card = self.board.as_ref()?.selected()?;
        Some(format!(
            "#{} {} · {} · {}",
            card.id,
            card.name,
            card.customer,
            crate::text::amount_in(card.amount, ctx.lang)
        ))
    }

    fn refresh(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        vec![self.load()]
    }

    fn enter(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        if self.board.is_none() {
            vec![self.load()]
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
