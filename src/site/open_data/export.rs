//! Open data and machine-readable files: `dati/processi.json`,
//! `dati/processi.csv`, `dati/processi.xlsx`, `dati/datapackage.json` and
//! `sitemap.xml`. The JSON fields and the CSV's columns (from
//! [`crate::dictionary`]) are a public interface documented in the guide
//! (docs/guida/riferimento.md): one naming rule for both, Italian machine
//! names; change them only additively, and keep a renamed key readable for
//! a release.

use super::table::{sheet_columns, DataNode, Table};
use crate::config::Config;
use crate::content::SourceColumn;
use crate::dictionary;
use crate::mapping::{Record, Role};
use crate::site::error::{data, io, BuildError};
use crate::site::history::History;
use crate::site::layout::DATA_DIR;
use crate::site::layout::{CSV, JSON, JSON_OLD_KEYS, PACKAGE, XLSX};
use crate::site::output::{Blocks, Folder};
use crate::site::tree::Tree;
use crate::text::escape_html;
use std::collections::BTreeMap;
use std::path::Path;

/// `processi.json`: its keys are the CSV's column names (one naming rule
/// for both, Italian machine names), in [`Keys::ITALIAN`]. The English keys
/// of the first releases ([`Keys::ENGLISH`]) are written for one release
/// more, in `processi-chiavi-inglesi.json` beside it, for the programs
/// that read them.
struct Json<'a> {
    processes: Vec<JsonNode<'a>>,
}

struct JsonNode<'a> {
    code: String,
    title: &'a str,
    level: usize,
    level_name: String,
    parent: Option<String>,
    url: &'a str,
    /// [`dictionary::UPDATED_MEANING`].
    updated: Option<String>,
    activities: Vec<&'a Record>,
    /// Rows of the sheet that only name the node (a code and a title, or a
    /// name given on a heading row): kept, so that nothing of the sheet is
    /// only in the pages.
    headings: Vec<&'a Record>,
}

/// The keys of `processi.json`, one set per naming.
struct Keys {
    processes: &'static str,
    code: &'static str,
    title: &'static str,
    level: &'static str,
    level_name: &'static str,
    parent: &'static str,
    url: &'static str,
    updated: &'static str,
    activities: &'static str,
    headings: &'static str,
    line: &'static str,
    code_cell: &'static str,
    name: &'static str,
    input: &'static str,
    output: &'static str,
    steps: &'static str,
    responsible: &'static str,
    extra: &'static str,
}

impl Keys {
    /// The CSV's column names (the dictionary's), and four of their own:
    /// `processi`, `attivita`, `intestazioni`, `altre_colonne`.
    const ITALIAN: Keys = Keys {
        processes: "processi",
        code: dictionary::CODE,
        title: "titolo",
        level: "livello",
        level_name: "nome_livello",
        parent: "codice_padre",
        url: "pagina",
        updated: "aggiornato",
        activities: "attivita",
        headings: "intestazioni",
        line: dictionary::LINE,
        code_cell: "codifica_unioncamere",
        name: "nome_attivita",
        input: "input",
        output: "output",
        steps: "sequenza_attivita",
        responsible: "responsabile",
        extra: "altre_colonne",
    };

    /// The keys of the first releases, written for one release more.
    const ENGLISH: Keys = Keys {
        processes: "processes",
        code: "code",
        title: "title",
        level: "level",
        level_name: "level_name",
        parent: "parent",
        url: "url",
        updated: "updated",
        activities: "activities",
        headings: "headings",
        line: "line",
        code_cell: "code_cell",
        name: "name",
        input: "input",
        output: "output",
        steps: "steps",
        responsible: "responsible",
        extra: "extra",
    };
}

/// `value` written with the keys `keys`.
struct Keyed<'k, T> {
    value: T,
    keys: &'k Keys,
}

impl serde::Serialize for Keyed<'_, &Json<'_>> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        let nodes = Keyed {
            value: &self.value.processes[..],
            keys: self.keys,
        };
        m.serialize_entry(self.keys.processes, &nodes)?;
        m.end()
    }
}

