//! A one-line input on the outcome line: a note, a reason, a login, a filter — or the
//! command palette, which completes with Tab.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::text::Label;
use crate::tui::tab::Ctx;

/// The longest text a prompt takes.
pub const MAX_CHARS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// Who gets the text (`app` for the palette).
    pub owner: &'static str,
    pub label: Label,
    pub text: String,
    pub tag: u32,
    /// The palette's commands, for completion (empty for other prompts).
    pub commands: Vec<&'static str>,
}

impl Prompt {
    pub fn is_palette(&self) -> bool {
        !self.commands.is_empty()
    }

    /// The commands starting with what was typed.
    pub fn completions(&self) -> Vec<&'static str> {
        let typed = self.text.trim();
        self.commands
            .iter()
            .copied()
            .filter(|c| c.starts_with(typed))
            .collect()
    }

    /// Completes to the longest prefix all matching commands share.
    pub fn complete(&mut self) {
        let options = self.completions();
        if let Some(first) = options.first() {
            self.text = options.iter().fold(first.to_string(), |acc, o| {
                acc.chars()
                    .zip(o.chars())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a)
                    .collect()
            });
        }
    }

    pub fn type_char(&mut self, c: char) {
        if self.text.chars().count() < MAX_CHARS {
            self.text.push(c);
        }
    }
}

pub fn view(ctx: &Ctx, prompt: &Prompt, frame: &mut Frame, area: Rect) {
    let head = format!(" {}: {}", ctx.label(prompt.label), prompt.text);
    let mut text = head.clone();
    if prompt.is_palette() {
        let options = prompt.completions();
        if !options.is_empty() && options.len() < prompt.commands.len() {
            text = format!("{text}    [{}]", options.join(" "));
        }
    }
    frame.render_widget(Paragraph::new(text).style(ctx.theme.accent()), area);
    let caret = head.width() as u16;
    frame.set_cursor_position((area.x + caret.min(area.width - 1), area.y));
}
