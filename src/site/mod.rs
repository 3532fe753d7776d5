//! `manuale build`: the pages in `content/` to a static site.
//!
//! One HTML page per node (`processi/<code>.html`, a permanent URL derived
//! from the code), the home page, `404.html`, the open data (`dati/`), the
//! theme's assets and, when the site's address is known, `sitemap.xml`. All
//! links are relative, so the folder works under any sub-path and from disk.
//! The site is written to a folder beside the target and moved into place
//! when complete; a target folder `manuale` did not create is never replaced.

mod export;
pub mod markdown;
mod nav;
pub mod search;
mod theme;

use crate::code::Code;
use crate::config::{self, Config, ConfigError};
use crate::content::{self, Content, ContentError, Page};
use crate::date::Date;
use crate::view;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

pub use theme::Theme;

/// Folder of the node pages in the site.
pub const PAGES_DIR: &str = "processi";
/// Folder of the open data.
pub const DATA_DIR: &str = "dati";
/// Folder of the theme's stylesheets, fonts and scripts.
pub const ASSETS_DIR: &str = "assets";
/// Folder of attachments copied from `content/`.
pub const MEDIA_DIR: &str = "contenuti";
/// The page with the whole manual, for printing.
pub const PRINT_PAGE: &str = "stampa.html";
/// The file that marks a folder as built by `manuale`.
pub const MARKER: &str = ".manuale-build";
const MARKER_TEXT: &str = "Cartella generata da «manuale build». Viene sostituita per intero a ogni build: non metterci altri file.\n";

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Content(#[from] ContentError),
    #[error(
        "{path}: la cartella esiste e non è stata creata da manuale (manca il file {MARKER}): \
         la build non la sostituisce per non cancellare file altrui. Scegli un'altra cartella con \
         --output oppure svuotala."
    )]
    Foreign { path: PathBuf },
    #[error("{path}: {message}")]
    Page { path: PathBuf, message: String },
    #[error("{0}")]
    Template(String),
    #[error("{path}: scrittura non riuscita: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}

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

/// A node of the published tree.
pub struct Node {
    pub code: Code,
    pub title: String,
    pub page: Page,
    pub url: String,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// The node's own last update, and the newest in its subtree.
    pub updated: Option<Date>,
    pub updated_below: Option<Date>,
    /// Processes (leaves) in the subtree; 1 for a process.
    pub processes: usize,
}

/// The published nodes in tree order, with their links.
pub struct Tree {
    pub nodes: Vec<Node>,
    pub roots: Vec<usize>,
    pub home: Option<Page>,
    pub assets: Vec<PathBuf>,
}

impl Tree {
    /// Checks the pages form a tree: every published page's parent exists.
    pub fn new(
        content: Content,
        content_dir: &Path,
        warnings: &mut Vec<String>,
    ) -> Result<Tree, BuildError> {
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
                         rilancia «manuale import» o crea la pagina di {p}"
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
                page,
                parent,
                children: Vec::new(),
                updated,
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
    pub fn updated(&self) -> Option<Date> {
        let pages = self.nodes.iter().filter_map(|n| n.updated_below).max();
        let home = self
            .home
            .as_ref()
            .and_then(|h| h.front.updated.as_deref())
            .and_then(Date::parse);
        pages.max(home)
    }

    fn siblings(&self, i: usize) -> &[usize] {
        match self.nodes[i].parent {
            Some(p) => &self.nodes[p].children,
            None => &self.roots,
        }
    }
}

/// The path of an absolute URL: `https://x.it/a/b/` → `/a/b/`.
fn url_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/')
        .map_or_else(|| "/".to_string(), |i| rest[i..].to_string())
}

/// The site URL of a node's page, relative to the site root.
pub fn page_url(code: &Code) -> String {
    format!("{PAGES_DIR}/{code}.html")
}

/// Builds the site.
pub fn build(opts: &Options) -> Result<Report, BuildError> {
    let loaded = Loaded::load(opts)?;
    full_build(opts, loaded).map(|(report, _)| report)
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
}

