//! The names of `book.toml` in its first releases (`[book]`, `title`,
//! `[[footer]]`…): still read, as serde aliases, for one release, each
//! with a note that gives its line and the Italian name that replaced it.

use super::position::{key_offset, line_col};

/// The names of the first releases, each with its table and the name
/// that replaces it: `(table, old key, new name)`; the table is "" for a
/// table or key at the top.
pub const OLD_NAMES: &[(&str, &str, &str)] = &[
    ("", "book", "[manuale]"),
    ("", "source", "[mappatura]"),
    ("", "functions", "[funzioni]"),
    ("", "footer", "[[piede]]"),
    ("", "ui", "[testi]"),
    ("", "levels", "livelli"),
    ("", "levels_plural", "livelli_plurale"),
    ("", "roles", "ruoli"),
    ("book", "title", "[manuale] titolo"),
    ("book", "chamber", "[ente] nome"),
    ("book", "description", "[manuale] descrizione"),
    ("book", "site_url", "[manuale] indirizzo"),
    ("book", "color", "[manuale] colore"),
    ("book", "theme", "[manuale] tema"),
    ("book", "licence", "[manuale] licenza"),
    ("book", "licence_url", "[manuale] licenza_url"),
    ("source", "updated", "[mappatura] aggiornata"),
    ("footer", "name", "[[piede]] nome"),
];

/// One note per name of the first releases `text` uses, with its line:
/// they still work in this release.
pub(super) fn notes(file: &str, text: &str) -> Vec<String> {
    let Ok(table) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut notes = Vec::new();
    let mut note = |written: String, offset: usize, new: &str| {
        let (line, _) = line_col(text, offset);
        notes.push(format!(
            "{file}:{line}: «{written}» ora si scrive «{new}»: il nome vecchio funziona \
             ancora in questa versione e sarà tolto nella prossima"
        ));
    };
    let table_offset = |name: &str| {
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let t = line.trim();
            if t == format!("[{name}]") || t == format!("[[{name}]]") {
                return offset;
            }
            offset += line.len();
        }
        key_offset(text, name)
    };
    for (within, old, new) in OLD_NAMES {
        if within.is_empty() {
            if table.contains_key(*old) {
                let written = match table.get(*old) {
                    Some(toml::Value::Table(_)) => format!("[{old}]"),
                    Some(toml::Value::Array(a)) if a.iter().all(toml::Value::is_table) => {
                        format!("[[{old}]]")
                    }
                    _ => (*old).to_string(),
                };
                note(written, table_offset(old), new);
            }
            continue;
        }
        // Inside `[book]` (or `[manuale]`, the keys renamed first).
        let new_table = OLD_NAMES
            .iter()
            .find(|(w, o, _)| w.is_empty() && o == within)
            .map(|(_, _, n)| n.trim_matches(['[', ']']));
        let used = [Some(*within), new_table]
            .into_iter()
            .flatten()
            .any(|t| match table.get(t) {
                Some(toml::Value::Table(t)) => t.contains_key(*old),
                Some(toml::Value::Array(a)) => a
                    .iter()
                    .any(|e| e.as_table().is_some_and(|t| t.contains_key(*old))),
                _ => false,
            });
        if used {
            note((*old).to_string(), key_offset(text, old), new);
        }
    }
    notes
}
