//! Why `content/` could not be read or written.

use crate::code::Code;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error("{path}: impossibile leggere: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: scrittura non riuscita: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: pagina non valida: {message}")]
    Malformed {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error(
        "{path}: il codice {code} è già usato da {other}: ogni codice deve avere una sola pagina"
    )]
    Duplicate {
        path: PathBuf,
        code: Code,
        other: PathBuf,
    },
    #[error("{path}: le pagine sono in uso da {holder}: riprova quando ha finito.")]
    Busy { path: PathBuf, holder: String },
    #[error("{source}\ncontent/ non è stato modificato.")]
    Unchanged { source: Box<ContentError> },
    #[error(
        "{path}: l'aggiornamento delle pagine si è interrotto a metà: {source}\n\
         Le pagine già scritte restano; la prossima esecuzione di manuale (import, build o serve) \
         completa l'aggiornamento."
    )]
    Interrupted {
        path: PathBuf,
        source: Box<ContentError>,
    },
}
