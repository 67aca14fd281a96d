//! `dibs dedup check` and `dibs dedup scan`.

use std::process::ExitCode;

use clap::Subcommand;

use crate::db::{self, DatabaseTarget};
use crate::dedup::check::{check_among, load_weights};
use crate::dedup::labelled::LabelledSet;
use crate::dedup::scan::{read_records, scan, why_text, write_pairs};
use crate::domain::ownership::Entity;
use crate::domain::score::{Draft, Weights};
use crate::domain::uscc;
use crate::error::Error;
use crate::text::{DbText, DedupText};

use super::records::Output;

#[derive(Debug, Subcommand)]
pub enum DedupAction {
    /// The probable duplicates of a company, best first, with the reasons.
    Check {
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Unified social credit code (统一社会信用代码).
        #[arg(long)]
        code: Option<String>,
        /// Only leads (default: customers and leads together — a company may be either).
        #[arg(long, conflicts_with = "customers")]
        leads: bool,
        /// Only customers.
        #[arg(long)]
        customers: bool,
        /// ISO country code (for Latin-script names: evidence for or against).
        #[arg(long)]
        country: Option<String>,
        #[arg(short = 'k', long, default_value_t = 5)]
        top: usize,
    },
    /// Every pair of records in a CSV file (id,name and optionally phone,email,uscc,country)
    /// judged the same company. Needs no database.
    Scan {
        file: std::path::PathBuf,
        #[arg(long)]
        output: std::path::PathBuf,
    },
    /// Refit the scoring model on labelled sets (a directory with records.csv and
    /// pairs_same.csv each) and write it as JSON (the shipped one is data/dedup_model.json).
    /// Needs no database.
    Fit {
        /// A labelled set's directory; repeat for several. `DIR:han,han_short,latin,cross`
        /// lets a set teach only those models (all by default).
        #[arg(long = "set", required = true)]
        sets: Vec<String>,
        #[arg(long)]
        output: std::path::PathBuf,
        /// L2 penalty on the weights.
        #[arg(long, default_value_t = crate::dedup::fit::DEFAULT_L2)]
        l2: f64,
    },
}

impl DedupAction {
    /// Scan and fit work on files alone.
    pub fn needs_database(&self) -> bool {
        matches!(self, DedupAction::Check { .. })
    }
}

fn io_error(path: &std::path::Path, err: std::io::Error) -> Error {
    DbText::DatabaseError {
        during: format!("opening {}", path.display()),
        detail: err.to_string(),
    }
    .into()
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// customers or leads
    #[arg(value_parser = ["customers", "leads"])]
    pub kind: String,
    pub file: std::path::PathBuf,
    /// Validate and report only; import nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The lead pool to import leads into (by name).
    #[arg(long)]
    pub pool: Option<String>,
}

pub async fn import(
    target: &DatabaseTarget,
    args: ImportArgs,
    output: &Output,
) -> Result<ExitCode, Error> {
    let mut client = db::connect(&target.config).await?;
    let input = std::fs::File::open(&args.file).map_err(|e| io_error(&args.file, e))?;
    let entity = if args.kind == "leads" {
        Entity::Lead
    } else {
        Entity::Customer
    };
    // What is done is written down as it commits: an import that is killed leaves a record.
    let mut journal = super::journal::Journal::create(&args.file, &args.kind, !output.json);
    if journal.is_written() {
        eprintln!(
            "{}",
            DedupText::ImportJournal {
                path: journal.path.display().to_string(),
            }
        );
    }
    let report = crate::dedup::import::import_with(
        &mut client,
        entity,
        args.pool.as_deref(),
        input,
        args.dry_run,
        &mut journal,
    )
    .await?;
    journal.finish(&format!(
        "{} rows, {} imported, {} with errors, {} duplicates in the file, {} already in the database, {} blocked",
        report.rows,
        report.imported,
        report.problems.len(),
        report.duplicates_in_file.len(),
        report.duplicates_in_database.len(),
        report.blocked.len()
    ));
    if output.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        for p in &report.problems {
            println!("line {}: {}: {}", p.line, p.field, p.why);
        }
        for (line, first) in &report.duplicates_in_file {
            println!("line {line}: the same company as line {first} of this file; skipped");
        }
        for (line, id, name, score, why) in &report.duplicates_in_database {
            println!(
                "line {line}: probably {} {id} {name} ({score:.2}: {why}); skipped",
                entity.as_sql()
            );
        }
        for (line, why) in &report.blocked {
            println!("line {line}: refused by the database: {why}");
        }
        println!(
            "{} rows: {} {}, {} with errors, {} duplicates in the file, {} already in the database, {} blocked",
            report.rows,
            report.imported,
            if report.dry_run {
                "would be imported (dry run)"
            } else {
                "imported"
            },
            report.problems.len(),
            report.duplicates_in_file.len(),
            report.duplicates_in_database.len(),
            report.blocked.len()
        );
    }
    let all_in = report.imported == report.rows;
    Ok(if all_in {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_REFUSED)
    })
}

