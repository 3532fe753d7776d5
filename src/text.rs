//! Text helpers every stage shares, with no project imports: escaping for
//! HTML and Markdown, folding for comparisons, a node's label, and paths as
//! the user typed them. Not for parsing: codes live in [`crate::code`],
//! step lists in [`crate::steps`].

use std::fmt::Display;
use std::path::Path;

/// A visible stand-in for a control character that text must not carry
/// into a page or a terminal: the Unicode "control picture" of a C0
/// character (`␛` for ESC, `␀` for NUL), `␡` for DEL, `\u{FFFD}` for a C1
/// character. `keep` lists the controls that stay as they are.
fn control_picture(c: char, keep: &[char]) -> Option<char> {
    if keep.contains(&c) {
        return None;
    }
    match c as u32 {
        n @ 0..=0x1F => char::from_u32(0x2400 + n),
        0x7F => Some('\u{2421}'),
        0x80..=0x9F => Some('\u{FFFD}'),
        _ => None,
    }
}

/// Escapes the characters that would turn plain text into Markdown markup;
/// control characters (a carriage return too, which page files do not keep)
/// become visible pictures.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|') {
            out.push('\\');
        }
        out.push(control_picture(c, &['\n', '\t']).unwrap_or(c));
    }
    // A line that starts like a heading, a list or a quote stays a paragraph.
    let needs_guard = out.starts_with('#')
        || out.starts_with('+')
        || out.starts_with('=')
        || out.starts_with("- ")
        || out.starts_with('-') && out.len() == 1
        || {
            let digits = out.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && matches!(out.as_bytes().get(digits), Some(b'.' | b')'))
        };
    if needs_guard {
        if out.starts_with(|c: char| c.is_ascii_digit()) {
            let digits = out.bytes().take_while(u8::is_ascii_digit).count();
            out.insert(digits, '\\');
        } else {
            out.insert(0, '\\');
        }
    }
    out
}

/// Minimal HTML escaping for text and attribute values. Control
/// characters HTML forbids become visible pictures (`check` reports them,
/// M012).
pub fn escape_html(text: &str) -> String {
    // Runs of ordinary bytes are copied whole: every page escapes thousands
    // of values, and a character at a time was a fifteenth of a build.
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        // U+0080–U+009F, the C1 controls, start with 0xC2.
        let special = MAY_ESCAPE[usize::from(b)]
            && (b != 0xC2 || bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)));
        if !special {
            i += 1;
            continue;
        }
        out.push_str(&text[start..i]);
        // `i` is at an ASCII byte or the lead byte 0xC2: a char boundary.
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        push_escaped(&mut out, c);
        i += c.len_utf8();
        start = i;
    }
    out.push_str(&text[start..]);
    out
}

/// The bytes [`escape_html`] stops at: `&<>"'`, DEL, the C0 controls but
/// tab, new line, form feed and carriage return, and 0xC2 (which starts
/// the C1 controls, and other characters). One load per byte instead of a
/// chain of comparisons: every value of every page goes through it.
const MAY_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'\n' as usize] = false;
    t[b'\t' as usize] = false;
    t[b'\r' as usize] = false;
    t[0x0C] = false;
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[0x7F] = true;
    t[0xC2] = true;
    t
};

/// `c` as [`escape_html`] writes it.
fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        _ => out.push(control_picture(c, &['\n', '\t', '\r', '\u{c}']).unwrap_or(c)),
    }
}

/// [`terminal_safe`] for a value that must be on one line: a newline or a
/// tab shows as its picture (␊, ␉) too.
pub fn one_line_safe(text: &str) -> String {
    terminal_safe(
        &text
            .replace('\n', "␊")
            .replace('\t', "␉")
            .replace('\r', "␍"),
    )
}

/// Text from a sheet made safe to print on a terminal: control characters
/// (ESC starts the sequences that move the cursor, set the window title,
/// ring the bell) become visible pictures, and the characters that reorder
/// text (bidi controls such as U+202E) are shown by their code.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if let Some(p) = control_picture(c, &['\n', '\t']) {
            out.push(p);
        } else if is_bidi_control(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// The invisible characters that change the direction of the text around
/// them: a cell can look like another with them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Lower case, accents folded, spaces collapsed: for comparing titles.
pub fn normalise(s: &str) -> String {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lower case with Italian accents folded (`Attività` → `attivita`).
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            c => c,
        })
        .collect()
}

/// A node as links and headings name it: `C2.5 Protesti`; a node without a
/// title by its code and `untitled` in lower case:
/// `A1.3 (titolo non presente nella mappatura)`.
pub fn label(code: impl Display, title: &str, untitled: &str) -> String {
    use std::fmt::Write as _;
    if title.is_empty() {
        return format!("{code} ({})", untitled.to_lowercase());
    }
    // The code formatted, the title pushed: a label is made for every link
    // of every page, and `format!` padded each piece.
    let mut out = String::with_capacity(16 + title.len());
    let _ = write!(out, "{code}");
    out.push(' ');
    out.push_str(title);
    out
}

/// A node's code and title for places that show no placeholder: `C2.5
/// Protesti`, or only the code when it has no title.
pub fn code_title(code: impl Display, title: &str) -> String {
    format!("{code} {title}").trim().to_string()
}

