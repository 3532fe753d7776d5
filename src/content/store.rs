//! `content/` as a whole: who may use it, and how it changes.
//!
//! - A [`Lock`] (an OS file lock on `content/.manuale-lock`, released by the
//!   system when a process dies) keeps two imports, or an import and a
//!   build, from using the folder at once; a process that finds it taken
//!   waits a few seconds, then says who holds it.
//! - A [`Change`] (pages to write, pages to remove) is applied through a
//!   journal, `content/.manuale-journal`: first the journal lists what will
//!   happen, then every new page is written under a temporary name, then
//!   the journal is marked committed (one atomic rename), then pages are
//!   renamed into place and old ones removed, and the journal goes. A run
//!   killed before the commit is undone by the next run, one killed after
//!   it is finished by the next run ([`recover`]), and either says so: at
//!   every instant `content/` is the old state, the new one, or one the next
//!   run turns into the new one.

use super::error::ContentError;
use crate::files;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Who holds the lock, in `content/` while it is held.
const LOCK: &str = ".manuale-lock";
/// The journal of a change being applied, in `content/`.
const JOURNAL: &str = ".manuale-journal";
/// How long to wait for another process to let go of `content/`.
const WAIT: Duration = Duration::from_secs(10);

/// `content/` held by this process until dropped.
#[derive(Debug)]
pub struct Lock {
    /// The locked handle: the folder itself where the system can lock a
    /// folder, a lock file inside it elsewhere.
    file: File,
    dir: PathBuf,
}

impl Lock {
    /// Takes the lock of `dir` (creating the folder if needed) for `what`
    /// (`import`, `build`…), waiting a little if another process holds it.
    pub fn take(dir: &Path, what: &str) -> Result<Lock, ContentError> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let file = lock_handle(dir)?;
        let note = dir.join(LOCK);
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < WAIT => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    let holder = std::fs::read_to_string(&note).unwrap_or_default();
                    return Err(ContentError::Busy {
                        path: dir.to_path_buf(),
                        holder: match holder.trim() {
                            "" => "un altro processo di manuale".to_string(),
                            h => h.to_string(),
                        },
                    });
                }
                Err(std::fs::TryLockError::Error(source)) => return Err(io(dir)(source)),
            }
        }
        // Who holds it, for whoever waits; removed when the lock goes.
        let _ = std::fs::write(
            &note,
            format!(
                "«manuale {what}», processo {}, dal {}\n",
                std::process::id(),
                now()
            ),
        );
        Ok(Lock {
            file,
            dir: dir.to_path_buf(),
        })
    }

    /// The folder this lock holds.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// The handle to lock: the folder itself (an open folder can be locked on
/// Unix, and nothing is left in it).
#[cfg(unix)]
fn lock_handle(dir: &Path) -> Result<File, ContentError> {
    File::open(dir).map_err(io(dir))
}

/// The handle to lock: a lock file in the folder.
#[cfg(not(unix))]
fn lock_handle(dir: &Path) -> Result<File, ContentError> {
    let path = dir.join(".manuale-lockfile");
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io(&path))
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.dir.join(LOCK));
        let _ = self.file.unlock();
    }
}

/// The time now, `2026-11-26 14:02:11` (UTC), for the lock's note.
fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    let day = crate::date::Date::from_system_time(std::time::SystemTime::now());
    format!("{day} {h:02}:{m:02}:{s:02} UTC")
}

/// What to do to `content/`: pages to write (by path relative to it) and
/// files to remove.
#[derive(Debug, Default)]
pub struct Change {
    pub write: BTreeMap<PathBuf, String>,
    pub remove: BTreeSet<PathBuf>,
}

/// What a [`recover`] found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovery {
    /// An interrupted change had not been committed: it was undone, and
    /// `content/` is as it was before it.
    RolledBack { pages: usize },
    /// An interrupted change had been committed: it was finished.
    Completed { pages: usize },
}

impl std::fmt::Display for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recovery::RolledBack { pages } => write!(
                f,
                "un import precedente si era interrotto prima di cambiare le pagine: annullato ({pages} pagine non scritte), content/ è com'era prima"
            ),
            Recovery::Completed { pages } => write!(
                f,
                "un import precedente si era interrotto mentre aggiornava le pagine: completato ({pages} pagine)"
            ),
        }
    }
}

/// The journal: what a change does, and how far it got.
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    committed: bool,
    /// (page, its temporary name), relative to `content/`.
    write: Vec<(PathBuf, PathBuf)>,
    remove: Vec<PathBuf>,
    /// Folders this change creates, parents first.
    created: Vec<PathBuf>,
}

/// What [`apply`] did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Files written, then removed, with their paths under `content/`.
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
}

