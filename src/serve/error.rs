//! Why the preview server could not start.

use std::net::{IpAddr, SocketAddr};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("la porta {port} di {host} è già in uso: chiudi il programma che la usa o scegli un'altra porta con --porta")]
    PortTaken { host: IpAddr, port: u16 },
    #[error("nessuna porta libera tra {from} e {to} su {host}: indicane una con --porta")]
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
