//! The navigation tree shown on every page, as plain HTML lists that work
//! without JavaScript. It shows the functions, and opens only the path to the
//! current page (each level's nodes along it, and the page's own children),
//! so a page carries a few dozen links whatever the size of the map: the
//! output grows linearly with the map, not with its square.

use super::tree::{Node, Tree};
use crate::config::Ui;
use crate::text::escape_html;
use std::collections::HashSet;
use std::fmt::Write as _;

pub(super) fn render(tree: &Tree, current: Option<usize>, root: &str, ui: &Ui) -> String {
    let mut open: HashSet<usize> = HashSet::new();
    let mut p = current;
    while let Some(i) = p {
        open.insert(i);
        p = tree.nodes[i].parent;
    }
    let mut out = String::new();
    list(tree, &tree.roots, current, &open, root, ui, &mut out);
    out
}

fn list(
    tree: &Tree,
    items: &[usize],
    current: Option<usize>,
    open: &HashSet<usize>,
    root: &str,
    ui: &Ui,
    out: &mut String,
) {
    out.push_str("<ul>");
    for &i in items {
        let n = &tree.nodes[i];
        let here = Some(i) == current;
        let on_path = open.contains(&i);
        let class = match (here, on_path) {
            (true, _) => " class=\"corrente\"",
            (false, true) => " class=\"aperto\"",
            _ => "",
        };
        let _ = write!(out, "<li{class}><a href=\"{root}{}\"", escape_html(&n.url));
        if here {
            out.push_str(" aria-current=\"page\"");
        }
        let _ = write!(out, ">{}</a>", link_text(n, ui));
        if on_path && !n.children.is_empty() {
            list(tree, &n.children, current, open, root, ui, out);
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
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

/// The table of contents of the whole manual, as nested lists of links to
/// the sections of the print page (`#p-CODE`).
pub(super) fn toc(tree: &Tree, ui: &Ui) -> String {
    fn items(tree: &Tree, list: &[usize], ui: &Ui, out: &mut String) {
        out.push_str("<ul>");
        for &i in list {
            let n = &tree.nodes[i];
            let _ = write!(
                out,
                "<li><a href=\"#p-{}\">{}</a>",
                escape_html(&n.code.to_string()),
                link_text(n, ui)
            );
            if !n.children.is_empty() {
                items(tree, &n.children, ui, out);
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    let mut out = String::new();
    items(tree, &tree.roots, ui, &mut out);
    out
}
