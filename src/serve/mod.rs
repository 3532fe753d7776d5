//! `manuale serve`: builds the book, serves it over HTTP on loopback, watches
//! the book's sources and rebuilds on every save, telling open pages to
//! reload through Server-Sent Events on the same port.
//!
//! The preview is built in a temporary folder outside the book, so the
//! watcher never sees its own output and `build` output never carries the
//! reload script. A failed rebuild keeps the last good site online and shows
//! the error over the open pages until the next good save. The parts:
//! [`http`] serves, [`watch`] sorts file events, [`rebuild`] builds, and
//! [`state`] is what they share.

mod error;
mod http;
mod rebuild;
mod state;
mod watch;

pub use error::ServeError;
pub use http::LIVE_JS;

use crate::reading::Input;
use crate::site;
use crate::source::Workbooks;
use axum::routing::get;
use axum::Router;
use rebuild::rebuild;
use state::{AppState, Shared};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

const DEFAULT_PORT: u16 = 3000;

#[derive(Debug, Clone)]
pub struct Options {
    pub book: PathBuf,
    /// A port asked for; `None` tries 3000 and the next ones.
    pub port: Option<u16>,
    pub host: IpAddr,
    pub open: bool,
    /// How a sheet that is a workbook is read when it changes.
    pub workbooks: Workbooks,
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
    // A new folder with a random name, created exclusively and private to
    // this user: nobody can plant pages in it before or after.
    let site_dir = tempfile::Builder::new()
        .prefix("manuale-anteprima-")
        .tempdir()
        .map_err(|e| ServeError::Other(format!("cartella temporanea dell'anteprima: {e}")))?
        .keep();
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
    let input = Input {
        workbooks: opts.workbooks.clone(),
        ..Input::default()
    };
    let mut snapshot = None;
    rebuild(&opts.book, &site_dir, &input, &state, false, &mut snapshot);
    let ok = shared.lock().is_ok_and(|s| s.error.is_none());
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

    watch::watch(&opts.book, site_dir.clone(), input, state.clone(), snapshot)?;

    let state_stopping = state.stopping.clone();
    let app = Router::new()
        .route(&format!("/{LIVE_JS}"), get(http::live_js))
        .route(http::EVENTS, get(http::events))
        .fallback(http::file)
        .with_state(state);
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        stop_signal().await;
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

/// Ctrl-C, or SIGTERM or SIGHUP (a service manager stopping the server,
/// the terminal closing).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let hup = signal(SignalKind::hangup());
        if let (Ok(mut term), Ok(mut hup)) = (term, hup) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Removes the preview folder when the server stops.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        // Only the folder this server created: a built site, or still
        // empty if no build succeeded.
        if self.0.join(site::MARKER).is_file() {
            let _ = std::fs::remove_dir_all(&self.0);
        } else {
            let _ = std::fs::remove_dir(&self.0);
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
                    Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {}
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
