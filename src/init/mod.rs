//! `manuale nuovo`: a new book for another chamber, from an installed binary:
//! a commented `book.toml` that asks for the chamber's settings, an empty
//! `content/`, a theme folder of its own to override the default one file by
//! file, and the chamber's sheet in `data/` when one is given. Importing it
//! is the caller's next step ([`crate::import`]). Nothing is written into a
//! folder that is not empty.

use crate::config;
use std::path::{Path, PathBuf};

/// The `book.toml` of a new book, with `{{CHAMBER}}`, `{{SHEET}}` and
/// `{{THEME}}` to fill.
const BOOK_TOML: &str = include_str!("book.toml");
/// The folder of the book's own theme.
const THEME: &str = "ente";
const THEME_README: &str = "Il tema di questo manuale.\n\nIl tema predefinito è dentro manuale: qui si mettono solo i file che lo\ncambiano, con lo stesso nome. Un modello in templates/ (per esempio\ntemplates/base.html, o templates/header.html per la sola intestazione)\nsostituisce quello predefinito; un file in static/ (per esempio\nstatic/style.css) sostituisce o aggiunge un file del sito, sotto assets/.\nI modelli predefiniti sono nel repository di manuale, in themes/default/.\n";

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{path}: la cartella esiste e non è vuota: «manuale nuovo» crea un manuale nuovo solo in una cartella nuova o vuota, per non toccare file che ci sono già.")]
    NotEmpty { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("--ente «{name}»: il nome dell'ente va scritto su una riga, senza a capo, tabulazioni o caratteri di controllo (trovato U+{code:04X}). Nessun manuale è stato creato.")]
    Chamber { name: String, code: u32 },
    #[error("{path}: il foglio non si trova: {source}")]
    Sheet {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What to create.
#[derive(Debug, Clone)]
pub struct Options {
    pub dir: PathBuf,
    /// The chamber's sheet, copied into `data/`.
    pub sheet: Option<PathBuf>,
    /// The chamber's name.
    pub chamber: Option<String>,
}

/// What `init` made.
#[derive(Debug)]
pub struct Created {
    pub dir: PathBuf,
    /// The sheet as `book.toml` names it, relative to the book.
    pub sheet: Option<PathBuf>,
}

/// The error of an I/O failure on `path`.
fn io(path: &Path) -> impl FnOnce(std::io::Error) -> InitError {
    let path = path.to_path_buf();
    move |source| InitError::Io { path, source }
}

/// Creates the book: first beside `dir`, in a folder of its own, then moved
/// into place whole, so that a failed `init` (a sheet that is not there, a
/// full disk) leaves nothing that would block trying again.
pub fn run(opts: &Options) -> Result<Created, InitError> {
    let dir = &opts.dir;
    let chamber = match &opts.chamber {
        Some(c) => {
            let c = c.trim();
            if let Some(bad) = c
                .chars()
                .find(|&ch| ch.is_control() || crate::text::is_bidi_control(ch))
            {
                return Err(InitError::Chamber {
                    name: crate::text::one_line_safe(c),
                    code: u32::from(bad),
                });
            }
            c.to_string()
        }
        None => String::new(),
    };
    let chamber = if chamber.is_empty() {
        "Camera di commercio di …".to_string()
    } else {
        chamber
    };
    let existed = match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(InitError::NotEmpty { path: dir.clone() });
            }
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(io(dir)(e)),
    };
    if let Some(from) = &opts.sheet {
        if let Err(source) = std::fs::metadata(from).and_then(|m| {
            if m.is_file() {
                Ok(())
            } else {
                Err(std::io::Error::other("non è un file"))
            }
        }) {
            return Err(InitError::Sheet {
                path: from.clone(),
                source,
            });
        }
    }
    // Beside the book, on the same disk, so that the move is a rename.
    let at = if existed {
        std::fs::canonicalize(dir).map_err(io(dir))?
    } else {
        dir.clone()
    };
    if let Some(parent) = at.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    clear_killed_stages(&at);
    let stage = crate::files::sibling(&at, "init");
    // Only a killed `init` with this process number left one.
    let _ = std::fs::remove_dir_all(&stage);
    std::fs::create_dir(&stage).map_err(io(&stage))?;
    let made = fill(opts, &chamber, &stage).and_then(|sheet| {
        place(&stage, &at, existed).map_err(io(dir))?;
        Ok(sheet)
    });
    let _ = std::fs::remove_dir_all(&stage);
    Ok(Created {
        dir: dir.clone(),
        sheet: made?,
    })
}

