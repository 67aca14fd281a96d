//! Drawing the app state. Widths are display widths: a Han character takes two cells, and
//! ratatui's text layout counts them so; `buffer_to_text` reads a frame back the same way.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};
use unicode_width::UnicodeWidthStr;

use super::customers::{FIELDS, Form};
use super::state::{App, LeadRow, Pending, Tab, completions};
use crate::text::{AdminText, DedupText, Label, TuiText, why_words};

/// The smallest screen the layout is made for.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// Colour or monochrome (`NO_COLOR`), box-drawing or ASCII borders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
}

impl Default for Theme {
    fn default() -> Theme {
        Theme {
            color: true,
            ascii: false,
        }
    }
}

const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Theme {
    fn block(&self) -> Block<'static> {
        let block = Block::bordered();
        if self.ascii {
            block.border_set(ASCII_BORDER)
        } else {
            block
        }
    }

    fn colored(&self, color: Color, fallback: Modifier) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default().add_modifier(fallback)
        }
    }

    fn accent(&self) -> Style {
        self.colored(Color::Cyan, Modifier::BOLD)
            .add_modifier(Modifier::BOLD)
    }

    fn warn(&self) -> Style {
        self.colored(Color::Yellow, Modifier::BOLD)
    }

    fn danger(&self) -> Style {
        self.colored(Color::Red, Modifier::BOLD)
            .add_modifier(Modifier::BOLD)
    }

    fn dim(&self) -> Style {
        self.colored(Color::DarkGray, Modifier::empty())
    }

    fn mark(&self) -> &'static str {
        if self.ascii { "*" } else { "●" }
    }
}

fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = TuiText::TooSmall {
            width: area.width,
            height: area.height,
        };
        frame.render_widget(
            Paragraph::new(text.to_string()).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let [tabs, figures, main, flash, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_tabs(app, frame, tabs);
    render_figures(app, frame, figures);
    match app.tab {
        Tab::Pool => render_pool(app, frame, main),
        Tab::Customers => render_customers(app, frame, main),
        Tab::Board => render_board(app, frame, main),
    }
    render_flash(app, frame, flash);
    render_status(app, frame, status);
    if let Some(pending) = &app.confirm {
        render_confirm(app, pending, frame);
    }
    if app.help {
        render_help(app, frame);
    }
    if app.typing_filter
        && app.tab == Tab::Pool
        && let Some(title) = pool_title(app)
    {
        // The terminal cursor sits at the input caret, so an IME's candidate window opens there.
        let x = main.x + 1 + title.trim_end().width() as u16;
        frame.set_cursor_position((x.min(main.right().saturating_sub(2)), main.y));
    }
}

fn render_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.theme;
    let mut spans = vec![Span::styled(" dibs ", theme.accent())];
    for (n, tab, label) in [
        (1, Tab::Pool, Label::TabPool),
        (2, Tab::Customers, Label::TabCustomers),
        (3, Tab::Board, Label::TabBoard),
    ] {
        let text = format!(" {n} {label} ");
        spans.push(if app.tab == tab {
            Span::styled(text, Style::default().add_modifier(Modifier::REVERSED))
        } else {
            Span::raw(text)
        });
    }
    if let Some(f) = &app.figures {
        let who = TuiText::SignedInAs {
            name: f.display_name.clone(),
            team: f.team.clone(),
        }
        .to_string();
        let used: usize = spans.iter().map(|s| s.content.width()).sum();
        let gap = (area.width as usize).saturating_sub(used + who.width() + 1);
        spans.push(Span::raw(" ".repeat(gap)));
        spans.push(Span::styled(who, bold()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_figures(app: &App, frame: &mut Frame, area: Rect) {
    let line = match &app.figures {
        Some(f) => {
            let style = if f.limit > 0 && f.holding >= f.limit {
                app.theme.danger()
            } else {
                Style::default()
            };
            Line::styled(
                format!(
                    " {}",
                    TuiText::Figures {
                        customers: f.customers,
                        pool_leads: f.pool_leads,
                        holding: f.holding,
                        limit: f.limit,
                    }
                ),
                style,
            )
        }
        None => Line::from(" …"),
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn render_flash(app: &App, frame: &mut Frame, area: Rect) {
    if let Some(prompt) = &app.prompt {
        let mut text = format!(" {}: {}", prompt.label(), prompt.text);
        if prompt.kind == super::state::PromptKind::Palette {
            let options = completions(&prompt.text);
            if !options.is_empty() && options.len() < super::state::COMMANDS.len() {
                text = format!("{text}    [{}]", options.join(" "));
            }
        }
        let caret = format!(" {}: {}", prompt.label(), prompt.text).width() as u16;
        frame.render_widget(Paragraph::new(text).style(app.theme.accent()), area);
        frame.set_cursor_position((area.x + caret.min(area.width - 1), area.y));
        return;
    }
    let (text, style) = match (&app.error, &app.flash) {
        (Some(error), _) => (error.clone(), app.theme.danger()),
        (None, Some(flash)) => (flash.clone(), app.theme.warn()),
        (None, None) => (String::new(), Style::default()),
    };
    frame.render_widget(Paragraph::new(format!(" {text}")).style(style), area);
}

fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    let live = if app.scripted {
        "script".to_string()
    } else if app.live {
        TuiText::Live.to_string()
    } else {
        TuiText::Offline.to_string()
    };
    let mut parts = vec![app.database.clone(), live];
    if app.readonly {
        parts.push(Label::ReadOnly.to_string());
    }
    let hint = match app.tab {
        Tab::Pool => TuiText::KeysHint.to_string(),
        Tab::Customers => Label::SearchHint.to_string(),
        Tab::Board => Label::BoardHint.to_string(),
    };
    parts.push(hint);
    frame.render_widget(
        Paragraph::new(format!(" {}", parts.join(" · ")))
            .style(Style::default().add_modifier(Modifier::REVERSED)),
        area,
    );
}

/// The keys, generated from the keymap so help can never disagree with what keys do.
fn render_help(app: &App, frame: &mut Frame) {
    let lines: Vec<Line> = app
        .keymap
        .describe()
        .into_iter()
        .map(|(keys, action)| Line::from(format!(" {keys:<8} {}", action.label())))
        .collect();
    let area = frame.area();
    // One column when it fits, two side by side otherwise (80×24 has room for ~20 rows).
    let fits = lines.len() as u16 + 2 <= area.height.saturating_sub(2);
    let (width, height) = if fits {
        (76, lines.len() as u16 + 2)
    } else {
        (area.width, lines.len().div_ceil(2) as u16 + 2)
    };
    let dialog = centered(area, width, height);
    frame.render_widget(Clear, dialog);
    let block = app.theme.block().title(TuiText::HelpTitle.to_string());
    let inner = block.inner(dialog);
    frame.render_widget(block, dialog);
    if fits {
        frame.render_widget(Paragraph::new(lines), inner);
    } else {
        let half = lines.len().div_ceil(2);
        let mut right = lines;
        let left = right.drain(..half).collect::<Vec<_>>();
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(inner);
        frame.render_widget(Paragraph::new(left), l);
        frame.render_widget(Paragraph::new(right), r);
    }
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width.saturating_sub(2));
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Days as a short cell: "3d", "-" for none.
fn days(value: Option<i64>) -> String {
    value.map(|d| format!("{d}d")).unwrap_or_else(|| "-".into())
}

fn lead_cells(app: &App, row: &LeadRow, wide: bool) -> Row<'static> {
    let theme = app.theme;
    let owner = match (&row.owner, row.mine) {
        (_, true) => Cell::from(TuiText::Mine.to_string()).style(theme.accent()),
        (Some(name), false) => Cell::from(name.clone()),
        (None, false) => Cell::from(TuiText::Unclaimed.to_string()).style(theme.dim()),
    };
    let recycle = match row.recycle_in_days {
        Some(d) if d <= 0 => Cell::from(Label::Overdue.to_string()).style(theme.danger()),
        Some(d) if d <= 2 => Cell::from(format!("{d}d")).style(theme.warn()),
        other => Cell::from(days(other)),
    };
    let followed = match row.followed_days_ago {
        Some(d) => format!("{d}d"),
        None if row.mine => Label::Never.to_string(),
        None => "-".into(),
    };
    let id = if app.marked.contains(&row.id) {
        format!("{}{}", theme.mark(), row.id)
    } else {
        row.id.to_string()
    };
    let mut cells = vec![
        Cell::from(id),
        Cell::from(row.company.clone()),
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

fn render_pool(app: &App, frame: &mut Frame, area: Rect) {
    let Some(pool) = &app.pool else {
        frame.render_widget(Paragraph::new(" …").block(app.theme.block()), area);
        return;
    };
    let wide = area.width >= 110;
    // Only the rows on screen are built: a pool of 100,000 leads costs what 20 cost.
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
    let window: Vec<&LeadRow> = if app.filter.is_empty() {
        pool.rows.iter().skip(offset).take(height).collect()
    } else {
        app.visible_rows()
            .into_iter()
            .skip(offset)
            .take(height)
            .collect()
    };
    let rows: Vec<Row> = window.iter().map(|r| lead_cells(app, r, wide)).collect();
    let mut widths = vec![
        Constraint::Length(7),
        Constraint::Min(16),
        Constraint::Length(6),
    ];
    let mut heads = vec![
        "#".to_string(),
        TuiText::ColCompany.to_string(),
        TuiText::ColRegion.to_string(),
    ];
    if wide {
        widths.extend([Constraint::Length(10), Constraint::Length(10)]);
        heads.extend([
            Label::FieldIndustry.to_string(),
            TuiText::ColSource.to_string(),
        ]);
    }
    widths.extend([
        Constraint::Length(5),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(10),
    ]);
    heads.extend([
        TuiText::ColAge.to_string(),
        Label::LastFollowup.to_string(),
        Label::DueForRecycle.to_string(),
        TuiText::ColOwner.to_string(),
    ]);
    let table = Table::new(rows, widths)
        .header(Row::new(heads).style(bold()))
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(app.theme.block().title(pool_title(app).unwrap_or_default()));
    let selected = (!window.is_empty()).then(|| pool.cursor.saturating_sub(offset));
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
}

/// The pool pane's title: name and count, sort, marks, and the filter while one is set.
fn pool_title(app: &App) -> Option<String> {
    let pool = app.pool.as_ref()?;
    let more = if pool.has_more { "+" } else { "" };
    let mut title = if app.filter.is_empty() && !app.typing_filter {
        format!(" {} ({}{more})", pool.name, pool.rows.len())
    } else {
        format!(
            " {} ({}/{}{more})",
            pool.name,
            app.visible_count(),
            pool.rows.len()
        )
    };
    if app.sort != super::state::SortBy::Id {
        title.push_str(&format!(" · {} {}", Label::Sort, app.sort.name()));
    }
    if !app.marked.is_empty() {
        title.push_str(&format!(" · {} {}", Label::Marked, app.marked.len()));
    }
    if !app.filter.is_empty() || app.typing_filter {
        let prompt = TuiText::FilterPrompt {
            filter: app.filter.clone(),
        };
        title.push_str(&format!(" · {prompt}"));
    }
    title.push(' ');
    Some(title)
}

fn render_customers(app: &App, frame: &mut Frame, area: Rect) {
    let customers = &app.customers;
    if customers.form.open {
        render_form(app, &customers.form, frame, area);
        return;
    }
    if let Some(tree) = &customers.tree {
        render_tree(app, tree, frame, area);
        return;
    }
    if let Some(detail) = &customers.detail {
        render_detail(app, detail, frame, area);
        return;
    }
    let [input, list] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
    let busy = if customers.searching { " …" } else { "" };
    let title = format!(" {}{busy} ", Label::Search);
    frame.render_widget(
        Paragraph::new(format!(" {}", customers.query)).block(app.theme.block().title(title)),
        input,
    );
    if customers.typing {
        let x = input.x + 2 + customers.query.width() as u16;
        frame.set_cursor_position((x.min(input.right().saturating_sub(2)), input.y + 1));
    }
    let heading = if customers.query.trim().is_empty() {
        format!(" {} ({}) ", Label::MyCustomers, customers.results.len())
    } else {
        format!(" {} ({}) ", Label::TabCustomers, customers.results.len())
    };
    let rows: Vec<Row> = customers
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
                Cell::from(why_words(&m.why, crate::text::lang())).style(app.theme.dim()),
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
            TuiText::ColCompany.to_string(),
            TuiText::ColOwner.to_string(),
            Label::Team.to_string(),
            Label::Score.to_string(),
            Label::Why.to_string(),
        ])
        .style(bold()),
    )
    .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
    .block(app.theme.block().title(heading));
    let selected = (!customers.results.is_empty()).then_some(customers.cursor);
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, list, &mut state);
}

/// The stage board: a column per stage with its count and total; each card two lines
/// (name; customer · amount · owner), stale cards marked. Only the cards that fit are drawn.
fn render_board(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.theme;
    let Some(board) = &app.board else {
        frame.render_widget(Paragraph::new(" …").block(theme.block()), area);
        return;
    };
    let scope = match board.scope {
        super::board::BoardScope::Mine => Label::ScopeMine,
        super::board::BoardScope::Team => Label::ScopeTeam,
        super::board::BoardScope::All => Label::ScopeAll,
    };
    let filter = if board.filter.is_empty() {
        String::new()
    } else {
        format!(
            " · {}",
            TuiText::FilterPrompt {
                filter: board.filter.clone()
            }
        )
    };
    let outer = theme
        .block()
        .title(format!(" {} · {}{filter} ", Label::TabBoard, scope));
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
        let head_style = if is_current { theme.accent() } else { bold() };
        let rule = if theme.ascii { "-" } else { "─" };
        let mut lines = vec![
            Line::styled(
                format!("{} {}", column.name, column.cards.len()),
                head_style,
            ),
            Line::styled(crate::text::amount(column.total()), head_style),
            Line::styled(rule.repeat(column_area.width as usize), theme.dim()),
        ];
        // Two lines per card; scroll so the selected card is visible.
        let room = (column_area.height.saturating_sub(3) / 2).max(1) as usize;
        let wide = column_area.width >= 24;
        let first = selected_row.saturating_sub(room - 1).min(selected_row);
        for (row, card) in column.cards.iter().enumerate().skip(first).take(room) {
            let selected = is_current && row == selected_row;
            let style = if selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                bold()
            };
            let mark = if card.stale() {
                format!("{stale_mark} ")
            } else {
                String::new()
            };
            lines.push(Line::styled(format!("{mark}{}", card.name), style));
            let detail = if wide {
                format!(
                    " {} · {} · {}",
                    crate::text::amount(card.amount),
                    card.owner,
                    card.customer
                )
            } else {
                format!(" {} · {}", crate::text::amount(card.amount), card.owner)
            };
            lines.push(Line::styled(
                detail,
                if card.stale() {
                    theme.warn()
                } else {
                    theme.dim()
                },
            ));
        }
        frame.render_widget(Paragraph::new(lines), *column_area);
    }
}

