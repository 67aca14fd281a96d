//! `dibs worker` and `dibs bench …`.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::bench;
use crate::db::{self, DatabaseTarget};
use crate::error::Error;
use crate::worker;

use super::EXIT_ERROR;
use super::records::Output;

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Run one pass and exit.
    #[arg(long)]
    pub once: bool,
    /// Show what the next pass would recycle and assign, and why; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Seconds between passes.
    #[arg(long, default_value_t = 30)]
    pub interval: u64,
    /// How many rows the preview lists.
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
}

#[derive(Debug, Subcommand)]
pub enum BenchKind {
    /// Collision analytics at scale: rollup catch-up (rows/s) beside a raw recount, each
    /// dashboard query's p50/p95 beside the raw-log query, and the rollup's cost on claims.
    Analytics {
        #[arg(long, default_value_t = 10_000_000)]
        log_rows: i64,
        #[arg(long, default_value_t = 52)]
        weeks: i32,
        #[arg(long, default_value_t = 30)]
        rounds: usize,
        #[arg(long, default_value_t = 20.0)]
        claims_seconds: f64,
        #[arg(long, default_value_t = 16)]
        claims_reps: usize,
        /// Alternating rounds of claims without and with the rollup (the figure is noisy).
        #[arg(long, default_value_t = 3)]
        claims_rounds: usize,
        /// Skip the claims comparison.
        #[arg(long)]
        no_claims: bool,
    },
    /// The 9 a.m. 抢单 burst: reps through PgBouncer (started beside the private cluster) at a
    /// barrier, fresh leads released in one commit; time until all are owned, claim latency,
    /// and the rules checked — beside a bare conditional UPDATE through the same pooler.
    Burst {
        #[arg(long, default_value_t = 1000)]
        reps: usize,
        #[arg(long, default_value_t = 200)]
        leads: usize,
        #[arg(long, default_value_t = 5)]
        limit: i32,
        #[arg(long, default_value_t = 3)]
        daily_cap: i32,
        #[arg(long, default_value_t = 3)]
        tries: usize,
        /// PgBouncer's cap on server connections for the run [default: twice this machine's
        /// cores plus one]
        #[arg(long)]
        server_connections: Option<u32>,
    },
    /// Failover: a primary and a synchronous standby of their own (temp directory), reps
    /// claiming through a two-host URL; the primary is killed, the standby promoted. Time
    /// to the first claim on the new primary, acknowledged claims lost.
    Failover {
        #[arg(long, default_value_t = 16)]
        reps: usize,
        #[arg(long, default_value_t = 20_000)]
        leads: i64,
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        /// Seconds between the kill and the promotion (a failover manager's decision time).
        #[arg(long, default_value_t = 1.0)]
        promote_after: f64,
        /// Two Patroni nodes with a local etcd instead: Patroni promotes by itself
        /// (`apt-get install patroni etcd-server`).
        #[arg(long)]
        patroni: bool,
    },
    /// Concurrent reps claiming/releasing under holding limits vs plain single-row updates.
    Claims {
        #[arg(long, default_value_t = 32)]
        reps: usize,
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        #[arg(long, default_value_t = 100_000)]
        leads: i64,
        #[arg(long, default_value_t = 20)]
        limit: i32,
        /// Run without the notifier and listener (to measure what live events cost).
        #[arg(long)]
        no_events: bool,
    },
    /// The company check (one owner per company): claims with and without it, and 16 reps
    /// racing for one company beside 16 racing for 16 companies.
    Company {
        #[arg(long, default_value_t = 32)]
        reps: usize,
        #[arg(long, default_value_t = 20.0)]
        seconds: f64,
        #[arg(long, default_value_t = 100_000)]
        leads: i64,
        #[arg(long, default_value_t = 20)]
        limit: i32,
        #[arg(long, default_value_t = 200)]
        race_rounds: usize,
    },
    /// Company ids computed for every record of a copy of the current database, beside the
    /// per-row trigger path on a sample.
    CompanyBackfill {
        #[arg(long, default_value_t = 20_000)]
        sample: i64,
    },
    /// Duplicate-check quality on labelled sets: P/R/F1, recall by kind, hard negatives, live
    /// top-1/top-5; beside the matcher this design replaced, in the same run.
    DedupQuality {
        /// A labelled set's directory (records.csv, pairs_same.csv, and optionally
        /// truth_records.csv, hard_negative_pairs.csv, pairs_branch.csv); repeat for several.
        #[arg(long = "set")]
        sets: Vec<std::path::PathBuf>,
        /// Also the project's own generated set, of this many companies (0: not).
        #[arg(long, default_value_t = 2_000)]
        generated: usize,
        /// Skip the live check (it stores each set's originals in a scratch database).
        #[arg(long)]
        no_live: bool,
    },
    /// Live duplicate-check latency on the current data (2–12 character inputs), the scan of
    /// a generated file, and an import into a copy of the database; each beside the matcher
    /// this design replaced, in the same run.
    DedupSpeed {
        #[arg(long, default_value_t = 1_100)]
        queries: usize,
        /// Records in the generated scan file (0: skip the scan).
        #[arg(long, default_value_t = 100_000)]
        scan_records: usize,
        /// Rows in the generated import file (0: skip the import; it copies the database).
        #[arg(long, default_value_t = 100_000)]
        import_rows: usize,
    },
    /// The app: frame render time with a big pool, last key → duplicate panel on the
    /// current data (seed 1,000,000 customers first), start-up to first frame, memory.
    Tui {
        #[arg(long, default_value_t = 100_000)]
        leads: usize,
        #[arg(long, default_value_t = 1_000)]
        frames: usize,
        /// Company names typed (0: skip the typing measurement).
        #[arg(long, default_value_t = 100)]
        names: usize,
        /// Milliseconds between keys while typing.
        #[arg(long, default_value_t = 80)]
        cadence_ms: u64,
        /// Start-up runs of the binary (0: skip).
        #[arg(long, default_value_t = 10)]
        startups: usize,
    },
    /// What row-level security costs the app's queries, with and without policies (same
    /// run; policies are switched off only inside a rolled-back transaction). Superuser.
    Rls {
        /// Alternating rounds of with / without.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Runs of each query per round.
        #[arg(long, default_value_t = 30)]
        runs: usize,
    },
    /// Frame render time of every pane of the app (Chinese data, 80×24 and 120×40, English and
    /// Chinese) beside an empty frame. Needs no database.
    Render {
        #[arg(long, default_value_t = 300)]
        frames: usize,
    },
    /// Reps, a manager, two workers and the app under a database restart or backend kills
    /// every `fault_every` seconds: invariants, lost rows, the app live again (private
    /// cluster only: it restarts the server).
    Soak {
        #[arg(long, default_value_t = 600.0)]
        seconds: f64,
        #[arg(long, default_value_t = 120.0)]
        fault_every: f64,
        #[arg(long, default_value_t = 50)]
        reps: usize,
        #[arg(long, default_value_t = 20_000)]
        leads: i64,
        #[arg(long, default_value_t = 20)]
        limit: i32,
    },
    /// A recycle sweep over many leads while reps claim: claim p99 with and without it.
    Recycle {
        #[arg(long, default_value_t = 1_000_000)]
        leads: i64,
        #[arg(long, default_value_t = 100_000)]
        due: i64,
        #[arg(long, default_value_t = 32)]
        reps: usize,
        /// Seconds of the quiet (no sweep) phase.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
    },
}

