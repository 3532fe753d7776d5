//! Finding the markers of a list in a cell: counted (`1.`, `a)`),
//! labelled (`lettera a):`) or dashes, each only where it counts up from
//! the first, so that legal references are not read as items.

use super::model::Kind;

#[derive(Clone, Copy, Debug)]
pub(super) struct Mark {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) value: u32,
}

/// A marker may follow the start of the cell, a space or punctuation, but
/// never a letter or digit (`i4.0`, `21.`, `legge 580/93)`).
fn boundary_before(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || matches!(c, ';' | ':' | ',' | '.' | '(' | '"'))
}

/// Reads a counted marker (`12.`, `3)`, `1-`, `b)`) at byte `at`.
fn marker_at(text: &str, at: usize, kind: Kind, style: Option<u8>) -> Option<(Mark, u8)> {
    let bytes = text.as_bytes();
    let (value, mut i) = match kind {
        Kind::Number => {
            let mut i = at;
            while i < bytes.len() && bytes[i].is_ascii_digit() && i - at < 3 {
                i += 1;
            }
            if i == at || bytes[at] == b'0' {
                return None;
            }
            (text[at..i].parse().ok()?, i)
        }
        Kind::Letter => {
            let b = *bytes.get(at)?;
            if !b.is_ascii_alphabetic() {
                return None;
            }
            (u32::from(b.to_ascii_lowercase() - b'a') + 1, at + 1)
        }
        Kind::Dash | Kind::Lines | Kind::Labels => return None,
    };
    let punct = *bytes.get(i)?;
    let allowed: &[u8] = match kind {
        Kind::Number => b".)-",
        _ => b")",
    };
    if !allowed.contains(&punct) || style.is_some_and(|s| s != punct) {
        return None;
    }
    i += 1;
    let next = bytes.get(i).copied();
    let ok = match (kind, punct) {
        // `1.000` and `31.12` are numbers, not markers.
        (Kind::Number, b'.') => next.is_none_or(|n| !n.is_ascii_digit()),
        (Kind::Number, b'-') => next.is_none_or(|n| n.is_ascii_whitespace()),
        _ => next.is_none_or(|n| !n.is_ascii_digit()),
    };
    // Last, as the dearest test: the character before, decoded.
    if !ok || !boundary_before(text, at) {
        return None;
    }
    Some((
        Mark {
            start: at,
            end: i,
            value,
        },
        punct,
    ))
}

/// Finds `1 … 2 … 3 …` (or `a … b …`) in order; a repeated marker (`3. … 3.`)
/// also starts an item. At least two items make a list.
pub(super) fn find_counted(text: &str, kind: Kind) -> Option<(Kind, Vec<Mark>)> {
    let mut marks: Vec<Mark> = Vec::new();
    let mut style = None;
    let mut pos = 0;
    // Only where a marker can start: a digit other than 0, or a letter
    // (ASCII, so always at a character's start). Every other byte was
    // tried before and refused, one by one: two fifths of the page's context.
    let bytes = text.as_bytes();
    let starts = |b: u8| match kind {
        Kind::Number => matches!(b, b'1'..=b'9'),
        _ => b.is_ascii_alphabetic(),
    };
    let candidates = |from: usize| (from..bytes.len()).filter(move |&i| starts(bytes[i]));
    // The first marker must be `1` or `a`.
    for at in candidates(0) {
        if let Some((m, p)) = marker_at(text, at, kind, None) {
            if m.value == 1 {
                marks.push(m);
                style = Some(p);
                pos = m.end;
                break;
            }
        }
    }
    marks.first()?;
    'outer: loop {
        let last = marks[marks.len() - 1].value;
        for at in candidates(pos) {
            if let Some((m, _)) = marker_at(text, at, kind, style) {
                if m.value == last + 1 || (m.value == last && m.value > 1) {
                    marks.push(m);
                    pos = m.end;
                    continue 'outer;
                }
            }
        }
        break;
    }
    // `1. Nel caso…` with no `2.` is prose, not a list.
    (marks.len() >= 2).then_some((kind, marks))
}

/// The end of a colon at `at`, after spaces.
pub(super) fn colon_after(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let spaces = rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len();
    rest[spaces..].starts_with(':').then_some(at + spaces + 1)
}

/// Words that name a group of steps before its marker (`lettera a)`,
/// `punto 1):`, `fase A:`).
const LABELS: [&str; 7] = [
    "lettera", "punto", "fase", "parte", "caso", "ipotesi", "sezione",
];

