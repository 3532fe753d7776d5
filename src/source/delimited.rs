//! Delimited text: the encoding (UTF-8 with or without BOM, UTF-16, or
//! Windows-1252 as Excel's Italian text export writes it), the delimiter
//! (tab, `;` or `,`, found from the content), Excel's quoting, any line
//! ends, and the line each row starts on.

use super::bounds::Budget;
use super::sheet::{Row, Sheet, SourceError, MAX_COLUMNS};
use std::path::Path;

/// Reads delimited text: decodes it, finds the delimiter, splits rows.
/// The bytes are taken, not copied: a sheet's text is held once.
pub(super) fn read(path: &Path, bytes: Vec<u8>) -> Result<Sheet, SourceError> {
    let (text, encoding, guessed) = decode(path, bytes)?;
    let text = if text.contains('\r') {
        normalise_newlines(&text)
    } else {
        text
    };
    if text.trim().is_empty() {
        return Err(SourceError::Empty {
            path: path.to_path_buf(),
        });
    }
    if let Some(line) = overlong_line(&text) {
        return Err(SourceError::TooBig {
            path: path.to_path_buf(),
            what: format!("la riga {line} ha più di {MAX_COLUMNS} colonne, il massimo di Excel"),
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
    let mut budget = Budget::new();
    let too_big = |line: usize| SourceError::TooBig {
        path: path.to_path_buf(),
        what: format!("alla riga {line}"),
    };
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
            if !budget.row(&[]) {
                return Err(too_big(blank));
            }
            rows.push(Row {
                line: blank,
                cells: Vec::new(),
            });
        }
        let start = line_at(text, &mut counted_to, &mut line, offset + skipped);
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if !budget.row(&cells) {
            return Err(too_big(start));
        }
        rows.push(Row { line: start, cells });
    }
    Ok(rows)
}

/// The first line with more than [`MAX_COLUMNS`] of any separator: a line
/// with more separators than Excel has columns is not a sheet, and reading
/// it whole would take memory without bound.
fn overlong_line(text: &str) -> Option<usize> {
    text.split('\n')
        .position(|l| {
            let (mut tabs, mut semis, mut commas) = (0, 0, 0);
            for b in l.bytes() {
                match b {
                    b'\t' => tabs += 1,
                    b';' => semis += 1,
                    b',' => commas += 1,
                    _ => {}
                }
            }
            tabs.max(semis).max(commas) > MAX_COLUMNS
        })
        .map(|i| i + 1)
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
fn decode(path: &Path, mut bytes: Vec<u8>) -> Result<(String, &'static str, bool), SourceError> {
    let binary = |what: &str| SourceError::Binary {
        path: path.to_path_buf(),
        what: what.to_string(),
    };
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
        return match String::from_utf8(bytes) {
            Ok(t) => Ok((t, "UTF-8 con BOM", false)),
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
        utf16_without_bom(&bytes).map(|(enc, name)| (enc, name, 0))
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
    let (text, encoding, guessed) = match String::from_utf8(bytes) {
        Ok(t) => (t, "UTF-8", false),
        Err(e) => {
            let (t, _, _) = encoding_rs::WINDOWS_1252.decode(e.as_bytes());
            (t.into_owned(), "Windows-1252", true)
        }
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
pub(super) fn normalise_newlines(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::super::{parse, parse_with};
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
}
