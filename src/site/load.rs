//! What a build reads, loaded and checked once: `book.toml`, the pages of
//! `content/` as the published [`Tree`], the editions still online, the
//! theme, the logo, and the warnings about them. Writes nothing.

use super::error::BuildError;
use super::history;
use super::html::logo;
use super::html::pages;
use super::html::theme::Theme;
use super::open_data::dcat;
use super::output;
use super::search;
use super::tree::Tree;
use crate::config::{self, Config};
use crate::content;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Everything a build reads, loaded and checked. What a save of a page
/// cannot change is shared, so that `serve` copies only the tree.
#[derive(Clone)]
pub(super) struct Loaded {
    pub(super) config: Config,
    pub(super) config_text: String,
    pub(super) tree: Tree,
    pub(super) theme: Arc<Theme>,
    pub(super) content_dir: PathBuf,
    pub(super) output: PathBuf,
    pub(super) warnings: Vec<String>,
    pub(super) logo: Option<Arc<logo::Logo>>,
    pub(super) history: Arc<history::History>,
    pub(super) links: Arc<pages::Links>,
    /// The roles of `[roles]` some row names (the search filter's values).
    pub(super) roles: Vec<String>,
}

impl Loaded {
    /// Reads the book; the lock of `content/` it returns is to be held
    /// until the pages read are written.
    pub(super) fn load(
        book: &Path,
        output: Option<&Path>,
    ) -> Result<(Loaded, Option<content::Lock>), BuildError> {
        let mut laps = crate::timings::Laps::start();
        let config = Config::load(book)?;
        let config_text =
            crate::files::read_regular(&book.join(config::FILE_NAME), config::MAX_FILE)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
        let output = output.map_or_else(|| book.join("book"), Path::to_path_buf);
        output::check(&output)?;
        let content_dir = book.join("content");
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
                    book.join(config::FILE_NAME).display(),
                    config.book.color
                ));
            }
        }
        let (lock, tree, history, theme) = std::thread::scope(|s| {
            // The theme's templates are parsed on a thread of their own while
            // content/ is read: it needs nothing else (Tera 1's parser was
            // 12 % of the instructions of the bundled map's build, Tera 2's is
            // 1 %).
            let theme = s.spawn(|| Theme::load(book, &config));
            // The book's lock is held for the whole build: no import writes
            // pages while they are read, and no other build of this book
            // writes beside the same output.
            let (lock, content) = if content_dir.is_dir() {
                let lock = content::Lock::take(&content_dir, "costruisci")?;
                if let Some(r) = content::recover(&lock)? {
                    warnings.push(format!("{}: {r}", content_dir.display()));
                }
                // Under the lock no `edizione` is preparing one.
                warnings.extend(crate::editions::clear_leftovers(book));
                let content = content::load(&content_dir)?;
                laps.lap("  lettura di content/");
                (Some(lock), content)
            } else {
                (None, content::Content::default())
            };
            if content.pages.is_empty() {
                return Err(BuildError::Page {
                    path: content_dir.clone(),
                    message: "non ci sono pagine da pubblicare: esegui prima «manuale importa» per crearle dal foglio della mappatura".into(),
                });
            }
            warnings.extend(output::clear_leftovers(&output)?);
            let tree = Tree::new(content, &content_dir, &mut warnings)?;
            laps.lap("  albero");
            let editions = kept_editions(book, &config, &tree, &mut warnings)?;
            let history = history::History::new(editions, &tree);
            laps.lap("  edizioni");
            let theme = theme
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))?;
            laps.lap("  tema (letto accanto)");
            Ok((lock, tree, history, theme))
        })?;
        let logo = logo::Logo::load(book, config.ente.logo.as_deref())?;
        for w in dcat::missing(&config) {
            warnings.push(format!("{}: {w}", book.join(config::FILE_NAME).display()));
        }
        for (key, why) in config.ente.missing() {
            warnings.push(format!(
                "{}: [ente] manca «{key}»: {why}. La pagina non lo mostra; per la pubblicazione in «Amministrazione trasparente» va indicato",
                book.join(config::FILE_NAME).display()
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
