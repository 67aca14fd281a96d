//! Drawing the customers tab: the search and its list, the form beside (or over) its
//! duplicate panel, the 360° view, the group tree. Widths are display widths throughout, and
//! the terminal cursor sits at the caret of whatever is being typed (for IME windows).

use ratatui::Frame;

use crate::domain::ownership::Entity;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};
use unicode_width::UnicodeWidthStr;

use super::CustomersTab;
use super::detail::DetailView;
use super::form::{FIELDS, Form};
use super::tree::{Coverage, Tree};
use crate::text::{DedupText, Label, TuiText, why_words};
use crate::tui::chrome::widgets::{FormField, capitalised, form_lines, place_caret};
use crate::tui::tab::Ctx;

pub(super) fn render(tab: &CustomersTab, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    if tab.form.open {
        form(ctx, &tab.form, frame, area);
    } else if let Some(tree) = &tab.tree {
        tree_pane(ctx, tree, frame, area);
    } else if let Some(detail) = &tab.detail {
        detail_pane(ctx, detail, frame, area);
    } else {
        list(tab, ctx, frame, area);
    }
}

fn list(tab: &CustomersTab, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let [input, list] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
    let busy = if tab.searching { " …" } else { "" };
    let title = format!(" {}{busy} ", ctx.label(Label::Search));
    frame.render_widget(
        Paragraph::new(format!(" {}", tab.query)).block(theme.block().title(title)),
        input,
    );
    if tab.typing {
        let x = input.x + 2 + tab.query.width() as u16;
        frame.set_cursor_position((x.min(input.right().saturating_sub(2)), input.y + 1));
    }
    let heading = if tab.query.trim().is_empty() {
        format!(
            " {} ({}) ",
            ctx.label(Label::MyCustomers),
            tab.results.len()
        )
    } else {
        format!(
            " {} ({}) ",
            ctx.label(Label::TabCustomers),
            tab.results.len()
        )
    };
    let rows: Vec<Row> = tab
        .results
        .iter()
        .map(|m| {
            let score = if m.why.is_empty() {
                String::new()
            } else {
                format!("{:.2}", m.score)
            };
            Row::new(vec![
                Cell::from(m.id.to_string()),
                Cell::from(m.name.clone()),
                Cell::from(m.owner.clone().unwrap_or_else(|| "-".into())),
                Cell::from(m.team.clone().unwrap_or_else(|| "-".into())),
                Cell::from(score),
                Cell::from(why_words(&m.why, ctx.lang)).style(theme.dim()),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(7),
            Constraint::Min(20),
            Constraint::Length(8),
            Constraint::Length(10),
            Constraint::Length(5),
            Constraint::Percentage(25),
        ],
    )
    .header(
        Row::new(vec![
            "#".to_string(),
            ctx.label(Label::ColCompany).to_string(),
            ctx.label(Label::ColOwner).to_string(),
            ctx.label(Label::Team).to_string(),
            ctx.label(Label::Score).to_string(),
            ctx.label(Label::Why).to_string(),
        ])
        .style(theme.bold()),
    )
    .row_highlight_style(theme.selected())
    .block(theme.block().title(heading));
    let selected = (!tab.results.is_empty()).then_some(tab.cursor);
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, list, &mut state);
}

fn form(ctx: &Ctx, form: &Form, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    // Side by side when there is room, stacked on 80 columns.
    let [form_area, panel_area] = if area.width >= 110 {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
    } else {
        Layout::vertical([Constraint::Length(11), Constraint::Min(4)]).areas(area)
    };
    let fields: Vec<FormField> = FIELDS
        .iter()
        .enumerate()
        .map(|(index, field)| FormField {
            label: ctx.label(field.label()),
            value: &form.values[index],
            problem: form.problem(*field).map(|p| p.render(ctx.lang)),
        })
        .collect();
    let (mut lines, mut caret) =
        form_lines(theme, &fields, form.reason.is_none().then_some(form.focus));
    if let Some(reason) = &form.reason {
        let label = ctx.label(Label::ReasonPrompt);
        caret = Some((
            (1 + label.width() + 2 + reason.width()) as u16,
            lines.len() as u16,
        ));
        lines.push(Line::from(vec![
            Span::styled(format!(">{label}: "), theme.warn()),
            Span::styled(reason.clone(), theme.bold()),
        ]));
    }
    if let Some(notice) = &form.notice {
        lines.push(Line::styled(
            format!(" {}", notice.render(ctx.lang)),
            theme.danger(),
        ));
    }
    let hints = ctx.keymap.hints(
        &[
            crate::tui::keymap::Action::NextField,
            crate::tui::keymap::Action::PrevField,
            crate::tui::keymap::Action::Save,
            crate::tui::keymap::Action::Back,
        ],
        ctx.lang,
    );
    lines.push(Line::styled(
        format!(" {hints} · {}", ctx.label(Label::InputKept)),
        theme.dim(),
    ));
    let saving = if form.saving { " …" } else { "" };
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            theme
                .block()
                .title(format!(" {}{saving} ", ctx.label(Label::NewCustomer))),
        ),
        form_area,
    );
    place_caret(frame, form_area, caret);
    panel(ctx, form, frame, panel_area);
}

