//! Watching the book: file events are sorted once into what they touch
//! ([`Change`]), bursts are waited out, and each burst becomes one rebuild.
//! The sheet's path comes from `book.toml`, read again only when that file
//! changes; the preview's own folder and temporary files are ignored, and so
//! are the pages an import has just written.

use super::error::ServeError;
use super::rebuild::{rebuild, Settler, Written};
use super::state::AppState;
use crate::config::{self, Config};
use crate::reading::Input;
use crate::site;
use notify::{RecursiveMode, Watcher};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long to wait after a change for the editor to finish saving (a
/// save is a burst of events within a few milliseconds: a temporary file,
/// a rename). A save split in two bursts is only built twice.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// What a changed path is to the preview.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    /// The sheet of the map: import, then build.
    Sheet,
    /// `book.toml`: build, and look again for the sheet it names.
    Config,
    /// A page or attachment in `content/`.
    Content,
    /// A template or static file under `themes/`, or an edition recorded
    /// under `editions/`: build.
    Theme,
    /// Anything else: the preview itself, temporary files, other files.
    Ignored,
}

/// The paths that matter, absolute.
struct Book {
    root: PathBuf,
    content: PathBuf,
    themes: PathBuf,
    editions: PathBuf,
    config: PathBuf,
    sheet: PathBuf,
    site: PathBuf,
}

impl Book {
    fn new(root: PathBuf, site: PathBuf) -> Book {
        Book {
            content: root.join("content"),
            themes: root.join("themes"),
            editions: root.join(crate::editions::DIR),
            config: root.join(config::FILE_NAME),
            sheet: sheet_path(&root),
            site,
            root,
        }
    }

    fn classify(&self, p: &Path) -> Change {
        if p.starts_with(&self.site) || crate::files::is_temporary(p) {
            Change::Ignored
        } else if p == self.sheet {
            Change::Sheet
        } else if p == self.config {
            Change::Config
        } else if p.starts_with(&self.content) {
            // Editors' backups and swap files, the lock's note: never
            // published, so nothing to rebuild.
            if p.file_name()
                .is_some_and(|n| crate::content::is_scratch(&n.to_string_lossy()))
            {
                Change::Ignored
            } else {
                Change::Content
            }
        } else if p.starts_with(&self.themes) || p.starts_with(&self.editions) {
            Change::Theme
        } else {
            Change::Ignored
        }
    }
}

/// The sheet `book.toml` names, absolute.
fn sheet_path(book: &Path) -> PathBuf {
    let config = Config::load(book).unwrap_or_default();
    let p = book.join(&config.source.file);
    std::fs::canonicalize(&p).unwrap_or(p)
}

/// What a burst of events asks for.
#[derive(Default)]
struct Burst {
    rebuild: bool,
    sheet: bool,
    config: bool,
    /// `content/`, `themes/` or `editions/` itself was created, removed or
    /// replaced: its watch must be made again.
    rewatch: bool,
    /// The files of `content/` saved (or removed).
    saved: BTreeSet<PathBuf>,
    /// Something else changed: the whole book is read again.
    other: bool,
}

impl Burst {
    /// Adds an event; `own` holds the files an import has just written.
    fn add(&mut self, book: &Book, event: &notify::Event, own: &HashMap<PathBuf, Option<Vec<u8>>>) {
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return;
        }
        for p in &event.paths {
            if *p == book.content || *p == book.themes || *p == book.editions {
                self.rewatch = true;
                self.other = true;
            }
            match book.classify(p) {
                Change::Ignored => {}
                Change::Sheet => {
                    self.sheet = true;
                    self.rebuild = true;
                }
                Change::Config => {
                    self.config = true;
                    self.rebuild = true;
                }
                Change::Theme => {
                    self.rebuild = true;
                    self.other = true;
                }
                Change::Content => {
                    let import_wrote = own
                        .get(p)
                        .is_some_and(|bytes| *bytes == std::fs::read(p).ok());
                    if !import_wrote {
                        self.rebuild = true;
                        self.saved.insert(p.clone());
                    }
                }
            }
        }
    }
}

