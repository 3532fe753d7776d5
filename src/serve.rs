//! `manuale serve`: builds the book, serves it over HTTP on loopback, watches
//! the book's sources and rebuilds on every save, telling open pages to
//! reload through Server-Sent Events on the same port.
//!
//! The preview is built in a temporary folder outside the book, so the
//! watcher never sees its own output and `build` output never carries the
//! reload script. A failed rebuild keeps the last good site online and shows
//! the error over the open pages until the next good save. Only files inside
//! the preview folder are served: `..` in any spelling, absolute paths and
//! symbolic links that lead out are refused.

use crate::config::Config;
use crate::site;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// Where the reload script is served, relative to the site root.
pub const LIVE_JS: &str = "__manuale/live.js";
const EVENTS: &str = "/__manuale/eventi";
const DEFAULT_PORT: u16 = 3000;
/// How long to wait after a change for the editor to finish saving.
const DEBOUNCE: Duration = Duration::from_millis(80);

#[derive(Debug, Clone)]
pub struct Options {
    pub book: PathBuf,
    /// A port asked for; `None` tries 3000 and the next ones.
    pub port: Option<u16>,
    pub host: IpAddr,
    pub open: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("la porta {port} di {host} è già in uso: chiudi il programma che la usa o scegli un'altra porta con --port")]
    PortTaken { host: IpAddr, port: u16 },
    #[error("nessuna porta libera tra {from} e {to} su {host}: indicane una con --port")]
    NoPort { host: IpAddr, from: u16, to: u16 },
    #[error("impossibile aprire il server su {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("impossibile osservare i file del manuale: {0}")]
    Watch(String),
    #[error("{0}")]
    Other(String),
}

/// What open pages are told.
#[derive(Clone, Debug)]
enum Signal {
    /// A new build is online: its number.
    Built(u64),
    /// The last rebuild failed: the message.
    Failed(String),
}

struct Shared {
    site: PathBuf,
    /// Number of the build online, and the error of the last attempt.
    version: u64,
    error: Option<String>,
}

#[derive(Clone)]
struct AppState {
    shared: Arc<Mutex<Shared>>,
    signals: broadcast::Sender<Signal>,
    /// Becomes true on Ctrl-C: open event streams end, so the server stops.
    stopping: tokio::sync::watch::Receiver<bool>,
}

/// Runs the preview server until Ctrl-C.
pub fn run(opts: Options) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ServeError::Other(e.to_string()))?;
    runtime.block_on(serve(opts))
}

async fn serve(opts: Options) -> Result<(), ServeError> {
    let site_dir = std::env::temp_dir().join(format!("manuale-anteprima-{}", std::process::id()));
    let _cleanup = RemoveOnDrop(site_dir.clone());
    let (signals, _) = broadcast::channel(16);
    let shared = Arc::new(Mutex::new(Shared {
        site: site_dir.clone(),
        version: 0,
        error: None,
    }));
    let (stop_tx, stopping) = tokio::sync::watch::channel(false);
    let state = AppState {
        shared: shared.clone(),
        signals: signals.clone(),
        stopping,
    };

    let listener = bind(opts.host, opts.port).await?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServeError::Other(e.to_string()))?;
    let url = format!("http://{}/", show_addr(addr));

    // The first build, before the first page is asked for.
    let started = Instant::now();
    let mut snapshot = None;
    rebuild(&opts.book, &site_dir, &state, false, &mut snapshot);
    let ok = shared.lock().map(|s| s.error.is_none()).unwrap_or(false);
    if ok {
        println!(
            "Anteprima costruita in {} ms.",
            started.elapsed().as_millis()
        );
    }
    if !opts.host.is_loopback() {
        eprintln!(
            "avviso: l'anteprima ascolta su {}: è visibile da altri computer della rete. \
             Senza --host resta su 127.0.0.1, visibile solo da questo computer.",
            opts.host
        );
    }
    println!("Anteprima su {url}");
    println!("Cartella dell'anteprima: {}", site_dir.display());
    println!("Le pagine aperte si aggiornano da sole a ogni salvataggio. Ctrl-C per fermare.");
    if opts.open {
        open_browser(&url);
    }

    let _watcher = watch(opts.book.clone(), site_dir.clone(), state.clone(), snapshot)?;

    let state_stopping = state.stopping.clone();
    let app = Router::new()
        .route(&format!("/{LIVE_JS}"), get(live_js))
        .route(EVENTS, get(events))
        .fallback(file)
        .with_state(state);
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = stop_tx.send(true);
    });
    let mut stopping = state_stopping;
    tokio::select! {
        r = server => r.map_err(|e| ServeError::Other(e.to_string()))?,
        // A client that keeps a connection open does not hold the server.
        () = async {
            let _ = stopping.wait_for(|s| *s).await;
            tokio::time::sleep(Duration::from_secs(2)).await;
        } => {}
    }
    println!("\nAnteprima fermata.");
    Ok(())
}

