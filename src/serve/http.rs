//! The preview's HTTP side: the files of the preview folder and nothing
//! outside it (`..` in any spelling, absolute paths, hidden files and
//! symbolic links that lead out are refused), the live-reload script, and
//! the stream of events that tells open pages to reload.
//!
//! No client can hold the server: headers must come within
//! [`HEADER_TIME`] (an idle kept-alive connection is closed after it too),
//! a connection that takes nothing for [`STALL_TIME`] is closed, files are
//! sent in pieces rather than read whole, and the event streams, which
//! never end, are at most [`MAX_STREAMS`](super::state::MAX_STREAMS) of the [`MAX_CONNECTIONS`].

use super::state::{AppState, Signal};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::broadcast;

/// Where the reload script is served, relative to the site root.
pub const LIVE_JS: &str = "__manuale/live.js";
/// Where open pages listen for new builds.
pub(super) const EVENTS: &str = "/__manuale/eventi";

/// The script `serve` adds to every page.
const LIVE_SCRIPT: &str = include_str!("live.js");
/// A client must send its request's headers within this time.
const HEADER_TIME: Duration = Duration::from_secs(10);
/// A connection whose client takes none of what it is sent for this long
/// has stopped reading: it is closed.
const STALL_TIME: Duration = Duration::from_secs(30);
/// Connections served at once; more wait to be accepted.
const MAX_CONNECTIONS: usize = 1024;
/// How much of a file is read at a time to be sent.
const FILE_PIECE: usize = 64 << 10;

/// Accepts connections until `stopping`: each is served by hyper with a
/// timeout on its headers (a client that never finishes them is dropped)
/// and on what it leaves unread ([`Stalling`]), at most
/// [`MAX_CONNECTIONS`] at once.
pub(super) async fn accept(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((stream, _)) => stream,
                // Out of files or the like: wait, do not spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopping.wait_for(|s| *s) => return,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let mut stop = stopping.clone();
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIME)
                .serve_connection(TokioIo::new(Stalling::new(stream)), service);
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.wait_for(|s| *s) => conn.as_mut().graceful_shutdown(),
            }
            drop(permit);
        });
    }
}

/// Which names the `Host` header may carry.
#[derive(Clone, Copy, Debug)]
pub(super) struct Hosts {
    /// Any (`--host` was given); else only loopback names.
    pub(super) any: bool,
}

/// Refuses requests whose `Host` is not this computer's, unless `--host`.
pub(super) async fn check_host(
    State(hosts): State<Hosts>,
    req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if hosts.any || is_loopback_name(host) {
        next.run(req).await
    } else {
        (
            StatusCode::FORBIDDEN,
            "indirizzo non ammesso: l'anteprima risponde solo a localhost e 127.0.0.1 \
             (con --indirizzo a qualunque nome)",
        )
            .into_response()
    }
}

/// `localhost`, `127.0.0.1`, `[::1]`, with or without a port.
fn is_loopback_name(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(n, _)| n)
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

pub(super) async fn live_js() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        LIVE_SCRIPT,
    )
        .into_response()
}

pub(super) async fn events(State(state): State<AppState>) -> impl IntoResponse {
    let (slot, closed) = state.streams.enter();
    // Subscribe first, then read the state: no build can slip in between.
    let rx = state.signals.subscribe();
    let (version, error) = state
        .shared
        .lock()
        .map_or((0, None), |s| (s.version, s.error.clone()));
    let mut first: Vec<Signal> = vec![Signal::Built(version)];
    if let Some(e) = error {
        first.push(Signal::Failed(e));
    }
    let stop = state.stopping.clone();
    let stream = futures_util::stream::unfold(
        (first, rx, stop, closed, slot),
        |(mut pending, mut rx, mut stop, mut closed, slot)| async move {
            let signal = if pending.is_empty() {
                loop {
                    tokio::select! {
                        r = rx.recv() => match r {
                            Ok(s) => break s,
                            Err(broadcast::error::RecvError::Lagged(_)) => continue,
                            Err(broadcast::error::RecvError::Closed) => return None,
                        },
                        _ = stop.wait_for(|s| *s) => return None,
                        _ = &mut closed => return None,
                    }
                }
            } else {
                pending.remove(0)
            };
            let event = match signal {
                Signal::Built(v) => Event::default().event("versione").data(v.to_string()),
                Signal::Changed {
                    version,
                    main_only,
                    reload,
                } => Event::default().event("aggiornate").data(
                    serde_json::json!({
                        "versione": version,
                        "testo": main_only,
                        "ricarica": reload,
                    })
                    .to_string(),
                ),
                Signal::Failed(m) => Event::default().event("errore").data(m),
            };
            Some((
                Ok::<_, std::convert::Infallible>(event),
                (pending, rx, stop, closed, slot),
            ))
        },
    );
    // A stream that ends takes its connection with it: a closed stream
    // frees a connection, not just a stream (the page reconnects anew).
    (
        [(header::CONNECTION, HeaderValue::from_static("close"))],
        Sse::new(stream).keep_alive(KeepAlive::default()),
    )
}

