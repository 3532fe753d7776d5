//! Search, built at `build` time, in process: a Pagefind index of every
//! node (Italian stemming, accent folding, filters, an index split in chunks
//! so a browser downloads only what a query needs) and a code index of our
//! own, because Pagefind reads `C2.5.3.1` as the word `c2531`, which cannot
//! tell `C2.1.1.1` from `C2.11.1` nor list what lies under `C2.5`.
//!
//! Written under `ricerca/`: `pagefind/` (Pagefind's bundle, without its UI)
//! and `codici/` (`indice.json` names the chunks; each chunk holds the codes
//! of one subtree, in tree order). The page side is `assets/ricerca.js`.

use super::error::BuildError;
use super::output;
use super::output::Folder;
use super::tree::{Node, Tree};
use crate::config::Config;
use crate::mapping::Role;
use crate::text::escape_html;
use pagefind::api::SimpleDocument;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// Folder of the search files in the site.
pub(super) const DIR: &str = "ricerca";
/// Largest number of codes in one chunk of the code index.
const CHUNK: usize = 400;

/// Builds and writes the search index of the tree.
/// Once `stop` is true, Pagefind gives up before its next slice of
/// documents with an error (the build has failed elsewhere).
pub(super) fn write(
    config: &Config,
    tree: &Tree,
    folder: &Folder,
    stop: &AtomicBool,
) -> Result<(), BuildError> {
    // What each result shows, worked out once for both indexes.
    let entries = entries(config, tree);
    pagefind_files(tree, &entries, folder, stop)?;
    let codes = Path::new(DIR).join("codici");
    for (name, text) in code_index(tree, &entries) {
        write_file(folder, &codes.join(name), text.as_bytes())?;
    }
    Ok(())
}

fn write_file(folder: &Folder, rel: &Path, bytes: &[u8]) -> Result<(), BuildError> {
    if let Some(p) = rel.parent() {
        folder.create_dir(p)?;
    }
    folder.write(rel, bytes)
}

/// The responsible roles a cell names, for the filter: the labels of
/// `[roles]` in `book.toml` whose keywords occur in it. The keywords are
/// folded once: every row of a national map is matched against them, twice.
pub(super) struct RoleMatcher<'a> {
    roles: Vec<(&'a String, Vec<Keyword<'a>>)>,
}

enum Keyword<'a> {
    /// In capitals (`PO`, `P.O`): a whole word, case and all.
    Word(&'a str),
    /// Anywhere, accents and case aside: folded.
    Folded(String),
}

impl<'a> RoleMatcher<'a> {
    pub(super) fn new(config: &'a Config) -> RoleMatcher<'a> {
        RoleMatcher {
            roles: config
                .roles
                .iter()
                .map(|(label, keys)| {
                    let keys = keys
                        .iter()
                        .map(|k| {
                            if k.chars().any(char::is_lowercase) {
                                Keyword::Folded(crate::text::fold(k))
                            } else {
                                Keyword::Word(k)
                            }
                        })
                        .collect();
                    (label, keys)
                })
                .collect(),
        }
    }

    /// The labels whose keywords occur in `responsible`, in the order of
    /// `book.toml`.
    pub(super) fn roles(&self, responsible: &str) -> Vec<String> {
        let folded = crate::text::fold(responsible);
        self.roles
            .iter()
            .filter(|(_, keys)| {
                keys.iter().any(|k| match k {
                    Keyword::Folded(k) => folded.contains(k.as_str()),
                    Keyword::Word(k) => contains_word(responsible, k),
                })
            })
            .map(|(label, _)| (*label).clone())
            .collect()
    }
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The roles of `[roles]` that some row names, in the order of `book.toml`.
pub(super) fn roles_in_use(config: &Config, tree: &Tree) -> Vec<String> {
    let matcher = RoleMatcher::new(config);
    let mut used = BTreeSet::new();
    for n in &tree.nodes {
        for r in &n.page.front.rows {
            used.extend(matcher.roles(&r.responsible));
        }
    }
    used.into_iter().collect()
}

/// Everything a result shows, kept with the code index and as Pagefind meta.
struct Entry {
    code: String,
    title: String,
    url: String,
    path: String,
    function: String,
    roles: Vec<String>,
}

fn entries(config: &Config, tree: &Tree) -> Vec<Entry> {
    let matcher = RoleMatcher::new(config);
    tree.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut path = Vec::new();
            let mut p = n.parent;
            while let Some(pi) = p {
                let a = &tree.nodes[pi];
                path.push(crate::text::code_title(&a.code, &a.title));
                p = a.parent;
            }
            path.reverse();
            let root = {
                let mut r = i;
                while let Some(p) = tree.nodes[r].parent {
                    r = p;
                }
                &tree.nodes[r]
            };
            let mut roles: BTreeSet<String> = BTreeSet::new();
            for r in &n.page.front.rows {
                roles.extend(matcher.roles(&r.responsible));
            }
            Entry {
                code: n.code.to_string(),
                title: n.title.clone(),
                url: n.url.clone(),
                path: path.join(" › "),
                function: root.function_label(),
                roles: roles.into_iter().collect(),
            }
        })
        .collect()
}

