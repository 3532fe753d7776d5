//! `manuale build`: the pages in `content/` to a static site.
//!
//! One HTML page per node (`processi/<code>.html`, a permanent URL derived
//! from the code), the home page, `404.html`, the page of the whole manual,
//! the search index, the open data (`dati/`), the editions, the theme's
//! assets and, when the site's address is known, `sitemap.xml`. All links
//! are relative, so the folder works under any sub-path and from disk.
//!
//! This module is the plan: a [`Scope`] (everything, the theme only, some
//! pages only, the search index and print page after them) becomes a
//! [`Plan`] of outputs, and [`render`] asks each room for its part, into
//! an output [`Folder`](output::Folder).
//!
//! The rooms, one folder each, by what they write:
//! - [`html`]: the pages as HTML (nodes, home, print page, search page,
//!   404), the theme's files, the logo, the attachments; and the renderer
//!   the other rooms' pages go through;
//! - [`search`]: the search index (`ricerca/pagefind/`);
//! - [`open_data`]: `dati/` (JSON, CSV, Excel, `datapackage.json`, DCAT,
//!   their page), `sitemap.xml`, each edition's data;
//! - [`editions`]: the editions' pages and feed (`edizioni/`, and the pages
//!   left at removed nodes' addresses).
//!
//! Beneath them, what every room reads: [`tree`] (the published nodes),
//! [`history`] (the editions, entry by entry), [`layout`] (file names and
//! addresses), [`output`] (the folder written), [`error`]. Above them,
//! [`load`] reads the book once and [`preview`] keeps what `serve` needs to
//! rebuild only what changed. A room uses what lies beneath, and the HTML
//! room to render its pages; never the plan, nor another room
//! (`tests/architecture.rs` checks).
//!
//! Adding a room (a PDF of the manual, the risk pages): a folder here whose
//! `mod.rs` says what it writes, a flag in [`Plan`] for the scopes that
//! write it, its call in [`render_pages`] (or beside the search index in
//! [`render`], when it runs alone), and its name in the rooms of
//! `tests/architecture.rs`.

mod editions;
mod error;
mod history;
mod html;
mod layout;
mod load;
mod open_data;
mod output;
pub mod preview;
mod search;
mod tree;

pub use error::BuildError;
pub use layout::{MARKER, PRINT_PAGE, SEARCH_PAGE};
pub use open_data::editions::write_edition_data;

use crate::content;
use load::Loaded;
use output::Folder;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use tree::Tree;

/// What to build and where.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub book: PathBuf,
    /// The site folder; `book/book` by default.
    pub output: Option<PathBuf>,
    /// A script URL (site-relative) that `serve` adds to every page.
    pub live_reload: Option<String>,
}

/// What a build did.
#[derive(Debug)]
pub struct Report {
    pub output: PathBuf,
    pub pages: usize,
    pub warnings: Vec<String>,
}

/// Builds the site.
pub fn build(opts: &Options) -> Result<Report, BuildError> {
    let mut laps = crate::timings::Laps::start();
    let (loaded, lock) = Loaded::load(&opts.book, opts.output.as_deref())?;
    laps.lap("lettura di content/, configurazione, tema");
    full_build(opts, loaded, lock).map(|(report, _)| report)
}

/// Builds everything into a new folder and puts it in place of the old
/// one; `lock` (of `content/`) is let go once the site is there. The book
/// is handed back for `serve`'s preview (`build` has no use for it, nor
/// for its snapshot: on a national map that hashing took a while).
fn full_build(
    opts: &Options,
    loaded: Loaded,
    lock: Option<content::Lock>,
) -> Result<(Report, Loaded), BuildError> {
    let folder = Folder::stage(&loaded.output)?;
    let pages = match render(&loaded, &folder, opts, &Scope::Full) {
        Ok(n) => n,
        Err(e) => {
            folder.discard();
            return Err(e);
        }
    };
    let mut laps = crate::timings::Laps::start();
    // A site to upload is on the disk before it replaces the old one, so
    // that a power cut leaves one or the other, never empty files. The
    // preview of `serve` is rebuilt at every start: it needs no such care.
    if opts.live_reload.is_none() {
        if let Err(e) = folder.sync() {
            folder.discard();
            return Err(e);
        }
        laps.lap("scrittura sul disco");
    }
    folder.publish(&loaded.output)?;
    laps.lap("sostituzione del sito precedente");
    drop(lock);
    let report = Report {
        output: loaded.output.clone(),
        pages,
        warnings: loaded.warnings.clone(),
    };
    Ok((report, loaded))
}

/// Which part of the site a render writes.
enum Scope {
    /// A whole new site, into an empty folder.
    Full,
    /// The theme changed over a site already there: every page and the
    /// theme's files, each replaced atomically; the data stays.
    Theme,
    /// Authors' text changed: these nodes' pages, and the home page if
    /// `home`.
    Pages { nodes: HashSet<usize>, home: bool },
    /// What holds every page's text: the search index and the page of the
    /// whole manual.
    Settle,
}

