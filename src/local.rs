//! The private PostgreSQL cluster dibs runs when no database is configured.
//!
//! It is an ordinary cluster made by the machine's own `initdb`, listening on a Unix
//! socket only, kept under the user's data directory. The same code gives every test
//! suite a throwaway cluster, so what tests exercise is what users run.

use std::ffi::{CStr, CString, OsString};
use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::error::Error;
use crate::text::ClusterText;

/// The login the cluster is created with; it owns the dibs schema.
pub const SUPERUSER: &str = "dibs";
pub const DEFAULT_PORT: u16 = 5432;
/// Unix socket paths are limited to 107 bytes by the kernel (sun_path).
const MAX_SOCKET_PATH: usize = 100;

/// How the server is tuned: durable for people's data, fast for throwaway test data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Durable,
    Throwaway,
}

/// The unprivileged account the server runs as when dibs itself runs as root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsAccount {
    pub uid: u32,
    pub gid: u32,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct LocalCluster {
    pub root: PathBuf,
    pub port: u16,
    bin_dir: PathBuf,
    /// `Some` when we are root and must switch to this account for every server command.
    run_as: Option<OsAccount>,
}

impl LocalCluster {
    /// Finds the PostgreSQL programs and decides who runs the server. Does not touch the disk.
    pub fn locate(root: PathBuf, port: u16) -> Result<Self, Error> {
        let bin_dir = find_pg_bin_dir(
            std::env::var_os("DIBS_PG_BIN"),
            std::env::var_os("PATH"),
            Path::new("/usr/lib/postgresql"),
        )?;
        let run_as = if is_root() {
            Some(unprivileged_owner()?)
        } else {
            None
        };
        Ok(LocalCluster {
            root,
            port,
            bin_dir,
            run_as,
        })
    }