/// Pagefind's bundle: one record per node, from a small document that holds
/// what a citizen searches (title, activities, the author's text) and not
/// the navigation, so a page is not found for the links it carries. The
/// document is given to Pagefind as its parts ([`SimpleDocument`]), indexed
/// as the HTML it stands for without that HTML being written and parsed.
/// Each file is written under `ricerca/pagefind/` as soon as Pagefind has
/// compressed it, on every core: the index of a national map is never held
/// whole in memory.
fn pagefind_files(
    tree: &Tree,
    entries: &[Entry],
    folder: &Folder,
    stop: &AtomicBool,
) -> Result<(), BuildError> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;
    let docs: Vec<(String, SimpleDocument)> = tree
        .nodes
        .iter()
        .zip(entries)
        .map(|(n, e)| (n.url.clone(), document(n, e)))
        .collect();
    let dir = Path::new(DIR).join("pagefind");
    // Pagefind's files are a function of the documents alone (and of the
    // program): when the site being replaced was indexed from the same
    // ones, its files are taken as they are. On a national map that is
    // most of a rebuild with nothing changed.
    let stamp = dir.join(STAMP);
    let fingerprint = fingerprint(&docs);
    if folder.reuse_dir(&dir, &stamp, &fingerprint)? {
        crate::timings::Laps::start()
            .lap("  pagefind: file della build precedente, stessi documenti");
        return Ok(());
    }
    // The first error of a write, kept whole; Pagefind only needs to stop.
    let failed: std::sync::Mutex<Option<BuildError>> = std::sync::Mutex::new(None);
    // Each file written, with a hash of its bytes, for the stamp.
    let written: std::sync::Mutex<Vec<(String, u64)>> = std::sync::Mutex::new(Vec::new());
    let sink = |name: &Path, bytes: &[u8]| -> std::io::Result<()> {
        let name = name.to_string_lossy().replace('\\', "/");
        if !wanted(&name) {
            return Ok(());
        }
        if let Ok(mut w) = written.lock() {
            w.push((name.clone(), output::bytes_hash(bytes)));
        }
        write_file(folder, &dir.join(&name), bytes).map_err(|e| {
            let message = e.to_string();
            if let Ok(mut slot) = failed.lock() {
                slot.get_or_insert(e);
            }
            std::io::Error::other(message)
        })
    };
    // Pagefind's API is async. Its runtime runs on a thread of its own, so a
    // build works the same from the CLI and from inside `serve`'s runtime.
    let index = move || -> Result<(), BuildError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(search_error)?;
        runtime.block_on(async move {
            let options = PagefindServiceConfig::builder()
                .force_language("it".to_string())
                .build();
            let mut laps = crate::timings::Laps::start();
            let mut index = PagefindIndex::new(Some(options)).map_err(search_error)?;
            let written = index.write_documents_with(docs, &sink, stop).await;
            laps.lap("  pagefind: documenti, indice e file");
            written.map(drop).map_err(search_error)
        })
    };
    let result = std::thread::scope(|s| s.spawn(index).join())
        .unwrap_or_else(|_| Err(search_error("il thread si è interrotto")));
    match failed.into_inner().ok().flatten() {
        Some(e) => Err(e),
        None => result.and_then(|()| {
            let files = written.into_inner().unwrap_or_default();
            folder.write(&stamp, output::stamp(&fingerprint, files).as_bytes())
        }),
    }
}

/// Where the fingerprint of the documents indexed is kept, beside
/// Pagefind's files (a hidden file: web servers need not serve it).
const STAMP: &str = ".manuale-documenti";

/// What Pagefind's files depend on: the documents, and this very program
/// (its size and time of change: a new `manuale`, or one with another
/// Pagefind, indexes again).
fn fingerprint(docs: &[(String, SimpleDocument)]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
    {
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
    }
    docs.len().hash(&mut h);
    for (url, document) in docs {
        url.hash(&mut h);
        document.hash(&mut h);
    }
    format!("{:016x}", h.finish())
}

/// Pagefind's errors (`anyhow`) as a build error, keeping them as its source.
fn search_error<E>(e: E) -> BuildError
where
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    BuildError::Search(e.into())
}

/// Pagefind's own search UI and playground are not used: only the engine.
fn wanted(name: &str) -> bool {
    !(name.starts_with("pagefind-ui")
        || name.starts_with("pagefind-modular-ui")
        || name.starts_with("pagefind-component-ui")
        || name.starts_with("pagefind-highlight")
        || name.starts_with("playground")
        || name.starts_with("wasm.unknown"))
}

