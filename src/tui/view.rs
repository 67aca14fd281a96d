//! Drawing the app state. Widths are display widths: a Han character takes two cells, and
//! ratatui's text layout counts them so; `buffer_to_text` reads a frame back the same way.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

use super::state::{App, Pending};
use crate::text::Text;

pub fn render(app: &App, frame: &mut Frame) {
    let [header, main, flash, status] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    render_header(app, frame, header);
    render_pool(app, frame, main);
    let flash_text = app
        .error
        .clone()
        .or_else(|| app.flash.clone())
        .unwrap_or_default();
    frame.render_widget(Paragraph::new(format!(" {flash_text}")), flash);
    let live = if app.live {
        Text::TuiLive
    } else {
        Text::TuiOffline
    };
    let status_line = format!(" {} · {} · {}", app.database, live, Text::TuiKeysHint);
    frame.render_widget(
        Paragraph::new(status_line).style(Style::default().add_modifier(Modifier::REVERSED)),
        status,
    );
    if let Some(pending) = &app.confirm {
        render_confirm(pending, frame);
    }
    if app.help {
        render_help(frame);
    }
    if app.typing_filter
        && let Some(title) = pool_title(app)
    {
        // The terminal cursor sits at the input caret, so an IME's candidate window opens there.
        use unicode_width::UnicodeWidthStr;
        let x = main.x + 1 + title.trim_end().width() as u16;
        frame.set_cursor_position((x.min(main.right().saturating_sub(2)), main.y));
    }
}

/// The keys, generated from the keymap so help can never disagree with what keys do.
fn render_help(frame: &mut Frame) {
    use super::state::KEYMAP;
    let lines: Vec<Line> = KEYMAP
        .iter()
        .map(|(keys, action)| {
            Line::from(format!(
                " {keys:<7} {}",
                Text::TuiAction { action: *action }
            ))
        })
        .collect();
    let area = frame.area();
    let width = area.width.saturating_sub(4).min(70);
    let height = (lines.len() as u16 + 2).min(area.height);
    let dialog = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height.saturating_sub(height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, dialog);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(Text::TuiHelpTitle.to_string())),
        dialog,
    );
}

fn render_header(app: &App, frame: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    match &app.figures {
        Some(f) => {
            lines.push(Line::styled(
                Text::TuiSignedInAs {
                    name: f.display_name.clone(),
                    team: f.team.clone(),
                }
                .to_string(),
                Style::default().add_modifier(Modifier::BOLD),
            ));
            lines.push(Line::from(
                Text::TuiFigures {
                    customers: f.customers,
                    leads: f.leads,
                    pool_leads: f.pool_leads,
                    holding: f.holding,
                    limit: f.limit,
                }
                .to_string(),
            ));
        }
        None => lines.push(Line::from("…")),
    }
    let block = Block::bordered().title(Text::TuiPlaceholderTitle.to_string());
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block),
        area,
    );
}

fn render_pool(app: &App, frame: &mut Frame, area: Rect) {
    let Some(pool) = &app.pool else {
        frame.render_widget(Paragraph::new(" …").block(Block::bordered()), area);
        return;
    };
    let visible = app.visible_rows();
    let rows: Vec<Row> = visible
        .iter()
        .map(|r| {
            let owner = match (&r.owner, r.mine) {
                (_, true) => Text::TuiMine.to_string(),
                (Some(name), false) => name.clone(),
                (None, false) => Text::TuiUnclaimed.to_string(),
            };
            Row::new(vec![
                Cell::from(r.id.to_string()),
                Cell::from(r.company.clone()),
                Cell::from(r.region.clone()),
                Cell::from(r.source.clone()),
                Cell::from(format!("{}d", r.age_days)),
                Cell::from(owner),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(7),
            Constraint::Min(16),
            Constraint::Length(6),
            Constraint::Length(12),
            Constraint::Length(5),
            Constraint::Length(10),
        ],
    )
    .header(
        Row::new(vec![
            "#".to_string(),
            Text::TuiColCompany.to_string(),
            Text::TuiColRegion.to_string(),
            Text::TuiColSource.to_string(),
            Text::TuiColAge.to_string(),
            Text::TuiColOwner.to_string(),
        ])
        .style(Style::default().add_modifier(Modifier::BOLD)),
    )
    .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
    .block(Block::bordered().title(pool_title(app).unwrap_or_default()));
    let mut state =
        TableState::default().with_selected((!visible.is_empty()).then_some(pool.cursor));
    frame.render_stateful_widget(table, area, &mut state);
}

/// The pool pane's title: name and count, and the filter with its counts while one is set.
fn pool_title(app: &App) -> Option<String> {
    let pool = app.pool.as_ref()?;
    Some(if app.filter.is_empty() && !app.typing_filter {
        format!(" {} ({}) ", pool.name, pool.rows.len())
    } else {
        let prompt = Text::TuiFilterPrompt {
            filter: app.filter.clone(),
        };
        format!(
            " {} ({}/{}) · {prompt} ",
            pool.name,
            app.visible_rows().len(),
            pool.rows.len()
        )
    })
}

fn render_confirm(pending: &Pending, frame: &mut Frame) {
    let question = match pending {
        Pending::Claim { id, company } => Text::TuiConfirmClaim {
            id: *id,
            company: company.clone(),
        },
        Pending::Release { id, company } => Text::TuiConfirmRelease {
            id: *id,
            company: company.clone(),
        },
    }
    .to_string();
    let area = frame.area();
    let width = area.width.saturating_sub(8).min(64);
    // Room for a long Chinese company name to wrap onto a second line, plus the y/n line.
    let height = 5.min(area.height);
    let dialog = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height.saturating_sub(height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, dialog);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(question),
            Line::from(Text::TuiYesNo.to_string()),
        ])
        .wrap(Wrap { trim: true })
        .block(Block::bordered()),
        dialog,
    );
}

