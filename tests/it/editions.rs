//! Editions on real sheets: the bundled sheet adopted as edition one, the
//! same map a year later (`tests/fixtures/mappatura-2027.tsv`: a process
//! added, one removed, one renumbered, one renamed, cells edited, a row
//! split in two) adopted as edition two.

use crate::common::*;
use std::collections::BTreeSet;

const SECOND: &str = "tests/fixtures/mappatura-2027.tsv";

/// The bundled book with two editions: the bundled sheet, then the
/// fixture.
/// The bundled book, imported and frozen as the edition of 28/01/2026.
fn first_edition() -> Book {
    let b = Book::imported();
    b.freeze_first_edition();
    b
}

fn two_editions() -> Book {
    let b = first_edition();
    std::fs::copy(repo().join(SECOND), b.join("data/mappatura-2027.tsv")).unwrap();
    let out = b.run(&["importa", "data/mappatura-2027.tsv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = b.run(&[
        "edizione",
        "--data",
        "2027-01-25",
        "--atto",
        "Delibera di Giunta n. 5 del 25/01/2027",
        "--url",
        "https://www.esempio.camcom.it/albo/delibere/2027/5",
        // Ahead of the calendar: the fixture is next year's map.
        "--forza-data",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    b
}

#[test]
fn compare_lists_exactly_what_changed_before_freezing() {
    let b = first_edition();
    std::fs::copy(repo().join(SECOND), b.join("m.tsv")).unwrap();
    let out = b.run(&["confronta", "m.tsv", "--formato", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list: Vec<(String, String, String)> = v["modifiche"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["tipo"].as_str().unwrap().to_string(),
                c["codice"].as_str().unwrap().to_string(),
                c["da"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String, String)> = [
        ("rinominato", "A1.1.1.1", ""),
        // The row split in two: the second activity's cells are new.
        ("modificato", "A1.1.1.5", ""),
        ("eliminato", "A1.1.1.6", ""),
        ("spostato", "A1.1.1.8", "A1.1.1.4"),
        ("modificato", "C2.6.3.1", ""),
        ("aggiunto", "C2.6.3.2", ""),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(list, want);
    assert_eq!(
        v["riepilogo"],
        "1 voce aggiunta, 1 voce eliminata, 1 voce spostata ad altro codice, 1 voce rinominata, 2 voci modificate"
    );
    assert_eq!(
        v["modifiche"][1]["attivita"],
        serde_json::json!({"prima": 1, "dopo": 2})
    );
    // The edited cell, word by word.
    let c2631 = &v["modifiche"][4]["campi"];
    assert_eq!(c2631[0]["campo"], "input");
    assert_eq!(
        c2631[0]["pezzi"],
        serde_json::json!([
            {"tipo": "uguale", "testo": "Richiesta visura o"},
            {"tipo": "tolto", "testo": "certificato da parte dell'istante"},
            {"tipo": "aggiunto", "testo": "certificato, anche per via telematica"},
        ])
    );
    assert_eq!(c2631[1]["campo"], "steps");
    assert!(c2631[1]["pezzi"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!({"tipo": "aggiunto", "testo": "Consegna anche via PEC."})));
    // The same, for a person.
    let out = b.run(&["confronta", "m.tsv"]);
    let text = stdout(&out);
    assert!(text.contains("> A1.1.1.8 Definizione e assegnazione del budget e degli obiettivi (spostata da A1.1.1.4)"), "{text}");
    assert!(text.contains("{+Consegna anche via PEC.+}"), "{text}");
    assert!(text.contains("attività: 1 → 2"), "{text}");
    assert!(
        text.starts_with("m.tsv rispetto all'edizione del 28 gennaio 2026: 1 voce aggiunta,"),
        "{text}"
    );
}

/// `confronta` says what import and freeze would record: a section whose
/// row left the sheet keeps its page's title on import, so it is not
/// "renamed" to nothing.
#[test]
fn compare_titles_sections_as_import_does() {
    let b = first_edition();
    let sheet = b.read(SHEET);
    let without: String = sheet
        .lines()
        .filter(|l| !l.starts_with("A1.1.1 Pianificazione"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(without.lines().count() + 1, sheet.lines().count());
    std::fs::write(b.join("m.tsv"), without).unwrap();
    let out = b.run(&["confronta", "m.tsv", "--formato", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The heading row held nothing but the title, which the page keeps.
    assert_eq!(v["riepilogo"], "nessuna modifica", "{v}");
    // And freezing after the import records just that.
    assert!(b.run(&["importa", "m.tsv"]).status.success());
    assert!(b
        .read("content/A/A1/A1.1/A1.1.1/_index.md")
        .contains("title = \"Pianificazione e programmazione camerale\""));
    assert!(b
        .run(&[
            "edizione",
            "--data",
            "2027-01-25",
            "--atto",
            "Delibera n. 5",
            "--forza-data"
        ])
        .status
        .success());
    assert!(b.run(&["costruisci"]).status.success());
    let changes = text(main_of(&b.read("book/edizioni/2027-01-25/modifiche.html")));
    assert!(changes.contains("Nessuna modifica"), "{changes}");
}

#[test]
fn editions_are_immutable_and_a_failed_freeze_leaves_none() {
    let b = two_editions();
    let before = snapshot(&b.join("editions"));
    // The same date again.
    let out = b.run(&["edizione", "--data", "2027-01-25", "--atto", "altro"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("c'è già un'edizione del 25 gennaio 2027"),
        "{}",
        stderr(&out)
    );
    // A date that is not one; no act.
    for args in [
        ["--data", "2027-02-30", "--atto", "x"],
        ["--data", "2028-01-01", "--atto", " "],
    ] {
        let mut all = vec!["edizione"];
        all.extend(args);
        let out = b.run(&all);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
    }
    // A new import changes the map, not the editions.
    let out = b.run(&["importa"]);
    assert!(out.status.success());
    assert_eq!(snapshot(&b.join("editions")), before);
    assert!(!b.join("editions/2028-01-01").exists());
}

#[test]
fn the_site_shows_every_edition_what_changed_and_keeps_every_url() {
    // Edition one's site, and its URLs.
    let one = first_edition();
    assert!(one.run(&["costruisci"]).status.success());
    let urls_one: BTreeSet<std::path::PathBuf> = snapshot(&one.join("book"))
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();

    let b = two_editions();
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let site = b.join("book");
    // No URL of edition one answers 404 in the site of edition two.
    for u in &urls_one {
        assert!(site.join(u).is_file(), "{} is gone", u.display());
    }
    // Every page says which edition it shows.
    let home = b.read("book/index.html");
    let band = &home[home.find("class=\"banda-edizione\"").unwrap()..];
    let band = text(&band[..band.find("</div>").unwrap()]);
    assert!(
        band.contains("Edizione adottata il 25 gennaio 2027"),
        "{band}"
    );
    assert!(
        band.contains("Delibera di Giunta n. 5 del 25/01/2027"),
        "{band}"
    );
    assert!(attrs(&home, "href")
        .contains(&"https://www.esempio.camcom.it/albo/delibere/2027/5".to_string()));
    let process = b.read("book/processi/C2.6.3.1.html");
    assert!(text(&process).contains("Edizione adottata il 25 gennaio 2027"));
    // The list, newest first, with each edition's data.
    let list = text(&b.read("book/edizioni/index.html"));
    let (a, c) = (
        list.find("25 gennaio 2027").unwrap(),
        list.find("28 gennaio 2026").unwrap(),
    );
    assert!(a < c, "{list}");
    assert!(list.contains("326 voci"));
    for f in [
        "2026-01-28/processi.json",
        "2026-01-28/processi.csv",
        "2027-01-25/processi.json",
    ] {
        assert!(site.join("edizioni").join(f).is_file(), "{f}");
    }
    let old: serde_json::Value =
        serde_json::from_str(&b.read("book/edizioni/2026-01-28/processi.json")).unwrap();
    assert!(old["processi"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["codice"] == "A1.1.1.6"));
    // What changed, with the words marked up for screen readers too.
    let changes = b.read("book/edizioni/2027-01-25/modifiche.html");
    let t = text(main_of(&changes));
    assert!(t.contains("1 voce aggiunta, 1 voce eliminata, 1 voce spostata ad altro codice, 1 voce rinominata, 2 voci modificate"), "{t}");
    assert!(changes.contains(
        "<ins><span class=\"solo-lettori\">testo aggiunto: </span>Consegna anche via PEC.</ins>"
    ));
    assert!(t.contains(
        "A1.1.1.8 Definizione e assegnazione del budget e degli obiettivi (prima: A1.1.1.4)"
    ));
    // A removed process keeps its address: since when, and its last text.
    let gone = text(main_of(&b.read("book/processi/A1.1.1.6.html")));
    assert!(
        gone.contains("Non è più nella mappatura dall'edizione del 25 gennaio 2027"),
        "{gone}"
    );
    assert!(gone.contains("Piano occupazionale triennale/annuale"));
    assert!(
        attrs(&b.read("book/processi/A1.1.1.6.html"), "href")
            .contains(&"../processi/A1.1.1.html".to_string()),
        "no way up from a removed process"
    );
    // A moved one says where it went.
    let moved = b.read("book/processi/A1.1.1.4.html");
    assert!(text(main_of(&moved)).contains("Ora si trova in A1.1.1.8"));
    assert!(attrs(&moved, "href").contains(&"../processi/A1.1.1.8.html".to_string()));
    // History on a changed process, with the text of the earlier edition.
    let renamed = b.read("book/processi/A1.1.1.1.html");
    let h = &renamed[renamed.find("class=\"storia\"").unwrap()..];
    let h_text = text(&h[..h.find("</section>").unwrap()]).replace(" :", ":");
    assert!(
        h_text.contains("Edizione del 25 gennaio 2027: rinominata"),
        "{h_text}"
    );
    assert!(
        h_text.contains("Edizione del 28 gennaio 2026: presente nella prima edizione"),
        "{h_text}"
    );
    assert!(attrs(h, "href").contains(&"../edizioni/2026-01-28/processi/A1.1.1.1.html".to_string()));
    let earlier = text(main_of(
        &b.read("book/edizioni/2026-01-28/processi/A1.1.1.1.html"),
    ));
    assert!(earlier.contains("Relazione Previsionale e Programmatica"));
    assert!(earlier.contains("Versione registrata nell'edizione del 28 gennaio 2026"));
}

#[test]
fn the_atom_feed_lists_the_editions() {
    let b = two_editions();
    let toml = b
        .read("book.toml")
        .replace("# indirizzo = ", "indirizzo = ");
    std::fs::write(b.join("book.toml"), toml).unwrap();
    assert!(b.run(&["costruisci"]).status.success());
    // Feed readers find it from any page; search engines find the pages.
    assert!(b.read("book/processi/A1.html").contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Segui le nuove edizioni (Atom)\" href=\"../edizioni/feed.xml\">"
    ));
    let sitemap = b.read("book/sitemap.xml");
    for u in [
        "edizioni/index.html",
        "edizioni/2027-01-25/modifiche.html",
        "processi/A1.1.1.6.html",
    ] {
        assert!(
            sitemap.contains(&format!("/mappatura-processi/{u}</loc>")),
            "{u} not in the sitemap"
        );
    }
    let feed = b.read("book/edizioni/feed.xml");
    // A real XML parse, then Atom's required elements.
    let doc = roxmltree::Document::parse(&feed).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    assert_eq!(root.tag_name().name(), "feed");
    let child = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.tag_name().name() == name)
            .and_then(|c| c.text())
            .map(String::from)
    };
    assert!(child(root, "title").is_some() && child(root, "id").is_some());
    assert_eq!(
        child(root, "updated").as_deref(),
        Some("2027-01-25T00:00:00Z")
    );
    let entries: Vec<roxmltree::Node> = root
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        child(entries[0], "updated").as_deref(),
        Some("2027-01-25T00:00:00Z")
    );
    assert!(child(entries[0], "summary")
        .unwrap()
        .contains("1 voce aggiunta"));
    let link = entries[0]
        .children()
        .find(|c| c.tag_name().name() == "link")
        .unwrap();
    assert_eq!(link.attribute("href"), Some("2027-01-25/modifiche.html"));
    assert!(b.join("book/edizioni/2027-01-25/modifiche.html").is_file());
}

#[test]
fn same_editions_same_bytes_and_old_editions_leave_the_site() {
    let b = two_editions();
    assert!(b.run(&["costruisci"]).status.success());
    let first = snapshot(&b.join("book"));
    assert!(b
        .run(&["importa", "data/mappatura-2027.tsv"])
        .status
        .success());
    assert!(b.run(&["costruisci"]).status.success());
    assert!(
        first == snapshot(&b.join("book")),
        "a rebuild with the same editions differs"
    );
    // One year online only: the 2026 edition leaves the site, not the book.
    let toml = b.read("book.toml");
    std::fs::write(
        b.join("book.toml"),
        format!("{toml}\n[edizioni]\nanni = 0\n"),
    )
    .unwrap();
    let out = b.run(&["costruisci"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("l'edizione del 28 gennaio 2026 ha più di 0 anni: resta nel manuale ma non è più pubblicata"), "{}", stderr(&out));
    assert!(!b.join("book/edizioni/2026-01-28").exists());
    assert!(b.join("editions/2026-01-28/mappa.json").is_file());
}
