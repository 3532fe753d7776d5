//! Step lists squeezed into one cell (`1. … 2. …`, `1) …`, `a) … b) …`,
//! `- … - …`, and groups headed by a label kept as written, `a): 1) … b):
//! …` or `lettera a): 1. … lettera b): 1. …`) found and turned into nested
//! lists.
//!
//! The detector only splits the text: every character of the cell survives in
//! the intro, the markers or the item texts, so nothing a chamber wrote is
//! lost or rewritten. Markers must count up from the first one (`1`, `2`, …
//! or `a`, `b`, …); that is what keeps legal references such as
//! `art. 14, comma 5`, `n. 254` or `(ex art. 44)` from being read as items.
//! Rendering to Markdown and HTML lives here too, so that the page a chamber
//! reads in `content/` and the published page show the same structure:
//! `model` (the list), `markers` (finding the markers), `render` (Markdown
//! and HTML); this file reads a cell into a list with them.

mod markers;
mod model;
mod render;

pub use model::{Item, Kind, List, Steps};

use markers::{colon_after, find_counted, find_dashes, find_labelled};

/// Where the list detector may look for dash lists without a leading dash
/// (`Ricezione - verifica - adozione`): only in the column of the steps,
/// where a hyphen between spaces separates steps and not parts of a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Steps,
    Other,
}

const MAX_DEPTH: usize = 3;

/// Splits a cell into an introduction and a (possibly nested) list.
pub fn parse(text: &str, field: Field) -> Steps {
    parse_at(text.trim(), field, 0)
}

fn parse_at(text: &str, field: Field, depth: usize) -> Steps {
    let plain = Steps {
        intro: text.to_string(),
        list: None,
    };
    if depth >= MAX_DEPTH {
        return plain;
    }
    let candidates = [
        find_counted(text, Kind::Number),
        find_counted(text, Kind::Letter),
        find_dashes(text, field == Field::Steps && depth == 0),
        find_labelled(text),
    ];
    // Lines of their own (Alt+Enter between steps) are items, unless the
    // lines are already numbered or lettered.
    if text.contains('\n') && candidates[0].is_none() && candidates[1].is_none() {
        if let Some(list) = lines(text, field, depth) {
            return Steps {
                intro: String::new(),
                list: Some(list),
            };
        }
    }
    // The list whose first marker comes first is the outer one: in
    // `a) Budget: 1. … 2. … b) Obiettivi: 1. …` the letters hold the numbers.
    let Some((mut kind, mut marks)) = candidates
        .into_iter()
        .flatten()
        .min_by_key(|(_, marks)| marks[0].start)
    else {
        return plain;
    };
    // `a): 1) … b): …`: the colon closes the label, not the item's text.
    if matches!(kind, Kind::Number | Kind::Letter) && colon_after(text, marks[0].end).is_some() {
        kind = Kind::Labels;
        for m in &mut marks {
            if let Some(end) = colon_after(text, m.end) {
                m.end = end;
            }
        }
    }
    let intro = text[..marks[0].start].trim().to_string();
    let mut items = Vec::with_capacity(marks.len());
    for (i, m) in marks.iter().enumerate() {
        let end = marks.get(i + 1).map_or(text.len(), |n| n.start);
        let body = text[m.end..end].trim();
        items.push(Item {
            marker: text[m.start..m.end].trim().to_string(),
            value: m.value,
            body: parse_at(body, field, depth + 1),
        });
    }
    Steps {
        intro,
        list: Some(List { kind, items }),
    }
}

