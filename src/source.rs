//! Bytes to rows: the sheet file read as a table of text cells, each row with
//! the line it started on.
//!
//! This module deals with encodings, delimiters and quoting. It knows nothing
//! of process codes or columns: [`crate::mapping`] gives the rows a meaning.

use std::path::{Path, PathBuf};

/// One row of the sheet, with its cells trimmed of surrounding whitespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// 1-based line of the file where the row starts.
    pub line: usize,
    pub cells: Vec<String>,
}

impl Row {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.is_empty())
    }
}

/// A sheet read from a file.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub path: PathBuf,
    /// Every line of the file that holds a row, blank ones included.
    pub rows: Vec<Row>,
    /// The encoding the text was decoded from.
    pub encoding: &'static str,
    /// The delimiter between cells.
    pub delimiter: u8,
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
        "{path}:{line}: il testo non è UTF-8 valido (byte {byte:#04x} alla posizione {offset}). \
         Salva il foglio come «Testo Unicode (UTF-8)» e riprova."
    )]
    Encoding {
        path: PathBuf,
        line: usize,
        offset: usize,
        byte: u8,
    },
    #[error(
        "{path}: il file sembra binario (contiene byte nulli), non un foglio di testo. \
         Esporta la mappatura come testo delimitato da tabulazioni."
    )]
    Binary { path: PathBuf },
    #[error("{path}:{line}: riga illeggibile: {message}")]
    Malformed {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// Reads a sheet from a delimited text file.
pub fn read(path: &Path) -> Result<Sheet, SourceError> {
    let bytes = std::fs::read(path).map_err(|source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &bytes)
}

/// Reads a sheet from bytes already in memory; `path` names it in messages.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Sheet, SourceError> {
    let path_buf = path.to_path_buf();
    let (text, encoding) = decode(path, bytes)?;
    if text.trim().is_empty() {
        return Err(SourceError::Empty { path: path_buf });
    }
    let delimiter = sniff_delimiter(&text);
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
                path: path_buf.clone(),
                line: e.position().map_or(line, |p| {
                    line_at(&text, &mut counted_to, &mut line, p.byte() as usize)
                }),
                message: e.to_string(),
            })?;
        if !more {
            break;
        }
        let offset = record.position().map_or(counted_to, |p| p.byte() as usize);
        let skipped = text[offset..].bytes().take_while(|&b| b == b'\n').count();
        let before = line_at(&text, &mut counted_to, &mut line, offset);
        for blank in before..before + skipped {
            rows.push(Row {
                line: blank,
                cells: Vec::new(),
            });
        }
        let start = line_at(&text, &mut counted_to, &mut line, offset + skipped);
        let cells = record.iter().map(|c| c.trim().to_string()).collect();
        rows.push(Row { line: start, cells });
    }
    // Empty lines at the end of the file are not rows.
    Ok(Sheet {
        path: path_buf,
        rows,
        encoding,
        delimiter,
    })
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

/// Decodes the file's bytes to text.
fn decode(path: &Path, bytes: &[u8]) -> Result<(String, &'static str), SourceError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(SourceError::Binary {
            path: path.to_path_buf(),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((normalise_newlines(text), "UTF-8")),
        Err(e) => {
            let offset = e.valid_up_to();
            let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
            Err(SourceError::Encoding {
                path: path.to_path_buf(),
                line,
                offset,
                byte: bytes[offset],
            })
        }
    }
}

/// CRLF and lone CR become LF, so line numbers count the way editors do.
fn normalise_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Picks the delimiter that splits the first lines most consistently: tab,
/// then `;` (Italian Excel's CSV), then `,`.
fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let mut best = (b'\t', 0usize);
    for d in [b'\t', b';', b','] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| l.bytes().filter(|&b| b == d).count())
            .collect();
        // The count most lines share, if it splits them at all.
        let mut modal = (0usize, 0usize);
        for &c in &counts {
            let n = counts.iter().filter(|&&x| x == c).count();
            if c > 0 && (n > modal.1 || (n == modal.1 && c > modal.0)) {
                modal = (c, n);
            }
        }
        if modal.1 > best.1 {
            best = (d, modal.1);
        }
    }
    best.0
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
    fn crlf_and_bom() {
        let s = parse(Path::new("t"), b"\xEF\xBB\xBFA\tB\r\nC\tD\r\n").unwrap();
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.rows[0].cells, ["A", "B"]);
    }

    #[test]
    fn semicolons() {
        let s = sheet("CODIFICA;NOME\nA1 X;Y\n");
        assert_eq!(s.delimiter, b';');
        assert_eq!(s.rows[1].cells, ["A1 X", "Y"]);
    }

    #[test]
    fn bad_bytes_name_the_line() {
        let err = parse(Path::new("x.tsv"), b"a\tb\nc\xff\td\n").unwrap_err();
        assert!(err.to_string().starts_with("x.tsv:2:"), "{err}");
        assert!(matches!(
            parse(Path::new("x"), b"   \n"),
            Err(SourceError::Empty { .. })
        ));
        assert!(matches!(
            parse(Path::new("x"), b"a\0b"),
            Err(SourceError::Binary { .. })
        ));
    }
}
