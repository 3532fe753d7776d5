//! Workbooks (`.xlsx`, `.xls`, `.ods`) through calamine: the first worksheet
//! or the one asked for, cells as an Italian reader sees them, panics
//! caught, and the child process that reads a workbook with its memory
//! capped (`manuale __foglio FILE`), answering in JSON.

use super::bounds::Budget;
use super::delimited::normalise_newlines;
use super::sheet::{Row, Sheet, SourceError, MAX_COLUMNS, MAX_ROWS};
use std::io::Cursor;
use std::path::Path;

/// Reads a worksheet of an `.xlsx`, `.xls` or `.ods` workbook here.
///
/// calamine 0.31 can panic on a damaged file (fuzzing found an out-of-range
/// slice in its `.xls` container reader): such a panic is caught here and
/// becomes an error naming the file, with the panic message kept quiet.
pub(super) fn in_process(
    path: &Path,
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<Sheet, SourceError> {
    match quiet_panics(|| read_workbook(path, bytes, sheet)) {
        Ok(result) => result,
        Err(detail) => Err(SourceError::Workbook {
            path: path.to_path_buf(),
            message: format!("il file è danneggiato ({detail}); riaprilo e salvalo di nuovo dal foglio di calcolo"),
        }),
    }
}

/// Memory a child reading a workbook may use.
const CHILD_MEMORY: u64 = 3 << 30;

/// Caps the address space of this process at `bytes`, or lower if it
/// already is.
#[cfg(unix)]
fn limit_memory(bytes: u64) -> std::io::Result<()> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given, nothing else.
    if unsafe { libc::getrlimit(libc::RLIMIT_AS, &raw mut limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let cap = limit.rlim_max.min(bytes);
    limit.rlim_cur = cap;
    limit.rlim_max = cap;
    // SAFETY: setrlimit only reads the struct it is given.
    if unsafe { libc::setrlimit(libc::RLIMIT_AS, &raw const limit) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Elsewhere the child still isolates a crash, without a cap.
#[cfg(not(unix))]
fn limit_memory(_bytes: u64) -> std::io::Result<()> {
    Ok(())
}

/// What the child prints on stdout, as JSON.
#[derive(serde::Serialize, serde::Deserialize)]
enum ChildAnswer {
    Sheet {
        rows: Vec<Row>,
        format: String,
        worksheet: Option<String>,
    },
    Error(ChildError),
}

/// A [`SourceError`] without its path, to cross from the child to the
/// parent, which knows the path.
#[derive(serde::Serialize, serde::Deserialize)]
enum ChildError {
    Empty,
    NoSuchSheet { sheet: String, available: String },
    Binary { what: String },
    Workbook { message: String },
    TooBig { what: String },
}

impl ChildError {
    fn from_source(e: SourceError) -> ChildError {
        match e {
            SourceError::Empty { .. } => ChildError::Empty,
            SourceError::NoSuchSheet {
                sheet, available, ..
            } => ChildError::NoSuchSheet { sheet, available },
            SourceError::Binary { what, .. } => ChildError::Binary { what },
            SourceError::Workbook { message, .. } => ChildError::Workbook { message },
            SourceError::TooBig { what, .. } => ChildError::TooBig { what },
            other => ChildError::Workbook {
                message: other.to_string(),
            },
        }
    }

    fn into_source(self, path: &Path) -> SourceError {
        let path = path.to_path_buf();
        match self {
            ChildError::Empty => SourceError::Empty { path },
            ChildError::NoSuchSheet { sheet, available } => SourceError::NoSuchSheet {
                path,
                sheet,
                available,
            },
            ChildError::Binary { what } => SourceError::Binary { path, what },
            ChildError::Workbook { message } => SourceError::Workbook { path, message },
            ChildError::TooBig { what } => SourceError::TooBig { path, what },
        }
    }
}

/// The child's side: read the workbook, answer in JSON. Returns the exit code.
pub fn serve_child(path: &Path, sheet: Option<&str>) -> i32 {
    let read = limit_memory(CHILD_MEMORY)
        .map_err(|e| SourceError::Workbook {
            path: path.to_path_buf(),
            message: format!("impossibile limitare la memoria del lettore: {e}"),
        })
        .and_then(|()| super::bounds::read_file(path))
        .and_then(|bytes| in_process(path, &bytes, sheet));
    let answer = match read {
        Ok(s) => ChildAnswer::Sheet {
            rows: s.rows,
            format: s.format,
            worksheet: s.worksheet,
        },
        Err(e) => ChildAnswer::Error(ChildError::from_source(e)),
    };
    match serde_json::to_writer(std::io::BufWriter::new(std::io::stdout().lock()), &answer) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

/// How long the child may take to read a workbook.
const CHILD_TIME: std::time::Duration = std::time::Duration::from_secs(120);

/// Reads a workbook in a child process of `exe`: its memory is capped, its
/// answer read as it comes (never more than a sheet within the budget can
/// take), and it is stopped after [`CHILD_TIME`].
pub(super) fn isolated(exe: &Path, path: &Path, sheet: Option<&str>) -> Result<Sheet, SourceError> {
    use std::io::Read as _;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("__foglio");
    if let Some(s) = sheet {
        cmd.arg("--foglio").arg(s);
    }
    // `--`: a file whose name starts with `-` is a file, not an option.
    cmd.arg("--").arg(path);
    let damaged = |why: &str| SourceError::Workbook {
        path: path.to_path_buf(),
        message: format!(
            "il file è danneggiato ({why}); riaprilo e salvalo di nuovo dal foglio di calcolo"
        ),
    };
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|source| SourceError::Io {
            path: exe.to_path_buf(),
            source,
        })?;
    let Some(stdout) = child.stdout.take() else {
        let _ = child.kill();
        return Err(damaged("il lettore non ha risposto"));
    };
    // JSON escapes can make a cell six times longer than its text.
    let cap = 6 * super::sheet::MAX_HOLD as u64;
    let reader = std::thread::spawn(move || {
        let limited = std::io::BufReader::new(stdout.take(cap));
        serde_json::from_reader::<_, ChildAnswer>(limited)
    });
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() < CHILD_TIME => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let answer = reader.join().ok().and_then(Result::ok);
    let Some(status) = status else {
        return Err(damaged(&format!(
            "la lettura ha superato {} secondi",
            CHILD_TIME.as_secs()
        )));
    };
    let answer = match answer {
        Some(a) if status.success() => a,
        _ => return Err(damaged("la lettura si è interrotta: il file chiede più memoria di quanta ne serva a un foglio vero")),
    };
    match answer {
        ChildAnswer::Sheet {
            rows,
            format,
            worksheet,
        } => Ok(Sheet {
            path: path.to_path_buf(),
            rows,
            format,
            guessed_encoding: false,
            worksheet,
        }),
        ChildAnswer::Error(e) => Err(e.into_source(path)),
    }
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err(message)` without printing it.
fn quiet_panics<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| {
                e.downcast_ref::<&str>()
                    .map(std::string::ToString::to_string)
            })
            .unwrap_or_else(|| "errore interno del lettore".into())
    })
}

fn read_workbook(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, SourceError> {
    use calamine::Reader;
    if bytes.starts_with(b"PK") {
        if let Some(what) = super::bounds::ods_beyond(bytes) {
            return Err(SourceError::TooBig {
                path: path.to_path_buf(),
                what,
            });
        }
    }
    let mut wb =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|e| {
            if bytes.starts_with(b"PK") {
                SourceError::Binary {
                    path: path.to_path_buf(),
                    what: format!("è un archivio zip ma non un foglio .xlsx o .ods: {e}"),
                }
            } else {
                SourceError::Workbook {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                }
            }
        })?;
    let kind = match &wb {
        calamine::Sheets::Xlsx(_) => "Excel .xlsx",
        calamine::Sheets::Xls(_) => "Excel .xls",
        calamine::Sheets::Ods(_) => "OpenDocument .ods",
        calamine::Sheets::Xlsb(_) => "Excel .xlsb",
    };
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .or_else(|| names.iter().find(|n| n.to_lowercase() == s.to_lowercase()))
            .cloned()
            .ok_or_else(|| SourceError::NoSuchSheet {
                path: path.to_path_buf(),
                sheet: s.to_string(),
                available: names
                    .iter()
                    .map(|n| format!("«{n}»"))
                    .collect::<Vec<_>>()
                    .join(", "),
            })?,
        None => names.first().cloned().ok_or_else(|| SourceError::Empty {
            path: path.to_path_buf(),
        })?,
    };
    let rows = match &mut wb {
        calamine::Sheets::Xlsx(x) => xlsx_rows(path, x, &name)?,
        _ => dense_rows(path, &mut wb, &name)?,
    };
    if rows.iter().all(Row::is_blank) {
        return Err(SourceError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(Sheet {
        path: path.to_path_buf(),
        rows,
        format: format!("{kind}, foglio «{name}»"),
        guessed_encoding: false,
        worksheet: Some(name),
    })
}

/// The rows of a worksheet calamine reads whole (`.xls`, `.ods`, `.xlsb`),
/// as wide as its widest row: an `.ods` was measured first
/// ([`super::bounds::ods_beyond`]), an `.xls` cannot be larger than 65,536
/// rows of 256 cells.
fn dense_rows<RS: std::io::Read + std::io::Seek>(
    path: &Path,
    wb: &mut calamine::Sheets<RS>,
    name: &str,
) -> Result<Vec<Row>, SourceError> {
    use calamine::Reader;
    let range = wb
        .worksheet_range(name)
        .map_err(|e| SourceError::Workbook {
            path: path.to_path_buf(),
            message: format!("foglio «{name}»: {e}"),
        })?;
    let (start_row, start_col) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    let mut budget = Budget::new();
    for (i, r) in range.rows().enumerate() {
        let mut cells = vec![String::new(); start_col as usize];
        cells.extend(r.iter().map(|c| cell_text(c).trim().to_string()));
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        if !budget.row(&cells) {
            return Err(SourceError::TooBig {
                path: path.to_path_buf(),
                what: format!("foglio «{name}», alla riga {}", start_row as usize + i + 1),
            });
        }
        rows.push(Row {
            line: start_row as usize + i + 1,
            cells,
        });
    }
    Ok(rows)
}

/// The rows of an `.xlsx` worksheet, read cell by cell: calamine's
/// `worksheet_range` makes a dense rectangle from the first used cell to
/// the last, and two cells at `A1` and `XFD1048576` asked for 17 billion.
/// A cell beyond [`MAX_ROWS`] or [`MAX_COLUMNS`] is refused as it comes;
/// what is held is charged as it is read.
fn xlsx_rows<RS: std::io::Read + std::io::Seek>(
    path: &Path,
    wb: &mut calamine::Xlsx<RS>,
    name: &str,
) -> Result<Vec<Row>, SourceError> {
    let fail = |e: calamine::XlsxError| SourceError::Workbook {
        path: path.to_path_buf(),
        message: format!("foglio «{name}»: {e}"),
    };
    let too_big = |what: String| SourceError::TooBig {
        path: path.to_path_buf(),
        what,
    };
    let mut reader = match wb.worksheet_cells_reader(name) {
        Ok(r) => r,
        // A chart sheet: no rows, as calamine's own range would say.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(e) => return Err(fail(e)),
    };
    let mut read = Budget::new();
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(fail)? {
        if matches!(cell.get_value(), calamine::DataRef::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
        let line = r as usize + 1;
        if line > MAX_ROWS {
            return Err(too_big(format!("foglio «{name}», alla riga {line}")));
        }
        if c as usize >= MAX_COLUMNS {
            return Err(too_big(format!(
                "foglio «{name}», alla riga {line}: più di {MAX_COLUMNS} colonne"
            )));
        }
        let text = cell_text(&calamine::Data::from(cell.get_value().clone()))
            .trim()
            .to_string();
        if !read.charge(48 + text.len()) {
            return Err(too_big(format!("foglio «{name}», alla riga {line}")));
        }
        cells.push((r, c, text));
    }
    // In sheet order; of two cells at one place the later wins, as in
    // calamine's range.
    cells.sort_by_key(|&(r, c, _)| (r, c));
    let (Some(first), Some(last)) = (cells.first().map(|c| c.0), cells.last().map(|c| c.0)) else {
        return Ok(Vec::new());
    };
    let mut rows = Vec::new();
    let mut budget = Budget::new();
    let mut next = cells.into_iter().peekable();
    for r in first..=last {
        let mut row: Vec<String> = Vec::new();
        while let Some((_, c, text)) = next.next_if(|cell| cell.0 == r) {
            let c = c as usize;
            if row.len() <= c {
                row.resize(c + 1, String::new());
            }
            row[c] = text;
        }
        while row.last().is_some_and(String::is_empty) {
            row.pop();
        }
        let line = r as usize + 1;
        if !budget.row(&row) {
            return Err(too_big(format!("foglio «{name}», alla riga {line}")));
        }
        rows.push(Row { line, cells: row });
    }
    Ok(rows)
}

/// A cell as the sheet shows it to an Italian reader: integers without
/// decimals, a decimal comma, dates as `31/01/2024`, formulas by their value.
fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty => String::new(),
        Data::String(s) => normalise_newlines(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(true) => "VERO".into(),
        Data::Bool(false) => "FALSO".into(),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if dt.is_duration() {
                let total = dt.as_f64() * 24.0;
                format!("{}:{mi:02}:{s:02}", total.floor() as i64)
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{d:02}/{mo:02}/{y:04}")
            } else if y <= 1900 && dt.as_f64() < 1.0 {
                format!("{h:02}:{mi:02}")
            } else {
                format!("{d:02}/{mo:02}/{y:04} {h:02}:{mi:02}")
            }
        }
        Data::DateTimeIso(s) => iso_date(s),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// `2024-01-31` (OpenDocument's dates) as `31/01/2024`, with the time if
/// there is one; anything else unchanged.
fn iso_date(s: &str) -> String {
    let (date, time) = s.split_once('T').unwrap_or((s, ""));
    let Some(d) = crate::date::Date::parse(date) else {
        return s.to_string();
    };
    let day = format!("{:02}/{:02}/{:04}", d.day, d.month, d.year);
    let hm: String = time.chars().take(5).collect();
    if hm.is_empty() || hm == "00:00" {
        day
    } else {
        format!("{day} {hm}")
    }
}

fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        // Shortest representation that reads back the same, Italian comma.
        format!("{f}").replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn iso_dates_read_the_italian_way() {
        assert_eq!(iso_date("2024-01-31"), "31/01/2024");
        assert_eq!(iso_date("2024-01-31T00:00:00"), "31/01/2024");
        assert_eq!(iso_date("2024-01-31T14:30:00"), "31/01/2024 14:30");
        assert_eq!(iso_date("boh"), "boh");
    }

    #[test]
    fn a_damaged_xls_is_an_error_not_a_panic() {
        // Found by `cargo fuzz run sheet`: calamine's .xls reader panics on it.
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/danneggiato.xls"
        ))
        .unwrap();
        let err = parse(Path::new("d.xls"), &bytes).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("d.xls: il foglio di calcolo non si apre: il file è danneggiato"),
            "{err}"
        );
    }

    #[test]
    fn numbers_read_the_italian_way() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(3.5), "3,5");
        assert_eq!(number(-0.25), "-0,25");
    }
}
