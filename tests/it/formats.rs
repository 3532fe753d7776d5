//! The same map saved in every form a chamber's "Save as" menu offers gives
//! the same open data; bad files get one clear message and change nothing.

use crate::common::*;
use std::path::Path;

/// The JSON of a book built from `file` (a path inside the book), without
/// what depends on the file's layout: source lines and dates.
fn json_of(b: &Book, file: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["importa", file];
    args.extend_from_slice(extra);
    let out = b.run(&args);
    assert!(out.status.success(), "{file}: {}", stderr(&out));
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{file}: {}", stderr(&out));
    let mut v = b.json();
    for n in v["processi"].as_array_mut().unwrap() {
        n.as_object_mut().unwrap().remove("aggiornato");
        for a in n["attivita"].as_array_mut().unwrap() {
            a.as_object_mut().unwrap().remove("riga_foglio");
        }
    }
    v
}

fn bundled_text() -> String {
    std::fs::read_to_string(repo().join(SHEET)).unwrap()
}

fn reference() -> serde_json::Value {
    let b = Book::new();
    json_of(&b, SHEET, &[])
}

/// Writes `bytes` as `name` in a new book and returns its JSON.
fn json_from_bytes(name: &str, bytes: &[u8]) -> serde_json::Value {
    let b = Book::new();
    std::fs::write(b.join(name), bytes).unwrap();
    json_of(&b, name, &[])
}

#[test]
fn text_encodings_and_line_ends_give_the_same_map() {
    let want = reference();
    let text = bundled_text();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(text.as_bytes());
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("bom.tsv", bom),
        ("unicode.txt", le),
        ("unicode-be.txt", be),
        ("crlf.tsv", text.replace('\n', "\r\n").into_bytes()),
        ("cr.tsv", text.replace('\n', "\r").into_bytes()),
    ];
    for (name, bytes) in cases {
        assert_eq!(
            json_from_bytes(name, &bytes),
            want,
            "{name} gives another map"
        );
    }
}

#[test]
fn windows_1252_is_read_and_said() {
    // Excel's "Testo delimitato da tabulazione" on Italian Windows. The two
    // Devanagari letters of line 116 do not exist in Windows-1252: Excel
    // would write them as "?", and so does this fixture.
    let text = bundled_text().replace("िव", "??");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    assert!(bytes.contains(&0xE0), "à must be one byte");
    let b = Book::new();
    std::fs::write(b.join("windows.txt"), &bytes).unwrap();
    let check = b.run(&["controlla", "windows.txt"]);
    let out = stdout(&check);
    assert!(out.contains("Windows-1252"), "{out}");
    assert!(out.contains("windows.txt:1:1: nota[M019]"), "{out}");
    let got = json_of(&b, "windows.txt", &[]);
    let r = Book::new();
    std::fs::write(r.join("utf8.tsv"), text.as_bytes()).unwrap();
    assert_eq!(got, json_of(&r, "utf8.tsv", &[]));
    assert!(b
        .read("book/processi/C2.10.html")
        .contains("PROPRIETÀ INDUSTRIALE"));
}

/// The rows of the bundled sheet, as cells.
fn rows() -> Vec<Vec<String>> {
    bundled_text()
        .split('\n')
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

#[test]
fn csv_with_semicolons_commas_and_excel_quoting() {
    let want = reference();
    for (name, delimiter) in [("italiano.csv", b';'), ("inglese.csv", b',')] {
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_writer(Vec::new());
        for r in rows() {
            if r.iter().all(String::is_empty) {
                w.write_record([""]).unwrap();
            } else {
                w.write_record(&r).unwrap();
            }
        }
        let bytes = w.into_inner().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.contains("\"\""),
            "{name}: the fixture should need Excel's doubled quotes"
        );
        assert_eq!(json_from_bytes(name, &bytes), want, "{name}");
    }
}

#[test]
fn workbooks_saved_by_an_office_suite_give_the_same_map() {
    let want = reference();
    for name in ["mappatura.xlsx", "mappatura.xls", "mappatura.ods"] {
        let b = Book::new();
        std::fs::copy(repo().join("tests/fixtures").join(name), b.join(name)).unwrap();
        // Line 61's name is a formula in the workbook: its value is read.
        assert_eq!(json_of(&b, name, &[]), want, "{name}");
        // Rows are numbered as the spreadsheet numbers them.
        let check = stdout(&b.run(&["controlla", name]));
        assert!(
            check.contains(&format!("{name}:116:5: avviso[M012]")),
            "{name}: {check}"
        );
    }
}

#[test]
fn cells_read_as_the_sheet_shows_them() {
    for name in ["formati.xlsx", "formati.ods"] {
        let b = Book::new();
        std::fs::copy(repo().join("tests/fixtures").join(name), b.join(name)).unwrap();
        let v = json_of(&b, name, &[]);
        let p = v["processi"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["codice"] == "C2.6.1.1")
            .unwrap();
        let a = &p["attivita"][0];
        assert_eq!(
            a["nome_attivita"], "ACCETTAZIONE domande",
            "{name}: formula value"
        );
        assert_eq!(a["output"], "3,5", "{name}");
        assert_eq!(a["responsabile"], "12", "{name}");
        assert_eq!(a["altre_colonne"]["Scadenza"], "31/01/2024", "{name}: date");
        assert_eq!(a["altre_colonne"]["Importo"], "1234,25", "{name}");
        assert_eq!(
            a["sequenza_attivita"],
            "Ricezione istanza\nVerifica documentazione\nProvvedimento dirigenziale"
        );
        // Unknown columns are kept and shown; Alt+Enter lines are a list.
        let html = b.read("book/processi/C2.6.1.1.html");
        assert!(html.contains("<h3>Scadenza</h3>"), "{name}");
        assert!(html.contains("<ul><li>Ricezione istanza</li><li>Verifica documentazione</li><li>Provvedimento dirigenziale</li></ul>"), "{name}");
        let check = stdout(&b.run(&["controlla", name]));
        assert!(
            check.contains("nota[M015]: colonna «Scadenza» non prevista"),
            "{check}"
        );
    }
}

