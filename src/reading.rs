//! The first step `check` and `import` share: read `book.toml`, the sheet
//! and the map it holds, and collect the sheet's diagnostics into a
//! [`Report`]. Nothing is written here, and nothing is printed: `check`
//! renders the report, `import` turns the map into pages.

use crate::config::{Config, ConfigError};
use crate::diagnostic::{Diagnostic, Level};
use crate::mapping::{self, Counts, Map, MappingError};
use crate::source::{self, Sheet, SourceError, Workbooks};
use crate::text::shown;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Why a sheet could not be read into a map.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Mapping(#[from] MappingError),
}

/// A book's configuration, the sheet it names (or the one given) and the
/// map read from it.
#[derive(Debug)]
pub struct Reading {
    pub config: Config,
    /// The sheet's path, as given or as `book.toml` names it.
    pub path: PathBuf,
    pub sheet: Sheet,
    pub map: Map,
}

impl Reading {
    /// The sheet's diagnostics and size.
    pub fn report(&self) -> Report {
        Report {
            file: shown(&self.path),
            format: self.sheet.format.clone(),
            diagnostics: self.map.diagnostics.clone(),
            counts: self.map.counts(),
        }
    }
}

/// Which sheet to read, and how.
#[derive(Clone, Debug, Default)]
pub struct Input {
    /// The sheet; `None` for the one `book.toml` names.
    pub file: Option<PathBuf>,
    /// The worksheet of a workbook; `None` for the first.
    pub worksheet: Option<String>,
    pub workbooks: Workbooks,
}

/// Reads `book.toml` and the sheet `input` names, and builds its map.
pub fn read(book: &Path, input: &Input) -> Result<Reading, ReadError> {
    let config = Config::load(book)?;
    let path = match &input.file {
        Some(f) => f.clone(),
        None => book.join(&config.source.file),
    };
    let sheet = source::read(&path, input.worksheet.as_deref(), &input.workbooks)?;
    let map = mapping::build_with(&sheet, &config.functions, &config.columns)?;
    Ok(Reading {
        config,
        path,
        sheet,
        map,
    })
}

/// A sheet's diagnostics and size.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The sheet as named to the user.
    pub file: String,
    /// How it was read (encoding and delimiter, or workbook sheet).
    pub format: String,
    pub diagnostics: Vec<Diagnostic>,
    pub counts: Counts,
}

impl Report {
    pub fn count(&self, level: Level) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.level() == level)
            .count()
    }

    /// Diagnostics grouped by level (errors first), each group by line.
    pub fn grouped(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.diagnostics.iter().collect();
        v.sort_by(|a, b| {
            b.level()
                .cmp(&a.level())
                .then((a.line, a.column, a.kind).cmp(&(b.line, b.column, b.kind)))
        });
        v
    }
}
