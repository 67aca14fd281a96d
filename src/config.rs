//! Settings: the config file under the XDG config directory, overridden by the environment.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use serde::Deserialize;

use crate::error::Error;
use crate::text::SetupText;

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// A libpq-style URL or key=value string. Absent: dibs runs its private cluster.
    pub database_url: Option<String>,
    /// `en` or `zh`; absent: from the locale.
    pub lang: Option<String>,
    /// The private cluster's port (its Unix socket is named after it).
    pub local_port: Option<u16>,
    /// The private cluster's directory; absent: the XDG data directory.
    pub local_dir: Option<PathBuf>,
    /// Which login `dibs demo` opens the app as.
    pub demo_user: Option<String>,
    /// The app's look: `color` (default) or `mono`; `NO_COLOR` in the environment means mono.
    pub theme: Option<String>,
    /// Draw borders with + - | for terminals that draw box characters badly.
    pub ascii: Option<bool>,
    /// Key overrides: action name = "keys separated by spaces" (see the README's key table).
    pub keys: Option<std::collections::BTreeMap<String, String>>,
    /// Seconds a person's session waits for a record another session is changing (5).
    pub lock_timeout_seconds: Option<u64>,
    /// Seconds one statement of a person's session may run (30).
    pub statement_timeout_seconds: Option<u64>,
    /// `session` (default: direct, or a session-mode pooler) or `transaction` (`database_url`
    /// is PgBouncer in transaction mode; see `db::pooling`).
    pub pool_mode: Option<String>,
    /// A direct (or session-mode) URL for LISTEN, the worker's leader lock and the command
    /// line when `database_url` is transaction-pooled. Absent there: the app asks for live
    /// events every half second instead of listening.
    pub listen_url: Option<String>,
    /// A streaming replica (or a pooler in front of replicas) for what may lag: lists, search,
    /// reports. Ownership is always decided on `database_url`. Absent: everything reads there.
    pub read_url: Option<String>,
    /// The shared gateway login through PgBouncer (transaction mode) that carries the app's
    /// work for a rep, who signs in on `database_url` for a ticket (migration 13). Absent:
    /// the app works on `database_url` under the rep's own login.
    pub gateway_url: Option<String>,
}

/// A URL setting, read as a connection string (named in the error when it is not one).
fn parse_url(key: &str, url: Option<&str>) -> Result<Option<tokio_postgres::Config>, Error> {
    let Some(url) = url else {
        return Ok(None);
    };
    std::str::FromStr::from_str(url)
        .map(Some)
        .map_err(|e: tokio_postgres::Error| {
            crate::text::DbText::SettingNotAUrl {
                key: key.into(),
                env: format!("DIBS_{}", key.to_uppercase()),
                detail: e.to_string(),
            }
            .into()
        })
}

/// What a setting may be, named in the error when it is not.
fn check(path: &std::path::Path, settings: &Settings) -> Result<(), SetupText> {
    let bad = |key: &str, value: String, allowed: &str| SetupText::ConfigUnreadable {
        path: path.display().to_string(),
        detail: format!("{key} = {value} is not allowed; use {allowed}"),
    };
    if let Some(lang) = &settings.lang
        && !matches!(lang.as_str(), "en" | "zh")
    {
        return Err(bad("lang", format!("{lang:?}"), "\"en\" or \"zh\""));
    }
    if let Some(theme) = &settings.theme
        && !matches!(theme.as_str(), "color" | "mono")
    {
        return Err(bad("theme", format!("{theme:?}"), "\"color\" or \"mono\""));
    }
    if let Some(mode) = &settings.pool_mode
        && let Err(detail) = mode.parse::<crate::db::pooling::PoolMode>()
    {
        return Err(SetupText::ConfigUnreadable {
            path: path.display().to_string(),
            detail,
        });
    }
    if settings.local_port == Some(0) {
        return Err(bad("local_port", "0".into(), "a port from 1 to 65535"));
    }
    for (key, value) in [
        ("lock_timeout_seconds", settings.lock_timeout_seconds),
        (
            "statement_timeout_seconds",
            settings.statement_timeout_seconds,
        ),
    ] {
        if let Some(seconds) = value
            && !(1..=3600).contains(&seconds)
        {
            return Err(bad(
                key,
                seconds.to_string(),
                "whole seconds from 1 to 3600",
            ));
        }
    }
    Ok(())
}

/// `$DIBS_CONFIG`, else `$XDG_CONFIG_HOME/dibs/config.toml`, else `~/.config/dibs/config.toml`.
pub fn config_path() -> PathBuf {
    if let Some(path) = std::env::var_os("DIBS_CONFIG").filter(|v| !v.is_empty()) {
        return PathBuf::from(path);
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("."))
                .join(".config")
        });
    base.join("dibs").join("config.toml")
}

/// Where the app's own log goes: `$XDG_STATE_HOME/dibs`, else `~/.local/state/dibs`.
pub fn log_dir() -> PathBuf {
    std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("."))
                .join(".local/state")
        })
        .join("dibs")
}

impl Settings {
    /// How long a person's session waits (the config file, else the defaults).
    pub fn client_timeouts(&self) -> crate::db::timeouts::ClientTimeouts {
        let mut timeouts = crate::db::timeouts::ClientTimeouts::default();
        if let Some(seconds) = self.lock_timeout_seconds {
            timeouts.lock = std::time::Duration::from_secs(seconds);
        }
        if let Some(seconds) = self.statement_timeout_seconds {
            timeouts.statement = std::time::Duration::from_secs(seconds);
        }
        timeouts
    }

