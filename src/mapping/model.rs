//! What a sheet becomes: the [`Map`] of [`Node`]s by code, each holding the
//! [`Record`]s (rows) of the sheet that name it. Plain data: building it is
//! [`super::place`]'s, checking it [`super::checks`]'.

use super::columns::{Columns, Role};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One row of the sheet as it reaches a page: the cells as read (trimmed,
/// not rewritten) and the line they came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Record {
    pub line: usize,
    /// The first cell, code and title as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code_cell: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub input: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub output: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub steps: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub responsible: String,
    /// Cells of columns `manuale` does not know, by header.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

impl Record {
    /// The cell of a role's column (`""` for the normalised code, which a
    /// record keeps on its node).
    pub fn cell(&self, role: Role) -> &str {
        match role {
            Role::Normalised => "",
            Role::Code => &self.code_cell,
            Role::Name => &self.name,
            Role::Input => &self.input,
            Role::Output => &self.output,
            Role::Steps => &self.steps,
            Role::Responsible => &self.responsible,
        }
    }

    /// A row holds data when it says more than a code and a name.
    pub fn has_data(&self) -> bool {
        !(self.input.is_empty()
            && self.output.is_empty()
            && self.steps.is_empty()
            && self.responsible.is_empty()
            && self.extra.values().all(String::is_empty))
    }

    /// The same record without its line number: two imports that only moved
    /// rows around hold the same data.
    pub fn same_data(&self, other: &Record) -> bool {
        Record {
            line: 0,
            ..self.clone()
        } == Record {
            line: 0,
            ..other.clone()
        }
    }
}

/// A node of the tree: a function, a section or a process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub code: Code,
    pub title: String,
    /// Rows of the sheet with this code, in the order of the sheet.
    pub records: Vec<Record>,
    /// True when no row of the sheet names this node: a function (its name
    /// comes from `book.toml`) or an ancestor the sheet forgot.
    pub synthetic: bool,
}

/// The process map read from a sheet.
#[derive(Clone, Debug)]
pub struct Map {
    pub columns: Columns,
    pub nodes: BTreeMap<Code, Node>,
    pub diagnostics: Vec<Diagnostic>,
    /// Lines of the sheet holding a row (blank lines excluded).
    pub rows: usize,
}

/// How big a map is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Rows of the sheet holding something (blank lines excluded).
    pub rows: usize,
    /// Nodes without children.
    pub processes: usize,
    /// Nodes with children (functions included).
    pub sections: usize,
    /// Rows holding data.
    pub activities: usize,
}

impl Map {
    /// The codes that have children.
    pub fn sections(&self) -> BTreeSet<Code> {
        self.nodes.keys().filter_map(Code::parent).collect()
    }

    pub fn counts(&self) -> Counts {
        let sections = self.sections();
        Counts {
            rows: self.rows,
            processes: self.nodes.len() - sections.len(),
            sections: sections.len(),
            activities: self
                .nodes
                .values()
                .flat_map(|n| &n.records)
                .filter(|r| r.has_data())
                .count(),
        }
    }
}
