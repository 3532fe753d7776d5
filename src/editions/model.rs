//! What an edition holds.

use crate::code::Code;
use crate::content::Content;
use crate::date::Date;
use crate::mapping::{Map, Record};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The act that adopted an edition, and when.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Info {
    /// The date of adoption, `AAAA-MM-GG`: the edition's name.
    pub data: String,
    /// The act, e.g. "Delibera di Giunta n. 12 del 28/01/2026".
    pub atto: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub atto_url: Option<String>,
}

impl Info {
    /// The date of adoption as people write it: "28 gennaio 2026".
    pub fn date_text(&self) -> String {
        Date::parse(&self.data).map_or_else(|| self.data.clone(), |d| d.italian())
    }
}

/// One node of the map in an edition.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub code: Code,
    #[serde(default)]
    pub title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<Record>,
    /// The date of the node's data when the edition was recorded (the
    /// page's `updated`): what "aggiornato" says in the edition's files, as
    /// in the live ones. Absent in editions recorded before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// The author's text of the page as citizens read it that year
    /// (Markdown); absent in editions recorded before it was kept.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    /// The page's file in `content/` then, which the author's relative
    /// links start from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<std::path::PathBuf>,
}

impl Entry {
    /// An entry of `code` with a title and rows, nothing else.
    pub fn new(code: Code, title: String, rows: Vec<Record>) -> Entry {
        Entry {
            code,
            title,
            rows,
            updated: None,
            author: String::new(),
            page: None,
        }
    }

    /// The same data, whatever the lines of the sheet it came from.
    pub fn same_data(&self, other: &Entry) -> bool {
        self.title == other.title
            && self.rows.len() == other.rows.len()
            && self
                .rows
                .iter()
                .zip(&other.rows)
                .all(|(a, b)| a.same_data(b))
    }

    /// True when some row of it holds data (an activity, not a heading).
    pub fn has_data(&self) -> bool {
        self.rows.iter().any(Record::has_data)
    }
}

/// A recorded edition.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edition {
    pub info: Info,
    pub entries: BTreeMap<Code, Entry>,
    /// Its folder in the book (`editions/AAAA-MM-GG`), once recorded.
    pub dir: Option<std::path::PathBuf>,
}

impl Edition {
    /// True when the edition kept the author's text of its pages (those
    /// recorded before it did keep none).
    pub fn keeps_author(&self) -> bool {
        self.entries.values().any(|e| e.page.is_some())
    }

    /// The date of adoption.
    pub(crate) fn date(&self) -> Date {
        Date::parse(&self.info.data).unwrap_or(Date {
            year: 0,
            month: 1,
            day: 1,
        })
    }
}

/// The published map of `content/` (archived pages left out), as entries.
pub fn entries_of_content(content: &Content) -> BTreeMap<Code, Entry> {
    content
        .pages
        .iter()
        .filter(|(_, p)| !p.front.archived)
        .map(|(code, p)| {
            (
                code.clone(),
                Entry {
                    code: code.clone(),
                    title: p.front.title.clone(),
                    rows: p.front.rows.clone(),
                    updated: p.front.updated.clone(),
                    author: p.author.trim().to_string(),
                    page: Some(p.path.clone()),
                },
            )
        })
        .collect()
}

/// A map read from a sheet, as entries, titled as an import into
/// `existing` would title its pages.
pub fn entries_of_map(
    map: &Map,
    names: &BTreeMap<String, String>,
    existing: &Content,
) -> BTreeMap<Code, Entry> {
    map.nodes
        .iter()
        .map(|(code, n)| {
            (
                code.clone(),
                Entry::new(
                    code.clone(),
                    crate::content::page_title(n, names, existing.pages.get(code)),
                    n.records.clone(),
                ),
            )
        })
        .collect()
}
