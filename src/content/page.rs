//! One page of `content/`: TOML fields between `+++` lines, the part
//! `manuale importa` writes between two markers, and the author's text after
//! them; reading it back and writing it out byte for byte the same.

use super::error::ContentError;
use crate::code::Code;
use crate::mapping::{Record, Role};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file name of a section's page (a node with children).
pub const INDEX: &str = "_index.md";

const FENCE: &str = "+++";
const START: &str = "<!-- manuale: inizio della parte scritta da «manuale importa». Non modificarla: è riscritta a ogni import dal foglio della mappatura. -->";
const START_PREFIX: &str = "<!-- manuale: inizio";
const END_PREFIX: &str = "<!-- manuale: fine";
const KEPT: &str = "<!-- manuale: testo modificato a mano nella parte generata, conservato da «manuale importa» -->";

/// The structured fields of a page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Front {
    /// The node's code; absent on the home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    #[serde(default)]
    pub title: String,
    /// Date of the last change to the page's data (`AAAA-MM-GG`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// No row of the sheet names this node (a function, or a forgotten
    /// ancestor). Its title may be written by an author and is kept.
    #[serde(default, skip_serializing_if = "is_false")]
    pub synthetic: bool,
    /// The code is no longer in the sheet; the page is kept for its author's
    /// text and is not published.
    #[serde(default, skip_serializing_if = "is_false")]
    pub archived: bool,
    /// On the home page: the sheet the map was imported from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceInfo>,
    /// The rows of the sheet with this code, cells as read.
    #[serde(default, rename = "row", skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<Record>,
    /// Fields of the author's own, kept by import and given to templates.
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub extra: toml::Table,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Where the map came from, kept on the home page for the CSV export.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceInfo {
    /// The sheet's file name.
    pub file: String,
    /// The sheet's columns in their order: header text and the field of a
    /// row it fills (`code_cell`, `name`, …, or `extra`).
    #[serde(default)]
    pub columns: Vec<SourceColumn>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceColumn {
    pub header: String,
    /// The field of a row the column fills (`code_cell`, `name`, …);
    /// `None` for a column the mapping does not know, written `extra`.
    #[serde(with = "field_or_extra")]
    pub field: Option<Role>,
}

/// `Option<Role>` as the name of a row's field, `extra` for `None`.
mod field_or_extra {
    use crate::mapping::Role;
    use serde::{Deserialize, Deserializer, Serializer};

    const EXTRA: &str = "extra";

    pub(super) fn serialize<S: Serializer>(field: &Option<Role>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(field.map_or(EXTRA, Role::field))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Role>, D::Error> {
        let name = String::deserialize(d)?;
        if name == EXTRA {
            return Ok(None);
        }
        Role::deserialize(serde::de::value::StrDeserializer::<D::Error>::new(&name)).map(Some)
    }
}

/// A page read from `content/`.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// Path relative to the content folder.
    pub path: PathBuf,
    pub front: Front,
    /// The part between the markers, if the page has one.
    pub generated: Option<String>,
    /// True when the generated part no longer matches its fingerprint.
    pub generated_edited: bool,
    /// The author's Markdown.
    pub author: String,
    /// 1-based line of the file where the author's text starts.
    pub author_line: usize,
}

impl Page {
    /// Reads a page from its text; `path` names it in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Page, ContentError> {
        let bad = |line: usize, message: String| ContentError::Malformed {
            path: path.to_path_buf(),
            line,
            message,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text = lf(text);
        let mut lines = text.split_inclusive('\n');
        let first = lines.next().unwrap_or("");
        if first.trim_end() != FENCE {
            return Err(bad(
                1,
                "la pagina deve iniziare con una riga «+++» seguita dai campi TOML (codice, titolo…)".into(),
            ));
        }
        // The closing fence is the first `+++` line before which the fields
        // parse: a cell's line `+++` inside a multi-line string is not one,
        // since the text up to it leaves the string open.
        let mut offset = first.len();
        let mut first_error = None;
        let mut found = None;
        for (n, l) in lines.enumerate() {
            if l.trim_end() == FENCE {
                let fm = &text[first.len()..offset];
                match toml::from_str::<Front>(fm) {
                    Ok(front) => {
                        found = Some((front, offset, n + 2, l.len()));
                        break;
                    }
                    Err(e) => {
                        if first_error.is_none() {
                            let at = e.span().map_or(0, |s| s.start);
                            first_error = Some(bad(
                                1 + 1 + fm[..at.min(fm.len())].matches('\n').count(),
                                crate::toml_messages::italian(e.message()),
                            ));
                        }
                    }
                }
            }
            offset += l.len();
        }
        let Some((front, fm_end, close_line, close_len)) = found else {
            return Err(first_error
                .unwrap_or_else(|| bad(1, "manca la riga «+++» che chiude i campi TOML".into())));
        };
        let body_start = fm_end + close_len;
        let body = &text[body_start..];
        let body_line = close_line + 1;
        let (generated, edited, author, author_line) =
            split_body(body, body_line).map_err(|(l, m)| bad(l, m))?;
        if front.code.is_none() && path.file_name().and_then(|f| f.to_str()) != Some(INDEX) {
            return Err(bad(
                2,
                "manca il campo «code» (il codice del processo, es. code = \"C2.5.3.1\")".into(),
            ));
        }
        Ok(Page {
            path: path.to_path_buf(),
            front,
            generated,
            generated_edited: edited,
            author,
            author_line,
        })
    }

    /// The page's file text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(FENCE);
        out.push('\n');
        out.push_str(&toml::to_string_pretty(&self.front).expect("front matter serialises"));
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(FENCE);
        out.push_str("\n\n");
        if let Some(generated) = &self.generated {
            let generated = lf(generated);
            let generated = generated.trim_matches('\n');
            out.push_str(START);
            out.push('\n');
            out.push_str(generated);
            out.push('\n');
            out.push_str(&end_marker(generated));
            out.push('\n');
        }
        let author = lf(&self.author);
        let author = author.trim_matches('\n');
        if !author.is_empty() {
            out.push('\n');
            out.push_str(author);
            out.push('\n');
        }
        out
    }

    /// True when the author wrote something of their own on the page.
    pub fn has_author_content(&self) -> bool {
        !self.author.trim().is_empty() || !self.front.extra.is_empty() || self.generated_edited
    }
}

