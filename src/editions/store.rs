//! The editions folder of a book: recording an edition (atomically, never
//! over another) and reading them all back, oldest first.

use super::model::{entries_of_content, Edition, Entry, Info};
use crate::code::Code;
use crate::content::Content;
use crate::date::Date;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The folder of the editions, in the book.
pub const DIR: &str = "editions";
const INFO: &str = "edizione.toml";
const MAP: &str = "mappa.json";

#[derive(Debug, thiserror::Error)]
pub enum EditionError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: edizione illeggibile: {message}")]
    Malformed { path: PathBuf, message: String },
    #[error("--data «{0}»: serve la data di adozione come «2026-01-28»")]
    BadDate(String),
    #[error(
        "{path}: c'è già un'edizione del {date}: le edizioni registrate non cambiano. Se l'atto è \
         un altro, registrala con la sua data."
    )]
    Exists { path: PathBuf, date: String },
    #[error("non ci sono pagine da registrare: esegui prima «manuale import»")]
    Empty,
    #[error("--atto è vuoto: scrivi l'atto che ha adottato la mappatura, per esempio «Delibera di Giunta n. 12 del 28/01/2026»")]
    NoAct,
    #[error(transparent)]
    Content(#[from] crate::content::ContentError),
    #[error(transparent)]
    Read(#[from] crate::reading::ReadError),
    #[error("{book}: non c'è un'edizione del {date}: le edizioni sono {list}")]
    NoSuch {
        book: PathBuf,
        date: String,
        list: String,
    },
    #[error("{0}: non ci sono edizioni registrate con cui confrontare: registrane una con «manuale edizione»")]
    NoEditions(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> EditionError + '_ {
    move |source| EditionError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Records the map of `content` as the edition `info` of the book: written
/// in a hidden folder, then renamed into `editions/DATE` in one step (which
/// fails if that edition exists). A failed freeze leaves no edition.
pub fn freeze(book: &Path, info: Info, content: &Content) -> Result<Edition, EditionError> {
    let date = Date::parse(&info.data).ok_or_else(|| EditionError::BadDate(info.data.clone()))?;
    let info = Info {
        data: date.to_string(),
        atto: info.atto.trim().to_string(),
        atto_url: info.atto_url.filter(|u| !u.trim().is_empty()),
    };
    if info.atto.is_empty() {
        return Err(EditionError::NoAct);
    }
    let entries = entries_of_content(content);
    if entries.is_empty() {
        return Err(EditionError::Empty);
    }
    let dir = book.join(DIR);
    let target = dir.join(&info.data);
    if target.exists() {
        return Err(EditionError::Exists {
            path: target,
            date: date.italian(),
        });
    }
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let stage = crate::files::private_dir(&dir, &format!(".{}.manuale-tmp-", info.data))
        .map_err(io(&dir))?;
    let write = || -> Result<(), EditionError> {
        let toml = toml::to_string_pretty(&info).map_err(|e| EditionError::Malformed {
            path: stage.join(INFO),
            message: e.to_string(),
        })?;
        std::fs::write(stage.join(INFO), format!("# Edizione della mappatura registrata da «manuale edizione»: non modificarla.\n{toml}"))
            .map_err(io(&stage.join(INFO)))?;
        let list: Vec<&Entry> = entries.values().collect();
        let json = serde_json::to_string_pretty(&list).map_err(|e| EditionError::Malformed {
            path: stage.join(MAP),
            message: e.to_string(),
        })?;
        std::fs::write(stage.join(MAP), json + "\n").map_err(io(&stage.join(MAP)))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&stage, std::fs::Permissions::from_mode(0o755))
                .map_err(io(&stage))?;
        }
        // A folder that appeared meanwhile is not replaced: rename onto an
        // existing non-empty folder fails.
        if target.exists() {
            return Err(EditionError::Exists {
                path: target.clone(),
                date: date.italian(),
            });
        }
        std::fs::rename(&stage, &target).map_err(io(&target))
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_dir_all(&stage);
        return Err(e);
    }
    Ok(Edition { info, entries })
}

/// Records the map now in the book's `content/` (read under its lock, after
/// mending an interrupted import) as the edition `info`.
pub fn freeze_book(book: &Path, info: Info) -> Result<Edition, EditionError> {
    let dir = book.join("content");
    let lock = crate::content::Lock::take(&dir, "edizione")?;
    crate::content::recover(&lock)?;
    let content = crate::content::load(&dir)?;
    freeze(book, info, &content)
}

/// Every edition of the book, oldest first; none when there is no folder.
pub fn load(book: &Path) -> Result<Vec<Edition>, EditionError> {
    let dir = book.join(DIR);
    let Ok(list) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut editions = Vec::new();
    for entry in list {
        let entry = entry.map_err(io(&dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.path().is_dir() {
            continue;
        }
        let path = entry.path();
        let bad = |message: String| EditionError::Malformed {
            path: path.clone(),
            message,
        };
        if Date::parse(&name).is_none() {
            return Err(bad(
                "il nome della cartella di un'edizione è la sua data, come «2026-01-28»".into(),
            ));
        }
        let info_path = path.join(INFO);
        let text = std::fs::read_to_string(&info_path).map_err(io(&info_path))?;
        let info: Info = toml::from_str(&text).map_err(|e| EditionError::Malformed {
            path: info_path.clone(),
            message: e.message().to_string(),
        })?;
        if info.data != name {
            return Err(bad(format!(
                "la data nel file ({}) non è quella della cartella",
                info.data
            )));
        }
        let map_path = path.join(MAP);
        let text = std::fs::read_to_string(&map_path).map_err(io(&map_path))?;
        let list: Vec<Entry> =
            serde_json::from_str(&text).map_err(|e| EditionError::Malformed {
                path: map_path.clone(),
                message: format!("riga {}: {e}", e.line()),
            })?;
        let entries: BTreeMap<Code, Entry> =
            list.into_iter().map(|e| (e.code.clone(), e)).collect();
        editions.push(Edition { info, entries });
    }
    editions.sort_by(|a, b| a.info.data.cmp(&b.info.data));
    Ok(editions)
}
