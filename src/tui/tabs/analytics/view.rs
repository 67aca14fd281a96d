//! Drawing the analytics tab: the period and how fresh the figures are, the headline with
//! its change against the period before, a 12-week column chart of the collision rate and
//! the refusals by reason as bars, then the list of the drill-down level (teams, people,
//! contested companies, or a company's ownership history). Fits 80×24; wider screens get
//! wider charts and more rows. Every chart has an ASCII form.

use chrono::{Datelike, Local};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{AnalyticsTab, Focus, Level, Row};
use crate::db::api::analytics::Dashboard;
use crate::domain::analytics::{change, rate, relative_change};
use crate::text::Lang;
use crate::text::analytics::{Word, freshness, hours, percent, points, reason_words, relative};
use crate::tui::chrome::Theme;
use crate::tui::chrome::charts::{columns, gauge, hbar};
use crate::tui::chrome::widgets::fit;
use crate::tui::tab::Ctx;

fn word(w: Word, lang: Lang) -> &'static str {
    w.render(lang)
}

/// The drill-down path as a title: "Collisions · 华东一组 › 王芳 › 光宇集团".
fn breadcrumb(tab: &AnalyticsTab, lang: Lang) -> String {
    let mut parts = vec![word(Word::Tab, lang).to_string()];
    if tab.path.is_empty() {
        parts.push(word(Word::Everyone, lang).to_string());
    }
    let path: Vec<String> = tab
        .path
        .iter()
        .map(|level| match level {
            Level::Team(name) => name.clone(),
            Level::Person { name, .. } | Level::Company { name, .. } => name.clone(),
        })
        .collect();
    if !path.is_empty() {
        parts.push(path.join(" › "));
    }
    format!(" {} ", parts.join(" · "))
}

pub(super) fn render(tab: &AnalyticsTab, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let lang = ctx.lang;
    let outer = theme.block().title(breadcrumb(tab, lang));
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let Some(dashboard) = &tab.dashboard else {
        frame.render_widget(Paragraph::new(" …"), inner);
        return;
    };
    let in_company = matches!(tab.path.last(), Some(Level::Company { .. }));
    let chart_height = if in_company {
        0
    } else if inner.height >= 30 {
        9
    } else {
        5
    };
    let [period, headline, charts, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(chart_height),
        Constraint::Min(2),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(period_line(tab, dashboard, theme, lang)),
        period,
    );
    frame.render_widget(
        Paragraph::new(headline_lines(dashboard, theme, lang)),
        headline,
    );
    if chart_height > 0 {
        let [trend, reasons] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .spacing(2)
                .areas(charts);
        frame.render_widget(
            Paragraph::new(trend_lines(dashboard, trend, theme, lang)),
            trend,
        );
        frame.render_widget(
            Paragraph::new(reason_lines(dashboard, reasons, theme, lang)),
            reasons,
        );
    }
    if in_company {
        frame.render_widget(Paragraph::new(history_lines(tab, list, theme, lang)), list);
    } else if list.width >= 110 {
        // Wide: both lists side by side; the cursor is in one of them.
        let [people, companies] =
            Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                .spacing(2)
                .areas(list);
        for (which, area) in [(Focus::People, people), (Focus::Companies, companies)] {
            frame.render_widget(
                Paragraph::new(list_lines(tab, which, true, area, theme, lang)),
                area,
            );
        }
    } else {
        frame.render_widget(
            Paragraph::new(list_lines(tab, tab.focus, false, list, theme, lang)),
            list,
        );
    }
}

