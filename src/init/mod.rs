//! `manuale init`: a new book for another chamber, from an installed binary:
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
    #[error("{path}: la cartella esiste e non è vuota: «manuale init» crea un manuale nuovo solo in una cartella nuova o vuota, per non toccare file che ci sono già.")]
    NotEmpty { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
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

/// Creates the book.
pub fn run(opts: &Options) -> Result<Created, InitError> {
    let dir = &opts.dir;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Io { path, source }
    };
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(InitError::NotEmpty { path: dir.clone() });
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        Err(e) => return Err(io(dir)(e)),
    }
    let sheet_rel = match &opts.sheet {
        Some(from) => {
            let name = from.file_name().map_or_else(
                || "mappatura.tsv".into(),
                |n| n.to_string_lossy().into_owned(),
            );
            let rel = PathBuf::from("data").join(name);
            std::fs::create_dir_all(dir.join("data")).map_err(io(&dir.join("data")))?;
            std::fs::copy(from, dir.join(&rel)).map_err(|source| InitError::Sheet {
                path: from.clone(),
                source,
            })?;
            Some(rel)
        }
        None => None,
    };
    let chamber = opts
        .chamber
        .clone()
        .unwrap_or_else(|| "Camera di commercio di …".to_string());
    let toml_string = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let sheet_name = sheet_rel.as_ref().map_or_else(
        || "data/mappatura-processi.xlsx".to_string(),
        |p| p.display().to_string(),
    );
    let text = BOOK_TOML
        .replace("{{CHAMBER}}", &toml_string(&chamber))
        .replace("{{SHEET}}", &toml_string(&sheet_name))
        .replace("{{THEME}}", THEME);
    let toml_path = dir.join(config::FILE_NAME);
    std::fs::write(&toml_path, text).map_err(io(&toml_path))?;
    for sub in ["content", "data"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(io(&dir.join(sub)))?;
    }
    let theme = dir.join("themes").join(THEME);
    for sub in ["templates", "static"] {
        std::fs::create_dir_all(theme.join(sub)).map_err(io(&theme.join(sub)))?;
    }
    std::fs::write(theme.join("LEGGIMI.txt"), THEME_README).map_err(io(&theme))?;
    Ok(Created {
        dir: dir.clone(),
        sheet: sheet_rel,
    })
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
