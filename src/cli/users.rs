//! `dibs user …`: people and their database logins, changed together through the
//! database's checked administration functions (admins; managers may set limits in their
//! teams). A password never appears on a command line, in a log or on the server: it is
//! prompted for without echo (or generated and printed once), and only its SCRAM verifier
//! is sent.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::EXIT_REFUSED;
use super::records::Output;
use crate::db::api::admin::{self, AdminOutcome, NewUser};
use crate::db::{self, DatabaseTarget};
use crate::error::Error;
use crate::text::{AdminText, DbText, SetupText};

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Everyone, with role, team and whether they may log in.
    List,
    /// A new person: their PostgreSQL login and their dibs user, together.
    Add(AddArgs),
    /// Disable a person: shows what returns to the pools, then does it with --yes.
    Disable {
        login: String,
        /// Do it (without: only show what would move).
        #[arg(long)]
        yes: bool,
    },
    /// rep, manager, admin or viewer.
    SetRole { login: String, role: String },
    /// Move a person to a team (name or id).
    SetTeam { login: String, team: String },
    /// Hand everything one person holds to another (someone left): shows what moves and what
    /// would break the receiver's limit, then does it with --yes. Managers within their teams.
    TransferAll {
        from: String,
        to: String,
        /// Why (recorded with every move).
        #[arg(long)]
        reason: String,
        #[arg(long)]
        yes: bool,
    },
    /// Put back what a transfer-all moved (its batch number), where nothing changed since.
    UndoTransfer {
        batch: i64,
        #[arg(long)]
        reason: String,
    },
    /// A person's holding limit in one pool (`default`: the pool's own limit).
    SetLimit {
        login: String,
        pool: String,
        limit: String,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    pub login: String,
    /// The name colleagues see (e.g. 王芳).
    #[arg(long)]
    pub name: String,
    /// rep, manager, admin, viewer, or partner (with --partner).
    #[arg(long, default_value = "rep")]
    pub role: String,
    /// For --role partner: the partner organisation (name or id) this person works for.
    #[arg(long)]
    pub partner: Option<String>,
    /// Team name or id.
    #[arg(long)]
    pub team: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    /// Type the password (asked twice, not echoed) instead of generating one.
    #[arg(long, conflicts_with = "no_password")]
    pub password_prompt: bool,
    /// No password: the login authenticates by peer or client certificate (see README).
    #[arg(long)]
    pub no_password: bool,
}

pub(super) async fn user_id(client: &tokio_postgres::Client, login: &str) -> Result<i64, Error> {
    crate::db::api::ownership::resolve_user(client, login).await
}

/// 20 characters from an alphabet without look-alikes, from the OS's random source.
pub(super) fn generate_password() -> Result<String, Error> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .map_err(|e| DbText::DatabaseError {
            during: "generating a password".into(),
            detail: e.to_string(),
        })?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect())
}

/// Reads a line from the terminal with echo off (restored on every path).
fn read_hidden(prompt: &str) -> std::io::Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let stdin = std::io::stdin();
    let fd = libc::STDIN_FILENO;
    // SAFETY: termios is plain data; tcgetattr fills it or fails, and we only call
    // tcsetattr with a value tcgetattr produced.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    let is_tty = stdin.is_terminal() && unsafe { libc::tcgetattr(fd, &mut saved) } == 0;
    if is_tty {
        let mut quiet = saved;
        quiet.c_lflag &= !libc::ECHO;
        quiet.c_lflag |= libc::ECHONL;
        // SAFETY: see above.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) };
    }
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    if is_tty {
        // SAFETY: restores what tcgetattr returned.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
    }
    read?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub(super) fn password_from_prompt() -> Result<String, Error> {
    let io = |e: std::io::Error| -> Error {
        DbText::DatabaseError {
            during: "reading the password".into(),
            detail: e.to_string(),
        }
        .into()
    };
    let first = read_hidden(&AdminText::PasswordPrompt.to_string()).map_err(io)?;
    let second = read_hidden(&AdminText::PasswordAgain.to_string()).map_err(io)?;
    if first != second {
        return Err(AdminText::PasswordsDiffer.into());
    }
    if first.chars().count() < 12 {
        return Err(AdminText::PasswordTooShort.into());
    }
    Ok(first)
}

pub(super) fn print(outcome: &AdminOutcome, output: &Output, what: &str) -> ExitCode {
    if output.json {
        println!(
            "{}",
            serde_json::to_string_pretty(outcome).unwrap_or_default()
        );
    } else {
        println!("{}", outcome.words(what));
    }
    if outcome.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REFUSED)
    }
}

