//! Drawing the pool: only the rows on screen are built, so a pool of 100,000 leads costs what
//! 20 cost. Columns narrow to what matters most at 80 columns.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};
use unicode_width::UnicodeWidthStr;

use super::{PoolTab, SortBy};
use crate::db::api::pool::LeadRow;
use crate::text::{Label, TuiText};
use crate::tui::chrome::widgets::days;
use crate::tui::tab::Ctx;

fn lead_cells(tab: &PoolTab, ctx: &Ctx, row: &LeadRow, wide: bool) -> Row<'static> {
    let theme = ctx.theme;
    let owner = match (&row.owner, row.mine, &row.company_holder) {
        // Someone else holds the company: claiming it would be refused (or need a reason).
        (None, false, Some(holder)) => Cell::from(format!("⚠ {holder}")).style(theme.warn()),
        (_, true, Some(holder)) => {
            Cell::from(format!("{} ⚠ {holder}", ctx.label(Label::Mine))).style(theme.warn())
        }
        (_, true, None) => Cell::from(ctx.label(Label::Mine)).style(theme.accent()),
        (Some(name), false, _) => Cell::from(name.clone()),
        (None, false, None) => Cell::from(ctx.label(Label::Unclaimed)).style(theme.dim()),
    };
    let recycle = match row.recycle_in_days {
        Some(d) if d <= 0 => Cell::from(ctx.label(Label::Overdue)).style(theme.danger()),
        Some(d) if d <= 2 => Cell::from(format!("{d}d")).style(theme.warn()),
        other => Cell::from(days(other)),
    };
    let followed = match row.followed_days_ago {
        Some(d) => format!("{d}d"),
        None if row.mine => ctx.label(Label::Never).to_string(),
        None => "-".into(),
    };
    let id = if tab.marked.contains(&row.id) {
        format!("{}{}", theme.mark(), row.id)
    } else {
        row.id.to_string()
    };
    let mut cells = vec![
        Cell::from(id),
        // One row per company: ×N first, so 80 columns still show it.
        Cell::from(if row.company_leads > 1 {
            format!("×{} {}", row.company_leads, row.company)
        } else {
            row.company.clone()
        }),
        Cell::from(row.region.clone()),
    ];
    if wide {
        cells.push(Cell::from(row.industry.clone()));
        cells.push(Cell::from(row.source.clone()));
    }
    cells.extend([
        Cell::from(format!("{}d", row.age_days)),
        Cell::from(followed),
        recycle,
        owner,
    ]);
    Row::new(cells)
}

pub(super) fn render(tab: &PoolTab, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let Some(pool) = &tab.pool else {
        frame.render_widget(Paragraph::new(" …").block(ctx.theme.block()), area);
        return;
    };
    let wide = area.width >= 110;
    let height = area.height.saturating_sub(3) as usize;
    let offset = {
        let mut offset = pool.offset.get();
        if pool.cursor < offset {
            offset = pool.cursor;
        } else if height > 0 && pool.cursor >= offset + height {
            offset = pool.cursor + 1 - height;
        }
        pool.offset.set(offset);
        offset
    };
    let window: Vec<&LeadRow> = if tab.filter.is_empty() {
        pool.page.rows.iter().skip(offset).take(height).collect()
    } else {
        tab.visible_rows()
            .into_iter()
            .skip(offset)
            .take(height)
            .collect()
    };
    let rows: Vec<Row> = window
        .iter()
        .map(|r| lead_cells(tab, ctx, r, wide))
        .collect();
    let mut widths = vec![
        Constraint::Length(7),
        Constraint::Min(16),
        Constraint::Length(6),
    ];
    let mut heads = vec![
        "#".to_string(),
        ctx.label(Label::ColCompany).to_string(),
        ctx.label(Label::ColRegion).to_string(),
    ];
    if wide {
        widths.extend([Constraint::Length(10), Constraint::Length(10)]);
        heads.extend([
            ctx.label(Label::FieldIndustry).to_string(),
            ctx.label(Label::ColSource).to_string(),
        ]);
    }
    widths.extend([
        Constraint::Length(5),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(10),
    ]);
    heads.extend([
        ctx.label(Label::ColAge).to_string(),
        ctx.label(Label::LastFollowup).to_string(),
        ctx.label(Label::DueForRecycle).to_string(),
        ctx.label(Label::ColOwner).to_string(),
    ]);
    let table = Table::new(rows, widths)
        .header(Row::new(heads).style(ctx.theme.bold()))
        .row_highlight_style(ctx.theme.selected())
        .block(ctx.theme.block().title(title(tab, ctx).unwrap_or_default()));
    let selected = (!window.is_empty()).then(|| pool.cursor.saturating_sub(offset));
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
    if tab.typing_filter
        && let Some(title) = title(tab, ctx)
    {
        // The terminal cursor sits at the input caret, so an IME's candidate window opens there.
        let x = area.x + 1 + title.trim_end().width() as u16;
        frame.set_cursor_position((x.min(area.right().saturating_sub(2)), area.y));
    }
}

/// The pane's title: name and count, sort, marks, and the filter while one is set.
pub(super) fn title(tab: &PoolTab, ctx: &Ctx) -> Option<String> {
    let pool = tab.pool.as_ref()?;
    let more = if pool.page.has_more { "+" } else { "" };
    let mut title = if tab.filter.is_empty() && !tab.typing_filter {
        format!(" {} ({}{more})", pool.page.name, pool.page.rows.len())
    } else {
        format!(
            " {} ({}/{}{more})",
            pool.page.name,
            tab.visible_count(),
            pool.page.rows.len()
        )
    };
    if tab.sort != SortBy::Id {
        title.push_str(&format!(
            " · {} {}",
            ctx.label(Label::Sort),
            tab.sort.name()
        ));
    }
    if !tab.marked.is_empty() {
        title.push_str(&format!(
            " · {} {}",
            ctx.label(Label::Marked),
            tab.marked.len()
        ));
    }
    if !tab.filter.is_empty() || tab.typing_filter {
        let prompt = TuiText::FilterPrompt {
            filter: tab.filter.clone(),
        };
        title.push_str(&format!(" · {}", prompt.render(ctx.lang)));
    }
    title.push(' ');
    Some(title)
}
