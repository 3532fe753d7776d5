//! Why a build failed: one error type for the whole of `site`, each variant
//! naming the file at fault and keeping its source error.

use crate::config::ConfigError;
use crate::content::ContentError;
use std::path::{Path, PathBuf};

type Source = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Content(#[from] ContentError),
    #[error(
        "{path}: la cartella esiste e non è stata creata da manuale (manca il file {marker}): \
         la build non la sostituisce per non cancellare file altrui. Scegli un'altra cartella con \
         --output oppure svuotala.",
        marker = super::layout::MARKER
    )]
    Foreign { path: PathBuf },
    #[error("{path}: è un file, non una cartella: indica con --output una cartella per il sito.")]
    NotAFolder { path: PathBuf },
    #[error(
        "{path}: la cartella del sito non può stare dentro {content}: ogni build pubblicherebbe \
         la precedente come allegati. Scegli con --output una cartella fuori da content/."
    )]
    InsideContent { path: PathBuf, content: PathBuf },
    #[error("{path}: {message}")]
    Page { path: PathBuf, message: String },
    /// A template that does not parse or render: the message names the
    /// template and line, with Tera's causes.
    #[error("{0}")]
    Template(String),
    #[error("indice di ricerca: {0}")]
    Search(#[source] Source),
    #[error("{path}: {source}")]
    Data { path: PathBuf, source: Source },
    #[error("{path}: scrittura non riuscita: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Turns an I/O error about `path` into a [`BuildError`].
pub(super) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Turns an error writing the data file `path` into a [`BuildError`].
pub(super) fn data<E>(path: &Path) -> impl FnOnce(E) -> BuildError + '_
where
    E: Into<Source>,
{
    move |e| BuildError::Data {
        path: path.to_path_buf(),
        source: e.into(),
    }
}