pub async fn run(
    target: &DatabaseTarget,
    action: UserAction,
    output: &Output,
) -> Result<ExitCode, Error> {
    let client = db::connect(&target.config).await?;
    match action {
        UserAction::List => {
            for user in admin::users(&client).await? {
                println!(
                    "{:>5}  {:<16} {:<10} {:<8} {:<12} {}",
                    user.id,
                    user.login,
                    user.name,
                    user.role,
                    user.team,
                    if user.active { "active" } else { "disabled" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        UserAction::Add(args) => {
            let team = match &args.team {
                Some(team) => Some(admin::team_id(&client, team).await?),
                None => None,
            };
            let (password, generated) = if args.no_password {
                (None, false)
            } else if args.password_prompt {
                (Some(password_from_prompt()?), false)
            } else {
                (Some(generate_password()?), true)
            };
            let verifier = password
                .as_ref()
                .map(|p| postgres_protocol::password::scram_sha_256(p.as_bytes()));
            let outcome = if args.role == "partner" || args.partner.is_some() {
                let partner = crate::db::api::partners::resolve(
                    &client,
                    args.partner.as_deref().unwrap_or_default(),
                )
                .await?;
                crate::db::api::partners::person_add(
                    &client,
                    &args.login,
                    &args.name,
                    partner,
                    verifier,
                    args.email.as_deref(),
                )
                .await?
            } else {
                admin::user_add(
                    &client,
                    &NewUser {
                        login: &args.login,
                        name: &args.name,
                        role: &args.role,
                        team,
                        verifier,
                        email: args.email.as_deref(),
                    },
                )
                .await?
            };
            let code = print(&outcome, output, &format!("user add {}", args.login));
            if outcome.ok
                && generated
                && let Some(password) = password
            {
                // Shown once, on the terminal only; dibs keeps no copy.
                println!("{}", AdminText::PasswordGenerated { password });
            }
            Ok(code)
        }
        UserAction::Disable { login, yes } => {
            let id = user_id(&client, &login).await?;
            let held = admin::holdings(&client, id).await?;
            println!(
                "{}",
                AdminText::DisablePreview {
                    login: login.clone(),
                    count: held.len()
                }
            );
            for h in &held {
                println!("  {:<8} {:>8}  {}  → {}", h.entity, h.id, h.name, h.pool);
            }
            if !yes {
                println!("{}", AdminText::DisableConfirmHint { login });
                return Ok(ExitCode::SUCCESS);
            }
            let outcome = admin::user_disable(&client, id).await?;
            Ok(print(&outcome, output, &format!("user disable {login}")))
        }
        UserAction::TransferAll {
            from,
            to,
            reason,
            yes,
        } => {
            let (from_id, to_id) = (user_id(&client, &from).await?, user_id(&client, &to).await?);
            let items = admin::transfer_all_preview(&client, from_id, to_id).await?;
            let fitting = items.iter().filter(|i| i.fits).count();
            println!(
                "{}",
                AdminText::TransferPreview {
                    from: from.clone(),
                    to: to.clone(),
                    moves: fitting,
                    stays: items.len() - fitting,
                }
            );
            for i in &items {
                println!(
                    "  {:<8} {:>8}  {}  ({})  {}",
                    i.entity,
                    i.id,
                    i.name,
                    i.pool,
                    if i.fits { "→" } else { "✗ limit" }
                );
            }
            if !yes {
                println!("{}", AdminText::RepairConfirmHint);
                return Ok(ExitCode::SUCCESS);
            }
            let outcome = admin::transfer_all(&client, from_id, to_id, &reason).await?;
            Ok(print(
                &outcome,
                output,
                &format!("user transfer-all {from} {to}"),
            ))
        }
        UserAction::UndoTransfer { batch, reason } => {
            let outcome = admin::undo_transfer(&client, batch, &reason).await?;
            Ok(print(
                &outcome,
                output,
                &format!("user undo-transfer {batch}"),
            ))
        }
        UserAction::SetRole { login, role } => {
            let id = user_id(&client, &login).await?;
            let outcome = admin::user_set_role(&client, id, &role).await?;
            Ok(print(&outcome, output, &format!("user set-role {login}")))
        }
        UserAction::SetTeam { login, team } => {
            let id = user_id(&client, &login).await?;
            let team = admin::team_id(&client, &team).await?;
            let outcome = admin::user_set_team(&client, id, team).await?;
            Ok(print(&outcome, output, &format!("user set-team {login}")))
        }
        UserAction::SetLimit { login, pool, limit } => {
            let id = user_id(&client, &login).await?;
            let pool = admin::pool_id(&client, &pool).await?;
            let limit: Option<i32> = if limit == "default" {
                None
            } else {
                Some(limit.parse().map_err(|_| SetupText::NotANumber {
                    value: limit.clone(),
                })?)
            };
            let outcome = admin::user_set_limit(&client, id, pool, limit).await?;
            Ok(print(&outcome, output, &format!("user set-limit {login}")))
        }
    }
}

/// `dibs customer alias`: one checked call; who may is the database's to say.
pub(super) async fn alias_add(
    target: &DatabaseTarget,
    id: i64,
    name: &str,
    kind: &str,
    output: &Output,
) -> Result<ExitCode, Error> {
    let client = db::connect(&target.config).await?;
    let outcome = admin::alias_add(&client, id, name, kind).await?;
    Ok(print(
        &outcome,
        output,
        &format!("customer alias {id} {name}"),
    ))
}

/// `dibs customer aliases`: the names a customer is also known as.
pub(super) async fn aliases(
    target: &DatabaseTarget,
    id: i64,
    output: &Output,
) -> Result<ExitCode, Error> {
    let client = db::connect(&target.config).await?;
    let aliases = admin::aliases_of(&client, id).await?;
    if output.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&aliases).unwrap_or_default()
        );
    } else {
        for alias in &aliases {
            println!("{}\t{}\t{}", alias.name, alias.kind, alias.source);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `dibs customer reparent`: one checked call; cycles and non-admins are refused.
pub(super) async fn reparent(
    target: &DatabaseTarget,
    id: i64,
    parent: Option<i64>,
    output: &Output,
) -> Result<ExitCode, Error> {
    let client = db::connect(&target.config).await?;
    let outcome = admin::reparent(&client, id, parent).await?;
    Ok(print(&outcome, output, &format!("customer reparent {id}")))
}
