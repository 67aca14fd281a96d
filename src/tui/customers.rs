//! The customers tab, pure: search as you type, the new-customer form with its live
//! duplicate panel, and the 360° detail view. Keys in, effects out; no I/O.

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use super::keys::KeyAction;
use super::state::{App, Debounced, Effect, Pending};
use crate::dedup::check::{LiveResult, Match};
use crate::domain::score::Draft;
use crate::domain::{phone, uscc};
use crate::ownership::{NewCustomer, Outcome, Reason};
use crate::text::{DedupText, Label};

/// Quiet time after the last keystroke before a search or duplicate check runs.
pub const DEBOUNCE_MS: u64 = 100;
/// Candidates shown in the duplicate panel.
pub const PANEL_SIZE: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Phone,
    Email,
    Code,
    Region,
    Industry,
    Parent,
}

pub const FIELDS: [Field; 7] = [
    Field::Name,
    Field::Phone,
    Field::Email,
    Field::Code,
    Field::Region,
    Field::Industry,
    Field::Parent,
];

impl Field {
    pub fn label(self) -> Label {
        match self {
            Field::Name => Label::FieldName,
            Field::Phone => Label::FieldPhone,
            Field::Email => Label::FieldEmail,
            Field::Code => Label::FieldCode,
            Field::Region => Label::FieldRegion,
            Field::Industry => Label::FieldIndustry,
            Field::Parent => Label::FieldParent,
        }
    }

    /// Fields the duplicate check looks at: editing them re-runs it.
    fn keys_duplicates(self) -> bool {
        matches!(
            self,
            Field::Name | Field::Phone | Field::Email | Field::Code
        )
    }

    const fn max_chars(self) -> usize {
        match self {
            Field::Name => 200,
            Field::Phone => 40,
            Field::Email => 200,
            Field::Code => 18,
            Field::Region | Field::Industry => 50,
            Field::Parent => 19,
        }
    }
}

/// The new-customer form. Closing it keeps what was typed (nothing is lost to an Esc);
/// only a successful save clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Form {
    pub open: bool,
    pub values: [String; 7],
    pub focus: usize,
    /// Version of the draft; results for older versions are dropped.
    pub seq: u64,
    pub panel: Option<LiveResult>,
    pub checking: bool,
    /// The override reason being typed, once the database asked for one.
    pub reason: Option<String>,
    /// Why the last save did not happen, in words.
    pub notice: Option<String>,
    pub saving: bool,
}

impl Form {
    pub fn value(&self, field: Field) -> &str {
        let index = FIELDS.iter().position(|f| *f == field).unwrap_or(0);
        self.values[index].trim()
    }

    fn optional(&self, field: Field) -> Option<String> {
        Some(self.value(field).to_string()).filter(|v| !v.is_empty())
    }

    pub fn draft(&self) -> Draft {
        Draft {
            name: self.value(Field::Name).to_string(),
            uscc: self.optional(Field::Code),
            phone: self.optional(Field::Phone),
            email: self.optional(Field::Email),
        }
    }

    /// What is wrong with a field as typed, checked here so the person sees it at once.
    pub fn problem(&self, field: Field) -> Option<DedupText> {
        let value = self.value(field);
        if value.is_empty() {
            return None;
        }
        match field {
            Field::Code => uscc::validate(value)
                .err()
                .map(|problem| DedupText::CodeProblem { problem }),
            Field::Phone => phone::normalize(value)
                .err()
                .map(|problem| DedupText::PhoneProblem { problem }),
            Field::Parent => value
                .parse::<i64>()
                .is_err()
                .then_some(DedupText::ParentNotANumber),
            _ => None,
        }
    }

    fn to_new_customer(&self) -> Result<NewCustomer, String> {
        if self.value(Field::Name).is_empty() {
            return Err(format!("{}: ?", Label::FieldName));
        }
        if let Some((field, problem)) = FIELDS
            .iter()
            .find_map(|f| self.problem(*f).map(|p| (*f, p)))
        {
            return Err(format!("{}: {problem}", field.label()));
        }
        Ok(NewCustomer {
            name: self.value(Field::Name).to_string(),
            uscc: self.optional(Field::Code),
            phone: self.optional(Field::Phone),
            email: self.optional(Field::Email),
            region: self.optional(Field::Region),
            industry: self.optional(Field::Industry),
            parent: self.optional(Field::Parent).and_then(|p| p.parse().ok()),
            override_reason: self
                .reason
                .clone()
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty()),
        })
    }
}