/// A labelled marker at byte `at`: a word of [`LABELS`], spaces, a letter or
/// a number of up to three digits, then `)`, `):` or `:`. Gives the mark,
/// the label and whether the count is of letters.
fn label_at(text: &str, at: usize) -> Option<(Mark, &'static str, bool)> {
    let rest = &text[at..];
    let word_len = rest
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(rest.len());
    // Without a String for every word of every cell.
    let word = *LABELS
        .iter()
        .find(|l| l.eq_ignore_ascii_case(&rest[..word_len]))?;
    if !boundary_before(text, at) {
        return None;
    }
    let after = &rest[word_len..];
    let spaces = after.len() - after.trim_start_matches([' ', '\u{a0}']).len();
    if spaces == 0 {
        return None;
    }
    let start = at + word_len + spaces;
    let bytes = text.as_bytes();
    let mut i = start;
    let (value, letter) = if bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
        i += 1;
        (
            u32::from(bytes[start].to_ascii_lowercase() - b'a') + 1,
            true,
        )
    } else {
        while i < bytes.len() && bytes[i].is_ascii_digit() && i - start < 3 {
            i += 1;
        }
        if i == start || bytes[start] == b'0' {
            return None;
        }
        (text[start..i].parse().ok()?, false)
    };
    let end = match bytes.get(i) {
        Some(b')') => colon_after(text, i + 1).unwrap_or(i + 1),
        Some(b':') => i + 1,
        _ => return None,
    };
    // `punto 1):5` is not a label either.
    if bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some((
        Mark {
            start: at,
            end,
            value,
        },
        word,
        letter,
    ))
}

/// `lettera a): … lettera b): …`, `fase A: … fase B: …`: the same word
/// before markers that count up from `a` or `1`. At least two make a list.
pub(super) fn find_labelled(text: &str) -> Option<(Kind, Vec<Mark>)> {
    // Only where a label can start: its first letter (ASCII, so always at
    // a character's start).
    let starts = text
        .bytes()
        .enumerate()
        .filter(|&(_, b)| {
            LABELS
                .iter()
                .any(|l| l.as_bytes()[0] == b.to_ascii_lowercase())
        })
        .map(|(i, _)| i);
    let mut marks: Vec<Mark> = Vec::new();
    let mut style: Option<(&str, bool)> = None;
    for at in starts {
        if marks.last().is_some_and(|m| at < m.end) {
            continue;
        }
        let Some((m, word, letter)) = label_at(text, at) else {
            continue;
        };
        match &style {
            None if m.value == 1 => {
                style = Some((word, letter));
                marks.push(m);
            }
            Some((w, l)) if *w == word && *l == letter => {
                let last = marks[marks.len() - 1].value;
                if m.value == last + 1 {
                    marks.push(m);
                }
            }
            _ => {}
        }
    }
    (marks.len() >= 2).then_some((Kind::Labels, marks))
}

/// `- Studio - Focus - Confronto` (a leading dash) anywhere; `Ricezione -
/// verifica - adozione` (three or more parts) only where `loose` allows.
pub(super) fn find_dashes(text: &str, loose: bool) -> Option<(Kind, Vec<Mark>)> {
    let bytes = text.as_bytes();
    let leading = text.starts_with('-') && !text.starts_with("--");
    if !leading && !loose {
        return None;
    }
    let mut marks = Vec::new();
    if leading {
        marks.push(Mark {
            start: 0,
            end: 1,
            value: 1,
        });
    } else {
        marks.push(Mark {
            start: 0,
            end: 0,
            value: 1,
        });
    }
    for (i, _) in text.match_indices('-').filter(|(i, _)| *i > 0) {
        let before_space = text[..i].ends_with(char::is_whitespace);
        let after = bytes.get(i + 1).copied();
        // With a leading dash, ` -recupero` is an item too; otherwise only
        // a dash between spaces separates steps (`scuola-lavoro` is a word).
        let after_ok = if leading {
            after.is_some_and(|a| a != b'-')
        } else {
            after.is_some_and(|a| a.is_ascii_whitespace())
        };
        if before_space && after_ok {
            let value = marks.len() as u32 + 1;
            marks.push(Mark {
                start: i,
                end: i + 1,
                value,
            });
        }
    }
    let enough = if leading { 2 } else { 3 };
    if marks.len() < enough {
        return None;
    }
    // Every item needs text: `a - - b` is not a list.
    let nonempty = marks.iter().enumerate().all(|(i, m)| {
        let end = marks.get(i + 1).map_or(text.len(), |n| n.start);
        !text[m.end..end].trim().is_empty()
    });
    nonempty.then_some((Kind::Dash, marks))
}
