//! Per-row and per-cell checks: each function looks at one row (or one
//! column) and returns the [`Diagnostic`]s it finds, with their [`Kind`].
//! None of them changes the data: what a defect means for the tree is
//! [`super::place`]'s business.

use super::columns::{Columns, Role};
use super::model::Record;
use crate::code::{self, Code};
use crate::diagnostic::{Diagnostic, Kind};
use crate::source::{Row, Sheet};
use crate::text::{fold, is_bidi_control, normalise};

/// Longer cells than this are hard to read on a page.
const LONG_CELL: usize = 5000;
/// A word longer than this does not wrap on a phone.
const LONG_WORD: usize = 80;

/// The text was not UTF-8 and was read as Windows-1252.
pub(super) fn guessed_encoding() -> Diagnostic {
    Diagnostic::new(Kind::Encoding, 1, "il file non è in UTF-8: letto come Windows-1252 (il testo delimitato di Excel in italiano)")
        .action("controlla che le lettere accentate sulle pagine siano giuste; salvare il foglio come «Testo Unicode» o UTF-8 evita il dubbio")
}

pub(super) fn blank_line(line: usize) -> Diagnostic {
    Diagnostic::new(Kind::BlankLine, line, "riga vuota").action("ignorata: non contiene dati")
}

/// Text above the header row.
pub(super) fn before_header(row: &Row) -> Option<Diagnostic> {
    if row.is_blank() {
        return None;
    }
    let text = row
        .cells
        .iter()
        .filter(|c| !c.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" | ");
    Some(
        Diagnostic::new(
            Kind::BeforeHeader,
            row.line,
            "testo prima della riga di intestazione",
        )
        .cell(text)
        .action("non importato: non è una riga della mappatura"),
    )
}

/// Columns the mapping does not know, kept and published.
pub(super) fn extra_columns(columns: &Columns, sheet: &Sheet) -> Vec<Diagnostic> {
    let line = columns.header_line;
    // The filled cells of every column in one pass over the rows, not one
    // pass per column: 16,384 columns of 100,000 rows took seconds.
    let mut filled = vec![0usize; columns.headers.len()];
    for r in sheet.rows.iter().filter(|r| r.line > line) {
        for (n, c) in filled.iter_mut().zip(&r.cells) {
            if !c.is_empty() {
                *n += 1;
            }
        }
    }
    columns
        .extra
        .iter()
        .map(|&i| {
            let header = &columns.headers[i];
            let filled = filled.get(i).copied().unwrap_or(0);
            Diagnostic::new(
                Kind::ExtraColumn,
                line,
                format!("colonna «{header}» non prevista dalla mappatura ({filled} celle piene)"),
            )
            .column(i + 1)
            .action("tenuta: i suoi valori compaiono sulle pagine e nei dati aperti")
        })
        .collect()
}

/// Suspicious characters and overlong text, cell by cell.
pub(super) fn cells(row: &Row, columns: &Columns) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, cell) in row.cells.iter().enumerate() {
        if columns.derived.contains(&i) {
            // Worked out from the other cells: reported there.
            continue;
        }
        let header = columns.headers.get(i).map_or("", String::as_str);
        if let Some((word, what)) = suspicious(cell) {
            out.push(
                Diagnostic::new(
                    what.kind(),
                    row.line,
                    format!(
                        "{} nella parola «{word}» (colonna «{header}»)",
                        what.describe()
                    ),
                )
                .column(i + 1)
                .cell(cell)
                .action("testo pubblicato com'è: correggi la parola nel foglio"),
            );
        }
        let long_word = cell
            .split_whitespace()
            .find(|w| w.chars().count() > LONG_WORD);
        if cell.chars().count() > LONG_CELL || long_word.is_some() {
            let what = match long_word {
                Some(w) => format!("una parola di {} caratteri senza spazi", w.chars().count()),
                None => format!("{} caratteri", cell.chars().count()),
            };
            out.push(
                Diagnostic::new(
                    Kind::LongCell,
                    row.line,
                    format!("cella troppo lunga per la pagina: {what} (colonna «{header}»)"),
                )
                .column(i + 1)
                .cell(cell)
                .action("pubblicata per intero; la pagina va a capo dove può"),
            );
        }
    }
    out
}

/// The name column of a row placed on `target`, whose title is `title`:
/// it repeats the code, or (on a heading row) differs from the title.
pub(super) fn name(
    record: &Record,
    target: &Code,
    title: &str,
    columns: &Columns,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let name_col = columns.number(Role::Name, 2);
    let named = code::parse_cell(&record.name);
    if named.code.as_ref() == Some(target) {
        out.push(
            Diagnostic::new(
                Kind::NameHasCode,
                record.line,
                format!("il nome dell'attività ripete il codice {target}"),
            )
            .column(name_col)
            .cell(&record.name)
            .action("testo pubblicato com'è"),
        );
    }
    let name_title = if named.code.is_some() {
        &named.title
    } else {
        &record.name
    };
    if !record.has_data() && !record.name.is_empty() && normalise(name_title) != normalise(title) {
        out.push(
            Diagnostic::new(
                Kind::NameDiffers,
                record.line,
                format!(
                    "il nome nella colonna «{}» è diverso dal titolo di {target}",
                    columns.header(Role::Name).unwrap_or("")
                ),
            )
            .column(name_col)
            .cell(&record.name)
            .action("mostrato sulla pagina come nome riportato nel foglio"),
        );
    }
    out
}

