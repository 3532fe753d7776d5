//! Authors' Markdown to safe HTML: CommonMark through pulldown-cmark, fenced
//! code highlighted by syntect (CSS classes, no inline styles), links to
//! other pages and attachments rewritten for the published site, and the
//! result sanitised with ammonia, so raw HTML in a page cannot inject script.

use pulldown_cmark::{
    html, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// The prefix of syntect's CSS classes.
pub(super) const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Loaded on first use: a build whose pages have no code never pays for it.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Where links in a page may point.
pub(super) struct Links<'a> {
    /// Content-relative path of the page being rendered.
    pub page: &'a Path,
    /// Relative prefix from the page's HTML file to the site root.
    pub root: &'a str,
    /// Page files (content-relative) to their site URLs.
    pub pages: &'a BTreeMap<PathBuf, String>,
    /// Codes (canonical) to their site URLs, for `[testo](C2.5.3.1)`.
    pub codes: &'a BTreeMap<String, String>,
    /// Attachments in `content/` (content-relative paths).
    pub assets: &'a HashSet<PathBuf>,
}

/// The HTML of a page's Markdown and whether it holds highlighted code.
pub(super) struct Rendered {
    pub html: String,
    pub has_code: bool,
}

pub(super) fn render(markdown: &str, links: &Links) -> Rendered {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION;
    let mut events = Vec::new();
    let mut code: Option<(String, String)> = None;
    let mut has_code = false;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => l
                        .split(|c: char| c == ',' || c.is_whitespace())
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Text(t) if code.is_some() => {
                if let Some((_, buf)) = code.as_mut() {
                    buf.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, buf)) = code.take() {
                    let (html, highlighted) = highlight(&lang, &buf);
                    has_code |= highlighted;
                    events.push(Event::Html(CowStr::from(html)));
                }
            }
            // The page's title is its only h1: authors' headings start at h2.
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                events.push(Event::Start(Tag::Heading {
                    level: demote(level),
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                events.push(Event::End(TagEnd::Heading(demote(level))));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = CowStr::from(rewrite(&dest_url, links));
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = CowStr::from(rewrite(&dest_url, links));
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            e => events.push(e),
        }
    }
    let mut raw = String::new();
    html::push_html(&mut raw, events.into_iter());
    // Table alignment becomes a class: inline styles break under a strict
    // Content-Security-Policy.
    let raw = raw
        .replace(" style=\"text-align: left\"", " class=\"allinea-sinistra\"")
        .replace(" style=\"text-align: center\"", " class=\"allinea-centro\"")
        .replace(" style=\"text-align: right\"", " class=\"allinea-destra\"");
    Rendered {
        html: sanitizer().clean(&raw).to_string(),
        has_code,
    }
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        l => l,
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static CLEAN: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEAN.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tag_attributes("span", ["class"])
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("pre", ["class"])
            .add_tag_attributes("div", ["class"])
            .add_tag_attributes("td", ["class"])
            .add_tag_attributes("th", ["class"])
            .add_tag_attributes("ol", ["start", "type"])
            .add_tag_attributes("li", ["value"])
            .attribute_filter(|_, attribute, value| {
                // Classes only for highlighted code and table alignment.
                if attribute == "class" {
                    let ok = value.split_whitespace().all(|c| {
                        c.starts_with("hl-")
                            || c.starts_with("allinea-")
                            || c.starts_with("language-")
                    });
                    return ok.then(|| value.into());
                }
                Some(value.into())
            });
        b
    })
}

/// Highlights a fenced block; unknown languages stay plain (escaped) text.
fn highlight(lang: &str, code: &str) -> (String, bool) {
    let escaped = || format!("<pre><code>{}</code></pre>", crate::text::escape_html(code));
    if lang.is_empty() {
        return (escaped(), false);
    }
    let set = syntaxes();
    let Some(syntax) = set.find_syntax_by_token(lang) else {
        return (escaped(), false);
    };
    let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if gen
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return (escaped(), false);
        }
    }
    (
        format!(
            "<pre class=\"hl-code\"><code>{}</code></pre>",
            gen.finalize()
        ),
        true,
    )
}

