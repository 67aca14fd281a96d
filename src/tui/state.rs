//! The pure core of the app: state, messages and `update`, which returns effects as data.
//! No I/O here — the shell (`mod.rs`) runs effects as tasks and feeds results back.

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub display_name: String,
    pub team: String,
    pub customers: i64,
    pub leads: i64,
    pub pool_leads: i64,
    pub holding: i64,
    pub limit: i64,
}

/// One row of the lead pool pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadRow {
    pub id: i64,
    pub company: String,
    pub region: String,
    pub source: String,
    pub owner: Option<String>,
    pub mine: bool,
    pub age_days: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolView {
    pub id: i64,
    pub name: String,
    pub rows: Vec<LeadRow>,
    pub cursor: usize,
    /// More unclaimed leads exist past the last row (keyset paging by id, never OFFSET).
    pub has_more: bool,
    pub loading_more: bool,
}

/// Unclaimed leads read per page.
pub const PAGE: i64 = 200;
/// Read the next page when the cursor comes this close to the end.
const PREFETCH: usize = 20;

impl PoolView {
    fn unclaimed(&self) -> impl Iterator<Item = &LeadRow> {
        self.rows.iter().filter(|r| !r.mine)
    }
}

/// An ownership change waiting for the person's yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    Claim { id: i64, company: String },
    Release { id: i64, company: String },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct App {
    pub database: String,
    pub figures: Option<Figures>,
    pub pool: Option<PoolView>,
    pub error: Option<String>,
    /// The last outcome in words ("王芳 claimed it 2 s ago").
    pub flash: Option<String>,
    pub confirm: Option<Pending>,
    /// A live-event connection is up.
    pub live: bool,
    /// `/` filter over the pool list (company name, case-insensitive), and whether it is being typed.
    pub filter: String,
    pub typing_filter: bool,
    pub help: bool,
    pub quit: bool,
}

/// What a key does; the help overlay is generated from this table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    Down,
    Up,
    PageDown,
    PageUp,
    Claim,
    Release,
    Filter,
    Refresh,
    Help,
    Quit,
}

/// The default keymap: (keys as shown, action).
pub const KEYMAP: &[(&str, KeyAction)] = &[
    ("j ↓", KeyAction::Down),
    ("k ↑", KeyAction::Up),
    ("PgDn", KeyAction::PageDown),
    ("PgUp", KeyAction::PageUp),
    ("c", KeyAction::Claim),
    ("r", KeyAction::Release),
    ("/", KeyAction::Filter),
    ("g", KeyAction::Refresh),
    ("?", KeyAction::Help),
    ("q Esc", KeyAction::Quit),
];

fn action_of(code: KeyCode) -> Option<KeyAction> {
    Some(match code {
        KeyCode::Char('j') | KeyCode::Down => KeyAction::Down,
        KeyCode::Char('k') | KeyCode::Up => KeyAction::Up,
        KeyCode::PageDown => KeyAction::PageDown,
        KeyCode::PageUp => KeyAction::PageUp,
        KeyCode::Char('c') => KeyAction::Claim,
        KeyCode::Char('r') => KeyAction::Release,
        KeyCode::Char('/') => KeyAction::Filter,
        KeyCode::Char('g') => KeyAction::Refresh,
        KeyCode::Char('?') => KeyAction::Help,
        KeyCode::Char('q') | KeyCode::Esc => KeyAction::Quit,
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Key(KeyCode, KeyModifiers),
    Loaded(Result<Figures, String>),
    PoolLoaded(Result<PoolView, String>),
    /// The words for an ownership call's outcome (or its error).
    Done(Result<String, String>),
    /// The next page of unclaimed leads, and whether more follow.
    MoreLoaded(Result<(Vec<LeadRow>, bool), String>),
    /// Someone changed ownership somewhere: re-read what is shown.
    Changed,
    Live(bool),
    Resized,
}

/// What `update` asks the shell to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Redraw,
    LoadFigures,
    /// Re-read the pool with at least this many unclaimed rows (what is already on screen).
    LoadPool {
        unclaimed: i64,
    },
    LoadMore {
        pool: i64,
        after: i64,
    },
    Claim(i64),
    Release(i64),
}

/// The rows a filter lets through (company name contains it, case-insensitive).
fn filtered<'a>(rows: &'a [LeadRow], filter: &str) -> Vec<&'a LeadRow> {
    let needle = filter.to_lowercase();
    rows.iter()
        .filter(|r| needle.is_empty() || r.company.to_lowercase().contains(&needle))
        .collect()
}

