//! The HTML outputs, one function each: the node pages, the home page, the
//! page of the whole manual for printing, and the page for addresses that
//! lead nowhere. Each renders its template with the shared globals and its
//! own context, and writes through the output [`Folder`]. Whether highlighted
//! code appeared is returned, so the build knows to write its stylesheet.

use super::context::{self, Globals};
use super::logo::Logo;
use super::markdown::{self, Rendered};
use super::nav;
use super::theme::Theme;
use crate::config::Config;
use crate::content::{self, Page};
use crate::site::error::BuildError;
use crate::site::history::History;
use crate::site::layout::{PAGES_DIR, PRINT_PAGE, SEARCH_PAGE};
use crate::site::output::Folder;
use crate::site::tree::Tree;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use tera::Context;

/// Everything a page needs besides its own node.
pub(crate) struct Pages<'a> {
    config: &'a Config,
    tree: &'a Tree,
    theme: &'a Theme,
    folder: &'a Folder,
    /// What every page shares ([`Globals`]), serialized once.
    globals: Context,
    /// A script `serve` adds to every page.
    live_reload: Option<&'a str>,
    history: &'a History,
    links: &'a Links,
}

/// What the pages are made of, as a build has read it.
pub(crate) struct Book<'a> {
    pub(crate) config: &'a Config,
    pub(crate) tree: &'a Tree,
    pub(crate) theme: &'a Theme,
    pub(crate) history: &'a History,
    pub(crate) links: &'a Links,
    pub(crate) logo: Option<&'a Logo>,
    /// The roles of `[roles]` some row names (the search filter's values).
    pub(crate) roles: &'a [String],
}

/// Link targets for authors' Markdown: page files and codes to URLs,
/// attachments; and the nodes' links of the navigation. The same for every
/// page of a build, and kept by `serve` between saves (on a national map
/// they take a while to gather).
pub(crate) struct Links {
    page_files: BTreeMap<PathBuf, String>,
    codes: BTreeMap<String, String>,
    assets: HashSet<PathBuf>,
    /// The nodes' links for the navigation, escaped once.
    nav: nav::Links,
}

impl Links {
    pub(crate) fn new(tree: &Tree, ui: &crate::config::Ui) -> Links {
        Links {
            nav: nav::Links::new(tree, ui),
            page_files: tree
                .nodes
                .iter()
                .map(|n| (n.page.path.clone(), n.url.clone()))
                .chain(std::iter::once((
                    PathBuf::from(content::INDEX),
                    "index.html".to_string(),
                )))
                .collect(),
            codes: tree
                .nodes
                .iter()
                .map(|n| (n.code.to_string(), n.url.clone()))
                .collect(),
            assets: tree.assets.iter().cloned().collect(),
        }
    }

    /// Whether `rel` (relative to `content/`) is an attachment of the book.
    pub(crate) fn is_asset(&self, rel: &std::path::Path) -> bool {
        self.assets.contains(rel)
    }
}