fn period_line(tab: &AnalyticsTab, d: &Dashboard, theme: Theme, lang: Lang) -> Line<'static> {
    let span = match tab.span {
        crate::domain::analytics::Span::Week => Word::Week,
        crate::domain::analytics::Span::FourWeeks => Word::FourWeeks,
        crate::domain::analytics::Span::Quarter => Word::Quarter,
    };
    let counted = d.lag.counted_at.map(|at| {
        let local = at.with_timezone(&Local);
        if local.date_naive() == Local::now().date_naive() {
            local.format("%H:%M:%S").to_string()
        } else {
            local.format("%Y-%m-%d %H:%M").to_string()
        }
    });
    let fresh = freshness(counted.as_deref(), d.lag.rows_behind, lang);
    let stale = d.lag.counted_at.is_none() || d.lag.rows_behind > 0;
    let before = d.period().previous();
    Line::from(vec![
        Span::styled(
            format!(
                "{} – {} ({})",
                d.period_from.format("%Y-%m-%d"),
                d.period_to.format("%m-%d"),
                word(span, lang)
            ),
            theme.bold(),
        ),
        Span::styled(
            format!(
                " {} {} – {}",
                word(Word::VsBefore, lang),
                before.from.format("%m-%d"),
                before.to.format("%m-%d")
            ),
            theme.dim(),
        ),
        Span::raw(" · "),
        Span::styled(fresh, if stale { theme.warn() } else { theme.dim() }),
    ])
}

/// A figure, bold, and its words.
fn figure(value: String, words: &str, theme: Theme) -> Vec<Span<'static>> {
    vec![
        Span::styled(value, theme.bold()),
        Span::raw(format!(" {words}")),
    ]
}

fn headline_lines(d: &Dashboard, theme: Theme, lang: Lang) -> Vec<Line<'static>> {
    let (now, before) = (&d.now, &d.before);
    let rate_change = change(now.tally().rate(), before.tally().rate());
    // Fewer collisions is the good direction.
    let change_style = match rate_change {
        Some(c) if c > 0.0005 => theme.danger(),
        Some(c) if c < -0.0005 => theme.accent(),
        _ => theme.dim(),
    };
    let sep = || Span::styled(" · ", theme.dim());
    let mut first = Vec::new();
    first.extend(figure(
        now.attempts.to_string(),
        word(Word::Attempts, lang),
        theme,
    ));
    first.push(Span::styled(
        format!(
            " ({})",
            relative(relative_change(now.attempts, before.attempts))
        ),
        theme.dim(),
    ));
    first.push(sep());
    first.extend(figure(
        now.collisions.to_string(),
        word(Word::Collisions, lang),
        theme,
    ));
    first.push(sep());
    first.push(Span::raw(format!("{} ", word(Word::ColRate, lang))));
    first.push(Span::styled(percent(now.tally().rate()), theme.bold()));
    first.push(Span::styled(
        format!(" ({})", points(rate_change)),
        change_style,
    ));
    first.push(sep());
    first.extend(figure(
        now.races.to_string(),
        word(Word::Races, lang),
        theme,
    ));
    // Partner against direct (渠道撞单): only where there are channel partners at all.
    if now.channel_conflicts > 0 || before.channel_conflicts > 0 {
        first.push(sep());
        first.extend(figure(
            now.channel_conflicts.to_string(),
            word(Word::ChannelShort, lang),
            theme,
        ));
    }
    let mut second = Vec::new();
    second.extend(figure(
        now.contested.to_string(),
        word(Word::ContestedShort, lang),
        theme,
    ));
    second.push(sep());
    // Counts, not a rate: a sweep that frees old holdings can recycle more in a period than
    // was taken in it.
    second.extend(figure(
        now.taken.to_string(),
        word(Word::Taken, lang),
        theme,
    ));
    second.push(Span::raw(" "));
    second.extend(figure(
        now.recycled.to_string(),
        word(Word::Recycled, lang),
        theme,
    ));
    second.push(sep());
    second.push(Span::raw(format!("{} ", word(Word::Duplicates, lang))));
    second.extend(figure(
        now.blocked.to_string(),
        word(Word::BlockedShort, lang),
        theme,
    ));
    second.push(Span::raw(" "));
    second.extend(figure(
        now.warned.to_string(),
        word(Word::WarnedShort, lang),
        theme,
    ));
    second.push(Span::raw(" "));
    second.extend(figure(
        now.overridden.to_string(),
        word(Word::Overridden, lang),
        theme,
    ));
    second.push(Span::styled(
        format!(" ({})", percent(rate(now.overridden, now.warned))),
        theme.dim(),
    ));
    let f = &d.followup;
    let (converted, taken) = d.conversion();
    let third = vec![
        Span::raw(format!("{} ", word(Word::FirstFollowUp, lang))),
        Span::styled(percent(rate(f.within_24h, f.taken)), theme.bold()),
        Span::raw(format!(" {} ", word(Word::Within24h, lang))),
        Span::styled(
            format!(
                "({} {}, {} {})",
                word(Word::HalfWithin, lang),
                hours(f.p50_hours, lang),
                word(Word::NineInTenWithin, lang),
                hours(f.p90_hours, lang)
            ),
            theme.dim(),
        ),
        sep(),
        Span::raw(format!("{} ", word(Word::Converted90, lang))),
        Span::styled(percent(rate(converted, taken)), theme.bold()),
    ];
    vec![Line::from(first), Line::from(second), Line::from(third)]
}

