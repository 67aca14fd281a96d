//! `dibs partner …` and `dibs review …`: channel partners (渠道报备). Administration is for
//! admins; the availability check and registering for a partner's people and channel
//! managers; reviews for neutral managers and channel managers. The database decides who may
//! (sql/code/85_partners.sql); this prints its answers.

use std::process::ExitCode;

use chrono::Utc;
use clap::{Args, Subcommand};

use super::EXIT_REFUSED;
use super::records::{Output, run_actions};
use super::users::print;
use crate::db::api::partners;
use crate::db::{self, DatabaseTarget};
use crate::domain::ownership::{Action, PartnerRegistration};
use crate::error::Error;
use crate::text::PartnerText;

#[derive(Debug, Subcommand)]
pub enum PartnerAction {
    /// A new partner organisation (admins). TIER: gold, silver or registered.
    Add {
        name: String,
        #[arg(long)]
        tier: String,
        /// Its unified social credit code.
        #[arg(long)]
        code: Option<String>,
        /// The channel manager (login or id) who reviews and registers for it.
        #[arg(long)]
        channel_manager: Option<String>,
    },
    /// Partners with their tier, terms and use (admins, managers).
    List,
    /// Change a partner's tier (running registrations keep their terms).
    SetTier { partner: String, tier: String },
    /// Disable a partner: its people can neither check nor register.
    Disable { partner: String },
    /// Is a company available to register? Answers available / unavailable / invalid only,
    /// counted against the partner's daily number of checks.
    Check(CheckArgs),
    /// Register (报备) a company by name, code or phone for your partner (channel managers:
    /// --for PARTNER, 代报备).
    Register(RegisterArgs),
    /// Your partner's registrations and review requests (partner logins).
    Mine,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub code: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    /// Channel managers: the partner checked for.
    #[arg(long = "for")]
    pub for_partner: Option<String>,
}

#[derive(Debug, Args)]
pub struct RegisterArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub code: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
    /// If direct sales hold the company: ask a neutral manager to review.
    #[arg(long)]
    pub review: bool,
    /// Channel managers: the partner registered for (代报备).
    #[arg(long = "for")]
    pub for_partner: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReviewAction {
    /// Reviews you may decide, with both sides' evidence (--all: decided ones too).
    List {
        #[arg(long)]
        all: bool,
    },
    /// The partner wins: the direct side's records go back to their pools, the registration runs.
    Approve {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Direct sales keep the company.
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
    },
}

pub async fn partner(
    target: &DatabaseTarget,
    action: PartnerAction,
    output: &Output,
) -> Result<ExitCode, Error> {
    if let PartnerAction::Register(args) = action {
        let client = db::connect(&target.config).await?;
        let partner = match &args.for_partner {
            Some(p) => Some(partners::resolve(&client, p).await?),
            None => None,
        };
        drop(client);
        let action = Action::PartnerRegister(PartnerRegistration {
            name: args.name,
            code: args.code,
            phone: args.phone,
            note: args.note,
            review: args.review,
            partner,
        });
        return run_actions(target, vec![action], output).await;
    }
    let client = db::connect(&target.config).await?;
    match action {
        PartnerAction::Register(_) => Ok(ExitCode::SUCCESS),
        PartnerAction::Add {
            name,
            tier,
            code,
            channel_manager,
        } => {
            let manager = match &channel_manager {
                Some(m) => Some(super::users::user_id(&client, m).await?),
                None => None,
            };
            let outcome = partners::add(&client, &name, &tier, code.as_deref(), manager).await?;
            Ok(print(&outcome, output, &format!("partner add {name}")))
        }
        PartnerAction::List => {
            let lines = partners::list(&client).await?;
            if output.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&lines).unwrap_or_default()
                );
            } else {
                println!("{}", PartnerText::ListHeader);
                for p in &lines {
                    println!("{}", PartnerText::ListLine(Box::new(p.clone())));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PartnerAction::SetTier { partner, tier } => {
            let id = partners::resolve(&client, &partner).await?;
            let outcome = partners::set_tier(&client, id, &tier).await?;
            Ok(print(
                &outcome,
                output,
                &format!("partner set-tier {partner} {tier}"),
            ))
        }
        PartnerAction::Disable { partner } => {
            let id = partners::resolve(&client, &partner).await?;
            let outcome = partners::disable(&client, id).await?;
            Ok(print(
                &outcome,
                output,
                &format!("partner disable {partner}"),
            ))
        }
        PartnerAction::Check(args) => {
            let partner = match &args.for_partner {
                Some(p) => Some(partners::resolve(&client, p).await?),
                None => None,
            };
            let answer = partners::check(
                &client,
                partner,
                &args.name,
                args.code.as_deref(),
                args.phone.as_deref(),
            )
            .await?;
            if output.json {
                println!("{}", serde_json::json!({ "answer": answer }));
            } else {
                println!("{}", PartnerText::Answer(answer.clone()));
            }
            Ok(if answer == "available" || answer == "yours" {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_REFUSED)
            })
        }
        PartnerAction::Mine => {
            let lines = partners::my_registrations(&client).await?;
            if output.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&lines).unwrap_or_default()
                );
            } else {
                let now = Utc::now();
                for line in &lines {
                    println!("{}", PartnerText::MineLine(Box::new(line.clone()), now));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn review(
    target: &DatabaseTarget,
    action: ReviewAction,
    output: &Output,
) -> Result<ExitCode, Error> {
    let (review, approve, reason) = match action {
        ReviewAction::List { all } => {
            let client = db::connect(&target.config).await?;
            let lines = partners::review_queue(&client, all).await?;
            if output.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&lines).unwrap_or_default()
                );
            } else if lines.is_empty() {
                println!("{}", PartnerText::NoReviews);
            } else {
                for line in &lines {
                    println!("{}", PartnerText::ReviewLine(Box::new(line.clone())));
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        ReviewAction::Approve { id, reason } => (id, true, reason),
        ReviewAction::Reject { id, reason } => (id, false, reason),
    };
    run_actions(
        target,
        vec![Action::DecideReview {
            review,
            approve,
            reason,
        }],
        output,
    )
    .await
}
