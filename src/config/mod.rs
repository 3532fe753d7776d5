//! `book.toml`: the book's title, the chamber, the site's address and colour,
//! the names of functions and levels, footer links, licence, the source sheet
//! and the interface strings. Every setting has a default, so an empty file
//! (or none at all) gives a working book.

mod color;
mod dati;
mod defaults;
mod ente;
mod old_names;
mod position;
mod ui;
pub(crate) mod url;

pub use color::{contrast, parse_color};
pub use dati::{Dati, FREQUENCIES, THEMES};
pub use defaults::{
    default_functions, default_glossary, default_levels, default_levels_plural, default_roles,
};
pub use ente::{Ente, Tappa};
pub use old_names::OLD_NAMES;
use position::{key_offset, key_offset_of_value, line_col};
pub use ui::Ui;

use crate::mapping::{HeaderRoles, Role};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "book.toml";

/// The largest `book.toml` read.
pub(crate) const MAX_FILE: u64 = 1 << 20;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `[manuale]`: the book's title, description, address, colour, theme
    /// and licence (`[book]` before).
    #[serde(rename = "manuale", alias = "book")]
    pub book: Book,
    /// The chamber the map belongs to.
    pub ente: Ente,
    /// How the open data are described to the national catalogue.
    pub dati: Dati,
    /// How long editions stay published.
    #[serde(rename = "edizioni")]
    pub editions: Editions,
    /// `[mappatura]`: the map's file and data date (`[source]` before).
    #[serde(rename = "mappatura", alias = "source")]
    pub source: Source,
    /// Names of the functions A–F, merged over the national defaults.
    #[serde(rename = "funzioni", alias = "functions")]
    pub functions: BTreeMap<String, String>,
    /// Names of the levels, from level 1 (the function) down.
    #[serde(rename = "livelli", alias = "levels")]
    pub levels: Vec<String>,
    /// The same names in the plural, for counts ("3 sotto-processi").
    #[serde(rename = "livelli_plurale", alias = "levels_plural")]
    pub levels_plural: Vec<String>,
    /// Links in the footer, in order (`[[piede]]`).
    #[serde(rename = "piede", alias = "footer")]
    pub footer: Vec<Link>,
    /// Interface strings: the Italian defaults, with `[ui]` over them.
    #[serde(skip)]
    pub ui: Ui,
    /// `[ui]` as written; [`Config::parse`] sets its entries on `ui`.
    #[serde(rename = "testi", alias = "ui")]
    ui_overrides: BTreeMap<String, String>,
    /// Acronyms and what they stand for, shown to readers as `<abbr>`:
    /// the defaults, with `[glossario]` over them.
    #[serde(skip)]
    pub glossary: crate::text::Glossary,
    /// `[glossario]` as written; [`Config::parse`] merges it into `glossary`.
    #[serde(rename = "glossario")]
    glossary_written: BTreeMap<String, String>,
    /// The responsible roles the search filters by: a label and the words
    /// that name it in the responsible column (`PO` in capitals matches the
    /// whole word only; lower-case keywords match inside words too).
    #[serde(rename = "ruoli", alias = "roles")]
    pub roles: BTreeMap<String, Vec<String>>,
    /// `[colonne]` as written: a header of the sheet and the role it plays
    /// (`"Fasi" = "sequenza"`); [`Config::parse`] checks the roles.
    #[serde(rename = "colonne")]
    columns_written: BTreeMap<String, String>,
    /// The same, read: headers (normalised) to roles.
    #[serde(skip)]
    pub columns: HeaderRoles,
    /// The English names of the first releases this file still uses, each
    /// with its line and the name that replaces it ([`OLD_NAMES`]).
    #[serde(skip)]
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Book {
    #[serde(rename(deserialize = "titolo"), alias = "title")]
    pub title: String,
    /// `[book] chamber` of the first releases, read when `[ente] nome` is
    /// missing: the chamber's name is now asked once, there.
    #[serde(skip_serializing)]
    pub chamber: String,
    #[serde(rename(deserialize = "descrizione"), alias = "description")]
    pub description: String,
    /// The address the site is published at, for `sitemap.xml` and `404.html`.
    #[serde(rename(deserialize = "indirizzo"), alias = "site_url")]
    pub site_url: Option<String>,
    /// The chamber's colour, `#rrggbb`.
    #[serde(rename(deserialize = "colore"), alias = "color")]
    pub color: String,
    /// The theme folder under `themes/`.
    #[serde(rename(deserialize = "tema"), alias = "theme")]
    pub theme: String,
    #[serde(rename(deserialize = "licenza"), alias = "licence")]
    pub licence: String,
    #[serde(rename(deserialize = "licenza_url"), alias = "licence_url")]
    pub licence_url: String,
}

