//! One error type for all of dibs. An error keeps what happened as data — a sentence from
//! `text`, or the database's SQLSTATE and message, or why a connection failed — and the words
//! are chosen when it is shown, in the reader's language (`render`).

use std::fmt;

use crate::text::{DbText, Lang, Text, lang};

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// An expected failure whose whole story is a sentence (a missing program, a bad config
    /// file, an unknown user…): shown as it is, never with a backtrace.
    Said(Text),
    /// The server refused a statement: its SQLSTATE and message, and what dibs was doing.
    Database {
        during: String,
        code: String,
        message: String,
    },
    /// No answer from the server: the connection could not be made or broke.
    Connection { during: String, detail: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A driver error, with what dibs was doing when it happened.
    pub fn db(during: &str, err: &tokio_postgres::Error) -> Error {
        match err.as_db_error() {
            Some(db) => Error::Database {
                during: during.to_string(),
                code: db.code().code().to_string(),
                message: db.message().to_string(),
            },
            None => Error::Connection {
                during: during.to_string(),
                detail: std::error::Error::source(err)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| err.to_string()),
            },
        }
    }

    /// For `map_err` on driver errors, saying what dibs was doing:
    /// `.map_err(Error::doing("reading the board"))`.
    pub fn doing(what: &'static str) -> impl Fn(tokio_postgres::Error) -> Error {
        move |err| Error::db(what, &err)
    }

    /// The same error, saying what dibs was doing (kept if already said).
    pub fn during(self, what: &str) -> Error {
        match self {
            Error::Database {
                during,
                code,
                message,
            } if during.is_empty() => Error::Database {
                during: what.to_string(),
                code,
                message,
            },
            Error::Connection { during, detail } if during.is_empty() => Error::Connection {
                during: what.to_string(),
                detail,
            },
            other => other,
        }
    }

    /// The connection broke, could not be made, or the server is shutting down or starting
    /// up: the work did not reach a database that could answer. (Worth a retry for a read.)
    pub fn is_connection_lost(&self) -> bool {
        match self {
            Error::Connection { .. } => true,
            Error::Database { code, .. } => {
                code.starts_with("08") || matches!(code.as_str(), "57P01" | "57P02" | "57P03")
            }
            Error::Said(Text::Db(
                DbText::ConnectionLost { .. }
                | DbText::ChangeInterrupted
                | DbText::DatabaseUnreachable { .. },
            )) => true,
            Error::Said(_) => false,
        }
    }

    /// The SQLSTATE, when the server answered with one.
    pub fn sqlstate(&self) -> Option<&str> {
        match self {
            Error::Database { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The error in words, in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Error::Said(text) => text.render(lang),
            Error::Database {
                during,
                code,
                message,
            } if self.is_connection_lost() => DbText::ConnectionLost {
                during: during.clone(),
                detail: format!("{message} ({code})"),
            }
            .render(lang),
            Error::Database { code, .. } if code == "55P03" => DbText::LockBusy {
                seconds: crate::db::timeouts::current().lock.as_secs_f64(),
            }
            .render(lang),
            Error::Database { code, message, .. }
                if code == "57014" && message.contains("statement timeout") =>
            {
                DbText::TooSlow {
                    seconds: crate::db::timeouts::current().statement.as_secs_f64(),
                }
                .render(lang)
            }
            Error::Database {
                during,
                code,
                message,
            } => DbText::DatabaseError {
                during: during.clone(),
                detail: format!("{message} ({code})"),
            }
            .render(lang),
            Error::Connection { during, detail } => DbText::ConnectionLost {
                during: during.clone(),
                detail: detail.clone(),
            }
            .render(lang),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(lang()))
    }
}

impl std::error::Error for Error {}

impl From<tokio_postgres::Error> for Error {
    fn from(err: tokio_postgres::Error) -> Error {
        Error::db("", &err)
    }
}

impl From<Text> for Error {
    fn from(text: Text) -> Error {
        Error::Said(text)
    }
}

macro_rules! said {
    ($($area:ty),* $(,)?) => {$(
        impl From<$area> for Error {
            fn from(text: $area) -> Error {
                Error::Said(text.into())
            }
        }
    )*};
}

said!(
    crate::text::ClusterText,
    crate::text::DbText,
    crate::text::SetupText,
    crate::text::OwnershipText,
    crate::text::AdminText,
    crate::text::DedupText,
    crate::text::TuiText,
);
