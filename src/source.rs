//! Bytes to rows: the sheet file read as a table of text cells, each row with
//! the line (or spreadsheet row) it started on.
//!
//! The format is found from the content, the extension being only a hint:
//! `.xlsx`, `.xls` and `.ods` workbooks (through calamine), or delimited text
//! in UTF-8 (with or without BOM), UTF-16 (Excel's "Testo Unicode") or
//! Windows-1252 (Excel's text export on Italian Windows), separated by tabs,
//! `;` or `,`, with Excel quoting and any line ends. This module knows nothing
//! of process codes or columns: [`crate::mapping`] gives the rows a meaning.

use std::io::Cursor;
use std::path::{Path, PathBuf};

/// One row of the sheet, with its cells trimmed of surrounding whitespace.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Row {
    /// 1-based line of the file (or row of the spreadsheet) where it starts.
    pub line: usize,
    pub cells: Vec<String>,
}

impl Row {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(std::string::String::is_empty)
    }
}

/// A sheet read from a file.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub path: PathBuf,
    /// Every line of the file that holds a row, blank ones included.
    pub rows: Vec<Row>,
    /// How the file was read, in words: `UTF-8, tabulazioni`,
    /// `Windows-1252, punto e virgola`, `Excel .xlsx, foglio «Mappatura»`.
    pub format: String,
    /// True when the text was not UTF-8 or UTF-16 and was read as
    /// Windows-1252: worth a word to the user.
    pub guessed_encoding: bool,
    /// The worksheet read, for workbooks.
    pub worksheet: Option<String>,
}

impl Sheet {
    /// The file (and worksheet) as named in messages.
    pub fn name(&self) -> String {
        let path = crate::text::shown(&self.path);
        match &self.worksheet {
            Some(w) => format!("{path} (foglio «{w}»)"),
            None => path,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: impossibile leggere il file: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: il file è vuoto: non contiene nessuna riga da importare.")]
    Empty { path: PathBuf },
    #[error(
        "{path}: il file non è un foglio della mappatura ({what}). Esporta la mappatura dal foglio \
         di calcolo come .xlsx, .ods o testo delimitato da tabulazioni."
    )]
    Binary { path: PathBuf, what: String },
    #[error("{path}:{line}: riga illeggibile: {message}")]
    Malformed {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: il foglio di calcolo non si apre: {message}")]
    Workbook { path: PathBuf, message: String },
    #[error("{path}: non c'è un foglio «{sheet}». I fogli sono: {available}.")]
    NoSuchSheet {
        path: PathBuf,
        sheet: String,
        available: String,
    },
    #[error("{path}: --sheet vale solo per i fogli di calcolo (.xlsx, .xls, .ods); questo è un file di testo.")]
    SheetOnText { path: PathBuf },
}

/// How workbooks (`.xlsx`, `.xls`, `.ods`) are read. calamine can panic on
/// a damaged file, or ask for terabytes (fuzzing found both), and an
/// allocation failure aborts a process: the command line reads them in a
/// child process with its memory capped, so that the child's death becomes
/// an error message, not ours.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Workbooks {
    /// In this process, panics caught (tests, fuzzing, library use).
    #[default]
    InProcess,
    /// In a child process, `EXE __foglio FILE [--sheet NAME]`.
    Child(PathBuf),
}

impl Workbooks {
    /// A child process of the program running now, when it can be found.
    pub fn in_child() -> Workbooks {
        std::env::current_exe().map_or(Workbooks::InProcess, Workbooks::Child)
    }
}

/// Reads a sheet; `sheet` names the worksheet of a workbook (the first
/// one when `None`).
pub fn read(path: &Path, sheet: Option<&str>, workbooks: &Workbooks) -> Result<Sheet, SourceError> {
    let bytes = std::fs::read(path).map_err(|source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if let (Workbooks::Child(exe), true) = (workbooks, is_workbook(&bytes)) {
        return isolated(exe, path, sheet);
    }
    parse_with(path, &bytes, sheet)
}

/// The signatures of a zip (`.xlsx`, `.ods`) and of an OLE file (`.xls`).
fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Reads delimited text from bytes in memory; `path` names it in messages.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Sheet, SourceError> {
    parse_with(path, bytes, None)
}

/// Reads a sheet of any supported format from bytes in memory.
pub fn parse_with(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, SourceError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SourceError::Empty {
            path: path.to_path_buf(),
        });
    }
    if is_workbook(bytes) {
        return in_process(path, bytes, sheet);
    }
    if sheet.is_some() {
        return Err(SourceError::SheetOnText {
            path: path.to_path_buf(),
        });
    }
    let (text, encoding, guessed) = decode(path, bytes)?;
    let text = normalise_newlines(&text);
    if text.trim().is_empty() {
        return Err(SourceError::Empty {
            path: path.to_path_buf(),
        });
    }
    let delimiter = sniff_delimiter(&text, extension_hint(path));
    let rows = delimited(path, &text, delimiter)?;
    let name = match delimiter {
        b'\t' => "tabulazioni",
        b';' => "punto e virgola",
        _ => "virgole",
    };
    Ok(Sheet {
        path: path.to_path_buf(),
        rows,
        format: format!("{encoding}, {name}"),
        guessed_encoding: guessed,
        worksheet: None,
    })
}

