//! The yes/no dialog: the question says what will change; the keys come from the keymap.

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::text::Text;
use crate::tui::chrome::widgets::centered;
use crate::tui::keymap::Action;
use crate::tui::tab::Ctx;

pub fn view(ctx: &Ctx, question: &Text, frame: &mut Frame) {
    let yes = ctx.keymap.first_key(Action::Yes).unwrap_or_default();
    let no = ctx.keymap.first_key(Action::No).unwrap_or_default();
    let keys = crate::text::TuiText::YesNo { yes, no }.render(ctx.lang);
    // Room for a long Chinese company name to wrap onto more lines, plus the y/n line.
    let dialog = centered(frame.area(), 64, 6);
    frame.render_widget(Clear, dialog);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(question.render(ctx.lang)),
            Line::styled(keys, ctx.theme.accent()),
        ])
        .wrap(Wrap { trim: true })
        .block(ctx.theme.block()),
        dialog,
    );
}
