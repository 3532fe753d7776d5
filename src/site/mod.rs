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

pub use edition_pages::write_edition_data;
pub use error::BuildError;
pub use layout::{MARKER, PRINT_PAGE, SEARCH_PAGE};

use crate::config::{self, Config};
use crate::content;
use error::io;
use output::Folder;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
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
    /// `main_only`: the addresses of the pages written, when each changed
    /// only inside its `<main>` (an author's text): an open page can swap
    /// that part in place of reloading.
    Pages {
        written: usize,
        settle: bool,
        main_only: Option<Vec<String>>,
    },
}

/// Builds the site.
pub fn build(opts: &Options) -> Result<Report, BuildError> {
    let mut laps = crate::timings::Laps::start();
    let (loaded, lock) = Loaded::load(opts)?;
    laps.lap("lettura di content/, configurazione, tema");
    full_build(opts, loaded, lock).map(|(report, _)| report)
}

/// Rebuilds what changed since `previous` (what `serve` keeps of the site
/// now in the output folder): only the pages whose author text changed, or
/// every page when only the theme changed (the search index and open data
/// stay), or everything otherwise. Reads the whole book; when `serve`
/// knows which files were saved, [`update_saved`] reads only those.
pub fn update(opts: &Options, previous: Option<&Preview>) -> Result<(Update, Preview), BuildError> {
    let (loaded, lock) = Loaded::load(opts)?;
    let snapshot = loaded.snapshot();
    let same_structure = previous.is_some_and(|p| {
        !p.broken && p.snapshot.global == snapshot.global && output::is_built(&loaded.output)
    });
    let Some(previous) = previous.filter(|_| same_structure) else {
        let (report, loaded) = full_build(opts, loaded, lock)?;
        return Ok((Update::Full(report), Preview::new(loaded, snapshot)));
    };
    let previous = &previous.snapshot;
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
    let (written, main_only) = match scope {
        Scope::Pages { nodes, home } => rewrite_pages(&loaded, opts, nodes, home)?,
        scope => {
            let folder = Folder::in_place(&loaded.output);
            (render(&loaded, &folder, opts, &scope)?, None)
        }
    };
    drop(lock);
    Ok((
        Update::Pages {
            written,
            settle,
            main_only,
        },
        Preview::new(loaded, snapshot),
    ))
}

/// Writes the pages of `nodes` (and the home page, when `home`) in place
/// over the built site. Returns how many, and their addresses when each
/// changed only inside `<main>` (compared with the page it replaced; not
/// for more than a few pages, where reloading is as good).
fn rewrite_pages(
    loaded: &Loaded,
    opts: &Options,
    nodes: HashSet<usize>,
    home: bool,
) -> Result<(usize, Option<Vec<String>>), BuildError> {
    const COMPARED: usize = 64;
    let mut urls: Vec<String> = nodes
        .iter()
        .map(|&i| loaded.tree.nodes[i].url.clone())
        .collect();
    if home {
        urls.push("index.html".to_string());
    }
    let read = |url: &String| std::fs::read(loaded.output.join(url)).ok();
    let before: Vec<Option<Vec<u8>>> = if urls.len() <= COMPARED {
        urls.iter().map(read).collect()
    } else {
        Vec::new()
    };
    let folder = Folder::in_place(&loaded.output);
    let written = render(loaded, &folder, opts, &Scope::Pages { nodes, home })?;
    let main_only = !before.is_empty() || urls.is_empty();
    let main_only = main_only
        && urls
            .iter()
            .zip(&before)
            .all(|(url, old)| match (old, read(url)) {
                (Some(old), Some(new)) => only_main_differs(old, &new),
                _ => false,
            });
    urls.sort();
    Ok((written, main_only.then_some(urls)))
}

/// True when two pages differ only inside `<main>…</main>`, and the new
/// one has no script there (a script swapped in would not run).
fn only_main_differs(old: &[u8], new: &[u8]) -> bool {
    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }
    fn parts(html: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
        let open = find(html, b"<main")?;
        let inner = open + find(&html[open..], b">")? + 1;
        let close = html.windows(7).rposition(|w| w == b"</main>")?;
        (close >= inner).then(|| (&html[..inner], &html[inner..close], &html[close..]))
    }
    match (parts(old), parts(new)) {
        (Some((head, _, tail)), Some((new_head, main, new_tail))) => {
            head == new_head && tail == new_tail && find(main, b"<script").is_none()
        }
        _ => false,
    }
}

