//! What reading a sheet gives: its rows with their line numbers, how it was
//! read, and the errors that stop a read (a file that cannot be read at all;
//! defects in a readable sheet are diagnostics, not errors).

use std::path::PathBuf;

/// One row of the sheet, with its cells trimmed of surrounding whitespace.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Row {
    /// 1-based line of the file (or row of the spreadsheet) where it starts.
    pub line: usize,
    pub cells: Vec<String>,
}

impl Row {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(std::string::String::is_empty)
    }
}

/// A sheet read from a file.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub path: PathBuf,
    /// Every line of the file that holds a row, blank ones included.
    pub rows: Vec<Row>,
    /// How the file was read, in words: `UTF-8, tabulazioni`,
    /// `Windows-1252, punto e virgola`, `Excel .xlsx, foglio «Mappatura»`.
    pub format: String,
    /// True when the text was not UTF-8 or UTF-16 and was read as
    /// Windows-1252: worth a word to the user.
    pub guessed_encoding: bool,
    /// The worksheet read, for workbooks.
    pub worksheet: Option<String>,
}

impl Sheet {
    /// The file (and worksheet) as named in messages.
    pub fn name(&self) -> String {
        let path = crate::text::shown(&self.path);
        match &self.worksheet {
            Some(w) => format!("{path} (foglio «{w}»)"),
            None => path,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: impossibile leggere il file: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: il file è vuoto: non contiene nessuna riga da importare.")]
    Empty { path: PathBuf },
    #[error(
        "{path}: il file non è un foglio della mappatura ({what}). Esporta la mappatura dal foglio \
         di calcolo come .xlsx, .ods o testo delimitato da tabulazioni."
    )]
    Binary { path: PathBuf, what: String },
    #[error("{path}:{line}: riga illeggibile: {message}")]
    Malformed {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: il foglio di calcolo non si apre: {message}")]
    Workbook { path: PathBuf, message: String },
    #[error("{path}: non c'è un foglio «{sheet}». I fogli sono: {available}.")]
    NoSuchSheet {
        path: PathBuf,
        sheet: String,
        available: String,
    },
    #[error("{path}: --foglio vale solo per i fogli di calcolo (.xlsx, .xls, .ods); questo è un file di testo.")]
    SheetOnText { path: PathBuf },
    #[error("{path}: non è un file ma {what}: indica il file del foglio della mappatura.")]
    NotAFile { path: PathBuf, what: &'static str },
    #[error(
        "{path}: il foglio è troppo grande per una mappatura dei processi ({what}; il massimo è \
         {limit} MB di file, {hold} MB fra testo e celle e {rows}.000 righe). Controlla di aver \
         scelto il file giusto.",
        limit = MAX_FILE >> 20,
        hold = MAX_HOLD >> 20,
        rows = MAX_ROWS / 1000
    )]
    TooBig { path: PathBuf, what: String },
}

/// The largest sheet file read (text or workbook).
pub const MAX_FILE: u64 = 128 << 20;
/// The most a sheet may hold once read: the text of its cells, 64 bytes for
/// each row and 48 for each cell (what they take in memory besides their
/// text, allocator included). A map of 100,000 processes holds about 90 MB.
pub const MAX_HOLD: usize = 192 << 20;
/// The most rows a sheet may have, blank ones included: five times a map
/// of 100,000 processes, far from the million rows a workbook can repeat
/// from one line of XML, which would then cost time at every step.
pub const MAX_ROWS: usize = 500_000;
// The error above writes it in thousands, as «500.000».
const _: () = assert!(MAX_ROWS.is_multiple_of(1000));
/// Excel's largest number of columns.
pub const MAX_COLUMNS: usize = 16_384;
