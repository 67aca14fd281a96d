use ratatui::crossterm::event::KeyCode;

use super::requests::{CustomersMsg, CustomersRequest};
use super::*;
use crate::domain::ownership::{Entity, Outcome, Reason};
use crate::domain::score::{LiveResult, Match};
use crate::error::Error;
use crate::tui::app::{App, Msg};
use crate::tui::cmd::{Lane, TabMsg};
use crate::tui::testing::*;

fn customers_tab() -> App {
    let mut app = app();
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.current_id(), "customers");
    app
}

fn tab(app: &App) -> &CustomersTab {
    app.tab::<CustomersTab>().expect("customers tab")
}

fn key(app: &mut App, c: char) -> Vec<crate::tui::app::Effect> {
    press(app, KeyCode::Char(c))
}

fn panel(name: &str) -> LiveResult {
    LiveResult {
        matches: vec![Match {
            entity: Entity::Customer,
            id: 1,
            name: name.into(),
            owner: Some("李娜".into()),
            team: None,
            status: "active".into(),
            score: 0.9,
            duplicate: true,
            why: vec![],
        }],
        in_flight: vec![],
    }
}

fn live(app: &mut App, lane: Lane, seq: u64, result: Result<LiveResult, Error>) {
    app.update(Msg::To("customers", TabMsg::Live { lane, seq, result }));
}

#[test]
fn typing_a_name_checks_duplicates_once_after_the_last_key() {
    let mut app = customers_tab();
    key(&mut app, 'n');
    assert!(tab(&app).form.open);
    let mut tokens = Vec::new();
    for c in "华为技术".chars() {
        tokens.extend(timers(&key(&mut app, c)));
    }
    assert_eq!(tokens.len(), 4, "every key restarts the quiet time");
    // Only the newest timer runs the check; older ones do nothing.
    for stale in &tokens[..3] {
        assert!(timer(&mut app, "customers", *stale).is_empty());
    }
    let effects = timer(&mut app, "customers", tokens[3]);
    let checks = lives(&effects);
    assert_eq!(checks.len(), 1);
    let (lane, seq, draft) = &checks[0];
    assert_eq!(*lane, Lane::DuplicatePanel);
    assert_eq!(draft.name, "华为技术");
    // A late answer for an older draft is dropped; the current one shows.
    live(&mut app, Lane::DuplicatePanel, seq - 1, Ok(panel("旧")));
    assert_eq!(tab(&app).form.panel, None);
    live(
        &mut app,
        Lane::DuplicatePanel,
        *seq,
        Ok(panel("华为技术有限公司")),
    );
    assert_eq!(
        tab(&app)
            .form
            .panel
            .as_ref()
            .map(|p| p.matches[0].name.as_str()),
        Some("华为技术有限公司")
    );
}

#[test]
fn an_invalid_code_is_explained_and_nothing_is_sent() {
    let mut app = customers_tab();
    key(&mut app, 'n');
    typed(&mut app, "恒信");
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    typed(&mut app, "91310000MA1FL0XX0Q");
    assert!(tab(&app).form.problem(form::Field::Code).is_some());
    let effects = ctrl(&mut app, 's');
    assert!(requests::<CustomersRequest>(&effects).is_empty());
    assert!(tab(&app).form.notice.is_some());
    assert_eq!(tab(&app).form.value(form::Field::Name), "恒信", "work kept");
}

#[test]
fn a_warned_save_asks_for_a_reason_and_esc_keeps_the_form() {
    let mut app = customers_tab();
    key(&mut app, 'n');
    typed(&mut app, "恒信精密");
    let effects = ctrl(&mut app, 's');
    assert!(matches!(requests::<CustomersRequest>(&effects).as_slice(),
            [CustomersRequest::Save(c)] if c.name == "恒信精密" && c.override_reason.is_none()));
    let refusal = Outcome {
        ok: false,
        reason: Reason::NeedsOverride,
        entity: Entity::Customer,
        id: 0,
        owner_id: None,
        other_user_id: None,
        other_user_name: None,
        other_since: None,
        detail: Some(
            serde_json::json!({"candidates": [{"name": "恒信精密机械有限公司", "owner": "李娜"}]}),
        ),
    };
    reply(
        &mut app,
        "customers",
        CustomersMsg::Saved(Ok((refusal, chrono::Utc::now()))),
    );
    assert_eq!(tab(&app).form.reason.as_deref(), Some(""));
    assert!(
        tab(&app)
            .form
            .notice
            .as_ref()
            .is_some_and(|n| n.render(app.lang).contains("恒信精密机械有限公司 (李娜)"))
    );
    typed(&mut app, "不同法人");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(matches!(requests::<CustomersRequest>(&effects).as_slice(),
            [CustomersRequest::Save(c)] if c.override_reason.as_deref() == Some("不同法人")));
    reply(
        &mut app,
        "customers",
        CustomersMsg::Saved(Err(crate::text::TuiText::Superseded.into())),
    );
    press(&mut app, KeyCode::Esc); // leaves the reason
    let effects = press(&mut app, KeyCode::Esc); // closes the form
    assert!(!tab(&app).form.open);
    assert_eq!(
        requests::<CustomersRequest>(&effects),
        vec![CustomersRequest::ClearDraft],
        "closing withdraws the draft others see"
    );
    key(&mut app, 'n');
    assert_eq!(
        tab(&app).form.value(form::Field::Name),
        "恒信精密",
        "reopening shows what was typed"
    );
}

#[test]
fn search_results_for_an_old_query_are_dropped() {
    let mut app = customers_tab();
    key(&mut app, '/');
    key(&mut app, '华');
    let old = tab(&app).seq;
    key(&mut app, '为');
    live(
        &mut app,
        Lane::Search,
        old,
        Ok(LiveResult {
            matches: vec![],
            in_flight: vec![],
        }),
    );
    assert!(tab(&app).searching || tab(&app).results.is_empty());
    let seq = tab(&app).seq;
    let effects = timer(&mut app, "customers", seq * 2);
    assert!(
        matches!(lives(&effects).as_slice(), [(Lane::Search, s, d)] if *s == seq && d.name == "华为")
    );
}

#[test]
fn an_empty_search_lists_my_customers() {
    let mut app = app();
    let effects = press(&mut app, KeyCode::Char('2'));
    assert!(matches!(
        requests::<CustomersRequest>(&effects).as_slice(),
        [CustomersRequest::Mine { .. }]
    ));
}

#[test]
fn quitting_with_the_form_open_withdraws_the_draft() {
    let mut app = customers_tab();
    key(&mut app, 'n');
    typed(&mut app, "恒信");
    let effects = app.leave();
    assert_eq!(
        requests::<CustomersRequest>(&effects),
        vec![CustomersRequest::ClearDraft]
    );
}