/// After a save of the files `saved` (absolute paths in `content/`), when
/// the last build is `preview`: when every saved page changed only in its
/// author text, rewrites those pages alone, reading nothing else, and
/// returns what it did (the search index and the print page wait for
/// [`settle`]). `None` when the save changed more (a title, a code, the
/// sheet's rows, a page or attachment added or removed, a file that does
/// not read): then [`update`] reads the whole book. A file that came and
/// went (an editor's test that it can write) changes nothing.
pub fn update_saved(
    opts: &Options,
    preview: &mut Preview,
    saved: &std::collections::BTreeSet<PathBuf>,
) -> Result<Option<Update>, BuildError> {
    let mut laps = crate::timings::Laps::start();
    if preview.broken || !output::is_built(&preview.loaded.output) {
        return Ok(None);
    }
    // No import writes pages while they are read.
    let lock = content::Lock::take(&preview.loaded.content_dir, "serve")?;
    let mut edits = Vec::new();
    for path in saved {
        let Some(edit) = preview.read_saved(path) else {
            return Ok(None);
        };
        edits.extend(edit);
    }
    laps.lap("pagine salvate lette");
    if edits.is_empty() {
        return Ok(Some(Update::Pages {
            written: 0,
            settle: false,
            main_only: Some(Vec::new()),
        }));
    }
    // The settling search index may still hold the last version: then
    // this one is a copy (pages are shared, not copied).
    let loaded = Arc::make_mut(&mut preview.loaded);
    laps.lap("copia dell'albero");
    let mut nodes = HashSet::new();
    let mut home = false;
    for (slot, page) in edits {
        let author = author_hash(&page.author);
        match slot {
            Some(i) => {
                preview.snapshot.authors[i] = author;
                loaded.tree.nodes[i].page = Arc::new(page);
                nodes.insert(i);
            }
            None => {
                preview.snapshot.home_author = author;
                loaded.tree.home = Some(page);
                home = true;
            }
        }
    }
    let written = rewrite_pages(loaded, opts, nodes, home);
    drop(lock);
    match written {
        Ok((n, main_only)) => Ok(Some(Update::Pages {
            written: n,
            settle: true,
            main_only,
        })),
        Err(e) => {
            // What the preview holds is newer than the pages written: the
            // next save rebuilds everything.
            preview.broken = true;
            Err(e)
        }
    }
}

/// After an [`Update::Pages`] that asked for it: the search index and the
/// page of the whole manual, which hold every page's text, written again
/// in place from what `preview` holds. On a national map this takes
/// seconds, so `serve` shows the changed pages first and calls this
/// afterwards, on a thread of its own.
pub fn settle(opts: &Options, preview: &Preview) -> Result<(), BuildError> {
    if !output::is_built(&preview.loaded.output) {
        return Ok(());
    }
    let folder = Folder::in_place(&preview.loaded.output);
    render(&preview.loaded, &folder, opts, &Scope::Settle).map(|_| ())
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
        let at = Path::new(layout::MEDIA_DIR).join(rel);
        if let Some(p) = at.parent() {
            folder.create_dir(p)?;
        }
        std::fs::copy(&from, folder.path(&at)).map_err(io(&from))?;
    }
    Ok(())
}

/// Everything a build reads, loaded and checked. What a save of a page
/// cannot change is shared, so that `serve` copies only the tree.
#[derive(Clone)]
struct Loaded {
    config: Config,
    config_text: String,
    tree: Tree,
    theme: Arc<Theme>,
    content_dir: PathBuf,
    output: PathBuf,
    warnings: Vec<String>,
    logo: Option<Arc<logo::Logo>>,
    history: Arc<history::History>,
    links: Arc<pages::Links>,
    /// The roles of `[roles]` some row names (the search filter's values).
    roles: Vec<String>,
}

impl Loaded {
    /// Reads the book; the lock of `content/` it returns is to be held
    /// until the pages read are written.
    fn load(opts: &Options) -> Result<(Loaded, Option<content::Lock>), BuildError> {
        let mut laps = crate::timings::Laps::start();
        let config = Config::load(&opts.book)?;
        let config_text =
            crate::files::read_regular(&opts.book.join(config::FILE_NAME), config::MAX_FILE)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
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
        let (lock, tree, history, theme) = std::thread::scope(|s| {
            // The theme's templates are parsed on a thread of their own while
            // content/ is read: it needs nothing else (Tera 1's parser was
            // 12 % of the instructions of the bundled map's build, Tera 2's is
            // 1 %).
            let theme = s.spawn(|| Theme::load(&opts.book, &config));
            // The book's lock is held for the whole build: no import writes
            // pages while they are read, and no other build of this book
            // writes beside the same output.
            let (lock, content) = if content_dir.is_dir() {
                let lock = content::Lock::take(&content_dir, "build")?;
                if let Some(r) = content::recover(&lock)? {
                    warnings.push(format!("{}: {r}", content_dir.display()));
                }
                // Under the lock no `edizione` is preparing one.
                warnings.extend(crate::editions::clear_leftovers(&opts.book));
                let content = content::load(&content_dir)?;
                laps.lap("  lettura di content/");
                (Some(lock), content)
            } else {
                (None, content::Content::default())
            };
            if content.pages.is_empty() {
                return Err(BuildError::Page {
                    path: content_dir.clone(),
                    message: "non ci sono pagine da pubblicare: esegui prima «manuale import» per crearle dal foglio della mappatura".into(),
                });
            }
            warnings.extend(output::clear_leftovers(&output)?);
            let tree = Tree::new(content, &content_dir, &mut warnings)?;
            laps.lap("  albero");
            let editions = kept_editions(&opts.book, &config, &tree, &mut warnings)?;
            let history = history::History::new(editions, &tree);
            laps.lap("  edizioni");
            let theme = theme
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))?;
            laps.lap("  tema (letto accanto)");
            Ok((lock, tree, history, theme))
        })?;
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
        let links = Arc::new(pages::Links::new(&tree, &config.ui));
        let roles = search::roles_in_use(&config, &tree);
        Ok((
            Loaded {
                config,
                config_text,
                tree,
                theme: Arc::new(theme),
                content_dir,
                output,
                warnings,
                logo: logo.map(Arc::new),
                history: Arc::new(history),
                links,
                roles,
            },
            lock,
        ))
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
                .map(|n| author_hash(&n.page.author))
                .collect(),
            home_author: author_hash(self.tree.home.as_ref().map_or("", |h| &h.author)),
        }
    }
}

