//! Wording of the private PostgreSQL cluster, in English and Simplified Chinese.

#[allow(unused_imports)]
use super::{Lang, ago, date_word, entity_word};

#[derive(Debug, Clone, PartialEq)]
pub enum ClusterText {
    MissingPgBinaries {
        searched: Vec<String>,
    },
    DataDirOwnedByOther {
        path: String,
        owner: String,
        expected: String,
    },
    DataDirNotReachable {
        path: String,
        owner: String,
    },
    NoUnprivilegedOwner,
    SocketInUse {
        socket_dir: String,
        port: u16,
    },
    ClusterFailedToStart {
        log_path: String,
        log_tail: String,
    },
    ClusterNotInitialised {
        path: String,
    },
    ClusterRunning {
        path: String,
        url: String,
    },
    ClusterStopped {
        path: String,
    },
    ClusterCreated {
        path: String,
    },
    PoolerMissing {
        searched: Vec<String>,
    },
    PoolerFailedToStart {
        log_path: String,
        log_tail: String,
    },
    PoolerRunning {
        url: String,
        listen_url: String,
    },
    /// `bench failover --patroni` needs Patroni and etcd.
    PatroniMissing {
        program: String,
        searched: Vec<String>,
    },
    /// Patroni or etcd did not come up as expected.
    PatroniFailed {
        path: String,
        detail: String,
    },
}

