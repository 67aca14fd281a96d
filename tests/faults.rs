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
