//! Property tests: no input makes the reader, the code parser, the tree
//! builder or the list detector panic, and none of them loses text. Run
//! longer with `PROPTEST_CASES=100000 cargo test --release --test it properties::`.

use manuale::code::{self, Code};
use manuale::content::{Front, Page};
use manuale::mapping::{self, Record};
use manuale::source;
use manuale::steps::{self, Field};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// 2,000 cases per property unless `PROPTEST_CASES` says otherwise.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

fn functions() -> BTreeMap<String, String> {
    manuale::config::default_functions()
}

/// Text that looks like the cells of a real sheet: codes, list markers,
/// legal references, quotes, tabs and line breaks, accents, other scripts.
fn cellish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "A1.",
        "A.2.1.3.1.",
        "C1.1.7b",
        "F.1.1.1.1.Gestione",
        "/A2.1.3.2 ",
        "1. ",
        "2) ",
        "3- ",
        "a) ",
        "b)",
        "- ",
        " - ",
        "art. 14, comma 5",
        "n. 254",
        "D.lgs. 33/2013",
        "\"",
        "\"\"",
        "\t",
        "\n",
        "\r\n",
        "\r",
        ";",
        ",",
        "à",
        "È",
        "€",
        "िव",
        "\u{FFFD}",
        "\u{0}",
        "Ã©",
        "PO Settore",
        "<script>",
        "&",
        "*",
        "#",
        "|",
        " ",
        "x",
        "1",
        "9999999",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

/// Text that tries to break a page: its fences and markers, TOML's string
/// delimiters, line ends, control characters, and any character at all.
fn pageish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "+++",
        "\n+++\n",
        "+++\n",
        "\n+++",
        " +++ ",
        "<!-- manuale: inizio",
        "<!-- manuale: fine della parte scritta (impronta 0000000000000000) -->",
        "\"\"\"",
        "'''",
        "\"",
        "'",
        "\\",
        "\\u0041",
        "\r",
        "\r\n",
        "\n",
        "\t",
        "\u{0}",
        "\u{1b}[31m",
        "\u{7}",
        "\u{7f}",
        "\u{85}",
        "\u{2028}",
        "\u{feff}",
        "\u{202e}",
        "#",
        "[[row]]",
        "[extra]",
        "code = \"A1\"",
        "=",
        "- ",
        "1. ",
        "```",
        "x",
        " ",
    ]);
    let text = prop::collection::vec(pieces, 0..16).prop_map(|v| v.concat());
    prop_oneof![text, any::<String>(), cellish()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Whatever a cell holds, the page import writes reads back to the same
    /// data, and the page after it is not damaged.
    #[test]
    fn any_cell_text_round_trips_through_a_page(cells in prop::collection::vec(pageish(), 8), line in 1usize..100_000) {
        let record = Record {
            line,
            code_cell: cells[0].clone(),
            name: cells[1].clone(),
            input: cells[2].clone(),
            output: cells[3].clone(),
            steps: cells[4].clone(),
            responsible: cells[5].clone(),
            extra: [(cells[6].clone(), cells[7].clone())].into_iter().collect(),
        };
        let page = Page {
            path: "A/A1/A1.1.md".into(),
            front: Front {
                code: Some("A1.1".parse().unwrap()),
                title: cells[1].clone(),
                updated: Some("2026-01-31".into()),
                rows: vec![record],
                ..Front::default()
            },
            // As import writes it: escaped, without blank lines around.
            generated: Some(
                format!("# A1.1 {}", manuale::text::escape_markdown(&cells[1]))
                    .trim_matches('\n')
                    .to_string(),
            ),
            generated_edited: false,
            author: "Testo dell'autore.".into(),
            author_line: 0,
        };
        let text = page.render();
        let back = Page::parse(Path::new("A1.1.md"), &text);
        prop_assert!(back.is_ok(), "{}\n{}", back.unwrap_err(), text);
        let back = back.unwrap();
        prop_assert_eq!(&back.front, &page.front);
        prop_assert_eq!(&back.generated, &page.generated);
        prop_assert!(!back.generated_edited);
        prop_assert_eq!(&back.author, &page.author);
        prop_assert_eq!(back.render(), text);
    }

    #[test]
    fn the_reader_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048), prefix in 0usize..5) {
        let prefixes: [&[u8]; 5] = [b"", b"\xEF\xBB\xBF", b"\xFF\xFE", b"PK\x03\x04", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"];
        let mut data = prefixes[prefix].to_vec();
        data.extend(bytes);
        if let Ok(sheet) = source::parse(Path::new("x.tsv"), &data) {
            let _ = mapping::build(&sheet, &functions());
        }
    }

    #[test]
    fn every_row_lands_on_exactly_one_node(rows in prop::collection::vec(prop::collection::vec(cellish(), 0..7), 0..40)) {
        // Written the way Excel writes TSV: six cells a row, quoted when a
        // cell holds a tab, a line break or a quote.
        let mut w = csv::WriterBuilder::new().delimiter(b'\t').from_writer(Vec::new());
        w.write_record(["CODIFICA UNIONCAMERE", "NOME PROCESSO - ATTIVITA'", "input", "output", "Sequenza di attività", "Responsabile output (ruolo)"]).unwrap();
        for r in &rows {
            let mut r = r.clone();
            r.resize(6, String::new());
            w.write_record(&r).unwrap();
        }
        let bytes = w.into_inner().unwrap();
        let Ok(sheet) = source::parse(Path::new("x.tsv"), &bytes) else { return Ok(()) };
        let map = match mapping::build(&sheet, &functions()) {
            Ok(map) => map,
            // Only a sheet without a data row may be refused.
            Err(e) => {
                prop_assert!(matches!(e, mapping::MappingError::NoRows { .. }), "{}", e);
                prop_assert!(sheet.rows.iter().skip(1).all(|r| r.is_blank()));
                return Ok(());
            }
        };
        let header = map.columns.header_line;
        let wanted: Vec<usize> = sheet.rows.iter().filter(|r| r.line > header && !r.is_blank()).map(|r| r.line).collect();
        let mut placed: Vec<usize> = map.nodes.values().flat_map(|n| n.records.iter().map(|r| r.line)).collect();
        placed.sort_unstable();
        prop_assert_eq!(placed, wanted);
        // Every node's ancestors exist.
        for code in map.nodes.keys() {
            for a in code.ancestors() {
                prop_assert!(map.nodes.contains_key(&a), "{} lacks {}", code, a);
            }
        }
    }

    #[test]
    fn codes_parse_and_print_back(text in cellish()) {
        let cell = code::parse_cell(&text);
        if let Some(c) = &cell.code {
            let again: Code = c.to_string().parse().expect("a printed code parses");
            prop_assert_eq!(&again, c);
            prop_assert_eq!(again.level(), c.level());
        }
        if cell.code.is_none() {
            prop_assert_eq!(cell.title, text.trim());
        }
    }

    #[test]
    fn step_lists_keep_every_character(text in cellish(), steps_field in any::<bool>()) {
        let field = if steps_field { Field::Steps } else { Field::Other };
        let s = steps::parse(&text, field);
        let want: String = text.split_whitespace().collect();
        let got: String = s.words().concat();
        prop_assert_eq!(got, want);
        let html = s.to_html();
        prop_assert!(!html.contains("<script>"));
        let _ = s.to_markdown();
    }
}
