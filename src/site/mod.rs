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
mod logo;
mod markdown;
mod nav;
mod output;
mod pages;
mod search;
mod table;
mod theme;
mod tree;
mod workbook;

pub use error::BuildError;
pub use layout::MARKER;

use crate::config::{self, Config};
use crate::content;
use error::io;
use output::Folder;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use theme::Theme;
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

/// What [`update`] did.
#[derive(Debug)]
pub enum Update {
    /// The whole site was built again.
    Full(Report),
    /// Only these many pages were written again, in place. When `settle`,
    /// the search index and the page of the whole manual still hold the
    /// old text: [`settle`] writes them, after the pages are shown.
    Pages { written: usize, settle: bool },
}

/// Builds the site.
pub fn build(opts: &Options) -> Result<Report, BuildError> {
    let mut laps = crate::timings::Laps::start();
    let loaded = Loaded::load(opts)?;
    laps.lap("lettura di content/, configurazione, tema");
    full_build(opts, loaded).map(|(report, _)| report)
}

/// Rebuilds what changed since `previous` (the snapshot of the site now in
/// the output folder): only the pages whose author text changed, or every
/// page when only the theme changed (the search index and open data stay),
/// or everything otherwise. Used by `serve`, where a save must show fast
/// even on a national map.
pub fn update(
    opts: &Options,
    previous: Option<&Snapshot>,
) -> Result<(Update, Snapshot), BuildError> {
    let loaded = Loaded::load(opts)?;
    let snapshot = loaded.snapshot();
    let same_structure =
        previous.is_some_and(|p| p.global == snapshot.global && output::is_built(&loaded.output));
    let Some(previous) = previous.filter(|_| same_structure) else {
        let (report, snapshot) = full_build(opts, loaded)?;
        return Ok((Update::Full(report), snapshot));
    };
    let scope = if previous.theme == snapshot.theme {
        Scope::Pages {
            nodes: (0..snapshot.authors.len())
                .filter(|&i| previous.authors.get(i) != Some(&snapshot.authors[i]))
                .collect(),
            home: previous.home_author != snapshot.home_author,
        }
    } else {
        Scope::Theme
    };
    let settle = matches!(&scope, Scope::Pages { nodes, .. } if !nodes.is_empty());
    let folder = Folder::in_place(&loaded.output);
    let n = render(&loaded, &folder, opts, &scope)?;
    Ok((Update::Pages { written: n, settle }, snapshot))
}

/// After an [`Update::Pages`] that asked for it: the search index and the
/// page of the whole manual, which hold every page's text, written again
/// in place. On a national map this takes seconds, so `serve` shows the
/// changed pages first and calls this afterwards.
pub fn settle(opts: &Options) -> Result<(), BuildError> {
    let loaded = Loaded::load(opts)?;
    if !output::is_built(&loaded.output) {
        return Ok(());
    }
    let folder = Folder::in_place(&loaded.output);
    render(&loaded, &folder, opts, &Scope::Settle).map(|_| ())
}