#[test]
fn line_breaks_inside_quoted_cells() {
    let text = "CODIFICA UNIONCAMERE;NOME PROCESSO - ATTIVITA';input;output;Sequenza di attività;Responsabile output (ruolo)\r\n\
                A1 PIANIFICAZIONE;;;;;\r\n\
                A1.1 Bilancio;Bilancio;\"Richiesta \"\"urgente\"\"\";Delibera;\"Raccolta dati\r\nStesura\r\nApprovazione\";PO Settore\r\n\
                A1.2 Controlli;Controlli;a;b;c;d\r\n";
    let b = Book::new();
    std::fs::write(b.join("alt-invio.csv"), text).unwrap();
    let v = json_of(&b, "alt-invio.csv", &[]);
    let p = v["processi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["codice"] == "A1.1")
        .unwrap();
    assert_eq!(p["attivita"][0]["input"], "Richiesta \"urgente\"");
    assert_eq!(
        p["attivita"][0]["sequenza_attivita"],
        "Raccolta dati\nStesura\nApprovazione"
    );
    let html = b.read("book/processi/A1.1.html");
    assert!(html.contains("<ul><li>Raccolta dati</li><li>Stesura</li><li>Approvazione</li></ul>"));
    // The row after the multi-line cell is numbered by its real line.
    let check = stdout(&b.run(&["controlla", "alt-invio.csv"]));
    let _ = check;
    let content = manuale::content::load(&b.join("content")).unwrap();
    let a12 = &content.pages[&"A1.2".parse().unwrap()];
    assert_eq!(a12.front.rows[0].line, 6);
}

#[test]
fn a_sheet_the_fuzzer_found_is_read_without_panic() {
    // A no-break space before a word with a replacement character made the
    // report of suspicious text slice inside a character.
    let b = Book::new();
    std::fs::copy(
        repo().join("tests/fixtures/spazio-unificatore.tsv"),
        b.join("s.tsv"),
    )
    .unwrap();
    let out = b.run(&["controlla", "s.tsv"]);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert!(out.status.code().is_some_and(|c| c <= 1));
}

#[test]
fn bad_files_get_one_clear_message_and_change_nothing() {
    let b = Book::imported();
    let before = snapshot(&b.join("content"));
    let random: Vec<u8> = (0u32..4000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("vuoto.tsv", Vec::new(), "il file è vuoto"),
        ("spazi.tsv", b"  \n\t\n".to_vec(), "il file è vuoto"),
        ("casuale.bin", random, "non è un foglio della mappatura"),
        (
            "immagine.xlsx",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "non è un foglio della mappatura",
        ),
        (
            "finto.xlsx",
            b"PK\x03\x04 questo non e' uno zip".to_vec(),
            "non è un foglio della mappatura",
        ),
        (
            "colonne.tsv",
            b"Nome\tCognome\tTelefono\nMario\tRossi\t0123\n".to_vec(),
            "manca la riga di intestazione",
        ),
    ];
    for (name, bytes, expect) in &cases {
        std::fs::write(b.join(name), bytes).unwrap();
        for cmd in ["importa", "controlla"] {
            let out = b.run(&[cmd, name]);
            assert_eq!(out.status.code(), Some(1), "{cmd} {name}");
            let err = stderr(&out);
            assert!(
                err.starts_with(&format!("errore: {name}")),
                "{cmd} {name}: {err}"
            );
            assert!(err.contains(expect), "{cmd} {name}: {err}");
            assert_eq!(
                err.trim().lines().count(),
                1,
                "{cmd} {name}: one paragraph: {err}"
            );
            assert!(!err.contains("panicked"));
        }
        assert_eq!(
            snapshot(&b.join("content")),
            before,
            "{name} changed content/"
        );
    }
    let out = b.run(&["importa", "manca.tsv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("manca.tsv: impossibile leggere il file"),
        "{}",
        stderr(&out)
    );
    // Sheets: one that does not exist, one without the map.
    std::fs::copy(
        repo().join("tests/fixtures/mappatura.xlsx"),
        b.join("m.xlsx"),
    )
    .unwrap();
    let out = b.run(&["importa", "m.xlsx", "--foglio", "Foglio9"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("non c'è un foglio «Foglio9». I fogli sono: «Mappatura», «Legenda»"),
        "{}",
        stderr(&out)
    );
    let out = b.run(&["importa", "m.xlsx", "--foglio", "Legenda"]);
    assert!(
        stderr(&out).contains("m.xlsx (foglio «Legenda»): manca la riga di intestazione"),
        "{}",
        stderr(&out)
    );
    let out = b.run(&["importa", SHEET, "--foglio", "Mappatura"]);
    assert!(
        stderr(&out).contains("--foglio vale solo per i fogli di calcolo"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&b.join("content")), before);
    // The right sheet by name works.
    let out = b.run(&["importa", "m.xlsx", "--foglio", "Mappatura"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let _ = Path::new("");
}
