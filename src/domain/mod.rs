//! Pure domain logic: no database, no terminal. Tested on its own.

pub mod analytics;
pub mod company;
pub mod compare;
pub mod cross;
pub mod email;
pub mod fit;
pub mod identity;
pub mod keys;
pub mod lexicon;
pub mod matching;
pub mod model;
pub mod names;
pub mod ownership;
pub mod partners;
pub mod phone;
pub mod score;
mod t2s_table;
pub mod uscc;
