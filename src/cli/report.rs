//! `dibs report`: the collision analytics for managers, on the command line and as a file.
//! Each metric is a subcommand over a period (`--from`/`--to`, default the last 28 days) in
//! the caller's scope, printed as an aligned table, CSV (UTF-8 with a BOM, for Excel) or
//! JSON; `--html FILE` writes the self-contained report (`crate::report::html`).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use tokio_postgres::Client;

use super::records::Output;
use crate::db::api::analytics;
use crate::db::{self, DatabaseTarget};
use crate::domain::analytics::{Period, rate};
use crate::error::Error;
use crate::text::analytics::{Word, freshness, hours, percent, reason_words};
use crate::text::{AdminText, SetupText};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    /// Write the collision report as one self-contained HTML file (inline charts, no
    /// scripts, nothing fetched) for the period; mail it around.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    #[command(flatten)]
    range: RangeArgs,
    #[command(subcommand)]
    which: Option<ReportKind>,
}

/// The period of a report.
#[derive(Debug, Args, Clone, Copy)]
pub struct RangeArgs {
    /// First day (YYYY-MM-DD); default: 27 days before --to.
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD); default: today.
    #[arg(long)]
    to: Option<NaiveDate>,
}

impl RangeArgs {
    fn period(self) -> Result<Period, Error> {
        let to = self.to.unwrap_or_else(|| chrono::Local::now().date_naive());
        let from = self.from.unwrap_or(to - chrono::Duration::days(27));
        if from > to {
            return Err(SetupText::BadDateRange {
                from: from.to_string(),
                to: to.to_string(),
            }
            .into());
        }
        Ok(Period { from, to })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args, Clone, Copy)]
pub struct FormatArgs {
    /// table (aligned, for a terminal), csv (UTF-8 with a BOM, opens in Excel) or json.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// The same as --format csv.
    #[arg(long)]
    csv: bool,
}