/// The nodes, each written as it comes (no list of them made first).
impl serde::Serialize for Keyed<'_, &[JsonNode<'_>]> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.value.iter().map(|n| Keyed {
            value: n,
            keys: self.keys,
        }))
    }
}

impl serde::Serialize for Keyed<'_, &JsonNode<'_>> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (n, k) = (self.value, self.keys);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry(k.code, &n.code)?;
        m.serialize_entry(k.title, n.title)?;
        m.serialize_entry(k.level, &n.level)?;
        m.serialize_entry(k.level_name, &n.level_name)?;
        m.serialize_entry(k.parent, &n.parent)?;
        m.serialize_entry(k.url, n.url)?;
        m.serialize_entry(k.updated, &n.updated)?;
        let activities = Keyed {
            value: (&n.activities[..], false),
            keys: k,
        };
        m.serialize_entry(k.activities, &activities)?;
        if !n.headings.is_empty() {
            let headings = Keyed {
                value: (&n.headings[..], true),
                keys: k,
            };
            m.serialize_entry(k.headings, &headings)?;
        }
        m.end()
    }
}

/// Rows of the sheet, each written as it comes: activities (`false`) or
/// headings (`true`).
impl serde::Serialize for Keyed<'_, (&[&Record], bool)> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (rows, heading) = self.value;
        s.collect_seq(rows.iter().map(|r| Keyed {
            value: (*r, heading),
            keys: self.keys,
        }))
    }
}

/// A row of the sheet, cells as read: one with data (all its cells), or a
/// heading (no data: the code cell and perhaps a name).
impl serde::Serialize for Keyed<'_, (&Record, bool)> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let ((r, heading), k) = (self.value, self.keys);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry(k.line, &r.line)?;
        m.serialize_entry(k.code_cell, &r.code_cell)?;
        if heading {
            if !r.name.is_empty() {
                m.serialize_entry(k.name, &r.name)?;
            }
        } else {
            m.serialize_entry(k.name, &r.name)?;
            m.serialize_entry(k.input, &r.input)?;
            m.serialize_entry(k.output, &r.output)?;
            m.serialize_entry(k.steps, &r.steps)?;
            m.serialize_entry(k.responsible, &r.responsible)?;
        }
        if !r.extra.is_empty() {
            m.serialize_entry(k.extra, &r.extra)?;
        }
        m.end()
    }
}

/// Writes the open data, and the sitemap when the site's address is known
/// (with the editions' pages, each with the day it last changed).
pub(crate) fn write(
    config: &Config,
    tree: &Tree,
    history: &History,
    folder: &Folder,
) -> Result<(), BuildError> {
    let nodes: Vec<DataNode> = tree
        .nodes
        .iter()
        .map(|n| DataNode {
            code: &n.code,
            title: &n.title,
            url: &n.url,
            updated: n.last_updated().map(|d| d.to_string()),
            rows: &n.page.front.rows,
        })
        .collect();
    let columns = sheet_columns(tree);
    let dir = Path::new(DATA_DIR);
    let files = write_data(config, &nodes, &columns, folder, dir)?;
    let updated = tree.updated().map(|d| d.to_string());
    write_package(config, &files, updated.as_deref(), folder, dir)?;
    if let Some(site) = config.site_url() {
        write_sitemap(tree, &history.sitemap(), &site, folder)?;
    }
    Ok(())
}

/// The files [`write_data`] wrote, for the data package and the catalogue.
pub(super) struct DataFiles {
    /// The CSV's columns ([`Table::header`]) and, past the dictionary's,
    /// the sheet's headers of the others ([`Table::extra`]).
    pub(super) header: Vec<String>,
    pub(super) extra: Vec<String>,
    /// Headers of the sheet by role, as the sheet wrote them.
    pub(super) sheet_headers: BTreeMap<Role, String>,
}

