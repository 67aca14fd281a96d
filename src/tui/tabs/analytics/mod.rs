//! The collision analytics tab (撞单驾驶舱), pure: a period (a week, four weeks or a
//! quarter, moved with `[` `]`), the dashboard the database computed for it, and a drill-down
//! path — team → person → company → the company's ownership history — walked with Enter and
//! Esc. `h`/`l` switch between the people and the contested companies.

pub mod requests;
mod view;

use std::any::Any;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use self::requests::{AnalyticsMsg, AnalyticsRequest};
use crate::db::api::analytics::{Contested, Dashboard, RepFigures};
use crate::db::api::history::HistoryEntry;
use crate::domain::analytics::{Period, Span, Tally};
use crate::text::Label;
use crate::text::analytics::{Word, percent, reason_words};
use crate::tui::cmd::{Cmd, Export, Intent, TabMsg};
use crate::tui::keymap::{Action, Context};
use crate::tui::tab::{Component, Ctx, Tab};

/// One step of the drill-down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Level {
    Team(String),
    Person { id: i64, name: String },
    Company { id: i64, name: String },
}

/// Which list the cursor is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    People,
    Companies,
}

/// A team's figures: the sum of its people's.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamRow {
    pub name: String,
    pub people: usize,
    pub tally: Tally,
    pub taken: i64,
    pub recycled: i64,
}