/// The group tree: one row per entity, indented by level, with owner · team, open
/// opportunities and coverage (gaps and other teams' entities stand out). Only the rows that
/// fit are drawn.
fn render_tree(app: &App, tree: &super::tree::Tree, frame: &mut Frame, area: Rect) {
    use super::tree::Coverage;
    let theme = app.theme;
    let (entities, gaps, risks) = tree.summary();
    let title = format!(
        " {} · {} ",
        Label::TreeTitle,
        TuiText::TreeSummary {
            entities,
            gaps,
            risks
        }
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
            Coverage::OtherTeam => (format!(" ⚠ {}", Label::OtherTeam), theme.danger()),
            Coverage::Gap => (format!(" ○ {}", Label::Gap), theme.warn()),
        };
        let owner = match (&node.owner, &node.team) {
            (Some(o), Some(t)) => format!("{o} · {t}"),
            (Some(o), None) => o.clone(),
            (None, _) => "-".into(),
        };
        let opps = if node.open_opportunities > 0 {
            format!(" · {} {}", node.open_opportunities, Label::Opportunities)
        } else {
            String::new()
        };
        let name_style = if index == tree.cursor {
            Style::default().add_modifier(Modifier::REVERSED)
        } else if node.id == tree.focus {
            bold()
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
    lines.push(Line::styled(format!(" {}", Label::TreeHint), theme.dim()));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_form(app: &App, form: &Form, frame: &mut Frame, area: Rect) {
    let theme = app.theme;
    // Side by side when there is room, stacked on 80 columns.
    let [form_area, panel_area] = if area.width >= 110 {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
    } else {
        Layout::vertical([Constraint::Length(11), Constraint::Min(4)]).areas(area)
    };
    let label_width = FIELDS
        .iter()
        .map(|f| f.label().to_string().width())
        .max()
        .unwrap_or(8);
    let mut lines = Vec::new();
    let mut caret = None;
    for (index, field) in FIELDS.iter().enumerate() {
        let label = field.label().to_string();
        let pad = " ".repeat(label_width - label.width());
        let value = &form.values[index];
        let focused = index == form.focus && form.reason.is_none();
        let marker = if focused { ">" } else { " " };
        let mut spans = vec![
            Span::raw(format!("{marker}{pad}{label}: ")),
            Span::styled(
                value.clone(),
                if focused { bold() } else { Style::default() },
            ),
        ];
        if focused {
            caret = Some((
                (1 + label_width + 2 + value.width()) as u16,
                lines.len() as u16,
            ));
        }
        if let Some(problem) = form.problem(*field) {
            spans.push(Span::styled(format!("  ⚠ {problem}"), theme.danger()));
        }
        lines.push(Line::from(spans));
    }
    if let Some(reason) = &form.reason {
        let label = Label::ReasonPrompt.to_string();
        caret = Some((
            (1 + label.width() + 2 + reason.width()) as u16,
            lines.len() as u16,
        ));
        lines.push(Line::from(vec![
            Span::styled(format!(">{label}: "), theme.warn()),
            Span::styled(reason.clone(), bold()),
        ]));
    }
    if let Some(notice) = &form.notice {
        lines.push(Line::styled(format!(" {notice}"), theme.danger()));
    }
    lines.push(Line::styled(format!(" {}", Label::FormHint), theme.dim()));
    let saving = if form.saving { " …" } else { "" };
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            theme
                .block()
                .title(format!(" {}{saving} ", Label::NewCustomer)),
        ),
        form_area,
    );
    if let Some((x, y)) = caret {
        frame.set_cursor_position((
            (form_area.x + 1 + x).min(form_area.right().saturating_sub(2)),
            (form_area.y + 1 + y).min(form_area.bottom().saturating_sub(2)),
        ));
    }
    render_panel(app, form, frame, panel_area);
}