    /// `$DIBS_HOME`, else `$XDG_DATA_HOME/dibs`, else `~/.local/share/dibs`.
    /// As root the default is `/var/lib/dibs`, because root's home is private and the
    /// server (an unprivileged account) could not enter it.
    pub fn default_root() -> PathBuf {
        if let Some(home) = std::env::var_os("DIBS_HOME").filter(|v| !v.is_empty()) {
            return PathBuf::from(home);
        }
        if is_root() {
            return PathBuf::from("/var/lib/dibs");
        }
        if let Some(data) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
            return PathBuf::from(data).join("dibs");
        }
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        home.join(".local/share/dibs")
    }

    pub fn pgdata(&self) -> PathBuf {
        self.root.join("pgdata")
    }

    pub fn socket_dir(&self) -> PathBuf {
        self.root.join("run")
    }

    pub fn log_file(&self) -> PathBuf {
        self.root.join("log").join("postgres.log")
    }

    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    pub fn is_initialised(&self) -> bool {
        self.pgdata().join("PG_VERSION").exists()
    }

    /// Connection settings for one database of this cluster, as the superuser.
    pub fn pg_config(&self, dbname: &str) -> tokio_postgres::Config {
        self.socket_config(self.port, dbname, SUPERUSER)
    }

    /// Connection settings for whatever listens on this cluster's socket directory at `port`
    /// (the server, or PgBouncer beside it).
    pub fn socket_config(&self, port: u16, dbname: &str, login: &str) -> tokio_postgres::Config {
        let mut config = tokio_postgres::Config::new();
        config
            .host_path(self.socket_dir())
            .port(port)
            .user(login)
            .dbname(dbname)
            .application_name("dibs");
        config
    }

    /// The same as a URL, for `psql`, scripts and `DATABASE_URL`.
    pub fn url(&self, dbname: &str) -> String {
        self.socket_url(self.port, dbname)
    }

    /// [`Self::socket_config`] as the owner, as a URL.
    pub fn socket_url(&self, port: u16, dbname: &str) -> String {
        format!(
            "postgresql://{SUPERUSER}@/{dbname}?host={}&port={port}",
            self.socket_dir().display().to_string().replace(' ', "%20"),
        )
    }

    /// Creates the cluster if needed and starts it if it is not running.
    pub fn ensure_running(&self, durability: Durability) -> Result<bool, Error> {
        let created = if self.is_initialised() {
            self.check_ownership()?;
            false
        } else {
            self.init(durability)?;
            true
        };
        if !self.is_running() {
            self.start()?;
        }
        Ok(created)
    }

    /// `initdb` with a UTF-8 locale (pg_trgm needs it for Chinese) and a socket-only config.
    pub fn init(&self, durability: Durability) -> Result<(), Error> {
        self.prepare_root()?;
        let socket = self.socket_dir().join(format!(".s.PGSQL.{}", self.port));
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            return Err(ClusterText::DataDirNotReachable {
                path: format!(
                    "{} (socket path longer than {MAX_SOCKET_PATH} bytes)",
                    socket.display()
                ),
                owner: self.owner_name(),
            }
            .into());
        }
        let mut cmd = self.pg_command("initdb");
        cmd.arg("-D").arg(self.pgdata()).args([
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-instructions",
        ]);
        if durability == Durability::Throwaway {
            cmd.arg("--no-sync");
        }
        run_to_success(cmd, "initdb")?;
        self.append_settings(durability)
    }

    fn append_settings(&self, durability: Durability) -> Result<(), Error> {
        let mut settings = format!(
            "\n# --- written by dibs: a private, socket-only server ---\n\
             listen_addresses = ''\n\
             unix_socket_directories = '{}'\n\
             unix_socket_permissions = 0700\n\
             port = {}\n\
             max_connections = 200\n\
             shared_buffers = {}\n\
             log_min_messages = warning\n",
            self.socket_dir().display(),
            self.port,
            if durability == Durability::Durable {
                "256MB"
            } else {
                "128MB"
            },
        );
        if durability == Durability::Throwaway {
            settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let conf = self.pgdata().join("postgresql.conf");
        let mut file = fs::OpenOptions::new()
            .append(true)
            .open(&conf)
            .map_err(|e| io_text(&conf, e))?;
        file.write_all(settings.as_bytes())
            .map_err(|e| io_text(&conf, e))
    }

    pub fn start(&self) -> Result<(), Error> {
        self.check_ownership()?;
        if !self.is_initialised() {
            return Err(ClusterText::ClusterNotInitialised {
                path: self.root.display().to_string(),
            }
            .into());
        }
        let mut cmd = self.pg_command("pg_ctl");
        cmd.arg("-D")
            .arg(self.pgdata())
            .arg("-l")
            .arg(self.log_file())
            .args(["-w", "-t", "60", "-s", "start"]);
        let output = run(cmd)?;
        if output.status.success() {
            return Ok(());
        }
        let log_tail = tail_of(&self.log_file(), 12);
        if log_tail.contains("Address already in use")
            || log_tail.contains(".s.PGSQL") && log_tail.contains("lock file")
        {
            return Err(ClusterText::SocketInUse {
                socket_dir: self.socket_dir().display().to_string(),
                port: self.port,
            }
            .into());
        }
        Err(ClusterText::ClusterFailedToStart {
            log_path: self.log_file().display().to_string(),
            log_tail: format!(
                "{}\n{}",
                String::from_utf8_lossy(&output.stderr).trim(),
                log_tail
            ),
        }
        .into())
    }

    /// Makes this (not yet created) cluster a streaming standby of `primary` — a base backup
    /// with the standby settings written (`pg_basebackup -R`), its own socket and port — and
    /// starts it. For the failover benchmark; both clusters belong to the same owner.
    pub fn start_as_standby_of(&self, primary: &LocalCluster) -> Result<(), Error> {
        self.prepare_root()?;
        // `initdb` may be a link on PATH to a directory that also has pg_basebackup.
        let beside_initdb = fs::canonicalize(self.bin_dir.join("initdb"))
            .ok()
            .and_then(|initdb| initdb.parent().map(|dir| dir.join("pg_basebackup")));
        let program = match beside_initdb {
            Some(path) if !self.bin_dir.join("pg_basebackup").exists() => path,
            _ => self.bin_dir.join("pg_basebackup"),
        };
        let mut cmd = self.owner_command(&program);
        cmd.arg("-D")
            .arg(self.pgdata())
            .arg("-h")
            .arg(primary.socket_dir())
            .arg("-p")
            .arg(primary.port.to_string())
            .args([
                "-U",
                SUPERUSER,
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "--no-sync",
            ]);
        run_to_success(cmd, "pg_basebackup")?;
        // The copied configuration names the primary's socket and port; these lines win.
        self.append_settings(Durability::Durable)?;
        self.start()
    }

    /// Promotes a standby to primary and waits until it accepts writes.
    pub fn promote(&self) -> Result<(), Error> {
        let mut cmd = self.pg_command("pg_ctl");
        cmd.arg("-D")
            .arg(self.pgdata())
            .args(["-w", "-t", "60", "-s", "promote"]);
        run_to_success(cmd, &self.log_file().display().to_string()).map(drop)
    }

    /// Stops the server: `fast` for people (rolls back open work), `immediate` for throwaway test clusters.
    pub fn stop(&self, immediate: bool) -> Result<(), Error> {
        if !self.is_running() {
            return Ok(());
        }
        let mut cmd = self.pg_command("pg_ctl");
        cmd.arg("-D").arg(self.pgdata()).args([
            "-w",
            "-t",
            "60",
            "-s",
            "-m",
            if immediate { "immediate" } else { "fast" },
            "stop",
        ]);
        let output = run(cmd)?;
        if output.status.success() || !self.is_running() {
            Ok(())
        } else {
            Err(ClusterText::ClusterFailedToStart {
                log_path: self.log_file().display().to_string(),
                log_tail: String::from_utf8_lossy(&output.stderr).trim().to_string(),
            }
            .into())
        }
    }

    pub fn is_running(&self) -> bool {
        if !self.is_initialised() {
            return false;
        }
        let mut cmd = self.pg_command("pg_ctl");
        cmd.arg("-D").arg(self.pgdata()).arg("status");
        matches!(run(cmd), Ok(output) if output.status.success())
    }

    /// Replaces this process with `psql` connected to the cluster.
    pub fn exec_psql(&self, dbname: &str) -> Error {
        let psql = if self.bin_dir.join("psql").exists() {
            self.bin_dir.join("psql")
        } else {
            PathBuf::from("psql")
        };
        let err = Command::new(psql)
            .arg("-h")
            .arg(self.socket_dir())
            .arg("-p")
            .arg(self.port.to_string())
            .args(["-U", SUPERUSER, "-d", dbname])
            .exec();
        io_text(Path::new("psql"), err)
    }

    /// A command for one of the server programs, run as the server's owner.
    fn pg_command(&self, program: &str) -> Command {
        self.owner_command(&self.bin_dir.join(program))
    }

    /// A command run as the cluster's owner (the server's programs, and PgBouncer beside it).
    pub(crate) fn owner_command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        // A root-owned cwd may be unreadable to the owner; the data root never is.
        if self.root.is_dir() {
            cmd.current_dir(&self.root);
        }
        cmd.env("LC_ALL", "C.UTF-8").env_remove("PGDATA");
        if let Some(owner) = &self.run_as {
            cmd.uid(owner.uid).gid(owner.gid);
        }
        cmd
    }

    /// Hands a file or directory dibs created to the cluster's owner (when dibs runs as root).
    pub(crate) fn give_to_owner(&self, path: &Path) -> Result<(), Error> {
        match &self.run_as {
            Some(owner) => std::os::unix::fs::chown(path, Some(owner.uid), Some(owner.gid))
                .map_err(|e| io_text(path, e)),
            None => Ok(()),
        }
    }

    fn owner_uid(&self) -> u32 {
        match &self.run_as {
            Some(owner) => owner.uid,
            // SAFETY: geteuid has no preconditions and cannot fail.
            None => unsafe { libc::geteuid() },
        }
    }

    fn owner_name(&self) -> String {
        user_name(self.owner_uid())
    }

    /// Makes the directories of a cluster another program will create (Patroni's nodes).
    pub(crate) fn prepare(&self) -> Result<(), Error> {
        self.prepare_root()
    }

    /// Creates the data root for the owner, and refuses one that belongs to someone else.
    fn prepare_root(&self) -> Result<(), Error> {
        let empty_dir = fs::read_dir(&self.root)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false);
        if let (true, Some(owner)) = (empty_dir, &self.run_as) {
            // An empty directory made ready by an admin (mkdir as root) is simply handed over.
            chown(&self.root, owner)?;
        } else if self.root.exists() {
            self.check_ownership()?;
        } else {
            fs::create_dir_all(&self.root).map_err(|e| io_text(&self.root, e))?;
            if let Some(owner) = &self.run_as {
                chown(&self.root, owner)?;
            }
        }
        fs::set_permissions(&self.root, fs::Permissions::from_mode(0o700))
            .map_err(|e| io_text(&self.root, e))?;
        for dir in [self.socket_dir(), self.root.join("log")] {
            fs::create_dir_all(&dir).map_err(|e| io_text(&dir, e))?;
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))
                .map_err(|e| io_text(&dir, e))?;
            if let Some(owner) = &self.run_as {
                chown(&dir, owner)?;
            }
        }
        Ok(())
    }

    fn check_ownership(&self) -> Result<(), Error> {
        let Ok(meta) = fs::metadata(&self.root) else {
            return Ok(());
        };
        let expected = self.owner_uid();
        if meta.uid() != expected {
            return Err(ClusterText::DataDirOwnedByOther {
                path: self.root.display().to_string(),
                owner: user_name(meta.uid()),
                expected: user_name(expected),
            }
            .into());
        }
        if let Some(owner) = &self.run_as {
            for ancestor in self.root.ancestors().skip(1) {
                let Ok(meta) = fs::metadata(ancestor) else {
                    continue;
                };
                let enterable = meta.mode() & 0o001 != 0 || meta.uid() == owner.uid;
                if !enterable {
                    return Err(ClusterText::DataDirNotReachable {
                        path: self.root.display().to_string(),
                        owner: owner.name.clone(),
                    }
                    .into());
                }
            }
        }
        Ok(())
    }
}