/// The live duplicate panel: top candidates with score, owner and why; drafts being typed
/// by others right now.
fn panel(ctx: &Ctx, form: &Form, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let busy = if form.checking {
        format!(" · {}", ctx.label(Label::Checking))
    } else {
        String::new()
    };
    let mut lines = Vec::new();
    match &form.panel {
        None if form.checking => {}
        None => lines.push(Line::styled(
            format!(" {}", ctx.label(Label::NoDuplicates)),
            theme.dim(),
        )),
        Some(panel) => {
            for other in &panel.in_flight {
                lines.push(Line::styled(
                    format!(
                        " ⚡ {}",
                        DedupText::InFlightDraft {
                            user: other.user.clone(),
                            draft: other.draft.clone(),
                            seconds_ago: other.seconds_ago,
                        }
                        .render(ctx.lang)
                    ),
                    theme.danger(),
                ));
            }
            if panel.matches.is_empty() && panel.in_flight.is_empty() {
                lines.push(Line::styled(
                    format!(" {}", ctx.label(Label::NoDuplicates)),
                    theme.dim(),
                ));
            }
            for m in &panel.matches {
                let style = if m.duplicate {
                    theme.danger()
                } else {
                    theme.warn()
                };
                let owner = match (&m.owner, &m.team) {
                    (Some(o), Some(t)) => format!("{o} · {t}"),
                    (Some(o), None) => o.clone(),
                    (None, _) => ctx.label(Label::Unclaimed).to_string(),
                };
                lines.push(Line::from(vec![
                    Span::styled(format!(" {:.2} ", m.score), style),
                    Span::styled(m.name.clone(), theme.bold()),
                    Span::raw(match m.entity {
                        Entity::Lead => format!(
                            " {} #{} ({owner})",
                            crate::text::entity_word(
                                Entity::Lead,
                                ctx.lang == crate::text::Lang::Zh
                            ),
                            m.id
                        ),
                        Entity::Customer => format!(" #{} ({owner})", m.id),
                    }),
                ]));
                lines.push(Line::styled(
                    format!("      {}", why_words(&m.why, ctx.lang)),
                    theme.dim(),
                ));
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            theme
                .block()
                .title(format!(" {}{busy} ", ctx.label(Label::Duplicates))),
        ),
        area,
    );
}

fn detail_pane(ctx: &Ctx, detail: &DetailView, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let mut lines = Vec::new();
    let facts = detail.facts(ctx.lang);
    let label_width = facts
        .iter()
        .map(|(l, _)| ctx.label(*l).width())
        .max()
        .unwrap_or(8);
    for (label, value) in &facts {
        let label = capitalised(ctx.label(*label));
        let pad = " ".repeat(label_width.saturating_sub(label.width()));
        lines.push(Line::from(vec![
            Span::styled(format!(" {pad}{label}: "), theme.dim()),
            Span::raw(value.clone()),
        ]));
    }
    for section in detail.sections(ctx.lang) {
        lines.push(Line::raw(""));
        if let Some(title) = section.title {
            lines.push(Line::styled(
                format!(" {} ({})", ctx.label(title), section.rows.len()),
                theme.accent(),
            ));
        }
        if !section.heads.is_empty() && !section.rows.is_empty() {
            let heads: Vec<&str> = section.heads.iter().map(|h| ctx.label(*h)).collect();
            lines.push(Line::styled(
                format!("   {}", heads.join(" · ")),
                theme.dim(),
            ));
        }
        for row in &section.rows {
            let cells: Vec<&str> = row
                .iter()
                .map(|c| c.as_str())
                .filter(|c| !c.is_empty())
                .collect();
            lines.push(Line::raw(format!("   {}", cells.join(" · "))));
        }
    }
    lines.push(Line::raw(""));
    let hints = ctx.keymap.hints(
        &[
            crate::tui::keymap::Action::Down,
            crate::tui::keymap::Action::Claim,
            crate::tui::keymap::Action::Tree,
            crate::tui::keymap::Action::Back,
        ],
        ctx.lang,
    );
    lines.push(Line::styled(format!(" {hints}"), theme.dim()));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((detail.scroll, 0))
            .block(theme.block().title(format!(" {} ", detail.title()))),
        area,
    );
}

