//! The import journal: what an import did, written as it happens — the rows it will not
//! import once the file is checked, then each committed slice — and flushed to disk at every
//! commit. An import killed half-way (`kill -9`, a lost terminal) leaves in it exactly which
//! lines are in the database; running the same file again reports those as already there.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::dedup::import::{ImportLog, ImportReport};

pub struct Journal {
    file: Option<File>,
    pub path: PathBuf,
    to_import: usize,
    /// Progress on stderr (off for `--json`, whose reader wants one document).
    progress: bool,
}

impl Journal {
    /// A journal under `$XDG_STATE_HOME/dibs/imports/`, named after the time and the file.
    /// When it cannot be written the import still runs (and says so).
    pub fn create(input: &Path, kind: &str, progress: bool) -> Journal {
        let dir = crate::config::log_dir().join("imports");
        let stem = input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "import".into());
        let path = dir.join(format!(
            "{}-{stem}.log",
            chrono::Local::now().format("%Y%m%d-%H%M%S")
        ));
        let file = std::fs::create_dir_all(&dir)
            .and_then(|()| File::create(&path))
            .ok();
        let mut journal = Journal {
            file,
            path,
            to_import: 0,
            progress,
        };
        journal.write(&format!(
            "# dibs import {kind} {} — started {}",
            input.display(),
            chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
        ));
        journal
    }

    pub fn is_written(&self) -> bool {
        self.file.is_some()
    }

    fn write(&mut self, line: &str) {
        if let Some(file) = &mut self.file
            && writeln!(file, "{line}").is_err()
        {
            self.file = None;
        }
    }

    /// Flushed to the disk: what the database has committed must not be lost with a crash.
    fn sync(&mut self) {
        if let Some(file) = &mut self.file {
            let _ = file.flush();
            let _ = file.sync_data();
        }
    }

    pub fn finish(&mut self, summary: &str) {
        self.write(&format!("# finished: {summary}"));
        self.sync();
    }
}

impl ImportLog for Journal {
    fn checked(&mut self, report: &ImportReport, to_import: usize) {
        self.to_import = to_import;
        for p in &report.problems {
            self.write(&format!("line {}: {}: {}; skipped", p.line, p.field, p.why));
        }
        for (line, first) in &report.duplicates_in_file {
            self.write(&format!(
                "line {line}: the same company as line {first}; skipped"
            ));
        }
        for (line, id, name, score, _) in &report.duplicates_in_database {
            self.write(&format!(
                "line {line}: probably {id} {name} ({score:.2}); skipped"
            ));
        }
        self.write(&format!("# to import: {to_import} rows"));
        self.sync();
    }

    fn committed(&mut self, lines: &[i64], imported: usize) {
        let list: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        self.write(&format!("committed lines {}", list.join(" ")));
        self.sync();
        if self.progress {
            eprint!("\rimported {imported} of {} rows…", self.to_import);
            if imported >= self.to_import {
                eprintln!();
            }
        }
    }

    fn blocked(&mut self, line: u64, why: &str) {
        self.write(&format!("line {line}: refused by the database: {why}"));
    }
}
