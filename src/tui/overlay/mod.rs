//! What sits over the current tab: a yes/no dialog, a one-line prompt (the command palette
//! is one), the help. Each remembers who asked, so the answer goes back to it.

pub mod confirm;
pub mod help;
pub mod prompt;

pub use prompt::Prompt;

use crate::text::Text;

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Confirm {
        owner: &'static str,
        question: Text,
        tag: u32,
    },
    Prompt(Prompt),
    Help,
}
