//! The search index is built by a patched Pagefind (`vendor/pagefind`)
//! that parses and indexes the documents in slices, so that a national
//! map's parsed pages are never all in memory. What a citizen searches must
//! not change for that: the streamed index has to be, byte for byte, the one
//! Pagefind's own API builds from the same documents, also when the
//! documents bring what Pagefind worked out over all pages before indexing
//! (meta fields first met in a later slice, sort keys, filters, a URL given
//! twice, accented variants of words); and the documents the build gives as
//! parts must index as the HTML they stand for.

use pagefind::api::{PagefindIndex, SimpleDocument};
use pagefind::options::PagefindServiceConfig;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

/// More documents than one slice (2,048) holds, so that the slices meet.
const DOCS: usize = 2_300;

fn documents() -> Vec<(String, String)> {
    let mut docs = Vec::new();
    for i in 0..DOCS {
        let mut meta = format!(
            "<span data-pagefind-meta=\"codice\">C{i}</span>\
             <span data-pagefind-meta=\"titolo\">Processo numero {i} perché è così</span>"
        );
        // Fields first met in the second slice, sorting before and after
        // those already indexed: the fields' numbers change.
        if i >= 2_100 {
            meta.push_str(&format!(
                "<span data-pagefind-meta=\"area\">Àrea {}</span>\
                 <span data-pagefind-meta=\"zona\">zona {}</span>",
                i % 7,
                i % 3
            ));
        }
        let body = format!(
            "<h1>Processo {i} della camera</h1>\
             <p>Attività di verifica {} e controllo della qualità, pubblicità {}.</p>\
             <p data-pagefind-sort=\"ordine\">{}</p>\
             <span data-pagefind-filter=\"funzione\">{}</span>",
            i % 13,
            i % 5,
            (i * 7919) % 1000,
            ["Anagrafe", "Promozione", "Servizi"][i % 3]
        );
        docs.push((
            format!("/processi/p{i}.html"),
            format!(
                "<!DOCTYPE html><html lang=\"it\"><head><title>P{i}</title></head>\
                 <body><main>{body}</main><div data-pagefind-ignore>{meta}</div></body></html>"
            ),
        ));
    }
    // A URL given again: the later document replaces the earlier one.
    let again = docs[5].0.clone();
    docs.push((
        again,
        "<!DOCTYPE html><html lang=\"it\"><body><main><h1>Sostituito</h1>\
         <p>Testo rifatto</p></main></body></html>"
            .into(),
    ));
    docs
}

fn options() -> PagefindServiceConfig {
    PagefindServiceConfig::builder()
        .force_language("it".to_string())
        .build()
}

/// Pagefind's own index of `docs` (HTML), through `add_html_file` one by
/// one, and the files a streamed index of the same pages hands to its
/// sink, by name.
fn own_and_streamed<F>(docs: Vec<(String, String)>, stream: F) -> (Files, Files)
where
    F: AsyncFnOnce(&mut PagefindIndex, &Sink<'_>) -> usize,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mut index = PagefindIndex::new(Some(options())).expect("an index");
        for (url, html) in docs {
            index
                .add_html_file(None, Some(url), html)
                .await
                .expect("a document indexed");
        }
        let own: Files = index
            .get_files()
            .await
            .expect("Pagefind's files")
            .into_iter()
            .map(|f| (f.filename.to_string_lossy().into_owned(), f.contents))
            .collect();
        let files = Mutex::new(BTreeMap::new());
        let sink = |name: &std::path::Path, bytes: &[u8]| {
            files
                .lock()
                .expect("not poisoned")
                .insert(name.to_string_lossy().into_owned(), bytes.to_vec());
            Ok(())
        };
        let mut index = PagefindIndex::new(Some(options())).expect("an index");
        let indexed = stream(&mut index, &sink).await;
        assert_eq!(indexed, DOCS, "one page per URL");
        (own, files.into_inner().expect("not poisoned"))
    })
}

type Files = BTreeMap<String, Vec<u8>>;
type Sink<'a> = dyn Fn(&std::path::Path, &[u8]) -> std::io::Result<()> + Sync + 'a;

/// The same files, byte for byte.
fn assert_same_files(own: &Files, streamed: &Files, how: &str) {
    assert!(
        own.keys().any(|k| k.ends_with(".pf_meta")) && own.len() > DOCS,
        "Pagefind wrote an index with a fragment per page: {:?}",
        own.keys().take(5).collect::<Vec<_>>()
    );
    let names = |m: &Files| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(streamed), names(own), "the same files");
    for (name, bytes) in own {
        assert!(
            streamed[name] == *bytes,
            "{name} differs between Pagefind's own index and {how}"
        );
    }
}

#[test]
fn the_streamed_search_index_is_pagefinds_own_byte_for_byte() {
    let (own, streamed) = own_and_streamed(documents(), async |index, sink| {
        index
            .write_html_files_with(documents(), sink, &AtomicBool::new(false))
            .await
            .expect("the streamed files")
    });
    assert_same_files(&own, &streamed, "the streamed one");
}

