//! `manuale check`: reads a sheet and reports its defects without writing
//! anything, the way a compiler reports errors: `file:line:col:
//! level[CODE]: message`, the offending cell, what `import` does about it.
//! The same report is printed by `import`, and as JSON for other tools.

use crate::diagnostic::{Diagnostic, Kind, Level};
use crate::import::{self, ImportError};
use crate::mapping::Counts;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// A sheet's diagnostics and size.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The sheet as named to the user.
    pub file: String,
    /// How it was read (encoding and delimiter, or workbook sheet).
    pub format: String,
    pub diagnostics: Vec<Diagnostic>,
    pub counts: Counts,
}

impl Report {
    pub fn count(&self, level: Level) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.level() == level)
            .count()
    }

    /// Diagnostics grouped by level (errors first), each group by line.
    pub fn grouped(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.diagnostics.iter().collect();
        v.sort_by(|a, b| {
            b.level()
                .cmp(&a.level())
                .then((a.line, a.column, a.kind).cmp(&(b.line, b.column, b.kind)))
        });
        v
    }

    /// Every diagnostic, then the summary, as text for a terminal.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for d in self.grouped() {
            out.push_str(&d.render(&self.file));
            out.push_str("\n\n");
        }
        out.push_str(&self.summary());
        out
    }

    /// The counts by level and by code.
    pub fn summary(&self) -> String {
        let c = &self.counts;
        let mut out = format!(
            "{} ({}): {} righe, {} processi, {} sezioni, {} attività.\n{} errori, {} avvisi, {} note.\n",
            self.file,
            self.format,
            c.rows,
            c.processes,
            c.sections,
            c.activities,
            self.count(Level::Error),
            self.count(Level::Warning),
            self.count(Level::Info)
        );
        let mut by_kind: BTreeMap<Kind, usize> = BTreeMap::new();
        for d in &self.diagnostics {
            *by_kind.entry(d.kind).or_insert(0) += 1;
        }
        for (k, n) in by_kind {
            out.push_str(&format!(
                "  {} {:<7} {n:>4}  {}\n",
                k.code(),
                k.level().to_string(),
                k.summary()
            ));
        }
        out
    }

    /// The report as JSON: `{file, format, diagnostics: [...], summary}`.
    pub fn render_json(&self) -> String {
        #[derive(Serialize)]
        struct Json<'a> {
            file: &'a str,
            format: &'a str,
            diagnostics: Vec<JsonDiag<'a>>,
            summary: JsonSummary,
        }
        #[derive(Serialize)]
        struct JsonDiag<'a> {
            file: &'a str,
            line: usize,
            column: Option<usize>,
            level: Level,
            code: &'static str,
            message: &'a str,
            cell: Option<&'a str>,
            action: &'a str,
        }
        #[derive(Serialize)]
        struct JsonSummary {
            #[serde(flatten)]
            counts: Counts,
            errors: usize,
            warnings: usize,
            notes: usize,
            by_code: BTreeMap<&'static str, usize>,
        }
        let mut by_code = BTreeMap::new();
        for d in &self.diagnostics {
            *by_code.entry(d.kind.code()).or_insert(0) += 1;
        }
        let json = Json {
            file: &self.file,
            format: &self.format,
            diagnostics: self
                .grouped()
                .into_iter()
                .map(|d| JsonDiag {
                    file: &self.file,
                    line: d.line,
                    column: d.column,
                    level: d.level(),
                    code: d.kind.code(),
                    message: &d.message,
                    cell: d.cell.as_deref(),
                    action: &d.action,
                })
                .collect(),
            summary: JsonSummary {
                counts: self.counts,
                errors: self.count(Level::Error),
                warnings: self.count(Level::Warning),
                notes: self.count(Level::Info),
                by_code,
            },
        };
        serde_json::to_string_pretty(&json).expect("report serialises") + "\n"
    }
}

/// Reads and analyses the sheet (`file`, or the one in `book.toml`).
pub fn run(book: &Path, file: Option<&Path>, sheet: Option<&str>) -> Result<Report, ImportError> {
    let (_, path, sheet, map) = import::read_map(book, file, sheet)?;
    Ok(Report {
        file: shown(&path),
        format: sheet.format.clone(),
        counts: map.counts(),
        diagnostics: map.diagnostics,
    })
}

/// A path as the user would type it: without a leading `./`.
pub fn shown(path: &Path) -> String {
    path.strip_prefix(".").unwrap_or(path).display().to_string()
}
