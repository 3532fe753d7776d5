//! `manuale serve` from outside: what it listens on, what it serves and what
//! it refuses, with raw HTTP requests so no client tidies the paths first.

use crate::common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use crate::common::serve::Server;

fn start(b: &Book, args: &[&str]) -> Server {
    Server::start(b.path(), args, &[])
}

/// Sends a raw request line and returns (status, content type, body).
fn get(port: u16, target: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    let ctype = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(String::from)
        })
        .unwrap_or_default();
    (status, ctype, body.to_string())
}

#[test]
fn serves_the_site_and_nothing_outside_it() {
    let b = Book::imported();
    std::fs::write(b.join("segreto.txt"), "PAROLA-SEGRETA").unwrap();
    let s = start(&b, &["--porta", "0"]);
    assert!(
        s.url.starts_with("http://127.0.0.1:"),
        "loopback by default: {}",
        s.url
    );

    let (status, ctype, body) = get(s.port, "/processi/C2.5.3.1.html");
    assert_eq!(status, 200);
    assert_eq!(ctype, "text/html; charset=utf-8");
    assert!(
        body.contains("__manuale/live.js"),
        "the preview reloads by itself"
    );
    for (path, want) in [
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/assets/ricerca.js", "text/javascript; charset=utf-8"),
        ("/dati/processi.json", "application/json"),
        ("/dati/processi.csv", "text/csv; charset=utf-8"),
        ("/assets/favicon.svg", "image/svg+xml"),
        ("/", "text/html; charset=utf-8"),
    ] {
        let (status, ctype, _) = get(s.port, path);
        assert_eq!((status, ctype.as_str()), (200, want), "{path}");
    }

    // Ways out of the site, raw on the wire.
    for attack in [
        "/../segreto.txt",
        "/%2e%2e/segreto.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/processi/..%2F..%2Fsegreto.txt",
        "/processi/%2e%2e%5c%2e%2e%5csegreto.txt",
        "/processi/....//....//segreto.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/.manuale-build",
        "/%00",
    ] {
        let (status, _, body) = get(s.port, attack);
        assert!(
            status == 403 || status == 404 || status == 400,
            "{attack}: {status}"
        );
        assert!(
            !body.contains("PAROLA-SEGRETA") && !body.contains("root:"),
            "{attack} leaked a file"
        );
    }
    // A symbolic link inside the preview that leads out of it.
    std::os::unix::fs::symlink(
        b.join("segreto.txt"),
        std::path::Path::new(&s.folder).join("fuga.html"),
    )
    .unwrap();
    let (status, _, body) = get(s.port, "/fuga.html");
    assert_eq!(status, 404);
    assert!(!body.contains("PAROLA-SEGRETA"));
    // No directory listing.
    let (status, _, body) = get(s.port, "/processi/");
    assert_eq!(status, 404);
    assert!(!body.contains("C2.5.3.1.html"));
    // Unknown pages get the site's 404 page.
    let (status, _, body) = get(s.port, "/processi/Z9.html");
    assert_eq!(status, 404);
    assert!(body.contains("Pagina non trovata"));
}

#[test]
fn a_taken_port_gets_a_clear_message_or_the_next_one() {
    let b = Book::imported();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = crate::common::manuale_command()
        .args(["anteprima", "--porta", &port.to_string()])
        .current_dir(b.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("la porta {port} di 127.0.0.1 è già in uso")),
        "{err}"
    );
    assert!(err.contains("--porta"), "{err}");
    // Without --port, 3000 taken means 3001 (or the next free one).
    let held = TcpListener::bind("127.0.0.1:3000");
    let s = start(&b, &[]);
    if held.is_ok() {
        assert_ne!(s.port, 3000);
    }
    assert!((3000..=3020).contains(&s.port), "{}", s.url);
}

#[test]
fn another_host_only_when_asked_and_with_a_warning() {
    let b = Book::imported();
    let mut s = start(&b, &["--porta", "0", "--indirizzo", "0.0.0.0"]);
    assert!(
        s.wait_for(
            "visibile da altri computer della rete",
            Duration::from_secs(5)
        ),
        "{}",
        s.output
    );
    let (status, _, _) = get(s.port, "/index.html");
    assert_eq!(status, 200);
    let mut s2 = start(&b, &["--porta", "0"]);
    assert!(!s2.wait_for("visibile da altri computer", Duration::from_secs(1)));
}

