//! Every sentence dibs shows a person lives here, in English and Simplified Chinese.
//!
//! Code elsewhere builds a [`Text`] value (the *what*), and this module decides the
//! *words*. Keeping them in one place is what lets a sales-ops person read dibs in
//! their own language, and keeps error wording consistent across CLI and TUI.

use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};

use crate::ownership::Entity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// `--lang` value, config value or a POSIX locale such as `zh_CN.UTF-8`.
    pub fn parse(value: &str) -> Option<Lang> {
        let lower = value.trim().to_ascii_lowercase();
        if lower.starts_with("zh") {
            Some(Lang::Zh)
        } else if lower.starts_with("en")
            || lower == "c"
            || lower.starts_with("c.")
            || lower == "posix"
        {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language from the environment's locale variables, in POSIX precedence.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|var| std::env::var(var).ok())
            .find(|v| !v.is_empty())
            .and_then(|v| Lang::parse(&v))
            .unwrap_or(Lang::En)
    }
}

static CURRENT_LANG: OnceLock<Lang> = OnceLock::new();

/// Set once at start-up; later calls are ignored so the language cannot flip mid-session.
pub fn set_lang(lang: Lang) {
    let _ = CURRENT_LANG.set(lang);
}

pub fn lang() -> Lang {
    *CURRENT_LANG.get_or_init(Lang::from_env)
}

/// A sentence for a person, with its data. Rendered in the current language by `Display`.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
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
    DatabaseUnreachable {
        target: String,
        detail: String,
    },
    DatabaseError {
        during: String,
        detail: String,
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
    TrigramNeedsUtf8Locale {
        ctype: String,
    },
    SeedSkippedNotEmpty,
    SeedDone {
        customers: u64,
        leads: u64,
        seconds: f64,
    },
    DemoUserMissing,
    ConfigUnreadable {
        path: String,
        detail: String,
    },
    ConfigWorldReadable {
        path: String,
    },
    TuiPlaceholderTitle,
    TuiSignedInAs {
        name: String,
        team: String,
    },
    TuiQuitHint,
    TuiPlaceholderBody,
    TuiFigures {
        customers: i64,
        pool_leads: i64,
        holding: i64,
        limit: i64,
    },
    TuiLive,
    TuiOffline,
    TuiKeysHint,
    TuiMine,
    TuiUnclaimed,
    TuiColCompany,
    TuiColRegion,
    TuiColSource,
    TuiColAge,
    TuiColOwner,
    TuiConfirmClaim {
        id: i64,
        company: String,
    },
    TuiConfirmRelease {
        id: i64,
        company: String,
    },
    TuiConfirmClaimCustomer {
        id: i64,
        company: String,
    },
    TuiYesNo,
    TuiHelpTitle,
    TuiAction {
        action: crate::tui::keys::KeyAction,
    },
    TuiFilterPrompt {
        filter: String,
    },
    OwnershipDone {
        entity: Entity,
        id: i64,
    },
    OwnershipAlreadyYours {
        entity: Entity,
        id: i64,
    },
    OwnershipAlreadyTheirs {
        entity: Entity,
        id: i64,
    },
    OwnershipTakenBy {
        who: String,
        seconds_ago: Option<i64>,
    },
    OwnershipOverLimit {
        held: i64,
        limit: i64,
    },
    OwnershipCooldown {
        until: Option<DateTime<Utc>>,
    },
    OwnershipDailyCap {
        cap: i64,
    },
    OwnershipProtectedBy {
        who: String,
        until: Option<DateTime<Utc>>,
    },
    OwnershipLocked,
    OwnershipNotMember,
    OwnershipNotPermitted,
    OwnershipNotOwner {
        who: Option<String>,
    },
    OwnershipNotFound {
        entity: Entity,
        id: i64,
    },
    OwnershipNotClaimable,
    OwnershipChanged,
    OwnershipUnknownUser,
    OwnershipInvalidArgument,
    OwnershipDuplicateCode,
    OwnershipNeedsOverride {
        candidates: Vec<String>,
    },
    OwnershipDuplicateBlocked {
        rule: String,
        existing: Option<i64>,
    },
    OwnershipOther {
        code: String,
    },
    NoSuchUser {
        login: String,
    },
    CodeProblem {
        problem: crate::domain::uscc::UsccProblem,
    },
    PhoneProblem {
        problem: crate::domain::phone::PhoneProblem,
    },
    ParentNotANumber,
    BoardMoved,
    BoardMoveRefused {
        reason: String,
        by: Option<String>,
        seconds_ago: Option<i64>,
    },
    TlsSetup {
        detail: String,
    },
    NoSuchThing {
        what: String,
        name: String,
    },
    NotANumber {
        value: String,
    },
    PasswordPrompt,
    PasswordAgain,
    PasswordsDiffer,
    PasswordTooShort,
    PasswordGenerated {
        password: String,
    },
    AdminDone {
        what: String,
        detail: Option<String>,
    },
    AdminRefused {
        what: String,
        reason: String,
    },
    DisablePreview {
        login: String,
        count: usize,
    },
    DisableConfirmHint {
        login: String,
    },
    Exported {
        rows: usize,
        path: String,
    },
    Copied {
        text: String,
    },
    TransferPreview {
        from: String,
        to: String,
        moves: usize,
        stays: usize,
    },
    RepairConfirmHint,
    TuiNotVisible {
        id: i64,
    },
    BadScript {
        detail: String,
    },
    InFlightDraft {
        user: String,
        draft: String,
        seconds_ago: i32,
    },
    TuiConfirmAssign {
        count: usize,
        to: String,
        held: i64,
        limit: i64,
    },
    TuiAssignResult {
        done: usize,
        refused: usize,
        first_refusal: Option<String>,
    },
    TuiTooSmall {
        width: u16,
        height: u16,
    },
    TreeSummary {
        entities: usize,
        gaps: usize,
        risks: usize,
    },
    TuiSorted {
        by: &'static str,
    },
    UsccTypo {
        code: String,
        problem: String,
    },
}

