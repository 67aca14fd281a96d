//! Export and copy, pure: what the visible list or board becomes as CSV rows, a record as
//! one line of text, and the OSC 52 sequence that puts text on the clipboard of the
//! terminal the person sits at (it works over SSH). Writing the file is the shell's job.

use super::state::{App, Tab};
use crate::text::{Label, TuiText};

/// A file's worth of rows: a short name for the file and the rows, header first.
pub fn rows(app: &App) -> Option<(&'static str, Vec<Vec<String>>)> {
    match app.tab {
        Tab::Pool => {
            let mut rows = vec![vec![
                "#".to_string(),
                TuiText::ColCompany.to_string(),
                TuiText::ColRegion.to_string(),
                Label::FieldIndustry.to_string(),
                TuiText::ColSource.to_string(),
                TuiText::ColAge.to_string(),
                TuiText::ColOwner.to_string(),
            ]];
            rows.extend(app.visible_rows().iter().map(|r| {
                vec![
                    r.id.to_string(),
                    r.company.clone(),
                    r.region.clone(),
                    r.industry.clone(),
                    r.source.clone(),
                    r.age_days.to_string(),
                    r.owner.clone().unwrap_or_default(),
                ]
            }));
            Some(("leads", rows))
        }
        Tab::Customers => {
            let mut rows = vec![vec![
                "#".to_string(),
                TuiText::ColCompany.to_string(),
                TuiText::ColOwner.to_string(),
                Label::Team.to_string(),
                Label::Status.to_string(),
            ]];
            rows.extend(app.customers.results.iter().map(|m| {
                vec![
                    m.id.to_string(),
                    m.name.clone(),
                    m.owner.clone().unwrap_or_default(),
                    m.team.clone().unwrap_or_default(),
                    m.status.clone(),
                ]
            }));
            Some(("customers", rows))
        }
        Tab::Board => {
            let board = app.board.as_ref()?;
            let mut rows = vec![vec![
                "#".to_string(),
                Label::Stage.to_string(),
                Label::PersonName.to_string(),
                TuiText::ColCompany.to_string(),
                Label::Amount.to_string(),
                Label::Owner.to_string(),
            ]];
            for column in &board.columns {
                rows.extend(column.cards.iter().map(|c| {
                    vec![
                        c.id.to_string(),
                        column.name.clone(),
                        c.name.clone(),
                        c.customer.clone(),
                        format!("{:.2}", c.amount),
                        c.owner.clone(),
                    ]
                }));
            }
            Some(("board", rows))
        }
    }
}

/// The selected record as one line, for the clipboard.
pub fn selected_line(app: &App) -> Option<String> {
    match app.tab {
        Tab::Pool => {
            let pool = app.pool.as_ref()?;
            let row = app.visible_rows().get(pool.cursor).copied()?;
            Some(format!("#{} {} · {}", row.id, row.company, row.region))
        }
        Tab::Customers => {
            let m = app.customers.selected()?;
            Some(format!(
                "#{} {} · {}",
                m.id,
                m.name,
                m.owner.clone().unwrap_or_default()
            ))
        }
        Tab::Board => {
            let card = app.board.as_ref()?.selected()?;
            Some(format!(
                "#{} {} · {} · {}",
                card.id,
                card.name,
                card.customer,
                crate::text::amount(card.amount)
            ))
        }
    }
}

/// CSV bytes: UTF-8 with a byte-order mark, so Excel opens Chinese text correctly.
pub fn csv_bytes(rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let mut writer = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    for row in rows {
        writer.write_record(row).map_err(|e| e.to_string())?;
    }
    writer.into_inner().map_err(|e| e.to_string())
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