/// Where `initdb` and `pg_ctl` live: `DIBS_PG_BIN`, then `PATH`, then the newest
/// `<versions_root>/<N>/bin` (Debian's layout, not on PATH by default).
pub fn find_pg_bin_dir(
    explicit: Option<OsString>,
    path_var: Option<OsString>,
    versions_root: &Path,
) -> Result<PathBuf, Error> {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    let mut searched = Vec::new();
    if let Some(dir) = explicit.filter(|v| !v.is_empty()).map(PathBuf::from) {
        if has_tools(&dir) {
            return Ok(dir);
        }
        searched.push(format!("DIBS_PG_BIN={}", dir.display()));
        return Err(ClusterText::MissingPgBinaries { searched }.into());
    }
    if let Some(path_var) = path_var {
        for dir in std::env::split_paths(&path_var) {
            if has_tools(&dir) {
                return Ok(dir);
            }
        }
        searched.push("PATH".into());
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir(versions_root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, dir)| has_tools(dir))
        .collect();
    versions.sort();
    searched.push(format!("{}/*/bin", versions_root.display()));
    versions
        .pop()
        .map(|(_, dir)| dir)
        .ok_or_else(|| ClusterText::MissingPgBinaries { searched }.into())
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// `DIBS_PG_OWNER`, else `postgres`, else `nobody`.
fn unprivileged_owner() -> Result<OsAccount, Error> {
    let candidates: Vec<String> = match std::env::var("DIBS_PG_OWNER") {
        Ok(name) if !name.is_empty() => vec![name],
        _ => vec!["postgres".into(), "nobody".into()],
    };
    candidates
        .iter()
        .find_map(|name| account_by_name(name).filter(|a| a.uid != 0))
        .ok_or_else(|| ClusterText::NoUnprivilegedOwner.into())
}

pub fn account_by_name(name: &str) -> Option<OsAccount> {
    let c_name = CString::new(name).ok()?;
    // SAFETY: getpwnam returns a pointer into static storage or null; we copy out at once.
    unsafe {
        let entry = libc::getpwnam(c_name.as_ptr());
        if entry.is_null() {
            return None;
        }
        Some(OsAccount {
            uid: (*entry).pw_uid,
            gid: (*entry).pw_gid,
            name: name.to_string(),
        })
    }
}

pub fn user_name(uid: u32) -> String {
    // SAFETY: as above; the name is copied before any other passwd call.
    unsafe {
        let entry = libc::getpwuid(uid);
        if entry.is_null() || (*entry).pw_name.is_null() {
            return format!("uid {uid}");
        }
        CStr::from_ptr((*entry).pw_name)
            .to_string_lossy()
            .into_owned()
    }
}

fn chown(path: &Path, owner: &OsAccount) -> Result<(), Error> {
    std::os::unix::fs::chown(path, Some(owner.uid), Some(owner.gid)).map_err(|e| io_text(path, e))
}

/// Runs a server program; a failure is said with its error output and `where_to_look`.
fn run_to_success(cmd: Command, where_to_look: &str) -> Result<Output, Error> {
    let output = run(cmd)?;
    if output.status.success() {
        return Ok(output);
    }
    Err(ClusterText::ClusterFailedToStart {
        log_path: where_to_look.to_string(),
        log_tail: String::from_utf8_lossy(&output.stderr).trim().to_string(),
    }
    .into())
}

fn run(mut cmd: Command) -> Result<Output, Error> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    cmd.output().map_err(|e| io_text(Path::new(&program), e))
}

