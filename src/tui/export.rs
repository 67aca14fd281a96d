//! Export and copy, pure: rows as CSV bytes (UTF-8 with a byte-order mark, so Excel opens
//! Chinese correctly) and the OSC 52 sequence that puts text on the clipboard of the terminal
//! the person sits at (it works over SSH). Which rows a tab exports is the tab's business;
//! writing the file is the runtime's.

/// CSV bytes: UTF-8 with a byte-order mark, so Excel opens Chinese text correctly. Every
/// cell is made safe to open in a spreadsheet ([`spreadsheet_safe`]).
pub fn csv_bytes(rows: &[Vec<String>]) -> std::io::Result<Vec<u8>> {
    csv_with(vec![0xEF, 0xBB, 0xBF], rows)
}

/// The same CSV without the byte-order mark (for a terminal or a pipe).
pub fn csv_plain(rows: &[Vec<String>]) -> std::io::Result<Vec<u8>> {
    csv_with(Vec::new(), rows)
}

fn csv_with(start: Vec<u8>, rows: &[Vec<String>]) -> std::io::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(start);
    for row in rows {
        writer.write_record(row.iter().map(|cell| spreadsheet_safe(cell).into_owned()))?;
    }
    writer.into_inner().map_err(|e| e.into_error())
}

/// A cell a spreadsheet shows as text, never runs: one that begins with `=`, `+`, `-`, `@`,
/// a tab or a carriage return gets a leading apostrophe (OWASP's advice against CSV
/// injection), so a customer typed as `=HYPERLINK(…)` cannot become a live formula in the
/// manager's Excel. Numbers dibs writes are never negative, so none is changed.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// The OSC 52 sequence that sets the terminal's clipboard to `text`.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("王芳".as_bytes()), "546L6Iqz");
        assert_eq!(osc52("foo"), "\x1b]52;c;Zm9v\x07");
    }

    #[test]
    fn formula_cells_are_written_as_text() {
        let bytes = csv_plain(&[vec![
            "=cmd|' /C calc'!A0".into(),
            "=HYPERLINK(\"http://x\",\"点我\")".into(),
            "+1".into(),
            "@SUM(A1)".into(),
            "\tx".into(),
            "华为 = 好".into(),
            "".into(),
        ]])
        .unwrap_or_default();
        let text = String::from_utf8(bytes).unwrap_or_default();
        assert_eq!(
            text,
            "'=cmd|' /C calc'!A0,\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",'+1,'@SUM(A1),'\tx,华为 = 好,\n"
        );
    }

    #[test]
    fn csv_has_a_bom_and_quotes_what_needs_it() {
        let bytes = csv_bytes(&[
            vec!["#".into(), "公司".into()],
            vec!["1".into(), "华为技术有限公司, 深圳".into()],
        ])
        .unwrap_or_default();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8_lossy(&bytes[3..]).into_owned();
        assert_eq!(text, "#,公司\n1,\"华为技术有限公司, 深圳\"\n");
    }
}