/// `processi.json`, `processi.csv` and `processi.xlsx` of `nodes` in the
/// folder `dir`.
pub(super) fn write_data(
    config: &Config,
    nodes: &[DataNode],
    columns: &[SourceColumn],
    folder: &Folder,
    dir: &Path,
) -> Result<DataFiles, BuildError> {
    folder.create_dir(dir)?;
    // The English keys only beside the live data: an edition's files are
    // published once and never change, so they get the new keys alone.
    let old_keys = (dir == Path::new(DATA_DIR)).then(|| dir.join(JSON_OLD_KEYS));
    write_json(config, nodes, folder, &dir.join(JSON), old_keys.as_deref())?;
    let table = Table::new(config, nodes, columns);
    write_csv(&table, folder, &dir.join(CSV))?;
    let updated = nodes.iter().filter_map(|n| n.updated.as_deref()).max();
    super::workbook::write(config, &table, updated, folder, &dir.join(XLSX))?;
    let sheet_headers = columns
        .iter()
        .filter_map(|c| match c.field {
            Some(Role::Normalised) | None => None,
            Some(role) => Some((role, c.header.clone())),
        })
        .collect();
    // The rows are not needed any more: the data package only names the
    // columns.
    let Table { header, extra, .. } = table;
    Ok(DataFiles {
        header,
        extra,
        sheet_headers,
    })
}

/// `processi.json`: every process with its activities and headings. It is
/// made in blocks and written from them (a national map's is over 100 MB),
/// and what it is made from is dropped before the CSV is.
fn write_json(
    config: &Config,
    nodes: &[DataNode],
    folder: &Folder,
    path: &Path,
    old_keys: Option<&Path>,
) -> Result<(), BuildError> {
    use std::io::Write;
    let json = Json {
        processes: nodes
            .iter()
            .map(|n| JsonNode {
                code: n.code.to_string(),
                title: n.title,
                level: n.code.level(),
                level_name: config.level_name(n.code.level()),
                parent: n.code.parent().map(|p| p.to_string()),
                url: n.url,
                updated: n.updated.clone(),
                activities: n.rows.iter().filter(|r| r.has_data()).collect(),
                headings: n.rows.iter().filter(|r| !r.has_data()).collect(),
            })
            .collect(),
    };
    let write = |keys: &Keys, path: &Path| -> Result<(), BuildError> {
        let mut text = Blocks::default();
        serde_json::to_writer_pretty(&mut text, &Keyed { value: &json, keys })
            .map_err(data(&folder.path(path)))?;
        text.write_all(b"\n").map_err(io(&folder.path(path)))?;
        folder.write_parts(path, &text.parts())
    };
    write(&Keys::ITALIAN, path)?;
    if let Some(old) = old_keys {
        write(&Keys::ENGLISH, old)?;
    }
    Ok(())
}

/// One row per row of the sheet (headings included), in tree order, with
/// the dictionary's columns: `manuale import` reads it back.
/// A cell of the CSV as bytes, neutralised by [`dictionary::csv_cell`].
fn safe(c: &str) -> std::borrow::Cow<'_, [u8]> {
    match dictionary::csv_cell(c) {
        std::borrow::Cow::Borrowed(b) => b.as_bytes().into(),
        std::borrow::Cow::Owned(o) => o.into_bytes().into(),
    }
}

fn write_csv(table: &Table, folder: &Folder, path: &Path) -> Result<(), BuildError> {
    let mut w = csv::WriterBuilder::new().from_writer(Blocks::default());
    let full = folder.path(path);
    let csv_err = |e: csv::Error| data(&full)(e);
    // No cell runs as a formula in a spreadsheet (dictionary::CSV_FORMULAS);
    // the others are written from where they are, not copied.

    w.write_record(table.header.iter().map(|c| safe(c)))
        .map_err(csv_err)?;
    for row in &table.rows {
        w.write_record(row.iter().map(|c| safe(c)))
            .map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| data(&full)(e.into_error()))?;
    folder.write_parts(path, &bytes.parts())
}

/// The licence as the data package names it: an SPDX identifier when the
/// book's licence is one of the usual ones.
fn spdx(licence: &str) -> Option<&'static str> {
    let l: String = licence
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    Some(match l.as_str() {
        "ccby4.0" => "CC-BY-4.0",
        "ccbysa4.0" => "CC-BY-SA-4.0",
        "cc01.0" | "cc0" => "CC0-1.0",
        "iodl2.0" => "IODL-2.0",
        _ => return None,
    })
}

