//! Text charts, pure: horizontal bars, gauges and a column chart built from block characters
//! (eighths of a cell), each with an ASCII fallback for terminals and fonts without them.

/// Eighths of a cell, left-aligned, from one eighth to a full block.
const EIGHTHS_WIDE: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
/// Eighths of a cell, bottom-aligned.
const EIGHTHS_HIGH: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A horizontal bar `value / max` of `width` cells (at least a sliver for a non-zero value).
pub fn hbar(value: f64, max: f64, width: usize, ascii: bool) -> String {
    if width == 0 || max <= 0.0 || value <= 0.0 {
        return String::new();
    }
    let eighths = ((value / max).min(1.0) * width as f64 * 8.0)
        .round()
        .max(1.0) as usize;
    let (full, part) = (eighths / 8, eighths % 8);
    if ascii {
        let cells = (full + usize::from(part >= 4)).max(1);
        return "#".repeat(cells);
    }
    let mut bar = "█".repeat(full);
    if part > 0 {
        bar.push(EIGHTHS_WIDE[part - 1]);
    }
    bar
}

/// A gauge of `width` cells filled to `ratio` (a ratio over 1 fills it and ends in `!`).
pub fn gauge(ratio: f64, width: usize, ascii: bool) -> String {
    if width == 0 {
        return String::new();
    }
    let over = ratio > 1.0;
    let room = if over { width.saturating_sub(1) } else { width };
    let filled = ((ratio.clamp(0.0, 1.0)) * room as f64).round() as usize;
    let (on, off) = if ascii { ("#", "-") } else { ("█", "░") };
    let mut out = on.repeat(filled) + &off.repeat(room - filled);
    if over {
        out.push('!');
    }
    out
}

/// A column chart: one column of `column_width` cells per value, `height` rows, scaled to
/// `max`; rows top to bottom. A missing value (no attempts that week) leaves its column
/// empty, a zero draws nothing either but its baseline mark, so "none" and "0 %" differ.
pub fn columns(
    values: &[Option<f64>],
    max: f64,
    height: usize,
    column_width: usize,
    ascii: bool,
) -> Vec<String> {
    let mut rows = vec![String::new(); height];
    for value in values {
        let eighths = match value {
            Some(v) if max > 0.0 => {
                ((v / max).clamp(0.0, 1.0) * height as f64 * 8.0).round() as usize
            }
            _ => 0,
        };
        for (index, row) in rows.iter_mut().enumerate() {
            // Row 0 is the top; the bottom row holds eighths 0..8.
            let floor = (height - 1 - index) * 8;
            let cell = if eighths >= floor + 8 {
                if ascii { '#' } else { '█' }
            } else if eighths > floor {
                let part = eighths - floor;
                if ascii {
                    if part >= 4 { '#' } else { '.' }
                } else {
                    EIGHTHS_HIGH[part - 1]
                }
            } else if index == height - 1 && value.is_some() {
                // A measured zero: a baseline, so it is not mistaken for "no figures".
                if ascii { '_' } else { '▁' }
            } else {
                ' '
            };
            let mut column = String::new();
            for _ in 0..column_width.saturating_sub(1).max(1) {
                column.push(cell);
            }
            if column_width > 1 {
                column.push(' ');
            }
            row.push_str(&column);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_keep_a_sliver_for_small_values() {
        assert_eq!(hbar(10.0, 10.0, 4, false), "████");
        assert_eq!(hbar(5.0, 10.0, 4, false), "██");
        assert_eq!(hbar(1.0, 10.0, 4, false), "▍");
        assert_eq!(hbar(0.01, 10.0, 4, false), "▏");
        assert_eq!(hbar(0.0, 10.0, 4, false), "");
        assert_eq!(hbar(5.0, 10.0, 4, true), "##");
        assert_eq!(hbar(0.01, 10.0, 4, true), "#");
    }

    #[test]
    fn gauges_fill_to_the_ratio_and_mark_an_overflow() {
        assert_eq!(gauge(0.5, 6, false), "███░░░");
        assert_eq!(gauge(0.5, 6, true), "###---");
        assert_eq!(gauge(1.4, 6, true), "#####!");
        assert_eq!(gauge(0.0, 3, true), "---");
    }

    #[test]
    fn columns_rise_in_eighths_and_tell_zero_from_nothing() {
        let values = [Some(1.0), Some(0.75), Some(0.0), None];
        let rows = columns(&values, 1.0, 2, 2, false);
        assert_eq!(rows, vec!["█ ▄     ", "█ █ ▁   "]);
        let ascii = columns(&values, 1.0, 2, 2, true);
        assert_eq!(ascii, vec!["# #     ", "# # _   "]);
        assert!(ascii.iter().all(|r| r.is_ascii()));
    }
}
