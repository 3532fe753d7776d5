//! `manuale importa`: sheet → pages in `content/`, keeping what authors wrote.
//!
//! The whole run is planned in memory first (sheet read, tree built, every
//! existing page parsed and merged); only when nothing failed are files
//! written, each to a temporary name and then renamed into place. A failed
//! import therefore leaves `content/` exactly as it was.

use crate::code::Code;
use crate::config::Config;
use crate::content::{
    self, Change, Content, ContentError, Front, Lock, Page, SourceColumn, SourceInfo,
};
use crate::date::Date;
use crate::mapping::{Map, Role};
use crate::parallel;
use crate::reading::{self, Input, ReadError};
use crate::text::{self, escape_markdown};
use crate::view;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{0}\nL'import si è fermato prima di scrivere: content/ non è stato modificato.")]
    Content(#[from] ContentError),
    /// Writing failed: the error says whether `content/` changed.
    #[error(transparent)]
    Apply(ContentError),
    #[error(
        "{sheet}: l'import toglierebbe {gone} dei {total} processi e sezioni già in content/: \
         può essere il foglio sbagliato, o una versione incompleta. Controlla con «manuale controlla»; \
         se è proprio quello che vuoi, rilancia con --accetta-rimozioni. content/ non è stato \
         modificato."
    )]
    MostRemoved {
        sheet: String,
        gone: usize,
        total: usize,
    },
}

/// How an import may change `content/`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Accept an import that removes most of the map.
    pub allow_removals: bool,
}

/// An import that would remove more than half of a map this big asks for
/// `--allow-removals`.
const MOST_REMOVED_FROM: usize = 10;

/// What an import found and did.
#[derive(Debug)]
pub struct Report {
    /// The sheet's diagnostics and size, as `check` reports them.
    pub sheet: reading::Report,
    /// Notes about pages (kept edits, archived pages).
    pub notes: Vec<String>,
    pub written: usize,
    /// The files this import wrote or removed (for `serve`, which must not
    /// take them for an author's edit).
    pub touched: Vec<PathBuf>,
    pub unchanged: usize,
    pub removed: usize,
    pub archived: usize,
    /// The book's sheet changed to the one imported: what `book.toml`
    /// named before, and now.
    pub sheet_changed: Option<SheetChange>,
}

/// An `import FILE` of another sheet than the book's: `book.toml` now names
/// it, so that a later `import` without a file does not go back.
#[derive(Debug)]
pub struct SheetChange {
    pub before: String,
    pub now: String,
    /// `[mappatura] aggiornata`, when set: a date that was the old sheet's.
    pub updated: Option<String>,
}

/// Imports the sheet `input` names into `book/content`.
pub fn run(book: &Path, input: &Input, options: &Options) -> Result<Report, ImportError> {
    let reading = reading::read(book, input)?;
    let sheet_report = reading.report();
    let reading::Reading {
        config, path, map, ..
    } = reading;
    let date = match &config.source.updated {
        Some(d) => Date::parse(d).map(|d| d.to_string()),
        None => None,
    }
    .unwrap_or_else(|| {
        std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .map(Date::from_system_time)
            .map(|d| d.to_string())
            .unwrap_or_default()
    });
    let content_dir = book.join("content");
    let lock = Lock::take(&content_dir, "importa")?;
    let recovered = content::recover(&lock)?;
    let existing = content::load(&content_dir)?;
    let total = existing
        .pages
        .values()
        .filter(|p| !p.front.archived)
        .count();
    let gone = existing
        .pages
        .iter()
        .filter(|(code, p)| !p.front.archived && !map.nodes.contains_key(*code))
        .count();
    if total >= MOST_REMOVED_FROM && gone * 2 > total && !options.allow_removals {
        return Err(ImportError::MostRemoved {
            sheet: text::shown(&path),
            gone,
            total,
        });
    }
    let mut report = Report {
        sheet: sheet_report,
        notes: Vec::new(),
        written: 0,
        touched: Vec::new(),
        unchanged: 0,
        removed: 0,
        archived: 0,
        sheet_changed: None,
    };
    report.notes.extend(recovered.map(|r| r.to_string()));
    let plan = plan(&config, &map, &existing, &path, &date, &mut report);
    // The sheet given becomes the book's before the pages are written: a
    // run stopped between the two leaves a book whose next import reads
    // the new sheet, never the old one.
    let switched = match &input.file {
        Some(file) => switch_sheet(book, &config, file)?,
        None => None,
    };
    if let Err(e) = write(&lock, plan, &mut report) {
        if let Some((_, old_text)) = &switched {
            let _ = crate::book_edit::restore(book, old_text);
        }
        return Err(e);
    }
    report.sheet_changed = switched.map(|(change, _)| change);
    Ok(report)
}

