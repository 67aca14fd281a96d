//! Pure domain logic: no database, no terminal. Tested on its own.

pub mod names;
pub mod uscc;