fn trend_lines(d: &Dashboard, area: Rect, theme: Theme, lang: Lang) -> Vec<Line<'static>> {
    let rates: Vec<Option<f64>> = d.trend.iter().map(|(_, t)| t.rate()).collect();
    let weeks = rates.len().max(1);
    // Room for the scale's label ("30.0%") to the right of the columns.
    let column_width = ((area.width as usize).saturating_sub(7) / weeks).clamp(2, 5);
    // A scale that makes small rates visible but never exaggerates past the data.
    let top = rates
        .iter()
        .flatten()
        .fold(0.0f64, |a, b| a.max(*b))
        .max(0.05);
    let height = (area.height as usize).saturating_sub(2).max(1);
    let mut lines = vec![Line::styled(
        format!(
            "{}{}",
            word(Word::Trend, lang),
            percent(rates.last().copied().flatten())
        ),
        theme.bold(),
    )];
    let body = columns(&rates, top, height, column_width, theme.ascii);
    for (index, row) in body.into_iter().enumerate() {
        let scale = if index == 0 {
            format!(" {}", percent(Some(top)))
        } else {
            String::new()
        };
        lines.push(Line::from(vec![
            Span::styled(row, theme.accent()),
            Span::styled(scale, theme.dim()),
        ]));
    }
    // The week numbers under the first and the last column.
    if let (Some((first, _)), Some((last, _))) = (d.trend.first(), d.trend.last()) {
        let left = format!("W{:02}", first.iso_week().week());
        let right = format!("W{:02}", last.iso_week().week());
        let room = (weeks * column_width).saturating_sub(left.len() + right.len());
        lines.push(Line::styled(
            format!("{left}{}{right}", " ".repeat(room.max(1))),
            theme.dim(),
        ));
    }
    lines
}

fn reason_lines(d: &Dashboard, area: Rect, theme: Theme, lang: Lang) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(word(Word::Reasons, lang), theme.bold())];
    if d.reasons.is_empty() {
        lines.push(Line::styled(word(Word::NoRefusals, lang), theme.dim()));
        return lines;
    }
    let max = d.reasons.iter().map(|r| r.refusals).max().unwrap_or(1) as f64;
    let label_width = (area.width as usize / 3).clamp(8, 18);
    let number_width = 6;
    let bar_width = (area.width as usize).saturating_sub(label_width + number_width + 2);
    for reason in d
        .reasons
        .iter()
        .take((area.height as usize).saturating_sub(1))
    {
        let collision = crate::text::analytics::is_collision_reason(&reason.reason);
        lines.push(Line::from(vec![
            Span::raw(fit(&reason_words(&reason.reason, lang), label_width)),
            Span::raw(" "),
            Span::styled(
                fit(
                    &hbar(reason.refusals as f64, max, bar_width, theme.ascii),
                    bar_width,
                ),
                if collision {
                    theme.danger()
                } else {
                    theme.dim()
                },
            ),
            Span::raw(format!(" {:>5}", reason.refusals)),
        ]));
    }
    lines
}