    /// How connections reach the server (`pool_mode`, `listen_url`, `read_url`, `gateway_url`),
    /// checked.
    pub fn pooling(&self) -> Result<crate::db::pooling::Pooling, Error> {
        let mode = match &self.pool_mode {
            Some(text) => text.parse().map_err(|detail| SetupText::ConfigUnreadable {
                path: config_path().display().to_string(),
                detail,
            })?,
            None => crate::db::pooling::PoolMode::Session,
        };
        Ok(crate::db::pooling::Pooling {
            mode,
            direct: parse_url("listen_url", self.listen_url.as_deref())?,
            read: parse_url("read_url", self.read_url.as_deref())?,
            gateway: parse_url("gateway_url", self.gateway_url.as_deref())?,
        })
    }

    /// Reads the config file (a missing file is fine) and applies `DATABASE_URL`.
    /// Returns warnings to show, such as a readable file holding a password.
    pub fn load() -> Result<(Settings, Vec<SetupText>), Error> {
        let path = config_path();
        let mut warnings = Vec::new();
        let mut settings = match std::fs::read_to_string(&path) {
            Ok(content) => {
                let parsed: Settings =
                    toml::from_str(&content).map_err(|e| SetupText::ConfigUnreadable {
                        path: path.display().to_string(),
                        detail: e.to_string(),
                    })?;
                check(&path, &parsed)?;
                let holds_password = parsed.database_url.as_deref().is_some_and(url_has_password);
                let shared = std::fs::metadata(&path)
                    .map(|m| m.permissions().mode() & 0o077 != 0)
                    .unwrap_or(false);
                if holds_password && shared {
                    warnings.push(SetupText::ConfigWorldReadable {
                        path: path.display().to_string(),
                    });
                }
                parsed
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(err) => {
                return Err(SetupText::ConfigUnreadable {
                    path: path.display().to_string(),
                    detail: err.to_string(),
                }
                .into());
            }
        };
        if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|v| !v.is_empty()) {
            settings.database_url = Some(url);
        }
        if let Some(url) = std::env::var("DIBS_LISTEN_URL")
            .ok()
            .filter(|v| !v.is_empty())
        {
            settings.listen_url = Some(url);
        }
        if let Some(url) = std::env::var("DIBS_READ_URL")
            .ok()
            .filter(|v| !v.is_empty())
        {
            settings.read_url = Some(url);
        }
        if let Some(url) = std::env::var("DIBS_GATEWAY_URL")
            .ok()
            .filter(|v| !v.is_empty())
        {
            settings.gateway_url = Some(url);
        }
        if let Some(mode) = std::env::var("DIBS_POOL_MODE")
            .ok()
            .filter(|v| !v.is_empty())
        {
            settings.pool_mode = Some(mode);
            check(std::path::Path::new("DIBS_POOL_MODE"), &settings)?;
        }
        Ok((settings, warnings))
    }
}

/// True for `postgresql://user:secret@…` and `password=…`.
pub fn url_has_password(url: &str) -> bool {
    if url.contains("password=") {
        return true;
    }
    let Some(rest) = url.split("://").nth(1) else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_noticed() {
        assert!(url_has_password(
            "postgresql://ann:s3cret@db.example.com/dibs"
        ));
        assert!(url_has_password("host=db user=ann password=x"));
        assert!(!url_has_password("postgresql://ann@db.example.com/dibs"));
        assert!(!url_has_password("postgresql://ann@/dibs?host=/run/pg"));
    }

    #[test]
    fn config_values_are_checked_and_the_allowed_ones_named() {
        let path = std::path::Path::new("config.toml");
        let said = |text: &str| {
            let settings: Settings = toml::from_str(text).unwrap_or_default();
            check(path, &settings)
                .err()
                .map(|e| e.render(crate::text::Lang::En))
                .unwrap_or_default()
        };
        assert!(said("lang = 'fr'").contains("use \"en\" or \"zh\""));
        assert!(said("theme = 'neon'").contains("use \"color\" or \"mono\""));
        assert!(said("local_port = 0").contains("a port from 1 to 65535"));
        assert!(said("lock_timeout_seconds = 0").contains("from 1 to 3600"));
        assert!(said("pool_mode = 'statement'").contains("\"session\" or \"transaction\""));
        assert_eq!(
            said("lang = 'zh'\ntheme = 'mono'\nlock_timeout_seconds = 10"),
            ""
        );
    }

    #[test]
    fn config_rejects_unknown_keys() {
        assert!(toml::from_str::<Settings>("databse_url = 'x'").is_err());
        let ok: Settings =
            toml::from_str("database_url = 'postgresql://a@b/c'\nlang = 'zh'").expect("valid");
        assert_eq!(ok.lang.as_deref(), Some("zh"));
        let tui: Settings =
            toml::from_str("theme = 'mono'\nascii = true\n[keys]\nclaim = 'C'\nquit = 'Q Esc'")
                .expect("valid");
        assert_eq!(tui.ascii, Some(true));
        assert_eq!(
            tui.keys.and_then(|k| k.get("quit").cloned()).as_deref(),
            Some("Q Esc")
        );
    }
}
