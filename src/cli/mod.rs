//! Command-line interface: what each `dibs …` command does, as thin calls into the library.

mod dedup;
mod journal;
mod operations;
mod partners;
mod records;
mod report;
mod users;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Settings;
use crate::db::{self, DatabaseTarget};
use crate::error::Error;
use crate::local::LocalCluster;
use crate::seed;
use crate::text::{ClusterText, DbText, SetupText};

#[derive(Debug, Parser)]
#[command(
    name = "dibs",
    version,
    about = "A terminal CRM that stops sales collisions (撞单)."
)]
pub struct Cli {
    /// Language of messages: en or zh (default: from the locale).
    #[arg(long, global = true)]
    pub lang: Option<String>,
    /// Print results as JSON (for scripts).
    #[arg(long, global = true)]
    pub json: bool,
    /// Act for this user (login or id). Admins only; the log records both.
    #[arg(long = "as", global = true, value_name = "USER")]
    pub act_as: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the private database if needed, load demo data if empty, open the app as a demo rep.
    Demo(AppArgs),
    /// Apply database migrations (also done automatically on start-up).
    Migrate,
    /// Load demo data, or generated data at scale.
    Seed(SeedArgs),
    /// Manage the private PostgreSQL cluster dibs runs when no DATABASE_URL is set.
    Local {
        #[command(subcommand)]
        action: LocalAction,
    },
    /// Open the app (the default when no command is given).
    Open {
        /// Log in as this database role instead of the connection's own user.
        #[arg(long)]
        user: Option<String>,
        #[command(flatten)]
        app: AppArgs,
    },
    /// Claim, release, assign, transfer, lock, follow up or convert leads.
    Lead {
        #[command(subcommand)]
        action: records::LeadAction,
    },
    /// Claim, release, register (报备), lock, transfer, follow up or merge customers.
    Customer {
        #[command(subcommand)]
        action: records::CustomerAction,
    },
    /// 查重: check a company against the database, or scan a file for duplicate pairs.
    Dedup {
        #[command(subcommand)]
        action: dedup::DedupAction,
    },
    /// Import customers or leads from a CSV file, validated row by row, duplicates flagged.
    Import(dedup::ImportArgs),
    /// The ownership log of a record, newest first.
    History {
        #[command(subcommand)]
        entity: records::HistoryTarget,
    },
    /// Run the sweeps (recycle, expire, remind, auto-assign) and the live-event notifier.
    Worker(operations::WorkerArgs),
    /// People and their logins: add, disable, set-role, set-team, set-limit, list.
    User {
        #[command(subcommand)]
        action: users::UserAction,
    },
    /// Channel partners (渠道报备): add, list, set-tier, disable (admins); check and register
    /// (a partner's people, channel managers with --for); mine (a partner's registrations).
    Partner {
        #[command(subcommand)]
        action: partners::PartnerAction,
    },
    /// Partner-vs-direct reviews: list (with both sides' evidence), approve, reject.
    Review {
        #[command(subcommand)]
        action: partners::ReviewAction,
    },
    /// Reports for managers: collision figures by period (collision-rate, refusals, people,
    /// contested, summary), companies held by two owners today (collisions), or --html FILE.
    Report(report::ReportArgs),
    /// Set what happens when someone wants a company another person holds (admins):
    /// PAIR is lead_lead, lead_customer or customer_customer; MODE is block, warn or off.
    CompanyRule { pair: String, mode: String },
    /// Benchmarks that print their figures beside a baseline from the same run.
    Bench {
        #[command(subcommand)]
        which: operations::BenchKind,
    },
}

