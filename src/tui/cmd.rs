//! What a tab (or another component) asks for, as data: redraw, an intent for the app (ask,
//! prompt, flash, switch tab, reload, export, copy, quit), database work, a latest-wins check
//! or a timer. The app stamps each with its owner so the answer comes back to it; the runtime
//! runs the work. Nothing here does I/O.

use std::any::Any;
use std::fmt;

use futures_util::future::BoxFuture;

use crate::db::Session;
use crate::domain::score::{Draft, LiveResult};
use crate::error::Error;
use crate::text::{Label, Text};

/// Database work of one component. Each component has its own request type (an enum in its
/// `requests.rs`) whose `run` answers with the component's own message type; the runtime only
/// moves the boxes around, so a new tab adds requests without touching the runtime.
pub trait Request: fmt::Debug + Send + Sync + 'static {
    fn run(self: Box<Self>, db: Session) -> BoxFuture<'static, Box<dyn Any + Send>>;
    fn as_any(&self) -> &dyn Any;
    fn same(&self, other: &dyn Request) -> bool;
}

/// Implements [`Request`] for a component's request enum with an
/// `async fn execute(self, db: &Session) -> Msg` method.
macro_rules! request {
    ($type:ty) => {
        impl $crate::tui::cmd::Request for $type {
            fn run(
                self: Box<Self>,
                db: $crate::db::Session,
            ) -> futures_util::future::BoxFuture<'static, Box<dyn std::any::Any + Send>> {
                Box::pin(async move {
                    Box::new(self.execute(&db).await) as Box<dyn std::any::Any + Send>
                })
            }
            fn as_any(&self) -> &dyn std::any::Any {
                self
            }
            fn same(&self, other: &dyn $crate::tui::cmd::Request) -> bool {
                other.as_any().downcast_ref::<$type>() == Some(self)
            }
        }
    };
}
pub(crate) use request;

/// The lanes of search-as-you-type: the newest request of a lane wins, the one still
/// running is cancelled on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// The new-customer form's duplicate panel (records the draft for others to see).
    DuplicatePanel,
    /// The customers tab's search.
    Search,
}

impl Lane {
    /// How many candidates a check of this lane returns.
    pub fn limit(self) -> usize {
        match self {
            Lane::DuplicatePanel => 5,
            Lane::Search => 50,
        }
    }
}

/// Something said on the outcome line: a sentence, or an error, worded when drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    Said(Text),
    Failed(Error),
}

impl Note {
    pub fn render(&self, lang: crate::text::Lang) -> String {
        match self {
            Note::Said(text) => text.render(lang),
            Note::Failed(error) => error.render(lang),
        }
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Note::Failed(_))
    }
}

impl<T: Into<Text>> From<T> for Note {
    fn from(text: T) -> Note {
        Note::Said(text.into())
    }
}

/// A file's worth of rows (header first) and a short name for the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub what: &'static str,
    pub rows: Vec<Vec<String>>,
}

/// What a component asks the app to do for it.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// A yes/no dialog; the answer comes back as `TabMsg::Answer` with the tag.
    Confirm {
        question: Text,
        tag: u32,
    },
    /// A one-line input; the text comes back as `TabMsg::Prompted` with the tag.
    Prompt {
        label: Label,
        text: String,
        tag: u32,
    },
    Flash(Note),
    /// Make this tab the current one.
    Switch(&'static str),
    /// Re-read the header figures (after a change of ownership).
    Reload,
    /// Run a palette command of another component (the pool's `n` opens the customers
    /// tab's new-customer form).
    Run(&'static str),
    Quit,
}

pub enum Cmd {
    Redraw,
    Intent(Intent),
    Request(Box<dyn Request>),
    Live {
        lane: Lane,
        seq: u64,
        draft: Draft,
    },
    /// Come back after `ms` with `TabMsg::Timer(token)`.
    Timer {
        ms: u64,
        token: u64,
    },
}

impl Cmd {
    pub fn request<R: Request + 'static>(request: R) -> Cmd {
        Cmd::Request(Box::new(request))
    }

    pub fn flash(note: impl Into<Note>) -> Cmd {
        Cmd::Intent(Intent::Flash(note.into()))
    }

    pub fn failed(error: Error) -> Cmd {
        Cmd::Intent(Intent::Flash(Note::Failed(error)))
    }

    /// The request of this command, if it is one of type `R` (for tests).
    pub fn as_request<R: Request + 'static>(&self) -> Option<&R> {
        match self {
            Cmd::Request(r) => r.as_any().downcast_ref(),
            _ => None,
        }
    }
}

impl fmt::Debug for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cmd::Redraw => f.write_str("Redraw"),
            Cmd::Intent(i) => write!(f, "Intent({i:?})"),
            Cmd::Request(r) => write!(f, "Request({r:?})"),
            Cmd::Live { lane, seq, draft } => write!(f, "Live({lane:?}, {seq}, {draft:?})"),
            Cmd::Timer { ms, token } => write!(f, "Timer({ms} ms, {token})"),
        }
    }
}

impl PartialEq for Cmd {
    fn eq(&self, other: &Cmd) -> bool {
        match (self, other) {
            (Cmd::Redraw, Cmd::Redraw) => true,
            (Cmd::Intent(a), Cmd::Intent(b)) => a == b,
            (Cmd::Request(a), Cmd::Request(b)) => a.same(b.as_ref()),
            (
                Cmd::Live {
                    lane: a,
                    seq: s,
                    draft: d,
                },
                Cmd::Live {
                    lane: b,
                    seq: t,
                    draft: e,
                },
            ) => a == b && s == t && d == e,
            (Cmd::Timer { ms: a, token: s }, Cmd::Timer { ms: b, token: t }) => a == b && s == t,
            _ => false,
        }
    }
}

/// What comes back to a component.
#[derive(Debug)]
pub enum TabMsg {
    /// The answer to a `Confirm` with this tag.
    Answer {
        tag: u32,
        yes: bool,
    },
    /// The text of a `Prompt` with this tag (a cancelled prompt sends nothing).
    Prompted {
        tag: u32,
        text: String,
    },
    Timer(u64),
    Live {
        lane: Lane,
        seq: u64,
        result: Result<LiveResult, Error>,
    },
    /// The answer to one of the component's own requests: its own message type, boxed.
    Reply(Box<dyn Any + Send>),
}

impl TabMsg {
    /// A component's own message, as the runtime would deliver it.
    pub fn reply<M: Any + Send>(msg: M) -> TabMsg {
        TabMsg::Reply(Box::new(msg))
    }
}
