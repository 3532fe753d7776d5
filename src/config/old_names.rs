//! The names of `book.toml` in its first releases (`[book]`, `title`,
//! `[[footer]]`…): still read, as serde aliases, for one release, each
//! with a note that gives its line and the Italian name that replaced it.

use super::{key_offset, line_col, FILE_NAME};

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
pub(super) fn notes(text: &str) -> Vec<String> {
    let Ok(table) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut notes = Vec::new();
    let mut note = |written: String, offset: usize, new: &str| {
        let (line, _) = line_col(text, offset);
        notes.push(format!(
            "{FILE_NAME}:{line}: «{written}» ora si scrive «{new}»: il nome vecchio funziona \
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
        let used = [Some(*within), new_table].into_iter().flatten().any(|t| {
            match table.get(t) {
                Some(toml::Value::Table(t)) => t.contains_key(*old),
                Some(toml::Value::Array(a)) => a
                    .iter()
                    .any(|e| e.as_table().is_some_and(|t| t.contains_key(*old))),
                _ => false,
            }
        });
        if used {
            note((*old).to_string(), key_offset(text, old), new);
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::super::Config;
    use std::path::Path;

    /// The names of the first releases still read, each with a note that
    /// names its line and the new name; the new names give no note.
    #[test]
    fn old_names_still_read_with_a_note() {
        let old = "levels = [\"F\"]\n[book]\ntitle = \"T\"\nchamber = \"Camera di commercio di Alpi\"\n\
                   color = \"#102030\"\nsite_url = \"https://x.it/m/\"\n\
                   [source]\nfile = \"data/m.tsv\"\nupdated = \"2026-01-31\"\n\
                   [functions]\nA = \"Organi\"\n[ui]\nhome = \"Inizio\"\n\
                   [[footer]]\nname = \"Privacy\"\nurl = \"https://x.it/p\"\n";
        let c = Config::parse(Path::new("book.toml"), old).unwrap();
        assert_eq!(c.book.title, "T");
        assert_eq!(c.chamber_name(), "Camera di commercio di Alpi");
        assert_eq!(c.book.color, "#102030");
        assert_eq!(c.source.file, Path::new("data/m.tsv"));
        assert_eq!(c.source.updated.as_deref(), Some("2026-01-31"));
        assert_eq!(c.functions["A"], "Organi");
        assert_eq!(c.ui.home, "Inizio");
        assert_eq!(c.footer[0].name, "Privacy");
        let notes = c.notes.join("\n");
        for (line, old, new) in [
            (1, "levels", "livelli"),
            (2, "[book]", "[manuale]"),
            (3, "title", "[manuale] titolo"),
            (4, "chamber", "[ente] nome"),
            (5, "color", "[manuale] colore"),
            (7, "[source]", "[mappatura]"),
            (9, "updated", "[mappatura] aggiornata"),
            (10, "[functions]", "[funzioni]"),
            (12, "[ui]", "[testi]"),
            (14, "[[footer]]", "[[piede]]"),
            (15, "name", "[[piede]] nome"),
        ] {
            assert!(
                notes.contains(&format!("book.toml:{line}: «{old}» ora si scrive «{new}»")),
                "{old} at line {line}: {notes}"
            );
        }
        let new = "livelli = [\"F\"]\n[manuale]\ntitolo = \"T\"\ncolore = \"#102030\"\nindirizzo = \"https://x.it/m/\"\n\
                   [ente]\nnome = \"Camera di commercio di Alpi\"\n\
                   [mappatura]\nfile = \"data/m.tsv\"\naggiornata = \"2026-01-31\"\n\
                   [funzioni]\nA = \"Organi\"\n[testi]\nhome = \"Inizio\"\n\
                   [[piede]]\nnome = \"Privacy\"\nurl = \"https://x.it/p\"\n";
        let n = Config::parse(Path::new("book.toml"), new).unwrap();
        assert!(n.notes.is_empty(), "{:?}", n.notes);
        assert_eq!(
            (&n.book.title, n.chamber_name(), &n.source.file, &n.ui.home, &n.footer[0].name),
            (&c.book.title, c.chamber_name(), &c.source.file, &c.ui.home, &c.footer[0].name)
        );
        // An error names the key by its new name, at the line of the old one.
        let err = Config::parse(Path::new("book.toml"), "[book]\ncolor = \"blu\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("book.toml:2") && err.contains("[manuale] colore"), "{err}");
        // Both names at once: one of them is too many.
        let err = Config::parse(Path::new("book.toml"), "[book]\ntitle = \"a\"\n[manuale]\ntitolo = \"b\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("book.toml:"), "{err}");
    }

}
