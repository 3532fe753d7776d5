//! What the templates see: the values every page shares ([`Globals`]) and
//! each page's own ([`PageCtx`]), built from the tree. Plain data, flat for
//! Tera; the HTML of a page's rows comes from [`crate::view`], the same view
//! `import` writes as Markdown.

use super::logo::Logo;
use crate::code::Code;
use crate::config::{self, Config, Ui};
use crate::site::history::{Banner, History, HistoryCtx};
use crate::site::layout::{DATA_DIR, DATA_PAGE, PRINT_PAGE, SEARCH_PAGE};
use crate::site::tree::Tree;
use crate::view;
use serde::Serialize;

/// Everything the templates see on every page.
#[derive(Serialize)]
pub(super) struct Globals<'a> {
    book: &'a config::Book,
    ente: EnteCtx,
    /// The edition the site shows, when the book has editions.
    edition: Option<Banner>,
    ui: &'a Ui,
    footer: &'a [config::Link],
    levels: &'a [String],
    site_url: Option<String>,
    updated: Option<String>,
    updated_text: Option<String>,
    data_json: String,
    data_csv: String,
    data_xlsx: String,
    data_page: &'static str,
    print_page: &'static str,
    search_page: &'static str,
    /// The values of the search filters: functions, and the roles in use.
    search_functions: Vec<String>,
    search_roles: Vec<String>,
}

#[derive(Serialize, Clone)]
pub(super) struct LinkCtx {
    code: String,
    title: String,
    label: String,
    url: String,
}

#[derive(Serialize)]
pub(super) struct ChildCtx {
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
pub(super) struct FieldCtx {
    key: &'static str,
    label: String,
    /// What the field means, in plain words.
    hint: Option<String>,
    html: String,
    missing: bool,
}

#[derive(Serialize)]
pub(crate) struct ActivityCtx {
    id: String,
    line: usize,
    name: String,
    code_cell: Option<String>,
    fields: Vec<FieldCtx>,
}

/// A node on the page of the whole manual.
#[derive(Serialize)]
pub(super) struct PrintNode {
    id: String,
    /// The heading level of its title (h2 for a function… h6).
    heading: usize,
    is_function: bool,
    is_process: bool,
    page: PageCtx,
}

#[derive(Serialize)]
pub(crate) struct NoteCtx {
    line: usize,
    name: String,
    code_cell: Option<String>,
}

#[derive(Serialize)]
pub(super) struct PageCtx {
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
    /// When the node appeared and changed, across the editions.
    history: Option<HistoryCtx>,
    /// The page shows what the newest edition adopted, whatever changed
    /// elsewhere in the map since.
    as_adopted: bool,
    /// "Comprende 3 sotto-processi, 5 voci in tutto."
    summary: Option<String>,
    activities: Vec<ActivityCtx>,
    notes: Vec<NoteCtx>,
    author_html: String,
    extra: toml::Table,
}

pub(super) fn label(code: &Code, title: &str, ui: &Ui) -> String {
    crate::text::label(code, title, &ui.untitled)
}

pub(super) fn link(tree: &Tree, i: usize, ui: &Ui) -> LinkCtx {
    let n = &tree.nodes[i];
    LinkCtx {
        code: n.code.to_string(),
        title: n.title.clone(),
        label: label(&n.code, &n.title, ui),
        url: n.url.clone(),
    }
}

pub(super) fn child_ctx(config: &Config, tree: &Tree, i: usize, with_children: bool) -> ChildCtx {
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

/// A node's rows as the templates show them: its activities, and the notes
/// on rows without data.
pub(crate) fn rows_ctx(
    config: &Config,
    code: &Code,
    title: &str,
    records: &[crate::mapping::Record],
) -> (Vec<ActivityCtx>, Vec<NoteCtx>) {
    let ui = &config.ui;
    let rows = view::rows(code, title, records, ui);
    let activities: Vec<ActivityCtx> = rows
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
                    hint: match f.key {
                        "input" => Some(ui.input_hint.clone()),
                        "output" => Some(ui.output_hint.clone()),
                        "steps" => Some(ui.steps_hint.clone()),
                        "responsible" => Some(ui.responsible_hint.clone()),
                        _ => None,
                    },
                    key: f.key,
                    label: f.label,
                    html: if f.missing {
                        String::new()
                    } else {
                        crate::text::abbreviate(&f.steps.to_html(), &config.glossary)
                    },
                    missing: f.missing,
                })
                .collect(),
        })
        .collect();
    let notes: Vec<NoteCtx> = rows
        .notes
        .into_iter()
        .map(|nt| NoteCtx {
            line: nt.line,
            name: nt.name,
            code_cell: nt.code_cell,
        })
        .collect();
    (activities, notes)
}

