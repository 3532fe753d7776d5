//! Rows to a process tree: columns found by their headers, codes normalised,
//! rows grouped by code, missing ancestors created, and every defect of the
//! sheet recorded as a [`Diagnostic`].
//!
//! No I/O happens here, and nothing is dropped: each row of the sheet ends up
//! on exactly one node (or is reported as blank or before the header).

use crate::code::{self, Code};
use crate::diagnostic::{Diagnostic, Kind};
use crate::source::{Row, Sheet};
use crate::text::{fold, normalise};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What a column of the sheet holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// `codice`: the normalised code written by `manuale`'s own CSV export.
    Normalised,
    /// CODIFICA UNIONCAMERE: code and title.
    Code,
    /// NOME PROCESSO - ATTIVITA'.
    Name,
    /// Elementi in ingresso che innescano il processo (input).
    Input,
    /// Risultato atteso del processo (output).
    Output,
    /// Sequenza di attività.
    Steps,
    /// Responsabile output (ruolo).
    Responsible,
}

/// Where each role sits in the sheet, and the headers as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    pub header_line: usize,
    /// Header texts as read, one per column.
    pub headers: Vec<String>,
    roles: BTreeMap<Role, usize>,
    /// Columns with a header `manuale` does not know.
    pub extra: Vec<usize>,
}

impl Columns {
    pub fn index(&self, role: Role) -> Option<usize> {
        self.roles.get(&role).copied()
    }

    /// The header of a role's column, as the sheet writes it.
    pub fn header(&self, role: Role) -> Option<&str> {
        self.index(role).map(|i| self.headers[i].as_str())
    }

    /// The headers of the sheet's own columns, without `codice`.
    pub fn sheet_headers(&self) -> Vec<String> {
        let skip = self.index(Role::Normalised);
        self.headers
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != skip)
            .map(|(_, h)| h.clone())
            .collect()
    }
}

/// One row of the sheet as it reaches a page: the cells as read (trimmed,
/// not rewritten) and the line they came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
}

const HEADER_SEARCH: usize = 30;