impl<'a> Pages<'a> {
    pub(crate) fn new(
        book: Book<'a>,
        folder: &'a Folder,
        live_reload: Option<&'a str>,
    ) -> Result<Pages<'a>, BuildError> {
        folder.create_dir(PAGES_DIR)?;
        Ok(Pages {
            config: book.config,
            tree: book.tree,
            theme: book.theme,
            folder,
            globals: Theme::globals(&Globals::new(
                book.config,
                book.tree,
                book.logo,
                book.history,
                book.roles.to_vec(),
            ))?,
            history: book.history,
            live_reload,
            links: book.links,
        })
    }

    /// A page's author text as HTML, links resolved from `root`.
    fn markdown(&self, page: &Page, root: &str) -> Rendered {
        markdown::render(
            &page.author,
            &markdown::Links {
                page: &page.path,
                root,
                pages: &self.links.page_files,
                codes: &self.links.codes,
                assets: &self.links.assets,
            },
        )
    }

    /// The author's text a page had in an edition, as HTML: links resolved
    /// as from its file then (`page`, in `content/`), to the pages of now.
    pub(crate) fn author_html(&self, author: &str, page: &std::path::Path, root: &str) -> String {
        if author.trim().is_empty() {
            return String::new();
        }
        markdown::render(
            author,
            &markdown::Links {
                page,
                root,
                pages: &self.links.page_files,
                codes: &self.links.codes,
                assets: &self.links.assets,
            },
        )
        .html
    }

    /// The pages of the nodes `indices`, rendered and written on every core:
    /// on a virtual disk the time goes into creating files, and that
    /// overlaps well.
    pub(crate) fn nodes(&self, indices: &[usize]) -> Result<bool, BuildError> {
        let results = crate::parallel::try_map_with(
            indices,
            || self.globals.clone(),
            |ctx, &i| self.node(ctx, i),
        )?;
        Ok(results.into_iter().any(|code| code))
    }

    fn node(&self, ctx: &mut Context, i: usize) -> Result<bool, BuildError> {
        let node = &self.tree.nodes[i];
        let root = "../";
        let md = self.markdown(&node.page, root);
        let page = context::page_ctx(self.config, self.tree, i, md.html).with_history(
            self.history.of(&node.code),
            self.history.as_adopted(&node.code),
        );
        let nav = self.links.nav.render(self.tree, Some(i), root);
        let template = if node.children.is_empty() {
            "process.html"
        } else {
            "section.html"
        };
        let html = self.theme.render(
            template,
            ctx,
            &page,
            &nav,
            root,
            md.has_code,
            self.live_reload,
        )?;
        self.folder.write(&node.url, html.as_bytes())?;
        Ok(md.has_code)
    }

    /// `index.html`: the introduction, the functions, the open data.
    pub(crate) fn home(&self) -> Result<bool, BuildError> {
        let md = match &self.tree.home {
            Some(h) => self.markdown(h, ""),
            None => Rendered {
                html: String::new(),
                has_code: false,
            },
        };
        let home = context::home_ctx(self.config, self.tree, md.html);
        let nav = self.links.nav.render(self.tree, None, "");
        let html = self.theme.render(
            "index.html",
            &mut self.globals.clone(),
            &home,
            &nav,
            "",
            md.has_code,
            self.live_reload,
        )?;
        self.folder.write("index.html", html.as_bytes())?;
        Ok(md.has_code)
    }

    /// The whole manual on one page, to print or save as PDF. Each node is
    /// rendered on its own, on every core, and the nodes are spliced into
    /// the page: a national map's page (tens of MB) is never held as one
    /// template context.
    pub(crate) fn print(&self) -> Result<bool, BuildError> {
        let indices: Vec<usize> = (0..self.tree.nodes.len()).collect();
        let parts = crate::parallel::try_map_with(
            &indices,
            || Theme::part_context(&self.config.ui),
            |ctx, &i| {
                let n = &self.tree.nodes[i];
                let md = self.markdown(&n.page, "");
                let node = context::print_node(self.config, self.tree, i, md.html);
                self.theme
                    .render_part("print-node.html", ctx, "n", &node)
                    .map(|html| (html, md.has_code))
            },
        )?;
        let has_code = parts.iter().any(|(_, code)| *code);
        let toc = self.links.nav.toc(self.tree);
        let print = context::print_ctx(self.config, self.tree, toc);
        let nav = self.links.nav.render(self.tree, None, "");
        let shell = self.theme.render(
            "print.html",
            &mut self.globals.clone(),
            &print,
            &nav,
            "",
            has_code,
            self.live_reload,
        )?;
        let Some((before, after)) = shell.split_once(context::PRINT_SECTIONS) else {
            return Err(BuildError::Template(
                "themes: il modello print.html del tema non mostra {{ page.sections | safe }}: \
                 lì vanno le schede di tutti i nodi, ciascuna fatta con print-node.html"
                    .into(),
            ));
        };
        // The page is written from its parts: on a national map it is tens
        // of megabytes, never joined in memory.
        let mut bytes: Vec<&[u8]> = Vec::with_capacity(parts.len() + 2);
        bytes.push(before.as_bytes());
        bytes.extend(parts.iter().map(|(html, _)| html.trim_end().as_bytes()));
        bytes.push(after.as_bytes());
        self.folder.write_parts(PRINT_PAGE, &bytes)?;
        Ok(has_code)
    }

    /// `cerca.html`: all the results of a search, with filters; the query
    /// is in its address (`?q=…`).
    pub(crate) fn search(&self) -> Result<(), BuildError> {
        let page = context::search_ctx(self.config);
        let nav = self.links.nav.render(self.tree, None, "");
        let html = self.theme.render(
            "search.html",
            &mut self.globals.clone(),
            &page,
            &nav,
            "",
            false,
            self.live_reload,
        )?;
        self.folder.write(SEARCH_PAGE, html.as_bytes())
    }

    /// A page outside the tree (the editions' pages), written at `path`
    /// (its folders made), with links from `root` and the map closed.
    pub(crate) fn other<P: serde::Serialize>(
        &self,
        template: &str,
        ctx: &P,
        path: &str,
    ) -> Result<(), BuildError> {
        let depth = path.matches('/').count();
        let root = "../".repeat(depth);
        let nav = self.links.nav.render(self.tree, None, &root);
        let html = self.theme.render(
            template,
            &mut self.globals.clone(),
            ctx,
            &nav,
            &root,
            false,
            self.live_reload,
        )?;
        if let Some(parent) = std::path::Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            self.folder.create_dir(parent)?;
        }
        self.folder.write(path, html.as_bytes())
    }

    pub(crate) fn config(&self) -> &Config {
        self.config
    }

    pub(crate) fn tree(&self) -> &Tree {
        self.tree
    }

    pub(crate) fn history(&self) -> &History {
        self.history
    }

    pub(crate) fn folder(&self) -> &Folder {
        self.folder
    }

    /// `404.html`, served at any depth: its links start from the path of
    /// the site's address when it is known (`/trasparenza/processi/`), so
    /// the page works at any depth, on the real host and on a test one.
    pub(crate) fn not_found(&self) -> Result<(), BuildError> {
        let root = self
            .config
            .site_url()
            .map(|u| url_path(&u))
            .unwrap_or_default();
        let page = context::not_found_ctx(self.config);
        let nav = self.links.nav.render(self.tree, None, &root);
        let html = self.theme.render(
            "404.html",
            &mut self.globals.clone(),
            &page,
            &nav,
            &root,
            false,
            None,
        )?;
        self.folder.write("404.html", html.as_bytes())
    }
}

/// The path of an absolute URL: `https://x.it/a/b/` → `/a/b/`.
fn url_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/')
        .map_or_else(|| "/".to_string(), |i| rest[i..].to_string())
}
