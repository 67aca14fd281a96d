//! The 360° view, pure: a customer's facts and sections (the org chart, opportunities,
//! follow-ups, ownership history) or one person's ownership history, built for drawing in
//! the reader's language.

use crate::db::api::customers::{CustomerDetail, Person};
use crate::db::api::history::HistoryEntry;
use crate::text::{Label, Lang};

/// What the pane shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    Customer(Box<CustomerDetail>),
    /// Everything one person did or was party to (`:history LOGIN`).
    Person {
        login: String,
        entries: Vec<HistoryEntry>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct DetailView {
    pub shown: Shown,
    pub scroll: u16,
}

/// One section: its title, column heads and rows of text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub title: Option<Label>,
    pub heads: Vec<Label>,
    pub rows: Vec<Vec<String>>,
}

impl DetailView {
    pub fn new(shown: Shown) -> DetailView {
        DetailView { shown, scroll: 0 }
    }

    /// The customer shown (a person's history is not a customer: nothing to claim there).
    pub fn customer_id(&self) -> Option<i64> {
        match &self.shown {
            Shown::Customer(c) => Some(c.id),
            Shown::Person { .. } => None,
        }
    }

    pub fn title(&self) -> String {
        match &self.shown {
            Shown::Customer(c) => format!("#{} {}", c.id, c.name),
            Shown::Person { login, .. } => login.clone(),
        }
    }

    pub fn name(&self) -> &str {
        match &self.shown {
            Shown::Customer(c) => &c.name,
            Shown::Person { login, .. } => login,
        }
    }

    pub fn facts(&self, lang: Lang) -> Vec<(Label, String)> {
        let Shown::Customer(c) = &self.shown else {
            return Vec::new();
        };
        let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let status = if c.locked {
            format!("{} {}", c.status, Label::Locked.render(lang))
        } else {
            c.status.clone()
        };
        vec![
            (Label::FieldName, c.name.clone()),
            (Label::Status, status),
            (
                Label::Owner,
                format!("{} · {}", or_dash(&c.owner), or_dash(&c.team)),
            ),
            (Label::FieldCode, or_dash(&c.uscc)),
            (Label::FieldRegion, or_dash(&c.region)),
            (Label::FieldIndustry, or_dash(&c.industry)),
            (
                Label::FieldParent,
                c.parent
                    .as_ref()
                    .map(|(id, name)| format!("{name} (#{id})"))
                    .unwrap_or_else(|| "-".into()),
            ),
            (Label::FieldPhone, or_dash(&c.phone)),
            (
                Label::LastFollowup,
                c.last_followup
                    .map(|t| t.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| "-".into()),
            ),
        ]
    }

    pub fn sections(&self, lang: Lang) -> Vec<Section> {
        match &self.shown {
            Shown::Customer(c) => vec![
                Section {
                    title: Some(Label::OrgChart),
                    heads: vec![
                        Label::PersonName,
                        Label::Title,
                        Label::Department,
                        Label::By,
                    ],
                    rows: org_chart(&c.contacts),
                },
                Section {
                    title: Some(Label::Opportunities),
                    heads: vec![
                        Label::PersonName,
                        Label::Stage,
                        Label::Amount,
                        Label::Owner,
                        Label::ExpectedClose,
                    ],
                    rows: c
                        .opportunities
                        .iter()
                        .map(|o| {
                            vec![
                                o.name.clone(),
                                if lang == Lang::Zh {
                                    o.stage_zh.clone()
                                } else {
                                    o.stage_en.clone()
                                },
                                crate::text::amount_in(o.amount, lang),
                                o.owner.clone().unwrap_or_else(|| "-".into()),
                                o.expected_close
                                    .map(|d| d.format("%Y-%m-%d").to_string())
                                    .unwrap_or_default(),
                            ]
                        })
                        .collect(),
                },
                Section {
                    title: Some(Label::SameCompany),
                    heads: vec![
                        Label::Record,
                        Label::PersonName,
                        Label::Owner,
                        Label::LastFollowup,
                    ],
                    rows: c
                        .same_company
                        .iter()
                        .map(|r| {
                            vec![
                                format!(
                                    "{} #{}",
                                    crate::text::entity_word(r.entity, lang == Lang::Zh),
                                    r.id
                                ),
                                r.name.clone(),
                                r.owner.clone().unwrap_or_else(|| "-".into()),
                                r.last_touch
                                    .map(|t| t.format("%Y-%m-%d").to_string())
                                    .unwrap_or_else(|| "-".into()),
                            ]
                        })
                        .collect(),
                },
                Section {
                    title: Some(Label::Followups),
                    heads: vec![Label::When, Label::Kind, Label::By, Label::Note],
                    rows: c
                        .followups
                        .iter()
                        .map(|f| {
                            vec![
                                f.at.format("%Y-%m-%d %H:%M").to_string(),
                                f.kind.clone(),
                                f.by.clone(),
                                f.note.clone(),
                            ]
                        })
                        .collect(),
                },
                Section {
                    title: Some(Label::History),
                    heads: Vec::new(),
                    rows: history_rows(&c.history, false),
                },
            ],
            Shown::Person { entries, .. } => vec![Section {
                title: Some(Label::History),
                heads: Vec::new(),
                rows: history_rows(entries, true),
            }],
        }
    }
}

fn history_rows(entries: &[HistoryEntry], with_reason: bool) -> Vec<Vec<String>> {
    entries
        .iter()
        .map(|h| {
            vec![
                h.at.format("%Y-%m-%d %H:%M").to_string(),
                h.action.clone(),
                if with_reason {
                    format!("{} {}", h.outcome, h.reason)
                } else {
                    h.outcome.clone()
                },
                h.actor.clone().unwrap_or_default(),
                format!(
                    "{} → {}",
                    h.from_owner.clone().unwrap_or_else(|| "-".into()),
                    h.to_owner.clone().unwrap_or_else(|| "-".into())
                ),
            ]
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i64, name: &str, reports_to: Option<i64>) -> Person {
        Person {
            id,
            name: name.into(),
            title: "经理".into(),
            department: "采购部".into(),
            reports_to,
            key_person: id == 1,
            last_touched_by: None,
        }
    }

    #[test]
    fn the_org_chart_indents_by_level_and_survives_a_loop() {
        let rows = org_chart(&[
            person(1, "陈建国", None),
            person(2, "司马静", Some(1)),
            person(3, "欧阳娜娜", Some(2)),
            person(4, "甲", Some(5)),
            person(5, "乙", Some(4)),
        ]);
        let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(names[..3], ["陈建国 ★", "  司马静", "    欧阳娜娜"]);
        assert_eq!(rows.len(), 5, "everyone once, the loop too");
    }
}
