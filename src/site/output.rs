//! The output folder: a full build is written into a staging folder beside
//! the target (random name, private to the user, created exclusively) and
//! swapped into place when complete, in one atomic exchange where the
//! system has one, so the target is always a whole site, the old or the
//! new; a partial update (`serve`) replaces files of the site in place,
//! each atomically. A folder that `manuale` did not create (no marker file,
//! not empty) is never replaced nor removed, and what a killed build left
//! beside the target is cleared or put back by the next one.

use super::error::{io, BuildError};
use super::layout::MARKER;
use crate::files;
use std::path::{Path, PathBuf};

const MARKER_TEXT: &str = "Cartella generata da «manuale costruisci». Viene sostituita per intero a ogni build: non metterci altri file.\n";

/// A hash of bytes (a file's, as a [`stamp`] lists it; a page's text),
/// to tell a change within one program.
pub(super) fn bytes_hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// A folder's stamp: what it was made from (`fingerprint`), then each of
/// its files (relative, `/`-separated) with the hash of its bytes, so that
/// a later build can take the folder as it is ([`Folder::reuse_dir`]).
pub(super) fn stamp(fingerprint: &str, mut files: Vec<(String, u64)>) -> String {
    files.sort();
    let mut out = format!("{fingerprint}\n");
    for (name, hash) in files {
        out.push_str(&format!("{hash:016x} {name}\n"));
    }
    out
}

/// A file's bytes as they are made, kept in blocks of 1 MiB that are never
/// moved, for [`Folder::write_parts`]: a large file (a national map's
/// `processi.json` is over 100 MB) made in one Vec doubled it as it grew,
/// holding up to twice its size, and three times while each doubling
/// copied it.
#[derive(Default)]
pub(super) struct Blocks {
    blocks: Vec<Vec<u8>>,
}

impl Blocks {
    const SIZE: usize = 1 << 20;

    /// The blocks, in order.
    pub(super) fn parts(&self) -> Vec<&[u8]> {
        self.blocks.iter().map(Vec::as_slice).collect()
    }
}

impl std::io::Write for Blocks {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The common case, most of serde_json's writes: a few bytes into
        // the block being filled.
        if let Some(b) = self.blocks.last_mut() {
            if b.capacity() - b.len() >= buf.len() {
                b.extend_from_slice(buf);
                return Ok(buf.len());
            }
        }
        self.write_across(buf);
        Ok(buf.len())
    }

    /// Every write takes the whole buffer.
    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.write(buf).map(|_| ())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Blocks {
    /// [`Blocks::write`] of bytes that fill the block being filled and go
    /// on in new ones.
    #[cold]
    fn write_across(&mut self, buf: &[u8]) {
        let mut rest = buf;
        while !rest.is_empty() {
            let block = match self.blocks.last_mut() {
                Some(b) if b.len() < b.capacity() => b,
                _ => {
                    self.blocks.push(Vec::with_capacity(Self::SIZE));
                    let last = self.blocks.len() - 1;
                    &mut self.blocks[last]
                }
            };
            let take = (block.capacity() - block.len()).min(rest.len());
            block.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
        }
    }
}

/// Where a render writes.
pub(super) struct Folder {
    root: PathBuf,
    /// Files replace those of a site being served: each goes through a
    /// temporary name.
    in_place: bool,
    /// The site this staged one will replace: a file whose bytes are those
    /// of the same file there is linked to it, not written again.
    previous: Option<PathBuf>,
}

impl Folder {
    /// A new, empty staging folder beside `output`, holding the marker.
    pub(super) fn stage(output: &Path) -> Result<Folder, BuildError> {
        let parent = parent_of(output);
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        // A random name, created exclusively, private to the user.
        let root =
            files::private_dir(parent, &leftover_prefix(output, "tmp")).map_err(io(parent))?;
        let folder = Folder {
            root,
            in_place: false,
            previous: is_built(output).then(|| output.to_path_buf()),
        };
        if let Err(e) = folder.write(Path::new(MARKER), MARKER_TEXT.as_bytes()) {
            folder.discard();
            return Err(e);
        }
        Ok(folder)
    }

    /// An existing folder to write new files into, outside any site.
    pub(super) fn plain(root: &Path) -> Folder {
        Folder {
            root: root.to_path_buf(),
            in_place: false,
            previous: None,
        }
    }

    /// The site already in `output`, to replace some of its files.
    pub(super) fn in_place(output: &Path) -> Folder {
        Folder {
            root: output.to_path_buf(),
            in_place: true,
            previous: None,
        }
    }