/// `datapackage.json`: the Frictionless description of the CSV, every
/// column with its type, Italian title and description, and the licence.
fn write_package(
    config: &Config,
    files: &DataFiles,
    updated: Option<&str>,
    folder: &Folder,
    dir: &Path,
) -> Result<(), BuildError> {
    use serde_json::{json, Value};
    let mut fields: Vec<Value> = dictionary::FIELDS
        .iter()
        .map(|f| {
            let mut description = f.description.to_string();
            if let Some(h) = f.sheet_role().and_then(|r| files.sheet_headers.get(&r)) {
                description.push_str(&format!(" Nel foglio: «{h}»."));
            }
            let mut v = json!({
                "name": f.name,
                "type": f.kind.name(),
                "title": f.title,
                "description": description,
            });
            let mut constraints = serde_json::Map::new();
            if f.required {
                constraints.insert("required".into(), json!(true));
            }
            if f.kind == dictionary::Type::Integer {
                constraints.insert("minimum".into(), json!(1));
            }
            if f.name == "tipo_riga" {
                constraints.insert(
                    "enum".into(),
                    json!([dictionary::HEADING_ROW, dictionary::DATA_ROW]),
                );
            }
            if !constraints.is_empty() {
                v["constraints"] = Value::Object(constraints);
            }
            v
        })
        .collect();
    let own = dictionary::FIELDS.len();
    for (name, header) in files.header[own..].iter().zip(&files.extra) {
        fields.push(json!({
            "name": name,
            "type": "string",
            "title": header,
            "description": format!("Colonna «{header}» del foglio, non prevista dallo schema Unioncamere: riportata com'è."),
        }));
    }
    let book = &config.book;
    let mut licence = json!({
        "path": book.licence_url,
        "title": book.licence,
    });
    if let Some(id) = spdx(&book.licence) {
        licence["name"] = json!(id);
    }
    let chamber = config.chamber_name();
    let mut source = json!({ "title": format!("{chamber}: {}", config.dataset_title()) });
    if let Some(site) = config.site_url() {
        source["path"] = json!(site);
    }
    let mut package = json!({
        "profile": "tabular-data-package",
        "name": "mappatura-processi",
        "title": config.dataset_title(),
        "description": config.dataset_description(),
        "language": "it",
        "licenses": [licence],
        "sources": [source],
        "contributors": [{ "title": chamber, "role": "publisher" }],
        "resources": [{
            "profile": "tabular-data-resource",
            "name": "processi",
            "path": CSV,
            "title": "Mappatura dei processi, una riga per ogni riga del foglio",
            "description": dictionary::CSV_FORMULAS,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": { "delimiter": ",", "quoteChar": "\"", "header": true },
            "schema": {
                "fields": fields,
                "missingValues": [""],
            },
        }],
    });
    if let Some(d) = updated {
        package["updated"] = json!(d);
    }
    let path = dir.join(PACKAGE);
    let mut text = serde_json::to_string_pretty(&package).map_err(data(&folder.path(&path)))?;
    text.push('\n');
    folder.write(&path, text.as_bytes())
}

fn write_sitemap(
    tree: &Tree,
    more: &[(String, Option<String>)],
    site: &str,
    folder: &Folder,
) -> Result<(), BuildError> {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut entry = |url: &str, date: Option<String>| {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape_html(&format!("{site}{url}")));
        xml.push_str("</loc>");
        if let Some(d) = date {
            xml.push_str("<lastmod>");
            xml.push_str(&d);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    };
    entry("", tree.updated().map(|d| d.to_string()));
    for n in &tree.nodes {
        entry(&n.url, n.last_updated().map(|d| d.to_string()));
    }
    for (url, day) in more {
        entry(url, day.clone());
    }
    xml.push_str("</urlset>\n");
    folder.write("sitemap.xml", xml.as_bytes())
}
