//! `manuale controlla`: reads a sheet and reports its defects without writing
//! anything, the way a compiler reports errors: `file:line:col:
//! level[CODE]: message`, the offending cell, what `import` does about it.
//! The same report is printed by `import`, and as JSON for other tools.
//! Reading the sheet is [`crate::reading`]'s; this module only renders.

use crate::diagnostic::{Kind, Level};
use crate::mapping::Counts;
use crate::reading::{self, Input, ReadError, Report};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Reads and analyses the sheet `input` names.
pub fn run(book: &Path, input: &Input) -> Result<Report, ReadError> {
    Ok(reading::read(book, input)?.report())
}

/// Every diagnostic, then the summary, as text for a terminal.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    for d in report.grouped() {
        out.push_str(&d.render(&report.file));
        out.push_str("\n\n");
    }
    out.push_str(&summary(report));
    out
}

/// The counts by level and by code.
pub fn summary(report: &Report) -> String {
    let c = &report.counts;
    let mut out = format!(
        "{} ({}): {} righe, {} processi, {} sezioni, {} attività.\n{} errori, {} avvisi, {} note.\n",
        report.file,
        report.format,
        c.rows,
        c.processes,
        c.sections,
        c.activities,
        report.count(Level::Error),
        report.count(Level::Warning),
        report.count(Level::Info)
    );
    let mut by_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    for d in &report.diagnostics {
        *by_kind.entry(d.kind).or_insert(0) += 1;
    }
    for (k, n) in by_kind {
        let _ = writeln!(
            out,
            "  {} {:<7} {n:>4}  {}",
            k.code(),
            k.level().to_string(),
            k.summary()
        );
    }
    out
}

/// The report as JSON: `{file, format, diagnostics: [...], summary}`.
pub fn json(report: &Report) -> String {
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
    for d in &report.diagnostics {
        *by_code.entry(d.kind.code()).or_insert(0) += 1;
    }
    let json = Json {
        file: &report.file,
        format: &report.format,
        diagnostics: report
            .grouped()
            .into_iter()
            .map(|d| JsonDiag {
                file: &report.file,
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
            counts: report.counts,
            errors: report.count(Level::Error),
            warnings: report.count(Level::Warning),
            notes: report.count(Level::Info),
            by_code,
        },
    };
    // Plain strings and numbers: serialising cannot fail.
    serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
}
