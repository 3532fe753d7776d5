//! Row placement: which node each row of the sheet belongs to. Codes are
//! read from the code cell (or the `codice` column of `manuale`'s own CSV),
//! rows without one stay with the process before them, a cell with two codes
//! creates both, rows are grouped by code, and every ancestor the sheet
//! forgot is created. What placement decides about a row is reported here;
//! what a row's cells say is [`super::checks`]'.

use super::checks;
use super::columns::{Columns, Role};
use super::model::{Node, Record};
use crate::code::{self, Code};
use crate::diagnostic::{Diagnostic, Kind};
use crate::source::Row;
use crate::text::normalise;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Where a row went.
pub(super) enum Placed {
    At(Code),
    Pending(Record),
}

/// The tree as it grows, row by row.
pub(super) struct Builder {
    pub(super) columns: Columns,
    pub(super) nodes: BTreeMap<Code, Node>,
    pub(super) diags: Vec<Diagnostic>,
    /// (line, code) of every row that named its code, in sheet order.
    order: Vec<(usize, Code)>,
    pub(super) rows: usize,
    /// Nodes holding a row without data (a heading row), and nodes
    /// holding a row with data: kept as rows are added, so that no row
    /// looks back over the rows of its node (80,000 rows of one code took
    /// 19 s when each did).
    headings: HashSet<Code>,
    with_data: HashSet<Code>,
}

impl Builder {
    pub(super) fn new(columns: Columns) -> Builder {
        Builder {
            columns,
            nodes: BTreeMap::new(),
            diags: Vec::new(),
            order: Vec::new(),
            rows: 0,
            headings: HashSet::new(),
            with_data: HashSet::new(),
        }
    }

