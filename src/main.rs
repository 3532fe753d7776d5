//! The command line: parses arguments, runs a command, prints its report and
//! turns errors into one clear message and a non-zero exit.

use clap::{Parser, Subcommand, ValueEnum};
use manuale::check;
use manuale::diagnostic::Level;
use manuale::reading::Input;
use manuale::source::Workbooks;
use manuale::text::{shown, terminal_safe};
use manuale::{import, site};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "manuale",
    version,
    about = "Pubblica la mappatura dei processi di una Camera di commercio come sito statico accessibile"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Legge il foglio della mappatura e scrive una pagina Markdown per processo in content/
    Import {
        /// Cartella del manuale (quella con book.toml)
        #[arg(long, default_value = ".")]
        book: PathBuf,
        /// Il foglio da importare (predefinito: quello indicato in book.toml)
        file: Option<PathBuf>,
        /// Il foglio di lavoro da leggere in un file .xlsx, .xls o .ods (predefinito: il primo)
        #[arg(long)]
        sheet: Option<String>,
        /// Accetta un import che toglie più di metà della mappa già in content/
        #[arg(long)]
        allow_removals: bool,
    },
    /// Controlla il foglio e ne segnala i difetti, senza scrivere nulla
    Check {
        /// Cartella del manuale (quella con book.toml)
        #[arg(long, default_value = ".")]
        book: PathBuf,
        /// Il foglio da controllare (predefinito: quello indicato in book.toml)
        file: Option<PathBuf>,
        /// Il foglio di lavoro da leggere in un file .xlsx, .xls o .ods (predefinito: il primo)
        #[arg(long)]
        sheet: Option<String>,
        /// Formato del rapporto
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Costruisce il manuale e lo mostra nel browser, aggiornandolo a ogni salvataggio
    Serve {
        /// Cartella del manuale (quella con book.toml)
        #[arg(long, default_value = ".")]
        book: PathBuf,
        /// Porta del server (predefinita: la prima libera da 3000; 0 = una qualunque)
        #[arg(long)]
        port: Option<u16>,
        /// Indirizzo su cui ascoltare (predefinito: 127.0.0.1, solo questo computer)
        #[arg(long)]
        host: Option<std::net::IpAddr>,
        /// Apre l'anteprima nel browser
        #[arg(long)]
        open: bool,
    },
    /// Legge un foglio di calcolo in un processo a parte (uso interno)
    #[command(name = "__foglio", hide = true)]
    ReadWorkbook {
        file: PathBuf,
        #[arg(long)]
        sheet: Option<String>,
    },
    /// Costruisce il sito statico dalle pagine in content/
    Build {
        /// Cartella del manuale (quella con book.toml)
        #[arg(long, default_value = ".")]
        book: PathBuf,
        /// Cartella del sito (predefinita: book/ dentro la cartella del manuale)
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Workbooks are read in a child process of this program, memory capped.
    let workbooks = Workbooks::in_child();
    let input = |file: Option<PathBuf>, worksheet: Option<String>| Input {
        file,
        worksheet,
        workbooks: workbooks.clone(),
    };
    // `--book .` (the default) names files as `book.toml`, not `./book.toml`.
    let here = |p: PathBuf| {
        if p == Path::new(".") {
            PathBuf::new()
        } else {
            p
        }
    };
    let result = match cli.command {
        Command::Import {
            book,
            file,
            sheet,
            allow_removals,
        } => run_import(
            &here(book),
            &input(file, sheet),
            &import::Options { allow_removals },
        ),
        Command::Check {
            book,
            file,
            sheet,
            format,
        } => run_check(&here(book), &input(file, sheet), format),
        Command::Build { book, output } => run_build(&here(book), output),
        Command::Serve {
            book,
            port,
            host,
            open,
        } => manuale::serve::run(manuale::serve::Options {
            book: here(book),
            port,
            host: host.unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)),
            host_given: host.is_some(),
            open,
            workbooks: workbooks.clone(),
        })
        .map(|()| ExitCode::SUCCESS)
        .map_err(|e| e.to_string()),
        Command::ReadWorkbook { file, sheet } => {
            return ExitCode::from(manuale::source::serve_child(&file, sheet.as_deref()) as u8);
        }
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("errore: {}", terminal_safe(&message));
            ExitCode::FAILURE
        }
    }
}

fn run_import(book: &Path, input: &Input, options: &import::Options) -> Result<ExitCode, String> {
    let report = import::run(book, input, options).map_err(|e| e.to_string())?;
    eprint!("{}", terminal_safe(&check::text(&report.sheet)));
    for n in &report.notes {
        eprintln!("nota: {}", terminal_safe(n));
    }
    println!(
        "content/: {} pagine scritte, {} invariate, {} rimosse{}.",
        report.written,
        report.unchanged,
        report.removed,
        if report.archived > 0 {
            format!(", {} archiviate", report.archived)
        } else {
            String::new()
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn run_check(book: &Path, input: &Input, format: Format) -> Result<ExitCode, String> {
    let report = match check::run(book, input) {
        Ok(r) => r,
        Err(e) => {
            if let Format::Json = format {
                let json = serde_json::json!({ "error": e.to_string() });
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json).unwrap_or_default()
                );
            }
            return Err(e.to_string());
        }
    };
    match format {
        Format::Text => print!("{}", terminal_safe(&check::text(&report))),
        Format::Json => print!("{}", check::json(&report)),
    }
    Ok(if report.count(Level::Error) > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn run_build(book: &Path, output: Option<PathBuf>) -> Result<ExitCode, String> {
    let report = site::build(&site::Options {
        book: book.to_path_buf(),
        output,
        live_reload: None,
    })
    .map_err(|e| e.to_string())?;
    for w in &report.warnings {
        eprintln!("avviso: {}", terminal_safe(w));
    }
    let index = report.output.join("index.html");
    println!(
        "Sito costruito: {} pagine in {}.",
        report.pages,
        shown(&report.output)
    );
    println!("Aprilo nel browser: {}", shown(&index));
    Ok(ExitCode::SUCCESS)
}
