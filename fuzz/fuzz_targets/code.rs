//! Any text as a code cell and as a list of steps: no panic, codes print
//! back to themselves, lists keep every character.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let cell = manuale::code::parse_cell(text);
    if let Some(c) = cell.code {
        assert_eq!(c.to_string().parse::<manuale::code::Code>().ok(), Some(c));
    }
    let s = manuale::steps::parse(text, manuale::steps::Field::Steps);
    let want: String = text.split_whitespace().collect();
    assert_eq!(s.words().concat(), want);
    let _ = s.to_html();
});