    fn cell<'a>(&self, row: &'a Row, role: Role) -> &'a str {
        self.columns
            .index(role)
            .and_then(|i| row.cells.get(i))
            .map_or("", String::as_str)
    }

    pub(super) fn record(&self, row: &Row) -> Record {
        let mut extra = BTreeMap::new();
        // The extra columns are in order: only those the row reaches.
        let reached = self.columns.extra.partition_point(|&i| i < row.cells.len());
        for &i in &self.columns.extra[..reached] {
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

    pub(super) fn ensure(&mut self, code: &Code, title: String) {
        self.nodes.entry(code.clone()).or_insert_with(|| Node {
            code: code.clone(),
            title,
            records: Vec::new(),
            synthetic: false,
        });
    }

    pub(super) fn add_record(&mut self, code: &Code, record: Record) {
        if let Some(node) = self.nodes.get_mut(code) {
            if record.has_data() {
                self.with_data.insert(code.clone());
            } else {
                self.headings.insert(code.clone());
            }
            node.records.push(record);
        }
    }

    /// Decides which node a row belongs to, creating it if needed.
    pub(super) fn place(
        &mut self,
        mut record: Record,
        normalised: Option<&str>,
        last: Option<&Code>,
    ) -> Placed {
        let line = record.line;
        let cell = code::parse_cell(&record.code_cell);
        let written: Option<Code> = normalised.and_then(|t| t.parse().ok());
        let code_col = self.columns.number(Role::Code, 1);
        if let Some(respelled) = &cell.respelled {
            if let Some(code) = &cell.code {
                self.diags.push(
                    Diagnostic::new(
                        Kind::CodeRespelled,
                        line,
                        if *respelled == code.to_string() {
                            format!("manca lo spazio fra il codice «{code}» e il titolo")
                        } else {
                            format!("codice scritto «{respelled}» invece di «{code}»")
                        },
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
            let kept =
                format!("tenuta come attività di {target}, il processo della riga precedente");
            if let Some(levels) = code::too_deep(&record.code_cell).filter(|_| written.is_none()) {
                self.diags.push(
                    Diagnostic::new(
                        Kind::CodeTooDeep,
                        line,
                        format!(
                            "il codice ha {levels} livelli, più dei {} che una mappatura può avere",
                            code::MAX_LEVELS
                        ),
                    )
                    .column(code_col)
                    .cell(&record.code_cell)
                    .action(format!("{kept}: correggi il codice nel foglio")),
                );
            } else if written.is_none() {
                self.diags.push(
                    Diagnostic::new(Kind::NoCode, line, no_code_message(&record.code_cell))
                        .column(code_col)
                        .cell(&record.code_cell)
                        .action(kept),
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
                    if !record.has_data() && self.headings.contains(&target) {
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
        self.diags
            .extend(checks::name(&record, &target, &cell.title, &self.columns));
        if record.has_data() {
            self.diags
                .extend(checks::activity(&record, &target, &self.columns));
        }
        record.extra.retain(|_, v| !v.is_empty());
        self.add_record(&target, record);
        Placed::At(target)
    }

    /// Rows not in the longest run of codes in tree order are out of order.
    pub(super) fn out_of_order(&mut self) {
        let seq: Vec<&Code> = self.order.iter().map(|(_, c)| c).collect();
        let keep = longest_sorted_run(&seq);
        // The last code before each row that differs from the row's own,
        // carried along rather than looked for behind every row.
        let mut before: Option<&Code> = None;
        let first_other = self
            .order
            .first()
            .and_then(|(_, first)| self.order.iter().map(|(_, c)| c).find(|c| *c != first));
        for (i, (line, code)) in self.order.iter().enumerate() {
            if i > 0 && self.order[i - 1].1 != *code {
                before = Some(&self.order[i - 1].1);
            }
            if keep.contains(&i) {
                continue;
            }
            // The sheet's first rows have nothing before them: they come
            // before a code that the order puts ahead of theirs.
            let message = match (before, first_other) {
                (Some(prev), _) => format!("riga fuori ordine: {code} dopo {prev}"),
                (None, Some(next)) => format!("riga fuori ordine: {code} prima di {next}"),
                (None, None) => format!("riga fuori ordine: {code}"),
            };
            self.diags.push(
                Diagnostic::new(Kind::OutOfOrder, *line, message).action(format!(
                    "{code} è pubblicato al suo posto nell'ordine dei codici"
                )),
            );
        }
    }

    /// Rows the tree puts where a reader of the sheet would not expect them:
    /// a process with activities that also has levels below it (its page
    /// becomes a section), and a row that follows a heading left empty
    /// while its code puts it elsewhere (`C1.1.7b` then `C1.1.7.1.1`).
    pub(super) fn surprising_places(&mut self) {
        let first_line = |n: &Node| n.records.first().map_or(0, |r| r.line);
        let mut with_children: BTreeMap<Code, Code> = BTreeMap::new();
        for code in self.nodes.keys() {
            if let Some(p) = code.parent() {
                with_children.entry(p).or_insert_with(|| code.clone());
            }
        }
        for (parent, child) in &with_children {
            let Some(node) = self.nodes.get(parent) else {
                continue;
            };
            if let Some(activity) = node.records.iter().find(|r| r.has_data()) {
                let line = self.nodes.get(child).map_or(0, first_line);
                self.diags.push(
                    Diagnostic::new(
                        Kind::DataAndChildren,
                        line,
                        format!(
                            "{child} sta sotto {parent}, che ha già attività proprie (riga {})",
                            activity.line
                        ),
                    )
                    .action(format!(
                        "{parent} è pubblicato come sezione: mostra le sue attività e il livello inferiore; se {child} è un'attività di {parent}, scrivila senza codice o con il codice {parent}"
                    )),
                );
            }
        }
        let mut by_line = self.order.clone();
        by_line.sort_by_key(|(line, _)| *line);
        for pair in by_line.windows(2) {
            let ((_, heading), (line, next)) = (&pair[0], &pair[1]);
            let Some(h) = self.nodes.get(heading) else {
                continue;
            };
            let empty = !with_children.contains_key(heading) && !self.with_data.contains(heading);
            if empty && next.level() > heading.level() && !next.is_below(heading) {
                self.diags.push(
                    Diagnostic::new(
                        Kind::AfterEmptyHeading,
                        *line,
                        format!(
                            "{next} segue l'intestazione {heading} «{}», che resta senza attività né livelli inferiori, ma il suo codice lo mette sotto {}",
                            h.title,
                            next.parent().map(|p| p.to_string()).unwrap_or_default()
                        ),
                    )
                    .action(format!(
                        "{next} è pubblicato al posto del suo codice; se appartiene a {heading}, correggi il codice nel foglio"
                    )),
                );
            }
        }
    }

    /// Creates the functions and every ancestor the sheet forgot.
    pub(super) fn ancestors(&mut self, functions: &BTreeMap<String, String>) {
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