/// The document Pagefind indexes for a node; as HTML
/// ([`SimpleDocument::to_html`]), `<h1>` (or `<p>`) code and title, `<h2>`
/// each activity's name, `<p>` each cell, in `<main>`, and the result's
/// meta and filters in spans of an element Pagefind does not index.
fn document(n: &Node, e: &Entry) -> SimpleDocument {
    let mut blocks = Vec::new();
    // A process's title weighs like a page title; a section's no more than
    // text: a process that holds the words ranks above the sections that
    // only name them (for «protesto», the processes of the protests' register
    // before the three sections above them).
    let title_level = if n.children.is_empty() { 1 } else { 0 };
    let title = format!("{} {}", escape_html(&e.code), escape_html(&e.title));
    blocks.push((title_level, title.clone()));
    for r in &n.page.front.rows {
        if !r.name.is_empty() && r.name != e.title {
            blocks.push((2, escape_html(&r.name)));
        }
        for text in Role::DATA.map(|role| r.cell(role)) {
            if !text.is_empty() {
                blocks.push((0, escape_html(text)));
            }
        }
        for text in r.extra.values() {
            blocks.push((0, escape_html(text)));
        }
    }
    if !n.page.author.trim().is_empty() {
        blocks.push((0, escape_html(&n.page.author)));
    }
    let meta = [
        ("codice", &e.code),
        ("titolo", &e.title),
        ("url", &e.url),
        ("percorso", &e.path),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_string(), escape_html(value)))
    .collect();
    let filters = std::iter::once(("funzione", &e.function))
        .chain(e.roles.iter().map(|r| ("responsabile", r)))
        .map(|(key, value)| (key.to_string(), escape_html(value)))
        .collect();
    SimpleDocument {
        lang: "it".into(),
        title,
        blocks,
        meta,
        filters,
    }
}

#[derive(Serialize)]
struct CodeEntry<'a> {
    /// Code, title, URL, path of parents, function, roles.
    c: &'a str,
    t: &'a str,
    u: &'a str,
    p: &'a str,
    f: &'a str,
    r: &'a [String],
}

/// The code index: chunks of whole subtrees of at most [`CHUNK`] codes,
/// named after their root, and `indice.json` listing the roots.
fn code_index(tree: &Tree, entries: &[Entry]) -> BTreeMap<String, String> {
    // Subtree sizes, to cut chunks.
    let mut size = vec![1usize; tree.nodes.len()];
    for i in (0..tree.nodes.len()).rev() {
        if let Some(p) = tree.nodes[i].parent {
            size[p] += size[i];
        }
    }
    // A node roots a chunk if it is a function, or if its parent's subtree
    // is too big to share one.
    let mut chunk_of = vec![0usize; tree.nodes.len()];
    let mut roots = Vec::new();
    for i in 0..tree.nodes.len() {
        let own = match tree.nodes[i].parent {
            None => true,
            Some(p) => size[p] > CHUNK && (size[i] > 1 || tree.nodes[p].parent.is_none()),
        };
        chunk_of[i] = if own {
            roots.push(i);
            i
        } else {
            chunk_of[tree.nodes[i].parent.unwrap_or(i)]
        };
    }
    let mut files = BTreeMap::new();
    for &r in &roots {
        let items: Vec<CodeEntry> = (0..tree.nodes.len())
            .filter(|&i| chunk_of[i] == r)
            .map(|i| {
                let e = &entries[i];
                CodeEntry {
                    c: &e.code,
                    t: &e.title,
                    u: &e.url,
                    p: &e.path,
                    f: &e.function,
                    r: &e.roles,
                }
            })
            .collect();
        let name = format!("{}.json", tree.nodes[r].code);
        files.insert(name, serde_json::to_string(&items).unwrap_or_default());
    }
    let index: Vec<String> = roots
        .iter()
        .map(|&r| tree.nodes[r].code.to_string())
        .collect();
    files.insert(
        "indice.json".into(),
        serde_json::to_string(&index).unwrap_or_default(),
    );
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_from_real_cells() {
        let c = Config::default();
        let matcher = RoleMatcher::new(&c);
        assert_eq!(
            matcher.roles("PO Settore e Operatore incaricato Settore"),
            ["Operatori e addetti", "Posizione organizzativa (PO)"]
        );
        assert_eq!(
            matcher.roles("P.O. per la progettazione; il dirigente per l'autorizzazione"),
            ["Dirigente", "Posizione organizzativa (PO)"]
        );
        assert_eq!(
            matcher.roles("RPCT (Segretario Generale)"),
            ["Responsabile anticorruzione (RPCT)", "Segretario generale"]
        );
        assert!(matcher
            .roles("Ispettore metrico incaricato")
            .contains(&"Ispettori".to_string()));
        // "PO" inside a word is not a PO.
        assert!(matcher.roles("POSTA e TEMPO").is_empty());
    }
}