/// `[edizioni]`: the editions of the map the site keeps.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Editions {
    /// Years an edition stays online after the newest one (D.lgs. 33/2013,
    /// art. 8 c. 3: five).
    pub anni: u32,
}

impl Default for Editions {
    fn default() -> Self {
        Editions { anni: 5 }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Source {
    /// The sheet `import` reads when no file is given, relative to the book.
    pub file: PathBuf,
    /// The date the data was last updated (`AAAA-MM-GG`); when absent,
    /// the sheet file's modification date is used.
    #[serde(rename = "aggiornata", alias = "updated")]
    pub updated: Option<String>,
}

#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    #[serde(rename(deserialize = "nome"), alias = "name")]
    pub name: String,
    pub url: String,
}

impl Default for Book {
    fn default() -> Self {
        Book {
            title: "Mappatura dei processi".into(),
            chamber: "Camera di commercio".into(),
            description: "La mappatura dei processi dell'ente secondo lo schema Unioncamere: \
                          funzioni, processi, attività, input, output e responsabili."
                .into(),
            site_url: None,
            color: "#1f5f74".into(),
            theme: "default".into(),
            licence: "CC BY 4.0".into(),
            licence_url: "https://creativecommons.org/licenses/by/4.0/deed.it".into(),
        }
    }
}

impl Default for Source {
    fn default() -> Self {
        Source {
            file: PathBuf::from("data/mappatura-processi.tsv"),
            updated: None,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            book: Book::default(),
            ente: Ente::default(),
            dati: Dati::default(),
            editions: Editions::default(),
            source: Source::default(),
            functions: default_functions(),
            levels: default_levels(),
            levels_plural: default_levels_plural(),
            glossary: crate::text::Glossary::new(default_glossary()),
            glossary_written: BTreeMap::new(),
            footer: Vec::new(),
            ui: Ui::default(),
            ui_overrides: BTreeMap::new(),
            columns_written: BTreeMap::new(),
            columns: HeaderRoles::new(),
            roles: default_roles(),
            notes: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: impossibile leggere il file: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: configurazione non valida: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl Config {
    /// Reads `book.toml` from the book folder; a missing file gives defaults.
    pub fn load(book_dir: &Path) -> Result<Config, ConfigError> {
        let path = book_dir.join(FILE_NAME);
        let text = match crate::files::read_regular(&path, MAX_FILE) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| ConfigError::Invalid {
                path: path.clone(),
                line: 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count(),
                column: 1,
                message: "il file non è testo UTF-8: salvalo come UTF-8 dall'editor".into(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => return Err(ConfigError::Io { path, source }),
        };
        Config::parse(&path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let invalid = |offset: usize, message: String| {
            let (line, column) = line_col(text, offset);
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let old: Vec<&str> = OLD_NAMES.iter().map(|(_, old, _)| *old).collect();
            invalid(
                offset,
                crate::toml_messages::italian_naming(e.message(), &old),
            )
        })?;
        config.notes = old_names::notes(FILE_NAME, text);
        // Tables in the file add to the defaults rather than replace them.
        let mut functions = default_functions();
        functions.extend(std::mem::take(&mut config.functions));
        config.functions = functions;
        // A key as written now, or by its name of the first releases.
        let find = |key: &str| match key_offset(text, key) {
            0 => OLD_NAMES
                .iter()
                .find(|(_, _, new)| new.rsplit(' ').next() == Some(key))
                .map_or(0, |(_, old, _)| key_offset(text, old)),
            n => n,
        };
        for (key, value) in std::mem::take(&mut config.ui_overrides) {
            if !config.ui.set(&key, value) {
                let mut known = Ui::KEYS.to_vec();
                known.sort_unstable();
                return Err(invalid(
                    find(&key),
                    format!(
                        "la voce [testi] «{key}» non esiste; le voci sono: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        for (header, word) in std::mem::take(&mut config.columns_written) {
            let Some(role) = Role::from_word(&word) else {
                let words: Vec<&str> = Role::WORDS.iter().map(|(w, _)| *w).collect();
                return Err(invalid(
                    find(&format!("\"{header}\"")),
                    format!(
                        "[colonne] «{header}» = «{word}»: il ruolo deve essere uno fra {}",
                        words.join(", ")
                    ),
                ));
            };
            config.columns.insert(crate::text::normalise(&header), role);
        }
        for key in config.functions.keys() {
            let ok = key.len() == 1 && key.chars().all(|c| c.is_ascii_uppercase());
            if !ok {
                return Err(invalid(
                    find(key),
                    format!("[funzioni]: «{key}» non è la lettera di una funzione (A, B, C…)"),
                ));
            }
        }
        if config.roles.is_empty() {
            config.roles = default_roles();
        }
        if config.levels.is_empty() {
            config.levels = default_levels();
        }
        let mut glossary = default_glossary();
        glossary.extend(std::mem::take(&mut config.glossary_written));
        glossary.retain(|_, v| !v.trim().is_empty());
        config.glossary = crate::text::Glossary::new(glossary);
        if config.levels_plural.is_empty() {
            config.levels_plural = default_levels_plural();
        }
        if parse_color(&config.book.color).is_none() {
            return Err(invalid(
                find("colore"),
                format!(
                    "[manuale] colore = «{}»: serve un colore esadecimale come «#1f5f74»",
                    config.book.color
                ),
            ));
        }
        if let Some(d) = &config.source.updated {
            if crate::date::Date::parse(d).is_none() {
                return Err(invalid(
                    find("aggiornata"),
                    format!("[mappatura] aggiornata = «{d}»: serve una data come «2024-01-31»"),
                ));
            }
        }
        let e = &config.ente;
        let mut urls: Vec<(String, &str, &str, url::Kind)> = vec![(
            "[manuale] licenza_url".into(),
            "licenza_url",
            &config.book.licence_url,
            url::Kind::Link,
        )];
        if let Some(u) = &config.book.site_url {
            urls.push(("[manuale] indirizzo".into(), "indirizzo", u, url::Kind::Web));
        }
        for l in &config.footer {
            urls.push((
                format!("[[piede]] «{}»: url", l.name),
                "url",
                &l.url,
                url::Kind::Link,
            ));
        }
        for (key, value) in [
            ("sito", &e.sito),
            ("trasparenza", &e.trasparenza),
            ("accessibilita", &e.accessibilita),
            ("atto_url", &e.atto_url),
        ] {
            if let Some(u) = value {
                urls.push((format!("[ente] {key}"), key, u, url::Kind::Web));
            }
        }
        for t in &e.percorso {
            urls.push((
                format!("[ente] percorso «{}»: url", t.nome),
                "percorso",
                &t.url,
                url::Kind::Web,
            ));
        }
        for (what, key, value, kind) in urls {
            if let Some(why) = url::problem(value, kind) {
                let at = match key_offset_of_value(text, value) {
                    0 => find(key),
                    n => n,
                };
                return Err(invalid(
                    at,
                    format!("{what} = «{}»: {why}", crate::text::one_line_safe(value)),
                ));
            }
        }
        if let Some(s) = e
            .segnalazioni
            .as_deref()
            .filter(|s| Ente::href(s).is_none())
        {
            return Err(invalid(
                find("segnalazioni"),
                format!("[ente] segnalazioni = «{s}»: serve un indirizzo e-mail o quello di un modulo web"),
            ));
        }
        if let Some(logo) = &e.logo {
            let p = Path::new(logo);
            let inside = p
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside {
                return Err(invalid(
                    find("logo"),
                    format!("[ente] logo = «{logo}»: serve il percorso di un file dentro la cartella del manuale, come «logo.svg»"),
                ));
            }
        }
        for t in &config.dati.temi {
            if !THEMES.contains(&t.as_str()) {
                return Err(invalid(
                    find("temi"),
                    format!(
                        "[dati] temi: «{t}» non è un tema del vocabolario europeo; i temi sono {}",
                        THEMES.join(", ")
                    ),
                ));
            }
        }
        if let Some(f) = &config.dati.frequenza {
            if !FREQUENCIES.contains(&f.as_str()) {
                return Err(invalid(
                    find("frequenza"),
                    format!("[dati] frequenza = «{f}»: non è una frequenza del vocabolario europeo; le frequenze sono {}", FREQUENCIES.join(", ")),
                ));
            }
        }
        if let Some(url) = &config.book.site_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(invalid(
                    find("site_url"),
                    format!("[manuale] indirizzo = «{url}»: serve un indirizzo completo come «https://www.esempio.camcom.it/processi/»"),
                ));
            }
        }
        Ok(config)
    }

    /// The chamber's name: `[ente] nome`, or `[book] chamber`.
    pub fn chamber_name(&self) -> String {
        self.ente
            .nome
            .clone()
            .unwrap_or_else(|| self.book.chamber.clone())
    }

    /// The open data's title: `[dati] titolo`, or the book's title and the
    /// chamber's name.
    pub fn dataset_title(&self) -> String {
        self.dati
            .titolo
            .clone()
            .unwrap_or_else(|| format!("{} - {}", self.book.title, self.chamber_name()))
    }

    pub fn dataset_description(&self) -> String {
        self.dati
            .descrizione
            .clone()
            .unwrap_or_else(|| self.book.description.clone())
    }

    /// The name of a level (1-based), or «Livello N» past the configured ones.
    pub fn level_name(&self, level: usize) -> String {
        self.levels
            .get(level.saturating_sub(1))
            .cloned()
            .unwrap_or_else(|| format!("Livello {level}"))
    }

    /// The name of a level in the plural («Livelli N» past the configured
    /// ones).
    pub fn level_plural(&self, level: usize) -> String {
        self.levels_plural
            .get(level.saturating_sub(1))
            .cloned()
            .unwrap_or_else(|| format!("Livelli {level}"))
    }

    /// `site_url` with exactly one trailing slash.
    pub fn site_url(&self) -> Option<String> {
        self.book
            .site_url
            .as_ref()
            .map(|u| format!("{}/", u.trim_end_matches('/')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of the first releases still read, each with a note that
    /// names its line and the new name; the new names give no note.
    #[test]
    fn old_names_still_read_with_a_note() {
        let old =
            "levels = [\"F\"]\n[book]\ntitle = \"T\"\nchamber = \"Camera di commercio di Alpi\"\n\
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
            (
                &n.book.title,
                n.chamber_name(),
                &n.source.file,
                &n.ui.home,
                &n.footer[0].name
            ),
            (
                &c.book.title,
                c.chamber_name(),
                &c.source.file,
                &c.ui.home,
                &c.footer[0].name
            )
        );
        // An error names the key by its new name, at the line of the old one.
        let err = Config::parse(Path::new("book.toml"), "[book]\ncolor = \"blu\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("book.toml:2") && err.contains("[manuale] colore"),
            "{err}"
        );
        // Both names at once: one of them is too many.
        let err = Config::parse(
            Path::new("book.toml"),
            "[book]\ntitle = \"a\"\n[manuale]\ntitolo = \"b\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("book.toml:"), "{err}");
    }

    #[test]
    fn empty_file_gives_defaults() {
        let c = Config::parse(Path::new("book.toml"), "").unwrap();
        assert_eq!(c.functions.len(), 6);
        assert_eq!(c.level_name(2), "Macro-processo");
        assert_eq!(c.level_name(9), "Livello 9");
    }

    #[test]
    fn tables_merge_over_defaults() {
        let c = Config::parse(
            Path::new("b"),
            "[functions]\nA = \"Organi\"\n[ui]\nhome = \"Inizio\"\n\
             [glossario]\nPO = \"\"\nDURC = \"Documento unico di regolarità contributiva\"\n",
        )
        .unwrap();
        assert_eq!(c.functions["A"], "Organi");
        assert_eq!(c.functions["F"], "Altri servizi ad imprese e territorio");
        assert_eq!(c.ui.home, "Inizio");
        assert_eq!(c.ui.next, "Successivo");
        // A term added, a default one removed by an empty meaning.
        assert_eq!(
            crate::text::abbreviate("PO, DURC, SUAP", &c.glossary),
            "PO, <abbr title=\"Documento unico di regolarità contributiva\">DURC</abbr>, \
             <abbr title=\"Sportello unico per le attività produttive\">SUAP</abbr>"
        );
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let err = Config::parse(
            Path::new("book.toml"),
            "[book]\ntitle = \"x\"\ncolr = \"#000\"\n",
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("book.toml:3:1: configurazione non valida"),
            "{msg}"
        );
        assert!(msg.contains("colr"), "{msg}");
        let err = Config::parse(Path::new("book.toml"), "[book]\ncolor = \"blu\"\n").unwrap_err();
        assert!(err.to_string().starts_with("book.toml:2:1:"), "{err}");
        let err = Config::parse(Path::new("book.toml"), "[ui]\nhoem = \"x\"\n").unwrap_err();
        assert!(err.to_string().contains("«hoem» non esiste"), "{err}");
    }

    #[test]
    fn contrast_ratio() {
        assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 0.01);
        assert!(contrast(parse_color("#1f5f74").unwrap(), [255, 255, 255]) >= 4.5);
        assert!(contrast(parse_color("#ffcc00").unwrap(), [255, 255, 255]) < 4.5);
    }
}