/// An activity of `target`: no responsible, no steps, or cells that seem to
/// have slipped into the wrong column.
pub(super) fn activity(record: &Record, target: &Code, columns: &Columns) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if record.responsible.is_empty() {
        out.push(
            Diagnostic::new(
                Kind::NoResponsible,
                record.line,
                format!("attività di {target} senza responsabile"),
            )
            .column(columns.number(Role::Responsible, 6))
            .action("pubblicata con «responsabile non indicato»"),
        );
    }
    if record.steps.is_empty() {
        out.push(
            Diagnostic::new(
                Kind::NoSteps,
                record.line,
                format!("attività di {target} senza sequenza di attività"),
            )
            .column(columns.number(Role::Steps, 5))
            .action("pubblicata con «sequenza non indicata»"),
        );
    }
    // A role where the input, output or steps should be.
    let shifted = [Role::Input, Role::Output, Role::Steps]
        .into_iter()
        .find(|&role| looks_like_role(record.cell(role)));
    if let Some(role) = shifted {
        out.push(
            Diagnostic::new(
                Kind::ShiftedColumns,
                record.line,
                format!(
                    "la colonna «{}» contiene quello che sembra un ruolo responsabile: le celle della riga paiono spostate",
                    columns.header(role).unwrap_or("")
                ),
            )
            .column(columns.number(role, 1))
            .cell(record.cell(role))
            .action("pubblicata com'è; controlla la riga nel foglio"),
        );
    }
    out
}

/// Texts that start the way a responsible role does.
fn looks_like_role(text: &str) -> bool {
    const ROLES: [&str; 12] = [
        "po ",
        "p.o.",
        "po.",
        "segretario generale",
        "dirigente",
        "dirigenti",
        "operatore",
        "operatori",
        "responsabile",
        "conservatore",
        "ispettore",
        "addett",
    ];
    let t = fold(text);
    ROLES.iter().any(|r| t.starts_with(r))
}

/// What is wrong with a suspicious word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Suspicion {
    /// `�`: the text was damaged before it reached the sheet.
    Replacement,
    Control,
    /// Letters of another script inside a Latin word.
    OtherScript,
    /// UTF-8 read as Latin-1 (`Ã©`).
    Mojibake,
    /// An invisible character that reverses the text around it.
    Bidi,
}

impl Suspicion {
    fn kind(self) -> Kind {
        match self {
            Suspicion::Replacement => Kind::ReplacementChar,
            _ => Kind::SuspiciousText,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Suspicion::Replacement => "carattere sostitutivo «\u{FFFD}» (testo mal codificato)",
            Suspicion::Control => "carattere di controllo",
            Suspicion::OtherScript => "lettere di un altro alfabeto",
            Suspicion::Mojibake => "lettere accentate mal codificate («Ã…»)",
            Suspicion::Bidi => "carattere invisibile che cambia la direzione del testo",
        }
    }
}

/// The first suspicious word of a cell and what is wrong with it.
fn suspicious(cell: &str) -> Option<(String, Suspicion)> {
    let mut prev = ' ';
    for (i, c) in cell.char_indices() {
        let what = if c == '\u{FFFD}' {
            Some(Suspicion::Replacement)
        } else if c.is_control() && c != '\n' && c != '\t' {
            Some(Suspicion::Control)
        } else if is_bidi_control(c) {
            Some(Suspicion::Bidi)
        } else if c.is_alphabetic() && !is_latin(c) {
            Some(Suspicion::OtherScript)
        } else if prev == 'Ã' && ('\u{80}'..='\u{BF}').contains(&c) {
            Some(Suspicion::Mojibake)
        } else {
            None
        };
        if let Some(what) = what {
            // Whitespace may be wider than a byte (a no-break space).
            let start = cell[..i]
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_whitespace())
                .map_or(0, |(p, c)| p + c.len_utf8());
            let end = cell[i..]
                .find(char::is_whitespace)
                .map_or(cell.len(), |p| i + p);
            return Some((cell[start..end].to_string(), what));
        }
        prev = c;
    }
    None
}

fn is_latin(c: char) -> bool {
    (c as u32) <= 0x024F || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suspicious_letters_are_found() {
        let (word, what) = suspicious("Verifica iscrिवibilità del richiedente").unwrap();
        assert_eq!(word, "iscrिवibilità");
        assert_eq!(what.kind(), Kind::SuspiciousText);
        assert!(suspicious("Attività, proprietà, perché “così” – sì").is_none());
        assert!(suspicious("perchÃ© no").is_some());
        // Found by fuzzing: a no-break space before the word.
        let (word, what) = suspicious("a ruolo co\u{a0}‹‹–‰ß emissione\u{FFFD}").unwrap();
        assert_eq!(word, "emissione\u{FFFD}");
        assert_eq!(what.kind(), Kind::ReplacementChar);
        let (word, _) = suspicious("co\u{a0}x\u{FFFD}").unwrap();
        assert_eq!(word, "x\u{FFFD}");
    }
}