/// The heading of the lists: which one the cursor is in, and the other to switch to.
fn list_heading(
    tab: &AnalyticsTab,
    which: Focus,
    side_by_side: bool,
    theme: Theme,
    lang: Lang,
) -> Line<'static> {
    let people = if tab.path.is_empty()
        && tab
            .rows_of(Focus::People)
            .iter()
            .any(|r| matches!(r, Row::Team(_)))
    {
        word(Word::Teams, lang)
    } else {
        word(Word::People, lang)
    };
    let tab_style = |focused: bool| {
        if focused {
            theme.selected().patch(theme.bold())
        } else {
            theme.dim()
        }
    };
    let contested = format!(" {} ", word(Word::Contested, lang));
    if side_by_side {
        let name = if which == Focus::People {
            format!(" {people} ")
        } else {
            contested
        };
        return Line::styled(name, tab_style(tab.focus == which));
    }
    Line::from(vec![
        Span::styled(format!(" {people} "), tab_style(tab.focus == Focus::People)),
        Span::raw(" "),
        Span::styled(contested, tab_style(tab.focus == Focus::Companies)),
    ])
}

fn list_lines(
    tab: &AnalyticsTab,
    which: Focus,
    side_by_side: bool,
    area: Rect,
    theme: Theme,
    lang: Lang,
) -> Vec<Line<'static>> {
    let width = area.width as usize;
    let rows = tab.rows_of(which);
    let mut lines = vec![list_heading(tab, which, side_by_side, theme, lang)];
    let head = match rows.first() {
        Some(Row::Team(_)) => team_cells(
            word(Word::Team, lang),
            word(Word::People, lang).to_string(),
            [
                word(Word::ColTries, lang).to_string(),
                word(Word::ColCollisions, lang).to_string(),
                word(Word::ColRate, lang).to_string(),
                word(Word::ColRaces, lang).to_string(),
                word(Word::ColTaken, lang).to_string(),
                word(Word::ColRecycled, lang).to_string(),
            ],
            width,
        ),
        Some(Row::Person(_)) => person_cells(
            word(Word::Person, lang),
            word(Word::Team, lang),
            [
                word(Word::ColTries, lang).to_string(),
                word(Word::ColCollisions, lang).to_string(),
                word(Word::ColRate, lang).to_string(),
                word(Word::ColRaces, lang).to_string(),
                word(Word::ColLimit, lang).to_string(),
            ],
            word(Word::Saturation, lang).to_string(),
            width,
        ),
        Some(Row::Company(_)) => company_cells(
            word(Word::Company, lang),
            word(Word::ColCollisions, lang).to_string(),
            word(Word::People, lang).to_string(),
            width,
        ),
        Some(Row::Event(_)) | None => String::new(),
    };
    if !head.is_empty() {
        lines.push(Line::styled(head, theme.dim()));
    }
    if rows.is_empty() {
        let empty = if which == Focus::Companies {
            word(Word::NoContested, lang)
        } else {
            word(Word::NoFigures, lang)
        };
        lines.push(Line::styled(empty.to_string(), theme.dim()));
        return lines;
    }
    let active = tab.focus == which;
    let room = (area.height as usize).saturating_sub(lines.len()).max(1);
    let first = if active {
        tab.row.saturating_sub(room - 1)
    } else {
        0
    };
    for (index, row) in rows.iter().enumerate().skip(first).take(room) {
        let text = match row {
            Row::Team(t) => team_cells(
                &t.name,
                t.people.to_string(),
                [
                    t.tally.attempts.to_string(),
                    t.tally.collisions.to_string(),
                    percent(t.tally.rate()),
                    t.tally.races.to_string(),
                    t.taken.to_string(),
                    t.recycled.to_string(),
                ],
                width,
            ),
            Row::Person(r) => {
                let holding = match (r.held, r.holding_limit, r.saturation()) {
                    (Some(held), Some(limit), Some(ratio)) => {
                        format!(
                            "{} {:>7}",
                            gauge(ratio, 8, theme.ascii),
                            format!("{held}/{limit}")
                        )
                    }
                    _ => "-".into(),
                };
                person_cells(
                    &r.name,
                    &r.team,
                    [
                        r.attempts.to_string(),
                        r.collisions.to_string(),
                        percent(r.tally().rate()),
                        r.races.to_string(),
                        r.limit_refusals.to_string(),
                    ],
                    holding,
                    width,
                )
            }
            Row::Company(c) => company_cells(
                &c.name,
                c.collisions.to_string(),
                c.people.to_string(),
                width,
            ),
            Row::Event(_) => String::new(),
        };
        let style = if active && index == tab.row {
            theme.selected()
        } else {
            Style::default()
        };
        lines.push(Line::styled(text, style));
    }
    lines
}

