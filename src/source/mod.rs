//! Bytes to rows: the sheet file read as a table of text cells, each row with
//! the line (or spreadsheet row) it started on.
//!
//! The format is found from the content, the extension being only a hint:
//! `.xlsx`, `.xls` and `.ods` workbooks (through calamine), or delimited text
//! in UTF-8 (with or without BOM), UTF-16 (Excel's "Testo Unicode") or
//! Windows-1252 (Excel's text export on Italian Windows), separated by tabs,
//! `;` or `,`, with Excel quoting and any line ends. This module knows nothing
//! of process codes or columns: [`crate::mapping`] gives the rows a meaning.
//!
//! [`delimited`] reads text, [`workbook`] spreadsheets; [`sheet`] holds what
//! both give.

mod bounds;
mod delimited;
mod sheet;
mod workbook;

pub use sheet::{Row, Sheet, SourceError, MAX_COLUMNS, MAX_FILE, MAX_HOLD, MAX_ROWS};
pub use workbook::serve_child;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// How workbooks (`.xlsx`, `.xls`, `.ods`) are read. calamine can panic on
/// a damaged file, or ask for terabytes (fuzzing found both), and an
/// allocation failure aborts a process: the command line reads them in a
/// child process with its memory capped, so that the child's death becomes
/// an error message, not ours.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Workbooks {
    /// In this process, panics caught (tests, fuzzing, library use).
    #[default]
    InProcess,
    /// In a child process, `EXE __foglio FILE [--foglio NOME]`.
    Child(PathBuf),
}

impl Workbooks {
    /// A child process of the program running now, when it can be found.
    pub fn in_child() -> Workbooks {
        std::env::current_exe().map_or(Workbooks::InProcess, Workbooks::Child)
    }
}

/// Reads a sheet; `sheet` names the worksheet of a workbook (the first
/// one when `None`).
pub fn read(path: &Path, sheet: Option<&str>, workbooks: &Workbooks) -> Result<Sheet, SourceError> {
    let bytes = bounds::read_file(path)?;
    if let (Workbooks::Child(exe), true) = (workbooks, is_workbook(&bytes)) {
        return workbook::isolated(exe, path, sheet);
    }
    parse_bytes(path, Cow::Owned(bytes), sheet)
}

/// The signatures of a zip (`.xlsx`, `.ods`) and of an OLE file (`.xls`).
fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Reads delimited text from bytes in memory; `path` names it in messages.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Sheet, SourceError> {
    parse_with(path, bytes, None)
}

/// Reads a sheet of any supported format from bytes in memory.
pub fn parse_with(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, SourceError> {
    parse_bytes(path, Cow::Borrowed(bytes), sheet)
}

/// Reads a sheet from its bytes; text sheets take them when they are
/// owned, so a sheet's text is held once.
fn parse_bytes(
    path: &Path,
    bytes: Cow<'_, [u8]>,
    sheet: Option<&str>,
) -> Result<Sheet, SourceError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SourceError::Empty {
            path: path.to_path_buf(),
        });
    }
    if is_workbook(&bytes) {
        return workbook::in_process(path, &bytes, sheet);
    }
    if sheet.is_some() {
        return Err(SourceError::SheetOnText {
            path: path.to_path_buf(),
        });
    }
    delimited::read(path, bytes.into_owned())
}
