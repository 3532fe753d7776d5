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
