//! Crash safety, tested by killing: `import`, `build` and `edizione` are run under
//! `strace`, which delivers SIGKILL at the Nth call of a file-system
//! system call (`openat`, `write`, `rename`, `unlink`, …), for N across the
//! whole run. After every kill, what is on disk must be the old state or
//! the new one, or one the next run turns into the right one, saying so;
//! and the next run must succeed.
//!
//! The map is the first lines of the bundled sheet, changed the way next
//! year's sheet changes it (a child under every third process, so pages
//! move from `X.md` to `X/_index.md`; a process gone; a cell edited).
//! `MANUALE_CRASH_TRIALS` sets how many kills per system call (12 by
//! default), `MANUALE_CRASH_SHEET` another sheet; `benches/crash.sh` runs
//! the same on a 3,000-process map.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The system calls that change files, or read the pages.
const CALLS: &[&str] = &[
    "openat",
    "write",
    "rename",
    "renameat2",
    "unlink",
    "mkdir",
    "rmdir",
    "fsync",
];

fn trials() -> usize {
    std::env::var("MANUALE_CRASH_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12)
}

fn strace() -> &'static str {
    let ok = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "strace non trovato: questo test interrompe import e build a ogni chiamata di sistema \
         e ne ha bisogno; scripts/test lo installa (apt-get install strace)"
    );
    "strace"
}

/// The old sheet (the first lines of the bundled one, or the whole sheet
/// `MANUALE_CRASH_SHEET` names) and the new one.
fn sheets(lines: usize) -> (String, String) {
    let old: String = match std::env::var_os("MANUALE_CRASH_SHEET") {
        Some(path) => std::fs::read_to_string(path).unwrap(),
        None => std::fs::read_to_string(repo().join(SHEET))
            .unwrap()
            .lines()
            .take(lines)
            .map(|l| format!("{l}\n"))
            .collect(),
    };
    let sheet = manuale::source::parse(Path::new("old.tsv"), old.as_bytes()).unwrap();
    let map = manuale::mapping::build(&sheet, &manuale::config::default_functions()).unwrap();
    let sections = map.sections();
    let leaves: Vec<String> = map
        .nodes
        .values()
        .filter(|n| !n.synthetic && n.code.level() > 2 && !sections.contains(&n.code))
        .map(|n| n.code.to_string())
        .collect();
    assert!(leaves.len() > 12, "too small a map: {leaves:?}");
    let mut new = String::new();
    let gone = &leaves[1];
    for l in old.lines() {
        if l.starts_with(&format!("{gone} ")) {
            continue;
        }
        new.push_str(&l.replacen("Pianificazione", "Programmazione", 1));
        new.push('\n');
    }
    for code in leaves.iter().step_by(3) {
        new.push_str(&format!(
            "{code}.9 Nuova fase\tNuova fase\tistanza\tatto\t1. uno 2. due\tPO del settore\n"
        ));
    }
    (old, new)
}

/// The files a user sees under `dir`: hidden ones left out.
fn visible(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _)| {
            !p.components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        })
        .collect()
}

/// Hidden files `manuale` leaves in `dir`.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir)
        .into_keys()
        .filter(|p| p.to_string_lossy().contains(".manuale-"))
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    if to.exists() {
        std::fs::remove_dir_all(to).unwrap();
    }
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// How many times a run calls each of [`CALLS`].
fn count_calls(b: &Book, args: &[&str]) -> BTreeMap<String, usize> {
    let out_file = b.join("strace-count.txt");
    let out = Command::new(strace())
        .args(["-f", "-c", "-o"])
        .arg(&out_file)
        .arg(env!("CARGO_BIN_EXE_manuale"))
        .args(args)
        .current_dir(b.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&out_file).unwrap();
    std::fs::remove_file(&out_file).unwrap();
    let mut counts = BTreeMap::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if let Some(name) = cols.last().filter(|n| CALLS.contains(n)) {
            // % time, seconds, usecs/call, calls, [errors], syscall
            if let Some(calls) = cols.get(3).and_then(|c| c.parse().ok()) {
                counts.insert(name.to_string(), calls);
            }
        }
    }
    counts
}

