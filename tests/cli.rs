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
    "init",
    "import",
    "check",
    "serve",
    "edizione",
    "confronta",
    "build",
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
            &["buil"][..],
            &["«buil»", "«build»", "Uso: manuale <COMANDO>"][..],
        ),
        (&["edizone"], &["«edizone»", "«edizione»"]),
        (
            &["build", "--outptu", "x"],
            &["«--outptu»", "«--output»", "manuale build --help"],
        ),
        (&["build", "sito"], &["non prende l'argomento «sito»"]),
        (&["check", "--format", "xml"], &["«xml»", "text, json"]),
        (&["check", "--format"], &["--format", "vuole un valore"]),
        (
            &["edizione", "--atto", "Delibera n. 1"],
            &["vuole anche --data"],
        ),
        (&["init"], &["vuole anche <CARTELLA>"]),
        (&["serve", "--port", "tremila"], &["«tremila»", "--port"]),
        (
            &["serve", "--host", "localhost:80"],
            &["«localhost:80»", "--host"],
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

/// A broken `book.toml` showed the TOML reader's English («invalid basic
/// string, expected `"`»): now the office reads what is wrong, in Italian,
/// at its line.
#[test]
fn a_broken_book_toml_is_told_in_italian_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    for (toml, line, words) in [
        ("[book]\ntitle = \"Mappatura\n", 2, "non è chiuso"),
        (
            "[book]\ntitolo = \"Mappatura\"\n",
            2,
            "la voce «titolo» non esiste; le voci sono: title",
        ),
        (
            "[edizioni]\nanni = \"cinque\"\n",
            2,
            "serve un numero intero non negativo, e c'è il testo «cinque»",
        ),
        ("[book]\ntitle = Mappatura\n", 2, "tra virgolette"),
        ("[book]\ntitle = \"a\"\ntitle = \"b\"\n", 3, "già scritta"),
        (
            "[[footer]]\nurl = \"https://a.it\"\n",
            1,
            "manca la voce «name»",
        ),
        ("[ente]\nlogo = \"C:\\logo.svg\"\n", 2, "raddoppiala"),
    ] {
        std::fs::write(dir.path().join("book.toml"), toml).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_manuale"))
            .arg("build")
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