/// Removes the preview folder when the server stops.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        // Only the folder this server created: its name carries our pid.
        if self.0.join(site::MARKER).is_file() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn show_addr(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
    }
}

async fn bind(host: IpAddr, port: Option<u16>) -> Result<tokio::net::TcpListener, ServeError> {
    let try_bind =
        |p: u16| async move { tokio::net::TcpListener::bind(SocketAddr::new(host, p)).await };
    match port {
        Some(p) => try_bind(p).await.map_err(|source| {
            if source.kind() == std::io::ErrorKind::AddrInUse {
                ServeError::PortTaken { host, port: p }
            } else {
                ServeError::Bind {
                    addr: SocketAddr::new(host, p),
                    source,
                }
            }
        }),
        None => {
            let to = DEFAULT_PORT + 20;
            for p in DEFAULT_PORT..=to {
                match try_bind(p).await {
                    Ok(l) => return Ok(l),
                    Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
                    Err(source) => {
                        return Err(ServeError::Bind {
                            addr: SocketAddr::new(host, p),
                            source,
                        })
                    }
                }
            }
            Err(ServeError::NoPort {
                host,
                from: DEFAULT_PORT,
                to,
            })
        }
    }
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_err()
    {
        eprintln!("avviso: non riesco ad aprire il browser: apri {url}");
    }
}

/// Builds (after an import when the sheet changed) what the change needs,
/// and tells the pages. Returns the files an import wrote, with what it
/// wrote in them.
fn rebuild(
    book: &Path,
    site_dir: &Path,
    state: &AppState,
    sheet_changed: bool,
    snapshot: &mut Option<site::Snapshot>,
) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let started = Instant::now();
    let mut own = Vec::new();
    let result = (|| -> Result<site::Update, String> {
        if sheet_changed {
            let report = crate::import::run(book, None, None).map_err(|e| e.to_string())?;
            own = report
                .touched
                .iter()
                .map(|p| (p.clone(), std::fs::read(p).ok()))
                .collect();
            eprint!("{}", crate::check::summary(&report.sheet));
            println!(
                "Importato il foglio: {} pagine scritte, {} invariate.",
                report.written, report.unchanged
            );
        }
        let opts = site::Options {
            book: book.to_path_buf(),
            output: Some(site_dir.to_path_buf()),
            live_reload: Some(LIVE_JS.to_string()),
        };
        let (update, snap) = site::update(&opts, snapshot.as_ref()).map_err(|e| e.to_string())?;
        *snapshot = Some(snap);
        if let site::Update::Full(report) = &update {
            for w in &report.warnings {
                eprintln!("avviso: {w}");
            }
        }
        Ok(update)
    })();
    let signal = {
        let Ok(mut shared) = state.shared.lock() else {
            return own;
        };
        match result {
            Ok(update) => {
                let ms = started.elapsed().as_millis();
                let changed = match &update {
                    site::Update::Full(r) => {
                        if shared.version > 0 {
                            println!("Ricostruito tutto: {} pagine in {ms} ms.", r.pages);
                        }
                        true
                    }
                    site::Update::Pages(0) => false,
                    site::Update::Pages(n) => {
                        println!("Aggiornate {n} pagine in {ms} ms.");
                        true
                    }
                };
                // Nothing to show, and no error to take away: stay quiet.
                if !changed && shared.error.is_none() {
                    return own;
                }
                shared.version += 1;
                shared.error = None;
                Signal::Built(shared.version)
            }
            Err(message) => {
                eprintln!("errore: {message}\nL'anteprima mostra l'ultima versione riuscita; si aggiorna da sola al prossimo salvataggio corretto.");
                shared.error = Some(message.clone());
                Signal::Failed(message)
            }
        }
    };
    let _ = state.signals.send(signal);
    own
}

