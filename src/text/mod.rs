//! Every sentence dibs shows a person, in English and Simplified Chinese, split by area:
//! `cluster` (the private PostgreSQL), `database` (connecting, migrating), `setup` (config,
//! seeding, the command line), `ownership` (answers of the ownership functions), `admin`
//! (people, logins, repairs), `dedup` (the duplicate check), `tui` (the app's sentences and
//! its short labels).
//!
//! Code elsewhere builds a value saying *what* happened; this module decides the *words*.
//! Each value renders in a language given to it (`render(lang)`), so one test can check both;
//! `Display` uses the language chosen at start-up. The wording depends on nothing above it:
//! only on the pure data of `domain`.

use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};

use crate::domain::ownership::Entity;

pub mod admin;
pub mod analytics;
pub mod cluster;
pub mod database;
pub mod dedup;
pub mod ownership;
pub mod partners;
pub mod setup;
pub mod tui;

pub use admin::AdminText;
pub use cluster::ClusterText;
pub use database::DbText;
pub use dedup::{DedupText, why_words};
pub use ownership::OwnershipText;
pub use partners::PartnerText;
pub use setup::SetupText;
pub use tui::{Label, TuiText};

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

/// A sentence of any area: what an error or a message carries until it is shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    Cluster(ClusterText),
    Db(DbText),
    Setup(SetupText),
    Ownership(OwnershipText),
    Partner(PartnerText),
    Admin(AdminText),
    Dedup(DedupText),
    Tui(TuiText),
    Label(Label),
}

impl Text {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Text::Cluster(t) => t.render(lang),
            Text::Db(t) => t.render(lang),
            Text::Setup(t) => t.render(lang),
            Text::Ownership(t) => t.render(lang),
            Text::Partner(t) => t.render(lang),
            Text::Admin(t) => t.render(lang),
            Text::Dedup(t) => t.render(lang),
            Text::Tui(t) => t.render(lang),
            Text::Label(t) => t.render(lang).to_string(),
        }
    }
}

/// `Display` in the language chosen at start-up, and the conversion into [`Text`].
macro_rules! worded {
    ($($area:ident => $variant:ident),* $(,)?) => {$(
        impl fmt::Display for $area {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.render(lang()))
            }
        }
        impl From<$area> for Text {
            fn from(text: $area) -> Text {
                Text::$variant(text)
            }
        }
    )*};
}

worded!(
    ClusterText => Cluster,
    DbText => Db,
    SetupText => Setup,
    OwnershipText => Ownership,
    PartnerText => Partner,
    AdminText => Admin,
    DedupText => Dedup,
    TuiText => Tui,
    Label => Label,
);

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(lang()))
    }
}

pub(crate) fn entity_word(entity: Entity, zh: bool) -> &'static str {
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

pub(crate) fn date_word(time: &Option<DateTime<Utc>>) -> String {
    time.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "?".into())
}

/// An amount of money, short: "¥1.2M" / "120万".
pub fn amount(value: f64) -> String {
    amount_in(value, lang())
}

/// An amount of money in the given language.
pub fn amount_in(value: f64, lang: Lang) -> String {
    // An empty column's sum is -0.0 (f64's neutral element for sums): show it as 0.
    let value = if value == 0.0 { 0.0 } else { value };
    if lang == Lang::Zh {
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
    fn missing_binaries_message_tells_how_to_install_in_both_languages() {
        let text = Text::from(ClusterText::MissingPgBinaries {
            searched: vec!["/nowhere".into()],
        });
        for lang in [Lang::En, Lang::Zh] {
            let words = text.render(lang);
            assert!(words.contains("apt-get install postgresql"), "{words}");
            assert!(words.contains("DATABASE_URL"), "{words}");
        }
        assert!(text.render(Lang::En).contains("were not found"));
        assert!(text.render(Lang::Zh).contains("找不到"));
    }

    #[test]
    fn a_bad_url_setting_is_named_with_its_variable_not_database_url() {
        let text = Text::from(DbText::SettingNotAUrl {
            key: "read_url".into(),
            env: "DIBS_READ_URL".into(),
            detail: "invalid port".into(),
        });
        for lang in [Lang::En, Lang::Zh] {
            let words = text.render(lang);
            assert!(
                words.contains("read_url") && words.contains("DIBS_READ_URL"),
                "{words}"
            );
            assert!(!words.contains("DATABASE_URL"), "{words}");
        }
    }
}

/// `text` padded with spaces to `width` terminal columns (a Chinese character takes two), so
/// columns of mixed Chinese and Latin text line up in a terminal.
pub fn pad_to_width(text: &str, width: usize) -> String {
    let used = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}

#[cfg(test)]
mod width_tests {
    #[test]
    fn padding_counts_chinese_characters_as_two_columns() {
        assert_eq!(super::pad_to_width("王芳", 6), "王芳  ");
        assert_eq!(super::pad_to_width("ann", 6), "ann   ");
        assert_eq!(super::pad_to_width("王芳王芳", 6), "王芳王芳");
    }
}