/// The live duplicate panel: top candidates with score, owner and why; drafts being typed
/// by others right now.
fn render_panel(app: &App, form: &Form, frame: &mut Frame, area: Rect) {
    let theme = app.theme;
    let busy = if form.checking {
        format!(" · {}", Label::Checking)
    } else {
        String::new()
    };
    let mut lines = Vec::new();
    match &form.panel {
        None if form.checking => {}
        None => lines.push(Line::styled(
            format!(" {}", Label::NoDuplicates),
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
                    ),
                    theme.danger(),
                ));
            }
            if panel.matches.is_empty() && panel.in_flight.is_empty() {
                lines.push(Line::styled(
                    format!(" {}", Label::NoDuplicates),
                    theme.dim(),
                ));
            }
            for m in &panel.matches {
                let style = if m.score >= 0.85 {
                    theme.danger()
                } else {
                    theme.warn()
                };
                let owner = match (&m.owner, &m.team) {
                    (Some(o), Some(t)) => format!("{o} · {t}"),
                    (Some(o), None) => o.clone(),
                    (None, _) => TuiText::Unclaimed.to_string(),
                };
                lines.push(Line::from(vec![
                    Span::styled(format!(" {:.2} ", m.score), style),
                    Span::styled(m.name.clone(), bold()),
                    Span::raw(format!(" #{} ({owner})", m.id)),
                ]));
                lines.push(Line::styled(
                    format!("      {}", why_words(&m.why, crate::text::lang())),
                    theme.dim(),
                ));
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            theme
                .block()
                .title(format!(" {}{busy} ", Label::Duplicates)),
        ),
        area,
    );
}

fn render_detail(app: &App, detail: &super::customers::Detail, frame: &mut Frame, area: Rect) {
    let theme = app.theme;
    let mut lines = Vec::new();
    let label_width = detail
        .facts
        .iter()
        .map(|(l, _)| l.to_string().width())
        .max()
        .unwrap_or(8);
    for (label, value) in &detail.facts {
        let label = capitalised(&label.to_string());
        let pad = " ".repeat(label_width - label.width());
        lines.push(Line::from(vec![
            Span::styled(format!(" {pad}{label}: "), theme.dim()),
            Span::raw(value.clone()),
        ]));
    }
    for section in &detail.sections {
        lines.push(Line::raw(""));
        if let Some(title) = section.title {
            lines.push(Line::styled(
                format!(" {title} ({})", section.rows.len()),
                theme.accent(),
            ));
        }
        if !section.heads.is_empty() && !section.rows.is_empty() {
            lines.push(Line::styled(
                format!("   {}", section.heads.join(" · ")),
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
    lines.push(Line::styled(format!(" {}", Label::DetailHint), theme.dim()));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((detail.scroll, 0))
            .block(
                theme
                    .block()
                    .title(format!(" #{} {} ", detail.id, detail.name)),
            ),
        area,
    );
}

/// "status" → "Status" (Chinese is left as it is).
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn render_confirm(app: &App, pending: &Pending, frame: &mut Frame) {
    let question = match pending {
        Pending::Claim { id, company } => TuiText::ConfirmClaim {
            id: *id,
            company: company.clone(),
        }
        .to_string(),
        Pending::Release { id, company } => TuiText::ConfirmRelease {
            id: *id,
            company: company.clone(),
        }
        .to_string(),
        Pending::ClaimCustomer { id, company } => TuiText::ConfirmClaimCustomer {
            id: *id,
            company: company.clone(),
        }
        .to_string(),
        Pending::Assign {
            leads,
            to_name,
            held,
            limit,
            ..
        } => TuiText::ConfirmAssign {
            count: leads.len(),
            to: to_name.clone(),
            held: *held,
            limit: *limit,
        }
        .to_string(),
        Pending::TransferAll {
            from_login,
            to_login,
            moves,
            stays,
            ..
        } => AdminText::TransferPreview {
            from: from_login.clone(),
            to: to_login.clone(),
            moves: *moves,
            stays: *stays,
        }
        .to_string(),
    };
    // Room for a long Chinese company name to wrap onto more lines, plus the y/n line.
    let dialog = centered(frame.area(), 64, 6);
    frame.render_widget(Clear, dialog);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(question),
            Line::styled(TuiText::YesNo.to_string(), app.theme.accent()),
        ])
        .wrap(Wrap { trim: true })
        .block(app.theme.block()),
        dialog,
    );
}

