//! The editions room: the editions on the site, as pages. Writes their
//! list (`edizioni/index.html`), what changed in each
//! (`edizioni/DATE/modifiche.html`), the versions that later changed
//! (`edizioni/DATE/processi/CODE.html`), a page at the old address of every
//! node that left the map (`processi/CODE.html`), and an Atom feed
//! (`edizioni/feed.xml`). The pages are rendered by the HTML room.
//!
//! Not here: each edition's data files (`edizioni/DATE/processi.json`,
//! `.csv`, `.xlsx`), which the open-data room writes; what changed between
//! editions, which [`History`](crate::site::history::History) works out.

use super::error::BuildError;
use super::history::{changes_url, version_url, EditionRef};
use super::layout::{page_url, EDITIONS_DIR};
use crate::code::Code;
use crate::editions::diff::{Change, Kind, Piece};
use crate::site::html::context::{rows_ctx, ActivityCtx, NoteCtx};
use crate::site::html::pages::Pages;
use crate::text::{escape_html, label};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

#[derive(Serialize)]
struct EditionRow {
    edition: EditionRef,
    entries: usize,
    summary: String,
    json: String,
    csv: String,
    xlsx: String,
}

#[derive(Serialize)]
struct ListCtx {
    kind: &'static str,
    title: String,
    editions: Vec<EditionRow>,
    feed: String,
    /// Changes since the newest edition, not yet adopted.
    pending: Option<String>,
    trail: Vec<Crumb>,
}

/// A step of a page's breadcrumb trail below the site's home page; the
/// last is the page itself.
#[derive(Serialize)]
struct Crumb {
    label: String,
    url: String,
}

fn crumb(label: impl Into<String>, url: impl Into<String>) -> Crumb {
    Crumb {
        label: label.into(),
        url: url.into(),
    }
}

#[derive(Serialize)]
struct FieldDiffCtx {
    label: String,
    /// The words, removed and added marked up (`<del>`, `<ins>`).
    html: String,
}

#[derive(Serialize)]
struct ChangeCtx {
    kind: &'static str,
    what: String,
    code: String,
    label: String,
    url: String,
    from: Option<String>,
    old_title: Option<String>,
    activities: Option<String>,
    fields: Vec<FieldDiffCtx>,
}

#[derive(Serialize)]
struct ChangesCtx {
    kind: &'static str,
    title: String,
    edition: EditionRef,
    previous: Option<EditionRef>,
    summary: String,
    groups: Vec<(String, Vec<ChangeCtx>)>,
    trail: Vec<Crumb>,
}

#[derive(Serialize)]
struct GoneCtx {
    /// The edition that left it out; none when only the current map did.
    since: Option<EditionRef>,
    moved_to: Option<(String, String)>,
}

#[derive(Serialize)]
struct VersionCtx {
    kind: &'static str,
    title: String,
    code: String,
    label: String,
    level_name: String,
    edition: EditionRef,
    activities: Vec<ActivityCtx>,
    notes: Vec<NoteCtx>,
    /// The author's text the page had then, as HTML.
    author_html: String,
    /// The node's page in the current map.
    current_url: Option<String>,
    gone: Option<GoneCtx>,
    /// The nearest level above still in the current map: label and URL.
    up: Option<(String, String)>,
    trail: Vec<Crumb>,
}

/// Writes the pages and files of the editions; how many pages.
pub(super) fn write(pages: &Pages) -> Result<usize, BuildError> {
    let history = pages.history();
    if history.editions.is_empty() {
        return Ok(0);
    }
    let mut count = 0;
    count += list(pages)?;
    for k in 0..history.editions.len() {
        count += changes(pages, k)?;
    }
    // Earlier versions, and the pages at removed processes' addresses: as
    // many as the entries that changed, rendered on every core.
    let jobs: Vec<(usize, &Code, String)> = history
        .versions
        .iter()
        .map(|(k, code)| (*k, code, version_url(&history.editions[*k].info.data, code)))
        .chain(
            history
                .gone
                .iter()
                .map(|(code, gone)| (gone.last, code, page_url(code))),
        )
        .collect();
    for r in crate::parallel::map(&jobs, |(k, code, path)| version(pages, *k, code, path)) {
        r?;
    }
    count += jobs.len();
    feed(pages)?;
    Ok(count)
}

