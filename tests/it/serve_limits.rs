//! `manuale serve` under pressure: many live-reload streams, clients that
//! stop reading, and the preview folders that a killed server leaves in
//! the temporary folder. Raw TCP, so no client hides what the server does.

use crate::common::*;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::serve::Server;

/// `manuale serve --port 0` on the book, with `tmp` as its temporary folder.
fn start(b: &Book, tmp: &Path) -> Server {
    Server::start(b.path(), &["--porta", "0"], &[("TMPDIR", tmp)])
}

/// Lets this test hold as many sockets as the system allows.
fn raise_file_limit() {
    let mut l = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read or write only `l`.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut l) == 0 && l.rlim_cur < l.rlim_max {
            l.rlim_cur = l.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &raw const l);
        }
        libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut l);
    }
    assert!(l.rlim_cur >= 2_400, "too few files allowed: {}", l.rlim_cur);
}

/// A page asked for on a new connection: the status line, or what went
/// wrong, within `timeout`.
fn page_within(port: u16, target: &str, timeout: Duration) -> Result<String, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(timeout)).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut head = [0u8; 64];
    let n = s.read(&mut head).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&head[..n]).into_owned();
    Ok(text.lines().next().unwrap_or("").to_string())
}

/// Opens a live-reload stream, as an open tab does.
fn open_stream(port: u16) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(
        b"GET /__manuale/eventi HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n",
    )
    .unwrap();
    s
}

