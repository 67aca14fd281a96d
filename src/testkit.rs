//! Real PostgreSQL for tests and benchmarks: a throwaway private cluster per test process
//! (or the server named by `DATABASE_URL`), and a fresh database per test, cloned from a
//! migrated template so each test starts from the current schema in milliseconds.
//!
//! When PostgreSQL cannot be had, tests fail with the reason: they never skip.

use std::str::FromStr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use tokio_postgres::{Client, Config};

use crate::local::{DEFAULT_PORT, Durability, LocalCluster};

struct Server {
    /// Connects to a maintenance database with the right to create databases.
    admin: Config,
    template: String,
    local: Option<LocalCluster>,
}

static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(1);
/// Set as soon as a throwaway cluster runs, so it is removed even if set-up fails later.
static CLUSTER_TO_REMOVE: OnceLock<LocalCluster> = OnceLock::new();

/// PgBouncer beside the throwaway cluster, once a test asked for it (see [`pooler`]).
static POOLER: OnceLock<Result<crate::pooler::LocalPooler, String>> = OnceLock::new();

extern "C" fn stop_test_cluster() {
    if let Some(Ok(pooler)) = POOLER.get() {
        pooler.stop();
    }
    if let Some(cluster) = CLUSTER_TO_REMOVE.get() {
        let _ = cluster.stop(true);
        let _ = std::fs::remove_dir_all(&cluster.root);
    }
}

fn block_on_fresh_runtime<T: Send + 'static>(
    work: impl Future<Output = T> + Send + 'static,
) -> Result<T, String> {
    // A test's own runtime may be running on this thread: build another on a new thread.
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
            .map(|rt| rt.block_on(work))
    })
    .join()
    .map_err(|_| "test server set-up panicked".to_string())?
}

fn start_server() -> Result<Server, String> {
    let template = format!("dibs_template_{}", std::process::id());
    let (admin, local) = match std::env::var("DATABASE_URL").ok().filter(|v| !v.is_empty()) {
        Some(url) => (
            Config::from_str(&url).map_err(|e| format!("DATABASE_URL is not valid: {e}"))?,
            None,
        ),
        None => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let root =
                std::env::temp_dir().join(format!("dibs-test-{}-{nanos}", std::process::id()));
            let cluster = LocalCluster::locate(root, DEFAULT_PORT).map_err(|e| e.to_string())?;
            let _ = CLUSTER_TO_REMOVE.set(cluster.clone());
            // SAFETY: registering a plain extern "C" function with no captured state.
            unsafe {
                libc::atexit(stop_test_cluster);
            }
            cluster
                .ensure_running(Durability::Throwaway)
                .map_err(|e| e.to_string())?;
            (cluster.pg_config("postgres"), Some(cluster))
        }
    };
    let admin_for_setup = admin.clone();
    let template_for_setup = template.clone();
    block_on_fresh_runtime(async move {
        let admin_client = crate::db::connect(&admin_for_setup)
            .await
            .map_err(|e| e.to_string())?;
        for sql in [
            format!("drop database if exists {template_for_setup}"),
            format!(
                "create database {template_for_setup} template template0 encoding 'UTF8' locale 'C.UTF-8'"
            ),
        ] {
            admin_client.batch_execute(&sql).await.map_err(|e| {
                format!(
                    "cannot create the test template database: {}",
                    crate::db::error_detail(&e)
                )
            })?;
        }
        let mut template_config = admin_for_setup.clone();
        template_config.dbname(&template_for_setup);
        let mut client = crate::db::connect(&template_config)
            .await
            .map_err(|e| e.to_string())?;
        crate::db::migrate(&mut client)
            .await
            .map_err(|e| e.to_string())?;
        Ok::<(), String>(())
    })??;
    Ok(Server {
        admin,
        template,
        local,
    })
}

fn server() -> &'static Server {
    match SERVER.get_or_init(start_server) {
        Ok(server) => server,
        Err(reason) => panic!("tests need PostgreSQL and could not get it: {reason}"),
    }
}

/// A database of its own for one test, at the current schema, dropped when it goes out of scope.
pub struct TestDatabase {
    pub name: String,
    pub config: Config,
}

