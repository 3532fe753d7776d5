//! The Markdown pages under `content/`: their format, reading and writing
//! them, and the layout that mirrors the hierarchy of the map.
//!
//! A page is TOML front matter between `+++` lines (the structured fields:
//! code, title, the rows of the sheet), then a part written by `manuale
//! import` between two HTML-comment markers (the same data as readable
//! Markdown), then the author's own text. Import rewrites the front matter and
//! the generated part and keeps the author's text; the end marker carries a
//! fingerprint of the generated part so that a hand edit there is noticed and
//! kept instead of overwritten.
//!
//! [`page`] is the format of one page; [`store`] reads and writes the folder
//! as a whole: a lock, and changes applied through a journal so that an
//! interrupted import is finished or undone by the next run.

mod error;
mod page;
mod store;

pub use error::ContentError;
pub use page::{kept_marker, Front, Page, SourceColumn, SourceInfo, INDEX};
pub use store::{apply, recover, Applied, Change, Lock, Recovery};

use crate::code::Code;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The title a node's page takes from a sheet: a function's from
/// `book.toml` (`functions`), a section the sheet forgot keeps the one an
/// author gave its page (`old`), the rest the sheet's.
pub fn page_title(
    node: &crate::mapping::Node,
    functions: &BTreeMap<String, String>,
    old: Option<&Page>,
) -> String {
    if node.code.level() == 1 {
        if let Some(name) = functions.get(&node.code.to_string()) {
            return name.clone();
        }
    } else if node.synthetic && node.title.is_empty() {
        return old.map(|p| p.front.title.clone()).unwrap_or_default();
    }
    node.title.clone()
}

/// Where a node's page lives: `A/A1/A1.1/_index.md` for a section,
/// `A/A1/A1.1/A1.1.1.md` for a process.
pub fn node_path(code: &Code, section: bool) -> PathBuf {
    let mut p = PathBuf::new();
    for a in code.ancestors() {
        p.push(a.to_string());
    }
    if section || code.level() == 1 {
        p.push(code.to_string());
        p.push(INDEX);
    } else {
        p.push(format!("{code}.md"));
    }
    p
}

/// A relative link from one page file to another, with `/` separators.
pub fn relative(from: &Path, to: &Path) -> String {
    let from_dir: Vec<Component> = from
        .parent()
        .map(|p| p.components().collect())
        .unwrap_or_default();
    let to: Vec<Component> = to.components().collect();
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from_dir.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Every page of a content folder.
#[derive(Debug, Default)]
pub struct Content {
    pub home: Option<Page>,
    /// Pages by code (archived ones included).
    pub pages: BTreeMap<Code, Page>,
    /// Files that are not pages (images, attachments), relative paths.
    pub assets: Vec<PathBuf>,
    /// Editors' backups and lock files, never published.
    pub scratch: Vec<PathBuf>,
}

/// Files editors and office suites leave beside the ones they edit: backups
/// (`note.md~`, `x.bak`, `x.orig`), swap and lock files (`.x.swp`,
/// `~$x.xlsx`, `.#x`, `#x#`), system files (`Thumbs.db`, `desktop.ini`).
pub fn is_scratch(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with("~$")
        || (name.starts_with('#') && name.ends_with('#'))
        || [".bak", ".tmp", ".swp", ".swo", ".orig", ".rej", ".old"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        || lower == "thumbs.db"
        || lower == "desktop.ini"
}

/// The largest page read: a page is a process and the author's notes, a
/// few kilobytes; more is a file put there by mistake.
const MAX_PAGE: u64 = 4 << 20;

/// Reads every page under `dir`. A missing folder is an empty content.
pub fn load(dir: &Path) -> Result<Content, ContentError> {
    let mut content = Content::default();
    if !dir.exists() {
        return Ok(content);
    }
    let mut files = Vec::new();
    // Hidden files and folders (`.git`, `.svn`, `.DS_Store`, an editor's
    // `.page.md.swp`) are the tools' own: never pages, never published,
    // and a hidden folder is not even entered.
    let walk = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        let entry = entry.map_err(|e| ContentError::Io {
            path: e
                .path()
                .map_or_else(|| dir.to_path_buf(), Path::to_path_buf),
            source: e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("ciclo di collegamenti")),
        })?;
        if entry.file_type().is_file() {
            files.push(entry.path().to_path_buf());
        }
    }
    let mut pages = Vec::new();
    for file in files {
        let rel = file.strip_prefix(dir).unwrap_or(&file).to_path_buf();
        if file
            .file_name()
            .is_some_and(|n| is_scratch(&n.to_string_lossy()))
        {
            content.scratch.push(rel);
        } else if file.extension().and_then(|e| e.to_str()) != Some("md") {
            content.assets.push(rel);
        } else {
            pages.push((file, rel));
        }
    }
    // Read and parsed on every core (a national map has tens of thousands
    // of pages), then taken in file order: the first error is the one a
    // reading in order would meet.
    let parsed = crate::parallel::map(&pages, |(file, rel)| {
        let bytes =
            crate::files::read_regular(file, MAX_PAGE).map_err(|source| ContentError::Io {
                path: file.clone(),
                source,
            })?;
        let text = String::from_utf8(bytes).map_err(|e| ContentError::Malformed {
            path: file.clone(),
            line: 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count(),
            message: "il file non è testo UTF-8: salvalo come UTF-8 dall'editor".into(),
        })?;
        let mut page = Page::parse(file, &text)?;
        page.path = rel.clone();
        Ok::<_, ContentError>(page)
    });
    for ((file, _), page) in pages.into_iter().zip(parsed) {
        let page = page?;
        match page.front.code.clone() {
            None => {
                if page.path != Path::new(INDEX) {
                    return Err(ContentError::Malformed {
                        path: file,
                        line: 2,
                        message: "manca il campo «code»".into(),
                    });
                }
                content.home = Some(page);
            }
            Some(code) => {
                if let Some(other) = content.pages.get(&code) {
                    return Err(ContentError::Duplicate {
                        path: file,
                        code,
                        other: dir.join(&other.path),
                    });
                }
                content.pages.insert(code, page);
            }
        }
    }
    Ok(content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_mirrors_the_tree() {
        let c: Code = "A1.1.1.1".parse().unwrap();
        assert_eq!(
            node_path(&c, false),
            PathBuf::from("A/A1/A1.1/A1.1.1/A1.1.1.1.md")
        );
        assert_eq!(
            node_path(&c, true),
            PathBuf::from("A/A1/A1.1/A1.1.1/A1.1.1.1/_index.md")
        );
        assert_eq!(
            node_path(&"B".parse().unwrap(), false),
            PathBuf::from("B/_index.md")
        );
        assert_eq!(
            relative(
                Path::new("A/A1/A1.1/A1.1.1.md"),
                Path::new("A/A1/A1.1/_index.md")
            ),
            "_index.md"
        );
        assert_eq!(
            relative(
                Path::new("A/A1/_index.md"),
                Path::new("A/A1/A1.1/_index.md")
            ),
            "A1.1/_index.md"
        );
        assert_eq!(
            relative(Path::new("A/A1/A1.1.md"), Path::new("_index.md")),
            "../../_index.md"
        );
    }
}
