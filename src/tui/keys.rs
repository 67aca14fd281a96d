//! The keymap: which key does what. Defaults below, overridable in the config file
//! (`[keys] claim = "C"`); the help overlay and the README table are generated from it.

use std::collections::BTreeMap;

use ratatui::crossterm::event::KeyCode;

/// What a key does in the lists (text inputs take their keys first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyAction {
    Down,
    Up,
    PageDown,
    PageUp,
    Claim,
    Release,
    Mark,
    Assign,
    FollowUp,
    Sort,
    Filter,
    Open,
    New,
    NextTab,
    Left,
    Right,
    StageNext,
    StagePrev,
    Won,
    Lost,
    Scope,
    Tree,
    Export,
    Copy,
    Palette,
    Refresh,
    Help,
    Quit,
}

impl KeyAction {
    /// What the action does, in words (help and hints).
    pub fn label(self) -> crate::text::Label {
        use crate::text::Label;
        match self {
            KeyAction::Down => Label::ActDown,
            KeyAction::Up => Label::ActUp,
            KeyAction::PageDown => Label::ActPageDown,
            KeyAction::PageUp => Label::ActPageUp,
            KeyAction::Claim => Label::ActClaim,
            KeyAction::Release => Label::ActRelease,
            KeyAction::Mark => Label::ActMark,
            KeyAction::Assign => Label::ActAssign,
            KeyAction::FollowUp => Label::ActFollowUp,
            KeyAction::Sort => Label::ActSort,
            KeyAction::Filter => Label::ActFilter,
            KeyAction::Open => Label::ActOpen,
            KeyAction::New => Label::ActNew,
            KeyAction::NextTab => Label::ActNextTab,
            KeyAction::Left => Label::ActLeft,
            KeyAction::Right => Label::ActRight,
            KeyAction::StageNext => Label::ActStageNext,
            KeyAction::StagePrev => Label::ActStagePrev,
            KeyAction::Won => Label::ActWon,
            KeyAction::Lost => Label::ActLost,
            KeyAction::Scope => Label::ActScope,
            KeyAction::Tree => Label::ActTree,
            KeyAction::Export => Label::ActExport,
            KeyAction::Copy => Label::ActCopy,
            KeyAction::Palette => Label::ActPalette,
            KeyAction::Refresh => Label::ActRefresh,
            KeyAction::Help => Label::ActHelp,
            KeyAction::Quit => Label::ActQuit,
        }
    }
}

/// Config-file names of the actions (`[keys]` section).
pub const ACTION_NAMES: &[(&str, KeyAction)] = &[
    ("down", KeyAction::Down),
    ("up", KeyAction::Up),
    ("page_down", KeyAction::PageDown),
    ("page_up", KeyAction::PageUp),
    ("claim", KeyAction::Claim),
    ("release", KeyAction::Release),
    ("mark", KeyAction::Mark),
    ("assign", KeyAction::Assign),
    ("follow_up", KeyAction::FollowUp),
    ("sort", KeyAction::Sort),
    ("filter", KeyAction::Filter),
    ("open", KeyAction::Open),
    ("new", KeyAction::New),
    ("next_tab", KeyAction::NextTab),
    ("left", KeyAction::Left),
    ("right", KeyAction::Right),
    ("stage_next", KeyAction::StageNext),
    ("stage_prev", KeyAction::StagePrev),
    ("won", KeyAction::Won),
    ("lost", KeyAction::Lost),
    ("scope", KeyAction::Scope),
    ("tree", KeyAction::Tree),
    ("export", KeyAction::Export),
    ("copy", KeyAction::Copy),
    ("palette", KeyAction::Palette),
    ("refresh", KeyAction::Refresh),
    ("help", KeyAction::Help),
    ("quit", KeyAction::Quit),
];

const DEFAULTS: &[(KeyAction, &[KeyCode])] = &[
    (KeyAction::Down, &[KeyCode::Char('j'), KeyCode::Down]),
    (KeyAction::Up, &[KeyCode::Char('k'), KeyCode::Up]),
    (KeyAction::PageDown, &[KeyCode::PageDown]),
    (KeyAction::PageUp, &[KeyCode::PageUp]),
    (KeyAction::Claim, &[KeyCode::Char('c')]),
    (KeyAction::Release, &[KeyCode::Char('r')]),
    (KeyAction::Mark, &[KeyCode::Char(' ')]),
    (KeyAction::Assign, &[KeyCode::Char('a')]),
    (KeyAction::FollowUp, &[KeyCode::Char('f')]),
    (KeyAction::Sort, &[KeyCode::Char('s')]),
    (KeyAction::Filter, &[KeyCode::Char('/')]),
    (KeyAction::Open, &[KeyCode::Enter]),
    (KeyAction::New, &[KeyCode::Char('n')]),
    (KeyAction::NextTab, &[KeyCode::Tab]),
    (KeyAction::Left, &[KeyCode::Char('h'), KeyCode::Left]),
    (KeyAction::Right, &[KeyCode::Char('l'), KeyCode::Right]),
    (
        KeyAction::StageNext,
        &[KeyCode::Char(']'), KeyCode::Char('>')],
    ),
    (
        KeyAction::StagePrev,
        &[KeyCode::Char('['), KeyCode::Char('<')],
    ),
    (KeyAction::Won, &[KeyCode::Char('w')]),
    (KeyAction::Lost, &[KeyCode::Char('x')]),
    (KeyAction::Scope, &[KeyCode::Char('m')]),
    (KeyAction::Tree, &[KeyCode::Char('t')]),
    (KeyAction::Export, &[KeyCode::Char('e')]),
    (KeyAction::Copy, &[KeyCode::Char('y')]),
    (KeyAction::Palette, &[KeyCode::Char(':')]),
    (KeyAction::Refresh, &[KeyCode::Char('g')]),
    (KeyAction::Help, &[KeyCode::Char('?')]),
    (KeyAction::Quit, &[KeyCode::Char('q'), KeyCode::Esc]),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<(KeyAction, Vec<KeyCode>)>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            bindings: DEFAULTS
                .iter()
                .map(|(action, keys)| (*action, keys.to_vec()))
                .collect(),
        }
    }
}

