//! The command line in Italian, clap's own words included: the help of
//! every command («Uso», «Opzioni», «Argomenti», «Comandi», «Mostra questo
//! aiuto»), and the errors of a mistyped command or option, which clap
//! writes in English («error: unrecognized subcommand», «tip:», «For more
//! information, try '--help'»). An office worker reads every word.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// The layout of every help page, with the Italian heading of the usage.
const TEMPLATE: &str = "{about-with-newline}\nUso: {usage}\n\n{all-args}{after-help}";

/// `cmd` and its subcommands with Italian help; the root (no `parent`)
/// also gets `--version`.
pub(crate) fn italian(cmd: Command, parent: Option<&str>) -> Command {
    let root = parent.is_none();
    let mut cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("Comandi")
        .subcommand_value_name("COMANDO")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .disable_version_flag(true);
    let args: Vec<(clap::Id, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().clone(), a.is_positional()))
        .collect();
    for (id, positional) in args {
        cmd = cmd.mut_arg(id, |a| {
            let takes_value = a.get_num_args().is_none_or(|n| n.takes_values())
                && !matches!(
                    a.get_action(),
                    ArgAction::SetTrue | ArgAction::SetFalse | ArgAction::Count
                );
            let a = a.help_heading(if positional { "Argomenti" } else { "Opzioni" });
            if takes_value {
                // Shown in the help text, in Italian, where it matters.
                a.hide_default_value(true).hide_possible_values(true)
            } else {
                a
            }
        });
    }
    let flag = |id: &'static str, short, long, action, help| {
        Arg::new(id)
            .short(short)
            .long(long)
            .action(action)
            .help(help)
            .help_heading("Opzioni")
    };
    cmd = cmd.arg(flag(
        "aiuto",
        'h',
        "help",
        ArgAction::Help,
        "Mostra questo aiuto",
    ));
    if root {
        cmd = cmd.arg(flag(
            "versione",
            'V',
            "version",
            ArgAction::Version,
            "Mostra la versione",
        ));
    }
    let name = match parent {
        Some(p) => format!("{p} {}", cmd.get_name()),
        None => cmd.get_name().to_string(),
    };
    let usage = usage_of(&cmd, parent);
    cmd = cmd.override_usage(usage);
    cmd.mut_subcommands(|sub| italian(sub, Some(&name)))
}

/// The usage line clap would write, in Italian words, after the names of
/// the commands above it.
fn usage_of(cmd: &Command, parent: Option<&str>) -> String {
    // Rendered on a copy: rendering settles a command, which must happen
    // once, when the whole tree is parsed.
    let usage = cmd.clone().render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
    let usage = match parent {
        Some(p) => format!("{p} {usage}"),
        None => usage.to_string(),
    };
    usage
        .replace("[OPTIONS]", "[OPZIONI]")
        .replace("<COMMAND>", "<COMANDO>")
        .replace("[COMMAND]", "[COMANDO]")
}

