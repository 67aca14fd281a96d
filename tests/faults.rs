//! Faults as they happen (issue: survive faults). A server that accepts connections and never
//! answers must not hang any command: the whole opening is bounded by the connect timeout.

use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn a_silent_server_gives_a_clear_error_within_the_connect_timeout() {
    // Accepts TCP connections and never says a word.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let url =
        format!("postgresql://nobody@127.0.0.1:{port}/dibs?connect_timeout=2&sslmode=disable");
    for args in [
        vec!["lead", "claim", "1"],
        vec!["dedup", "check", "--name", "恒信精密机械有限公司"],
        vec!["worker", "--once"],
    ] {
        let started = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_dibs"))
            .args(&args)
            .env("DATABASE_URL", &url)
            .env("LANG", "C.UTF-8")
            .env(
                "XDG_CONFIG_HOME",
                std::env::temp_dir().join("dibs-no-config"),
            )
            .output()
            .expect("run dibs");
        let took = started.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} must fail");
        assert!(
            took < Duration::from_secs(8),
            "{args:?} took {took:?}: {stderr}"
        );
        assert!(
            stderr.contains("did not answer within 2 s"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn an_unbalanced_quote_or_a_nul_is_reported_by_physical_line_and_never_glues_rows() {
    let file = "name,phone\n\
                甲一科技有限公司,\n\
                \"乙二贸易有限公司,,上海\n\
                丙三物流有限公司,\n\
                丁四\"餐饮有限公司,\n\
                戊五电子有限公司,\n\
                己六\0化工有限公司,\n\
                庚七建材有限公司,\n";
    let (rows, problems) = dibs::dedup::import::read_rows(file.as_bytes()).expect("read");
    let imported: Vec<(u64, &str)> = rows.iter().map(|r| (r.line, r.name.as_str())).collect();
    assert_eq!(
        imported,
        vec![
            (2, "甲一科技有限公司"),
            (6, "戊五电子有限公司"),
            (8, "庚七建材有限公司")
        ],
        "{problems:?}"
    );
    let reported: Vec<u64> = problems.iter().map(|p| p.line).collect();
    assert_eq!(reported, vec![3, 7], "{problems:?}");
    assert!(problems[0].why.contains("lines 3–5"), "{problems:?}");
    assert!(problems[1].why.contains("NUL"), "{problems:?}");
    // The scan reads files the same way.
    let scan_file = file.replace("name,phone\n", "id,name\n");
    let numbered: String = scan_file
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l}\n")
            } else {
                format!("{i},{l}\n")
            }
        })
        .collect();
    let (records, problems) = dibs::dedup::scan::read_records(numbered.as_bytes()).expect("read");
    assert_eq!(records.len(), 3, "{problems:?}");
    assert_eq!(
        problems.iter().map(|p| p.line).collect::<Vec<_>>(),
        vec![3, 7]
    );
}

fn dibs_at(url: &str, state: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dibs"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("LANG", "C.UTF-8")
        .env("XDG_STATE_HOME", state)
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("dibs-no-config"),
        )
        .output()
        .expect("run dibs")
}