impl ClusterText {
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            ClusterText::MissingPgBinaries { searched } => {
                if zh {
                    format!(
                        "找不到 PostgreSQL 服务端程序（initdb、pg_ctl）。已查找：{}。\n\
                         请安装：Debian/Ubuntu 上运行 `apt-get install postgresql`；\n\
                         或设置 DIBS_PG_BIN 指向其 bin 目录；\n\
                         或把 DATABASE_URL 指向已有的服务器，例如 postgresql://用户@主机/库名。",
                        searched.join(", ")
                    )
                } else {
                    format!(
                        "PostgreSQL server programs (initdb, pg_ctl) were not found. Looked in: {}.\n\
                         Install them: on Debian/Ubuntu run `apt-get install postgresql`;\n\
                         or set DIBS_PG_BIN to the directory that holds them;\n\
                         or point DATABASE_URL at an existing server, e.g. postgresql://user@host/dbname.",
                        searched.join(", ")
                    )
                }
            }
            ClusterText::DataDirOwnedByOther {
                path,
                owner,
                expected,
            } => {
                if zh {
                    format!(
                        "数据目录 {path} 属于用户 {owner}，但 dibs 以用户 {expected} 运行数据库。\n\
                         请改用其他目录（DIBS_HOME），或执行 `chown -R {expected} {path}`。"
                    )
                } else {
                    format!(
                        "The data directory {path} belongs to user {owner}, but dibs runs the database as {expected}.\n\
                         Use another directory (DIBS_HOME) or run `chown -R {expected} {path}`."
                    )
                }
            }
            ClusterText::DataDirNotReachable { path, owner } => {
                if zh {
                    format!(
                        "数据库用户 {owner} 无法进入 {path} 的上级目录。请用 DIBS_HOME 选一个其他用户可进入的目录（如 /var/lib/dibs）。"
                    )
                } else {
                    format!(
                        "The database user {owner} cannot reach {path} (a parent directory is private). \
                         Set DIBS_HOME to a directory it can enter, such as /var/lib/dibs."
                    )
                }
            }
            ClusterText::NoUnprivilegedOwner => {
                if zh {
                    "以 root 运行时，PostgreSQL 必须由普通用户运行，但找不到 postgres 或 nobody 用户。请设置 DIBS_PG_OWNER。".to_string()
                } else {
                    "Running as root: PostgreSQL refuses to run as root and neither a `postgres` nor a `nobody` user exists. \
                     Set DIBS_PG_OWNER to an unprivileged user."
                        .to_string()
                }
            }
            ClusterText::SocketInUse { socket_dir, port } => {
                if zh {
                    format!(
                        "另一个 PostgreSQL 已在使用 {socket_dir} 的端口 {port}。请先停止它（dibs local stop），或在配置中换一个 local_port。"
                    )
                } else {
                    format!(
                        "Another PostgreSQL server is already using port {port} in {socket_dir}. \
                         Stop it (`dibs local stop`) or choose another `local_port` in the config file."
                    )
                }
            }
            ClusterText::ClusterFailedToStart { log_path, log_tail } => {
                if zh {
                    format!("私有数据库未能启动。日志：{log_path}\n{log_tail}")
                } else {
                    format!(
                        "The private database did not start. Its log is {log_path}:\n{log_tail}"
                    )
                }
            }
            ClusterText::ClusterNotInitialised { path } => {
                if zh {
                    format!("私有数据库尚未创建（{path}）。运行 `dibs local start` 创建并启动它。")
                } else {
                    format!(
                        "No private database exists yet at {path}. Run `dibs local start` to create and start it."
                    )
                }
            }
            ClusterText::ClusterRunning { path, url } => {
                if zh {
                    format!("私有数据库运行中：{path}\n连接串：{url}")
                } else {
                    format!("The private database is running: {path}\nURL: {url}")
                }
            }
            ClusterText::ClusterStopped { path } => {
                if zh {
                    format!("私有数据库已停止：{path}")
                } else {
                    format!("The private database is stopped: {path}")
                }
            }
            ClusterText::ClusterCreated { path } => {
                if zh {
                    format!("已创建私有数据库：{path}")
                } else {
                    format!("Created a private database at {path}")
                }
            }
            ClusterText::PoolerMissing { searched } => {
                if zh {
                    format!(
                        "找不到 PgBouncer（已查找：{}）。Debian/Ubuntu 上运行 `apt-get install pgbouncer`，\
                         或设置 DIBS_PGBOUNCER 指向它。",
                        searched.join(", ")
                    )
                } else {
                    format!(
                        "PgBouncer was not found (looked in: {}). On Debian/Ubuntu run \
                         `apt-get install pgbouncer`, or set DIBS_PGBOUNCER to the program.",
                        searched.join(", ")
                    )
                }
            }
            ClusterText::PatroniMissing { program, searched } => {
                if zh {
                    format!(
                        "找不到 {program}（已查找：{}）。Debian/Ubuntu 上运行 \
                         `apt-get install patroni etcd-server`。",
                        searched.join(", ")
                    )
                } else {
                    format!(
                        "{program} was not found (looked in: {}). On Debian/Ubuntu run \
                         `apt-get install patroni etcd-server`.",
                        searched.join(", ")
                    )
                }
            }
            ClusterText::PatroniFailed { path, detail } => {
                if zh {
                    format!("Patroni 集群未能就绪（{path}）：{detail}。日志在该目录下。")
                } else {
                    format!(
                        "The Patroni cluster did not come up ({path}): {detail}. Its logs are in that directory."
                    )
                }
            }
            ClusterText::PoolerFailedToStart { log_path, log_tail } => {
                if zh {
                    format!("PgBouncer 未能启动。日志：{log_path}\n{log_tail}")
                } else {
                    format!("PgBouncer did not start. Its log is {log_path}:\n{log_tail}")
                }
            }
            ClusterText::PoolerRunning { url, listen_url } => {
                if zh {
                    format!(
                        "PgBouncer（事务池）已在运行。应用使用：\n  DATABASE_URL={url}\n  \
                         DIBS_POOL_MODE=transaction\n  DIBS_LISTEN_URL={listen_url}"
                    )
                } else {
                    format!(
                        "PgBouncer (transaction pooling) runs. Point apps at it with:\n  \
                         DATABASE_URL={url}\n  DIBS_POOL_MODE=transaction\n  DIBS_LISTEN_URL={listen_url}"
                    )
                }
            }
        }
    }
}