fn list(pages: &Pages) -> Result<usize, BuildError> {
    let history = pages.history();
    let ui = &pages.config().ui;
    let editions = (0..history.editions.len())
        .rev()
        .map(|k| {
            let date = &history.editions[k].info.data;
            EditionRow {
                edition: history.reference(k),
                entries: history.editions[k].entries.len(),
                summary: if k == 0 {
                    ui.first_edition.clone()
                } else {
                    capitalise(&history.changes[k].summary())
                },
                json: format!("{EDITIONS_DIR}/{date}/processi.json"),
                csv: format!("{EDITIONS_DIR}/{date}/processi.csv"),
                xlsx: format!("{EDITIONS_DIR}/{date}/processi.xlsx"),
            }
        })
        .collect();
    let ctx = ListCtx {
        kind: "editions",
        title: ui.editions.clone(),
        editions,
        feed: format!("{EDITIONS_DIR}/feed.xml"),
        pending: (!history.adopted).then(|| capitalise(&history.pending.summary())),
        trail: vec![crumb(&ui.editions, format!("{EDITIONS_DIR}/index.html"))],
    };
    pages.other("editions.html", &ctx, &format!("{EDITIONS_DIR}/index.html"))?;
    Ok(1)
}

fn changes(pages: &Pages, k: usize) -> Result<usize, BuildError> {
    let history = pages.history();
    let config = pages.config();
    let ui = &config.ui;
    let changes = &history.changes[k];
    let link = |code: &Code| -> String {
        if history.is_current(code) || history.gone.contains_key(code) {
            page_url(code)
        } else {
            version_url(&history.editions[k].info.data, code)
        }
    };
    let field_label = |campo: &str| -> String {
        match campo {
            "name" => ui.activity_name.clone(),
            "input" => ui.input.clone(),
            "output" => ui.output.clone(),
            "steps" => ui.steps.clone(),
            "responsible" => ui.responsible.clone(),
            other => other.to_string(),
        }
    };
    let ctx_of = |c: &Change| ChangeCtx {
        kind: match c.tipo {
            Kind::Aggiunto => "aggiunta",
            Kind::Eliminato => "eliminata",
            Kind::Spostato => "spostata",
            Kind::Rinominato => "rinominata",
            Kind::Modificato => "modificata",
        },
        what: String::new(),
        code: c.codice.to_string(),
        label: label(&c.codice, &c.titolo, &ui.untitled),
        url: link(&c.codice),
        from: c.da.as_ref().map(ToString::to_string),
        old_title: c.titolo_prima.clone(),
        activities: c.attivita.map(|a| {
            format!(
                "{}: {} {}, {} {}.",
                ui.activity_rows, a.prima, ui.changes_from, a.dopo, ui.activities_now
            )
        }),
        fields: c
            .campi
            .iter()
            .map(|f| FieldDiffCtx {
                label: field_label(&f.campo),
                html: diff_html(&f.pezzi, ui),
            })
            .collect(),
    };
    let groups: Vec<(String, Vec<ChangeCtx>)> = [
        (Kind::Aggiunto, &ui.changes_added),
        (Kind::Eliminato, &ui.changes_removed),
        (Kind::Spostato, &ui.changes_moved),
        (Kind::Rinominato, &ui.changes_renamed),
        (Kind::Modificato, &ui.changes_modified),
    ]
    .into_iter()
    .map(|(kind, title)| {
        let items: Vec<ChangeCtx> = changes
            .modifiche
            .iter()
            .filter(|c| c.tipo == kind)
            .map(ctx_of)
            .collect();
        (title.clone(), items)
    })
    .filter(|(_, items)| !items.is_empty())
    .collect();
    let edition = history.reference(k);
    let title = format!("{} {}", ui.changes_title, edition.date_text);
    let trail = vec![
        crumb(&ui.editions, format!("{EDITIONS_DIR}/index.html")),
        crumb(&title, changes_url(&history.editions[k].info.data)),
    ];
    let ctx = ChangesCtx {
        kind: "changes",
        title,
        trail,
        previous: k.checked_sub(1).map(|p| history.reference(p)),
        summary: if k == 0 {
            ui.first_edition.clone()
        } else {
            capitalise(&changes.summary())
        },
        // The first edition lists no changes: everything in it is new.
        groups: if k == 0 { Vec::new() } else { groups },
        edition,
    };
    pages.other(
        "changes.html",
        &ctx,
        &changes_url(&history.editions[k].info.data),
    )?;
    Ok(1)
}

