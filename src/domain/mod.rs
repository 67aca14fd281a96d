//! Pure domain logic: no database, no terminal. Tested on its own.

pub mod email;
pub mod names;
pub mod ownership;
pub mod phone;
pub mod score;
mod t2s_table;
pub mod uscc;
