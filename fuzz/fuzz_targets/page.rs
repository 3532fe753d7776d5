//! Any text as a page of content/: reading it never panics, and a page that
//! reads is written back to text that reads to the same page, byte for byte
//! the second time.
#![no_main]
use libfuzzer_sys::fuzz_target;
use manuale::content::Page;
use std::path::Path;

fuzz_target!(|text: &str| {
    let Ok(page) = Page::parse(Path::new("A/A1.md"), text) else { return };
    let written = page.render();
    let again = Page::parse(Path::new("A/A1.md"), &written).expect("a written page reads back");
    assert_eq!(again.front, page.front);
    assert_eq!(again.author.trim_matches('\n'), page.author.trim_matches('\n'));
    assert_eq!(again.render(), written);
});