/// One section of the 360° view: column heads and rows of text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub title: Option<Label>,
    pub heads: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A customer seen whole: facts, contacts, opportunities, follow-ups, ownership history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detail {
    pub id: i64,
    pub name: String,
    pub facts: Vec<(Label, String)>,
    pub sections: Vec<Section>,
    pub scroll: u16,
}

/// A person at a customer, for the org chart (组织架构图).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub department: String,
    pub reports_to: Option<i64>,
    pub key_person: bool,
    pub last_touched_by: Option<String>,
}

/// The org chart as indented rows (two spaces a level, readable in 80 columns): each
/// person under whom they report; people whose manager is unknown (or outside the list)
/// at the top. A reporting loop in the data cannot hang it: each person appears once.
pub fn org_chart(people: &[Person]) -> Vec<Vec<String>> {
    use std::collections::{HashMap, HashSet};
    let ids: HashSet<i64> = people.iter().map(|p| p.id).collect();
    let mut children: HashMap<Option<i64>, Vec<&Person>> = HashMap::new();
    for person in people {
        let parent = person
            .reports_to
            .filter(|r| ids.contains(r) && *r != person.id);
        children.entry(parent).or_default().push(person);
    }
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    let mut stack: Vec<(&Person, usize)> = children
        .get(&None)
        .map(|top| top.iter().rev().map(|p| (*p, 0)).collect())
        .unwrap_or_default();
    // People only reachable through a loop get shown at the top too.
    let mut leftovers = people.iter().rev();
    while let Some((person, depth)) = stack.pop().or_else(|| {
        leftovers
            .by_ref()
            .find(|p| !seen.contains(&p.id))
            .map(|p| (p, 0))
    }) {
        if !seen.insert(person.id) {
            continue;
        }
        let key = if person.key_person { " ★" } else { "" };
        rows.push(vec![
            format!("{}{}{key}", "  ".repeat(depth), person.name),
            person.title.clone(),
            person.department.clone(),
            person
                .last_touched_by
                .clone()
                .map(|who| format!("← {who}"))
                .unwrap_or_default(),
        ]);
        if let Some(reports) = children.get(&Some(person.id)) {
            for report in reports.iter().rev() {
                stack.push((report, depth + 1));
            }
        }
    }
    rows
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Customers {
    pub query: String,
    pub typing: bool,
    pub results: Vec<Match>,
    pub cursor: usize,
    pub seq: u64,
    pub searching: bool,
    pub form: Form,
    pub detail: Option<Detail>,
    pub tree: Option<super::tree::Tree>,
}

impl Customers {
    pub fn selected(&self) -> Option<&Match> {
        self.results.get(self.cursor)
    }
}

fn debounce(what: Debounced, seq: u64) -> Effect {
    Effect::Debounce {
        what,
        seq,
        ms: DEBOUNCE_MS,
    }
}

/// A key in the customers tab (dialogs, help and the palette were handled before).
pub fn on_key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    if app.customers.form.open {
        return form_key(app, code, modifiers);
    }
    if app.customers.typing {
        return search_key(app, code);
    }
    if app.customers.tree.is_some() {
        return tree_key(app, code);
    }
    if app.customers.detail.is_some() {
        return detail_key(app, code);
    }
    let customers = &mut app.customers;
    match app.keymap.action(code) {
        Some(KeyAction::Down) => move_cursor(customers, 1),
        Some(KeyAction::Up) => move_cursor(customers, -1),
        Some(KeyAction::PageDown) => move_cursor(customers, 10),
        Some(KeyAction::PageUp) => move_cursor(customers, -10),
        Some(KeyAction::Filter) => {
            customers.typing = true;
            vec![Effect::Redraw]
        }
        Some(KeyAction::New) => {
            if app.readonly {
                return app.refuse_readonly();
            }
            customers.form.open = true;
            let mut effects = vec![Effect::Redraw];
            if !customers.form.value(Field::Name).is_empty() {
                customers.form.seq += 1;
                effects.push(debounce(Debounced::Draft, customers.form.seq));
            }
            effects
        }
        Some(KeyAction::Tree) => match customers.selected() {
            Some(m) => vec![Effect::LoadTree(m.id), Effect::Redraw],
            None => vec![],
        },
        Some(KeyAction::Open) => match customers.selected() {
            Some(m) => vec![Effect::LoadDetail(m.id), Effect::Redraw],
            None => vec![],
        },
        Some(KeyAction::Claim) => {
            let Some(m) = customers.selected() else {
                return vec![];
            };
            let pending = Pending::ClaimCustomer {
                id: m.id,
                company: m.name.clone(),
            };
            app.ask(pending)
        }
        Some(KeyAction::Refresh) => vec![search_now(customers), Effect::LoadFigures],
        Some(KeyAction::Quit) if code == KeyCode::Esc && !customers.query.is_empty() => {
            customers.query.clear();
            customers.seq += 1;
            vec![search_now(customers), Effect::Redraw]
        }
        _ => app.common_key(code),
    }
}