    /// The path of `rel` in the folder.
    pub(super) fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }

    /// Creates the folder `rel` and those above it, up to the folder's
    /// root and never the root itself: a site removed meanwhile (`serve`
    /// stopping while the search index is written into its preview) is
    /// not brought back by a late write, which fails instead.
    pub(super) fn create_dir(&self, rel: impl AsRef<Path>) -> Result<PathBuf, BuildError> {
        let rel = rel.as_ref();
        let dir = self.path(rel);
        if dir.is_dir() {
            return Ok(dir);
        }
        let mut at = self.root.clone();
        for part in rel.components() {
            if let std::path::Component::Normal(name) = part {
                at.push(name);
                match std::fs::create_dir(&at) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && at.is_dir() => {}
                    Err(e) => return Err(io(&at)(e)),
                }
            }
        }
        Ok(dir)
    }

    /// Writes a file whose folder exists. In a staged site, a file the
    /// previous site has with the same bytes is hard-linked to it instead:
    /// a build with little changed creates few new files (creating files
    /// is most of a large build's time on a disk) and gives the same bytes.
    /// Files are never changed in place afterwards (`serve` replaces them
    /// through a new name), so the two sites never see each other's edits.
    pub(super) fn write(&self, rel: impl AsRef<Path>, bytes: &[u8]) -> Result<(), BuildError> {
        self.write_parts(rel, &[bytes])
    }

    /// [`Folder::write`] of a file given in parts, one after the other (the
    /// page of the whole manual, never joined in memory).
    pub(super) fn write_parts(
        &self,
        rel: impl AsRef<Path>,
        parts: &[&[u8]],
    ) -> Result<(), BuildError> {
        let rel = rel.as_ref();
        let path = self.path(rel);
        if self.in_place {
            return files::write_atomic_parts(&path, parts).map_err(io(&path));
        }
        if let Some(previous) = &self.previous {
            let old = previous.join(rel);
            if same_bytes(&old, parts) && std::fs::hard_link(&old, &path).is_ok() {
                return Ok(());
            }
        }
        files::write_parts(&path, parts).map_err(io(&path))
    }

    /// In a staged site, when the previous site's `stamp` (see [`stamp`])
    /// was made for `fingerprint` and every file of its folder `rel` still
    /// has the bytes it lists: the folder is linked here file by file, and
    /// the answer is true. False, with nothing left behind, otherwise (no
    /// previous site, another fingerprint, a file changed, added or
    /// missing, a link that fails): then the folder is to be written.
    pub(super) fn reuse_dir(
        &self,
        rel: &Path,
        stamp: &Path,
        fingerprint: &str,
    ) -> Result<bool, BuildError> {
        let Some(previous) = self.previous.as_ref().filter(|_| !self.in_place) else {
            return Ok(false);
        };
        let Ok(text) = std::fs::read_to_string(previous.join(stamp)) else {
            return Ok(false);
        };
        let mut lines = text.lines();
        if lines.next() != Some(fingerprint) {
            return Ok(false);
        }
        let listed: std::collections::BTreeMap<&str, &str> = lines
            .filter_map(|l| l.split_once(' ').map(|(h, n)| (n, h)))
            .collect();
        let (from, to) = (previous.join(rel), self.path(rel));
        let stamp_name = stamp.strip_prefix(rel).unwrap_or(stamp);
        let linked = (|| -> std::io::Result<bool> {
            let mut seen = 0;
            for entry in walkdir::WalkDir::new(&from).sort_by_file_name() {
                let entry = entry?;
                let rest = entry
                    .path()
                    .strip_prefix(&from)
                    .map_err(std::io::Error::other)?;
                let target = to.join(rest);
                let kind = entry.file_type();
                if kind.is_dir() {
                    std::fs::create_dir_all(&target)?;
                    continue;
                }
                if !kind.is_file() {
                    return Ok(false);
                }
                if rest != stamp_name {
                    let name = rest.to_string_lossy().replace('\\', "/");
                    let bytes = std::fs::read(entry.path())?;
                    let hash = format!("{:016x}", bytes_hash(&bytes));
                    if listed.get(name.as_str()) != Some(&hash.as_str()) {
                        return Ok(false);
                    }
                    seen += 1;
                }
                std::fs::hard_link(entry.path(), &target)?;
            }
            Ok(seen == listed.len())
        })();
        if !matches!(linked, Ok(true)) {
            match std::fs::remove_dir_all(&to) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&to)(e)),
                _ => return Ok(false),
            }
        }
        Ok(true)
    }

    /// Writes the folder `rel` anew with `fill`: in a staged site, directly;
    /// in a site being served, in a hidden folder beside it, then swapped
    /// in whole (a search index is many files that must change together).
    pub(super) fn replace_dir(
        &self,
        rel: &str,
        fill: impl FnOnce(&Folder) -> Result<(), BuildError>,
    ) -> Result<(), BuildError> {
        if !self.in_place {
            return fill(self);
        }
        let stage = files::private_dir(&self.root, ".manuale-tmp-").map_err(io(&self.root))?;
        let sub = Folder {
            root: stage.clone(),
            in_place: false,
            previous: None,
        };
        let swapped = fill(&sub).and_then(|()| {
            let (new, old) = (stage.join(rel), self.root.join(rel));
            if !old.exists() {
                return std::fs::rename(&new, &old).map_err(io(&old));
            }
            if exchange(&new, &old).is_ok() {
                return Ok(());
            }
            let aside = stage.join(".vecchia");
            std::fs::rename(&old, &aside).map_err(io(&old))?;
            std::fs::rename(&new, &old).map_err(io(&old))
        });
        let _ = std::fs::remove_dir_all(&stage);
        swapped
    }

    /// Puts a staged site in place as `output`, with the permissions of the
    /// folder it replaces (readable by all for a new one), and removes the
    /// site it replaces.
    pub(super) fn publish(self, output: &Path) -> Result<(), BuildError> {
        check(output)?;
        set_permissions_like(&self.root, output)?;
        // The swap itself reaches the disk with the folder that holds it.
        let durable = || {
            let _ = files::sync_dir(parent_of(output));
        };
        if !output.exists() {
            std::fs::rename(&self.root, output).map_err(io(output))?;
            durable();
            return Ok(());
        }
        // One atomic exchange: `output` is the old site, then the new one.
        if exchange(&self.root, output).is_ok() {
            durable();
            // The staging folder now holds the old site, ours (checked).
            return remove_site(&self.root).map_err(io(&self.root));
        }
        // Two renames; a kill between them is mended by `clear_leftovers`.
        let old = files::sibling(output, "old");
        std::fs::rename(output, &old).map_err(io(output))?;
        if let Err(e) = std::fs::rename(&self.root, output) {
            let _ = std::fs::rename(&old, output);
            return Err(io(output)(e));
        }
        remove_site(&old).map_err(io(&old))
    }

    /// Flushes the staged site to the disk.
    pub(super) fn sync(&self) -> Result<(), BuildError> {
        files::sync_filesystem(&self.root).map_err(io(&self.root))
    }

    /// Removes a staged site that failed.
    pub(super) fn discard(self) {
        if !self.in_place {
            let _ = remove_site(&self.root);
        }
    }
}

