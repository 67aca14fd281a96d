//! 查重: the duplicate check. Scoring is pure (`domain::score`); `check` asks the database for
//! candidates (indexes, visibility) and scores them; `scan` runs the same engine over a file.

pub mod check;
pub mod eval;
pub mod fit;
pub mod import;
pub mod labelled;
pub mod scan;
