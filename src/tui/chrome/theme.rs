//! Colour or monochrome (`NO_COLOR`, `--mono`), box-drawing or ASCII borders.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::widgets::Block;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
}

impl Default for Theme {
    fn default() -> Theme {
        Theme {
            color: true,
            ascii: false,
        }
    }
}

const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Theme {
    pub fn block(&self) -> Block<'static> {
        let block = Block::bordered();
        if self.ascii {
            block.border_set(ASCII_BORDER)
        } else {
            block
        }
    }

    fn colored(&self, color: Color, fallback: Modifier) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default().add_modifier(fallback)
        }
    }

    pub fn accent(&self) -> Style {
        self.colored(Color::Cyan, Modifier::BOLD)
            .add_modifier(Modifier::BOLD)
    }

    pub fn warn(&self) -> Style {
        self.colored(Color::Yellow, Modifier::BOLD)
    }

    pub fn danger(&self) -> Style {
        self.colored(Color::Red, Modifier::BOLD)
            .add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        self.colored(Color::DarkGray, Modifier::empty())
    }

    pub fn bold(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    /// The mark of a row picked for a bulk action.
    pub fn mark(&self) -> &'static str {
        if self.ascii { "*" } else { "●" }
    }

    /// A horizontal rule.
    pub fn rule(&self) -> &'static str {
        if self.ascii { "-" } else { "─" }
    }
}
