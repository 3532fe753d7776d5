//! What a sheet may weigh: files and rows within bounds, so that any input,
//! `/dev/zero` or a workbook that expands a thousandfold included, is
//! answered in bounded memory and time.

use super::sheet::{SourceError, MAX_COLUMNS, MAX_FILE, MAX_HOLD, MAX_ROWS};
use std::path::Path;

/// Reads a file of at most [`MAX_FILE`] bytes; anything that is not a
/// regular file (a folder, a FIFO that would block, a device that never
/// ends such as `/dev/zero`) is refused before it is opened.
pub(super) fn read_file(path: &Path) -> Result<Vec<u8>, SourceError> {
    use std::io::Read as _;
    let io = |source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(SourceError::NotAFile {
            path: path.to_path_buf(),
            what: crate::files::kind_of(&meta.file_type()),
        });
    }
    let too_big = |size: u64| SourceError::TooBig {
        path: path.to_path_buf(),
        what: format!("{} MB", size >> 20),
    };
    if meta.len() > MAX_FILE {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// What the rows read so far hold, against [`MAX_HOLD`] and [`MAX_ROWS`]:
/// a file of short lines or empty cells is refused before it fills the
/// memory.
#[derive(Debug)]
pub(super) struct Budget {
    left: usize,
    rows: usize,
}

impl Budget {
    pub(super) fn new() -> Budget {
        Budget {
            left: MAX_HOLD,
            rows: 0,
        }
    }

    /// Charges a row; false when the sheet goes over the budget.
    pub(super) fn row(&mut self, cells: &[String]) -> bool {
        self.rows += 1;
        let cost = 64 + cells.iter().map(|c| 48 + c.len()).sum::<usize>();
        self.rows <= MAX_ROWS && self.charge(cost)
    }

    /// Charges `bytes` held apart from a row; false over the budget.
    pub(super) fn charge(&mut self, bytes: usize) -> bool {
        match self.left.checked_sub(bytes) {
            Some(left) => {
                self.left = left;
                true
            }
            None => false,
        }
    }
}

/// How much of an OpenDocument spreadsheet's `content.xml` is beyond what
/// a map can be: a row or a cell may say it repeats a million times
/// (`table:number-rows-repeated`, `table:number-columns-repeated`), and
/// calamine writes out every repetition of every table, dense, before a
/// single row can be looked at. The XML is read here first, counting
/// repetitions without making them: trailing empty rows and cells are the
/// padding a spreadsheet writes and cost nothing; the first table whose
/// rows would go over [`MAX_ROWS`], [`MAX_COLUMNS`] or [`MAX_HOLD`] is
/// named, with its row.
pub(super) fn ods_beyond(bytes: &[u8]) -> Option<String> {
    use quick_xml::events::Event;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    // Not an .ods calamine can read: calamine says why.
    let content = zip.by_name("content.xml").ok()?;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let mut buf = Vec::new();
    let mut table = OdsTable::default();
    let mut row: Option<OdsRow> = None;
    // Repetitions and whether anything was written, of the cell open.
    let mut cell: Option<(u64, bool, u64)> = None;
    let number = |e: &quick_xml::events::BytesStart<'_>, key: &[u8]| -> u64 {
        e.try_get_attribute(key)
            .ok()
            .flatten()
            .and_then(|a| std::str::from_utf8(&a.value).ok()?.trim().parse().ok())
            .unwrap_or(1)
    };
    let has = |e: &quick_xml::events::BytesStart<'_>, key: &[u8]| -> bool {
        e.try_get_attribute(key).ok().flatten().is_some()
    };
    loop {
        // A damaged XML: calamine says where.
        let event = xml.read_event_into(&mut buf).ok()?;
        match &event {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"table:table" => {
                    let name = e
                        .try_get_attribute(b"table:name")
                        .ok()
                        .flatten()
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                        .unwrap_or_default();
                    table = OdsTable {
                        name,
                        ..OdsTable::default()
                    };
                }
                // calamine reads a row only from its opening tag.
                b"table:table-row" if matches!(event, Event::Start(_)) => {
                    row = Some(OdsRow {
                        repeats: number(e, b"table:number-rows-repeated"),
                        ..OdsRow::default()
                    });
                }
                b"table:table-cell" | b"table:covered-table-cell" => {
                    let repeats = number(e, b"table:number-columns-repeated");
                    let valued = has(e, b"office:value-type") || has(e, b"table:formula");
                    if matches!(event, Event::Empty(_)) {
                        if let Some(r) = &mut row {
                            r.cell(repeats, valued, 0);
                        }
                    } else {
                        cell = Some((repeats, valued, 0));
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some((_, written, len)) = &mut cell {
                    if t.iter().any(|b| !b.is_ascii_whitespace()) {
                        *written = true;
                        *len += t.len() as u64;
                    }
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"table:table-cell" | b"table:covered-table-cell" => {
                    if let (Some(r), Some((repeats, written, len))) = (&mut row, cell.take()) {
                        r.cell(repeats, written, len);
                    }
                }
                b"table:table-row" => {
                    if let Some(r) = row.take() {
                        if let Some(why) = table.row(&r) {
                            return Some(why);
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// A table of an `.ods` as [`ods_beyond`] counts it.
#[derive(Default)]
struct OdsTable {
    name: String,
    /// Rows so far, repetitions included.
    rows: u64,
    /// Empty rows since the last row with something in it, which count
    /// only if another such row follows.
    empty: u64,
    /// The first row with something in it, 0-based.
    first: Option<u64>,
    /// The widest row so far, up to its last cell with something in it.
    width: u64,
    /// What the rows so far hold, as [`Budget`] counts it.
    hold: u64,
}

/// A row of an `.ods` as [`ods_beyond`] counts it.
#[derive(Default)]
struct OdsRow {
    repeats: u64,
    /// Cells so far, repetitions included, and up to the last one written.
    cells: u64,
    width: u64,
    text: u64,
}

impl OdsRow {
    fn cell(&mut self, repeats: u64, written: bool, len: u64) {
        self.cells = self.cells.saturating_add(repeats);
        if written {
            self.width = self.cells;
            self.text = self.text.saturating_add(len.saturating_mul(repeats));
        }
    }
}

impl OdsTable {
    /// Counts a row; what is wrong once the table is beyond a map.
    fn row(&mut self, r: &OdsRow) -> Option<String> {
        let at = self.rows + 1;
        self.rows = self.rows.saturating_add(r.repeats);
        if r.width == 0 {
            self.empty = self.empty.saturating_add(r.repeats);
            return None;
        }
        let first = *self.first.get_or_insert(at - 1);
        let gap = std::mem::take(&mut self.empty);
        let line_cost = 64 + 48 * r.width + r.text;
        self.hold = self
            .hold
            .saturating_add(gap.saturating_mul(64))
            .saturating_add(r.repeats.saturating_mul(line_cost));
        self.width = self.width.max(r.width);
        // What calamine holds: every row from the first written, as wide
        // as the widest, and as much again for the formulas.
        let dense = (self.rows - first).saturating_mul(self.width);
        let name = &self.name;
        let repeated = if r.repeats > 1 {
            format!(", ripetuta {} volte", r.repeats)
        } else {
            String::new()
        };
        if r.width > MAX_COLUMNS as u64 {
            Some(format!(
                "foglio «{name}», alla riga {at}: più di {MAX_COLUMNS} colonne"
            ))
        } else if self.rows > MAX_ROWS as u64
            || self.hold > MAX_HOLD as u64
            || dense > (MAX_HOLD / 16) as u64
        {
            Some(format!("foglio «{name}», alla riga {at}{repeated}"))
        } else {
            None
        }
    }
}
