//! The keymap: which key does what, in which context. Keys are matched with their modifiers
//! (`C-s` is Ctrl-S); every binding has words (`text::tui::action_words`); the status-bar
//! hints and the `?` help are generated from the keymap in use, so a rebinding in the config
//! file (`[keys] claim = "C"`) shows up everywhere the key is named.
//!
//! A context is where the keyboard is: a list (pool, customers, detail, tree, board), a form,
//! a text input, a prompt, a confirm dialog. Lists also take the global keys (tabs, palette,
//! help, quit…); inputs, forms, prompts and dialogs take only their own, and type the rest.

use std::collections::BTreeMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::text::Lang;

/// Where the keyboard is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    Global,
    Pool,
    Customers,
    Detail,
    Tree,
    Board,
    Analytics,
    /// A partner's registrations.
    Partner,
    /// The review queue.
    Reviews,
    Form,
    Input,
    Prompt,
    Confirm,
}

impl Context {
    /// Lists also answer to the global keys.
    pub fn takes_global(self) -> bool {
        matches!(
            self,
            Context::Pool
                | Context::Customers
                | Context::Detail
                | Context::Tree
                | Context::Board
                | Context::Analytics
                | Context::Partner
                | Context::Reviews
        )
    }

    /// Text is typed here: unbound printable characters are input, not ignored.
    pub fn types_text(self) -> bool {
        matches!(self, Context::Form | Context::Input | Context::Prompt)
    }

    fn overlaps(self, other: Context) -> bool {
        self == other
            || (self == Context::Global && other.takes_global())
            || (other == Context::Global && self.takes_global())
    }
}

/// Everything a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
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
    Tree,
    Left,
    Right,
    StageNext,
    StagePrev,
    Won,
    Lost,
    Scope,
    PeriodPrev,
    PeriodNext,
    Range,
    AskReview,
    Approve,
    Reject,
    Back,
    Save,
    NextField,
    PrevField,
    ClearField,
    Submit,
    Cancel,
    Complete,
    Yes,
    No,
    NextTab,
    GotoTab(u8),
    Export,
    Copy,
    Palette,
    Refresh,
    Help,
    Quit,
}

use Context as C;