impl TestDatabase {
    pub async fn new() -> TestDatabase {
        let server = server();
        let name = format!(
            "dibs_t{}_{}",
            std::process::id(),
            NEXT_DATABASE.fetch_add(1, Ordering::SeqCst)
        );
        let admin = crate::db::connect(&server.admin)
            .await
            .unwrap_or_else(|e| panic!("admin connection: {e}"));
        admin
            .batch_execute(&format!(
                "create database {name} template {}",
                server.template
            ))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "create test database {name}: {}",
                    crate::db::error_detail(&e)
                )
            });
        let mut config = server.admin.clone();
        config.dbname(&name);
        TestDatabase { name, config }
    }

    /// A database with nothing in it at all (for migration tests).
    pub async fn empty() -> TestDatabase {
        let server = server();
        let name = format!(
            "dibs_e{}_{}",
            std::process::id(),
            NEXT_DATABASE.fetch_add(1, Ordering::SeqCst)
        );
        let admin = crate::db::connect(&server.admin)
            .await
            .unwrap_or_else(|e| panic!("admin connection: {e}"));
        admin
            .batch_execute(&format!(
                "create database {name} template template0 encoding 'UTF8' locale 'C.UTF-8'"
            ))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "create empty database {name}: {}",
                    crate::db::error_detail(&e)
                )
            });
        let mut config = server.admin.clone();
        config.dbname(&name);
        TestDatabase { name, config }
    }

    pub async fn client(&self) -> Client {
        crate::db::connect(&self.config)
            .await
            .unwrap_or_else(|e| panic!("connect to {}: {e}", self.name))
    }

    /// Settings for connecting as another login role (a rep, a manager).
    pub fn config_as(&self, login: &str) -> Config {
        let mut config = self.config.clone();
        config.user(login);
        config
    }

    /// A `DATABASE_URL` for this database, for driving the `dibs` binary.
    pub fn url(&self) -> String {
        self.url_as(self.config.get_user().unwrap_or("postgres"))
    }

    /// The same database as `login` (key=value form, so any login name is safe in it).
    pub fn url_as(&self, login: &str) -> String {
        use tokio_postgres::config::Host;
        let host = match self.config.get_hosts().first() {
            Some(Host::Unix(path)) => path.display().to_string(),
            Some(Host::Tcp(name)) => name.clone(),
            None => "localhost".into(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        let user = login;
        let password = self
            .config
            .get_password()
            .map(|p| format!(" password={}", String::from_utf8_lossy(p)))
            .unwrap_or_default();
        format!(
            "host={host} port={port} user={user} dbname={}{password}",
            self.name
        )
    }

    /// Settings for connecting as `login` through the test cluster's PgBouncer ([`pooler`]).
    pub fn pooled_config_as(&self, login: &str) -> Config {
        pooler().config_for(&self.name, login)
    }

    /// The private cluster behind the tests, when they run on one.
    pub fn local_cluster() -> Option<&'static LocalCluster> {
        server().local.as_ref()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin = server().admin.clone();
        let name = self.name.clone();
        let _ = block_on_fresh_runtime(async move {
            if let Ok(client) = crate::db::connect(&admin).await {
                let _ = client
                    .batch_execute(&format!("drop database if exists {name} with (force)"))
                    .await;
            }
        });
    }
}

/// PgBouncer in transaction mode beside this process's throwaway cluster, started on first
/// use with `server_connections` as its cap (the first call's figure wins) and stopped at
/// exit. Panics with the reason when it cannot run: tests never skip. It needs the private
/// cluster — with `DATABASE_URL` set the pooler tests fail and say so.
pub fn pooler_with(server_connections: u32) -> &'static crate::pooler::LocalPooler {
    let started = POOLER.get_or_init(|| {
        let cluster = server()
            .local
            .as_ref()
            .ok_or("the PgBouncer tests start PgBouncer beside the private test cluster: unset DATABASE_URL")?;
        let pooler = crate::pooler::LocalPooler::locate(cluster).map_err(|e| e.to_string())?;
        pooler.start(server_connections).map_err(|e| e.to_string())?;
        Ok(pooler)
    });
    match started {
        Ok(pooler) => pooler,
        Err(reason) => panic!("PgBouncer: {reason}"),
    }
}

/// [`pooler_with`] at the shipped cap.
pub fn pooler() -> &'static crate::pooler::LocalPooler {
    pooler_with(crate::pooler::DEFAULT_SERVER_CONNECTIONS)
}

/// A PostgreSQL client program (`pg_dump`, `psql`): beside the server programs dibs uses
/// (`DIBS_PG_BIN`, `PATH`, Debian's `/usr/lib/postgresql/*/bin`), else on `PATH`.
pub fn pg_tool(name: &str) -> Result<std::path::PathBuf, String> {
    if let Ok(dir) = crate::local::find_pg_bin_dir(
        std::env::var_os("DIBS_PG_BIN"),
        std::env::var_os("PATH"),
        std::path::Path::new("/usr/lib/postgresql"),
    ) && dir.join(name).is_file()
    {
        return Ok(dir.join(name));
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .ok_or_else(|| format!("{name} not found (install postgresql-client)"))
}

/// A schema dump without what differs between runs and machines: comments (they carry the
/// versions), session settings and pg_dump's per-run `\restrict` keys; blank lines squeezed.
pub fn normalise_dump(dump: &str) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in dump.lines() {
        if line.starts_with("--")
            || line.starts_with("SET ")
            || line.starts_with("SELECT pg_catalog.set_config")
            || line.starts_with("\\restrict")
            || line.starts_with("\\unrestrict")
        {
            continue;
        }
        if line.trim().is_empty() {
            if !blank && !out.is_empty() {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        blank = false;
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
