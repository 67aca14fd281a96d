//! The terminal app. For now one home screen: who I am and the figures that matter to
//! me, loaded without blocking the render loop. Later issues add the panes.
//!
//! Shape (DESIGN.md §3): a pure core (`Home` state + `update`) and a shell (`run`)
//! that owns the terminal, runs database work as tasks and redraws only on change.

use futures_util::StreamExt;
use ratatui::crossterm::event::{Event, EventStream, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::{DefaultTerminal, Frame};
use tokio::sync::mpsc;
use tokio_postgres::Config;

use crate::text::Text;

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

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Home {
    pub database: String,
    pub figures: Option<Figures>,
    pub error: Option<String>,
    pub quit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Key(KeyCode, KeyModifiers),
    Loaded(Result<Figures, String>),
    Resized,
}

/// What `update` asks the shell to do; the core never touches I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    None,
    Redraw,
}

pub fn update(state: &mut Home, msg: Msg) -> Effect {
    match msg {
        Msg::Key(KeyCode::Char('q'), _) | Msg::Key(KeyCode::Esc, _) => {
            state.quit = true;
            Effect::None
        }
        Msg::Key(KeyCode::Char('c'), modifiers) if modifiers.contains(KeyModifiers::CONTROL) => {
            state.quit = true;
            Effect::None
        }
        Msg::Key(..) => Effect::None,
        Msg::Loaded(Ok(figures)) => {
            state.figures = Some(figures);
            state.error = None;
            Effect::Redraw
        }
        Msg::Loaded(Err(error)) => {
            state.error = Some(error);
            Effect::Redraw
        }
        Msg::Resized => Effect::Redraw,
    }
}

pub fn render(state: &Home, frame: &mut Frame) {
    let [main, status] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(frame.area());
    let mut lines: Vec<Line> = Vec::new();
    match (&state.figures, &state.error) {
        (_, Some(error)) => lines.push(Line::from(error.as_str())),
        (Some(f), None) => {
            lines.push(Line::styled(
                Text::TuiSignedInAs {
                    name: f.display_name.clone(),
                    team: f.team.clone(),
                }
                .to_string(),
                Style::default().add_modifier(Modifier::BOLD),
            ));
            lines.push(Line::from(""));
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
            lines.push(Line::from(""));
            lines.push(Line::from(Text::TuiPlaceholderBody.to_string()));
        }
        (None, None) => lines.push(Line::from("…")),
    }
    let body = Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(Text::TuiPlaceholderTitle.to_string()));
    frame.render_widget(body, main);
    let status_line = format!(" {} · {}", state.database, Text::TuiQuitHint);
    frame.render_widget(
        Paragraph::new(status_line).style(Style::default().add_modifier(Modifier::REVERSED)),
        status,
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

/// The figures on the home screen, read under the connected person's own login.
pub async fn load_figures(config: Config) -> Result<Figures, String> {
    let client = crate::db::connect(&config)
        .await
        .map_err(|e| e.to_string())?;
    let row = client
        .query_one(
            "with me as (select u.id, u.display_name, coalesce(t.name, '-') as team \
                         from dibs.users u left join dibs.teams t on t.id = u.team_id \
                         where u.login_role = session_user) \
             select me.display_name, me.team, \
                    (select count(*) from dibs.customers where status = 'active'), \
                    (select count(*) from dibs.leads), \
                    (select count(*) from dibs.leads l join dibs.pool_members m on m.pool_id = l.pool_id \
                      where m.user_id = me.id and l.owner_id is null and l.status = 'new'), \
                    (select count(*) from dibs.leads where owner_id = me.id and status in ('new', 'working')), \
                    (select coalesce(sum(coalesce(m.holding_limit, p.holding_limit)), 0)::bigint \
                       from dibs.pool_members m join dibs.pools p on p.id = m.pool_id \
                      where m.user_id = me.id and p.kind = 'lead') \
             from me",
            &[],
        )
        .await
        .map_err(|e| e.as_db_error().map(|d| d.message().to_string()).unwrap_or_else(|| e.to_string()))?;
    Ok(Figures {
        display_name: row.get(0),
        team: row.get(1),
        customers: row.get(2),
        leads: row.get(3),
        pool_leads: row.get(4),
        holding: row.get(5),
        limit: row.get(6),
    })
}

/// Runs the app until the person quits. The terminal is restored on every exit path,
/// including a panic (ratatui's `init` installs a hook that restores it first).
pub async fn run(config: Config, database: String) -> std::io::Result<()> {
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, config, database).await;
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    config: Config,
    database: String,
) -> std::io::Result<()> {
    let mut state = Home {
        database,
        ..Home::default()
    };
    let (tx, mut rx) = mpsc::channel::<Msg>(16);
    tokio::spawn(async move {
        let _ = tx.send(Msg::Loaded(load_figures(config).await)).await;
    });
    let mut events = EventStream::new();
    terminal.draw(|f| render(&state, f))?;
    while !state.quit {
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => Msg::Key(key.code, key.modifiers),
                Some(Ok(Event::Resize(..))) => Msg::Resized,
                Some(Ok(_)) => continue,
                Some(Err(err)) => return Err(err),
                None => break,
            },
            Some(msg) = rx.recv() => msg,
        };
        if update(&mut state, msg) == Effect::Redraw {
            terminal.draw(|f| render(&state, f))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn figures() -> Figures {
        Figures {
            display_name: "王芳".into(),
            team: "华东一组".into(),
            customers: 2400,
            leads: 3000,
            pool_leads: 812,
            holding: 17,
            limit: 165,
        }
    }

    #[test]
    fn q_and_ctrl_c_quit_other_keys_do_not() {
        let mut state = Home::default();
        update(&mut state, Msg::Key(KeyCode::Char('x'), KeyModifiers::NONE));
        assert!(!state.quit);
        update(&mut state, Msg::Key(KeyCode::Char('q'), KeyModifiers::NONE));
        assert!(state.quit);
        let mut state = Home::default();
        update(
            &mut state,
            Msg::Key(KeyCode::Char('c'), KeyModifiers::CONTROL),
        );
        assert!(state.quit);
    }

    #[test]
    fn loaded_figures_redraw_and_show_chinese_aligned() {
        let mut state = Home {
            database: "dibs".into(),
            ..Home::default()
        };
        assert_eq!(
            update(&mut state, Msg::Loaded(Ok(figures()))),
            Effect::Redraw
        );
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        terminal.draw(|f| render(&state, f)).expect("draw");
        let buffer = terminal.backend().buffer().clone();
        let screen = buffer_to_text(&buffer);
        assert!(screen.contains("Signed in as 王芳 (华东一组)"), "{screen}");
        assert!(screen.contains("17/165"), "{screen}");
        // The right border stays in the last column on every row despite double-width text.
        for y in 1..22 {
            assert_eq!(buffer[(79, y)].symbol(), "│", "row {y}:\n{screen}");
        }
    }
}