fn extension_hint(path: &Path) -> Option<u8> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "csv" => Some(b';'),
        "tsv" | "tab" | "txt" => Some(b'\t'),
        _ => None,
    }
}

/// Splits decoded text into rows, keeping the line each row starts on.
fn delimited(path: &Path, text: &str, delimiter: u8) -> Result<Vec<Row>, SourceError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // The reader skips empty lines and does not count them: lines are
    // counted here from the byte offsets it gives.
    let (mut counted_to, mut line) = (0usize, 1usize);
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| SourceError::Malformed {
                path: path.to_path_buf(),
                line: e.position().map_or(line, |p| {
                    line_at(text, &mut counted_to, &mut line, p.byte() as usize)
                }),
                message: e.to_string(),
            })?;
        if !more {
            break;
        }
        let offset = record.position().map_or(counted_to, |p| p.byte() as usize);
        let skipped = text[offset..].bytes().take_while(|&b| b == b'\n').count();
        let before = line_at(text, &mut counted_to, &mut line, offset);
        for blank in before..before + skipped {
            rows.push(Row {
                line: blank,
                cells: Vec::new(),
            });
        }
        let start = line_at(text, &mut counted_to, &mut line, offset + skipped);
        let cells = record.iter().map(|c| c.trim().to_string()).collect();
        rows.push(Row { line: start, cells });
    }
    Ok(rows)
}

/// The 1-based line of byte `offset`, counting forward from the last call.
fn line_at(text: &str, counted_to: &mut usize, line: &mut usize, offset: usize) -> usize {
    let offset = offset.min(text.len());
    if offset > *counted_to {
        *line += text.as_bytes()[*counted_to..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        *counted_to = offset;
    }
    *line
}

/// Decodes text bytes: BOMs first, then UTF-8, then Windows-1252.
fn decode(path: &Path, bytes: &[u8]) -> Result<(String, &'static str, bool), SourceError> {
    let binary = |what: &str| SourceError::Binary {
        path: path.to_path_buf(),
        what: what.to_string(),
    };
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(t) => Ok((t.to_string(), "UTF-8 con BOM", false)),
            Err(_) => Err(binary(
                "ha il segno BOM dell'UTF-8 ma contiene byte non UTF-8",
            )),
        };
    }
    let utf16 = if bytes.starts_with(b"\xFF\xFE") {
        Some((encoding_rs::UTF_16LE, "UTF-16 LE", 2))
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some((encoding_rs::UTF_16BE, "UTF-16 BE", 2))
    } else {
        utf16_without_bom(bytes).map(|(enc, name)| (enc, name, 0))
    };
    if let Some((enc, name, skip)) = utf16 {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[skip..]);
        if had_errors {
            return Err(binary(&format!(
                "sembra {name} ma contiene sequenze non valide"
            )));
        }
        check_controls(&text).map_err(|w| binary(&w))?;
        return Ok((text.into_owned(), name, false));
    }
    if bytes.contains(&0) {
        return Err(binary("contiene byte nulli: è un file binario"));
    }
    let (text, encoding, guessed) = if let Ok(t) = std::str::from_utf8(bytes) {
        (t.to_string(), "UTF-8", false)
    } else {
        let (t, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
        (t.into_owned(), "Windows-1252", true)
    };
    check_controls(&text).map_err(|w| binary(&w))?;
    Ok((text, encoding, guessed))
}

