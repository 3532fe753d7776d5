//! The open-data room: the map as data anyone may reuse, under `dati/`.
//! Writes `processi.json`, `processi.csv` and `processi.xlsx` ([`export`],
//! with [`table`] the rows and columns CSV and Excel share, [`workbook`]
//! the Excel file), `datapackage.json` and `sitemap.xml` ([`export`]), the
//! DCAT-AP_IT record `catalogo.ttl` ([`dcat`]), the page that describes
//! them all (`dati/index.html`, [`data_page`], rendered by the HTML room),
//! and each edition's data (`edizioni/DATE/processi.*`, [`editions`]).
//!
//! Not here: the editions' pages (`site::editions`).

pub(super) mod data_page;
pub(super) mod dcat;
pub(super) mod editions;
pub(super) mod export;
mod table;
mod workbook;
