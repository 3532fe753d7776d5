//! The command line: parses arguments, runs a command, prints its report and
//! turns errors into one clear message and a non-zero exit.

use clap::{Parser, Subcommand};
use manuale::{diagnostic::Level, import, site};
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `--book .` (the default) names files as `book.toml`, not `./book.toml`.
    let here = |p: PathBuf| {
        if p == Path::new(".") {
            PathBuf::new()
        } else {
            p
        }
    };
    let result = match cli.command {
        Command::Import { book, file } => run_import(&here(book), file.as_deref()),
        Command::Build { book, output } => run_build(&here(book), output),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("errore: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_import(book: &Path, file: Option<&Path>) -> Result<ExitCode, String> {
    let report = import::run(book, file).map_err(|e| e.to_string())?;
    let shown = shown(&report.sheet);
    for d in &report.diagnostics {
        eprintln!("{}\n", d.render(&shown));
    }
    for n in &report.notes {
        eprintln!("nota: {n}");
    }
    let warnings = report
        .diagnostics
        .iter()
        .filter(|d| d.level() >= Level::Warning)
        .count();
    let infos = report.diagnostics.len() - warnings;
    println!(
        "Importato {shown} ({}): {} righe, {} processi, {} sezioni, {} attività; {warnings} avvisi, {infos} note.",
        report.encoding, report.rows, report.processes, report.sections, report.activities
    );
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

fn run_build(book: &Path, output: Option<PathBuf>) -> Result<ExitCode, String> {
    let report = site::build(&site::Options {
        book: book.to_path_buf(),
        output,
        live_reload: None,
    })
    .map_err(|e| e.to_string())?;
    for w in &report.warnings {
        eprintln!("avviso: {w}");
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

/// A path as the user would type it: without a leading `./`.
fn shown(path: &Path) -> String {
    let p = path.strip_prefix(".").unwrap_or(path);
    p.display().to_string()
}
