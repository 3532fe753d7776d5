//! The editions as the site shows them, worked out once per build: which
//! edition the current map is, what changed from one edition to the next,
//! each node's history, the earlier versions that get a page of their own,
//! and the nodes that left the map (their URLs keep answering).
//!
//! A version gets a page (`edizioni/DATE/processi/CODE.html`) when its text
//! differs from the next edition's (or, for the newest edition, from the
//! current map's): the same pages, whatever is built later, so a link to
//! one keeps working while its edition is kept.

use super::layout::{EDITIONS_DIR, PAGES_DIR};
use super::tree::Tree;
use crate::code::Code;
use crate::editions::diff::{self, Changes, Kind};
use crate::editions::{Edition, Entry};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// An edition, as pages name it.
#[derive(Clone, Debug, Serialize)]
pub(super) struct EditionRef {
    pub(super) date: String,
    pub(super) date_text: String,
    pub(super) atto: String,
    pub(super) atto_url: Option<String>,
    /// Its page of changes, from the site root.
    pub(super) url: String,
}

/// What every page says about the edition it shows.
#[derive(Clone, Debug, Serialize)]
pub(super) struct Banner {
    /// The newest edition.
    pub(super) edition: EditionRef,
    /// True when the current map is that edition; false when it changed
    /// since (a map being prepared).
    pub(super) adopted: bool,
    /// The list of editions, from the site root.
    pub(super) list_url: String,
    /// The Atom feed of the editions, from the site root.
    pub(super) feed_url: String,
}

/// One line of a node's history.
#[derive(Clone, Debug, Serialize)]
pub(super) struct HistoryItem {
    pub(super) edition: EditionRef,
    /// "comparsa", "modificata", "rinominata", "spostata da C1.2.3".
    pub(super) what: String,
    /// The page of the version this edition recorded, when it differs.
    pub(super) version_url: Option<String>,
}

/// A node's history, on its page.
#[derive(Clone, Debug, Serialize)]
pub(super) struct HistoryCtx {
    pub(super) items: Vec<HistoryItem>,
    /// Changed since the newest edition.
    pub(super) pending: bool,
}

/// A node that is no longer in the map.
#[derive(Clone, Debug)]
pub(super) struct Gone {
    /// The last edition that had it.
    pub(super) last: usize,
    /// The first edition without it; `None` when only the current map has
    /// left it out.
    pub(super) since: Option<usize>,
    /// Where it went, when it moved.
    pub(super) moved_to: Option<Code>,
}

pub(super) struct History {
    pub(super) editions: Vec<Edition>,
    /// `changes[k]`: from edition k-1 (nothing, for the first) to k.
    pub(super) changes: Vec<Changes>,
    /// From the newest edition to the current map.
    pub(super) pending: Changes,
    pub(super) adopted: bool,
    /// (edition, code) of the versions with a page.
    pub(super) versions: BTreeSet<(usize, Code)>,
    pub(super) gone: BTreeMap<Code, Gone>,
    current: BTreeMap<Code, Entry>,
    /// The codes whose page changed since the newest edition: those that
    /// changed, and every level above them.
    changed_since: BTreeSet<Code>,
}

impl History {
    pub(super) fn new(editions: Vec<Edition>, tree: &Tree) -> History {
        let current: BTreeMap<Code, Entry> = tree
            .nodes
            .iter()
            .map(|n| {
                (
                    n.code.clone(),
                    Entry {
                        code: n.code.clone(),
                        title: n.title.clone(),
                        rows: n.page.front.rows.clone(),
                        updated: n.page.front.updated.clone(),
                        author: n.page.author.trim().to_string(),
                        page: Some(n.page.path.clone()),
                    },
                )
            })
            .collect();
        let empty = BTreeMap::new();
        let changes: Vec<Changes> = (0..editions.len())
            .map(|k| {
                let before = if k == 0 {
                    &empty
                } else {
                    &editions[k - 1].entries
                };
                diff::compare(before, &editions[k].entries)
            })
            .collect();
        let pending = editions
            .last()
            .map(|e| diff::compare(&e.entries, &current))
            .unwrap_or_default();
        let adopted = !editions.is_empty() && pending.modifiche.is_empty();
        // What changed since the newest edition, where: a node's page says
        // so when it or a node below it changed (a section lists them).
        let mut changed_since = BTreeSet::new();
        for c in &pending.modifiche {
            for code in std::iter::once(&c.codice).chain(&c.da) {
                changed_since.extend(std::iter::successors(Some(code.clone()), Code::parent));
            }
        }
        // A version has a page when what citizens read differs from the
        // next edition's (or the current map's): its data, or the author's
        // text where both editions kept it.
        let mut versions = BTreeSet::new();
        for (k, e) in editions.iter().enumerate() {
            let (next, next_keeps_author) = editions
                .get(k + 1)
                .map_or((&current, true), |n| (&n.entries, n.keeps_author()));
            let compare_author = next_keeps_author && e.keeps_author();
            for (code, entry) in &e.entries {
                let same = next.get(code).is_some_and(|n| {
                    n.same_data(entry) && (!compare_author || n.author == entry.author)
                });
                if !same {
                    versions.insert((k, code.clone()));
                }
            }
        }
        // Each code the current map lacks, from the last edition that had it.
        let mut last_seen: BTreeMap<Code, usize> = BTreeMap::new();
        for (k, e) in editions.iter().enumerate() {
            for code in e.entries.keys().filter(|c| !current.contains_key(*c)) {
                last_seen.insert(code.clone(), k);
            }
        }
        let gone = last_seen
            .into_iter()
            .map(|(code, last)| {
                let since = (last + 1 < editions.len()).then_some(last + 1);
                let moves = since.map_or(&pending, |s| &changes[s]);
                let moved_to = moves
                    .modifiche
                    .iter()
                    .find(|c| c.tipo == Kind::Spostato && c.da.as_ref() == Some(&code))
                    .map(|c| c.codice.clone());
                (
                    code,
                    Gone {
                        last,
                        since,
                        moved_to,
                    },
                )
            })
            .collect();
        History {
            editions,
            changes,
            pending,
            adopted,
            versions,
            gone,
            current,
            changed_since,
        }
    }