/// (action, config name, contexts, default keys). The order is the order of the help.
const DEFAULTS: &[(Action, &str, &[Context], &[&str])] = &[
    (
        Action::Down,
        "down",
        &[
            C::Pool,
            C::Customers,
            C::Detail,
            C::Tree,
            C::Board,
            C::Analytics,
            C::Partner,
            C::Reviews,
        ],
        &["j", "Down"],
    ),
    (
        Action::Up,
        "up",
        &[
            C::Pool,
            C::Customers,
            C::Detail,
            C::Tree,
            C::Board,
            C::Analytics,
            C::Partner,
            C::Reviews,
        ],
        &["k", "Up"],
    ),
    (
        Action::PageDown,
        "page_down",
        &[C::Pool, C::Customers, C::Detail, C::Tree],
        &["PgDn"],
    ),
    (
        Action::PageUp,
        "page_up",
        &[C::Pool, C::Customers, C::Detail, C::Tree],
        &["PgUp"],
    ),
    (
        Action::Claim,
        "claim",
        &[C::Pool, C::Customers, C::Detail],
        &["c"],
    ),
    (Action::Release, "release", &[C::Pool], &["r"]),
    (Action::Mark, "mark", &[C::Pool], &["Space"]),
    (Action::Assign, "assign", &[C::Pool], &["a"]),
    (
        Action::FollowUp,
        "follow_up",
        &[C::Pool, C::Partner],
        &["f"],
    ),
    (Action::Sort, "sort", &[C::Pool], &["s"]),
    (
        Action::Filter,
        "filter",
        &[C::Pool, C::Customers, C::Board],
        &["/"],
    ),
    (
        Action::Open,
        "open",
        &[C::Customers, C::Tree, C::Analytics],
        &["Enter"],
    ),
    (
        Action::New,
        "new",
        &[C::Pool, C::Customers, C::Partner],
        &["n"],
    ),
    (Action::Tree, "tree", &[C::Customers, C::Detail], &["t"]),
    (
        Action::Left,
        "left",
        &[C::Board, C::Tree, C::Analytics],
        &["h", "Left"],
    ),
    (
        Action::Right,
        "right",
        &[C::Board, C::Tree, C::Analytics],
        &["l", "Right"],
    ),
    (Action::StageNext, "stage_next", &[C::Board], &["]", ">"]),
    (Action::StagePrev, "stage_prev", &[C::Board], &["[", "<"]),
    (Action::Won, "won", &[C::Board], &["w"]),
    (Action::Lost, "lost", &[C::Board], &["x"]),
    (Action::Scope, "scope", &[C::Board], &["m"]),
    (Action::PeriodPrev, "period_prev", &[C::Analytics], &["["]),
    (Action::PeriodNext, "period_next", &[C::Analytics], &["]"]),
    (Action::Range, "range", &[C::Analytics], &["r"]),
    (Action::AskReview, "ask_review", &[C::Form], &["C-r"]),
    (Action::Approve, "approve", &[C::Reviews], &["a"]),
    (Action::Reject, "reject", &[C::Reviews], &["x"]),
    (
        Action::Back,
        "back",
        &[
            C::Pool,
            C::Customers,
            C::Detail,
            C::Tree,
            C::Board,
            C::Analytics,
            C::Partner,
            C::Reviews,
            C::Form,
        ],
        &["Esc"],
    ),
    (Action::Save, "save", &[C::Form], &["C-s"]),
    (
        Action::NextField,
        "next_field",
        &[C::Form],
        &["Tab", "Down", "Enter"],
    ),
    (
        Action::PrevField,
        "prev_field",
        &[C::Form],
        &["S-Tab", "Up"],
    ),
    (
        Action::ClearField,
        "clear_field",
        &[C::Form, C::Prompt],
        &["C-u"],
    ),
    (Action::Submit, "submit", &[C::Input, C::Prompt], &["Enter"]),
    (Action::Cancel, "cancel", &[C::Input, C::Prompt], &["Esc"]),
    (Action::Complete, "complete", &[C::Prompt], &["Tab"]),
    (Action::Yes, "yes", &[C::Confirm], &["y", "Enter"]),
    (Action::No, "no", &[C::Confirm], &["n", "Esc"]),
    (Action::NextTab, "next_tab", &[C::Global], &["Tab"]),
    (Action::GotoTab(1), "tab_1", &[C::Global], &["1"]),
    (Action::GotoTab(2), "tab_2", &[C::Global], &["2"]),
    (Action::GotoTab(3), "tab_3", &[C::Global], &["3"]),
    (Action::GotoTab(4), "tab_4", &[C::Global], &["4"]),
    (Action::GotoTab(5), "tab_5", &[C::Global], &["5"]),
    (Action::GotoTab(6), "tab_6", &[C::Global], &["6"]),
    (Action::GotoTab(7), "tab_7", &[C::Global], &["7"]),
    (Action::GotoTab(8), "tab_8", &[C::Global], &["8"]),
    (Action::GotoTab(9), "tab_9", &[C::Global], &["9"]),
    (Action::Export, "export", &[C::Global], &["e"]),
    (Action::Copy, "copy", &[C::Global], &["y"]),
    (Action::Palette, "palette", &[C::Global], &[":"]),
    (Action::Refresh, "refresh", &[C::Global], &["g"]),
    (Action::Help, "help", &[C::Global], &["?"]),
    (Action::Quit, "quit", &[C::Global], &["q"]),
];

/// One action's binding: its name in the config file, where it applies, its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub action: Action,
    pub name: &'static str,
    pub contexts: &'static [Context],
    pub keys: Vec<KeyEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            bindings: DEFAULTS
                .iter()
                .map(|(action, name, contexts, keys)| Binding {
                    action: *action,
                    name,
                    contexts,
                    keys: keys.iter().filter_map(|k| parse_key(k)).collect(),
                })
                .collect(),
        }
    }
}

/// The config names of every action, in help order.
pub fn action_names() -> impl Iterator<Item = &'static str> {
    DEFAULTS.iter().map(|(_, name, _, _)| *name)
}

impl Keymap {
    /// The defaults with the config file's `[keys]` entries (action name → space-separated
    /// keys) in place of an action's defaults. Unknown actions or keys are an error that
    /// names them; one key for two actions in the same context is refused.
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> Result<Keymap, String> {
        let mut keymap = Keymap::default();
        for (name, keys) in overrides {
            let slot = keymap
                .bindings
                .iter_mut()
                .find(|b| b.name == name)
                .ok_or_else(|| format!("keys.{name}: unknown action"))?;
            slot.keys = keys
                .split_whitespace()
                .map(|k| parse_key(k).ok_or_else(|| format!("keys.{name}: unknown key {k:?}")))
                .collect::<Result<Vec<_>, _>>()?;
        }
        for (i, a) in keymap.bindings.iter().enumerate() {
            for b in &keymap.bindings[i + 1..] {
                let shared = a
                    .contexts
                    .iter()
                    .any(|x| b.contexts.iter().any(|y| x.overlaps(*y)));
                if let Some(key) = a.keys.iter().find(|k| b.keys.contains(k))
                    && shared
                {
                    return Err(format!(
                        "keys: {} is bound to both {} and {}",
                        key_label(*key),
                        a.name,
                        b.name
                    ));
                }
            }
        }
        Ok(keymap)
    }

