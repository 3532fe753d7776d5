//! The preview folder: a new folder with a random name in the temporary
//! folder, private to the user, holding the site served (`sito/`; a full
//! build stages beside its output, so its staging folders are in here too,
//! and nothing of the preview is left outside) and a lock file that the
//! server holds locked while it runs. A server that stops removes its folder; one that
//! was killed (SIGKILL, a crash, the memory killer) cannot, and the next
//! server removes it instead.
//!
//! A folder is removed only when all of this is certain: its name starts
//! with [`PREFIX`], it and its lock file belong to this user and are no
//! symbolic links, the lock file says it was made for this very folder
//! (its name, device and inode: a copy is another folder), and its lock
//! can be taken, which the system allows only once the server that held
//! it is gone, whatever became of its process number. A folder a user
//! made, a server still running, or one of an older `manuale` without a
//! lock file is never touched.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How the preview folders start.
const PREFIX: &str = "manuale-anteprima-";
/// The lock file, inside the preview folder.
const LOCK: &str = ".manuale-anteprima";
/// The site, inside the preview folder.
const SITE: &str = "sito";

/// This server's preview folder, removed when dropped.
pub(super) struct PreviewFolder {
    root: PathBuf,
    site: PathBuf,
    /// The lock file, held locked; `None` where the system has no locks
    /// (then no later server can tell the folder is ours, nor removes it).
    lock: Option<File>,
}

impl PreviewFolder {
    /// A new preview folder in `temp`, locked.
    pub(super) fn create(temp: &Path) -> std::io::Result<PreviewFolder> {
        let root = crate::files::private_dir(temp, PREFIX)?;
        let mut folder = PreviewFolder {
            site: root.join(SITE),
            root,
            lock: None,
        };
        folder.lock = lock(&folder.root).ok();
        let mut dir = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut dir, 0o700);
        dir.create(&folder.site)?;
        Ok(folder)
    }

    /// Where the site is built and served from.
    pub(super) fn site(&self) -> &Path {
        &self.site
    }
}

impl Drop for PreviewFolder {
    fn drop(&mut self) {
        // The search index may be being written into the site on another
        // thread (a removal then finds new files): try again for a moment.
        for _ in 0..40 {
            if empty_but_lock(&self.root).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // The lock file last: a server killed meanwhile leaves a folder
        // that the next one still knows for its own.
        let _ = std::fs::remove_file(self.root.join(LOCK));
        let _ = std::fs::remove_dir(&self.root);
        self.lock = None;
    }
}

/// Removes from `temp` the preview folders of servers that were killed
/// (see the module's doc); returns those removed.
pub(super) fn clear_stale(temp: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(temp) else {
        return Vec::new();
    };
    let mut cleared = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        if !entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(PREFIX))
        {
            continue;
        }
        let root = entry.path();
        let Some(_lock) = abandoned(&root) else {
            continue;
        };
        // Held while removing: a server that looks at the same time
        // finds the lock taken and leaves the folder to this one.
        if empty_but_lock(&root).is_ok()
            && std::fs::remove_file(root.join(LOCK)).is_ok()
            && std::fs::remove_dir(&root).is_ok()
        {
            cleared.push(root);
        }
    }
    cleared
}

/// The lock of `root`, taken, when `root` is a preview folder whose server
/// is gone; `None` when that is not certain.
#[cfg(unix)]
fn abandoned(root: &Path) -> Option<File> {
    use std::io::Read;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let dir = std::fs::symlink_metadata(root).ok()?;
    if !dir.is_dir() || dir.uid() != me {
        return None;
    }
    let path = root.join(LOCK);
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
        .ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.uid() != me {
        return None;
    }
    let mut text = String::new();
    file.by_ref().take(4096).read_to_string(&mut text).ok()?;
    if text != lock_text(root).ok()? {
        return None;
    }
    // Taken only when no process holds it: its server is gone.
    file.try_lock().ok()?;
    Some(file)
}

/// Elsewhere no folder is taken for abandoned.
#[cfg(not(unix))]
fn abandoned(_root: &Path) -> Option<File> {
    None
}

/// Makes the lock file of `root`, locked, under a name of its own first:
/// no other server ever finds it unlocked while this one runs.
#[cfg(unix)]
fn lock(root: &Path) -> std::io::Result<File> {
    use std::io::Write;
    let new = root.join(format!("{LOCK}-nuovo"));
    let made = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&new)?;
        file.try_lock().map_err(std::io::Error::from)?;
        file.write_all(lock_text(root)?.as_bytes())?;
        std::fs::rename(&new, root.join(LOCK))?;
        Ok(file)
    })();
    if made.is_err() {
        let _ = std::fs::remove_file(&new);
    }
    made
}

/// Elsewhere no lock file: the folder is only removed by its own server.
#[cfg(not(unix))]
fn lock(_root: &Path) -> std::io::Result<File> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// What the lock file of `root` says: what it is for, then the folder it
/// was made in.
#[cfg(unix)]
fn lock_text(root: &Path) -> std::io::Result<String> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(root)?;
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(format!(
        "Anteprima di «manuale anteprima», tolta quando il server si ferma; se il server \
         è stato ucciso, la toglie il prossimo «manuale anteprima».\n{name} {} {}\n",
        meta.dev(),
        meta.ino()
    ))
}

/// Removes everything in `root` but its lock file.
fn empty_but_lock(root: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        if entry.file_name() == LOCK {
            continue;
        }
        // Not following links: a link is removed, never what it names.
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Only a folder whose server is gone is abandoned: not one whose
    /// server runs, not a copy of one, not one without a lock file.
    #[test]
    fn only_a_folder_whose_server_is_gone_is_abandoned() {
        let temp = tempfile::tempdir().expect("a temporary folder");
        let running = PreviewFolder::create(temp.path()).expect("a preview folder");
        assert!(running.lock.is_some(), "not locked");
        assert!(abandoned(&running.root).is_none(), "its server runs");
        // The lock file copied into a folder of the same kind of name.
        let copy = temp.path().join(format!("{PREFIX}copia"));
        std::fs::create_dir(&copy).expect("a folder");
        std::fs::copy(running.root.join(LOCK), copy.join(LOCK)).expect("a copy");
        assert!(abandoned(&copy).is_none(), "a copy");
        let plain = temp.path().join(format!("{PREFIX}mia"));
        std::fs::create_dir(&plain).expect("a folder");
        assert!(abandoned(&plain).is_none(), "no lock file");
        // Its server gone: the lock released, the folder left.
        let root = running.root.clone();
        let gone = std::mem::ManuallyDrop::new(running);
        if let Some(lock) = &gone.lock {
            lock.unlock().expect("unlocked");
        }
        assert!(abandoned(&root).is_some());
        assert_eq!(clear_stale(temp.path()), vec![root.clone()]);
        assert!(!root.exists());
        assert!(copy.join(LOCK).is_file() && plain.is_dir());
    }
}