impl App {
    /// The rows the filter lets through; the cursor indexes this list.
    pub fn visible_rows(&self) -> Vec<&LeadRow> {
        self.pool
            .as_ref()
            .map(|p| filtered(&p.rows, &self.filter))
            .unwrap_or_default()
    }

    fn selected(&self) -> Option<&LeadRow> {
        let cursor = self.pool.as_ref()?.cursor;
        self.visible_rows().get(cursor).copied()
    }

    fn move_cursor(&mut self, delta: isize) -> Vec<Effect> {
        let visible = self.visible_rows().len();
        let Some(pool) = self.pool.as_mut() else {
            return vec![Effect::Redraw];
        };
        let last = visible as isize - 1;
        pool.cursor = (pool.cursor as isize + delta).clamp(0, last.max(0)) as usize;
        let near_end = pool.cursor + PREFETCH >= visible;
        if near_end
            && pool.has_more
            && !pool.loading_more
            && let Some(after) = pool.unclaimed().map(|r| r.id).max()
        {
            pool.loading_more = true;
            return vec![
                Effect::LoadMore {
                    pool: pool.id,
                    after,
                },
                Effect::Redraw,
            ];
        }
        vec![Effect::Redraw]
    }

    fn reload(&self) -> Effect {
        let shown = self
            .pool
            .as_ref()
            .map(|p| p.unclaimed().count() as i64)
            .unwrap_or(0);
        Effect::LoadPool {
            unclaimed: shown.max(PAGE),
        }
    }
}

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    use Effect::*;
    match msg {
        Msg::Key(KeyCode::Char('c'), modifiers) if modifiers.contains(KeyModifiers::CONTROL) => {
            app.quit = true;
            vec![]
        }
        Msg::Key(code, _) if app.confirm.is_some() => {
            let pending = app.confirm.take();
            match (code, pending) {
                (KeyCode::Char('y') | KeyCode::Enter, Some(Pending::Claim { id, .. })) => {
                    vec![Claim(id), Redraw]
                }
                (KeyCode::Char('y') | KeyCode::Enter, Some(Pending::Release { id, .. })) => {
                    vec![Release(id), Redraw]
                }
                _ => vec![Redraw],
            }
        }
        Msg::Key(code, _) if app.typing_filter => {
            match code {
                KeyCode::Enter => app.typing_filter = false,
                KeyCode::Esc => {
                    app.typing_filter = false;
                    app.filter.clear();
                }
                KeyCode::Backspace => {
                    app.filter.pop();
                }
                KeyCode::Char(c) => app.filter.push(c),
                _ => {}
            }
            if let Some(pool) = app.pool.as_mut() {
                pool.cursor = 0;
            }
            vec![Redraw]
        }
        Msg::Key(_, _) if app.help => {
            app.help = false;
            vec![Redraw]
        }
        Msg::Key(code, _) => match action_of(code) {
            Some(KeyAction::Quit) if !app.filter.is_empty() => {
                // Esc first clears a filter; q still quits.
                if code == KeyCode::Esc {
                    app.filter.clear();
                    vec![Redraw]
                } else {
                    app.quit = true;
                    vec![]
                }
            }
            Some(KeyAction::Quit) => {
                app.quit = true;
                vec![]
            }
            Some(KeyAction::Down) => app.move_cursor(1),
            Some(KeyAction::Up) => app.move_cursor(-1),
            Some(KeyAction::PageDown) => app.move_cursor(10),
            Some(KeyAction::PageUp) => app.move_cursor(-10),
            Some(KeyAction::Claim) => {
                let Some(row) = app.selected() else {
                    return vec![];
                };
                app.confirm = Some(Pending::Claim {
                    id: row.id,
                    company: row.company.clone(),
                });
                vec![Redraw]
            }
            Some(KeyAction::Release) => {
                let Some(row) = app.selected() else {
                    return vec![];
                };
                app.confirm = Some(Pending::Release {
                    id: row.id,
                    company: row.company.clone(),
                });
                vec![Redraw]
            }
            Some(KeyAction::Filter) => {
                app.typing_filter = true;
                vec![Redraw]
            }
            Some(KeyAction::Refresh) => vec![app.reload(), LoadFigures],
            Some(KeyAction::Help) => {
                app.help = true;
                vec![Redraw]
            }
            None => vec![],
        },
        Msg::Loaded(Ok(figures)) => {
            app.figures = Some(figures);
            app.error = None;
            vec![Redraw]
        }
        Msg::Loaded(Err(error)) | Msg::PoolLoaded(Err(error)) => {
            app.error = Some(error);
            vec![Redraw]
        }
        Msg::PoolLoaded(Ok(mut view)) => {
            // Keep the cursor on the same lead when the list refreshes under it.
            let selected = app.selected().map(|r| r.id);
            let visible: Vec<i64> = filtered(&view.rows, &app.filter)
                .iter()
                .map(|r| r.id)
                .collect();
            view.cursor = selected
                .and_then(|id| visible.iter().position(|v| *v == id))
                .unwrap_or_else(|| app.pool.as_ref().map(|p| p.cursor).unwrap_or(0))
                .min(visible.len().saturating_sub(1));
            app.pool = Some(view);
            vec![Redraw]
        }
        Msg::Done(result) => {
            app.flash = Some(match result {
                Ok(words) | Err(words) => words,
            });
            vec![app.reload(), LoadFigures, Redraw]
        }
        Msg::MoreLoaded(Ok((rows, has_more))) => {
            if let Some(pool) = app.pool.as_mut() {
                let known: std::collections::HashSet<i64> =
                    pool.rows.iter().map(|r| r.id).collect();
                pool.rows
                    .extend(rows.into_iter().filter(|r| !known.contains(&r.id)));
                pool.has_more = has_more;
                pool.loading_more = false;
            }
            vec![Redraw]
        }
        Msg::MoreLoaded(Err(error)) => {
            if let Some(pool) = app.pool.as_mut() {
                pool.loading_more = false;
            }
            app.error = Some(error);
            vec![Redraw]
        }
        Msg::Changed => vec![app.reload(), LoadFigures],
        Msg::Live(up) => {
            app.live = up;
            vec![Redraw]
        }
        Msg::Resized => vec![Redraw],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, company: &str) -> LeadRow {
        LeadRow {
            id,
            company: company.into(),
            region: "上海".into(),
            source: "展会".into(),
            owner: None,
            mine: false,
            age_days: 3,
        }
    }

    fn app_with_rows() -> App {
        let mut app = App::default();
        update(
            &mut app,
            Msg::PoolLoaded(Ok(PoolView {
                name: "池".into(),
                rows: vec![row(1, "甲"), row(2, "乙"), row(3, "丙")],
                ..PoolView::default()
            })),
        );
        app
    }

    fn key(c: char) -> Msg {
        Msg::Key(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn claiming_asks_first_and_only_yes_claims() {
        let mut app = app_with_rows();
        update(&mut app, key('j'));
        assert_eq!(update(&mut app, key('c')), vec![Effect::Redraw]);
        assert_eq!(
            app.confirm,
            Some(Pending::Claim {
                id: 2,
                company: "乙".into()
            })
        );
        assert_eq!(
            update(&mut app, key('n')),
            vec![Effect::Redraw],
            "no cancels"
        );
        assert_eq!(app.confirm, None);
        update(&mut app, key('c'));
        assert_eq!(
            update(&mut app, key('y')),
            vec![Effect::Claim(2), Effect::Redraw]
        );
        // q while a dialog is open answers the dialog, it does not quit.
        update(&mut app, key('r'));
        update(&mut app, key('q'));
        assert!(!app.quit);
    }

    #[test]
    fn the_cursor_stays_on_its_lead_across_a_live_refresh() {
        let mut app = app_with_rows();
        update(&mut app, key('j'));
        update(&mut app, key('j'));
        let refreshed = PoolView {
            name: "池".into(),
            rows: vec![row(3, "丙"), row(4, "丁")],
            ..PoolView::default()
        };
        update(&mut app, Msg::PoolLoaded(Ok(refreshed)));
        assert_eq!(app.selected().map(|r| r.id), Some(3));
        update(&mut app, key('k'));
        update(&mut app, key('k'));
        assert_eq!(
            app.pool.as_ref().map(|p| p.cursor),
            Some(0),
            "the cursor stops at the top"
        );
    }

    #[test]
    fn scrolling_near_the_end_reads_the_next_page_once_by_keyset() {
        let mut app = App::default();
        let rows: Vec<LeadRow> = (1..=21).map(|id| row(id, "公司")).collect();
        update(
            &mut app,
            Msg::PoolLoaded(Ok(PoolView {
                id: 7,
                name: "池".into(),
                rows,
                has_more: true,
                ..PoolView::default()
            })),
        );
        let effects = update(&mut app, key('j'));
        assert_eq!(
            effects,
            vec![Effect::LoadMore { pool: 7, after: 21 }, Effect::Redraw]
        );
        assert_eq!(
            update(&mut app, key('j')),
            vec![Effect::Redraw],
            "one page request at a time"
        );
        let more: Vec<LeadRow> = (22..=40).map(|id| row(id, "公司")).collect();
        update(&mut app, Msg::MoreLoaded(Ok((more, false))));
        assert_eq!(app.visible_rows().len(), 40);
        for _ in 0..50 {
            assert_eq!(
                update(&mut app, key('j')),
                vec![Effect::Redraw],
                "no more pages"
            );
        }
        // A live refresh re-reads as many unclaimed rows as are on screen, not just the first page.
        assert_eq!(
            update(&mut app, Msg::Changed)[0],
            Effect::LoadPool { unclaimed: PAGE }
        );
    }

    #[test]
    fn slash_filters_the_list_and_esc_clears_it() {
        let mut app = app_with_rows();
        update(&mut app, key('/'));
        assert!(app.typing_filter);
        update(&mut app, key('乙'));
        update(&mut app, Msg::Key(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(
            app.visible_rows().iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![2]
        );
        // Keys act on the filtered list: c claims the only visible lead.
        update(&mut app, key('c'));
        assert_eq!(
            app.confirm,
            Some(Pending::Claim {
                id: 2,
                company: "乙".into()
            })
        );
        update(&mut app, key('n'));
        update(&mut app, Msg::Key(KeyCode::Esc, KeyModifiers::NONE));
        assert!(!app.quit, "Esc clears the filter before it quits");
        assert_eq!(app.visible_rows().len(), 3);
    }

    #[test]
    fn help_opens_and_any_key_closes_it() {
        let mut app = app_with_rows();
        update(&mut app, key('?'));
        assert!(app.help);
        update(&mut app, key('q'));
        assert!(
            !app.help && !app.quit,
            "the key closes help, it does not act"
        );
        assert!(
            KEYMAP
                .iter()
                .all(|(keys, action)| !keys.is_empty() && action_of_label(keys) == Some(*action))
        );
    }

    /// Every key the help shows does what the help says.
    fn action_of_label(keys: &str) -> Option<KeyAction> {
        let first = keys.split_whitespace().next()?;
        let code = match first {
            "PgDn" => KeyCode::PageDown,
            "PgUp" => KeyCode::PageUp,
            "Esc" => KeyCode::Esc,
            other => KeyCode::Char(other.chars().next()?),
        };
        action_of(code)
    }

    #[test]
    fn outcomes_flash_and_reload_and_events_reload() {
        let mut app = app_with_rows();
        let effects = update(&mut app, Msg::Done(Err("王芳 claimed it 2 s ago".into())));
        assert_eq!(app.flash.as_deref(), Some("王芳 claimed it 2 s ago"));
        assert!(effects.contains(&Effect::LoadPool { unclaimed: PAGE }));
        assert_eq!(
            update(&mut app, Msg::Changed),
            vec![Effect::LoadPool { unclaimed: PAGE }, Effect::LoadFigures]
        );
        update(&mut app, key('q'));
        assert!(app.quit);
    }
}
