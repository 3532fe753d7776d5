//! What `serve` keeps between rebuilds, to write again only what a save
//! changed: the [`Preview`] of the site it built last (everything that
//! build read, and what each page depended on), and the rebuilds that use
//! it ([`update`], [`update_saved`], [`settle`]). `manuale build` does not
//! come here: it builds everything, every time.

use super::error::BuildError;
use super::load::Loaded;
use super::output::{self, Folder};
use super::{full_build, render, Options, Report, Scope};
use crate::content;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
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
    let snapshot = Snapshot::of(&loaded);
    let same_structure = previous.is_some_and(|p| {
        !p.broken && p.snapshot.structure == snapshot.structure && output::is_built(&loaded.output)
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
    let lock = content::Lock::take(&preview.loaded.content_dir, "anteprima")?;
    let mut edits = Vec::new();
    for path in saved {
        match preview.read_saved(path) {
            Saved::Unchanged => {}
            Saved::AuthorText(slot, page) => edits.push((slot, page)),
            Saved::More => return Ok(None),
        }
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
            Slot::Node(i) => {
                preview.snapshot.authors[i] = author;
                loaded.tree.nodes[i].page = Arc::new(*page);
                nodes.insert(i);
            }
            Slot::Home => {
                preview.snapshot.home_author = author;
                loaded.tree.home = Some(*page);
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

/// What `serve` keeps of the site it built last: everything that build
/// read, and what each page depended on. A save then costs reading the
/// saved pages ([`update_saved`]), not the whole book.
#[derive(Clone)]
pub struct Preview {
    loaded: Arc<Loaded>,
    snapshot: Snapshot,
    /// `content/`, absolute.
    content_real: PathBuf,
    /// Each page file of `content/` (relative) and the page it is.
    files: Arc<HashMap<PathBuf, Slot>>,
    /// A failed write left pages older than what is held here.
    broken: bool,
}

/// Which page of the built site a file of `content/` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// The page of the tree's node at this index.
    Node(usize),
    /// The home page (`content/_index.md`).
    Home,
}

/// What a save did to a file of `content/`, as [`Preview::read_saved`]
/// tells it.
#[derive(Debug)]
enum Saved {
    /// Nothing the site shows: the same text, or a file that came and went.
    Unchanged,
    /// Only the author text of this page, read anew: it alone is written
    /// again.
    AuthorText(Slot, Box<content::Page>),
    /// More than that (fields, rows, a page or attachment that came or
    /// went, a file that does not read): the whole book is read again.
    More,
}

impl Preview {
    fn new(loaded: Loaded, snapshot: Snapshot) -> Preview {
        let mut files: HashMap<PathBuf, Slot> = loaded
            .tree
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.page.path.clone(), Slot::Node(i)))
            .collect();
        files.insert(PathBuf::from(content::INDEX), Slot::Home);
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

    /// What the save of the file at `path` changed, against the last build.
    fn read_saved(&self, path: &Path) -> Saved {
        self.compare_saved(path).unwrap_or(Saved::More)
    }

    /// [`Preview::read_saved`], `None` standing for [`Saved::More`]: the
    /// file is not a page of the last build, does not read, or changed more
    /// than its author text.
    fn compare_saved(&self, path: &Path) -> Option<Saved> {
        let rel = path
            .strip_prefix(&self.content_real)
            .or_else(|_| path.strip_prefix(&self.loaded.content_dir))
            .ok()?;
        let is_page = rel.extension().is_some_and(|e| e == "md");
        if !is_page {
            let known = self.loaded.links.is_asset(rel);
            let gone = std::fs::symlink_metadata(path).is_err();
            return (!known && gone).then_some(Saved::Unchanged);
        }
        let slot = *self.files.get(rel)?;
        let old = match slot {
            Slot::Node(i) => &self.loaded.tree.nodes[i].page,
            Slot::Home => self.loaded.tree.home.as_ref()?,
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
        Some(if page.author == old.author {
            Saved::Unchanged
        } else {
            Saved::AuthorText(slot, Box::new(page))
        })
    }
}

/// What the pages of a built site depend on, as hashes: to tell, after a
/// change, whether every page must be written again or only some.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Snapshot {
    /// What every page shows: `book.toml`, each node's code, file, fields
    /// and rows, the home page's fields, the attachments, the logo, the
    /// editions. When it changes, the whole site is built again.
    structure: u64,
    /// The theme's templates and files: every page is written again.
    theme: u64,
    /// Each node's author text, by node: only its page is written again.
    authors: Vec<u64>,
    /// The home page's author text.
    home_author: u64,
}

impl Snapshot {
    /// What the pages of the site built from `loaded` depend on.
    fn of(loaded: &Loaded) -> Snapshot {
        let mut h = DefaultHasher::new();
        loaded.config_text.hash(&mut h);
        loaded.tree.nodes.len().hash(&mut h);
        for n in &loaded.tree.nodes {
            n.code.hash(&mut h);
            n.page.path.hash(&mut h);
            hash_front(&n.page.front, &mut h);
            n.page.generated_edited.hash(&mut h);
        }
        match &loaded.tree.home {
            Some(home) => {
                true.hash(&mut h);
                hash_front(&home.front, &mut h);
            }
            None => false.hash(&mut h),
        }
        loaded.tree.assets.hash(&mut h);
        loaded.logo.as_ref().map(|l| &l.bytes).hash(&mut h);
        loaded.history.editions.hash(&mut h);
        Snapshot {
            structure: h.finish(),
            theme: loaded.theme.fingerprint,
            authors: loaded
                .tree
                .nodes
                .iter()
                .map(|n| author_hash(&n.page.author))
                .collect(),
            home_author: author_hash(loaded.tree.home.as_ref().map_or("", |h| &h.author)),
        }
    }
}

/// Feeds a page's fields to `h`. Every field is named, so that one added
/// to [`content::Front`] is not forgotten here.
fn hash_front(front: &content::Front, h: &mut DefaultHasher) {
    let content::Front {
        code,
        title,
        updated,
        synthetic,
        archived,
        source,
        rows,
        extra,
    } = front;
    (code, title, updated, synthetic, archived, source, rows).hash(h);
    hash_table(extra, h);
}

/// Feeds the author's own fields of a page (TOML, which has no `Hash`,
/// for its floats) to `h`, in their order.
fn hash_table(table: &toml::Table, h: &mut DefaultHasher) {
    table.len().hash(h);
    for (key, value) in table {
        key.hash(h);
        hash_toml(value, h);
    }
}

/// Feeds a TOML value to `h`: a float by its bits (`0.0` and `-0.0`
/// apart), every NaN alike, so that two values hash alike when they read
/// alike.
fn hash_toml(value: &toml::Value, h: &mut DefaultHasher) {
    use toml::Value;
    std::mem::discriminant(value).hash(h);
    match value {
        Value::String(s) => s.hash(h),
        Value::Integer(i) => i.hash(h),
        Value::Float(f) if f.is_nan() => f64::NAN.to_bits().hash(h),
        Value::Float(f) => f.to_bits().hash(h),
        Value::Boolean(b) => b.hash(h),
        Value::Datetime(d) => {
            d.date.map(|d| (d.year, d.month, d.day)).hash(h);
            d.time
                .map(|t| (t.hour, t.minute, t.second, t.nanosecond))
                .hash(h);
            d.offset
                .map(|o| match o {
                    toml::value::Offset::Z => None,
                    toml::value::Offset::Custom { minutes } => Some(minutes),
                })
                .hash(h);
        }
        Value::Array(items) => {
            items.len().hash(h);
            for item in items {
                hash_toml(item, h);
            }
        }
        Value::Table(table) => hash_table(table, h),
    }
}

/// A hash of a page's author text, to tell an edit.
fn author_hash(author: &str) -> u64 {
    output::bytes_hash(author.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::{hash_table, only_main_differs};
    use std::collections::hash_map::DefaultHasher;
    use std::hash::Hasher;

    #[test]
    fn author_fields_hash_alike_when_they_read_alike() {
        let hash = |text: &str| {
            let table: toml::Table = text.parse().expect("TOML");
            let mut h = DefaultHasher::new();
            hash_table(&table, &mut h);
            h.finish()
        };
        assert_eq!(hash("x = nan"), hash("x = -nan"));
        assert_eq!(hash("x = [1, { y = 2.5 }]"), hash("x = [1, { y = 2.5 }]"));
        assert_ne!(hash("x = 0.0"), hash("x = -0.0"));
        assert_ne!(hash("x = 1"), hash("x = 1.0"));
        assert_ne!(hash("x = \"1\""), hash("x = 1"));
        assert_ne!(hash("x = [1]"), hash("x = [[1]]"));
        assert_ne!(
            hash("d = 1979-05-27T07:32:00Z"),
            hash("d = 1979-05-27T07:32:00+00:00")
        );
        assert_ne!(hash("d = 1979-05-27"), hash("d = 1979-05-28"));
    }

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
