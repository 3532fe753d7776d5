//! The command line speaks Italian, clap's own words included: every help
//! page and every mistyped command, option or value gets Italian words, the
//! usage, and where to find the help, with exit 2.

use std::process::{Command, Output};

fn manuale(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_manuale"))
        .args(args)
        .current_dir(dir.path())
        .output()
        .unwrap()
}

/// What clap writes in English when left alone.
const ENGLISH: [&str; 14] = [
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Print",
    "[default",
    "possible values",
    "[OPTIONS]",
    "<COMMAND>",
    "error:",
    "tip:",
    "For more information",
    "unexpected",
    "required",
];

fn assert_italian(what: &str, text: &str) {
    for word in ENGLISH {
        assert!(!text.contains(word), "{what}: «{word}» in\n{text}");
    }
}

const COMMANDS: [&str; 7] = [
    "nuovo",
    "importa",
    "controlla",
    "anteprima",
    "edizione",
    "confronta",
    "costruisci",
];

#[test]
fn every_help_page_is_in_italian() {
    for args in [vec!["--help"], vec!["-h"]]
        .into_iter()
        .chain(COMMANDS.iter().map(|c| vec![*c, "--help"]))
    {
        let out = manuale(&args);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("Uso: manuale"), "{args:?}:\n{text}");
        assert!(text.contains("Mostra questo aiuto"), "{args:?}:\n{text}");
        assert_italian(&format!("{args:?}"), &text);
    }
    let out = manuale(&["--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for c in COMMANDS {
        assert!(text.contains(&format!("  {c} ")), "{c} missing:\n{text}");
    }
    assert!(
        !text.contains("__foglio"),
        "the internal command is shown:\n{text}"
    );
    let out = manuale(&["--version"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("manuale "));
}

#[test]
fn a_mistyped_command_option_or_value_is_told_in_italian() {
    for (args, words) in [
        (
            &["costruisc"][..],
            &["«costruisc»", "«costruisci»", "Uso: manuale <COMANDO>"][..],
        ),
        (&["edizone"], &["«edizone»", "«edizione»"]),
        (
            &["costruisci", "--destinazone", "x"],
            &[
                "«--destinazone»",
                "«--destinazione»",
                "manuale costruisci --help",
            ],
        ),
        (&["costruisci", "sito"], &["non prende l'argomento «sito»"]),
        (
            &["controlla", "--formato", "xml"],
            &["«xml»", "testo, json"],
        ),
        (
            &["controlla", "--formato"],
            &["--formato", "vuole un valore"],
        ),
        (
            &["edizione", "--atto", "Delibera n. 1"],
            &["vuole anche --data"],
        ),
        (&["nuovo"], &["vuole anche <CARTELLA>"]),
        (
            &["anteprima", "--porta", "tremila"],
            &["«tremila»", "--porta"],
        ),
        (
            &["anteprima", "--indirizzo", "localhost:80"],
            &["«localhost:80»", "--indirizzo"],
        ),
    ] {
        let out = manuale(args);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("errore: "), "{args:?}: {err}");
        assert!(
            err.contains("Uso: manuale") && err.contains("Per l'aiuto: manuale"),
            "{args:?}: {err}"
        );
        for w in words {
            assert!(err.contains(w), "{args:?}: «{w}» missing from {err}");
        }
        assert_italian(&format!("{args:?}"), &err);
        assert!(!err.contains("?."), "{args:?}: {err}");
    }
}

/// The English names of the first releases (`build`, `--book`, `[book]`…)
/// keep working for one release: a chamber's scripts and books do not
/// break on the update, and each run says once what the new names are.
#[test]
fn the_old_english_names_still_work_and_say_the_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_manuale"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let sheet = repo.join("data/mappatura-processi.tsv");
    let out = run(&["init", "vecchio", "--foglio", sheet.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("«init» ora è «nuovo»")
            && err.contains("«--foglio FILE» ora è «FILE, dopo la cartella»"),
        "{err}"
    );
    // A book.toml written with the old names, as the first releases wrote it.
    std::fs::write(
        dir.path().join("vecchio/book.toml"),
        "[book]\ntitle = \"Mappatura\"\nchamber = \"Camera di commercio di Prima\"\n\
         color = \"#1f5f74\"\n\n[source]\nfile = \"data/mappatura-processi.tsv\"\n\n\
         [[footer]]\nname = \"Privacy\"\nurl = \"https://www.esempio.it/privacy\"\n",
    )
    .unwrap();
    let out = run(&["build", "--book", "vecchio", "--output", "sito"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    for note in [
        "«build» ora è «costruisci»",
        "«--book» ora è «--cartella»",
        "«--output» ora è «--destinazione»",
        "book.toml:1: «[book]» ora si scrive «[manuale]»",
        "book.toml:3: «chamber» ora si scrive «[ente] nome»",
        "book.toml:6: «[source]» ora si scrive «[mappatura]»",
        "book.toml:9: «[[footer]]» ora si scrive «[[piede]]»",
    ] {
        assert!(err.contains(note), "«{note}» missing from\n{err}");
    }
    let home = std::fs::read_to_string(dir.path().join("sito/index.html")).unwrap();
    assert!(home.contains("Camera di commercio di Prima") && home.contains(">Privacy<"));
    let out = run(&["check", "--book", "vecchio", "--format", "text"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("«text» ora è «testo»"), "{err}");
    // The new names: no note at all.
    let out = run(&["controlla", "--cartella", "vecchio", "--formato", "testo"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains(" ora è «"), "{err}");
}

/// A broken `book.toml` showed the TOML reader's English («invalid basic
/// string, expected `"`»): now the office reads what is wrong, in Italian,
/// at its line.
#[test]
fn a_broken_book_toml_is_told_in_italian_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    for (toml, line, words) in [
        ("[manuale]\ntitolo = \"Mappatura\n", 2, "non è chiuso"),
        (
            "[manuale]\nnome = \"Mappatura\"\n",
            2,
            "la voce «nome» non esiste; le voci sono: titolo, descrizione, indirizzo",
        ),
        (
            "[edizioni]\nanni = \"cinque\"\n",
            2,
            "serve un numero intero non negativo, e c'è il testo «cinque»",
        ),
        ("[manuale]\ntitolo = Mappatura\n", 2, "tra virgolette"),
        (
            "[manuale]\ntitolo = \"a\"\ntitolo = \"b\"\n",
            3,
            "già scritta",
        ),
        (
            "[[piede]]\nurl = \"https://a.it\"\n",
            1,
            "manca la voce «nome»",
        ),
        (
            "[book]\ntitle = \"a\"\n[manuale]\ntitolo = \"b\"\n",
            1,
            "«manuale» è scritto due volte",
        ),
        ("[ente]\nlogo = \"C:\\logo.svg\"\n", 2, "raddoppiala"),
    ] {
        std::fs::write(dir.path().join("book.toml"), toml).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_manuale"))
            .arg("costruisci")
            .current_dir(dir.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{toml}: {err}");
        assert!(err.contains(&format!("book.toml:{line}:")), "{toml}: {err}");
        assert!(err.contains(words), "{toml}: «{words}» missing from {err}");
        for english in [
            "invalid",
            "expected",
            "unknown field",
            "missing field",
            "duplicate",
        ] {
            assert!(!err.contains(english), "{toml}: «{english}» in {err}");
        }
    }
}