fn full_build(opts: &Options, loaded: Loaded) -> Result<(Report, Snapshot), BuildError> {
    let snapshot = loaded.snapshot();
    let folder = Folder::stage(&loaded.output)?;
    let pages = match render(&loaded, &folder, opts, &Scope::Full) {
        Ok(n) => n,
        Err(e) => {
            folder.discard();
            return Err(e);
        }
    };
    let mut laps = crate::timings::Laps::start();
    folder.publish(&loaded.output)?;
    laps.lap("sostituzione del sito precedente");
    Ok((
        Report {
            output: loaded.output,
            pages,
            warnings: loaded.warnings,
        },
        snapshot,
    ))
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
    let Loaded {
        config,
        tree,
        theme,
        content_dir,
        ..
    } = loaded;
    let plan = Plan::new(scope, tree);
    let mut laps = crate::timings::Laps::start();
    let pages = pages::Pages::new(
        config,
        tree,
        theme,
        folder,
        opts.live_reload.as_deref(),
        loaded.logo.as_ref(),
        &loaded.history,
    )?;
    laps.lap("preparazione delle pagine");
    let mut any_code = pages.nodes(&plan.nodes)?;
    laps.lap("pagine dei processi");
    let mut count = plan.nodes.len();
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
    }
    // The page of the whole manual holds every page's text.
    if plan.print {
        any_code |= pages.print()?;
        count += 1;
        laps.lap("pagina di stampa");
    }
    if plan.theme {
        theme.write_assets(folder, config)?;
        if let Some(logo) = &loaded.logo {
            folder.write(&logo.url, &logo.bytes)?;
        }
    }
    if any_code {
        theme::write_code_css(folder)?;
    }
    // The open data is written on a thread of its own while the search
    // index is built: each has long stretches on one core.
    std::thread::scope(|s| -> Result<(), BuildError> {
        let data = plan.data.then(|| {
            s.spawn(|| -> Result<(), BuildError> {
                let mut laps = crate::timings::Laps::start();
                export::write(config, tree, &loaded.history, folder)?;
                dcat::write(config, tree, &loaded.history, folder)?;
                copy_attachments(tree, content_dir, folder)?;
                laps.lap("dati aperti (CSV, JSON, XLSX, DCAT), allegati");
                Ok(())
            })
        });
        let searched = if plan.search {
            folder.replace_dir(search::DIR, |f| search::write(config, tree, f))
        } else {
            Ok(())
        };
        laps.lap("indice di ricerca");
        let written = data.map_or(Ok(()), |h| {
            // A panic there is a bug: let it surface.
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
        });
        searched.and(written)
    })?;
    Ok(count)
}

/// The editions of the book still within their years online: the newest,
/// and those adopted less than `[edizioni] anni` years before it (or before
/// the current data, when newer). The others stay in the book, unpublished,
/// and the build says so.
fn kept_editions(
    book: &Path,
    config: &Config,
    tree: &Tree,
    warnings: &mut Vec<String>,
) -> Result<Vec<crate::editions::Edition>, BuildError> {
    let all = crate::editions::load(book).map_err(|e| BuildError::Page {
        path: book.join(crate::editions::DIR),
        message: e.to_string(),
    })?;
    let Some(newest) = all.last().map(crate::editions::Edition::date) else {
        return Ok(all);
    };
    let reference = tree.updated().map_or(newest, |d| d.max(newest));
    let years = i32::try_from(config.editions.anni).unwrap_or(i32::MAX);
    let cutoff = crate::date::Date {
        year: reference.year.saturating_sub(years),
        ..reference
    };
    let (kept, old): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|e| e.date() >= cutoff || e.date() == newest);
    for e in &old {
        warnings.push(format!(
            "{}: l'edizione del {} ha più di {} anni: resta nel manuale ma non è più pubblicata",
            book.join(crate::editions::DIR).join(&e.info.data).display(),
            e.date().italian(),
            config.editions.anni
        ));
    }
    Ok(kept)
}

/// True when `path` is `dir` or lies inside it, once both are absolute and
/// free of `..` and links where they exist.
fn inside(path: &Path, dir: &Path) -> bool {
    let real = |p: &Path| -> PathBuf {
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        // The longest part that exists, resolved; the rest as written.
        let mut existing = abs.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent;
                }
                _ => break,
            }
        }
        let mut out = std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
        out.extend(rest.iter().rev());
        out
    };
    real(path).starts_with(real(dir))
}

/// Images and attachments of `content/`, under `contenuti/`.
fn copy_attachments(tree: &Tree, content_dir: &Path, folder: &Folder) -> Result<(), BuildError> {
    for rel in &tree.assets {
        let from = content_dir.join(rel);
        let to = folder.path(layout::MEDIA_DIR).join(rel);
        if let Some(p) = to.parent() {
            std::fs::create_dir_all(p).map_err(io(p))?;
        }
        std::fs::copy(&from, &to).map_err(io(&from))?;
    }
    Ok(())
}

/// Everything a build reads, loaded and checked.
struct Loaded {
    config: Config,
    config_text: String,
    tree: Tree,
    theme: Theme,
    content_dir: PathBuf,
    output: PathBuf,
    warnings: Vec<String>,
    /// Held until the build is done.
    _lock: Option<content::Lock>,
    logo: Option<logo::Logo>,
    history: history::History,
}

