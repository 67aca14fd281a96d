//! Pure domain logic: no database, no terminal. Tested on its own.

pub mod email;
pub mod names;
pub mod phone;
mod t2s_table;
pub mod uscc;
