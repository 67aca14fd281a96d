//! The `dibs` binary as a person meets it: clear messages, never a panic.

use std::process::{Command, Output};
use std::time::Duration;

use dibs::local::{Durability, LocalCluster};
use dibs::testkit::TestDatabase;

mod common;
use common::terminal::Session;

fn dibs(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let config_dir = std::env::temp_dir().join(format!("dibs-cli-config-{}", std::process::id()));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dibs"));
    cmd.args(args)
        .env_remove("DATABASE_URL")
        .env("XDG_CONFIG_HOME", &config_dir)
        .env("XDG_STATE_HOME", &config_dir)
        .env("LANG", "C.UTF-8");
    for (key, value) in envs {
        cmd.env(key, value);
    }
    cmd.output().expect("run dibs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_clean_failure(output: &Output, needle: &str) {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(1), "exit code; stderr: {text}");
    assert!(text.contains(needle), "expected {needle:?} in: {text}");
    assert!(!text.contains("panicked"), "must not panic: {text}");
}

#[test]
fn unreachable_database_is_explained() {
    let output = dibs(
        &["migrate"],
        &[(
            "DATABASE_URL",
            "host=127.0.0.1 port=1 user=ann dbname=crm connect_timeout=5",
        )],
    );
    assert_clean_failure(
        &output,
        "Cannot reach the database at 127.0.0.1:1/crm as ann",
    );
    let output = dibs(
        &["--lang", "zh", "migrate"],
        &[(
            "DATABASE_URL",
            "host=127.0.0.1 port=1 user=ann dbname=crm connect_timeout=5",
        )],
    );
    assert_clean_failure(&output, "无法连接数据库");
}

#[test]
fn a_malformed_url_is_explained() {
    let output = dibs(
        &["migrate"],
        &[("DATABASE_URL", "postgresql://ann@host:notaport/db")],
    );
    assert_clean_failure(&output, "not a valid connection string");
    // The other URL settings are named with their own variable, not sent to DATABASE_URL.
    for (variable, key) in [
        ("DIBS_READ_URL", "read_url"),
        ("DIBS_LISTEN_URL", "listen_url"),
        ("DIBS_GATEWAY_URL", "gateway_url"),
    ] {
        let output = dibs(
            &["migrate"],
            &[
                ("DATABASE_URL", "postgresql://ann@localhost:1/db"),
                (variable, "postgresql://ann@host:notaport/db"),
            ],
        );
        assert_clean_failure(&output, &format!("The setting {key} ({variable})"));
        assert!(
            !stderr(&output).contains("DATABASE_URL"),
            "{}",
            stderr(&output)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_unknown_role_and_unknown_database_are_explained() {
    // A cluster of its own, so its authentication can be changed freely.
    let root = std::env::temp_dir().join(format!("dibs-cli-auth-{}", std::process::id()));
    let cluster = LocalCluster::locate(root.clone(), 5440).expect("binaries");
    struct Cleanup(LocalCluster);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = self.0.stop(true);
            let _ = std::fs::remove_dir_all(&self.0.root);
        }
    }
    let _guard = Cleanup(cluster.clone());
    cluster
        .ensure_running(Durability::Throwaway)
        .expect("start");
    let hba = cluster.pgdata().join("pg_hba.conf");
    let original = std::fs::read_to_string(&hba).expect("read hba");
    std::fs::write(&hba, format!("local all pw_user scram-sha-256\n{original}"))
        .expect("write hba");
    let admin = dibs::db::connect(&cluster.pg_config("postgres"))
        .await
        .expect("admin");
    admin
        .batch_execute("create role pw_user login password 'right'; select pg_reload_conf()")
        .await
        .expect("role");

    let socket = cluster.socket_dir().display().to_string();
    let url = |user: &str, extra: &str| {
        format!("host={socket} port=5440 user={user} dbname=postgres {extra}")
    };
    assert_clean_failure(
        &dibs(
            &["migrate"],
            &[("DATABASE_URL", &url("pw_user", "password=wrong"))],
        ),
        "password for user pw_user was refused",
    );
    assert_clean_failure(
        &dibs(&["migrate"], &[("DATABASE_URL", &url("pw_user", ""))]),
        "password for user pw_user was refused",
    );
    assert_clean_failure(
        &dibs(&["migrate"], &[("DATABASE_URL", &url("nobody_here", ""))]),
        "no login role nobody_here",
    );
    let missing_db = format!("host={socket} port=5440 user=dibs dbname=no_such_db");
    assert_clean_failure(
        &dibs(&["migrate"], &[("DATABASE_URL", &missing_db)]),
        "no database named no_such_db",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_seed_and_a_second_seed_through_the_binary() {
    let db = TestDatabase::new().await;
    let url = db.url();
    let output = dibs(&["migrate"], &[("DATABASE_URL", &url)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("schema is at version"));
    let output = dibs(&["seed", "--demo"], &[("DATABASE_URL", &url)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("customers"));
    assert_clean_failure(
        &dibs(&["seed", "--demo"], &[("DATABASE_URL", &url)]),
        "already holds data",
    );
}

#[test]
fn a_broken_config_file_is_explained() {
    let dir = std::env::temp_dir().join(format!("dibs-cli-badconf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let file = dir.join("config.toml");
    std::fs::write(&file, "databse_url = 'oops'\n").expect("write");
    let output = dibs(
        &["migrate"],
        &[("DIBS_CONFIG", file.to_str().expect("utf8 path"))],
    );
    assert_clean_failure(&output, "Cannot read the config file");
    assert!(
        stderr(&output).contains("databse_url"),
        "names the bad key: {}",
        stderr(&output)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn local_status_of_a_missing_cluster_says_how_to_start_one() {
    let dir = std::env::temp_dir().join(format!("dibs-cli-nolocal-{}", std::process::id()));
    let output = dibs(
        &["local", "status"],
        &[("DIBS_HOME", dir.to_str().expect("utf8 path"))],
    );
    assert_eq!(output.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&output.stdout).contains("dibs local start"));
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_opens_as_the_demo_rep_and_quits_cleanly_on_q() {
    let db = TestDatabase::new().await;
    let session = format!("dibs-e2e-{}", std::process::id());
    let command = format!(
        "env DATABASE_URL='{}' LANG=C.UTF-8 XDG_STATE_HOME=/tmp {} demo; echo DIBS_EXITED:$?; sleep 60",
        db.url(),
        env!("CARGO_BIN_EXE_dibs")
    );
    let terminal = Session::start(&session, 80, 24, &command);
    let screen = terminal.wait_for("Signed in as 王芳", Duration::from_secs(60));
    assert!(screen.contains("my holdings"), "{screen}");
    terminal.wait_for(" live ", Duration::from_secs(20));
    // Another rep claims a lead in 王芳's pool from a second connection: her screen follows.
    let before: i64 = screen
        .split("leads in my pools ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("the pool figure is on screen");
    let client = db.client().await;
    let claimed: bool = client
        .query_one(
            "select (dibs.claim_lead(l.id, other.id)).ok
             from dibs.users me join dibs.pool_members m on m.user_id = me.id
             join dibs.leads l on l.pool_id = m.pool_id and l.owner_id is null and l.status = 'new'
             join dibs.pool_members om on om.pool_id = m.pool_id and om.user_id <> me.id
             join dibs.users other on other.id = om.user_id
             where me.login_role = 'wangfang' order by l.id limit 1",
            &[],
        )
        .await
        .expect("claim from a second connection")
        .get(0);
    assert!(claimed);
    terminal.wait_for(
        &format!("leads in my pools {}", before - 1),
        Duration::from_secs(10),
    );
    terminal.keys("q");
    let screen = terminal.wait_for("DIBS_EXITED:0", Duration::from_secs(20));
    // Back on the normal screen: the app's frame is gone.
    assert!(
        !screen.contains("Signed in as"),
        "terminal not restored:\n{screen}"
    );
}
