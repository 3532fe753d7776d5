//! Each edition's open data (`edizioni/DATE/processi.json`, `.csv`,
//! `.xlsx`): the files recorded with it, or made from its map; and the
//! files `manuale edizione` records.

use super::export;
use super::table::{self, DataNode};
use crate::site::error::{io, BuildError};
use crate::site::history::History;
use crate::site::layout::{page_url, CSV, EDITIONS_DIR, JSON, XLSX};
use crate::site::output::Folder;
use std::path::Path;

/// Writes every edition's open data.
pub(crate) fn write(
    config: &crate::config::Config,
    history: &History,
    folder: &Folder,
) -> Result<(), BuildError> {
    for e in &history.editions {
        data(config, e, folder)?;
    }
    Ok(())
}

/// The files of an edition's open data, as its folder in the book keeps
/// them.
const DATA_FILES: [&str; 3] = [JSON, CSV, XLSX];

/// An edition's data on the site: the files its folder in the book keeps,
/// byte for byte (recorded with it, they never change); for an edition
/// recorded before they were kept, made from its map alone, the same at
/// every build.
fn data(
    config: &crate::config::Config,
    e: &crate::editions::Edition,
    folder: &Folder,
) -> Result<(), BuildError> {
    let to = Path::new(EDITIONS_DIR).join(&e.info.data);
    if let Some(dir) = e.dir.as_deref().filter(|d| has_data_files(d)) {
        folder.create_dir(&to)?;
        for name in DATA_FILES {
            let from = dir.join(name);
            let bytes = crate::files::read_regular(&from, MAX_DATA_FILE).map_err(io(&from))?;
            folder.write(to.join(name), &bytes)?;
        }
        return Ok(());
    }
    write_data(config, e, &table::default_columns(), folder, &to)
}

/// The largest file of an edition's data the build copies.
const MAX_DATA_FILE: u64 = 1 << 30;

/// True when `dir` holds every file of an edition's data.
fn has_data_files(dir: &Path) -> bool {
    DATA_FILES
        .iter()
        .all(|n| std::fs::symlink_metadata(dir.join(n)).is_ok_and(|m| m.file_type().is_file()))
}

/// Writes the open data of edition `e` into `dir` of `folder`: every node
/// linked at its address (which keeps answering when it leaves the map),
/// "aggiornato" the date of its data, as in the live files.
fn write_data(
    config: &crate::config::Config,
    e: &crate::editions::Edition,
    columns: &[crate::content::SourceColumn],
    folder: &Folder,
    dir: &Path,
) -> Result<(), BuildError> {
    let urls: Vec<String> = e.entries.keys().map(page_url).collect();
    let nodes: Vec<DataNode> = e
        .entries
        .values()
        .zip(&urls)
        .map(|(entry, url)| DataNode {
            code: &entry.code,
            title: &entry.title,
            url,
            updated: Some(entry.updated.clone().unwrap_or_else(|| e.info.data.clone())),
            rows: &entry.rows,
        })
        .collect();
    export::write_data(config, &nodes, columns, folder, dir).map(|_| ())
}

/// Writes the open data of an edition being recorded into its folder
/// `dir` (the sheet's columns as `content` last imported them): the
/// files the site will publish for it from then on.
pub fn write_edition_data(
    config: &crate::config::Config,
    content: &crate::content::Content,
    edition: &crate::editions::Edition,
    dir: &Path,
) -> Result<(), BuildError> {
    let columns = content
        .home
        .as_ref()
        .and_then(|h| h.front.source.as_ref())
        .map(|s| s.columns.clone())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(table::default_columns);
    write_data(
        config,
        edition,
        &columns,
        &Folder::plain(dir),
        Path::new(""),
    )
}