impl Loaded {
    fn load(opts: &Options) -> Result<Loaded, BuildError> {
        let mut laps = crate::timings::Laps::start();
        let config = Config::load(&opts.book)?;
        let config_text =
            std::fs::read_to_string(opts.book.join(config::FILE_NAME)).unwrap_or_default();
        let output = opts
            .output
            .clone()
            .unwrap_or_else(|| opts.book.join("book"));
        output::check(&output)?;
        let content_dir = opts.book.join("content");
        if inside(&output, &content_dir) {
            return Err(BuildError::InsideContent {
                path: output,
                content: content_dir,
            });
        }
        let mut warnings = Vec::new();
        if let Some(rgb) = config::parse_color(&config.book.color) {
            let ratio = config::contrast(rgb, [255, 255, 255]);
            if ratio < 4.5 {
                warnings.push(format!(
                    "{}: il colore {} ha contrasto {ratio:.2}:1 con il bianco, sotto il minimo 4.5:1 di WCAG AA: \
                     il testo bianco su quel colore non è leggibile da tutti. Scegli una tinta più scura",
                    opts.book.join(config::FILE_NAME).display(),
                    config.book.color
                ));
            }
        }
        // The book's lock is held for the whole build: no import writes
        // pages while they are read, and no other build of this book
        // writes beside the same output.
        let (lock, content) = if content_dir.is_dir() {
            let lock = content::Lock::take(&content_dir, "build")?;
            if let Some(r) = content::recover(&lock)? {
                warnings.push(format!("{}: {r}", content_dir.display()));
            }
            let content = content::load(&content_dir)?;
            laps.lap("  lettura di content/");
            (Some(lock), content)
        } else {
            (None, content::Content::default())
        };
        if content.pages.is_empty() {
            return Err(BuildError::Page {
                path: content_dir,
                message: "non ci sono pagine da pubblicare: esegui prima «manuale import» per crearle dal foglio della mappatura".into(),
            });
        }
        warnings.extend(output::clear_leftovers(&output)?);
        let tree = Tree::new(content, &content_dir, &mut warnings)?;
        laps.lap("  albero");
        let editions = kept_editions(&opts.book, &config, &tree, &mut warnings)?;
        let history = history::History::new(editions, &tree);
        laps.lap("  edizioni");
        let theme = Theme::load(&opts.book, &config)?;
        laps.lap("  tema");
        let logo = logo::Logo::load(&opts.book, config.ente.logo.as_deref())?;
        for w in dcat::missing(&config) {
            warnings.push(format!(
                "{}: {w}",
                opts.book.join(config::FILE_NAME).display()
            ));
        }
        for (key, why) in config.ente.missing() {
            warnings.push(format!(
                "{}: [ente] manca «{key}»: {why}. La pagina non lo mostra; per la pubblicazione in «Amministrazione trasparente» va indicato",
                opts.book.join(config::FILE_NAME).display()
            ));
        }
        Ok(Loaded {
            config,
            config_text,
            tree,
            theme,
            content_dir,
            output,
            warnings,
            _lock: lock,
            logo,
            history,
        })
    }

    /// What each page depends on, to tell what an edit changed.
    fn snapshot(&self) -> Snapshot {
        use std::hash::{Hash, Hasher};
        let hash = |parts: &[&dyn std::fmt::Debug]| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for p in parts {
                format!("{p:?}").hash(&mut h);
            }
            h.finish()
        };
        let home_front = self.tree.home.as_ref().map(|h| &h.front);
        let structure: Vec<u64> = self
            .tree
            .nodes
            .iter()
            .map(|n| {
                hash(&[
                    &n.code,
                    &n.page.path,
                    &n.page.front,
                    &n.page.generated_edited,
                ])
            })
            .collect();
        Snapshot {
            global: hash(&[
                &self.config_text,
                &structure,
                &home_front,
                &self.tree.assets,
                &self.logo.as_ref().map(|l| &l.bytes),
                &self.history.editions,
            ]),
            theme: self.theme.fingerprint,
            authors: self
                .tree
                .nodes
                .iter()
                .map(|n| hash(&[&n.page.author]))
                .collect(),
            home_author: hash(&[&self.tree.home.as_ref().map(|h| &h.author)]),
        }
    }
}

/// What the pages of a built site depend on: the structure (config, codes,
/// titles, rows, dates), the theme, and each page's own author text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    global: u64,
    theme: u64,
    authors: Vec<u64>,
    home_author: u64,
}