pub(super) fn page_ctx(config: &Config, tree: &Tree, i: usize, author_html: String) -> PageCtx {
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
    let (activities, notes) = rows_ctx(config, &n.code, &n.title, &n.page.front.rows);
    let updated = n.last_updated();
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
        history: None,
        as_adopted: false,
        summary: summary(config, n),
        activities,
        notes,
        author_html,
        extra: n.page.front.extra.clone(),
    }
}

/// A contact in the footer: what it is, who, and where (a link when it can
/// be one).
#[derive(Serialize)]
struct ContactCtx {
    label: String,
    name: Option<String>,
    value: Option<String>,
    href: Option<String>,
}

/// The chamber, ready for the header, the breadcrumb trail and the footer.
#[derive(Serialize)]
struct EnteCtx {
    nome: String,
    logo: Option<LogoCtx>,
    sito: Option<String>,
    trasparenza: Option<String>,
    percorso: Vec<config::Tappa>,
    contatti: Vec<ContactCtx>,
    segnalazioni: Option<String>,
    accessibilita: Option<String>,
    atto: Option<String>,
    atto_url: Option<String>,
}

#[derive(Serialize)]
struct LogoCtx {
    url: String,
    width: u32,
    height: u32,
}

impl EnteCtx {
    fn new(config: &Config, logo: Option<&Logo>) -> EnteCtx {
        let e = &config.ente;
        let ui = &config.ui;
        let contact = |label: &str, name: Option<&String>, value: Option<&String>| {
            (name.is_some() || value.is_some()).then(|| ContactCtx {
                label: label.to_string(),
                name: name.cloned(),
                href: value.and_then(|v| config::Ente::href(v)),
                value: value.cloned(),
            })
        };
        EnteCtx {
            nome: config.chamber_name(),
            logo: logo.map(|l| {
                let (width, height) = l.scaled(48);
                LogoCtx {
                    url: l.url.clone(),
                    width,
                    height,
                }
            }),
            sito: e.sito.clone(),
            trasparenza: e.trasparenza.clone(),
            percorso: e.percorso.clone(),
            contatti: [
                contact(&ui.office, e.ufficio.as_ref(), e.ufficio_contatto.as_ref()),
                contact(&ui.urp, None, e.urp.as_ref()),
                contact(&ui.pec, None, e.pec.as_ref()),
                contact(&ui.rpct, e.rpct.as_ref(), e.rpct_contatto.as_ref()),
            ]
            .into_iter()
            .flatten()
            .collect(),
            segnalazioni: e.segnalazioni.as_deref().and_then(config::Ente::href),
            accessibilita: e.accessibilita.clone(),
            atto: e.atto.clone(),
            atto_url: e.atto_url.clone(),
        }
    }
}

impl<'a> Globals<'a> {
    pub(super) fn new(
        config: &'a Config,
        tree: &Tree,
        logo: Option<&Logo>,
        history: &History,
        roles: Vec<String>,
    ) -> Globals<'a> {
        let updated = tree.updated();
        let mut ente = EnteCtx::new(config, logo);
        let edition = history.banner();
        // The act of the newest edition is the map's.
        if let Some(b) = &edition {
            ente.atto = Some(b.edition.atto.clone());
            ente.atto_url.clone_from(&b.edition.atto_url);
        }
        Globals {
            book: &config.book,
            ente,
            edition,
            ui: &config.ui,
            footer: &config.footer,
            levels: &config.levels,
            site_url: config.site_url(),
            updated: updated.map(|d| d.to_string()),
            updated_text: updated.map(|d| d.italian()),
            data_json: format!("{DATA_DIR}/processi.json"),
            data_csv: format!("{DATA_DIR}/processi.csv"),
            data_xlsx: format!("{DATA_DIR}/processi.xlsx"),
            data_page: DATA_PAGE,
            print_page: PRINT_PAGE,
            search_page: SEARCH_PAGE,
            search_functions: tree
                .roots
                .iter()
                .map(|&r| tree.nodes[r].function_label())
                .collect(),
            search_roles: roles,
        }
    }
}