/// Removes what a killed `init` of the same folder left beside it: a
/// `.NAME.manuale-init-PID` folder whose process is gone and that holds
/// only what `init` writes. Anything else is left alone.
fn clear_killed_stages(at: &Path) {
    let stage = crate::files::sibling(at, "init");
    let (Some(parent), Some(own)) = (stage.parent(), stage.file_name()) else {
        return;
    };
    let own = own.to_string_lossy();
    let Some(prefix) = own.rsplit_once('-').map(|(p, _)| format!("{p}-")) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(&prefix)
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        let only_ours = std::fs::read_dir(entry.path()).is_ok_and(|d| {
            d.filter_map(Result::ok).all(|e| {
                matches!(
                    e.file_name().to_str(),
                    Some("book.toml" | "content" | "data" | "themes")
                )
            })
        });
        if !alive && only_ours && cfg!(target_os = "linux") {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Writes the new book into `stage`; returns the sheet as `book.toml`
/// names it.
fn fill(opts: &Options, chamber: &str, stage: &Path) -> Result<Option<PathBuf>, InitError> {
    let sheet_rel = match &opts.sheet {
        Some(from) => {
            let name = from.file_name().map_or_else(
                || "mappatura.tsv".into(),
                |n| n.to_string_lossy().into_owned(),
            );
            let rel = PathBuf::from("data").join(name);
            std::fs::create_dir_all(stage.join("data")).map_err(io(&stage.join("data")))?;
            std::fs::copy(from, stage.join(&rel)).map_err(|source| InitError::Sheet {
                path: from.clone(),
                source,
            })?;
            Some(rel)
        }
        None => None,
    };
    // Inside the template's double quotes: a TOML basic string's escapes.
    let toml_string = |s: &str| {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
                c => out.push(c),
            }
        }
        out
    };
    let sheet_name = sheet_rel.as_ref().map_or_else(
        || "data/mappatura-processi.xlsx".to_string(),
        |p| p.to_string_lossy().replace('\\', "/"),
    );
    let text = BOOK_TOML
        .replace("{{CHAMBER}}", &toml_string(chamber))
        .replace("{{SHEET}}", &toml_string(&sheet_name))
        .replace("{{THEME}}", THEME);
    let toml_path = stage.join(config::FILE_NAME);
    // What is written must read back: the user's next command reads it.
    config::Config::parse(&toml_path, &text).map_err(|e| InitError::Io {
        path: toml_path.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    std::fs::write(&toml_path, text).map_err(io(&toml_path))?;
    for sub in ["content", "data"] {
        std::fs::create_dir_all(stage.join(sub)).map_err(io(&stage.join(sub)))?;
    }
    let theme = stage.join("themes").join(THEME);
    for sub in ["templates", "static"] {
        std::fs::create_dir_all(theme.join(sub)).map_err(io(&theme.join(sub)))?;
    }
    std::fs::write(theme.join("LEGGIMI.txt"), THEME_README).map_err(io(&theme))?;
    Ok(sheet_rel)
}

/// Moves the staged book to `dir`: the whole folder when `dir` is new, its
/// entries when `dir` is the user's empty folder (kept, never removed).
fn place(stage: &Path, dir: &Path, existed: bool) -> std::io::Result<()> {
    if !existed {
        return std::fs::rename(stage, dir);
    }
    let mut moved = Vec::new();
    for entry in std::fs::read_dir(stage)? {
        let entry = entry?;
        let to = dir.join(entry.file_name());
        if let Err(e) = std::fs::rename(entry.path(), &to) {
            // Put back what was moved: the folder stays as empty as it was.
            for (from, to) in moved.into_iter().rev() {
                let _ = std::fs::rename(to, from);
            }
            return Err(e);
        }
        moved.push((entry.path(), to));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_book_toml_reads_with_the_chambers_name() {
        let text = BOOK_TOML
            .replace("{{CHAMBER}}", "Camera di commercio \\\"Alpi\\\"")
            .replace("{{SHEET}}", "data/m.xlsx")
            .replace("{{THEME}}", THEME);
        let c = config::Config::parse(Path::new("book.toml"), &text).unwrap();
        assert_eq!(c.ente.nome.as_deref(), Some("Camera di commercio \"Alpi\""));
        assert_eq!(c.source.file, Path::new("data/m.xlsx"));
        assert_eq!(c.book.theme, "ente");
        // It asks for what the chamber must fill in.
        assert!(c.ente.missing().len() >= 6);
    }
}