fn move_cursor(customers: &mut Customers, delta: isize) -> Vec<Effect> {
    let last = customers.results.len() as isize - 1;
    customers.cursor = (customers.cursor as isize + delta).clamp(0, last.max(0)) as usize;
    vec![Effect::Redraw]
}

/// The search for the current query, at once (empty query: my customers).
pub fn search_now(customers: &mut Customers) -> Effect {
    customers.seq += 1;
    customers.searching = true;
    Effect::Search {
        seq: customers.seq,
        query: customers.query.trim().to_string(),
    }
}

fn search_key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let customers = &mut app.customers;
    match code {
        KeyCode::Enter | KeyCode::Down => {
            customers.typing = false;
            return vec![Effect::Redraw];
        }
        KeyCode::Esc => {
            customers.typing = false;
            customers.query.clear();
        }
        KeyCode::Backspace => {
            customers.query.pop();
        }
        KeyCode::Char(c) if customers.query.chars().count() < 200 => customers.query.push(c),
        _ => return vec![],
    }
    customers.cursor = 0;
    customers.seq += 1;
    vec![debounce(Debounced::Search, customers.seq), Effect::Redraw]
}

fn detail_key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let action = app.keymap.action(code);
    let Some(detail) = app.customers.detail.as_mut() else {
        return vec![];
    };
    match action {
        Some(KeyAction::Down) => detail.scroll = detail.scroll.saturating_add(1),
        Some(KeyAction::Up) => detail.scroll = detail.scroll.saturating_sub(1),
        Some(KeyAction::PageDown) => detail.scroll = detail.scroll.saturating_add(10),
        Some(KeyAction::PageUp) => detail.scroll = detail.scroll.saturating_sub(10),
        Some(KeyAction::Quit) | Some(KeyAction::Open) if code != KeyCode::Char('q') => {
            app.customers.detail = None;
        }
        // A person's history (id 0) is not a customer: nothing to claim or draw a tree of.
        Some(KeyAction::Claim) if detail.id > 0 => {
            let pending = Pending::ClaimCustomer {
                id: detail.id,
                company: detail.name.clone(),
            };
            return app.ask(pending);
        }
        Some(KeyAction::Refresh) if detail.id > 0 => return vec![Effect::LoadDetail(detail.id)],
        Some(KeyAction::Tree) if detail.id > 0 => {
            return vec![Effect::LoadTree(detail.id), Effect::Redraw];
        }
        Some(KeyAction::Claim | KeyAction::Refresh | KeyAction::Tree) => return vec![],
        _ => return app.common_key(code),
    }
    vec![Effect::Redraw]
}