impl Loaded {
    fn load(opts: &Options) -> Result<Loaded, BuildError> {
        let config = Config::load(&opts.book)?;
        let config_text =
            std::fs::read_to_string(opts.book.join(config::FILE_NAME)).unwrap_or_default();
        let output = opts
            .output
            .clone()
            .unwrap_or_else(|| opts.book.join("book"));
        check_output(&output)?;
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
        let content_dir = opts.book.join("content");
        let content = content::load(&content_dir)?;
        if content.pages.is_empty() {
            return Err(BuildError::Page {
                path: content_dir,
                message: "non ci sono pagine da pubblicare: esegui prima «manuale import» per crearle dal foglio della mappatura".into(),
            });
        }
        let tree = Tree::new(content, &content_dir, &mut warnings)?;
        let theme = Theme::load(&opts.book, &config)?;
        Ok(Loaded {
            config,
            config_text,
            tree,
            theme,
            content_dir,
            output,
            warnings,
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

/// What [`update`] did.
#[derive(Debug)]
pub enum Update {
    /// The whole site was built again.
    Full(Report),
    /// Only these many pages were written again, in place.
    Pages(usize),
}

fn full_build(opts: &Options, loaded: Loaded) -> Result<(Report, Snapshot), BuildError> {
    let snapshot = loaded.snapshot();
    let Loaded {
        config,
        tree,
        theme,
        content_dir,
        output,
        warnings,
        ..
    } = loaded;
    let stage = sibling(&output, "tmp");
    if stage.exists() {
        std::fs::remove_dir_all(&stage).map_err(io(&stage))?;
    }
    let result = render_site(
        &config,
        &tree,
        &theme,
        &content_dir,
        &stage,
        opts,
        &Scope::All,
    );
    let pages = match result {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&stage);
            return Err(e);
        }
    };
    swap(&stage, &output)?;
    Ok((
        Report {
            output,
            pages,
            warnings,
        },
        snapshot,
    ))
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
    let output = loaded.output.clone();
    let same_structure =
        previous.is_some_and(|p| p.global == snapshot.global && output.join(MARKER).is_file());
    let Some(previous) = previous.filter(|_| same_structure) else {
        let (report, snapshot) = full_build(opts, loaded)?;
        return Ok((Update::Full(report), snapshot));
    };
    let scope = if previous.theme != snapshot.theme {
        Scope::Pages {
            nodes: None,
            home: true,
        }
    } else {
        let nodes: HashSet<usize> = (0..snapshot.authors.len())
            .filter(|&i| previous.authors.get(i) != Some(&snapshot.authors[i]))
            .collect();
        Scope::Pages {
            nodes: Some(nodes),
            home: previous.home_author != snapshot.home_author,
        }
    };
    let n = render_site(
        &loaded.config,
        &loaded.tree,
        &loaded.theme,
        &loaded.content_dir,
        &output,
        opts,
        &scope,
    )?;
    Ok((Update::Pages(n), snapshot))
}

/// Which files a render writes.
enum Scope {
    /// A whole new site, into an empty folder.
    All,
    /// Pages of a site already there, each replaced atomically: these nodes
    /// (all when `None`) and the home page if `home`; with all nodes, the
    /// theme's assets too.
    Pages {
        nodes: Option<HashSet<usize>>,
        home: bool,
    },
}

impl Scope {
    fn node(&self, i: usize) -> bool {
        match self {
            Scope::All => true,
            Scope::Pages { nodes, .. } => nodes.as_ref().is_none_or(|n| n.contains(&i)),
        }
    }
    fn home(&self) -> bool {
        match self {
            Scope::All => true,
            Scope::Pages { home, .. } => *home,
        }
    }
    fn all_pages(&self) -> bool {
        matches!(self, Scope::All | Scope::Pages { nodes: None, .. })
    }
}

/// Writes a file; in place, through a temporary name and a rename, so a
/// page being served is never seen half written.
fn write_file(path: &Path, bytes: &[u8], in_place: bool) -> Result<(), BuildError> {
    if !in_place {
        return std::fs::write(path, bytes).map_err(io(path));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.manuale-tmp"));
    std::fs::write(&tmp, bytes).map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

/// `path` may be replaced if it does not exist, is empty, or holds the marker.
fn check_output(path: &Path) -> Result<(), BuildError> {
    match std::fs::read_dir(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if path.is_file() => Err(BuildError::Foreign {
            path: path.to_path_buf(),
        }),
        Err(e) => Err(io(path)(e)),
        Ok(mut entries) => {
            if path.join(MARKER).is_file() || entries.next().is_none() {
                Ok(())
            } else {
                Err(BuildError::Foreign {
                    path: path.to_path_buf(),
                })
            }
        }
    }
}

fn sibling(output: &Path, what: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into());
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.manuale-{what}-{}", std::process::id()))
}

/// Moves the finished site into place, then removes the previous one.
fn swap(stage: &Path, output: &Path) -> Result<(), BuildError> {
    check_output(output)?;
    if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let old = sibling(output, "old");
    let had_old = output.exists();
    if had_old {
        std::fs::rename(output, &old).map_err(io(output))?;
    }
    if let Err(e) = std::fs::rename(stage, output) {
        if had_old {
            let _ = std::fs::rename(&old, output);
        }
        return Err(io(output)(e));
    }
    if had_old {
        // Only a folder that was ours (marker or empty) got here.
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    Ok(())
}

/// Everything the templates see on every page.
#[derive(Serialize)]
struct Globals<'a> {
    book: &'a config::Book,
    ui: &'a BTreeMap<String, String>,
    footer: &'a [config::Link],
    levels: &'a [String],
    site_url: Option<String>,
    updated: Option<String>,
    updated_text: Option<String>,
    data_json: String,
    data_csv: String,
    print_page: &'static str,
    /// The values of the search filters: functions, and the roles in use.
    search_functions: Vec<String>,
    search_roles: Vec<String>,
}

#[derive(Serialize, Clone)]
struct LinkCtx {
    code: String,
    title: String,
    label: String,
    url: String,
}

#[derive(Serialize)]
struct ChildCtx {
    code: String,
    title: String,
    label: String,
    url: String,
    level_name: String,
    processes: usize,
    is_process: bool,
    children: Vec<LinkCtx>,
}

#[derive(Serialize)]
struct FieldCtx {
    key: &'static str,
    label: String,
    html: String,
    missing: bool,
}

#[derive(Serialize)]
struct ActivityCtx {
    id: String,
    line: usize,
    name: String,
    code_cell: Option<String>,
    fields: Vec<FieldCtx>,
}

/// A node on the page of the whole manual.
#[derive(Serialize)]
struct PrintNode {
    id: String,
    /// The heading level of its title (h2 for a function… h6).
    heading: usize,
    is_function: bool,
    is_process: bool,
    page: PageCtx,
}

#[derive(Serialize)]
struct NoteCtx {
    line: usize,
    name: String,
    code_cell: Option<String>,
}

#[derive(Serialize)]
struct PageCtx {
    kind: &'static str,
    code: String,
    title: String,
    label: String,
    untitled: bool,
    level: usize,
    level_name: String,
    url: String,
    updated: Option<String>,
    updated_text: Option<String>,
    breadcrumbs: Vec<LinkCtx>,
    parent: Option<LinkCtx>,
    prev: Option<LinkCtx>,
    next: Option<LinkCtx>,
    children: Vec<ChildCtx>,
    processes: usize,
    activities: Vec<ActivityCtx>,
    notes: Vec<NoteCtx>,
    author_html: String,
    extra: toml::Table,
}

fn label(code: &Code, title: &str, ui: &BTreeMap<String, String>) -> String {
    crate::text::label(code, title, &ui["untitled"])
}

fn link(tree: &Tree, i: usize, ui: &BTreeMap<String, String>) -> LinkCtx {
    let n = &tree.nodes[i];
    LinkCtx {
        code: n.code.to_string(),
        title: n.title.clone(),
        label: label(&n.code, &n.title, ui),
        url: n.url.clone(),
    }
}

fn render_site(
    config: &Config,
    tree: &Tree,
    theme: &Theme,
    content_dir: &Path,
    out: &Path,
    opts: &Options,
    scope: &Scope,
) -> Result<usize, BuildError> {
    let ui = &config.ui;
    let in_place = !matches!(scope, Scope::All);
    std::fs::create_dir_all(out.join(PAGES_DIR)).map_err(io(out))?;
    if !in_place {
        std::fs::write(out.join(MARKER), MARKER_TEXT).map_err(io(out))?;
    }
    let updated = tree.updated();
    let globals = Globals {
        book: &config.book,
        ui,
        footer: &config.footer,
        levels: &config.levels,
        site_url: config.site_url(),
        updated: updated.map(|d| d.to_string()),
        updated_text: updated.map(|d| d.italian()),
        data_json: format!("{DATA_DIR}/processi.json"),
        data_csv: format!("{DATA_DIR}/processi.csv"),
        print_page: PRINT_PAGE,
        search_functions: tree
            .roots
            .iter()
            .map(|&r| search::function_label(&tree.nodes[r]))
            .collect(),
        search_roles: search::roles_in_use(config, tree),
    };
    // Link targets for authors' Markdown.
    let page_files: BTreeMap<PathBuf, String> = tree
        .nodes
        .iter()
        .map(|n| (n.page.path.clone(), n.url.clone()))
        .chain(std::iter::once((
            PathBuf::from(content::INDEX),
            "index.html".to_string(),
        )))
        .collect();
    let codes: BTreeMap<String, String> = tree
        .nodes
        .iter()
        .map(|n| (n.code.to_string(), n.url.clone()))
        .collect();
    let assets: HashSet<PathBuf> = tree.assets.iter().cloned().collect();
    let mut any_code = false;
    let mut count = 0;

    let render_md = |page: &Page, root: &str| {
        markdown::render(
            &page.author,
            &markdown::Links {
                page: &page.path,
                root,
                pages: &page_files,
                codes: &codes,
                assets: &assets,
            },
        )
    };

    // Node pages, rendered and written on every core: on a virtual disk the
    // time goes into creating files, and that overlaps well.
    let render_node = |i: usize| -> Result<bool, BuildError> {
        let node = &tree.nodes[i];
        let root = "../";
        let md = render_md(&node.page, root);
        let page = page_ctx(config, tree, i, md.html);
        let nav = nav::render(tree, Some(i), root, ui);
        let template = if node.children.is_empty() {
            "process.html"
        } else {
            "section.html"
        };
        let html = theme.render(
            template,
            &globals,
            &page,
            &nav,
            root,
            md.has_code,
            opts.live_reload.as_deref(),
        )?;
        let path = out.join(&node.url);
        write_file(&path, html.as_bytes(), in_place)?;
        Ok(md.has_code)
    };
    let indices: Vec<usize> = (0..tree.nodes.len()).filter(|&i| scope.node(i)).collect();
    let results = crate::parallel::map(&indices, |&i| render_node(i));
    for r in results {
        any_code |= r?;
    }
    count += indices.len();
    // The whole manual on one page, to print or save as PDF: written again
    // by every update, since it holds every page's text.
    let render_print = || -> Result<bool, BuildError> {
        let mut has_code = false;
        let print_nodes: Vec<PrintNode> = tree
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let md = render_md(&n.page, "");
                has_code |= md.has_code;
                PrintNode {
                    id: format!("p-{}", n.code),
                    heading: (n.code.level() + 1).min(6),
                    is_function: n.code.level() == 1,
                    is_process: n.children.is_empty(),
                    page: page_ctx(config, tree, i, md.html),
                }
            })
            .collect();
        let print = serde_json::json!({
            "kind": "print",
            "title": ui["print_title"],
            "toc": nav::toc(tree, ui),
            "nodes": print_nodes,
            "updated": globals.updated,
            "updated_text": globals.updated_text,
        });
        let nav = nav::render(tree, None, "", ui);
        let html = theme.render(
            "print.html",
            &globals,
            &print,
            &nav,
            "",
            has_code,
            opts.live_reload.as_deref(),
        )?;
        write_file(&out.join(PRINT_PAGE), html.as_bytes(), in_place)?;
        Ok(has_code)
    };

    if !scope.home() {
        if count > 0 {
            any_code |= render_print()?;
            count += 1;
        }
        if any_code {
            theme.write_code_css(&out.join(ASSETS_DIR))?;
        }
        return Ok(count);
    }

    // Home page.
    let (intro, intro_code) = match &tree.home {
        Some(h) => {
            let md = render_md(h, "");
            (md.html, md.has_code)
        }
        None => (String::new(), false),
    };
    any_code |= intro_code;
    let functions: Vec<ChildCtx> = tree
        .roots
        .iter()
        .map(|&r| child_ctx(config, tree, r, true))
        .collect();
    let home = serde_json::json!({
        "kind": "home",
        "title": config.book.title,
        "author_html": intro,
        "functions": functions,
        "processes": tree.roots.iter().map(|&r| tree.nodes[r].processes).sum::<usize>(),
        "updated": globals.updated,
        "updated_text": globals.updated_text,
        "extra": tree.home.as_ref().map(|h| h.front.extra.clone()).unwrap_or_default(),
    });
    let nav = nav::render(tree, None, "", ui);
    let html = theme.render(
        "index.html",
        &globals,
        &home,
        &nav,
        "",
        intro_code,
        opts.live_reload.as_deref(),
    )?;
    write_file(&out.join("index.html"), html.as_bytes(), in_place)?;
    count += 1;
    if !scope.all_pages() {
        any_code |= render_print()?;
        count += 1;
        if any_code {
            theme.write_code_css(&out.join(ASSETS_DIR))?;
        }
        return Ok(count);
    }

    // 404: served at any depth, so its links start from the site's address
    // when it is known.
    // The path of the site's address (`/trasparenza/processi/`): the page
    // then works at any depth, on the real host and on a test one.
    let root404 = config.site_url().map(|u| url_path(&u)).unwrap_or_default();
    let nf = serde_json::json!({"kind": "not-found", "title": ui["not_found_title"]});
    let nav = nav::render(tree, None, &root404, ui);
    let html = theme.render("404.html", &globals, &nf, &nav, &root404, false, None)?;
    write_file(&out.join("404.html"), html.as_bytes(), in_place)?;

    any_code |= render_print()?;
    count += 1;

    theme.write_assets(&out.join(ASSETS_DIR), config, any_code)?;
    if in_place {
        // A new theme over a site already built: the data stays.
        return Ok(count);
    }
    export::write(config, tree, out)?;
    search::write(config, tree, out)?;
    if !tree.assets.is_empty() {
        for rel in &tree.assets {
            let from = content_dir.join(rel);
            let to = out.join(MEDIA_DIR).join(rel);
            if let Some(p) = to.parent() {
                std::fs::create_dir_all(p).map_err(io(p))?;
            }
            std::fs::copy(&from, &to).map_err(io(&from))?;
        }
    }
    Ok(count)
}

fn child_ctx(config: &Config, tree: &Tree, i: usize, with_children: bool) -> ChildCtx {
    let n = &tree.nodes[i];
    let l = link(tree, i, &config.ui);
    ChildCtx {
        code: l.code,
        title: l.title,
        label: l.label,
        url: l.url,
        level_name: config.level_name(n.code.level()),
        processes: n.processes,
        is_process: n.children.is_empty(),
        children: if with_children {
            n.children
                .iter()
                .map(|&c| link(tree, c, &config.ui))
                .collect()
        } else {
            Vec::new()
        },
    }
}

fn page_ctx(config: &Config, tree: &Tree, i: usize, author_html: String) -> PageCtx {
    let ui = &config.ui;
    let n = &tree.nodes[i];
    let mut breadcrumbs = Vec::new();
    let mut p = n.parent;
    while let Some(pi) = p {
        breadcrumbs.push(link(tree, pi, ui));
        p = tree.nodes[pi].parent;
    }
    breadcrumbs.reverse();
    let siblings = tree.siblings(i);
    let pos = siblings.iter().position(|&s| s == i).unwrap_or(0);
    let prev = pos.checked_sub(1).map(|j| link(tree, siblings[j], ui));
    let next = siblings.get(pos + 1).map(|&j| link(tree, j, ui));
    let rows = view::rows(&n.code, &n.title, &n.page.front.rows, ui);
    let activities = rows
        .activities
        .into_iter()
        .map(|a| ActivityCtx {
            id: format!("riga-{}", a.line),
            line: a.line,
            name: a.name,
            code_cell: a.code_cell,
            fields: a
                .fields
                .into_iter()
                .map(|f| FieldCtx {
                    key: f.key,
                    label: f.label,
                    html: if f.missing {
                        String::new()
                    } else {
                        f.steps.to_html()
                    },
                    missing: f.missing,
                })
                .collect(),
        })
        .collect();
    let notes = rows
        .notes
        .into_iter()
        .map(|nt| NoteCtx {
            line: nt.line,
            name: nt.name,
            code_cell: nt.code_cell,
        })
        .collect();
    let updated = if n.children.is_empty() {
        n.updated
    } else {
        n.updated_below
    };
    PageCtx {
        kind: if n.children.is_empty() {
            "process"
        } else {
            "section"
        },
        code: n.code.to_string(),
        title: n.title.clone(),
        label: label(&n.code, &n.title, ui),
        untitled: n.title.is_empty(),
        level: n.code.level(),
        level_name: config.level_name(n.code.level()),
        url: n.url.clone(),
        updated: updated.map(|d| d.to_string()),
        updated_text: updated.map(|d| d.italian()),
        breadcrumbs,
        parent: n.parent.map(|p| link(tree, p, ui)),
        prev,
        next,
        children: n
            .children
            .iter()
            .map(|&c| child_ctx(config, tree, c, false))
            .collect(),
        processes: n.processes,
        activities,
        notes,
        author_html,
        extra: n.page.front.extra.clone(),
    }
}
