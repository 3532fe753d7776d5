//! `dati/catalogo.ttl`: the open data described in DCAT-AP_IT, the Italian
//! profile of DCAT that the national catalogue (dati.gov.it) harvests. A
//! catalogue with one dataset (the map), one distribution per format and per
//! edition, the chamber as publisher and rights holder (with its IPA code),
//! a contact point and the licence, every mandatory element of the AgID
//! guidelines (`italia/linee-guida-cataloghi-dati-dcat-ap-it`, pages
//! `*_elementi_obbligatori`) with themes, frequencies and formats as IRIs
//! of the EU vocabularies.
//!
//! Turtle, written here rather than through an RDF library: the graph is
//! small and fixed, and the file reads like the guidelines' examples. Without
//! `site_url` the addresses are relative to the file, which RDF resolves
//! against the address the harvester read it from, so the file works under
//! any sub-path as the rest of the site does.

use crate::config::{Config, Ente};
use crate::site::error::BuildError;
use crate::site::history::History;
use crate::site::layout::{CSV, DATA_DIR, EDITIONS_DIR, JSON, XLSX};
use crate::site::output::Folder;
use crate::site::tree::Tree;
use std::fmt::Write as _;
use std::path::Path;

/// The file's name in the data folder.
pub(super) const FILE: &str = "catalogo.ttl";

const EU: &str = "http://publications.europa.eu/resource/authority";
const LICENCES: &str = "https://w3id.org/italia/controlled-vocabulary/licences";

/// A licence of AgID's vocabulary: IRI, type, name, version.
struct Licence {
    iri: String,
    kind: Option<String>,
    name: String,
    version: Option<&'static str>,
}

/// The licence's entry in AgID's vocabulary, for the licences `manuale`
/// knows; otherwise `[dati] licenza_iri`, or the licence's own page.
fn licence(config: &Config) -> (Licence, bool) {
    let l: String = config
        .book
        .licence
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let known = match l.as_str() {
        "ccby4.0" => Some(("A21_CCBY40", "A2_Attribution", "4.0")),
        "ccbysa4.0" => Some(("A29_CCBYSA40", "A2_Attribution", "4.0")),
        "cc01.0" | "cc0" => Some(("A11_CCO10", "A1_PublicDomain", "1.0")),
        _ => None,
    };
    let name = config.book.licence.clone();
    match (&config.dati.licenza_iri, known) {
        (Some(iri), _) => (
            Licence {
                iri: iri.clone(),
                kind: None,
                name,
                version: None,
            },
            true,
        ),
        (None, Some((code, kind, version))) => (
            Licence {
                iri: format!("{LICENCES}/{code}"),
                kind: Some(format!("{LICENCES}/{kind}")),
                name,
                version: Some(version),
            },
            true,
        ),
        (None, None) => (
            Licence {
                iri: config.book.licence_url.clone(),
                kind: None,
                name,
                version: None,
            },
            false,
        ),
    }
}

/// What the catalogue needs and the book does not say: one warning each.
pub(crate) fn missing(config: &Config) -> Vec<String> {
    let mut out = Vec::new();
    if config.ente.codice_ipa.is_none() {
        out.push(
            "[ente] manca «codice_ipa»: il catalogo nazionale (DCAT-AP_IT) identifica l'ente e il \
             dataset con il codice IPA (indicepa.gov.it); dati/catalogo.ttl usa il nome dell'ente"
                .to_string(),
        );
    }
    if contact(config).is_none() {
        out.push(
            "[dati] manca un contatto: scrivi «contatto_email» (o [ente] «ufficio_contatto» o \
             «urp» con un indirizzo e-mail), che il catalogo mostra come punto di contatto"
                .to_string(),
        );
    }
    if !licence(config).1 {
        out.push(format!(
            "[dati] manca «licenza_iri»: la licenza «{}» non è fra quelle che manuale conosce \
             (CC BY 4.0, CC BY-SA 4.0, CC0 1.0); indica il suo indirizzo nel vocabolario delle \
             licenze di AgID ({LICENCES}/…)",
            config.book.licence
        ));
    }
    if config.site_url().is_none() {
        out.push(
            "[manuale] manca «indirizzo»: dati/catalogo.ttl usa indirizzi relativi, che valgono solo \
             se il catalogo nazionale lo legge dal sito pubblicato; con l'indirizzo del sito sono completi"
                .to_string(),
        );
    }
    out
}

/// The contact point: an office's name and an e-mail address.
fn contact(config: &Config) -> Option<(String, String)> {
    let ente = &config.ente;
    let email = |c: &Option<String>| {
        c.as_deref()
            .and_then(Ente::href)
            .filter(|h| h.starts_with("mailto:"))
            .map(|h| h.trim_start_matches("mailto:").to_string())
    };
    let address = config
        .dati
        .contatto_email
        .as_ref()
        .map(|e| e.trim().trim_start_matches("mailto:").to_string())
        .or_else(|| email(&ente.ufficio_contatto))
        .or_else(|| email(&ente.urp))?;
    let name = config
        .dati
        .contatto_nome
        .clone()
        .or_else(|| ente.ufficio.clone())
        .unwrap_or_else(|| "Ufficio relazioni con il pubblico".to_string());
    Some((name, address))
}

