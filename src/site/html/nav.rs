//! The navigation tree shown on every page, as plain HTML lists that work
//! without JavaScript. It shows the functions, and opens only the path to the
//! current page (each level's nodes along it, and the page's own children),
//! so a page carries a few dozen links whatever the size of the map: the
//! output grows linearly with the map, not with its square.

use crate::config::Ui;
use crate::site::tree::{Node, Tree};
use crate::text::escape_html;
use std::fmt::Write as _;

/// Each node's link, escaped once per build: a page's navigation is made
/// of a few dozen of them, and a national map has tens of thousands of
/// pages.
pub(super) struct Links {
    /// The node's URL, escaped for an attribute.
    hrefs: Vec<String>,
    /// Its code and title as the text of a link ([`link_text`]).
    texts: Vec<String>,
}

impl Links {
    pub(super) fn new(tree: &Tree, ui: &Ui) -> Links {
        Links {
            hrefs: tree.nodes.iter().map(|n| escape_html(&n.url)).collect(),
            texts: tree.nodes.iter().map(|n| link_text(n, ui)).collect(),
        }
    }

    /// The navigation of a page: the functions, opened along the path to
    /// `current` (when the page is a node), links starting from `root`.
    pub(super) fn render(&self, tree: &Tree, current: Option<usize>, root: &str) -> String {
        // The nodes on the path to the current page: a handful.
        let mut open = Vec::new();
        let mut p = current;
        while let Some(i) = p {
            open.push(i);
            p = tree.nodes[i].parent;
        }
        let mut out = String::new();
        self.list(tree, &tree.roots, current, &open, root, &mut out);
        out
    }

    fn list(
        &self,
        tree: &Tree,
        items: &[usize],
        current: Option<usize>,
        open: &[usize],
        root: &str,
        out: &mut String,
    ) {
        out.push_str("<ul>");
        for &i in items {
            let here = Some(i) == current;
            let on_path = open.contains(&i);
            let class = match (here, on_path) {
                (true, _) => " class=\"corrente\"",
                (false, true) => " class=\"aperto\"",
                _ => "",
            };
            // Pushed piece by piece: `write!` went through the format
            // machinery for each of the dozens of links of every page.
            out.push_str("<li");
            out.push_str(class);
            out.push_str("><a href=\"");
            out.push_str(root);
            out.push_str(&self.hrefs[i]);
            out.push('"');
            if here {
                out.push_str(" aria-current=\"page\"");
            }
            out.push('>');
            out.push_str(&self.texts[i]);
            out.push_str("</a>");
            let children = &tree.nodes[i].children;
            if on_path && !children.is_empty() {
                self.list(tree, children, current, open, root, out);
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }

    /// The table of contents of the whole manual, as nested lists of links
    /// to the sections of the print page (`#p-CODE`).
    pub(super) fn toc(&self, tree: &Tree) -> String {
        fn items(links: &Links, tree: &Tree, list: &[usize], out: &mut String) {
            out.push_str("<ul>");
            for &i in list {
                let n = &tree.nodes[i];
                let _ = write!(
                    out,
                    "<li><a href=\"#p-{}\">{}</a>",
                    escape_html(&n.code.to_string()),
                    links.texts[i]
                );
                if !n.children.is_empty() {
                    items(links, tree, &n.children, out);
                }
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        let mut out = String::new();
        items(self, tree, &tree.roots, &mut out);
        out
    }
}

/// A node's code and title as the text of a link, escaped.
fn link_text(n: &Node, ui: &Ui) -> String {
    let title = if n.title.is_empty() {
        ui.untitled.to_lowercase()
    } else {
        n.title.clone()
    };
    format!(
        "<span class=\"codice\">{}</span> {}",
        escape_html(&n.code.to_string()),
        escape_html(&title)
    )
}
