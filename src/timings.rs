//! Where a build's time goes: with `MANUALE_TEMPI=1` in the environment,
//! each phase prints its wall time on standard error (for benchmarks and
//! for a chamber's IT staff wondering why their build is slow).

use std::time::Instant;

/// A stopwatch read at the end of each phase.
pub(crate) struct Laps {
    last: Option<Instant>,
}

impl Laps {
    pub(crate) fn start() -> Laps {
        Laps {
            last: std::env::var_os("MANUALE_TEMPI").map(|_| Instant::now()),
        }
    }

    /// Ends the phase `what`.
    pub(crate) fn lap(&mut self, what: &str) {
        if let Some(last) = self.last {
            let now = Instant::now();
            let mb = |m: Option<u64>| m.map_or_else(|| "?".into(), |m| m.to_string());
            eprintln!(
                "{:>9.1} ms {:>7} MB {:>7} MB  {what}",
                (now - last).as_secs_f64() * 1e3,
                mb(memory_mb("VmHWM:")),
                mb(memory_mb("VmRSS:")),
            );
            self.last = Some(now);
        }
    }
}

/// The process's resident memory, in MB (Linux): its peak so far
/// (`VmHWM:`) or now (`VmRSS:`).
fn memory_mb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
