use chrono::Utc;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::requests::{PartnerMsg, PartnerRequest};
use super::*;
use crate::domain::ownership::Entity;
use crate::text::Lang;
use crate::tui::chrome::Theme;
use crate::tui::keymap::Keymap;

static KEYMAP: std::sync::LazyLock<Keymap> = std::sync::LazyLock::new(Keymap::default);

fn ctx() -> Ctx<'static> {
    Ctx {
        lang: Lang::En,
        theme: Theme::default(),
        keymap: &KEYMAP,
        readonly: false,
    }
}

fn type_text(tab: &mut PartnerTab, text: &str) -> Vec<Cmd> {
    let ctx = ctx();
    let mut cmds = Vec::new();
    for c in text.chars() {
        cmds = tab.on_key(
            &ctx,
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            None,
        );
    }
    cmds
}

fn outcome(ok: bool, reason: &str, other: Option<&str>) -> Outcome {
    Outcome {
        ok,
        reason: Reason::parse(reason),
        entity: Entity::Customer,
        id: 9,
        owner_id: None,
        other_user_id: None,
        other_user_name: other.map(str::to_string),
        other_since: None,
        detail: None,
    }
}

#[test]
fn the_check_waits_for_a_pause_and_only_the_latest_answer_counts() {
    let mut tab = PartnerTab::default();
    let ctx = ctx();
    tab.on_key(
        &ctx,
        KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE),
        Some(Action::New),
    );
    assert!(tab.form.open);
    // One character: not worth a check (it would count toward the daily number).
    let cmds = type_text(&mut tab, "华");
    assert!(!cmds.iter().any(|c| matches!(c, Cmd::Timer { .. })));
    let cmds = type_text(&mut tab, "信科技");
    let Some(Cmd::Timer { token, .. }) = cmds.iter().find(|c| matches!(c, Cmd::Timer { .. }))
    else {
        panic!("a debounce timer: {cmds:?}");
    };
    // A timer of an older version asks nothing; the current one asks once.
    assert!(tab.update(&ctx, TabMsg::Timer(token - 1)).is_empty());
    let asked = tab.update(&ctx, TabMsg::Timer(*token));
    let request = asked[0].as_request::<PartnerRequest>().expect("a check");
    assert!(matches!(request, PartnerRequest::Check { name, .. } if name == "华信科技"));
    // Typing on: the answer to the old text is dropped.
    type_text(&mut tab, "公司");
    let stale = tab.update(
        &ctx,
        TabMsg::reply(PartnerMsg::Checked {
            seq: *token,
            answer: Ok("unavailable".into()),
        }),
    );
    assert!(stale.is_empty());
    assert_eq!(tab.form.answer, None);
    let seq = tab.form.seq;
    tab.update(
        &ctx,
        TabMsg::reply(PartnerMsg::Checked {
            seq,
            answer: Ok("available".into()),
        }),
    );
    assert_eq!(tab.form.answer.as_deref(), Some("available"));
}

#[test]
fn an_invalid_code_is_said_at_once_and_never_checked_or_sent() {
    let mut tab = PartnerTab::default();
    let ctx = ctx();
    tab.form.open = true;
    type_text(&mut tab, "华信科技有限公司");
    tab.on_key(
        &ctx,
        KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
        Some(Action::NextField),
    );
    let cmds = type_text(&mut tab, "91110000X");
    assert!(
        !cmds.iter().any(|c| matches!(c, Cmd::Timer { .. })),
        "{cmds:?}"
    );
    assert_eq!(tab.form.problem(Field::Code), Some(Label::FieldCode));
    let saved = tab.on_key(
        &ctx,
        KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
        Some(Action::Save),
    );
    assert!(
        saved
            .iter()
            .all(|c| c.as_request::<PartnerRequest>().is_none())
    );
    assert!(tab.form.notice.is_some());
}

#[test]
fn held_by_direct_sales_keeps_the_form_and_offers_a_review_which_sends_one() {
    let mut tab = PartnerTab::default();
    let ctx = ctx();
    tab.form.open = true;
    type_text(&mut tab, "直销在跟进科技有限公司");
    tab.on_key(
        &ctx,
        KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
        Some(Action::Save),
    );
    assert!(tab.form.saving);
    tab.update(
        &ctx,
        TabMsg::reply(PartnerMsg::Registered(Ok((
            outcome(false, "company_held", None),
            Utc::now(),
        )))),
    );
    assert!(tab.form.open && tab.form.review_possible);
    assert_eq!(
        tab.form.value(Field::Name),
        "直销在跟进科技有限公司",
        "the input is kept"
    );
    assert!(tab.hints().contains(&Action::AskReview));
    let asked = tab.on_key(
        &ctx,
        KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL),
        Some(Action::AskReview),
    );
    let request = asked[0].as_request::<PartnerRequest>().expect("register");
    assert!(matches!(request, PartnerRequest::Register(r) if r.review));
    // Registered: the form clears and the list re-reads.
    let done = tab.update(
        &ctx,
        TabMsg::reply(PartnerMsg::Registered(Ok((
            outcome(false, "review_requested", None),
            Utc::now(),
        )))),
    );
    assert!(!tab.form.open);
    assert!(
        done.iter()
            .any(|c| c.as_request::<PartnerRequest>() == Some(&PartnerRequest::Load))
    );
}