/// The pages `serve` rewrites in place are the pages a full build makes.
#[test]
fn partial_updates_give_the_same_pages_as_a_full_build() {
    use manuale::site::{self, preview::Update};
    let b = Book::imported();
    let opts = |out: &str| site::Options {
        book: b.path().to_path_buf(),
        output: Some(b.join(out)),
        live_reload: Some(manuale::serve::LIVE_JS.into()),
    };
    // The pages, and the search index that holds the authors' text.
    let html = |dir: &str| -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
        snapshot(&b.join(dir))
            .into_iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "html") || p.starts_with("ricerca"))
            .collect()
    };
    // The names of the pages that differ, not their bytes.
    let differ = |a: &str, c: &str| -> Vec<std::path::PathBuf> {
        let (a, c) = (html(a), html(c));
        a.keys()
            .chain(c.keys())
            .filter(|k| a.get(*k) != c.get(*k))
            .cloned()
            .collect()
    };
    let (first, mut preview) = site::preview::update(&opts("anteprima"), None).unwrap();
    assert!(matches!(first, Update::Full(_)));
    // An author's edit: one page, read and written alone.
    let page = b.join("content/C/C2/C2.6/C2.6.1/C2.6.1.1.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        format!("{text}\nTesto nuovo con `codice` e [un collegamento](C2.6.3.1).\n"),
    )
    .unwrap();
    let saved = |paths: &[&std::path::Path]| -> std::collections::BTreeSet<std::path::PathBuf> {
        paths.iter().map(|p| p.to_path_buf()).collect()
    };
    let second =
        site::preview::update_saved(&opts("anteprima"), &mut preview, &saved(&[&page])).unwrap();
    // The page first; the search index and the print page, which hold
    // every page, afterwards, when serve settles.
    assert!(
        matches!(
            second,
            Some(Update::Pages {
                written: 1,
                settle: true,
                main_only: Some(ref pages),
            }) if pages == &["processi/C2.6.1.1.html"]
        ),
        "{second:?}"
    );
    site::build(&opts("completa")).unwrap();
    let stale = differ("anteprima", "completa");
    assert!(
        stale.contains(&"stampa.html".into()) && stale.iter().any(|p| p.starts_with("ricerca")),
        "{stale:?}"
    );
    assert!(
        !stale.iter().any(|p| p.starts_with("processi")),
        "{stale:?}"
    );
    site::preview::settle(&opts("anteprima"), &preview).unwrap();
    assert_eq!(
        differ("anteprima", "completa"),
        Vec::<std::path::PathBuf>::new()
    );
    // The same through a reading of the whole book, and the home page.
    let home = b.join("content/_index.md");
    let home_text = std::fs::read_to_string(&home).unwrap();
    std::fs::write(&home, format!("{home_text}\nBenvenuti.\n")).unwrap();
    std::fs::write(&page, format!("{text}\nAltro testo.\n")).unwrap();
    let (slow, mut preview) = site::preview::update(&opts("anteprima"), Some(&preview)).unwrap();
    assert!(
        matches!(
            slow,
            Update::Pages {
                written: 2,
                settle: true,
                main_only: Some(ref pages),
            } if pages == &["index.html", "processi/C2.6.1.1.html"]
        ),
        "{slow:?}"
    );
    site::preview::settle(&opts("anteprima"), &preview).unwrap();
    site::build(&opts("completa")).unwrap();
    assert_eq!(
        differ("anteprima", "completa"),
        Vec::<std::path::PathBuf>::new()
    );
    // An editor's test file that came and went changes nothing; a saved
    // page with a new title, or an attachment, is more than author text.
    let gone = b.join("content/C/4913");
    let nothing =
        site::preview::update_saved(&opts("anteprima"), &mut preview, &saved(&[&page, &gone]))
            .unwrap();
    assert!(
        matches!(
            nothing,
            Some(Update::Pages {
                written: 0,
                settle: false,
                ..
            })
        ),
        "{nothing:?}"
    );
    let retitled = b.join("content/C/C2/C2.6/C2.6.1/_index.md");
    let t = std::fs::read_to_string(&retitled).unwrap();
    let changed = t.replacen("title = \"", "title = \"Nuovo: ", 1);
    assert_ne!(t, changed);
    std::fs::write(&retitled, &changed).unwrap();
    assert!(
        site::preview::update_saved(&opts("anteprima"), &mut preview, &saved(&[&retitled]))
            .unwrap()
            .is_none()
    );
    std::fs::write(&retitled, &t).unwrap();
    std::fs::write(b.join("content/C/schema.png"), b"png").unwrap();
    assert!(site::preview::update_saved(
        &opts("anteprima"),
        &mut preview,
        &saved(&[&b.join("content/C/schema.png")])
    )
    .unwrap()
    .is_none());
    std::fs::remove_file(b.join("content/C/schema.png")).unwrap();
    let snap = preview;
    // A template edit: every page, and still the same as a full build.
    std::fs::create_dir_all(b.join("themes/default/templates")).unwrap();
    std::fs::copy(
        repo().join("themes/default/templates/process.html"),
        b.join("themes/default/templates/process.html"),
    )
    .unwrap();
    let tpl = b.join("themes/default/templates/process.html");
    let t = std::fs::read_to_string(&tpl)
        .unwrap()
        .replace("</article>", "<p>Nota del modello</p></article>");
    std::fs::write(&tpl, t).unwrap();
    let (third, snap) = site::preview::update(&opts("anteprima"), Some(&snap)).unwrap();
    assert!(
        matches!(third, Update::Pages { written, settle: false, main_only: None } if written > 300),
        "{third:?}"
    );
    site::build(&opts("completa")).unwrap();
    assert_eq!(
        differ("anteprima", "completa"),
        Vec::<std::path::PathBuf>::new()
    );
    // Nothing changed: nothing written.
    let (fourth, snap) = site::preview::update(&opts("anteprima"), Some(&snap)).unwrap();
    assert!(
        matches!(
            fourth,
            Update::Pages {
                written: 0,
                settle: false,
                ..
            }
        ),
        "{fourth:?}"
    );
    // A title changed in the sheet: everything again.
    let sheet = b.read(SHEET).replace(
        "C2.6 REGISTRO NAZIONALE DEI PROTESTI",
        "C2.6 REGISTRO DEI PROTESTI",
    );
    std::fs::write(b.join(SHEET), sheet).unwrap();
    assert!(b.run(&["importa"]).status.success());
    let (fifth, _) = site::preview::update(&opts("anteprima"), Some(&snap)).unwrap();
    assert!(matches!(fifth, Update::Full(_)), "{fifth:?}");
}

