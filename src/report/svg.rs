//! The report's charts as inline SVG: columns for the weekly collision rate, horizontal bars
//! for refusals by reason. Text is escaped; no namespace URL is needed inside HTML.

use std::fmt::Write;

/// Text safe inside XML/HTML character data and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The opening of a chart: its frame, labelled for screen readers, and its title.
fn open(title: &str, width: f64, height: f64) -> String {
    let title = escape(title);
    format!(
        r#"<svg role="img" aria-label="{title}" viewBox="0 0 {width} {height}" width="{width}" height="{height}"><text x="0" y="16" class="title">{title}</text>"#
    )
}

/// A column chart: (label under the column, value in 0..=1 or none, text above it).
pub fn columns(title: &str, bars: &[(String, Option<f64>, String)]) -> String {
    let (width, height, top, bottom) = (640.0, 220.0, 28.0, 30.0);
    let plot = height - top - bottom;
    let max = bars
        .iter()
        .filter_map(|b| b.1)
        .fold(0.0f64, f64::max)
        .max(0.05);
    let step = width / bars.len().max(1) as f64;
    let mut svg = open(title, width, height);
    let _ = write!(
        svg,
        r##"<line x1="0" y1="{y}" x2="{width}" y2="{y}" stroke="#999" stroke-width="1"/>"##,
        y = top + plot
    );
    for (index, (label, value, text)) in bars.iter().enumerate() {
        let x = index as f64 * step;
        let h = value
            .map(|v| (v / max).clamp(0.0, 1.0) * plot)
            .unwrap_or(0.0);
        let y = top + plot - h;
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" fill="#c0392b"/>"##,
            x + step * 0.15,
            step * 0.7
        );
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="value">{}</text>"#,
            x + step / 2.0,
            (y - 4.0).max(top - 2.0),
            escape(text)
        );
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="label">{}</text>"#,
            x + step / 2.0,
            height - 10.0,
            escape(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars: (label, value); collisions (`true`) in red, other refusals grey.
pub fn bars(title: &str, items: &[(String, i64, bool)]) -> String {
    let (width, row, left, top) = (640.0, 24.0, 200.0, 28.0);
    let height = top + row * items.len().max(1) as f64 + 8.0;
    let max = items.iter().map(|i| i.1).max().unwrap_or(1).max(1) as f64;
    let room = width - left - 60.0;
    let mut svg = open(title, width, height);
    for (index, (label, value, collision)) in items.iter().enumerate() {
        let y = top + index as f64 * row;
        let w = (*value as f64 / max) * room;
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" class="label">{}</text>"#,
            left - 8.0,
            y + row * 0.65,
            escape(label)
        );
        let _ = write!(
            svg,
            r##"<rect x="{left}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{}"/>"##,
            y + row * 0.15,
            row * 0.7,
            if *collision { "#c0392b" } else { "#95a5a6" }
        );
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" class="value">{value}</text>"#,
            left + w + 6.0,
            y + row * 0.65
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            escape("<b>\"A&B\"</b>\u{1}'"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;&#39;"
        );
    }

    #[test]
    fn charts_are_well_formed_xml_even_with_hostile_labels() {
        let columns = columns(
            "rate <&>",
            &[
                ("W01".into(), Some(0.2), "20%".into()),
                ("<W02>".into(), None, "–".into()),
            ],
        );
        let bars = bars("reasons", &[("\"held\" & <more>".into(), 5, true)]);
        for svg in [columns, bars] {
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        }
    }
}
