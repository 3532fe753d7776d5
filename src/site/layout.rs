//! Where each output lives in the site. Every link is relative to the site
//! root, so the folder works under any sub-path and from disk; a node's URL
//! derives from its code alone and never changes between builds.

use crate::code::Code;

/// Folder of the node pages in the site.
pub(super) const PAGES_DIR: &str = "processi";
/// Folder of the open data.
pub(super) const DATA_DIR: &str = "dati";
/// Folder of the theme's stylesheets, fonts and scripts.
pub(super) const ASSETS_DIR: &str = "assets";
/// Folder of attachments copied from `content/`.
pub(super) const MEDIA_DIR: &str = "contenuti";
/// The page with the whole manual, for printing.
pub const PRINT_PAGE: &str = "stampa.html";
/// Folder of the editions: their list, changes, data and earlier versions.
pub(super) const EDITIONS_DIR: &str = "edizioni";
/// The page of search results (`cerca.html?q=…`).
pub const SEARCH_PAGE: &str = "cerca.html";
/// The page that describes the open data.
pub(super) const DATA_PAGE: &str = "dati-aperti.html";
/// The file that marks a folder as built by `manuale`.
pub const MARKER: &str = ".manuale-build";

/// The site URL of a node's page, relative to the site root.
pub(super) fn page_url(code: &Code) -> String {
    format!("{PAGES_DIR}/{code}.html")
}

/// The names of the open data's files in their folder.
pub(super) const CSV: &str = "processi.csv";
pub(super) const JSON: &str = "processi.json";
/// `processi.json` with the English keys of the first releases, written
/// for one release more beside the live data only.
pub(super) const JSON_OLD_KEYS: &str = "processi-chiavi-inglesi.json";
pub(super) const XLSX: &str = "processi.xlsx";
pub(super) const PACKAGE: &str = "datapackage.json";
