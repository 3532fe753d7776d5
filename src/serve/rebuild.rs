//! One rebuild of the preview: an import first when the sheet changed, then
//! what the change needs (a few pages, the theme, or everything), and a
//! signal to the open pages: the new version, or the error.

use super::http::LIVE_JS;
use super::state::{AppState, Signal};
use crate::reading::Input;
use crate::site;
use crate::text::terminal_safe;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The files an import wrote, with what it wrote in them: an event about
/// one of them is the import's own, unless the file changed since.
pub(super) type Written = Vec<(PathBuf, Option<Vec<u8>>)>;

/// Builds (after an import when the sheet changed) what the change needs,
/// and tells the pages.
pub(super) fn rebuild(
    book: &Path,
    site_dir: &Path,
    input: &Input,
    state: &AppState,
    sheet_changed: bool,
    snapshot: &mut Option<site::Snapshot>,
) -> Written {
    let started = Instant::now();
    let mut own = Vec::new();
    let opts = site::Options {
        book: book.to_path_buf(),
        output: Some(site_dir.to_path_buf()),
        live_reload: Some(LIVE_JS.to_string()),
    };
    let result = (|| -> Result<site::Update, String> {
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
        let (update, snap) = site::update(&opts, snapshot.as_ref()).map_err(|e| e.to_string())?;
        *snapshot = Some(snap);
        if let site::Update::Full(report) = &update {
            for w in &report.warnings {
                eprintln!("avviso: {}", terminal_safe(w));
            }
        }
        Ok(update)
    })();
    let settle = matches!(result, Ok(site::Update::Pages { settle: true, .. }));
    let signal = {
        let Ok(mut shared) = state.shared.lock() else {
            return own;
        };
        match result {
            Ok(update) => {
                let ms = started.elapsed().as_millis();
                let changed = match &update {
                    site::Update::Full(r) => {
                        if shared.version > 0 || shared.error.is_some() {
                            println!("Ricostruito tutto: {} pagine in {ms} ms.", r.pages);
                        }
                        true
                    }
                    site::Update::Pages { written: 0, .. } => false,
                    site::Update::Pages { written: n, .. } => {
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
                eprintln!("errore: {}\nL'anteprima mostra l'ultima versione riuscita; si aggiorna da sola al prossimo salvataggio corretto.", terminal_safe(&message));
                shared.error = Some(message.clone());
                Signal::Failed(message)
            }
        }
    };
    let _ = state.signals.send(signal);
    // The changed pages are shown; now what holds every page's text (the
    // search index, the page of the whole manual), which on a national map
    // takes seconds. A search in the meantime finds the text as it was.
    if settle {
        let started = Instant::now();
        match site::settle(&opts) {
            Ok(()) => println!(
                "Aggiornati l'indice di ricerca e la pagina di stampa in {} ms.",
                started.elapsed().as_millis()
            ),
            Err(e) => eprintln!(
                "errore: indice di ricerca e pagina di stampa non aggiornati: {}",
                terminal_safe(&e.to_string())
            ),
        }
    }
    own
}
