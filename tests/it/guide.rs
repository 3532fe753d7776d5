//! The user guide (`docs/guida/`) names everything a user can type: every
//! command and option the program accepts (read from its own help), every
//! table and key `book.toml` accepts (read from the configuration's own
//! types, so a key added to the code and not to the guide fails here), and
//! every name of the first releases with the one that replaced it.

use manuale::config::{Config, OLD_NAMES};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::path::Path;
use std::process::Command;

/// The guide's chapters, one text.
fn guide() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guida");
    let mut text = String::new();
    for entry in std::fs::read_dir(&dir).expect("docs/guida/ exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            text.push_str(&std::fs::read_to_string(&path).unwrap());
            text.push('\n');
        }
    }
    assert!(text.len() > 10_000, "the guide is nearly empty");
    text
}

/// The pieces of `text` written as code (between backticks).
fn code_spans(text: &str) -> Vec<String> {
    let mut spans = Vec::new();
    for block in text.split("```").enumerate() {
        let (i, part) = block;
        if i % 2 == 1 {
            // A fenced block: every line counts as code.
            spans.extend(part.lines().map(str::to_string));
            continue;
        }
        spans.extend(part.split('`').skip(1).step_by(2).map(str::to_string));
    }
    spans
}

/// Whether `name` is written as code somewhere, as a whole word.
fn named(spans: &[String], name: &str) -> bool {
    spans.iter().any(|s| {
        s.match_indices(name).any(|(at, _)| {
            let before = s[..at].chars().next_back();
            let after = s[at + name.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !word(before) && !word(after)
        })
    })
}

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_manuale"))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_command_and_option_is_in_the_guide() {
    let spans = code_spans(&guide());
    let top = help(&["--help"]);
    let commands: Vec<String> = top
        .split("Comandi:")
        .nth(1)
        .expect("a list of commands")
        .split("Opzioni:")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(commands.len() >= 7, "{commands:?}");
    let mut missing = Vec::new();
    for c in &commands {
        if !named(&spans, &format!("manuale {c}")) {
            missing.push(format!("manuale {c}"));
        }
        let page = help(&[c, "--help"]);
        for word in page.split_whitespace() {
            let Some(option) = word.strip_prefix("--") else {
                continue;
            };
            let option: String = option
                .chars()
                .take_while(|ch| ch.is_alphanumeric() || *ch == '-')
                .collect();
            if option.is_empty() || option == "help" {
                continue;
            }
            if !named(&spans, &format!("--{option}")) {
                missing.push(format!("manuale {c} --{option}"));
            }
        }
    }
    missing.dedup();
    assert!(missing.is_empty(), "not in docs/guida/: {missing:?}");
}

#[test]
fn every_book_toml_key_is_in_the_guide() {
    let spans = code_spans(&guide());
    let keys = config_keys();
    // The probe itself must see the tables it is meant to check.
    for k in [
        "manuale.titolo",
        "ente.nome",
        "ente.percorso[].url",
        "mappatura.file",
        "piede[].nome",
    ] {
        assert!(keys.contains(&k.to_string()), "{k} not found in {keys:?}");
    }
    let mut missing = Vec::new();
    for key in &keys {
        let parts: Vec<&str> = key.split('.').collect();
        let last = parts[parts.len() - 1].trim_end_matches("[]");
        let ok = match parts.len() {
            // A table (`[ente]`, `[[piede]]`) or a key at the top.
            1 => named(&spans, &format!("[{last}]")) || named(&spans, last),
            _ => named(&spans, last),
        };
        if !ok {
            missing.push(key.clone());
        }
    }
    for ui in manuale::config::Ui::KEYS {
        if !named(&spans, ui) {
            missing.push(format!("testi.{ui}"));
        }
    }
    assert!(missing.is_empty(), "not in docs/guida/: {missing:?}");
}

