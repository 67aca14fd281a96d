use ratatui::crossterm::event::KeyCode;

use super::requests::{PAGE, PoolMsg, PoolRequest};
use super::*;
use crate::db::api::pool::{AssignPreview, LeadRow, PoolPage};
use crate::domain::ownership::{Entity, Outcome, Reason};
use crate::tui::app::App;
use crate::tui::overlay::Overlay;
use crate::tui::testing::*;

fn row(id: i64, company: &str) -> LeadRow {
    LeadRow {
        id,
        company: company.into(),
        region: "上海".into(),
        source: "展会".into(),
        age_days: 3,
        ..LeadRow::default()
    }
}

fn page(rows: Vec<LeadRow>, has_more: bool) -> PoolPage {
    PoolPage {
        id: 7,
        name: "池".into(),
        rows,
        has_more,
    }
}

fn app_with_rows() -> App {
    let mut app = app();
    reply(
        &mut app,
        "pool",
        PoolMsg::Loaded(Ok(page(
            vec![row(1, "甲"), row(2, "乙"), row(3, "丙")],
            false,
        ))),
    );
    app
}

fn pool(app: &App) -> &PoolTab {
    app.tab::<PoolTab>().expect("pool tab")
}

fn key(app: &mut App, c: char) -> Vec<crate::tui::app::Effect> {
    press(app, KeyCode::Char(c))
}

#[test]
fn the_app_starts_by_reading_the_pool_and_the_figures() {
    let mut app = app();
    let effects = app.start();
    assert!(matches!(effects[0], crate::tui::app::Effect::LoadFigures));
    assert_eq!(
        requests::<PoolRequest>(&effects),
        vec![PoolRequest::Load { unclaimed: PAGE }]
    );
}

#[test]
fn claiming_asks_first_and_only_yes_claims() {
    let mut app = app_with_rows();
    key(&mut app, 'j');
    assert!(requests::<PoolRequest>(&key(&mut app, 'c')).is_empty());
    assert!(
        matches!(&app.overlay, Some(Overlay::Confirm { owner: "pool", question, .. })
            if question.render(crate::text::Lang::En).contains("Claim lead 2 (乙)")),
        "{:?}",
        app.overlay
    );
    assert!(
        requests::<PoolRequest>(&key(&mut app, 'n')).is_empty(),
        "no cancels"
    );
    assert!(app.overlay.is_none());
    key(&mut app, 'c');
    assert_eq!(
        requests::<PoolRequest>(&key(&mut app, 'y')),
        vec![PoolRequest::Change(Call::ClaimLead(2))]
    );
    // q while a dialog is open answers the dialog, it does not quit.
    key(&mut app, 'r');
    key(&mut app, 'q');
    assert!(!app.quit);
}

#[test]
fn the_cursor_stays_on_its_lead_across_a_live_refresh() {
    let mut app = app_with_rows();
    key(&mut app, 'j');
    key(&mut app, 'j');
    reply(
        &mut app,
        "pool",
        PoolMsg::Loaded(Ok(page(vec![row(3, "丙"), row(4, "丁")], false))),
    );
    assert_eq!(pool(&app).selected().map(|r| r.id), Some(3));
    key(&mut app, 'k');
    key(&mut app, 'k');
    assert_eq!(
        pool(&app).pool.as_ref().map(|p| p.cursor),
        Some(0),
        "the cursor stops at the top"
    );
}

#[test]
fn scrolling_near_the_end_reads_the_next_page_once_by_keyset() {
    let mut app = app();
    let rows: Vec<LeadRow> = (1..=21).map(|id| row(id, "公司")).collect();
    reply(&mut app, "pool", PoolMsg::Loaded(Ok(page(rows, true))));
    assert_eq!(
        requests::<PoolRequest>(&key(&mut app, 'j')),
        vec![PoolRequest::More { pool: 7, after: 21 }]
    );
    assert!(
        requests::<PoolRequest>(&key(&mut app, 'j')).is_empty(),
        "one page request at a time"
    );
    let more: Vec<LeadRow> = (22..=40).map(|id| row(id, "公司")).collect();
    reply(&mut app, "pool", PoolMsg::More(Ok((more, false))));
    assert_eq!(pool(&app).visible_rows().len(), 40);
    for _ in 0..50 {
        assert!(
            requests::<PoolRequest>(&key(&mut app, 'j')).is_empty(),
            "no more pages"
        );
    }
    // A live refresh re-reads as many unclaimed rows as are on screen, not just the first page.
    let effects = app.update(crate::tui::app::Msg::Changed);
    assert_eq!(
        requests::<PoolRequest>(&effects),
        vec![PoolRequest::Load { unclaimed: PAGE }]
    );
}