/// A hash of a page's author text, to tell an edit.
fn author_hash(author: &str) -> u64 {
    output::bytes_hash(author.as_bytes())
}

/// What `serve` keeps of the site it built last: everything that build
/// read, and what each page depended on. A save then costs reading the
/// saved pages ([`update_saved`]), not the whole book.
#[derive(Clone)]
pub struct Preview {
    loaded: Arc<Loaded>,
    snapshot: Snapshot,
    /// `content/`, absolute, and each page file in it (relative) with its
    /// node (`None`: the home page).
    content_real: PathBuf,
    files: Arc<std::collections::HashMap<PathBuf, Option<usize>>>,
    /// A failed write left pages older than what is held here.
    broken: bool,
}

impl Preview {
    fn new(loaded: Loaded, snapshot: Snapshot) -> Preview {
        let mut files: std::collections::HashMap<PathBuf, Option<usize>> = loaded
            .tree
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.page.path.clone(), Some(i)))
            .collect();
        files.insert(PathBuf::from(content::INDEX), None);
        let content_real = std::fs::canonicalize(&loaded.content_dir)
            .unwrap_or_else(|_| loaded.content_dir.clone());
        Preview {
            loaded: Arc::new(loaded),
            snapshot,
            content_real,
            files: Arc::new(files),
            broken: false,
        }
    }

    /// The saved page at `path` when it changed only in its author text
    /// (`Some(None)` when it did not change at all, or is a file that came
    /// and went); `None` when it is not a page of the last build, does not
    /// read, or changed more.
    #[allow(clippy::option_option)]
    fn read_saved(&self, path: &Path) -> Option<Option<(Option<usize>, content::Page)>> {
        let rel = path
            .strip_prefix(&self.content_real)
            .or_else(|_| path.strip_prefix(&self.loaded.content_dir))
            .ok()?;
        let is_page = rel.extension().is_some_and(|e| e == "md");
        if !is_page {
            let known = self.loaded.links.is_asset(rel);
            let gone = std::fs::symlink_metadata(path).is_err();
            return (!known && gone).then_some(None);
        }
        let slot = *self.files.get(rel)?;
        let old = match slot {
            Some(i) => &self.loaded.tree.nodes[i].page,
            None => self.loaded.tree.home.as_ref()?,
        };
        let text = std::fs::read_to_string(path).ok()?;
        let mut page = content::Page::parse(path, &text).ok()?;
        page.path = rel.to_path_buf();
        let same = page.front == old.front
            && page.generated == old.generated
            && page.generated_edited == old.generated_edited;
        if !same {
            return None;
        }
        Some((page.author != old.author).then_some((slot, page)))
    }
}

/// What the pages of a built site depend on: the structure (config, codes,
/// titles, rows, dates), the theme, and each page's own author text.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Snapshot {
    global: u64,
    theme: u64,
    authors: Vec<u64>,
    home_author: u64,
}

#[cfg(test)]
mod tests {
    use super::only_main_differs;

    #[test]
    fn a_page_swaps_in_place_only_when_nothing_outside_main_changed() {
        let page = |title: &str, main: &str| {
            format!("<html><head><title>{title}</title></head><body><nav>n</nav><main id=\"contenuto\">{main}</main><footer>f</footer></body></html>")
        };
        let old = page("A", "<p>uno</p>");
        assert!(only_main_differs(
            old.as_bytes(),
            page("A", "<p>due</p>").as_bytes()
        ));
        assert!(only_main_differs(old.as_bytes(), old.as_bytes()));
        assert!(!only_main_differs(
            old.as_bytes(),
            page("B", "<p>due</p>").as_bytes()
        ));
        assert!(!only_main_differs(
            old.as_bytes(),
            page("A", "<p>due</p><script>x()</script>").as_bytes()
        ));
        assert!(!only_main_differs(
            old.as_bytes(),
            b"<html><body>senza main</body></html>"
        ));
        let attrs = old.replace("<main id=\"contenuto\">", "<main id=\"altro\">");
        assert!(!only_main_differs(old.as_bytes(), attrs.as_bytes()));
    }
}
