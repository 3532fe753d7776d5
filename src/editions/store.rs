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
    #[error("non ci sono pagine da registrare: esegui prima «manuale importa»")]
    Empty,
    #[error("--atto è vuoto: scrivi l'atto che ha adottato la mappatura, per esempio «Delibera di Giunta n. 12 del 28/01/2026»")]
    NoAct,
    #[error("--atto «{0}»: contiene un carattere di controllo (un a capo, una tabulazione, un codice del terminale): scrivi l'atto su una riga, per esempio «Delibera di Giunta n. 12 del 28/01/2026»")]
    ActControl(String),
    #[error("--atto: {0} caratteri sono troppi per il nome di un atto (al massimo 500)")]
    ActTooLong(usize),
    #[error("--url «{url}»: {why}. Nessuna edizione è stata registrata.")]
    BadUrl { url: String, why: String },
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
    #[error(
        "--data {date}: è una data futura (oggi è il {today}). Un'edizione si registra quando la \
         mappatura è adottata: controlla l'anno. Se la data è proprio questa, rilancia con --forza-data."
    )]
    Future { date: String, today: String },
    #[error(
        "--data {date}: non viene dopo l'ultima edizione, del {newest}. Le edizioni si registrano \
         in ordine: una data precedente rovescerebbe la storia delle modifiche. Controlla la data; \
         se è proprio questa, rilancia con --forza-data."
    )]
    NotAfterNewest { date: String, newest: String },
    #[error("{path}: i dati aperti dell'edizione non si possono scrivere: {message}. Nessuna edizione è stata registrata.")]
    Files { path: PathBuf, message: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> EditionError + '_ {
    move |source| EditionError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What the folder of an edition holds besides its record (the open data
/// of the map it adopted, which the site then publishes as they are):
/// written into the folder being prepared, before it is put in place.
pub type Files<'a> = &'a dyn Fn(&Content, &Edition, &Path) -> Result<(), String>;

/// How `manuale edizione` may record an edition.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Accept a date after today, or not after the newest edition
    /// (`--forza-data`).
    pub any_date: bool,
}

/// Records the map of `content` as the edition `info` of the book: written
/// in a hidden folder, each file flushed to the disk, then renamed into
/// `editions/DATE` in one step (which fails if that edition exists). A
/// failed freeze leaves no edition.
pub fn freeze(
    book: &Path,
    info: Info,
    content: &Content,
    options: Options,
    files: Files<'_>,
) -> Result<Edition, EditionError> {
    let date = Date::parse(&info.data).ok_or_else(|| EditionError::BadDate(info.data.clone()))?;
    let info = Info {
        data: date.to_string(),
        atto: info.atto.trim().to_string(),
        atto_url: info.atto_url.filter(|u| !u.trim().is_empty()),
    };
    if info.atto.is_empty() {
        return Err(EditionError::NoAct);
    }
    if info
        .atto
        .chars()
        .any(|c| c.is_control() || crate::text::is_bidi_control(c))
    {
        return Err(EditionError::ActControl(crate::text::one_line_safe(
            &info.atto,
        )));
    }
    let length = info.atto.chars().count();
    if length > 500 {
        return Err(EditionError::ActTooLong(length));
    }
    if let Some(url) = &info.atto_url {
        if let Some(why) = crate::config::url::problem(url, crate::config::url::Kind::Web) {
            return Err(EditionError::BadUrl {
                url: crate::text::one_line_safe(url),
                why,
            });
        }
    }
    let dir = book.join(DIR);
    let target = dir.join(&info.data);
    if target.exists() {
        return Err(EditionError::Exists {
            path: target,
            date: date.italian(),
        });
    }
    if !options.any_date {
        check_date(book, date)?;
    }
    let entries = entries_of_content(content);
    if entries.is_empty() {
        return Err(EditionError::Empty);
    }
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let stage =
        crate::files::private_dir(&dir, &format!(".{}{STAGE_TAG}", info.data)).map_err(io(&dir))?;
    let mut edition = Edition {
        info,
        entries,
        dir: None,
    };
    let write = || -> Result<(), EditionError> {
        let info = &edition.info;
        let toml = toml::to_string_pretty(info).map_err(|e| EditionError::Malformed {
            path: stage.join(INFO),
            message: e.to_string(),
        })?;
        let info_path = stage.join(INFO);
        crate::files::write_synced(
            &info_path,
            format!("# Edizione della mappatura registrata da «manuale edizione»: non modificarla.\n{toml}").as_bytes(),
        )
        .map_err(io(&info_path))?;
        let list: Vec<&Entry> = edition.entries.values().collect();
        let json = serde_json::to_string_pretty(&list).map_err(|e| EditionError::Malformed {
            path: stage.join(MAP),
            message: e.to_string(),
        })?;
        let map_path = stage.join(MAP);
        crate::files::write_synced(&map_path, (json + "\n").as_bytes()).map_err(io(&map_path))?;
        files(content, &edition, &stage).map_err(|message| EditionError::Files {
            path: stage.clone(),
            message,
        })?;
        // What `files` wrote reaches the disk before the folder is named.
        for entry in std::fs::read_dir(&stage).map_err(io(&stage))? {
            let path = entry.map_err(io(&stage))?.path();
            std::fs::File::open(&path)
                .and_then(|f| crate::files::sync_file(&f))
                .map_err(io(&path))?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&stage, std::fs::Permissions::from_mode(0o755))
                .map_err(io(&stage))?;
        }
        crate::files::sync_dir(&stage).map_err(io(&stage))?;
        // A folder that appeared meanwhile is not replaced: rename onto an
        // existing non-empty folder fails.
        if target.exists() {
            return Err(EditionError::Exists {
                path: target.clone(),
                date: date.italian(),
            });
        }
        std::fs::rename(&stage, &target).map_err(io(&target))?;
        crate::files::sync_dir(&dir).map_err(io(&dir))
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_dir_all(&stage);
        return Err(e);
    }
    edition.dir = Some(target);
    Ok(edition)
}

