//! Editions as a chamber adopts them year after year, tested for what the
//! blind audit of two editions found: nothing an author wrote is lost when
//! a process moves, an edition keeps the text citizens read that year, a
//! published edition's files never change, the "changed since" banner is
//! only where something changed, dates are checked, and the yearly
//! workflow never goes back to last year's sheet.

use crate::common::*;
use std::path::PathBuf;

const SECOND: &str = "tests/fixtures/mappatura-2027.tsv";

/// The page of `code` in `content/`.
fn page_of(b: &Book, code: &str) -> PathBuf {
    walkdir::WalkDir::new(b.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n == format!("{code}.md").as_str())
                || (p.ends_with("_index.md")
                    && p.parent()
                        .and_then(|d| d.file_name())
                        .is_some_and(|d| d == code))
        })
        .unwrap_or_else(|| panic!("no page for {code}"))
}

fn write_author(b: &Book, code: &str, text: &str) {
    let page = page_of(b, code);
    let old = std::fs::read_to_string(&page).unwrap();
    // The author's text follows the end marker: replace what is there.
    let end = old.find("<!-- manuale: fine").unwrap();
    let end = end + old[end..].find("-->").unwrap() + 3;
    std::fs::write(&page, format!("{}\n\n{text}\n", &old[..end])).unwrap();
}

fn ok(out: &std::process::Output, what: &str) {
    assert!(out.status.success(), "{what}: {}", stderr(out));
}

fn freeze(b: &Book, date: &str, act: &str) -> std::process::Output {
    b.run(&["edizione", "--data", date, "--atto", act])
}

/// Next year's edition, recorded ahead of the calendar.
fn freeze_2027(b: &Book) -> std::process::Output {
    b.run(&[
        "edizione",
        "--data",
        "2027-01-25",
        "--atto",
        "Delibera n. 5 del 25/01/2027",
        "--forza-data",
    ])
}

fn second_sheet(b: &Book) {
    std::fs::copy(repo().join(SECOND), b.join("data/mappatura-2027.tsv")).unwrap();
}

