//! Small drawing helpers shared by the tabs and overlays.

use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

/// A box of `width`×`height` in the middle of `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width.saturating_sub(2));
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Days as a short cell: "3d", "-" for none.
pub fn days(value: Option<i64>) -> String {
    value.map(|d| format!("{d}d")).unwrap_or_else(|| "-".into())
}

/// "status" → "Status" (Chinese is left as it is).
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A buffer as the text a person sees: a double-width character covers two cells, so the
/// cell it hides is skipped. Used by snapshot tests and the headless mode.
pub fn buffer_to_text(buffer: &ratatui::buffer::Buffer) -> String {
    let area = buffer.area;
    let mut lines = Vec::with_capacity(area.height as usize);
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut x = area.left();
        while x < area.right() {
            let symbol = buffer[(x, y)].symbol();
            line.push_str(symbol);
            x += (symbol.width() as u16).max(1);
        }
        lines.push(line.trim_end().to_string());
    }
    lines.join("\n")
}

/// Where the caret of an input sits: after `text` drawn from column `x` (display width, so
/// an IME opens its candidate window in the right place), kept inside `area`.
pub fn caret_after(area: Rect, x: u16, y: u16, text: &str) -> (u16, u16) {
    let column = x + text.width() as u16;
    (
        column.min(area.right().saturating_sub(2)),
        y.min(area.bottom().saturating_sub(1)),
    )
}

/// `text` in exactly `width` columns: cut with "…" when too wide (never splitting a
/// double-width character), padded with spaces when narrower.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return crate::text::pad_to_width(text, width);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
        used += 1;
    }
    out + &" ".repeat(width.saturating_sub(used))
}

/// One field of a form as drawn: its label, what is typed, what is wrong with it in words.
pub struct FormField<'a> {
    pub label: &'a str,
    pub value: &'a str,
    pub problem: Option<String>,
}

/// A form's fields as lines — labels right-aligned to the widest, the focused field marked `>`
/// and bold, a problem in red after its value — and where the focused field's caret sits,
/// relative to the inside of the form's block (`None`: no field has the keyboard).
pub fn form_lines(
    theme: super::Theme,
    fields: &[FormField],
    focus: Option<usize>,
) -> (Vec<ratatui::text::Line<'static>>, Option<(u16, u16)>) {
    use ratatui::style::Style;
    use ratatui::text::{Line, Span};
    let label_width = fields.iter().map(|f| f.label.width()).max().unwrap_or(8);
    let mut caret = None;
    let lines = fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let focused = focus == Some(index);
            let pad = " ".repeat(label_width - field.label.width());
            let mut spans = vec![
                Span::raw(format!(
                    "{}{pad}{}: ",
                    if focused { ">" } else { " " },
                    field.label
                )),
                Span::styled(
                    field.value.to_string(),
                    if focused {
                        theme.bold()
                    } else {
                        Style::default()
                    },
                ),
            ];
            if focused {
                caret = Some((
                    (1 + label_width + 2 + field.value.width()) as u16,
                    index as u16,
                ));
            }
            if let Some(problem) = &field.problem {
                spans.push(Span::styled(format!("  ⚠ {problem}"), theme.danger()));
            }
            Line::from(spans)
        })
        .collect();
    (lines, caret)
}

/// Puts the terminal cursor at `caret` (relative to the inside of the block drawn in `area`),
/// kept inside it — so an IME opens its window where the person types.
pub fn place_caret(frame: &mut ratatui::Frame, area: Rect, caret: Option<(u16, u16)>) {
    if let Some((x, y)) = caret {
        frame.set_cursor_position((
            (area.x + 1 + x).min(area.right().saturating_sub(2)),
            (area.y + 1 + y).min(area.bottom().saturating_sub(2)),
        ));
    }
}

#[cfg(test)]
mod fit_tests {
    use super::fit;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn fitting_keeps_the_width_exact_with_chinese_text() {
        assert_eq!(fit("王芳", 6), "王芳  ");
        assert_eq!(fit("上海恒信精密机械", 7), "上海恒…");
        assert_eq!(fit("上海恒信精密机械", 8), "上海恒… ");
        assert_eq!(fit("上海恒信精密机械", 7).width(), 7);
        assert_eq!(fit("abcdef", 4), "abc…");
    }
}
