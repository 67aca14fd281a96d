//! The board's database work and its answers.

use crate::db::Session;
use crate::db::api::board::{self, BoardQuery, MoveAnswer, Stage};
use crate::error::Error;
use crate::tui::cmd::request;

#[derive(Debug, Clone, PartialEq)]
pub enum BoardRequest {
    Load(BoardQuery),
    Move {
        id: i64,
        stage: i16,
        version: i32,
        reason: Option<String>,
    },
}

#[derive(Debug)]
pub enum BoardMsg {
    Loaded {
        query: BoardQuery,
        result: Result<Vec<Stage>, Error>,
    },
    Moved {
        id: i64,
        result: Result<MoveAnswer, Error>,
    },
}

impl BoardRequest {
    async fn execute(self, db: &Session) -> BoardMsg {
        match self {
            BoardRequest::Load(query) => {
                let result = crate::db_read_lagging!(db, c => board::stages(c, &query));
                BoardMsg::Loaded { query, result }
            }
            BoardRequest::Move {
                id,
                stage,
                version,
                reason,
            } => BoardMsg::Moved {
                id,
                result: crate::db_write!(db, c => board::move_card(c, id, stage, version, reason.as_deref())),
            },
        }
    }
}

request!(BoardRequest);
