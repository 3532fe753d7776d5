//! Inputs whose size once cost time or memory beyond all proportion, each
//! an attack that worked: a sheet of many rows (quadratic time in the
//! rows), a workbook whose repeated rows or columns expand a thousandfold.
//! Each answers in seconds, with the real content or a clear error naming
//! the file, and leaves `content/` as it was.

use crate::common::*;
use std::time::{Duration, Instant};

/// The six column headings of the bundled sheet.
const HEADER: &str = "CODIFICA UNIONCAMERE\tNOME PROCESSO - ATTIVITA'\tElementi in ingresso che innescano il processo -input\tRisultato atteso del processo -output\tSequenza di attività che consente di raggiungere l'output-le \"attività\"\tResponsabile output (ruolo)";

/// The processor time `pid` has used so far (user and system, its waited
/// children's included), from `/proc`: unlike the time on the clock, it
/// does not grow when other tests or builds share the machine.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command's name, which is in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime, stime, cutime, cstime: fields 14 to 17, 12 to 15 here.
    let ticks: u64 = fields
        .get(11..15)?
        .iter()
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    // SAFETY: sysconf reads a constant of the system.
    let per_second = u64::try_from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) }).ok()?;
    Some(Duration::from_millis(ticks * 1000 / per_second.max(1)))
}