    /// What `key` does in `context` (and, for lists, globally).
    pub fn action(&self, context: Context, key: KeyEvent) -> Option<Action> {
        let key = normalise(key);
        let find = |ctx: Context| {
            self.bindings
                .iter()
                .find(|b| b.contexts.contains(&ctx) && b.keys.contains(&key))
                .map(|b| b.action)
        };
        find(context).or_else(|| {
            context
                .takes_global()
                .then(|| find(Context::Global))
                .flatten()
        })
    }

    pub fn binding(&self, action: Action) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.action == action)
    }

    /// The keys of an action as shown ("j ↓"), empty when unbound.
    pub fn keys_of(&self, action: Action) -> String {
        self.binding(action)
            .map(|b| {
                b.keys
                    .iter()
                    .map(|k| key_label(*k))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    }

    /// The first key of an action, for hints ("c").
    pub fn first_key(&self, action: Action) -> Option<String> {
        self.binding(action)
            .and_then(|b| b.keys.first())
            .map(|k| key_label(*k))
    }

    /// "c claim · r release · …" for the status bar: each action's first key and its short
    /// words; actions left unbound are left out.
    pub fn hints(&self, actions: &[Action], lang: Lang) -> String {
        actions
            .iter()
            .filter_map(|a| {
                let binding = self.binding(*a)?;
                let key = self.first_key(*a)?;
                let words = crate::text::tui::action_words(binding.name, lang)?;
                Some(format!("{key} {}", words.0))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// Every action of `context` (and the global ones, for a list) with its keys and its
    /// words, in help order: what `?` shows.
    pub fn help(&self, context: Context, lang: Lang) -> Vec<(String, String)> {
        let mut entries = Vec::new();
        let mut tabs_shown = false;
        for b in &self.bindings {
            let applies = b.contexts.contains(&context)
                || (context.takes_global() && b.contexts.contains(&Context::Global));
            if !applies || b.keys.is_empty() {
                continue;
            }
            let Some(words) = crate::text::tui::action_words(b.name, lang) else {
                continue;
            };
            if let Action::GotoTab(_) = b.action {
                // One row for the tab numbers: "1 2 3  go to that tab".
                if tabs_shown {
                    continue;
                }
                tabs_shown = true;
                let keys: Vec<String> = (1..=3u8)
                    .filter_map(|n| self.first_key(Action::GotoTab(n)))
                    .collect();
                entries.push((keys.join(" "), words.1.to_string()));
                continue;
            }
            entries.push((self.keys_of(b.action), words.1.to_string()));
        }
        entries
    }
}

/// Shift is part of the character itself (`C` is shift-c), and of Shift-Tab.
fn normalise(key: KeyEvent) -> KeyEvent {
    let modifiers = match key.code {
        KeyCode::Char(_) | KeyCode::BackTab => key.modifiers - KeyModifiers::SHIFT,
        _ => key.modifiers,
    };
    KeyEvent::new(key.code, modifiers)
}

/// A key as shown: "c", "C-s", "↓", "S-Tab", "Space".
pub fn key_label(key: KeyEvent) -> String {
    let base = match key.code {
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
    };
    let mut prefix = String::new();
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        prefix.push_str("C-");
    }
    if key.modifiers.contains(KeyModifiers::ALT) {
        prefix.push_str("M-");
    }
    format!("{prefix}{base}")
}

/// A key as written in the config file or a headless script: one character or a name,
/// with `C-` (Ctrl) and `M-` (Alt) in front: `c`, `C`, `C-s`, `M-x`, `Enter`, `S-Tab`, `F5`.
pub fn parse_key(text: &str) -> Option<KeyEvent> {
    let mut modifiers = KeyModifiers::NONE;
    let mut rest = text;
    while rest.chars().count() >= 3 {
        if let Some(r) = rest.strip_prefix("C-").or_else(|| rest.strip_prefix("c-")) {
            modifiers |= KeyModifiers::CONTROL;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("M-").or_else(|| rest.strip_prefix("m-")) {
            modifiers |= KeyModifiers::ALT;
            rest = r;
        } else {
            break;
        }
    }
    let mut chars = rest.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && !['↓', '↑', '←', '→'].contains(&c)
    {
        let c = if modifiers.contains(KeyModifiers::CONTROL) {
            c.to_ascii_lowercase()
        } else {
            c
        };
        return Some(KeyEvent::new(KeyCode::Char(c), modifiers));
    }
    let code = match rest.to_ascii_lowercase().as_str() {
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
        f if f.starts_with('f') && f.len() > 1 => KeyCode::F(f[1..].parse().ok()?),
        _ => return None,
    };
    Some(KeyEvent::new(code, modifiers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> KeyEvent {
        parse_key(text).unwrap_or_else(|| panic!("{text} parses"))
    }

    #[test]
    fn every_shown_key_parses_back_to_its_action_in_its_contexts() {
        let keymap = Keymap::default();
        for binding in &keymap.bindings {
            for shown in keymap.keys_of(binding.action).split_whitespace() {
                for context in binding.contexts {
                    assert_eq!(
                        keymap.action(*context, key(shown)),
                        Some(binding.action),
                        "{shown} in {context:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn keys_mean_different_things_in_different_contexts() {
        let keymap = Keymap::default();
        let enter = key("Enter");
        assert_eq!(keymap.action(Context::Customers, enter), Some(Action::Open));
        assert_eq!(keymap.action(Context::Form, enter), Some(Action::NextField));
        assert_eq!(keymap.action(Context::Confirm, enter), Some(Action::Yes));
        assert_eq!(keymap.action(Context::Prompt, enter), Some(Action::Submit));
        // Lists take the global keys; a form types them.
        assert_eq!(keymap.action(Context::Pool, key("q")), Some(Action::Quit));
        assert_eq!(keymap.action(Context::Form, key("q")), None);
        assert_eq!(keymap.action(Context::Form, key("C-s")), Some(Action::Save));
        assert_eq!(
            keymap.action(Context::Pool, key("C-s")),
            None,
            "modifiers count"
        );
        assert_eq!(
            keymap.action(
                Context::Form,
                KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)
            ),
            Some(Action::PrevField),
            "shift-tab as terminals send it"
        );
    }

    #[test]
    fn overrides_replace_defaults_and_bad_entries_are_named() {
        let mut overrides = BTreeMap::new();
        overrides.insert("claim".to_string(), "C F5".to_string());
        overrides.insert("save".to_string(), "C-w".to_string());
        overrides.insert("yes".to_string(), "j".to_string());
        overrides.insert("tab_2".to_string(), "M-2".to_string());
        let keymap = Keymap::with_overrides(&overrides).unwrap_or_default();
        assert_eq!(keymap.action(Context::Pool, key("C")), Some(Action::Claim));
        assert_eq!(keymap.action(Context::Pool, key("F5")), Some(Action::Claim));
        assert_eq!(keymap.action(Context::Pool, key("c")), None);
        assert_eq!(keymap.action(Context::Form, key("C-w")), Some(Action::Save));
        assert_eq!(keymap.action(Context::Confirm, key("j")), Some(Action::Yes));
        assert_eq!(
            keymap.action(Context::Board, key("M-2")),
            Some(Action::GotoTab(2))
        );
        assert_eq!(keymap.hints(&[Action::Claim], Lang::En), "C claim");
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
        let mut global_clash = BTreeMap::new();
        global_clash.insert("sort".to_string(), "q".to_string());
        assert!(
            Keymap::with_overrides(&global_clash).is_err(),
            "a pool key may not shadow a global one"
        );
        let mut elsewhere = BTreeMap::new();
        elsewhere.insert("save".to_string(), "q".to_string());
        assert!(
            Keymap::with_overrides(&elsewhere).is_ok(),
            "a form does not take global keys, so q may save there"
        );
    }

    #[test]
    fn every_action_has_words_in_both_languages() {
        for name in action_names() {
            for lang in [Lang::En, Lang::Zh] {
                let words = crate::text::tui::action_words(name, lang);
                assert!(
                    words.is_some_and(|(short, long)| !short.is_empty() && !long.is_empty()),
                    "{name} in {lang:?}"
                );
            }
        }
    }
}

#[cfg(test)]
mod readme {
    /// The README's key table names every action the config file accepts.
    #[test]
    fn the_readme_documents_every_configurable_action() {
        let readme = include_str!("../../README.md");
        for name in super::action_names() {
            assert!(
                readme.contains(&format!("`{name}`")),
                "README lacks `{name}`"
            );
        }
    }
}
