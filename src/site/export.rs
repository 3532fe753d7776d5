//! Open data and machine-readable files: `dati/processi.json`,
//! `dati/processi.csv` and `sitemap.xml`. The JSON and CSV fields are a
//! public interface documented in the README: change them only additively.

use super::error::{data, BuildError};
use super::layout::DATA_DIR;
use super::output::Folder;
use super::tree::Tree;
use crate::code::Code;
use crate::config::Config;
use crate::content::SourceColumn;
use crate::mapping::{Record, Role};
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
    updated: Option<String>,
    activities: Vec<JsonActivity<'a>>,
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

/// A node as the open data describe it.
pub(super) struct DataNode<'a> {
    pub(super) code: &'a Code,
    pub(super) title: &'a str,
    pub(super) url: &'a str,
    pub(super) updated: Option<String>,
    pub(super) rows: &'a [Record],
}

/// Writes the open data, and the sitemap when the site's address is known.
/// `more` are further pages for the sitemap (the editions'), each with the
/// day it last changed.
pub(super) fn write(
    config: &Config,
    tree: &Tree,
    more: &[(String, Option<String>)],
    folder: &Folder,
) -> Result<(), BuildError> {
    let nodes: Vec<DataNode> = tree
        .nodes
        .iter()
        .map(|n| DataNode {
            code: &n.code,
            title: &n.title,
            url: &n.url,
            updated: n.updated.map(|d| d.to_string()),
            rows: &n.page.front.rows,
        })
        .collect();
    let columns: Vec<SourceColumn> = tree
        .home
        .as_ref()
        .and_then(|h| h.front.source.as_ref())
        .map(|s| s.columns.clone())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(default_columns);
    write_data(config, &nodes, &columns, folder, Path::new(DATA_DIR))?;
    if let Some(site) = config.site_url() {
        write_sitemap(tree, more, &site, folder)?;
    }
    Ok(())
}

/// `processi.json` and `processi.csv` of `nodes` in the folder `dir`.
pub(super) fn write_data(
    config: &Config,
    nodes: &[DataNode],
    columns: &[SourceColumn],
    folder: &Folder,
    dir: &Path,
) -> Result<(), BuildError> {
    folder.create_dir(dir)?;
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
            })
            .collect(),
    };
    let path = dir.join("processi.json");
    let mut text = serde_json::to_string_pretty(&json).map_err(data(&folder.path(&path)))?;
    text.push('\n');
    folder.write(&path, text.as_bytes())?;
    write_csv(nodes, columns, folder, &dir.join("processi.csv"))
}

/// One row per row of the sheet (headings included), in tree order, with
/// the sheet's own headers after `codice`: `manuale import` reads it back.
fn write_csv(
    nodes: &[DataNode],
    columns: &[SourceColumn],
    folder: &Folder,
    path: &Path,
) -> Result<(), BuildError> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let full = folder.path(path);
    let csv_err = |e: csv::Error| data(&full)(e);
    let mut header = vec!["codice".to_string()];
    header.extend(columns.iter().map(|c| c.header.clone()));
    // Extra columns the source list does not name.
    let mut extra_headers: Vec<String> = Vec::new();
    for n in nodes {
        for r in n.rows {
            for k in r.extra.keys() {
                if !columns.iter().any(|c| &c.header == k) && !extra_headers.contains(k) {
                    extra_headers.push(k.clone());
                }
            }
        }
    }
    header.extend(extra_headers.iter().cloned());
    w.write_record(&header).map_err(csv_err)?;
    for n in nodes {
        for r in n.rows {
            let mut row = vec![n.code.to_string()];
            for c in columns {
                let v = match c.field {
                    Some(role) if role != Role::Normalised => r.cell(role),
                    _ => r.extra.get(&c.header).map_or("", String::as_str),
                };
                row.push(v.to_string());
            }
            for h in &extra_headers {
                row.push(r.extra.get(h).cloned().unwrap_or_default());
            }
            w.write_record(&row).map_err(csv_err)?;
        }
    }
    let bytes = w.into_inner().map_err(|e| data(&full)(e.into_error()))?;
    folder.write(path, &bytes)
}

pub(super) fn default_columns() -> Vec<SourceColumn> {
    [
        ("CODIFICA UNIONCAMERE", Role::Code),
        ("NOME PROCESSO - ATTIVITA'", Role::Name),
        (
            "Elementi in ingresso che innescano il processo -input",
            Role::Input,
        ),
        ("Risultato atteso del processo -output", Role::Output),
        (
            "Sequenza di attività che consente di raggiungere l'output",
            Role::Steps,
        ),
        ("Responsabile output (ruolo)", Role::Responsible),
    ]
    .into_iter()
    .map(|(h, role)| SourceColumn {
        header: h.into(),
        field: Some(role),
    })
    .collect()
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
        let d = if n.children.is_empty() {
            n.updated
        } else {
            n.updated_below
        };
        entry(&n.url, d.map(|d| d.to_string()));
    }
    for (url, day) in more {
        entry(url, day.clone());
    }
    xml.push_str("</urlset>\n");
    folder.write("sitemap.xml", xml.as_bytes())
}