fn tree_key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let action = app.keymap.action(code);
    let Some(tree) = app.customers.tree.as_mut() else {
        return vec![];
    };
    match action {
        Some(KeyAction::Down) => {
            tree.cursor = (tree.cursor + 1).min(tree.rows.len().saturating_sub(1));
        }
        Some(KeyAction::Up) => tree.cursor = tree.cursor.saturating_sub(1),
        Some(KeyAction::PageDown) => {
            tree.cursor = (tree.cursor + 10).min(tree.rows.len().saturating_sub(1));
        }
        Some(KeyAction::PageUp) => tree.cursor = tree.cursor.saturating_sub(10),
        Some(KeyAction::Right | KeyAction::Open) => {
            if let Some(row) = tree.selected()
                && !row.expanded
                && row.node.children > 0
            {
                return vec![Effect::LoadChildren(row.node.id), Effect::Redraw];
            }
        }
        Some(KeyAction::Left) => {
            let cursor = tree.cursor;
            if tree.selected().is_some_and(|r| r.expanded) {
                tree.collapse(cursor);
            } else if let Some(depth) = tree.selected().map(|r| r.depth) {
                // On a closed row, h goes up to its parent.
                if let Some(parent) = tree.rows[..cursor].iter().rposition(|r| r.depth < depth) {
                    tree.cursor = parent;
                }
            }
        }
        Some(KeyAction::Quit) if code == KeyCode::Esc => app.customers.tree = None,
        Some(KeyAction::Refresh) => return vec![Effect::LoadTree(tree.focus)],
        _ => return app.common_key(code),
    }
    vec![Effect::Redraw]
}

fn form_key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    let form = &mut app.customers.form;
    if form.saving {
        return vec![];
    }
    let save = (code == KeyCode::Char('s') && modifiers.contains(KeyModifiers::CONTROL))
        || (code == KeyCode::Enter && (form.reason.is_some() || form.focus + 1 == FIELDS.len()));
    if save {
        return match form.to_new_customer() {
            Ok(new) => {
                form.saving = true;
                form.notice = None;
                vec![Effect::Save(new), Effect::Redraw]
            }
            Err(problem) => {
                form.notice = Some(problem);
                vec![Effect::Redraw]
            }
        };
    }
    if let Some(reason) = form.reason.as_mut() {
        match code {
            KeyCode::Esc => {
                form.reason = None;
                form.notice = None;
            }
            KeyCode::Backspace => {
                reason.pop();
            }
            KeyCode::Char(c) if reason.chars().count() < 1000 => reason.push(c),
            _ => return vec![],
        }
        return vec![Effect::Redraw];
    }
    let field = FIELDS[form.focus];
    match code {
        KeyCode::Esc => {
            // Closing keeps the typed values; the draft stops showing to others.
            form.open = false;
            return vec![Effect::ClearDraft, Effect::Redraw];
        }
        KeyCode::Tab | KeyCode::Down | KeyCode::Enter => {
            form.focus = (form.focus + 1) % FIELDS.len();
            return vec![Effect::Redraw];
        }
        KeyCode::BackTab | KeyCode::Up => {
            form.focus = (form.focus + FIELDS.len() - 1) % FIELDS.len();
            return vec![Effect::Redraw];
        }
        KeyCode::Backspace => {
            form.values[form.focus].pop();
        }
        KeyCode::Char('u') if modifiers.contains(KeyModifiers::CONTROL) => {
            form.values[form.focus].clear();
        }
        KeyCode::Char(c) if form.values[form.focus].chars().count() < field.max_chars() => {
            form.values[form.focus].push(c);
        }
        _ => return vec![],
    }
    form.notice = None;
    if field.keys_duplicates() {
        form.seq += 1;
        if form.value(Field::Name).is_empty() {
            form.panel = None;
            return vec![Effect::Redraw];
        }
        return vec![debounce(Debounced::Draft, form.seq), Effect::Redraw];
    }
    vec![Effect::Redraw]
}

/// The quiet time after a keystroke ended: run the check if nothing newer was typed.
pub fn debounce_due(app: &mut App, what: Debounced, seq: u64) -> Vec<Effect> {
    let customers = &mut app.customers;
    match what {
        Debounced::Search if seq == customers.seq => {
            customers.searching = true;
            vec![
                Effect::Search {
                    seq,
                    query: customers.query.trim().to_string(),
                },
                Effect::Redraw,
            ]
        }
        Debounced::Draft if seq == customers.form.seq && customers.form.open => {
            customers.form.checking = true;
            vec![
                Effect::CheckDraft {
                    seq,
                    draft: customers.form.draft(),
                },
                Effect::Redraw,
            ]
        }
        _ => vec![],
    }
}