/// What the name of the folder an edition is prepared in holds, after a
/// dot and its date.
const STAGE_TAG: &str = ".manuale-tmp-";

/// An edition's date must be a day that came (one day's grace: the clock
/// is UTC, the chamber's day may have begun) and after the newest edition:
/// a slip of the keyboard (2207 for 2027) would take the real edition off
/// the site, a date before the newest would turn its history around.
fn check_date(book: &Path, date: Date) -> Result<(), EditionError> {
    let today = Date::from_system_time(std::time::SystemTime::now());
    if date > today.next_day() {
        return Err(EditionError::Future {
            date: date.to_string(),
            today: today.italian(),
        });
    }
    if let Some(newest) = load(book)?.last() {
        if date <= newest.date() {
            return Err(EditionError::NotAfterNewest {
                date: date.to_string(),
                newest: newest.date().italian(),
            });
        }
    }
    Ok(())
}

/// Removes the folders that an `edizione` killed before it finished left
/// in `editions/` (a hidden name with its date and [`STAGE_TAG`]); says
/// which. To be called with `content/` locked, so that no `edizione` is
/// preparing one.
pub fn clear_leftovers(book: &Path) -> Vec<String> {
    let dir = book.join(DIR);
    let Ok(list) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut notes = Vec::new();
    for entry in list.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name
            .strip_prefix('.')
            .and_then(|rest| rest.split_once(STAGE_TAG))
            .is_some_and(|(date, _)| Date::parse(date).is_some());
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if ours && is_dir && std::fs::remove_dir_all(entry.path()).is_ok() {
            notes.push(format!(
                "{}: tolta la cartella lasciata da un'edizione interrotta (non era stata registrata)",
                entry.path().display()
            ));
        }
    }
    notes
}

/// Records the map now in the book's `content/` (read under its lock, after
/// mending an interrupted import) as the edition `info`; returns it with
/// what was mended on the way.
pub fn freeze_book(
    book: &Path,
    info: Info,
    options: Options,
    files: Files<'_>,
) -> Result<(Edition, Vec<String>), EditionError> {
    let dir = book.join("content");
    let lock = crate::content::Lock::take(&dir, "edizione")?;
    let mut notes: Vec<String> = crate::content::recover(&lock)?
        .map(|r| r.to_string())
        .into_iter()
        .collect();
    notes.extend(clear_leftovers(book));
    let content = crate::content::load(&dir)?;
    freeze(book, info, &content, options, files).map(|e| (e, notes))
}

/// The largest `mappa.json` read: about 4 KB for each of 30,000
/// processes, author text included. A bigger one is not an edition
/// `manuale` wrote, and reading it would take gigabytes.
const MAX_MAP: u64 = 128 << 20;

/// A file of an edition as text: a regular file, of at most `max` bytes.
fn read_text(path: &Path, max: u64) -> Result<String, EditionError> {
    let bytes = crate::files::read_regular(path, max).map_err(io(path))?;
    String::from_utf8(bytes).map_err(|_| EditionError::Malformed {
        path: path.to_path_buf(),
        message: "il file non è testo UTF-8".into(),
    })
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
        let text = read_text(&info_path, crate::config::MAX_FILE)?;
        let info: Info = toml::from_str(&text).map_err(|e| EditionError::Malformed {
            path: info_path.clone(),
            message: crate::toml_messages::italian(e.message()),
        })?;
        if info.data != name {
            return Err(bad(format!(
                "la data nel file ({}) non è quella della cartella",
                info.data
            )));
        }
        let map_path = path.join(MAP);
        let text = read_text(&map_path, MAX_MAP)?;
        let list: Vec<Entry> =
            serde_json::from_str(&text).map_err(|e| EditionError::Malformed {
                path: map_path.clone(),
                message: format!("riga {}: {e}", e.line()),
            })?;
        let entries: BTreeMap<Code, Entry> =
            list.into_iter().map(|e| (e.code.clone(), e)).collect();
        editions.push(Edition {
            info,
            entries,
            dir: Some(path.clone()),
        });
    }
    editions.sort_by(|a, b| a.info.data.cmp(&b.info.data));
    Ok(editions)
}
