//! Editions: the map as a chamber adopted it, once a year, kept in the book
//! as plain files (`editions/AAAA-MM-GG/edizione.toml` and `mappa.json`),
//! never changed once recorded. [`store`] records and reads them, [`diff`]
//! says what changed between two maps: entries added, removed, moved to
//! another code, renamed, and the words that changed in their fields.
//!
//! An edition holds what the site published: each node's code, title and
//! rows of the sheet, taken from `content/` when it is frozen.

pub mod diff;
mod model;
mod store;

pub use model::{entries_of_content, entries_of_map, Edition, Entry, Info};
pub use store::{clear_leftovers, freeze, freeze_book, load, EditionError, Files, Options, DIR};

use crate::reading::{self, Input};
use std::path::Path;

/// Compares a sheet (`input`, or the one `book.toml` names) with an edition
/// of the book (the one of `date`, or the newest): what freezing the sheet
/// would record as changed. Returns the edition's record, the sheet as
/// shown to the user and the changes.
pub fn compare_sheet(
    book: &Path,
    input: &Input,
    date: Option<&str>,
) -> Result<(Info, String, diff::Changes), EditionError> {
    let editions = load(book)?;
    let edition = match date {
        Some(d) => {
            editions
                .iter()
                .find(|e| e.info.data == d)
                .ok_or_else(|| EditionError::NoSuch {
                    book: book.to_path_buf(),
                    date: d.to_string(),
                    list: editions
                        .iter()
                        .map(|e| e.info.data.clone())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?
        }
        None => editions
            .last()
            .ok_or_else(|| EditionError::NoEditions(book.to_path_buf()))?,
    };
    let reading = reading::read(book, input)?;
    // What an import would make of the sheet: titles of sections the sheet
    // forgot come from their pages, read under the lock (never while an
    // import writes them).
    let dir = book.join("content");
    let existing = if dir.is_dir() {
        let _lock = crate::content::Lock::take(&dir, "confronta")?;
        crate::content::load(&dir)?
    } else {
        crate::content::Content::default()
    };
    let new = entries_of_map(&reading.map, &reading.config.functions, &existing);
    let sheet = crate::text::shown(&reading.path);
    Ok((
        edition.info.clone(),
        sheet,
        diff::compare(&edition.entries, &new),
    ))
}
