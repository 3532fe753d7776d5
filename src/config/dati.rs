//! `[dati]`: how the open data are described to the national catalogue
//! (dati.gov.it, DCAT-AP_IT) and in `datapackage.json`. Every entry has a
//! default drawn from `[book]` and `[ente]`.

use serde::Deserialize;

/// The EU data themes (`http://publications.europa.eu/resource/authority/data-theme/…`).
pub const THEMES: [&str; 14] = [
    "AGRI",
    "ECON",
    "EDUC",
    "ENER",
    "ENVI",
    "GOVE",
    "HEAL",
    "INTR",
    "JUST",
    "REGI",
    "SOCI",
    "TECH",
    "TRAN",
    "OP_DATPRO",
];

/// The EU frequencies (`http://publications.europa.eu/resource/authority/frequency/…`)
/// a map can be updated with.
pub const FREQUENCIES: [&str; 16] = [
    "ANNUAL",
    "ANNUAL_2",
    "ANNUAL_3",
    "BIENNIAL",
    "TRIENNIAL",
    "QUADRENNIAL",
    "QUINQUENNIAL",
    "QUARTERLY",
    "MONTHLY",
    "WEEKLY",
    "DAILY",
    "IRREG",
    "NEVER",
    "UNKNOWN",
    "CONT",
    "OTHER",
];

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Dati {
    /// The dataset's title; `[book] title` and the chamber's name when absent.
    pub titolo: Option<String>,
    /// The dataset's description; `[book] description` when absent.
    pub descrizione: Option<String>,
    /// The identifier the national catalogue gave the dataset
    /// (`codiceIPA:D.n`); `codiceIPA:mappatura-processi` until it has one.
    pub identificativo: Option<String>,
    /// EU data themes, e.g. `["GOVE"]` (the default).
    pub temi: Vec<String>,
    /// EU frequency of updates: `ANNUAL` by default (the map is adopted
    /// every year).
    pub frequenza: Option<String>,
    /// Keywords (`dcat:keyword`).
    pub parole_chiave: Vec<String>,
    /// The contact point's office name; `[ente] ufficio` when absent.
    pub contatto_nome: Option<String>,
    /// The contact point's e-mail; `[ente] ufficio_contatto`, then `urp`.
    pub contatto_email: Option<String>,
    /// The licence's IRI in AgID's licences vocabulary, when the licence is
    /// not one `manuale` knows (CC BY 4.0, CC BY-SA 4.0, CC0 1.0).
    pub licenza_iri: Option<String>,
}

impl Dati {
    pub fn themes(&self) -> Vec<&str> {
        if self.temi.is_empty() {
            vec!["GOVE"]
        } else {
            self.temi.iter().map(String::as_str).collect()
        }
    }

    pub fn frequency(&self) -> &str {
        self.frequenza.as_deref().unwrap_or("ANNUAL")
    }

    pub fn keywords(&self) -> Vec<&str> {
        if self.parole_chiave.is_empty() {
            vec![
                "mappatura dei processi",
                "prevenzione della corruzione",
                "trasparenza",
                "camera di commercio",
            ]
        } else {
            self.parole_chiave.iter().map(String::as_str).collect()
        }
    }
}