impl FormatArgs {
    fn chosen(self, output: &Output) -> Format {
        if output.json {
            Format::Json
        } else if self.csv {
            Format::Csv
        } else {
            self.format
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ReportKind {
    /// Companies held by more than one owner today: who, which records, since when, last
    /// follow-up of each (your scope; --json, or --csv).
    Collisions {
        #[arg(long)]
        csv: bool,
    },
    /// Attempts, collisions (撞单), the collision rate (撞单率) and races (抢单), counted in
    /// attempt-days (one person, one company or record, one day), by day, ISO week, rep or team.
    CollisionRate {
        #[command(flatten)]
        range: RangeArgs,
        #[arg(long, default_value = "day", value_parser = ["day", "week", "rep", "team"])]
        by: String,
        #[command(flatten)]
        format: FormatArgs,
    },
    /// Refusal-days by reason (someone holds it, holding limit, daily cap, cooldown …).
    Refusals {
        #[command(flatten)]
        range: RangeArgs,
        #[command(flatten)]
        format: FormatArgs,
    },
    /// Per person: attempts, collisions, races, records taken and recycled, refusals for
    /// limits, and how full the fullest pool is now (保有量饱和度).
    People {
        #[command(flatten)]
        range: RangeArgs,
        #[command(flatten)]
        format: FormatArgs,
    },
    /// The companies most collided on (被争抢客户), and how many people attempted each.
    Contested {
        #[command(flatten)]
        range: RangeArgs,
        #[arg(long, default_value_t = 20)]
        limit: i32,
        #[command(flatten)]
        format: FormatArgs,
    },
    /// Conversion cohorts: leads taken per ISO week and pool, and how many were converted
    /// within 90 days of the take (so far).
    Cohorts {
        #[command(flatten)]
        range: RangeArgs,
        #[command(flatten)]
        format: FormatArgs,
    },
    /// The headline figures beside the period of the same length before.
    Summary {
        #[command(flatten)]
        range: RangeArgs,
        #[command(flatten)]
        format: FormatArgs,
    },
}

pub async fn report(
    target: &DatabaseTarget,
    args: ReportArgs,
    output: &Output,
) -> Result<ExitCode, Error> {
    // Reports may lag: from the replica when there is one.
    let client = db::replica::connect_for_report(&target.config).await?;
    let which = match (args.html, args.which) {
        (Some(path), _) => return html(&client, args.range.period()?, &path).await,
        (None, Some(which)) => which,
        (None, None) => {
            return Err(SetupText::ReportNeedsKind.into());
        }
    };
    let lang = crate::text::lang();
    let w = |word: Word| word.render(lang).to_string();
    let table = match which {
        ReportKind::Collisions { csv } => return collisions(&client, csv, output).await,
        ReportKind::CollisionRate { range, by, format } => {
            let period = range.period()?;
            let groups: Vec<analytics::GroupFigures> = if by == "day" {
                analytics::collision_figures(&client, period.from, period.to, None)
                    .await?
                    .into_iter()
                    .map(|d| analytics::GroupFigures {
                        label: d.day.to_string(),
                        attempts: d.attempts,
                        collisions: d.collisions,
                        races: d.races,
                    })
                    .collect()
            } else {
                analytics::collision_breakdown(&client, period.from, period.to, &by).await?
            };
            let (attempts, collisions) = groups
                .iter()
                .fold((0, 0), |(a, c), g| (a + g.attempts, c + g.collisions));
            let total = (attempts > 0).then(|| {
                format!(
                    "{} – {}: {attempts} {}, {collisions} {}, {} {}",
                    period.from,
                    period.to,
                    w(Word::Attempts),
                    w(Word::Collisions),
                    w(Word::Rate),
                    percent(rate(collisions, attempts))
                )
            });
            Table {
                head: vec![
                    by.clone(),
                    w(Word::Attempts),
                    w(Word::Collisions),
                    w(Word::Rate),
                    w(Word::Races),
                ],
                rows: groups
                    .iter()
                    .map(|g| {
                        vec![
                            g.label.clone(),
                            g.attempts.to_string(),
                            g.collisions.to_string(),
                            percent(rate(g.collisions, g.attempts)),
                            g.races.to_string(),
                        ]
                    })
                    .collect(),
                json: serde_json::to_value(&groups).unwrap_or_default(),
                total,
                format: format.chosen(output),
            }
        }
        ReportKind::Refusals { range, format } => {
            let reasons = analytics::refusal_reasons(&client, range.period()?, None).await?;
            Table {
                head: vec!["reason".into(), w(Word::Reasons), w(Word::Refusals)],
                rows: reasons
                    .iter()
                    .map(|r| {
                        vec![
                            r.reason.clone(),
                            reason_words(&r.reason, lang),
                            r.refusals.to_string(),
                        ]
                    })
                    .collect(),
                json: serde_json::to_value(&reasons).unwrap_or_default(),
                total: None,
                format: format.chosen(output),
            }
        }
        ReportKind::People { range, format } => {
            let people = analytics::rep_figures(&client, range.period()?).await?;
            Table {
                head: vec![
                    w(Word::Person),
                    w(Word::Team),
                    w(Word::Attempts),
                    w(Word::Collisions),
                    w(Word::Rate),
                    w(Word::Races),
                    w(Word::Taken),
                    w(Word::Recycled),
                    w(Word::LimitRefusals),
                    w(Word::Saturation),
                ],
                rows: people
                    .iter()
                    .map(|p| {
                        vec![
                            p.name.clone(),
                            p.team.clone(),
                            p.attempts.to_string(),
                            p.collisions.to_string(),
                            percent(p.tally().rate()),
                            p.races.to_string(),
                            p.taken.to_string(),
                            p.recycled.to_string(),
                            p.limit_refusals.to_string(),
                            match (p.held, p.holding_limit) {
                                (Some(h), Some(l)) => format!("{h}/{l}"),
                                _ => "-".into(),
                            },
                        ]
                    })
                    .collect(),
                json: serde_json::to_value(&people).unwrap_or_default(),
                total: None,
                format: format.chosen(output),
            }
        }
        ReportKind::Contested {
            range,
            limit,
            format,
        } => {
            let companies =
                analytics::contested_companies(&client, range.period()?, limit, None).await?;
            Table {
                head: vec![
                    "id".into(),
                    w(Word::Company),
                    w(Word::Collisions),
                    w(Word::People),
                ],
                rows: companies
                    .iter()
                    .map(|c| {
                        vec![
                            c.company_id.to_string(),
                            c.name.clone(),
                            c.collisions.to_string(),
                            c.people.to_string(),
                        ]
                    })
                    .collect(),
                json: serde_json::to_value(&companies).unwrap_or_default(),
                total: None,
                format: format.chosen(output),
            }
        }
        ReportKind::Cohorts { range, format } => {
            let cohorts = analytics::conversion_cohorts(&client, range.period()?, None).await?;
            Table {
                head: vec![
                    w(Word::Week),
                    w(Word::Pool),
                    w(Word::Taken),
                    w(Word::Converted),
                    "%".into(),
                ],
                rows: cohorts
                    .iter()
                    .map(|c| {
                        vec![
                            c.week.to_string(),
                            c.pool.clone(),
                            c.taken.to_string(),
                            c.converted.to_string(),
                            percent(rate(c.converted, c.taken)),
                        ]
                    })
                    .collect(),
                json: serde_json::to_value(&cohorts).unwrap_or_default(),
                total: None,
                format: format.chosen(output),
            }
        }
        ReportKind::Summary { range, format } => {
            let period = range.period()?;
            let now = analytics::summary(&client, period, None).await?;
            let before = analytics::summary(&client, period.previous(), None).await?;
            let followed = analytics::first_followup(&client, period, None).await?;
            let followed_before =
                analytics::first_followup(&client, period.previous(), None).await?;
            let pairs: [(Word, String, String); 18] = [
                (
                    Word::Attempts,
                    now.attempts.to_string(),
                    before.attempts.to_string(),
                ),
                (
                    Word::Collisions,
                    now.collisions.to_string(),
                    before.collisions.to_string(),
                ),
                (
                    Word::Rate,
                    percent(now.tally().rate()),
                    percent(before.tally().rate()),
                ),
                (Word::Races, now.races.to_string(), before.races.to_string()),
                (
                    Word::Contested,
                    now.contested.to_string(),
                    before.contested.to_string(),
                ),
                (Word::Taken, now.taken.to_string(), before.taken.to_string()),
                (
                    Word::RecycleRate,
                    percent(rate(now.recycled, now.taken)),
                    percent(rate(before.recycled, before.taken)),
                ),
                (
                    Word::Refusals,
                    now.refusals.to_string(),
                    before.refusals.to_string(),
                ),
                (
                    Word::Blocked,
                    now.blocked.to_string(),
                    before.blocked.to_string(),
                ),
                (
                    Word::Warned,
                    now.warned.to_string(),
                    before.warned.to_string(),
                ),
                (
                    Word::Overridden,
                    now.overridden.to_string(),
                    before.overridden.to_string(),
                ),
                (
                    Word::Reclaimed,
                    now.reclaimed.to_string(),
                    before.reclaimed.to_string(),
                ),
                (
                    Word::Shadow,
                    now.shadow.to_string(),
                    before.shadow.to_string(),
                ),
                (
                    Word::ChannelConflicts,
                    now.channel_conflicts.to_string(),
                    before.channel_conflicts.to_string(),
                ),
                (
                    Word::BadOverrides,
                    now.bad_overrides.to_string(),
                    before.bad_overrides.to_string(),
                ),
                (
                    Word::FollowedIn24h,
                    percent(rate(followed.within_24h, followed.taken)),
                    percent(rate(followed_before.within_24h, followed_before.taken)),
                ),
                (
                    Word::FollowUpP50,
                    hours(followed.p50_hours, lang),
                    hours(followed_before.p50_hours, lang),
                ),
                (
                    Word::FollowUpP90,
                    hours(followed.p90_hours, lang),
                    hours(followed_before.p90_hours, lang),
                ),
            ];
            #[derive(Serialize)]
            struct Both {
                from: NaiveDate,
                to: NaiveDate,
                now: analytics::Summary,
                before: analytics::Summary,
                followup: analytics::FollowUpFigures,
                followup_before: analytics::FollowUpFigures,
            }
            Table {
                head: vec![
                    String::new(),
                    format!("{} – {}", period.from, period.to),
                    format!("{} – {}", period.previous().from, period.previous().to),
                ],
                rows: pairs
                    .into_iter()
                    .map(|(word, a, b)| vec![w(word), a, b])
                    .collect(),
                json: serde_json::to_value(Both {
                    from: period.from,
                    to: period.to,
                    now,
                    before,
                    followup: followed,
                    followup_before: followed_before,
                })
                .unwrap_or_default(),
                total: None,
                format: format.chosen(output),
            }
        }
    };
    table.print()?;
    // Figures come from the rollups: say when they are not current.
    let lag = analytics::lag(&client).await?;
    if lag.counted_at.is_none() || lag.rows_behind > 0 {
        let counted = lag.counted_at.map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        });
        eprintln!("{}", freshness(counted.as_deref(), lag.rows_behind, lang));
    }
    Ok(ExitCode::SUCCESS)
}

/// A report's rows in the three forms.
struct Table {
    head: Vec<String>,
    rows: Vec<Vec<String>>,
    json: serde_json::Value,
    total: Option<String>,
    format: Format,
}

impl Table {
    fn print(self) -> Result<(), Error> {
        use std::io::Write;
        // A closed pipe (`| head`) ends the output quietly.
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Json => {
                let _ = writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&self.json).unwrap_or_else(|_| "[]".into())
                );
            }
            Format::Csv => {
                let mut rows = vec![self.head];
                rows.extend(self.rows);
                let bytes = crate::tui::export::csv_bytes(&rows).map_err(|e| {
                    crate::text::TuiText::FileError {
                        path: "stdout".into(),
                        detail: e.to_string(),
                    }
                })?;
                let _ = out.write_all(&bytes);
            }
            Format::Table => {
                let columns = self.head.len();
                let widths: Vec<usize> = (0..columns)
                    .map(|i| {
                        std::iter::once(&self.head)
                            .chain(&self.rows)
                            .map(|r| {
                                r.get(i).map_or(0, |c| {
                                    unicode_width::UnicodeWidthStr::width(c.as_str())
                                })
                            })
                            .max()
                            .unwrap_or(0)
                    })
                    .collect();
                for row in std::iter::once(&self.head).chain(&self.rows) {
                    let line: Vec<String> = row
                        .iter()
                        .zip(&widths)
                        .enumerate()
                        .map(|(i, (cell, width))| {
                            if i == 0 {
                                crate::text::pad_to_width(cell, *width)
                            } else {
                                let used = unicode_width::UnicodeWidthStr::width(cell.as_str());
                                format!("{}{cell}", " ".repeat(width.saturating_sub(used)))
                            }
                        })
                        .collect();
                    if writeln!(out, "{}", line.join("  ").trim_end()).is_err() {
                        return Ok(());
                    }
                }
                if let Some(total) = self.total {
                    let _ = writeln!(out, "{total}");
                }
            }
        }
        Ok(())
    }
}

