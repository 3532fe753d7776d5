//! The chamber's logo: a file of the book (SVG or PNG), checked when the
//! build starts, published under `assets/`, and drawn at its own size so
//! that the header does not move when it arrives.

use crate::config;
use crate::site::error::BuildError;
use crate::site::layout::ASSETS_DIR;
use std::path::Path;

/// The logo, read.
pub(crate) struct Logo {
    /// Where it is published, relative to the site root.
    pub(crate) url: String,
    pub(crate) bytes: Vec<u8>,
    pub(super) width: u32,
    pub(super) height: u32,
}

impl Logo {
    /// Reads `[ente] logo` from the book; `None` when none is set.
    pub(crate) fn load(book: &Path, name: Option<&str>) -> Result<Option<Logo>, BuildError> {
        let Some(name) = name else {
            return Ok(None);
        };
        let bad = |message: String| BuildError::Page {
            path: book.join(config::FILE_NAME),
            message,
        };
        let path = book.join(name);
        let bytes = crate::files::read_inside(book, &path, MAX_LOGO).map_err(|e| {
            let why = if e.to_string().contains("troppo grande") {
                format!(
                    "{e}: il logo si scarica con ogni pagina, anche sui telefoni; riducilo (un logo \
                     pesa di solito meno di 100 KB)"
                )
            } else {
                e.to_string()
            };
            bad(format!("[ente] logo = «{name}»: {}: {why}", path.display()))
        })?;
        let ext = match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("svg") => "svg",
            Some(e) if e.eq_ignore_ascii_case("png") => "png",
            _ => {
                return Err(bad(format!(
                    "[ente] logo = «{name}»: serve un file .svg o .png"
                )))
            }
        };
        if ext == "svg" {
            if let Err(why) = svg_is_inert(&bytes) {
                return Err(bad(format!(
                    "[ente] logo = «{name}»: {why}. Il logo è pubblicato sul sito della Camera, \
                     e aperto da solo un SVG esegue quello che contiene: esportalo di nuovo come \
                     SVG semplice, o usa un PNG."
                )));
            }
        }
        let size = if ext == "png" {
            png_size(&bytes)
        } else {
            svg_size(&String::from_utf8_lossy(&bytes))
        };
        let Some((width, height)) = size.filter(|(w, h)| *w > 0 && *h > 0) else {
            return Err(bad(format!(
                "[ente] logo = «{name}»: non riesco a leggerne le dimensioni (un SVG deve avere width e height o viewBox)"
            )));
        };
        Ok(Some(Logo {
            url: format!("{ASSETS_DIR}/logo-ente.{ext}"),
            bytes,
            width,
            height,
        }))
    }

    /// The size to draw it at: `height` pixels high, width in proportion.
    pub(super) fn scaled(&self, height: u32) -> (u32, u32) {
        let w = (u64::from(self.width) * u64::from(height) / u64::from(self.height).max(1)) as u32;
        (w.max(1), height)
    }
}

/// The largest logo published.
const MAX_LOGO: u64 = 1 << 20;

