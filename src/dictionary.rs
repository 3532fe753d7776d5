//! The data dictionary of the open data: the columns of `processi.csv` and
//! `processi.xlsx`, with their machine names, types, Italian titles and
//! descriptions. One list, read by the CSV and the workbook, by
//! `datapackage.json`, by the "Dati aperti" page and by the import of the
//! CSV, so that they cannot disagree. Each column says where its value
//! comes from ([`Origin`]), and the table that writes the files matches
//! every case: a column added here without a way to make its value does
//! not compile.
//!
//! The machine names are stable: they do not follow the wording of the
//! sheet's headers, which each chamber writes its own way (those are kept in
//! the `intestazione` of each field, shown in the dictionary).

use serde::{Deserialize, Serialize};

/// What a column of the sheet holds. Its name in pages and data files
/// ([`Role::field`]) is the name of the field of a
/// [`crate::mapping::Record`] it fills. The words `[colonne]` uses for it
/// are in `mapping::columns`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// `codice`: the normalised code written by `manuale`'s own CSV export.
    #[serde(rename = "code")]
    Normalised,
    /// CODIFICA UNIONCAMERE: code and title.
    #[serde(rename = "code_cell")]
    Code,
    /// NOME PROCESSO - ATTIVITA'.
    Name,
    /// Elementi in ingresso che innescano il processo (input).
    Input,
    /// Risultato atteso del processo (output).
    Output,
    /// Sequenza di attività.
    Steps,
    /// Responsabile output (ruolo).
    Responsible,
}

impl Role {
    /// The columns that make a row an activity, in the order pages show them.
    pub const DATA: [Role; 4] = [Role::Input, Role::Output, Role::Steps, Role::Responsible];

    /// The columns every map has (`codice` may stand for the first).
    pub const REQUIRED: [Role; 6] = [
        Role::Code,
        Role::Name,
        Role::Input,
        Role::Output,
        Role::Steps,
        Role::Responsible,
    ];

    /// The column's header in the national scheme.
    pub fn header(self) -> &'static str {
        match self {
            Role::Normalised => "codice",
            Role::Code => "CODIFICA UNIONCAMERE",
            Role::Name => "NOME PROCESSO - ATTIVITA'",
            Role::Input => "Elementi in ingresso che innescano il processo (input)",
            Role::Output => "Risultato atteso del processo (output)",
            Role::Steps => "Sequenza di attività",
            Role::Responsible => "Responsabile output (ruolo)",
        }
    }

    /// The name of the field this role fills, as pages, data files and
    /// templates write it.
    pub fn field(self) -> &'static str {
        match self {
            Role::Normalised => "code",
            Role::Code => "code_cell",
            Role::Name => "name",
            Role::Input => "input",
            Role::Output => "output",
            Role::Steps => "steps",
            Role::Responsible => "responsible",
        }
    }
}

/// A column's type, as Frictionless Table Schema names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    String,
    Integer,
    Date,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Integer => "integer",
            Type::Date => "date",
        }
    }
}

/// Where a column's values come from: what the open data's table matches
/// on, every case, so a column whose value nobody makes does not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Worked out by `manuale` from the code and the tree: ignored when the
    /// CSV is imported again, and computed afresh.
    Derived(Derived),
    /// The line of the original sheet: read back on import, so that pages
    /// cite the original rows.
    Line,
    /// The sheet's column that plays this role, as written.
    Sheet(Role),
}

/// The values `manuale` works out for each row from its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derived {
    /// The normalised code.
    Code,
    /// 1 for a function, 2 for a macro-process…
    Level,
    /// The level's name in `book.toml`.
    LevelName,
    /// The code of the node above.
    ParentCode,
    /// The node's title, without its code.
    Title,
    /// The page's path in the site.
    Page,
    /// [`UPDATED_MEANING`].
    Updated,
    /// [`HEADING_ROW`] or [`DATA_ROW`].
    RowKind,
}

/// One column of the open data.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Type,
    pub title: &'static str,
    pub description: &'static str,
    pub origin: Origin,
    /// Every row has a value.
    pub required: bool,
}

impl Field {
    /// The role of the sheet's column this field holds, if it holds one.
    pub fn sheet_role(&self) -> Option<Role> {
        match self.origin {
            Origin::Sheet(role) => Some(role),
            Origin::Derived(_) | Origin::Line => None,
        }
    }
}

/// What `tipo_riga` says of a row that only names its node.
pub const HEADING_ROW: &str = "intestazione";
/// What `tipo_riga` says of a row with data (input, output, steps or
/// responsible).
pub const DATA_ROW: &str = "attivita";

/// The machine name of the original line's column.
pub const LINE: &str = "riga_foglio";
/// The machine name of the normalised code's column.
pub const CODE: &str = "codice";

/// What "aggiornato" means, everywhere it is shown.
pub const UPDATED_MEANING: &str = "Data dell'ultimo aggiornamento (AAAA-MM-GG): per un processo senza \
     voci sotto di sé, la data dei suoi dati; per una voce che ne raccoglie altre, la più recente fra \
     la sua e quelle di tutte le voci sotto di essa. È la stessa data che mostrano le pagine, la \
     mappa del sito (sitemap.xml) e i metadati del catalogo.";

/// What the CSV does to a cell a spreadsheet would run as a formula, and
/// how to get the text back: said in `datapackage.json` and on the page of
/// the open data.
pub const CSV_FORMULAS: &str = "Nel CSV, una cella che comincia con =, +, -, @, una tabulazione, un a \
     capo o un apostrofo ha un apostrofo (') in più davanti, perché un foglio di calcolo che apre il file \
     non la esegua come formula (raccomandazione OWASP contro la «CSV injection»). Per avere il testo \
     originale si toglie quel primo apostrofo; «manuale importa» lo toglie da sé. Il JSON e il foglio Excel \
     hanno il testo così com'è.";

