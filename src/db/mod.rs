//! Talking to PostgreSQL: where the database is, connecting with clear errors, migrations.

pub mod api;
pub mod bulk;
pub mod company;
pub mod connect;
pub mod copy;
pub mod lexicon;
pub mod listen;
pub mod migrate;
pub mod pooling;
pub mod replica;
pub mod session;
pub mod target;
pub mod timeouts;
pub mod tls;

pub use connect::{connect, connect_pool, describe, error_detail, friendly_error};
pub use migrate::{MIGRATIONS, SCHEMA_VERSION, check_trigram_support, migrate};
pub use session::Session;
pub use target::{DatabaseTarget, resolve_target};

/// An SQL identifier, quoted (for the few statements that cannot take parameters).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