#[test]
fn slash_filters_the_list_and_esc_clears_it() {
    let mut app = app_with_rows();
    key(&mut app, '/');
    assert!(pool(&app).typing_filter);
    key(&mut app, '乙');
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        pool(&app)
            .visible_rows()
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        vec![2]
    );
    // Keys act on the filtered list: c claims the only visible lead.
    key(&mut app, 'c');
    key(&mut app, 'y');
    press(&mut app, KeyCode::Esc);
    assert!(!app.quit, "Esc clears the filter before it quits");
    assert_eq!(pool(&app).visible_rows().len(), 3);
    press(&mut app, KeyCode::Esc);
    assert!(app.quit, "then Esc quits");
}

#[test]
fn read_only_sessions_change_nothing() {
    let mut app = app_with_rows();
    app.readonly = true;
    for c in ['c', 'r', 'a', 'f'] {
        let effects = key(&mut app, c);
        assert!(requests::<PoolRequest>(&effects).is_empty(), "{c}");
        assert!(app.overlay.is_none(), "{c}");
        assert!(flash(&app).contains("read-only"), "{c}");
    }
}

#[test]
fn bulk_assign_marks_rows_previews_then_assigns_them() {
    let mut app = app_with_rows();
    key(&mut app, ' ');
    key(&mut app, ' ');
    assert_eq!(
        pool(&app).marked.iter().copied().collect::<Vec<_>>(),
        vec![1, 2]
    );
    key(&mut app, 'a');
    typed(&mut app, "lina");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        requests::<PoolRequest>(&effects),
        vec![PoolRequest::PreviewAssign {
            leads: vec![1, 2],
            login: "lina".into()
        }]
    );
    reply(
        &mut app,
        "pool",
        PoolMsg::AssignPreview(Ok(AssignPreview {
            leads: vec![1, 2],
            to: 9,
            to_name: "李娜".into(),
            held: 49,
            limit: 50,
            held_elsewhere: 1,
        })),
    );
    match &app.overlay {
        Some(Overlay::Confirm { question, .. }) => {
            let words = question.render(crate::text::Lang::En);
            assert!(
                words.contains("1 belong to companies someone else holds"),
                "{words}"
            );
        }
        other => panic!("a confirmation: {other:?}"),
    }
    let effects = key(&mut app, 'y');
    assert_eq!(
        requests::<PoolRequest>(&effects),
        vec![PoolRequest::Assign {
            leads: vec![1, 2],
            to: 9
        }]
    );
    assert!(pool(&app).marked.is_empty());
}

#[test]
fn export_takes_the_visible_rows_and_copy_the_selected_one() {
    let mut app = app_with_rows();
    key(&mut app, '/');
    key(&mut app, '乙');
    press(&mut app, KeyCode::Enter);
    let effects = key(&mut app, 'e');
    let Some(crate::tui::app::Effect::Export(export)) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(export.what, "leads");
    assert_eq!(export.rows.len(), 2, "header and the one visible row");
    assert_eq!(export.rows[1][1], "乙");
    let effects = key(&mut app, 'y');
    assert!(
        matches!(effects.first(), Some(crate::tui::app::Effect::Copy(text)) if text == "#2 乙 · 上海")
    );
    assert!(flash(&app).contains("#2 乙"));
}

#[test]
fn sorting_keeps_my_leads_first_and_the_cursor_on_its_lead() {
    let mut app = app_with_rows();
    key(&mut app, 'j');
    key(&mut app, 's');
    assert_eq!(pool(&app).sort, SortBy::Company);
    assert_eq!(pool(&app).selected().map(|r| r.id), Some(2));
    let companies: Vec<String> = pool(&app)
        .visible_rows()
        .iter()
        .map(|r| r.company.clone())
        .collect();
    let mut sorted = companies.clone();
    sorted.sort();
    assert_eq!(companies, sorted);
}

#[test]
fn outcomes_flash_in_words_and_reload() {
    let mut app = app_with_rows();
    let refused = Outcome {
        ok: false,
        reason: Reason::AlreadyOwnedBy,
        entity: Entity::Lead,
        id: 2,
        owner_id: Some(5),
        other_user_id: Some(5),
        other_user_name: Some("王芳".into()),
        other_since: Some(chrono::Utc::now() - chrono::Duration::seconds(2)),
        detail: None,
    };
    let effects = reply(
        &mut app,
        "pool",
        PoolMsg::Done(Ok((refused, chrono::Utc::now()))),
    );
    assert!(
        flash(&app).contains("王芳 claimed it 2 s ago"),
        "{}",
        flash(&app)
    );
    assert_eq!(
        requests::<PoolRequest>(&effects),
        vec![PoolRequest::Load { unclaimed: PAGE }]
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, crate::tui::app::Effect::LoadFigures))
    );
    key(&mut app, 'q');
    assert!(app.quit);
}

#[test]
fn n_opens_the_new_customer_form_on_the_customers_tab() {
    let mut app = app_with_rows();
    key(&mut app, 'n');
    assert_eq!(app.current_id(), "customers");
    assert!(
        app.tab::<crate::tui::tabs::customers::CustomersTab>()
            .is_some_and(|t| t.form.open)
    );
}
