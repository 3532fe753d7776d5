//! What the server's parts share: the build online, the last error, and the
//! channel that tells open pages about both.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// What open pages are told.
#[derive(Clone, Debug)]
pub(super) enum Signal {
    /// A new build is online: its number.
    Built(u64),
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
}
