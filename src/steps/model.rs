//! What a step list is: the text before it, and its items, each with
//! its marker and its own text (which may hold a list in turn).

/// How the items of a list are marked in the cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `1.`, `1)` or `1-`.
    Number,
    /// `a)` (or `A)`).
    Letter,
    /// `- ` at the start of each item.
    Dash,
    /// One item per line of a cell (Alt+Enter in the spreadsheet).
    Lines,
    /// Groups headed by a label kept as written, a counted marker followed
    /// by a colon or after a word that names it: `a): …  b): …`,
    /// `lettera a): 1. … lettera b): 1. …`, `fase A: …  fase B: …`.
    Labels,
}

/// A cell's text: an introduction, then possibly a list.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Steps {
    pub intro: String,
    pub list: Option<List>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    pub kind: Kind,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The marker as written (`3.`, `b)`, `-`).
    pub marker: String,
    /// Its position in the count (`3` for `3.`, `2` for `b)`).
    pub value: u32,
    pub body: Steps,
}
