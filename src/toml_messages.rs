//! The TOML reader's messages in Italian. The `toml` crate and serde write
//! «invalid basic string, expected `"`» or «unknown field `titolo`,
//! expected one of `title`, …»: an office worker editing `book.toml` reads
//! instead what is wrong and how to write it. A message this does not know
//! is kept, marked as the reader's own words.

/// `message` from the TOML reader, in Italian.
pub(crate) fn italian(message: &str) -> String {
    italian_naming(message, &[])
}

/// The same, leaving out of the keys it lists the names in `old`: names
/// of the first releases, still read as aliases but no longer offered.
pub(crate) fn italian_naming(message: &str, old: &[&str]) -> String {
    let message = message.trim();
    let (what, expected) = match message.split_once(", expected ") {
        Some((w, e)) => (w, Some(e)),
        None => (message, None),
    };
    let syntax = match what {
        "invalid basic string" => Some("il testo tra virgolette non è chiuso: manca la \" finale"),
        "invalid literal string" => Some("il testo tra apici non è chiuso: manca l'apice finale"),
        "invalid multi-line basic string" | "invalid multi-line literal string" => {
            Some("il testo su più righe non è chiuso: mancano le tre virgolette finali")
        }
        "missing escaped value" | "invalid escape sequence" | "invalid unicode escape" => Some(
            "dopo \\ non c'è un carattere valido: per scrivere una barra rovesciata raddoppiala (\\\\)",
        ),
        "string values must be quoted" => {
            Some("un testo va scritto tra virgolette, per esempio \"Ufficio trasparenza\"")
        }
        "unexpected key or value" => {
            Some("c'è altro dopo il valore: ogni voce va su una riga sua (un commento inizia con #)")
        }
        "duplicate key" => Some("questa voce è già scritta sopra: ogni voce si scrive una volta"),
        "unclosed table" => Some("l'intestazione della tabella non è chiusa: manca ]"),
        "unclosed array" => Some("l'elenco non è chiuso: manca ]"),
        "unclosed inline table" => Some("la tabella fra graffe non è chiusa: manca }"),
        "unquoted keys cannot be empty" => Some("manca il nome della voce prima di «=»"),
        "invalid time" | "invalid date" | "invalid date-time" => {
            Some("data o ora non valida: una data si scrive AAAA-MM-GG")
        }
        "key with no value" => Some("la voce non ha un valore: serve «=» e il valore"),
        "invalid number" | "invalid integer" | "invalid float" => Some("numero non valido"),
        _ => None,
    };
    if let Some(s) = syntax {
        return s.to_string();
    }
    if let Some(field) = between(what, "unknown field `", "`") {
        let known = expected
            .map(|e| {
                let names: Vec<&str> = e
                    .trim_start_matches("one of ")
                    .split(", ")
                    .map(|n| n.trim_matches('`'))
                    .filter(|n| !n.is_empty() && *n != "there are no fields" && !old.contains(n))
                    .collect();
                if names.is_empty() {
                    String::new()
                } else {
                    format!("; le voci sono: {}", names.join(", "))
                }
            })
            .unwrap_or_default();
        return format!("la voce «{field}» non esiste{known}");
    }
    if let Some(field) = between(what, "duplicate field `", "`") {
        return format!(
            "«{field}» è scritto due volte, forse una con il nome di prima e una con quello \
             nuovo: tieni solo «{field}»"
        );
    }
    if let Some(field) = between(what, "missing field `", "`") {
        return format!("manca la voce «{field}»");
    }
    if let Some(found) = what
        .strip_prefix("invalid type: ")
        .or_else(|| what.strip_prefix("invalid value: "))
    {
        let wanted = expected.map_or_else(String::new, expected_words);
        return format!("qui serve {wanted}, e c'è {}", found_words(found));
    }
    format!("{message} (parole del lettore TOML)")
}

/// `text` without `prefix` and `suffix`, when it has both.
fn between<'a>(text: &'a str, prefix: &str, suffix: &str) -> Option<&'a str> {
    text.strip_prefix(prefix)?.strip_suffix(suffix)
}

/// What serde says it found: «integer `3`», «string "cinque"», «sequence».
fn found_words(found: &str) -> String {
    if let Some(n) = found
        .strip_prefix("integer `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return format!("il numero {n}");
    }
    if let Some(n) = found
        .strip_prefix("floating point `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return format!("il numero {n}");
    }
    if let Some(s) = found.strip_prefix("string ") {
        return format!("il testo «{}»", s.trim_matches('"'));
    }
    if let Some(b) = found
        .strip_prefix("boolean `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return format!("il valore {b}");
    }
    match found {
        "sequence" => "un elenco".into(),
        "map" => "una tabella".into(),
        other => other.into(),
    }
}

/// What serde says it expected: «a string», «u32», «a sequence».
fn expected_words(expected: &str) -> String {
    match expected {
        "a string" | "string" => "un testo tra virgolette".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" => "un numero intero non negativo".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" | "an integer" => "un numero intero".into(),
        "a boolean" | "bool" => "true o false".into(),
        "a sequence" => "un elenco fra [ ]".into(),
        "a map" => "una tabella".into(),
        other => other.trim_start_matches("struct ").into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readers_messages_read_in_italian() {
        for (english, italian_words) in [
            ("invalid basic string, expected `\"`", "non è chiuso"),
            ("missing escaped value, expected `b`, `e`", "raddoppiala"),
            (
                "string values must be quoted, expected literal string",
                "tra virgolette",
            ),
            (
                "unexpected key or value, expected newline, `#`",
                "una riga sua",
            ),
            ("duplicate key", "già scritta"),
            (
                "unknown field `titolo`, expected one of `title`, `chamber`",
                "la voce «titolo» non esiste; le voci sono: title, chamber",
            ),
            ("missing field `name`", "manca la voce «name»"),
            (
                "invalid type: integer `3`, expected a string",
                "serve un testo tra virgolette, e c'è il numero 3",
            ),
            (
                "invalid type: string \"cinque\", expected u32",
                "serve un numero intero non negativo, e c'è il testo «cinque»",
            ),
            (
                "invalid value: integer `-3`, expected u32",
                "c'è il numero -3",
            ),
            ("invalid type: sequence, expected a string", "c'è un elenco"),
            ("unclosed array, expected `]`", "manca ]"),
        ] {
            let it = italian(english);
            assert!(it.contains(italian_words), "{english} -> {it}");
            assert!(!it.contains("expected") && !it.contains("invalid"), "{it}");
        }
        assert!(italian("something new").contains("parole del lettore TOML"));
    }
}
