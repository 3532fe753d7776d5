//! What changed between two maps: entries added and removed, entries that
//! moved to another code (recognised as the same entry), renamed, or whose
//! fields changed, with a word-level difference of each changed field.
//!
//! How a move is recognised: an entry gone from one code and one new at
//! another are the same when they have the same title (letters and digits
//! compared, case and accents aside) and no other entry gone or new shares
//! it; failing that, when the words of their rows are at least
//! [`SAME_WORDS`] alike and neither has a closer match. Otherwise they are
//! one removed and one added.

use super::model::Entry;
use crate::code::Code;
use crate::mapping::Role;
use crate::text::normalise;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How alike the words of two entries' rows must be (Jaccard index) for a
/// move recognised by content.
pub const SAME_WORDS: f64 = 0.75;

/// A piece of a word-level difference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "tipo", content = "testo", rename_all = "lowercase")]
pub enum Piece {
    /// Words in both.
    Uguale(String),
    /// Words only in the older text.
    Tolto(String),
    /// Words only in the newer text.
    Aggiunto(String),
}

/// A field that changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// `name`, `input`, `output`, `steps`, `responsible`, or an extra
    /// column's header.
    pub campo: String,
    pub pezzi: Vec<Piece>,
}

/// What happened to an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Aggiunto,
    Eliminato,
    Spostato,
    Rinominato,
    Modificato,
}

/// One entry's change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub tipo: Kind,
    /// The entry's code now (its old code when removed).
    pub codice: Code,
    /// Its old code, when it moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub da: Option<Code>,
    pub titolo: String,
    /// The old title, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub titolo_prima: Option<String>,
    /// How many activities (rows) the entry had and has, when that changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attivita: Option<Activities>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub campi: Vec<FieldChange>,
}

impl Change {
    /// An entry added or removed as a whole.
    fn whole(tipo: Kind, e: &Entry) -> Change {
        Change {
            tipo,
            codice: e.code.clone(),
            da: None,
            titolo: e.title.clone(),
            titolo_prima: None,
            attivita: None,
            campi: Vec::new(),
        }
    }
}

/// The number of activities of an entry before and after.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Activities {
    pub prima: usize,
    pub dopo: usize,
}

/// The activities before and after, when their number changed.
fn activities(old: &Entry, new: &Entry) -> Option<Activities> {
    let count = |e: &Entry| e.rows.iter().filter(|r| r.has_data()).count();
    let (prima, dopo) = (count(old), count(new));
    (prima != dopo).then_some(Activities { prima, dopo })
}

/// Every change from `old` to `new`, in the order of the codes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub modifiche: Vec<Change>,
}

impl Changes {
    pub fn count(&self, kind: Kind) -> usize {
        self.modifiche.iter().filter(|c| c.tipo == kind).count()
    }

