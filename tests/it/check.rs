//! `manuale check` on the bundled sheet: the defects a chamber's staff must
//! hear about, each at its line, with what import does about it.

use crate::common::*;

#[test]
fn check_finds_the_bundled_sheets_defects_by_line() {
    let b = Book::new();
    let out = b.run(&["controlla"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings only: exit 0\n{}",
        stderr(&out)
    );
    let text = stdout(&out);
    let f = SHEET;
    for expected in [
        format!("{f}:4:1: avviso[M001]: codice scritto «A1.» invece di «A1»"),
        format!("{f}:16:5: avviso[M013]"),
        format!("{f}:21:1: nota[M014]: riga vuota"),
        format!("{f}:25:2: nota[M008]"),
        format!("{f}:33:1: avviso[M005]: intestazione di A1.1.3 ripetuta (già alla riga 19)"),
        format!("{f}:33:1: avviso[M006]: riga fuori ordine: A1.1.3 dopo A1.2.2.1"),
        format!("{f}:34:1: avviso[M004]: A1.3, antenato di A1.3.1.1, non ha una riga nel foglio"),
        format!("{f}:34:1: avviso[M004]: A1.3.1, antenato di A1.3.1.1"),
        format!("{f}:37:1: avviso[M007]: titolo di A1.3.2.1 diverso da quello della riga 36"),
        format!("{f}:57:1: avviso[M002]: due codici nella stessa cella: A2.1.3.1 e A2.1.3.2"),
        format!("{f}:93:1: avviso[M003]: riga senza codice"),
        format!("{f}:97:1: avviso[M001]: codice scritto «B.1.1.2.1.» invece di «B1.1.2.1»"),
        format!(
            "{f}:116:5: avviso[M012]: lettere di un altro alfabeto nella parola «iscrिवibilità»"
        ),
        format!("{f}:179:1: avviso[M006]"),
        format!("{f}:184:1: avviso[M004]: C1.2.2"),
        format!("{f}:215:1: avviso[M004]: C2.5.2"),
        format!("{f}:241:1: avviso[M001]: codice scritto «D.1.» invece di «D1»"),
        format!("{f}:287:1: avviso[M006]: riga fuori ordine: D3.1.4.1 dopo D3.1.2.3"),
        format!("{f}:287:3: avviso[M013]"),
        format!("{f}:287:6: avviso[M010]: attività di D3.1.4.1 senza responsabile"),
        format!("{f}:298:1: avviso[M006]: riga fuori ordine: D4.2.1 dopo D4.1.1.3"),
        format!("{f}:309:2: nota[M009]"),
        format!("{f}:328:6: avviso[M010]: attività di D6.1.1.2 senza responsabile"),
        format!("{f}:352:1: avviso[M001]: codice scritto «F.1.1.1.1.» invece di «F1.1.1.1»"),
        // Rows the tree places where a reader of the sheet would not.
        format!("{f}:154:1: avviso[M021]: B3.2.2.3.1 sta sotto B3.2.2.3, che ha già attività proprie (riga 153)"),
        format!("{f}:180:1: avviso[M022]: C1.1.7.1.1 segue l'intestazione C1.1.7b «Operazioni d'Ufficio», che resta senza attività"),
    ] {
        assert!(text.contains(&expected), "missing: {expected}\n{text}");
    }
    // Each diagnostic shows the cell and what import does.
    let m002 = &text[text.find(":57:1: avviso[M002]").unwrap()..];
    let block: Vec<&str> = m002.lines().take(3).collect();
    assert!(
        block[1].starts_with("    | A.2.1.3.1.Assistenza legale"),
        "{block:?}"
    );
    assert!(
        block[2].starts_with("    = creati entrambi i processi"),
        "{block:?}"
    );
    // Warnings before notes, each group by line; then the summary.
    let first_note = text.find("nota[").unwrap();
    let last_warning = text.rfind("avviso[").unwrap();
    assert!(last_warning < first_note, "warnings and notes are grouped");
    assert!(text.contains("0 errori, 42 avvisi, 37 note."), "{text}");
    assert!(
        text.contains("334 righe, 178 processi, 148 sezioni, 195 attività"),
        "{text}"
    );
    // Nothing written.
    assert!(!b.join("content").exists());
}

#[test]
fn check_as_json_for_other_tools() {
    let b = Book::new();
    let out = b.run(&["controlla", "--formato", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let diags = v["diagnostics"].as_array().unwrap();
    let m003 = diags.iter().find(|d| d["code"] == "M003").unwrap();
    assert_eq!(m003["line"], 93);
    assert_eq!(m003["level"], "warning");
    assert_eq!(m003["file"], SHEET);
    assert_eq!(
        m003["cell"],
        "Conferimento incarichi individuali di collaborazione"
    );
    assert!(m003["action"].as_str().unwrap().contains("B1.1.1.3"));
    assert_eq!(v["summary"]["warnings"], 42);
    assert_eq!(v["summary"]["by_code"]["M004"], 6);
    assert_eq!(v["summary"]["processes"], 178);
}

#[test]
fn errors_in_the_data_make_check_fail() {
    let b = Book::new();
    let text = std::fs::read_to_string(repo().join(SHEET))
        .unwrap()
        .replace(
            "Relazione sugli esuberanti\t",
            "Relazione sugli esub\u{FFFD}ranti\t",
        );
    std::fs::write(b.join("rotto.tsv"), text).unwrap();
    let out = b.run(&["controlla", "rotto.tsv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("rotto.tsv:22:1: errore[M018]"),
        "{}",
        stdout(&out)
    );
    // Errors come first.
    assert!(stdout(&out).starts_with("rotto.tsv:22:1: errore[M018]"));
}

#[test]
fn import_prints_the_same_diagnostics() {
    let b = Book::new();
    let check = stdout(&b.run(&["controlla"]));
    let import = b.run(&["importa"]);
    assert!(import.status.success());
    assert_eq!(stderr(&import), check);
}

/// The whole report on the bundled sheet, text and JSON, kept in
/// `tests/snapshots/`: a change in wording or order is a reviewed diff
/// (`cargo insta review`, or `INSTA_UPDATE=always cargo test` and `git diff`).
#[test]
fn the_bundled_sheets_report_is_a_reviewed_snapshot() {
    let b = Book::new();
    let text = b.run(&["controlla"]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    insta::assert_snapshot!("check-text", stdout(&text));
    let json = b.run(&["controlla", "--formato", "json"]);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    insta::assert_snapshot!("check-json", stdout(&json));
}

/// The first rows of a sheet that come out of order have no row before
/// them: the message names the code they precede, never an empty «dopo».
#[test]
fn a_sheet_that_starts_out_of_order_names_what_its_first_rows_precede() {
    let b = Book::new();
    std::fs::write(
        b.join("data/fuori.tsv"),
        "CODIFICA UNIONCAMERE\tNOME PROCESSO - ATTIVITA'\tINPUT\tOUTPUT\tSEQUENZA\tRESPONSABILE\n\
         B1.1.1.1 Uno\tUno\ti\to\ts\tr\n\
         A1.1.1.1 Due\tDue\ti\to\ts\tr\n\
         A1.1.1.2 Tre\tTre\ti\to\ts\tr\n",
    )
    .unwrap();
    let out = b.run(&["controlla", "data/fuori.tsv"]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "data/fuori.tsv:2:1: avviso[M006]: riga fuori ordine: B1.1.1.1 prima di A1.1.1.1"
        ),
        "{text}"
    );
    assert!(
        !text.contains("dopo \n") && !text.trim_end().ends_with("dopo"),
        "{text}"
    );
}
