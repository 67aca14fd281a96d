//! Wording of configuration, seeding and the command line, in English and Simplified Chinese.

#[allow(unused_imports)]
use super::{Lang, ago, date_word, entity_word};

#[derive(Debug, Clone, PartialEq)]
pub enum SetupText {
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
    NoSuchUser {
        login: String,
    },
    /// `--partner NAME` that names no partner.
    NoSuchPartner {
        name: String,
    },
    /// A report's --from after its --to.
    BadDateRange {
        from: String,
        to: String,
    },
    /// `dibs report` with neither a report's name nor --html.
    ReportNeedsKind,
    /// `dibs seed --history`: what was written.
    HistorySeeded {
        weeks: i32,
        log_rows: u64,
        decisions: u64,
        seconds: f64,
    },
    /// `dibs bench soak` restarts the server: only the private cluster.
    SoakNeedsPrivateCluster,
    BurstNeedsPrivateCluster,
    NoSuchThing {
        what: String,
        name: String,
    },
    NotANumber {
        value: String,
    },
    BadScript {
        detail: String,
    },
}

impl SetupText {
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            SetupText::SeedSkippedNotEmpty => {
                if zh {
                    "数据库里已有数据，未写入演示数据。".to_string()
                } else {
                    "The database already holds data; demo data was not loaded.".to_string()
                }
            }
            SetupText::SeedDone {
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
            SetupText::DemoUserMissing => {
                if zh {
                    "找不到演示销售账号；请运行 `dibs seed --demo`。".to_string()
                } else {
                    "The demo rep does not exist; run `dibs seed --demo`.".to_string()
                }
            }
            SetupText::ConfigUnreadable { path, detail } => {
                if zh {
                    format!("无法读取配置文件 {path}：{detail}")
                } else {
                    format!("Cannot read the config file {path}: {detail}")
                }
            }
            SetupText::ConfigWorldReadable { path } => {
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
            SetupText::NoSuchPartner { name } => {
                if zh {
                    format!("没有名为「{name}」的渠道伙伴（dibs partner list 可查看）。")
                } else {
                    format!("There is no partner \"{name}\" (dibs partner list shows them).")
                }
            }
            SetupText::NoSuchUser { login } => {
                if zh {
                    format!("没有用户 {login}。")
                } else {
                    format!("There is no user {login}.")
                }
            }
            SetupText::BadDateRange { from, to } => {
                if zh {
                    format!("开始日期 {from} 晚于结束日期 {to}。")
                } else {
                    format!("The first day {from} is after the last day {to}.")
                }
            }
            SetupText::HistorySeeded {
                weeks,
                log_rows,
                decisions,
                seconds,
            } => {
                if zh {
                    format!("已写入 {weeks} 周的模拟历史：{log_rows} 条归属日志、{decisions} 条查重决定（{seconds:.1} 秒）。worker 会把它们计入撞单统计。")
                } else {
                    format!("Wrote {weeks} weeks of simulated history: {log_rows} ownership-log rows and {decisions} duplicate-check decisions in {seconds:.1} s. The worker counts them into the collision figures.")
                }
            }
            SetupText::ReportNeedsKind => (if zh {
                "请指定报表：collisions、collision-rate、refusals、people、contested、summary，或 --html 文件名。"
            } else {
                "Name a report — collisions, collision-rate, refusals, people, contested, summary — or --html FILE."
            })
            .to_string(),
            SetupText::SoakNeedsPrivateCluster => (if zh {
                "soak 基准会反复重启数据库，只能在 dibs 自己的私有集群上运行（不要设置 DATABASE_URL）。"
            } else {
                "The soak benchmark restarts the database again and again, so it runs on dibs's private cluster only (unset DATABASE_URL)."
            })
            .to_string(),
            SetupText::BurstNeedsPrivateCluster => (if zh {
                "抢单基准会在 dibs 的私有集群旁启动 PgBouncer，只能在私有集群上运行（不要设置 DATABASE_URL）。"
            } else {
                "The burst benchmark starts PgBouncer beside dibs's private cluster, so it runs there only (unset DATABASE_URL)."
            })
            .to_string(),
            SetupText::NoSuchThing { what, name } => {
                if zh {
                    format!("找不到{what}「{name}」。")
                } else {
                    format!("There is no {what} \"{name}\".")
                }
            }
            SetupText::NotANumber { value } => {
                if zh {
                    format!("「{value}」不是数字。")
                } else {
                    format!("\"{value}\" is not a number.")
                }
            }
            SetupText::BadScript { detail } => {
                if zh {
                    format!("按键脚本无法运行：{detail}")
                } else {
                    format!("The key script cannot run: {detail}")
                }
            }
        }
    }
}