impl PageCtx {
    /// The same page, with the node's history.
    pub(super) fn with_history(mut self, history: Option<HistoryCtx>, as_adopted: bool) -> PageCtx {
        self.history = history;
        self.as_adopted = as_adopted;
        self
    }
}

/// What a section comprises, in words: its children by their level's name,
/// and the entries below them all when there are more.
fn summary(config: &Config, n: &crate::site::tree::Node) -> Option<String> {
    let ui = &config.ui;
    let count = n.children.len();
    if count == 0 {
        return None;
    }
    let level = n.code.level() + 1;
    let name = if count == 1 {
        config.level_name(level)
    } else {
        config.level_plural(level)
    }
    .to_lowercase();
    let mut out = format!("{} {count} {name}", ui.comprises);
    if n.processes != count {
        let word = if n.processes == 1 {
            &ui.process_below
        } else {
            &ui.processes_below
        };
        out.push_str(&format!(", {} {word} {}", n.processes, ui.in_all));
    }
    out.push('.');
    Some(out)
}

/// The home page.
#[derive(Serialize)]
pub(super) struct HomeCtx {
    kind: &'static str,
    title: String,
    author_html: String,
    functions: Vec<ChildCtx>,
    processes: usize,
    updated: Option<String>,
    updated_text: Option<String>,
    extra: toml::Table,
}

pub(super) fn home_ctx(config: &Config, tree: &Tree, author_html: String) -> HomeCtx {
    let updated = tree.updated();
    HomeCtx {
        kind: "home",
        title: config.book.title.clone(),
        author_html,
        functions: tree
            .roots
            .iter()
            .map(|&r| child_ctx(config, tree, r, true))
            .collect(),
        processes: tree.roots.iter().map(|&r| tree.nodes[r].processes).sum(),
        updated: updated.map(|d| d.to_string()),
        updated_text: updated.map(|d| d.italian()),
        extra: tree
            .home
            .as_ref()
            .map(|h| h.front.extra.clone())
            .unwrap_or_default(),
    }
}

/// The page of the whole manual: everything but its nodes, which take the
/// place of [`PRINT_SECTIONS`] in what `print.html` renders (each node is
/// rendered on its own with `print-node.html`, see [`print_node`]).
#[derive(Serialize)]
pub(super) struct PrintCtx {
    kind: &'static str,
    title: String,
    toc: String,
    sections: &'static str,
    updated: Option<String>,
    updated_text: Option<String>,
}

/// Where the nodes go in the rendered `print.html`.
pub(super) const PRINT_SECTIONS: &str = "<!--manuale:sezioni-della-stampa-->";

pub(super) fn print_ctx(config: &Config, tree: &Tree, toc: String) -> PrintCtx {
    let updated = tree.updated();
    PrintCtx {
        kind: "print",
        title: config.ui.print_title.clone(),
        toc,
        sections: PRINT_SECTIONS,
        updated: updated.map(|d| d.to_string()),
        updated_text: updated.map(|d| d.italian()),
    }
}

/// Node `i` of the page of the whole manual, with its author's HTML.
pub(super) fn print_node(config: &Config, tree: &Tree, i: usize, html: String) -> PrintNode {
    let n = &tree.nodes[i];
    PrintNode {
        id: format!("p-{}", n.code),
        heading: (n.code.level() + 1).min(6),
        is_function: n.code.level() == 1,
        is_process: n.children.is_empty(),
        page: page_ctx(config, tree, i, html),
    }
}

/// The page of search results.
#[derive(Serialize)]
pub(super) struct SearchCtx {
    kind: &'static str,
    title: String,
}

pub(super) fn search_ctx(config: &Config) -> SearchCtx {
    SearchCtx {
        kind: "search",
        title: config.ui.search_page_title.clone(),
    }
}

/// The page for addresses that lead nowhere.
#[derive(Serialize)]
pub(super) struct NotFoundCtx {
    kind: &'static str,
    title: String,
}

pub(super) fn not_found_ctx(config: &Config) -> NotFoundCtx {
    NotFoundCtx {
        kind: "not-found",
        title: config.ui.not_found_title.clone(),
    }
}