/// The group tree: one row per entity, indented by level, with owner · team, open
/// opportunities and coverage (gaps and other teams' entities stand out). Only the rows that
/// fit are drawn.
fn tree_pane(ctx: &Ctx, tree: &Tree, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let (entities, gaps, risks) = tree.summary();
    let title = format!(
        " {} · {} ",
        ctx.label(Label::TreeTitle),
        TuiText::TreeSummary {
            entities,
            gaps,
            risks
        }
        .render(ctx.lang)
    );
    let block = theme.block().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height.saturating_sub(1) as usize;
    let first = tree.cursor.saturating_sub(height.saturating_sub(1));
    let (open, closed) = if theme.ascii {
        ("v ", "> ")
    } else {
        ("▾ ", "▸ ")
    };
    let mut lines = Vec::new();
    for (index, row) in tree.rows.iter().enumerate().skip(first).take(height) {
        let node = &row.node;
        let marker = if node.children == 0 {
            "  "
        } else if row.expanded {
            open
        } else {
            closed
        };
        let (cover, style) = match tree.coverage(node) {
            Coverage::Covered => (String::new(), theme.dim()),
            Coverage::OtherTeam => (
                format!(" ⚠ {}", ctx.label(Label::OtherTeam)),
                theme.danger(),
            ),
            Coverage::Gap => (format!(" ○ {}", ctx.label(Label::Gap)), theme.warn()),
        };
        let owner = match (&node.owner, &node.team) {
            (Some(o), Some(t)) => format!("{o} · {t}"),
            (Some(o), None) => o.clone(),
            (None, _) => "-".into(),
        };
        let opps = if node.open_opportunities > 0 {
            format!(
                " · {} {}",
                node.open_opportunities,
                ctx.label(Label::Opportunities)
            )
        } else {
            String::new()
        };
        let name_style = if index == tree.cursor {
            theme.selected()
        } else if node.id == tree.focus {
            theme.bold()
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::raw(format!("{}{marker}", "  ".repeat(row.depth))),
            Span::styled(node.name.clone(), name_style),
            Span::styled(format!("  {owner}{opps}"), theme.dim()),
            Span::styled(cover, style),
        ]));
    }
    let hints = ctx.keymap.hints(
        &[
            crate::tui::keymap::Action::Down,
            crate::tui::keymap::Action::Open,
            crate::tui::keymap::Action::Left,
            crate::tui::keymap::Action::Back,
        ],
        ctx.lang,
    );
    lines.push(Line::styled(format!(" {hints}"), theme.dim()));
    frame.render_widget(Paragraph::new(lines), inner);
}
