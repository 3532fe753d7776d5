//! Unioncamere process codes: parsing the first column of a sheet, normalising
//! the spelling, and ordering codes the way the map is read.
//!
//! A code is a function letter (`A`–`F` in the national scheme) followed by
//! dot-separated numbers, each optionally followed by a lower-case suffix
//! (`C1.1.7b`). Real sheets spell codes loosely (`A1.`, `A.2.1.3.1.`,
//! `F.1.1.1.1.Title`): [`parse_cell`] accepts those spellings, returns the
//! canonical [`Code`] and the title, and says whether the spelling was
//! normalised. This module does no I/O and knows nothing of rows or pages.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// One number of a code, with its optional letter suffix (`7b`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Part {
    pub num: u32,
    pub suffix: String,
}

/// By number, then suffix (`7` < `7b` < `8`), as a derived order would;
/// two parts without a suffix, nearly all of them, are told apart without
/// comparing strings: a national map's codes are compared millions of
/// times while the book is read.
impl Ord for Part {
    fn cmp(&self, other: &Self) -> Ordering {
        self.num.cmp(&other.num).then_with(|| {
            if self.suffix.is_empty() && other.suffix.is_empty() {
                Ordering::Equal
            } else {
                self.suffix.cmp(&other.suffix)
            }
        })
    }
}

impl PartialOrd for Part {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A canonical process code such as `A`, `C2.10` or `C1.1.7b`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Code {
    letter: char,
    parts: Vec<Part>,
}

impl Code {
    /// Depth in the tree: 1 for `A`, 2 for `A1`, 3 for `A1.1`…
    pub fn level(&self) -> usize {
        1 + self.parts.len()
    }

    /// The code one level up (`C1.1.7b` → `C1.1`), `None` for a function.
    pub fn parent(&self) -> Option<Code> {
        if self.parts.is_empty() {
            return None;
        }
        let mut parts = self.parts.clone();
        parts.pop();
        Some(Code {
            letter: self.letter,
            parts,
        })
    }

    /// Every ancestor, from the function down to the parent.
    pub fn ancestors(&self) -> Vec<Code> {
        (0..self.parts.len())
            .map(|n| Code {
                letter: self.letter,
                parts: self.parts[..n].to_vec(),
            })
            .collect()
    }

    /// True when `self` lies strictly below `other` in the tree.
    pub fn is_below(&self, other: &Code) -> bool {
        self.letter == other.letter
            && self.parts.len() > other.parts.len()
            && self.parts[..other.parts.len()] == other.parts[..]
    }
}

/// Written piece by piece, numbers by `itoa`, without the formatting
/// machinery per piece: a code is written for every link of every page
/// (the format calls were 1.3 % of a build's instructions). Like the
/// `write!` it replaces, it ignores width and fill.
impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut letter = [0; 4];
        f.write_str(self.letter.encode_utf8(&mut letter))?;
        let mut num = itoa::Buffer::new();
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            f.write_str(num.format(p.num))?;
            f.write_str(&p.suffix)?;
        }
        Ok(())
    }
}