/// Makes `file` the sheet `book.toml` names, when it is another one; the
/// change and the old text of `book.toml`.
fn switch_sheet(
    book: &Path,
    config: &Config,
    file: &Path,
) -> Result<Option<(SheetChange, String)>, ImportError> {
    let real = |p: &Path| {
        let p = if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        };
        std::fs::canonicalize(p).ok()
    };
    let current = book.join(&config.source.file);
    let (Some(file_real), Some(book_real)) = (real(file), real(book)) else {
        return Ok(None);
    };
    if real(&current).as_ref() == Some(&file_real) {
        return Ok(None);
    }
    // Relative to the book when inside it, so that the book can move.
    let named = match file_real.strip_prefix(&book_real) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => file_real.to_string_lossy().into_owned(),
    };
    let old_text = crate::book_edit::set_source_file(book, &named)
        .map_err(|e| ImportError::Read(ReadError::Config(e)))?;
    Ok(Some((
        SheetChange {
            before: config.source.file.to_string_lossy().replace('\\', "/"),
            now: named,
            updated: config.source.updated.clone(),
        },
        old_text,
    )))
}

struct Plan {
    /// Pages to have, by relative path.
    pages: BTreeMap<PathBuf, String>,
    /// Relative paths of existing pages to remove (moved or gone).
    remove: BTreeSet<PathBuf>,
}

