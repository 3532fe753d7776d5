//! The whole pipeline on the bundled sheet: `manuale import` then `manuale
//! build`, asserting what a reader of the site or an author of the pages
//! would notice.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The bundled sheet split the plain way: line number and cells.
fn sheet_rows() -> Vec<(usize, Vec<String>)> {
    let text = std::fs::read_to_string(repo().join(SHEET)).unwrap();
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            (
                i + 1,
                l.split('\t')
                    .map(|c| c.trim().to_string())
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .collect()
}

fn page(b: &Book, code: &str) -> String {
    b.read(&format!("book/processi/{code}.html"))
}

#[test]
fn the_tree_has_six_roots_and_the_ancestors_the_sheet_forgot() {
    let b = Book::shared();
    let json = b.json();
    let nodes = json["processi"].as_array().unwrap();
    let roots: Vec<&str> = nodes
        .iter()
        .filter(|n| n["codice_padre"].is_null())
        .map(|n| n["codice"].as_str().unwrap())
        .collect();
    assert_eq!(roots, ["A", "B", "C", "D", "E", "F"]);
    for n in nodes.iter().filter(|n| n["livello"] == 1) {
        assert!(!n["titolo"].as_str().unwrap().is_empty());
    }
    let codes: BTreeSet<&str> = nodes
        .iter()
        .map(|n| n["codice"].as_str().unwrap())
        .collect();
    // Children of A1.3, C1.2.2, C2.5.2, D4.1.2 and D4.2 with no row of their own.
    for missing in ["A1.3", "A1.3.1", "C1.2.2", "C2.5.2", "D4.1.2", "D4.2"] {
        assert!(codes.contains(missing), "{missing} was not created");
        assert!(b.join(&format!("book/processi/{missing}.html")).exists());
    }
    // Every node's parent is in the tree and comes before it.
    let mut seen = BTreeSet::new();
    for n in nodes {
        if let Some(p) = n["codice_padre"].as_str() {
            assert!(seen.contains(p), "{} before its parent {p}", n["codice"]);
        }
        seen.insert(n["codice"].as_str().unwrap());
    }
    // Normalised codes, the suffix kept, level 6.
    for code in [
        "A2.1.3.1",
        "A2.1.3.2",
        "F1.1.1.1",
        "D1",
        "C1.1.7b",
        "B3.2.2.3.1",
        "A1",
    ] {
        assert!(codes.contains(code), "{code}");
    }
    let c117b = nodes.iter().find(|n| n["codice"] == "C1.1.7b").unwrap();
    assert_eq!(c117b["codice_padre"], "C1.1");
    assert_eq!(c117b["titolo"], "Operazioni d'Ufficio");
}

#[test]
fn every_cell_of_every_row_reaches_the_page_of_its_code() {
    let b = Book::shared();
    // Which page holds each line, as the pages themselves say.
    let content = manuale::content::load(&b.join("content")).unwrap();
    let mut page_of_line: BTreeMap<usize, String> = BTreeMap::new();
    for (code, p) in &content.pages {
        for r in &p.front.rows {
            let old = page_of_line.insert(r.line, code.to_string());
            assert!(old.is_none(), "line {} on two pages", r.line);
        }
    }
    let rows = sheet_rows();
    let header = rows
        .iter()
        .position(|(_, c)| c[0] == "CODIFICA UNIONCAMERE")
        .unwrap();
    let mut checked = 0;
    for (line, cells) in &rows[header + 1..] {
        let code = page_of_line
            .get(line)
            .unwrap_or_else(|| panic!("line {line} is on no page"));
        let html = page(b, code);
        let main = text(main_of(&html));
        let has_data = cells[2..].iter().any(|c| !c.is_empty());
        // Data cells are in the activity's own section.
        let scope = if has_data {
            text(
                section_by_id(&html, &format!("riga-{line}"))
                    .unwrap_or_else(|| panic!("line {line}: no section on {code}")),
            )
        } else {
            main.clone()
        };
        for (i, cell) in cells.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            // The code and the name may be the page's own title.
            let within = if i <= 1 { &main } else { &scope };
            let have = words(within);
            for (w, n) in words(cell) {
                let got = have.get(&w).copied().unwrap_or(0);
                assert!(
                    got >= n,
                    "line {line}, column {}: «{w}» ×{n} in the cell, ×{got} on {code}: «{cell}»",
                    i + 1
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} cells checked");
}

#[test]
fn rows_are_placed_where_a_reader_expects_them() {
    let b = Book::shared();
    // Line 93 has no code: it is an activity of the process before it.
    let p = text(&page(b, "B1.1.1.3"));
    assert!(p.contains("Conferimento incarichi individuali di collaborazione"));
    // Line 57 holds two codes; its activity is named after the second.
    let p = text(&page(b, "A2.1.3.2"));
    assert!(
        p.contains("Assistenza legale ai settori dell'Ente, al Segretario Generale o agli Organi")
    );
    assert!(
        p.contains("A.2.1.3.1.Assistenza legale ai vertici camerati/A2.1.3.2"),
        "the cell as written is shown"
    );
    let p = text(&page(b, "A2.1.3.1"));
    assert!(p.contains("Assistenza legale ai vertici camerati"));
    // Several rows with one code are several activities of one process.
    let p = page(b, "C2.4.1.3");
    assert_eq!(p.matches("class=\"attivita\"").count(), 3);
    // Children in code order: C2.10 after C2.8.
    let c2 = page(b, "C2");
    let figli = &c2[c2.find("class=\"figli\"").unwrap()..];
    let p8 = figli.find("processi/C2.8.html").unwrap();
    let p10 = figli.find("processi/C2.10.html").unwrap();
    let p6 = figli.find("processi/C2.6.html").unwrap();
    assert!(p6 < p8 && p8 < p10);
}

#[test]
fn step_lists_become_lists_and_legal_references_stay_whole() {
    let b = Book::shared();
    let p = page(b, "A1.1.1.3");
    let steps = &p[p.find("campo-steps").unwrap()..];
    let steps = &steps[..steps.find("</div>").unwrap()];
    assert_eq!(steps.matches("<li").count(), 3, "{steps}");
    assert!(steps.contains("<li>Approvazione con deliberazione di Giunta</li>"));
    // A1.1.1.4: letters holding numbers, the sheet's own repeated "3.".
    let p = page(b, "A1.1.1.4");
    assert!(p.contains("<ol type=\"a\">"));
    assert!(p.contains("<li value=\"3\">esame Presidente</li>"));
    // A1.1.1.2's input cites "art. 14, comma 5" and "D.P.R. 254/2005": no list.
    let p = page(b, "A1.1.1.2");
    let input = &p[p.find("campo-input").unwrap()..];
    let input = &input[..input.find("</div>").unwrap()];
    assert!(!input.contains("<li"), "{input}");
    assert!(
        text(input).contains("ex art. 14, comma 5 della legge 580/1993 e art. 6 D.P.R. 254/2005")
    );
    // The Markdown page has the list too.
    let md = b.read("content/A/A1/A1.1/A1.1.1/A1.1.1.3.md");
    assert!(md.contains("1. Predisposizione del Piano"));
    assert!(md.contains("2. Approvazione con deliberazione di Giunta"));
}

#[test]
fn every_page_links_to_its_parent_siblings_and_children() {
    let b = Book::shared();
    let json = b.json();
    for n in json["processi"].as_array().unwrap() {
        let code = n["codice"].as_str().unwrap();
        let html = page(b, code);
        let hrefs = attrs(&html, "href");
        let parent = match n["codice_padre"].as_str() {
            Some(p) => format!("../processi/{p}.html"),
            None => "../index.html".to_string(),
        };
        assert!(hrefs.contains(&parent), "{code} does not link to {parent}");
        // Breadcrumbs: a nav with its label, ending on the page itself.
        assert!(html.contains("<nav class=\"briciole\" aria-label=\"Percorso di navigazione\">"));
        assert_eq!(html.matches("<h1").count(), 1, "{code}");
        assert!(html.contains("<html lang=\"it\">"));
        for child in json["processi"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["codice_padre"] == code)
        {
            let href = format!("../processi/{}.html", child["codice"].as_str().unwrap());
            assert!(
                hrefs.contains(&href),
                "{code} does not link to its child {href}"
            );
        }
    }
    // Previous and next siblings.
    let p = page(b, "A1.1.1.4");
    assert!(p.contains("href=\"../processi/A1.1.1.3.html\" rel=\"prev\""));
    assert!(p.contains("href=\"../processi/A1.1.1.5.html\" rel=\"next\""));
}

#[test]
fn no_internal_link_is_broken() {
    let b = Book::shared();
    let site = b.join("book");
    let mut checked = 0;
    for e in walkdir::WalkDir::new(&site) {
        let e = e.unwrap();
        if e.path().extension().and_then(|x| x.to_str()) != Some("html")
            || e.file_name() == "404.html"
        {
            continue;
        }
        let html = std::fs::read_to_string(e.path()).unwrap();
        let ids: BTreeSet<String> = attrs(&html, "id").into_iter().collect();
        for link in attrs(&html, "href").into_iter().chain(attrs(&html, "src")) {
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
            {
                continue;
            }
            assert!(
                !link.starts_with('/'),
                "{}: absolute link {link} breaks under a sub-path",
                e.path().display()
            );
            let (path, frag) = link
                .split_once('#')
                .map_or((link.as_str(), None), |(p, f)| (p, Some(f)));
            if path.is_empty() {
                let frag = frag.unwrap_or("");
                assert!(ids.contains(frag), "{}: no id {frag}", e.path().display());
                continue;
            }
            let target = e.path().parent().unwrap().join(path);
            assert!(
                target.is_file(),
                "{}: broken link {link}",
                e.path().display()
            );
            checked += 1;
        }
    }
    assert!(checked > 5000, "only {checked} links");
}

#[test]
fn section_and_home_pages_list_what_lies_below() {
    let b = Book::shared();
    let a11 = text(&page(b, "A1.1"));
    assert!(a11.contains("A1.1.1 Pianificazione e programmazione camerale"));
    assert!(a11.contains("Sotto-processo · 7 voci"), "{a11}");
    // What a section comprises, by the name of the level below.
    assert!(
        a11.contains("Comprende 4 sotto-processi, 13 voci in tutto."),
        "{a11}"
    );
    let home = b.read("book/index.html");
    let t = text(&home);
    for f in [
        "A Organi istituzionali e segreteria generale",
        "F Altri servizi ad imprese e territorio",
        "C2 TUTELA E LEGALITÀ",
        "D1 INTERNAZIONALIZZAZIONE",
    ] {
        assert!(t.contains(f), "home lacks {f}");
    }
    assert!(attrs(&home, "href").contains(&"dati/processi.csv".to_string()));
    assert!(attrs(&home, "href").contains(&"dati/processi.json".to_string()));
    // The last update comes from the data, in words and machine-readable.
    assert!(home.contains("<time datetime=\""));
}

#[test]
fn json_and_csv_carry_every_row() {
    let b = Book::shared();
    let json = b.json();
    let nodes = json["processi"].as_array().unwrap();
    let a1113 = nodes.iter().find(|n| n["codice"] == "A1.1.1.3").unwrap();
    assert_eq!(a1113["pagina"], "processi/A1.1.1.3.html");
    assert_eq!(a1113["livello"], 5);
    assert_eq!(a1113["codice_padre"], "A1.1.1");
    let act = &a1113["attivita"][0];
    assert_eq!(act["riga_foglio"], 9);
    assert_eq!(act["responsabile"], "PO Settori");
    assert!(act["sequenza_attivita"]
        .as_str()
        .unwrap()
        .starts_with("1. Predisposizione del Piano"));
    // Every data row of the sheet is one activity.
    let data_rows = sheet_rows()
        .iter()
        .filter(|(l, c)| *l > 3 && c[2..].iter().any(|x| !x.is_empty()))
        .count();
    let activities: usize = nodes
        .iter()
        .map(|n| n["attivita"].as_array().unwrap().len())
        .sum();
    assert_eq!(activities, data_rows);
    // The CSV: one row per row of the sheet, with stable machine names,
    // its line and every cell as read.
    let mut r = csv::Reader::from_path(b.join("book/dati/processi.csv")).unwrap();
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(headers[0], "codice");
    let cells = [
        "codifica_unioncamere",
        "nome_attivita",
        "input",
        "output",
        "sequenza_attivita",
        "responsabile",
    ]
    .map(&col);
    let by_line: std::collections::BTreeMap<usize, Vec<String>> = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            (
                x[col("riga_foglio")].parse().unwrap(),
                // The text as written, once the apostrophe that keeps a
                // spreadsheet from running it as a formula is removed.
                cells
                    .iter()
                    .map(|&i| manuale::dictionary::csv_original(&x[i]).to_string())
                    .collect(),
            )
        })
        .collect();
    let rows: Vec<(usize, Vec<String>)> = sheet_rows()
        .into_iter()
        .filter(|(l, c)| *l > 3 && c.iter().any(|x| !x.trim().is_empty()))
        .collect();
    assert_eq!(
        by_line.len(),
        rows.len(),
        "one CSV row per row of the sheet"
    );
    for (line, c) in &rows {
        let want: Vec<String> = c.iter().take(6).map(|x| x.trim().to_string()).collect();
        let got = by_line
            .get(line)
            .unwrap_or_else(|| panic!("line {line} of the sheet is not in the CSV"));
        assert_eq!(got, &want, "line {line}");
    }
}

/// Reimporting the CSV gives the same map, and pages go on citing the
/// original sheet's rows, not the CSV's.
#[test]
fn the_csv_export_imports_again_into_the_same_map() {
    let b = Book::built();
    let again = Book::new();
    std::fs::copy(
        b.join("book/dati/processi.csv"),
        again.join("data/export.csv"),
    )
    .unwrap();
    let out = again.run(&["importa", "data/export.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = again.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let strip = |v: serde_json::Value| {
        let mut v = v;
        for n in v["processi"].as_array_mut().unwrap() {
            n.as_object_mut().unwrap().remove("aggiornato");
        }
        v
    };
    assert_eq!(strip(again.json()), strip(b.json()));
    // The row of line 216 of the sheet is cited as such on its page.
    let page = b.read("book/processi/C2.5.3.1.html");
    let again_page = again.read("book/processi/C2.5.3.1.html");
    assert_eq!(main_of(&again_page), main_of(&page));
}

#[test]
fn same_input_same_bytes() {
    let b = Book::imported();
    let content = snapshot(&b.join("content"));
    let out = b.run(&["importa"]);
    assert!(out.status.success());
    assert_eq!(
        snapshot(&b.join("content")),
        content,
        "a second import changed content/"
    );
    assert!(
        stdout(&out).contains("0 pagine scritte"),
        "{}",
        stdout(&out)
    );
    assert!(b
        .run(&["costruisci", "--destinazione", "uno"])
        .status
        .success());
    assert!(b
        .run(&["costruisci", "--destinazione", "due"])
        .status
        .success());
    let uno = snapshot(&b.join("uno"));
    assert!(uno.len() > 300);
    assert_eq!(uno, snapshot(&b.join("due")));
}

#[test]
fn a_rebuild_over_the_last_site_gives_the_bytes_of_a_clean_build() {
    // A rebuild links the files that did not change to the last site's;
    // what a reader gets must be exactly what a clean build gives.
    let b = Book::built();
    let first = snapshot(&b.join("book"));
    // A rebuild from the same pages takes the search index's files as
    // they are instead of indexing again (what `MANUALE_TEMPI` shows)...
    let timed_build = || {
        let out = crate::common::manuale_command()
            .arg("costruisci")
            .env("MANUALE_TEMPI", "1")
            .current_dir(b.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out).contains("pagefind: file della build precedente")
    };
    assert!(
        timed_build(),
        "nothing changed, yet the search index was made again"
    );
    assert_eq!(
        snapshot(&b.join("book")),
        first,
        "nothing changed, yet the site did"
    );
    // ...but not a file changed by hand since: then it is made again.
    let index_file = walkdir::WalkDir::new(b.join("book/ricerca/pagefind"))
        .into_iter()
        .map(Result::unwrap)
        .find(|e| e.file_name().to_string_lossy().ends_with(".pf_index"))
        .unwrap()
        .into_path();
    std::fs::remove_file(&index_file).unwrap();
    std::fs::write(&index_file, b"rovinato").unwrap();
    assert!(!timed_build(), "a damaged search index was taken as it was");
    assert_eq!(snapshot(&b.join("book")), first, "the damage stayed");
    b.add_author_note("Nota aggiunta dall'ufficio qualità.");
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(b
        .run(&["costruisci", "--destinazione", "pulito"])
        .status
        .success());
    let rebuilt = snapshot(&b.join("book"));
    assert_ne!(rebuilt, first, "the author's note did not reach the site");

    assert_eq!(
        rebuilt,
        snapshot(&b.join("pulito")),
        "a rebuild differs from a clean build"
    );
    let with_note = rebuilt
        .iter()
        .filter(|(p, bytes)| {
            p.starts_with("processi") && String::from_utf8_lossy(bytes).contains("ufficio qualità")
        })
        .count();
    assert_eq!(with_note, 1, "the note is on its page, and only there");
}

#[test]
fn author_text_survives_reimport() {
    let b = Book::imported();
    let page = "content/C/C2/C2.6/C2.6.1/C2.6.1.1.md";
    let mine = "## Come presentare la domanda\n\nLa domanda si presenta via PEC. Vedi anche [la visura](C2.6.3.1).";
    let original = b.read(page);
    std::fs::write(b.join(page), format!("{original}\n{mine}\n")).unwrap();
    // A newer sheet: a cell of this process changed, a row added elsewhere.
    let sheet = b.read(SHEET).replace(
        "Verifica istanza e documentazione allegata Predisposizione del provvedimento dirigenziale",
        "Verifica istanza e documentazione allegata; predisposizione del provvedimento dirigenziale",
    );
    std::fs::write(b.join(SHEET), format!("{sheet}G1 NUOVA FUNZIONE\t\n")).unwrap();
    let out = b.run(&["importa"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = b.read(page);
    assert!(after.contains(mine), "author text lost:\n{after}");
    assert!(
        after.contains("allegata; predisposizione"),
        "data not updated"
    );
    // The author's text is published, with the link to another process.
    assert!(b.run(&["costruisci"]).status.success());
    let html = b.read("book/processi/C2.6.1.1.html");
    assert!(html.contains("<h2>Come presentare la domanda</h2>"));
    assert!(html.contains("href=\"../processi/C2.6.3.1.html\""));
    // An edit inside the generated part is kept too, and reported.
    let edited = after.replace(
        "Riga 221 del foglio",
        "Riga 221 del foglio (verificata dall'ufficio)",
    );
    assert_ne!(edited, after);
    std::fs::write(b.join(page), &edited).unwrap();
    let out = b.run(&["importa"]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("modificata a mano"),
        "{}",
        stderr(&out)
    );
    let kept = b.read(page);
    assert!(kept.contains("verificata dall'ufficio"));
    assert!(kept.contains(mine));
}

#[test]
fn a_code_that_leaves_the_sheet_keeps_its_authors_page_unpublished() {
    let b = Book::imported();
    let page = "content/F/F1/F1.1/F1.1.1/F1.1.1.1.md";
    // A page nobody wrote on: its code leaves the sheet too.
    let plain = "content/E/E1/E1.1/E1.1.4.md";
    assert!(b.join(plain).exists());
    let original = b.read(page);
    std::fs::write(b.join(page), format!("{original}\nNota dell'ufficio.\n")).unwrap();
    let sheet: String = b
        .read(SHEET)
        .lines()
        .filter(|l| !l.starts_with("F.1.1.1.1.") && !l.starts_with("E1.1.4 "))
        .fold(String::new(), |s, l| s + l + "\n");
    std::fs::write(b.join(SHEET), sheet).unwrap();
    let out = b.run(&["importa"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("rimosse, 1 archiviate"),
        "{}",
        stdout(&out)
    );
    assert!(
        !b.join(plain).exists(),
        "the page nobody wrote on is still there"
    );
    assert!(b.read(page).contains("Nota dell'ufficio."));
    assert!(b.read(page).contains("archived = true"));
    let out = b.run(&["costruisci"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("archiviato"));
    assert!(!b.join("book/processi/F1.1.1.1.html").exists());
    // A page nobody wrote on simply goes, with its published page.
    assert!(!b.join(plain).exists());
    assert!(!b.join("book/processi/E1.1.4.html").exists());
    assert!(b.join("book/processi/E1.1.5.html").exists());
}

#[test]
fn a_failed_import_leaves_content_untouched() {
    let b = Book::imported();
    let before = snapshot(&b.join("content"));
    let cases: [(&str, &[u8]); 3] = [
        ("vuoto.tsv", b""),
        ("senza-intestazione.tsv", b"A1 Titolo\tx\nA1.1 Altro\ty\n"),
        ("binario.tsv", b"CODIFICA UNIONCAMERE\tNOME\0\0\x01\x02"),
    ];
    for (name, bytes) in cases {
        std::fs::write(b.join(name), bytes).unwrap();
        let out = b.run(&["importa", name]);
        assert!(!out.status.success(), "{name} was accepted");
        let err = stderr(&out);
        assert!(
            err.contains(name),
            "{name}: the message does not name the file: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(
            snapshot(&b.join("content")),
            before,
            "{name} changed content/"
        );
    }
    let out = b.run(&["importa", "non-esiste.tsv"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("non-esiste.tsv"));
    // A malformed page stops the import before anything is written.
    let page = b.join("content/A/A1/A1.1/A1.1.1/A1.1.1.1.md");
    let text = std::fs::read_to_string(&page).unwrap().replacen(
        "code = \"A1.1.1.1\"",
        "code = A1.1.1.1",
        1,
    );
    std::fs::write(&page, &text).unwrap();
    let before = snapshot(&b.join("content"));
    let out = b.run(&["importa"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("A1.1.1.1.md:2:"), "{}", stderr(&out));
    assert_eq!(snapshot(&b.join("content")), before);
}

#[test]
fn build_refuses_a_folder_it_did_not_create() {
    let b = Book::imported();
    std::fs::create_dir_all(b.join("sito")).unwrap();
    std::fs::write(b.join("sito/importante.txt"), "non cancellarmi").unwrap();
    let out = b.run(&["costruisci", "--destinazione", "sito"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("non è stata creata da manuale"),
        "{}",
        stderr(&out)
    );
    assert_eq!(b.read("sito/importante.txt"), "non cancellarmi");
    assert!(!b.join("sito/index.html").exists());
    // Its own folder it replaces, leaving nothing behind.
    assert!(b
        .run(&["costruisci", "--destinazione", "mio"])
        .status
        .success());
    std::fs::write(b.join("mio/vecchio.html"), "x").unwrap();
    assert!(b
        .run(&["costruisci", "--destinazione", "mio"])
        .status
        .success());
    assert!(!b.join("mio/vecchio.html").exists());
    let leftovers: Vec<PathBuf> = std::fs::read_dir(b.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into())
        .filter(|n: &PathBuf| n.to_string_lossy().contains("manuale-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn text_from_the_sheet_and_from_authors_is_escaped() {
    let b = Book::new();
    let sheet = "CODIFICA UNIONCAMERE\tNOME PROCESSO - ATTIVITA'\tinput\toutput\tSequenza di attività\tResponsabile output (ruolo)\n\
                 A1 <b>Titolo</b>\t\n\
                 A1.1 Processo <script>alert(1)</script>\t<img src=x onerror=alert(1)>\t\"a\" & b\tout\t1. <i>uno</i> 2. due\tPO\n";
    std::fs::write(b.join(SHEET), sheet).unwrap();
    assert!(b.run(&["importa"]).status.success());
    let page = b.join("content/A/A1/A1.1.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        format!("{text}\n<script>alert('autore')</script><p onclick=\"x()\">ciao</p>\n"),
    )
    .unwrap();
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = b.read("book/processi/A1.1.html");
    assert!(!html.contains("<script>alert"), "script injected");
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("onclick"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("<p>ciao</p>"));
    assert!(!b.read("book/processi/A1.html").contains("<b>Titolo</b>"));
}

#[test]
fn sitemap_and_404_follow_the_configured_address() {
    let b = Book::imported();
    assert!(b.run(&["costruisci"]).status.success());
    assert!(!b.join("book/sitemap.xml").exists());
    assert!(b.join("book/404.html").exists());
    let toml = b.read("book.toml").replace(
        "# indirizzo = \"https://www.esempio.camcom.it/amministrazione-trasparente/mappatura-processi/\"",
        "indirizzo = \"https://www.esempio.camcom.it/trasparenza/processi\"",
    );
    std::fs::write(b.join("book.toml"), toml).unwrap();
    assert!(b.run(&["costruisci"]).status.success());
    let map = b.read("book/sitemap.xml");
    assert!(map.contains(
        "<loc>https://www.esempio.camcom.it/trasparenza/processi/processi/C2.5.3.1.html</loc>"
    ));
    let nf = b.read("book/404.html");
    assert!(
        nf.contains("href=\"/trasparenza/processi/index.html\""),
        "{nf}"
    );
    assert!(nf.contains("href=\"/trasparenza/processi/assets/style.css\""));
}

#[test]
fn a_bad_config_is_named_by_file_and_line() {
    let b = Book::imported();
    let toml = b
        .read("book.toml")
        .replace("colore = \"#1f5f74\"", "colore = \"blu camerale\"");
    std::fs::write(b.join("book.toml"), toml).unwrap();
    let out = b.run(&["costruisci"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("book.toml:16:"), "{err}");
    assert!(
        err.contains("[manuale] colore") && err.contains("#1f5f74"),
        "{err}"
    );
    let _ = Path::new("");
}

#[test]
fn build_before_import_says_what_to_do() {
    let b = Book::new();
    let out = b.run(&["costruisci"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("esegui prima «manuale importa»"),
        "{}",
        stderr(&out)
    );
    assert!(!b.join("book").exists());
}

#[test]
fn the_print_page_carries_every_code_cell_as_written() {
    // The page of the whole map once dropped the code cell of 16 activity
    // rows; for 7 of them a title written differently appeared nowhere.
    let b = Book::shared();
    let print = text(main_of(&b.read("book/stampa.html")));
    let json = b.json();
    let mut checked = 0;
    for node in json["processi"].as_array().unwrap() {
        let code = node["codice"].as_str().unwrap();
        let title = node["titolo"].as_str().unwrap();
        for a in node["attivita"].as_array().unwrap() {
            let cell = a["codifica_unioncamere"]
                .as_str()
                .unwrap()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if cell.is_empty() || cell == code || cell == format!("{code} {title}") {
                continue;
            }
            checked += 1;
            assert!(
                print.contains(&cell),
                "line {}: «{cell}» is not on the print page",
                a["riga_foglio"]
            );
        }
    }
    assert!(checked >= 16, "{checked}");
}
