//! The private cluster: created, started, stopped, reused — and clear refusals.

use std::os::unix::fs::MetadataExt;

use dibs::local::{Durability, LocalCluster};

fn scratch_root(tag: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("dibs-cluster-{tag}-{}", std::process::id()))
}

/// Stops and removes the cluster even when an assertion fails half-way.
struct Cleanup(LocalCluster);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = self.0.stop(true);
        let _ = std::fs::remove_dir_all(&self.0.root);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cluster_is_created_started_stopped_and_reused() {
    let root = scratch_root("lifecycle");
    let _ = std::fs::remove_dir_all(&root);
    let cluster =
        LocalCluster::locate(root.clone(), 5432).expect("PostgreSQL binaries must be installed");
    let guard = Cleanup(cluster.clone());

    assert!(!cluster.is_initialised());
    assert!(
        cluster
            .ensure_running(Durability::Throwaway)
            .expect("first start"),
        "first start creates"
    );
    assert!(cluster.is_running());
    let marker_file = cluster.pgdata().join("PG_VERSION");
    let created_inode = std::fs::metadata(&marker_file).expect("PG_VERSION").ino();

    // A table written now must still be there after a restart: the cluster is reused, not re-made.
    dibs::db::target::ensure_database(&cluster, "reuse")
        .await
        .expect("create database");
    let client = dibs::db::connect(&cluster.pg_config("reuse"))
        .await
        .expect("connect");
    client
        .batch_execute("create table kept (v text); insert into kept values ('still here')")
        .await
        .expect("write");
    drop(client);

    cluster.stop(false).expect("stop");
    assert!(!cluster.is_running());
    assert!(
        !cluster
            .ensure_running(Durability::Throwaway)
            .expect("restart"),
        "restart must not re-create"
    );
    assert_eq!(
        std::fs::metadata(&marker_file).expect("PG_VERSION").ino(),
        created_inode
    );

    let client = dibs::db::connect(&cluster.pg_config("reuse"))
        .await
        .expect("reconnect");
    let kept: String = client
        .query_one("select v from kept", &[])
        .await
        .expect("read")
        .get(0);
    assert_eq!(kept, "still here");

    // Unix socket only: no TCP listener.
    let listen: String = client
        .query_one("show listen_addresses", &[])
        .await
        .expect("show")
        .get(0);
    assert_eq!(listen, "");
    let ctype: String = client
        .query_one(
            "select datctype from pg_database where datname = current_database()",
            &[],
        )
        .await
        .expect("ctype")
        .get(0);
    assert!(
        ctype.to_lowercase().contains("utf"),
        "UTF-8 locale expected, got {ctype}"
    );
    drop(guard);
    assert!(!root.exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn second_server_on_the_same_socket_gets_a_clear_error() {
    let first = LocalCluster::locate(scratch_root("sock-a"), 5433).expect("binaries");
    let _guard_first = Cleanup(first.clone());
    first
        .ensure_running(Durability::Throwaway)
        .expect("first server");

    // A second cluster configured to share the first one's socket directory and port.
    let second = LocalCluster::locate(scratch_root("sock-b"), 5433).expect("binaries");
    let _guard_second = Cleanup(second.clone());
    second.init(Durability::Throwaway).expect("init second");
    let conf = second.pgdata().join("postgresql.conf");
    let mut text = std::fs::read_to_string(&conf).expect("read conf");
    text.push_str(&format!(
        "unix_socket_directories = '{}'\n",
        first.socket_dir().display()
    ));
    std::fs::write(&conf, text).expect("write conf");

    let err = second.start().expect_err("the socket is taken");
    let message = err.to_string();
    assert!(message.contains("already using port 5433"), "{message}");
    assert!(first.is_running(), "the first server is untouched");
}

#[test]
fn a_data_directory_owned_by_someone_else_is_refused_with_a_fix() {
    // As root the server runs as an unprivileged account, so a root-owned directory with
    // content is someone else's; as a normal user, a root-owned system directory is.
    let root_owned = if dibs::local::is_root() {
        let dir = scratch_root("foreign");
        std::fs::create_dir_all(dir.join("something")).expect("mkdir");
        dir
    } else {
        std::path::PathBuf::from("/usr")
    };
    let cluster = LocalCluster::locate(root_owned.clone(), 5434).expect("binaries");
    let err = cluster
        .ensure_running(Durability::Throwaway)
        .expect_err("must refuse");
    let message = err.to_string();
    assert!(message.contains("belongs to user root"), "{message}");
    assert!(
        message.contains("chown") || message.contains("DIBS_HOME"),
        "{message}"
    );
    if dibs::local::is_root() {
        let _ = std::fs::remove_dir_all(root_owned);
    }
}

#[test]
fn missing_server_programs_name_the_install_command() {
    let err = dibs::local::find_pg_bin_dir(
        Some("/nonexistent/pg/bin".into()),
        None,
        std::path::Path::new("/nowhere"),
    )
    .expect_err("nothing there");
    let message = err.to_string();
    assert!(message.contains("apt-get install postgresql"), "{message}");
    assert!(message.contains("DATABASE_URL"), "{message}");
}