/// Watches content/, themes/, editions/, book.toml and the sheet, and rebuilds on
/// changes, on a thread of its own that keeps the watcher.
pub(super) fn watch(
    book: &Path,
    site_dir: PathBuf,
    input: Input,
    state: AppState,
    mut preview: Option<site::preview::Preview>,
    settler: Settler,
) -> Result<(), ServeError> {
    let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let fail = |p: &Path, e: notify::Error| ServeError::Watch(format!("{}: {e}", p.display()));
    let mut watcher = notify::recommended_watcher(tx).map_err(|e| fail(book, e))?;
    let root = std::fs::canonicalize(if book.as_os_str().is_empty() {
        Path::new(".")
    } else {
        book
    })
    .map_err(|e| ServeError::Watch(format!("{}: {e}", book.display())))?;
    let mut paths = Book::new(root, site_dir);
    // The book folder itself, not recursively: book.toml, and content/,
    // themes/ or editions/ appearing or being replaced.
    watcher
        .watch(&paths.root, RecursiveMode::NonRecursive)
        .map_err(|e| fail(&paths.root, e))?;
    for dir in [&paths.content, &paths.themes, &paths.editions] {
        if dir.is_dir() {
            watcher
                .watch(dir, RecursiveMode::Recursive)
                .map_err(|e| fail(dir, e))?;
        }
    }
    watch_sheet_folder(&mut watcher, &paths)?;
    std::thread::spawn(move || {
        let mut own: HashMap<PathBuf, Option<Vec<u8>>> = HashMap::new();
        while let Ok(first) = rx.recv() {
            let mut burst = Burst::default();
            if let Ok(e) = &first {
                burst.add(&paths, e, &own);
            }
            // Editors save in several steps (temporary file, rename): wait
            // for the burst to end.
            let mut deadline = Instant::now() + DEBOUNCE;
            while let Ok(next) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                if let Ok(e) = &next {
                    burst.add(&paths, e, &own);
                }
                deadline = Instant::now() + DEBOUNCE;
            }
            if burst.rewatch {
                // An import in another terminal may create content/, the
                // first `manuale edizione` editions/, an editor or a script
                // replace them: watch the folder now there.
                for dir in [&paths.content, &paths.themes, &paths.editions] {
                    let _ = watcher.unwatch(dir);
                    if dir.is_dir() {
                        if let Err(e) = watcher.watch(dir, RecursiveMode::Recursive) {
                            eprintln!("avviso: {}: {e}", dir.display());
                        }
                    }
                }
            }
            if !burst.rebuild {
                continue;
            }
            if burst.config {
                let sheet = sheet_path(&paths.root);
                if sheet != paths.sheet {
                    paths.sheet = sheet;
                    burst.sheet = true;
                    if let Err(e) = watch_sheet_folder(&mut watcher, &paths) {
                        eprintln!("avviso: {e}");
                    }
                }
            }
            let saved = (!burst.other && !burst.sheet && !burst.config).then_some(&burst.saved);
            let written: Written = rebuild(
                &paths.root,
                &paths.site,
                &input,
                &state,
                burst.sheet,
                saved,
                &mut preview,
                &settler,
            );
            own = written.into_iter().collect();
        }
    });
    Ok(())
}

/// The sheet's folder, when it is not the book's own (watched already).
fn watch_sheet_folder(
    watcher: &mut notify::RecommendedWatcher,
    paths: &Book,
) -> Result<(), ServeError> {
    match paths.sheet.parent() {
        Some(dir) if dir.is_dir() && dir != paths.root => watcher
            .watch(dir, RecursiveMode::NonRecursive)
            .map_err(|e| ServeError::Watch(format!("{}: {e}", dir.display()))),
        _ => Ok(()),
    }
}
