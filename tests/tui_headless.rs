//! The app end to end in headless script mode: the real binary, the real core and runtime,
//! a real database; keys from a script, the final screen as text.

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

/// Runs a key script as `login` and returns the final screen.
fn screen(url: &str, login: &str, keys: &str) -> String {
    let output = dibs(
        url,
        &["open", "--user", login, "--keys", keys, "--size", "120x40"],
    );
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

async fn seeded() -> TestDatabase {
    let db = TestDatabase::new().await;
    let seeded = dibs(&db.url(), &["seed", "--demo"]);
    assert!(seeded.status.success());
    db
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_customer_is_checked_while_typing_warned_then_saved_with_a_reason() {
    let db = seeded().await;
    let url = db.url();
    let client = db.client().await;
    let row = client
        .query_one(
            "select c.id, c.name, u.display_name from dibs.customers c join dibs.users u on u.id = c.owner_id
             where u.login_role <> 'wangfang' and c.status = 'active' and c.parent_id is null
               and c.name !~ '[<>]' order by c.id limit 1",
            &[],
        )
        .await
        .expect("a customer of another rep");
    let (existing, name, owner): (i64, String, String) = (row.get(0), row.get(1), row.get(2));

    // Typing the name: the panel shows the existing customer, its owner and why.
    let warned = screen(&url, "wangfang", &format!("2n{name}<C-s>"));
    assert!(
        warned.contains(&format!("#{existing} ({owner}")),
        "{warned}"
    );
    assert!(warned.contains("same name"), "{warned}");
    assert!(warned.contains("Probably a duplicate of"), "{warned}");
    assert!(warned.contains("Reason to save anyway"), "{warned}");

    // The same name in the same place is the same company: under the default rule a reason
    // does not help — the holder is named, nothing is saved, the form keeps what was typed.
    let refused = screen(
        &url,
        "wangfang",
        &format!("2n{name}<C-s>另一法人主体<Enter>"),
    );
    assert!(
        refused.contains(owner.as_str()) && refused.contains("already holds this company"),
        "{refused}"
    );
    assert!(
        refused.contains(&name),
        "the form keeps the name:\n{refused}"
    );
    let created_before: i64 = client
        .query_one(
            "select count(*) from dibs.customers c join dibs.users u on u.id = c.owner_id
             where c.name = $1 and u.login_role = 'wangfang'",
            &[&name],
        )
        .await
        .expect("count")
        .get(0);
    assert_eq!(created_before, 0);

    // Where the admin set the rule to warn, the reason lets it through, owned by 王芳, the
    // override is kept, and the 360° view opens.
    let rule = dibs(&url, &["company-rule", "customer_customer", "warn"]);
    assert!(
        rule.status.success(),
        "{}",
        String::from_utf8_lossy(&rule.stderr)
    );
    let saved = screen(
        &url,
        "wangfang",
        &format!("2n{name}<C-s>另一法人主体<Enter>"),
    );
    let created: i64 = client
        .query_one(
            "select c.id from dibs.customers c join dibs.users u on u.id = c.owner_id
             where c.name = $1 and u.login_role = 'wangfang'",
            &[&name],
        )
        .await
        .unwrap_or_else(|e| panic!("the customer was created for 王芳 ({e}):\n{saved}"))
        .get(0);
    assert!(
        saved.contains(&format!("#{created} {name}")),
        "the detail view of the new customer:\n{saved}"
    );
    let reason: String = client
        .query_one(
            "select override_reason from dibs.dedup_decisions where created_id = $1 and decision = 'warned_overridden'",
            &[&created],
        )
        .await
        .expect("the override is on record")
        .get(0);
    assert_eq!(reason, "另一法人主体");
}

#[tokio::test(flavor = "multi_thread")]
async fn blocked_and_invalid_saves_explain_why_and_keep_the_form() {
    let db = seeded().await;
    let url = db.url();
    let client = db.client().await;
    let code: String = client
        .query_one(
            "select uscc from dibs.customers where uscc_valid and status = 'active' order by id limit 1",
            &[],
        )
        .await
        .expect("a customer with a valid credit code")
        .get(0);
    let before: i64 = client
        .query_one("select count(*) from dibs.customers", &[])
        .await
        .expect("count")
        .get(0);

    let blocked = screen(
        &url,
        "wangfang",
        &format!("2n全新测试主体有限公司<Tab><Tab><Tab>{code}<C-s>确认<Enter>"),
    );
    assert!(
        blocked.contains("Blocked by the rule \"customer: same credit code\""),
        "{blocked}"
    );
    assert!(
        blocked.contains("全新测试主体有限公司"),
        "the typed values stay:\n{blocked}"
    );

    let mut typo: Vec<char> = code.chars().collect();
    let last = typo.len() - 1;
    typo[last] = if typo[last] == '0' { '1' } else { '0' };
    let typo: String = typo.into_iter().collect();
    let invalid = screen(
        &url,
        "wangfang",
        &format!("2n另一全新测试主体<Tab><Tab><Tab>{typo}<C-s>"),
    );
    assert!(
        invalid.contains("the last character should be"),
        "{invalid}"
    );
    let after: i64 = client
        .query_one("select count(*) from dibs.customers", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(before, after, "nothing was created");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rep_typing_the_same_new_company_shows_up_and_search_finds_customers() {
    let db = seeded().await;
    let url = db.url();
    let client = db.client().await;
    let other: String = client
        .query_one(
            "select u.login_role::text from dibs.users u where u.role = 'rep' and u.login_role <> 'wangfang'
             order by u.id limit 1",
            &[],
        )
        .await
        .expect("another rep")
        .get(0);
    // The other rep is typing the company right now (a headless run that ends withdraws its
    // draft, as quitting the app does, so the draft is made through the same function).
    let typing = dibs::db::connect(&db.config_as(&other))
        .await
        .expect("connect as the other rep");
    typing
        .execute(
            "select dibs.touch_draft('customer', '华东新材料科技集团')",
            &[],
        )
        .await
        .expect("draft");
    let shown = screen(&url, "wangfang", "2n华东新材料科技");
    assert!(
        shown.contains("is creating \"华东新材料科技集团\""),
        "{shown}"
    );

    let name: String = client
        .query_one(
            "select name from dibs.customers where status = 'active' and name !~ '[<>]' order by id limit 1",
            &[],
        )
        .await
        .expect("a customer")
        .get(0);
    let prefix: String = name.chars().take(4).collect();
    let found = screen(&url, "wangfang", &format!("2/{prefix}"));
    assert!(found.contains(&name), "{found}");

    // Read-only: the form does not open and the screen says why.
    let output = dibs(
        &url,
        &[
            "open",
            "--user",
            "wangfang",
            "--readonly",
            "--keys",
            "2n",
            "--size",
            "80x24",
        ],
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("read-only: nothing was changed"), "{text}");
    assert!(!text.contains("New customer"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_a_csv_excel_opens_and_says_where() {
    let db = seeded().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let output = common::dibs_command()
        .args([
            "open", "--user", "wangfang", "--keys", "e", "--size", "120x40",
        ])
        .current_dir(dir.path())
        .env("DATABASE_URL", db.url())
        .output()
        .expect("run dibs");
    let screen = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(screen.contains("Exported"), "{screen}");
    let file = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("dibs-leads-"))
        .expect("the export file");
    let bytes = std::fs::read(file.path()).expect("read");
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF], "UTF-8 with BOM");
    let text = String::from_utf8_lossy(&bytes[3..]).into_owned();
    assert!(text.starts_with("#,company,region"), "{text}");
    assert!(text.lines().count() > 10, "{text}");
    assert!(
        screen.contains(&file.file_name().to_string_lossy().into_owned()),
        "the path is shown:\n{screen}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_hands_a_reps_holdings_over_from_the_palette() {
    let db = seeded().await;
    let url = db.url();
    let client = db.client().await;
    let rows = client
        .query(
            "select u.login_role::text, u.id from dibs.users u
             join dibs.users m on m.team_id = u.team_id and m.login_role = 'guojuan'
             where u.role = 'rep' order by u.id limit 2",
            &[],
        )
        .await
        .expect("two reps of 郭娟's team");
    let (from, from_id): (String, i64) = (rows[0].get(0), rows[0].get(1));
    let (to, _): (String, i64) = (rows[1].get(0), rows[1].get(1));
    let held_before: i64 = client
        .query_one(
            "select count(*) from dibs.leads where owner_id = $1 and status in ('new', 'working')",
            &[&from_id],
        )
        .await
        .expect("count")
        .get(0);
    let preview = screen(&url, "guojuan", &format!(":transfer {from} {to}<Enter>"));
    assert!(
        preview.contains(&format!("{from} → {to}:")) && preview.contains("would move"),
        "{preview}"
    );
    let done = screen(
        &url,
        "guojuan",
        &format!(":transfer {from} {to}<Enter>y团队调整<Enter>"),
    );
    assert!(done.contains("Done: transfer"), "{done}");
    let (moved, reason): (i64, i64) = {
        let row = client
            .query_one(
                "select (select count(*) from dibs.leads where owner_id = $1 and status in ('new', 'working')),
                        (select count(*) from dibs.ownership_log where action = 'transfer' and detail ->> 'reason' = '团队调整')",
                &[&from_id],
            )
            .await
            .expect("after");
        (row.get(0), row.get(1))
    };
    assert!(
        moved < held_before || held_before == 0,
        "{moved} of {held_before} left"
    );
    assert!(
        reason > 0 || held_before == 0,
        "every move carries the reason"
    );
}

/// Server connections `login` holds on the test database right now.
async fn connections_of(admin: &tokio_postgres::Client, database: &str, login: &str) -> i64 {
    admin
        .query_one(
            "select count(*) from pg_stat_activity
             where datname = $1 and usename = $2 and backend_type = 'client backend'",
            &[&database, &login],
        )
        .await
        .expect("pg_stat_activity")
        .get(0)
}

/// The connection budget of an open app: busy, it reads on several connections and checks
/// duplicates on its own; at rest it keeps one working connection and the LISTEN one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_open_app_at_rest_holds_two_server_connections() {
    use dibs::tui::app::{Effect, Msg};
    use dibs::tui::cmd::Lane;

    let db = TestDatabase::new().await;
    let admin = db.client().await;
    let login = format!("{}_budget", db.name);
    admin
        .batch_execute(&format!(
            "create role {login} login in role dibs_rep;
             insert into dibs.users (login_role, display_name, role) values ('{login}', '预算', 'rep');"
        ))
        .await
        .expect("a rep");
    let config = db.config_as(&login);
    let session = dibs::db::Session::open(&config).await.expect("session");
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Msg>(64);
    let runtime =
        dibs::tui::runtime::Runtime::start(&config, session.clone(), tx.clone()).without_terminal();
    let follower = tokio::spawn(dibs::tui::runtime::listen::listen(
        config.clone(),
        session.clone(),
        tx,
    ));
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });

    // Busy: four reads at once, and both live-check lanes.
    let reads = (0..4).map(|_| {
        let session = session.clone();
        async move {
            dibs::db_read!(&session, c => async {
                c.execute("select pg_sleep(0.3)", &[]).await.map_err(dibs::error::Error::from)
            })
        }
    });
    for lane in [Lane::Search, Lane::DuplicatePanel] {
        runtime.run(vec![Effect::Live {
            owner: "budget",
            lane,
            seq: 1,
            draft: dibs::domain::score::Draft {
                name: "上海城康汽车零部件有限公司".into(),
                ..Default::default()
            },
        }]);
    }
    for read in futures_util::future::join_all(reads).await {
        read.expect("a read");
    }
    let busy = connections_of(&admin, &db.name, &login).await;
    assert!(busy >= 4, "busy, the app used {busy} connections");

    // At rest (idle connections close after 5 s): one for work, one listening.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let mut at_rest = busy;
    while std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        at_rest = connections_of(&admin, &db.name, &login).await;
        if at_rest <= 2 {
            break;
        }
    }
    assert_eq!(
        at_rest, 2,
        "an app at rest holds {at_rest} server connections"
    );
    // And it still works: a read on the kept connection.
    dibs::db_read!(&session, c => async {
        c.execute("select 1", &[]).await.map_err(dibs::error::Error::from)
    })
    .expect("a read after rest");
    follower.abort();
    drain.abort();
}