/// The Italian message for a parse error of `cmd` (the whole command
/// line), ready to print; `None` for help and version, which clap prints
/// itself.
pub(crate) fn message(err: &clap::Error, cmd: &Command, args: &[String]) -> Option<String> {
    let get = |kind: ContextKind| -> Option<String> {
        match err.get(kind)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(v) => Some(v.join(", ")),
            ContextValue::StyledStr(s) => Some(s.to_string()),
            ContextValue::StyledStrs(v) => Some(
                v.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ContextValue::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let quoted = |kind| get(kind).map(|v| format!("«{v}»")).unwrap_or_default();
    let suggestion = |kind| {
        get(kind)
            .map(|s| format!(": forse volevi «{s}»?"))
            .unwrap_or_default()
    };
    // The subcommand the user meant, to point at its help.
    let sub = args
        .iter()
        .skip(1)
        .find(|a| cmd.find_subcommand(a.as_str()).is_some())
        .cloned();
    let prog = match &sub {
        Some(s) => format!("manuale {s}"),
        None => "manuale".to_string(),
    };
    let text = match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::InvalidSubcommand => {
            let names: Vec<&str> = cmd
                .get_subcommands()
                .filter(|c| !c.is_hide_set())
                .map(Command::get_name)
                .collect();
            format!(
                "il comando {} non esiste (i comandi sono: {}){}",
                quoted(ContextKind::InvalidSubcommand),
                names.join(", "),
                suggestion(ContextKind::SuggestedSubcommand)
            )
        }
        ErrorKind::UnknownArgument => {
            let what = if get(ContextKind::InvalidArg).is_some_and(|a| a.starts_with('-')) {
                "non ha l'opzione"
            } else {
                "non prende l'argomento"
            };
            format!(
                "{prog} {what} {}{}",
                quoted(ContextKind::InvalidArg),
                suggestion(ContextKind::SuggestedArg)
            )
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let valid = get(ContextKind::ValidValue)
                .map(|v| format!(": i valori possibili sono {v}"))
                .unwrap_or_default();
            match get(ContextKind::InvalidValue) {
                Some(v) if v.is_empty() => format!(
                    "{} vuole un valore{valid}",
                    get(ContextKind::InvalidArg).unwrap_or_default()
                ),
                _ => format!(
                    "{} non è un valore valido per {}{valid}",
                    quoted(ContextKind::InvalidValue),
                    get(ContextKind::InvalidArg).unwrap_or_default()
                ),
            }
        }
        ErrorKind::MissingRequiredArgument => format!(
            "{prog} vuole anche {}",
            get(ContextKind::InvalidArg).unwrap_or_default()
        ),
        ErrorKind::ArgumentConflict => format!(
            "{} non si può usare insieme a {}",
            get(ContextKind::InvalidArg).unwrap_or_default(),
            get(ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::MissingSubcommand => "manca il comando".to_string(),
        ErrorKind::InvalidUtf8 => "un argomento non è testo UTF-8".to_string(),
        _ => "gli argomenti non sono quelli che il comando si aspetta".to_string(),
    };
    let usage = match &sub {
        Some(s) => cmd
            .find_subcommand(s)
            .and_then(Command::get_overridden_usage)
            .map(ToString::to_string),
        None => cmd.get_overridden_usage().map(ToString::to_string),
    }
    .unwrap_or_else(|| prog.clone());
    let end = if text.ends_with('?') { "" } else { "." };
    Some(format!(
        "errore: {text}{end}\n\nUso: {usage}\nPer l'aiuto: {prog} --help"
    ))
}

/// One note naming the English names of the first releases found on the
/// command line (`build`, `--book`, `--format text`…) and the Italian ones
/// that replace them; `None` when there are none. They still work in this
/// release.
pub(crate) fn old_names(cmd: &Command, args: &[String]) -> Option<String> {
    let found = old_names_in(cmd, args);
    (!found.is_empty()).then(|| {
        let pairs: Vec<String> = found
            .iter()
            .map(|(old, new)| format!("«{old}» ora è «{new}»"))
            .collect();
        format!(
            "{}: i nomi vecchi funzionano ancora in questa versione e saranno tolti nella \
             prossima (docs/guida/riferimento.md, «I nomi»).",
            pairs.join(", ")
        )
    })
}

/// The old names on the command line, each with its new one.
fn old_names_in(cmd: &Command, args: &[String]) -> Vec<(String, String)> {
    let note = |old: &str, new: &str| (old.to_string(), new.to_string());
    let mut notes = Vec::new();
    let Some((at, sub)) = args.iter().enumerate().skip(1).find_map(|(i, a)| {
        cmd.get_subcommands()
            .find(|c| c.get_name() == a || c.get_all_aliases().any(|x| x == a))
            .map(|c| (i, c))
    }) else {
        return notes;
    };
    if args[at] != sub.get_name() {
        notes.push(note(&args[at], sub.get_name()));
    }
    let mut rest = args[at + 1..].iter();
    while let Some(a) = rest.next() {
        if a == "--" {
            break;
        }
        let Some(long) = a.strip_prefix("--") else {
            continue;
        };
        let (long, value) = match long.split_once('=') {
            Some((l, v)) => (l, Some(v)),
            None => (long, None),
        };
        let Some(arg) = sub.get_arguments().find(|x| {
            x.get_long() == Some(long) || x.get_all_aliases().is_some_and(|v| v.contains(&long))
        }) else {
            continue;
        };
        let new = arg.get_long().unwrap_or(long);
        if new != long {
            notes.push(note(&format!("--{long}"), &format!("--{new}")));
        } else if arg.is_hide_set() {
            // `nuovo CARTELLA --foglio FILE`: FILE is now an argument.
            notes.push(note(&format!("--{long} FILE"), "FILE, dopo la cartella"));
        }
        // A value named in English: `--formato text`.
        let takes_value = !matches!(arg.get_action(), ArgAction::SetTrue | ArgAction::SetFalse);
        let value = match value {
            Some(v) => Some(v.to_string()),
            None if takes_value => rest.next().cloned(),
            None => None,
        };
        if let Some(v) = value {
            if let Some(pv) = arg
                .get_possible_values()
                .into_iter()
                .find(|p| p.get_name() != v && p.get_name_and_aliases().any(|n| n == v))
            {
                notes.push(note(&v, pv.get_name()));
            }
        }
    }
    notes
}

/// `message` with the system's English descriptions of a failed file or
/// network operation («No such file or directory (os error 2)») told in
/// Italian; the error number stays, for whoever searches it.
pub(crate) fn os_errors_in_italian(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" (os error ") {
        let tail = &rest[at + " (os error ".len()..];
        let Some(close) = tail.find(')') else { break };
        let Ok(number) = tail[..close].parse::<i32>() else {
            out.push_str(&rest[..at + 1]);
            rest = &rest[at + 1..];
            continue;
        };
        // The English text runs back from the number to the last ": ".
        let head = &rest[..at];
        let start = head.rfind(": ").map_or(0, |i| i + 2);
        match italian_errno(number) {
            Some(text) => {
                out.push_str(&head[..start]);
                out.push_str(text);
                out.push_str(&format!(" (errore di sistema {number})"));
            }
            None => out.push_str(&rest[..at + " (os error ".len() + close + 1]),
        }
        rest = &tail[close + 1..];
    }
    out.push_str(rest);
    out
}

/// What the common error numbers of Linux, macOS and Windows' C runtime
/// mean, in Italian.
fn italian_errno(n: i32) -> Option<&'static str> {
    Some(match n {
        1 => "operazione non permessa",
        2 => "il file o la cartella non esiste",
        5 => "errore di lettura o scrittura sul disco",
        13 => "permesso negato",
        16 => "il file o la cartella è in uso",
        17 => "esiste già",
        20 => "una parte del percorso non è una cartella",
        21 => "è una cartella",
        24 | 23 => "troppi file aperti",
        27 => "il file è troppo grande",
        28 => "spazio esaurito sul disco",
        30 => "il disco è di sola lettura",
        36 => "il nome è troppo lungo",
        39 => "la cartella non è vuota",
        40 => "troppi collegamenti simbolici",
        98 => "l'indirizzo è già in uso: un altro programma ascolta su questa porta",
        99 => "l'indirizzo non è di questo computer",
        111 => "connessione rifiutata",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::os_errors_in_italian as it;

    #[test]
    fn system_errors_are_told_in_italian() {
        assert_eq!(
            it("data/x.tsv: impossibile leggere il file: No such file or directory (os error 2)"),
            "data/x.tsv: impossibile leggere il file: il file o la cartella non esiste (errore di sistema 2)"
        );
        assert_eq!(
            it("porta 3000: Address already in use (os error 98)"),
            "porta 3000: l'indirizzo è già in uso: un altro programma ascolta su questa porta (errore di sistema 98)"
        );
        // Unknown numbers and text without a number stay as they are.
        assert_eq!(
            it("x: Strange (os error 4242)"),
            "x: Strange (os error 4242)"
        );
        assert_eq!(it("niente da tradurre"), "niente da tradurre");
        assert_eq!(it("a (os error x) b"), "a (os error x) b");
    }
}