fn plan(
    config: &Config,
    map: &Map,
    existing: &Content,
    sheet: &Path,
    date: &str,
    report: &mut Report,
) -> Plan {
    let with_children = map.sections();
    let paths: BTreeMap<&Code, PathBuf> = map
        .nodes
        .keys()
        .map(|c| (c, content::node_path(c, with_children.contains(c))))
        .collect();
    let mut fronts: BTreeMap<&Code, Front> = BTreeMap::new();
    let mut authors: BTreeMap<&Code, String> = BTreeMap::new();
    let moves = moved_pages(config, map, existing);
    for (code, node) in &map.nodes {
        let old = existing.pages.get(code);
        let title = content::page_title(node, &config.functions, old);
        let same = old.is_some_and(|p| {
            p.front.title == title
                && p.front.rows.len() == node.records.len()
                && p.front
                    .rows
                    .iter()
                    .zip(&node.records)
                    .all(|(a, b)| a.same_data(b))
                && !p.front.archived
        });
        let updated = match old {
            Some(p) if same && p.front.updated.is_some() => p.front.updated.clone(),
            _ => Some(date.to_string()),
        };
        let mut author = old.map(|p| p.author.clone()).unwrap_or_default();
        if let Some(p) = old.filter(|p| p.generated_edited) {
            let kept = p.generated.clone().unwrap_or_default();
            author = format!("{}\n{kept}\n\n{author}", content::kept_marker());
            report.notes.push(format!(
                "content/{}: la parte generata era stata modificata a mano: il testo modificato è stato spostato tra le note dell'autore",
                p.path.display()
            ));
        }
        let mut extra = old.map(|p| p.front.extra.clone()).unwrap_or_default();
        // A process that moved to this code brings what its author wrote.
        if let Some(from) = moves.get(code).and_then(|c| existing.pages.get(c)) {
            let mut moved = from.author.trim().to_string();
            if from.generated_edited {
                let kept = from.generated.clone().unwrap_or_default();
                moved = format!("{}\n{kept}\n\n{moved}", content::kept_marker());
            }
            author = match (author.trim().is_empty(), moved.is_empty()) {
                (true, _) => moved,
                (false, true) => author,
                (false, false) => format!("{}\n\n{moved}", author.trim_end()),
            };
            for (k, v) in &from.front.extra {
                extra.entry(k.clone()).or_insert_with(|| v.clone());
            }
            report.notes.push(format!(
                "content/{}: {} è ora {code} (spostata): il testo dell'autore passa alla sua nuova pagina, content/{}",
                from.path.display(),
                moves[code],
                paths[code].display()
            ));
        }
        fronts.insert(
            code,
            Front {
                code: Some(code.clone()),
                title,
                updated,
                synthetic: node.synthetic,
                archived: false,
                source: None,
                rows: node.records.clone(),
                extra,
            },
        );
        authors.insert(code, author);
    }
    let mut pages = BTreeMap::new();
    let mut remove = BTreeSet::new();
    for (code, front) in &fronts {
        let path = paths[code].clone();
        let generated = generated_markdown(config, code, front, &fronts, &paths);
        let page = Page {
            path: path.clone(),
            front: front.clone(),
            generated: Some(generated),
            generated_edited: false,
            author: authors.remove(code).unwrap_or_default(),
            author_line: 0,
        };
        if let Some(old) = existing.pages.get(*code) {
            if old.path != path {
                remove.insert(old.path.clone());
            }
        }
        pages.insert(path, page.render());
    }
    // Pages whose code left the sheet: kept (unpublished) if an author wrote
    // on them, removed otherwise.
    let moved_from: BTreeSet<&Code> = moves.values().copied().collect();
    for (code, old) in &existing.pages {
        if map.nodes.contains_key(code) {
            continue;
        }
        if old.has_author_content() && !moved_from.contains(code) {
            let mut page = old.clone();
            if !page.front.archived {
                report.notes.push(format!(
                    "content/{}: {code} non è più nel foglio; la pagina contiene testo dell'autore ed è tenuta come archiviata (non pubblicata)",
                    old.path.display()
                ));
            }
            page.front.archived = true;
            report.archived += 1;
            pages.insert(old.path.clone(), page.render());
        } else {
            remove.insert(old.path.clone());
        }
    }
    // The home page: the introduction is the author's; the import keeps
    // where the data came from, for the CSV export.
    let home_path = PathBuf::from(content::INDEX);
    let old_home = existing.home.as_ref();
    let last = fronts.values().filter_map(|f| f.updated.clone()).max();
    let home = Page {
        path: home_path.clone(),
        front: Front {
            code: None,
            title: config.book.title.clone(),
            updated: last,
            source: Some(source_info(map, sheet)),
            extra: old_home.map(|p| p.front.extra.clone()).unwrap_or_default(),
            ..Front::default()
        },
        generated: Some(home_markdown(config, &fronts, &paths)),
        generated_edited: false,
        author: old_home.map_or_else(default_intro, |p| p.author.clone()),
        author_line: 0,
    };
    pages.insert(home_path, home.render());
    remove.retain(|p| !pages.contains_key(p));
    Plan { pages, remove }
}

