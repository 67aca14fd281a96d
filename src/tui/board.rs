//! The stage board (商机阶段看板), pure: columns by stage, a cursor, optimistic moves.
//! A move shows at once; the database's answer either confirms it or the board is re-read
//! (rolled back) with the reason in words.

use super::keys::KeyAction;
use super::state::{App, Effect, PromptKind};
use crate::text::TuiText;

/// Cards without activity for this many days are marked stale.
pub const STALE_DAYS: i64 = 14;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Card {
    pub id: i64,
    pub name: String,
    pub customer: String,
    pub amount: f64,
    pub owner: String,
    pub version: i32,
    pub idle_days: i64,
}

impl Card {
    pub fn stale(&self) -> bool {
        self.idle_days >= STALE_DAYS
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Column {
    pub stage: i16,
    pub name: String,
    pub closed: bool,
    pub won: bool,
    pub cards: Vec<Card>,
}

impl Column {
    pub fn total(&self) -> f64 {
        self.cards.iter().map(|c| c.amount).sum()
    }
}

/// Whose opportunities the board shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BoardScope {
    #[default]
    Mine,
    Team,
    All,
}

impl BoardScope {
    fn next(self) -> BoardScope {
        match self {
            BoardScope::Mine => BoardScope::Team,
            BoardScope::Team => BoardScope::All,
            BoardScope::All => BoardScope::Mine,
        }
    }
}

/// What the board shows: whose cards, and a text every shown card matches (name, customer,
/// owner, product line, region or close date — "华东", "2026-12", "ERP").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardQuery {
    pub scope: BoardScope,
    pub filter: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Board {
    pub scope: BoardScope,
    pub filter: String,
    pub columns: Vec<Column>,
    pub column: usize,
    /// The selected card in each column.
    pub rows: Vec<usize>,
}

impl Board {
    pub fn query(&self) -> BoardQuery {
        BoardQuery {
            scope: self.scope,
            filter: self.filter.clone(),
        }
    }

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
    /// database (card, stage, the version the card was read at).
    fn move_selected(&mut self, to: usize) -> Option<(i64, i16, i32)> {
        let from = self.column;
        if to >= self.columns.len() || to == from {
            return None;
        }
        let row = *self.rows.get(from)?;
        if row >= self.columns[from].cards.len() {
            return None;
        }
        let card = self.columns[from].cards.remove(row);
        let answer = (card.id, self.columns[to].stage, card.version);
        self.columns[to].cards.insert(0, card);
        self.column = to;
        self.rows[to] = 0;
        self.clamp();
        Some(answer)
    }

    fn index_of_stage(&self, won: bool) -> Option<usize> {
        self.columns.iter().position(|c| c.closed && c.won == won)
    }
}

/// What the database answered to a move.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveAnswer {
    pub ok: bool,
    pub reason: String,
    pub by_name: Option<String>,
    pub seconds_ago: Option<i64>,
}

