//! Driving the real binary in a real terminal (tmux) for end-to-end tests.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub fn tmux(args: &[&str]) -> Output {
    Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux must be installed for end-to-end tests")
}

/// A tmux session running `command` at `width`×`height`, killed on drop.
pub struct Session(pub String);

impl Session {
    pub fn start(name: &str, width: u16, height: u16, command: &str) -> Session {
        let (w, h) = (width.to_string(), height.to_string());
        let started = tmux(&["new-session", "-d", "-s", name, "-x", &w, "-y", &h, command]);
        assert!(
            started.status.success(),
            "{}",
            String::from_utf8_lossy(&started.stderr)
        );
        Session(name.to_string())
    }

    pub fn keys(&self, keys: &str) {
        tmux(&["send-keys", "-t", &self.0, keys]);
    }

    /// Polls the pane until `needle` shows (a wait, not a sleep of fixed length).
    pub fn wait_for(&self, needle: &str, limit: Duration) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            assert!(
                started.elapsed() < limit,
                "waited {limit:?} for {needle:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Polls the pane until `needle` is gone — e.g. after `Escape`, before the next key, because
    /// an escape byte followed at once by another key reads as Alt+key to any terminal program.
    pub fn wait_until_gone(&self, needle: &str, limit: Duration) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if !screen.contains(needle) {
                return screen;
            }
            assert!(
                started.elapsed() < limit,
                "waited {limit:?} for {needle:?} to go; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", &self.0]).stdout).into_owned()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = tmux(&["kill-session", "-t", &self.0]);
    }
}
