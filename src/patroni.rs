//! Patroni with a local etcd, for `dibs bench failover --patroni`: two PostgreSQL nodes, each
//! laid out like a private cluster (data in `pgdata`, socket in `run`, its own port), run by
//! Patroni in synchronous mode. Patroni holds the leader key in etcd; when the leader's node
//! dies its key expires after `ttl` seconds and the other node's Patroni promotes its
//! synchronous standby by itself — nobody calls `pg_ctl promote`.
//!
//! Debian 12 packages both (`apt-get install patroni etcd-server`); nothing else in dibs needs
//! them, so the test suite does not install them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::local::{LocalCluster, SUPERUSER};
use crate::text::ClusterText;

/// Seconds the leader key lives in etcd: the time a dead leader's node is still believed.
/// Patroni's default is 30; 5 fails over sooner, at the price of a leader that loses etcd for
/// 5 s stepping down.
pub const LEADER_TTL: u32 = 5;

pub struct LocalPatroni {
    base: PathBuf,
    pub nodes: Vec<LocalCluster>,
    patroni: PathBuf,
    etcd: PathBuf,
    etcd_port: u16,
    /// Patroni of each node (by index), and etcd last.
    children: Mutex<Vec<Option<Child>>>,
}

impl LocalPatroni {
    /// Two nodes under `base`, PostgreSQL on `port` and `port + 1`; etcd and Patroni's REST
    /// API on ports derived from it. Finds the programs; touches nothing yet.
    pub fn locate(base: PathBuf, port: u16) -> Result<LocalPatroni, Error> {
        let nodes = (0..2)
            .map(|i| LocalCluster::locate(base.join(format!("node{i}")), port + i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(LocalPatroni {
            patroni: find_program("patroni")?,
            etcd: find_program("etcd")?,
            etcd_port: port + 18_000,
            base,
            nodes,
            children: Mutex::new(Vec::new()),
        })
    }

    /// Starts etcd, then the first node (it bootstraps and leads), then the second (it clones
    /// the leader and follows), and waits until the second is the synchronous standby.
    pub async fn start(&self) -> Result<(), Error> {
        let etcd_dir = self.base.join("etcd");
        fs::create_dir_all(&etcd_dir).map_err(|e| failed(&etcd_dir, &e.to_string()))?;
        self.nodes[0].give_to_owner(&self.base)?;
        self.nodes[0].give_to_owner(&etcd_dir)?;
        let peer = self.etcd_port + 1;
        let mut etcd = self.nodes[0].owner_command(&self.etcd);
        etcd.current_dir(&self.base).args([
            "--name",
            "dibs",
            "--data-dir",
            &etcd_dir.display().to_string(),
            "--listen-client-urls",
            &format!("http://127.0.0.1:{}", self.etcd_port),
            "--advertise-client-urls",
            &format!("http://127.0.0.1:{}", self.etcd_port),
            "--listen-peer-urls",
            &format!("http://127.0.0.1:{peer}"),
            "--initial-advertise-peer-urls",
            &format!("http://127.0.0.1:{peer}"),
            "--initial-cluster",
            &format!("dibs=http://127.0.0.1:{peer}"),
        ]);
        let etcd_child = spawn_logged(etcd, &self.base.join("etcd.log"))?;
        let mut children: Vec<Option<Child>> = vec![None, None, Some(etcd_child)];
        let mut start_node = |index: usize| -> Result<(), Error> {
            let node = &self.nodes[index];
            node.prepare()?;
            let config = node.root.join("patroni.yml");
            fs::write(&config, self.node_config(index))
                .map_err(|e| failed(&config, &e.to_string()))?;
            node.give_to_owner(&config)?;
            let mut patroni = node.owner_command(&self.patroni);
            patroni.arg(&config);
            children[index] = Some(spawn_logged(patroni, &node.root.join("log/patroni.log"))?);
            Ok(())
        };
        start_node(0)?;
        let started = self.wait_for_leader(Duration::from_secs(60)).await;
        start_node(1)?;
        *self.children.lock().unwrap_or_else(|e| e.into_inner()) = children;
        started?;
        self.wait_for_sync_standby(Duration::from_secs(90)).await
    }

    fn node_config(&self, index: usize) -> String {
        let node = &self.nodes[index];
        format!(
            "scope: dibs-bench\n\
             name: node{index}\n\
             restapi:\n  listen: 127.0.0.1:{api}\n  connect_address: 127.0.0.1:{api}\n\
             etcd3:\n  hosts: 127.0.0.1:{etcd}\n\
             bootstrap:\n  dcs:\n    ttl: {LEADER_TTL}\n    loop_wait: 1\n    retry_timeout: 2\n\
             \x20   maximum_lag_on_failover: 1048576\n    synchronous_mode: true\n\
             \x20   postgresql:\n      use_pg_rewind: false\n      parameters:\n\
             \x20       max_connections: 200\n        shared_buffers: 256MB\n\
             \x20 initdb:\n    - encoding: UTF8\n    - locale: C.UTF-8\n    - username: {SUPERUSER}\n\
             \x20 pg_hba:\n    - local all all trust\n\
             \x20   - host replication replicator 127.0.0.1/32 trust\n\
             \x20   - host all all 127.0.0.1/32 trust\n\
             postgresql:\n  listen: 127.0.0.1:{port}\n  connect_address: 127.0.0.1:{port}\n\
             \x20 use_unix_socket: true\n  data_dir: {data}\n  bin_dir: {bin}\n  pgpass: {pgpass}\n\
             \x20 authentication:\n    superuser:\n      username: {SUPERUSER}\n\
             \x20   replication:\n      username: replicator\n      password: replicator\n\
             \x20 parameters:\n    unix_socket_directories: '{socket}'\n\
             \x20   unix_socket_permissions: '0700'\n",
            api = node.port + 2_000,
            etcd = self.etcd_port,
            port = node.port,
            data = node.pgdata().display(),
            bin = server_bin_dir(node.bin_dir()).display(),
            pgpass = node.root.join("pgpass").display(),
            socket = node.socket_dir().display(),
        )
    }

    /// The node that accepts writes now, if any answers.
    pub async fn leader(&self) -> Option<usize> {
        for (index, node) in self.nodes.iter().enumerate() {
            if accepts_writes(node).await {
                return Some(index);
            }
        }
        None
    }

    async fn wait_for_leader(&self, limit: Duration) -> Result<usize, Error> {
        let started = Instant::now();
        loop {
            if let Some(leader) = self.leader().await {
                return Ok(leader);
            }
            if started.elapsed() > limit {
                return Err(failed(
                    &self.base,
                    &format!(
                        "no node became the leader; the first node's log ends:\n{}",
                        tail(&self.nodes[0].root.join("log/patroni.log"), 15)
                    ),
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn wait_for_sync_standby(&self, limit: Duration) -> Result<(), Error> {
        let started = Instant::now();
        loop {
            if let Some(leader) = self.leader().await
                && let Ok(client) =
                    crate::db::connect(&self.nodes[leader].pg_config("postgres")).await
                && let Ok(row) = client
                    .query_one(
                        "select count(*) from pg_stat_replication
                         where state = 'streaming' and sync_state = 'sync'",
                        &[],
                    )
                    .await
                && row.get::<_, i64>(0) > 0
            {
                return Ok(());
            }
            if started.elapsed() > limit {
                return Err(failed(
                    &self.base,
                    &format!(
                        "the second node never became a synchronous standby; its log ends:\n{}",
                        tail(&self.nodes[1].root.join("log/patroni.log"), 15)
                    ),
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The node's death: its Patroni is killed (`SIGKILL`), then its PostgreSQL stopped the way
    /// a crash stops it (`-m immediate`). Its leader key stays in etcd until it expires.
    pub fn kill_node(&self, index: usize) -> Result<(), Error> {
        if let Some(Some(child)) = self
            .children
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(index)
        {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.nodes[index].stop(true)
    }

    /// Stops everything and removes the directory.
    pub fn stop(&self) {
        let mut children = self.children.lock().unwrap_or_else(|e| e.into_inner());
        for child in children.iter_mut().flatten() {
            let _ = child.kill();
            let _ = child.wait();
        }
        for node in &self.nodes {
            let _ = node.stop(true);
        }
        let _ = fs::remove_dir_all(&self.base);
    }
}

/// Whether `node` answers and accepts writes right now (it is the primary).
pub async fn accepts_writes(node: &LocalCluster) -> bool {
    match crate::db::connect(&node.pg_config("postgres")).await {
        Ok(client) => client
            .query_one("select not pg_is_in_recovery()", &[])
            .await
            .is_ok_and(|row| row.get::<_, bool>(0)),
        Err(_) => false,
    }
}

/// The directory that holds all of the server's programs: `initdb` may be a link on PATH
/// (`/usr/local/bin`) to Debian's versioned directory, and Patroni calls `pg_controldata`
/// and the rest beside it.
fn server_bin_dir(bin_dir: &Path) -> PathBuf {
    fs::canonicalize(bin_dir.join("initdb"))
        .ok()
        .and_then(|initdb| initdb.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| bin_dir.to_path_buf())
}

fn find_program(name: &str) -> Result<PathBuf, Error> {
    let mut searched = Vec::new();
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(name))
                .collect()
        })
        .unwrap_or_default();
    candidates.push(PathBuf::from("/usr/bin").join(name));
    for candidate in candidates {
        if candidate.is_file() {
            return Ok(candidate);
        }
        searched.push(candidate.display().to_string());
    }
    Err(ClusterText::PatroniMissing {
        program: name.into(),
        searched,
    }
    .into())
}

fn spawn_logged(mut command: std::process::Command, log: &Path) -> Result<Child, Error> {
    let file = fs::File::create(log).map_err(|e| failed(log, &e.to_string()))?;
    let err = file.try_clone().map_err(|e| failed(log, &e.to_string()))?;
    command
        .stdin(Stdio::null())
        .stdout(Stdio::from(file))
        .stderr(Stdio::from(err))
        .spawn()
        .map_err(|e| failed(log, &e.to_string()))
}

/// The last `lines` lines of a log, for an error that points at it.
fn tail(path: &Path, lines: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn failed(path: &Path, detail: &str) -> Error {
    ClusterText::PatroniFailed {
        path: path.display().to_string(),
        detail: detail.into(),
    }
    .into()
}