/// Builds the tree from a sheet. `functions` names the roots A–F.
pub fn build(sheet: &Sheet, functions: &BTreeMap<String, String>) -> Result<Map, MappingError> {
    let columns = find_columns(sheet).ok_or_else(|| MappingError::NoHeader {
        path: sheet.name(),
        looked: HEADER_SEARCH,
    })?;
    let mut b = Builder {
        columns,
        nodes: BTreeMap::new(),
        diags: Vec::new(),
        order: Vec::new(),
        rows: 0,
    };
    b.report_columns(sheet);
    if sheet.guessed_encoding {
        b.diags.push(
            Diagnostic::new(Kind::Encoding, 1, "il file non è in UTF-8: letto come Windows-1252 (il testo delimitato di Excel in italiano)")
                .action("controlla che le lettere accentate sulle pagine siano giuste; salvare il foglio come «Testo Unicode» o UTF-8 evita il dubbio"),
        );
    }
    let mut last: Option<Code> = None;
    let mut pending: Vec<Record> = Vec::new();
    for row in &sheet.rows {
        if row.line < b.columns.header_line {
            b.before_header(row);
            continue;
        }
        if row.line == b.columns.header_line {
            continue;
        }
        if row.is_blank() {
            b.diags.push(
                Diagnostic::new(Kind::BlankLine, row.line, "riga vuota")
                    .action("ignorata: non contiene dati"),
            );
            continue;
        }
        b.rows += 1;
        let record = b.record(row);
        b.check_cells(row);
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
    b.out_of_order();
    b.ancestors(functions);
    let mut diagnostics = b.diags;
    crate::diagnostic::sort(&mut diagnostics);
    Ok(Map {
        columns: b.columns,
        nodes: b.nodes,
        diagnostics,
        rows: b.rows,
    })
}

enum Placed {
    At(Code),
    Pending(Record),
}

struct Builder {
    columns: Columns,
    nodes: BTreeMap<Code, Node>,
    diags: Vec<Diagnostic>,
    /// (line, code) of every row that named its code, in sheet order.
    order: Vec<(usize, Code)>,
    rows: usize,
}

impl Builder {
    fn cell<'a>(&self, row: &'a Row, role: Role) -> &'a str {
        self.columns
            .index(role)
            .and_then(|i| row.cells.get(i))
            .map_or("", String::as_str)
    }

    fn record(&self, row: &Row) -> Record {
        let mut extra = BTreeMap::new();
        for &i in &self.columns.extra {
            if let Some(v) = row.cells.get(i) {
                extra.insert(self.columns.headers[i].clone(), v.clone());
            }
        }
        // Cells beyond the header row have no header of their own.
        for (i, v) in row
            .cells
            .iter()
            .enumerate()
            .skip(self.columns.headers.len())
        {
            if !v.is_empty() {
                extra.insert(format!("Colonna {}", i + 1), v.clone());
            }
        }
        Record {
            line: row.line,
            code_cell: self.cell(row, Role::Code).to_string(),
            name: self.cell(row, Role::Name).to_string(),
            input: self.cell(row, Role::Input).to_string(),
            output: self.cell(row, Role::Output).to_string(),
            steps: self.cell(row, Role::Steps).to_string(),
            responsible: self.cell(row, Role::Responsible).to_string(),
            extra,
        }
    }

    fn ensure(&mut self, code: &Code, title: String) {
        self.nodes.entry(code.clone()).or_insert_with(|| Node {
            code: code.clone(),
            title,
            records: Vec::new(),
            synthetic: false,
        });
    }

    fn add_record(&mut self, code: &Code, record: Record) {
        if let Some(node) = self.nodes.get_mut(code) {
            node.records.push(record);
        }
    }

    /// Decides which node a row belongs to, creating it if needed.
    fn place(
        &mut self,
        mut record: Record,
        normalised: Option<&str>,
        last: Option<&Code>,
    ) -> Placed {
        let line = record.line;
        let cell = code::parse_cell(&record.code_cell);
        let written: Option<Code> = normalised.and_then(|t| t.parse().ok());
        let code_col = self.columns.index(Role::Code).map_or(1, |i| i + 1);
        if let Some(respelled) = &cell.respelled {
            if let Some(code) = &cell.code {
                self.diags.push(
                    Diagnostic::new(
                        Kind::CodeRespelled,
                        line,
                        format!("codice scritto «{respelled}» invece di «{code}»"),
                    )
                    .column(code_col)
                    .cell(&record.code_cell)
                    .action(format!("letto come {code}")),
                );
            }
        }
        // The node the row's data belongs to.
        let mut target = cell.code.clone();
        if let Some((second, second_title)) = &cell.second {
            let first = cell.code.clone().expect("a second code follows a first");
            self.ensure(second, second_title.clone());
            let pick_second = record.has_data()
                && overlap(&record.name, second_title) > overlap(&record.name, &cell.title);
            let chosen = if pick_second { second } else { &first };
            self.diags.push(
                Diagnostic::new(
                    Kind::TwoCodes,
                    line,
                    format!("due codici nella stessa cella: {first} e {second}"),
                )
                .column(code_col)
                .cell(&record.code_cell)
                .action(format!(
                    "creati entrambi i processi; i dati della riga vanno a {chosen}{}",
                    if pick_second {
                        ", il cui titolo corrisponde al nome dell'attività"
                    } else {
                        ""
                    }
                )),
            );
            if pick_second {
                self.ensure(&first, cell.title.clone());
                target = Some(second.clone());
            }
            // Both codes count for the order, in their own order.
            let (lo, hi) = if first <= *second {
                (first.clone(), second.clone())
            } else {
                (second.clone(), first.clone())
            };
            self.order.push((line, lo));
            self.order.push((line, hi));
        }
        if let Some(w) = &written {
            target = Some(w.clone());
        }
        let Some(target) = target.or_else(|| last.cloned()) else {
            return Placed::Pending(record);
        };
        if cell.code.is_none() {
            if written.is_none() {
                self.diags.push(
                    Diagnostic::new(Kind::NoCode, line, no_code_message(&record.code_cell))
                        .column(code_col)
                        .cell(&record.code_cell)
                        .action(format!(
                            "tenuta come attività di {target}, il processo della riga precedente"
                        )),
                );
            }
        } else if cell.second.is_none() {
            self.order.push((line, target.clone()));
        }
        let own_title = cell.code.as_ref() == Some(&target);
        match self.nodes.get(&target) {
            None => {
                let title = if own_title {
                    cell.title.clone()
                } else {
                    String::new()
                };
                self.ensure(&target, title);
            }
            Some(node) if own_title => {
                let first_line = node.records.first().map_or(line, |r| r.line);
                if normalise(&node.title) == normalise(&cell.title) {
                    if !record.has_data() && node.records.iter().any(|r| !r.has_data()) {
                        self.diags.push(
                            Diagnostic::new(
                                Kind::DuplicateHeading,
                                line,
                                format!("intestazione di {target} ripetuta (già alla riga {first_line})"),
                            )
                            .column(code_col)
                            .cell(&record.code_cell)
                            .action("la riga non aggiunge dati; tenuta tra le righe di origine del nodo"),
                        );
                    }
                } else if node.title.is_empty() {
                    let title = cell.title.clone();
                    if let Some(n) = self.nodes.get_mut(&target) {
                        n.title = title;
                    }
                } else {
                    self.diags.push(
                        Diagnostic::new(
                            Kind::TitleDiffers,
                            line,
                            format!("titolo di {target} diverso da quello della riga {first_line}"),
                        )
                        .column(code_col)
                        .cell(&record.code_cell)
                        .action(
                            "la pagina tiene il primo titolo e mostra questo accanto all'attività",
                        ),
                    );
                }
            }
            Some(_) => {}
        }
        self.check_name(&record, &target, &cell.title);
        if record.has_data() {
            self.check_data(&record, &target);
        }
        record.extra.retain(|_, v| !v.is_empty());
        self.add_record(&target, record);
        Placed::At(target)
    }

    fn check_name(&mut self, record: &Record, target: &Code, title: &str) {
        let name_col = self.columns.index(Role::Name).map_or(2, |i| i + 1);
        let named = code::parse_cell(&record.name);
        if named.code.as_ref() == Some(target) {
            self.diags.push(
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
        if !record.has_data()
            && !record.name.is_empty()
            && normalise(name_title) != normalise(title)
        {
            self.diags.push(
                Diagnostic::new(
                    Kind::NameDiffers,
                    record.line,
                    format!(
                        "il nome nella colonna «{}» è diverso dal titolo di {target}",
                        self.header(Role::Name)
                    ),
                )
                .column(name_col)
                .cell(&record.name)
                .action("mostrato sulla pagina come nome riportato nel foglio"),
            );
        }
    }

    fn header(&self, role: Role) -> String {
        self.columns.header(role).unwrap_or("").to_string()
    }

    fn check_data(&mut self, record: &Record, target: &Code) {
        if record.responsible.is_empty() {
            let col = self.columns.index(Role::Responsible).map_or(6, |i| i + 1);
            self.diags.push(
                Diagnostic::new(
                    Kind::NoResponsible,
                    record.line,
                    format!("attività di {target} senza responsabile"),
                )
                .column(col)
                .action("pubblicata con «responsabile non indicato»"),
            );
        }
        if record.steps.is_empty() {
            let col = self.columns.index(Role::Steps).map_or(5, |i| i + 1);
            self.diags.push(
                Diagnostic::new(
                    Kind::NoSteps,
                    record.line,
                    format!("attività di {target} senza sequenza di attività"),
                )
                .column(col)
                .action("pubblicata con «sequenza non indicata»"),
            );
        }
        // A role where the input, output or steps should be.
        for role in [Role::Input, Role::Output, Role::Steps] {
            let text = match role {
                Role::Input => &record.input,
                Role::Output => &record.output,
                _ => &record.steps,
            };
            if looks_like_role(text) {
                let col = self.columns.index(role).map_or(1, |i| i + 1);
                self.diags.push(
                    Diagnostic::new(
                        Kind::ShiftedColumns,
                        record.line,
                        format!(
                            "la colonna «{}» contiene quello che sembra un ruolo responsabile: le celle della riga paiono spostate",
                            self.header(role)
                        ),
                    )
                    .column(col)
                    .cell(text)
                    .action("pubblicata com'è; controlla la riga nel foglio"),
                );
                break;
            }
        }
    }

    /// Suspicious characters and overlong text, cell by cell.
    fn check_cells(&mut self, row: &Row) {
        for (i, cell) in row.cells.iter().enumerate() {
            let header = self.columns.headers.get(i).cloned().unwrap_or_default();
            if let Some((word, what)) = suspicious(cell) {
                let kind = if what.starts_with("carattere sostitutivo") {
                    Kind::ReplacementChar
                } else {
                    Kind::SuspiciousText
                };
                self.diags.push(
                    Diagnostic::new(
                        kind,
                        row.line,
                        format!("{what} nella parola «{word}» (colonna «{header}»)"),
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
                self.diags.push(
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
    }

    fn report_columns(&mut self, sheet: &Sheet) {
        let line = self.columns.header_line;
        for &i in &self.columns.extra.clone() {
            let header = self.columns.headers[i].clone();
            let filled = sheet
                .rows
                .iter()
                .filter(|r| r.line > line)
                .filter(|r| r.cells.get(i).is_some_and(|c| !c.is_empty()))
                .count();
            self.diags.push(
                Diagnostic::new(
                    Kind::ExtraColumn,
                    line,
                    format!(
                        "colonna «{header}» non prevista dalla mappatura ({filled} celle piene)"
                    ),
                )
                .column(i + 1)
                .action("tenuta: i suoi valori compaiono sulle pagine e nei dati aperti"),
            );
        }
    }

    fn before_header(&mut self, row: &Row) {
        if !row.is_blank() {
            let text = row
                .cells
                .iter()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" | ");
            self.diags.push(
                Diagnostic::new(
                    Kind::BeforeHeader,
                    row.line,
                    "testo prima della riga di intestazione",
                )
                .cell(text)
                .action("non importato: non è una riga della mappatura"),
            );
        }
    }

    /// Rows not in the longest run of codes in tree order are out of order.
    fn out_of_order(&mut self) {
        let seq: Vec<&Code> = self.order.iter().map(|(_, c)| c).collect();
        let keep = longest_sorted_run(&seq);
        for (i, (line, code)) in self.order.iter().enumerate() {
            if keep.contains(&i) {
                continue;
            }
            let prev = self.order[..i]
                .iter()
                .rev()
                .find(|(_, c)| c != code)
                .map(|(_, c)| c.to_string())
                .unwrap_or_default();
            self.diags.push(
                Diagnostic::new(
                    Kind::OutOfOrder,
                    *line,
                    format!("riga fuori ordine: {code} dopo {prev}"),
                )
                .action(format!(
                    "{code} è pubblicato al suo posto nell'ordine dei codici"
                )),
            );
        }
    }

    /// Creates the functions and every ancestor the sheet forgot.
    fn ancestors(&mut self, functions: &BTreeMap<String, String>) {
        for (letter, name) in functions {
            if let Ok(code) = letter.parse::<Code>() {
                if code.level() == 1 {
                    self.nodes.entry(code.clone()).or_insert_with(|| Node {
                        code,
                        title: name.clone(),
                        records: Vec::new(),
                        synthetic: true,
                    });
                }
            }
        }
        let mut missing: BTreeMap<Code, (usize, Code)> = BTreeMap::new();
        for node in self.nodes.values() {
            let line = node.records.first().map_or(0, |r| r.line);
            for a in node.code.ancestors() {
                if !self.nodes.contains_key(&a) {
                    let e = missing.entry(a).or_insert((line, node.code.clone()));
                    if line < e.0 {
                        *e = (line, node.code.clone());
                    }
                }
            }
        }
        for (code, (line, child)) in missing {
            if code.level() > 1 {
                self.diags.push(
                    Diagnostic::new(
                        Kind::AncestorMissing,
                        line,
                        format!("{code}, antenato di {child}, non ha una riga nel foglio"),
                    )
                    .action(format!("creata la sezione {code} senza titolo: aggiungi la riga «{code} <titolo>» al foglio")),
                );
            }
            let title = if code.level() == 1 {
                format!("Funzione {code}")
            } else {
                String::new()
            };
            self.nodes.insert(
                code.clone(),
                Node {
                    code,
                    title,
                    records: Vec::new(),
                    synthetic: true,
                },
            );
        }
    }
}

const LONG_CELL: usize = 5000;
const LONG_WORD: usize = 80;

/// "No code", and what the cell seems to hold instead.
fn no_code_message(cell: &str) -> String {
    let numbers: String = cell
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if numbers.contains('.') && numbers.starts_with(|c: char| c.is_ascii_digit()) {
        format!(
            "riga senza codice: «{}» sembra un codice senza la lettera della funzione (A–F)",
            numbers.trim_end_matches('.')
        )
    } else if cell.is_empty() {
        "riga senza codice: la prima colonna è vuota".to_string()
    } else {
        "riga senza codice".to_string()
    }
}

/// Words shared by two texts, for the row with two codes.
fn overlap(a: &str, b: &str) -> usize {
    let words = |s: &str| -> BTreeSet<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_lowercase)
            .collect()
    };
    words(a).intersection(&words(b)).count()
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

/// The first suspicious word of a cell and what is wrong with it.
fn suspicious(cell: &str) -> Option<(String, &'static str)> {
    let mut prev = ' ';
    for (i, c) in cell.char_indices() {
        let what = if c == '\u{FFFD}' {
            Some("carattere sostitutivo «\u{FFFD}» (testo mal codificato)")
        } else if c.is_control() && c != '\n' && c != '\t' {
            Some("carattere di controllo")
        } else if c.is_alphabetic() && !is_latin(c) {
            Some("lettere di un altro alfabeto")
        } else if prev == 'Ã' && ('\u{80}'..='\u{BF}').contains(&c) {
            Some("lettere accentate mal codificate («Ã…»)")
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
            let word = cell[start..end].to_string();
            return Some((word, what));
        }
        prev = c;
    }
    None
}

fn is_latin(c: char) -> bool {
    (c as u32) <= 0x024F || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

/// Indices of a longest non-decreasing subsequence (patience sorting).
fn longest_sorted_run(seq: &[&Code]) -> BTreeSet<usize> {
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; seq.len()];
    for i in 0..seq.len() {
        let pos = tails.partition_point(|&t| seq[t] <= seq[i]);
        if pos > 0 {
            prev[i] = Some(tails[pos - 1]);
        }
        if pos == tails.len() {
            tails.push(i);
        } else {
            tails[pos] = i;
        }
    }
    let mut keep = BTreeSet::new();
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        keep.insert(i);
        cur = prev[i];
    }
    keep
}

/// Finds the header row and the role of each column.
fn find_columns(sheet: &Sheet) -> Option<Columns> {
    for row in sheet
        .rows
        .iter()
        .filter(|r| !r.is_blank())
        .take(HEADER_SEARCH)
    {
        let mut roles = BTreeMap::new();
        let mut extra = Vec::new();
        for (i, h) in row.cells.iter().enumerate() {
            match role_of(h) {
                Some(role) if !roles.contains_key(&role) => {
                    roles.insert(role, i);
                }
                _ if h.trim().is_empty() => {}
                _ => extra.push(i),
            }
        }
        let has_code = roles.contains_key(&Role::Code) || roles.contains_key(&Role::Normalised);
        let others = roles
            .keys()
            .filter(|r| !matches!(r, Role::Code | Role::Normalised))
            .count();
        if has_code && others >= 2 {
            if !roles.contains_key(&Role::Code) {
                // Only `codice`: it is also the code-and-title column.
                let i = roles[&Role::Normalised];
                roles.insert(Role::Code, i);
                roles.remove(&Role::Normalised);
            }
            return Some(Columns {
                header_line: row.line,
                headers: row.cells.clone(),
                roles,
                extra,
            });
        }
    }
    None
}

/// Recognises a column by its header text.
pub fn role_of(header: &str) -> Option<Role> {
    let h = normalise(header);
    if h == "codice" {
        return Some(Role::Normalised);
    }
    let has = |w: &str| h.contains(w);
    Some(if has("codifica") || h.starts_with("codice") {
        Role::Code
    } else if has("responsabil") {
        Role::Responsible
    } else if has("sequenza") {
        Role::Steps
    } else if has("ingresso") || has("input") {
        Role::Input
    } else if has("risultato") || has("output") {
        Role::Output
    } else if has("nome") || has("attivita") || has("processo") {
        Role::Name
    } else {
        return None;
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

    fn kinds(m: &Map) -> Vec<(usize, &'static str)> {
        m.diagnostics
            .iter()
            .map(|d| (d.line, d.kind.code()))
            .collect()
    }

    #[test]
    fn roles_from_real_headers() {
        assert_eq!(role_of("CODIFICA UNIONCAMERE"), Some(Role::Code));
        assert_eq!(role_of("NOME PROCESSO - ATTIVITA'"), Some(Role::Name));
        assert_eq!(
            role_of("Elementi in ingresso che innescano il processo -input"),
            Some(Role::Input)
        );
        assert_eq!(
            role_of("Risultato atteso del processo -output"),
            Some(Role::Output)
        );
        assert_eq!(
            role_of("Sequenza di attività che consente di raggiungere l'output-le \"attività\""),
            Some(Role::Steps)
        );
        assert_eq!(
            role_of("Responsabile output (ruolo)"),
            Some(Role::Responsible)
        );
        assert_eq!(role_of("codice"), Some(Role::Normalised));
        assert_eq!(role_of("Note"), None);
    }

    #[test]
    fn columns_found_by_header_in_any_order() {
        let m = map("Responsabile output (ruolo)\tCODIFICA UNIONCAMERE\tSequenza di attività\tNOME PROCESSO\nPO Settore\tA1.1 X\t1. a 2. b\tnome\n");
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
        assert!(kinds(&m).contains(&(3, "M003")));
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
        assert_eq!(k.iter().filter(|(_, c)| *c == "M004").count(), 3, "{k:?}");
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
        assert!(kinds(&m).contains(&(2, "M002")));
        assert!(kinds(&m).contains(&(2, "M001")));
    }

    #[test]
    fn suspicious_letters_are_found() {
        let (word, _) = suspicious("Verifica iscrिवibilità del richiedente").unwrap();
        assert_eq!(word, "iscrिवibilità");
        assert!(suspicious("Attività, proprietà, perché “così” – sì").is_none());
        assert!(suspicious("perchÃ© no").is_some());
        // Found by fuzzing: a no-break space before the word.
        let (word, _) = suspicious("a ruolo co\u{a0}‹‹–‰ß emissione\u{FFFD}").unwrap();
        assert_eq!(word, "emissione\u{FFFD}");
        let (word, _) = suspicious("co\u{a0}x\u{FFFD}").unwrap();
        assert_eq!(word, "x\u{FFFD}");
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