/// A cell as the CSV writes it: with an apostrophe before it when a
/// spreadsheet would take it for a formula ([`CSV_FORMULAS`]), or when it
/// starts with an apostrophe already (so that removing the first one always
/// gives the original).
pub fn csv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\n' | b'\'') => {
            format!("'{cell}").into()
        }
        _ => cell.into(),
    }
}

/// The original text of a cell of the CSV ([`csv_cell`] undone).
pub fn csv_original(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// The columns, in the order the files write them. Columns of the sheet that
/// the mapping does not know follow these, with the sheet's own headers.
pub const FIELDS: &[Field] = &[
    Field {
        name: CODE,
        kind: Type::String,
        title: "Codice",
        description:
            "Codice della voce secondo lo schema Unioncamere, scritto in forma normalizzata \
             (per esempio C2.5.3.1 o C1.1.7b).",
        origin: Origin::Derived(Derived::Code),
        required: true,
    },
    Field {
        name: "livello",
        kind: Type::Integer,
        title: "Livello",
        description:
            "Livello della voce nella mappatura: 1 per le funzioni istituzionali A–F, 2 per \
             i macro-processi e così via.",
        origin: Origin::Derived(Derived::Level),
        required: true,
    },
    Field {
        name: "nome_livello",
        kind: Type::String,
        title: "Nome del livello",
        description: "Nome del livello (Funzione istituzionale, Macro-processo, Processo, \
             Sotto-processo, Attività, Azione).",
        origin: Origin::Derived(Derived::LevelName),
        required: true,
    },
    Field {
        name: "codice_padre",
        kind: Type::String,
        title: "Codice della voce superiore",
        description: "Codice della voce che contiene questa; vuoto per le funzioni istituzionali.",
        origin: Origin::Derived(Derived::ParentCode),
        required: false,
    },
    Field {
        name: "titolo",
        kind: Type::String,
        title: "Titolo",
        description: "Titolo della voce, senza il codice.",
        origin: Origin::Derived(Derived::Title),
        required: false,
    },
    Field {
        name: "pagina",
        kind: Type::String,
        title: "Pagina",
        description: "Percorso della pagina della voce nel sito, rispetto al suo indirizzo \
             (per esempio processi/C2.5.3.1.html).",
        origin: Origin::Derived(Derived::Page),
        required: true,
    },
    Field {
        name: "aggiornato",
        kind: Type::Date,
        title: "Aggiornato il",
        description: UPDATED_MEANING,
        origin: Origin::Derived(Derived::Updated),
        required: false,
    },
    Field {
        name: "tipo_riga",
        kind: Type::String,
        title: "Tipo di riga",
        description: "«intestazione» per una riga che dà solo il codice e il nome della voce; \
             «attivita» per una riga con i dati di un'attività (input, output, sequenza o \
             responsabile).",
        origin: Origin::Derived(Derived::RowKind),
        required: true,
    },
    Field {
        name: LINE,
        kind: Type::Integer,
        title: "Riga del foglio",
        description: "Numero della riga nel foglio della mappatura adottato dall'ente, da cui \
             viene il contenuto della riga.",
        origin: Origin::Line,
        required: true,
    },
    Field {
        name: "codifica_unioncamere",
        kind: Type::String,
        title: "Codifica Unioncamere",
        description: "La prima cella della riga come scritta nel foglio: codice e titolo.",
        origin: Origin::Sheet(Role::Code),
        required: false,
    },
    Field {
        name: "nome_attivita",
        kind: Type::String,
        title: "Nome del processo o dell'attività",
        description: "Il nome del processo o dell'attività come scritto nel foglio.",
        origin: Origin::Sheet(Role::Name),
        required: false,
    },
    Field {
        name: "input",
        kind: Type::String,
        title: "Elementi in ingresso (input)",
        description:
            "Che cosa avvia il processo: la domanda, l'evento o il documento da cui parte.",
        origin: Origin::Sheet(Role::Input),
        required: false,
    },
    Field {
        name: "output",
        kind: Type::String,
        title: "Risultato atteso (output)",
        description: "Che cosa produce il processo: l'atto, il servizio o il documento finale.",
        origin: Origin::Sheet(Role::Output),
        required: false,
    },
    Field {
        name: "sequenza_attivita",
        kind: Type::String,
        title: "Sequenza di attività",
        description: "I passi che portano all'output, nell'ordine, come scritti nel foglio \
             (un passo per riga).",
        origin: Origin::Sheet(Role::Steps),
        required: false,
    },
    Field {
        name: "responsabile",
        kind: Type::String,
        title: "Responsabile (ruolo)",
        description: "Il ruolo responsabile dell'output.",
        origin: Origin::Sheet(Role::Responsible),
        required: false,
    },
];

/// The field of this machine name.
pub fn field(name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.name == name)
}

/// Whether a header row is that of `manuale`'s own CSV: it names the code
/// and the original line with their machine names.
pub fn is_export_header<S: AsRef<str>>(headers: &[S]) -> bool {
    let has = |n: &str| headers.iter().any(|h| h.as_ref().trim() == n);
    has(CODE) && has(LINE)
}

#[cfg(test)]
mod csv_tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_the_text_comes_back() {
        for cell in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "'già un apostrofo",
            "- primo passo - secondo passo",
        ] {
            let safe = csv_cell(cell);
            assert!(safe.starts_with('\''), "{cell}");
            assert_eq!(csv_original(&safe), cell);
        }
        for cell in ["1. Istruttoria", "PO Settore", "", "C1.1.4.1", "a = b"] {
            assert_eq!(csv_cell(cell), cell);
            assert_eq!(csv_original(cell), cell);
        }
    }
}
