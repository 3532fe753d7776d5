//! The published tree: the pages of `content/` checked to form a tree (every
//! page's parent has a page), in code order, each node with its links to
//! parent and children, its URL, its dates and how many processes lie below.
//! Archived pages are left out here, with a warning.

use super::error::BuildError;
use super::layout::page_url;
use crate::code::Code;
use crate::content::{Content, Page};
use crate::date::Date;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A node of the published tree.
#[derive(Clone)]
pub(super) struct Node {
    pub code: Code,
    pub title: String,
    /// Shared: `serve` copies the tree while a save is settled.
    pub page: std::sync::Arc<Page>,
    pub url: String,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// The newest last update of the node and its subtree: see
    /// [`Node::last_updated`].
    pub updated_below: Option<Date>,
    /// Processes (leaves) in the subtree; 1 for a process.
    pub processes: usize,
}

impl Node {
    /// The day the node last changed, as every output says it (page, JSON,
    /// CSV, sitemap, catalogue): for a process its own data's date; for a
    /// node with others below, the newest of its own and theirs.
    pub(super) fn last_updated(&self) -> Option<Date> {
        self.updated_below
    }

    /// How a function (a root) is named in the search filter: the same
    /// values on the search page and in the index.
    pub(super) fn function_label(&self) -> String {
        crate::text::code_title(&self.code, &self.title)
    }
}

/// The published nodes in tree order, with their links.
#[derive(Clone)]
pub(super) struct Tree {
    pub nodes: Vec<Node>,
    pub roots: Vec<usize>,
    pub home: Option<Page>,
    pub assets: Vec<PathBuf>,
}

impl Tree {
    /// Checks the pages form a tree: every published page's parent exists.
    pub(super) fn new(
        content: Content,
        content_dir: &Path,
        warnings: &mut Vec<String>,
    ) -> Result<Tree, BuildError> {
        if !content.scratch.is_empty() {
            let names: Vec<String> = content
                .scratch
                .iter()
                .take(5)
                .map(|p| p.display().to_string())
                .collect();
            warnings.push(format!(
                "{}: {} file di appoggio non pubblicati (copie di sicurezza, file di blocco): {}{}",
                content_dir.display(),
                content.scratch.len(),
                names.join(", "),
                if content.scratch.len() > 5 {
                    ", …"
                } else {
                    ""
                }
            ));
        }
        let mut nodes: Vec<Node> = Vec::new();
        let mut index: BTreeMap<Code, usize> = BTreeMap::new();
        for (code, page) in content.pages {
            if page.front.archived {
                warnings.push(format!(
                    "content/{}: {code} è archiviato (non più nel foglio): la pagina non è pubblicata",
                    page.path.display()
                ));
                continue;
            }
            if page.generated_edited {
                warnings.push(format!(
                    "content/{}: la parte generata è stata modificata a mano; la pagina pubblica i dati del foglio. \
                     Scrivi i tuoi testi sotto il segnaposto di fine",
                    page.path.display()
                ));
            }
            let updated = match &page.front.updated {
                None => None,
                Some(d) => Some(Date::parse(d).ok_or_else(|| BuildError::Page {
                    path: content_dir.join(&page.path),
                    message: format!("updated = «{d}»: serve una data come «2024-01-31»"),
                })?),
            };
            let parent = match code.parent() {
                None => None,
                Some(p) => Some(*index.get(&p).ok_or_else(|| BuildError::Page {
                    path: content_dir.join(&page.path),
                    message: format!(
                        "la pagina di {code} non ha una pagina per la sezione superiore {p}: \
                         rilancia «manuale importa» o crea la pagina di {p}"
                    ),
                })?),
            };
            let i = nodes.len();
            if let Some(p) = parent {
                nodes[p].children.push(i);
            }
            index.insert(code.clone(), i);
            nodes.push(Node {
                url: page_url(&code),
                title: page.front.title.clone(),
                code,
                page: std::sync::Arc::new(page),
                parent,
                children: Vec::new(),
                updated_below: updated,
                processes: 0,
            });
        }
        // Children come after parents in code order: fold counts upwards.
        for i in (0..nodes.len()).rev() {
            if nodes[i].children.is_empty() {
                nodes[i].processes = 1;
            }
            if let Some(p) = nodes[i].parent {
                let (processes, below) = (nodes[i].processes, nodes[i].updated_below);
                nodes[p].processes += processes;
                nodes[p].updated_below = nodes[p].updated_below.max(below);
            }
        }
        let roots = (0..nodes.len())
            .filter(|&i| nodes[i].parent.is_none())
            .collect();
        Ok(Tree {
            nodes,
            roots,
            home: content.home,
            assets: content.assets,
        })
    }

    /// The newest update of the whole map.
    pub(super) fn updated(&self) -> Option<Date> {
        let pages = self.nodes.iter().filter_map(|n| n.updated_below).max();
        let home = self
            .home
            .as_ref()
            .and_then(|h| h.front.updated.as_deref())
            .and_then(Date::parse);
        pages.max(home)
    }

    /// The nodes that share `i`'s parent (the functions, for a function).
    pub(super) fn siblings(&self, i: usize) -> &[usize] {
        match self.nodes[i].parent {
            Some(p) => &self.nodes[p].children,
            None => &self.roots,
        }
    }
}
