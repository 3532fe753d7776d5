//! One rebuild of the preview: an import first when the sheet changed, then
//! what the change needs (a few pages, the theme, or everything), and a
//! signal to the open pages: the new version, or the error.

use super::http::LIVE_JS;
use super::state::{AppState, Signal};
use crate::reading::Input;
use crate::site;
use crate::text::terminal_safe;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// The files an import wrote, with what it wrote in them: an event about
/// one of them is the import's own, unless the file changed since.
pub(super) type Written = Vec<(PathBuf, Option<Vec<u8>>)>;

/// Builds (after an import when the sheet changed) what the change needs,
/// and tells the pages. `saved`: the pages of `content/` saved, when
/// nothing else changed (then, when only their author text changed, only
/// they are read and written).
#[allow(clippy::too_many_arguments)]
pub(super) fn rebuild(
    book: &Path,
    site_dir: &Path,
    input: &Input,
    state: &AppState,
    sheet_changed: bool,
    saved: Option<&BTreeSet<PathBuf>>,
    preview: &mut Option<site::preview::Preview>,
    settler: &Settler,
) -> Written {
    let started = Instant::now();
    let mut own = Vec::new();
    let opts = options(book, site_dir);
    let result = (|| -> Result<site::preview::Update, String> {
        if let (Some(saved), Some(p), false) = (saved, preview.as_mut(), sheet_changed) {
            if let Some(update) =
                site::preview::update_saved(&opts, p, saved).map_err(|e| e.to_string())?
            {
                return Ok(update);
            }
        }
        // What follows may replace the whole site: not while the search
        // index of an older version is being written into it.
        let _site = settler.exclusive();
        if sheet_changed {
            let report = crate::import::run(book, input, &crate::import::Options::default())
                .map_err(|e| e.to_string())?;
            own = report
                .touched
                .iter()
                .map(|p| (p.clone(), std::fs::read(p).ok()))
                .collect();
            eprint!("{}", terminal_safe(&crate::check::summary(&report.sheet)));
            println!(
                "Importato il foglio: {} pagine scritte, {} invariate.",
                report.written, report.unchanged
            );
        }
        let (update, next) =
            site::preview::update(&opts, preview.as_ref()).map_err(|e| e.to_string())?;
        *preview = Some(next);
        if let site::preview::Update::Full(report) = &update {
            for w in &report.warnings {
                eprintln!("avviso: {}", terminal_safe(w));
            }
        }
        Ok(update)
    })();
    match (&result, preview.as_ref()) {
        (Ok(site::preview::Update::Full(_)), _) => settler.forget(),
        (Ok(site::preview::Update::Pages { settle, .. }), Some(p)) => settler.request(p, *settle),
        _ => {}
    }
    let signal = {
        let Ok(mut shared) = state.shared.lock() else {
            return own;
        };
        match result {
            Ok(update) => {
                let ms = started.elapsed().as_millis();
                let changed = match &update {
                    site::preview::Update::Full(r) => {
                        if shared.version > 0 || shared.error.is_some() {
                            println!("Ricostruito tutto: {} pagine in {ms} ms.", r.pages);
                        }
                        true
                    }
                    site::preview::Update::Pages { written: 0, .. } => false,
                    site::preview::Update::Pages { written: n, .. } => {
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
                match update {
                    site::preview::Update::Pages {
                        main_only: Some(pages),
                        ..
                    } => Signal::Changed {
                        version: shared.version,
                        main_only: pages,
                        reload: Vec::new(),
                    },
                    _ => Signal::Built(shared.version),
                }
            }
            Err(message) => {
                eprintln!("errore: {}\nL'anteprima mostra l'ultima versione riuscita; si aggiorna da sola al prossimo salvataggio corretto.", terminal_safe(&message));
                shared.error = Some(message.clone());
                Signal::Failed(message)
            }
        }
    };
    let _ = state.signals.send(signal);
    own
}

/// Lowers the calling thread's priority (its nice value on Linux, where it
/// is the thread's own and new threads inherit it).
fn lower_priority() {
    #[cfg(unix)]
    // SAFETY: setpriority only reads its arguments; `0` is the calling
    // thread on Linux, the process elsewhere.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS as _, 0, 10);
    }
}

fn options(book: &Path, site_dir: &Path) -> site::Options {
    site::Options {
        book: book.to_path_buf(),
        output: Some(site_dir.to_path_buf()),
        live_reload: Some(LIVE_JS.to_string()),
    }
}

/// Writes the search index and the page of the whole manual after the
/// changed pages are shown, on a thread of its own: a save made meanwhile
/// is shown at once, and only the newest version is settled. A search in
/// the meantime finds the text as it was.
#[derive(Clone)]
pub(super) struct Settler {
    /// The newest version waiting to be settled.
    next: Arc<(Mutex<Option<site::preview::Preview>>, Condvar)>,
    /// Held while the site is written as a whole: by the settler, or by a
    /// rebuild that may replace the site.
    site: Arc<Mutex<()>>,
}

impl Settler {
    pub(super) fn start(book: &Path, site_dir: &Path, state: AppState) -> Settler {
        let settler = Settler {
            next: Arc::new((Mutex::new(None), Condvar::new())),
            site: Arc::new(Mutex::new(())),
        };
        let opts = options(book, site_dir);
        let s = settler.clone();
        std::thread::spawn(move || {
            // Behind the saves and the browser showing them: on a national
            // map settling takes seconds of every core, and can wait. The
            // threads it starts inherit the lower priority.
            lower_priority();
            let pool = rayon::ThreadPoolBuilder::new()
                .thread_name(|i| format!("manuale-settle-{i}"))
                .build()
                .ok();
            s.run(&opts, pool.as_ref(), &state);
        });
        settler
    }

    /// Settles each version asked for, newest first, until the end.
    fn run(&self, opts: &site::Options, pool: Option<&rayon::ThreadPool>, state: &AppState) {
        loop {
            {
                let (slot, ready) = &*self.next;
                let Ok(guard) = slot.lock() else { return };
                let Ok(guard) = ready.wait_while(guard, |next| next.is_none()) else {
                    return;
                };
                drop(guard);
            }
            // The site first, then what to settle: a rebuild that replaced
            // the site meanwhile has taken away the older version.
            let Ok(_site) = self.site.lock() else { return };
            let Some(preview) = self.next.0.lock().ok().and_then(|mut n| n.take()) else {
                continue;
            };
            let started = Instant::now();
            let settled = match pool {
                Some(pool) => pool.install(|| site::preview::settle(opts, &preview)),
                None => site::preview::settle(opts, &preview),
            };
            match settled {
                Ok(()) => {
                    println!(
                        "Aggiornati l'indice di ricerca e la pagina di stampa in {} ms.",
                        started.elapsed().as_millis()
                    );
                    // The print page and the search results, if open,
                    // show the new text (unless an error is on show).
                    if let Ok(mut shared) = state.shared.lock() {
                        if shared.error.is_some() {
                            continue;
                        }
                        shared.version += 1;
                        let _ = state.signals.send(Signal::Changed {
                            version: shared.version,
                            main_only: Vec::new(),
                            reload: vec![site::PRINT_PAGE.into(), site::SEARCH_PAGE.into()],
                        });
                    }
                }
                Err(e) => eprintln!(
                    "errore: indice di ricerca e pagina di stampa non aggiornati: {}",
                    terminal_safe(&e.to_string())
                ),
            }
        }
    }

    /// After a rebuild that left `preview` on the site: when `needed`, or
    /// when an older version still waits, `preview` is what to settle (a
    /// rebuild of the theme rewrote the print page, an older version would
    /// put the old one back).
    fn request(&self, preview: &site::preview::Preview, needed: bool) {
        let (slot, ready) = &*self.next;
        if let Ok(mut next) = slot.lock() {
            if needed || next.is_some() {
                *next = Some(preview.clone());
                // The copy shares the pages, so a save while it settles
                // copies the tree: see `site::preview::update_saved`.
                ready.notify_one();
            }
        }
    }

    /// After a whole new site: nothing older is to be settled.
    fn forget(&self) {
        if let Ok(mut next) = self.next.0.lock() {
            *next = None;
        }
    }

    /// The site to this thread alone: waits for a settling in progress.
    fn exclusive(&self) -> Option<MutexGuard<'_, ()>> {
        self.site.lock().ok()
    }
}