fn entity_word(entity: Entity, zh: bool) -> &'static str {
    match (entity, zh) {
        (Entity::Lead, false) => "lead",
        (Entity::Customer, false) => "customer",
        (Entity::Lead, true) => "线索",
        (Entity::Customer, true) => "客户",
    }
}

/// "2 s ago" / "2 秒前", coarsening as time passes.
pub fn ago(seconds: i64, zh: bool) -> String {
    let (value, unit_en, unit_zh) = match seconds {
        s if s < 60 => (s, "s", "秒"),
        s if s < 3_600 => (s / 60, "min", "分钟"),
        s if s < 86_400 => (s / 3_600, "h", "小时"),
        s => (s / 86_400, "days", "天"),
    };
    if zh {
        format!("{value} {unit_zh}前")
    } else {
        format!("{value} {unit_en} ago")
    }
}

fn date_word(time: &Option<DateTime<Utc>>) -> String {
    time.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "?".into())
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let zh = lang() == Lang::Zh;
        let s = match self {
            Text::MissingPgBinaries { searched } => {
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
            Text::DataDirOwnedByOther {
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
            Text::DataDirNotReachable { path, owner } => {
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
            Text::NoUnprivilegedOwner => {
                if zh {
                    "以 root 运行时，PostgreSQL 必须由普通用户运行，但找不到 postgres 或 nobody 用户。请设置 DIBS_PG_OWNER。".to_string()
                } else {
                    "Running as root: PostgreSQL refuses to run as root and neither a `postgres` nor a `nobody` user exists. \
                     Set DIBS_PG_OWNER to an unprivileged user."
                        .to_string()
                }
            }
            Text::SocketInUse { socket_dir, port } => {
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
            Text::ClusterFailedToStart { log_path, log_tail } => {
                if zh {
                    format!("私有数据库未能启动。日志：{log_path}\n{log_tail}")
                } else {
                    format!(
                        "The private database did not start. Its log is {log_path}:\n{log_tail}"
                    )
                }
            }
            Text::ClusterNotInitialised { path } => {
                if zh {
                    format!("私有数据库尚未创建（{path}）。运行 `dibs local start` 创建并启动它。")
                } else {
                    format!(
                        "No private database exists yet at {path}. Run `dibs local start` to create and start it."
                    )
                }
            }
            Text::ClusterRunning { path, url } => {
                if zh {
                    format!("私有数据库运行中：{path}\n连接串：{url}")
                } else {
                    format!("The private database is running: {path}\nURL: {url}")
                }
            }
            Text::ClusterStopped { path } => {
                if zh {
                    format!("私有数据库已停止：{path}")
                } else {
                    format!("The private database is stopped: {path}")
                }
            }
            Text::ClusterCreated { path } => {
                if zh {
                    format!("已创建私有数据库：{path}")
                } else {
                    format!("Created a private database at {path}")
                }
            }
            Text::DatabaseUnreachable { target, detail } => {
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
            Text::DatabaseError { during, detail } => {
                if zh {
                    format!("数据库在{during}时报错：{detail}")
                } else {
                    format!("The database reported an error during {during}: {detail}")
                }
            }
            Text::WrongPassword { user } => {
                if zh {
                    format!("用户 {user} 的密码不正确。请检查 DATABASE_URL 或配置文件中的密码。")
                } else {
                    format!(
                        "The password for user {user} was refused. Check the password in DATABASE_URL or the config file."
                    )
                }
            }
            Text::UnknownRole { user } => {
                if zh {
                    format!("数据库中没有登录用户 {user}。请管理员用 `dibs user add` 创建。")
                } else {
                    format!(
                        "The database has no login role {user}. Ask an admin to create it with `dibs user add`."
                    )
                }
            }
            Text::UnknownDatabase { name } => {
                if zh {
                    format!("服务器上没有数据库 {name}。请先创建它（createdb {name}）。")
                } else {
                    format!(
                        "The server has no database named {name}. Create it first (createdb {name})."
                    )
                }
            }
            Text::DatabaseNewerThanBinary {
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
            Text::MigrationChanged { version, name } => {
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
            Text::MigrationFailed {
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
            Text::MigrationsApplied { count, version } => {
                if zh {
                    format!("已应用 {count} 个迁移，数据库结构版本 {version}。")
                } else {
                    format!("Applied {count} migration(s); the schema is at version {version}.")
                }
            }
            Text::TrigramNeedsUtf8Locale { ctype } => {
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
            Text::SeedSkippedNotEmpty => {
                if zh {
                    "数据库里已有数据，未写入演示数据。".to_string()
                } else {
                    "The database already holds data; demo data was not loaded.".to_string()
                }
            }
            Text::SeedDone {
                customers,
                leads,
                seconds,
            } => {
                if zh {
                    format!("已写入 {customers} 个客户、{leads} 条线索，用时 {seconds:.1} 秒。")
                } else {
                    format!("Loaded {customers} customers and {leads} leads in {seconds:.1} s.")
                }
            }
            Text::DemoUserMissing => {
                if zh {
                    "找不到演示销售账号；请运行 `dibs seed --demo`。".to_string()
                } else {
                    "The demo rep does not exist; run `dibs seed --demo`.".to_string()
                }
            }
            Text::ConfigUnreadable { path, detail } => {
                if zh {
                    format!("无法读取配置文件 {path}：{detail}")
                } else {
                    format!("Cannot read the config file {path}: {detail}")
                }
            }
            Text::ConfigWorldReadable { path } => {
                if zh {
                    format!(
                        "警告：配置文件 {path} 含有密码，但其他用户可读。请执行 chmod 600 {path}。"
                    )
                } else {
                    format!(
                        "Warning: the config file {path} holds a password but other users can read it. Run chmod 600 {path}."
                    )
                }
            }
            Text::TuiPlaceholderTitle => {
                if zh {
                    " dibs · 防撞单客户管理 ".to_string()
                } else {
                    " dibs · stop sales collisions ".to_string()
                }
            }
            Text::TuiSignedInAs { name, team } => {
                if zh {
                    format!("当前用户：{name}（{team}）")
                } else {
                    format!("Signed in as {name} ({team})")
                }
            }
            Text::TuiQuitHint => {
                if zh {
                    "按 q 退出".to_string()
                } else {
                    "press q to quit".to_string()
                }
            }
            Text::TuiPlaceholderBody => {
                if zh {
                    "线索池、客户查重与商机看板即将在此出现。".to_string()
                } else {
                    "The lead pool, duplicate check and stage board panes will appear here."
                        .to_string()
                }
            }
            Text::TuiFigures {
                customers,
                pool_leads,
                holding,
                limit,
            } => {
                if zh {
                    format!(
                        "我的客户 {customers} · 我所在线索池中的线索 {pool_leads} · 我的保有量 {holding}/{limit}"
                    )
                } else {
                    format!(
                        "my customers {customers} · leads in my pools {pool_leads} · my holdings {holding}/{limit}"
                    )
                }
            }
            Text::TuiLive => (if zh { "实时" } else { "live" }).to_string(),
            Text::TuiOffline => (if zh {
                "实时连接断开，重连中"
            } else {
                "live updates disconnected, reconnecting"
            })
            .to_string(),
            Text::TuiKeysHint => (if zh {
                "c 领取 · r 退回 · f 跟进 · a 分配 · / 筛选 · : 命令 · ? 帮助"
            } else {
                "c claim · r release · f follow up · a assign · / filter · : command · ? help"
            })
            .to_string(),
            Text::TuiMine => (if zh { "我的" } else { "mine" }).to_string(),
            Text::TuiUnclaimed => (if zh { "待领取" } else { "unclaimed" }).to_string(),
            Text::TuiColCompany => (if zh { "公司" } else { "company" }).to_string(),
            Text::TuiColRegion => (if zh { "地区" } else { "region" }).to_string(),
            Text::TuiColSource => (if zh { "来源" } else { "source" }).to_string(),
            Text::TuiColAge => (if zh { "天数" } else { "age" }).to_string(),
            Text::TuiColOwner => (if zh { "负责人" } else { "owner" }).to_string(),
            Text::TuiConfirmClaim { id, company } => {
                if zh {
                    format!("领取线索 {id}（{company}）？")
                } else {
                    format!("Claim lead {id} ({company})?")
                }
            }
            Text::TuiConfirmRelease { id, company } => {
                if zh {
                    format!("退回线索 {id}（{company}）到线索池？")
                } else {
                    format!("Release lead {id} ({company}) to the pool?")
                }
            }
            Text::TuiConfirmClaimCustomer { id, company } => {
                if zh {
                    format!("领取客户 {id}（{company}）？")
                } else {
                    format!("Claim customer {id} ({company})?")
                }
            }
            Text::TuiYesNo => (if zh { "y 确认 / n 取消" } else { "y/n" }).to_string(),
            Text::TuiHelpTitle => (if zh {
                " 按键（任意键关闭） "
            } else {
                " keys (any key closes) "
            })
            .to_string(),
            Text::TuiAction { action } => {
                use crate::tui::keys::KeyAction::*;
                let (en, zh_text) = match action {
                    Down => ("next row", "下一条"),
                    Up => ("previous row", "上一条"),
                    PageDown => ("ten down", "向下十条"),
                    PageUp => ("ten up", "向上十条"),
                    Claim => ("claim lead / customer", "领取线索或客户"),
                    Release => ("release to the pool", "退回线索池"),
                    Mark => ("mark for a bulk assign", "标记（批量分配）"),
                    Assign => ("assign leads to a rep", "分配线索给销售"),
                    FollowUp => ("log a follow-up call", "记录一次跟进"),
                    Sort => ("sort: # / company / age / due", "排序：编号/公司/天数/回收"),
                    Filter => ("filter / search as you type", "筛选 / 边输入边搜索"),
                    Open => ("open the 360° view", "打开 360° 视图"),
                    New => ("new customer (checked live)", "新建客户（实时查重）"),
                    NextTab => ("next tab (or 1, 2, 3)", "切换标签（或 1、2、3）"),
                    Left => ("board: column left", "看板：左一列"),
                    Right => ("board: column right", "看板：右一列"),
                    StageNext => ("board: next stage", "看板：下一阶段"),
                    StagePrev => ("board: previous stage", "看板：上一阶段"),
                    Won => ("board: won", "看板：赢单"),
                    Lost => ("board: lost (with reason)", "看板：输单（填原因）"),
                    Scope => ("board: mine / team / all", "看板：我的/团队/全部"),
                    Tree => ("the customer's group tree", "客户集团树"),
                    Export => ("export the list or board to CSV", "导出列表或看板为 CSV"),
                    Copy => ("copy the selected record (OSC 52)", "复制所选记录（OSC 52）"),
                    Palette => ("commands (Tab completes)", "命令（Tab 补全）"),
                    Refresh => ("re-read everything", "全部刷新"),
                    Help => ("this help", "本帮助"),
                    Quit => ("quit (Esc closes first)", "退出（Esc 先关闭）"),
                };
                (if zh { zh_text } else { en }).to_string()
            }
            Text::TuiFilterPrompt { filter } => {
                if zh {
                    format!("筛选：{filter}")
                } else {
                    format!("filter: {filter}")
                }
            }
            Text::OwnershipDone { entity, id } => {
                if zh {
                    format!("完成：{} {id}", entity_word(*entity, true))
                } else {
                    format!("Done: {} {id}", entity_word(*entity, false))
                }
            }
            Text::OwnershipAlreadyYours { entity, id } => {
                if zh {
                    format!("{} {id} 已经是你的了", entity_word(*entity, true))
                } else {
                    format!("{} {id} is already yours", entity_word(*entity, false))
                }
            }
            Text::OwnershipAlreadyTheirs { entity, id } => {
                if zh {
                    format!("{} {id} 已属于该同事，无需变更", entity_word(*entity, true))
                } else {
                    format!(
                        "{} {id} already belongs to them; nothing changed",
                        entity_word(*entity, false)
                    )
                }
            }
            Text::OwnershipTakenBy { who, seconds_ago } => match (zh, seconds_ago) {
                (true, Some(s)) => format!("{who} 在 {} 领取了它", ago(*s, true)),
                (true, None) => format!("它已属于 {who}"),
                (false, Some(s)) => format!("{who} claimed it {}", ago(*s, false)),
                (false, None) => format!("{who} already owns it"),
            },
            Text::OwnershipOverLimit { held, limit } => {
                if zh {
                    format!("已达保有量上限：你持有 {held}/{limit}。先释放或转化一些再领取。")
                } else {
                    format!(
                        "You hold {held}/{limit}: the holding limit is reached. Release or convert some first."
                    )
                }
            }
            Text::OwnershipCooldown { until } => {
                if zh {
                    format!(
                        "你刚退回过它，冷却期内不能再领取（至 {}）。",
                        date_word(until)
                    )
                } else {
                    format!(
                        "You gave this back recently; you can claim it again after {}.",
                        date_word(until)
                    )
                }
            }
            Text::OwnershipDailyCap { cap } => {
                if zh {
                    format!("今天在这个线索池已领取 {cap} 条，达到每日上限。")
                } else {
                    format!("You reached today's claim cap of {cap} in this pool.")
                }
            }
            Text::OwnershipProtectedBy { who, until } => {
                if zh {
                    format!("{who} 已报备此客户，保护期至 {}。", date_word(until))
                } else {
                    format!(
                        "{who} registered this customer; it is protected until {}.",
                        date_word(until)
                    )
                }
            }
            Text::OwnershipLocked => {
                if zh {
                    "该记录已被主管锁定。".to_string()
                } else {
                    "A manager has locked this record.".to_string()
                }
            }
            Text::OwnershipNotMember => {
                if zh {
                    "你不是这个池的成员。".to_string()
                } else {
                    "You are not a member of this pool.".to_string()
                }
            }
            Text::OwnershipNotPermitted => {
                if zh {
                    "你没有权限执行此操作。".to_string()
                } else {
                    "You are not allowed to do this.".to_string()
                }
            }
            Text::OwnershipNotOwner { who } => match (zh, who) {
                (true, Some(who)) => format!("它属于 {who}，不是你。"),
                (true, None) => "它目前无人负责，不是你的。".to_string(),
                (false, Some(who)) => format!("It belongs to {who}, not to you."),
                (false, None) => "Nobody owns it; it is not yours.".to_string(),
            },
            Text::OwnershipNotFound { entity, id } => {
                if zh {
                    format!("找不到{} {id}。", entity_word(*entity, true))
                } else {
                    format!("There is no {} {id}.", entity_word(*entity, false))
                }
            }
            Text::OwnershipNotClaimable => {
                if zh {
                    "它已转化或已作废，不能领取。".to_string()
                } else {
                    "It has been converted or disqualified and cannot be claimed.".to_string()
                }
            }
            Text::OwnershipChanged => {
                if zh {
                    "别人刚刚修改了它，请刷新后重试。".to_string()
                } else {
                    "Someone changed it a moment ago; refresh and try again.".to_string()
                }
            }
            Text::OwnershipUnknownUser => {
                if zh {
                    "当前登录不对应任何 dibs 用户（管理员请用 --as 指定代谁操作）。".to_string()
                } else {
                    "This login is not a dibs user (admins: say who you act for with --as)."
                        .to_string()
                }
            }
            Text::OwnershipInvalidArgument => {
                if zh {
                    "参数无效。".to_string()
                } else {
                    "That request is not valid.".to_string()
                }
            }
            Text::OwnershipDuplicateCode => {
                if zh {
                    "已有客户使用相同的统一社会信用代码。".to_string()
                } else {
                    "A customer with the same unified social credit code already exists."
                        .to_string()
                }
            }
            Text::OwnershipNeedsOverride { candidates } => {
                let list = candidates.join("、");
                if zh {
                    format!("可能与已有客户重复：{list}。如确认是新客户，请填写原因后保存。")
                } else {
                    format!("Probably a duplicate of: {list}. To save anyway, give a reason.")
                }
            }
            Text::OwnershipDuplicateBlocked { rule, existing } => {
                let existing = existing
                    .map(|id| id.to_string())
                    .unwrap_or_else(|| "?".into());
                if zh {
                    format!("查重规则「{rule}」禁止保存：客户 {existing} 已存在。")
                } else {
                    format!("Blocked by the rule \"{rule}\": customer {existing} already exists.")
                }
            }
            Text::OwnershipOther { code } => code.clone(),
            Text::CodeProblem { problem } => {
                use crate::domain::uscc::UsccProblem::*;
                match (problem, zh) {
                    (WrongLength(n), false) => {
                        format!("a credit code has 18 characters; this has {n}")
                    }
                    (WrongLength(n), true) => format!("信用代码应为 18 位，现为 {n} 位"),
                    (BadCharacter { position, found }, false) => {
                        format!("character {position} ({found}) cannot appear in a credit code")
                    }
                    (BadCharacter { position, found }, true) => {
                        format!("第 {position} 位（{found}）不能出现在信用代码中")
                    }
                    (CheckMismatch { expected, found }, false) => {
                        format!("the last character should be {expected}, not {found}: a typo?")
                    }
                    (CheckMismatch { expected, found }, true) => {
                        format!("校验位应为 {expected}，而不是 {found}：是否输错？")
                    }
                }
            }
            Text::PhoneProblem { problem } => {
                use crate::domain::phone::PhoneProblem::*;
                match (problem, zh) {
                    (Empty, false) => "no digits".to_string(),
                    (Empty, true) => "没有数字".to_string(),
                    (TooShort(n), false) => format!("too short for a phone number ({n} digits)"),
                    (TooShort(n), true) => format!("位数太少（{n} 位）"),
                    (TooLong(n), false) => format!("too long for a phone number ({n} digits)"),
                    (TooLong(n), true) => format!("位数太多（{n} 位）"),
                    (BadMobile, false) => "not a valid mobile number".to_string(),
                    (BadMobile, true) => "不是有效的手机号".to_string(),
                }
            }
            Text::BadScript { detail } => {
                if zh {
                    format!("按键脚本无法运行：{detail}")
                } else {
                    format!("The key script cannot run: {detail}")
                }
            }
            Text::TuiNotVisible { id } => {
                if zh {
                    format!("客户 {id} 不在你的可见范围：查重只显示其名称、负责人、团队和状态。")
                } else {
                    format!(
                        "Customer {id} is not yours to open: the duplicate check shares only its name, owner, team and status."
                    )
                }
            }
            Text::NoSuchThing { what, name } => {
                if zh {
                    format!("找不到{what}「{name}」。")
                } else {
                    format!("There is no {what} \"{name}\".")
                }
            }
            Text::NotANumber { value } => {
                if zh {
                    format!("「{value}」不是数字。")
                } else {
                    format!("\"{value}\" is not a number.")
                }
            }
            Text::PasswordPrompt => (if zh { "密码：" } else { "Password: " }).to_string(),
            Text::PasswordAgain => (if zh { "再输一次：" } else { "Again: " }).to_string(),
            Text::PasswordsDiffer => (if zh {
                "两次输入的密码不一致，未做任何修改。"
            } else {
                "The two passwords differ; nothing was changed."
            })
            .to_string(),
            Text::PasswordTooShort => (if zh {
                "密码至少 12 个字符，未做任何修改。"
            } else {
                "A password needs at least 12 characters; nothing was changed."
            })
            .to_string(),
            Text::PasswordGenerated { password } => {
                if zh {
                    format!("初始密码（只显示这一次，请安全地交给本人）：{password}")
                } else {
                    format!("Password (shown this once; hand it over safely): {password}")
                }
            }
            Text::AdminDone { what, detail } => {
                let detail = detail.clone().map(|d| format!(" {d}")).unwrap_or_default();
                if zh {
                    format!("完成：{what}{detail}")
                } else {
                    format!("Done: {what}{detail}")
                }
            }
            Text::AdminRefused { what, reason } => {
                let why = match (reason.as_str(), zh) {
                    ("not_permitted", false) => {
                        "you are not allowed to do this (the attempt is recorded)"
                    }
                    ("not_permitted", true) => "你没有这个权限（此次尝试已记录）",
                    ("invalid_argument", false) => {
                        "a value is not valid (login: lower-case letters, digits, _; role: rep, manager, admin or viewer)"
                    }
                    ("invalid_argument", true) => {
                        "参数无效（登录名：小写字母、数字、下划线；角色：rep、manager、admin、viewer）"
                    }
                    ("already_exists", false) => "that login already exists",
                    ("cycle", false) => "the new parent is the customer itself or below it: that would make a cycle",
                    ("cycle", true) => "新的上级是该客户自身或其下属：会形成循环",
                    ("already_exists", true) => "该登录名已存在",
                    (other, _) => other,
                };
                if zh {
                    format!("未执行：{what}：{why}")
                } else {
                    format!("NO  {what}: {why}")
                }
            }
            Text::DisablePreview { login, count } => {
                if zh {
                    format!("停用 {login} 后，{count} 条线索/客户会退回各自的池：")
                } else {
                    format!("Disabling {login} returns {count} lead(s)/customer(s) to their pools:")
                }
            }
            Text::DisableConfirmHint { login } => {
                if zh {
                    format!("以上仅为预览；确认请运行 dibs user disable {login} --yes")
                } else {
                    format!("Nothing changed yet; to do it: dibs user disable {login} --yes")
                }
            }
            Text::TlsSetup { detail } => {
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
            Text::BoardMoved => (if zh { "已移动。" } else { "Moved." }).to_string(),
            Text::BoardMoveRefused {
                reason,
                by,
                seconds_ago,
            } => {
                let who = by.clone().unwrap_or_else(|| "?".into());
                let ago = seconds_ago
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "?".into());
                match (reason.as_str(), zh) {
                    ("changed", false) => format!(
                        "{who} changed this opportunity {ago} s ago; nothing was overwritten and the board is re-read."
                    ),
                    ("changed", true) => {
                        format!("{who} 在 {ago} 秒前改过这个商机；未覆盖，看板已刷新。")
                    }
                    ("not_permitted", false) => {
                        "Only its owner, their manager or an admin moves this opportunity."
                            .to_string()
                    }
                    ("not_permitted", true) => {
                        "只有负责人、其经理或管理员可以移动这个商机。".to_string()
                    }
                    ("reason_required", false) => "A lost opportunity needs a reason.".to_string(),
                    ("reason_required", true) => "输单需要填写原因。".to_string(),
                    (other, _) => other.to_string(),
                }
            }
            Text::TransferPreview {
                from,
                to,
                moves,
                stays,
            } => {
                if zh {
                    format!("{from} → {to}：{moves} 条可以转交，{stays} 条会超出 {to} 的保有量而保留在 {from} 名下：")
                } else {
                    format!(
                        "{from} → {to}: {moves} would move; {stays} would break {to}'s holding limit and stay with {from}:"
                    )
                }
            }
            Text::Exported { rows, path } => {
                if zh {
                    format!("已导出 {rows} 行到 {path}（UTF-8 带 BOM，Excel 可直接打开）")
                } else {
                    format!("Exported {rows} rows to {path} (UTF-8 with BOM: Excel opens it as is)")
                }
            }
            Text::Copied { text } => {
                if zh {
                    format!("已复制到剪贴板：{text}")
                } else {
                    format!("Copied to the clipboard: {text}")
                }
            }
            Text::RepairConfirmHint => (if zh {
                "以上仅为预览；确认请加 --yes（每条转交都会连同原因记入归属记录，可用 undo-transfer 撤销）。"
            } else {
                "Nothing changed yet; add --yes to do it (every move is logged with the reason; undo-transfer puts it back)."
            })
            .to_string(),
            Text::ParentNotANumber => (if zh {
                "上级客户请填写客户编号（数字）"
            } else {
                "the parent is a customer number"
            })
            .to_string(),
            Text::InFlightDraft {
                user,
                draft,
                seconds_ago,
            } => {
                if zh {
                    format!("{user} 正在新建「{draft}」（{seconds_ago} 秒前）")
                } else {
                    format!("{user} is creating \"{draft}\" right now ({seconds_ago} s ago)")
                }
            }
            Text::TuiConfirmAssign {
                count,
                to,
                held,
                limit,
            } => {
                let after = held + *count as i64;
                let over = (after - limit).max(0);
                if zh {
                    let mut s = format!(
                        "将 {count} 条线索分配给 {to}？其保有量 {held}/{limit} → {}/{limit}。",
                        after.min(*limit)
                    );
                    if over > 0 {
                        s.push_str(&format!("其中 {over} 条会因超出保有量被拒绝。"));
                    }
                    s
                } else {
                    let mut s = format!(
                        "Assign {count} lead(s) to {to}? Holdings {held}/{limit} → {}/{limit}.",
                        after.min(*limit)
                    );
                    if over > 0 {
                        s.push_str(&format!(" {over} would be refused: over the limit."));
                    }
                    s
                }
            }
            Text::TuiAssignResult {
                done,
                refused,
                first_refusal,
            } => {
                let why = first_refusal
                    .clone()
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default();
                if zh {
                    format!("已分配 {done} 条，被拒绝 {refused} 条{why}")
                } else {
                    format!("{done} assigned, {refused} refused{why}")
                }
            }
            Text::TuiTooSmall { width, height } => {
                if zh {
                    format!("终端太小（{width}×{height}）：dibs 至少需要 80×24。")
                } else {
                    format!("The terminal is {width}×{height}: dibs needs at least 80×24.")
                }
            }
            Text::TreeSummary {
                entities,
                gaps,
                risks,
            } => {
                if zh {
                    format!("{entities} 个实体 · {gaps} 个无人负责 · {risks} 个属其他团队")
                } else {
                    format!("{entities} entities · {gaps} gaps · {risks} owned by other teams")
                }
            }
            Text::TuiSorted { by } => {
                if zh {
                    format!("排序：{by}")
                } else {
                    format!("sorted by {by}")
                }
            }
            Text::UsccTypo { code, problem } => {
                if zh {
                    format!("统一社会信用代码 {code} 无效（{problem}），不会用于查重；请核对。")
                } else {
                    format!(
                        "The credit code {code} is not valid ({problem}); it is not used for matching. Please check it."
                    )
                }
            }
            Text::NoSuchUser { login } => {
                if zh {
                    format!("没有用户 {login}。")
                } else {
                    format!("There is no user {login}.")
                }
            }
        };
        f.write_str(&s)
    }
}

/// An expected failure whose whole story is a [`Text`]: shown as-is, never with a backtrace.
#[derive(Debug, Clone, PartialEq)]
pub struct UserError(pub Text);

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for UserError {}

impl From<Text> for UserError {
    fn from(text: Text) -> Self {
        UserError(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_names_map_to_languages() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("C.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("fr_FR"), None);
    }

    #[test]
    fn missing_binaries_message_tells_how_to_install() {
        let text = Text::MissingPgBinaries {
            searched: vec!["/nowhere".into()],
        }
        .to_string();
        assert!(
            text.contains("apt-get install postgresql")
                || text.contains("apt-get install postgresql")
        );
        assert!(text.contains("DATABASE_URL"));
    }
}

/// Short interface words of the terminal app (titles, column heads, field names, hints),
/// each in both languages. Sentences with data stay `Text` variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    TabPool,
    TabCustomers,
    Search,
    SearchHint,
    MyCustomers,
    NewCustomer,
    FieldName,
    FieldPhone,
    FieldEmail,
    FieldCode,
    FieldRegion,
    FieldIndustry,
    FieldParent,
    FormHint,
    ReasonPrompt,
    Duplicates,
    Checking,
    NoDuplicates,
    Score,
    Why,
    Status,
    Team,
    Contacts,
    Opportunities,
    Followups,
    History,
    Stage,
    Amount,
    Title,
    Department,
    DetailHint,
    ReadOnly,
    ReadOnlyRefused,
    LastFollowup,
    DueForRecycle,
    Overdue,
    FollowupPrompt,
    AssignPrompt,
    PalettePrompt,
    NoSuchCommand,
    Sort,
    Marked,
    Never,
    PersonName,
    OrgChart,
    TreeTitle,
    TreeHint,
    Gap,
    OtherTeam,
    LostReasonPrompt,
    BoardFilterPrompt,
    RepairReasonPrompt,
    TransferUsage,
    UndoUsage,
    HistoryUsage,
    TabBoard,
    ScopeMine,
    ScopeTeam,
    ScopeAll,
    BoardHint,
    Owner,
    ExpectedClose,
    When,
    Kind,
    By,
    Note,
}

impl Label {
    fn words(self) -> (&'static str, &'static str) {
        use Label::*;
        match self {
            TabPool => ("Lead pool", "线索池"),
            TabCustomers => ("Customers", "客户"),
            Search => ("search", "搜索"),
            SearchHint => (
                "/ search as you type · n new customer · Enter details · c claim",
                "/ 边输入边搜索 · n 新建客户 · 回车 详情 · c 领取",
            ),
            MyCustomers => ("my customers", "我的客户"),
            NewCustomer => ("New customer", "新建客户"),
            FieldName => ("Company", "公司名称"),
            FieldPhone => ("Phone", "电话"),
            FieldEmail => ("E-mail", "邮箱"),
            FieldCode => ("Credit code", "信用代码"),
            FieldRegion => ("Region", "地区"),
            FieldIndustry => ("Industry", "行业"),
            FieldParent => ("Parent #", "上级客户"),
            FormHint => (
                "Tab/↓ next · ↑ back · Ctrl-S save · Esc close (your input is kept)",
                "Tab/↓ 下一项 · ↑ 上一项 · Ctrl-S 保存 · Esc 关闭（输入会保留）",
            ),
            ReasonPrompt => ("Reason to save anyway", "仍要保存的原因"),
            Duplicates => ("Possible duplicates", "疑似重复"),
            Checking => ("checking…", "查重中…"),
            NoDuplicates => ("No similar customer found.", "未发现相似客户。"),
            Score => ("score", "相似度"),
            Why => ("why", "原因"),
            Status => ("status", "状态"),
            Team => ("team", "团队"),
            Contacts => ("Contacts", "联系人"),
            Opportunities => ("Opportunities", "商机"),
            Followups => ("Follow-ups", "跟进记录"),
            History => ("Ownership history", "归属记录"),
            Stage => ("stage", "阶段"),
            Amount => ("amount", "金额"),
            Title => ("title", "职位"),
            Department => ("department", "部门"),
            DetailHint => (
                "j/k scroll · c claim · Esc back",
                "j/k 滚动 · c 领取 · Esc 返回",
            ),
            ReadOnly => ("read-only", "只读"),
            ReadOnlyRefused => (
                "This session is read-only: nothing was changed.",
                "当前为只读模式，未做任何修改。",
            ),
            LastFollowup => ("followed", "最近跟进"),
            DueForRecycle => ("recycle", "回收"),
            Overdue => ("due", "已到期"),
            FollowupPrompt => ("follow-up note", "跟进记录"),
            AssignPrompt => ("assign to (login)", "分配给（登录名）"),
            PalettePrompt => ("command", "命令"),
            NoSuchCommand => (
                "No such command; Tab completes.",
                "没有这个命令；按 Tab 补全。",
            ),
            Sort => ("sort", "排序"),
            Marked => ("marked", "已选"),
            Never => ("never", "从未"),
            PersonName => ("name", "姓名"),
            OrgChart => ("Contacts (org chart)", "联系人（组织架构）"),
            TreeTitle => ("Group tree", "集团树"),
            TreeHint => (
                "j/k move · l/Enter open a level · h close · Esc back",
                "j/k 移动 · l/回车 展开 · h 收起 · Esc 返回",
            ),
            Gap => ("gap: nobody owns it", "空白：无人负责"),
            OtherTeam => ("other team", "其他团队"),
            LostReasonPrompt => ("why was it lost", "输单原因"),
            RepairReasonPrompt => ("why (recorded with every move)", "原因（随每条转交记录）"),
            TransferUsage => (
                ":transfer FROM TO (logins)",
                ":transfer 原负责人 新负责人（登录名）",
            ),
            UndoUsage => (":undo BATCH REASON", ":undo 批次号 原因"),
            HistoryUsage => (":history LOGIN", ":history 登录名"),
            BoardFilterPrompt => (
                "show cards matching (name, customer, owner, product line, region, close month)",
                "只显示匹配的卡片（名称、客户、负责人、产品线、地区、预计成交月）",
            ),
            TabBoard => ("Stage board", "商机看板"),
            ScopeMine => ("mine", "我的"),
            ScopeTeam => ("my team", "本团队"),
            ScopeAll => ("all", "全部"),
            BoardHint => (
                "h/l column · j/k card · ]/[ stage · w won · x lost · m mine/team/all · / filter",
                "h/l 列 · j/k 卡片 · ]/[ 阶段 · w 赢单 · x 输单 · m 我的/团队/全部 · / 筛选",
            ),
            Owner => ("owner", "负责人"),
            ExpectedClose => ("close", "预计成交"),
            When => ("when", "时间"),
            Kind => ("kind", "方式"),
            By => ("by", "记录人"),
            Note => ("note", "内容"),
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (en, zh) = self.words();
        f.write_str(if lang() == Lang::Zh { zh } else { en })
    }
}

/// Why a record came up as a duplicate, in words ("similar name 0.93; same phone").
pub fn why_words(why: &[crate::dedup::score::Why]) -> String {
    use crate::dedup::score::Why::*;
    let zh = lang() == Lang::Zh;
    why.iter()
        .map(|w| match (w, zh) {
            (SameCreditCode, false) => "same credit code".to_string(),
            (SameCreditCode, true) => "信用代码相同".to_string(),
            (SameName, false) => "same name".to_string(),
            (SameName, true) => "名称相同".to_string(),
            (SimilarName { similarity }, false) => format!("similar name {similarity:.2}"),
            (SimilarName { similarity }, true) => format!("名称相似 {similarity:.2}"),
            (TypedPrefix, false) => "starts the same".to_string(),
            (TypedPrefix, true) => "开头相同".to_string(),
            (SamePhone, false) => "same phone".to_string(),
            (SamePhone, true) => "电话相同".to_string(),
            (SameDomain, false) => "same domain".to_string(),
            (SameDomain, true) => "邮箱域名相同".to_string(),
            (Branch { branch }, false) => format!("branch {branch}"),
            (Branch { branch }, true) => format!("分支机构 {branch}"),
            (DifferentCreditCode, false) => "different credit codes".to_string(),
            (DifferentCreditCode, true) => "信用代码不同".to_string(),
            (DifferentRegion, false) => "different region".to_string(),
            (DifferentRegion, true) => "地区不同".to_string(),
            (DifferentTradeName, false) => "different trade name".to_string(),
            (DifferentTradeName, true) => "字号不同".to_string(),
        })
        .collect::<Vec<_>>()
        .join(if zh { "；" } else { "; " })
}

/// An amount of money, short: "¥1.2M" / "120万".
pub fn amount(value: f64) -> String {
    // An empty column's sum is -0.0 (f64's neutral element for sums): show it as 0.
    let value = if value == 0.0 { 0.0 } else { value };
    if lang() == Lang::Zh {
        if value >= 100_000_000.0 {
            format!("{:.1}亿", value / 100_000_000.0)
        } else {
            format!("{:.0}万", value / 10_000.0)
        }
    } else if value >= 1_000_000.0 {
        format!("¥{:.1}M", value / 1_000_000.0)
    } else {
        format!("¥{:.0}k", value / 1_000.0)
    }
}
