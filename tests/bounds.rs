//! Inputs whose size once cost time or memory beyond all proportion, each
//! an attack that worked: a sheet of many rows (quadratic time in the
//! rows), a workbook whose repeated rows or columns expand a thousandfold.
//! Each answers in seconds, with the real content or a clear error naming
//! the file, and leaves `content/` as it was.

mod common;

use common::*;
use std::time::{Duration, Instant};

/// The six column headings of the bundled sheet.
const HEADER: &str = "CODIFICA UNIONCAMERE\tNOME PROCESSO - ATTIVITA'\tElementi in ingresso che innescano il processo -input\tRisultato atteso del processo -output\tSequenza di attività che consente di raggiungere l'output-le \"attività\"\tResponsabile output (ruolo)";

/// Runs `manuale ARGS` in `b`, killed after `limit`: a run that hangs
/// fails the test instead of holding it.
fn run_within(b: &Book, args: &[&str], limit: Duration) -> (std::process::Output, Duration) {
    use std::io::Read as _;
    let started = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_manuale"))
        .args(args)
        .current_dir(b.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run manuale");
    // Read both pipes aside, or a full pipe would stop the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("manuale {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    (
        std::process::Output {
            status,
            stdout: out.join().unwrap(),
            stderr: err.join().unwrap(),
        },
        elapsed,
    )
}

/// A hang guard for a debug build on a loaded machine; the speed itself is
/// measured on a release build (README).
const GUARD: Duration = Duration::from_secs(60);

/// `rows` lines under the header, as a file `name` in the book.
fn sheet_of(b: &Book, name: &str, rows: impl Iterator<Item = String>) {
    let mut text = String::from(HEADER);
    text.push('\n');
    for r in rows {
        text.push_str(&r);
        text.push('\n');
    }
    std::fs::write(b.join(name), text).unwrap();
}

#[test]
fn eighty_thousand_rows_of_one_heading_are_checked_in_seconds() {
    let b = Book::new();
    sheet_of(
        &b,
        "ripetuta.tsv",
        (0..80_000).map(|_| "A1.1.1 x\tn".to_string()),
    );
    let (out, took) = run_within(&b, &["check", "ripetuta.tsv"], GUARD);
    let text = stdout(&out);
    assert!(
        text.contains("ripetuta.tsv (UTF-8, tabulazioni): 80000 righe"),
        "{took:?} {}",
        &text[text.len().saturating_sub(600)..]
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Every repeated heading is reported, each naming the first row.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("M005 avviso 79999 intestazione ripetuta"),
        "{}",
        &flat[flat.len().saturating_sub(400)..]
    );
    assert!(text.contains(
        "ripetuta.tsv:80001:1: avviso[M005]: intestazione di A1.1.1 ripetuta (già alla riga 2)"
    ));
}

#[test]
fn forty_thousand_rows_out_of_order_are_checked_in_seconds() {
    // Each row of A1.1.1 came after B1.1.1's: reporting which code it
    // followed once looked back over every A1.1.1 before it.
    let b = Book::new();
    sheet_of(
        &b,
        "ordine.tsv",
        (0..40_000)
            .map(|_| "B1.1.1 x\tn\ti\to\ts\tr".to_string())
            .chain((0..40_001).map(|_| "A1.1.1 x\tn\ti\to\ts\tr".to_string())),
    );
    let (out, took) = run_within(&b, &["check", "ordine.tsv"], GUARD);
    let text = stdout(&out);
    assert!(out.status.success(), "{took:?} {}", stderr(&out));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("80001 righe") && flat.contains("M006 avviso 40000 riga fuori ordine"),
        "{}",
        &flat[flat.len().saturating_sub(400)..]
    );
    assert!(
        text.contains("ordine.tsv:40001:1: avviso[M006]: riga fuori ordine: B1.1.1"),
        "{}",
        &text[..600.min(text.len())]
    );
}

#[test]
fn importing_eighty_thousand_rows_of_one_heading_takes_seconds() {
    let b = Book::new();
    sheet_of(
        &b,
        "ripetuta.tsv",
        (0..80_000).map(|_| "A1.1.1 x\tn".to_string()),
    );
    let (out, took) = run_within(&b, &["import", "ripetuta.tsv"], GUARD);
    assert!(out.status.success(), "{took:?} {}", stderr(&out));
    let page = b.read("content/A/A1/A1.1/A1.1.1.md");
    assert!(page.contains("A1.1.1"), "{page}");
}