/// A raw request with the given `Host` header; returns the status.
fn status_with_host(port: u16, host: &str) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET /index.html HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    String::from_utf8_lossy(&raw)
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn only_requests_for_this_computer_are_answered() {
    // DNS rebinding: a page of evil.example whose name now points at
    // 127.0.0.1 asks for the preview with its own name in Host.
    let b = Book::imported();
    let s = start(&b, &["--porta", "0"]);
    let port = s.port;
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(status_with_host(port, &host), 200, "{host}");
    }
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("127.0.0.1.evil.example:{port}"),
    ] {
        assert_eq!(status_with_host(port, &host), 403, "{host}");
    }
    drop(s);
    // With --host the user chose the network: any name is answered.
    let s = start(&b, &["--porta", "0", "--indirizzo", "127.0.0.1"]);
    assert_eq!(status_with_host(s.port, "anteprima.intranet:1"), 200);
}

#[test]
fn clients_that_never_finish_their_headers_are_dropped() {
    let b = Book::imported();
    let s = start(&b, &["--porta", "0"]);
    let started = Instant::now();
    let slow: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
            c.write_all(b"GET /index.html HTTP/1.1\r\nHost: local")
                .unwrap();
            c
        })
        .collect();
    // The server still answers others.
    let (status, _, _) = get(s.port, "/index.html");
    assert_eq!(status, 200);
    // And closes the slow ones after its header timeout.
    for mut c in slow {
        c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut buf = [0u8; 256];
        let n = c.read(&mut buf).unwrap_or(0);
        let answer = String::from_utf8_lossy(&buf[..n]).into_owned();
        assert!(n == 0 || answer.starts_with("HTTP/1.1 408"), "{answer}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "{:?}",
        started.elapsed()
    );
}

/// Stopped while the search index of a save is still being written (on
/// its own thread), the preview still leaves nothing behind.
#[test]
fn the_preview_folder_is_removed_even_while_the_search_index_settles() {
    let b = Book::imported();
    let page = b.join("content/C/C2/C2.6/C2.6.1/C2.6.1.1.md");
    let text = std::fs::read_to_string(&page).unwrap();
    for round in 0..3 {
        let mut s = start(&b, &["--porta", "0"]);
        let folder = std::path::PathBuf::from(&s.folder)
            .parent()
            .unwrap()
            .to_path_buf();
        // The watch starts right after the address is printed.
        std::thread::sleep(Duration::from_millis(500));
        std::fs::write(&page, format!("{text}\nNota {round}.\n")).unwrap();
        assert!(
            s.wait_for("Aggiornate 1 pagine", Duration::from_secs(20)),
            "{}",
            s.output
        );
        // SAFETY: sends a signal to the server this test started.
        unsafe { libc::kill(s.child.id() as i32, libc::SIGTERM) };
        assert!(
            s.wait_for("Anteprima fermata", Duration::from_secs(10)),
            "{}",
            s.output
        );
        let _ = s.child.wait();
        assert!(!folder.exists(), "{} left behind", folder.display());
    }
}

