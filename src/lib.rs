//! `manuale` publishes a Chamber of Commerce's process map as a static site.
//!
//! Data flows one way: [`source`] reads a sheet into rows, [`mapping`] turns
//! rows into a process tree with diagnostics, [`reading`] does both for a
//! book and collects the [`diagnostic`]s that [`check`] prints, [`content`]
//! writes and reads the Markdown pages authors enrich ([`import`] merges a
//! new sheet into them), and [`site`] renders pages to HTML, search and open
//! data; [`serve`] rebuilds it on every save. [`config`] reads `book.toml`;
//! [`code`], [`steps`] and [`text`] are the helpers underneath. No module
//! uses one that uses it back (`tests/it/architecture.rs` checks).

#![warn(unreachable_pub)]

mod book_edit;
pub mod check;
pub mod code;
pub mod config;
pub mod content;
mod date;
pub mod diagnostic;
pub mod dictionary;
pub mod editions;
mod files;
pub mod import;
pub mod init;
pub mod mapping;
mod parallel;
pub mod reading;
pub mod serve;
pub mod site;
pub mod source;
pub mod steps;
pub mod text;
mod timings;
mod toml_messages;
mod view;