/// A key on the board (dialogs and prompts were handled before).
pub fn on_key(app: &mut App, code: ratatui::crossterm::event::KeyCode) -> Vec<Effect> {
    let action = app.keymap.action(code);
    let readonly = app.readonly;
    let Some(board) = app.board.as_mut() else {
        return app.common_key(code);
    };
    let moves = matches!(
        action,
        Some(KeyAction::StageNext | KeyAction::StagePrev | KeyAction::Won | KeyAction::Lost)
    );
    if moves && readonly {
        return app.refuse_readonly();
    }
    match action {
        Some(KeyAction::Left) => board.column = board.column.saturating_sub(1),
        Some(KeyAction::Right) => {
            board.column = (board.column + 1).min(board.columns.len().saturating_sub(1))
        }
        Some(KeyAction::Down) => {
            if let Some(row) = board.rows.get_mut(board.column) {
                *row += 1;
            }
            board.clamp();
        }
        Some(KeyAction::Up) => {
            if let Some(row) = board.rows.get_mut(board.column) {
                *row = row.saturating_sub(1);
            }
        }
        Some(KeyAction::Scope) => {
            board.scope = board.scope.next();
            return vec![Effect::LoadBoard(board.query()), Effect::Redraw];
        }
        Some(KeyAction::Filter) => {
            let filter = board.filter.clone();
            let effects = app.open_prompt(PromptKind::BoardFilter);
            if let Some(prompt) = app.prompt.as_mut() {
                prompt.text = filter;
            }
            return effects;
        }
        Some(KeyAction::Quit)
            if code == ratatui::crossterm::event::KeyCode::Esc && !board.filter.is_empty() =>
        {
            board.filter.clear();
            return vec![Effect::LoadBoard(board.query()), Effect::Redraw];
        }
        Some(KeyAction::StageNext | KeyAction::StagePrev) => {
            let to = if action == Some(KeyAction::StageNext) {
                board.column + 1
            } else {
                board.column.wrapping_sub(1)
            };
            // Closed columns are reached with won/lost (lost needs a reason).
            if board.columns.get(to).is_none_or(|c| c.closed) {
                return vec![];
            }
            return match board.move_selected(to) {
                Some((id, stage, version)) => vec![
                    Effect::MoveCard {
                        id,
                        stage,
                        version,
                        reason: None,
                    },
                    Effect::Redraw,
                ],
                None => vec![],
            };
        }
        Some(KeyAction::Won) => {
            let Some(to) = board.index_of_stage(true) else {
                return vec![];
            };
            return match board.move_selected(to) {
                Some((id, stage, version)) => vec![
                    Effect::MoveCard {
                        id,
                        stage,
                        version,
                        reason: None,
                    },
                    Effect::Redraw,
                ],
                None => vec![],
            };
        }
        Some(KeyAction::Lost) => {
            let (Some(card), Some(to)) = (board.selected(), board.index_of_stage(false)) else {
                return vec![];
            };
            let kind = PromptKind::LostReason {
                id: card.id,
                stage: board.columns[to].stage,
                version: card.version,
            };
            return app.open_prompt(kind);
        }
        Some(KeyAction::Refresh) => {
            return vec![Effect::LoadBoard(board.query()), Effect::LoadFigures];
        }
        _ => return app.common_key(code),
    }
    vec![Effect::Redraw]
}

/// The answer to a move: confirmed, or rolled back by re-reading the board, in words.
pub fn moved(app: &mut App, answer: Result<MoveAnswer, String>) -> Vec<Effect> {
    let query = app.board.as_ref().map(|b| b.query()).unwrap_or_default();
    app.flash = Some(match answer {
        Ok(a) if a.ok => TuiText::BoardMoved.to_string(),
        Ok(a) => TuiText::BoardMoveRefused {
            reason: a.reason,
            by: a.by_name,
            seconds_ago: a.seconds_ago,
        }
        .to_string(),
        Err(error) => error,
    });
    vec![Effect::LoadBoard(query), Effect::Redraw]
}

