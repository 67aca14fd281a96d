//! `dibs bench render`: the time to draw each pane of the app, with no database: every pane
//! of `tui::fixtures` (Chinese data) at 80×24 and 120×40, in English and Chinese, beside the
//! same terminal drawing an empty frame (the floor any frame pays).

use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde::Serialize;

use super::Latencies;
use crate::error::Error;
use crate::text::{Lang, TuiText};
use crate::tui::Theme;
use crate::tui::fixtures::PANES;

#[derive(Debug, Clone, Serialize)]
pub struct PaneFigures {
    pub pane: &'static str,
    pub size: (u16, u16),
    pub lang: &'static str,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RenderReport {
    pub frames: usize,
    pub panes: Vec<PaneFigures>,
    /// An empty frame of each size: what drawing costs before any pane.
    pub baseline: Vec<PaneFigures>,
}

fn failed(e: impl std::fmt::Display) -> Error {
    TuiText::TerminalFailed {
        detail: e.to_string(),
    }
    .into()
}

fn figures(pane: &'static str, size: (u16, u16), lang: Lang, mut l: Latencies) -> PaneFigures {
    PaneFigures {
        pane,
        size,
        lang: if lang == Lang::Zh { "zh" } else { "en" },
        p50_ms: l.quantile_ms(0.5),
        p95_ms: l.quantile_ms(0.95),
        p99_ms: l.quantile_ms(0.99),
    }
}

pub fn run(frames: usize) -> Result<RenderReport, Error> {
    let mut panes = Vec::new();
    let mut baseline = Vec::new();
    for size in [(80u16, 24u16), (120, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).map_err(failed)?;
        let mut empty = Latencies::default();
        for _ in 0..frames {
            let started = Instant::now();
            terminal.draw(|_| {}).map_err(failed)?;
            empty.record(started.elapsed());
        }
        baseline.push(figures("(empty frame)", size, Lang::En, empty));
        for lang in [Lang::En, Lang::Zh] {
            for (name, build, _, _) in PANES {
                let app = build(lang, Theme::default());
                let mut latencies = Latencies::default();
                for _ in 0..frames {
                    let started = Instant::now();
                    terminal.draw(|f| app.render(f)).map_err(failed)?;
                    latencies.record(started.elapsed());
                }
                panes.push(figures(name, size, lang, latencies));
            }
        }
    }
    Ok(RenderReport {
        frames,
        panes,
        baseline,
    })
}

impl RenderReport {
    pub fn text(&self) -> String {
        let mut out = format!(
            "dibs bench render — {} frames per pane, no database\n{:<16}{:>8}{:>5}{:>9}{:>9}{:>9}\n",
            self.frames, "pane", "size", "lang", "p50 ms", "p95 ms", "p99 ms"
        );
        for f in self.baseline.iter().chain(&self.panes) {
            out.push_str(&format!(
                "{:<16}{:>8}{:>5}{:>9.3}{:>9.3}{:>9.3}\n",
                f.pane,
                format!("{}×{}", f.size.0, f.size.1),
                f.lang,
                f.p50_ms,
                f.p95_ms,
                f.p99_ms
            ));
        }
        out
    }
}