/// What a change touches.
#[derive(Default)]
struct Changes {
    any: bool,
    sheet: bool,
}

/// Watches content/, themes/, book.toml and the sheet; rebuilds on changes.
fn watch(
    book: PathBuf,
    site_dir: PathBuf,
    state: AppState,
    mut snapshot: Option<site::Snapshot>,
) -> Result<notify::RecommendedWatcher, ServeError> {
    use notify::{RecursiveMode, Watcher};
    let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher =
        notify::recommended_watcher(tx).map_err(|e| ServeError::Watch(e.to_string()))?;
    let book_abs = std::fs::canonicalize(if book.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &book
    })
    .map_err(|e| ServeError::Watch(format!("{}: {e}", book.display())))?;
    // The book folder itself, not recursively: book.toml, and content/ or
    // themes/ appearing or being replaced.
    watcher
        .watch(&book_abs, RecursiveMode::NonRecursive)
        .map_err(|e| ServeError::Watch(e.to_string()))?;
    for sub in ["content", "themes"] {
        let p = book_abs.join(sub);
        if p.is_dir() {
            watcher
                .watch(&p, RecursiveMode::Recursive)
                .map_err(|e| ServeError::Watch(format!("{}: {e}", p.display())))?;
        }
    }
    let sheet = sheet_path(&book_abs);
    if let Some(dir) = sheet.parent().filter(|d| d.is_dir() && *d != book_abs) {
        watcher
            .watch(dir, RecursiveMode::NonRecursive)
            .map_err(|e| ServeError::Watch(format!("{}: {e}", dir.display())))?;
    }
    std::thread::spawn(move || {
        // The files an import wrote, with their bytes: an event for one of
        // them is the import's own, unless the file has changed since.
        let mut own: std::collections::HashMap<PathBuf, Option<Vec<u8>>> =
            std::collections::HashMap::new();
        let classify =
            |c: &mut Changes,
             event: &notify::Event,
             own: &std::collections::HashMap<PathBuf, Option<Vec<u8>>>| {
                if matches!(event.kind, notify::EventKind::Access(_)) {
                    return;
                }
                let sheet = sheet_path(&book_abs);
                for p in &event.paths {
                    if p.starts_with(&site_dir) || crate::files::is_temporary(p) {
                        continue;
                    }
                    if *p == sheet {
                        c.sheet = true;
                        c.any = true;
                    } else if p.starts_with(book_abs.join("content")) {
                        let import_wrote = own
                            .get(p)
                            .is_some_and(|bytes| *bytes == std::fs::read(p).ok());
                        c.any |= !import_wrote;
                    } else if p.starts_with(book_abs.join("themes"))
                        || p.file_name().is_some_and(|n| n == crate::config::FILE_NAME)
                    {
                        c.any = true;
                    }
                }
            };
        while let Ok(first) = rx.recv() {
            let mut changes = Changes::default();
            if let Ok(e) = &first {
                classify(&mut changes, e, &own);
            }
            // Editors save in several steps (temporary file, rename): wait
            // for the burst to end.
            let mut deadline = Instant::now() + DEBOUNCE;
            while let Ok(next) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                if let Ok(e) = &next {
                    classify(&mut changes, e, &own);
                }
                deadline = Instant::now() + DEBOUNCE;
            }
            if !changes.any {
                continue;
            }
            let written = rebuild(&book_abs, &site_dir, &state, changes.sheet, &mut snapshot);
            own = written.into_iter().collect();
        }
    });
    Ok(watcher)
}

