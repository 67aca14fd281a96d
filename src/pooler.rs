//! PgBouncer beside the private cluster (`dibs local start --pooler`): transaction pooling on
//! the cluster's socket directory, one port above the server, so tests and benchmarks run
//! through the real thing. Logins are looked up in the server (`auth_query`), so every dibs
//! login works through it as it is; the socket directory is private to the owner, as the
//! server's is, so the pooler trusts whoever reaches it, as the server does.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::local::{LocalCluster, SUPERUSER};
use crate::text::ClusterText;

/// Server connections the pooler opens to the database at most, whatever the number of
/// clients: the figure the connection budget is measured against.
pub const DEFAULT_SERVER_CONNECTIONS: u32 = 20;

/// Server connections for a burst of short transactions on this machine: PostgreSQL's rule
/// of thumb, twice the cores plus one. More only adds backends competing for the same cores
/// (`dibs bench burst`: claim p99 420–505 ms at 4–8 on two cores, 663 ms at 20).
pub fn burst_server_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(2 * cores + 1).unwrap_or(DEFAULT_SERVER_CONNECTIONS)
}

#[derive(Debug, Clone)]
pub struct LocalPooler {
    cluster: LocalCluster,
    program: PathBuf,
}

impl LocalPooler {
    /// Finds PgBouncer: `$DIBS_PGBOUNCER`, else on `PATH`, else Debian's `/usr/sbin/pgbouncer`.
    pub fn locate(cluster: &LocalCluster) -> Result<LocalPooler, Error> {
        let mut searched = Vec::new();
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(explicit) = std::env::var_os("DIBS_PGBOUNCER").filter(|v| !v.is_empty()) {
            candidates.push(PathBuf::from(explicit));
        }
        if let Some(path) = std::env::var_os("PATH") {
            candidates.extend(std::env::split_paths(&path).map(|dir| dir.join("pgbouncer")));
        }
        candidates.push(PathBuf::from("/usr/sbin/pgbouncer"));
        for candidate in candidates {
            if candidate.is_file() {
                return Ok(LocalPooler {
                    cluster: cluster.clone(),
                    program: candidate,
                });
            }
            searched.push(candidate.display().to_string());
        }
        Err(ClusterText::PoolerMissing { searched }.into())
    }

    /// The pooler's port: the server's plus one (its socket sits beside the server's).
    pub fn port(&self) -> u16 {
        self.cluster.port.saturating_add(1)
    }

    pub fn dir(&self) -> PathBuf {
        self.cluster.root.join("pgbouncer")
    }

    fn pid_file(&self) -> PathBuf {
        self.dir().join("pgbouncer.pid")
    }

    pub fn log_file(&self) -> PathBuf {
        self.dir().join("pgbouncer.log")
    }

    /// Connection settings through the pooler, as the cluster's owner.
    pub fn pg_config(&self, dbname: &str) -> tokio_postgres::Config {
        self.config_for(dbname, SUPERUSER)
    }

    /// Connection settings through the pooler for one database and login.
    pub fn config_for(&self, dbname: &str, login: &str) -> tokio_postgres::Config {
        self.cluster.socket_config(self.port(), dbname, login)
    }

    pub fn url(&self, dbname: &str) -> String {
        self.cluster.socket_url(self.port(), dbname)
    }

    fn config_text(&self, server_connections: u32) -> String {
        let socket_dir = self.cluster.socket_dir();
        let dir = self.dir();
        format!(
            "; Written by `dibs local start --pooler`; rewritten at every start.\n\
             [databases]\n\
             * = host={socket} port={server_port}\n\
             [pgbouncer]\n\
             listen_addr =\n\
             listen_port = {port}\n\
             unix_socket_dir = {socket}\n\
             unix_socket_mode = 0700\n\
             auth_type = trust\n\
             auth_user = {SUPERUSER}\n\
             auth_query = select usename, passwd from pg_shadow where usename = $1\n\
             pool_mode = transaction\n\
             ; Server connections per database, across all logins: idle ones of one login are\n\
             ; closed when another needs one (each login has its own pool).\n\
             max_db_connections = {server_connections}\n\
             default_pool_size = {server_connections}\n\
             max_client_conn = 4000\n\
             server_idle_timeout = 30\n\
             ; Clients wait this long for a server connection at most, then get an error.\n\
             query_wait_timeout = 30\n\
             logfile = {log}\n\
             pidfile = {pid}\n\
             log_connections = 0\n\
             log_disconnections = 0\n",
            socket = socket_dir.display(),
            server_port = self.cluster.port,
            port = self.port(),
            log = dir.join("pgbouncer.log").display(),
            pid = dir.join("pgbouncer.pid").display(),
        )
    }

    /// Starts PgBouncer (daemonised) unless it runs; the cluster must be running.
    pub fn start(&self, server_connections: u32) -> Result<(), Error> {
        if self.is_running() {
            return Ok(());
        }
        let dir = self.dir();
        fs::create_dir_all(&dir).map_err(|e| failed(&dir, &e.to_string()))?;
        self.cluster.give_to_owner(&dir)?;
        let ini = dir.join("pgbouncer.ini");
        fs::write(&ini, self.config_text(server_connections))
            .map_err(|e| failed(&ini, &e.to_string()))?;
        self.cluster.give_to_owner(&ini)?;
        let output = self
            .cluster
            .owner_command(&self.program)
            .arg("-d")
            .arg("-q")
            .arg(&ini)
            .output()
            .map_err(|e| failed(&self.program, &e.to_string()))?;
        // Daemonised, it returns once listening; wait for the pid file all the same.
        for _ in 0..50 {
            if self.is_running() {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let tail = fs::read_to_string(self.log_file())
            .unwrap_or_default()
            .lines()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n");
        Err(failed(
            &self.log_file(),
            &format!("{}\n{tail}", String::from_utf8_lossy(&output.stderr).trim()),
        ))
    }

    fn pid(&self) -> Option<i32> {
        fs::read_to_string(self.pid_file())
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    pub fn is_running(&self) -> bool {
        // SAFETY: signal 0 only checks that the process exists.
        self.pid()
            .is_some_and(|pid| unsafe { libc::kill(pid, 0) } == 0)
    }

    /// Kills PgBouncer as a crash does (SIGKILL: every client connection cut mid-flight), for
    /// the fault tests; [`LocalPooler::start`] brings it back.
    pub fn crash(&self) {
        self.signal_and_wait(libc::SIGKILL);
    }

    /// Stops PgBouncer (SIGINT: it closes at once, as a test cluster is stopped).
    pub fn stop(&self) {
        self.signal_and_wait(libc::SIGINT);
    }

    fn signal_and_wait(&self, signal: libc::c_int) {
        if let Some(pid) = self.pid() {
            // SAFETY: signalling the pid PgBouncer wrote itself.
            unsafe {
                libc::kill(pid, signal);
            }
            for _ in 0..50 {
                if !self.is_running() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
    }
}

fn failed(path: &Path, detail: &str) -> Error {
    ClusterText::PoolerFailedToStart {
        log_path: path.display().to_string(),
        log_tail: detail.to_string(),
    }
    .into()
}
