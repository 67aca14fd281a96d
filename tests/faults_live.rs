//! Faults the way they happen, against a cluster of the test's own: the database restarted
//! and backends killed under an open app (the real binary in tmux), signals to the app, a
//! worker leader killed with `kill -9`, workers racing, a claim's client killed while it
//! waits on a lock.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cluster::{PrivateCluster, Running, text};
use common::terminal::{Session, tmux};

const MINE: &str = "o.owner_id = (select id from dibs.users where login_role = 'wangfang')
                    and (not s.is_closed or o.updated_at > now() - interval '30 days')";

async fn needs(client: &tokio_postgres::Client) -> i64 {
    client
        .query_one(
            &format!(
                "select count(*) from dibs.opportunities o join dibs.opportunity_stages s on s.id = o.stage_id
                 where {MINE} and o.stage_id = 2"
            ),
            &[],
        )
        .await
        .expect("count")
        .get(0)
}

/// A colleague (the owner's session) moves one of her "Needs" cards on.
async fn colleague_moves_a_card(client: &tokio_postgres::Client) {
    let row = client
        .query_one(
            &format!(
                "select o.id, o.version from dibs.opportunities o join dibs.opportunity_stages s on s.id = o.stage_id
                 where {MINE} and o.stage_id = 2 order by o.id limit 1"
            ),
            &[],
        )
        .await
        .expect("a card in Needs");
    let (id, version): (i64, i32) = (row.get(0), row.get(1));
    let moved: bool = client
        .query_one(
            "select (r).ok from dibs.move_opportunity($1, 3::smallint, $2) r",
            &[&id, &version],
        )
        .await
        .expect("move")
        .get(0);
    assert!(moved);
}

fn app_command(db: &PrivateCluster) -> String {
    format!(
        "env DATABASE_URL='{}' LANG=C.UTF-8 XDG_STATE_HOME=/tmp XDG_CONFIG_HOME=/tmp/dibs-no-config {} demo; sleep 120",
        db.url(),
        env!("CARGO_BIN_EXE_dibs")
    )
}

/// The app's process: the child of the pane's shell.
fn app_pid(terminal: &Session) -> i32 {
    let shell =
        String::from_utf8_lossy(&tmux(&["display", "-p", "-t", &terminal.0, "#{pane_pid}"]).stdout)
            .trim()
            .to_string();
    let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
        .expect("the pane's shell");
    children
        .split_whitespace()
        .next()
        .and_then(|p| p.parse().ok())
        .expect("the app runs in the pane")
}

/// `alternate_on cursor_flag` of the pane: "1 0" while the app owns it, "0 1" once restored.
fn pane_modes(terminal: &Session) -> String {
    String::from_utf8_lossy(
        &tmux(&[
            "display",
            "-p",
            "-t",
            &terminal.0,
            "#{alternate_on} #{cursor_flag}",
        ])
        .stdout,
    )
    .trim()
    .to_string()
}