/// Reads what the server sent so far; false when it closed the stream.
fn still_open(s: &mut TcpStream, seen: &mut Vec<u8>) -> bool {
    s.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return false,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// More open tabs than the server takes connections (1,024) once made
/// every new request wait for good: event streams never end. Now the
/// streams are capped, the oldest giving way to the newest, and pages
/// keep coming.
#[test]
fn pages_get_through_while_more_streams_are_open_than_the_server_holds() {
    raise_file_limit();
    let b = Book::imported();
    let tmp = tempfile::tempdir().unwrap();
    let s = start(&b, tmp.path());
    let mut streams: Vec<TcpStream> = (0..1_100).map(|_| open_stream(s.port)).collect();
    std::thread::sleep(Duration::from_secs(2));

    let started = Instant::now();
    let answer = page_within(s.port, "/index.html", Duration::from_secs(5));
    assert_eq!(
        answer.as_deref(),
        Ok("HTTP/1.1 200 OK"),
        "a page while 1,100 streams are open, after {:?}",
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // The oldest tabs give way: a browser reconnects them. Which of the
    // 1,100 the server took last is the kernel's and the scheduler's
    // business (a full accept queue retries some connections later), so
    // the newest is checked with a tab opened once the others settled.
    // Generous: a loaded CI machine runs 1,100 debug-build streams slowly.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen: Vec<Vec<u8>> = vec![Vec::new(); streams.len()];
    loop {
        let open = (0..streams.len())
            .filter(|&i| still_open(&mut streams[i], &mut seen[i]))
            .count();
        if open <= 100 {
            break;
        }
        assert!(Instant::now() < deadline, "{open} streams still open");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        !still_open(&mut streams[0], &mut seen[0]),
        "the oldest stream is still open"
    );

    // A tab opened now is not starved: its stream stays open and is told
    // the version online, and another gives way to it.
    streams.push(open_stream(s.port));
    seen.push(Vec::new());
    let newest = streams.len() - 1;
    loop {
        let open = still_open(&mut streams[newest], &mut seen[newest]);
        assert!(open, "the newest stream was closed");
        if String::from_utf8_lossy(&seen[newest]).contains("event: versione") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the newest stream was never told the version"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let open = (0..streams.len())
        .filter(|&i| still_open(&mut streams[i], &mut seen[i]))
        .count();
    assert!(open <= 100, "{open} streams open after the newest came");
    // A closed stream had first been told the version, like any other.
    assert!(String::from_utf8_lossy(&seen[0]).contains("event: versione"));
}

/// A client that asks for a large file and never reads it held the whole
/// file in the server's memory and its connection for good: 1,024 of them
/// stopped the server. Now files are sent in pieces, and a connection that
/// takes nothing for 30 seconds is closed.
#[test]
fn a_client_that_stops_reading_holds_neither_memory_nor_its_connection() {
    let b = Book::imported();
    let tmp = tempfile::tempdir().unwrap();
    let s = start(&b, tmp.path());
    // A large file in the preview, like the open data of a national map.
    let size = 24 << 20;
    let big: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
    std::fs::write(s.folder.join("grande.txt"), &big).unwrap();
    drop(big);
    let before = s.rss_kib();
    let mut stuck: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
            c.write_all(
                b"GET /grande.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            )
            .unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_secs(3));
    let grown = s.rss_kib().saturating_sub(before);
    assert!(
        grown < 150 << 10,
        "16 clients that do not read made the server grow by {} MiB",
        grown >> 10
    );
    // Others are served meanwhile.
    assert_eq!(
        page_within(s.port, "/index.html", Duration::from_secs(5)).as_deref(),
        Ok("HTTP/1.1 200 OK")
    );
    // After the stall time, each was closed before the end of the file.
    std::thread::sleep(Duration::from_secs(36));
    for c in &mut stuck {
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut got = Vec::new();
        let end = c.read_to_end(&mut got);
        assert!(
            end.is_ok() || got.len() < size,
            "{end:?} after {} bytes",
            got.len()
        );
        assert!(
            got.len() < size,
            "a client that stopped reading was kept: it got all {} bytes",
            got.len()
        );
    }
}

/// The folder holding the site that `serve` prints: the one made in the
/// temporary folder.
fn preview_root(s: &Server, tmp: &Path) -> PathBuf {
    let mut p = s.folder.clone();
    while p.parent() != Some(tmp) {
        p = p
            .parent()
            .unwrap_or_else(|| panic!("{} is not in {}", s.folder.display(), tmp.display()))
            .to_path_buf();
    }
    p
}

/// A `serve` killed with SIGKILL (or by a crash, or the machine's memory
/// killer) left its preview folder in the temporary folder for good. The
/// next one clears it, and only it: not a folder a user named the same
/// way, nor the folder of a server still running.
#[test]
fn the_folder_of_a_killed_preview_is_cleared_by_the_next_one() {
    let b = Book::imported();
    let tmp = tempfile::tempdir().unwrap();
    let killed = start(&b, tmp.path());
    let killed_root = preview_root(&killed, tmp.path());
    let name = killed_root
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("manuale-anteprima-"), "{name}");
    let running = start(&b, tmp.path());
    let running_root = preview_root(&running, tmp.path());
    drop(killed); // SIGKILL, then waited for
    assert!(
        killed_root.exists(),
        "the killed server left nothing to clear"
    );

    // A user's folders with the same prefix: one plain, one holding a copy
    // of the files of the killed server's folder (its lock file among them).
    let user = tmp.path().join("manuale-anteprima-mia");
    std::fs::create_dir(&user).unwrap();
    std::fs::write(user.join("appunti.txt"), "miei").unwrap();
    let mimic = tmp.path().join("manuale-anteprima-copia");
    std::fs::create_dir(&mimic).unwrap();
    let mut copied = 0;
    for entry in std::fs::read_dir(&killed_root).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), mimic.join(entry.file_name())).unwrap();
            copied += 1;
        }
    }
    assert!(copied > 0, "no file to copy in {}", killed_root.display());
    std::fs::write(mimic.join("appunti.txt"), "miei").unwrap();

    let mut next = start(&b, tmp.path());
    let deadline = Instant::now() + Duration::from_secs(60);
    while killed_root.exists() {
        assert!(
            Instant::now() < deadline,
            "{} left behind:\n{}",
            killed_root.display(),
            next.output
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        next.wait_for(&name, Duration::from_secs(5)),
        "the removal is not said:\n{}",
        next.output
    );
    assert_eq!(
        std::fs::read_to_string(user.join("appunti.txt")).unwrap(),
        "miei"
    );
    assert_eq!(
        std::fs::read_to_string(mimic.join("appunti.txt")).unwrap(),
        "miei"
    );
    assert!(running.folder.join("index.html").is_file());
    assert!(running_root.exists());
    assert_eq!(
        page_within(running.port, "/index.html", Duration::from_secs(5)).as_deref(),
        Ok("HTTP/1.1 200 OK")
    );
}