/// A buffer as the text a person sees: a double-width character covers two cells, so the
/// cell it hides is skipped. Used by snapshot tests and the headless mode.
pub fn buffer_to_text(buffer: &ratatui::buffer::Buffer) -> String {
    use unicode_width::UnicodeWidthStr;
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
    use crate::tui::state::{Figures, LeadRow, Msg, PoolView, update};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn app() -> App {
        let mut app = App {
            database: "dibs".into(),
            live: true,
            ..App::default()
        };
        update(
            &mut app,
            Msg::Loaded(Ok(Figures {
                display_name: "王芳".into(),
                team: "华东一组".into(),
                customers: 2400,
                leads: 3000,
                pool_leads: 812,
                holding: 17,
                limit: 165,
            })),
        );
        let rows = vec![
            LeadRow {
                id: 12,
                company: "上海恒信精密机械股份有限公司华东区域销售分公司".into(),
                region: "上海".into(),
                source: "展会".into(),
                owner: None,
                mine: false,
                age_days: 3,
            },
            LeadRow {
                id: 13,
                company: "华为技术有限公司".into(),
                region: "深圳".into(),
                source: "官网表单".into(),
                owner: Some("李娜".into()),
                mine: false,
                age_days: 10,
            },
            LeadRow {
                id: 14,
                company: "Hengxin Precision Co., Ltd.".into(),
                region: "杭州".into(),
                source: "电话营销".into(),
                owner: Some("王芳".into()),
                mine: true,
                age_days: 1,
            },
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

    #[test]
    fn the_pool_pane_lines_up_chinese_at_80_and_120_columns() {
        crate::text::set_lang(crate::text::Lang::En);
        for (width, height) in [(80u16, 24u16), (120, 40)] {
            let (text, buffer) = screen(&app(), width, height);
            assert!(text.contains("Signed in as 王芳 (华东一组)"), "{text}");
            assert!(text.contains("华东制造业线索池 (3)"), "{text}");
            assert!(text.contains("华为技术有限公司"), "{text}");
            assert!(text.contains("李娜"), "{text}");
            // Every bordered row ends in the last column despite double-width text.
            for y in 5..height - 3 {
                assert_eq!(
                    buffer[(width - 1, y)].symbol(),
                    "│",
                    "row {y} at {width}:\n{text}"
                );
            }
        }
    }

    #[test]
    fn help_lists_every_key_and_the_filter_shows_in_the_title() {
        crate::text::set_lang(crate::text::Lang::En);
        let mut app = app();
        update(
            &mut app,
            Msg::Key(
                ratatui::crossterm::event::KeyCode::Char('?'),
                ratatui::crossterm::event::KeyModifiers::NONE,
            ),
        );
        let (text, _) = screen(&app, 80, 24);
        for (keys, _) in crate::tui::state::KEYMAP {
            assert!(text.contains(keys), "{keys} missing:\n{text}");
        }
        assert!(text.contains("claim the selected lead"), "{text}");
        let mut app = self::app();
        for c in ['/', '华', '为'] {
            update(
                &mut app,
                Msg::Key(
                    ratatui::crossterm::event::KeyCode::Char(c),
                    ratatui::crossterm::event::KeyModifiers::NONE,
                ),
            );
        }
        let (text, _) = screen(&app, 80, 24);
        assert!(text.contains("(1/3) · filter: 华为"), "{text}");
        assert!(!text.contains("Hengxin"), "{text}");
    }

    #[test]
    fn the_confirm_dialog_says_what_will_change() {
        crate::text::set_lang(crate::text::Lang::En);
        let mut app = app();
        update(
            &mut app,
            Msg::Key(
                ratatui::crossterm::event::KeyCode::Char('c'),
                ratatui::crossterm::event::KeyModifiers::NONE,
            ),
        );
        let (text, _) = screen(&app, 80, 24);
        assert!(text.contains("Claim lead 12"), "{text}");
        assert!(text.contains("y/n"), "{text}");
    }
}