/// One item per non-empty line; a leading bullet (`-`, `•`, `*`, `–`) is
/// the item's marker.
fn lines(text: &str, field: Field, depth: usize) -> Option<List> {
    let items: Vec<Item> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, l)| {
            let bullet = l
                .chars()
                .next()
                .filter(|c| matches!(c, '-' | '•' | '*' | '–' | '·'));
            let (marker, body) = match bullet {
                Some(b) => (b.to_string(), l[b.len_utf8()..].trim()),
                None => (String::new(), l),
            };
            Item {
                marker,
                value: i as u32 + 1,
                body: parse_at(body, field, depth + 1),
            }
        })
        .collect();
    (items.len() >= 2).then_some(List {
        kind: Kind::Lines,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::escape_markdown;

    fn items(s: &Steps) -> Vec<String> {
        s.list
            .as_ref()
            .map(|l| l.items.iter().map(|i| i.body.intro.clone()).collect())
            .unwrap_or_default()
    }

    fn assert_lossless(text: &str, s: &Steps) {
        let want: Vec<&str> = text.split_whitespace().collect();
        let got = s.words();
        assert_eq!(got.join(""), want.join(""), "characters lost or changed");
    }

    #[test]
    fn numbered_steps_from_line_9() {
        let text = "1. Predisposizione del Piano secondo le linee guida Unioncamere e Funzione Pubblica 2. Approvazione con deliberazione di Giunta 3. pubblicazione sul sito entro il 31 gennaio";
        let s = parse(text, Field::Steps);
        assert_eq!(
            items(&s),
            [
                "Predisposizione del Piano secondo le linee guida Unioncamere e Funzione Pubblica",
                "Approvazione con deliberazione di Giunta",
                "pubblicazione sul sito entro il 31 gennaio"
            ]
        );
        assert_lossless(text, &s);
    }

    #[test]
    fn legal_references_are_not_markers() {
        for text in [
            "Prescrizione normativa (ex art. 14, comma 5 della legge 580/1993 e art. 6 D.P.R. 254/2005). L'aggiornamento avviene su richiesta",
            "Avvio d'ufficio (D.P.R. n. 254 e D.lgs 25 novembre 2016 n. 219)",
            "Reintegro cassa minute spese (ex art. 44)",
            "Regolamento generale della Borsa Merci (D.M. del 12/5/1954)",
            "Gestione sanzioni amministrative ex L. 689/81",
            "D.lgs. 33/2013, art. 1. Pubblicazione",
        ] {
            let s = parse(text, Field::Steps);
            assert!(s.list.is_none(), "{text} → {s:?}");
            assert_eq!(s.intro, text);
        }
    }

    #[test]
    fn letters_hold_numbers_line_10() {
        let text = "a) Budget: 1. raccolta indicazioni di Aree/settori coerente con bilancio e collocazione sui conti 2. Approvazione ripartizione complessiva fra Segretario Generale e dirigenti b) Obiettivi: 1. raccolta proposte Aree/ settori 2. confezionamento prime bozze 3. esame Segretario Generale 3. esame Presidente 4. Approvazione testo definitivo con deliberazione Giunta";
        let s = parse(text, Field::Steps);
        let list = s.list.as_ref().unwrap();
        assert_eq!(list.kind, Kind::Letter);
        assert_eq!(list.items.len(), 2);
        let b = &list.items[1].body;
        assert_eq!(b.intro, "Obiettivi:");
        let inner = b.list.as_ref().unwrap();
        assert_eq!(inner.kind, Kind::Number);
        let values: Vec<u32> = inner.items.iter().map(|i| i.value).collect();
        assert_eq!(values, [1, 2, 3, 3, 4]);
        assert_lossless(text, &s);
        let html = s.to_html();
        assert!(
            html.contains("<li value=\"3\">esame Presidente</li>"),
            "{html}"
        );
    }

    #[test]
    fn numbers_hold_letters_line_199() {
        let text = "1. Nel caso di richieste: a) ricevimento della domanda di chiarimento. b) Valutazione di quanto richiesto. 2. Relativamente agli eventi informativi";
        let s = parse(text, Field::Steps);
        let list = s.list.as_ref().unwrap();
        assert_eq!(list.kind, Kind::Number);
        assert_eq!(list.items[0].body.list.as_ref().unwrap().kind, Kind::Letter);
        assert_lossless(text, &s);
    }

    #[test]
    fn dashes_and_glued_markers() {
        let text = "- Studio normativa di riferimento - Analisi dati - Confronto con Segretario Generale/dirigenti -Elaborazione Piano";
        let s = parse(text, Field::Steps);
        assert_eq!(
            items(&s),
            [
                "Studio normativa di riferimento",
                "Analisi dati",
                "Confronto con Segretario Generale/dirigenti",
                "Elaborazione Piano"
            ]
        );
        assert_lossless(text, &s);

        let text = "1.valutazione bisogni;2.sviluppo progetti in collaborazione con altri soggetti";
        assert_eq!(
            items(&parse(text, Field::Steps)),
            [
                "valutazione bisogni;",
                "sviluppo progetti in collaborazione con altri soggetti"
            ]
        );

        let text = "1- Analisi dei fabbisogni interni 2- Analisi delle soluzioni di mercato 3- Individuazione della soluzione";
        assert_eq!(items(&parse(text, Field::Steps)).len(), 3);

        let text = "1) visure/certificati estrazione del documento/consegna/pagamento diritti 2)parametri: istruttoria secondo delibera di Giunta";
        assert_eq!(items(&parse(text, Field::Steps)).len(), 2);

        let text = "a)BUDGET: Avvio d'ufficio b) OBIETTIVI: avvio d'ufficio";
        assert_eq!(
            items(&parse(text, Field::Other)),
            ["BUDGET: Avvio d'ufficio", "OBIETTIVI: avvio d'ufficio"]
        );
    }

    #[test]
    fn hyphenated_words_are_not_dash_lists() {
        let text =
            "Richiesta- contatto per appuntamento da parte dell'ufficio - colloquio individuale";
        assert!(parse(text, Field::Steps).list.is_none());
        let text = "Informazione orientativa di gruppo e supporto alla transizione scuola-lavoro e università-lavoro";
        assert!(parse(text, Field::Steps).list.is_none());
        let text = "Ricezione istanza - verifica possesso requisiti di legge - predisposizione provvedimento";
        assert_eq!(items(&parse(text, Field::Steps)).len(), 3);
        assert!(parse(text, Field::Other).list.is_none());
    }

    #[test]
    fn html_and_markdown_are_escaped() {
        let s = parse("1. <script>alert(1)</script> 2. a & b", Field::Steps);
        let html = s.to_html();
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        let md = parse("Iscrizione (*) Diritti di saggio", Field::Other).to_markdown();
        assert_eq!(md, "Iscrizione (\\*) Diritti di saggio");
        assert_eq!(escape_markdown("1. non una lista"), "1\\. non una lista");
        assert_eq!(escape_markdown("# no"), "\\# no");
    }

    #[test]
    fn markdown_keeps_structure() {
        let s = parse(
            "a) Budget: 1. raccolta 2. approvazione b) Obiettivi",
            Field::Steps,
        );
        let md = s.to_markdown();
        assert_eq!(
            md,
            "- a) Budget:\n\n     1. raccolta\n     2. approvazione\n- b) Obiettivi"
        );
    }

    #[test]
    fn line_breaks_in_a_cell_are_items() {
        let text = "Ricezione istanza\nVerifica requisiti (art. 5)\n\n- Adozione provvedimento";
        let s = parse(text, Field::Steps);
        assert_eq!(s.list.as_ref().unwrap().kind, Kind::Lines);
        assert_eq!(
            items(&s),
            [
                "Ricezione istanza",
                "Verifica requisiti (art. 5)",
                "Adozione provvedimento"
            ]
        );
        assert_lossless(text, &s);
        assert_eq!(s.to_html(), "<ul><li>Ricezione istanza</li><li>Verifica requisiti (art. 5)</li><li>Adozione provvedimento</li></ul>");
        // Numbered lines stay a numbered list.
        let s = parse("1. uno\n2. due", Field::Steps);
        assert_eq!(s.list.unwrap().kind, Kind::Number);
    }

    /// The labels of a list of groups, and each group's item texts.
    fn groups(s: &Steps) -> Vec<(String, String, Vec<String>)> {
        let list = s.list.as_ref().expect("a list");
        assert_eq!(list.kind, Kind::Labels, "{s:?}");
        list.items
            .iter()
            .map(|i| (i.marker.clone(), i.body.intro.clone(), items(&i.body)))
            .collect()
    }

    #[test]
    fn a_label_with_a_colon_heads_its_group_line_188() {
        let text = "a): 1) ricezione della richiesta (telefono, mail), 2) esame, 3) erogazione dell'assistenza; b): pubblicità dei servizi del cassetto digitale agli utenti presso lo sportello (con distribuzione di materiale, promozione tramite il sito internet";
        let s = parse(text, Field::Steps);
        assert_eq!(s.intro, "");
        let g = groups(&s);
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].0.as_str(), g[0].1.as_str()), ("a):", ""));
        assert_eq!(
            g[0].2,
            [
                "ricezione della richiesta (telefono, mail),",
                "esame,",
                "erogazione dell'assistenza;"
            ]
        );
        assert_eq!(g[1].0, "b):");
        assert!(g[1].1.starts_with("pubblicità dei servizi"), "{:?}", g[1]);
        assert_lossless(text, &s);
        let html = s.to_html();
        assert!(
            html.starts_with("<ul class=\"gruppi\"><li><p>a):</p><ol><li>ricezione della richiesta (telefono, mail),</li>"),
            "{html}"
        );
        assert!(html.contains("<li>b): pubblicità dei servizi"), "{html}");
        assert!(!html.contains("<p>:</p>"), "{html}");
    }

    #[test]
    fn a_word_before_the_marker_stays_with_its_label_line_228() {
        let text = "lettera a): 1. sorveglianza sedute 2. rilevazione eventuali violazioni (su segnalazione del Comitato o d'ufficio) 3. adozione provvedimento finale da parte della Deputazione lettera b): 1. ricezione prezzi accertati dal Comitato 2. compilazione e pubblicazione listino settimanale";
        let s = parse(text, Field::Steps);
        assert_eq!(s.intro, "");
        let g = groups(&s);
        assert_eq!(
            g,
            [
                (
                    "lettera a):".to_string(),
                    String::new(),
                    vec![
                        "sorveglianza sedute".to_string(),
                        "rilevazione eventuali violazioni (su segnalazione del Comitato o d'ufficio)".to_string(),
                        "adozione provvedimento finale da parte della Deputazione".to_string(),
                    ]
                ),
                (
                    "lettera b):".to_string(),
                    String::new(),
                    vec![
                        "ricezione prezzi accertati dal Comitato".to_string(),
                        "compilazione e pubblicazione listino settimanale".to_string(),
                    ]
                ),
            ]
        );
        assert_lossless(text, &s);
        assert_eq!(
            s.to_markdown(),
            "- lettera a):\n\n  1. sorveglianza sedute\n  2. rilevazione eventuali violazioni (su segnalazione del Comitato o d'ufficio)\n  3. adozione provvedimento finale da parte della Deputazione\n- lettera b):\n\n  1. ricezione prezzi accertati dal Comitato\n  2. compilazione e pubblicazione listino settimanale"
        );
    }

    #[test]
    fn labelled_groups_of_other_words_and_counts() {
        // A numbered label holding letters.
        let text = "punto 1): a) verifica della domanda b) richiesta di integrazioni punto 2): a) istruttoria b) adozione del provvedimento";
        let s = parse(text, Field::Steps);
        let g = groups(&s);
        assert_eq!(g[0].0, "punto 1):");
        assert_eq!(
            g[0].2,
            ["verifica della domanda", "richiesta di integrazioni"]
        );
        assert_eq!(g[1].0, "punto 2):");
        assert_eq!(g[1].2, ["istruttoria", "adozione del provvedimento"]);
        assert_lossless(text, &s);
        // A letter after the word and a colon alone.
        let text = "Fase A: 1. raccolta delle proposte 2. verifica di coerenza Fase B: 1. approvazione della Giunta 2. pubblicazione sul sito";
        let s = parse(text, Field::Steps);
        let g = groups(&s);
        assert_eq!(g[0].0, "Fase A:");
        assert_eq!(g[0].2, ["raccolta delle proposte", "verifica di coerenza"]);
        assert_eq!(g[1].0, "Fase B:");
        assert_eq!(
            g[1].2,
            ["approvazione della Giunta", "pubblicazione sul sito"]
        );
        assert_lossless(text, &s);
        // A label with words of its own keeps them as its group's heading.
        let text =
            "lettera a) Budget: 1. raccolta 2. approvazione lettera b) Obiettivi: 1. proposte";
        let g = groups(&parse(text, Field::Steps));
        assert_eq!(
            (g[0].0.as_str(), g[0].1.as_str()),
            ("lettera a)", "Budget:")
        );
        assert_eq!(
            (g[1].0.as_str(), g[1].1.as_str()),
            ("lettera b)", "Obiettivi: 1. proposte")
        );
        let html = parse(text, Field::Steps).to_html();
        assert!(
            html.contains("<li><p>lettera a) Budget:</p><ol><li>raccolta</li>"),
            "{html}"
        );
        // A label alone, or not counting from `a`, is prose.
        for text in [
            "Verifica dei requisiti di cui al punto 1) del regolamento",
            "Come previsto alla lettera b) e alla lettera c) dell'art. 2",
            "Fase B: approvazione",
        ] {
            let s = parse(text, Field::Steps);
            assert!(s.list.is_none(), "{text} → {s:?}");
        }
        // `a) Budget: …` keeps its letters: the colon is the heading's.
        let s = parse(
            "a) Budget: 1. raccolta 2. approvazione b) Obiettivi",
            Field::Steps,
        );
        assert_eq!(s.list.unwrap().kind, Kind::Letter);
    }

    #[test]
    fn unicode_does_not_break_scanning() {
        let text = "è 1. à 2. ù – 3. ò";
        let s = parse(text, Field::Steps);
        assert_lossless(text, &s);
        assert_eq!(items(&s), ["à", "ù –", "ò"]);
    }
}