/// True when `path` is a regular file (not a link) holding `bytes`.
fn same_bytes(path: &Path, parts: &[&[u8]]) -> bool {
    use std::io::Read;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if !meta.is_file() || meta.len() != len as u64 {
        return false;
    }
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    // Read in pieces: the old page of the whole manual is not loaded whole
    // beside the new one.
    let mut old = vec![0; len.min(1 << 16)];
    for part in parts {
        for piece in part.chunks(old.len().max(1)) {
            let old = &mut old[..piece.len()];
            if file.read_exact(old).is_err() || old != piece {
                return false;
            }
        }
    }
    true
}

/// Removes a site this tool built, its marker last: a build killed while
/// removing it leaves a folder that still says it is ours, which the next
/// build clears (removing the marker first left one it would never touch).
fn remove_site(dir: &Path) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if entry.file_name() == MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    match std::fs::remove_file(dir.join(MARKER)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::remove_dir(dir)
}

/// Swaps two folders atomically (Linux's `renameat2(RENAME_EXCHANGE)`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Elsewhere there is no exchange: [`Folder::publish`] renames twice.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Gives `dir` the permissions of `like`, or `rwxr-xr-x` when `like` does
/// not exist: a preview stays private, a published site readable.
#[cfg(unix)]
fn set_permissions_like(dir: &Path, like: &Path) -> Result<(), BuildError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(like).map_or(0o755, |m| m.permissions().mode() & 0o7777);
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).map_err(io(dir))
}

/// Elsewhere the folder keeps what the system gave it.
#[cfg(not(unix))]
fn set_permissions_like(_dir: &Path, _like: &Path) -> Result<(), BuildError> {
    Ok(())
}