/// The outputs a [`Scope`] writes.
struct Plan {
    nodes: Vec<usize>,
    home: bool,
    /// What changes only with the theme: `404.html`, the search page, the
    /// open data's page, the editions' pages and data, the theme's files.
    theme: bool,
    /// The open data, the sitemap, the attachments.
    data: bool,
    /// The search index alone (authors' text is searched).
    search: bool,
    /// The page of the whole manual.
    print: bool,
}

impl Plan {
    fn new(scope: &Scope, tree: &Tree) -> Plan {
        let all = || (0..tree.nodes.len()).collect();
        match scope {
            Scope::Full => Plan {
                nodes: all(),
                home: true,
                theme: true,
                data: true,
                search: true,
                print: true,
            },
            Scope::Theme => Plan {
                nodes: all(),
                home: true,
                theme: true,
                data: false,
                search: false,
                print: true,
            },
            // The search index and the print page wait for `Settle`.
            Scope::Pages { nodes, home } => Plan {
                nodes: (0..tree.nodes.len())
                    .filter(|i| nodes.contains(i))
                    .collect(),
                home: *home,
                theme: false,
                data: false,
                search: false,
                print: false,
            },
            Scope::Settle => Plan {
                nodes: Vec::new(),
                home: false,
                theme: false,
                data: false,
                search: true,
                print: true,
            },
        }
    }
}

/// Writes the outputs `scope` asks for; returns how many pages it wrote.
fn render(
    loaded: &Loaded,
    folder: &Folder,
    opts: &Options,
    scope: &Scope,
) -> Result<usize, BuildError> {
    let Loaded { config, tree, .. } = loaded;
    let plan = Plan::new(scope, tree);
    // The search index is built from the tree alone, on a thread of its
    // own, while the pages, the print page and the open data are written:
    // each side has stretches on one core (Pagefind's merges, the data
    // files, the disk) that the other fills.
    // When the pages fail, the index is not needed: Pagefind is told to
    // stop, so that the error is not held back until the index is done.
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| -> Result<usize, BuildError> {
        let search = plan.search.then(|| {
            s.spawn(|| -> Result<(), BuildError> {
                let mut laps = crate::timings::Laps::start();
                let searched =
                    folder.replace_dir(search::DIR, |f| search::write(config, tree, f, &stop));
                laps.lap("indice di ricerca");
                searched
            })
        });
        let written = render_pages(loaded, folder, opts, &plan);
        if written.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        let searched = search.map_or(Ok(()), |h| {
            // A panic there is a bug: let it surface.
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
        });
        let count = written?;
        searched.map(|()| count)
    })
}

/// What [`render`] writes beside the search index: pages, theme, print
/// page, open data; returns how many pages it wrote.
fn render_pages(
    loaded: &Loaded,
    folder: &Folder,
    opts: &Options,
    plan: &Plan,
) -> Result<usize, BuildError> {
    let Loaded {
        config,
        tree,
        theme,
        content_dir,
        ..
    } = loaded;
    let mut laps = crate::timings::Laps::start();
    let book = html::pages::Book {
        config,
        tree,
        theme,
        history: &loaded.history,
        links: &loaded.links,
        logo: loaded.logo.as_deref(),
        roles: &loaded.roles,
    };
    let pages = html::pages::Pages::new(book, folder, opts.live_reload.as_deref())?;
    laps.lap("preparazione delle pagine");
    // What holds much memory for a while comes first, while the search
    // index beside it is still small: the open data, then the page of the
    // whole manual (every page's text). The pages, each written and
    // dropped, go on while the index is finished and written.
    // Open data, and the attachments the pages link to.
    if plan.data {
        open_data::export::write(config, tree, &loaded.history, folder)?;
        open_data::dcat::write(config, tree, &loaded.history, folder)?;
        html::copy_attachments(tree, content_dir, folder)?;
        laps.lap("dati aperti (CSV, JSON, XLSX, DCAT), allegati");
    }
    // HTML: the pages.
    let mut any_code = false;
    let mut count = 0;
    if plan.print {
        any_code |= pages.print()?;
        count += 1;
        laps.lap("pagina di stampa");
    }
    any_code |= pages.nodes(&plan.nodes)?;
    count += plan.nodes.len();
    laps.lap("pagine dei processi");
    if plan.home {
        any_code |= pages.home()?;
        count += 1;
    }
    // The pages that change only with the theme: HTML's 404 and search
    // page, the open data's page, the editions' pages (and their data).
    if plan.theme {
        pages.not_found()?;
        pages.search()?;
        open_data::data_page::write(&pages)?;
        count += 1 + editions::write(&pages)?;
        open_data::editions::write(config, &loaded.history, folder)?;
        laps.lap("home, 404, ricerca, dati aperti, edizioni");
        theme.write_assets(folder, config)?;
        if let Some(logo) = &loaded.logo {
            folder.write(&logo.url, &logo.bytes)?;
        }
    }
    if any_code {
        html::theme::write_code_css(folder)?;
    }
    Ok(count)
}