/// `Ok` when an SVG only draws: no script, no event handler, no
/// `javascript:` or outside address to load, no embedded document, no
/// entity declarations. The reason otherwise.
fn svg_is_inert(bytes: &[u8]) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut in_style = false;
    let mut saw_svg = false;
    let css_loads = |text: &str| {
        let t = text.to_ascii_lowercase().replace(char::is_whitespace, "");
        t.contains("@import")
            || t.split("url(").skip(1).any(|rest| {
                let rest = rest.trim_start_matches(['"', '\'']);
                !rest.starts_with('#')
            })
            || t.contains("javascript:")
            || t.contains("expression(")
    };
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("non è un SVG leggibile ({e})"))?;
        match &event {
            Event::Eof => break,
            Event::DocType(d)
                if String::from_utf8_lossy(d)
                    .to_ascii_uppercase()
                    .contains("ENTITY") =>
            {
                return Err("dichiara entità XML (<!ENTITY>)".into());
            }
            Event::PI(pi)
                if String::from_utf8_lossy(pi)
                    .to_ascii_lowercase()
                    .contains("stylesheet") =>
            {
                return Err("carica un foglio di stile (<?xml-stylesheet?>)".into());
            }
            Event::Start(e) | Event::Empty(e) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase();
                saw_svg |= local == "svg";
                if matches!(
                    local.as_str(),
                    "script"
                        | "foreignobject"
                        | "iframe"
                        | "embed"
                        | "object"
                        | "handler"
                        | "listener"
                ) {
                    return Err(format!("contiene l'elemento <{local}>"));
                }
                in_style = local == "style" && matches!(event, Event::Start(_));
                for attr in e.attributes().with_checks(false) {
                    let attr = attr.map_err(|e| format!("non è un SVG leggibile ({e})"))?;
                    let key = String::from_utf8_lossy(attr.key.local_name().as_ref())
                        .to_ascii_lowercase();
                    let value = String::from_utf8_lossy(&attr.value).to_string();
                    if key.starts_with("on") {
                        return Err(format!("<{local}> ha l'attributo {key}, che esegue codice"));
                    }
                    if key == "href" || key == "src" {
                        let v = value.trim().to_ascii_lowercase();
                        let inert = v.starts_with('#')
                            || ["png", "jpeg", "jpg", "gif", "webp"]
                                .iter()
                                .any(|t| v.starts_with(&format!("data:image/{t}")));
                        if !inert {
                            return Err(format!(
                                "<{local}> rimanda a «{}»: un logo non carica né apre altro",
                                crate::text::terminal_safe(value.trim())
                            ));
                        }
                    }
                    if key == "style" && css_loads(&value) {
                        return Err(format!("<{local}> ha uno stile che carica altro"));
                    }
                }
            }
            Event::Text(_) | Event::CData(_) if in_style => {
                let text = match &event {
                    Event::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    Event::CData(t) => String::from_utf8_lossy(t).into_owned(),
                    _ => String::new(),
                };
                if css_loads(&text) {
                    return Err("il suo <style> carica altro".into());
                }
            }
            Event::End(_) => in_style = false,
            _ => {}
        }
        buf.clear();
    }
    if saw_svg {
        Ok(())
    } else {
        Err("non è un SVG: manca l'elemento <svg>".into())
    }
}

/// A PNG's width and height, from its IHDR chunk.
fn png_size(b: &[u8]) -> Option<(u32, u32)> {
    if !b.starts_with(b"\x89PNG\r\n\x1a\n") || b.get(12..16)? != b"IHDR" {
        return None;
    }
    let n =
        |i: usize| -> Option<u32> { Some(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?)) };
    Some((n(16)?, n(20)?))
}

/// An SVG's width and height attributes (in pixels or plain numbers), or
/// its viewBox.
fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<&str> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(&tag[at..at + tag[at..].find('"')?])
    };
    let number = |v: &str| -> Option<f64> { v.trim().trim_end_matches("px").parse().ok() };
    let from_attrs = attr("width")
        .and_then(number)
        .zip(attr("height").and_then(number));
    let from_box = || {
        let v: Vec<f64> = attr("viewBox")?
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        (v.len() == 4).then(|| (v[2], v[3]))
    };
    let (w, h) = from_attrs.or_else(from_box)?;
    (w > 0.0 && h > 0.0).then(|| (w.round() as u32, h.round() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_of_real_logos() {
        assert_eq!(
            svg_size(
                r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="120px" height="40">"#
            ),
            Some((120, 40))
        );
        assert_eq!(
            svg_size(r#"<svg viewBox="0 0 300 100" xmlns="http://www.w3.org/2000/svg">"#),
            Some((300, 100))
        );
        assert_eq!(
            svg_size(r#"<svg width="100%" viewBox="0,0,30,10">"#),
            Some((30, 10))
        );
        assert_eq!(svg_size("<svg>"), None);
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(200u32.to_be_bytes());
        png.extend(50u32.to_be_bytes());
        assert_eq!(png_size(&png), Some((200, 50)));
    }

    #[test]
    fn a_logo_that_only_draws_passes() {
        let ok = br##"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="40">
<defs><linearGradient id="g"><stop offset="0" stop-color="#123"/></linearGradient></defs>
<style>.a{fill:url(#g)}</style>
<rect class="a" width="120" height="40" style="fill:url(#g)"/><use xlink:href="#g"/>
<image href="data:image/png;base64,iVBORw0KGgo="/></svg>"##;
        assert_eq!(svg_is_inert(ok), Ok(()));
    }

    #[test]
    fn a_logo_that_runs_or_loads_is_refused() {
        for bad in [
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><rect ONCLICK="x"/></svg>"#,
            r#"<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:script>x</svg:script></svg:svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><SCRIPT>x</SCRIPT></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><a x:href=" JavaScript:alert(1)"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/x.png"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/svg+xml;base64,PHN2Zz4="/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x.example/a.css);</style></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url( 'https://x.example/a')"/></svg>"#,
            r#"<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>"#,
            r#"<?xml-stylesheet href="https://x.example/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>"#,
            "<html><body>not a logo</body></html>",
            "<svg><rect></svg>",
        ] {
            assert!(svg_is_inert(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