/// A literal in Turtle's quotes.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn it(s: &str) -> String {
    format!("{}@it", lit(s))
}

/// An IRI in angle brackets, with what Turtle forbids percent-encoded.
fn iri(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('<');
    for c in s.chars() {
        if c <= ' ' || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\') {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out.push('>');
    out
}

/// Addresses of the site's files, as seen from `dati/catalogo.ttl`.
struct Place {
    site: Option<String>,
}

impl Place {
    /// A file of the site by its path from the site's root.
    fn file(&self, path: &str) -> String {
        match &self.site {
            Some(site) => iri(&format!("{site}{path}")),
            None => iri(&format!("../{path}")),
        }
    }

    /// A node described in the catalogue file itself.
    fn node(&self, name: &str) -> String {
        match &self.site {
            Some(site) => iri(&format!("{site}{DATA_DIR}/{FILE}#{name}")),
            None => iri(&format!("#{name}")),
        }
    }
}

/// One distribution: a file of the site in one format.
struct Distribution {
    id: String,
    title: String,
    description: String,
    path: String,
    format: &'static str,
    modified: Option<String>,
}

pub(crate) fn write(
    config: &Config,
    tree: &Tree,
    history: &History,
    folder: &Folder,
) -> Result<(), BuildError> {
    let text = turtle(config, tree, history);
    folder.write(Path::new(DATA_DIR).join(FILE), text.as_bytes())
}

fn turtle(config: &Config, tree: &Tree, history: &History) -> String {
    let place = Place {
        site: config.site_url(),
    };
    let chamber = config.chamber_name();
    let ipa = config.ente.codice_ipa.as_deref();
    let modified = tree.updated().map(|d| d.to_string());
    let (licence, _) = licence(config);
    let title = config.dataset_title();
    let format_names = [("CSV", "CSV"), ("JSON", "JSON"), ("XLSX", "foglio Excel")];
    let mut distributions: Vec<Distribution> = [(CSV, "CSV"), (JSON, "JSON"), (XLSX, "XLSX")]
        .into_iter()
        .map(|(file, format)| {
            let name = format_names
                .iter()
                .find(|(f, _)| *f == format)
                .map_or(format, |(_, n)| n);
            Distribution {
                id: format!("distribuzione-{}", format.to_ascii_lowercase()),
                title: format!("{title} ({name})"),
                description: format!(
                    "La mappatura in vigore in formato {name}: una riga per ogni riga del foglio \
                     adottato, con le colonne descritte in datapackage.json e nella pagina «Dati \
                     aperti»."
                ),
                path: format!("{DATA_DIR}/{file}"),
                format,
                modified: modified.clone(),
            }
        })
        .collect();
    // The JSON's description differs: one entry per node.
    if let Some(d) = distributions.iter_mut().find(|d| d.format == "JSON") {
        d.description = format!(
            "La mappatura in vigore in formato JSON: una voce per ogni voce della mappatura, con \
             le sue attività. Licenza {}.",
            config.book.licence
        );
    }
    for e in history.editions.iter().rev() {
        let date = &e.info.data;
        for (file, format) in [(CSV, "CSV"), (JSON, "JSON"), (XLSX, "XLSX")] {
            distributions.push(Distribution {
                id: format!("edizione-{date}-{}", format.to_ascii_lowercase()),
                title: format!("{title}, edizione del {} ({format})", e.info.date_text()),
                description: format!("La mappatura come adottata con {} ({format}).", e.info.atto),
                path: format!("{EDITIONS_DIR}/{date}/{file}"),
                format,
                modified: Some(date.clone()),
            });
        }
    }

    let mut t = String::new();
    t.push_str(
        "# Catalogo DCAT-AP_IT dei dati aperti della mappatura dei processi, scritto da manuale.\n\
         # Da indicare al catalogo nazionale (dati.gov.it) come indirizzo da cui raccogliere i metadati.\n\n",
    );
    for (p, ns) in [
        ("dcatapit", "http://dati.gov.it/onto/dcatapit#"),
        ("dcat", "http://www.w3.org/ns/dcat#"),
        ("dct", "http://purl.org/dc/terms/"),
        ("foaf", "http://xmlns.com/foaf/0.1/"),
        ("vcard", "http://www.w3.org/2006/vcard/ns#"),
        ("owl", "http://www.w3.org/2002/07/owl#"),
        ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ] {
        let _ = writeln!(t, "@prefix {p}: <{ns}> .");
    }
    t.push('\n');
    let date = |d: &str| format!("{}^^xsd:date", lit(d));
    let list = |items: Vec<String>| items.join(" ,\n        ");

    // The catalogue.
    let _ = writeln!(
        t,
        "{}\n    a dcatapit:Catalog , dcat:Catalog ;",
        place.node("catalogo")
    );
    let _ = writeln!(
        t,
        "    dct:title {} ;",
        it(&format!("Dati aperti: {title}"))
    );
    let _ = writeln!(
        t,
        "    dct:description {} ;",
        it(&format!(
            "I dati aperti della mappatura dei processi pubblicata da {chamber} in «Amministrazione trasparente»."
        ))
    );
    let _ = writeln!(t, "    dct:publisher {} ;", place.node("ente"));
    if let Some(m) = &modified {
        let _ = writeln!(t, "    dct:modified {} ;", date(m));
    }
    let _ = writeln!(t, "    dct:language <{EU}/language/ITA> ;");
    let _ = writeln!(t, "    dcat:themeTaxonomy <{EU}/data-theme> ;");
    let _ = writeln!(t, "    foaf:homepage {} ;", place.file(""));
    let _ = writeln!(t, "    dcat:dataset {} .\n", place.node("mappatura"));

    // The dataset.
    let identifier = match ipa {
        Some(code) => config
            .dati
            .identificativo
            .clone()
            .unwrap_or_else(|| format!("{code}:mappatura-processi")),
        None => config
            .dati
            .identificativo
            .clone()
            .unwrap_or_else(|| "mappatura-processi".to_string()),
    };
    let _ = writeln!(
        t,
        "{}\n    a dcatapit:Dataset , dcat:Dataset ;",
        place.node("mappatura")
    );
    let _ = writeln!(t, "    dct:identifier {} ;", lit(&identifier));
    let _ = writeln!(t, "    dct:title {} ;", it(&title));
    let _ = writeln!(
        t,
        "    dct:description {} ;",
        it(&config.dataset_description())
    );
    if let Some(m) = &modified {
        let _ = writeln!(t, "    dct:modified {} ;", date(m));
    }
    let themes: Vec<String> = config
        .dati
        .themes()
        .iter()
        .map(|th| format!("<{EU}/data-theme/{th}>"))
        .collect();
    let _ = writeln!(t, "    dcat:theme {} ;", list(themes));
    let _ = writeln!(t, "    dct:rightsHolder {} ;", place.node("ente"));
    let _ = writeln!(t, "    dct:publisher {} ;", place.node("ente"));
    let _ = writeln!(
        t,
        "    dct:accrualPeriodicity <{EU}/frequency/{}> ;",
        config.dati.frequency()
    );
    let _ = writeln!(t, "    dct:language <{EU}/language/ITA> ;");
    let keywords: Vec<String> = config.dati.keywords().iter().map(|k| it(k)).collect();
    let _ = writeln!(t, "    dcat:keyword {} ;", list(keywords));
    let _ = writeln!(
        t,
        "    dcat:landingPage {} ;",
        place.file("dati-aperti.html")
    );
    let contact = contact(config);
    if contact.is_some() {
        let _ = writeln!(t, "    dcat:contactPoint {} ;", place.node("contatto"));
    }
    let dists: Vec<String> = distributions.iter().map(|d| place.node(&d.id)).collect();
    let _ = writeln!(t, "    dcat:distribution {} .\n", list(dists));

    // The distributions.
    for d in &distributions {
        let _ = writeln!(
            t,
            "{}\n    a dcatapit:Distribution , dcat:Distribution ;",
            place.node(&d.id)
        );
        let _ = writeln!(t, "    dct:title {} ;", it(&d.title));
        let _ = writeln!(t, "    dct:description {} ;", it(&d.description));
        let _ = writeln!(t, "    dct:format <{EU}/file-type/{}> ;", d.format);
        let _ = writeln!(t, "    dcat:accessURL {} ;", place.file(&d.path));
        let _ = writeln!(t, "    dcat:downloadURL {} ;", place.file(&d.path));
        if let Some(m) = &d.modified {
            let _ = writeln!(t, "    dct:modified {} ;", date(m));
        }
        let _ = writeln!(t, "    dct:license {} .\n", iri(&licence.iri));
    }

    // The licence.
    let _ = writeln!(
        t,
        "{}\n    a dcatapit:LicenseDocument , dct:LicenseDocument ;",
        iri(&licence.iri)
    );
    if let Some(kind) = &licence.kind {
        let _ = writeln!(t, "    dct:type {} ;", iri(kind));
    }
    if let Some(v) = licence.version {
        let _ = writeln!(t, "    owl:versionInfo {} ;", lit(v));
    }
    let _ = writeln!(t, "    foaf:name {} .\n", it(&licence.name));

    // The chamber, publisher and rights holder.
    let _ = writeln!(
        t,
        "{}\n    a dcatapit:Agent , foaf:Agent ;",
        place.node("ente")
    );
    if let Some(code) = ipa {
        let _ = writeln!(t, "    dct:identifier {} ;", lit(code));
    }
    let _ = writeln!(t, "    foaf:name {} .", it(&chamber));

    // Whom to ask.
    if let Some((name, email)) = contact {
        let _ = writeln!(
            t,
            "\n{}\n    a dcatapit:Organization , vcard:Organization , vcard:Kind ;",
            place.node("contatto")
        );
        let _ = writeln!(t, "    vcard:fn {} ;", lit(&name));
        let _ = writeln!(
            t,
            "    vcard:hasEmail {} .",
            iri(&format!("mailto:{email}"))
        );
    }
    t
}
