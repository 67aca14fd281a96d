//! `?`: the keys of where the keyboard is (and the global ones), generated from the keymap in
//! use, so help can never disagree with what the keys do.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::text::TuiText;
use crate::tui::chrome::widgets::centered;
use crate::tui::keymap::Context;
use crate::tui::tab::Ctx;

pub fn view(ctx: &Ctx, context: Context, frame: &mut Frame) {
    let entries = ctx.keymap.help(context, ctx.lang);
    let key_width = entries
        .iter()
        .map(|(k, _)| k.width())
        .max()
        .unwrap_or(4)
        .min(14);
    let lines: Vec<Line> = entries
        .iter()
        .map(|(keys, words)| {
            let pad = " ".repeat(key_width.saturating_sub(keys.width()));
            Line::from(format!(" {keys}{pad}  {words}"))
        })
        .collect();
    let area = frame.area();
    // One column when it fits, two side by side otherwise.
    let fits = lines.len() as u16 + 2 <= area.height.saturating_sub(2);
    let (width, height) = if fits {
        (76, lines.len() as u16 + 2)
    } else {
        (area.width, lines.len().div_ceil(2) as u16 + 2)
    };
    let dialog = centered(area, width, height);
    frame.render_widget(Clear, dialog);
    let block = ctx.theme.block().title(TuiText::HelpTitle.render(ctx.lang));
    let inner = block.inner(dialog);
    frame.render_widget(block, dialog);
    if fits {
        frame.render_widget(Paragraph::new(lines), inner);
    } else {
        let half = lines.len().div_ceil(2);
        let mut right = lines;
        let left = right.drain(..half).collect::<Vec<_>>();
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(inner);
        frame.render_widget(Paragraph::new(left), l);
        frame.render_widget(Paragraph::new(right), r);
    }
}
