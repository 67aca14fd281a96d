//! The chrome around the current tab: the tab bar (who is signed in), the header figures,
//! the outcome line and the status bar (database · login, live or not, read-only, the keys of
//! what is on screen — generated from the keymap).

pub mod charts;
pub mod theme;
pub mod widgets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub use theme::Theme;

use super::cmd::Note;
use crate::db::api::me::Figures;
use crate::text::{Label, Lang, TuiText};

/// The smallest screen the layout is made for.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// The five bands of the screen: tabs, figures, the tab's area, outcome line, status bar.
pub fn bands(area: Rect) -> [Rect; 5] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

pub fn tab_bar(
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
    lang: Lang,
    titles: &[(String, Label)],
    current: usize,
    figures: Option<&Figures>,
) {
    let mut spans = vec![Span::styled(" dibs ", theme.accent())];
    for (index, (key, title)) in titles.iter().enumerate() {
        let text = format!(" {key} {} ", title.render(lang));
        spans.push(if index == current {
            Span::styled(text, theme.selected())
        } else {
            Span::raw(text)
        });
    }
    if let Some(f) = figures {
        let who = TuiText::SignedInAs {
            name: f.display_name.clone(),
            team: f.team.clone(),
        }
        .render(lang);
        let used: usize = spans.iter().map(|s| s.content.width()).sum();
        let gap = (area.width as usize).saturating_sub(used + who.width() + 1);
        spans.push(Span::raw(" ".repeat(gap)));
        spans.push(Span::styled(who, theme.bold()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn figures_line(
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
    lang: Lang,
    figures: Option<&Figures>,
) {
    let line = match figures {
        Some(f) => {
            let style = if f.limit > 0 && f.holding >= f.limit {
                theme.danger()
            } else {
                Style::default()
            };
            Line::styled(
                format!(
                    " {}",
                    if f.partner {
                        TuiText::PartnerFigures {
                            registered: f.holding,
                            capacity: f.limit,
                        }
                    } else {
                        TuiText::Figures {
                            customers: f.customers,
                            pool_leads: f.pool_leads,
                            holding: f.holding,
                            limit: f.limit,
                        }
                    }
                    .render(lang)
                ),
                style,
            )
        }
        None => Line::from(" …"),
    };
    frame.render_widget(Paragraph::new(line), area);
}

pub fn outcome_line(frame: &mut Frame, area: Rect, theme: Theme, lang: Lang, note: Option<&Note>) {
    let (text, style) = match note {
        Some(note) if note.is_error() => (note.render(lang), theme.danger()),
        Some(note) => (note.render(lang), theme.warn()),
        None => (String::new(), Style::default()),
    };
    frame.render_widget(Paragraph::new(format!(" {text}")).style(style), area);
}

/// How live the screen is, as the status bar says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Liveness {
    Live,
    /// The first connections are being made.
    Connecting,
    /// A connection broke at this local time (HH:MM:SS) and is being remade.
    Reconnecting(String),
    /// Driven by a headless script: no live connection.
    Scripted,
}

pub struct Status<'a> {
    pub database: &'a str,
    pub liveness: Liveness,
    /// The replica's lag or absence, when it matters.
    pub replica: Option<String>,
    pub readonly: bool,
    pub hints: String,
}

pub fn status_bar(frame: &mut Frame, area: Rect, theme: Theme, lang: Lang, status: &Status) {
    let live = match &status.liveness {
        Liveness::Scripted => "script".to_string(),
        Liveness::Live => TuiText::Live.render(lang),
        Liveness::Connecting => TuiText::Connecting.render(lang),
        Liveness::Reconnecting(since) => TuiText::Reconnecting {
            since: since.clone(),
        }
        .render(lang),
    };
    let mut parts = vec![status.database.to_string(), live];
    if let Some(replica) = &status.replica {
        parts.push(replica.clone());
    }
    if status.readonly {
        parts.push(Label::ReadOnly.render(lang).to_string());
    }
    if !status.hints.is_empty() {
        parts.push(status.hints.clone());
    }
    frame.render_widget(
        Paragraph::new(format!(" {}", parts.join(" · "))).style(theme.selected()),
        area,
    );
}
