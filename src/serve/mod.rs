//! `manuale anteprima`: builds the book, serves it over HTTP on loopback, watches
//! the book's sources and rebuilds on every save, telling open pages to
//! reload through Server-Sent Events on the same port.
//!
//! The preview is built in a temporary folder outside the book, so the
//! watcher never sees its own output and `build` output never carries the
//! reload script. A failed rebuild keeps the last good site online and shows
//! the error over the open pages until the next good save. The parts:
//! [`http`] serves, [`watch`] sorts file events, [`rebuild`] builds,
//! [`folder`] keeps the preview folder, and [`state`] is what they share.

mod error;
mod folder;
mod http;
mod rebuild;
mod state;
mod watch;

pub use error::ServeError;
pub use http::LIVE_JS;

use crate::reading::Input;
use crate::source::Workbooks;
use axum::routing::get;
use axum::Router;
use rebuild::{rebuild, Settler};
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
    /// `--host` was given: any name in the `Host` header is answered.
    pub host_given: bool,
    pub open: bool,
    /// How a sheet that is a workbook is read when it changes.
    pub workbooks: Workbooks,
}

/// Runs the preview server until Ctrl-C, SIGTERM or SIGHUP.
pub fn run(opts: Options) -> Result<(), ServeError> {
    raise_file_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ServeError::Other(e.to_string()))?;
    runtime.block_on(serve(opts))
}

async fn serve(opts: Options) -> Result<(), ServeError> {
    // A new folder with a random name, created exclusively and private to
    // this user: nobody can plant pages in it before or after. Removed when
    // the server stops; what killed servers left, by this one.
    let temp = std::env::temp_dir();
    let folder = folder::PreviewFolder::create(&temp)
        .map_err(|e| ServeError::Other(format!("cartella temporanea dell'anteprima: {e}")))?;
    let site_dir = folder.site().to_path_buf();
    std::thread::spawn(move || {
        for stale in folder::clear_stale(&temp) {
            println!(
                "Tolta la cartella lasciata da un'anteprima interrotta: {}",
                stale.display()
            );
        }
    });
    let (signals, _) = broadcast::channel(16);
    let shared = Arc::new(Mutex::new(Shared {
        site: site_dir.clone(),
        version: 0,
        error: None,
    }));
    let (stop_tx, stopping) = tokio::sync::watch::channel(false);
    // Listening for Ctrl-C, SIGTERM and SIGHUP from the start, so a stop
    // during the first build still removes the folder.
    let stop_signals = Signals::new();
    tokio::spawn(async move {
        stop_signals.wait().await;
        let _ = stop_tx.send(true);
    });
    let state = AppState {
        shared: shared.clone(),
        signals: signals.clone(),
        stopping,
        streams: Arc::default(),
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
    let mut preview = None;
    let settler = Settler::start(&opts.book, &site_dir, state.clone());
    rebuild(
        &opts.book,
        &site_dir,
        &input,
        &state,
        false,
        None,
        &mut preview,
        &settler,
    );
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
             Senza --indirizzo resta su 127.0.0.1, visibile solo da questo computer.",
            opts.host
        );
    }
    println!("Anteprima su {url}");
    println!("Cartella dell'anteprima: {}", site_dir.display());
    println!("Le pagine aperte si aggiornano da sole a ogni salvataggio. Ctrl-C per fermare.");
    if opts.open {
        open_browser(&url);
    }

    watch::watch(
        &opts.book,
        site_dir.clone(),
        input,
        state.clone(),
        preview,
        settler,
    )?;

    let mut stopping = state.stopping.clone();
    // Without --host only loopback names are answered: a page of another
    // site whose name is made to point at 127.0.0.1 (DNS rebinding)
    // cannot read the preview.
    let hosts = http::Hosts {
        any: opts.host_given,
    };
    let app = Router::new()
        .route(&format!("/{LIVE_JS}"), get(http::live_js))
        .route(http::EVENTS, get(http::events))
        .fallback(http::file)
        .layer(axum::middleware::from_fn_with_state(
            hosts,
            http::check_host,
        ))
        .with_state(state);
    tokio::select! {
        () = http::accept(listener, app, stopping.clone()) => {}
        // A client that keeps a connection open does not hold the server.
        () = async {
            let _ = stopping.wait_for(|s| *s).await;
            tokio::time::sleep(Duration::from_secs(2)).await;
        } => {}
    }
    drop(folder);
    println!("\nAnteprima fermata.");
    Ok(())
}

/// Lets the server hold as many connections as the system allows this user
/// (the soft limit up to the hard one): the pages, their scripts, and the
/// event streams of every open tab.
fn raise_file_limit() {
    #[cfg(unix)]
    {
        let mut l = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit read or write only `l`.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut l) == 0 && l.rlim_cur < l.rlim_max {
                l.rlim_cur = l.rlim_max;
                let _ = libc::setrlimit(libc::RLIMIT_NOFILE, &raw const l);
            }
        }
    }
}

/// Ctrl-C, SIGTERM or SIGHUP (a service manager stopping the server, the
/// terminal closing), listened for from the moment this is made.
struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    hup: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Signals {
                term: signal(SignalKind::terminate()).ok(),
                hup: signal(SignalKind::hangup()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn wait(self) {
        #[cfg(unix)]
        {
            let recv = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                () = recv(self.term) => {}
                () = recv(self.hup) => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
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
