//! The command line: parses arguments, runs a command, prints its report and
//! turns errors into one clear message and a non-zero exit.

/// mimalloc instead of the system's allocator: a build allocates and frees
/// millions of small strings on several threads, where glibc's malloc spent
/// a fifth of the time and kept freed memory in per-thread arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod aiuto;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use manuale::check;
use manuale::diagnostic::Level;
use manuale::reading::Input;
use manuale::source::Workbooks;
use manuale::text::{shown, terminal_safe};
use manuale::{editions, import, init, site};
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

/// Every name a user types is the Italian word an office worker would use
/// (docs/guida/riferimento.md, «I nomi»). The English names of the first
/// releases still work for this release, as hidden aliases: they print a
/// note with the new name ([`aiuto::old_names`]) and go in the next one.
#[derive(Subcommand)]
enum Command {
    /// Crea un manuale nuovo per un'altra Camera: book.toml da completare, content/, tema
    #[command(alias = "init")]
    Nuovo {
        /// La cartella del manuale nuovo (nuova o vuota)
        #[arg(value_name = "CARTELLA")]
        dir: PathBuf,
        /// Il file della mappatura della Camera (.tsv, .csv, .xlsx, .xls, .ods): copiato in data/ e importato
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// Il nome dell'ente, per esempio «Camera di commercio di Alpi»
        #[arg(long, value_name = "NOME")]
        ente: Option<String>,
        /// Il nome di prima di FILE («init CARTELLA --foglio FILE»)
        #[arg(
            long = "foglio",
            value_name = "FILE",
            hide = true,
            conflicts_with = "file"
        )]
        old_file: Option<PathBuf>,
    },
    /// Legge il file della mappatura e scrive una pagina Markdown per processo in content/
    #[command(alias = "import")]
    Importa {
        #[command(flatten)]
        book: BookDir,
        /// Il file da importare (predefinito: quello indicato in book.toml)
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        #[command(flatten)]
        sheet: Worksheet,
        /// Accetta un import che toglie più di metà della mappa già in content/
        #[arg(long = "accetta-rimozioni", alias = "allow-removals")]
        allow_removals: bool,
    },
    /// Controlla il file della mappatura e ne segnala i difetti, senza scrivere nulla
    #[command(alias = "check")]
    Controlla {
        #[command(flatten)]
        book: BookDir,
        /// Il file da controllare (predefinito: quello indicato in book.toml)
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        #[command(flatten)]
        sheet: Worksheet,
        #[command(flatten)]
        format: Formato,
    },
    /// Costruisce il manuale e lo mostra nel browser, aggiornandolo a ogni salvataggio
    #[command(alias = "serve")]
    Anteprima {
        #[command(flatten)]
        book: BookDir,
        /// Porta del server (predefinita: la prima libera da 3000; 0 = una qualunque)
        #[arg(long = "porta", alias = "port", value_name = "PORTA")]
        port: Option<u16>,
        /// Indirizzo su cui ascoltare (predefinito: 127.0.0.1, solo questo computer)
        #[arg(long = "indirizzo", alias = "host", value_name = "INDIRIZZO")]
        host: Option<std::net::IpAddr>,
        /// Apre l'anteprima nel browser
        #[arg(long = "apri", alias = "open")]
        open: bool,
    },
    /// Costruisce il sito statico dalle pagine in content/
    #[command(alias = "build")]
    Costruisci {
        #[command(flatten)]
        book: BookDir,
        /// Cartella del sito (predefinita: book/ dentro la cartella del manuale)
        #[arg(long = "destinazione", alias = "output", value_name = "CARTELLA")]
        output: Option<PathBuf>,
    },
    /// Registra la mappatura pubblicata come edizione adottata (data e atto): non cambierà più
    Edizione {
        #[command(flatten)]
        book: BookDir,
        /// La data di adozione, AAAA-MM-GG
        #[arg(long, value_name = "DATA")]
        data: String,
        /// L'atto che l'ha adottata, per esempio «Delibera di Giunta n. 12 del 28/01/2026»
        #[arg(long, value_name = "ATTO")]
        atto: String,
        /// L'indirizzo dell'atto
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// Accetta una data futura, o non successiva all'ultima edizione
        #[arg(long)]
        forza_data: bool,
    },
    /// Confronta un file della mappatura con l'ultima edizione (o con --edizione): che cosa cambierebbe
    Confronta {
        #[command(flatten)]
        book: BookDir,
        /// Il file da confrontare (predefinito: quello indicato in book.toml)
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        #[command(flatten)]
        sheet: Worksheet,
        /// La data dell'edizione con cui confrontare (predefinita: l'ultima)
        #[arg(long, value_name = "DATA")]
        edizione: Option<String>,
        #[command(flatten)]
        format: Formato,
    },
    /// Legge un foglio di calcolo in un processo a parte (uso interno)
    #[command(name = "__foglio", hide = true)]
    ReadWorkbook {
        file: PathBuf,
        #[arg(long = "foglio", value_name = "NOME")]
        sheet: Option<String>,
    },
}

