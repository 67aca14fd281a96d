//! `dibs lead|customer|history|worker|bench` through the real binary.

mod common;

use std::process::Output;

use dibs::testkit::TestDatabase;

fn dibs(url: &str, args: &[&str]) -> Output {
    common::dibs_command()
        .args(args)
        .env("DATABASE_URL", url)
        .output()
        .expect("run dibs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn claims_refusals_history_and_worker_from_the_command_line() {
    let db = TestDatabase::new().await;
    let url = db.url();
    let seeded = dibs(&url, &["seed", "--demo"]);
    assert!(seeded.status.success(), "{}", text(&seeded));
    let client = db.client().await;
    let row = client
        .query_one(
            "select l.id, (select u2.login_role from dibs.pool_members m2 join dibs.users u2 on u2.id = m2.user_id
                           where m2.pool_id = l.pool_id and u2.login_role <> 'wangfang' order by u2.id limit 1)
             from dibs.leads l join dibs.pool_members m on m.pool_id = l.pool_id
             join dibs.users u on u.id = m.user_id and u.login_role = 'wangfang'
             where l.owner_id is null and l.status = 'new' order by l.id limit 1",
            &[],
        )
        .await
        .expect("a free lead in 王芳's pool");
    let (lead, other): (i64, String) = (row.get(0), row.get(1));
    let lead_arg = lead.to_string();

    let claimed = dibs(&url, &["--as", "wangfang", "lead", "claim", &lead_arg]);
    assert_eq!(claimed.status.code(), Some(0), "{}", text(&claimed));
    assert!(
        text(&claimed).contains(&format!("lead {lead}: Done")),
        "{}",
        text(&claimed)
    );

    // The log marks a claim made for someone else: here the cluster's owner, who has no dibs
    // user of its own, claimed for 王芳, and the row says so beside her as the new owner.
    let logged = client
        .query_one(
            "select g.detail ->> 'on_behalf',
                    g.to_owner = (select id from dibs.users where login_role = 'wangfang')
             from dibs.ownership_log g
             where g.entity = 'lead' and g.entity_id = $1 and g.action = 'claim' and g.outcome = 'ok'
             order by g.id desc limit 1",
            &[&lead],
        )
        .await
        .expect("the claim's log row");
    assert_eq!(
        (logged.get::<_, Option<String>>(0), logged.get::<_, bool>(1)),
        (Some("true".to_string()), true)
    );

    let refused = dibs(&url, &["--as", &other, "lead", "claim", &lead_arg]);
    assert_eq!(
        refused.status.code(),
        Some(3),
        "refusals exit with 3: {}",
        text(&refused)
    );
    assert!(
        text(&refused).contains("王芳 claimed it"),
        "{}",
        text(&refused)
    );

    let json = dibs(
        &url,
        &["--json", "--as", &other, "lead", "claim", &lead_arg],
    );
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON output");
    assert_eq!(parsed[0]["reason"], "already_owned_by");
    assert_eq!(parsed[0]["other_user_name"], "王芳");

    let history = dibs(&url, &["history", "lead", &lead_arg]);
    let lines = String::from_utf8_lossy(&history.stdout).into_owned();
    let first_two: Vec<&str> = lines.lines().take(3).collect();
    assert!(
        first_two[0].contains("claim") && first_two[0].contains("refused"),
        "newest first:\n{lines}"
    );
    assert!(lines.contains("ok") && lines.contains("王芳"), "{lines}");

    let unknown = dibs(
        &url,
        &["--as", "no_such_person", "lead", "claim", &lead_arg],
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown).contains("There is no user no_such_person"),
        "{}",
        text(&unknown)
    );

    let preview = dibs(&url, &["--json", "worker", "--dry-run"]);
    assert!(preview.status.success(), "{}", text(&preview));
    let parsed: serde_json::Value = serde_json::from_slice(&preview.stdout).expect("preview JSON");
    assert!(parsed["recycle"].is_array() && parsed["assign"].is_array());

    let pass = dibs(&url, &["worker", "--once"]);
    assert!(pass.status.success(), "{}", text(&pass));
    assert!(text(&pass).contains("leads recycled"), "{}", text(&pass));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_claims_benchmark_runs_at_a_tiny_size_with_zero_violations() {
    let db = TestDatabase::new().await;
    let output = dibs(
        &db.url(),
        &[
            "bench",
            "claims",
            "--reps",
            "4",
            "--seconds",
            "1",
            "--leads",
            "300",
            "--limit",
            "5",
        ],
    );
    let out = text(&output);
    assert!(output.status.success(), "{out}");
    assert!(out.contains("baseline: single-row UPDATE"), "{out}");
    assert!(out.contains("ratio calls/baseline"), "{out}");
    assert!(out.contains("invariant violations: 0"), "{out}");
}
