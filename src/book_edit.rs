//! The one change `manuale` makes to `book.toml` itself: the sheet of the
//! book (`[mappatura] file`, `[source]` in books of the first releases) after an `import` of another file, so that the
//! next `import` without a file, and `serve`, read that one and never go
//! back to last year's. The rest of the file, comments included, stays as
//! the user wrote it: only the value's bytes change, or one line is added.

use crate::config::{Config, ConfigError, FILE_NAME, MAX_FILE};
use std::path::Path;

#[derive(serde::Deserialize)]
struct Raw {
    #[serde(default, alias = "source")]
    mappatura: Option<RawSource>,
}

#[derive(serde::Deserialize)]
struct RawSource {
    #[serde(default)]
    file: Option<toml::Spanned<String>>,
}

/// `text` of a `book.toml` with `[mappatura] file` set to `file`: the
/// value replaced where it is written, or added to the `[mappatura]` table
/// (or the `[source]` of an older book), or the table added at the end. `None` when the file is written in a way this
/// cannot change safely (the result would not read back as `file`).
pub(crate) fn with_source_file(text: &str, file: &str) -> Option<String> {
    let value = toml::Value::String(file.to_string()).to_string();
    let raw: Raw = toml::from_str(text).ok()?;
    let new = match raw.mappatura.and_then(|s| s.file) {
        Some(spanned) => {
            let span = spanned.span();
            format!("{}{value}{}", &text[..span.start], &text[span.end..])
        }
        None => match source_header_end(text) {
            Some(end) => format!("{}file = {value}\n{}", &text[..end], &text[end..]),
            None => {
                let sep = if text.is_empty() || text.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                format!("{text}{sep}\n[mappatura]\nfile = {value}\n")
            }
        },
    };
    let config: Config = toml::from_str(&new).ok()?;
    (config.source.file == Path::new(file)).then_some(new)
}

/// The byte after the line `[mappatura]` or `[source]` (a comment may
/// follow it).
fn source_header_end(text: &str) -> Option<usize> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        let header = ["[mappatura]", "[source]"]
            .iter()
            .find_map(|h| t.strip_prefix(h))
            .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'));
        at += line.len();
        if header {
            if !line.ends_with('\n') {
                return None;
            }
            return Some(at);
        }
    }
    None
}

/// Sets the sheet of the book in `dir` to `file` (as `book.toml` names it:
/// relative to the book, with `/`), written atomically. Returns the text
/// it replaced, to put back if what follows fails.
pub(crate) fn set_source_file(dir: &Path, file: &str) -> Result<String, ConfigError> {
    let path = dir.join(FILE_NAME);
    let io = |source| ConfigError::Io {
        path: path.clone(),
        source,
    };
    let old = match crate::files::read_regular(&path, MAX_FILE) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| ConfigError::Invalid {
            path: path.clone(),
            line: 1,
            column: 1,
            message: "il file non è testo UTF-8".into(),
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io(e)),
    };
    let new = with_source_file(&old, file).ok_or_else(|| ConfigError::Invalid {
        path: path.clone(),
        line: 1,
        column: 1,
        message: format!(
            "non riesco a indicare il file nuovo in [mappatura]: scrivi a mano file = {}",
            toml::Value::String(file.to_string())
        ),
    })?;
    write(&path, &new).map_err(io)?;
    Ok(old)
}

/// Puts back the text of `book.toml` that [`set_source_file`] replaced.
pub(crate) fn restore(dir: &Path, text: &str) -> Result<(), ConfigError> {
    let path = dir.join(FILE_NAME);
    write(&path, text).map_err(|source| ConfigError::Io { path, source })
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = crate::files::temp_name(path);
    let _ = std::fs::remove_file(&tmp);
    crate::files::write_synced(&tmp, text.as_bytes())
        .and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })?;
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::files::sync_dir(dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_changes_and_nothing_else() {
        let text = "# my book\n[book]\ntitle = \"T\"\n\n[source]\n# the sheet\nfile = \"data/old.tsv\"  # last year\nupdated = \"2026-01-01\"\n";
        let new = with_source_file(text, "data/nuovo 2027.xlsx").unwrap();
        assert_eq!(
            new,
            "# my book\n[book]\ntitle = \"T\"\n\n[source]\n# the sheet\nfile = \"data/nuovo 2027.xlsx\"  # last year\nupdated = \"2026-01-01\"\n"
        );
    }

    #[test]
    fn a_table_without_the_key_gets_it() {
        let text = "[source] # il foglio\nupdated = \"2026-01-01\"\n[book]\ntitle = \"T\"\n";
        let new = with_source_file(text, "data/a.tsv").unwrap();
        assert_eq!(
            new,
            "[source] # il foglio\nfile = \"data/a.tsv\"\nupdated = \"2026-01-01\"\n[book]\ntitle = \"T\"\n"
        );
    }

    #[test]
    fn a_book_without_the_table_gets_it_at_the_end() {
        let new = with_source_file("[book]\ntitle = \"T\"", "data/a.tsv").unwrap();
        assert_eq!(
            new,
            "[book]\ntitle = \"T\"\n\n[mappatura]\nfile = \"data/a.tsv\"\n"
        );
        let new = with_source_file("[mappatura]\nfile = \"data/old.tsv\"\n", "data/a.tsv").unwrap();
        assert_eq!(new, "[mappatura]\nfile = \"data/a.tsv\"\n");
        let new = with_source_file("[mappatura] # il foglio\n", "data/a.tsv").unwrap();
        assert_eq!(new, "[mappatura] # il foglio\nfile = \"data/a.tsv\"\n");
        let new = with_source_file("", "data/a.tsv").unwrap();
        assert_eq!(new, "\n[mappatura]\nfile = \"data/a.tsv\"\n");
    }

    #[test]
    fn quotes_and_backslashes_are_written_as_toml() {
        let new = with_source_file("[source]\nfile = 'x'\n", "data/\"a\"\\b.tsv").unwrap();
        let config: Config = toml::from_str(&new).unwrap();
        assert_eq!(config.source.file, Path::new("data/\"a\"\\b.tsv"));
    }

    #[test]
    fn inline_and_dotted_forms_are_changed_or_refused_never_broken() {
        for text in [
            "source = { file = \"a.tsv\" }\n",
            "source.file = \"a.tsv\"\n",
            "source.updated = \"2026-01-01\"\n",
        ] {
            if let Some(new) = with_source_file(text, "b.tsv") {
                let config: Config = toml::from_str(&new).unwrap();
                assert_eq!(config.source.file, Path::new("b.tsv"), "{text}");
            }
        }
    }
}
