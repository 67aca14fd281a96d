use ratatui::crossterm::event::KeyCode;

use super::requests::{BoardMsg, BoardRequest};
use super::*;
use crate::db::api::board::{BoardQuery, Card, MoveAnswer, Scope, Stage};
use crate::tui::app::App;
use crate::tui::overlay::Overlay;
use crate::tui::testing::*;

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

fn stages() -> Vec<Stage> {
    let stage = |id: i16, name: &str, closed: bool, won: bool, cards: Vec<Card>| Stage {
        id,
        name_en: name.into(),
        name_zh: name.into(),
        closed,
        won,
        cards,
    };
    vec![
        stage(1, "初步接洽", false, false, vec![card(1, 3), card(2, 20)]),
        stage(2, "需求确认", false, false, vec![]),
        stage(5, "赢单", true, true, vec![]),
        stage(6, "输单", true, false, vec![]),
    ]
}

fn board_app() -> App {
    let mut app = app();
    let effects = press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.current_id(), "board");
    assert_eq!(
        requests::<BoardRequest>(&effects),
        vec![BoardRequest::Load(BoardQuery::default())]
    );
    loaded(&mut app, BoardQuery::default());
    app
}

fn loaded(app: &mut App, query: BoardQuery) {
    reply(
        app,
        "board",
        BoardMsg::Loaded {
            query,
            result: Ok(stages()),
        },
    );
}

fn board(app: &App) -> &Board {
    app.tab::<BoardTab>()
        .and_then(|t| t.board.as_ref())
        .expect("board")
}

fn key(app: &mut App, c: char) -> Vec<crate::tui::app::Effect> {
    press(app, KeyCode::Char(c))
}

#[test]
fn a_move_shows_at_once_and_a_refusal_re_reads_the_board() {
    let mut app = board_app();
    let effects = key(&mut app, ']');
    assert_eq!(
        requests::<BoardRequest>(&effects),
        vec![BoardRequest::Move {
            id: 1,
            stage: 2,
            version: 1,
            reason: None
        }]
    );
    assert_eq!(
        board(&app).columns[1].cards[0].id,
        1,
        "moved on screen before the answer"
    );
    assert_eq!(board(&app).column, 1, "the cursor follows the card");
    let effects = reply(
        &mut app,
        "board",
        BoardMsg::Moved {
            id: 1,
            result: Ok(MoveAnswer {
                ok: false,
                reason: "changed".into(),
                by_name: Some("李娜".into()),
                seconds_ago: Some(8),
                version: Some(3),
            }),
        },
    );
    assert_eq!(
        requests::<BoardRequest>(&effects),
        vec![BoardRequest::Load(BoardQuery::default())],
        "rolled back by re-reading"
    );
    assert!(flash(&app).contains("李娜"), "{}", flash(&app));
    // The re-read board (card back in its column) keeps the cursor on the card.
    loaded(&mut app, BoardQuery::default());
    assert_eq!(board(&app).selected().map(|c| c.id), Some(1));
}

#[test]
fn a_quick_second_move_names_the_version_the_first_one_gives() {
    let mut app = board_app();
    key(&mut app, ']');
    let effects = key(&mut app, '[');
    assert_eq!(
        requests::<BoardRequest>(&effects),
        vec![BoardRequest::Move {
            id: 1,
            stage: 1,
            version: 2,
            reason: None
        }],
        "not refused by the person's own first move"
    );
}

#[test]
fn lost_asks_for_a_reason_and_won_asks_first() {
    let mut app = board_app();
    key(&mut app, 'x');
    assert!(matches!(&app.overlay, Some(Overlay::Prompt(p)) if p.owner == "board"));
    typed(&mut app, "预算冻结");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        requests::<BoardRequest>(&effects),
        vec![BoardRequest::Move {
            id: 1,
            stage: 6,
            version: 1,
            reason: Some("预算冻结".into())
        }]
    );
    let mut app = board_app();
    key(&mut app, 'j');
    let effects = key(&mut app, 'w');
    assert!(
        requests::<BoardRequest>(&effects).is_empty(),
        "won asks first"
    );
    assert!(matches!(&app.overlay, Some(Overlay::Confirm { .. })));
    let effects = key(&mut app, 'y');
    assert!(matches!(
        requests::<BoardRequest>(&effects).as_slice(),
        [BoardRequest::Move {
            id: 2,
            stage: 5,
            ..
        }]
    ));
    // `]` never moves into a closed column (won/lost are reached with w/x).
    let mut app = board_app();
    assert!(!key(&mut app, ']').is_empty());
    assert!(requests::<BoardRequest>(&key(&mut app, ']')).is_empty());
}

#[test]
fn the_scope_cycles_and_the_filter_goes_to_the_server() {
    let mut app = board_app();
    let scoped = |scope| {
        BoardRequest::Load(BoardQuery {
            scope,
            filter: String::new(),
        })
    };
    assert_eq!(
        requests::<BoardRequest>(&key(&mut app, 'm')),
        vec![scoped(Scope::Team)]
    );
    assert_eq!(
        requests::<BoardRequest>(&key(&mut app, 'm')),
        vec![scoped(Scope::All)]
    );
    key(&mut app, '/');
    typed(&mut app, "华东");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        requests::<BoardRequest>(&effects),
        vec![BoardRequest::Load(BoardQuery {
            scope: Scope::All,
            filter: "华东".into()
        })]
    );
    assert!(stale(&stages()[0].cards[1]));
    assert!(!stale(&stages()[0].cards[0]));
    assert_eq!(
        crate::text::amount_in(-0.0_f64, crate::text::Lang::En),
        "¥0k",
        "an empty column totals 0, not -0"
    );
}