/// Serves a file of the preview, and nothing outside it.
pub(super) async fn file(State(state): State<AppState>, req: Request<Body>) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "metodo non ammesso").into_response();
    }
    let site = match state.shared.lock() {
        Ok(s) => s.site.clone(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let Some(rel) = safe_path(req.uri().path()) else {
        return (StatusCode::FORBIDDEN, "percorso non ammesso").into_response();
    };
    let mut path = site.join(&rel);
    if path.is_dir() {
        path = path.join("index.html");
    }
    // A symbolic link must not lead out of the site.
    let inside = match (
        tokio::fs::canonicalize(&path).await,
        tokio::fs::canonicalize(&site).await,
    ) {
        (Ok(p), Ok(root)) => p.starts_with(&root).then_some(p),
        _ => None,
    };
    let Some(real) = inside else {
        return not_found(&site).await;
    };
    // Opened once: what is sent, and its tag and length, are of the same
    // file even if a rebuild replaces it meanwhile.
    let Ok(opened) = tokio::fs::File::open(&real).await else {
        return not_found(&site).await;
    };
    // Asked again on every reload (`no-cache`), answered "unchanged" when
    // it is: a page reloads after a save without fetching its styles,
    // scripts and fonts again. Files are replaced, never changed in place,
    // so a new file is a new inode.
    let meta = match opened.metadata().await {
        Ok(meta) if meta.is_file() => meta,
        _ => return not_found(&site).await,
    };
    let tag = etag(&meta);
    let cache = [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            header::ETAG,
            HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"0\"")),
        ),
    ];
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    if unchanged {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&real)),
            ),
            (header::CONTENT_LENGTH, HeaderValue::from(meta.len())),
        ],
        cache,
        Body::from_stream(pieces(opened)),
    )
        .into_response()
}

/// A file's bytes, a piece at a time as the client takes them: a large
/// file (the open data of a national map is over 100 MB) is not held
/// whole in memory for each client that asks for it.
fn pieces(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = std::io::Result<axum::body::Bytes>> {
    futures_util::stream::unfold(Some(file), |file| async move {
        use tokio::io::AsyncReadExt;
        let mut file = file?;
        let mut piece = vec![0; FILE_PIECE];
        match file.read(&mut piece).await {
            Ok(0) => None,
            Ok(n) => {
                piece.truncate(n);
                Some((Ok(piece.into()), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    })
}

/// A connection that fails its writes once they have waited
/// [`STALL_TIME`] for the client to take something: one that asks and
/// never reads would hold its connection, and what is queued for it, for
/// good. A slow client that keeps reading is never cut.
pub(super) struct Stalling<T> {
    io: T,
    /// Since when a write waits, if one does.
    waiting: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<T> Stalling<T> {
    pub(super) fn new(io: T) -> Stalling<T> {
        Stalling { io, waiting: None }
    }

    /// What a write came to: its answer, or an error past the stall time.
    fn check<R>(
        &mut self,
        cx: &mut Context<'_>,
        r: Poll<std::io::Result<R>>,
    ) -> Poll<std::io::Result<R>> {
        if r.is_ready() {
            self.waiting = None;
            return r;
        }
        let waiting = self
            .waiting
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(STALL_TIME)));
        match std::future::Future::poll(waiting.as_mut(), cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "il client non legge",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Stalling<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Stalling<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write(cx, buf);
        self.check(cx, r)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        self.check(cx, r)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let r = Pin::new(&mut self.io).poll_flush(cx);
        self.check(cx, r)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let r = Pin::new(&mut self.io).poll_shutdown(cx);
        self.check(cx, r)
    }
}

/// A file's version as an entity tag: its inode, size and time of change.
fn etag(meta: &std::fs::Metadata) -> String {
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(meta);
    #[cfg(not(unix))]
    let inode = 0u64;
    format!("\"{inode:x}-{:x}-{modified:x}\"", meta.len())
}

async fn not_found(site: &Path) -> Response {
    let body = tokio::fs::read(site.join("404.html"))
        .await
        .unwrap_or_else(|_| b"<!DOCTYPE html><html lang=\"it\"><title>Pagina non trovata</title><h1>Pagina non trovata</h1></html>".to_vec());
    (
        StatusCode::NOT_FOUND,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// The URL path as a relative path inside the site, or `None` when it tries
/// to leave it (`..`, however encoded), names a hidden file, or is not text.
pub(super) fn safe_path(url_path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(url_path)
        .decode_utf8()
        .ok()?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut out = PathBuf::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.starts_with('.') => return None,
            s => out.push(s),
        }
    }
    // Only plain names: no drive letters or roots sneaking in.
    out.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(out)
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_names_are_this_computer() {
        for ok in [
            "localhost",
            "localhost:3000",
            "LOCALHOST:1",
            "127.0.0.1:3000",
            "127.0.0.2",
            "[::1]:3000",
            "[::1]",
        ] {
            assert!(is_loopback_name(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:3000",
            "127.0.0.1.evil.example",
            "localhost.evil.example:3000",
            "[::2]:3000",
            "10.0.0.1",
        ] {
            assert!(!is_loopback_name(bad), "{bad}");
        }
    }

    #[test]
    fn paths_outside_the_site_are_refused() {
        for bad in [
            "/../book.toml",
            "/%2e%2e/book.toml",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/processi/..%2f..%2fbook.toml",
            "/processi/%2e%2e%5c%2e%2e%5cbook.toml",
            "/.manuale-build",
            "/%00",
            "/%ff%fe",
        ] {
            assert_eq!(safe_path(bad), None, "{bad}");
        }
        assert_eq!(
            safe_path("/processi/C2.5.3.1.html"),
            Some(PathBuf::from("processi/C2.5.3.1.html"))
        );
        assert_eq!(safe_path("//etc/passwd"), Some(PathBuf::from("etc/passwd")));
        assert_eq!(safe_path("/"), Some(PathBuf::new()));
        assert_eq!(
            safe_path("/processi/C2%2010.html"),
            Some(PathBuf::from("processi/C2 10.html"))
        );
    }
}
