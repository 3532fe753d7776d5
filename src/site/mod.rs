//! `manuale build`: the pages in `content/` to a static site.
//!
//! One HTML page per node (`processi/<code>.html`, a permanent URL derived
//! from the code), the home page, `404.html`, the page of the whole manual,
//! the search index, the open data (`dati/`), the theme's assets and, when
//! the site's address is known, `sitemap.xml`. All links are relative, so
//! the folder works under any sub-path and from disk.
//!
//! This module loads what a build reads and decides what to write: a
//! [`Scope`] (everything, the theme only, some pages only) becomes a plan
//! of outputs, each written by its own function ([`pages`], [`search`],
//! [`export`]) into an output [`Folder`](output::Folder).

mod context;
mod data_page;
mod dcat;
mod edition_pages;
mod error;
mod export;
mod history;
mod layout;
mod load;
mod logo;
mod markdown;
mod nav;
mod output;
mod pages;
pub mod preview;
mod search;
mod table;
mod theme;
mod tree;
mod workbook;

pub use edition_pages::write_edition_data;
pub use error::BuildError;
pub use layout::{MARKER, PRINT_PAGE, SEARCH_PAGE};

use crate::content;
use error::io;
use output::Folder;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use load::Loaded;
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
    /// `404.html` and the theme's files.
    theme: bool,
    /// Search index, open data, sitemap, attachments.
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
    let book = pages::Book {
        config,
        tree,
        theme,
        history: &loaded.history,
        links: &loaded.links,
        logo: loaded.logo.as_deref(),
        roles: &loaded.roles,
    };
    let pages = pages::Pages::new(book, folder, opts.live_reload.as_deref())?;
    laps.lap("preparazione delle pagine");
    // What holds much memory for a while comes first, while the search
    // index beside it is still small: the open data, then the page of the
    // whole manual (every page's text). The pages, each written and
    // dropped, go on while the index is finished and written.
    if plan.data {
        export::write(config, tree, &loaded.history, folder)?;
        dcat::write(config, tree, &loaded.history, folder)?;
        copy_attachments(tree, content_dir, folder)?;
        laps.lap("dati aperti (CSV, JSON, XLSX, DCAT), allegati");
    }
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
    if plan.theme {
        pages.not_found()?;
        pages.search()?;
        data_page::write(&pages)?;
        count += 1 + edition_pages::write(&pages)?;
        laps.lap("home, 404, ricerca, dati aperti, edizioni");
        theme.write_assets(folder, config)?;
        if let Some(logo) = &loaded.logo {
            folder.write(&logo.url, &logo.bytes)?;
        }
    }
    if any_code {
        theme::write_code_css(folder)?;
    }
    Ok(count)
}

/// Images and attachments of `content/`, under `contenuti/`.
fn copy_attachments(tree: &Tree, content_dir: &Path, folder: &Folder) -> Result<(), BuildError> {
    for rel in &tree.assets {
        let from = content_dir.join(rel);
        let at = Path::new(layout::MEDIA_DIR).join(rel);
        if let Some(p) = at.parent() {
            folder.create_dir(p)?;
        }
        std::fs::copy(&from, folder.path(&at)).map_err(io(&from))?;
    }
    Ok(())
}
