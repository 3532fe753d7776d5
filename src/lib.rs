//! `manuale` publishes a Chamber of Commerce's process map as a static site.
//!
//! Data flows one way: [`source`] reads a sheet into rows, [`mapping`] turns
//! rows into a process tree with diagnostics, [`content`] writes and reads the
//! Markdown pages authors enrich ([`import`] merges a new sheet into them), and
//! [`site`] renders pages to HTML and open data. [`config`] reads `book.toml`.

pub mod check;
pub mod code;
pub mod config;
pub mod content;
pub mod date;
pub mod diagnostic;
pub mod files;
pub mod import;
pub mod mapping;
pub mod parallel;
pub mod reading;
pub mod serve;
pub mod site;
pub mod source;
pub mod steps;
pub mod text;
pub mod view;