/// Runs `manuale ARGS` in `b`, killed once it has used `limit` of
/// processor time (or five times `limit` on the clock: a run that waits
/// for good): a run that hangs fails the test instead of holding it.
fn run_within(b: &Book, args: &[&str], limit: Duration) -> (std::process::Output, Duration) {
    use std::io::Read as _;
    let started = Instant::now();
    let mut child = crate::common::manuale_command()
        .args(args)
        .current_dir(b.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run manuale");
    // Read both pipes aside, or a full pipe would stop the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        let cpu = cpu_time(child.id());
        if cpu.is_some_and(|c| c > limit) || started.elapsed() > limit * 5 {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "manuale {args:?} still running after {:?} ({cpu:?} of processor time)",
                started.elapsed()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    (
        std::process::Output {
            status,
            stdout: out.join().unwrap(),
            stderr: err.join().unwrap(),
        },
        elapsed,
    )
}

/// A guard against quadratic time, in processor time, for a debug build;
/// the speed itself is measured on a release build (benches/README.md).
const GUARD: Duration = Duration::from_secs(60);

/// `rows` lines under the header, as a file `name` in the book.
fn sheet_of(b: &Book, name: &str, rows: impl Iterator<Item = String>) {
    let mut text = String::from(HEADER);
    text.push('\n');
    for r in rows {
        text.push_str(&r);
        text.push('\n');
    }
    std::fs::write(b.join(name), text).unwrap();
}

#[test]
fn eighty_thousand_rows_of_one_heading_are_checked_in_seconds() {
    let b = Book::new();
    sheet_of(
        &b,
        "ripetuta.tsv",
        (0..80_000).map(|_| "A1.1.1 x\tn".to_string()),
    );
    let (out, took) = run_within(&b, &["controlla", "ripetuta.tsv"], GUARD);
    let text = stdout(&out);
    assert!(
        text.contains("ripetuta.tsv (UTF-8, tabulazioni): 80000 righe"),
        "{took:?} {}",
        &text[text.len().saturating_sub(600)..]
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Every repeated heading is reported, each naming the first row.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("M005 avviso 79999 intestazione ripetuta"),
        "{}",
        &flat[flat.len().saturating_sub(400)..]
    );
    assert!(text.contains(
        "ripetuta.tsv:80001:1: avviso[M005]: intestazione di A1.1.1 ripetuta (già alla riga 2)"
    ));
}

#[test]
fn forty_thousand_rows_out_of_order_are_checked_in_seconds() {
    // Each row of A1.1.1 came after B1.1.1's: reporting which code it
    // followed once looked back over every A1.1.1 before it.
    let b = Book::new();
    sheet_of(
        &b,
        "ordine.tsv",
        (0..40_000)
            .map(|_| "B1.1.1 x\tn\ti\to\ts\tr".to_string())
            .chain((0..40_001).map(|_| "A1.1.1 x\tn\ti\to\ts\tr".to_string())),
    );
    let (out, took) = run_within(&b, &["controlla", "ordine.tsv"], GUARD);
    let text = stdout(&out);
    assert!(out.status.success(), "{took:?} {}", stderr(&out));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("80001 righe") && flat.contains("M006 avviso 40000 riga fuori ordine"),
        "{}",
        &flat[flat.len().saturating_sub(400)..]
    );
    assert!(
        text.contains("ordine.tsv:40001:1: avviso[M006]: riga fuori ordine: B1.1.1"),
        "{}",
        &text[..600.min(text.len())]
    );
}

#[test]
fn importing_eighty_thousand_rows_of_one_heading_takes_seconds() {
    let b = Book::new();
    sheet_of(
        &b,
        "ripetuta.tsv",
        (0..80_000).map(|_| "A1.1.1 x\tn".to_string()),
    );
    let (out, took) = run_within(&b, &["importa", "ripetuta.tsv"], GUARD);
    assert!(out.status.success(), "{took:?} {}", stderr(&out));
    let page = b.read("content/A/A1/A1.1/A1.1.1.md");
    assert!(page.contains("A1.1.1"), "{page}");
}

#[test]
fn two_hundred_thousand_rows_under_sixteen_thousand_headers_are_checked_in_seconds() {
    // Each row once went over every extra column, and the extra columns
    // each over every row: rows times columns.
    let b = Book::new();
    let mut text = String::from(HEADER);
    for i in 0..16_378 {
        text.push_str(&format!("\tx{i}"));
    }
    text.push('\n');
    text.push_str(&"A1.1.1 x\tn\n".repeat(200_000));
    std::fs::write(b.join("larga.tsv"), text).unwrap();
    let (out, took) = run_within(&b, &["controlla", "larga.tsv"], GUARD);
    assert!(out.status.success(), "{took:?} {}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("larga.tsv (UTF-8, tabulazioni): 200000 righe"),
        "{took:?}"
    );
    assert!(
        text.contains("colonna «x16377» non prevista dalla mappatura (0 celle piene)"),
        "{}",
        &text[..800.min(text.len())]
    );
}

/// A zip of `files`, each `(name, text)`, the first stored, the rest
/// deflated: how an `.ods` (`mimetype` first) or an `.xlsx` is made.
fn zipped(files: &[(&str, String)]) -> Vec<u8> {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (i, (name, text)) in files.iter().enumerate() {
        let method = if i == 0 {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file(*name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// An `.ods` whose one table is the header row, then `rows` (XML).
fn ods(rows: &str) -> Vec<u8> {
    let cell = |t: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
        )
    };
    let header: String = HEADER
        .split('\t')
        .map(|h| cell(&h.replace('"', "&quot;")))
        .collect();
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Mappatura"><table:table-row>{header}</table:table-row>{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zipped(&[
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet".to_string()),
        ("content.xml", content),
        (
            "META-INF/manifest.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#.to_string(),
        ),
    ])
}

/// A cell of an `.ods` holding `text`, repeated `times` across.
fn ods_cell(text: &str, times: usize) -> String {
    format!(
        r#"<table:table-cell office:value-type="string" table:number-columns-repeated="{times}"><text:p>{text}</text:p></table:table-cell>"#
    )
}

/// A row of an `.ods` repeated `times` down.
fn ods_row(cells: &str, times: usize) -> String {
    format!(r#"<table:table-row table:number-rows-repeated="{times}">{cells}</table:table-row>"#)
}

/// A clear error naming `file`, exit 1, in one paragraph, within the guard.
fn refused(b: &Book, args: &[&str], file: &str) {
    let (out, took) = run_within(b, args, GUARD);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?} {took:?}: {err}");
    assert!(
        err.contains(file) && err.contains("troppo grande"),
        "{args:?}: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one paragraph: {err}");
}

#[test]
fn an_ods_repeating_a_row_or_a_cell_a_million_times_is_refused_in_seconds() {
    let b = Book::imported();
    let before = snapshot(&b.join("content"));
    let code = ods_cell("A1.1.1 x", 1);
    // About a kilobyte each: a million rows, 16,384 cells, both.
    let bombs = [
        (
            "righe.ods",
            ods_row(&format!("{code}{}", ods_cell("n", 1)), 1_048_575),
        ),
        (
            "colonne.ods",
            ods_row(&format!("{code}{}", ods_cell("n", 16_384)), 1),
        ),
        (
            "entrambe.ods",
            ods_row(&format!("{code}{}", ods_cell("n", 16_384)), 1_048_575),
        ),
        // A million empty rows, then one written: the last is a million
        // rows down.
        (
            "lontana.ods",
            format!(
                "{}{}",
                ods_row(
                    r#"<table:table-cell table:number-columns-repeated="6"/>"#,
                    1_048_574
                ),
                ods_row(&code, 1)
            ),
        ),
    ];
    for (file, rows) in &bombs {
        let bytes = ods(rows);
        assert!(bytes.len() < 2_000, "{file}: {} bytes", bytes.len());
        std::fs::write(b.join(file), bytes).unwrap();
        for cmd in ["controlla", "importa"] {
            refused(&b, &[cmd, file], file);
        }
    }
    assert_eq!(snapshot(&b.join("content")), before);
    // The padding an office suite writes after the last row and cell is
    // not content: read in a moment, as the rows it pads.
    let padded = format!(
        "{}{}{}",
        ods_row(
            &format!(
                "{code}{}{}",
                ods_cell("n", 1),
                r#"<table:table-cell table:number-columns-repeated="16378"/>"#
            ),
            1
        ),
        ods_row(
            &format!(
                "{}{}{}",
                ods_cell("", 1),
                ods_cell("attività ripetuta", 1),
                ods_cell("istanza", 1)
            ),
            3
        ),
        ods_row(
            r#"<table:table-cell table:number-columns-repeated="16384"/>"#,
            1_048_571
        )
    );
    std::fs::write(b.join("imbottita.ods"), ods(&padded)).unwrap();
    let (out, took) = run_within(&b, &["controlla", "imbottita.ods"], GUARD);
    let text = stdout(&out);
    assert!(out.status.success(), "{took:?} {}", stderr(&out));
    assert!(
        text.contains("imbottita.ods (OpenDocument .ods, foglio «Mappatura»): 4 righe"),
        "{text}"
    );
}

/// An `.xlsx` whose one worksheet says it spans `dimension`, with the
/// header row, a row of `A1.1.1`, then `rows` (XML).
fn xlsx(dimension: &str, rows: &str) -> Vec<u8> {
    let cell = |r: &str, t: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{t}</t></is></c>"#);
    let header: String = HEADER
        .split('\t')
        .zip("ABCDEF".chars())
        .map(|(h, col)| cell(&format!("{col}1"), &h.replace('"', "&quot;")))
        .collect();
    let first = format!("{}{}", cell("A2", "A1.1.1 x"), cell("B2", "n"));
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData><row r="1">{header}</row><row r="2">{first}</row>{rows}</sheetData></worksheet>"#
    );
    zipped(&[
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Mappatura" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", sheet),
    ])
}

