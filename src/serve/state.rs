//! What the server's parts share: the build online, the last error, and the
//! channel that tells open pages about both.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, oneshot};

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
    pub(super) streams: Arc<Streams>,
}

/// Event streams open at once (one for each open tab); a new one closes the
/// oldest, whose page reconnects by itself. Far more than tabs an author
/// keeps open, far fewer than the connections served at once: pages always get in.
pub(super) const MAX_STREAMS: usize = 64;

/// The event streams open, by age: past [`MAX_STREAMS`] the oldest is
/// closed. Closing the oldest, not refusing the newest: a refused
/// `EventSource` (any answer but 200) gives up for good, so the tab just
/// opened, the one the author is looking at, would never reload; a closed
/// one reconnects after a few seconds and, told the version online,
/// reloads if it missed a build.
#[derive(Default)]
pub(super) struct Streams {
    /// The next stream's number, and each open stream's way to be closed.
    open: Mutex<(u64, BTreeMap<u64, oneshot::Sender<()>>)>,
}

impl Streams {
    /// A place for a new stream, closing the oldest ones past the cap;
    /// the receiver fires when this one is closed in turn.
    pub(super) fn enter(self: &Arc<Self>) -> (StreamSlot, oneshot::Receiver<()>) {
        let (close, closed) = oneshot::channel();
        let Ok(mut open) = self.open.lock() else {
            // Never poisoned (nothing panics while holding it); if it were,
            // the stream goes uncounted rather than the page unserved.
            return (
                StreamSlot {
                    id: u64::MAX,
                    streams: self.clone(),
                },
                closed,
            );
        };
        let (next, streams) = &mut *open;
        while streams.len() >= MAX_STREAMS {
            if let Some((_, oldest)) = streams.pop_first() {
                let _ = oldest.send(());
            }
        }
        let id = *next;
        *next += 1;
        streams.insert(id, close);
        (
            StreamSlot {
                id,
                streams: self.clone(),
            },
            closed,
        )
    }
}

/// A stream's place among the open ones, given up when the stream ends
/// (the client went away, the stream was closed, the server stops).
pub(super) struct StreamSlot {
    id: u64,
    streams: Arc<Streams>,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.streams.open.lock() {
            open.1.remove(&self.id);
        }
    }
}