#[test]
fn every_old_name_is_in_the_guide_with_the_new_one() {
    let text = guide();
    let spans = code_spans(&text);
    let mut missing = Vec::new();
    for (_, old, new) in OLD_NAMES {
        let new_key = new.rsplit(' ').next().unwrap_or(new);
        if !named(&spans, old) || !named(&spans, new_key.trim_matches(['[', ']'])) {
            missing.push(format!("{old} → {new}"));
        }
    }
    for (old, new) in [
        ("init", "nuovo"),
        ("import", "importa"),
        ("check", "controlla"),
        ("serve", "anteprima"),
        ("build", "costruisci"),
        ("--book", "--cartella"),
        ("--sheet", "--foglio"),
        ("--format", "--formato"),
        ("--port", "--porta"),
        ("--host", "--indirizzo"),
        ("--open", "--apri"),
        ("--output", "--destinazione"),
        ("--allow-removals", "--accetta-rimozioni"),
    ] {
        if !named(&spans, old) || !named(&spans, new) {
            missing.push(format!("{old} → {new}"));
        }
    }
    assert!(
        missing.is_empty(),
        "old names not in docs/guida/: {missing:?}"
    );
}

/// Every key `book.toml` accepts, as `table.key` (`piede[].nome` inside a
/// list of tables), read from `Config`'s own `Deserialize`: a probe that
/// answers every struct with all its fields and records them. The names of
/// the first releases (aliases) are left out: the guide lists them apart.
fn config_keys() -> Vec<String> {
    let found = RefCell::new(Vec::new());
    let probe = Owned {
        path: String::new(),
        found: &found,
    };
    <Config as serde::Deserialize>::deserialize(probe).expect("the probe reads Config");
    let mut keys = found.into_inner();
    keys.sort();
    keys.dedup();
    keys
}

/// Answers a `Deserialize` at `path`, recording the fields it asks for.
#[derive(Clone)]
struct Owned<'a> {
    path: String,
    found: &'a RefCell<Vec<String>>,
}

#[derive(Debug)]
struct ProbeError(String);
impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for ProbeError {}
impl de::Error for ProbeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        ProbeError(msg.to_string())
    }
}

impl<'de> Deserializer<'de> for Owned<'_> {
    type Error = ProbeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ProbeError> {
        v.visit_str("")
    }
    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ProbeError> {
        v.visit_bool(false)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ProbeError> {
        v.visit_u64(0)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ProbeError> {
        v.visit_u64(0)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ProbeError> {
        v.visit_i64(0)
    }
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ProbeError> {
        v.visit_some(self)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, ProbeError> {
        v.visit_newtype_struct(self)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ProbeError> {
        // One element, to see inside a list of tables.
        v.visit_seq(OneElement {
            probe: Some(Owned {
                path: format!("{}[]", self.path),
                found: self.found,
            }),
        })
    }
    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ProbeError> {
        // A table of free keys (`[funzioni]`, `[glossario]`): no fields.
        v.visit_map(Fields {
            fields: Vec::new(),
            at: 0,
            path: self.path,
            found: self.found,
        })
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, ProbeError> {
        let old: Vec<&str> = OLD_NAMES.iter().map(|(_, o, _)| *o).collect();
        let fields: Vec<&'static str> = fields
            .iter()
            .copied()
            .filter(|f| !old.contains(f))
            .collect();
        for f in &fields {
            self.found.borrow_mut().push(if self.path.is_empty() {
                (*f).to_string()
            } else {
                format!("{}.{f}", self.path)
            });
        }
        v.visit_map(Fields {
            fields,
            at: 0,
            path: self.path,
            found: self.found,
        })
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 u8 u16 f32 f64 char str string bytes byte_buf unit unit_struct
        tuple tuple_struct enum identifier ignored_any
    }
}

struct OneElement<'a> {
    probe: Option<Owned<'a>>,
}

impl<'de> SeqAccess<'de> for OneElement<'_> {
    type Error = ProbeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ProbeError> {
        match self.probe.take() {
            Some(p) => seed.deserialize(p).map(Some),
            None => Ok(None),
        }
    }
}

struct Fields<'a> {
    fields: Vec<&'static str>,
    at: usize,
    path: String,
    found: &'a RefCell<Vec<String>>,
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = ProbeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ProbeError> {
        let Some(f) = self.fields.get(self.at) else {
            return Ok(None);
        };
        seed.deserialize(de::value::StrDeserializer::<ProbeError>::new(f))
            .map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ProbeError> {
        let f = self.fields[self.at];
        self.at += 1;
        let path = if self.path.is_empty() {
            f.to_string()
        } else {
            format!("{}.{f}", self.path)
        };
        seed.deserialize(Owned {
            path,
            found: self.found,
        })
    }
}
