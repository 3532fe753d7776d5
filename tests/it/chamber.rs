//! Another chamber's map: its sheet words and orders the columns its own
//! way, and its book is made from scratch.

use crate::common::*;

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
    b.json()["processi"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["attivita"].as_array().unwrap().clone())
        .map(|mut a| {
            a.as_object_mut().unwrap().remove("altre_colonne");
            a
        })
        .collect()
}

#[test]
fn another_chambers_wording_of_the_columns_is_recognised() {
    let ours = Book::built();
    let b = Book::new();
    std::fs::write(b.join(SHEET), other_chambers_sheet("Fasi del processo")).unwrap();
    let out = b.run(&["controlla"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // No step list reported missing: "Fasi del processo" is the steps.
    assert!(!stdout(&out).contains("M011"), "{}", stdout(&out));
    assert!(b.run(&["importa"]).status.success());
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(activities(&b), activities(&ours));
    let page = text(main_of(&b.read("book/processi/C2.6.1.1.html")));
    assert!(!page.contains("non indicato"), "{page}");
}

#[test]
fn a_column_named_in_no_known_way_gets_a_proposal_then_a_mapping() {
    let b = Book::new();
    std::fs::write(b.join(SHEET), other_chambers_sheet("Passaggi")).unwrap();
    let out = b.run(&["controlla"]);
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
    let out = b.run(&["controlla"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains("M011"));
    // A role that does not exist is named with its line.
    std::fs::write(
        b.join("book.toml"),
        format!("{toml}\n[colonne]\n\"Passaggi\" = \"fasi\"\n"),
    )
    .unwrap();
    let out = b.run(&["controlla"]);
    let err = stderr(&out);
    assert!(
        err.contains("book.toml:")
            && err.contains(
                "il ruolo deve essere uno fra codice, nome, input, output, sequenza, responsabile"
            ),
        "{err}"
    );
}

/// `book.toml` without its `[ente]` table.
fn without_ente(toml: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in toml.lines() {
        if line.starts_with('[') {
            skipping = line.trim() == "[ente]";
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn the_map_sits_inside_the_chambers_site_when_ente_is_set() {
    let b = Book::shared();
    let page = b.read("book/processi/C2.6.1.1.html");
    let header =
        &page[page.find("<header class=\"testata\"").unwrap()..page.find("</header>").unwrap()];
    assert!(
        header
            .contains("href=\"https://www.esempio.camcom.it/\">Camera di commercio di Esempio</a>"),
        "{header}"
    );
    assert!(header.contains(">Amministrazione trasparente</a>"));
    assert!(header.contains("<img class=\"logo\" src=\"../assets/logo-ente.svg\" width=\"48\" height=\"48\" alt=\"\">"), "{header}");
    assert!(b.join("book/assets/logo-ente.svg").is_file());
    // The trail starts at the chamber's home.
    let crumbs = &page[page.find("class=\"briciole\"").unwrap()..];
    let links = attrs(&crumbs[..crumbs.find("</nav>").unwrap()], "href");
    assert_eq!(
        &links[..5],
        [
            "https://www.esempio.camcom.it/",
            "https://www.esempio.camcom.it/amministrazione-trasparente/",
            "https://www.esempio.camcom.it/amministrazione-trasparente/altri-contenuti/",
            "https://www.esempio.camcom.it/amministrazione-trasparente/altri-contenuti/prevenzione-della-corruzione/",
            "../index.html"
        ]
    );
    let footer = text(&page[page.find("<footer").unwrap()..]);
    for words in [
        "Mappatura adottata con Delibera di Giunta n. 12 del 28/01/2026",
        "Ufficio responsabile Ufficio Trasparenza e anticorruzione: trasparenza@esempio.camcom.it",
        "Posta elettronica certificata (PEC) protocollo@pec.esempio.camcom.it",
        "Segnala un errore",
        "Dichiarazione di accessibilità",
    ] {
        assert!(footer.contains(words), "{words}: {footer}");
    }
    assert!(page.contains("href=\"mailto:urp@esempio.camcom.it\""));
    assert!(page.contains("href=\"https://www.esempio.camcom.it/dichiarazione-di-accessibilita\""));
    // The home page has the trail too.
    let home = b.read("book/index.html");
    assert!(home.contains("class=\"briciole\""));
}

#[test]
fn without_ente_nothing_empty_is_published_and_build_says_what_is_missing() {
    let b = Book::imported();
    let toml = without_ente(&b.read("book.toml"));
    assert!(!toml.contains("[ente]"));
    std::fs::write(b.join("book.toml"), toml).unwrap();
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    for key in [
        "nome",
        "sito",
        "trasparenza",
        "ufficio",
        "segnalazioni",
        "accessibilita",
        "atto",
    ] {
        assert!(
            err.contains(&format!("[ente] manca «{key}»")),
            "{key}: {err}"
        );
    }
    for file in ["book/index.html", "book/processi/C2.6.1.1.html"] {
        let page = b.read(file);
        assert!(!page.contains("testata-sottile"), "{file}");
        assert!(!page.contains("Amministrazione trasparente"), "{file}");
        assert!(!page.contains("Contatti"), "{file}");
        assert!(!page.contains("class=\"logo\""), "{file}");
        assert!(!page.contains("href=\"\""), "{file}: an empty link");
        // The name is asked once, in [ente]: without it, the default.
        assert!(
            !page.contains("Camera di commercio di Esempio")
                && page.contains("<title>")
                && page.contains("Camera di commercio"),
            "{file}: the chamber's name without [ente]"
        );
    }
    assert!(!b.read("book/index.html").contains("class=\"briciole\""));
}

/// Runs `manuale ARGS` in `dir`, a folder outside the repository.
fn manuale(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    crate::common::manuale_command()
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn init_makes_another_chambers_book_end_to_end() {
    let outside = tempfile::tempdir().unwrap();
    assert!(!outside.path().starts_with(repo()));
    let sheet = outside.path().join("mappatura-alpi.tsv");
    std::fs::write(&sheet, other_chambers_sheet("Descrizione delle fasi")).unwrap();
    let out = manuale(
        outside.path(),
        &[
            "nuovo",
            "alpi",
            "mappatura-alpi.tsv",
            "--ente",
            "Camera di commercio delle Alpi",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("Foglio importato"), "{said}");
    assert!(
        said.contains("Prossimi passi") && said.contains("completa [ente]"),
        "{said}"
    );
    let book = outside.path().join("alpi");
    for p in [
        "book.toml",
        "data/mappatura-alpi.tsv",
        "content/_index.md",
        "themes/ente/LEGGIMI.txt",
    ] {
        assert!(book.join(p).exists(), "{p}");
    }
    // The chamber fills in [ente] as book.toml asks.
    let toml = std::fs::read_to_string(book.join("book.toml"))
        .unwrap()
        .replace(
            "# sito = \"https://www.camcom.it/\"",
            "sito = \"https://www.alpi.camcom.it/\"",
        )
        .replace(
            "# trasparenza = \"https://www.camcom.it/amministrazione-trasparente/\"",
            "trasparenza = \"https://www.alpi.camcom.it/amministrazione-trasparente/\"",
        )
        .replace(
            "# atto = \"Delibera di Giunta n. … del …\"",
            "atto = \"Delibera di Giunta n. 3 del 15/01/2026\"",
        );
    std::fs::write(book.join("book.toml"), toml).unwrap();
    let out = manuale(&book, &["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        !err.contains("manca «sito»") && err.contains("manca «accessibilita»"),
        "{err}"
    );
    let page = std::fs::read_to_string(book.join("book/processi/C2.6.1.1.html")).unwrap();
    assert!(page.contains("<title>C2.6.1.1 "), "{page}");
    assert!(page.contains("· Camera di commercio delle Alpi</title>"));
    assert!(
        page.contains("href=\"https://www.alpi.camcom.it/\">Camera di commercio delle Alpi</a>")
    );
    assert!(page.contains("Mappatura adottata con Delibera di Giunta n. 3 del 15/01/2026"));
    // Every step list found under its own header.
    assert!(!text(main_of(&page)).contains("non indicato"));
    // Links inside the site lead to pages that exist.
    for href in attrs(&page, "href")
        .iter()
        .filter(|h| h.starts_with("../processi/"))
    {
        let target = book
            .join("book")
            .join(href.trim_start_matches("../").split('#').next().unwrap());
        assert!(target.is_file(), "{href}");
    }
}

#[test]
fn init_refuses_a_folder_with_files_and_says_what_a_sheet_lacks() {
    let outside = tempfile::tempdir().unwrap();
    let busy = outside.path().join("occupata");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("mio.txt"), "mio").unwrap();
    let out = manuale(outside.path(), &["nuovo", "occupata"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("non è vuota"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&busy).unwrap().count(), 1);
    // A sheet whose steps column has a name of its own: the book is made,
    // the import says what to write in [colonne], and then works.
    std::fs::write(
        outside.path().join("m.tsv"),
        other_chambers_sheet("Passaggi"),
    )
    .unwrap();
    let out = manuale(outside.path(), &["nuovo", "nuova", "m.tsv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("[colonne] \"Passaggi\" = \"sequenza\"")
            && err.contains("Il manuale è stato creato"),
        "{err}"
    );
    let book = outside.path().join("nuova");
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    std::fs::write(
        book.join("book.toml"),
        toml.replace(
            "# [colonne]\n# \"Passaggi\" = \"sequenza\"",
            "[colonne]\n\"Passaggi\" = \"sequenza\"",
        ),
    )
    .unwrap();
    let out = manuale(&book, &["importa"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A book with the theme `ente`, whose `header.html` and `footer.html` are
/// `header` and `footer`; imported.
fn book_with_frame(header: &str, footer: &str) -> Book {
    let b = Book::imported();
    let toml = b
        .read("book.toml")
        .replace("# tema = \"default\"", "tema = \"ente\"");
    std::fs::write(b.join("book.toml"), toml).unwrap();
    let templates = b.join("themes/ente/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("header.html"), header).unwrap();
    std::fs::write(templates.join("footer.html"), footer).unwrap();
    b
}

#[test]
fn a_chambers_header_and_footer_reach_every_page_with_links_that_work_from_its_folder() {
    // The frame is rendered once per folder, not per page: each page must
    // still get it, with `root` right for its own depth.
    let b = book_with_frame(
        "<header class=\"testata\"><a class=\"casa\" href=\"{{ root }}index.html\">{{ ente.nome }}</a></header>\n",
        "<footer class=\"piede\"><a class=\"dati\" href=\"{{ root }}{{ data_page }}\">{{ ui.open_data }}</a></footer>\n",
    );
    b.freeze_first_edition();
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "build failed: {}", stderr(&out));
    let site = b.join("book");
    let mut pages = 0;
    let mut depths = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "html") || path.ends_with("404.html") {
            continue;
        }
        let html = std::fs::read_to_string(path).unwrap();
        if !html.contains("<body") || html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        let folder = path.parent().unwrap();
        let rel = path.strip_prefix(&site).unwrap().display().to_string();
        for (class, target) in [("casa", "index.html"), ("dati", "dati-aperti.html")] {
            let at = html
                .find(&format!("class=\"{class}\""))
                .unwrap_or_else(|| panic!("{rel}: no link «{class}» from the theme's frame"));
            let href = &attrs(&html[at - 3..], "href")[0];
            assert_eq!(
                folder.join(href).canonicalize().ok(),
                site.join(target).canonicalize().ok(),
                "{rel}: {href} does not lead to {target}"
            );
        }
        assert_eq!(
            html.matches("Camera di commercio di Esempio</a></header>")
                .count(),
            1,
            "{rel}"
        );
        depths.insert(rel.matches('/').count());
        pages += 1;
    }
    assert!(pages > 300, "{pages} pages");
    assert!(
        depths.len() >= 3,
        "pages at depths {depths:?}: the edition's pages are deeper"
    );
}

#[test]
fn a_header_that_asks_for_the_page_is_refused_by_name() {
    // The frame is the same on every page of a folder: were it to show a
    // page's title, every page would show the first one's.
    let b = book_with_frame(
        "<header class=\"testata\">{{ page.title }}</header>\n",
        "<footer class=\"piede\"></footer>\n",
    );
    let out = b.run(&["costruisci"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("header.html") && err.contains("page"), "{err}");
    assert!(!b.join("book").exists(), "nothing published");
}

#[test]
fn a_theme_written_for_tera_1_is_refused_with_what_changed() {
    // The templates are Tera 2's: a chamber's own header that still imports
    // the macros is refused where it does, and told what took their place.
    let b = book_with_frame(
        "{% import \"macros.html\" as m %}<header>{{ m::filters(ui=ui, search_functions=search_functions, search_roles=search_roles, id=\"t\") }}</header>\n",
        "<footer class=\"piede\"></footer>\n",
    );
    let out = b.run(&["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("header.html:1"), "{err}");
    assert!(
        err.contains("{% component") && err.contains("Tera 2"),
        "{err}"
    );
    assert!(!b.join("book").exists(), "nothing published");
}

#[test]
fn a_theme_whose_base_has_its_own_header_is_not_made_to_render_the_default_one() {
    // A chamber's base.html from before header.html existed: the frame's
    // templates are not rendered, so one they cannot render (here, one
    // that asks for the page) does not fail their build.
    let b = book_with_frame(
        "<header class=\"testata\">{{ page.title }}</header>\n",
        "<footer class=\"piede\">{{ page.title }}</footer>\n",
    );
    let base = std::fs::read_to_string(repo().join("themes/default/templates/base.html"))
        .unwrap()
        .replace(
            "{{ header_html | safe }}",
            "<header class=\"testata\">Testata dell'ente</header>",
        )
        .replace(
            "{{ footer_html | safe }}",
            "<footer class=\"piede\">Piede dell'ente</footer>",
        );
    std::fs::write(b.join("themes/ente/templates/base.html"), base).unwrap();
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "build failed: {}", stderr(&out));
    let page = b.read("book/processi/C2.6.1.1.html");
    assert!(
        page.contains("<header class=\"testata\">Testata dell'ente</header>"),
        "{page}"
    );
    assert!(page.contains("<footer class=\"piede\">Piede dell'ente</footer>"));
}
