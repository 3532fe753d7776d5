//! Writes a synthetic process map of N processes (leaves) as a TSV with the
//! bundled sheet's columns, for benchmarks of a national-size site:
//!
//! ```sh
//! cargo run --release --example genera_mappa -- 30000 > /tmp/mappa-30000.tsv
//! ```
//!
//! The text comes from the words of the bundled sheet, picked by a fixed
//! pseudo-random sequence, so every run gives the same file. Six functions,
//! six macro-processes each, then processes, sub-processes and activities in
//! the proportions of the real map.

use std::io::Write;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, good enough to pick words.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(30_000);
    let sheet = include_str!("../data/mappatura-processi.tsv");
    let words: Vec<&str> = sheet
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != 'à' && c != 'è')
        .filter(|w| w.chars().count() > 3 && w.chars().all(char::is_alphabetic))
        .collect();
    let roles: Vec<&str> = sheet
        .lines()
        .filter_map(|l| l.split('\t').nth(5))
        .filter(|r| !r.trim().is_empty() && !r.starts_with("Responsabile"))
        .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let text = |rng: &mut Rng, len: usize| -> String {
        (0..len)
            .map(|_| words[rng.below(words.len())])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let out = std::io::stdout();
    let mut w = std::io::BufWriter::new(out.lock());
    writeln!(w, "CODIFICA UNIONCAMERE\tNOME PROCESSO - ATTIVITA'\tElementi in ingresso che innescano il processo -input\tRisultato atteso del processo -output\tSequenza di attività che consente di raggiungere l'output-le \"attività\"\tResponsabile output (ruolo)").unwrap();
    // Leaves per sub-process so that 6 × 6 × 6 × 10 sub-processes hold n.
    let per_sub = n.div_ceil(6 * 6 * 6 * 10).max(1);
    let mut made = 0;
    'all: for f in ["A", "B", "C", "D", "E", "F"] {
        for m in 1..=6 {
            let macro_title = text(&mut rng, 3).to_uppercase();
            writeln!(w, "{f}{m} {macro_title}\t").unwrap();
            for p in 1..=6 {
                let t = text(&mut rng, 5);
                writeln!(w, "{f}{m}.{p} {t}\t{t}").unwrap();
                for s in 1..=10 {
                    let t = text(&mut rng, 6);
                    writeln!(w, "{f}{m}.{p}.{s} {t}\t{t}").unwrap();
                    for a in 1..=per_sub {
                        if made == n {
                            break 'all;
                        }
                        made += 1;
                        let title = text(&mut rng, 8);
                        let steps: Vec<String> = (1..=1 + rng.below(5))
                            .map(|i| format!("{i}. {}", text(&mut rng, 6)))
                            .collect();
                        let input = text(&mut rng, 12);
                        let output = text(&mut rng, 8);
                        let role = roles[rng.below(roles.len())];
                        writeln!(
                            w,
                            "{f}{m}.{p}.{s}.{a} {title}\t{title}\t{input}\t{output}\t{}\t{role}",
                            steps.join(" ")
                        )
                        .unwrap();
                    }
                }
            }
        }
    }
}