/// Text with every line end as LF: pages are read and written that way
/// (CRLF from Windows editors, a lone CR from old Mac ones), so a page
/// reads back to what was written.
fn lf(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The comment that introduces hand edits moved out of the generated part.
pub fn kept_marker() -> &'static str {
    KEPT
}

fn end_marker(generated: &str) -> String {
    format!(
        "{END_PREFIX} della parte scritta da «manuale importa» (impronta {:016x}). Scrivi sotto questa riga: il testo che segue è tuo e l'import lo conserva. -->",
        fingerprint(generated)
    )
}

/// FNV-1a: stable across versions and platforms, enough to notice an edit.
fn fingerprint(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.trim_matches('\n').bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

type Split = (Option<String>, bool, String, usize);

/// Splits a body into the generated part and the author's text.
fn split_body(body: &str, first_line: usize) -> Result<Split, (usize, String)> {
    let mut start = None;
    let mut end = None;
    let mut offset = 0;
    for (n, l) in body.split_inclusive('\n').enumerate() {
        let line = first_line + n;
        if l.starts_with(START_PREFIX) {
            if start.is_some() {
                return Err((
                    line,
                    "il segnaposto di inizio della parte generata compare due volte".into(),
                ));
            }
            start = Some((offset, offset + l.len(), line));
        } else if l.starts_with(END_PREFIX) {
            if start.is_none() {
                return Err((
                    line,
                    "c'è il segnaposto di fine della parte generata ma manca quello di inizio"
                        .into(),
                ));
            }
            if end.is_some() {
                return Err((
                    line,
                    "il segnaposto di fine della parte generata compare due volte".into(),
                ));
            }
            end = Some((offset, offset + l.len(), line, l));
        }
        offset += l.len();
    }
    match (start, end) {
        (None, None) => {
            let lead = body.len() - body.trim_start_matches('\n').len();
            let line = first_line + body[..lead].matches('\n').count();
            Ok((None, false, body.trim_matches('\n').to_string(), line))
        }
        (Some((_, _, line)), None) => Err((
            line,
            "manca il segnaposto di fine della parte generata («<!-- manuale: fine …»)".into(),
        )),
        (Some((s0, s1, _)), Some((e0, e1, eline, marker))) => {
            let generated = body[s1..e0].trim_matches('\n').to_string();
            let edited = match stored_fingerprint(marker) {
                Some(f) => f != fingerprint(&generated),
                None => true,
            };
            let before = body[..s0].trim_matches('\n');
            let after = body[e1..].trim_matches('\n');
            // Text written above the generated part is the author's too.
            let author = match (before.is_empty(), after.is_empty()) {
                (true, _) => after.to_string(),
                (false, true) => before.to_string(),
                (false, false) => format!("{before}\n\n{after}"),
            };
            let lead = body[e1..].len() - body[e1..].trim_start_matches('\n').len();
            Ok((Some(generated), edited, author, eline + 1 + lead))
        }
        (None, Some(_)) => unreachable!("checked while scanning"),
    }
}

fn stored_fingerprint(marker: &str) -> Option<u64> {
    let at = marker.find("impronta ")? + "impronta ".len();
    let hex: String = marker[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    u64::from_str_radix(&hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Page {
        Page {
            path: PathBuf::from("A/A1/A1.1.md"),
            front: Front {
                code: Some("A1.1".parse().unwrap()),
                title: "Performance \"camerale\"".into(),
                updated: Some("2024-01-31".into()),
                rows: vec![Record {
                    line: 5,
                    code_cell: "A1.1 Performance".into(),
                    steps: "1. uno\n2. due".into(),
                    ..Record::default()
                }],
                ..Front::default()
            },
            generated: Some("# A1.1 Performance".into()),
            generated_edited: false,
            author: "Testo **mio**.".into(),
            author_line: 0,
        }
    }

    #[test]
    fn round_trip() {
        let p = page();
        let text = p.render();
        let back = Page::parse(Path::new("A/A1/A1.1.md"), &text).unwrap();
        assert_eq!(back.front, p.front);
        assert_eq!(back.generated, p.generated);
        assert_eq!(back.author, p.author);
        assert!(!back.generated_edited);
        assert_eq!(
            text.lines().nth(back.author_line - 1),
            Some("Testo **mio**.")
        );
        // Same page, same bytes.
        assert_eq!(back.render(), text);
    }

    #[test]
    fn line_ends_are_read_and_written_as_lf() {
        // Found by `cargo fuzz run page` and `roundtrip`: carriage returns
        // at the end of an author's text changed at every round trip.
        let text = "+++\ncode = \"A1\"\n+++\r\n\r\nNota\r\r\r";
        let p = Page::parse(Path::new("x.md"), text).unwrap();
        assert_eq!(p.author, "Nota");
        let mut q = page();
        q.author = "\n\r\n".into();
        let written = q.render();
        assert!(!written.contains('\r'));
        assert_eq!(
            Page::parse(Path::new("x.md"), &written).unwrap().render(),
            written
        );
    }

    #[test]
    fn edits_to_the_generated_part_are_noticed() {
        let text = page()
            .render()
            .replace("# A1.1 Performance", "# A1.1 Performance corretta");
        let back = Page::parse(Path::new("x.md"), &text).unwrap();
        assert!(back.generated_edited);
        assert!(back.has_author_content());
    }

    #[test]
    fn malformed_pages_name_the_line() {
        let err = Page::parse(Path::new("x.md"), "titolo\n").unwrap_err();
        assert_eq!(err.to_string().split(": ").next(), Some("x.md:1"));
        let err =
            Page::parse(Path::new("x.md"), "+++\ncode = \"A1\"\ntitle = \n+++\n").unwrap_err();
        assert!(err.to_string().starts_with("x.md:3:"), "{err}");
        let err = Page::parse(Path::new("x.md"), "+++\ncode = \"A1\"\n").unwrap_err();
        assert!(err.to_string().contains("chiude"), "{err}");
        let err = Page::parse(
            Path::new("x.md"),
            "+++\ncode = \"A1\"\n+++\n\n<!-- manuale: inizio x -->\nz\n",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("x.md:5:"), "{err}");
        let err = Page::parse(Path::new("x.md"), "+++\ncode = \"Z-9\"\n+++\n").unwrap_err();
        assert!(err.to_string().contains("non è un codice"), "{err}");
    }

    #[test]
    fn pages_without_markers_are_all_author_text() {
        let p = Page::parse(
            Path::new("x.md"),
            "+++\ncode = \"A1\"\ntitle = \"T\"\n+++\n\nCiao\n",
        )
        .unwrap();
        assert_eq!(p.generated, None);
        assert_eq!(p.author, "Ciao");
        assert_eq!(p.author_line, 6);
    }
}