fn io_text(path: &Path, err: std::io::Error) -> Error {
    ClusterText::ClusterFailedToStart {
        log_path: path.display().to_string(),
        log_tail: err.to_string(),
    }
    .into()
}

fn tail_of(path: &Path, lines: usize) -> String {
    let content = fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = content.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_binaries_say_how_to_install() {
        let empty = tempfile::tempdir().expect("tempdir");
        let err = find_pg_bin_dir(
            None,
            Some(empty.path().as_os_str().to_owned()),
            empty.path(),
        )
        .expect_err("no binaries in an empty dir");
        let message = err.to_string();
        assert!(message.contains("apt-get install postgresql"), "{message}");
        assert!(message.contains("DATABASE_URL"), "{message}");
    }

    #[test]
    fn newest_debian_version_wins() {
        let root = tempfile::tempdir().expect("tempdir");
        for version in ["13", "15", "9"] {
            let bin = root.path().join(version).join("bin");
            fs::create_dir_all(&bin).expect("mkdir");
            fs::write(bin.join("initdb"), "").expect("write");
            fs::write(bin.join("pg_ctl"), "").expect("write");
        }
        let found = find_pg_bin_dir(None, None, root.path()).expect("found");
        assert_eq!(found, root.path().join("15").join("bin"));
    }

    #[test]
    fn explicit_dir_without_tools_is_an_error_not_a_fallback() {
        let err = find_pg_bin_dir(
            Some("/definitely/not/here".into()),
            None,
            Path::new("/usr/lib/postgresql"),
        )
        .expect_err("explicit dir is missing");
        assert!(err.to_string().contains("DIBS_PG_BIN=/definitely/not/here"));
    }
}
