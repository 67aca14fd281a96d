//! A PostgreSQL cluster of a test's own, so the test may stop, restart and kill it without
//! touching the cluster other tests share. Removed on drop.

use std::process::{Command, Output};

use dibs::local::{DEFAULT_PORT, Durability, LocalCluster};

pub struct PrivateCluster {
    pub cluster: LocalCluster,
}

impl PrivateCluster {
    /// A running cluster with an empty `dibs` database.
    pub async fn start(tag: &str) -> PrivateCluster {
        let root = std::env::temp_dir().join(format!("dibs-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let cluster = LocalCluster::locate(root, DEFAULT_PORT).expect("cluster location");
        cluster
            .ensure_running(Durability::Throwaway)
            .expect("cluster starts");
        dibs::db::target::ensure_database(&cluster, "dibs")
            .await
            .expect("dibs database");
        PrivateCluster { cluster }
    }

    /// With the demo data (and the schema) in it.
    pub async fn with_demo(tag: &str) -> PrivateCluster {
        let private = PrivateCluster::start(tag).await;
        let seeded = private.dibs(&["seed", "--demo"]);
        assert!(seeded.status.success(), "{}", text(&seeded));
        private
    }

    pub fn url(&self) -> String {
        self.cluster.url("dibs")
    }

    /// The URL as another login.
    pub fn url_as(&self, login: &str) -> String {
        self.url()
            .replacen("postgresql://dibs@", &format!("postgresql://{login}@"), 1)
    }

    pub async fn client(&self) -> tokio_postgres::Client {
        dibs::db::connect(&self.cluster.pg_config("dibs"))
            .await
            .expect("connect to the private cluster")
    }

    /// Runs the dibs binary against this cluster.
    pub fn dibs(&self, args: &[&str]) -> Output {
        self.dibs_as("dibs", args)
    }

    pub fn dibs_as(&self, login: &str, args: &[&str]) -> Output {
        self.command_as(login, args).output().expect("run dibs")
    }

    pub fn command_as(&self, login: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dibs"));
        command
            .args(args)
            .env("DATABASE_URL", self.url_as(login))
            .env("LANG", "C.UTF-8")
            .env("XDG_STATE_HOME", std::env::temp_dir())
            .env(
                "XDG_CONFIG_HOME",
                std::env::temp_dir().join("dibs-no-config"),
            );
        command
    }

    /// `pg_ctl stop -m fast`, as `dibs local stop` does.
    pub fn stop(&self) {
        self.cluster.stop(false).expect("cluster stops");
    }

    pub fn start_again(&self) {
        self.cluster.start().expect("cluster starts again");
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = self.cluster.stop(true);
        let _ = std::fs::remove_dir_all(&self.cluster.root);
    }
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A child process killed when the test ends, passed or panicked (a worker left running would
/// try to reach a removed cluster for ever).
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