/// An earlier version of a node, or the page at the address of a node that
/// left the map (its last version, and where it went).
fn version(pages: &Pages, k: usize, code: &Code, path: &str) -> Result<(), BuildError> {
    let history = pages.history();
    let config = pages.config();
    let ui = &config.ui;
    let Some(entry) = history.entry(k, code) else {
        return Ok(());
    };
    let (activities, notes) = rows_ctx(config, code, &entry.title, &entry.rows);
    let gone = history
        .gone
        .get(code)
        .filter(|_| path == page_url(code))
        .map(|g| GoneCtx {
            since: g.since.map(|s| history.reference(s)),
            moved_to: g.moved_to.as_ref().map(|to| {
                let title = history.title_now(to).unwrap_or_default();
                (label(to, title, &ui.untitled), page_url(to))
            }),
        });
    let up = std::iter::successors(code.parent(), Code::parent).find_map(|c| {
        history
            .title_now(&c)
            .map(|t| (label(&c, t, &ui.untitled), page_url(&c)))
    });
    // An earlier version sits under its edition; a removed process's page,
    // at its old address, under the levels above it still in the map.
    let trail = if path == page_url(code) {
        let mut t: Vec<Crumb> = code
            .ancestors()
            .iter()
            .filter_map(|c| {
                history
                    .title_now(c)
                    .map(|t| crumb(label(c, t, &ui.untitled), page_url(c)))
            })
            .collect();
        t.push(crumb(label(code, &entry.title, &ui.untitled), path));
        t
    } else {
        let date = &history.editions[k].info.data;
        vec![
            crumb(&ui.editions, format!("{EDITIONS_DIR}/index.html")),
            crumb(
                format!("{} {}", ui.changes_title, history.reference(k).date_text),
                changes_url(date),
            ),
            crumb(label(code, &entry.title, &ui.untitled), path),
        ]
    };
    let root = "../".repeat(path.matches('/').count());
    let page_file = entry
        .page
        .clone()
        .unwrap_or_else(|| crate::content::node_path(code, false));
    let author_html = pages.author_html(&entry.author, &page_file, &root);
    let ctx = VersionCtx {
        trail,
        author_html,
        kind: if gone.is_some() { "gone" } else { "version" },
        title: entry.title.clone(),
        code: code.to_string(),
        label: label(code, &entry.title, &ui.untitled),
        level_name: config.level_name(code.level()),
        edition: history.reference(k),
        activities,
        notes,
        current_url: history.is_current(code).then(|| page_url(code)),
        gone,
        up,
    };
    pages.other("version.html", &ctx, path)
}

/// The pieces of a word-level difference as HTML: removed words in `<del>`,
/// added ones in `<ins>`, each announced by words that screen readers read
/// and eyes do not need (the marks are struck through and underlined).
fn diff_html(pieces: &[Piece], ui: &crate::config::Ui) -> String {
    let mut out = String::new();
    for (i, p) in pieces.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match p {
            Piece::Uguale(t) => out.push_str(&escape_html(t)),
            Piece::Tolto(t) => {
                let _ = write!(
                    out,
                    "<del><span class=\"solo-lettori\">{}: </span>{}</del>",
                    escape_html(&ui.diff_removed),
                    escape_html(t)
                );
            }
            Piece::Aggiunto(t) => {
                let _ = write!(
                    out,
                    "<ins><span class=\"solo-lettori\">{}: </span>{}</ins>",
                    escape_html(&ui.diff_added),
                    escape_html(t)
                );
            }
        }
    }
    out
}

/// The Atom feed of the editions, newest first.
fn feed(pages: &Pages) -> Result<(), BuildError> {
    let history = pages.history();
    let config = pages.config();
    let site = config.site_url();
    let chamber = config.chamber_name();
    // Ids must be IRIs that never change: the site's address when known, a
    // tag URI of the book otherwise.
    let id = |rest: &str| match &site {
        Some(s) => format!("{s}{EDITIONS_DIR}/{rest}"),
        None => format!(
            "tag:manuale.invalid,2026:{}/{rest}",
            crate::text::fold(&config.book.title).replace(|c: char| !c.is_alphanumeric(), "-")
        ),
    };
    let newest = history
        .editions
        .last()
        .map(|e| e.info.data.clone())
        .unwrap_or_default();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"it\">\n");
    let _ = writeln!(
        xml,
        "  <title>{} — {}</title>",
        escape_html(&config.book.title),
        escape_html(&config.ui.editions)
    );
    let _ = writeln!(xml, "  <id>{}</id>", escape_html(&id("feed.xml")));
    let _ = writeln!(xml, "  <updated>{newest}T00:00:00Z</updated>");
    let _ = writeln!(
        xml,
        "  <author><name>{}</name></author>",
        escape_html(&chamber)
    );
    xml.push_str("  <link rel=\"self\" href=\"feed.xml\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"index.html\"/>\n");
    for k in (0..history.editions.len()).rev() {
        let e = &history.editions[k];
        let summary = if k == 0 {
            config.ui.first_edition.clone()
        } else {
            capitalise(&history.changes[k].summary())
        };
        let _ = write!(
            xml,
            "  <entry>\n    <title>{} {}</title>\n    <id>{}</id>\n    <updated>{}T00:00:00Z</updated>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}/modifiche.html\"/>\n    <summary>{}: {}.</summary>\n  </entry>\n",
            escape_html(&config.ui.changes_title),
            escape_html(&e.date().italian()),
            escape_html(&id(&format!("{}/modifiche.html", e.info.data))),
            e.info.data,
            e.info.data,
            escape_html(&e.info.atto),
            escape_html(&summary)
        );
    }
    xml.push_str("</feed>\n");
    pages
        .folder()
        .write(Path::new(EDITIONS_DIR).join("feed.xml"), xml.as_bytes())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
