//! The output folder: a full build is written into a staging folder beside
//! the target and swapped into place when complete, so the target is always
//! a whole site, the old or the new; a partial update (`serve`) replaces
//! files of the site in place, each atomically. A folder that `manuale`
//! did not create (no marker file, not empty) is never replaced.

use super::error::{io, BuildError};
use super::layout::MARKER;
use crate::files;
use std::path::{Path, PathBuf};

const MARKER_TEXT: &str = "Cartella generata da «manuale build». Viene sostituita per intero a ogni build: non metterci altri file.\n";

/// Where a render writes.
pub(super) struct Folder {
    root: PathBuf,
    /// Files replace those of a site being served: each goes through a
    /// temporary name.
    in_place: bool,
}

impl Folder {
    /// A new, empty staging folder beside `output`, holding the marker.
    pub(super) fn stage(output: &Path) -> Result<Folder, BuildError> {
        let root = files::sibling(output, "tmp");
        if root.exists() {
            std::fs::remove_dir_all(&root).map_err(io(&root))?;
        }
        std::fs::create_dir_all(&root).map_err(io(&root))?;
        let folder = Folder {
            root,
            in_place: false,
        };
        folder.write(Path::new(MARKER), MARKER_TEXT.as_bytes())?;
        Ok(folder)
    }

    /// The site already in `output`, to replace some of its files.
    pub(super) fn in_place(output: &Path) -> Folder {
        Folder {
            root: output.to_path_buf(),
            in_place: true,
        }
    }

    /// The path of `rel` in the folder.
    pub(super) fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }

    /// Creates the folder `rel` and those above it.
    pub(super) fn create_dir(&self, rel: impl AsRef<Path>) -> Result<PathBuf, BuildError> {
        let dir = self.path(rel);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        Ok(dir)
    }

    /// Writes a file whose folder exists.
    pub(super) fn write(&self, rel: impl AsRef<Path>, bytes: &[u8]) -> Result<(), BuildError> {
        let path = self.path(rel);
        if self.in_place {
            files::write_atomic(&path, bytes).map_err(io(&path))
        } else {
            std::fs::write(&path, bytes).map_err(io(&path))
        }
    }

    /// Moves a staged site into place as `output`, then removes the site
    /// it replaces.
    pub(super) fn publish(self, output: &Path) -> Result<(), BuildError> {
        check(output)?;
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let old = files::sibling(output, "old");
        let had_old = output.exists();
        if had_old {
            std::fs::rename(output, &old).map_err(io(output))?;
        }
        if let Err(e) = std::fs::rename(&self.root, output) {
            if had_old {
                let _ = std::fs::rename(&old, output);
            }
            return Err(io(output)(e));
        }
        if had_old {
            // Only a folder that was ours (marker or empty) got here.
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        Ok(())
    }

    /// Removes a staged site that failed.
    pub(super) fn discard(self) {
        if !self.in_place {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// `path` may be replaced if it does not exist, is empty, or holds the marker.
pub(super) fn check(path: &Path) -> Result<(), BuildError> {
    match std::fs::read_dir(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if path.is_file() => Err(BuildError::Foreign {
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
