//! Open data and machine-readable files: `dati/processi.json`,
//! `dati/processi.csv`, `dati/processi.xlsx`, `dati/datapackage.json` and
//! `sitemap.xml`. The JSON fields and the CSV's columns (from
//! [`crate::dictionary`]) are a public interface documented in the README:
//! change them only additively.

use super::table::{sheet_columns, sheet_role, DataNode, Table};
use crate::config::Config;
use crate::content::SourceColumn;
use crate::dictionary;
use crate::mapping::{Record, Role};
use crate::site::error::{data, io, BuildError};
use crate::site::history::History;
use crate::site::layout::DATA_DIR;
use crate::site::layout::{CSV, JSON, PACKAGE, XLSX};
use crate::site::output::{Blocks, Folder};
use crate::site::tree::Tree;
use crate::text::escape_html;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Serialize)]
struct Json<'a> {
    processes: Vec<JsonNode<'a>>,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    code: String,
    title: &'a str,
    level: usize,
    level_name: String,
    parent: Option<String>,
    url: &'a str,
    /// [`dictionary::UPDATED_MEANING`].
    updated: Option<String>,
    activities: Vec<JsonActivity<'a>>,
    /// Rows of the sheet that only name the node (a code and a title, or a
    /// name given on a heading row): kept, so that nothing of the sheet is
    /// only in the pages.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    headings: Vec<JsonHeading<'a>>,
}

/// A row of the sheet that holds data, cells as read.
#[derive(Serialize)]
struct JsonActivity<'a> {
    line: usize,
    code_cell: &'a str,
    name: &'a str,
    input: &'a str,
    output: &'a str,
    steps: &'a str,
    responsible: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extra: &'a BTreeMap<String, String>,
}

/// A heading row: no data, only the code cell and perhaps a name.
#[derive(Serialize)]
struct JsonHeading<'a> {
    line: usize,
    code_cell: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    name: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extra: &'a BTreeMap<String, String>,
}

impl<'a> From<&'a Record> for JsonActivity<'a> {
    fn from(r: &'a Record) -> Self {
        JsonActivity {
            line: r.line,
            code_cell: &r.code_cell,
            name: &r.name,
            input: &r.input,
            output: &r.output,
            steps: &r.steps,
            responsible: &r.responsible,
            extra: &r.extra,
        }
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
    write_json(config, nodes, folder, &dir.join(JSON))?;
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
                activities: n
                    .rows
                    .iter()
                    .filter(|r| r.has_data())
                    .map(JsonActivity::from)
                    .collect(),
                headings: n
                    .rows
                    .iter()
                    .filter(|r| !r.has_data())
                    .map(|r| JsonHeading {
                        line: r.line,
                        code_cell: &r.code_cell,
                        name: &r.name,
                        extra: &r.extra,
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut text = Blocks::default();
    serde_json::to_writer_pretty(&mut text, &json).map_err(data(&folder.path(path)))?;
    drop(json);
    text.write_all(b"\n").map_err(io(&folder.path(path)))?;
    folder.write_parts(path, &text.parts())
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
            if let Some(h) = sheet_role(f.name).and_then(|r| files.sheet_headers.get(&r)) {
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