/// A buffer as the text a person sees: a double-width character covers two cells, so the
/// cell it hides is skipped. Used by snapshot tests and the headless mode.
pub fn buffer_to_text(buffer: &ratatui::buffer::Buffer) -> String {
    let area = buffer.area;
    let mut lines = Vec::with_capacity(area.height as usize);
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut x = area.left();
        while x < area.right() {
            let symbol = buffer[(x, y)].symbol();
            line.push_str(symbol);
            x += (symbol.width() as u16).max(1);
        }
        lines.push(line.trim_end().to_string());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::check::{InFlight, LiveResult, Match};
    use crate::domain::score::Why;
    use crate::ownership::Entity;
    use crate::tui::customers::{Detail, Section};
    use crate::tui::state::{Figures, LeadRow, Msg, PoolView, update};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn key(app: &mut App, code: KeyCode) {
        update(app, Msg::Key(code, KeyModifiers::NONE));
    }

    fn typed(app: &mut App, text: &str) {
        for c in text.chars() {
            key(app, KeyCode::Char(c));
        }
    }

    fn lead(id: i64, company: &str, owner: Option<&str>, mine: bool) -> LeadRow {
        LeadRow {
            id,
            company: company.into(),
            region: "上海".into(),
            industry: "制造业".into(),
            source: "展会".into(),
            owner: owner.map(str::to_string),
            mine,
            age_days: 3,
            followed_days_ago: mine.then_some(2),
            recycle_in_days: mine.then_some(1),
        }
    }

    fn app() -> App {
        let mut app = App {
            database: "dibs · wangfang".into(),
            live: true,
            ..App::default()
        };
        update(
            &mut app,
            Msg::Loaded(Ok(Figures {
                display_name: "王芳".into(),
                team: "华东一组".into(),
                customers: 2400,
                pool_leads: 812,
                holding: 17,
                limit: 165,
            })),
        );
        let rows = vec![
            lead(
                12,
                "上海恒信精密机械股份有限公司华东区域销售分公司",
                None,
                false,
            ),
            lead(13, "华为技术有限公司", Some("李娜"), false),
            lead(14, "Hengxin Precision Co., Ltd.", Some("王芳"), true),
        ];
        update(
            &mut app,
            Msg::PoolLoaded(Ok(PoolView {
                name: "华东制造业线索池".into(),
                rows,
                ..PoolView::default()
            })),
        );
        app
    }

    fn screen(app: &App, width: u16, height: u16) -> (String, ratatui::buffer::Buffer) {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        terminal.draw(|f| render(app, f)).expect("draw");
        let buffer = terminal.backend().buffer().clone();
        (buffer_to_text(&buffer), buffer)
    }

    /// Every bordered row ends in the last column despite double-width text.
    fn assert_right_border(
        buffer: &ratatui::buffer::Buffer,
        text: &str,
        rows: std::ops::Range<u16>,
    ) {
        let width = buffer.area.width;
        for y in rows {
            let symbol = buffer[(width - 1, y)].symbol();
            assert!(
                symbol == "│" || symbol == "|" || symbol == "┐" || symbol == "┘",
                "row {y} at {width} ends in {symbol:?}:\n{text}"
            );
        }
    }

    fn panel_app() -> App {
        let mut app = app();
        key(&mut app, KeyCode::Tab);
        typed(&mut app, "n恒信精密");
        let seq = app.customers.form.seq;
        update(
            &mut app,
            Msg::DuplicatePanel {
                seq,
                result: Ok(LiveResult {
                    matches: vec![
                        Match {
                            entity: Entity::Customer,
                            id: 77,
                            name: "上海恒信精密机械有限公司".into(),
                            owner: Some("李娜".into()),
                            team: Some("华东二组".into()),
                            status: "active".into(),
                            score: 0.93,
                            why: vec![Why::SimilarName { similarity: 0.93 }, Why::SamePhone],
                        },
                        Match {
                            entity: Entity::Customer,
                            id: 78,
                            name: "恒信精密（北京）有限公司".into(),
                            owner: None,
                            team: None,
                            status: "active".into(),
                            score: 0.71,
                            why: vec![Why::TypedPrefix, Why::DifferentRegion],
                        },
                    ],
                    in_flight: vec![InFlight {
                        user: "张伟".into(),
                        team: None,
                        draft: "恒信精密机械".into(),
                        seconds_ago: 4,
                    }],
                }),
            },
        );
        app
    }

    #[test]
    fn the_pool_pane_lines_up_chinese_at_80_and_120_columns() {
        crate::text::set_lang(crate::text::Lang::En);
        for (width, height) in [(80u16, 24u16), (120, 40)] {
            let (text, buffer) = screen(&app(), width, height);
            assert!(text.contains("Signed in as 王芳 (华东一组)"), "{text}");
            assert!(text.contains("my holdings 17/165"), "{text}");
            assert!(text.contains("华东制造业线索池 (3)"), "{text}");
            assert!(text.contains("华为技术有限公司"), "{text}");
            assert!(text.contains("李娜"), "{text}");
            assert_right_border(&buffer, &text, 2..height - 2);
            // The wide layout adds industry and source; 80 columns keep what matters most.
            assert_eq!(text.contains("Industry"), width >= 110, "{text}");
            assert!(
                text.contains("recycle") && text.contains("followed"),
                "{text}"
            );
        }
    }

    #[test]
    fn the_duplicate_panel_shows_scores_owners_reasons_and_others_typing() {
        crate::text::set_lang(crate::text::Lang::En);
        for (width, height) in [(80u16, 24u16), (120, 40)] {
            let (text, buffer) = screen(&panel_app(), width, height);
            assert!(text.contains("New customer"), "{text}");
            assert!(text.contains("Company: 恒信精密"), "{text}");
            assert!(
                text.contains("0.93 上海恒信精密机械有限公司 #77 (李娜 · 华东二组)"),
                "{text}"
            );
            assert!(text.contains("similar name 0.93; same phone"), "{text}");
            assert!(text.contains("张伟 is creating \"恒信精密机械\""), "{text}");
            assert_right_border(&buffer, &text, 2..height - 2);
        }
    }

    #[test]
    fn the_caret_sits_after_chinese_input_for_the_ime() {
        let app = panel_app();
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        terminal.draw(|f| render(&app, f)).expect("draw");
        let (text, _) = screen(&app, 120, 40);
        let line = text
            .lines()
            .position(|l| l.contains("Company: 恒信精密"))
            .unwrap_or(0);
        let needle = "Company: 恒信精密";
        let column = text
            .lines()
            .nth(line)
            .and_then(|l| l.find(needle).map(|at| l[..at + needle.len()].width()))
            .unwrap_or(0);
        let cursor = terminal.get_cursor_position().expect("cursor");
        assert_eq!((cursor.x as usize, cursor.y as usize), (column, line));
    }

    #[test]
    fn monochrome_uses_no_colour_and_ascii_no_box_drawing() {
        let mut app = panel_app();
        app.theme = Theme {
            color: false,
            ascii: true,
        };
        let (text, buffer) = screen(&app, 80, 24);
        for cell in buffer.content() {
            assert_eq!(cell.fg, Color::Reset, "{text}");
            assert_eq!(cell.bg, Color::Reset, "{text}");
        }
        assert!(!text.contains(['│', '─', '┌', '┐', '└', '┘']), "{text}");
        assert!(text.contains("+-"), "{text}");
        let (coloured, buffer) = screen(&panel_app(), 80, 24);
        assert!(
            buffer.content().iter().any(|c| c.fg == Color::Red),
            "the default theme colours risks:\n{coloured}"
        );
    }

    #[test]
    fn a_terminal_smaller_than_80x24_is_told_so() {
        crate::text::set_lang(crate::text::Lang::En);
        let (text, _) = screen(&app(), 60, 20);
        assert!(text.contains("needs at least 80×24"), "{text}");
    }

    #[test]
    fn only_the_rows_on_screen_are_drawn_and_the_list_scrolls() {
        let mut app = app();
        app.pool = None;
        let rows: Vec<LeadRow> = (1..=100_000)
            .map(|id| lead(id, "公司", None, false))
            .collect();
        update(
            &mut app,
            Msg::PoolLoaded(Ok(PoolView {
                name: "池".into(),
                rows,
                ..PoolView::default()
            })),
        );
        for _ in 0..30 {
            key(&mut app, KeyCode::PageDown);
        }
        let (text, _) = screen(&app, 80, 24);
        assert!(
            text.contains("301"),
            "the cursor's row is on screen:\n{text}"
        );
        assert!(!text.contains(" 12 "), "{text}");
        key(&mut app, KeyCode::PageUp);
        let (text, _) = screen(&app, 80, 24);
        assert!(
            text.contains("291") && text.contains("301"),
            "scrolling up keeps context:\n{text}"
        );
    }

    #[test]
    fn help_lists_every_key_and_the_filter_shows_in_the_title() {
        crate::text::set_lang(crate::text::Lang::En);
        let mut app = app();
        key(&mut app, KeyCode::Char('?'));
        let (text, _) = screen(&app, 80, 24);
        for (keys, _) in app.keymap.describe() {
            assert!(text.contains(&keys), "{keys} missing:\n{text}");
        }
        assert!(text.contains("claim lead / customer"), "{text}");
        let mut app = self::app();
        typed(&mut app, "/华为");
        let (text, _) = screen(&app, 80, 24);
        assert!(text.contains("(1/3) · filter: 华为"), "{text}");
        assert!(!text.contains("Hengxin"), "{text}");
    }

    #[test]
    fn the_confirm_dialog_says_what_will_change() {
        crate::text::set_lang(crate::text::Lang::En);
        let mut app = app();
        key(&mut app, KeyCode::Char('j'));
        key(&mut app, KeyCode::Char('c'));
        let (text, _) = screen(&app, 80, 24);
        assert!(text.contains("Claim lead 12"), "{text}");
        assert!(text.contains("y/n"), "{text}");
        let mut app = self::app();
        update(
            &mut app,
            Msg::AssignPreview(Ok(Pending::Assign {
                leads: vec![12, 13],
                to: 5,
                to_name: "李娜".into(),
                held: 49,
                limit: 50,
            })),
        );
        let (text, _) = screen(&app, 80, 24);
        assert!(
            text.contains("Assign 2 lead(s) to 李娜? Holdings 49/50 → 50/50."),
            "{text}"
        );
        assert!(text.contains("1 would be"), "{text}");
    }

    #[test]
    fn the_360_view_shows_contacts_opportunities_and_history() {
        crate::text::set_lang(crate::text::Lang::En);
        let mut app = app();
        update(
            &mut app,
            Msg::DetailLoaded(Ok(Detail {
                id: 77,
                name: "上海恒信精密机械有限公司".into(),
                facts: vec![(Label::Team, "李娜 · 华东二组".into())],
                sections: vec![
                    Section {
                        title: Some(Label::Contacts),
                        heads: vec!["name".into()],
                        rows: vec![vec!["陈静".into(), "采购总监".into(), "★".into()]],
                    },
                    Section {
                        title: Some(Label::History),
                        heads: vec![],
                        rows: vec![vec![
                            "2026-11-20 10:00".into(),
                            "claim".into(),
                            "李娜".into(),
                        ]],
                    },
                ],
                scroll: 0,
            })),
        );
        for (width, height) in [(80u16, 24u16), (120, 40)] {
            let (text, buffer) = screen(&app, width, height);
            assert!(text.contains("#77 上海恒信精密机械有限公司"), "{text}");
            assert!(text.contains("陈静 · 采购总监 · ★"), "{text}");
            assert!(text.contains("Ownership history (1)"), "{text}");
            assert_right_border(&buffer, &text, 2..height - 2);
        }
    }
}

