use ratatui::crossterm::event::KeyCode;

use super::requests::{AnalyticsMsg, AnalyticsRequest};
use super::*;
use crate::tui::app::App;
use crate::tui::chrome::Theme;
use crate::tui::testing::*;

fn tab(app: &App) -> &AnalyticsTab {
    app.tab::<AnalyticsTab>().expect("analytics tab")
}

/// The fixture dashboard (two teams, five people, three contested companies), shown.
fn analytics_app() -> App {
    crate::tui::fixtures::analytics(crate::text::Lang::En, Theme::default())
}

fn loads(effects: &[crate::tui::app::Effect]) -> Vec<(Period, Option<i64>)> {
    requests::<AnalyticsRequest>(effects)
        .into_iter()
        .filter_map(|r| match r {
            AnalyticsRequest::Load { period, person } => Some((period, person)),
            AnalyticsRequest::History { .. } => None,
        })
        .collect()
}

#[test]
fn showing_the_tab_reads_the_current_period() {
    let mut app = app();
    let effects = press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.current_id(), "analytics");
    let asked = loads(&effects);
    assert_eq!(asked.len(), 1);
    let (period, person) = asked[0];
    let today = chrono::Local::now().date_naive();
    assert!(period.from <= today && today <= period.to);
    assert_eq!(period.days(), 28, "four weeks by default");
    assert_eq!(person, None);
}

#[test]
fn period_keys_move_by_whole_periods_and_range_cycles_the_length() {
    let mut app = analytics_app();
    let now = tab(&app).period();
    let effects = press(&mut app, KeyCode::Char('['));
    assert_eq!(loads(&effects), vec![(now.previous(), None)]);
    let effects = press(&mut app, KeyCode::Char(']'));
    assert_eq!(loads(&effects), vec![(now, None)]);
    // Never past the period holding today.
    assert!(loads(&press(&mut app, KeyCode::Char(']'))).is_empty());
    let effects = press(&mut app, KeyCode::Char('r'));
    assert_eq!(loads(&effects)[0].0.days(), 91, "four weeks → a quarter");
}

#[test]
fn enter_drills_team_person_company_history_and_esc_climbs_back() {
    let mut app = analytics_app();
    // Two teams: the first list is the teams, busiest first.
    assert!(matches!(tab(&app).rows()[0], Row::Team(t) if t.name == "华东一组"));
    assert!(
        loads(&press(&mut app, KeyCode::Enter)).is_empty(),
        "a team filters what is loaded"
    );
    let people: Vec<String> = tab(&app)
        .rows()
        .iter()
        .filter_map(|r| match r {
            Row::Person(p) => Some(p.name.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(people, vec!["欧阳娜娜", "王芳", "李娜"]);
    press(&mut app, KeyCode::Char('j'));
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(loads(&effects)[0].1, Some(12), "narrowed to 王芳");
    assert_eq!(tab(&app).focus, Focus::Companies, "her contested companies");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        requests::<AnalyticsRequest>(&effects),
        vec![AnalyticsRequest::History { company: 1 }]
    );
    reply(
        &mut app,
        "analytics",
        AnalyticsMsg::History {
            company: 1,
            result: Ok(Vec::new()),
        },
    );
    let (text, _) = screen(&app, 80, 24);
    assert!(text.contains("王芳 › 上海恒信精密"), "{text}");
    // Back: the company, then the person (figures of everyone again), then the team.
    press(&mut app, KeyCode::Esc);
    assert!(tab(&app).history.is_none());
    let effects = press(&mut app, KeyCode::Esc);
    assert_eq!(loads(&effects)[0].1, None);
    assert_eq!(tab(&app).focus, Focus::People);
    press(&mut app, KeyCode::Esc);
    assert!(tab(&app).path.is_empty());
    assert!(matches!(tab(&app).rows()[0], Row::Team(_)));
}

#[test]
fn an_answer_for_a_period_no_longer_shown_is_dropped() {
    let mut app = analytics_app();
    let shown = tab(&app).dashboard.clone().expect("dashboard");
    let old = tab(&app).period();
    press(&mut app, KeyCode::Char('['));
    let mut stale = shown.clone();
    stale.now.attempts = 1;
    reply(
        &mut app,
        "analytics",
        AnalyticsMsg::Loaded {
            period: old,
            person: None,
            result: Ok(Box::new(stale)),
        },
    );
    assert_eq!(
        tab(&app).dashboard.as_ref().map(|d| d.now.attempts),
        Some(shown.now.attempts)
    );
}

#[test]
fn h_and_l_switch_to_the_contested_companies() {
    let mut app = analytics_app();
    press(&mut app, KeyCode::Char('l'));
    assert!(matches!(tab(&app).rows()[0], Row::Company(c) if c.collisions == 9));
    let effects = press(&mut app, KeyCode::Char('e'));
    let export = effects
        .iter()
        .find_map(|e| match e {
            crate::tui::app::Effect::Export(export) => Some(export.clone()),
            _ => None,
        })
        .expect("export");
    assert_eq!(export.rows[0], vec!["company", "collisions", "people"]);
    assert_eq!(export.rows.len(), 4);
}