fn all_text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A file as they arrive: a GBK row, a formula, a 10 MB field, a quote left open, a NUL —
/// every physical line is imported or reported with its line, none glued, none lost.
#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_file_is_imported_or_reported_line_by_line() {
    let db = dibs::testkit::TestDatabase::new().await;
    let state = std::env::temp_dir().join(format!("dibs-hostile-{}", std::process::id()));
    let mut file: Vec<u8> = b"name,phone\n".to_vec();
    file.extend_from_slice("甲一科技有限公司,\n".as_bytes()); // 2
    file.extend_from_slice(&[0xBC, 0xD7, 0xB6, 0xFE, b',', b'\n']); // 3: GBK "甲二"
    file.extend_from_slice("\"=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",\n".as_bytes()); // 4
    file.extend_from_slice("乙".repeat(3_500_000).as_bytes()); // 5: 10 MB
    file.extend_from_slice(b",\n");
    file.extend_from_slice("丙三物流有限公司,\n".as_bytes()); // 6
    file.extend_from_slice("己六\0化工有限公司,\n".as_bytes()); // 7: NUL
    file.extend_from_slice("\"丁四贸易有限公司,\n".as_bytes()); // 8: quote left open…
    file.extend_from_slice("戊五电子有限公司,\n".as_bytes()); // 9: …swallows the rest,
    file.extend_from_slice("庚七建材有限公司,\n".as_bytes()); // 10: reported, never glued
    let path = state.join("hostile.csv");
    std::fs::create_dir_all(&state).expect("dir");
    std::fs::write(&path, &file).expect("file");
    let output = dibs_at(
        &db.url(),
        &state,
        &["import", "customers", &path.display().to_string()],
    );
    let said = all_text(&output);
    assert_eq!(output.status.code(), Some(3), "{said}");
    let client = db.client().await;
    let names: Vec<String> = client
        .query("select name from dibs.customers order by id", &[])
        .await
        .expect("customers")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        names,
        vec![
            "甲一科技有限公司",
            "=HYPERLINK(\"http://x\",\"点我\")",
            "丙三物流有限公司",
        ],
        "{said}"
    );
    for (line, why) in [
        (3, "not UTF-8"),
        (5, "longer than 200 characters"),
        (7, "NUL"),
        (8, "lines 8–10"),
    ] {
        assert!(
            said.contains(&format!("line {line}: ")) && said.contains(why),
            "line {line} ({why}) not reported:\n{said}"
        );
    }
    assert!(
        !said.contains("line 9:") && !said.contains("line 10:"),
        "lines 9 and 10 are part of line 8's problem: {said}"
    );

    // A header naming a column twice: refused as a file problem, nothing guessed.
    std::fs::write(&path, "name,phone,name\n甲,,乙\n").expect("file");
    let output = dibs_at(
        &db.url(),
        &state,
        &["import", "customers", &path.display().to_string()],
    );
    let said = all_text(&output);
    assert!(!output.status.success());
    assert!(
        said.contains("This file cannot be read")
            && said.contains("\"name\" twice (columns 1 and 3)"),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(&state);
}

/// `kill -9` of an import: the journal written as it commits says which lines are in.
#[tokio::test(flavor = "multi_thread")]
async fn a_killed_import_leaves_a_journal_of_what_it_committed() {
    let db = dibs::testkit::TestDatabase::new().await;
    let state = std::env::temp_dir().join(format!("dibs-journal-{}", std::process::id()));
    std::fs::create_dir_all(&state).expect("dir");
    let path = state.join("big.csv");
    let mut text = String::from("name\n");
    let mut rng = dibs::rng::SeededRng::new(5);
    for _ in 0..40_000 {
        text.push_str(&dibs::seed::generate::random_company(&mut rng).name);
        text.push('\n');
    }
    std::fs::write(&path, text).expect("file");
    let mut import = Command::new(env!("CARGO_BIN_EXE_dibs"))
        .args(["import", "customers", &path.display().to_string()])
        .env("DATABASE_URL", db.url())
        .env("XDG_STATE_HOME", &state)
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("dibs-no-config"),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("import");
    let journals = state.join("dibs/imports");
    let journal_text = || -> String {
        std::fs::read_dir(&journals)
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| e.ok())
            .and_then(|e| std::fs::read_to_string(e.path()).ok())
            .unwrap_or_default()
    };
    let started = Instant::now();
    while !journal_text().contains("committed lines") {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "nothing committed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    import.kill().expect("kill -9");
    let _ = import.wait();
    let journal = journal_text();
    let committed: usize = journal
        .lines()
        .filter_map(|l| l.strip_prefix("committed lines "))
        .map(|l| l.split_whitespace().count())
        .sum();
    let client = db.client().await;
    let in_database: i64 = client
        .query_one("select count(*) from dibs.customers", &[])
        .await
        .expect("count")
        .get(0);
    assert!(committed > 0 && committed < 40_000, "{committed}");
    // Every line the journal names is in; at most the one slice whose commit the kill
    // interrupted before its journal line was written is in without being named.
    assert!(
        in_database as usize >= committed && in_database as usize - committed <= 1_000,
        "journal {committed}, database {in_database}"
    );
    let _ = std::fs::remove_dir_all(&state);
}