#[test]
fn the_preview_folder_is_new_private_and_removed_on_sigterm_and_sighup() {
    use std::os::unix::fs::PermissionsExt;
    let b = Book::imported();
    for signal in [libc::SIGTERM, libc::SIGHUP, libc::SIGINT] {
        let mut s = start(&b, &["--porta", "0"]);
        // The site is served from a folder inside the preview folder.
        let site = std::path::PathBuf::from(&s.folder);
        let folder = site.parent().unwrap().to_path_buf();
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("manuale-anteprima-"), "{name}");
        assert_ne!(
            name,
            format!("manuale-anteprima-{}", s.child.id()),
            "a predictable name"
        );
        for dir in [&folder, &site] {
            let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", dir.display());
        }
        assert!(site.join("index.html").is_file());
        // SAFETY: sends a signal to the server this test started.
        unsafe { libc::kill(s.child.id() as i32, signal) };
        assert!(
            s.wait_for("Anteprima fermata", Duration::from_secs(10)),
            "{}",
            s.output
        );
        let _ = s.child.wait();
        assert!(
            !folder.exists(),
            "signal {signal}: {} left behind",
            folder.display()
        );
    }
}

#[test]
fn live_reload_follows_a_content_folder_created_after_the_start() {
    let b = Book::new();
    let mut s = start(&b, &["--porta", "0"]);
    assert!(
        s.wait_for("non ci sono pagine", Duration::from_secs(10)),
        "{}",
        s.output
    );
    // The first import, run in another terminal.
    let out = b.run(&["importa"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        s.wait_for("Ricostruito tutto", Duration::from_secs(30)),
        "{}",
        s.output
    );
    let (status, _, _) = get(s.port, "/processi/C2.6.1.1.html");
    assert_eq!(status, 200);
    // An edit inside the new content/ is seen.
    let page = b.join("content/C/C2/C2.6/C2.6.1/C2.6.1.1.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\nNota scritta dopo il via.\n")).unwrap();
    assert!(
        s.wait_for("Aggiornate", Duration::from_secs(30)),
        "{}",
        s.output
    );
    let (_, _, body) = get(s.port, "/processi/C2.6.1.1.html");
    assert!(body.contains("Nota scritta dopo il via."), "{body}");
    // content/ replaced whole (a restore from a backup) is still followed.
    let copy = b.join("content-copia");
    std::fs::rename(b.join("content"), &copy).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::rename(&copy, b.join("content")).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let text = std::fs::read_to_string(&page).unwrap();
    s.output.clear();
    std::fs::write(&page, format!("{text}\nSeconda nota.\n")).unwrap();
    assert!(
        s.wait_for("Seconda", Duration::from_secs(0))
            || s.wait_for("Aggiornate", Duration::from_secs(30)),
        "{}",
        s.output
    );
    let (_, _, body) = get(s.port, "/processi/C2.6.1.1.html");
    assert!(
        body.contains("Seconda nota."),
        "the edit after the swap was not seen"
    );
}

#[test]
fn an_edition_recorded_during_the_preview_appears_in_it() {
    let b = Book::imported();
    let mut s = start(&b, &["--porta", "0"]);
    let (status, _, _) = get(s.port, "/edizioni/index.html");
    assert_eq!(status, 404);
    s.output.clear();
    // The first edition, recorded in another terminal: editions/ is new.
    b.freeze_first_edition();
    assert!(
        s.wait_for("Ricostruito tutto", Duration::from_secs(30)),
        "{}",
        s.output
    );
    let (status, _, body) = get(s.port, "/edizioni/index.html");
    assert_eq!(status, 200);
    assert!(body.contains("Delibera di Giunta n. 12 del 28/01/2026"));
    let (_, _, home) = get(s.port, "/index.html");
    assert!(
        home.contains("Edizione adottata il 28 gennaio 2026"),
        "{home}"
    );
}

#[test]
fn a_sheet_too_big_to_read_does_not_stop_the_preview() {
    let b = Book::imported();
    let mut s = start(&b, &["--porta", "0"]);
    let header = b
        .read(SHEET)
        .lines()
        .find(|l| l.starts_with("CODIFICA"))
        .unwrap()
        .to_string();
    std::fs::write(
        b.join(SHEET),
        format!("{header}\n{}", "a\n".repeat(50 << 20)),
    )
    .unwrap();
    assert!(
        s.wait_for("troppo grande", Duration::from_secs(60)),
        "{}",
        s.output
    );
    let (status, _, _) = get(s.port, "/index.html");
    assert_eq!(status, 200, "the last good site is still served");
}