/// `dibs report --html FILE`: the report for the period, written whole or not at all.
async fn html(client: &Client, period: Period, path: &std::path::Path) -> Result<ExitCode, Error> {
    let lang = crate::text::lang();
    let dashboard = analytics::dashboard(client, period, None).await?;
    let me = analytics::signed_in_as(client).await.ok();
    let now = chrono::Local::now();
    let counted = freshness(
        dashboard
            .lag
            .counted_at
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .as_deref(),
        dashboard.lag.rows_behind,
        lang,
    );
    let page = crate::report::html::render(
        &dashboard,
        &crate::report::html::ReportContext {
            lang,
            scope: me.as_deref().unwrap_or("-"),
            generated: &now.format("%Y-%m-%d %H:%M").to_string(),
            counted: &counted,
        },
    );
    let failed = |e: std::io::Error| crate::text::TuiText::FileError {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    let partial = path.with_extension("html.partial");
    std::fs::write(&partial, page.as_bytes()).map_err(failed)?;
    std::fs::rename(&partial, path).map_err(failed)?;
    println!("{} ({} bytes)", path.display(), page.len());
    Ok(ExitCode::SUCCESS)
}

async fn collisions(client: &Client, csv: bool, output: &Output) -> Result<ExitCode, Error> {
    let records = crate::db::api::company::collisions(client).await?;
    if output.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&records).unwrap_or_else(|_| "[]".into())
        );
        return Ok(ExitCode::SUCCESS);
    }
    let time = |t: &Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "-".into())
    };
    if csv {
        let mut rows = vec![
            [
                "company",
                "entity",
                "id",
                "name",
                "owner",
                "team",
                "owned_since",
                "last_followup",
            ]
            .map(String::from)
            .to_vec(),
        ];
        rows.extend(records.iter().map(|r| {
            vec![
                r.company.to_string(),
                r.entity.clone(),
                r.id.to_string(),
                r.name.clone(),
                r.owner.clone(),
                r.team.clone().unwrap_or_default(),
                time(&r.owned_since),
                time(&r.last_followup),
            ]
        }));
        // Names are what people typed: written so a spreadsheet never runs one.
        let bytes =
            crate::tui::export::csv_plain(&rows).map_err(|e| crate::text::TuiText::FileError {
                path: "stdout".into(),
                detail: e.to_string(),
            })?;
        use std::io::Write;
        let _ = std::io::stdout().write_all(&bytes);
        return Ok(ExitCode::SUCCESS);
    }
    let companies = records
        .iter()
        .map(|r| r.company)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if companies == 0 {
        println!("{}", AdminText::CollisionsNone);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}", AdminText::CollisionsHeader { companies });
    let mut last = None;
    for r in &records {
        if last != Some(r.company) {
            println!();
            last = Some(r.company);
        }
        println!(
            "  ⚠ {:<8} {:>7}  {}  {} ({})  {} · {}",
            r.entity,
            r.id,
            r.name,
            r.owner,
            r.team.as_deref().unwrap_or("-"),
            time(&r.owned_since),
            time(&r.last_followup)
        );
    }
    Ok(ExitCode::SUCCESS)
}