impl Keymap {
    /// The defaults with the config file's `[keys]` entries (action name → space-separated
    /// keys) in place of an action's defaults. Unknown actions or keys are an error that
    /// names them; two actions on one key are refused.
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> Result<Keymap, String> {
        let mut keymap = Keymap::default();
        for (name, keys) in overrides {
            let action = ACTION_NAMES
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, a)| *a)
                .ok_or_else(|| format!("keys.{name}: unknown action"))?;
            let codes = keys
                .split_whitespace()
                .map(|k| parse_key(k).ok_or_else(|| format!("keys.{name}: unknown key {k:?}")))
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(slot) = keymap.bindings.iter_mut().find(|(a, _)| *a == action) {
                slot.1 = codes;
            }
        }
        let mut seen = BTreeMap::new();
        for (action, codes) in &keymap.bindings {
            for code in codes {
                if let Some(other) = seen.insert(key_label(*code), *action) {
                    return Err(format!(
                        "keys: {} is bound to both {:?} and {:?}",
                        key_label(*code),
                        other,
                        action
                    ));
                }
            }
        }
        Ok(keymap)
    }

    pub fn action(&self, code: KeyCode) -> Option<KeyAction> {
        self.bindings
            .iter()
            .find(|(_, codes)| codes.contains(&code))
            .map(|(action, _)| *action)
    }

    /// Every action with its keys as shown ("j ↓"), in keymap order, for help.
    pub fn describe(&self) -> Vec<(String, KeyAction)> {
        self.bindings
            .iter()
            .map(|(action, codes)| {
                let keys: Vec<String> = codes.iter().map(|c| key_label(*c)).collect();
                (keys.join(" "), *action)
            })
            .collect()
    }

    /// The first key of an action, for hints ("c claim").
    pub fn key_of(&self, action: KeyAction) -> String {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .and_then(|(_, codes)| codes.first())
            .map(|c| key_label(*c))
            .unwrap_or_default()
    }
}

pub fn key_label(code: KeyCode) -> String {
    match code {
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Down => "↓".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::Backspace => "Bksp".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    }
}

/// A key as written in the config file or a headless script: one character or a name.
pub fn parse_key(text: &str) -> Option<KeyCode> {
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && !['↓', '↑', '←', '→'].contains(&c)
    {
        return Some(KeyCode::Char(c));
    }
    Some(match text.to_ascii_lowercase().as_str() {
        "space" => KeyCode::Char(' '),
        "down" | "↓" => KeyCode::Down,
        "up" | "↑" => KeyCode::Up,
        "left" | "←" => KeyCode::Left,
        "right" | "→" => KeyCode::Right,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "pgup" | "pageup" => KeyCode::PageUp,
        "enter" | "cr" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "s-tab" | "backtab" => KeyCode::BackTab,
        "bksp" | "backspace" | "bs" => KeyCode::Backspace,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        f if f.starts_with('f') => KeyCode::F(f[1..].parse().ok()?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shown_key_parses_back_to_its_action() {
        let keymap = Keymap::default();
        for (keys, action) in keymap.describe() {
            for key in keys.split_whitespace() {
                let code = parse_key(key).unwrap_or(KeyCode::Null);
                assert_eq!(keymap.action(code), Some(action), "{key}");
            }
        }
    }

    #[test]
    fn overrides_replace_defaults_and_bad_entries_are_named() {
        let mut overrides = BTreeMap::new();
        overrides.insert("claim".to_string(), "C F5".to_string());
        let keymap = Keymap::with_overrides(&overrides).unwrap_or_default();
        assert_eq!(keymap.action(KeyCode::Char('C')), Some(KeyAction::Claim));
        assert_eq!(keymap.action(KeyCode::F(5)), Some(KeyAction::Claim));
        assert_eq!(keymap.action(KeyCode::Char('c')), None);
        overrides.insert("clam".to_string(), "x".to_string());
        assert_eq!(
            Keymap::with_overrides(&overrides),
            Err("keys.clam: unknown action".to_string())
        );
        let mut clash = BTreeMap::new();
        clash.insert("claim".to_string(), "r".to_string());
        assert!(
            Keymap::with_overrides(&clash)
                .err()
                .is_some_and(|e| e.contains("r is bound to both"))
        );
    }
}

#[cfg(test)]
mod readme {
    /// The README's key table names every action the config file accepts.
    #[test]
    fn the_readme_documents_every_configurable_action() {
        let readme = include_str!("../../README.md");
        for (name, _) in super::ACTION_NAMES {
            assert!(
                readme.contains(&format!("`{name}`")),
                "README lacks `{name}`"
            );
        }
    }
}
