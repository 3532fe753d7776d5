//! Rows to a process tree: columns found by their headers ([`columns`]),
//! each row placed on its node ([`place`]), every cell checked
//! ([`checks`]), and every defect of the sheet recorded as a
//! [`Diagnostic`](crate::diagnostic::Diagnostic).
//!
//! No I/O happens here, and nothing is dropped: each row of the sheet ends up
//! on exactly one node (or is reported as blank or before the header).

mod checks;
mod columns;
mod model;
mod place;

pub use columns::{role_of, Columns, HeaderRoles, Role};
pub use model::{Counts, Map, Node, Record};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Kind};
use crate::source::Sheet;
use columns::{find_columns, HEADER_SEARCH};
use place::{Builder, Placed};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error(
        "{path}: manca la riga di intestazione. Nelle prime {looked} righe non c'è una riga con \
         la colonna «CODIFICA UNIONCAMERE» (o «codice») e almeno due delle colonne «NOME PROCESSO \
         - ATTIVITA'», «Elementi in ingresso…», «Risultato atteso…», «Sequenza di attività…», \
         «Responsabile output (ruolo)». Controlla di aver scelto il foglio della mappatura dei \
         processi."
    )]
    NoHeader { path: String, looked: usize },
    #[error(
        "{path}:{line}: mancano colonne della mappatura: {missing}. Colonne riconosciute: \
         {found}. Le colonne si riconoscono dalle parole dell'intestazione (vedi il README, \
         «Colonne»): controlla di aver esportato il foglio intero{proposal}"
    )]
    MissingColumns {
        path: String,
        line: usize,
        missing: String,
        found: String,
        /// What to write in `book.toml` if a column has another name.
        proposal: String,
    },
    #[error(
        "{path}: dopo l'intestazione (riga {line}) il foglio non ha nessuna riga con dati: non \
         c'è nulla da importare. Controlla di aver scelto il foglio della mappatura."
    )]
    NoRows { path: String, line: usize },
}

/// What to add to `book.toml` when the missing columns are among those the
/// sheet has under other names: one `[colonne]` line per pairing to check.
fn proposal(columns: &Columns, missing: &[Role]) -> String {
    let unknown: Vec<&str> = columns
        .extra
        .iter()
        .map(|&i| columns.headers[i].as_str())
        .filter(|h| !h.trim().is_empty())
        .collect();
    if unknown.is_empty() {
        return ".".to_string();
    }
    let lines: Vec<String> = missing
        .iter()
        .zip(unknown.iter().cycle())
        .map(|(role, header)| format!("\"{}\" = \"{}\"", header.replace('"', "\\\""), role.word()))
        .collect();
    format!(
        ", oppure, se le colonne mancanti hanno un altro nome fra quelle non riconosciute ({}), \
         scrivi in book.toml la tabella [colonne] con le coppie giuste, per esempio: [colonne] {}",
        unknown
            .iter()
            .map(|h| format!("«{h}»"))
            .collect::<Vec<_>>()
            .join(", "),
        lines.join("; ")
    )
}

/// Builds the tree from a sheet. `functions` names the roots A–F.
pub fn build(sheet: &Sheet, functions: &BTreeMap<String, String>) -> Result<Map, MappingError> {
    build_with(sheet, functions, &HeaderRoles::new())
}