/// The build gives Pagefind its documents as parts ([`SimpleDocument`])
/// instead of HTML to parse: the index must be the one Pagefind's own API
/// builds from the HTML those parts stand for.
fn simple_documents() -> Vec<(String, SimpleDocument)> {
    let mut docs = Vec::new();
    for i in 0..DOCS {
        let mut meta = vec![
            ("codice".to_string(), format!("C{i}")),
            (
                "titolo".to_string(),
                format!("Processo numero {i} perch&eacute; &#39;&#232;&#39;"),
            ),
            (
                "percorso".to_string(),
                if i % 4 == 0 {
                    String::new()
                } else {
                    format!("A › A{}", i % 4)
                },
            ),
        ];
        // Fields first met in the second slice; a title of its own.
        if i >= 2_100 {
            meta.push(("area".into(), format!("Àrea {}", i % 7)));
            meta.push(("title".into(), format!("Titolo proprio {i}")));
        }
        let mut filters = vec![(
            "funzione".to_string(),
            ["Anagrafe", "Promozione", "Servizi &amp; altro"][i % 3].to_string(),
        )];
        if i % 2 == 0 {
            filters.push(("responsabile".into(), "Dirigente".into()));
            filters.push(("responsabile".into(), "Responsabile P.O".into()));
        }
        docs.push((
            format!("/processi/p{i}.html"),
            SimpleDocument {
                lang: "it".into(),
                title: format!("C{i} Processo {i}"),
                blocks: vec![
                    ((i % 2) as u8, format!("C{i} Processo {i} della camera")),
                    (2, format!("Attività {}", i % 11)),
                    (
                        0,
                        format!(
                            "Verifica {} e controllo della qualità,\r\npubblicità {}",
                            i % 13,
                            i % 5
                        ),
                    ),
                    (0, "Input: domanda &lt;telematica&gt;".into()),
                    (0, String::new()),
                ],
                meta,
                filters,
            },
        ));
    }
    // A URL given again: the later document replaces the earlier one.
    let mut again = docs[5].clone();
    again.1.blocks = vec![(1, "Sostituito".into()), (0, "Testo rifatto".into())];
    docs.push(again);
    docs
}

#[test]
fn documents_given_as_parts_index_as_their_html() {
    let html = simple_documents()
        .into_iter()
        .map(|(url, document)| (url, document.to_html()))
        .collect();
    let (own, streamed) = own_and_streamed(html, async |index, sink| {
        index
            .write_documents_with(simple_documents(), sink, &AtomicBool::new(false))
            .await
            .expect("the streamed files")
    });
    assert_same_files(&own, &streamed, "the one of the documents' parts");
}

/// A build whose pages failed tells the index to stop, so that its error is
/// not held back until a national map's index is done: told to stop, the
/// streamed index ends with an error and writes no file.
#[test]
fn a_stopped_search_index_ends_with_an_error_and_writes_nothing() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let written = Mutex::new(Vec::new());
    let sink = |name: &std::path::Path, _: &[u8]| {
        written
            .lock()
            .expect("not poisoned")
            .push(name.to_path_buf());
        Ok(())
    };
    let result = runtime.block_on(async {
        let mut index = PagefindIndex::new(Some(options())).expect("an index");
        index
            .write_html_files_with(documents(), &sink, &AtomicBool::new(true))
            .await
    });
    let error = result.expect_err("a stopped index is an error");
    assert!(error.to_string().contains("stopped"), "{error}");
    assert!(written.into_inner().expect("not poisoned").is_empty());
}

/// Upstream Pagefind's `normalize_content`, as published: entities
/// decoded, then three regular expressions. The patched one does it in
/// one pass over the text; it must give what this gives.
fn normalize_upstream(content: &str) -> String {
    let newlines = regex::Regex::new("(\n|\r\n)+").unwrap();
    let trim = regex::Regex::new("^[\n\r\\s]+|[\n\r\\s]+$").unwrap();
    let spaces = regex::Regex::new("\\s{2,}").unwrap();
    let content = html_escape::decode_html_entities(content);
    let content = trim.replace_all(&content, "");
    let content = newlines.replace_all(&content, " ");
    let content = spaces.replace_all(&content, " ");
    content.to_string()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]
    #[test]
    fn texts_are_normalized_as_upstream_does(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "Attività", " ", "  ", "\t", "\n", "\r\n", "\r", "\u{a0}", "\u{3000}",
                "\u{2003}", "\u{200b}", "\u{85}", "&amp;", "&", "&lt;b&gt;", "&#39;", "&nbsp;",
                "&#10;", "&#13;", "&#x20;", "é", ".", "x",
            ]),
            0..16,
        )
    ) {
        let text: String = pieces.concat();
        proptest::prop_assert_eq!(
            pagefind::testing::normalize_content(&text),
            normalize_upstream(&text),
            "{:?}", text
        );
    }
}
