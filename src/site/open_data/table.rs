//! The table the open data's CSV and workbook hold: the dictionary's
//! columns, then the sheet's own other columns, one row per row of the
//! sheet.

use crate::code::Code;
use crate::config::Config;
use crate::content::SourceColumn;
use crate::dictionary::{self, Derived, Origin};
use crate::mapping::{Record, Role};
use crate::site::tree::Tree;
use std::borrow::Cow;

/// A node as the open data describe it.
pub(super) struct DataNode<'a> {
    pub(super) code: &'a Code,
    pub(super) title: &'a str,
    pub(super) url: &'a str,
    /// [`dictionary::UPDATED_MEANING`].
    pub(super) updated: Option<String>,
    pub(super) rows: &'a [Record],
}

/// The table the CSV and the workbook hold: a header and the rows. A cell
/// that is a node's or a row's text is borrowed from it, not copied (a
/// national map's table was hundreds of MB of copies).
pub(super) struct Table<'a> {
    /// Machine names: the dictionary's, then the sheet's other columns.
    pub(super) header: Vec<String>,
    /// For each column after the dictionary's, the sheet's header.
    pub(super) extra: Vec<String>,
    pub(super) rows: Vec<Vec<Cow<'a, str>>>,
}

impl<'a> Table<'a> {
    pub(super) fn new(
        config: &Config,
        nodes: &'a [DataNode<'a>],
        columns: &[SourceColumn],
    ) -> Table<'a> {
        let extra = extra_headers(columns, nodes.iter().flat_map(|n| n.rows));
        let mut header: Vec<String> = dictionary::FIELDS
            .iter()
            .map(|f| f.name.to_string())
            .collect();
        for h in &extra {
            // A sheet's column named like one of ours keeps its values
            // under another name.
            let mut name = h.clone();
            while header.contains(&name) {
                name = format!("foglio_{name}");
            }
            header.push(name);
        }
        let mut rows = Vec::new();
        for n in nodes {
            let level = n.code.level();
            for r in n.rows {
                let mut row: Vec<Cow<'a, str>> = dictionary::FIELDS
                    .iter()
                    .map(|f| match f.origin {
                        Origin::Derived(what) => match what {
                            Derived::Code => n.code.to_string().into(),
                            Derived::Level => level.to_string().into(),
                            Derived::LevelName => config.level_name(level).into(),
                            Derived::ParentCode => n
                                .code
                                .parent()
                                .map(|p| p.to_string())
                                .unwrap_or_default()
                                .into(),
                            Derived::Title => n.title.into(),
                            Derived::Page => n.url.into(),
                            Derived::Updated => n.updated.as_deref().unwrap_or_default().into(),
                            Derived::RowKind => if r.has_data() {
                                dictionary::DATA_ROW
                            } else {
                                dictionary::HEADING_ROW
                            }
                            .into(),
                        },
                        Origin::Line => r.line.to_string().into(),
                        Origin::Sheet(role) => r.cell(role).into(),
                    })
                    .collect();
                row.extend(
                    extra
                        .iter()
                        .map(|h| r.extra.get(h).map_or("", String::as_str).into()),
                );
                rows.push(row);
            }
        }
        Table {
            header,
            extra,
            rows,
        }
    }
}

/// The sheet's columns as the last import recorded them.
pub(super) fn sheet_columns(tree: &Tree) -> Vec<SourceColumn> {
    tree.home
        .as_ref()
        .and_then(|h| h.front.source.as_ref())
        .map(|s| s.columns.clone())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(default_columns)
}

/// Columns of the sheet the mapping does not know, in the sheet's order,
/// then any other a row carries: they follow the dictionary's.
pub(super) fn extra_headers<'a>(
    columns: &[SourceColumn],
    rows: impl Iterator<Item = &'a Record>,
) -> Vec<String> {
    let mut extra: Vec<String> = columns
        .iter()
        .filter(|c| c.field.is_none())
        .map(|c| c.header.clone())
        .collect();
    for r in rows {
        for k in r.extra.keys() {
            if !extra.contains(k) {
                extra.push(k.clone());
            }
        }
    }
    extra
}

/// The national scheme's columns, for data that do not record the sheet's.
pub(super) fn default_columns() -> Vec<SourceColumn> {
    [
        ("CODIFICA UNIONCAMERE", Role::Code),
        ("NOME PROCESSO - ATTIVITA'", Role::Name),
        (
            "Elementi in ingresso che innescano il processo -input",
            Role::Input,
        ),
        ("Risultato atteso del processo -output", Role::Output),
        (
            "Sequenza di attività che consente di raggiungere l'output",
            Role::Steps,
        ),
        ("Responsabile output (ruolo)", Role::Responsible),
    ]
    .into_iter()
    .map(|(h, role)| SourceColumn {
        header: h.into(),
        field: Some(role),
    })
    .collect()
}
