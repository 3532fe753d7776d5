//! The interface's texts: every string a page shows that does not come from
//! the map, in Italian by default. `[ui]` in `book.toml` overrides any of
//! them; a key that does not exist is an error, so a typo does not pass
//! unnoticed. The struct is flat, so templates read `ui.home`; code reads
//! `config.ui.home`, and a missing entry is a compile error.

use serde::Serialize;

/// Declares the entries once: the struct, its defaults and its keys.
macro_rules! ui_strings {
    ($($key:ident = $default:literal,)*) => {
        /// Every text of the interface.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
        pub struct Ui {
            $(pub $key: String,)*
        }

        impl Default for Ui {
            fn default() -> Self {
                Ui { $($key: $default.to_string(),)* }
            }
        }

        impl Ui {
            /// The keys of `[ui]`, in the order above.
            pub const KEYS: &'static [&'static str] = &[$(stringify!($key)),*];

            /// Sets the entry `key`; false when there is none.
            pub(super) fn set(&mut self, key: &str, value: String) -> bool {
                match key {
                    $(stringify!($key) => self.$key = value,)*
                    _ => return false,
                }
                true
            }
        }
    };
}

ui_strings! {
    skip_to_content = "Vai al contenuto",
    breadcrumbs = "Percorso di navigazione",
    home = "Home",
    map_navigation = "Mappa dei processi",
    parent = "Livello superiore",
    children = "Che cosa comprende",
    siblings = "Pagine dello stesso livello",
    previous = "Precedente",
    next = "Successivo",
    updated = "Ultimo aggiornamento",
    processes_below = "voci",
    process_below = "voce",
    comprises = "Comprende",
    in_all = "in tutto",
    activity = "Scheda",
    activities = "Schede",
    activity_sheet = "Scheda",
    input = "Elementi in ingresso (input)",
    output = "Risultato atteso (output)",
    steps = "Sequenza di attività",
    responsible = "Responsabile (ruolo)",
    not_given = "non indicato nella mappatura",
    source_line = "riga {n} del foglio",
    title_in_sheet = "Come scritto nel foglio",
    name_in_sheet = "Nome riportato nel foglio",
    untitled = "Senza titolo",
    source = "Fonte",
    source_row = "riga {n} del file della mappatura",
    source_written = "scritto così",
    input_hint = "che cosa avvia il processo",
    output_hint = "che cosa ne risulta",
    steps_hint = "i passi, nell'ordine",
    responsible_hint = "chi ne risponde",
    author_notes = "Approfondimenti",
    functions = "Funzioni istituzionali",
    open_data = "Dati aperti",
    open_data_intro = "L'intera mappatura è scaricabile in formato aperto, riutilizzabile alle condizioni della licenza",
    download_csv = "Scarica in CSV",
    download_json = "Scarica in JSON",
    licence = "Licenza",
    not_found_title = "Pagina non trovata",
    not_found_text = "La pagina cercata non esiste o è stata spostata. Puoi ripartire dalla home o dalla mappa dei processi.",
    no_activities = "La mappatura non descrive questa voce oltre al suo titolo.",
    print_title = "La mappatura completa",
    print_link = "Stampa o salva in PDF tutta la mappatura",
    print_intro = "Tutta la mappatura in una pagina, per la stampa o per salvarla in PDF dal comando «Stampa» del browser.",
    print_toc = "Indice",
    search_label = "Cerca nella mappatura",
    search_help = "Una o più parole, per esempio «visura», «protesto», «diritto annuale». I risultati compaiono mentre scrivi; Invio li mostra tutti.",
    search_button = "Cerca",
    search_page_title = "Cerca nella mappatura",
    search_page_intro = "Scrivi una o più parole: la ricerca guarda i titoli, le attività e i testi delle pagine. Se conosci il codice di un processo (per esempio C2.5.3.1) puoi scrivere anche quello.",
    search_needs_script = "La ricerca ha bisogno di JavaScript, che in questo browser è spento. Puoi trovare ogni processo nella mappa dei processi.",
    search_none = "Nessun risultato per «{q}».",
    search_one = "1 risultato per «{q}».",
    search_many = "{n} risultati per «{q}».",
    search_over = "Più di {n} risultati per «{q}».",
    search_more = "Sono mostrati i primi {n} di {total}: aggiungi parole o scegli un filtro per restringere.",
    search_more_over = "Sono mostrati i primi {n}: aggiungi parole o scegli un filtro per restringere.",
    search_offline = "La ricerca funziona sul sito pubblicato: con le pagine aperte dal disco non è disponibile. Usa la mappa dei processi.",
    search_error = "La ricerca non ha risposto. Riprova, oppure usa la mappa dei processi.",
    search_function = "Funzione",
    search_all_functions = "Tutte le funzioni",
    search_role = "Responsabile",
    search_all_roles = "Tutti i responsabili",
    search_results = "Risultati della ricerca",
    transparency = "Amministrazione trasparente",
    contacts = "Contatti",
    office = "Ufficio responsabile",
    urp = "Ufficio relazioni con il pubblico (URP)",
    pec = "Posta elettronica certificata (PEC)",
    rpct = "Responsabile della prevenzione della corruzione e della trasparenza (RPCT)",
    report_error = "Segnala un errore o un'informazione da correggere",
    accessibility = "Dichiarazione di accessibilità",
    adopted_by = "Mappatura adottata con",
    editions = "Edizioni della mappatura",
    editions_intro = "Ogni anno l'ente adotta la mappatura dei processi e la pubblica qui; ogni edizione resta consultabile per cinque anni, con i suoi dati e l'elenco di che cosa è cambiato rispetto alla precedente.",
    edition_adopted = "Edizione adottata il",
    edition_pending = "Versione aggiornata dopo l'edizione adottata il",
    edition_pending_note = "Modifiche non ancora adottate",
    all_editions = "Tutte le edizioni e che cosa è cambiato",
    first_edition = "Prima edizione pubblicata.",
    changes_title = "Edizione del",
    changes_intro = "Che cosa è cambiato rispetto all'edizione del",
    changes_added = "Voci aggiunte",
    changes_removed = "Voci eliminate",
    changes_moved = "Voci spostate ad altro codice",
    changes_renamed = "Voci rinominate",
    changes_modified = "Voci modificate",
    changes_from = "prima",
    diff_removed = "testo tolto",
    diff_added = "testo aggiunto",
    activity_name = "Nome dell'attività",
    activity_rows = "Attività",
    activities_now = "ora",
    entries = "voci",
    act = "Atto",
    data_of_edition = "Dati dell'edizione",
    feed = "Segui le nuove edizioni (Atom)",
    history = "Storia",
    history_version = "testo di allora",
    history_pending = "Cambiata dopo l'ultima edizione adottata.",
    version_of = "Versione registrata nell'edizione del",
    version_current = "Versione attuale",
    gone_since = "Non è più nella mappatura dall'edizione del",
    gone_now = "Non è più nella mappatura corrente.",
    gone_moved = "Ora si trova in",
    gone_last = "Qui sotto l'ultima versione pubblicata.",
}

impl Ui {
    /// `source_line` for a line: "riga 12 del foglio".
    pub fn line_label(&self, line: usize) -> String {
        self.source_line.replace("{n}", &line.to_string())
    }
}
