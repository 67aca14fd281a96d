//! `dibs user …`: people and their database logins, changed together through the
//! database's checked administration functions (admins; managers may set limits in their
//! teams). A password never appears on a command line, in a log or on the server: it is
//! prompted for without echo (or generated and printed once), and only its SCRAM verifier
//! is sent.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use tokio_postgres::Client;

use super::EXIT_REFUSED;
use super::records::Output;
use crate::admin::{AdminOutcome, call};
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
    #[arg(long, default_value = "rep")]
    pub role: String,
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

fn db_error(err: &tokio_postgres::Error) -> Error {
    Error::db("user administration", err)
}

async fn user_id(client: &Client, login: &str) -> Result<i64, Error> {
    crate::ownership::resolve_user(client, login).await
}

async fn lookup(client: &Client, sql: &str, key: &str, what: &str) -> Result<i64, Error> {
    if let Ok(id) = key.parse::<i64>() {
        return Ok(id);
    }
    client
        .query_opt(sql, &[&key])
        .await
        .map_err(|e| db_error(&e))?
        .map(|r| r.get(0))
        .ok_or_else(|| {
            SetupText::NoSuchThing {
                what: what.to_string(),
                name: key.to_string(),
            }
            .into()
        })
}

/// 20 characters from an alphabet without look-alikes, from the OS's random source.
fn generate_password() -> Result<String, Error> {
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

fn password_from_prompt() -> Result<String, Error> {
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

fn print(outcome: &AdminOutcome, output: &Output, what: &str) -> ExitCode {
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
            let rows = client
                .query(
                    "select u.id, u.login_role::text, u.display_name, u.role::text, coalesce(t.name, '-'), u.active,
                            coalesce((select rolcanlogin from pg_roles where rolname = u.login_role), false)
                     from dibs.users u left join dibs.teams t on t.id = u.team_id order by u.id",
                    &[],
                )
                .await
                .map_err(|e| db_error(&e))?;
            for r in rows {
                let (active, can_login): (bool, bool) = (r.get(5), r.get(6));
                println!(
                    "{:>5}  {:<16} {:<10} {:<8} {:<12} {}",
                    r.get::<_, i64>(0),
                    r.get::<_, String>(1),
                    r.get::<_, String>(2),
                    r.get::<_, String>(3),
                    r.get::<_, String>(4),
                    if active && can_login {
                        "active"
                    } else {
                        "disabled"
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        UserAction::Add(args) => {
            let team = match &args.team {
                Some(team) => Some(
                    lookup(
                        &client,
                        "select id from dibs.teams where name = $1",
                        team,
                        "team",
                    )
                    .await?,
                ),
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
            let outcome = call(
                &client,
                "dibs.user_add($1, $2, $3, $4, $5, $6)",
                &[
                    &args.login,
                    &args.name,
                    &args.role,
                    &team,
                    &verifier,
                    &args.email,
                ],
            )
            .await?;
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
            let rows = client
                .query(
                    "select entity, id, name, pool from dibs.user_holdings($1)",
                    &[&id],
                )
                .await
                .map_err(|e| db_error(&e))?;
            println!(
                "{}",
                AdminText::DisablePreview {
                    login: login.clone(),
                    count: rows.len()
                }
            );
            for r in &rows {
                println!(
                    "  {:<8} {:>8}  {}  → {}",
                    r.get::<_, String>(0),
                    r.get::<_, i64>(1),
                    r.get::<_, String>(2),
                    r.get::<_, String>(3)
                );
            }
            if !yes {
                println!("{}", AdminText::DisableConfirmHint { login });
                return Ok(ExitCode::SUCCESS);
            }
            let outcome = call(&client, "dibs.user_disable($1)", &[&id]).await?;
            Ok(print(&outcome, output, &format!("user disable {login}")))
        }
        UserAction::TransferAll {
            from,
            to,
            reason,
            yes,
        } => {
            let (from_id, to_id) = (user_id(&client, &from).await?, user_id(&client, &to).await?);
            let rows = client
                .query(
                    "select entity, id, name, pool, fits from dibs.transfer_all_preview($1, $2)",
                    &[&from_id, &to_id],
                )
                .await
                .map_err(|e| db_error(&e))?;
            let fitting = rows.iter().filter(|r| r.get::<_, bool>(4)).count();
            println!(
                "{}",
                AdminText::TransferPreview {
                    from: from.clone(),
                    to: to.clone(),
                    moves: fitting,
                    stays: rows.len() - fitting,
                }
            );
            for r in &rows {
                println!(
                    "  {:<8} {:>8}  {}  ({})  {}",
                    r.get::<_, String>(0),
                    r.get::<_, i64>(1),
                    r.get::<_, String>(2),
                    r.get::<_, String>(3),
                    if r.get::<_, bool>(4) {
                        "→"
                    } else {
                        "✗ limit"
                    }
                );
            }
            if !yes {
                println!("{}", AdminText::RepairConfirmHint);
                return Ok(ExitCode::SUCCESS);
            }
            let outcome = call(
                &client,
                "dibs.transfer_all($1, $2, $3)",
                &[&from_id, &to_id, &reason],
            )
            .await?;
            Ok(print(
                &outcome,
                output,
                &format!("user transfer-all {from} {to}"),
            ))
        }
        UserAction::UndoTransfer { batch, reason } => {
            let outcome = call(&client, "dibs.undo_transfer($1, $2)", &[&batch, &reason]).await?;
            Ok(print(
                &outcome,
                output,
                &format!("user undo-transfer {batch}"),
            ))
        }
        UserAction::SetRole { login, role } => {
            let id = user_id(&client, &login).await?;
            let outcome = call(&client, "dibs.user_set_role($1, $2)", &[&id, &role]).await?;
            Ok(print(&outcome, output, &format!("user set-role {login}")))
        }
        UserAction::SetTeam { login, team } => {
            let id = user_id(&client, &login).await?;
            let team = lookup(
                &client,
                "select id from dibs.teams where name = $1",
                &team,
                "team",
            )
            .await?;
            let outcome = call(&client, "dibs.user_set_team($1, $2)", &[&id, &team]).await?;
            Ok(print(&outcome, output, &format!("user set-team {login}")))
        }
        UserAction::SetLimit { login, pool, limit } => {
            let id = user_id(&client, &login).await?;
            let pool = lookup(
                &client,
                "select id from dibs.pools where name = $1",
                &pool,
                "pool",
            )
            .await?;
            let limit: Option<i32> = if limit == "default" {
                None
            } else {
                Some(limit.parse().map_err(|_| SetupText::NotANumber {
                    value: limit.clone(),
                })?)
            };
            let outcome = call(
                &client,
                "dibs.user_set_limit($1, $2, $3)",
                &[&id, &pool, &limit],
            )
            .await?;
            Ok(print(&outcome, output, &format!("user set-limit {login}")))
        }
    }
}

/// `dibs customer reparent`: one checked call; cycles and non-admins are refused.
pub(super) async fn reparent(
    target: &DatabaseTarget,
    id: i64,
    parent: Option<i64>,
    output: &Output,
) -> Result<ExitCode, Error> {
    let client = db::connect(&target.config).await?;
    let outcome = call(&client, "dibs.reparent_customer($1, $2)", &[&id, &parent]).await?;
    Ok(print(&outcome, output, &format!("customer reparent {id}")))
}
