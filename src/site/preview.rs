//! What `serve` keeps between rebuilds, to write again only what a save
//! changed: the [`Preview`] of the site it built last (everything that
//! build read, and what each page depended on), and the rebuilds that use
//! it ([`update`], [`update_saved`], [`settle`]). `manuale build` does not
//! come here: it builds everything, every time.

use super::error::BuildError;
use super::output::{self, Folder};
use super::load::Loaded;
use super::{full_build, render, Options, Report, Scope};
use crate::content;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// Rebuilds what changed since `previous` (what `serve` keeps of the site
/// now in the output folder): only the pages whose author text changed, or
/// every page when only the theme changed (the search index and open data
/// stay), or everything otherwise. Reads the whole book; when `serve`
/// knows which files were saved, [`update_saved`] reads only those.
pub fn update(opts: &Options, previous: Option<&Preview>) -> Result<(Update, Preview), BuildError> {
    let (loaded, lock) = Loaded::load(&opts.book, opts.output.as_deref())?;
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

impl Loaded {
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
