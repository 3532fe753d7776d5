//! The chamber's logo: a file of the book (SVG or PNG), checked when the
//! build starts, published under `assets/`, and drawn at its own size so
//! that the header does not move when it arrives.

use super::error::BuildError;
use super::layout::ASSETS_DIR;
use crate::config;
use std::path::Path;

/// The logo, read.
pub(super) struct Logo {
    /// Where it is published, relative to the site root.
    pub(super) url: String,
    pub(super) bytes: Vec<u8>,
    pub(super) width: u32,
    pub(super) height: u32,
}

impl Logo {
    /// Reads `[ente] logo` from the book; `None` when none is set.
    pub(super) fn load(book: &Path, name: Option<&str>) -> Result<Option<Logo>, BuildError> {
        let Some(name) = name else {
            return Ok(None);
        };
        let bad = |message: String| BuildError::Page {
            path: book.join(config::FILE_NAME),
            message,
        };
        let path = book.join(name);
        let bytes = std::fs::read(&path)
            .map_err(|e| bad(format!("[ente] logo = «{name}»: {}: {e}", path.display())))?;
        let ext = match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("svg") => "svg",
            Some(e) if e.eq_ignore_ascii_case("png") => "png",
            _ => {
                return Err(bad(format!(
                    "[ente] logo = «{name}»: serve un file .svg o .png"
                )))
            }
        };
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
}
