//! The one check every address from `book.toml` or the command line goes
//! through before it becomes a link: `http`, `https`, `mailto`, or an
//! address relative to the site. Anything else a browser would run or
//! open as a document of its own (`javascript:`, `data:`, `vbscript:`,
//! `file:`…) is refused, however it is written: browsers ignore case in a
//! scheme and drop tabs, newlines and leading spaces before reading it,
//! so `JaVaScRiPt:`, ` javascript:` and `java<TAB>script:` are the same
//! address to them and are refused here too.

/// Which addresses a setting takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A full web address: `https://…` or `http://…` with a host.
    Web,
    /// A link: a web address, `mailto:`, or a path relative to the site.
    Link,
}

/// Why `url` cannot be a link of `kind`, in words for the user; `None`
/// when it can.
pub(crate) fn problem(url: &str, kind: Kind) -> Option<String> {
    if url.is_empty() {
        return Some("è vuoto".into());
    }
    if let Some(c) = url.chars().find(|c| c.is_control()) {
        return Some(format!(
            "contiene un carattere di controllo (U+{:04X}), che i browser tolgono prima di leggere l'indirizzo",
            u32::from(c)
        ));
    }
    if url.chars().any(char::is_whitespace) {
        return Some("contiene spazi: in un indirizzo si scrivono come %20".into());
    }
    match scheme(url) {
        Some(s) if s == "https" || s == "http" => {
            let host = url[s.len() + 1..]
                .strip_prefix("//")
                .map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
            if host.is_none_or(str::is_empty) {
                Some("manca il nome del sito dopo «//»".into())
            } else {
                None
            }
        }
        Some(s) if s == "mailto" && kind == Kind::Link => {
            (url.len() <= "mailto:".len()).then(|| "manca l'indirizzo e-mail dopo «mailto:»".into())
        }
        Some(s) => Some(format!(
            "«{s}:» non è un indirizzo che il sito può pubblicare come collegamento{}",
            if kind == Kind::Web {
                ": serve http:// o https://"
            } else {
                ": servono http://, https://, mailto: o un percorso del sito"
            }
        )),
        None if kind == Kind::Web => {
            Some("serve un indirizzo completo, che inizi con https:// o http://".into())
        }
        // `//host/…` takes the page's scheme (http or https): a web
        // address. `\` is read as `/` by browsers, so `\\host` is too.
        None => None,
    }
}

/// The scheme of `url`, lowercased, when it has one (letters, digits, `+`,
/// `-`, `.` before the first `:`, starting with a letter), as the URL
/// standard reads it.
fn scheme(url: &str) -> Option<String> {
    let colon = url.find(':')?;
    let s = &url[..colon];
    let mut chars = s.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| s.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_and_mail_addresses_and_relative_paths_pass() {
        for ok in [
            "https://www.example.camcom.it/trasparenza",
            "http://example.it",
            "HTTPS://EXAMPLE.IT/",
            "https://example.it?a=1#b",
        ] {
            assert_eq!(problem(ok, Kind::Web), None, "{ok}");
            assert_eq!(problem(ok, Kind::Link), None, "{ok}");
        }
        for ok in [
            "mailto:urp@example.camcom.it",
            "opendata.html",
            "../trasparenza/",
            "/amministrazione-trasparente/",
            "#contenuto",
            "pagina.html?x=a:b",
            "//example.it/x",
        ] {
            assert_eq!(problem(ok, Kind::Link), None, "{ok}");
        }
    }

    #[test]
    fn addresses_that_run_code_are_refused_however_they_are_written() {
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "javascript :alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:text/html;base64,PHNjcmlwdD4=",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "https:",
            "https:/example.it",
            "https://",
            "",
        ] {
            assert!(problem(bad, Kind::Link).is_some(), "{bad:?}");
            assert!(problem(bad, Kind::Web).is_some(), "{bad:?}");
        }
        assert!(problem("mailto:a@b.it", Kind::Web).is_some());
        assert!(problem("pagina.html", Kind::Web).is_some());
        assert!(problem("mailto:", Kind::Link).is_some());
    }
}