/// Runs `manuale ARGS` and kills it at the `n`th call of `call`; true when
/// it was killed (false: it finished before).
fn kill_at(b: &Book, call: &str, n: usize, args: &[&str]) -> bool {
    let out = Command::new(strace())
        .args(["-f", "-o", "/dev/null", "-e"])
        .arg(format!("inject={call}:signal=KILL:when={n}"))
        .arg(env!("CARGO_BIN_EXE_manuale"))
        .args(args)
        .current_dir(b.path())
        .output()
        .unwrap();
    !out.status.success()
}

/// The kill points of a call made `count` times.
fn points(count: usize) -> Vec<usize> {
    let step = count.div_ceil(trials()).max(1);
    (1..=count).step_by(step).collect()
}

#[test]
fn an_import_killed_at_any_call_leaves_content_old_new_or_mended() {
    let b = Book::new();
    let (old, new) = sheets(70);
    std::fs::write(b.join("data/old.tsv"), old).unwrap();
    std::fs::write(b.join("data/new.tsv"), new).unwrap();
    let content = b.join("content");
    let out = b.run(&["importa", "data/old.tsv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let old_state = visible(&content);
    let pristine = b.join("pristine");
    copy_dir(&content, &pristine);
    let out = b.run(&["importa", "data/new.tsv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let new_state = visible(&content);
    assert_ne!(old_state, new_state);
    assert!(leftovers(&content).is_empty(), "{:?}", leftovers(&content));
    let moved = old_state
        .keys()
        .filter(|p| !new_state.contains_key(*p))
        .count();
    assert!(moved > 3, "the change must move pages: {moved}");

    copy_dir(&pristine, &content);
    let counts = count_calls(&b, &["importa", "data/new.tsv"]);
    assert!(counts.contains_key("rename"), "{counts:?}");
    let mut kills = 0;
    let mut mended = 0;
    for (call, &count) in &counts {
        for n in points(count) {
            copy_dir(&pristine, &content);
            if !kill_at(&b, call, n, &["importa", "data/new.tsv"]) {
                break;
            }
            kills += 1;
            let here = format!("import ucciso alla chiamata {n} di {call}");
            let journal = content.join(".manuale-journal");
            let now = visible(&content);
            if !journal.exists() {
                assert!(
                    now == old_state || now == new_state,
                    "{here}: content/ is neither the old state nor the new"
                );
            }
            // The next run mends it: a build (which recovers and reads),
            // or the import again.
            let committed = std::fs::read_to_string(&journal)
                .ok()
                .map(|j| j.contains("\"committed\":true"));
            if kills % 3 == 0 {
                let out = b.run(&["costruisci"]);
                assert!(out.status.success(), "{here}: build: {}", stderr(&out));
                let expected = match committed {
                    Some(true) => &new_state,
                    Some(false) => &old_state,
                    None => {
                        if now == new_state {
                            &new_state
                        } else {
                            &old_state
                        }
                    }
                };
                assert!(
                    visible(&content) == *expected,
                    "{here}: after the build content/ is not what the journal said"
                );
                if committed.is_some() {
                    mended += 1;
                    assert!(
                        stderr(&out).contains("un import precedente si era interrotto"),
                        "{here}: {}",
                        stderr(&out)
                    );
                }
            }
            let out = b.run(&["importa", "data/new.tsv"]);
            assert!(out.status.success(), "{here}: import: {}", stderr(&out));
            assert!(
                visible(&content) == new_state,
                "{here}: the next import did not reach the new state"
            );
            assert!(
                leftovers(&content).is_empty(),
                "{here}: {:?}",
                leftovers(&content)
            );
        }
    }
    assert!(kills >= 20, "only {kills} kills: {counts:?}");
    assert!(mended > 0, "no kill left a journal to mend");
    eprintln!("import: {kills} interruzioni, {mended} riparate da una build; chiamate: {counts:?}");
}

#[test]
fn a_build_killed_at_any_call_leaves_the_old_site_or_the_new() {
    let b = Book::new();
    let (old, _) = sheets(70);
    std::fs::write(b.join(SHEET), old).unwrap();
    let out = b.run(&["importa"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let site = b.join("book");
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let old_site = snapshot(&site);
    let saved = b.join("saved-site");
    copy_dir(&site, &saved);
    // An author writes on a page: the new site differs.
    b.add_author_note("Nota dell'ufficio.");
    let out = b.run(&["costruisci"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let new_site = snapshot(&site);
    assert_ne!(old_site, new_site);

    copy_dir(&saved, &site);
    let counts = count_calls(&b, &["costruisci"]);
    let mut kills = 0;
    for (call, &count) in &counts {
        for n in points(count) {
            copy_dir(&saved, &site);
            if !kill_at(&b, call, n, &["costruisci"]) {
                break;
            }
            kills += 1;
            let here = format!("build uccisa alla chiamata {n} di {call}");
            let now = snapshot(&site);
            assert!(
                now == old_site || now == new_site,
                "{here}: book/ is neither the old site nor the new ({} files)",
                now.len()
            );
            let out = b.run(&["costruisci"]);
            assert!(out.status.success(), "{here}: {}", stderr(&out));
            assert!(
                snapshot(&site) == new_site,
                "{here}: the next build differs"
            );
            let left: Vec<String> = std::fs::read_dir(b.path())
                .unwrap()
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".manuale-"))
                .collect();
            assert!(
                left.is_empty(),
                "{here}: left beside the site: {left:?} ({:?}); the next build said: {}",
                left.iter()
                    .map(|n| snapshot(&b.join(n)).into_keys().take(5).collect::<Vec<_>>())
                    .collect::<Vec<_>>(),
                stderr(&out)
            );
        }
    }
    assert!(kills >= 20, "only {kills} kills: {counts:?}");
    eprintln!("build: {kills} interruzioni; chiamate: {counts:?}");
}

#[test]
fn an_edizione_killed_at_any_call_leaves_no_edition_or_the_whole_one() {
    let b = Book::new();
    let (old, _) = sheets(70);
    std::fs::write(b.join(SHEET), old).unwrap();
    let out = b.run(&["importa"]);
    assert!(out.status.success(), "{}", stderr(&out));
    b.add_author_note("Nota dell'ufficio.");
    let args = [
        "edizione",
        "--data",
        "2026-01-28",
        "--atto",
        "Delibera di Giunta n. 12 del 28/01/2026",
    ];
    let editions = b.join("editions");
    let dated = editions.join("2026-01-28");
    let out = b.run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let whole = snapshot(&dated);
    assert!(
        whole.len() >= 5,
        "record, map and three data files: {:?}",
        whole.keys()
    );
    let content = visible(&b.join("content"));
    std::fs::remove_dir_all(&editions).unwrap();
    let counts = count_calls(&b, &args);
    std::fs::remove_dir_all(&editions).unwrap();
    assert!(counts.contains_key("rename"), "{counts:?}");
    let mut kills = 0;
    for (call, &count) in &counts {
        for n in points(count) {
            if editions.exists() {
                std::fs::remove_dir_all(&editions).unwrap();
            }
            if !kill_at(&b, call, n, &args) {
                break;
            }
            kills += 1;
            let here = format!("edizione uccisa alla chiamata {n} di {call}");
            let recorded = dated.exists();
            if recorded {
                assert!(snapshot(&dated) == whole, "{here}: a partial edition");
            }
            // The next run records it, or says it is there; nothing is left.
            let out = b.run(&args);
            if recorded {
                assert!(
                    stderr(&out).contains("c'è già un'edizione"),
                    "{here}: {}",
                    stderr(&out)
                );
            } else {
                assert!(out.status.success(), "{here}: {}", stderr(&out));
            }
            assert!(snapshot(&dated) == whole, "{here}: the edition differs");
            assert!(
                leftovers(&editions).is_empty(),
                "{here}: {:?}",
                leftovers(&editions)
            );
            let left: Vec<_> = std::fs::read_dir(&editions)
                .unwrap()
                .filter_map(Result::ok)
                .map(|e| e.file_name())
                .filter(|n| n != "2026-01-28")
                .collect();
            assert!(left.is_empty(), "{here}: {left:?}");
            assert!(
                visible(&b.join("content")) == content,
                "{here}: content/ changed"
            );
        }
    }
    assert!(kills >= 15, "only {kills} kills: {counts:?}");
    eprintln!("edizione: {kills} interruzioni; chiamate: {counts:?}");
}

#[test]
fn a_rename_that_fails_midway_says_what_happened_and_is_finished_next_time() {
    // Once: "content/ non è stato modificato" after thousands of pages had
    // been rewritten.
    let b = Book::new();
    let (old, new) = sheets(70);
    std::fs::write(b.join("data/old.tsv"), old).unwrap();
    std::fs::write(b.join("data/new.tsv"), new).unwrap();
    assert!(b.run(&["importa", "data/old.tsv"]).status.success());
    let out = b.run(&["importa", "data/new.tsv"]);
    assert!(out.status.success());
    let new_state = visible(&b.join("content"));
    assert!(b.run(&["importa", "data/old.tsv"]).status.success());
    // The 20th rename (past the journal's commit) fails.
    let out = Command::new(strace())
        .args([
            "-f",
            "-o",
            "/dev/null",
            "-e",
            "inject=rename:error=EACCES:when=20",
        ])
        .arg(env!("CARGO_BIN_EXE_manuale"))
        .args(["importa", "data/new.tsv"])
        .current_dir(b.path())
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("non è stato modificato"), "{err}");
    assert!(
        err.contains("si è interrotto a metà") && err.contains("completa l'aggiornamento"),
        "{err}"
    );
    let out = b.run(&["importa", "data/new.tsv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("completato"), "{}", stderr(&out));
    assert!(visible(&b.join("content")) == new_state);
}

#[test]
fn two_imports_at_once_wait_and_name_who_holds_content() {
    let b = Book::imported();
    // A new sheet, so that the first import has pages to write; it is held
    // for 14 s at its first rename, with content/ locked.
    let sheet = b.read(SHEET).replace("Pianificazione", "Programmazione");
    std::fs::write(b.join(SHEET), sheet).unwrap();
    let first = Command::new(strace())
        .args([
            "-f",
            "-o",
            "/dev/null",
            "-e",
            "inject=rename:delay_enter=14000000:when=1",
        ])
        .arg(env!("CARGO_BIN_EXE_manuale"))
        .args(["importa"])
        .current_dir(b.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The note saying who holds content/ appears once it is taken.
    let note = b.join("content/.manuale-lock");
    let started = std::time::Instant::now();
    while !note.exists() && started.elapsed().as_secs() < 10 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = b.run(&["importa"]);
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(
        err.contains("le pagine sono in uso da «manuale importa», processo"),
        "{err}"
    );
    let out = first.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(!note.exists(), "the note goes with the lock");
    assert!(b.run(&["importa"]).status.success());
}

#[test]
fn an_init_killed_at_any_call_leaves_no_book_or_the_whole_one_and_nothing_beside() {
    let b = Book::new();
    let args = ["nuovo", "nuovo", "--ente", "Camera di commercio di Alpi"];
    let target = b.join("nuovo");
    let out = b.run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let whole = snapshot(&target);
    assert!(
        whole.keys().any(|p| p.ends_with("book.toml")),
        "{:?}",
        whole.keys()
    );
    std::fs::remove_dir_all(&target).unwrap();
    let counts = count_calls(&b, &args);
    std::fs::remove_dir_all(&target).unwrap();
    let beside = |b: &Book| -> Vec<String> {
        std::fs::read_dir(b.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".manuale-"))
            .collect()
    };
    let mut kills = 0;
    for (call, &count) in &counts {
        for n in points(count) {
            if target.exists() {
                std::fs::remove_dir_all(&target).unwrap();
            }
            if !kill_at(&b, call, n, &args) {
                break;
            }
            kills += 1;
            let here = format!("init ucciso alla chiamata {n} di {call}");
            let made = target.exists();
            if made {
                assert!(snapshot(&target) == whole, "{here}: a partial book");
                continue;
            }
            // Nothing blocks the retry, which also clears what the killed
            // run left beside the folder.
            let out = b.run(&args);
            assert!(out.status.success(), "{here}: {}", stderr(&out));
            assert!(snapshot(&target) == whole, "{here}: the book differs");
            assert!(beside(&b).is_empty(), "{here}: {:?}", beside(&b));
        }
    }
    assert!(kills >= 10, "only {kills} kills: {counts:?}");
    eprintln!("init: {kills} interruzioni; chiamate: {counts:?}");
}