/// The pages with an author's text whose process moved to another code
/// (as `confronta` and the editions recognise a move: the same entry gone
/// from one code and new at another), by their new code.
fn moved_pages<'a>(
    config: &Config,
    map: &'a Map,
    existing: &'a Content,
) -> BTreeMap<&'a Code, &'a Code> {
    use crate::editions::{diff, Entry};
    let is_gone =
        |code: &Code, p: &crate::content::Page| !p.front.archived && !map.nodes.contains_key(code);
    if !existing
        .pages
        .iter()
        .any(|(code, p)| is_gone(code, p) && p.has_author_content())
    {
        return BTreeMap::new();
    }
    // Every page gone, not only those with an author's text: a move is
    // recognised among all of them, as `confronta` does.
    let gone: BTreeMap<Code, Entry> = existing
        .pages
        .iter()
        .filter(|(code, p)| is_gone(code, p))
        .map(|(code, p)| {
            let entry = Entry::new(code.clone(), p.front.title.clone(), p.front.rows.clone());
            (code.clone(), entry)
        })
        .collect();
    // Only codes new to content/ can be where a page moved.
    let new: BTreeMap<Code, Entry> = map
        .nodes
        .iter()
        .filter(|(code, _)| existing.pages.get(*code).is_none_or(|p| p.front.archived))
        .map(|(code, n)| {
            let title = content::page_title(n, &config.functions, existing.pages.get(code));
            (
                code.clone(),
                Entry::new(code.clone(), title, n.records.clone()),
            )
        })
        .collect();
    diff::compare(&gone, &new)
        .modifiche
        .into_iter()
        .filter(|c| c.tipo == diff::Kind::Spostato)
        .filter_map(|c| {
            let to = map.nodes.get_key_value(&c.codice)?.0;
            let (from, page) = existing.pages.get_key_value(c.da.as_ref()?)?;
            page.has_author_content().then_some((to, from))
        })
        .collect()
}

fn default_intro() -> String {
    "La Camera di commercio descrive qui come è organizzato il suo lavoro: che cosa fa ogni ufficio, da che cosa parte, che cosa produce e chi ne risponde. È la **mappatura dei processi**, fatta secondo lo schema comune a tutte le Camere di commercio italiane (Unioncamere) e adottata dall'ente nel suo piano per la prevenzione della corruzione e la trasparenza.\n\nA che cosa serve: a sapere chi fa che cosa, a vedere dove possono nascere rischi e a controllare che il lavoro pubblico sia fatto in modo chiaro. **Non è una guida ai servizi**: per chiedere una visura, un certificato, la cancellazione di un protesto o per qualunque pratica si usano le pagine dei servizi sul sito della Camera, o ci si rivolge all'Ufficio relazioni con il pubblico (i contatti sono in fondo alla pagina).\n\nCome si legge: le funzioni (A–F) si dividono in livelli sempre più precisi, fino alle singole voci; ogni voce dice da che cosa parte (input), che cosa ne risulta (output), i passi e chi ne risponde. Si può cercare una parola nella casella in alto, sfogliare la mappa, stampare tutta la mappatura o scaricarne i dati."
        .to_string()
}

fn source_info(map: &Map, sheet: &Path) -> SourceInfo {
    let cols = &map.columns;
    SourceInfo {
        file: sheet
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
        columns: cols
            .headers
            .iter()
            .enumerate()
            .filter(|(i, h)| !h.is_empty() && cols.role(*i) != Some(Role::Normalised))
            .map(|(i, h)| SourceColumn {
                header: h.clone(),
                field: cols.role(i),
            })
            .collect(),
    }
}

fn heading_title(config: &Config, code: &Code, title: &str) -> String {
    text::label(code, title, &config.ui.untitled)
}