/// `--cartella`: the book's folder, in every command but `nuovo`.
#[derive(clap::Args)]
struct BookDir {
    /// Cartella del manuale, quella con book.toml (predefinita: la cartella corrente)
    #[arg(
        long = "cartella",
        alias = "book",
        default_value = ".",
        value_name = "CARTELLA"
    )]
    dir: PathBuf,
}

/// `--foglio`: the worksheet of a workbook, wherever a map file is read.
#[derive(clap::Args)]
struct Worksheet {
    /// Il foglio di lavoro da leggere in un file .xlsx, .xls o .ods (predefinito: il primo)
    #[arg(long = "foglio", alias = "sheet", value_name = "NOME")]
    name: Option<String>,
}

/// `--formato`: for a person or for a program.
#[derive(clap::Args)]
struct Formato {
    /// Formato del rapporto: testo (per chi legge) o json (per un programma); predefinito: testo
    #[arg(long = "formato", alias = "format", value_enum, default_value_t = Format::Testo, value_name = "FORMATO")]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    #[value(alias = "text")]
    Testo,
    Json,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let command = aiuto::italian(Cli::command(), None);
    let parsed = command
        .clone()
        .try_get_matches_from(std::env::args_os())
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => match aiuto::message(&e, &command, &args) {
            None => e.exit(),
            Some(text) => {
                eprintln!("{}", terminal_safe(&text));
                return ExitCode::from(2);
            }
        },
    };
    if let Some(note) = aiuto::old_names(&command, &args) {
        eprintln!("nota: {}", terminal_safe(&note));
    }
    // `manuale controlla | head` ends quietly when `head` has read enough, as
    // other command-line tools do, instead of panicking on a closed pipe.
    // Not for `serve`: a browser closing a connection must not stop it.
    #[cfg(unix)]
    if !matches!(cli.command, Command::Anteprima { .. }) {
        // SAFETY: called before any other thread exists; restores the
        // default action of a signal the Rust runtime set to ignore.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
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
    // book.toml's names of the first releases, said once per command.
    let book_dir = match &cli.command {
        Command::Importa { book, .. }
        | Command::Controlla { book, .. }
        | Command::Anteprima { book, .. }
        | Command::Costruisci { book, .. }
        | Command::Edizione { book, .. }
        | Command::Confronta { book, .. } => Some(book.dir.clone()),
        Command::Nuovo { .. } | Command::ReadWorkbook { .. } => None,
    };
    if let Some(Ok(config)) = book_dir.map(|d| manuale::config::Config::load(&here(d))) {
        for note in &config.notes {
            eprintln!("nota: {}", terminal_safe(note));
        }
    }
    let result = match cli.command {
        Command::Nuovo {
            dir,
            file,
            ente,
            old_file,
        } => run_init(&dir, file.or(old_file), ente, &workbooks),
        Command::Edizione {
            book,
            data,
            atto,
            url,
            forza_data,
        } => run_freeze(&here(book.dir), data, atto, url, forza_data),
        Command::Confronta {
            book,
            file,
            sheet,
            edizione,
            format,
        } => run_compare(
            &here(book.dir),
            &input(file, sheet.name),
            edizione.as_deref(),
            format.format,
        ),
        Command::Importa {
            book,
            file,
            sheet,
            allow_removals,
        } => run_import(
            &here(book.dir),
            &input(file, sheet.name),
            &import::Options { allow_removals },
        ),
        Command::Controlla {
            book,
            file,
            sheet,
            format,
        } => run_check(&here(book.dir), &input(file, sheet.name), format.format),
        Command::Costruisci { book, output } => run_build(&here(book.dir), output),
        Command::Anteprima {
            book,
            port,
            host,
            open,
        } => manuale::serve::run(manuale::serve::Options {
            book: here(book.dir),
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
            eprintln!(
                "errore: {}",
                terminal_safe(&aiuto::os_errors_in_italian(&message))
            );
            ExitCode::FAILURE
        }
    }
}

fn run_freeze(
    book: &Path,
    data: String,
    atto: String,
    url: Option<String>,
    any_date: bool,
) -> Result<ExitCode, String> {
    // The edition's open data are written with it, as the site would
    // publish them now, and published as they are from then on.
    let config = manuale::config::Config::load(book).map_err(|e| e.to_string())?;
    let files = |content: &manuale::content::Content, edition: &editions::Edition, dir: &Path| {
        site::write_edition_data(&config, content, edition, dir).map_err(|e| e.to_string())
    };
    let (edition, notes) = editions::freeze_book(
        book,
        editions::Info {
            data,
            atto,
            atto_url: url,
        },
        editions::Options { any_date },
        &files,
    )
    .map_err(|e| e.to_string())?;
    for note in notes {
        eprintln!("nota: {}", terminal_safe(&note));
    }
    println!(
        "Edizione del {} registrata in {}: {} voci, adottata con {}.",
        edition.info.date_text(),
        shown(&book.join(editions::DIR).join(&edition.info.data)),
        edition.entries.len(),
        terminal_safe(&edition.info.atto)
    );
    println!("Non cambierà più: i prossimi import aggiornano la mappatura corrente, non questa edizione.");
    Ok(ExitCode::SUCCESS)
}

fn run_compare(
    book: &Path,
    input: &Input,
    date: Option<&str>,
    format: Format,
) -> Result<ExitCode, String> {
    let (edition, sheet, changes) =
        editions::compare_sheet(book, input, date).map_err(|e| e.to_string())?;
    match format {
        Format::Json => {
            let json = serde_json::json!({
                "edizione": edition.data,
                "foglio": sheet,
                "riepilogo": changes.summary(),
                "modifiche": changes.modifiche,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
        Format::Testo => {
            println!(
                "{sheet} rispetto all'edizione del {}: {}.",
                edition.date_text(),
                changes.summary()
            );
            print!("{}", terminal_safe(&editions::diff::render_text(&changes)));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_init(
    dir: &Path,
    sheet: Option<PathBuf>,
    chamber: Option<String>,
    workbooks: &Workbooks,
) -> Result<ExitCode, String> {
    let created = init::run(&init::Options {
        dir: dir.to_path_buf(),
        sheet,
        chamber,
    })
    .map_err(|e| e.to_string())?;
    let book = shown(&created.dir);
    println!("Manuale creato in {book}: book.toml, content/, data/, themes/ente/.");
    let mut imported = false;
    if created.sheet.is_some() {
        let input = Input {
            workbooks: workbooks.clone(),
            ..Input::default()
        };
        match import::run(&created.dir, &input, &import::Options::default()) {
            Ok(report) => {
                eprint!("{}", terminal_safe(&check::summary(&report.sheet)));
                println!(
                    "Foglio importato: {} pagine in {book}/content.",
                    report.written
                );
                imported = true;
            }
            Err(e) => {
                eprintln!(
                    "errore: {}",
                    terminal_safe(&aiuto::os_errors_in_italian(&e.to_string()))
                );
                eprintln!(
                    "Il manuale è stato creato, ma il foglio non è stato importato: correggi \
                     quello che dice il messaggio (per le colonne, la tabella [colonne] in \
                     {book}/book.toml) e rilancia «manuale importa» dentro {book}."
                );
            }
        }
    }
    println!("\nProssimi passi:");
    println!(
        "  1. apri {book}/book.toml e completa [ente]: sito, contatti, atto di adozione, logo;"
    );
    if created.sheet.is_none() {
        println!("  2. metti il foglio della mappatura in {book}/data/ e scrivi il suo nome in [mappatura] file;");
    }
    println!(
        "  {}. cd {book} && manuale controlla  (i difetti del foglio, riga per riga)",
        if created.sheet.is_none() { 3 } else { 2 }
    );
    if !imported {
        println!("     manuale importa    (le pagine in content/)");
    }
    println!("     manuale anteprima  (l'anteprima, che si aggiorna a ogni salvataggio)");
    println!("     manuale costruisci (il sito da pubblicare, in {book}/book)");
    Ok(if created.sheet.is_some() && !imported {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn run_import(book: &Path, input: &Input, options: &import::Options) -> Result<ExitCode, String> {
    let report = import::run(book, input, options).map_err(|e| e.to_string())?;
    eprint!("{}", terminal_safe(&check::text(&report.sheet)));
    for n in &report.notes {
        eprintln!("nota: {}", terminal_safe(n));
    }
    if let Some(c) = &report.sheet_changed {
        println!(
            "book.toml: il foglio del manuale ora è {} (era {}): «manuale importa» senza file e «manuale anteprima» leggono questo.",
            terminal_safe(&c.now),
            terminal_safe(&c.before)
        );
        if let Some(d) = &c.updated {
            eprintln!(
                "avviso: book.toml: [mappatura] aggiornata = \"{}\" era la data dei dati del foglio di prima e ora vale per questo: aggiornala, o toglila per usare la data del file.",
                terminal_safe(d)
            );
        }
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
                let json =
                    serde_json::json!({ "error": aiuto::os_errors_in_italian(&e.to_string()) });
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json).unwrap_or_default()
                );
            }
            return Err(e.to_string());
        }
    };
    match format {
        Format::Testo => print!("{}", terminal_safe(&check::text(&report))),
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
