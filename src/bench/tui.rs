//! `dibs bench tui`: what the app costs, each figure beside a baseline from the same run.
//!
//! - render: the whole frame with 100,000 leads in the pool, moving the cursor every
//!   frame, beside the same pane built the naive way (every row handed to the table);
//! - keystroke → duplicate panel: a person typing company names at a steady cadence
//!   through the real core and runtime (debounce, latest-wins, server-side cancel), from
//!   the last key to the panel drawn, beside the bare check called directly;
//! - start-up: the binary started against the running database until its first frame
//!   with data, beside starting the binary only (`--version`);
//! - memory: the resident set of the 100,000-lead pool and of the started app.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Constraint;
use ratatui::widgets::{Block, Row, Table, TableState};
use serde::Serialize;
use tokio::sync::mpsc;
use tokio_postgres::Config;

use super::Latencies;
use crate::db::Session;
use crate::db::api::pool::{LeadRow, PoolPage};
use crate::domain::ownership::Entity;
use crate::domain::score::Draft;
use crate::error::Error;
use crate::text::{DbText, Lang};
use crate::tui::cmd::{Lane, TabMsg};
use crate::tui::runtime::Runtime;
use crate::tui::tabs::board::{Board, BoardTab};
use crate::tui::tabs::customers::CustomersTab;
use crate::tui::tabs::customers::form::Form;
use crate::tui::tabs::customers::tree::Tree;
use crate::tui::tabs::pool::{PoolTab, PoolView};
use crate::tui::{App, Msg, Options};

#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub samples: usize,
}

