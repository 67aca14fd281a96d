//! The app as a whole: keys reach the right tab, the palette and help, and the status bar
//! and help come from the keymap in use.

use std::collections::BTreeMap;

use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use unicode_width::UnicodeWidthStr;

use super::app::{App, Options};
use super::chrome::Theme;
use super::fixtures;
use super::keymap::Keymap;
use super::testing::*;
use crate::text::Lang;

/// The check: rebinding claim to `C` in the config file changes the pool tab's
/// status bar and its help — nothing else was told.
#[test]
fn a_rebound_key_shows_in_the_status_bar_and_the_help() {
    let mut overrides = BTreeMap::new();
    overrides.insert("claim".to_string(), "C".to_string());
    let keymap = Keymap::with_overrides(&overrides).expect("valid keymap");
    for (keymap, key) in [(Keymap::default(), "c"), (keymap, "C")] {
        let mut app = App::new(
            "dibs · wangfang".into(),
            Lang::En,
            Options {
                keymap,
                ..Options::default()
            },
        );
        let (text, _) = screen(&app, 120, 40);
        let status = text.lines().last().unwrap_or_default().to_string();
        assert!(status.contains(&format!("{key} claim")), "{status}");
        press(&mut app, KeyCode::Char('?'));
        let (help, _) = screen(&app, 120, 40);
        assert!(
            help.lines().any(|l| l
                .trim_start_matches([' ', '│'])
                .starts_with(&format!("{key} "))
                && l.contains("claim lead / customer")),
            "{help}"
        );
    }
}

#[test]
fn each_tab_names_its_own_keys_in_both_languages() {
    for lang in [Lang::En, Lang::Zh] {
        let claim = if lang == Lang::Zh {
            "c 领取"
        } else {
            "c claim"
        };
        let won = if lang == Lang::Zh {
            "w 赢单"
        } else {
            "w won"
        };
        let save = if lang == Lang::Zh {
            "C-s 保存"
        } else {
            "C-s save"
        };
        let pool = fixtures::base(lang, Theme::default());
        let board = fixtures::board(lang, Theme::default());
        let form = fixtures::form(lang, Theme::default());
        for (app, words) in [(pool, claim), (board, won), (form, save)] {
            let (text, _) = screen(&app, 120, 40);
            let status = text.lines().last().unwrap_or_default().to_string();
            assert!(status.contains(words), "{lang:?}: {status}");
        }
    }
}

#[test]
fn help_lists_the_keys_of_where_the_keyboard_is() {
    let mut app = fixtures::base(Lang::En, Theme::default());
    press(&mut app, KeyCode::Char('?'));
    let (text, _) = screen(&app, 80, 24);
    for (keys, _) in app.keymap.help(super::keymap::Context::Pool, Lang::En) {
        assert!(text.contains(&keys), "{keys} missing:\n{text}");
    }
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit, "the key closes help, it does not act");
    assert!(app.overlay.is_none());
}

#[test]
fn the_palette_completes_and_runs_commands() {
    let mut app = app();
    press(&mut app, KeyCode::Char(':'));
    press(&mut app, KeyCode::Char('c'));
    press(&mut app, KeyCode::Tab);
    assert!(
        matches!(&app.overlay, Some(super::overlay::Overlay::Prompt(p)) if p.text == "customers")
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.current_id(), "customers");
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "zz");
    press(&mut app, KeyCode::Enter);
    assert!(
        flash(&app).contains("No such command") && !app.quit,
        "an unknown command says so"
    );
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "transfer lisi");
    press(&mut app, KeyCode::Enter);
    assert!(flash(&app).contains(":transfer FROM TO"), "{}", flash(&app));
}

#[test]
fn the_caret_sits_after_chinese_input_for_the_ime() {
    let app = fixtures::form(Lang::En, Theme::default());
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("terminal");
    terminal.draw(|f| app.render(f)).expect("draw");
    let (text, _) = screen(&app, 120, 40);
    let needle = "Company: 光宇精密";
    let line = text.lines().position(|l| l.contains(needle)).unwrap_or(0);
    let column = text
        .lines()
        .nth(line)
        .and_then(|l| l.find(needle).map(|at| l[..at + needle.len()].width()))
        .unwrap_or(0);
    let cursor = terminal.get_cursor_position().expect("cursor");
    assert_eq!((cursor.x as usize, cursor.y as usize), (column, line));
}

#[test]
fn a_terminal_smaller_than_80x24_is_told_so() {
    let (text, _) = screen(&app(), 60, 20);
    assert!(text.contains("needs at least 80×24"), "{text}");
}

#[test]
fn only_the_rows_on_screen_are_drawn_and_the_list_scrolls() {
    let mut app = fixtures::base(Lang::En, Theme::default());
    if let Some(tab) = app.tab_mut::<super::tabs::pool::PoolTab>()
        && let Some(pool) = tab.pool.as_mut()
    {
        pool.page.rows = (1..=100_000)
            .map(|id| crate::db::api::pool::LeadRow {
                id,
                company: "公司".into(),
                ..Default::default()
            })
            .collect();
    }
    for _ in 0..30 {
        press(&mut app, KeyCode::PageDown);
    }
    let (text, _) = screen(&app, 80, 24);
    assert!(
        text.contains("301"),
        "the cursor's row is on screen:\n{text}"
    );
    assert!(!text.contains(" 12 "), "{text}");
    press(&mut app, KeyCode::PageUp);
    let (text, _) = screen(&app, 80, 24);
    assert!(
        text.contains("291") && text.contains("301"),
        "scrolling up keeps context:\n{text}"
    );
}

#[test]
fn the_duplicate_panel_is_coloured_by_risk() {
    let app = fixtures::form(Lang::Zh, Theme::default());
    let (text, buffer) = screen(&app, 120, 40);
    assert!(text.contains("张伟 正在新建"), "{text}");
    assert!(buffer.content().iter().any(|c| c.fg == Color::Red));
}

/// With a read replica, the status bar says when lists lag by more than a second and when
/// they come from the primary because the replica is down — in the person's language — and
/// says nothing while the replica keeps up.
#[test]
fn the_status_bar_tells_a_lagging_or_absent_replica() {
    use crate::db::replica::ReplicaState;
    use crate::tui::app::Msg;
    use std::time::Duration;
    for (lang, behind, down) in [
        (
            Lang::En,
            "replica 3 s behind",
            "replica down · reading the primary",
        ),
        (Lang::Zh, "只读副本落后 3 秒", "只读副本不可用 · 改读主库"),
    ] {
        let mut app = App::new("dibs · wangfang".into(), lang, Options::default());
        let status = |app: &App| {
            let (text, _) = screen(app, 120, 40);
            text.lines().last().unwrap_or_default().to_string()
        };
        let quiet = app.update(Msg::Replica(ReplicaState::Answering {
            lag: Duration::from_millis(400),
        }));
        assert!(quiet.is_empty(), "a replica keeping up needs no redraw");
        assert!(!status(&app).contains(behind), "{}", status(&app));
        app.update(Msg::Replica(ReplicaState::Answering {
            lag: Duration::from_millis(3_200),
        }));
        assert!(status(&app).contains(behind), "{}", status(&app));
        app.update(Msg::Replica(ReplicaState::Down));
        let line = status(&app);
        assert!(line.contains(down) && !line.contains(behind), "{line}");
        app.update(Msg::Replica(ReplicaState::Answering {
            lag: Duration::ZERO,
        }));
        assert!(!status(&app).contains(down), "{}", status(&app));
    }
}