/// The folder `output` lives in.
fn parent_of(output: &Path) -> &Path {
    output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// `.NAME.manuale-WHAT-`: how the folders a build leaves beside `output`
/// start (`tmp` for a site being built, `old` for one being replaced).
fn leftover_prefix(output: &Path, what: &str) -> String {
    let name = output
        .file_name()
        .map_or_else(|| "book".into(), |n| n.to_string_lossy().into_owned());
    format!(".{name}.manuale-{what}-")
}

/// Clears what an interrupted build left beside `output`: a staging folder
/// is removed; a site moved aside by a build killed between its two
/// renames is put back if `output` is missing, removed otherwise. Only
/// folders with the marker (or empty) are touched. Returns what it did, to
/// say so.
pub(super) fn clear_leftovers(output: &Path) -> Result<Vec<String>, BuildError> {
    let parent = parent_of(output);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(Vec::new());
    };
    let (tmp, old) = (
        leftover_prefix(output, "tmp"),
        leftover_prefix(output, "old"),
    );
    let mut notes = Vec::new();
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&tmp) || n.starts_with(&old))
        })
        .collect();
    found.sort();
    for path in found {
        let ours = path.join(MARKER).is_file()
            || std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none());
        if !path.is_dir() || !ours {
            notes.push(format!(
                "{}: sembra lasciata da una build interrotta ma non contiene {MARKER}: non la tocco",
                path.display()
            ));
            continue;
        }
        let is_old = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(&old));
        if is_old && !output.exists() && path.join(MARKER).is_file() {
            std::fs::rename(&path, output).map_err(io(output))?;
            notes.push(format!(
                "{}: una build interrotta aveva spostato il sito: rimesso al suo posto",
                output.display()
            ));
        } else {
            remove_site(&path).map_err(io(&path))?;
            notes.push(format!(
                "{}: tolta la copia lasciata da una build interrotta",
                path.display()
            ));
        }
    }
    Ok(notes)
}

/// `path` may be replaced if it does not exist, is empty, or holds the marker.
pub(super) fn check(path: &Path) -> Result<(), BuildError> {
    match std::fs::read_dir(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if path.exists() && !path.is_dir() => Err(BuildError::NotAFolder {
            path: path.to_path_buf(),
        }),
        Err(e) => Err(io(path)(e)),
        Ok(mut entries) => {
            if path.join(MARKER).is_file() || entries.next().is_none() {
                Ok(())
            } else {
                Err(BuildError::Foreign {
                    path: path.to_path_buf(),
                })
            }
        }
    }
}

/// True when `path` holds a site this tool built.
pub(super) fn is_built(path: &Path) -> bool {
    path.join(MARKER).is_file()
}

#[cfg(test)]
mod tests {
    use super::{Blocks, Folder};

    /// What is written in pieces of every size, across the blocks'
    /// boundaries, comes out whole and in order, each block filled before
    /// the next is started.
    #[test]
    fn blocks_keep_the_bytes_in_order() {
        use std::io::Write;
        let bytes: Vec<u8> = (0..3 * Blocks::SIZE + 12_345)
            .map(|i| (i % 251) as u8)
            .collect();
        let mut blocks = Blocks::default();
        let mut rest = &bytes[..];
        let mut size = 1;
        while !rest.is_empty() {
            let take = size.min(rest.len());
            blocks.write_all(&rest[..take]).unwrap();
            rest = &rest[take..];
            size = size * 7 % 1_000_003 + 1;
        }
        blocks.write_all(&[]).unwrap();
        let parts = blocks.parts();
        assert_eq!(parts.len(), 4);
        assert!(parts[..3].iter().all(|p| p.len() >= Blocks::SIZE));
        assert_eq!(parts.concat(), bytes);
    }

    /// A site removed while something is still written into it (`serve`
    /// stopping while the search index settles) stays removed: the late
    /// write fails instead of making the folder again.
    #[test]
    fn a_removed_site_is_not_made_again_by_a_late_write() {
        let base = tempfile::tempdir().expect("a temporary folder");
        let site = base.path().join("anteprima");
        std::fs::create_dir(&site).expect("the site folder");
        let folder = Folder::in_place(&site);
        folder
            .create_dir("ricerca/pagefind")
            .expect("folders below an existing site");
        assert!(site.join("ricerca/pagefind").is_dir());
        std::fs::remove_dir_all(&site).expect("the site removed");
        assert!(folder.create_dir("ricerca/pagefind/fragment").is_err());
        assert!(folder.write("ricerca/pagefind/x", b"x").is_err());
        assert!(!site.exists(), "the removed site came back");
    }
}