/// UTF-16 saved without BOM: one byte of each pair is almost always zero.
fn utf16_without_bom(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, &'static str)> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let zero_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let zero_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if zero_odd * 10 >= pairs * 7 && zero_even * 10 < pairs {
        Some((encoding_rs::UTF_16LE, "UTF-16 LE senza BOM"))
    } else if zero_even * 10 >= pairs * 7 && zero_odd * 10 < pairs {
        Some((encoding_rs::UTF_16BE, "UTF-16 BE senza BOM"))
    } else {
        None
    }
}

/// Text full of control characters is a binary file read as text.
fn check_controls(text: &str) -> Result<(), String> {
    let sample: Vec<char> = text.chars().take(20_000).collect();
    let controls = sample
        .iter()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        .count();
    if controls * 100 > sample.len().max(1) {
        return Err(format!(
            "{controls} caratteri di controllo nei primi {} caratteri: non è testo",
            sample.len()
        ));
    }
    Ok(())
}

/// CRLF and lone CR become LF, so line numbers count the way editors do.
fn normalise_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Picks the delimiter that splits the first records most consistently into
/// the most cells: tab, then `;` (Italian Excel's CSV), then `,`; the
/// extension breaks ties.
fn sniff_delimiter(text: &str, hint: Option<u8>) -> u8 {
    let mut order = vec![b'\t', b';', b','];
    if let Some(h) = hint {
        order.retain(|&d| d != h);
        order.insert(0, h);
    }
    let mut best = (order[0], 0usize);
    for d in order {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(d)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let counts: Vec<usize> = reader
            .records()
            .map_while(Result::ok)
            .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
            .take(40)
            .map(|r| r.len())
            .collect();
        // Records that share the most common count of cells, weighted by
        // how many cells that is: a delimiter that splits every row into six
        // beats one that splits a few more rows into two.
        let mut score = 0;
        for &c in &counts {
            let n = counts.iter().filter(|&&x| x == c).count();
            score = score.max(n * c.saturating_sub(1));
        }
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

/// Reads a worksheet of an `.xlsx`, `.xls` or `.ods` workbook here.
///
/// calamine 0.31 can panic on a damaged file (fuzzing found an out-of-range
/// slice in its `.xls` container reader): such a panic is caught here and
/// becomes an error naming the file, with the panic message kept quiet.
fn in_process(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, SourceError> {
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
    NoSuchSheet {
        sheet: String,
        available: String,
    },
    Empty,
    Other {
        message: String,
    },
}

/// The child's side: read the workbook, answer in JSON. Returns the exit code.
pub fn serve_child(path: &Path, sheet: Option<&str>) -> i32 {
    let answer = match limit_memory(CHILD_MEMORY).and_then(|()| std::fs::read(path)) {
        Err(e) => ChildAnswer::Other {
            message: e.to_string(),
        },
        Ok(bytes) => match in_process(path, &bytes, sheet) {
            Ok(s) => ChildAnswer::Sheet {
                rows: s.rows,
                format: s.format,
                worksheet: s.worksheet,
            },
            Err(SourceError::NoSuchSheet {
                sheet, available, ..
            }) => ChildAnswer::NoSuchSheet { sheet, available },
            Err(SourceError::Empty { .. }) => ChildAnswer::Empty,
            Err(e) => ChildAnswer::Other {
                message: e
                    .to_string()
                    .split_once(": ")
                    .map_or(e.to_string(), |(_, m)| m.to_string()),
            },
        },
    };
    match serde_json::to_writer(std::io::stdout().lock(), &answer) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

fn isolated(exe: &Path, path: &Path, sheet: Option<&str>) -> Result<Sheet, SourceError> {
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("__foglio").arg(path);
    if let Some(s) = sheet {
        cmd.arg("--sheet").arg(s);
    }
    let damaged = |why: &str| SourceError::Workbook {
        path: path.to_path_buf(),
        message: format!(
            "il file è danneggiato ({why}); riaprilo e salvalo di nuovo dal foglio di calcolo"
        ),
    };
    let out = cmd
        .stderr(std::process::Stdio::null())
        .output()
        .map_err(|source| SourceError::Io {
            path: exe.to_path_buf(),
            source,
        })?;
    let answer: ChildAnswer = match serde_json::from_slice(&out.stdout) {
        Ok(a) if out.status.success() => a,
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
        ChildAnswer::NoSuchSheet { sheet, available } => Err(SourceError::NoSuchSheet {
            path: path.to_path_buf(),
            sheet,
            available,
        }),
        ChildAnswer::Empty => Err(SourceError::Empty {
            path: path.to_path_buf(),
        }),
        ChildAnswer::Other { message } => Err(SourceError::Workbook {
            path: path.to_path_buf(),
            message,
        }),
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
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| SourceError::Workbook {
            path: path.to_path_buf(),
            message: format!("foglio «{name}»: {e}"),
        })?;
    let (start_row, start_col) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let mut cells = vec![String::new(); start_col as usize];
        cells.extend(r.iter().map(|c| cell_text(c).trim().to_string()));
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        rows.push(Row {
            line: start_row as usize + i + 1,
            cells,
        });
    }
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

/// A cell as the sheet shows it to an Italian reader: integers without
/// decimals, a decimal comma, dates as `31/01/2024`, formulas by their value.
pub fn cell_text(c: &calamine::Data) -> String {
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
    use super::*;

    fn sheet(text: &str) -> Sheet {
        parse(Path::new("t.tsv"), text.as_bytes()).unwrap()
    }

    #[test]
    fn blank_lines_keep_their_numbers() {
        let s = sheet("\n\nA\tB\n\nC\tD\n");
        let lines: Vec<(usize, bool)> = s.rows.iter().map(|r| (r.line, r.is_blank())).collect();
        assert_eq!(
            lines,
            [(1, true), (2, true), (3, false), (4, true), (5, false)]
        );
    }

    #[test]
    fn quoted_cells_with_newlines_count_lines() {
        let s = sheet("A\t\"uno\ndue\"\nB\tc\n");
        assert_eq!(s.rows[0].cells[1], "uno\ndue");
        assert_eq!(s.rows[1].line, 3);
    }

    #[test]
    fn crlf_cr_and_bom() {
        let s = parse(Path::new("t"), b"\xEF\xBB\xBFA\tB\r\nC\tD\r\n").unwrap();
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.rows[0].cells, ["A", "B"]);
        assert_eq!(s.format, "UTF-8 con BOM, tabulazioni");
        let s = parse(Path::new("t"), b"A\tB\rC\tD\r").unwrap();
        assert_eq!(s.rows[1].line, 2);
    }

    #[test]
    fn delimiters_are_sniffed() {
        let s = sheet("CODIFICA;NOME;input\nA1 X, Y;Y;z\n");
        assert_eq!(s.rows[1].cells, ["A1 X, Y", "Y", "z"]);
        let s = sheet("CODIFICA,NOME,input\n\"A1 X; Y\",Y,z\n");
        assert_eq!(s.rows[1].cells, ["A1 X; Y", "Y", "z"]);
        // Commas inside tab-separated cells do not fool it.
        let s = sheet("a\tb, c, d\te\nf\tg\th, i\n");
        assert_eq!(s.rows[0].cells.len(), 3);
    }

    #[test]
    fn encodings() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("Attività\tb\n".encode_utf16().flat_map(u16::to_le_bytes));
        let s = parse(Path::new("t"), &le).unwrap();
        assert_eq!(s.rows[0].cells, ["Attività", "b"]);
        assert_eq!(s.format, "UTF-16 LE, tabulazioni");
        let mut be = vec![0xFE, 0xFF];
        be.extend("Attività\tb\n".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(
            parse(Path::new("t"), &be).unwrap().rows[0].cells[0],
            "Attività"
        );
        let s = parse(Path::new("t"), b"Attivit\xe0\tperch\xe9 \x80\n").unwrap();
        assert_eq!(s.rows[0].cells, ["Attività", "perché €"]);
        assert!(s.guessed_encoding);
    }

    #[test]
    fn bad_files() {
        assert!(matches!(
            parse(Path::new("x"), b"   \n"),
            Err(SourceError::Empty { .. })
        ));
        assert!(matches!(
            parse(Path::new("x"), b"a\0b"),
            Err(SourceError::Binary { .. })
        ));
        let noise: Vec<u8> = (1u8..=31).cycle().take(400).collect();
        assert!(matches!(
            parse(Path::new("x"), &noise),
            Err(SourceError::Binary { .. })
        ));
        let err = parse(Path::new("x.xlsx"), b"PK\x03\x04 not really a zip").unwrap_err();
        assert!(err.to_string().starts_with("x.xlsx: "), "{err}");
        assert!(matches!(
            parse_with(Path::new("x.tsv"), b"a\tb\n", Some("Foglio1")),
            Err(SourceError::SheetOnText { .. })
        ));
    }

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
