//! Column recognition: which column of the sheet holds what, found from the
//! header row's text in any order, and the role each column plays.

use crate::dictionary::{self, Origin};
use crate::source::Sheet;
use crate::text::normalise;
use std::collections::BTreeMap;

/// How many non-blank rows from the top may hold the header row.
pub(super) const HEADER_SEARCH: usize = 30;

pub use crate::dictionary::Role;

/// Where each role sits in the sheet, and the headers as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    pub header_line: usize,
    /// Header texts as read, one per column.
    pub headers: Vec<String>,
    roles: BTreeMap<Role, usize>,
    /// Columns with a header `manuale` does not know.
    pub extra: Vec<usize>,
    /// In `manuale`'s own CSV: the column of the original sheet's line.
    pub line: Option<usize>,
    /// In `manuale`'s own CSV: the columns it works out from the code
    /// (level, parent, title…), computed afresh rather than read.
    pub derived: Vec<usize>,
}

impl Columns {
    pub fn index(&self, role: Role) -> Option<usize> {
        self.roles.get(&role).copied()
    }

    /// The role of column `i`, if it has one.
    pub fn role(&self, i: usize) -> Option<Role> {
        self.roles.iter().find(|(_, &c)| c == i).map(|(&r, _)| r)
    }

    /// The header of a role's column, as the sheet writes it.
    pub fn header(&self, role: Role) -> Option<&str> {
        self.index(role).map(|i| self.headers[i].as_str())
    }

    /// The 1-based column of a role, or `default` when the sheet lacks it.
    pub(super) fn number(&self, role: Role, default: usize) -> usize {
        self.index(role).map_or(default, |i| i + 1)
    }
}

/// Finds the header row and the role of each column.
pub(super) fn find_columns(sheet: &Sheet, own: &HeaderRoles) -> Option<Columns> {
    for row in sheet
        .rows
        .iter()
        .filter(|r| !r.is_blank())
        .take(HEADER_SEARCH)
    {
        let mut roles = BTreeMap::new();
        let mut extra = Vec::new();
        let mut line = None;
        let mut derived = Vec::new();
        let export = dictionary::is_export_header(&row.cells);
        for (i, h) in row.cells.iter().enumerate() {
            if export {
                match dictionary::field(h.trim()).map(|f| f.origin) {
                    Some(Origin::Line) if line.is_none() => {
                        line = Some(i);
                        continue;
                    }
                    Some(Origin::Derived(_)) if h.trim() != dictionary::CODE => {
                        derived.push(i);
                        continue;
                    }
                    _ => {}
                }
            }
            match role_with(h, own) {
                Some(role) if !roles.contains_key(&role) => {
                    roles.insert(role, i);
                }
                _ if h.trim().is_empty() => {}
                _ => extra.push(i),
            }
        }
        let has_code = roles.contains_key(&Role::Code) || roles.contains_key(&Role::Normalised);
        let others = roles
            .keys()
            .filter(|r| !matches!(r, Role::Code | Role::Normalised))
            .count();
        if has_code && others >= 2 {
            if !roles.contains_key(&Role::Code) {
                // Only `codice`: it is also the code-and-title column.
                let i = roles[&Role::Normalised];
                roles.insert(Role::Code, i);
                roles.remove(&Role::Normalised);
            }
            return Some(Columns {
                header_line: row.line,
                headers: row.cells.clone(),
                roles,
                extra,
                line,
                derived,
            });
        }
    }
    None
}

/// Headers a book maps to roles itself (`[colonne]` in `book.toml`), by
/// their normalised text.
pub type HeaderRoles = BTreeMap<String, Role>;

/// Recognises a column by its header text, the way chambers word it: the
/// national headers and the common variants (`Fasi del processo`,
/// `Unità responsabile`, `Output atteso`, `Prodotto`, `Esito`…).
pub fn role_of(header: &str) -> Option<Role> {
    let h = normalise(header);
    if h == "codice" {
        return Some(Role::Normalised);
    }
    let has = |w: &str| h.contains(w);
    let word = |w: &str| h.split(' ').any(|x| x == w);
    Some(if has("codifica") || h.starts_with("codice") {
        Role::Code
    } else if has("responsabil") {
        Role::Responsible
    } else if has("sequenza") || word("fasi") || word("fase") || has("procedura") {
        Role::Steps
    } else if has("ingresso") || has("input") {
        Role::Input
    } else if has("risultato") || has("output") || word("prodotto") || word("esito") {
        Role::Output
    } else if word("ufficio") || word("struttura") || word("unita") || word("ruolo") {
        Role::Responsible
    } else if has("nome") || has("attivita") || has("processo") || has("denominazione") {
        Role::Name
    } else {
        return None;
    })
}

/// A header's role: the book's own mapping first, then [`role_of`].
pub(super) fn role_with(header: &str, own: &HeaderRoles) -> Option<Role> {
    own.get(&normalise(header))
        .copied()
        .or_else(|| role_of(header))
}

impl Role {
    /// The words `[colonne]` in `book.toml` uses for the roles.
    pub const WORDS: [(&'static str, Role); 6] = [
        ("codice", Role::Code),
        ("nome", Role::Name),
        ("input", Role::Input),
        ("output", Role::Output),
        ("sequenza", Role::Steps),
        ("responsabile", Role::Responsible),
    ];

    /// The role a `[colonne]` word names.
    pub fn from_word(word: &str) -> Option<Role> {
        Self::WORDS
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(word.trim()))
            .map(|(_, r)| *r)
    }

    /// The `[colonne]` word for the role.
    pub fn word(self) -> &'static str {
        Self::WORDS
            .iter()
            .find(|(_, r)| *r == self)
            .map_or("codice", |(w, _)| w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_from_real_headers() {
        assert_eq!(role_of("CODIFICA UNIONCAMERE"), Some(Role::Code));
        assert_eq!(role_of("NOME PROCESSO - ATTIVITA'"), Some(Role::Name));
        assert_eq!(
            role_of("Elementi in ingresso che innescano il processo -input"),
            Some(Role::Input)
        );
        assert_eq!(
            role_of("Risultato atteso del processo -output"),
            Some(Role::Output)
        );
        assert_eq!(
            role_of("Sequenza di attività che consente di raggiungere l'output-le \"attività\""),
            Some(Role::Steps)
        );
        assert_eq!(
            role_of("Responsabile output (ruolo)"),
            Some(Role::Responsible)
        );
        assert_eq!(role_of("codice"), Some(Role::Normalised));
        assert_eq!(role_of("Note"), None);
        // Other chambers' wording.
        for (header, role) in [
            ("Codice e denominazione", Role::Code),
            ("Responsabile", Role::Responsible),
            ("Descrizione attività", Role::Name),
            ("Input (elementi in ingresso)", Role::Input),
            ("Output atteso", Role::Output),
            ("Fasi del processo", Role::Steps),
            ("Descrizione delle fasi", Role::Steps),
            ("Unità responsabile", Role::Responsible),
            ("Ufficio", Role::Responsible),
            ("Struttura organizzativa", Role::Responsible),
            ("Prodotto", Role::Output),
            ("Esito", Role::Output),
        ] {
            assert_eq!(role_of(header), Some(role), "{header}");
        }
    }
}
