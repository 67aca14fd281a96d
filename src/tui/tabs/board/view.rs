//! Drawing the board: a column per stage with its count and total; each card two lines
//! (name; amount · owner · customer when there is room), stale cards marked. Only the cards
//! that fit are drawn.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{BoardTab, stale};
use crate::db::api::board::{Scope, Stage};
use crate::text::{Label, Lang, TuiText, amount_in};
use crate::tui::tab::Ctx;

pub fn stage_name(stage: &Stage, lang: Lang) -> String {
    if lang == Lang::Zh {
        stage.name_zh.clone()
    } else {
        stage.name_en.clone()
    }
}

pub(super) fn render(tab: &BoardTab, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let Some(board) = &tab.board else {
        frame.render_widget(Paragraph::new(" …").block(theme.block()), area);
        return;
    };
    let scope = match board.query.scope {
        Scope::Mine => Label::ScopeMine,
        Scope::Team => Label::ScopeTeam,
        Scope::All => Label::ScopeAll,
    };
    let filter = if board.query.filter.is_empty() {
        String::new()
    } else {
        format!(
            " · {}",
            TuiText::FilterPrompt {
                filter: board.query.filter.clone()
            }
            .render(ctx.lang)
        )
    };
    let outer = theme.block().title(format!(
        " {} · {}{filter} ",
        ctx.label(Label::TabBoard),
        ctx.label(scope)
    ));
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    if board.columns.is_empty() {
        return;
    }
    let constraints = vec![Constraint::Ratio(1, board.columns.len() as u32); board.columns.len()];
    let areas = Layout::horizontal(constraints).spacing(1).split(inner);
    let stale_mark = if theme.ascii { "!" } else { "⏳" };
    for (index, (column, column_area)) in board.columns.iter().zip(areas.iter()).enumerate() {
        let selected_row = board.rows.get(index).copied().unwrap_or(0);
        let is_current = index == board.column;
        let head_style = if is_current {
            theme.accent()
        } else {
            theme.bold()
        };
        let total: f64 = column.cards.iter().map(|c| c.amount).sum();
        let mut lines = vec![
            Line::styled(
                format!("{} {}", stage_name(column, ctx.lang), column.cards.len()),
                head_style,
            ),
            Line::styled(amount_in(total, ctx.lang), head_style),
            Line::styled(theme.rule().repeat(column_area.width as usize), theme.dim()),
        ];
        // Two lines per card; scroll so the selected card is visible.
        let room = (column_area.height.saturating_sub(3) / 2).max(1) as usize;
        let wide = column_area.width >= 24;
        let first = selected_row.saturating_sub(room - 1).min(selected_row);
        for (row, card) in column.cards.iter().enumerate().skip(first).take(room) {
            let selected = is_current && row == selected_row;
            let style = if selected {
                theme.selected()
            } else {
                theme.bold()
            };
            let mark = if stale(card) {
                format!("{stale_mark} ")
            } else {
                String::new()
            };
            lines.push(Line::styled(format!("{mark}{}", card.name), style));
            let detail = if wide {
                format!(
                    " {} · {} · {}",
                    amount_in(card.amount, ctx.lang),
                    card.owner,
                    card.customer
                )
            } else {
                format!(" {} · {}", amount_in(card.amount, ctx.lang), card.owner)
            };
            lines.push(Line::styled(
                detail,
                if stale(card) {
                    theme.warn()
                } else {
                    theme.dim()
                },
            ));
        }
        frame.render_widget(Paragraph::new(lines), *column_area);
    }
}