pub async fn run(
    target: &DatabaseTarget,
    action: DedupAction,
    output: &Output,
) -> Result<ExitCode, Error> {
    match action {
        DedupAction::Check {
            name,
            phone,
            email,
            code,
            leads,
            customers,
            country,
            top,
        } => {
            // The database refuses longer names; say so in words before asking it.
            let chars = name.chars().count();
            if chars > MAX_NAME_CHARS {
                return Err(DedupText::NameTooLong {
                    chars,
                    max: MAX_NAME_CHARS,
                }
                .into());
            }
            let client = db::connect(&target.config).await?;
            let kinds = match (leads, customers) {
                (true, _) => vec![Entity::Lead],
                (_, true) => vec![Entity::Customer],
                _ => vec![Entity::Customer, Entity::Lead],
            };
            let mut targets = Vec::new();
            for against in kinds {
                targets.push((
                    against,
                    load_weights(&client, Entity::Customer, against).await?,
                ));
            }
            if let Some(code) = &code
                && let Err(problem) = uscc::validate(code)
            {
                eprintln!(
                    "{}",
                    DedupText::UsccTypo {
                        code: code.clone(),
                        problem: format!("{problem:?}")
                    }
                );
            }
            let draft = Draft {
                name,
                uscc: code,
                phone,
                email,
                country,
            };
            let matches = check_among(&client, &draft, &targets, top).await?;
            if output.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&matches).unwrap_or_default()
                );
            } else if matches.is_empty() {
                println!("{}", DedupText::NoMatches);
            } else {
                for m in &matches {
                    println!(
                        "{:>5.2}  {} {:<8} {}  [{}]  {} / {}",
                        m.score,
                        m.entity.as_sql(),
                        m.id,
                        m.name,
                        why_text(&m.why),
                        m.owner.clone().unwrap_or_else(|| "-".into()),
                        m.team.clone().unwrap_or_else(|| "-".into()),
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        offline => run_offline(offline, output),
    }
}

/// The longest company name the database takes (`dibs.dedup_candidates`, the tables).
const MAX_NAME_CHARS: usize = 200;

/// The actions that need no database.
pub fn run_offline(action: DedupAction, output: &Output) -> Result<ExitCode, Error> {
    match action {
        DedupAction::Check { .. } => Ok(ExitCode::from(super::EXIT_ERROR)),
        DedupAction::Fit {
            sets,
            output: out_path,
            l2,
        } => {
            let sets = sets
                .iter()
                .map(|arg| {
                    let (dir, only) = match arg.rsplit_once(':') {
                        Some((dir, list)) => match crate::dedup::fit::parse_scripts(list) {
                            Some(only) => (dir, Some(only)),
                            None => (arg.as_str(), None),
                        },
                        None => (arg.as_str(), None),
                    };
                    LabelledSet::read(std::path::Path::new(dir)).map(|set| (set, only))
                })
                .collect::<Result<Vec<_>, Error>>()?;
            let (model, report) =
                crate::dedup::fit::fit(&sets, l2, crate::domain::model::shipped());
            let json = serde_json::to_string_pretty(&model).unwrap_or_default();
            std::fs::write(&out_path, json + "\n").map_err(|e| io_error(&out_path, e))?;
            if output.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                for (script, fit) in [
                    ("Chinese", &report.han),
                    ("Chinese, short names", &report.han_short),
                    ("Latin", &report.latin),
                    ("Chinese ↔ Latin", &report.cross),
                ] {
                    println!(
                        "{script}: {} candidate pairs ({} same, {} true pairs share no key), threshold {:.3}, F1 on these sets {:.3}",
                        fit.examples, fit.positives, fit.unreachable, fit.threshold, fit.f1
                    );
                }
                println!("→ {}", out_path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        DedupAction::Scan {
            file,
            output: out_path,
        } => {
            let input = std::fs::File::open(&file).map_err(|e| io_error(&file, e))?;
            let (records, problems) = read_records(input)?;
            for problem in &problems {
                eprintln!("line {}: {}: {}", problem.line, problem.field, problem.why);
            }
            let (pairs, report) = scan(&records, &Weights::default());
            let out = std::fs::File::create(&out_path).map_err(|e| io_error(&out_path, e))?;
            write_pairs(&pairs, out)?;
            eprintln!(
                "{} records ({} rows skipped), {} candidate pairs ({} keys, {} too common to pair), {} duplicates → {} in {:.1} s",
                report.records,
                problems.len(),
                report.candidate_pairs,
                report.blocking_keys,
                report.oversized_blocks,
                report.duplicate_pairs,
                out_path.display(),
                report.seconds
            );
            // Rows it could not read are not in the scan: a script must not take it as whole.
            Ok(if problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(super::EXIT_REFUSED)
            })
        }
    }
}
