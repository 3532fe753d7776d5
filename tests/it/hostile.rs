//! Hostile and broken input, each case an attack that once worked: the
//! tool answers with a clear message naming the file, a non-zero exit
//! where it must stop, bounded memory, and no damage to `content/` or to a
//! site already built.

use crate::common::*;

const HEADER: &str = "CODIFICA UNIONCAMERE\tNOME PROCESSO - ATTIVITA'\tElementi in ingresso che innescano il processo -input\tRisultato atteso del processo -output\tSequenza di attività\tResponsabile output (ruolo)\n";

/// A book whose sheet is `rows` under the usual header.
fn book_with_sheet(rows: &str) -> Book {
    let b = Book::new();
    std::fs::write(b.join(SHEET), format!("{HEADER}{rows}")).unwrap();
    b
}

#[test]
fn a_cell_line_that_is_a_page_fence_does_not_break_the_page() {
    // A line `+++` inside a cell once closed the page's fields early: the
    // import succeeded and every later build and import failed.
    let b = book_with_sheet(
        "A1 Macro\tMacro\t\t\t\t\nA1.1 Processo\tProcesso\tistanza\tatto\t\"1. uno\n+++\n2. due\"\tPO del settore\n",
    );
    let out = b.run(&["importa"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = b.read("book/processi/A1.1.html");
    assert!(html.contains("<li>+++</li>"), "{}", main_of(&html));
    let out = b.run(&["importa"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("0 pagine scritte"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn control_characters_in_cells_are_shown_not_obeyed() {
    // ESC starts terminal sequences (here: set the window title, ring the
    // bell); U+202E reverses the text after it.
    let b = book_with_sheet(
        "A1 Macro\tMacro\t\t\t\t\nA1.1 Processo\tProcesso\tistanza\u{1b}]0;preso\u{7}\tatto\t1. uno\tPO \u{202e}erotagilbbo\n",
    );
    for args in [&["controlla"][..], &["importa"][..]] {
        let out = b.run(args);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            !all.contains('\u{1b}') && !all.contains('\u{7}'),
            "{args:?}: {all:?}"
        );
        assert!(!all.contains('\u{202e}'), "{args:?}: {all:?}");
        assert!(all.contains("␛]0;preso␇"), "{args:?}: {all}");
    }
    let out = b.run(&["controlla"]);
    let report = stdout(&out);
    assert!(
        report.contains("3:3: avviso[M012]: carattere di controllo"),
        "{report}"
    );
    assert!(report.contains("3:6: avviso[M012]"), "{report}");
    assert!(report.contains("<U+202E>"), "{report}");
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = b.read("book/processi/A1.1.html");
    assert!(
        !html.contains('\u{1b}') && !html.contains('\u{7}'),
        "{html}"
    );
    assert!(html.contains("istanza␛]0;preso␇"), "{}", main_of(&html));
}

/// Runs `manuale ARGS` in `b` with its address space capped at `gib` GiB:
/// a run that needed more would abort with an allocation failure.
fn run_capped(b: &Book, args: &[&str], gib: u64) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    let limit = gib << 30;
    let mut cmd = crate::common::manuale_command();
    cmd.args(args).current_dir(b.path());
    // SAFETY: setrlimit is async-signal-safe and touches only this child.
    unsafe {
        cmd.pre_exec(move || {
            let l = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &l) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    cmd.output().expect("run manuale")
}

/// A clear error naming `name`, exit 1, no panic, and `content/` as before.
fn refused(b: &Book, out: &std::process::Output, name: &str, words: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(name) && err.contains(words), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("memory allocation"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one paragraph: {err}");
    let _ = b;
}

#[test]
fn files_that_are_not_sheets_are_refused_before_they_are_read() {
    let b = Book::imported();
    let before = snapshot(&b.join("content"));
    // A FIFO would block forever; /dev/zero never ends; a folder.
    let fifo = b.join("tubo.tsv");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for (file, words) in [
        ("tubo.tsv", "una pipe (FIFO)"),
        ("/dev/zero", "un dispositivo"),
        ("/dev/urandom", "un dispositivo"),
        ("data", "una cartella"),
    ] {
        for cmd in ["controlla", "importa"] {
            let started = std::time::Instant::now();
            let out = b.run(&[cmd, file]);
            assert!(
                started.elapsed().as_secs() < 10,
                "{cmd} {file} took too long"
            );
            refused(&b, &out, file, words);
        }
    }
    assert_eq!(snapshot(&b.join("content")), before);
}

#[test]
fn sheets_too_big_are_refused_within_bounded_memory() {
    let b = Book::imported();
    let before = snapshot(&b.join("content"));
    // Over the file limit: refused from its size, without reading it.
    let f = std::fs::File::create(b.join("enorme.tsv")).unwrap();
    f.set_len(manuale::source::MAX_FILE + 1).unwrap();
    drop(f);
    // Under the file limit but rows without end: blank lines and empty
    // cells cost memory besides their bytes.
    std::fs::write(
        b.join("righe.tsv"),
        format!("{HEADER}{}", "a\n".repeat(50 << 20)),
    )
    .unwrap();
    std::fs::write(
        b.join("celle.tsv"),
        format!("{HEADER}{}\n", "\t".repeat(100 << 20)),
    )
    .unwrap();
    for file in ["enorme.tsv", "righe.tsv", "celle.tsv"] {
        for cmd in ["controlla", "importa"] {
            let out = run_capped(&b, &[cmd, file], 2);
            refused(&b, &out, file, "troppo grande");
        }
    }
    assert_eq!(snapshot(&b.join("content")), before);
}

/// An `.xlsx` whose one shared string of 700 characters fills `rows` rows:
/// a small file that expands to hundreds of megabytes once read.
fn workbook_bomb(rows: usize) -> Vec<u8> {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut put = |name: &str, text: &str| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    put(
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
    );
    put(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    put(
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Mappatura" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    put(
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    );
    let long = "Verifica della documentazione ".repeat(24);
    put(
        "xl/sharedStrings.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{long}</t></si></sst>"#
        ),
    );
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for r in 1..=rows {
        sheet.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#
        ));
    }
    sheet.push_str("</sheetData></worksheet>");
    put("xl/worksheets/sheet1.xml", &sheet);
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_workbook_that_expands_beyond_any_map_is_refused_within_bounded_memory() {
    let b = Book::imported();
    let before = snapshot(&b.join("content"));
    let bomb = workbook_bomb(450_000);
    assert!(bomb.len() < 3 << 20, "{} bytes", bomb.len());
    std::fs::write(b.join("bomba.xlsx"), bomb).unwrap();
    for cmd in ["controlla", "importa"] {
        // The parent within 2 GiB (the reading child caps itself at 3).
        let out = run_capped(&b, &[cmd, "bomba.xlsx"], 2);
        refused(&b, &out, "bomba.xlsx", "troppo grande");
    }
    assert_eq!(snapshot(&b.join("content")), before);
}

#[test]
fn a_sheet_whose_name_starts_with_a_dash_is_read() {
    let b = Book::new();
    std::fs::copy(
        repo().join("tests/fixtures/mappatura.xlsx"),
        b.join("-mappa.xlsx"),
    )
    .unwrap();
    let out = b.run(&["controlla", "--", "-mappa.xlsx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("-mappa.xlsx (Excel .xlsx"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_damaged_workbook_is_named_once() {
    let b = Book::new();
    std::fs::copy(
        repo().join("tests/fixtures/danneggiato.xls"),
        b.join("rotto.xls"),
    )
    .unwrap();
    let out = b.run(&["controlla", "rotto.xls"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        err.matches("il foglio di calcolo non si apre").count(),
        1,
        "{err}"
    );
    assert!(
        err.starts_with(
            "errore: rotto.xls: il foglio di calcolo non si apre: il file è danneggiato"
        ),
        "{err}"
    );
}

#[test]
fn a_sheet_without_rows_or_columns_is_an_error_not_an_empty_map() {
    let b = Book::imported();
    let before = snapshot(&b.join("content"));
    // Only the header row: once reported "0 errori", then removed every page.
    std::fs::write(b.join("solo-intestazione.tsv"), HEADER).unwrap();
    // Three of the six columns: once imported with every process
    // "responsabile non indicato".
    let three: String = std::fs::read_to_string(b.join(SHEET))
        .unwrap()
        .lines()
        .map(|l| l.split('\t').take(3).collect::<Vec<_>>().join("\t") + "\n")
        .collect();
    std::fs::write(b.join("tre-colonne.tsv"), three).unwrap();
    for (file, words) in [
        ("solo-intestazione.tsv", "non ha nessuna riga con dati"),
        ("tre-colonne.tsv", "mancano colonne della mappatura: «Risultato atteso del processo (output)», «Sequenza di attività», «Responsabile output (ruolo)». Colonne riconosciute: «CODIFICA UNIONCAMERE», «NOME PROCESSO - ATTIVITA'», «Elementi in ingresso che innescano il processo -input»"),
    ] {
        for cmd in ["controlla", "importa"] {
            let out = b.run(&[cmd, file]);
            refused(&b, &out, file, words);
        }
    }
    assert_eq!(snapshot(&b.join("content")), before);
}

#[test]
fn an_import_that_would_remove_most_of_the_map_asks_first() {
    let b = Book::imported();
    let before = snapshot(&b.join("content"));
    assert!(before.keys().any(|p| p.starts_with("C/C1")));
    // A sheet of function A only: the other five functions would go.
    let only_a: String = std::fs::read_to_string(b.join(SHEET))
        .unwrap()
        .lines()
        .take_while(|l| !l.starts_with('B'))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(b.join("solo-a.tsv"), only_a).unwrap();
    let out = b.run(&["importa", "solo-a.tsv"]);
    refused(&b, &out, "solo-a.tsv", "--accetta-rimozioni");
    assert!(
        stderr(&out).contains("content/ non è stato modificato"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&b.join("content")), before);
    let out = b.run(&["importa", "solo-a.tsv", "--accetta-rimozioni"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(b.join("content/A/A1/_index.md").exists());
    assert!(!b.join("content/C/C1").exists());
}

#[test]
fn backups_and_lock_files_in_content_are_not_published() {
    let b = Book::imported();
    let dir = b.join("content/C/C2");
    for name in [
        "nota.md~",
        "vecchia.bak",
        "~$mappa.xlsx",
        "#bozza.md#",
        "Thumbs.db",
        "schema.png",
    ] {
        std::fs::write(dir.join(name), "x").unwrap();
    }
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("5 file di appoggio non pubblicati"),
        "{}",
        stderr(&out)
    );
    let published: Vec<String> = snapshot(&b.join("book/contenuti"))
        .into_keys()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(published, ["C/C2/schema.png"]);
}

#[test]
fn the_site_is_never_built_inside_content_or_over_a_file() {
    let b = Book::imported();
    let before = snapshot(&b.join("content"));
    // Each build once nested the previous site inside the next.
    let out = b.run(&["costruisci", "--destinazione", "content/sito"]);
    refused(&b, &out, "content/sito", "non può stare dentro");
    let out = b.run(&["costruisci", "--destinazione", "content/../content/A/sito"]);
    refused(&b, &out, "sito", "non può stare dentro");
    assert_eq!(snapshot(&b.join("content")), before);
    std::fs::write(b.join("un-file"), "x").unwrap();
    let out = b.run(&["costruisci", "--destinazione", "un-file"]);
    refused(&b, &out, "un-file", "è un file, non una cartella");
    assert_eq!(std::fs::read_to_string(b.join("un-file")).unwrap(), "x");
}

#[test]
fn a_code_too_deep_for_any_map_is_an_error_with_its_line() {
    // Once: check exited 0, then import failed with a 4 KB path and no line.
    let deep = format!("A1.1{}", ".1".repeat(400));
    let b = book_with_sheet(&format!(
        "A1 Macro\tMacro\t\t\t\t\nA1.1 Processo\tProcesso\tistanza\tatto\t1. uno\tPO\n{deep} Troppo\tTroppo\tx\ty\tz\tPO\n"
    ));
    let out = b.run(&["controlla"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let report = stdout(&out);
    assert!(
        report.contains(&format!(
            "{SHEET}:4:1: errore[M020]: il codice ha 403 livelli"
        )),
        "{report}"
    );
    let out = b.run(&["importa"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The row is kept, with the process before it.
    assert!(b.read("content/A/A1/A1.1.md").contains("Troppo"));
}
