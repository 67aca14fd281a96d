use std::process::ExitCode;

use clap::Parser;

use dibs::cli::{Cli, EXIT_ERROR, run};
use dibs::config::Settings;
use dibs::text::{Lang, set_lang};

/// Logs go to a file: the terminal belongs to the TUI.
fn init_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = dibs::config::log_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let (writer, guard) =
        tracing_appender::non_blocking(tracing_appender::rolling::never(dir, "dibs.log"));
    let filter = tracing_subscriber::EnvFilter::try_from_env("DIBS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _log_guard = init_logging();
    let (settings, warnings) = match Settings::load() {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("dibs: {err}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let lang = cli
        .lang
        .as_deref()
        .or(settings.lang.as_deref())
        .and_then(Lang::parse)
        .unwrap_or_else(Lang::from_env);
    set_lang(lang);
    dibs::db::timeouts::install(settings.client_timeouts());
    match settings.pooling() {
        Ok(pooling) => dibs::db::pooling::install(pooling),
        Err(err) => {
            eprintln!("dibs: {err}");
            return ExitCode::from(EXIT_ERROR);
        }
    }
    for warning in warnings {
        eprintln!("dibs: {warning}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("dibs: {err}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match runtime.block_on(run(cli, settings)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("dibs: {err}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
