//! Any cell text, in every field of a row: the page import writes reads back
//! to the same data.
#![no_main]
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use manuale::content::{Front, Page};
use manuale::mapping::Record;
use std::path::Path;

#[derive(Arbitrary, Debug)]
struct Cells {
    line: u32,
    title: String,
    code_cell: String,
    name: String,
    input: String,
    output: String,
    steps: String,
    responsible: String,
    extra: Vec<(String, String)>,
    author: String,
}

fuzz_target!(|c: Cells| {
    let record = Record {
        line: c.line as usize,
        code_cell: c.code_cell,
        name: c.name,
        input: c.input,
        output: c.output,
        steps: c.steps,
        responsible: c.responsible,
        extra: c.extra.into_iter().collect(),
    };
    let generated = format!("# A1.1 {}", manuale::text::escape_markdown(&c.title))
        .trim_matches('\n')
        .to_string();
    let page = Page {
        path: "A/A1/A1.1.md".into(),
        front: Front {
            code: Some("A1.1".parse().unwrap()),
            title: c.title,
            updated: Some("2026-01-31".into()),
            rows: vec![record],
            ..Front::default()
        },
        generated: Some(generated),
        generated_edited: false,
        // Authors' text is theirs: only what a page can hold after the
        // end marker (not another marker) is tried here.
        author: if c.author.contains("<!-- manuale:") { String::new() } else { c.author },
        author_line: 0,
    };
    let text = page.render();
    let back = Page::parse(Path::new("A1.1.md"), &text).expect("a page import writes reads back");
    assert_eq!(back.front, page.front);
    assert_eq!(back.generated, page.generated);
    assert!(!back.generated_edited);
    assert_eq!(back.render(), text);
});
