//! The layering docs/ARCHITECTURE.md describes, checked on the source itself: lower layers
//! never name higher ones, tabs never name each other or the app, and SQL lives behind
//! `db/` (the seeds, benchmarks and file scans that work on their own tables aside).

use std::path::{Path, PathBuf};

fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                out.push((path, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir),
        &mut out,
    );
    assert!(!out.is_empty(), "no sources under src/{dir}");
    out
}

/// Every `crate::` path a file names (in `use` lines and inline).
fn names(text: &str, path: &str) -> bool {
    text.contains(&format!("crate::{path}::"))
        || text.contains(&format!("crate::{path};"))
        || text.contains(&format!("crate::{{{path}"))
}

#[test]
fn lower_layers_never_name_higher_ones() {
    let rules: &[(&str, &[&str])] = &[
        (
            "domain",
            &[
                "tui", "cli", "db", "dedup", "worker", "bench", "text", "config",
            ],
        ),
        (
            "text",
            &[
                "tui", "cli", "db", "dedup", "worker", "bench", "seed", "config",
            ],
        ),
        ("db", &["tui", "cli", "worker", "bench", "dedup"]),
    ];
    let mut broken = Vec::new();
    for (layer, forbidden) in rules {
        for (path, text) in sources(layer) {
            for above in *forbidden {
                if names(&text, above) {
                    broken.push(format!("{} names crate::{above}", path.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn tabs_name_neither_each_other_nor_the_app() {
    let tabs = ["pool", "customers", "board"];
    let mut broken = Vec::new();
    for tab in tabs {
        for (path, text) in sources(&format!("tui/tabs/{tab}")) {
            // A tab's tests drive the whole app; the tab itself may not.
            if path.ends_with("tests.rs") {
                continue;
            }
            for other in tabs.iter().filter(|t| **t != tab) {
                if text.contains(&format!("tabs::{other}")) {
                    broken.push(format!("{} names tabs::{other}", path.display()));
                }
            }
            for above in ["tui::app", "tui::runtime", "crate::cli"] {
                if text.contains(above) {
                    broken.push(format!("{} names {above}", path.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_app_the_cli_and_the_worker_send_no_sql_of_their_own() {
    let mut files = sources("tui");
    files.extend(sources("cli"));
    let worker = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/worker.rs");
    files.push((
        worker.clone(),
        std::fs::read_to_string(&worker).unwrap_or_default(),
    ));
    let sql = ["select ", "insert into ", "update dibs.", "delete from "];
    let mut broken = Vec::new();
    for (path, text) in files {
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with("//") {
                continue;
            }
            if sql.iter().any(|s| line.contains(s)) && line.contains('"') {
                broken.push(format!("{}: {line}", path.display()));
            }
        }
    }
    assert!(broken.is_empty(), "SQL outside db/:\n{}", broken.join("\n"));
}
