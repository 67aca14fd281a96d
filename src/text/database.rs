//! Wording of connecting to the database and migrating it, in English and Simplified Chinese.

#[allow(unused_imports)]
use super::{Lang, ago, date_word, entity_word};

#[derive(Debug, Clone, PartialEq)]
pub enum DbText {
    DatabaseUnreachable {
        target: String,
        detail: String,
    },
    /// A URL setting other than `DATABASE_URL` (`listen_url`, `read_url`, `gateway_url`) that
    /// does not parse: named with its environment variable, so the hint points at it.
    SettingNotAUrl {
        key: String,
        env: String,
        detail: String,
    },
    /// The server took the connection but did not answer in time.
    NoAnswer {
        seconds: f64,
    },
    DatabaseError {
        during: String,
        detail: String,
    },
    /// The connection broke or could not be made while dibs was doing something.
    ConnectionLost {
        during: String,
        detail: String,
    },
    /// A change was sent and the connection broke before the answer came.
    ChangeInterrupted,
    /// `lock_timeout`: another session holds the row.
    LockBusy {
        seconds: f64,
    },
    /// `statement_timeout`: the statement was stopped.
    TooSlow {
        seconds: f64,
    },
    WrongPassword {
        user: String,
    },
    UnknownRole {
        user: String,
    },
    UnknownDatabase {
        name: String,
    },
    DatabaseNewerThanBinary {
        database_version: i32,
        binary_version: i32,
    },
    MigrationChanged {
        version: i32,
        name: String,
    },
    MigrationFailed {
        version: i32,
        name: String,
        detail: String,
    },
    MigrationsApplied {
        count: usize,
        version: i32,
    },
    CompaniesComputed {
        records: usize,
        companies: usize,
        split: i64,
        seconds: u64,
    },
    TrigramNeedsUtf8Locale {
        ctype: String,
    },
    TlsSetup {
        detail: String,
    },
}