/// Builds the tree, with the book's own names for some columns.
pub fn build_with(
    sheet: &Sheet,
    functions: &BTreeMap<String, String>,
    own: &HeaderRoles,
) -> Result<Map, MappingError> {
    let columns = find_columns(sheet, own).ok_or_else(|| MappingError::NoHeader {
        path: sheet.name(),
        looked: HEADER_SEARCH,
    })?;
    let missing: Vec<Role> = Role::REQUIRED
        .into_iter()
        .filter(|&r| columns.index(r).is_none())
        .collect();
    if !missing.is_empty() {
        let quote = |items: Vec<String>| items.join(", ");
        return Err(MappingError::MissingColumns {
            path: sheet.name(),
            line: columns.header_line,
            missing: quote(
                missing
                    .iter()
                    .map(|r| format!("«{}»", r.header()))
                    .collect(),
            ),
            found: quote(
                Role::REQUIRED
                    .into_iter()
                    .filter_map(|r| columns.header(r).map(|h| format!("«{h}»")))
                    .collect(),
            ),
            proposal: proposal(&columns, &missing),
        });
    }
    let mut b = Builder::new(columns);
    b.diags.extend(checks::extra_columns(&b.columns, sheet));
    if sheet.guessed_encoding {
        b.diags.push(checks::guessed_encoding());
    }
    let own_csv = b.columns.line.is_some() && sheet.worksheet.is_none();
    let mut last: Option<Code> = None;
    let mut pending: Vec<Record> = Vec::new();
    let mut original: BTreeMap<usize, usize> = BTreeMap::new();
    for row in &sheet.rows {
        if row.line < b.columns.header_line {
            b.diags.extend(checks::before_header(row));
            continue;
        }
        if row.line == b.columns.header_line {
            continue;
        }
        if row.is_blank() {
            b.diags.push(checks::blank_line(row.line));
            continue;
        }
        b.rows += 1;
        // `manuale`'s own CSV: cells that would run as formulas were
        // written with an apostrophe before them (dictionary::CSV_FORMULAS).
        let mended;
        let row = if own_csv {
            mended = crate::source::Row {
                cells: row
                    .cells
                    .iter()
                    .map(|c| crate::dictionary::csv_original(c).to_string())
                    .collect(),
                ..row.clone()
            };
            &mended
        } else {
            row
        };
        let mut record = b.record(row);
        if let Some(cell) = b.columns.line.and_then(|i| row.cells.get(i)) {
            // `manuale`'s own CSV: the row came from this line of the
            // original sheet, which pages go on citing.
            match cell.trim().parse::<usize>() {
                Ok(n) if n > 0 => {
                    original.insert(row.line, n);
                }
                _ if cell.trim().is_empty() => {}
                _ => {
                    record
                        .extra
                        .insert(crate::dictionary::LINE.to_string(), cell.clone());
                }
            }
        }
        b.diags.extend(checks::cells(row, &b.columns));
        let normalised = b
            .columns
            .index(Role::Normalised)
            .and_then(|i| row.cells.get(i))
            .map(String::as_str);
        match b.place(record, normalised, last.as_ref()) {
            Placed::At(code) => {
                for mut early in pending.drain(..) {
                    let line = early.line;
                    early.extra.retain(|_, v| !v.is_empty());
                    b.add_record(&code, early);
                    b.diags.push(
                        Diagnostic::new(
                            Kind::NoCode,
                            line,
                            "riga senza codice prima del primo codice",
                        )
                        .action(format!(
                            "tenuta come attività di {code}, il primo processo che la segue"
                        )),
                    );
                }
                last = Some(code);
            }
            Placed::Pending(record) => pending.push(record),
        }
    }
    if let Some(first) = pending.first() {
        // No code anywhere: keep the rows under the first function.
        let root: Code = functions
            .keys()
            .next()
            .and_then(|k| k.parse().ok())
            .unwrap_or_else(|| "A".parse().expect("A is a code"));
        b.diags.push(
            Diagnostic::new(
                Kind::NoCode,
                first.line,
                "nessuna riga del foglio ha un codice",
            )
            .action(format!("righe tenute sotto {root}")),
        );
        for r in pending {
            b.ensure(&root, String::new());
            b.add_record(&root, r);
        }
    }
    if b.rows == 0 {
        return Err(MappingError::NoRows {
            path: sheet.name(),
            line: b.columns.header_line,
        });
    }
    b.out_of_order();
    b.surprising_places();
    b.ancestors(functions);
    if !original.is_empty() {
        // Diagnostics name the lines of the file read; records keep the
        // original sheet's.
        for node in b.nodes.values_mut() {
            for r in &mut node.records {
                if let Some(&n) = original.get(&r.line) {
                    r.line = n;
                }
            }
        }
    }
    let mut diagnostics = b.diags;
    crate::diagnostic::sort(&mut diagnostics);
    Ok(Map {
        columns: b.columns,
        nodes: b.nodes,
        diagnostics,
        rows: b.rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn map(text: &str) -> Map {
        let sheet = crate::source::parse(Path::new("t.tsv"), text.as_bytes()).unwrap();
        let mut f = BTreeMap::new();
        for l in ["A", "B", "C", "D", "E", "F"] {
            f.insert(l.to_string(), format!("Funzione {l}"));
        }
        build(&sheet, &f).unwrap()
    }

    const HEAD: &str = "CODIFICA UNIONCAMERE\tNOME PROCESSO - ATTIVITA'\tinput\toutput\tSequenza di attività\tResponsabile output (ruolo)\n";

    fn kinds(m: &Map) -> Vec<(usize, Kind)> {
        m.diagnostics.iter().map(|d| (d.line, d.kind)).collect()
    }

    #[test]
    fn columns_found_by_header_in_any_order() {
        let m = map("Responsabile output (ruolo)\tCODIFICA UNIONCAMERE\tSequenza di attività\toutput\tNOME PROCESSO\tinput\nPO Settore\tA1.1 X\t1. a 2. b\to\tnome\ti\n");
        let n = &m.nodes[&"A1.1".parse().unwrap()];
        assert_eq!(n.title, "X");
        assert_eq!(n.records[0].responsible, "PO Settore");
        assert_eq!(n.records[0].steps, "1. a 2. b");
    }

    #[test]
    fn rows_without_code_stay_with_the_process_before() {
        let m = map(&format!(
            "{HEAD}A1.1 P\tP\tin\tout\tsteps\tresp\nSenza codice\tSenza codice\ti\to\ts\tr\n"
        ));
        let n = &m.nodes[&"A1.1".parse().unwrap()];
        assert_eq!(n.records.len(), 2);
        assert!(kinds(&m).contains(&(3, Kind::NoCode)));
    }

    #[test]
    fn malformed_codes_are_explained() {
        let m = map(&format!(
            "{HEAD}A1.1 P\tP\ti\to\ts\tr\n1.1.2 Senza lettera\tx\ti\to\ts\tr\n"
        ));
        let d = m
            .diagnostics
            .iter()
            .find(|d| d.kind == Kind::NoCode)
            .unwrap();
        assert!(
            d.message
                .contains("«1.1.2» sembra un codice senza la lettera"),
            "{}",
            d.message
        );
    }

    #[test]
    fn ancestors_are_created_and_reported() {
        let m = map(&format!("{HEAD}A1.3.1.1 P\tP\tin\tout\tsteps\tresp\n"));
        for c in ["A", "A1", "A1.3", "A1.3.1", "B", "F"] {
            assert!(m.nodes.contains_key(&c.parse().unwrap()), "{c}");
        }
        let k = kinds(&m);
        assert_eq!(
            k.iter()
                .filter(|(_, c)| *c == Kind::AncestorMissing)
                .count(),
            3,
            "{k:?}"
        );
    }

    #[test]
    fn out_of_order_flags_the_stray_row() {
        let m = map(&format!(
            "{HEAD}D3.1.2.3 a\ta\ti\to\ts\tr\nD3.1.4.1 b\tb\ti\to\ts\tr\nD3.1.3 c\tc\nD3.1.3.1 d\td\ti\to\ts\tr\nD3.1.4 e\te\n"
        ));
        let flagged: Vec<usize> = m
            .diagnostics
            .iter()
            .filter(|d| d.kind == Kind::OutOfOrder)
            .map(|d| d.line)
            .collect();
        assert_eq!(flagged, [3]);
    }

    #[test]
    fn two_codes_follow_the_activity_name() {
        let m = map(&format!("{HEAD}A.2.1.3.1.Assistenza legale ai vertici camerati/A2.1.3.2 Assistenza legale ai settori dell'ente\tAssistenza legale ai settori dell'Ente, al Segretario Generale\ti\to\ts\tr\n"));
        let first = &m.nodes[&"A2.1.3.1".parse().unwrap()];
        let second = &m.nodes[&"A2.1.3.2".parse().unwrap()];
        assert_eq!(first.title, "Assistenza legale ai vertici camerati");
        assert!(first.records.is_empty());
        assert_eq!(second.records.len(), 1);
        assert!(kinds(&m).contains(&(2, Kind::TwoCodes)));
        assert!(kinds(&m).contains(&(2, Kind::CodeRespelled)));
    }

    #[test]
    fn missing_columns_and_rows_are_errors() {
        let sheet = crate::source::parse(
            Path::new("t.tsv"),
            "CODIFICA UNIONCAMERE\tNOME PROCESSO\tinput\nA1.1 X\tx\ti\n".as_bytes(),
        )
        .unwrap();
        let err = build(&sheet, &BTreeMap::new()).unwrap_err().to_string();
        assert!(err.starts_with("t.tsv:1: mancano colonne della mappatura: «Risultato atteso del processo (output)», «Sequenza di attività», «Responsabile output (ruolo)»"), "{err}");
        assert!(
            err.contains("riconosciute: «CODIFICA UNIONCAMERE», «NOME PROCESSO», «input»"),
            "{err}"
        );
        let sheet =
            crate::source::parse(Path::new("t.tsv"), format!("\n{HEAD}\n\n").as_bytes()).unwrap();
        let err = build(&sheet, &BTreeMap::new()).unwrap_err().to_string();
        assert!(
            err.starts_with("t.tsv: dopo l'intestazione (riga 2) il foglio non ha nessuna riga"),
            "{err}"
        );
    }

    #[test]
    fn no_header_is_an_error() {
        let sheet = crate::source::parse(Path::new("t.tsv"), b"a\tb\nc\td\n").unwrap();
        let err = build(&sheet, &BTreeMap::new()).unwrap_err();
        assert!(err
            .to_string()
            .contains("t.tsv: manca la riga di intestazione"));
    }
}