#[test]
fn an_xlsx_with_a_cell_a_million_rows_down_is_refused_in_seconds() {
    let b = Book::imported();
    let before = snapshot(&b.join("content"));
    let far = |r: &str| {
        format!(r#"<row r="1048576"><c r="{r}" t="inlineStr"><is><t>lontano</t></is></c></row>"#)
    };
    // Two cells in opposite corners once asked calamine for 17 billion;
    // one cell at the bottom of column A gave a million blank rows.
    for (file, cell) in [("angolo.xlsx", "XFD1048576"), ("fondo.xlsx", "A1048576")] {
        std::fs::write(b.join(file), xlsx("A1:XFD1048576", &far(cell))).unwrap();
        for cmd in ["controlla", "importa"] {
            refused(&b, &[cmd, file], file);
        }
    }
    assert_eq!(snapshot(&b.join("content")), before);
    // A dimension as wide as Excel is only a claim: the cells are read.
    std::fs::write(b.join("ampia.xlsx"), xlsx("A1:XFD1048576", "")).unwrap();
    let (out, took) = run_within(&b, &["controlla", "ampia.xlsx"], GUARD);
    assert!(out.status.success(), "{took:?} {}", stderr(&out));
    assert!(
        stdout(&out).contains("ampia.xlsx (Excel .xlsx, foglio «Mappatura»): 1 righe"),
        "{}",
        stdout(&out)
    );
}

/// The texts of the `<li>` of the steps of a process page, in order, each
/// up to its first nested list.
fn step_items(html: &str) -> Vec<String> {
    let steps = &html[html.find("campo campo-steps").expect("steps")..];
    let steps = &steps[..steps.find("campo campo-responsible").unwrap_or(steps.len())];
    steps
        .split("<li")
        .skip(1)
        .map(|li| {
            let li = &li[li.find('>').map_or(0, |i| i + 1)..];
            let end = ["<ol", "<ul", "</li>"]
                .iter()
                .filter_map(|t| li.find(t))
                .min()
                .unwrap_or(li.len());
            text(&li[..end])
        })
        .collect()
}

#[test]
fn groups_of_steps_read_as_written_on_the_published_page() {
    let b = Book::shared();
    // Line 228 of the bundled sheet: `lettera a): 1. … Deputazione lettera b): 1. …`.
    let items = step_items(&b.read("book/processi/C2.8.1.1.html"));
    assert_eq!(
        items,
        [
            "lettera a):",
            "sorveglianza sedute",
            "rilevazione eventuali violazioni (su segnalazione del Comitato o d'ufficio)",
            "adozione provvedimento finale da parte della Deputazione",
            "lettera b):",
            "ricezione prezzi accertati dal Comitato",
            "compilazione e pubblicazione listino settimanale",
        ]
    );
    // Line 188: `a): 1) … 2) … 3) …; b): pubblicità …`.
    let items = step_items(&b.read("book/processi/C1.2.3.1.html"));
    assert_eq!(
        items[..4],
        [
            "a):",
            "ricezione della richiesta (telefono, mail),",
            "esame,",
            "erogazione dell'assistenza;"
        ]
    );
    assert!(
        items[4].starts_with("b): pubblicità dei servizi del cassetto digitale"),
        "{items:?}"
    );
    assert_eq!(items.len(), 5, "{items:?}");
}