#[test]
fn a_moved_process_takes_its_author_text_to_its_new_page() {
    let b = Book::imported();
    b.freeze_first_edition();
    write_author(
        &b,
        "A1.1.1.4",
        "Il budget si chiude entro il **30 novembre**.",
    );
    second_sheet(&b);
    let out = b.run(&["importa", "data/mappatura-2027.tsv"]);
    ok(&out, "importa");
    assert!(
        stderr(&out).contains("A1.1.1.4 è ora A1.1.1.8 (spostata)"),
        "{}",
        stderr(&out)
    );
    let new_page = std::fs::read_to_string(page_of(&b, "A1.1.1.8")).unwrap();
    assert!(
        new_page.contains("Il budget si chiude entro il **30 novembre**."),
        "{new_page}"
    );
    // No archived copy is left at the old code.
    let old_left = walkdir::WalkDir::new(b.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with("A1.1.1.4"));
    assert!(!old_left, "the old page is still in content/");
    ok(&b.run(&["costruisci"]), "costruisci");
    let html = b.read("book/processi/A1.1.1.8.html");
    let words = text(main_of(&html));
    assert!(
        words.contains("Il budget si chiude entro il 30 novembre"),
        "{words}"
    );
    // The old address says where it went.
    let gone = b.read("book/processi/A1.1.1.4.html");
    assert!(attrs(&gone, "href")
        .iter()
        .any(|h| h.ends_with("processi/A1.1.1.8.html")));
    // A re-import changes nothing more.
    let out = b.run(&["importa"]);
    ok(&out, "second import");
    assert!(
        stdout(&out).contains("0 pagine scritte"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_edition_keeps_the_author_text_citizens_read_that_year() {
    let b = Book::imported();
    write_author(
        &b,
        "C2.6.3.1",
        "Nel 2026 la visura si chiede allo sportello di via Roma.",
    );
    ok(&freeze(&b, "2026-01-28", "Delibera n. 12"), "edizione");
    let map = b.read("editions/2026-01-28/mappa.json");
    assert!(
        map.contains("sportello di via Roma"),
        "mappa.json keeps the author text"
    );
    write_author(&b, "C2.6.3.1", "Dal 2027 la visura si chiede solo online.");
    ok(&b.run(&["costruisci"]), "costruisci");
    let live = text(main_of(&b.read("book/processi/C2.6.3.1.html")));
    assert!(
        live.contains("solo online") && !live.contains("via Roma"),
        "{live}"
    );
    let then = b.read("book/edizioni/2026-01-28/processi/C2.6.3.1.html");
    assert!(
        text(main_of(&then)).contains("sportello di via Roma"),
        "the 2026 version"
    );
    // The live page links to what citizens read then.
    let live_html = b.read("book/processi/C2.6.3.1.html");
    assert!(attrs(&live_html, "href")
        .iter()
        .any(|h| h.ends_with("edizioni/2026-01-28/processi/C2.6.3.1.html")));
    // Data unchanged: the map stays as adopted on that page.
    assert!(text(&live_html).contains("Edizione adottata il 28 gennaio 2026"));
}

#[test]
fn a_published_edition_s_files_never_change_a_byte() {
    let b = Book::imported();
    b.freeze_first_edition();
    ok(&b.run(&["costruisci"]), "costruisci");
    let files = ["processi.csv", "processi.json", "processi.xlsx"];
    let read = |b: &Book| -> Vec<Vec<u8>> {
        files
            .iter()
            .map(|f| std::fs::read(b.join(&format!("book/edizioni/2026-01-28/{f}"))).unwrap())
            .collect()
    };
    let before = read(&b);
    let book_before = snapshot(&b.join("editions/2026-01-28"));
    // The edition's files are kept with it in the book, as published.
    for f in files {
        assert!(b.join(&format!("editions/2026-01-28/{f}")).is_file(), "{f}");
    }
    second_sheet(&b);
    ok(&b.run(&["importa", "data/mappatura-2027.tsv"]), "importa");
    ok(&freeze_2027(&b), "edizione 2027");
    // Even the book's configuration changing does not touch them.
    let toml = format!(
        "levels = [\"Area\", \"Tema\", \"Processo\", \"Sotto-processo\", \"Attività\", \"Azione\"]\n{}",
        b.read("book.toml")
    );
    std::fs::write(b.join("book.toml"), toml).unwrap();
    ok(&b.run(&["costruisci"]), "costruisci");
    assert!(before == read(&b), "the 2026 edition's files changed");
    assert_eq!(book_before, snapshot(&b.join("editions/2026-01-28")));
    // The live data did follow the new level names.
    assert!(b.read("book/dati/processi.csv").contains(",Tema,"));
}

#[test]
fn aggiornato_is_the_date_of_the_data_in_an_edition_as_in_the_live_files() {
    let b = Book::imported();
    b.freeze_first_edition();
    ok(&b.run(&["costruisci"]), "costruisci");
    let live = b.json();
    let edition: serde_json::Value =
        serde_json::from_str(&b.read("book/edizioni/2026-01-28/processi.json")).unwrap();
    let updated = |v: &serde_json::Value| -> Vec<(String, String)> {
        v["processi"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["codice"].as_str().unwrap().to_string(),
                    p["aggiornato"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let (l, e) = (updated(&live), updated(&edition));
    assert_eq!(l.len(), e.len());
    // A leaf's date is its data's; not the edition's day.
    let leaf = l.iter().find(|(c, _)| c == "C2.6.3.1").unwrap();
    assert!(e.contains(leaf), "{leaf:?}");
    assert_ne!(leaf.1, "2026-01-28");
}

#[test]
fn the_changed_since_banner_is_only_where_something_changed() {
    let b = Book::imported();
    b.freeze_first_edition();
    second_sheet(&b);
    ok(&b.run(&["importa", "data/mappatura-2027.tsv"]), "importa");
    ok(&b.run(&["costruisci"]), "costruisci");
    let banner = |page: &str| {
        let html = b.read(&format!("book/{page}"));
        let s = html.find("banda-edizione").expect("banner");
        let e = s + html[s..].find("</div>").unwrap();
        text(&html[s + html[s..].find('>').unwrap() + 1..e])
    };
    let pending = "Versione aggiornata dopo l'edizione adottata il 28 gennaio 2026";
    let adopted = "Edizione adottata il 28 gennaio 2026";
    // Changed: the process, and the levels above it.
    for page in [
        "processi/C2.6.3.1.html",
        "processi/C2.6.3.html",
        "processi/C.html",
    ] {
        assert!(banner(page).contains(pending), "{page}: {}", banner(page));
    }
    // Untouched: another function's processes, and their sections.
    for page in [
        "processi/B1.1.html",
        "processi/D.html",
        "processi/C1.1.4.1.html",
    ] {
        assert!(
            banner(page).starts_with(adopted),
            "{page}: {}",
            banner(page)
        );
    }
    // The whole map, on the home page, did change.
    assert!(banner("index.html").contains(pending));
}

#[test]
fn an_edition_date_in_the_future_or_before_the_newest_is_refused() {
    let b = Book::imported();
    let out = freeze(&b, "2207-01-25", "Delibera n. 5");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("2207-01-25") && err.contains("data futura") && err.contains("--forza-data"),
        "{err}"
    );
    assert!(!b.join("editions/2207-01-25").exists());
    ok(&freeze(&b, "2026-01-28", "Delibera n. 12"), "the real one");
    for date in ["2025-06-30", "2026-01-27"] {
        let out = freeze(&b, date, "Delibera n. 1");
        assert!(!out.status.success(), "{date}");
        assert!(
            stderr(&out).contains("non viene dopo l'ultima edizione, del 28 gennaio 2026"),
            "{}",
            stderr(&out)
        );
        assert!(!b.join(&format!("editions/{date}")).exists());
    }
    // Said explicitly, it is taken.
    let out = b.run(&[
        "edizione",
        "--data",
        "2025-06-30",
        "--atto",
        "Delibera n. 1",
        "--forza-data",
    ]);
    ok(&out, "--forza-data");
    assert!(b.join("editions/2025-06-30/mappa.json").is_file());
    ok(&b.run(&["costruisci"]), "costruisci");
    assert!(b.join("book/edizioni/2026-01-28/modifiche.html").is_file());
}

#[test]
fn a_bare_import_after_importing_the_new_sheet_does_not_go_back() {
    let b = Book::imported();
    b.freeze_first_edition();
    second_sheet(&b);
    let out = b.run(&["importa", "data/mappatura-2027.tsv"]);
    ok(&out, "import of the new sheet");
    assert!(
        stdout(&out).contains("book.toml: il foglio del manuale ora è data/mappatura-2027.tsv (era data/mappatura-processi.tsv)"),
        "{}",
        stdout(&out)
    );
    let toml = b.read("book.toml");
    assert!(
        toml.contains("file = \"data/mappatura-2027.tsv\""),
        "{toml}"
    );
    // The rest of book.toml, comments included, is as it was.
    let original = std::fs::read_to_string(repo().join("book.toml")).unwrap();
    assert_eq!(
        toml,
        original.replace(
            "file = \"data/mappatura-processi.tsv\"",
            "file = \"data/mappatura-2027.tsv\""
        )
    );
    let added = page_of(&b, "C2.6.3.2");
    let before = snapshot(&b.join("content"));
    let out = b.run(&["importa"]);
    ok(&out, "bare import");
    assert!(
        stdout(&out).contains("0 pagine scritte"),
        "{}",
        stdout(&out)
    );
    assert_eq!(before, snapshot(&b.join("content")));
    assert!(added.is_file());
    // check and confronta without a file read it too.
    let out = b.run(&["confronta", "--formato", "json"]);
    ok(&out, "confronta");
    assert!(stdout(&out).contains("mappatura-2027.tsv"));
    // A sheet given from outside the book is named by its full path.
    let outside = tempfile::tempdir().unwrap();
    let sheet = outside.path().join("mappa.tsv");
    std::fs::copy(b.join(SHEET), &sheet).unwrap();
    ok(
        &b.run(&["importa", sheet.to_str().unwrap(), "--accetta-rimozioni"]),
        "import from outside",
    );
    let named = std::fs::canonicalize(&sheet).unwrap();
    assert!(b
        .read("book.toml")
        .contains(&format!("file = \"{}\"", named.display())));
}

#[test]
fn a_failed_import_of_another_sheet_leaves_book_toml_as_it_was() {
    let b = Book::imported();
    std::fs::write(b.join("data/rotto.tsv"), "non è una mappatura\n").unwrap();
    let before = b.read("book.toml");
    let out = b.run(&["importa", "data/rotto.tsv"]);
    assert!(!out.status.success());
    assert_eq!(before, b.read("book.toml"));
}

#[test]
fn what_a_killed_edizione_left_is_removed_by_the_next_run() {
    let b = Book::imported();
    let stale = b.join("editions/.2026-01-28.manuale-tmp-Ab12Cd");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("mappa.json"), "[").unwrap();
    // A folder of the user's, even a hidden one, is never touched.
    let mine = b.join("editions/.appunti");
    std::fs::create_dir_all(&mine).unwrap();
    let out = freeze(&b, "2026-01-28", "Delibera n. 12");
    ok(&out, "edizione");
    assert!(!stale.exists(), "the leftover is still there");
    assert!(
        stderr(&out).contains("tolta la cartella lasciata da un'edizione interrotta"),
        "{}",
        stderr(&out)
    );
    assert!(mine.is_dir());
    // The build mends it too.
    let stale = b.join("editions/.2027-01-25.manuale-tmp-Zz99Yy");
    std::fs::create_dir_all(&stale).unwrap();
    let out = b.run(&["costruisci"]);
    ok(&out, "costruisci");
    assert!(!stale.exists());
    assert!(mine.is_dir());
}