/// Applies a change to the folder `lock` holds, through the journal.
/// A failure before the commit leaves `content/` as it was
/// ([`ContentError::Unchanged`]); one after it leaves the journal for the
/// next run to finish ([`ContentError::Interrupted`]).
pub fn apply(lock: &Lock, change: &Change) -> Result<Applied, ContentError> {
    let dir = lock.dir();
    let mut created = Vec::new();
    for rel in change.write.keys() {
        let mut missing = Vec::new();
        let mut d = rel.parent();
        while let Some(p) = d.filter(|p| !p.as_os_str().is_empty()) {
            if dir.join(p).is_dir() || created.contains(&p.to_path_buf()) {
                break;
            }
            missing.push(p.to_path_buf());
            d = p.parent();
        }
        created.extend(missing.into_iter().rev());
    }
    let mut journal = Journal {
        committed: false,
        write: change
            .write
            .keys()
            .map(|rel| (rel.clone(), files::temp_name(rel)))
            .collect(),
        remove: change.remove.iter().cloned().collect(),
        created,
    };
    let undo = |journal: &Journal, source: ContentError| {
        roll_back(dir, journal);
        ContentError::Unchanged {
            source: Box::new(source),
        }
    };
    write_journal(dir, &journal).map_err(|e| undo(&journal, e))?;
    for d in &journal.created {
        let path = dir.join(d);
        std::fs::create_dir(&path).map_err(|e| undo(&journal, io(&path)(e)))?;
    }
    let texts: Vec<(&PathBuf, &String)> = journal
        .write
        .iter()
        .map(|(_, tmp)| tmp)
        .zip(change.write.values())
        .collect();
    let written = crate::parallel::map(&texts, |(tmp, text)| {
        let path = dir.join(tmp);
        std::fs::write(&path, text).map_err(io(&path))
    });
    if let Some(Err(e)) = written.into_iter().find(Result::is_err) {
        return Err(undo(&journal, e));
    }
    // The pages reach the disk before the journal says they are there: a
    // power cut after the commit must not leave empty pages to rename.
    let pages = dir.to_path_buf();
    files::sync_filesystem(&pages).map_err(|e| undo(&journal, io(&pages)(e)))?;
    // The commit point: from here on the change is finished, by this run
    // or the next.
    journal.committed = true;
    write_journal(dir, &journal).map_err(|e| undo(&journal, e))?;
    finish(dir, &journal).map_err(|e| ContentError::Interrupted {
        path: dir.to_path_buf(),
        source: Box::new(e),
    })
}

/// Finishes or undoes a change a killed run left in the folder `lock`
/// holds; `None` when there was none.
pub fn recover(lock: &Lock) -> Result<Option<Recovery>, ContentError> {
    let dir = lock.dir();
    let _ = std::fs::remove_file(files::temp_name(&dir.join(JOURNAL)));
    let path = dir.join(JOURNAL);
    // A journal holds the names of the pages one import changed: far less
    // than this even for a national map.
    let text = match files::read_regular(&path, 64 << 20) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(ContentError::Io { path, source }),
    };
    let journal: Journal = serde_json::from_slice(&text).map_err(|e| ContentError::Malformed {
        path: path.clone(),
        line: e.line(),
        message: format!(
            "il registro di un import interrotto è illeggibile ({e}): controlla content/ e cancella il file"
        ),
    })?;
    let pages = journal.write.len() + journal.remove.len();
    if journal.committed {
        finish(dir, &journal)?;
        Ok(Some(Recovery::Completed { pages }))
    } else {
        roll_back(dir, &journal);
        Ok(Some(Recovery::RolledBack { pages }))
    }
}

/// Renames the temporary pages into place, removes the old ones and the
/// folders they leave empty, then the journal. Safe to run again after a
/// kill: a page already renamed has no temporary file left.
fn finish(dir: &Path, journal: &Journal) -> Result<Applied, ContentError> {
    let renamed = crate::parallel::map(&journal.write, |(rel, tmp)| {
        let (from, to) = (dir.join(tmp), dir.join(rel));
        match std::fs::rename(&from, &to) {
            Ok(()) => Ok(true),
            // Renamed by the run that was killed (or the page removed by
            // hand since): nothing left to do for it.
            Err(_) if !from.exists() => Ok(false),
            Err(e) => Err(io(&to)(e)),
        }
    });
    let mut applied = Applied::default();
    for (r, (rel, _)) in renamed.into_iter().zip(&journal.write) {
        if r? {
            applied.written.push(rel.clone());
        }
    }
    for rel in &journal.remove {
        let path = dir.join(rel);
        match std::fs::remove_file(&path) {
            Ok(()) => applied.removed.push(rel.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&path)(e)),
        }
        // Folders the change emptied go too; never the content folder.
        let mut d = rel.parent();
        while let Some(p) = d.filter(|p| !p.as_os_str().is_empty()) {
            if std::fs::remove_dir(dir.join(p)).is_err() {
                break;
            }
            d = p.parent();
        }
    }
    let path = dir.join(JOURNAL);
    std::fs::remove_file(&path).map_err(io(&path))?;
    Ok(applied)
}

/// Removes what an uncommitted change wrote: its temporary pages, the
/// folders it created (if empty), the journal.
fn roll_back(dir: &Path, journal: &Journal) {
    for (_, tmp) in &journal.write {
        let _ = std::fs::remove_file(dir.join(tmp));
    }
    for d in journal.created.iter().rev() {
        let _ = std::fs::remove_dir(dir.join(d));
    }
    let _ = std::fs::remove_file(dir.join(JOURNAL));
}

/// Writes the journal atomically and durably: the rename is the commit.
fn write_journal(dir: &Path, journal: &Journal) -> Result<(), ContentError> {
    let path = dir.join(JOURNAL);
    let tmp = files::temp_name(&path);
    let text = serde_json::to_vec(journal).map_err(|e| io(&path)(e.into()))?;
    let write = || -> std::io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(&text)?;
        files::sync_file(&f)?;
        std::fs::rename(&tmp, &path)?;
        // The rename itself reaches the disk with the folder (where a
        // folder can be opened and synced).
        let _ = files::sync_dir(dir);
        Ok(())
    };
    write().map_err(io(&path))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ContentError + '_ {
    move |source| ContentError::Write {
        path: path.to_path_buf(),
        source,
    }
}
