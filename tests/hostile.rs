//! Hostile and broken input, each case an attack that once worked: the
//! tool answers with a clear message naming the file, a non-zero exit
//! where it must stop, bounded memory, and no damage to `content/` or to a
//! site already built.

mod common;

use common::*;

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
    let out = b.run(&["import"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = b.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = b.read("book/processi/A1.1.html");
    assert!(html.contains("<li>+++</li>"), "{}", main_of(&html));
    let out = b.run(&["import"]);
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
    for args in [&["check"][..], &["import"][..]] {
        let out = b.run(args);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            !all.contains('\u{1b}') && !all.contains('\u{7}'),
            "{args:?}: {all:?}"
        );
        assert!(!all.contains('\u{202e}'), "{args:?}: {all:?}");
        assert!(all.contains("␛]0;preso␇"), "{args:?}: {all}");
    }
    let out = b.run(&["check"]);
    let report = stdout(&out);
    assert!(
        report.contains("3:3: avviso[M012]: carattere di controllo"),
        "{report}"
    );
    assert!(report.contains("3:6: avviso[M012]"), "{report}");
    assert!(report.contains("<U+202E>"), "{report}");
    let out = b.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = b.read("book/processi/A1.1.html");
    assert!(
        !html.contains('\u{1b}') && !html.contains('\u{7}'),
        "{html}"
    );
    assert!(html.contains("istanza␛]0;preso␇"), "{}", main_of(&html));
}