fn process_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// Waits (5 s at most) until the process is stopped (Ctrl-Z, SIGTSTP).
fn wait_until_stopped(pid: i32) {
    let started = Instant::now();
    while process_state(pid) != Some('T') {
        assert!(started.elapsed() < Duration::from_secs(5), "not stopped");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until the process has exited. It may first wait up to 3 s for its last requests;
/// a loaded CI machine adds to that, hence 15 s.
fn wait_until_ended(pid: i32, terminal: &Session) {
    let started = Instant::now();
    while process_state(pid).is_some_and(|s| s != 'Z') {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "still running ({:?}):\n{}",
            process_state(pid),
            terminal.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signal(pid: i32, signal: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_heals_after_a_restart_and_killed_backends_and_keeps_the_form() {
    let db = PrivateCluster::with_demo("restart").await;
    let owner = db.client().await;
    let terminal = Session::start(
        &format!("dibs-restart-{}", std::process::id()),
        120,
        30,
        &app_command(&db),
    );
    terminal.wait_for(" live ", Duration::from_secs(60));
    // She is typing a new customer when the database goes away.
    terminal.keys("2");
    terminal.keys("n");
    terminal.keys("ZZRestartCo");
    terminal.wait_for("ZZRestartCo", Duration::from_secs(10));
    drop(owner);
    db.stop();
    let screen = terminal.wait_for("reconnecting since", Duration::from_secs(15));
    assert!(!screen.contains(" live "), "{screen}");
    std::thread::sleep(Duration::from_secs(3));
    db.start_again();
    let back = Instant::now();
    let screen = terminal.wait_for(" live ", Duration::from_secs(10));
    let healed = back.elapsed();
    assert!(
        healed < Duration::from_secs(5),
        "live again after {healed:?}"
    );
    assert!(
        screen.contains("ZZRestartCo"),
        "the form's input survives:\n{screen}"
    );

    // After the restart: her own change goes through, and a colleague's shows up live.
    let owner = db.client().await;
    terminal.keys("Escape");
    terminal.wait_until_gone("New customer", Duration::from_secs(10));
    terminal.keys("3");
    let before = needs(&owner).await;
    terminal.wait_for(&format!("Needs {before}"), Duration::from_secs(10));
    colleague_moves_a_card(&owner).await;
    let moved = Instant::now();
    terminal.wait_for(&format!("Needs {}", before - 1), Duration::from_secs(2));
    assert!(moved.elapsed() < Duration::from_secs(2));
    terminal.keys("]");
    terminal.wait_for("Moved.", Duration::from_secs(10));

    // Every backend of hers killed: the next change still goes through, the bar comes back.
    owner
        .execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where usename = 'wangfang' or (usename = 'dibs' and pid <> pg_backend_pid())",
            &[],
        )
        .await
        .expect("terminate her backends");
    std::thread::sleep(Duration::from_millis(500));
    terminal.wait_for(" live ", Duration::from_secs(10));
    let before = needs(&owner).await;
    colleague_moves_a_card(&owner).await;
    terminal.wait_for(&format!("Needs {}", before - 1), Duration::from_secs(5));
    terminal.keys("]");
    terminal.wait_for("Moved.", Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread")]
async fn signals_restore_the_terminal_and_ctrl_z_suspends_and_resumes() {
    let db = PrivateCluster::with_demo("signals").await;
    let terminal = Session::start(
        &format!("dibs-signals-{}", std::process::id()),
        100,
        30,
        &app_command(&db),
    );
    terminal.wait_for(" live ", Duration::from_secs(60));
    let pid = app_pid(&terminal);
    assert_eq!(pane_modes(&terminal), "1 0");

    // Ctrl-Z: the terminal goes back to the shell before the process stops.
    terminal.keys("C-z");
    wait_until_stopped(pid);
    assert_eq!(pane_modes(&terminal), "0 1");
    // `fg`: raw mode and the screen come back; a key acts at once (no Enter needed).
    signal(pid, "CONT");
    terminal.wait_for(" live ", Duration::from_secs(10));
    terminal.keys("3");
    terminal.wait_for("Needs", Duration::from_secs(10));
    assert_eq!(pane_modes(&terminal), "1 0");

    // An outside SIGTSTP then SIGCONT: the same.
    signal(pid, "TSTP");
    wait_until_stopped(pid);
    assert_eq!(pane_modes(&terminal), "0 1");
    signal(pid, "CONT");
    terminal.keys("1");
    terminal.wait_for(" live ", Duration::from_secs(10));
    assert_eq!(pane_modes(&terminal), "1 0");

    // SIGTERM: the app ends and the terminal is the shell's again.
    signal(pid, "TERM");
    wait_until_ended(pid, &terminal);
    assert_eq!(pane_modes(&terminal), "0 1");
}

/// `application_name` of the backend holding the worker's leader lock, if any.
async fn leader(client: &tokio_postgres::Client) -> Option<String> {
    client
        .query_opt(
            "select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
             where l.locktype = 'advisory' and l.classid = 1147 and l.objsubid = 2 and l.granted",
            &[],
        )
        .await
        .expect("locks")
        .map(|r| r.get(0))
}

/// Makes `count` leads due for recycling; returns their ids.
async fn make_due(client: &tokio_postgres::Client, count: i64) -> Vec<i64> {
    client
        .batch_execute(
            "update dibs.pools set recycle_after_idle = interval '7 days' where kind = 'lead'",
        )
        .await
        .expect("pools recycle");
    client
        .query(
            "with picked as (
                 select l.id from dibs.leads l
                 where l.status = 'new' and l.owner_id is null and l.company_id is not null
                   and not exists (select 1 from dibs.leads o where o.company_id = l.company_id and o.owner_id is not null)
                   and not exists (select 1 from dibs.customers c where c.company_id = l.company_id and c.owner_id is not null)
                 order by l.id limit $1)
             update dibs.leads l set owner_id = (select user_id from dibs.pool_members m where m.pool_id = l.pool_id order by user_id limit 1),
                                     owned_since = now() - interval '30 days', last_followup_at = null, status = 'working',
                                     assign_attempted_at = now()
             from picked where l.id = picked.id
             returning l.id",
            &[&count],
        )
        .await
        .expect("due leads")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// How many of `ids` were recycled once, and how many more than once, since they were made due.
async fn recycled_once(
    client: &tokio_postgres::Client,
    ids: &[i64],
    since: chrono::DateTime<chrono::Utc>,
) -> (i64, i64) {
    let row = client
        .query_one(
            "select count(*) filter (where n = 1), count(*) filter (where n > 1) from (
                 select l.id, (select count(*) from dibs.ownership_log g
                               where g.entity = 'lead' and g.entity_id = l.id and g.action = 'recycle'
                                 and g.at > $2) n
                 from dibs.leads l where l.id = any($1)) c",
            &[&ids, &since],
        )
        .await
        .expect("recycle log");
    (row.get(0), row.get(1))
}

#[tokio::test(flavor = "multi_thread")]
async fn workers_survive_a_restart_and_a_standby_takes_over_within_5_s() {
    let db = PrivateCluster::with_demo("workers").await;
    // The demo's own owners would be recycled too; only ours count.
    let logs = std::env::temp_dir().join(format!("dibs-workers-{}", std::process::id()));
    std::fs::create_dir_all(&logs).expect("log dir");
    let spawn = |name: &str| {
        let url = format!("{}&application_name={name}", db.url());
        Command::new(env!("CARGO_BIN_EXE_dibs"))
            .args(["worker", "--interval", "1"])
            .env("DATABASE_URL", url)
            .env("XDG_STATE_HOME", std::env::temp_dir())
            .env(
                "XDG_CONFIG_HOME",
                std::env::temp_dir().join("dibs-no-config"),
            )
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(logs.join(name)).expect("log"))
            .spawn()
            .expect("worker")
    };
    let said = |name: &str| std::fs::read_to_string(logs.join(name)).unwrap_or_default();
    let mut first = Running(spawn("worker_a"));
    let mut second = Running(spawn("worker_b"));
    let client = db.client().await;
    let started = Instant::now();
    while leader(&client).await.is_none() {
        assert!(started.elapsed() < Duration::from_secs(20), "nobody leads");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The database restarts under both: neither exits, and sweeping resumes.
    drop(client);
    db.stop();
    tokio::time::sleep(Duration::from_secs(3)).await;
    db.start_again();
    let client = db.client().await;
    let since = chrono::Utc::now();
    let due = make_due(&client, 200).await;
    let started = Instant::now();
    loop {
        let (once, twice) = recycled_once(&client, &due, since).await;
        assert_eq!(twice, 0);
        if once == due.len() as i64 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{once} of {} recycled after the restart",
            due.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        first.0.try_wait().expect("worker a").is_none(),
        "worker a exited: {}",
        said("worker_a")
    );
    assert!(
        second.0.try_wait().expect("worker b").is_none(),
        "worker b exited: {}",
        said("worker_b")
    );

    // kill -9 of the leader: the standby leads within 5 s.
    let leading = leader(&client).await.expect("a leader after the restart");
    let (dead, standby) = if leading == "worker_a" {
        (&mut first, "worker_b")
    } else {
        (&mut second, "worker_a")
    };
    dead.0.kill().expect("kill -9");
    let _ = dead.0.wait();
    let killed = Instant::now();
    while leader(&client).await.as_deref() != Some(standby) {
        assert!(
            killed.elapsed() < Duration::from_secs(5),
            "the standby did not take over within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_once_runs_and_a_leader_recycle_every_due_lead_exactly_once() {
    let db = PrivateCluster::with_demo("once").await;
    let client = db.client().await;
    let since = chrono::Utc::now();
    let due = make_due(&client, 1_500).await;
    assert!(due.len() >= 1_000, "{} due", due.len());
    let leader_run = db
        .command_as("dibs", &["worker", "--interval", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let _leader_run = Running(leader_run.expect("leader"));
    let once: Vec<_> = (0..2)
        .map(|_| {
            db.command_as("dibs", &["worker", "--once"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("--once")
        })
        .collect();
    let outputs: Vec<_> = once
        .into_iter()
        .map(|c| c.wait_with_output().expect("--once ends"))
        .collect();
    for output in &outputs {
        // Either it led and swept, or it said another worker leads and failed.
        assert!(
            output.status.success() || text(output).contains("Another worker is leading"),
            "{}",
            text(output)
        );
    }
    let started = Instant::now();
    loop {
        let (once, twice) = recycled_once(&client, &due, since).await;
        assert_eq!(twice, 0, "a lead recycled twice");
        if once == due.len() as i64 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{once} of {} recycled",
            due.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A lead another session holds a row lock on.
async fn locked_lead(db: &PrivateCluster) -> (tokio_postgres::Client, i64) {
    let mut holder = db.client().await;
    let lead: i64 = holder
        .query_one(
            "select l.id from dibs.leads l join dibs.pool_members m on m.pool_id = l.pool_id
             join dibs.users u on u.id = m.user_id
             where l.status = 'new' and l.owner_id is null and u.login_role = 'wangfang'
               and not exists (select 1 from dibs.leads o where o.company_id = l.company_id and o.owner_id is not null)
               and not exists (select 1 from dibs.customers c where c.company_id = l.company_id and c.owner_id is not null)
             order by l.id limit 1",
            &[],
        )
        .await
        .expect("a free lead")
        .get(0);
    let _ = &mut holder;
    holder
        .batch_execute(&format!(
            "begin; select 1 from dibs.leads where id = {lead} for update"
        ))
        .await
        .expect("hold the row");
    (holder, lead)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_held_row_is_said_in_words_and_a_killed_claim_never_commits() {
    let db = PrivateCluster::with_demo("locks").await;
    let config_dir = std::env::temp_dir().join(format!("dibs-locks-{}", std::process::id()));
    std::fs::create_dir_all(config_dir.join("dibs")).expect("config dir");
    std::fs::write(
        config_dir.join("dibs/config.toml"),
        "lock_timeout_seconds = 2\n",
    )
    .expect("config");

    // Another session holds the row: the claim gives up after the lock timeout, in words.
    let (holder, lead) = locked_lead(&db).await;
    let started = Instant::now();
    let output = db
        .command_as("wangfang", &["lead", "claim", &lead.to_string()])
        .env("XDG_CONFIG_HOME", &config_dir)
        .output()
        .expect("claim");
    assert!(!output.status.success());
    assert!(
        text(&output).contains("Another session is holding this record"),
        "{}",
        text(&output)
    );
    assert!(started.elapsed() < Duration::from_secs(6));

    // The claimer is killed while it waits: the server notices the client is gone and
    // stops the claim, so it cannot commit when the row is freed.
    let mut claim = db
        .command_as("wangfang", &["lead", "claim", &lead.to_string()])
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("dibs-no-config"),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("claim");
    tokio::time::sleep(Duration::from_millis(700)).await;
    claim.kill().expect("kill -9 the claimer");
    let _ = claim.wait();
    // Longer than the check interval (2 s), shorter than the lock timeout (5 s).
    tokio::time::sleep(Duration::from_millis(3_000)).await;
    holder.batch_execute("commit").await.expect("free the row");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let owner: Option<i64> = holder
        .query_one("select owner_id from dibs.leads where id = $1", &[&lead])
        .await
        .expect("lead")
        .get(0);
    assert_eq!(owner, None, "a ghost claim committed");
}

#[tokio::test(flavor = "multi_thread")]
async fn quitting_with_the_form_open_withdraws_the_draft_at_once() {
    let db = PrivateCluster::with_demo("drafts").await;
    let owner = db.client().await;
    let terminal = Session::start(
        &format!("dibs-drafts-{}", std::process::id()),
        120,
        30,
        &app_command(&db),
    );
    terminal.wait_for(" live ", Duration::from_secs(60));
    let pid = app_pid(&terminal);
    terminal.keys("2");
    terminal.keys("n");
    terminal.keys("ZZDraftCo");
    let drafts = async || -> i64 {
        owner
            .query_one(
                "select count(*) from dibs.drafts d join dibs.users u on u.id = d.user_id
                 where u.login_role = 'wangfang' and d.name = 'ZZDraftCo'",
                &[],
            )
            .await
            .expect("drafts")
            .get(0)
    };
    let started = Instant::now();
    while drafts().await == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "colleagues never saw the draft"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Ctrl-C quits from anywhere, the open form included.
    terminal.keys("C-c");
    wait_until_ended(pid, &terminal);
    assert_eq!(drafts().await, 0, "the draft outlived the app");
}
