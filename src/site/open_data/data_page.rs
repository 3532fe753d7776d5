//! The "Dati aperti" page: what the dataset is, in plain Italian; every
//! file with its format; every column, listed from the same dictionary the
//! files are written from; the licence, the source and the catalogue
//! record.

use super::dcat;
use super::table;
use crate::dictionary::{self, FIELDS};
use crate::mapping::Role;
use crate::site::error::BuildError;
use crate::site::html::pages::Pages;
use crate::site::layout::{CSV, DATA_DIR, DATA_PAGE, EDITIONS_DIR, JSON, PACKAGE, XLSX};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct FileCtx {
    url: String,
    name: &'static str,
    format: &'static str,
    what: &'static str,
}

#[derive(Serialize)]
struct ColumnCtx {
    name: String,
    title: String,
    description: String,
    kind: &'static str,
    /// The header the sheet gave the column, when it is one of the sheet's.
    sheet: Option<String>,
    /// The column holds the sheet's line numbers.
    line: bool,
}

#[derive(Serialize)]
struct Crumb {
    label: String,
    url: String,
}

#[derive(Serialize)]
struct DataPageCtx {
    kind: &'static str,
    title: String,
    files: Vec<FileCtx>,
    columns: Vec<ColumnCtx>,
    catalogue: String,
    package: String,
    editions: Option<String>,
    identifier: Option<String>,
    updated_meaning: &'static str,
    csv_formulas: &'static str,
    heading_row: &'static str,
    data_row: &'static str,
    trail: Vec<Crumb>,
}

fn kind_text(t: dictionary::Type) -> &'static str {
    match t {
        dictionary::Type::String => "testo",
        dictionary::Type::Integer => "numero intero",
        dictionary::Type::Date => "data (AAAA-MM-GG)",
    }
}

pub(crate) fn write(pages: &Pages) -> Result<(), BuildError> {
    let config = pages.config();
    let tree = pages.tree();
    let sheet_columns = table::sheet_columns(tree);
    let headers: BTreeMap<Role, String> = sheet_columns
        .iter()
        .filter_map(|c| c.field.map(|r| (r, c.header.clone())))
        .collect();
    let mut columns: Vec<ColumnCtx> = FIELDS
        .iter()
        .map(|f| ColumnCtx {
            name: f.name.to_string(),
            title: f.title.to_string(),
            description: f.description.to_string(),
            kind: kind_text(f.kind),
            sheet: f.sheet_role().and_then(|r| headers.get(&r).cloned()),
            line: f.origin == dictionary::Origin::Line,
        })
        .collect();
    let extra = table::extra_headers(
        &sheet_columns,
        tree.nodes.iter().flat_map(|n| n.page.front.rows.iter()),
    );
    for h in extra {
        columns.push(ColumnCtx {
            name: h.clone(),
            title: h.clone(),
            description:
                "Colonna del foglio non prevista dallo schema Unioncamere: riportata com'è."
                    .to_string(),
            kind: kind_text(dictionary::Type::String),
            sheet: Some(h),
            line: false,
        });
    }
    let file = |name: &'static str, format: &'static str, what: &'static str| FileCtx {
        url: format!("{DATA_DIR}/{name}"),
        name,
        format,
        what,
    };
    let files = vec![
        file(
            XLSX,
            "Foglio Excel (xlsx)",
            "Da aprire con Excel, LibreOffice o un altro foglio di calcolo: una riga per ogni riga della mappatura.",
        ),
        file(
            CSV,
            "CSV (UTF-8, separato da virgole)",
            "Lo stesso contenuto come testo, per programmi e analisi: una riga per ogni riga della mappatura.",
        ),
        file(
            JSON,
            "JSON",
            "Una voce per ogni voce della mappatura, con le sue attività, per chi sviluppa applicazioni.",
        ),
        file(
            PACKAGE,
            "Data package (Frictionless)",
            "La descrizione del CSV per i programmi: colonne, tipi, licenza.",
        ),
        file(
            dcat::FILE,
            "DCAT-AP_IT (Turtle)",
            "La scheda del dataset per il catalogo nazionale dei dati aperti (dati.gov.it).",
        ),
    ];
    let history = pages.history();
    let ctx = DataPageCtx {
        kind: "open-data",
        title: config.ui.open_data.clone(),
        files,
        columns,
        catalogue: format!("{DATA_DIR}/{}", dcat::FILE),
        package: format!("{DATA_DIR}/{PACKAGE}"),
        editions: (!history.editions.is_empty()).then(|| format!("{EDITIONS_DIR}/index.html")),
        identifier: config.ente.codice_ipa.clone(),
        updated_meaning: dictionary::UPDATED_MEANING,
        csv_formulas: dictionary::CSV_FORMULAS,
        heading_row: dictionary::HEADING_ROW,
        data_row: dictionary::DATA_ROW,
        trail: vec![Crumb {
            label: config.ui.open_data.clone(),
            url: DATA_PAGE.to_string(),
        }],
    };
    pages.other("open-data.html", &ctx, DATA_PAGE)
}