/// A row of the list on screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Row<'a> {
    Team(&'a TeamRow),
    Person(&'a RepFigures),
    Company(&'a Contested),
    Event(&'a HistoryEntry),
}

#[derive(Debug, Default)]
pub struct AnalyticsTab {
    pub span: Span,
    /// How many periods back from the one holding today.
    pub back: u32,
    pub path: Vec<Level>,
    pub dashboard: Option<Dashboard>,
    pub history: Option<Vec<HistoryEntry>>,
    pub focus: Focus,
    pub row: usize,
    /// Today, fixed by tests; otherwise the local date when asked.
    pub today: Option<NaiveDate>,
    teams: Vec<TeamRow>,
}

/// Teams of the people shown, busiest first.
fn teams_of(reps: &[RepFigures]) -> Vec<TeamRow> {
    let mut teams: Vec<TeamRow> = Vec::new();
    for rep in reps {
        let index = match teams.iter().position(|t| t.name == rep.team) {
            Some(index) => index,
            None => {
                teams.push(TeamRow {
                    name: rep.team.clone(),
                    people: 0,
                    tally: Tally::default(),
                    taken: 0,
                    recycled: 0,
                });
                teams.len() - 1
            }
        };
        let team = &mut teams[index];
        team.people += 1;
        team.tally.attempts += rep.attempts;
        team.tally.collisions += rep.collisions;
        team.tally.races += rep.races;
        team.taken += rep.taken;
        team.recycled += rep.recycled;
    }
    teams.sort_by(|a, b| {
        b.tally
            .attempts
            .cmp(&a.tally.attempts)
            .then(a.name.cmp(&b.name))
    });
    teams
}

impl AnalyticsTab {
    pub fn period(&self) -> Period {
        let today = self
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        Period::ending(today, self.span).shifted(-i64::from(self.back))
    }

    /// The person the figures are narrowed to, if the path reached one.
    pub fn person(&self) -> Option<i64> {
        self.path.iter().rev().find_map(|level| match level {
            Level::Person { id, .. } => Some(*id),
            _ => None,
        })
    }

    fn team(&self) -> Option<&str> {
        self.path.iter().find_map(|level| match level {
            Level::Team(name) => Some(name.as_str()),
            _ => None,
        })
    }

    pub fn company(&self) -> Option<(i64, &str)> {
        match self.path.last() {
            Some(Level::Company { id, name }) => Some((*id, name.as_str())),
            _ => None,
        }
    }

    pub fn load(&self) -> Cmd {
        Cmd::request(AnalyticsRequest::Load {
            period: self.period(),
            person: self.person(),
        })
    }

    /// The dashboard arrived (or was set by a test): derive the team rows.
    pub fn show(&mut self, dashboard: Dashboard) {
        self.teams = teams_of(&dashboard.reps);
        self.dashboard = Some(dashboard);
        self.clamp();
    }

    /// Teams are a level of their own when the people shown belong to more than one.
    fn shows_teams(&self) -> bool {
        self.team().is_none() && self.person().is_none() && self.teams.len() > 1
    }

    /// The rows of the list the cursor is in.
    pub fn rows(&self) -> Vec<Row<'_>> {
        if self.company().is_some() {
            return self.history.iter().flatten().map(Row::Event).collect();
        }
        self.rows_of(self.focus)
    }

    /// The rows of one of the two lists (people or teams; contested companies).
    pub fn rows_of(&self, list: Focus) -> Vec<Row<'_>> {
        let Some(dashboard) = &self.dashboard else {
            return Vec::new();
        };
        match list {
            Focus::Companies => dashboard.contested.iter().map(Row::Company).collect(),
            Focus::People if self.shows_teams() => self.teams.iter().map(Row::Team).collect(),
            Focus::People => dashboard
                .reps
                .iter()
                .filter(|r| self.team().is_none_or(|t| r.team == t))
                .map(Row::Person)
                .collect(),
        }
    }

    fn clamp(&mut self) {
        self.row = self.row.min(self.rows().len().saturating_sub(1));
    }

    fn drill(&mut self) -> Vec<Cmd> {
        let next = match self.rows().get(self.row) {
            Some(Row::Team(team)) => Level::Team(team.name.clone()),
            Some(Row::Person(rep)) => Level::Person {
                id: rep.user_id,
                name: rep.name.clone(),
            },
            Some(Row::Company(company)) => Level::Company {
                id: company.company_id,
                name: company.name.clone(),
            },
            Some(Row::Event(_)) | None => return Vec::new(),
        };
        self.row = 0;
        let cmd = match &next {
            Level::Team(_) => None,
            Level::Person { .. } => {
                self.focus = Focus::Companies;
                None
            }
            Level::Company { id, .. } => {
                self.history = None;
                Some(Cmd::request(AnalyticsRequest::History { company: *id }))
            }
        };
        let narrows = matches!(next, Level::Person { .. });
        self.path.push(next);
        let mut cmds: Vec<Cmd> = cmd.into_iter().collect();
        if narrows {
            cmds.push(self.load());
        }
        cmds.push(Cmd::Redraw);
        cmds
    }

    fn back_up(&mut self) -> Vec<Cmd> {
        let Some(left) = self.path.pop() else {
            return vec![Cmd::Intent(Intent::Quit)];
        };
        self.row = 0;
        match left {
            Level::Company { .. } => {
                self.history = None;
                vec![Cmd::Redraw]
            }
            Level::Person { .. } => {
                self.focus = Focus::People;
                vec![self.load(), Cmd::Redraw]
            }
            Level::Team(_) => vec![Cmd::Redraw],
        }
    }

    fn reload_period(&mut self) -> Vec<Cmd> {
        self.row = 0;
        vec![self.load(), Cmd::Redraw]
    }
}

impl Component for AnalyticsTab {
    fn id(&self) -> &'static str {
        "analytics"
    }

    fn update(&mut self, _ctx: &Ctx, msg: TabMsg) -> Vec<Cmd> {
        let TabMsg::Reply(reply) = msg else {
            return Vec::new();
        };
        let Ok(msg) = reply.downcast::<AnalyticsMsg>() else {
            return Vec::new();
        };
        match *msg {
            // An answer for a period or person no longer shown is dropped.
            AnalyticsMsg::Loaded { period, person, .. }
                if period != self.period() || person != self.person() =>
            {
                Vec::new()
            }
            AnalyticsMsg::Loaded {
                result: Ok(dashboard),
                ..
            } => {
                self.show(*dashboard);
                vec![Cmd::Redraw]
            }
            AnalyticsMsg::History { company, .. }
                if self.company().map(|c| c.0) != Some(company) =>
            {
                Vec::new()
            }
            AnalyticsMsg::History {
                result: Ok(entries),
                ..
            } => {
                self.history = Some(entries);
                self.clamp();
                vec![Cmd::Redraw]
            }
            AnalyticsMsg::Loaded {
                result: Err(error), ..
            }
            | AnalyticsMsg::History {
                result: Err(error), ..
            } => vec![Cmd::failed(error)],
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Tab for AnalyticsTab {
    fn title(&self) -> Label {
        Label::TabAnalytics
    }

    fn context(&self) -> Context {
        Context::Analytics
    }

    fn on_key(&mut self, _ctx: &Ctx, _key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
        match action {
            Some(Action::Down) => {
                self.row += 1;
                self.clamp();
            }
            Some(Action::Up) => self.row = self.row.saturating_sub(1),
            Some(Action::Open) => return self.drill(),
            Some(Action::Back) => return self.back_up(),
            Some(Action::Left | Action::Right) if self.company().is_none() => {
                self.focus = match self.focus {
                    Focus::People => Focus::Companies,
                    Focus::Companies => Focus::People,
                };
                self.row = 0;
            }
            Some(Action::PeriodPrev) => {
                self.back += 1;
                return self.reload_period();
            }
            Some(Action::PeriodNext) if self.back > 0 => {
                self.back -= 1;
                return self.reload_period();
            }
            Some(Action::Range) => {
                self.span = self.span.next();
                self.back = 0;
                return self.reload_period();
            }
            _ => return Vec::new(),
        }
        vec![Cmd::Redraw]
    }

    fn view(&self, ctx: &Ctx, frame: &mut Frame, area: Rect) {
        view::render(self, ctx, frame, area);
    }

    fn hints(&self) -> Vec<Action> {
        vec![
            Action::PeriodPrev,
            Action::PeriodNext,
            Action::Range,
            Action::Open,
            Action::Right,
            Action::Back,
        ]
    }

    fn export(&self, ctx: &Ctx) -> Option<Export> {
        let lang = ctx.lang;
        let w = |word: Word| word.render(lang).to_string();
        let mut rows = Vec::new();
        for row in self.rows() {
            match row {
                Row::Team(t) => {
                    if rows.is_empty() {
                        rows.push(vec![
                            w(Word::Team),
                            w(Word::People),
                            w(Word::Attempts),
                            w(Word::Collisions),
                            w(Word::Rate),
                            w(Word::Races),
                        ]);
                    }
                    rows.push(vec![
                        t.name.clone(),
                        t.people.to_string(),
                        t.tally.attempts.to_string(),
                        t.tally.collisions.to_string(),
                        percent(t.tally.rate()),
                        t.tally.races.to_string(),
                    ]);
                }
                Row::Person(r) => {
                    if rows.is_empty() {
                        rows.push(vec![
                            w(Word::Person),
                            w(Word::Team),
                            w(Word::Attempts),
                            w(Word::Collisions),
                            w(Word::Rate),
                            w(Word::Races),
                            w(Word::Taken),
                            w(Word::Recycled),
                            w(Word::Saturation),
                        ]);
                    }
                    rows.push(vec![
                        r.name.clone(),
                        r.team.clone(),
                        r.attempts.to_string(),
                        r.collisions.to_string(),
                        percent(r.tally().rate()),
                        r.races.to_string(),
                        r.taken.to_string(),
                        r.recycled.to_string(),
                        percent(r.saturation()),
                    ]);
                }
                Row::Company(c) => {
                    if rows.is_empty() {
                        rows.push(vec![w(Word::Company), w(Word::Collisions), w(Word::People)]);
                    }
                    rows.push(vec![
                        c.name.clone(),
                        c.collisions.to_string(),
                        c.people.to_string(),
                    ]);
                }
                Row::Event(e) => {
                    if rows.is_empty() {
                        rows.push(vec![
                            "at".into(),
                            "action".into(),
                            "outcome".into(),
                            "reason".into(),
                            "actor".into(),
                            "from".into(),
                            "to".into(),
                        ]);
                    }
                    rows.push(vec![
                        e.at.to_rfc3339(),
                        e.action.clone(),
                        e.outcome.clone(),
                        reason_words(&e.reason, lang),
                        e.actor.clone().unwrap_or_default(),
                        e.from_owner.clone().unwrap_or_default(),
                        e.to_owner.clone().unwrap_or_default(),
                    ]);
                }
            }
        }
        Some(Export {
            what: "analytics",
            rows,
        })
    }

    fn copy_line(&self, ctx: &Ctx) -> Option<String> {
        let lang = ctx.lang;
        Some(match self.rows().get(self.row)? {
            Row::Team(t) => format!(
                "{} · {} {} · {}",
                t.name,
                t.tally.collisions,
                Word::Collisions.render(lang),
                percent(t.tally.rate())
            ),
            Row::Person(r) => format!(
                "{} · {} {} · {}",
                r.name,
                r.collisions,
                Word::Collisions.render(lang),
                percent(r.tally().rate())
            ),
            Row::Company(c) => format!(
                "{} · {} {}",
                c.name,
                c.collisions,
                Word::Collisions.render(lang)
            ),
            Row::Event(e) => format!(
                "{} {} {}",
                e.at.format("%Y-%m-%d %H:%M"),
                e.action,
                reason_words(&e.reason, lang)
            ),
        })
    }

    fn refresh(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        let mut cmds = vec![self.load()];
        if let Some((company, _)) = self.company() {
            cmds.push(Cmd::request(AnalyticsRequest::History { company }));
        }
        cmds
    }

    fn enter(&mut self, _ctx: &Ctx) -> Vec<Cmd> {
        // Figures move as the worker counts: re-read whenever the tab is shown.
        vec![self.load()]
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

#[cfg(test)]
mod tests;