/// The readable Markdown of a node, written between the markers.
fn generated_markdown(
    config: &Config,
    code: &Code,
    front: &Front,
    fronts: &BTreeMap<&Code, Front>,
    paths: &BTreeMap<&Code, PathBuf>,
) -> String {
    let ui = &config.ui;
    let here = &paths[code];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}\n",
        escape_markdown(&heading_title(config, code, &front.title))
    );
    let level = config.level_name(code.level());
    match code.parent() {
        Some(parent) => {
            let ptitle = fronts.get(&parent).map_or("", |f| f.title.as_str());
            let _ = writeln!(
                out,
                "{level} · {}: [{}]({})\n",
                ui.parent,
                escape_markdown(&heading_title(config, &parent, ptitle)),
                content::relative(here, &paths[&parent])
            );
        }
        None => {
            let _ = writeln!(out, "{level}\n");
        }
    }
    let rows = view::rows(code, &front.title, &front.rows, ui);
    for note in &rows.notes {
        if !note.name.is_empty() {
            let _ = writeln!(
                out,
                "{} ({}): {}\n",
                ui.name_in_sheet,
                ui.line_label(note.line),
                escape_markdown(&note.name)
            );
        }
        if let Some(cell) = &note.code_cell {
            let _ = writeln!(
                out,
                "{} ({}): {}\n",
                ui.title_in_sheet,
                ui.line_label(note.line),
                escape_markdown(cell)
            );
        }
    }
    for a in &rows.activities {
        let _ = writeln!(out, "## {}\n", escape_markdown(&a.name));
        let _ = writeln!(out, "_{}_\n", capitalise(&ui.line_label(a.line)));
        if let Some(cell) = &a.code_cell {
            let _ = writeln!(out, "{}: {}\n", ui.title_in_sheet, escape_markdown(cell));
        }
        for f in &a.fields {
            let _ = writeln!(out, "### {}\n", escape_markdown(&f.label));
            if f.missing {
                let _ = writeln!(out, "_{}_\n", ui.not_given);
            } else {
                let _ = writeln!(out, "{}\n", f.steps.to_markdown());
            }
        }
    }
    // A subtree is contiguous in code order: its children are the nodes one
    // level down before the subtree ends.
    let children: Vec<&Code> = fronts
        .range::<&Code, _>(code..)
        .skip(1)
        .map(|(c, _)| *c)
        .take_while(|c| c.is_below(code))
        .filter(|c| c.level() == code.level() + 1)
        .collect();
    if !children.is_empty() {
        let _ = writeln!(out, "## {}\n", ui.children);
        for c in children {
            let _ = writeln!(
                out,
                "- [{}]({})",
                escape_markdown(&heading_title(config, c, &fronts[c].title)),
                content::relative(here, &paths[c])
            );
        }
    }
    out.trim_end().to_string()
}

fn home_markdown(
    config: &Config,
    fronts: &BTreeMap<&Code, Front>,
    paths: &BTreeMap<&Code, PathBuf>,
) -> String {
    let here = Path::new(content::INDEX);
    let mut out = format!(
        "# {}\n\n## {}\n\n",
        escape_markdown(&config.book.title),
        config.ui.functions
    );
    for (code, front) in fronts.iter().filter(|(c, _)| c.level() == 1) {
        let _ = writeln!(
            out,
            "- [{}]({})",
            escape_markdown(&heading_title(config, code, &front.title)),
            content::relative(here, &paths[code])
        );
    }
    out.trim_end().to_string()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Applies the plan to `content/` through its journal: the pages whose
/// text changed, and the removals.
fn write(lock: &Lock, plan: Plan, report: &mut Report) -> Result<(), ImportError> {
    let dir = lock.dir();
    let pages: Vec<(PathBuf, String)> = plan.pages.into_iter().collect();
    let changed = parallel::map(&pages, |(rel, text)| {
        !std::fs::read(dir.join(rel)).is_ok_and(|old| old == text.as_bytes())
    });
    report.unchanged = changed.iter().filter(|c| !**c).count();
    let change = Change {
        write: pages
            .into_iter()
            .zip(changed)
            .filter_map(|(page, changed)| changed.then_some(page))
            .collect(),
        remove: plan
            .remove
            .into_iter()
            .filter(|rel| dir.join(rel).exists())
            .collect(),
    };
    if change.write.is_empty() && change.remove.is_empty() {
        return Ok(());
    }
    let applied = content::apply(lock, &change).map_err(ImportError::Apply)?;
    report.written = applied.written.len();
    report.removed = applied.removed.len();
    report.touched = applied
        .written
        .iter()
        .chain(&applied.removed)
        .map(|rel| dir.join(rel))
        .collect();
    Ok(())
}
