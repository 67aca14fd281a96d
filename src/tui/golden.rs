//! Golden snapshots of every pane × {English, Chinese} × {80×24, 120×40} (reviewable files
//! in `src/tui/snapshots/`, updated with `INSTA_UPDATE=always cargo test` and read before
//! committing), plus what must hold of every frame: the right border is intact despite
//! double-width text, monochrome carries no colour, the pane's own words are on screen.

use ratatui::style::Color;

use super::chrome::Theme;
use super::fixtures::PANES;
use super::testing::screen;
use crate::text::Lang;

#[test]
fn every_pane_in_both_languages_and_both_sizes() {
    for (pane, build, en, zh) in PANES {
        for (lang, needle) in [(Lang::En, en), (Lang::Zh, zh)] {
            for (width, height) in [(80u16, 24u16), (120, 40)] {
                let app = build(lang, Theme::default());
                let (text, buffer) = screen(&app, width, height);
                assert!(
                    text.contains(needle),
                    "{pane} {lang:?} {width}x{height} lacks {needle:?}:\n{text}"
                );
                for y in 2..height - 2 {
                    let symbol = buffer[(width - 1, y)].symbol();
                    assert!(
                        ["│", "┐", "┘"].contains(&symbol),
                        "{pane} {lang:?} {width}x{height} row {y} ends in {symbol:?}:\n{text}"
                    );
                }
                let name = format!(
                    "{pane}_{}_{width}x{height}",
                    if lang == Lang::Zh { "zh" } else { "en" }
                );
                insta::assert_snapshot!(name, text);
            }
        }
    }
}

#[test]
fn monochrome_uses_no_colour_and_ascii_no_box_drawing() {
    for (pane, build, _, _) in PANES {
        let app = build(
            Lang::En,
            Theme {
                color: false,
                ascii: true,
            },
        );
        let (text, buffer) = screen(&app, 80, 24);
        for cell in buffer.content() {
            assert_eq!(cell.fg, Color::Reset, "{pane}:\n{text}");
            assert_eq!(cell.bg, Color::Reset, "{pane}:\n{text}");
        }
        assert!(
            !text.contains(['│', '─', '┌', '┐', '└', '┘']),
            "{pane}:\n{text}"
        );
    }
    let app = super::fixtures::form(Lang::En, Theme::default());
    let (text, buffer) = screen(&app, 80, 24);
    assert!(
        buffer.content().iter().any(|c| c.fg == Color::Red),
        "the default theme colours risks:\n{text}"
    );
}

#[test]
fn the_analytics_tab_in_monochrome_ascii() {
    // Terminals without colour or without block and box characters: every chart has a form.
    let theme = Theme {
        color: false,
        ascii: true,
    };
    for lang in [Lang::En, Lang::Zh] {
        for (width, height) in [(80u16, 24u16), (120, 40)] {
            let app = super::fixtures::analytics(lang, theme);
            let (text, _) = screen(&app, width, height);
            for block in ['█', '▏', '▁', '░', '│', '─'] {
                assert!(!text.contains(block), "{block:?} in:\n{text}");
            }
            let name = format!(
                "analytics_ascii_{}_{width}x{height}",
                if lang == Lang::Zh { "zh" } else { "en" }
            );
            insta::assert_snapshot!(name, text);
        }
    }
}
