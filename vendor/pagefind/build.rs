//! manuale: Pagefind's JavaScript minified once, when the crate is built,
//! instead of at every build of a site (3 % of the instructions of the
//! bundled map's build). The same sources and the same minifier as
//! `write_common` used at run time, so the same bytes.

use std::{env, fs, path::Path};

fn main() {
    let dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let version = env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let read = |name: &str| {
        let path = Path::new(&dir)
            .join("vendor")
            .join(format!("{name}.{version}.js"));
        println!("cargo:rerun-if-changed={}", path.display());
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let js_version = format!("const pagefind_version = \"{version}\";");
    let web = read("pagefind_web");
    let search = read("pagefind_public_search_api");
    let worker = read("pagefind_worker");
    for (file, text) in [
        ("pagefind.js", format!("{js_version}\n{web}\n{search}")),
        ("pagefind-worker.js", format!("{js_version}\n{web}\n{worker}")),
    ] {
        let mut bytes = Vec::new();
        minifier::js::minify(&text)
            .expect("Minifying Pagefind JS failed")
            .write(&mut bytes)
            .expect("Writing minified Pagefind JS failed");
        fs::write(Path::new(&out).join(file), bytes).expect("writing into OUT_DIR");
    }
}