pub fn search_results(app: &mut App, seq: u64, result: Result<Vec<Match>, String>) -> Vec<Effect> {
    let customers = &mut app.customers;
    if seq != customers.seq {
        return vec![];
    }
    customers.searching = false;
    match result {
        Ok(results) => {
            customers.results = results;
            customers.cursor = customers
                .cursor
                .min(customers.results.len().saturating_sub(1));
        }
        Err(error) => app.error = Some(error),
    }
    vec![Effect::Redraw]
}

pub fn duplicate_panel(app: &mut App, seq: u64, result: Result<LiveResult, String>) -> Vec<Effect> {
    let form = &mut app.customers.form;
    if seq != form.seq {
        return vec![];
    }
    form.checking = false;
    match result {
        Ok(panel) => form.panel = Some(panel),
        Err(error) => form.notice = Some(error),
    }
    vec![Effect::Redraw]
}

/// The database's answer to a save. Only success clears the form.
pub fn saved(app: &mut App, result: Result<Outcome, String>) -> Vec<Effect> {
    let form = &mut app.customers.form;
    form.saving = false;
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(error) => {
            form.notice = Some(error);
            return vec![Effect::Redraw];
        }
    };
    let words = crate::text::OwnershipText::of(&outcome, chrono::Utc::now()).to_string();
    if outcome.ok {
        app.customers.form = Form::default();
        app.flash = Some(words);
        return vec![
            Effect::LoadDetail(outcome.id),
            Effect::LoadFigures,
            Effect::Redraw,
        ];
    }
    if outcome.reason == Reason::NeedsOverride && form.reason.is_none() {
        form.reason = Some(String::new());
    }
    form.notice = Some(words);
    vec![Effect::Redraw]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::state::{Msg, Tab, update};

    fn key(c: char) -> Msg {
        Msg::Key(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn special(code: KeyCode) -> Msg {
        Msg::Key(code, KeyModifiers::NONE)
    }

    fn customers_tab() -> App {
        let mut app = App::default();
        update(&mut app, special(KeyCode::Tab));
        assert_eq!(app.tab, Tab::Customers);
        app
    }

    #[test]
    fn typing_a_name_checks_duplicates_once_after_the_last_key() {
        let mut app = customers_tab();
        update(&mut app, key('n'));
        assert!(app.customers.form.open);
        let mut debounces = Vec::new();
        for c in "华为技术".chars() {
            for effect in update(&mut app, key(c)) {
                if let Effect::Debounce { seq, .. } = effect {
                    debounces.push(seq);
                }
            }
        }
        assert_eq!(debounces.len(), 4, "every key restarts the quiet time");
        // Only the newest timer runs the check; older ones do nothing.
        for stale in &debounces[..3] {
            let effects = update(
                &mut app,
                Msg::DebounceDue {
                    what: Debounced::Draft,
                    seq: *stale,
                },
            );
            assert!(effects.is_empty(), "{effects:?}");
        }
        let last = debounces[3];
        let effects = update(
            &mut app,
            Msg::DebounceDue {
                what: Debounced::Draft,
                seq: last,
            },
        );
        assert!(matches!(
            &effects[0],
            Effect::CheckDraft { seq, draft } if *seq == last && draft.name == "华为技术"
        ));
        // A late answer for an older draft is dropped; the current one shows.
        let panel = |name: &str| LiveResult {
            matches: vec![Match {
                entity: crate::ownership::Entity::Customer,
                id: 1,
                name: name.into(),
                owner: Some("李娜".into()),
                team: None,
                status: "active".into(),
                score: 0.9,
                why: vec![],
            }],
            in_flight: vec![],
        };
        update(
            &mut app,
            Msg::DuplicatePanel {
                seq: last - 1,
                result: Ok(panel("旧")),
            },
        );
        assert_eq!(app.customers.form.panel, None);
        update(
            &mut app,
            Msg::DuplicatePanel {
                seq: last,
                result: Ok(panel("华为技术有限公司")),
            },
        );
        assert_eq!(
            app.customers
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
        update(&mut app, key('n'));
        for c in "恒信".chars() {
            update(&mut app, key(c));
        }
        for _ in 0..3 {
            update(&mut app, special(KeyCode::Tab));
        }
        for c in "91310000MA1FL0XX0Q".chars() {
            update(&mut app, key(c));
        }
        assert!(app.customers.form.problem(Field::Code).is_some());
        let effects = update(
            &mut app,
            Msg::Key(KeyCode::Char('s'), KeyModifiers::CONTROL),
        );
        assert!(!effects.iter().any(|e| matches!(e, Effect::Save(_))));
        assert!(app.customers.form.notice.is_some());
        assert_eq!(app.customers.form.value(Field::Name), "恒信", "work kept");
    }

    #[test]
    fn a_warned_save_asks_for_a_reason_and_esc_keeps_the_form() {
        let mut app = customers_tab();
        update(&mut app, key('n'));
        for c in "恒信精密".chars() {
            update(&mut app, key(c));
        }
        let effects = update(
            &mut app,
            Msg::Key(KeyCode::Char('s'), KeyModifiers::CONTROL),
        );
        assert!(
            matches!(&effects[0], Effect::Save(c) if c.name == "恒信精密" && c.override_reason.is_none())
        );
        let refusal = Outcome {
            ok: false,
            reason: Reason::NeedsOverride,
            entity: crate::ownership::Entity::Customer,
            id: 0,
            owner_id: None,
            other_user_id: None,
            other_user_name: None,
            other_since: None,
            detail: Some(
                serde_json::json!({"candidates": [{"name": "恒信精密机械有限公司", "owner": "李娜"}]}),
            ),
        };
        update(&mut app, Msg::Saved(Ok(refusal)));
        assert_eq!(app.customers.form.reason.as_deref(), Some(""));
        assert!(
            app.customers
                .form
                .notice
                .as_deref()
                .is_some_and(|n| n.contains("恒信精密机械有限公司 (李娜)"))
        );
        for c in "不同法人".chars() {
            update(&mut app, key(c));
        }
        let effects = update(&mut app, special(KeyCode::Enter));
        assert!(
            matches!(&effects[0], Effect::Save(c) if c.override_reason.as_deref() == Some("不同法人"))
        );
        update(&mut app, Msg::Saved(Err("connection lost".into())));
        update(&mut app, special(KeyCode::Esc)); // leaves the reason
        update(&mut app, special(KeyCode::Esc)); // closes the form
        assert!(!app.customers.form.open);
        update(&mut app, key('n'));
        assert_eq!(
            app.customers.form.value(Field::Name),
            "恒信精密",
            "reopening shows what was typed"
        );
    }

    #[test]
    fn the_org_chart_nests_reports_and_survives_a_loop() {
        let person = |id: i64, name: &str, reports_to: Option<i64>| Person {
            id,
            name: name.into(),
            title: "经理".into(),
            reports_to,
            key_person: id == 1,
            ..Person::default()
        };
        let people = vec![
            person(3, "李娜", Some(1)),
            person(1, "陈总", None),
            person(4, "王伟", Some(3)),
            person(2, "赵敏", Some(1)),
            person(5, "甲", Some(6)),
            person(6, "乙", Some(5)),
        ];
        let names: Vec<String> = org_chart(&people).iter().map(|r| r[0].clone()).collect();
        assert_eq!(names[..4], ["陈总 ★", "  李娜", "    王伟", "  赵敏"]);
        assert_eq!(
            names.len(),
            6,
            "everyone once, the loop included: {names:?}"
        );
    }

    #[test]
    fn search_results_for_an_old_query_are_dropped() {
        let mut app = customers_tab();
        update(&mut app, key('/'));
        update(&mut app, key('华'));
        let old = app.customers.seq;
        update(&mut app, key('为'));
        update(
            &mut app,
            Msg::SearchResults {
                seq: old,
                result: Ok(vec![]),
            },
        );
        assert!(app.customers.searching || app.customers.results.is_empty());
        let seq = app.customers.seq;
        let effects = update(
            &mut app,
            Msg::DebounceDue {
                what: Debounced::Search,
                seq,
            },
        );
        assert!(matches!(&effects[0], Effect::Search { query, .. } if query == "华为"));
    }
}