impl Figures {
    fn of(mut latencies: Latencies) -> Figures {
        Figures {
            p50_ms: latencies.quantile_ms(0.5),
            p95_ms: latencies.quantile_ms(0.95),
            p99_ms: latencies.quantile_ms(0.99),
            samples: latencies.len(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TuiReport {
    pub board_cards: usize,
    pub render_board_80x24: Figures,
    pub render_board_120x40: Figures,
    pub tree_entities: usize,
    pub render_tree_120x40: Figures,
    pub expand_500: Option<Figures>,
    pub pool_leads: usize,
    pub render_80x24: Figures,
    pub render_120x40: Figures,
    pub render_naive_120x40: Figures,
    pub pool_rss_kib: u64,
    pub customers: i64,
    pub cadence_ms: u64,
    pub keystroke_to_panel: Option<Figures>,
    pub bare_check: Option<Figures>,
    pub startup_first_frame: Option<Figures>,
    pub startup_baseline: Option<Figures>,
    pub app_peak_rss_kib: Option<u64>,
}

fn bench_error(detail: String) -> Error {
    DbText::DatabaseError {
        during: "bench".into(),
        detail,
    }
    .into()
}

fn rss_kib() -> u64 {
    crate::tui::runtime::headless::memory_kib("VmRSS").unwrap_or(0)
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn bench_app() -> App {
    App::new("bench".into(), Lang::En, Options::default())
}

/// An app on the tab `index`, with `fill` putting data into it.
fn app_on(index: u8, fill: impl FnOnce(&mut App)) -> App {
    let mut app = bench_app();
    fill(&mut app);
    let _ = app.update(key(KeyCode::Char(char::from(b'0' + index))));
    app
}

fn synthetic_pool(leads: usize) -> PoolView {
    const CITIES: [&str; 6] = ["上海", "杭州", "苏州", "南京", "深圳", "北京"];
    const TRADES: [&str; 5] = ["恒信", "华创", "联科", "永盛", "智隆"];
    const KINDS: [&str; 4] = ["精密机械", "新材料", "电气", "汽车零部件"];
    let rows = (0..leads)
        .map(|i| {
            let city = CITIES[i % CITIES.len()];
            LeadRow {
                id: i as i64 + 1,
                company: format!(
                    "{city}{}{}有限公司",
                    TRADES[i % TRADES.len()],
                    KINDS[(i / 7) % KINDS.len()]
                ),
                region: city.to_string(),
                industry: "制造业".into(),
                source: "展会".into(),
                owner: (i % 3 == 0).then(|| "李娜".to_string()),
                mine: i < 40,
                age_days: (i % 200) as i64,
                followed_days_ago: (i % 5 != 0).then_some((i % 30) as i64),
                recycle_in_days: (i < 40).then_some((i % 15) as i64 - 2),
                company_leads: 1 + (i % 4 == 1) as i64 * 2,
                company_holder: (i % 11 == 5).then(|| "张霞".to_string()),
            }
        })
        .collect();
    PoolView::new(PoolPage {
        id: 1,
        name: "华东制造业线索池".into(),
        rows,
        has_more: false,
    })
}

fn synthetic_board(cards: usize) -> Board {
    use crate::db::api::board::{Card, Stage};
    let stages = [
        "初步接洽",
        "需求确认",
        "方案报价",
        "商务谈判",
        "赢单",
        "输单",
    ];
    let per = cards / stages.len();
    Board {
        columns: stages
            .iter()
            .enumerate()
            .map(|(s, name)| Stage {
                id: s as i16 + 1,
                name_en: name.to_string(),
                name_zh: name.to_string(),
                closed: s >= 4,
                won: s == 4,
                cards: (0..per)
                    .map(|i| Card {
                        id: (s * per + i) as i64,
                        name: format!("华东智能工厂二期项目第{i}包"),
                        customer: "上海恒信精密机械股份有限公司".into(),
                        amount: 1_000_000.0 + i as f64,
                        owner: "欧阳娜娜".into(),
                        version: 1,
                        idle_days: (i % 30) as i64,
                    })
                    .collect(),
            })
            .collect(),
        ..Board::default()
    }
}

fn synthetic_tree(entities: usize) -> Tree {
    use crate::db::api::tree::Node;
    let node = |id: usize, team: i64| Node {
        id: id as i64,
        name: format!("新星新能源（{id}）有限公司分公司"),
        owner: (!id.is_multiple_of(7)).then(|| "王芳".to_string()),
        team_id: Some(team),
        team: Some("华东一组".into()),
        open_opportunities: (id % 3) as i64,
        children: 0,
    };
    // A group with 40 subsidiaries of ~50 branches each.
    let subsidiaries: Vec<Node> = (1..=40).map(|i| node(i, 1 + (i % 5) as i64)).collect();
    let mut tree = Tree::new(node(0, 1), subsidiaries, 0);
    let per = entities.saturating_sub(41) / 40;
    for parent in (1..=40).rev() {
        let at = tree.row_of(parent).unwrap_or(0);
        let branches = (0..per)
            .map(|b| node(1_000 + parent as usize * per + b, 1))
            .collect();
        tree.insert_children(at, branches);
    }
    tree
}

/// Frames of the current tab, moving the cursor with `code` between frames.
fn render_with(
    app: &mut App,
    size: (u16, u16),
    frames: usize,
    code: KeyCode,
) -> Result<Latencies, Error> {
    let mut terminal =
        Terminal::new(TestBackend::new(size.0, size.1)).map_err(|e| bench_error(e.to_string()))?;
    let mut latencies = Latencies::default();
    for _ in 0..frames {
        let _ = app.update(key(code));
        let started = Instant::now();
        terminal
            .draw(|f| app.render(f))
            .map_err(|e| bench_error(e.to_string()))?;
        latencies.record(started.elapsed());
    }
    Ok(latencies)
}

/// Opening a node with 500 children on the database as it is: 500 customers are put under
/// one inside a transaction that is rolled back, and the level is read the way the app
/// reads it.
async fn expand_500(config: &Config, runs: usize) -> Result<Option<Latencies>, Error> {
    let client = crate::db::connect(config).await?;
    let err = |e: tokio_postgres::Error| bench_error(crate::db::error_detail(&e));
    let total: i64 = client
        .query_one("select count(*) from dibs.customers", &[])
        .await
        .map_err(err)?
        .get(0);
    if total < 1_000 {
        return Ok(None);
    }
    client.batch_execute("begin").await.map_err(err)?;
    let result = async {
        let parent: i64 = client
            .query_one("select min(id) from dibs.customers where parent_id is null", &[])
            .await
            .map_err(err)?
            .get(0);
        client
            .execute(
                "update dibs.customers set parent_id = $1 where id in (
                     select id from dibs.customers where parent_id is null and id <> $1 and status = 'active'
                     order by id desc limit 500)",
                &[&parent],
            )
            .await
            .map_err(err)?;
        let mut latencies = Latencies::default();
        for _ in 0..runs {
            let started = Instant::now();
            let children = crate::db::api::tree::children(&client, parent).await?;
            let mut tree = Tree::new(Default::default(), Vec::new(), 0);
            tree.insert_children(0, children);
            latencies.record(started.elapsed());
        }
        Ok::<_, Error>(latencies)
    }
    .await;
    client.batch_execute("rollback").await.map_err(err)?;
    result.map(Some)
}

/// The pane as it would be without virtualisation: every row built and handed to the table.
fn render_naive(app: &App, size: (u16, u16), frames: usize) -> Result<Latencies, Error> {
    let mut terminal =
        Terminal::new(TestBackend::new(size.0, size.1)).map_err(|e| bench_error(e.to_string()))?;
    let mut latencies = Latencies::default();
    let Some(pool) = app.tab::<PoolTab>().and_then(|t| t.pool.as_ref()) else {
        return Ok(latencies);
    };
    for frame_index in 0..frames {
        let started = Instant::now();
        terminal
            .draw(|f| {
                let rows: Vec<Row> = pool
                    .page
                    .rows
                    .iter()
                    .map(|r| {
                        Row::new(vec![
                            r.id.to_string(),
                            r.company.clone(),
                            r.region.clone(),
                            r.industry.clone(),
                            r.source.clone(),
                            format!("{}d", r.age_days),
                            r.owner.clone().unwrap_or_default(),
                        ])
                    })
                    .collect();
                let table = Table::new(
                    rows,
                    [
                        Constraint::Length(7),
                        Constraint::Min(16),
                        Constraint::Length(6),
                        Constraint::Length(10),
                        Constraint::Length(10),
                        Constraint::Length(5),
                        Constraint::Length(10),
                    ],
                )
                .block(Block::bordered());
                let mut state = TableState::default().with_selected(Some(frame_index * 50));
                f.render_stateful_widget(table, f.area(), &mut state);
            })
            .map_err(|e| bench_error(e.to_string()))?;
        latencies.record(started.elapsed());
    }
    Ok(latencies)
}

/// Company names to type: stored names cut to 4–12 characters, as people type them.
async fn names_to_type(config: &Config, count: usize) -> Result<(i64, Vec<String>), Error> {
    let client = crate::db::connect(config).await?;
    let err = |e: tokio_postgres::Error| bench_error(crate::db::error_detail(&e));
    let customers: i64 = client
        .query_one(
            "select count(*) from dibs.customers where status = 'active'",
            &[],
        )
        .await
        .map_err(err)?
        .get(0);
    let rows = client
        .query(
            "select name from dibs.customers tablesample system (1) repeatable (7)
             where status = 'active' limit $1",
            &[&(count as i64)],
        )
        .await
        .map_err(err)?;
    let names = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let name: String = r.get(0);
            name.chars().take(4 + i % 9).collect()
        })
        .collect();
    Ok((customers, names))
}

/// A rep's login to type as (drafts are recorded per person).
async fn a_rep(config: &Config) -> Result<Config, Error> {
    let client = crate::db::connect(config).await?;
    let login: Option<String> = client
        .query_opt(
            "select login_role::text from dibs.users where role = 'rep' and active order by id limit 1",
            &[],
        )
        .await
        .map_err(|e| bench_error(crate::db::error_detail(&e)))?
        .map(|r| r.get(0));
    let mut rep = config.clone();
    if let Some(login) = login {
        rep.user(&login);
    }
    Ok(rep)
}

/// Types each name at `cadence` per key through the real core and runtime, and measures
/// from the last key to the frame that shows the panel for the full name.
async fn keystroke_to_panel(
    config: &Config,
    names: &[String],
    cadence: Duration,
) -> Result<Latencies, Error> {
    let db = Session::open(config).await?;
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let runtime = Runtime::start(config, db, tx).without_terminal();
    let mut app = bench_app();
    runtime.apply(&mut app, key(KeyCode::Char('2')));
    let mut terminal =
        Terminal::new(TestBackend::new(120, 40)).map_err(|e| bench_error(e.to_string()))?;
    let mut latencies = Latencies::default();
    for name in names {
        if let Some(tab) = app.tab_mut::<CustomersTab>() {
            tab.form = Form::default();
        }
        runtime.apply(&mut app, key(KeyCode::Char('n')));
        let keys: Vec<char> = name.chars().collect();
        let mut typed = 0;
        let mut next_key = Instant::now();
        let mut last_key = Instant::now();
        loop {
            if typed < keys.len() {
                let wait = next_key.saturating_duration_since(Instant::now());
                tokio::select! {
                    Some(msg) = rx.recv() => {
                        runtime.apply(&mut app, msg);
                    }
                    _ = tokio::time::sleep(wait) => {
                        runtime.apply(&mut app, key(KeyCode::Char(keys[typed])));
                        typed += 1;
                        next_key += cadence;
                        last_key = Instant::now();
                    }
                }
                continue;
            }
            let Some(msg) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .map_err(|_| bench_error("no duplicate panel within 10 s".into()))?
            else {
                return Err(bench_error("the runtime stopped".into()));
            };
            let current = app.tab::<CustomersTab>().map(|t| t.form.seq);
            let final_answer = matches!(
                &msg,
                Msg::To(_, TabMsg::Live { lane: Lane::DuplicatePanel, seq, .. }) if Some(*seq) == current
            );
            runtime.apply(&mut app, msg);
            if final_answer {
                if let Some(notice) = app
                    .tab::<CustomersTab>()
                    .and_then(|t| t.form.notice.clone())
                {
                    return Err(bench_error(notice.render(Lang::En)));
                }
                terminal
                    .draw(|f| app.render(f))
                    .map_err(|e| bench_error(e.to_string()))?;
                latencies.record(last_key.elapsed());
                break;
            }
        }
        runtime.apply(&mut app, key(KeyCode::Esc));
    }
    Ok(latencies)
}

async fn bare_checks(config: &Config, names: &[String]) -> Result<Latencies, Error> {
    let client = crate::db::connect(config).await?;
    let weights =
        crate::dedup::check::load_weights(&client, Entity::Customer, Entity::Customer).await?;
    let mut latencies = Latencies::default();
    for name in names {
        let draft = Draft {
            name: name.clone(),
            ..Draft::default()
        };
        let started = Instant::now();
        crate::dedup::check::check_live(&client, &draft, Entity::Customer, 5, &weights).await?;
        latencies.record(started.elapsed());
    }
    crate::db::api::dedup::clear_draft(&client, Entity::Customer).await?;
    Ok(latencies)
}

/// Starts the binary `runs` times against the database until its first frame with data
/// (headless, so no terminal is needed), and `--version` as the process-start baseline.
fn startup(login: Option<&str>, runs: usize) -> Result<(Latencies, Latencies, u64), Error> {
    let exe = std::env::current_exe().map_err(|e| bench_error(e.to_string()))?;
    let (mut app, mut baseline, mut peak) = (Latencies::default(), Latencies::default(), 0u64);
    for _ in 0..runs {
        let mut command = std::process::Command::new(&exe);
        command.args(["open", "--keys", "", "--size", "80x24", "--stats"]);
        if let Some(login) = login {
            command.args(["--user", login]);
        }
        let started = Instant::now();
        let output = command.output().map_err(|e| bench_error(e.to_string()))?;
        app.record(started.elapsed());
        if !output.status.success() {
            return Err(bench_error(
                String::from_utf8_lossy(&output.stderr).into_owned(),
            ));
        }
        let stats = String::from_utf8_lossy(&output.stderr);
        if let Some(kib) = stats
            .split("peak RSS ")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
        let started = Instant::now();
        std::process::Command::new(&exe)
            .arg("--version")
            .output()
            .map_err(|e| bench_error(e.to_string()))?;
        baseline.record(started.elapsed());
    }
    Ok((app, baseline, peak))
}

pub struct TuiBenchOptions {
    pub leads: usize,
    pub frames: usize,
    pub names: usize,
    pub cadence_ms: u64,
    /// Start-up runs (the child processes find the database as this process did).
    pub startups: usize,
}

pub async fn run(config: &Config, options: TuiBenchOptions) -> Result<TuiReport, Error> {
    let before = rss_kib();
    let mut app = app_on(1, |app| {
        if let Some(tab) = app.tab_mut::<PoolTab>() {
            tab.pool = Some(synthetic_pool(options.leads));
        }
    });
    let pool_rss_kib = rss_kib().saturating_sub(before);
    // Warm up, then measure at both sizes the issue names.
    render_with(&mut app, (120, 40), 50, KeyCode::Down)?;
    let board_cards = 10_002;
    let mut board_app = app_on(3, |app| {
        if let Some(tab) = app.tab_mut::<BoardTab>() {
            tab.board = Some(synthetic_board(board_cards));
        }
    });
    render_with(&mut board_app, (120, 40), 50, KeyCode::Down)?;
    let render_board_80x24 = Figures::of(render_with(
        &mut board_app,
        (80, 24),
        options.frames,
        KeyCode::Down,
    )?);
    let render_board_120x40 = Figures::of(render_with(
        &mut board_app,
        (120, 40),
        options.frames,
        KeyCode::Down,
    )?);
    let mut tree_app = app_on(2, |app| {
        if let Some(tab) = app.tab_mut::<CustomersTab>() {
            tab.tree = Some(synthetic_tree(2_000));
        }
    });
    let tree_entities = tree_app
        .tab::<CustomersTab>()
        .and_then(|t| t.tree.as_ref())
        .map(|t| t.rows.len())
        .unwrap_or(0);
    let render_tree_120x40 = Figures::of(render_with(
        &mut tree_app,
        (120, 40),
        options.frames,
        KeyCode::Down,
    )?);
    drop((board_app, tree_app));
    let expand = expand_500(config, 20).await?.map(Figures::of);
    let render_80x24 = Figures::of(render_with(
        &mut app,
        (80, 24),
        options.frames,
        KeyCode::Down,
    )?);
    let render_120x40 = Figures::of(render_with(
        &mut app,
        (120, 40),
        options.frames,
        KeyCode::Down,
    )?);
    let render_naive_120x40 = Figures::of(render_naive(&app, (120, 40), 10)?);
    drop(app);

    let rep = a_rep(config).await?;
    let (customers, names) = names_to_type(config, options.names).await?;
    let (keystroke_to_panel, bare_check) = if names.is_empty() {
        (None, None)
    } else {
        let bare = bare_checks(&rep, &names).await?;
        let typed =
            keystroke_to_panel(&rep, &names, Duration::from_millis(options.cadence_ms)).await?;
        (Some(Figures::of(typed)), Some(Figures::of(bare)))
    };
    let (startup_first_frame, startup_baseline, app_peak_rss_kib) = if options.startups > 0 {
        let (app, baseline, peak) = startup(rep.get_user(), options.startups)?;
        (
            Some(Figures::of(app)),
            Some(Figures::of(baseline)),
            Some(peak),
        )
    } else {
        (None, None, None)
    };
    Ok(TuiReport {
        board_cards,
        render_board_80x24,
        render_board_120x40,
        tree_entities,
        render_tree_120x40,
        expand_500: expand,
        pool_leads: options.leads,
        render_80x24,
        render_120x40,
        render_naive_120x40,
        pool_rss_kib,
        customers,
        cadence_ms: options.cadence_ms,
        keystroke_to_panel,
        bare_check,
        startup_first_frame,
        startup_baseline,
        app_peak_rss_kib,
    })
}

impl TuiReport {
    pub fn text(&self) -> String {
        let mut out = String::new();
        let line = |out: &mut String, label: &str, f: &Figures, target: &str| {
            out.push_str(&format!(
                "{label:<46}{:>9.3}{:>9.3}{:>9.3}{:>7}  {target}\n",
                f.p50_ms, f.p95_ms, f.p99_ms, f.samples
            ));
        };
        out.push_str(&format!(
            "dibs bench tui — pool of {} leads; {} active customers\n",
            self.pool_leads, self.customers
        ));
        out.push_str(&format!(
            "{:<46}{:>9}{:>9}{:>9}{:>7}  target\n",
            "", "p50 ms", "p95 ms", "p99 ms", "n"
        ));
        line(
            &mut out,
            "render, whole frame, 80×24",
            &self.render_80x24,
            "≤ 2 ms",
        );
        line(
            &mut out,
            "render, whole frame, 120×40",
            &self.render_120x40,
            "≤ 2 ms",
        );
        line(
            &mut out,
            "  baseline: every row to the table, 120×40",
            &self.render_naive_120x40,
            "",
        );
        line(
            &mut out,
            &format!("board of {} cards, whole frame, 80×24", self.board_cards),
            &self.render_board_80x24,
            "≤ 5 ms",
        );
        line(
            &mut out,
            "board, whole frame, 120×40",
            &self.render_board_120x40,
            "≤ 5 ms",
        );
        line(
            &mut out,
            &format!(
                "tree of {} entities, whole frame, 120×40",
                self.tree_entities
            ),
            &self.render_tree_120x40,
            "≤ 5 ms",
        );
        if let Some(expand) = &self.expand_500 {
            line(
                &mut out,
                "open a tree node with 500 children",
                expand,
                "≤ 100 ms",
            );
        }
        if let (Some(typed), Some(bare)) = (&self.keystroke_to_panel, &self.bare_check) {
            line(
                &mut out,
                &format!("last key → duplicate panel ({} ms/key)", self.cadence_ms),
                typed,
                "p95 ≤ 150 ms",
            );
            line(
                &mut out,
                "  baseline: the bare check, no debounce",
                bare,
                "",
            );
        }
        if let (Some(app), Some(baseline)) = (&self.startup_first_frame, &self.startup_baseline) {
            line(
                &mut out,
                "start-up → first frame with data",
                app,
                "≤ 300 ms",
            );
            line(&mut out, "  baseline: dibs --version", baseline, "");
        }
        out.push_str(&format!(
            "memory: the {}-lead pool {:.1} MiB resident",
            self.pool_leads,
            self.pool_rss_kib as f64 / 1024.0
        ));
        if let Some(peak) = self.app_peak_rss_kib {
            out.push_str(&format!(
                "; the started app peaks at {:.1} MiB",
                peak as f64 / 1024.0
            ));
        }
        out.push('\n');
        out
    }
}
