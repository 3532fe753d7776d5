//! What `book.toml` holds when it says nothing: the functions of the
//! Unioncamere scheme, the roles, the glossary, the names of the levels.

use std::collections::BTreeMap;

pub fn default_functions() -> BTreeMap<String, String> {
    [
        ("A", "Organi istituzionali e segreteria generale"),
        ("B", "Servizi di supporto"),
        ("C", "Anagrafe e servizi di regolazione dei mercati"),
        (
            "D",
            "Studio, formazione, informazione e promozione economica",
        ),
        (
            "E",
            "Progetti a valere sulla maggiorazione del diritto annuale",
        ),
        ("F", "Altri servizi ad imprese e territorio"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

pub fn default_roles() -> BTreeMap<String, Vec<String>> {
    [
        ("Segretario generale", &["segretario generale", "SG"][..]),
        ("Dirigente", &["dirigent"][..]),
        (
            "Posizione organizzativa (PO)",
            &[
                "PO",
                "P.O",
                "posizione organizzativa",
                "posizioni organizzative",
            ][..],
        ),
        (
            "Operatori e addetti",
            &["operator", "addett", "estensore"][..],
        ),
        ("Giunta", &["giunta"][..]),
        ("Consiglio", &["consiglio"][..]),
        ("Presidente", &["presidente"][..]),
        ("Conservatore del Registro imprese", &["conservatore"][..]),
        ("Ispettori", &["ispettor"][..]),
        ("Commissioni", &["commission"][..]),
        ("Responsabile anticorruzione (RPCT)", &["RPCT"][..]),
        (
            "Organismi e gruppi di lavoro",
            &[
                "gruppo di lavoro",
                "delegazion",
                "comitato",
                "deputazione",
                "collegio",
                "OIV",
                "UCPD",
            ][..],
        ),
    ]
    .into_iter()
    .map(|(k, v)| {
        (
            k.to_string(),
            v.iter().map(std::string::ToString::to_string).collect(),
        )
    })
    .collect()
}

/// Acronyms common in a chamber's map. `[glossario]` adds to them; an entry
/// set to "" removes one.
pub fn default_glossary() -> BTreeMap<String, String> {
    [
        ("ANAC", "Autorità nazionale anticorruzione"),
        (
            "CCIAA",
            "Camera di commercio, industria, artigianato e agricoltura",
        ),
        ("CNS", "Carta nazionale dei servizi"),
        ("DVR", "Documento di valutazione dei rischi"),
        ("MEPA", "Mercato elettronico della pubblica amministrazione"),
        ("OIV", "Organismo indipendente di valutazione"),
        ("PEC", "Posta elettronica certificata"),
        ("PIAO", "Piano integrato di attività e organizzazione"),
        (
            "PIRA",
            "Piano degli indicatori e dei risultati attesi di bilancio",
        ),
        ("PO", "Posizione organizzativa"),
        ("REA", "Repertorio economico amministrativo"),
        ("RI", "Registro delle imprese"),
        (
            "RPCT",
            "Responsabile della prevenzione della corruzione e della trasparenza",
        ),
        (
            "RSPP",
            "Responsabile del servizio di prevenzione e protezione",
        ),
        ("SPID", "Sistema pubblico di identità digitale"),
        ("SUAP", "Sportello unico per le attività produttive"),
        ("UCPD", "Ufficio competente per i procedimenti disciplinari"),
        ("URP", "Ufficio relazioni con il pubblico"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

pub fn default_levels_plural() -> Vec<String> {
    [
        "Funzioni istituzionali",
        "Macro-processi",
        "Processi",
        "Sotto-processi",
        "Attività",
        "Azioni",
    ]
    .map(String::from)
    .to_vec()
}

pub fn default_levels() -> Vec<String> {
    [
        "Funzione istituzionale",
        "Macro-processo",
        "Processo",
        "Sotto-processo",
        "Attività",
        "Azione",
    ]
    .map(String::from)
    .to_vec()
}