/// Acronyms and what they stand for, ready for [`abbreviate`]: with what
/// a key can start with and how long keys are, worked out once, so that
/// only the words that could be a key are looked up (a national map's
/// cells have millions of words, and every cell is abbreviated).
#[derive(Clone, Debug)]
pub struct Glossary {
    terms: std::collections::BTreeMap<String, String>,
    firsts: std::collections::BTreeSet<char>,
    lengths: std::ops::RangeInclusive<usize>,
}

/// An empty glossary (what `serde` puts in before the configuration is
/// read).
impl Default for Glossary {
    fn default() -> Glossary {
        Glossary::new(std::collections::BTreeMap::new())
    }
}

impl Glossary {
    pub fn new(terms: std::collections::BTreeMap<String, String>) -> Glossary {
        let firsts = terms.keys().filter_map(|k| k.chars().next()).collect();
        let shortest = terms.keys().map(String::len).min().unwrap_or(0);
        let longest = terms.keys().map(String::len).max().unwrap_or(0);
        Glossary {
            terms,
            firsts,
            lengths: shortest..=longest,
        }
    }

    /// What `word` stands for, if it is a key.
    fn get(&self, word: &str) -> Option<&String> {
        let may_be_key = self.lengths.contains(&word.len())
            && word
                .chars()
                .next()
                .is_some_and(|c| self.firsts.contains(&c));
        may_be_key.then(|| self.terms.get(word)).flatten()
    }
}

/// Marks the acronyms of `glossary` in HTML text as `<abbr title="…">`, so
/// that a reader can learn what `RSPP` or `SUAP` stands for. Only whole
/// words in capitals are taken, and only in text, never inside a tag.
pub fn abbreviate(html: &str, glossary: &Glossary) -> String {
    if glossary.terms.is_empty() {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 32);
    let mut rest = html;
    while !rest.is_empty() {
        let (text, after) = match rest.find('<') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let mut word_start = None;
        let mut last = 0;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let in_word = c.is_alphanumeric();
            if in_word && word_start.is_none() {
                word_start = Some(i);
            }
            let ends = !in_word || chars.peek().is_none();
            if let (Some(start), true) = (word_start, ends) {
                let end = if in_word { i + c.len_utf8() } else { i };
                let word = &text[start..end];
                if let Some(title) = glossary.get(word) {
                    out.push_str(&text[last..start]);
                    out.push_str(&format!(
                        "<abbr title=\"{}\">{word}</abbr>",
                        escape_html(title)
                    ));
                    last = end;
                }
                word_start = None;
            }
        }
        out.push_str(&text[last..]);
        // The tag itself, as it is.
        match after.find('>') {
            Some(j) => {
                out.push_str(&after[..=j]);
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out
}

/// A path as the user would type it: without a leading `./`.
pub fn shown(path: &Path) -> String {
    path.strip_prefix(".").unwrap_or(path).display().to_string()
}

#[cfg(test)]
mod glossary_tests {
    use super::*;

    #[test]
    fn acronyms_become_abbr_in_text_only() {
        let g = Glossary::new(
            [
                ("PO".to_string(), "Posizione organizzativa".to_string()),
                ("SUAP".to_string(), "Sportello unico".to_string()),
            ]
            .into(),
        );
        assert_eq!(
            abbreviate("<p>PO del SUAP; POSTA e TEMPO, <a title=\"PO\">PO</a></p>", &g),
            "<p><abbr title=\"Posizione organizzativa\">PO</abbr> del <abbr title=\"Sportello unico\">SUAP</abbr>; POSTA e TEMPO, <a title=\"PO\"><abbr title=\"Posizione organizzativa\">PO</abbr></a></p>"
        );
        assert_eq!(
            abbreviate("PO", &g),
            "<abbr title=\"Posizione organizzativa\">PO</abbr>"
        );
    }
}

#[cfg(test)]
mod escape_tests {
    use super::*;

    use proptest::prelude::*;

    /// The escaping a character at a time, as it was written first: the
    /// runs of plain bytes copied whole must give the same.
    fn reference(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            push_escaped(&mut out, c);
        }
        out
    }

    #[test]
    fn cells_from_real_sheets() {
        for cell in [
            "",
            "Istanza <b>urgente</b> & \"protesto\" dell'impresa",
            "C1.1.7b\tPO\r\nRiga due\u{c}",
            "\u{1b}[31mrosso\u{7f}\u{85}\u{9f}\u{a0}àèìòù €",
            "Segretario Generale\u{202e}",
        ] {
            assert_eq!(escape_html(cell), reference(cell), "{cell:?}");
        }
        assert_eq!(escape_html("a<b"), "a&lt;b");
        assert_eq!(escape_html("\u{85}"), "\u{FFFD}");
    }

    /// Every character up to U+07FF (all the one- and two-byte ones, the
    /// C1 controls among them) and a few beyond, between others: the table
    /// of bytes that may need escaping misses none.
    #[test]
    fn every_short_character_as_a_character_at_a_time() {
        for c in (0u32..0x800)
            .chain([0x2028, 0xFEFF, 0x1F600])
            .filter_map(char::from_u32)
        {
            let text = format!("a{c}b");
            assert_eq!(escape_html(&text), reference(&text), "{c:?}");
        }
    }

    proptest! {
        #[test]
        fn same_as_a_character_at_a_time(text in any::<String>()) {
            prop_assert_eq!(escape_html(&text), reference(&text));
        }
    }
}
