//! Every statement the CLI, the app and the worker send, typed in and out: callers pass
//! values and get data back, never SQL. The rules themselves live in the database
//! (`sql/code/`); these are the calls of them and the reads around them, all under the
//! caller's own login so that row-level security decides what comes back.

pub mod admin;
pub mod analytics;
pub mod board;
pub mod company;
pub mod customers;
pub mod dedup;
pub mod history;
pub mod import;
pub mod me;
pub mod ownership;
pub mod partners;
pub mod pool;
pub mod tree;
pub mod worker;
