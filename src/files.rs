//! Writing files so that no reader ever sees half of one, and the names of
//! the temporary files and folders that this takes. `import`, `build` and
//! `serve` share them: the first two write through them, the last one knows
//! them when it watches the book, so a temporary file is never an edit.
//! Nothing here knows what the files hold.

use std::path::{Path, PathBuf};

/// What every temporary name of `manuale` contains.
const TAG: &str = ".manuale-";

/// The temporary name a file is written under before it is renamed into
/// place: `.name.manuale-tmp`, beside it, so the rename stays on one disk.
pub(crate) fn temp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}{TAG}tmp"))
}

/// A hidden folder beside `path` for this process: `.name.manuale-WHAT-PID`
/// (`tmp` for a site being built, `old` for the one being replaced).
pub(crate) fn sibling(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "book".into(), |n| n.to_string_lossy().into_owned());
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}{TAG}{what}-{}", std::process::id()))
}

/// True for the temporary files and folders named above, and the marker
/// of a built site.
pub(crate) fn is_temporary(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains(TAG))
}

/// A new folder in `parent` named `prefix` and random characters, created
/// exclusively (never one that was there) and private to the user
/// (`rwx------` on Unix). It stays when the program ends.
pub(crate) fn private_dir(parent: &Path, prefix: &str) -> std::io::Result<PathBuf> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    Ok(builder.tempdir_in(parent)?.keep())
}

/// Writes the bytes of `parts`, one after the other, to a temporary name
/// beside `path`, then renames it into place: whoever reads `path` sees the
/// old file or the new one.
pub(crate) fn write_atomic_parts(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    let tmp = temp_name(path);
    write_parts(&tmp, parts).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Writes the bytes of `parts`, one after the other, as the file `path`
/// (created, or emptied first): a large file need not be joined in memory.
pub(crate) fn write_parts(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    for part in parts {
        file.write_all(part)?;
    }
    Ok(())
}

/// Reads `path` when it is a regular file (not a FIFO that would block, a
/// device that never ends, a folder) of at most `max` bytes. The errors
/// say which, in words for the user.
pub(crate) fn read_regular(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other(not_a_file(&meta.file_type())));
    }
    let too_big = || {
        std::io::Error::other(format!(
            "è troppo grande: più di {}, il massimo per questo file",
            size_text(max)
        ))
    };
    if meta.len() > max {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::fs::File::open(path)?
        .take(max + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

/// [`read_regular`] for a file of the book: `path` (a symbolic link
/// included) must lead to a file inside `root`, never to one elsewhere on
/// the machine (`/etc/passwd`, another user's files) that the site would
/// publish.
pub(crate) fn read_inside(root: &Path, path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let here = |p: &Path| {
        if p.as_os_str().is_empty() {
            Path::new(".").to_path_buf()
        } else {
            p.to_path_buf()
        }
    };
    let real = std::fs::canonicalize(here(path))?;
    let root = std::fs::canonicalize(here(root))?;
    if !real.starts_with(&root) {
        return Err(std::io::Error::other(format!(
            "porta a {}, fuori dalla cartella del manuale: il sito pubblica solo file del manuale",
            real.display()
        )));
    }
    read_regular(&real, max)
}

/// Why a path that should be a file is not one, in words.
fn not_a_file(kind: &std::fs::FileType) -> String {
    match kind_of(kind) {
        "una cartella" => "è una cartella, non un file".into(),
        "una pipe (FIFO)" => {
            "non è un file ma una pipe (FIFO): leggerla bloccherebbe il programma".into()
        }
        what => format!("non è un file ma {what}"),
    }
}

/// What a path that is not a regular file is, in words.
pub(crate) fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "una pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "un dispositivo";
        }
        if t.is_socket() {
            return "un socket";
        }
    }
    if t.is_dir() {
        "una cartella"
    } else {
        "un file speciale"
    }
}

/// `bytes` as a user reads a size: «1 MB», «512 KB».
pub(crate) fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MB", bytes >> 20)
    } else {
        format!("{} KB", (bytes >> 10).max(1))
    }
}

/// Whether files are flushed to the disk: always, but in the tests that
/// set `MANUALE_TEST_FSYNC=0`, as Git's tests set `GIT_TEST_FSYNC=0`.
/// A flush guards against a power cut, which no test makes; a kill (what
/// the crash tests make, with the flushes on) loses nothing the kernel
/// holds. Without it a test's build waits for every other test's writes
/// to reach the disk (`syncfs`).
pub(crate) fn flushing() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("MANUALE_TEST_FSYNC").is_none_or(|v| v != "0"))
}

/// `file.sync_all()`, unless [`flushing`] is off.
pub(crate) fn sync_file(file: &std::fs::File) -> std::io::Result<()> {
    if flushing() {
        file.sync_all()
    } else {
        Ok(())
    }
}

/// Flushes a folder's entries (names created, renamed or removed in it) to
/// the disk: after a rename, what makes it survive a power cut.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    if !flushing() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Flushes to the disk everything written on the file system that holds
/// `dir`: one call for thousands of files (Linux's `syncfs`), where a
/// `fsync` of each would cost one disk round-trip per file. Elsewhere, the
/// folder itself.
pub(crate) fn sync_filesystem(dir: &Path) -> std::io::Result<()> {
    if !flushing() {
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let folder = std::fs::File::open(dir)?;
        // SAFETY: syncfs only reads the descriptor, which `folder` keeps
        // open for the call.
        if unsafe { libc::syncfs(folder.as_raw_fd()) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        sync_dir(dir)
    }
}

/// Writes `bytes` as the new file `path` and flushes it to the disk.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    sync_file(&file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_recognised() {
        let p = Path::new("content/A/A1.md");
        assert_eq!(temp_name(p), Path::new("content/A/.A1.md.manuale-tmp"));
        assert!(is_temporary(&temp_name(p)));
        assert!(is_temporary(&sibling(Path::new("out/book"), "old")));
        assert!(is_temporary(Path::new("book/.manuale-build")));
        assert!(!is_temporary(p));
    }
}
