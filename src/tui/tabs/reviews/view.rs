//! Drawing the review queue: one line per review (company, partner, direct side, suggestion),
//! and the selected one's evidence below it — both sides' first dates and recent follow-ups.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use super::ReviewsTab;
use crate::text::{Label, PartnerText};
use crate::tui::chrome::widgets::fit;
use crate::tui::tab::Ctx;

pub(super) fn render(tab: &ReviewsTab, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let Some(rows) = &tab.rows else {
        frame.render_widget(Paragraph::new(" …").block(theme.block()), area);
        return;
    };
    let block = theme
        .block()
        .title(format!(" {} {} ", ctx.label(Label::TabReviews), rows.len()));
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new(format!(" {}", PartnerText::NoReviews.render(ctx.lang))).block(block),
            area,
        );
        return;
    }
    let [list_area, evidence_area] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(7)]).areas(area);
    let name_width = ((list_area.width as usize).saturating_sub(2 + 6 + 3 * 2) / 3).max(6);
    let header = Row::new(vec![
        Cell::from("#"),
        Cell::from(ctx.label(Label::ColCompany)),
        Cell::from(ctx.label(Label::Partner)),
        Cell::from(ctx.label(Label::DirectSide)),
    ])
    .style(theme.bold());
    let body = rows.iter().map(|r| {
        let row = Row::new(vec![
            Cell::from(r.id.to_string()),
            Cell::from(fit(&r.company, name_width)),
            Cell::from(fit(&r.partner, name_width)),
            Cell::from(fit(r.direct_rep.as_deref().unwrap_or("-"), name_width)),
        ]);
        if r.overdue {
            row.style(theme.warn())
        } else {
            row
        }
    });
    let table = Table::new(
        body,
        [
            Constraint::Length(6),
            Constraint::Length(name_width as u16),
            Constraint::Length(name_width as u16),
            Constraint::Length(name_width as u16),
        ],
    )
    .header(header)
    .block(block)
    .row_highlight_style(theme.selected());
    let mut state = TableState::default().with_selected(Some(tab.selected));
    frame.render_stateful_widget(table, list_area, &mut state);
    if let Some(row) = tab.selected_row() {
        let text = PartnerText::ReviewLine(Box::new(row.clone())).render(ctx.lang);
        let lines: Vec<Line> = text.lines().map(|l| Line::raw(l.to_string())).collect();
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).block(
                theme
                    .block()
                    .title(format!(" {} ", ctx.label(Label::Evidence))),
            ),
            evidence_area,
        );
    }
}