/// Tree order: a parent before its children, children by number, so that
/// `C2.8` < `C2.10` and `C1.1.7` < `C1.1.7b` < `C1.1.8`.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> Ordering {
        self.letter
            .cmp(&other.letter)
            .then_with(|| self.parts.cmp(&other.parts))
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for Code {
    type Err = String;

    /// Parses a code written alone (a page's front matter, a search query):
    /// the whole text must be a code, in any of the spellings a sheet uses.
    fn from_str(s: &str) -> Result<Code, String> {
        let s = s.trim();
        match scan_code(s) {
            Some((code, end)) if s[end..].trim_matches('.').is_empty() => Ok(code),
            _ => Err(format!("«{s}» non è un codice di processo (es. C2.5.3.1)")),
        }
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What the first column of a row says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The code, if the cell starts with one.
    pub code: Option<Code>,
    /// The title after the code (the whole cell when there is no code).
    pub title: String,
    /// The code as it was written, when it differs from the canonical
    /// spelling (`A.2.1.3.1.`, `A1.`, a missing space before the title).
    pub respelled: Option<String>,
    /// A second code and title squeezed into the same cell after a `/`.
    pub second: Option<(Code, String)>,
}

/// Reads a code-and-title cell such as `A.2.1.3.1.Assistenza legale`.
pub fn parse_cell(text: &str) -> Cell {
    let text = text.trim();
    let Some((code, end)) = scan_code(text) else {
        return Cell {
            code: None,
            title: text.to_string(),
            respelled: None,
            second: None,
        };
    };
    let written = &text[..end];
    let rest = &text[end..];
    let canonical = code.to_string();
    // The canonical form is the code, then a space, then the title.
    let spaced = rest.is_empty() || rest.starts_with(char::is_whitespace);
    let respelled = if written != canonical || !spaced {
        Some(written.to_string())
    } else {
        None
    };
    let title = clean_title(rest);
    let (title, second) = split_second_code(&title);
    Cell {
        code: Some(code),
        title,
        respelled,
        second,
    }
}

/// Strips the separators people put between a code and its title.
fn clean_title(rest: &str) -> String {
    rest.trim()
        .trim_start_matches(['-', '–', ':'])
        .trim()
        .to_string()
}

/// `Assistenza legale ai vertici/A2.1.3.2 Assistenza legale ai settori`
/// holds two processes: the text before the slash and a second code.
fn split_second_code(title: &str) -> (String, Option<(Code, String)>) {
    for (i, _) in title.match_indices('/') {
        let after = title[i + 1..].trim_start();
        if let Some((code, end)) = scan_code(after) {
            let boundary = after[end..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || c.is_alphabetic());
            if code.level() >= 3 && boundary {
                let first = title[..i].trim().to_string();
                return (first, Some((code, clean_title(&after[end..]))));
            }
        }
    }
    (title.to_string(), None)
}

/// The most levels a code may have: the national map uses six; a deeper
/// code is not read as one (its page's path would not fit a file system).
pub const MAX_LEVELS: usize = 12;

/// How many levels the code-like start of `text` has, when it has more than
/// [`MAX_LEVELS`] (`A1.1.1.1.1.1.1.1.1.1.1.1.1 …`).
pub fn too_deep(text: &str) -> Option<usize> {
    let t = text.trim();
    let mut chars = t.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let prefix: String = chars
        .take_while(|c| c.is_ascii_digit() || *c == '.' || c.is_ascii_lowercase())
        .collect();
    let levels = 1 + prefix
        .split('.')
        .filter(|p| p.starts_with(|c: char| c.is_ascii_digit()))
        .count();
    (levels > MAX_LEVELS).then_some(levels)
}

/// Finds a code at the start of `s`; returns it and the byte length of the
/// text it was read from (including stray dots).
fn scan_code(s: &str) -> Option<(Code, usize)> {
    let bytes = s.as_bytes();
    let first = *bytes.first()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let letter = first.to_ascii_uppercase() as char;
    let mut i = 1;
    // Optional dot between the letter and the first number: `A.2.1`.
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let mut parts = Vec::new();
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        let start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i - start > 6 {
            return None;
        }
        let num: u32 = s[start..i].parse().ok()?;
        // A lower-case suffix, only when it ends the part: `7b` but not the
        // `Gestione` glued to `F.1.1.1.1.Gestione`.
        let mut j = i;
        while bytes.get(j).is_some_and(u8::is_ascii_lowercase) {
            j += 1;
        }
        let suffix_ends = bytes
            .get(j)
            .is_none_or(|b| !b.is_ascii_alphanumeric() && *b < 0x80);
        let suffix = if j > i && j - i <= 3 && suffix_ends {
            let suffix = s[i..j].to_string();
            i = j;
            suffix
        } else {
            String::new()
        };
        parts.push(Part { num, suffix });
        if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
        } else {
            break;
        }
    }
    if parts.is_empty() {
        // A function alone: `A`, `A.` or `A ORGANI…`; never the first letter
        // of an ordinary word (`Conferimento`, `E possibile`).
        if !first.is_ascii_uppercase() {
            return None;
        }
        match bytes.get(1) {
            None => {}
            Some(b'.') => {}
            Some(b) if b.is_ascii_whitespace() => {
                let next = s[1..].trim_start().chars().next();
                if !next.is_some_and(char::is_uppercase) {
                    return None;
                }
            }
            _ => return None,
        }
    } else if !first.is_ascii_uppercase() {
        // `c2.5` is accepted (and reported as respelled).
    }
    // Stray trailing dots: `A1.`, `A1.3.2.1.`.
    while bytes.get(i) == Some(&b'.') {
        i += 1;
    }
    if parts.len() + 1 > MAX_LEVELS {
        return None;
    }
    Some((Code { letter, parts }, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_ordered_by_number_then_suffix() {
        let parts = [
            (7, ""),
            (7, "b"),
            (7, "a"),
            (7, "ab"),
            (8, ""),
            (10, ""),
            (0, ""),
        ];
        for (an, asx) in parts {
            for (bn, bsx) in parts {
                let a = Part {
                    num: an,
                    suffix: asx.into(),
                };
                let b = Part {
                    num: bn,
                    suffix: bsx.into(),
                };
                assert_eq!(a.cmp(&b), (an, asx).cmp(&(bn, bsx)), "{a:?} {b:?}");
            }
        }
    }

    fn code(s: &str) -> Code {
        s.parse().unwrap()
    }

    #[test]
    fn canonical_cells_are_not_respelled() {
        let c = parse_cell("A1.1.1.1 Relazione Previsionale e Programmatica");
        assert_eq!(c.code, Some(code("A1.1.1.1")));
        assert_eq!(c.title, "Relazione Previsionale e Programmatica");
        assert_eq!(c.respelled, None);
    }

    #[test]
    fn cells_from_the_bundled_sheet_are_normalised() {
        // Line 4, 241, 36, 97, 352, 154 of data/mappatura-processi.tsv.
        let cases = [
            (
                "A1. Pianificazione, monitoraggio e controllo dell'Ente",
                "A1",
                "Pianificazione, monitoraggio e controllo dell'Ente",
            ),
            (
                "D.1. INTERNAZIONALIZZAZIONE",
                "D1",
                "INTERNAZIONALIZZAZIONE",
            ),
            (
                "A1.3.2.1. Sistemi di valutazione: Performance individuale",
                "A1.3.2.1",
                "Sistemi di valutazione: Performance individuale",
            ),
            (
                "B.1.1.2.1. Tenuta fascicoli personali",
                "B1.1.2.1",
                "Tenuta fascicoli personali",
            ),
            (
                "F.1.1.1.1.Gestione della concessione in uso di sedi",
                "F1.1.1.1",
                "Gestione della concessione in uso di sedi",
            ),
            (
                "B3.2.2.3.1. Trasmissione delle rese degli agenti contabili",
                "B3.2.2.3.1",
                "Trasmissione delle rese degli agenti contabili",
            ),
            (
                "C2.2.2. Sportelli e servizi informativi",
                "C2.2.2",
                "Sportelli e servizi informativi",
            ),
        ];
        for (cell, want_code, want_title) in cases {
            let c = parse_cell(cell);
            assert_eq!(c.code, Some(code(want_code)), "{cell}");
            assert_eq!(c.title, want_title, "{cell}");
            assert!(c.respelled.is_some(), "{cell} should be reported");
        }
    }

    #[test]
    fn suffix_is_kept() {
        let c = parse_cell("C1.1.7b Operazioni d'Ufficio");
        assert_eq!(
            c.code.as_ref().map(ToString::to_string).as_deref(),
            Some("C1.1.7b")
        );
        assert_eq!(c.title, "Operazioni d'Ufficio");
        assert_eq!(c.respelled, None);
        assert_eq!(c.code.unwrap().parent(), Some(code("C1.1")));
    }

    #[test]
    fn two_codes_in_one_cell() {
        let c = parse_cell("A.2.1.3.1.Assistenza legale ai vertici camerati/A2.1.3.2 Assistenza legale ai settori dell'ente, al SG o agli Organi");
        assert_eq!(c.code, Some(code("A2.1.3.1")));
        assert_eq!(c.title, "Assistenza legale ai vertici camerati");
        let (second, title) = c.second.unwrap();
        assert_eq!(second, code("A2.1.3.2"));
        assert_eq!(
            title,
            "Assistenza legale ai settori dell'ente, al SG o agli Organi"
        );
    }

    #[test]
    fn slashes_in_titles_are_not_codes() {
        let c = parse_cell("A1.1.1.2 Predisposizione/aggiornamento Bilancio preventivo e PIRA");
        assert_eq!(
            c.title,
            "Predisposizione/aggiornamento Bilancio preventivo e PIRA"
        );
        assert!(c.second.is_none());
        let c = parse_cell("A1.1.1.6 Piano occupazionale triennale/annuale");
        assert!(c.second.is_none());
    }

    #[test]
    fn text_without_code() {
        for text in [
            "Conferimento incarichi individuali di collaborazione",
            "",
            "E possibile",
            "1.2 boh",
            "é",
        ] {
            let c = parse_cell(text);
            assert_eq!(c.code, None, "{text}");
            assert_eq!(c.title, text);
        }
    }

    #[test]
    fn functions_alone() {
        assert_eq!(parse_cell("A").code, Some(code("A")));
        assert_eq!(parse_cell("E PROGETTI").code, Some(code("E")));
        assert_eq!(parse_cell("C. Anagrafe").code, Some(code("C")));
    }

    #[test]
    fn tree_order() {
        let mut codes: Vec<Code> = [
            "C2.10", "C2.8", "C2", "C1.1.7b", "C1.1.8", "C1.1.7", "C1.1.7.1", "A1", "C",
        ]
        .iter()
        .map(|s| code(s))
        .collect();
        codes.sort();
        let got: Vec<String> = codes.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            ["A1", "C", "C1.1.7", "C1.1.7.1", "C1.1.7b", "C1.1.8", "C2", "C2.8", "C2.10"]
        );
    }

    #[test]
    fn ancestors_and_levels() {
        let c = code("B3.2.2.3.1");
        assert_eq!(c.level(), 6);
        let a: Vec<String> = c.ancestors().iter().map(ToString::to_string).collect();
        assert_eq!(a, ["B", "B3", "B3.2", "B3.2.2", "B3.2.2.3"]);
        assert!(c.is_below(&code("B3")));
        assert!(!code("B3").is_below(&code("B3")));
    }

    #[test]
    fn queries_parse_in_any_case() {
        assert_eq!("c2.5.3.1".parse::<Code>(), Ok(code("C2.5.3.1")));
        assert!("C2.5 x".parse::<Code>().is_err());
    }

    #[test]
    fn huge_numbers_are_not_codes() {
        assert_eq!(parse_cell("A99999999999999 x").code, None);
    }
}