pub async fn worker(
    target: &DatabaseTarget,
    args: WorkerArgs,
    output: &Output,
) -> Result<ExitCode, Error> {
    if args.dry_run {
        let client = db::connect(&target.config).await?;
        let preview = worker::preview(&client, args.limit).await?;
        if output.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&preview).unwrap_or_default()
            );
        } else {
            println!("would recycle {} lead(s):", preview.recycle.len());
            for r in &preview.recycle {
                println!(
                    "  lead {:>8}  {}  from {}  ({})",
                    r.lead_id, r.pool, r.owner, r.reason
                );
            }
            println!(
                "would auto-assign (first {} new leads):",
                preview.assign.len()
            );
            for a in &preview.assign {
                let to = a.assignee.clone().unwrap_or_else(|| "stays in pool".into());
                println!(
                    "  lead {:>8}  {}  → {}  ({}; rule: {})",
                    a.lead_id,
                    a.company,
                    to,
                    a.note,
                    a.rule.clone().unwrap_or_else(|| "-".into())
                );
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report = worker::run(
        target.config.clone(),
        Duration::from_secs(args.interval.max(1)),
        args.once,
    )
    .await?;
    if let Some(report) = report {
        if output.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        } else {
            println!(
                "registrations expired {}, reviews settled {}, leads recycled {}, customers recycled {}, reminders {}, leads assigned {}, past claim counters deleted {}",
                report.registrations_expired,
                report.reviews_settled,
                report.leads_recycled,
                report.customers_recycled,
                report.reminders,
                report.leads_assigned,
                report.counters_purged
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A benchmark's report: JSON for scripts, else its text.
fn print_report<T: serde::Serialize>(
    output: &Output,
    report: &T,
    text: impl FnOnce() -> String,
) -> Result<ExitCode, Error> {
    if output.json {
        println!(
            "{}",
            serde_json::to_string_pretty(report).unwrap_or_default()
        );
    } else {
        print!("{}", text());
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn bench(
    target: &DatabaseTarget,
    which: BenchKind,
    output: &Output,
) -> Result<ExitCode, Error> {
    match which {
        BenchKind::Analytics {
            log_rows,
            weeks,
            rounds,
            claims_seconds,
            claims_reps,
            claims_rounds,
            no_claims,
        } => {
            let options = bench::analytics::AnalyticsOptions {
                log_rows,
                weeks,
                rounds,
                claims_seconds,
                claims_reps,
                claims_rounds,
                no_claims,
            };
            let report = bench::analytics::run(&target.config, options).await?;
            print_report(output, &report, || report.text())
        }
        BenchKind::Soak {
            seconds,
            fault_every,
            reps,
            leads,
            limit,
        } => {
            let Some(cluster) = &target.local else {
                return Err(crate::text::SetupText::SoakNeedsPrivateCluster.into());
            };
            let options = bench::soak::SoakOptions {
                seconds,
                fault_every,
                reps,
                leads,
                holding_limit: limit,
            };
            let report = bench::soak::soak(cluster, &target.config, options).await?;
            let clean = report.violations.total() == 0 && report.lost_rows == 0;
            print_report(output, &report, || report.text())?;
            Ok(if clean {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_ERROR)
            })
        }
        BenchKind::Company {
            reps,
            seconds,
            leads,
            limit,
            race_rounds,
        } => {
            let options = bench::company::CompanyOptions {
                reps: reps.max(16),
                seconds,
                leads,
                holding_limit: limit,
                race_rounds,
            };
            let report = bench::company::company(&target.config, options).await?;
            print_report(output, &report, || report.text())
        }
        BenchKind::CompanyBackfill { sample } => {
            let report = bench::company::company_backfill(&target.config, sample).await?;
            print_report(output, &report, || report.text())
        }
        BenchKind::Failover {
            reps,
            leads,
            seconds,
            promote_after,
            patroni,
        } => {
            let options = bench::failover::FailoverOptions {
                patroni,
                reps,
                leads,
                seconds,
                promote_after,
            };
            let report = bench::failover::failover(options).await?;
            print_report(output, &report, || report.text())
        }
        BenchKind::Burst {
            reps,
            leads,
            limit,
            daily_cap,
            tries,
            server_connections,
        } => {
            let Some(cluster) = &target.local else {
                return Err(crate::text::SetupText::BurstNeedsPrivateCluster.into());
            };
            let pooler = crate::pooler::LocalPooler::locate(cluster)?;
            let options = bench::burst::BurstOptions {
                reps,
                leads,
                limit,
                daily_cap,
                tries,
                server_connections: server_connections
                    .unwrap_or_else(crate::pooler::burst_server_connections),
            };
            let report = bench::burst::burst(&target.config, &pooler, options).await?;
            print_report(output, &report, || report.text())
        }
        BenchKind::Claims {
            reps,
            seconds,
            leads,
            limit,
            no_events,
        } => {
            let options = bench::ClaimsOptions {
                reps,
                seconds,
                leads,
                holding_limit: limit,
                live_events: !no_events,
                rollup: false,
            };
            let report = bench::claims(&target.config, options).await?;
            if output.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                println!(
                    "dibs bench claims — {} reps, {:.1} s, {} leads, limit {} each, live events {}",
                    report.reps,
                    report.seconds,
                    report.leads,
                    report.holding_limit,
                    if no_events { "off" } else { "on" }
                );
                println!(
                    "{:<34}{:>12}{:>10}{:>10}",
                    "", "per second", "p50 ms", "p99 ms"
                );
                println!(
                    "{:<34}{:>12.0}{:>10.2}{:>10.2}",
                    "ownership calls (claim+release)",
                    report.calls_per_second,
                    report.p50_ms,
                    report.p99_ms
                );
                println!(
                    "{:<34}{:>12.0}",
                    "  of which successful claims", report.claims_per_second
                );
                println!(
                    "{:<34}{:>12.0}{:>10.2}{:>10.2}",
                    "minimal correct claim+release",
                    report.minimal_calls_per_second,
                    report.minimal_p50_ms,
                    report.minimal_p99_ms
                );
                println!(
                    "{:<34}{:>12.2}",
                    "  ratio calls/minimal", report.ratio_calls_to_minimal
                );
                println!(
                    "{:<34}{:>12.0}{:>10.2}{:>10.2}",
                    "baseline: single-row UPDATE",
                    report.baseline_updates_per_second,
                    report.baseline_p50_ms,
                    report.baseline_p99_ms
                );
                println!(
                    "ratio calls/baseline {:.2}   ratio successful claims/baseline {:.2}",
                    report.ratio_calls_to_baseline, report.ratio_claims_to_baseline
                );
                println!("refusals: {:?}", report.refusals);
                println!(
                    "events published {}, received by a listener {}",
                    report.events_published, report.events_received
                );
                println!(
                    "WAL per ownership call {:.0} bytes, per minimal call {:.0}, per baseline update {:.0}",
                    report.wal_bytes_per_call,
                    report.wal_bytes_per_minimal_call,
                    report.wal_bytes_per_baseline_update
                );
                println!(
                    "{}",
                    if report.phases_start_checkpointed {
                        "each phase started right after a CHECKPOINT (equal full-page writes)"
                    } else {
                        "no CHECKPOINT between phases (the login may not ask for one): \
                         full-page writes differ between the phases"
                    }
                );
                println!(
                    "invariant violations: {} {:?}",
                    report.violations.total(),
                    report.violations
                );
            }
            Ok(if report.violations.total() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_ERROR)
            })
        }
        BenchKind::DedupQuality {
            sets,
            generated,
            no_live,
        } => {
            let report = bench::dedup_quality(&target.config, &sets, generated, !no_live).await?;
            print_report(output, &report, || report.text())
        }
        BenchKind::Render { frames } => render(frames, output),
        BenchKind::Rls { rounds, runs } => {
            let report = crate::bench::rls::run(&target.config, rounds, runs).await?;
            print_report(output, &report, || report.text())
        }
        BenchKind::Tui {
            leads,
            frames,
            names,
            cadence_ms,
            startups,
        } => {
            let options = crate::bench::tui::TuiBenchOptions {
                leads,
                frames,
                names,
                cadence_ms,
                startups,
            };
            let report = crate::bench::tui::run(&target.config, options).await?;
            print_report(output, &report, || report.text())
        }
        BenchKind::DedupSpeed {
            queries,
            scan_records,
            import_rows,
        } => {
            let report =
                bench::dedup_speed(&target.config, queries, scan_records, import_rows).await?;
            print_report(output, &report, || report.text())
        }
        BenchKind::Recycle {
            leads,
            due,
            reps,
            seconds,
        } => {
            let report = bench::recycle(&target.config, leads, due, reps, seconds).await?;
            if output.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                println!(
                    "dibs bench recycle — {} leads, {} due, {} reps claiming",
                    report.leads, report.due, reps
                );
                println!(
                    "sweep: {} recycled in {:.1} s ({:.0}/s)",
                    report.recycled,
                    report.sweep_seconds,
                    report.recycled as f64 / report.sweep_seconds.max(1e-9)
                );
                println!(
                    "{:<26}{:>10}{:>10}{:>10}",
                    "claims", "count", "p50 ms", "p99 ms"
                );
                println!(
                    "{:<26}{:>10}{:>10.2}{:>10.2}",
                    "without sweep (baseline)",
                    report.claims_quiet,
                    report.claim_p50_ms_quiet,
                    report.claim_p99_ms_quiet
                );
                println!(
                    "{:<26}{:>10}{:>10.2}{:>10.2}",
                    "during sweep",
                    report.claims_during_sweep,
                    report.claim_p50_ms_during_sweep,
                    report.claim_p99_ms_during_sweep
                );
                println!("p99 during/without: {:.2}", report.p99_ratio);
                println!(
                    "invariant violations: {} {:?}",
                    report.violations.total(),
                    report.violations
                );
            }
            Ok(if report.violations.total() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_ERROR)
            })
        }
    }
}

/// `dibs bench render`: needs no database.
pub fn render(frames: usize, output: &Output) -> Result<ExitCode, Error> {
    let report = crate::bench::render::run(frames)?;
    print_report(output, &report, || report.text())
}
