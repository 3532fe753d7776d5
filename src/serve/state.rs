//! What the server's parts share: the build online, the last error, and the
//! channel that tells open pages about both.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// What open pages are told.
#[derive(Clone, Debug)]
pub(super) enum Signal {
    /// A new build is online: its number. Open pages reload.
    Built(u64),
    /// A new build that differs from the one before (number − 1) only in
    /// some pages: `main_only` changed only inside `<main>` (an open page
    /// swaps it in place, keeping its scroll, focus and search box),
    /// `reload` otherwise. Other open pages stay as they are.
    Changed {
        version: u64,
        main_only: Vec<String>,
        reload: Vec<String>,
    },
    /// The last rebuild failed: the message.
    Failed(String),
}

pub(super) struct Shared {
    pub(super) site: PathBuf,
    /// Number of the build online, and the error of the last attempt.
    pub(super) version: u64,
    pub(super) error: Option<String>,
}

#[derive(Clone)]
pub(super) struct AppState {
    pub(super) shared: Arc<Mutex<Shared>>,
    pub(super) signals: broadcast::Sender<Signal>,
    /// Becomes true on Ctrl-C: open event streams end, so the server stops.
    pub(super) stopping: tokio::sync::watch::Receiver<bool>,
    /// The open event streams, to keep them few.
    pub(super) streams: Arc<super::http::Streams>,
}
