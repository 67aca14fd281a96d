//! dibs: a terminal CRM over one shared PostgreSQL database that stops sales collisions.
//!
//! The database is the authority (rules live in `sql/`); this crate is a fast, thin
//! client of it: a private cluster launcher, migrations, seeds, the CLI and the TUI.

pub mod bench;
pub mod cli;
pub mod config;
pub mod db;
pub mod dedup;
pub mod domain;
pub mod error;
pub mod local;
pub mod patroni;
pub mod pooler;
pub mod report;
pub mod rng;
pub mod seed;
pub mod testkit;
pub mod text;
pub mod tui;
pub mod worker;
