//! A running `manuale serve` for the tests that talk to it: its output as
//! it comes (stdout and stderr, line by line), its address and the folder
//! it serves. Killed when dropped.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT/`, as `serve` prints it.
    pub url: String,
    pub port: u16,
    /// The preview folder being served, as `serve` prints it.
    pub folder: PathBuf,
    /// Everything printed so far.
    pub output: String,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Server {
    /// `manuale serve ARGS` in `dir`, with `envs` set; returns once it has
    /// said where it listens and what it serves.
    pub fn start(dir: &Path, args: &[&str], envs: &[(&str, &Path)]) -> Server {
        let mut cmd = super::manuale_command();
        cmd.arg("anteprima").args(args).current_dir(dir);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        for stream in [Box::new(stdout) as Box<dyn Read + Send>, Box::new(stderr)] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        let mut output = String::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        let (mut url, mut folder) = (None, None);
        while url.is_none() || folder.is_none() {
            let line = rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("serve did not start:\n{output}"));
            output.push_str(&line);
            output.push('\n');
            if let Some(u) = line.strip_prefix("Anteprima su ") {
                url = Some(u.trim().to_string());
            }
            if let Some(f) = line.strip_prefix("Cartella dell'anteprima: ") {
                folder = Some(PathBuf::from(f.trim()));
            }
        }
        let url = url.unwrap();
        let port = url
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {url}"));
        Server {
            child,
            url,
            port,
            folder: folder.unwrap(),
            output,
            lines: rx,
        }
    }

    /// The server's resident memory now, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("VmRSS")
    }

    /// Waits for a line containing `text` on stdout or stderr.
    pub fn wait_for(&mut self, text: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while !self.output.contains(text) {
            match self
                .lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(l) => {
                    self.output.push_str(&l);
                    self.output.push('\n');
                }
                Err(_) => return false,
            }
        }
        true
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