/// How the app looks and behaves (also settable in the config file).
#[derive(Debug, Args, Default)]
pub struct AppArgs {
    /// Look but do not change anything (the database session is read-only too).
    #[arg(long)]
    pub readonly: bool,
    /// No colours (also when NO_COLOR is set, or theme = "mono" in the config file).
    #[arg(long)]
    pub mono: bool,
    /// Draw borders with + - | instead of box-drawing characters.
    #[arg(long)]
    pub ascii: bool,
    /// Headless: type these keys (`<Enter>`, `<Tab>`, `<C-s>`…), then print the screen and exit.
    #[arg(long, value_name = "SCRIPT")]
    pub keys: Option<String>,
    /// Screen size for --keys, as WIDTHxHEIGHT.
    #[arg(long, default_value = "100x30", value_name = "WxH")]
    pub size: String,
    /// With --keys: print time to first frame and peak memory to stderr.
    #[arg(long)]
    pub stats: bool,
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// The demo organisation with a few thousand customers and leads (only into an empty database).
    #[arg(long, conflicts_with_all = ["customers", "leads"])]
    pub demo: bool,
    /// Generate this many customers (loaded by COPY).
    #[arg(long, default_value_t = 0)]
    pub customers: u64,
    /// Generate this many leads (loaded by COPY).
    #[arg(long, default_value_t = 0)]
    pub leads: u64,
    /// The random seed: the same seed gives the same data.
    #[arg(long, default_value_t = seed::DEFAULT_SEED)]
    pub seed: u64,
    /// Add this many weeks of simulated activity to the ownership log (claims, collisions,
    /// races, recycles, follow-ups, conversions, duplicate decisions) about the people and
    /// records already there, for the collision analytics; with --history-rows for scale.
    #[arg(long, value_name = "WEEKS", conflicts_with_all = ["demo", "customers", "leads"])]
    pub history: Option<i32>,
    /// Log rows the history writes in all (default: 600 a week).
    #[arg(long, value_name = "ROWS", requires = "history")]
    pub history_rows: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum LocalAction {
    /// Create (first time) and start the private cluster.
    Start {
        /// Also start PgBouncer (transaction pooling) beside it, one port above the server.
        #[arg(long)]
        pooler: bool,
    },
    /// Stop the private cluster.
    Stop,
    /// Say whether it runs, where, and its URL.
    Status,
    /// Open psql on it.
    Psql,
    /// Print its connection URL (for DATABASE_URL or scripts).
    Url,
    /// Print its directory.
    Dir,
}

/// Exit codes scripts can rely on: 0 done, 1 error, 2 usage, 3 refused, 4 not running.
pub const EXIT_ERROR: u8 = 1;
pub const EXIT_REFUSED: u8 = 3;
pub const EXIT_NOT_RUNNING: u8 = 4;

pub async fn run(cli: Cli, settings: Settings) -> Result<ExitCode, Error> {
    let output = records::Output {
        json: cli.json,
        act_as: cli.act_as.clone(),
    };
    match cli.command.unwrap_or(Command::Open {
        user: None,
        app: AppArgs::default(),
    }) {
        Command::Lead { action } => {
            let target = ready_target(&settings).await?;
            records::lead(&target, action, &output).await
        }
        Command::Partner { action } => {
            let target = ready_target(&settings).await?;
            partners::partner(&target, action, &output).await
        }
        Command::Review { action } => {
            let target = ready_target(&settings).await?;
            partners::review(&target, action, &output).await
        }
        Command::Customer { action } => {
            let target = ready_target(&settings).await?;
            records::customer(&target, action, &output).await
        }
        Command::Dedup { action } if !action.needs_database() => {
            dedup::run_offline(action, &output)
        }
        Command::Dedup { action } => {
            let target = ready_target(&settings).await?;
            dedup::run(&target, action, &output).await
        }
        Command::Import(args) => {
            let target = ready_target(&settings).await?;
            dedup::import(&target, args, &output).await
        }
        Command::History { entity } => {
            let target = ready_target(&settings).await?;
            records::history(&target, entity, &output).await
        }
        Command::Report(args) => {
            let target = ready_target(&settings).await?;
            report::report(&target, args, &output).await
        }
        Command::CompanyRule { pair, mode } => {
            let target = ready_target(&settings).await?;
            records::company_rule(&target, &pair, &mode).await
        }
        Command::Worker(args) => {
            let target = ready_target(&settings).await?;
            operations::worker(&target, args, &output).await
        }
        Command::User { action } => {
            let target = ready_target(&settings).await?;
            users::run(&target, action, &output).await
        }
        Command::Bench {
            which: operations::BenchKind::Render { frames },
        } => operations::render(frames, &output),
        Command::Bench { which } => {
            let target = ready_target(&settings).await?;
            operations::bench(&target, which, &output).await
        }
        Command::Local { action } => local(action, &settings),
        Command::Migrate => {
            let target = db::resolve_target(&settings).await?;
            let report = prepare(&target).await?;
            println!(
                "{}",
                DbText::MigrationsApplied {
                    count: report.applied,
                    version: db::SCHEMA_VERSION
                }
            );
            if let Some(done) = report.companies {
                println!(
                    "{}",
                    DbText::CompaniesComputed {
                        records: done.records,
                        companies: done.companies,
                        split: done.split,
                        seconds: done.seconds,
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Seed(args) => {
            let target = db::resolve_target(&settings).await?;
            prepare(&target).await?;
            let mut client = db::connect(&db::pooling::session_config(&target.config)).await?;
            if let Some(weeks) = args.history {
                let rows = args
                    .history_rows
                    .unwrap_or(i64::from(weeks) * seed::history::DEMO_ROWS_PER_WEEK);
                let started = std::time::Instant::now();
                let tx = client
                    .transaction()
                    .await
                    .map_err(|e| seed::seed_error(&e))?;
                let written = seed::history::write_history(&tx, weeks, rows, args.seed).await?;
                tx.commit().await.map_err(|e| seed::seed_error(&e))?;
                println!(
                    "{}",
                    SetupText::HistorySeeded {
                        weeks,
                        log_rows: written.log_rows,
                        decisions: written.decisions,
                        seconds: started.elapsed().as_secs_f64(),
                    }
                );
                return Ok(ExitCode::SUCCESS);
            }
            let report = if args.demo || (args.customers == 0 && args.leads == 0) {
                seed::seed_demo(&mut client, args.seed).await?
            } else {
                seed::seed_scale(&mut client, args.seed, args.customers, args.leads).await?
            };
            println!("{}", report.text());
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(app) => {
            let target = db::resolve_target(&settings).await?;
            prepare(&target).await?;
            let mut client = db::connect(&db::pooling::session_config(&target.config)).await?;
            if seed::database_is_empty(&client).await? {
                let report = seed::seed_demo(&mut client, seed::DEFAULT_SEED).await?;
                eprintln!("{}", report.text());
            }
            let login = settings
                .demo_user
                .clone()
                .unwrap_or_else(|| seed::org::DEMO_REP_LOGIN.to_string());
            if !crate::db::api::me::user_exists(&client, &login).await? {
                return Err(SetupText::DemoUserMissing.into());
            }
            open_app(&target, Some(login), &app, &settings).await
        }
        Command::Open { user, app } => {
            let target = db::resolve_target(&settings).await?;
            prepare(&target).await?;
            open_app(&target, user, &app, &settings).await
        }
    }
}

/// The target of a command-line command: a session of its own (the direct URL when the
/// database URL is transaction-pooled — see `db::pooling`).
async fn ready_target(settings: &Settings) -> Result<DatabaseTarget, Error> {
    let mut target = db::resolve_target(settings).await?;
    target.config = db::pooling::session_config(&target.config);
    prepare(&target).await?;
    Ok(target)
}

/// Migrate and check what the app relies on, before any command uses the database.
pub async fn prepare(target: &DatabaseTarget) -> Result<db::migrate::MigrationReport, Error> {
    // Migrations hold a session advisory lock: never through a transaction pooler.
    let mut client = db::connect(&db::pooling::session_config(&target.config)).await?;
    // A rep's login may not create anything: when the schema is current, only read.
    let report = if db::migrate::is_current(&client).await {
        db::migrate::MigrationReport::default()
    } else {
        db::migrate::migrate_reporting(&mut client).await?
    };
    db::check_trigram_support(&client).await?;
    Ok(report)
}

/// The app's options from flags, the config file and `NO_COLOR`.
fn app_options(args: &AppArgs, settings: &Settings) -> Result<crate::tui::Options, Error> {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let keymap = match &settings.keys {
        Some(keys) => crate::tui::keymap::Keymap::with_overrides(keys).map_err(|detail| {
            SetupText::ConfigUnreadable {
                path: crate::config::config_path().display().to_string(),
                detail,
            }
        })?,
        None => crate::tui::keymap::Keymap::default(),
    };
    Ok(crate::tui::Options {
        readonly: args.readonly,
        theme: crate::tui::Theme {
            color: !(args.mono || no_color || settings.theme.as_deref() == Some("mono")),
            ascii: args.ascii || settings.ascii == Some(true),
        },
        keymap,
    })
}

fn parse_size(text: &str) -> Option<(u16, u16)> {
    let (w, h) = text.split_once(['x', 'X', '×'])?;
    Some((w.trim().parse().ok()?, h.trim().parse().ok()?))
}

/// A read-only session is read-only in the database too: every transaction it opens is.
/// Every app session waits for locks and statements only so long, and the server stops its
/// work when the app is gone (`db::timeouts`).
fn session_config(mut config: tokio_postgres::Config, readonly: bool) -> tokio_postgres::Config {
    if readonly && db::pooling::transaction_mode() {
        db::pooling::set_read_only();
    } else if readonly {
        let options = match config.get_options() {
            Some(existing) if !existing.trim().is_empty() => {
                format!("{existing} -c default_transaction_read_only=on")
            }
            _ => "-c default_transaction_read_only=on".to_string(),
        };
        config.options(&options);
    }
    crate::db::timeouts::interactive(config)
}

async fn open_app(
    target: &DatabaseTarget,
    user: Option<String>,
    args: &AppArgs,
    settings: &Settings,
) -> Result<ExitCode, Error> {
    let options = app_options(args, settings)?;
    let mut config = target.config.clone();
    if let Some(login) = user {
        config.user(&login);
    }
    // The status bar is narrow: database and login only (the host is in `dibs local status`).
    let label = format!(
        "{} · {}",
        config.get_dbname().unwrap_or("?"),
        config.get_user().unwrap_or("?")
    );
    let config = session_config(config, options.readonly);
    // Live events need a notifier; a worker runs one, and so does this app when its
    // database login may (the owner's, on the private cluster). Several notifiers are safe.
    // Its state is on the status bar while it runs; a login that may not publish leaves
    // it to the workers (and the bar no longer counts it).
    // The notifier and the roll-up hold session advisory locks: a session of their own.
    let notifier_config = db::pooling::session_config(&target.config);
    let (notifier_up, notifier_state) = tokio::sync::watch::channel(true);
    tokio::spawn(async move {
        let publishing = crate::worker::notifier_loop(
            notifier_config,
            std::time::Duration::from_millis(200),
            Some(notifier_up.clone()),
        )
        .await;
        if let Err(error) = publishing {
            tracing::info!("this app publishes no live events: {error}");
            notifier_up.send_replace(true);
        }
    });
    // The same login keeps the collision figures current (a worker does too; several are safe).
    let rollup_config = db::pooling::session_config(&target.config);
    tokio::spawn(async move {
        if let Err(error) =
            crate::worker::rollup_loop(rollup_config, crate::worker::ROLLUP_EVERY).await
        {
            tracing::info!("this app keeps no collision figures: {error}");
        }
    });
    // Which tabs: by the person's role (a partner sees only their registrations). The
    // database enforces what each may do; a role that cannot be read opens the usual tabs.
    let role = match db::connect(&config).await {
        Ok(client) => db::pooling::unit(&client, crate::db::api::me::role(&client))
            .await
            .unwrap_or_else(|_| "rep".into()),
        Err(_) => "rep".into(),
    };
    let app = crate::tui::App::new(label, crate::text::lang(), options).for_role(&role);
    if let Some(script) = &args.keys {
        let keys = crate::tui::runtime::headless::parse_script(script)?;
        let size = parse_size(&args.size).ok_or_else(|| SetupText::BadScript {
            detail: format!("--size {}: expected WIDTHxHEIGHT", args.size),
        })?;
        let (screen, stats) = crate::tui::runtime::headless::run_script(
            config,
            app,
            &keys,
            size,
            std::time::Duration::from_secs(60),
        )
        .await?;
        println!("{screen}");
        if args.stats {
            eprintln!(
                "first frame {:.1} ms · total {:.1} ms · peak RSS {} KiB",
                stats.first_frame.as_secs_f64() * 1e3,
                stats.total.as_secs_f64() * 1e3,
                crate::tui::runtime::headless::peak_rss_kib().unwrap_or_default()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    crate::tui::runtime::terminal::run(config, app, notifier_state).await?;
    Ok(ExitCode::SUCCESS)
}

fn local(action: LocalAction, settings: &Settings) -> Result<ExitCode, Error> {
    let cluster: LocalCluster = db::target::local_cluster(settings)?;
    let path = cluster.root.display().to_string();
    match action {
        LocalAction::Start { pooler } => {
            let created = cluster.ensure_running(crate::local::Durability::Durable)?;
            if created {
                println!("{}", ClusterText::ClusterCreated { path: path.clone() });
            }
            // Create the dibs database too, so the printed URL works at once.
            let runtime_cluster = cluster.clone();
            let handle = tokio::runtime::Handle::current();
            tokio::task::block_in_place(|| {
                handle.block_on(db::target::ensure_database(
                    &runtime_cluster,
                    db::target::LOCAL_DATABASE,
                ))
            })?;
            println!(
                "{}",
                ClusterText::ClusterRunning {
                    path,
                    url: cluster.url(db::target::LOCAL_DATABASE)
                }
            );
            if pooler {
                let pooler = crate::pooler::LocalPooler::locate(&cluster)?;
                pooler.start(crate::pooler::DEFAULT_SERVER_CONNECTIONS)?;
                println!(
                    "{}",
                    ClusterText::PoolerRunning {
                        url: pooler.url(db::target::LOCAL_DATABASE),
                        listen_url: cluster.url(db::target::LOCAL_DATABASE),
                    }
                );
            }
        }
        LocalAction::Stop => {
            if let Ok(pooler) = crate::pooler::LocalPooler::locate(&cluster) {
                pooler.stop();
            }
            cluster.stop(false)?;
            println!("{}", ClusterText::ClusterStopped { path });
        }
        LocalAction::Status => {
            if !cluster.is_initialised() {
                println!("{}", ClusterText::ClusterNotInitialised { path });
                return Ok(ExitCode::from(EXIT_NOT_RUNNING));
            }
            if cluster.is_running() {
                println!(
                    "{}",
                    ClusterText::ClusterRunning {
                        path,
                        url: cluster.url(db::target::LOCAL_DATABASE)
                    }
                );
            } else {
                println!("{}", ClusterText::ClusterStopped { path });
                return Ok(ExitCode::from(EXIT_NOT_RUNNING));
            }
        }
        LocalAction::Psql => {
            if !cluster.is_running() {
                cluster.ensure_running(crate::local::Durability::Durable)?;
            }
            return Err(cluster.exec_psql(db::target::LOCAL_DATABASE));
        }
        LocalAction::Url => println!("{}", cluster.url(db::target::LOCAL_DATABASE)),
        LocalAction::Dir => println!("{}", PathBuf::from(&cluster.root).display()),
    }
    Ok(ExitCode::SUCCESS)
}
