//! `[ente]`: the chamber whose site the map belongs to. Its name, logo and
//! addresses put the map inside the chamber's own site (header, breadcrumb
//! trail, footer, as Designers Italia lays them out); its office, contacts
//! and the act that adopted the map tell a citizen whom to ask. Every entry
//! is optional: what is missing is simply not shown, and `build` warns about
//! what a publication in "Amministrazione trasparente" should have.

use serde::{Deserialize, Serialize};

/// A link with its text.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Tappa {
    pub nome: String,
    pub url: String,
}

/// The chamber.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Ente {
    /// "Camera di commercio di Esempio"; `[book] chamber` when absent.
    pub nome: Option<String>,
    /// The logo, a file of the book (SVG or PNG), relative to it.
    pub logo: Option<String>,
    /// The chamber's code in the IPA index (indicepa.gov.it), e.g.
    /// `cciaa_xx`: it identifies the publisher in the national catalogue.
    pub codice_ipa: Option<String>,
    /// The chamber's website.
    pub sito: Option<String>,
    /// Its "Amministrazione trasparente" index.
    pub trasparenza: Option<String>,
    /// The breadcrumb trail between that index and this map (e.g.
    /// "Altri contenuti", "Prevenzione della corruzione").
    pub percorso: Vec<Tappa>,
    /// The office responsible for the map.
    pub ufficio: Option<String>,
    /// The office's e-mail or page.
    pub ufficio_contatto: Option<String>,
    /// URP (public relations office): e-mail, phone or page.
    pub urp: Option<String>,
    /// The chamber's certified e-mail (PEC).
    pub pec: Option<String>,
    /// The anticorruption and transparency officer (RPCT), and a contact.
    pub rpct: Option<String>,
    pub rpct_contatto: Option<String>,
    /// Where to report an error: an e-mail address or a form's URL.
    pub segnalazioni: Option<String>,
    /// The chamber's accessibility statement (AgID form).
    pub accessibilita: Option<String>,
    /// The act that adopted the map, e.g. "Delibera di Giunta n. 12 del
    /// 28/01/2026", and its URL.
    pub atto: Option<String>,
    pub atto_url: Option<String>,
}

impl Ente {
    /// What a publication in "Amministrazione trasparente" should name and
    /// this book does not: `(key, why)`.
    pub fn missing(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        let mut want = |present: bool, key: &'static str, why: &'static str| {
            if !present {
                out.push((key, why));
            }
        };
        want(
            self.nome.is_some(),
            "nome",
            "il nome dell'ente nell'intestazione",
        );
        want(
            self.sito.is_some(),
            "sito",
            "il collegamento al sito dell'ente",
        );
        want(
            self.trasparenza.is_some(),
            "trasparenza",
            "il collegamento ad «Amministrazione trasparente», da cui parte il percorso",
        );
        want(
            self.ufficio.is_some(),
            "ufficio",
            "l'ufficio responsabile della pubblicazione",
        );
        want(
            self.urp.is_some() || self.pec.is_some(),
            "urp",
            "un contatto per i cittadini (URP o PEC)",
        );
        want(
            self.segnalazioni.is_some(),
            "segnalazioni",
            "dove segnalare un errore",
        );
        want(
            self.accessibilita.is_some(),
            "accessibilita",
            "la dichiarazione di accessibilità (Legge 4/2004)",
        );
        want(
            self.atto.is_some(),
            "atto",
            "l'atto che ha adottato la mappatura",
        );
        out
    }

    /// The link for a contact: `mailto:` for an e-mail address, the text
    /// itself for an address of a page, none for a phone number or words.
    pub fn href(contact: &str) -> Option<String> {
        let c = contact.trim();
        if c.starts_with("https://") || c.starts_with("http://") || c.starts_with("mailto:") {
            Some(c.to_string())
        } else if c.contains('@') && !c.contains(' ') {
            Some(format!("mailto:{c}"))
        } else {
            None
        }
    }
}