/// A company's ownership history, newest first; refusals stand out.
fn history_lines(tab: &AnalyticsTab, area: Rect, theme: Theme, lang: Lang) -> Vec<Line<'static>> {
    let width = area.width as usize;
    let mut lines = vec![Line::styled(
        fit(word(Word::History, lang), width),
        theme.bold(),
    )];
    let rows = tab.rows();
    if rows.is_empty() {
        lines.push(Line::styled("…", theme.dim()));
        return lines;
    }
    let room = (area.height as usize).saturating_sub(1).max(1);
    let first = tab.row.saturating_sub(room - 1);
    for (index, row) in rows.iter().enumerate().skip(first).take(room) {
        let Row::Event(e) = row else { continue };
        let who = match (&e.from_owner, &e.to_owner) {
            (Some(from), Some(to)) => format!("{from} → {to}"),
            (None, Some(to)) => format!("→ {to}"),
            (Some(from), None) => format!("{from} →"),
            (None, None) => String::new(),
        };
        let outcome = if e.outcome == "ok" {
            "ok".to_string()
        } else {
            reason_words(&e.reason, lang)
        };
        let text = fit(
            &format!(
                "{} {} {} {} {}",
                e.at.with_timezone(&Local).format("%m-%d %H:%M"),
                fit(&e.action, 10),
                fit(&outcome, 16),
                fit(e.actor.as_deref().unwrap_or("worker"), 8),
                who
            ),
            width,
        );
        let style = if index == tab.row {
            theme.selected()
        } else if e.outcome != "ok" {
            theme.warn()
        } else {
            Style::default()
        };
        lines.push(Line::styled(text, style));
    }
    lines
}

fn numbers<const N: usize>(cells: &[String; N], widths: [usize; N]) -> String {
    cells
        .iter()
        .zip(widths)
        .map(|(c, w)| fit_right(c, w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A right-aligned cell cut to its width.
fn fit_right(text: &str, width: usize) -> String {
    let used = unicode_width::UnicodeWidthStr::width(text);
    if used <= width {
        format!("{}{text}", " ".repeat(width - used))
    } else {
        fit(text, width)
    }
}

fn team_cells(name: &str, people: String, figures: [String; 6], width: usize) -> String {
    let tail = format!(
        "{} {}",
        fit_right(&people, 6),
        numbers(&figures, [6, 6, 7, 5, 6, 6])
    );
    let name_width = width.saturating_sub(tail_width(&tail) + 1).max(6);
    fit(&format!("{} {tail}", fit(name, name_width)), width)
}

/// A gauge of 8, a space, and up to "999/999".
const HOLDING_WIDTH: usize = 16;

fn person_cells(
    name: &str,
    team: &str,
    figures: [String; 5],
    holding: String,
    width: usize,
) -> String {
    // The holding gauge and "held/limit" take a fixed width, so every row lines up.
    let tail = format!(
        "{} {}",
        numbers(&figures, [6, 6, 7, 5, 5]),
        fit_right(&holding, HOLDING_WIDTH)
    );
    let room = width.saturating_sub(tail_width(&tail) + 2);
    let name_width = (room / 2).max(6);
    let team_width = room.saturating_sub(name_width).max(4);
    fit(
        &format!("{} {} {tail}", fit(name, name_width), fit(team, team_width)),
        width,
    )
}

fn company_cells(name: &str, collisions: String, people: String, width: usize) -> String {
    let tail = format!("{} {}", fit_right(&collisions, 6), fit_right(&people, 6));
    let name_width = width.saturating_sub(tail_width(&tail) + 1).max(6);
    fit(&format!("{} {tail}", fit(name, name_width)), width)
}

fn tail_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}