    /// "3 voci aggiunte, 1 eliminata, 2 modificate" (or "nessuna modifica").
    pub fn summary(&self) -> String {
        let parts: Vec<String> = [
            (Kind::Aggiunto, "aggiunta", "aggiunte"),
            (Kind::Eliminato, "eliminata", "eliminate"),
            (
                Kind::Spostato,
                "spostata ad altro codice",
                "spostate ad altro codice",
            ),
            (Kind::Rinominato, "rinominata", "rinominate"),
            (Kind::Modificato, "modificata", "modificate"),
        ]
        .into_iter()
        .filter_map(|(k, one, many)| match self.count(k) {
            0 => None,
            1 => Some(format!("1 voce {one}")),
            n => Some(format!("{n} voci {many}")),
        })
        .collect();
        if parts.is_empty() {
            "nessuna modifica".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// The changes as text for a terminal: a line per entry, `[-…-]` for
/// words removed and `{+…+}` for words added.
pub fn render_text(changes: &Changes) -> String {
    let mut out = String::new();
    for c in &changes.modifiche {
        let (mark, what) = match c.tipo {
            Kind::Aggiunto => ("+", "aggiunta".to_string()),
            Kind::Eliminato => ("-", "eliminata".to_string()),
            Kind::Spostato => (
                ">",
                format!(
                    "spostata da {}",
                    c.da.as_ref().map(ToString::to_string).unwrap_or_default()
                ),
            ),
            Kind::Rinominato => ("~", "rinominata".to_string()),
            Kind::Modificato => ("~", "modificata".to_string()),
        };
        out.push_str(&format!("{mark} {} {} ({what})\n", c.codice, c.titolo));
        if let Some(before) = &c.titolo_prima {
            out.push_str(&format!("    titolo: prima «{before}»\n"));
        }
        if let Some(a) = c.attivita {
            out.push_str(&format!("    attività: {} → {}\n", a.prima, a.dopo));
        }
        for f in &c.campi {
            let name = match f.campo.as_str() {
                "name" => "nome dell'attività",
                "input" => "input",
                "output" => "output",
                "steps" => "sequenza di attività",
                "responsible" => "responsabile",
                other => other,
            };
            out.push_str(&format!("    {name}: "));
            let words: Vec<String> = f
                .pezzi
                .iter()
                .map(|p| match p {
                    Piece::Uguale(t) => t.clone(),
                    Piece::Tolto(t) => format!("[-{t}-]"),
                    Piece::Aggiunto(t) => format!("{{+{t}+}}"),
                })
                .collect();
            out.push_str(&words.join(" "));
            out.push('\n');
        }
    }
    out
}

/// Compares two maps.
pub fn compare(old: &BTreeMap<Code, Entry>, new: &BTreeMap<Code, Entry>) -> Changes {
    let gone: Vec<&Entry> = old
        .values()
        .filter(|e| !new.contains_key(&e.code))
        .collect();
    let came: Vec<&Entry> = new
        .values()
        .filter(|e| !old.contains_key(&e.code))
        .collect();
    let moves = match_moves(&gone, &came);
    let moved_from: BTreeSet<&Code> = moves.keys().collect();
    let moved_to: BTreeSet<&Code> = moves.values().collect();
    let mut out = Vec::new();
    for e in &gone {
        if let Some(to) = moves.get(&e.code) {
            let now = &new[to];
            out.push(Change {
                tipo: Kind::Spostato,
                codice: to.clone(),
                da: Some(e.code.clone()),
                titolo: now.title.clone(),
                titolo_prima: (now.title != e.title).then(|| e.title.clone()),
                attivita: activities(e, now),
                campi: fields(e, now),
            });
        } else if !moved_from.contains(&e.code) {
            out.push(Change::whole(Kind::Eliminato, e));
        }
    }
    for e in &came {
        if !moved_to.contains(&e.code) {
            out.push(Change::whole(Kind::Aggiunto, e));
        }
    }
    for (code, before) in old {
        let Some(now) = new.get(code) else {
            continue;
        };
        if before.same_data(now) {
            continue;
        }
        let renamed = normalise(&before.title) != normalise(&now.title);
        let campi = fields(before, now);
        if !renamed
            && campi.is_empty()
            && before.title == now.title
            && activities(before, now).is_none()
        {
            // Only the lines of the sheet moved.
            continue;
        }
        out.push(Change {
            tipo: if renamed {
                Kind::Rinominato
            } else {
                Kind::Modificato
            },
            codice: code.clone(),
            da: None,
            titolo: now.title.clone(),
            titolo_prima: (before.title != now.title).then(|| before.title.clone()),
            attivita: activities(before, now),
            campi,
        });
    }
    out.sort_by(|a, b| a.codice.cmp(&b.codice).then(a.tipo.cmp(&b.tipo)));
    Changes { modifiche: out }
}

/// Gone codes to new codes, for the entries recognised as moved.
fn match_moves(gone: &[&Entry], came: &[&Entry]) -> BTreeMap<Code, Code> {
    let mut moves = BTreeMap::new();
    // Same title, shared by no other gone or new entry.
    let gone_keys: Vec<String> = gone.iter().map(|e| normalise(&e.title)).collect();
    let came_keys: Vec<String> = came.iter().map(|e| normalise(&e.title)).collect();
    fn tally(keys: &[String]) -> HashMap<&str, (usize, usize)> {
        let mut m: HashMap<&str, (usize, usize)> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            m.entry(k.as_str()).or_insert((0, i)).0 += 1;
        }
        m
    }
    let (gone_count, came_count) = (tally(&gone_keys), tally(&came_keys));
    let mut by_title = vec![false; gone.len()];
    let mut taken = vec![false; came.len()];
    for (i, k) in gone_keys.iter().enumerate() {
        if k.is_empty() || gone_count.get(k.as_str()).map(|c| c.0) != Some(1) {
            continue;
        }
        if let Some(&(1, j)) = came_count.get(k.as_str()) {
            moves.insert(gone[i].code.clone(), came[j].code.clone());
            by_title[i] = true;
            taken[j] = true;
        }
    }
    // Alike rows, each the other's best match.
    let mut vocabulary = Vocabulary::default();
    let gone_words: Vec<Vec<u32>> = gone.iter().map(|e| vocabulary.words(e)).collect();
    let came_words: Vec<Vec<u32>> = came.iter().map(|e| vocabulary.words(e)).collect();
    let came_index = Index::new(&came_words, |j| came[j].has_data());
    let gone_index = Index::new(&gone_words, |i| gone[i].has_data() && !by_title[i]);
    for i in (0..gone.len()).filter(|&i| !by_title[i] && gone[i].has_data()) {
        let Some(j) = came_index.best(&gone_words[i], &came_words, &taken) else {
            continue;
        };
        if gone_index.best(&came_words[j], &gone_words, &by_title) == Some(i) {
            moves.insert(gone[i].code.clone(), came[j].code.clone());
            taken[j] = true;
        }
    }
    moves
}

/// The cells two versions of an entry are compared on, in the order the
/// change list shows them.
const COMPARED: [Role; 5] = [
    Role::Name,
    Role::Input,
    Role::Output,
    Role::Steps,
    Role::Responsible,
];

/// Words as numbers, the same number for the same word.
#[derive(Default)]
struct Vocabulary {
    ids: HashMap<String, u32>,
}

impl Vocabulary {
    /// The distinct words (over two letters) of an entry's rows, sorted.
    fn words(&mut self, e: &Entry) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for r in &e.rows {
            for role in COMPARED {
                for w in normalise(r.cell(role)).split(' ').filter(|w| w.len() > 2) {
                    let next = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
                    out.push(*self.ids.entry(w.to_string()).or_insert(next));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Which entries of one side hold each word.
struct Index {
    postings: HashMap<u32, Vec<usize>>,
}

impl Index {
    fn new(words: &[Vec<u32>], keep: impl Fn(usize) -> bool) -> Index {
        let mut postings: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, ws) in words.iter().enumerate().filter(|(i, _)| keep(*i)) {
            for w in ws {
                postings.entry(*w).or_default().push(i);
            }
        }
        Index { postings }
    }

    /// The entry most alike `a` (highest Jaccard index, at least
    /// [`SAME_WORDS`]; on a tie the first in code order), skipping the
    /// `skip`ped. Exact without comparing every pair: when two sets are at
    /// least 75% alike, at most a quarter of `a`'s words are missing from
    /// the other, so any quarter-plus-one of them includes a shared word:
    /// the candidates are the entries holding one of `a`'s rarest words.
    fn best(&self, a: &[u32], others: &[Vec<u32>], skip: &[bool]) -> Option<usize> {
        if a.is_empty() {
            return None;
        }
        let df = |w: &u32| self.postings.get(w).map_or(0, Vec::len);
        let mut rare: Vec<&u32> = a.iter().collect();
        rare.sort_by_key(|w| (df(w), **w));
        let probe = a.len() / 4 + 1;
        let mut candidates: Vec<usize> = rare
            .iter()
            .take(probe)
            .filter_map(|w| self.postings.get(*w))
            .flatten()
            .copied()
            .filter(|&j| !skip[j])
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut best: Option<(f64, usize)> = None;
        // |a ∩ b| ≤ min(|a|, |b|) and |a ∪ b| ≥ max(|a|, |b|): sets whose
        // sizes differ by more than the threshold cannot be alike enough.
        let alike_size = |n: usize| {
            let (lo, hi) = (a.len().min(n) as f64, a.len().max(n) as f64);
            lo >= SAME_WORDS * hi
        };
        for j in candidates
            .into_iter()
            .filter(|&j| alike_size(others[j].len()))
        {
            let s = jaccard(a, &others[j]);
            if s >= SAME_WORDS && best.is_none_or(|(b, _)| s > b) {
                best = Some((s, j));
            }
        }
        best.map(|(_, j)| j)
    }
}

/// |a ∩ b| / |a ∪ b| of two sorted sets.
fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        0.0
    } else {
        both as f64 / union as f64
    }
}

/// The fields whose text changed, each with its word-level difference. A
/// field's text is that of every activity of the entry, in order, so a row
/// split in two or merged compares as the same text.
fn fields(old: &Entry, new: &Entry) -> Vec<FieldChange> {
    let text = |e: &Entry, role: Role| -> String {
        e.rows
            .iter()
            .filter(|r| r.has_data())
            .map(|r| r.cell(role))
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut out = Vec::new();
    for role in COMPARED {
        let (a, b) = (text(old, role), text(new, role));
        if a.split_whitespace().ne(b.split_whitespace()) {
            out.push(FieldChange {
                campo: role.field().to_string(),
                pezzi: word_diff(&a, &b),
            });
        }
    }
    let extra = |e: &Entry| -> BTreeMap<String, String> {
        let mut m: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for r in e.rows.iter().filter(|r| r.has_data()) {
            for (k, v) in &r.extra {
                m.entry(k.clone()).or_default().push(v);
            }
        }
        m.into_iter().map(|(k, v)| (k, v.join("\n"))).collect()
    };
    let (xa, xb) = (extra(old), extra(new));
    let keys: BTreeSet<&String> = xa.keys().chain(xb.keys()).collect();
    for k in keys {
        let (a, b) = (
            xa.get(k).map_or("", String::as_str),
            xb.get(k).map_or("", String::as_str),
        );
        if a.split_whitespace().ne(b.split_whitespace()) {
            out.push(FieldChange {
                campo: k.clone(),
                pezzi: word_diff(a, b),
            });
        }
    }
    out
}

/// The largest texts compared word by word (words of one times the other):
/// beyond, the whole old text is shown removed and the new one added.
const MAX_WORK: usize = 4_000_000;

/// A word-level difference: the longest common subsequence of words kept,
/// the rest removed or added, adjacent pieces of a kind joined.
pub fn word_diff(old: &str, new: &str) -> Vec<Piece> {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut push = |p: Piece| {
        match (pieces.last_mut(), &p) {
            (Some(Piece::Uguale(s)), Piece::Uguale(t))
            | (Some(Piece::Tolto(s)), Piece::Tolto(t))
            | (Some(Piece::Aggiunto(s)), Piece::Aggiunto(t)) => {
                s.push(' ');
                s.push_str(t);
                return;
            }
            _ => {}
        }
        pieces.push(p);
    };
    if a.len().saturating_mul(b.len()) > MAX_WORK {
        if !a.is_empty() {
            push(Piece::Tolto(a.join(" ")));
        }
        if !b.is_empty() {
            push(Piece::Aggiunto(b.join(" ")));
        }
        return pieces;
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let w = b.len() + 1;
    let mut lcs = vec![0u32; (a.len() + 1) * w];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i * w + j] = if a[i] == b[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            push(Piece::Uguale(a[i].to_string()));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i * w + j + 1] > lcs[(i + 1) * w + j]) {
            push(Piece::Aggiunto(b[j].to_string()));
            j += 1;
        } else {
            push(Piece::Tolto(a[i].to_string()));
            i += 1;
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::Record;

    fn entry(code: &str, title: &str, steps: &str) -> Entry {
        Entry::new(
            code.parse().unwrap(),
            title.into(),
            vec![Record {
                line: 1,
                name: title.into(),
                input: "istanza di parte".into(),
                output: "atto".into(),
                steps: steps.into(),
                responsible: "PO Settore".into(),
                ..Record::default()
            }],
        )
    }

    fn map(list: Vec<Entry>) -> BTreeMap<Code, Entry> {
        list.into_iter().map(|e| (e.code.clone(), e)).collect()
    }

    /// The inverted index finds exactly what comparing every pair finds.
    #[test]
    fn index_best_is_the_best_of_every_pair() {
        struct Rng(u64);
        impl Rng {
            fn next(&mut self, n: u64) -> u64 {
                self.0 = self
                    .0
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (self.0 >> 33) % n
            }
            fn set(&mut self, vocab: u64) -> Vec<u32> {
                let len = 1 + self.next(12);
                let mut v: Vec<u32> = (0..len).map(|_| self.next(vocab) as u32).collect();
                v.sort_unstable();
                v.dedup();
                v
            }
        }
        let mut rng = Rng(7);
        for _ in 0..2000 {
            // Small vocabularies, so many sets are alike.
            let vocab = 5 + rng.next(30);
            let others: Vec<Vec<u32>> = (0..20).map(|_| rng.set(vocab)).collect();
            let a = rng.set(vocab);
            let skip: Vec<bool> = (0..others.len()).map(|_| rng.next(5) == 0).collect();
            let index = Index::new(&others, |_| true);
            let mut brute: Option<(f64, usize)> = None;
            for (j, o) in others.iter().enumerate().filter(|(j, _)| !skip[*j]) {
                let s = jaccard(&a, o);
                if s >= SAME_WORDS && brute.is_none_or(|(b, _)| s > b) {
                    brute = Some((s, j));
                }
            }
            assert_eq!(
                index.best(&a, &others, &skip),
                brute.map(|(_, j)| j),
                "{a:?}"
            );
        }
    }

    #[test]
    fn words_removed_and_added() {
        assert_eq!(
            word_diff(
                "verifica della istanza e protocollo",
                "verifica formale della istanza e archiviazione"
            ),
            vec![
                Piece::Uguale("verifica".into()),
                Piece::Aggiunto("formale".into()),
                Piece::Uguale("della istanza e".into()),
                Piece::Tolto("protocollo".into()),
                Piece::Aggiunto("archiviazione".into()),
            ]
        );
        assert_eq!(
            word_diff("", "nuovo"),
            vec![Piece::Aggiunto("nuovo".into())]
        );
    }

    #[test]
    fn added_removed_moved_renamed_modified() {
        let old = map(vec![
            entry("A1.1.1", "Protocollo", "1. ricezione 2. registrazione"),
            entry("A1.1.2", "Archivio", "1. versamento"),
            entry("A1.1.3", "Gestione albo", "1. pubblicazione degli atti"),
            entry("A1.1.4", "Posta", "1. smistamento"),
        ]);
        let new = map(vec![
            entry(
                "A1.1.1",
                "Protocollo",
                "1. ricezione 2. registrazione 3. assegnazione",
            ),
            entry("A1.2.7", "Archivio", "1. versamento"),
            entry("A1.1.3", "Albo on line", "1. pubblicazione degli atti"),
            entry(
                "A1.1.5",
                "Conservazione digitale",
                "1. invio al conservatore",
            ),
        ]);
        let c = compare(&old, &new);
        let kinds: Vec<(Kind, String)> = c
            .modifiche
            .iter()
            .map(|m| (m.tipo, m.codice.to_string()))
            .collect();
        assert_eq!(
            kinds,
            [
                (Kind::Modificato, "A1.1.1".to_string()),
                (Kind::Rinominato, "A1.1.3".into()),
                (Kind::Eliminato, "A1.1.4".into()),
                (Kind::Aggiunto, "A1.1.5".into()),
                (Kind::Spostato, "A1.2.7".into()),
            ]
        );
        assert_eq!(c.modifiche[4].da.as_ref().unwrap().to_string(), "A1.1.2");
        assert_eq!(c.summary(), "1 voce aggiunta, 1 voce eliminata, 1 voce spostata ad altro codice, 1 voce rinominata, 1 voce modificata");
        let steps = &c.modifiche[0].campi[0];
        assert_eq!(steps.campo, "steps");
        assert!(steps
            .pezzi
            .contains(&Piece::Aggiunto("3. assegnazione".into())));
    }
}