impl DbText {
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            DbText::NoAnswer { seconds } => {
                if zh {
                    format!(
                        "服务器在 {seconds:.0} 秒内没有应答（可在 URL 中用 connect_timeout 调整）"
                    )
                } else {
                    format!(
                        "the server did not answer within {seconds:.0} s (connect_timeout in the URL sets this)"
                    )
                }
            }
            DbText::DatabaseUnreachable { target, detail } => {
                if zh {
                    format!(
                        "无法连接数据库 {target}：{detail}\n请检查服务器是否在运行、地址和端口是否正确（DATABASE_URL）。"
                    )
                } else {
                    format!(
                        "Cannot reach the database at {target}: {detail}\n\
                         Check that the server is running and that DATABASE_URL names the right host and port."
                    )
                }
            }
            DbText::SettingNotAUrl { key, env, detail } => {
                if zh {
                    format!(
                        "设置 {key}（环境变量 {env}）不是有效的连接串：{detail}\n\
                         请写成 postgresql://主机:端口/数据库名，或删去这项设置。"
                    )
                } else {
                    format!(
                        "The setting {key} ({env}) is not a valid connection string: {detail}\n\
                         Write it as postgresql://host:port/dbname, or remove the setting."
                    )
                }
            }
            DbText::ConnectionLost { during, detail } => {
                let during = if during.is_empty() {
                    String::new()
                } else if zh {
                    format!("（{during}）")
                } else {
                    format!(" ({during})")
                };
                if zh {
                    format!(
                        "数据库暂时连不上{during}：{detail} —— 正在自动重连，已输入的内容都保留着。"
                    )
                } else {
                    format!(
                        "The database is unreachable{during}: {detail} — retrying by itself; your input is kept."
                    )
                }
            }
            DbText::ChangeInterrupted => {
                if zh {
                    "连接在数据库答复前断开：这次修改可能没有生效。重连后屏幕会重新读取，请确认后再试。"
                        .to_string()
                } else {
                    "The connection broke before the database answered: this change may not have gone through. \
                     The screen re-reads once the database is back — check it before trying again."
                        .to_string()
                }
            }
            DbText::LockBusy { seconds } => {
                if zh {
                    format!(
                        "另一个会话正在处理这条记录（等了 {seconds:.0} 秒仍未放开）—— 请稍后再试。"
                    )
                } else {
                    format!(
                        "Another session is holding this record (still busy after {seconds:.0} s) — try again in a moment."
                    )
                }
            }
            DbText::TooSlow { seconds } => {
                if zh {
                    format!(
                        "数据库在 {seconds:.0} 秒内没有完成，已停止这次操作（statement_timeout）。"
                    )
                } else {
                    format!(
                        "The database did not finish within {seconds:.0} s, so the work was stopped (statement_timeout)."
                    )
                }
            }
            DbText::DatabaseError { during, detail } => {
                if zh {
                    format!("数据库在{during}时报错：{detail}")
                } else {
                    format!("The database reported an error during {during}: {detail}")
                }
            }
            DbText::WrongPassword { user } => {
                if zh {
                    format!("用户 {user} 的密码不正确。请检查 DATABASE_URL 或配置文件中的密码。")
                } else {
                    format!(
                        "The password for user {user} was refused. Check the password in DATABASE_URL or the config file."
                    )
                }
            }
            DbText::UnknownRole { user } => {
                if zh {
                    format!("数据库中没有登录用户 {user}。请管理员用 `dibs user add` 创建。")
                } else {
                    format!(
                        "The database has no login role {user}. Ask an admin to create it with `dibs user add`."
                    )
                }
            }
            DbText::UnknownDatabase { name } => {
                if zh {
                    format!("服务器上没有数据库 {name}。请先创建它（createdb {name}）。")
                } else {
                    format!(
                        "The server has no database named {name}. Create it first (createdb {name})."
                    )
                }
            }
            DbText::DatabaseNewerThanBinary {
                database_version,
                binary_version,
            } => {
                if zh {
                    format!(
                        "数据库结构版本为 {database_version}，而这个 dibs 只认识到 {binary_version}。请升级 dibs 后再连接，以免损坏数据。"
                    )
                } else {
                    format!(
                        "This database is at schema version {database_version}, but this dibs only knows up to {binary_version}. \
                         Upgrade dibs before using this database; nothing was changed."
                    )
                }
            }
            DbText::MigrationChanged { version, name } => {
                if zh {
                    format!(
                        "已应用的迁移 {version}（{name}）的内容与此版本的 dibs 不一致。请勿修改已发布的迁移文件。"
                    )
                } else {
                    format!(
                        "Migration {version} ({name}) was applied with different contents than this dibs ships. \
                         Released migrations must never be edited; add a new one instead."
                    )
                }
            }
            DbText::MigrationFailed {
                version,
                name,
                detail,
            } => {
                if zh {
                    format!("迁移 {version}（{name}）失败，已回滚：{detail}")
                } else {
                    format!("Migration {version} ({name}) failed and was rolled back: {detail}")
                }
            }
            DbText::MigrationsApplied { count, version } => {
                if zh {
                    format!("已应用 {count} 个迁移，数据库结构版本 {version}。")
                } else {
                    format!("Applied {count} migration(s); the schema is at version {version}.")
                }
            }
            DbText::CompaniesComputed {
                records,
                companies,
                split,
                seconds,
            } => {
                if zh {
                    format!(
                        "已为 {records} 条记录计算公司归属：{companies} 家公司（{seconds} 秒）。\
                         其中 {split} 家公司现在有不止一位负责人（已发生的撞单），见 dibs report collisions。"
                    )
                } else {
                    format!(
                        "Company keys computed for {records} records: {companies} companies ({seconds} s). \
                         {split} of them are held by more than one owner today (collisions that already \
                         happened): see dibs report collisions."
                    )
                }
            }
            DbText::TrigramNeedsUtf8Locale { ctype } => {
                if zh {
                    format!(
                        "数据库的 LC_CTYPE 为 {ctype}，pg_trgm 无法从中文提取三元组，查重会失效。\n\
                         请用 UTF-8 区域重建数据库：CREATE DATABASE … LC_CTYPE 'C.UTF-8' TEMPLATE template0。"
                    )
                } else {
                    format!(
                        "The database's LC_CTYPE is {ctype}: pg_trgm extracts no trigrams from Chinese there, so duplicate checks would silently miss.\n\
                         Recreate the database with a UTF-8 locale: CREATE DATABASE … LC_CTYPE 'C.UTF-8' TEMPLATE template0."
                    )
                }
            }
            DbText::TlsSetup { detail } => {
                if zh {
                    format!(
                        "无法准备 TLS（加密连接）：{detail}。请检查 DIBS_SSL_ROOT_CERT / PGSSLROOTCERT 指向的 CA 证书文件。"
                    )
                } else {
                    format!(
                        "Cannot set up TLS: {detail}. Check the CA file named by DIBS_SSL_ROOT_CERT or PGSSLROOTCERT."
                    )
                }
            }
        }
    }
}