#[cfg(test)]
mod every_pane {
    use super::tests_support::*;
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    /// Each pane at 80×24 and 120×40, in colour and in monochrome, with Chinese data: the
    /// frame is closed on the right (double-width text did not push it), monochrome carries
    /// no colour at all, and the pane's own words are on screen.
    #[test]
    fn each_pane_in_both_sizes_and_both_themes() {
        crate::text::set_lang(crate::text::Lang::En);
        for (pane, app, needle) in panes() {
            for (width, height) in [(80u16, 24u16), (120, 40)] {
                for color in [true, false] {
                    let mut app = app.clone();
                    app.theme = Theme {
                        color,
                        ascii: false,
                    };
                    let mut terminal =
                        Terminal::new(TestBackend::new(width, height)).expect("terminal");
                    terminal.draw(|f| render(&app, f)).expect("draw");
                    let buffer = terminal.backend().buffer().clone();
                    let text = buffer_to_text(&buffer);
                    assert!(text.contains(needle), "{pane} {width}x{height}:\n{text}");
                    for y in 2..height - 2 {
                        let symbol = buffer[(width - 1, y)].symbol();
                        assert!(
                            ["│", "┐", "┘"].contains(&symbol),
                            "{pane} {width}x{height} row {y} ends in {symbol:?}:\n{text}"
                        );
                    }
                    if !color {
                        assert!(
                            buffer
                                .content()
                                .iter()
                                .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
                            "{pane} monochrome has colour"
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests_support {
    use super::*;
    use crate::dedup::check::Match;
    use crate::domain::score::Why;
    use crate::ownership::Entity;
    use crate::tui::customers::{Detail, Section};
    use crate::tui::state::{Figures, LeadRow, Msg, PoolView, update};
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn base() -> App {
        let mut app = App {
            database: "dibs · wangfang".into(),
            live: true,
            ..App::default()
        };
        update(
            &mut app,
            Msg::Loaded(Ok(Figures {
                display_name: "王芳".into(),
                team: "华东一组".into(),
                customers: 2400,
                pool_leads: 812,
                holding: 50,
                limit: 50,
            })),
        );
        let rows = (1..=60)
            .map(|id| LeadRow {
                id,
                company: format!("上海恒信精密机械股份有限公司华东区域销售第{id}分公司"),
                region: "上海".into(),
                industry: "制造业".into(),
                source: "老客户转介绍".into(),
                owner: (id % 3 == 0).then(|| "欧阳娜娜".to_string()),
                mine: id < 5,
                age_days: id * 3,
                followed_days_ago: (id < 5).then_some(id),
                recycle_in_days: (id < 5).then_some(id - 2),
            })
            .collect();
        update(
            &mut app,
            Msg::PoolLoaded(Ok(PoolView {
                name: "华东制造业线索池".into(),
                rows,
                ..PoolView::default()
            })),
        );
        app
    }

    fn matches() -> Vec<Match> {
        (0..8)
            .map(|i| Match {
                entity: Entity::Customer,
                id: 100 + i,
                name: format!("光宇精密机械（广州）有限公司第{i}分公司"),
                owner: Some("张霞".into()),
                team: Some("华南组".into()),
                status: "active".into(),
                score: 0.9 - i as f64 * 0.1,
                why: vec![
                    Why::TypedPrefix,
                    Why::Branch {
                        branch: "分公司".into(),
                    },
                ],
            })
            .collect()
    }

    /// A board of 10 columns' worth of Chinese cards: 6 stages, stale ones among them.
    pub fn board_app() -> App {
        use crate::tui::board::{Board, Card, Column};
        let mut app = base();
        update(&mut app, Msg::Key(KeyCode::Char('3'), KeyModifiers::NONE));
        let stages = [
            (1, "初步接洽", false, false),
            (2, "需求确认", false, false),
            (3, "方案报价", false, false),
            (4, "商务谈判", false, false),
            (5, "赢单", true, true),
            (6, "输单", true, false),
        ];
        let columns = stages
            .iter()
            .map(|(stage, name, closed, won)| Column {
                stage: *stage,
                name: name.to_string(),
                closed: *closed,
                won: *won,
                cards: (0..30)
                    .map(|i| Card {
                        id: i64::from(*stage) * 100 + i,
                        name: format!("华东智能工厂二期项目第{i}包"),
                        customer: "上海恒信精密机械股份有限公司".into(),
                        amount: 1_250_000.0 + i as f64 * 10_000.0,
                        owner: "欧阳娜娜".into(),
                        version: 1,
                        idle_days: 20 - i % 20,
                    })
                    .collect(),
            })
            .collect();
        update(
            &mut app,
            Msg::BoardLoaded(Ok(Board {
                columns,
                ..Board::default()
            })),
        );
        app
    }

    /// A group tree with a subsidiary of another team and an unowned branch.
    pub fn tree_app() -> App {
        use crate::tui::tree::{Node, Tree};
        let mut app = base();
        update(&mut app, Msg::Key(KeyCode::Char('2'), KeyModifiers::NONE));
        let node = |id: i64, name: &str, owner: Option<&str>, team: i64, children: i64| Node {
            id,
            name: name.into(),
            owner: owner.map(str::to_string),
            team_id: Some(team),
            team: Some(format!("华东{team}组")),
            open_opportunities: id % 3,
            children,
        };
        let mut tree = Tree::new(
            node(1, "新星集团有限公司", Some("郭秀英"), 1, 3),
            vec![
                node(2, "新星新能源（厦门）有限公司", Some("王芳"), 1, 2),
                node(3, "新星新能源（合肥）有限公司", Some("张伟"), 2, 0),
                node(4, "新星物流（深圳）有限公司", None, 1, 0),
            ],
            2,
        );
        tree.insert_children(
            1,
            vec![node(5, "新星新能源（厦门）有限公司上海分公司", None, 1, 0)],
        );
        app.customers.tree = Some(tree);
        app
    }

    /// The 360° view with a three-level org chart.
    pub fn org_app() -> App {
        use crate::tui::customers::{Person, org_chart};
        let mut app = base();
        let person = |id: i64, name: &str, title: &str, reports_to: Option<i64>| Person {
            id,
            name: name.into(),
            title: title.into(),
            department: "采购部".into(),
            reports_to,
            key_person: id == 1,
            last_touched_by: Some("王芳".into()),
        };
        let rows = org_chart(&[
            person(1, "陈建国", "总经理", None),
            person(2, "司马静", "采购总监", Some(1)),
            person(3, "欧阳娜娜", "采购经理", Some(2)),
        ]);
        update(
            &mut app,
            Msg::DetailLoaded(Ok(Detail {
                id: 1,
                name: "新星集团有限公司".into(),
                facts: vec![],
                sections: vec![Section {
                    title: Some(Label::OrgChart),
                    heads: vec!["name".into()],
                    rows,
                }],
                scroll: 0,
            })),
        );
        app
    }

    /// (name, app showing the pane, words the pane must show).
    pub fn panes() -> Vec<(&'static str, App, &'static str)> {
        let pool = base();
        let mut search = base();
        update(&mut search, Msg::Key(KeyCode::Tab, KeyModifiers::NONE));
        let seq = search.customers.seq;
        update(
            &mut search,
            Msg::SearchResults {
                seq,
                result: Ok(matches()),
            },
        );
        let mut form = search.clone();
        update(&mut form, Msg::Key(KeyCode::Char('n'), KeyModifiers::NONE));
        for c in "光宇精密".chars() {
            update(&mut form, Msg::Key(KeyCode::Char(c), KeyModifiers::NONE));
        }
        let seq = form.customers.form.seq;
        update(
            &mut form,
            Msg::DuplicatePanel {
                seq,
                result: Ok(crate::dedup::check::LiveResult {
                    matches: matches().into_iter().take(5).collect(),
                    in_flight: vec![],
                }),
            },
        );
        let mut detail = base();
        update(
            &mut detail,
            Msg::DetailLoaded(Ok(Detail {
                id: 240,
                name: "光宇集团有限公司".into(),
                facts: vec![(Label::Owner, "朱明 · 华南组".into())],
                sections: vec![Section {
                    title: Some(Label::Contacts),
                    heads: vec!["name".into()],
                    rows: (0..30)
                        .map(|i| vec![format!("欧阳{i}"), "采购总监".into()])
                        .collect(),
                }],
                scroll: 0,
            })),
        );
        let mut help = base();
        update(&mut help, Msg::Key(KeyCode::Char('?'), KeyModifiers::NONE));
        vec![
            ("pool", pool, "华东制造业线索池 (60)"),
            ("search", search, "光宇精密机械"),
            ("form", form, "Possible duplicates"),
            ("detail", detail, "#240 光宇集团有限公司"),
            ("help", help, "commands (Tab completes)"),
            ("board", board_app(), "初步接洽"),
            ("tree", tree_app(), "Group tree"),
            ("org chart", org_app(), "    欧阳娜娜 · 采购经理"),
        ]
    }
}

#[cfg(test)]
mod board_screen {
    use super::tests_support::board_app;
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    #[test]
    fn the_board_shows_counts_totals_and_stale_cards_at_80_columns() {
        crate::text::set_lang(crate::text::Lang::En);
        let app = board_app();
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        terminal.draw(|f| render(&app, f)).expect("draw");
        let text = buffer_to_text(terminal.backend().buffer());
        assert!(text.contains("初步接洽 30"), "count per column:\n{text}");
        assert!(text.contains("¥"), "total per column:\n{text}");
        assert!(text.contains("⏳"), "stale cards are marked:\n{text}");
        println!("{text}");
    }
}
