//! `processi.xlsx`: the CSV's table as a workbook, for those who open the
//! data by double-clicking it. Excel opens a comma-separated UTF-8 file
//! with Italian settings in one column with broken accents; a workbook
//! opens right everywhere. Written with `rust_xlsxwriter`; its bytes depend
//! only on the data (the document's date is the data's, not the clock's).

use super::table::Table;
use crate::config::Config;
use crate::dictionary::{self, Type};
use crate::site::error::{data, BuildError};
use crate::site::output::Folder;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use std::path::Path;

/// The most characters a cell of a workbook can hold, and its most rows
/// and columns. What goes beyond (only a hostile sheet does) stays in the
/// CSV, and the workbook says so.
const CELL_MAX: usize = 32_767;
const ROWS_MAX: usize = 1_048_576;
const COLUMNS_MAX: usize = 16_384;

pub(super) fn write(
    config: &Config,
    table: &Table,
    updated: Option<&str>,
    folder: &Folder,
    path: &Path,
) -> Result<(), BuildError> {
    let full = folder.path(path);
    // The rows wait in an unnamed temporary file inside the site being
    // written, not in memory.
    let bytes = workbook(config, table, updated, &folder.path("")).map_err(data(&full))?;
    folder.write(path, &bytes)
}

fn workbook(
    config: &Config,
    table: &Table,
    updated: Option<&str>,
    tempdir: &Path,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // "Low memory": each row is written out once the next one starts (the
    // shared strings stay in memory: the same cells and strings, only the
    // rows' optional `spans` hint is not written). A national
    // map's sheet held whole was the build's peak: at 100,000 processes
    // about 500 MB over the rest.
    wb.set_tempdir(tempdir)?;
    let day = updated
        .and_then(|d| {
            let mut it = d.split('-').map(|p| p.parse::<u16>().ok());
            Some((it.next()??, it.next()??, it.next()??))
        })
        .and_then(|(y, m, d)| ExcelDateTime::from_ymd(y, m as u8, d as u8).ok());
    let created = match day {
        Some(d) => d,
        None => ExcelDateTime::from_ymd(2000, 1, 1)?,
    };
    wb.set_properties(
        &DocProperties::new()
            .set_title(config.dataset_title())
            .set_author(config.chamber_name())
            .set_comment(format!(
                "Licenza: {} ({})",
                config.book.licence, config.book.licence_url
            ))
            .set_creation_datetime(&created),
    );
    let ws = wb.add_worksheet_with_low_memory()?;
    ws.set_name("Processi")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let columns = table.header.len().min(COLUMNS_MAX);
    // The header, the rows that fit, and a last row with the note if some
    // do not.
    let fit = table.rows.len().min(ROWS_MAX - 2);
    let integer: Vec<bool> = table
        .header
        .iter()
        .map(|h| dictionary::field(h).is_some_and(|f| f.kind == Type::Integer))
        .collect();
    for (c, h) in table.header.iter().take(columns).enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
        // Text wraps in the columns of text: given once to the column, which
        // its cells written without a format take, instead of to each cell
        // (the format was hashed at every cell: 1 % of a national build).
        if !integer[c] {
            ws.set_column_format(c as u16, &wrap)?;
        }
        let width = match dictionary::field(h).map(|f| f.kind) {
            Some(Type::String)
                if matches!(
                    h.as_str(),
                    "input"
                        | "output"
                        | "sequenza_attivita"
                        | "titolo"
                        | "nome_attivita"
                        | "codifica_unioncamere"
                ) =>
            {
                40.0
            }
            Some(Type::String) => 16.0,
            Some(_) => 11.0,
            None => 24.0,
        };
        ws.set_column_width(c as u16, width)?;
    }
    for (r, row) in table.rows.iter().take(fit).enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().take(columns).enumerate() {
            let v: &str = v;
            if v.is_empty() {
                continue;
            }
            let col = c as u16;
            match v.parse::<u32>() {
                Ok(n) if integer[c] => {
                    ws.write_number(r, col, n)?;
                }
                // Excel counts UTF-16 units, of which a string has at most
                // as many as bytes: most cells are let through by length.
                _ if v.len() > CELL_MAX && v.encode_utf16().count() > CELL_MAX => {
                    let mut units = 0;
                    let cut: String = v
                        .chars()
                        .take_while(|ch| {
                            units += ch.len_utf16();
                            units <= CELL_MAX - 60
                        })
                        .collect();
                    ws.write_string_with_format(
                        r,
                        col,
                        format!("{cut} […] testo completo in processi.csv"),
                        &wrap,
                    )?;
                }
                _ if integer[c] => {
                    ws.write_string_with_format(r, col, v, &wrap)?;
                }
                _ => {
                    ws.write_string(r, col, v)?;
                }
            }
        }
    }
    if fit < table.rows.len() || columns < table.header.len() {
        ws.write_string(
            fit as u32 + 1,
            0,
            format!(
                "Il foglio Excel tiene al massimo {ROWS_MAX} righe e {COLUMNS_MAX} colonne: \
                 {} righe e {} colonne non sono qui. Sono tutte in processi.csv.",
                table.rows.len() - fit,
                table.header.len() - columns
            ),
        )?;
    }
    ws.set_freeze_panes(1, 0)?;
    let last_col = columns.saturating_sub(1) as u16;
    ws.autofilter(0, 0, fit as u32, last_col)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};

    #[test]
    fn a_table_wider_than_excel_still_gives_a_workbook_that_says_what_is_missing() {
        let header: Vec<String> = (0..COLUMNS_MAX + 10).map(|i| format!("c{i}")).collect();
        let row: Vec<String> = (0..COLUMNS_MAX + 10).map(|i| i.to_string()).collect();
        let long = "x".repeat(CELL_MAX + 5);
        let mut second = row.clone();
        second[1] = long;
        // Fewer characters than Excel's limit, more UTF-16 units (what it
        // counts): each of these takes two.
        let mut third = row.clone();
        third[1] = "😀".repeat(CELL_MAX / 2 + 10);
        let table = Table {
            header,
            extra: Vec::new(),
            rows: [row, second, third]
                .into_iter()
                .map(|r| r.into_iter().map(Into::into).collect())
                .collect(),
        };
        let dir = tempfile::tempdir().unwrap();
        let bytes = workbook(&Config::default(), &table, Some("2026-01-28"), dir.path()).unwrap();
        let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("Processi").unwrap();
        assert_eq!(range.width(), COLUMNS_MAX);
        let cell =
            |r: usize, c: usize| range.get((r, c)).map(|d| d.to_string()).unwrap_or_default();
        assert!(cell(2, 1).ends_with("testo completo in processi.csv"));
        assert!(cell(3, 1).starts_with("😀😀"), "{}", cell(3, 1));
        assert!(cell(3, 1).ends_with("testo completo in processi.csv"));
        assert!(
            cell(4, 0).contains("10 colonne non sono qui"),
            "{}",
            cell(4, 0)
        );
    }
}