fn sheet_path(book: &Path) -> PathBuf {
    let config = Config::load(book).unwrap_or_default();
    let p = book.join(&config.source.file);
    std::fs::canonicalize(&p).unwrap_or(p)
}

async fn live_js() -> Response {
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

async fn events(State(state): State<AppState>) -> impl IntoResponse {
    // Subscribe first, then read the state: no build can slip in between.
    let rx = state.signals.subscribe();
    let (version, error) = state
        .shared
        .lock()
        .map(|s| (s.version, s.error.clone()))
        .unwrap_or((0, None));
    let mut first: Vec<Signal> = vec![Signal::Built(version)];
    if let Some(e) = error {
        first.push(Signal::Failed(e));
    }
    let stop = state.stopping.clone();
    let stream = futures_util::stream::unfold(
        (first, rx, stop),
        |(mut pending, mut rx, mut stop)| async move {
            let signal = if pending.is_empty() {
                loop {
                    tokio::select! {
                        r = rx.recv() => match r {
                            Ok(s) => break s,
                            Err(broadcast::error::RecvError::Lagged(_)) => continue,
                            Err(broadcast::error::RecvError::Closed) => return None,
                        },
                        _ = stop.wait_for(|s| *s) => return None,
                    }
                }
            } else {
                pending.remove(0)
            };
            let event = match signal {
                Signal::Built(v) => Event::default().event("versione").data(v.to_string()),
                Signal::Failed(m) => Event::default().event("errore").data(m),
            };
            Some((
                Ok::<_, std::convert::Infallible>(event),
                (pending, rx, stop),
            ))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Serves a file of the preview, and nothing outside it.
async fn file(State(state): State<AppState>, req: Request<Body>) -> Response {
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
    match tokio::fs::read(&real).await {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(content_type(&real)),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => not_found(&site).await,
    }
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
pub fn safe_path(url_path: &str) -> Option<PathBuf> {
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

/// The script `serve` adds to every page: reload on a new build, keeping the
/// scroll position; an overlay with the error while a build is broken.
const LIVE_SCRIPT: &str = r#"(() => {
  const src = document.currentScript.src;
  const key = 'manuale-scorrimento:' + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    const y = Number(saved);
    const restore = () => window.scrollTo(0, y);
    if (document.readyState === 'complete') restore(); else addEventListener('load', restore);
  }
  let seen = null;
  let box = null;
  const events = new EventSource(new URL('eventi', src));
  events.addEventListener('versione', (e) => {
    const v = Number(e.data);
    if (seen !== null && v !== seen) {
      sessionStorage.setItem(key, String(window.scrollY));
      location.reload();
      return;
    }
    seen = v;
    if (box) { box.remove(); box = null; }
  });
  events.addEventListener('errore', (e) => {
    if (!box) {
      box = document.createElement('div');
      box.id = 'manuale-errore';
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;inset:auto 0 0 0;z-index:99999;max-height:60vh;overflow:auto;' +
        'background:#7f1d1d;color:#fff;font:16px/1.5 system-ui,sans-serif;padding:1rem 1.25rem;' +
        'box-shadow:0 -4px 16px rgba(0,0,0,.4);white-space:pre-wrap';
      document.body.appendChild(box);
    }
    box.textContent = 'Errore nella ricostruzione dell\'anteprima (la pagina mostra l\'ultima versione riuscita):\n\n' + e.data;
  });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

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