    pub(super) fn reference(&self, k: usize) -> EditionRef {
        let e = &self.editions[k];
        EditionRef {
            date: e.info.data.clone(),
            date_text: e.date().italian(),
            atto: e.info.atto.clone(),
            atto_url: e.info.atto_url.clone(),
            url: changes_url(&e.info.data),
        }
    }

    pub(super) fn banner(&self) -> Option<Banner> {
        let k = self.editions.len().checked_sub(1)?;
        Some(Banner {
            edition: self.reference(k),
            adopted: self.adopted,
            list_url: format!("{EDITIONS_DIR}/index.html"),
            feed_url: format!("{EDITIONS_DIR}/feed.xml"),
        })
    }

    /// The history of a node of the current map.
    pub(super) fn of(&self, code: &Code) -> Option<HistoryCtx> {
        if self.editions.is_empty() {
            return None;
        }
        let mut items = Vec::new();
        for (k, changes) in self.changes.iter().enumerate() {
            let Some(c) = changes.modifiche.iter().find(|c| &c.codice == code) else {
                // Data unchanged, but the text citizens read then (the
                // author's) differs from what followed: its page is linked.
                if self.versions.contains(&(k, code.clone())) {
                    items.push(HistoryItem {
                        edition: self.reference(k),
                        what: "dati invariati".to_string(),
                        version_url: Some(version_url(&self.editions[k].info.data, code)),
                    });
                }
                continue;
            };
            let what = match c.tipo {
                Kind::Aggiunto if k == 0 => "presente nella prima edizione".to_string(),
                Kind::Aggiunto => "aggiunta".to_string(),
                Kind::Spostato => format!(
                    "spostata da {}",
                    c.da.as_ref().map(ToString::to_string).unwrap_or_default()
                ),
                Kind::Rinominato => "rinominata".to_string(),
                Kind::Modificato => "modificata".to_string(),
                Kind::Eliminato => continue,
            };
            // The text this edition recorded, when it has a page; for a
            // move, the text at the old code in the edition before.
            let own = self
                .versions
                .contains(&(k, code.clone()))
                .then(|| version_url(&self.editions[k].info.data, code));
            let before_move = match (c.tipo, &c.da, k.checked_sub(1)) {
                (Kind::Spostato, Some(from), Some(p)) => self
                    .versions
                    .contains(&(p, from.clone()))
                    .then(|| version_url(&self.editions[p].info.data, from)),
                _ => None,
            };
            items.push(HistoryItem {
                edition: self.reference(k),
                what,
                version_url: own.or(before_move),
            });
        }
        Some(HistoryCtx {
            items,
            pending: self.pending.modifiche.iter().any(|c| &c.codice == code),
        })
    }

    /// True when the page of `code` shows what the newest edition adopted:
    /// neither it nor a node below it changed since.
    pub(super) fn as_adopted(&self, code: &Code) -> bool {
        !self.editions.is_empty() && !self.changed_since.contains(code)
    }

    /// The version of `code` recorded by edition `k`.
    pub(super) fn entry(&self, k: usize, code: &Code) -> Option<&Entry> {
        self.editions.get(k)?.entries.get(code)
    }

    /// True when `code` is in the current map.
    pub(super) fn is_current(&self, code: &Code) -> bool {
        self.current.contains_key(code)
    }

    /// The addresses of the editions' pages a search engine should know,
    /// with the day each last changed: the list, each edition's changes,
    /// and the pages kept at the address of a process that left the map.
    pub(super) fn sitemap(&self) -> Vec<(String, Option<String>)> {
        let Some(newest) = self.editions.last() else {
            return Vec::new();
        };
        let mut out = vec![(
            format!("{EDITIONS_DIR}/index.html"),
            Some(newest.info.data.clone()),
        )];
        for e in &self.editions {
            out.push((changes_url(&e.info.data), Some(e.info.data.clone())));
        }
        for (code, g) in &self.gone {
            let day = g.since.map(|s| self.editions[s].info.data.clone());
            out.push((super::layout::page_url(code), day));
        }
        out
    }

    /// The title of `code` in the current map.
    pub(super) fn title_now(&self, code: &Code) -> Option<&str> {
        self.current.get(code).map(|e| e.title.as_str())
    }
}

/// The page of an edition's changes, from the site root.
pub(super) fn changes_url(date: &str) -> String {
    format!("{EDITIONS_DIR}/{date}/modifiche.html")
}

/// The page of a version recorded by an edition, from the site root.
pub(super) fn version_url(date: &str, code: &Code) -> String {
    format!("{EDITIONS_DIR}/{date}/{PAGES_DIR}/{code}.html")
}