/// A freshly read board keeps the person's column and card where it can.
pub fn loaded(app: &mut App, mut board: Board) -> Vec<Effect> {
    if let Some(old) = &app.board {
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
    app.board = Some(board);
    vec![Effect::Redraw]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::state::{Msg, Tab, update};
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn card(id: i64, idle_days: i64) -> Card {
        Card {
            id,
            name: format!("商机{id}"),
            customer: "恒信精密".into(),
            amount: 100_000.0 * id as f64,
            owner: "王芳".into(),
            version: 1,
            idle_days,
        }
    }

    fn board() -> Board {
        let stage = |stage: i16, name: &str, closed: bool, won: bool, cards: Vec<Card>| Column {
            stage,
            name: name.into(),
            closed,
            won,
            cards,
        };
        Board {
            columns: vec![
                stage(1, "初步接洽", false, false, vec![card(1, 3), card(2, 20)]),
                stage(2, "需求确认", false, false, vec![]),
                stage(5, "赢单", true, true, vec![]),
                stage(6, "输单", true, false, vec![]),
            ],
            ..Board::default()
        }
    }

    fn app() -> App {
        let mut app = App::default();
        let effects = update(&mut app, Msg::Key(KeyCode::Char('3'), KeyModifiers::NONE));
        assert_eq!(app.tab, Tab::Board);
        assert!(
            effects.contains(&Effect::LoadBoard(BoardQuery::default())),
            "{effects:?}"
        );
        update(&mut app, Msg::BoardLoaded(Ok(board())));
        app
    }

    fn key(app: &mut App, c: char) -> Vec<Effect> {
        update(app, Msg::Key(KeyCode::Char(c), KeyModifiers::NONE))
    }

    #[test]
    fn a_move_shows_at_once_and_a_refusal_re_reads_the_board() {
        let mut app = app();
        let effects = key(&mut app, ']');
        assert_eq!(
            effects[0],
            Effect::MoveCard {
                id: 1,
                stage: 2,
                version: 1,
                reason: None
            }
        );
        let shown = app.board.as_ref().expect("board");
        assert_eq!(
            shown.columns[1].cards[0].id, 1,
            "moved on screen before the answer"
        );
        assert_eq!(shown.column, 1, "the cursor follows the card");
        let effects = update(
            &mut app,
            Msg::CardMoved(Ok(MoveAnswer {
                ok: false,
                reason: "changed".into(),
                by_name: Some("李娜".into()),
                seconds_ago: Some(8),
            })),
        );
        assert_eq!(
            effects[0],
            Effect::LoadBoard(BoardQuery::default()),
            "rolled back by re-reading"
        );
        assert!(app.flash.as_deref().is_some_and(|f| f.contains("李娜")));
        // The re-read board (card back in its column) keeps the cursor on the card.
        update(&mut app, Msg::BoardLoaded(Ok(board())));
        assert_eq!(
            app.board.as_ref().and_then(|b| b.selected()).map(|c| c.id),
            Some(1)
        );
    }

    #[test]
    fn lost_asks_for_a_reason_and_won_needs_none() {
        let mut app = app();
        key(&mut app, 'x');
        assert!(matches!(
            app.prompt.as_ref().map(|p| &p.kind),
            Some(PromptKind::LostReason {
                id: 1,
                stage: 6,
                version: 1
            })
        ));
        for c in "预算冻结".chars() {
            key(&mut app, c);
        }
        let effects = update(&mut app, Msg::Key(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(
            effects[0],
            Effect::MoveCard {
                id: 1,
                stage: 6,
                version: 1,
                reason: Some("预算冻结".into())
            }
        );
        let mut app = self::app();
        key(&mut app, 'j');
        let effects = key(&mut app, 'w');
        assert!(matches!(
            effects[0],
            Effect::MoveCard {
                id: 2,
                stage: 5,
                ..
            }
        ));
        // `]` never moves into a closed column (won/lost are reached with w/x).
        let mut app = self::app();
        assert!(!key(&mut app, ']').is_empty());
        assert!(key(&mut app, ']').is_empty());
    }

    #[test]
    fn the_scope_cycles_and_stale_cards_are_known() {
        let mut app = app();
        let scoped = |scope| {
            Effect::LoadBoard(BoardQuery {
                scope,
                filter: String::new(),
            })
        };
        assert_eq!(key(&mut app, 'm')[0], scoped(BoardScope::Team));
        assert_eq!(key(&mut app, 'm')[0], scoped(BoardScope::All));
        // `/` filters on the server: the typed text goes with the next read.
        key(&mut app, '/');
        for c in "华东".chars() {
            key(&mut app, c);
        }
        let effects = update(&mut app, Msg::Key(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(
            effects[0],
            Effect::LoadBoard(BoardQuery {
                scope: BoardScope::All,
                filter: "华东".into()
            })
        );
        assert!(board().columns[0].cards[1].stale());
        assert!(!board().columns[0].cards[0].stale());
        assert_eq!(board().columns[0].total(), 300_000.0);
        crate::text::set_lang(crate::text::Lang::En);
        assert_eq!(crate::text::amount(board().columns[1].total()), "¥0k");
    }
}
