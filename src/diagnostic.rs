//! Diagnostics about the data: what a sheet does wrong, where, and what
//! `manuale` did about it.
//!
//! Diagnostics are values collected while reading, never errors that stop the
//! run: a defect in the map is reported and worked around so that no row is
//! lost. Each kind has a stable code (`M003`) that tools and the README use.

use serde::Serialize;
use std::fmt;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Worth knowing; the data is fine as published.
    Info,
    /// A defect in the sheet that `manuale` worked around.
    Warning,
    /// A defect `manuale` could not work around.
    Error,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Info => "nota",
            Level::Warning => "avviso",
            Level::Error => "errore",
        })
    }
}

/// The kinds of defect, each with a stable code explained in the README.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Kind {
    /// A code written in a non-canonical way (`A.2.1.3.1.`, `A1.`).
    CodeRespelled,
    /// Two codes in one cell (`…/A2.1.3.2 …`).
    TwoCodes,
    /// A row with data but no code.
    NoCode,
    /// A node whose ancestors have no row.
    AncestorMissing,
    /// An inner node's heading repeated on a later row.
    DuplicateHeading,
    /// A row that comes before a code it should follow.
    OutOfOrder,
    /// A row of a code whose title differs from the code's first row.
    TitleDiffers,
    /// The name column repeats the code.
    NameHasCode,
    /// A heading row whose name column differs from the title.
    NameDiffers,
    /// A row with data but no responsible role.
    NoResponsible,
    /// A row with data but no sequence of activities.
    NoSteps,
    /// Replacement, control characters or letters from another script.
    SuspiciousText,
    /// Text that seems to sit in the wrong column.
    ShiftedColumns,
    /// An empty line.
    BlankLine,
    /// A column `manuale` does not know, kept and shown.
    ExtraColumn,
    /// A cell longer than a page can show comfortably.
    LongCell,
    /// Text above the header row.
    BeforeHeader,
    /// The Unicode replacement character: text damaged before the sheet
    /// reached manuale.
    ReplacementChar,
    /// Text that is not UTF-8, read as Windows-1252.
    Encoding,
    /// A code with more levels than any map has: no page could hold it.
    CodeTooDeep,
    /// A node with activities of its own and levels below it.
    DataAndChildren,
    /// A row that follows a heading left empty, under another parent.
    AfterEmptyHeading,
}

impl Kind {
    /// The stable code printed with the diagnostic.
    pub fn code(self) -> &'static str {
        match self {
            Kind::CodeRespelled => "M001",
            Kind::TwoCodes => "M002",
            Kind::NoCode => "M003",
            Kind::AncestorMissing => "M004",
            Kind::DuplicateHeading => "M005",
            Kind::OutOfOrder => "M006",
            Kind::TitleDiffers => "M007",
            Kind::NameHasCode => "M008",
            Kind::NameDiffers => "M009",
            Kind::NoResponsible => "M010",
            Kind::NoSteps => "M011",
            Kind::SuspiciousText => "M012",
            Kind::ShiftedColumns => "M013",
            Kind::BlankLine => "M014",
            Kind::ExtraColumn => "M015",
            Kind::LongCell => "M016",
            Kind::BeforeHeader => "M017",
            Kind::ReplacementChar => "M018",
            Kind::Encoding => "M019",
            Kind::CodeTooDeep => "M020",
            Kind::DataAndChildren => "M021",
            Kind::AfterEmptyHeading => "M022",
        }
    }

    /// What the kind means, in a few words, for summaries.
    pub fn summary(self) -> &'static str {
        match self {
            Kind::CodeRespelled => "codice scritto in modo non canonico",
            Kind::TwoCodes => "due codici nella stessa cella",
            Kind::NoCode => "riga senza codice",
            Kind::AncestorMissing => "antenato senza riga nel foglio",
            Kind::DuplicateHeading => "intestazione ripetuta",
            Kind::OutOfOrder => "riga fuori ordine",
            Kind::TitleDiffers => "titolo diverso per lo stesso codice",
            Kind::NameHasCode => "il nome ripete il codice",
            Kind::NameDiffers => "nome diverso dal titolo",
            Kind::NoResponsible => "attività senza responsabile",
            Kind::NoSteps => "attività senza sequenza",
            Kind::SuspiciousText => "caratteri sospetti",
            Kind::ShiftedColumns => "celle spostate di colonna",
            Kind::BlankLine => "riga vuota",
            Kind::ExtraColumn => "colonna non prevista",
            Kind::LongCell => "cella troppo lunga",
            Kind::BeforeHeader => "testo prima dell'intestazione",
            Kind::ReplacementChar => "carattere sostitutivo (testo già danneggiato)",
            Kind::Encoding => "codifica non UTF-8",
            Kind::CodeTooDeep => "codice con troppi livelli",
            Kind::DataAndChildren => "processo con attività e livelli inferiori",
            Kind::AfterEmptyHeading => "riga dopo un'intestazione rimasta vuota",
        }
    }

    /// The level a diagnostic of this kind has.
    pub fn level(self) -> Level {
        match self {
            Kind::BlankLine
            | Kind::BeforeHeader
            | Kind::Encoding
            | Kind::NameHasCode
            | Kind::NameDiffers
            | Kind::ExtraColumn => Level::Info,
            Kind::ReplacementChar | Kind::CodeTooDeep => Level::Error,
            _ => Level::Warning,
        }
    }
}

/// One defect found in the sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub kind: Kind,
    /// 1-based line (or row) of the sheet.
    pub line: usize,
    /// 1-based column, where the defect sits in one cell.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// The offending cell text, as read.
    pub cell: Option<String>,
    /// What `manuale` did about it.
    pub action: String,
}

impl Diagnostic {
    pub fn new(kind: Kind, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            kind,
            line,
            column: None,
            message: message.into(),
            cell: None,
            action: String::new(),
        }
    }

    pub fn column(mut self, column: usize) -> Self {
        self.column = Some(column);
        self
    }

    pub fn cell(mut self, cell: impl Into<String>) -> Self {
        self.cell = Some(cell.into());
        self
    }

    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = action.into();
        self
    }

    pub fn level(&self) -> Level {
        self.kind.level()
    }

    /// `file:line:col: level[CODE]: message`, then the cell and the action,
    /// the way a compiler prints an error.
    pub fn render(&self, file: &str) -> String {
        let col = self.column.unwrap_or(1);
        let mut out = format!(
            "{file}:{}:{col}: {}[{}]: {}",
            self.line,
            self.level(),
            self.kind.code(),
            self.message
        );
        if let Some(cell) = &self.cell {
            out.push_str("\n    | ");
            out.push_str(&shorten(cell, 160));
        }
        if !self.action.is_empty() {
            out.push_str("\n    = ");
            out.push_str(&self.action);
        }
        out
    }
}

/// Cuts a long cell for the terminal, on a character boundary.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

/// Sorts diagnostics by line, then column, then code, so reports are stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.line, a.column, a.kind, &a.message).cmp(&(b.line, b.column, b.kind, &b.message))
    });
}
