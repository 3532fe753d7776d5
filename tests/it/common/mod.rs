//! Helpers for the CLI tests: a copy of the bundled book in a temporary
//! folder, the real `manuale` binary run on it, and small readers for the
//! files it writes.

#![allow(dead_code)]

pub mod serve;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SHEET: &str = "data/mappatura-processi.tsv";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `manuale`, the binary under test, without the flushes to the disk
/// that guard against a power cut (`MANUALE_TEST_FSYNC=0`, as Git's tests
/// do): each build's `syncfs` otherwise waits for every other test's
/// writes. tests/it/crash.rs, which kills at the flushes, keeps them.
pub fn manuale_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_manuale"));
    cmd.env("MANUALE_TEST_FSYNC", "0");
    cmd
}

/// A book folder with the bundled `book.toml` and sheet, and no content.
pub struct Book {
    pub dir: tempfile::TempDir,
}

impl Book {
    pub fn new() -> Book {
        Book::copied_into(tempfile::tempdir().expect("temp dir"))
    }

    fn copied_into(dir: tempfile::TempDir) -> Book {
        std::fs::copy(repo().join("book.toml"), dir.path().join("book.toml")).unwrap();
        std::fs::copy(repo().join("logo.svg"), dir.path().join("logo.svg")).unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        std::fs::copy(repo().join(SHEET), dir.path().join(SHEET)).unwrap();
        Book { dir }
    }

    /// A book already imported from the bundled sheet.
    pub fn imported() -> Book {
        let b = Book::new();
        let out = b.run(&["importa"]);
        assert!(out.status.success(), "import failed: {}", stderr(&out));
        b
    }

    /// Imported and built into `book/`.
    pub fn built() -> Book {
        let b = Book::imported();
        let out = b.run(&["costruisci"]);
        assert!(out.status.success(), "build failed: {}", stderr(&out));
        b
    }

    /// The bundled book, imported and built once for all the tests that
    /// only read it: each would otherwise import and build the same map.
    /// It lives under cargo's `target/tmp` (statics are never dropped); a
    /// run clears the ones earlier runs left there.
    pub fn shared() -> &'static Book {
        static SHARED: std::sync::OnceLock<Book> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| {
            let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
            const PREFIX: &str = "libro-condiviso-";
            if let Ok(entries) = std::fs::read_dir(tmp) {
                let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
                for e in entries.flatten() {
                    let old = e
                        .metadata()
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t < hour_ago);
                    if old && e.file_name().to_string_lossy().starts_with(PREFIX) {
                        let _ = std::fs::remove_dir_all(e.path());
                    }
                }
            }
            let dir = tempfile::Builder::new()
                .prefix(PREFIX)
                .tempdir_in(tmp)
                .expect("temp dir");
            let b = Book::copied_into(dir);
            for step in ["importa", "costruisci"] {
                let out = b.run(&[step]);
                assert!(out.status.success(), "{step} failed: {}", stderr(&out));
            }
            b
        })
    }

    /// An author adds `note` at the end of the first process page (a page
    /// below the second level); returns the page's path.
    pub fn add_author_note(&self, note: &str) -> PathBuf {
        let page = walkdir::WalkDir::new(self.join("content"))
            .into_iter()
            .filter_map(Result::ok)
            .find(|e| e.path().extension().is_some_and(|x| x == "md") && e.depth() > 2)
            .expect("a page below the second level")
            .into_path();
        let text = std::fs::read_to_string(&page).unwrap();
        std::fs::write(&page, format!("{text}\n{note}\n")).unwrap();
        page
    }

    /// Records the book's current map as the bundled edition, adopted on
    /// 28/01/2026.
    pub fn freeze_first_edition(&self) {
        let out = self.run(&[
            "edizione",
            "--data",
            "2026-01-28",
            "--atto",
            "Delibera di Giunta n. 12 del 28/01/2026",
        ]);
        assert!(out.status.success(), "edizione failed: {}", stderr(&out));
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    /// Runs `manuale` with the book as working directory.
    pub fn run(&self, args: &[&str]) -> Output {
        manuale_command()
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("run manuale")
    }

    pub fn read(&self, p: &str) -> String {
        std::fs::read_to_string(self.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("book/dati/processi.json")).expect("valid JSON")
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every file under `dir` with its bytes, by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            out.insert(
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    out
}

/// The values of an attribute (`href`, `src`, `id`) in an HTML text.
pub fn attrs(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(unescape(&rest[..end]));
        rest = &rest[end..];
    }
    out
}

/// The text of an HTML fragment: tags removed, entities decoded, spaces
/// collapsed.
pub fn text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// The part of `html` from the element with `id` to the end of its
/// enclosing `<section>`.
pub fn section_by_id<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let end = html[start..]
        .find("</section>")
        .map_or(html.len(), |e| start + e);
    Some(&html[start..end])
}

/// The `<main>` of a page.
pub fn main_of(html: &str) -> &str {
    let s = html.find("<main").unwrap_or(0);
    let e = html.find("</main>").unwrap_or(html.len());
    &html[s..e]
}

/// Words of two or more letters or digits, with their counts.
pub fn words(s: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
    {
        *m.entry(w.to_string()).or_insert(0) += 1;
    }
    m
}
