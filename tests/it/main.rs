//! The integration tests, one binary with a module per subject, as cargo
//! and mdBook keep theirs: linked once instead of once per file, and run
//! together, so a slow file no longer waits for the one before it.
//! `cargo test --test it MODULE::` runs one subject (`cargo test --test it
//! crash::`, `cargo test --test it pipeline::`).

mod common;

mod adoption;
mod architecture;
mod bounds;
mod chamber;
mod check;
mod cli;
mod crash;
mod editions;
mod formats;
mod guide;
mod hostile;
mod inputs;
mod opendata;
mod pipeline;
mod properties;
mod search_index;
mod serve;
mod serve_limits;
