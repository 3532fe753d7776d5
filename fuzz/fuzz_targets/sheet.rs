//! Any bytes, read as a sheet and built into a tree: no panic, and every
//! non-blank row below the header lands on exactly one node.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    // Workbooks are read by calamine in a child process with a memory cap
    // (two of its crashes found here are in tests/fixtures); fuzz the text
    // reader and the tree builder, which run in manuale's own process.
    if data.starts_with(b"PK\x03\x04") || data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return;
    }
    let Ok(sheet) = manuale::source::parse(Path::new("fuzz.tsv"), data) else { return };
    let Ok(map) = manuale::mapping::build(&sheet, &manuale::config::default_functions()) else { return };
    let header = map.columns.header_line;
    let want = sheet.rows.iter().filter(|r| r.line > header && !r.is_blank()).count();
    let got: usize = map.nodes.values().map(|n| n.records.len()).sum();
    assert_eq!(want, got, "rows lost or duplicated");
});