/// Rewrites a relative link to a page file, a code or an attachment.
fn rewrite(dest: &str, links: &Links) -> String {
    if dest.is_empty()
        || dest.starts_with('#')
        || dest.contains("://")
        || dest.starts_with("mailto:")
        || dest.starts_with('/')
    {
        return dest.to_string();
    }
    let (path_part, fragment) = match dest.find('#') {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    if let Some(url) = links.codes.get(path_part).or_else(|| {
        path_part
            .parse::<crate::code::Code>()
            .ok()
            .and_then(|c| links.codes.get(&c.to_string()))
    }) {
        return format!("{}{url}{fragment}", links.root);
    }
    let base = links.page.parent().unwrap_or(Path::new(""));
    let Some(target) = normalise(&base.join(path_part)) else {
        return dest.to_string();
    };
    if let Some(url) = links.pages.get(&target) {
        return format!("{}{url}{fragment}", links.root);
    }
    if links.assets.contains(&target) {
        let web: Vec<String> = target
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        return format!(
            "{}{}/{}{fragment}",
            links.root,
            crate::site::layout::MEDIA_DIR,
            web.join("/")
        );
    }
    dest.to_string()
}

/// Resolves `..` and `.`; `None` when the path leaves the content folder.
fn normalise(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_plain(md: &str) -> Rendered {
        let pages = BTreeMap::from([(
            PathBuf::from("C/C2/_index.md"),
            "processi/C2.html".to_string(),
        )]);
        let codes =
            BTreeMap::from([("C2.5.3.1".to_string(), "processi/C2.5.3.1.html".to_string())]);
        let assets = HashSet::from([PathBuf::from("C/allegato.pdf")]);
        let links = Links {
            page: Path::new("C/C1.md"),
            root: "../",
            pages: &pages,
            codes: &codes,
            assets: &assets,
        };
        render(md, &links)
    }

    #[test]
    fn raw_html_is_sanitised() {
        let r = render_plain("Ciao <script>alert(1)</script> <img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\">x</a>");
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("onerror"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
    }

    #[test]
    fn code_is_highlighted_with_classes() {
        let r = render_plain("```python\ndef f():\n    return \"x\"\n```\n");
        assert!(r.has_code);
        assert!(r.html.contains("class=\"hl-"), "{}", r.html);
        assert!(!r.html.contains("style="), "{}", r.html);
        let r = render_plain("```\n<b>\n```\n");
        assert!(!r.has_code);
        assert!(r.html.contains("&lt;b&gt;"));
    }

    #[test]
    fn tables_align_with_classes_not_styles() {
        let r = render_plain("| a | b |\n|:--|--:|\n| 1 | 2 |\n");
        assert!(r.html.contains("class=\"allinea-sinistra\""), "{}", r.html);
        assert!(r.html.contains("class=\"allinea-destra\""), "{}", r.html);
        assert!(!r.html.contains("style="), "{}", r.html);
        let r = render_plain("<p class=\"evil\">x</p>");
        assert!(!r.html.contains("evil"), "{}", r.html);
    }

    #[test]
    fn headings_start_at_h2_and_links_are_rewritten() {
        let r = render_plain("# Note\n\n[a](C2.5.3.1) [b](C2/_index.md#x) [c](allegato.pdf) [d](https://example.org)");
        assert!(r.html.contains("<h2>Note</h2>"), "{}", r.html);
        assert!(
            r.html.contains("href=\"../processi/C2.5.3.1.html\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("href=\"../processi/C2.html#x\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("href=\"../contenuti/C/allegato.pdf\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("href=\"https://example.org\""),
            "{}",
            r.html
        );
    }
}
