//! Another chamber's map: its sheet words and orders the columns its own
//! way, and its book is made from scratch.

mod common;

use common::*;

/// The bundled sheet as another office would export it: columns reordered,
/// headers reworded, a column of notes added.
fn other_chambers_sheet(steps_header: &str) -> String {
    let text = std::fs::read_to_string(repo().join(SHEET)).unwrap();
    let mut out = String::new();
    let mut header_seen = false;
    for line in text.lines() {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() < 6 || line.trim().is_empty() {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        // code, name, input, output, steps, responsible
        let note = if header_seen { "" } else { "Note" };
        let row = if header_seen {
            [
                cells[0], cells[5], cells[1], cells[2], cells[3], cells[4], note,
            ]
        } else {
            header_seen = true;
            [
                "Codice e denominazione",
                "Responsabile",
                "Descrizione attività",
                "Input (elementi in ingresso)",
                "Output atteso",
                steps_header,
                note,
            ]
        };
        out.push_str(&row.join("\t"));
        out.push('\n');
    }
    out
}

/// The activities of the open data, without what only the sheet's own
/// wording changes (the order of columns is not in them).
fn activities(b: &Book) -> Vec<serde_json::Value> {
    b.json()["processes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["activities"].as_array().unwrap().clone())
        .map(|mut a| {
            a.as_object_mut().unwrap().remove("extra");
            a
        })
        .collect()
}

#[test]
fn another_chambers_wording_of_the_columns_is_recognised() {
    let ours = Book::built();
    let b = Book::new();
    std::fs::write(b.join(SHEET), other_chambers_sheet("Fasi del processo")).unwrap();
    let out = b.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // No step list reported missing: "Fasi del processo" is the steps.
    assert!(!stdout(&out).contains("M011"), "{}", stdout(&out));
    assert!(b.run(&["import"]).status.success());
    let out = b.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(activities(&b), activities(&ours));
    let page = text(main_of(&b.read("book/processi/C2.6.1.1.html")));
    assert!(!page.contains("non indicato"), "{page}");
}

#[test]
fn a_column_named_in_no_known_way_gets_a_proposal_then_a_mapping() {
    let b = Book::new();
    std::fs::write(b.join(SHEET), other_chambers_sheet("Passaggi")).unwrap();
    let out = b.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("mancano colonne della mappatura: «Sequenza di attività»"),
        "{err}"
    );
    assert!(
        err.contains("[colonne] \"Passaggi\" = \"sequenza\""),
        "{err}"
    );
    // What check proposed, written in book.toml.
    let toml = b.read("book.toml");
    std::fs::write(
        b.join("book.toml"),
        format!("{toml}\n[colonne]\n\"Passaggi\" = \"sequenza\"\n"),
    )
    .unwrap();
    let out = b.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains("M011"));
    // A role that does not exist is named with its line.
    std::fs::write(
        b.join("book.toml"),
        format!("{toml}\n[colonne]\n\"Passaggi\" = \"fasi\"\n"),
    )
    .unwrap();
    let out = b.run(&["check"]);
    let err = stderr(&out);
    assert!(
        err.contains("book.toml:")
            && err.contains(
                "il ruolo deve essere uno fra codice, nome, input, output, sequenza, responsabile"
            ),
        "{err}"
    );
}
