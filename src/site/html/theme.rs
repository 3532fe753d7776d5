//! The theme: Tera templates and static files. The default theme is built
//! into the binary (from `themes/default/`), so a book needs no theme folder;
//! a book's `themes/<name>/templates/*.html` and `themes/<name>/static/*`
//! replace or add to it file by file.

use crate::config::{self, Config};
use crate::site::error::{io, BuildError};
use crate::site::layout::ASSETS_DIR;
use crate::site::output::Folder;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use tera::{Context, Tera};

/// The largest template of a theme read.
const MAX_TEMPLATE: u64 = 1 << 20;
/// The largest file of a theme's `static/` published (a font, an image).
const MAX_STATIC: u64 = 16 << 20;

/// The templates of a page's frame, and the variables base.html finds them
/// in ([`Theme::frame`]).
const FRAME: [(&str, &str); 2] = [
    ("header.html", "header_html"),
    ("footer.html", "footer_html"),
];

/// The key under which a context keeps the `root` its frame was rendered
/// for ([`Theme::frame`]).
const FRAME_ROOT: &str = "__frame_root";

/// What a page is given to start with ([`Theme::render`]): more than most
/// pages of a map take.
const PAGE_BYTES: usize = 32 * 1024;

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../themes/default/templates/", $name)))),*]
    };
}

macro_rules! embedded_static {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../../themes/default/static/", $name)).as_slice())),*]
    };
}

const TEMPLATES: &[(&str, &str)] = embedded![
    "base.html",
    "header.html",
    "footer.html",
    "macros.html",
    "index.html",
    "section.html",
    "process.html",
    "404.html",
    "print.html",
    "print-node.html",
    "search.html",
    "editions.html",
    "open-data.html",
    "changes.html",
    "version.html"
];
const STATIC: &[(&str, &[u8])] = embedded_static![
    "style.css",
    "favicon.svg",
    "ricerca.js",
    "fonts/titillium-web-latin-400-normal.woff2",
    "fonts/titillium-web-latin-400-italic.woff2",
    "fonts/titillium-web-latin-600-normal.woff2",
    "fonts/titillium-web-latin-700-normal.woff2",
    "fonts/OFL.txt",
];

pub(crate) struct Theme {
    tera: Tera,
    statics: BTreeMap<String, Vec<u8>>,
    /// A hash of every template and static file, to notice a theme edit.
    pub fingerprint: u64,
    /// Whether a template puts in `header_html` or `footer_html`: a theme
    /// whose own base.html does not is not made to render them.
    frame: bool,
}

impl Theme {
    pub(crate) fn load(book: &Path, config: &Config) -> Result<Theme, BuildError> {
        let dir = book.join("themes").join(&config.book.theme);
        if config.book.theme != "default" && !dir.is_dir() {
            return Err(BuildError::Page {
                path: book.join(config::FILE_NAME),
                message: format!(
                    "il tema «{}» non esiste: manca la cartella {}",
                    config.book.theme,
                    dir.display()
                ),
            });
        }
        let mut templates: BTreeMap<String, String> = TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let mut statics: BTreeMap<String, Vec<u8>> = STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect();
        for (sub, is_template) in [("templates", true), ("static", false)] {
            let base = dir.join(sub);
            if !base.is_dir() {
                continue;
            }
            // Hidden files and folders (`.git`, `.DS_Store`) are never
            // part of the theme, nor published.
            let walk = walkdir::WalkDir::new(&base)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walk {
                let entry =
                    entry.map_err(|e| BuildError::Template(format!("{}: {e}", base.display())))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(&base).unwrap_or(entry.path());
                let name = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                let read =
                    |max| crate::files::read_regular(entry.path(), max).map_err(io(entry.path()));
                if is_template {
                    let text = String::from_utf8(read(MAX_TEMPLATE)?).map_err(|_| {
                        BuildError::Template(format!(
                            "{}: il modello non è testo UTF-8",
                            entry.path().display()
                        ))
                    })?;
                    templates.insert(name, text);
                } else {
                    statics.insert(name, read(MAX_STATIC)?);
                }
            }
        }
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            templates.hash(&mut h);
            statics.hash(&mut h);
            h.finish()
        };
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // manuale's own escaping ([`crate::text::escape_html`]): it also
        // makes the controls HTML forbids visible, and leaves `/` as it is.
        tera.set_escape_fn(escape_to);
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| {
                let mut msg = template_error(&dir.join("templates"), &e);
                if templates.values().any(|t| is_tera1(t)) {
                    msg.push_str(TERA1_HINT);
                }
                BuildError::Template(msg)
            })?;
        let frame = templates
            .iter()
            .filter(|(name, _)| !FRAME.iter().any(|(t, _)| t == name))
            .any(|(_, text)| FRAME.iter().any(|(_, key)| text.contains(key)));
        Ok(Theme {
            tera,
            statics,
            fingerprint,
            frame,
        })
    }

    /// The values every page shares, as a template context: serialized
    /// once per build, then each page only adds its own ([`Theme::render`]).
    pub(super) fn globals<G: Serialize>(globals: &G) -> Result<Context, BuildError> {
        Context::from_serialize(globals).map_err(|e| BuildError::Template(e.to_string()))
    }

    /// Renders `template` with `ctx`, which holds the globals: the page's
    /// own values are put in it, replacing those of the page rendered
    /// before with the same context (a thread renders page after page with
    /// one context, and the globals of a national map's pages are not
    /// serialized again for each).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn render<P: Serialize>(
        &self,
        template: &str,
        ctx: &mut Context,
        page: &P,
        nav: &str,
        root: &str,
        has_code: bool,
        live_reload: Option<&str>,
    ) -> Result<String, BuildError> {
        self.frame(ctx, root)?;
        ctx.insert("page", page);
        ctx.insert("nav", nav);
        ctx.insert("has_code", &has_code);
        ctx.insert("live_reload", &live_reload);
        // Room for a whole page at once: Tera starts from 2 KB and a page
        // of the map is 15-25 KB, copied at each of four growths.
        let mut out = Vec::with_capacity(PAGE_BYTES);
        self.tera
            .render_to(template, ctx, &mut out)
            .map_err(|e| BuildError::Template(template_error(Path::new("themes"), &e)))?;
        String::from_utf8(out).map_err(|e| {
            BuildError::Template(format!(
                "themes: {template} ha prodotto testo non UTF-8: {e}"
            ))
        })
    }

    /// Puts in `ctx` the frame of a page in the folder `root`:
    /// `header_html` and `footer_html`, rendered from `header.html` and
    /// `footer.html` with the globals alone the first time `ctx` renders a
    /// page there, then kept (a thread renders a national map's thousands
    /// of pages with one context, and their frames are the same: Hugo's
    /// `partialCached`). The two templates do not see the previous page;
    /// they are not rendered at all for a theme whose templates do not use
    /// them (a base.html of its own, from before they existed).
    fn frame(&self, ctx: &mut Context, root: &str) -> Result<(), BuildError> {
        if !self.frame {
            ctx.insert("root", root);
            return Ok(());
        }
        if ctx.get(FRAME_ROOT).and_then(|r| r.as_str()) == Some(root) {
            return Ok(());
        }
        for key in ["page", "nav", "has_code", "live_reload", FRAME_ROOT] {
            ctx.remove(key);
        }
        ctx.insert("root", root);
        for (template, key) in FRAME {
            let html = self
                .tera
                .render(template, ctx)
                .map_err(|e| BuildError::Template(template_error(Path::new("themes"), &e)))?;
            // Trimmed: base.html puts each on lines of its own.
            ctx.insert(key, html.trim());
        }
        ctx.insert(FRAME_ROOT, root);
        Ok(())
    }

    /// The context of a part of a page (`print-node.html`): `ui`, and the
    /// part's value under its name, put by [`Theme::render_part`].
    pub(super) fn part_context(ui: &config::Ui) -> Context {
        let mut ctx = Context::new();
        ctx.insert("ui", ui);
        ctx
    }

    /// A part of a page (`print-node.html`): the template sees `ui` and
    /// `name`, nothing else, so rendering thousands of parts does not copy
    /// the globals each time; `ctx` comes from [`Theme::part_context`] and
    /// is used again part after part.
    pub(super) fn render_part<P: Serialize>(
        &self,
        template: &str,
        ctx: &mut Context,
        name: &'static str,
        value: &P,
    ) -> Result<String, BuildError> {
        ctx.insert(name, value);
        self.tera
            .render(template, ctx)
            .map_err(|e| BuildError::Template(template_error(Path::new("themes"), &e)))
    }

    /// Writes the static files under `assets/`; `style.css` starts with
    /// the chamber's colours.
    pub(crate) fn write_assets(&self, folder: &Folder, config: &Config) -> Result<(), BuildError> {
        for (name, bytes) in &self.statics {
            let rel = Path::new(ASSETS_DIR).join(name);
            if let Some(p) = rel.parent() {
                folder.create_dir(p)?;
            }
            if name == "style.css" {
                let mut css = colours(&config.book.color).into_bytes();
                css.extend_from_slice(bytes);
                folder.write(&rel, &css)?;
            } else {
                folder.write(&rel, bytes)?;
            }
        }
        Ok(())
    }
}

/// The stylesheet of highlighted code, for pages that have some.
pub(crate) fn write_code_css(folder: &Folder) -> Result<(), BuildError> {
    folder.create_dir(ASSETS_DIR)?;
    folder.write(
        Path::new(ASSETS_DIR).join("codice.css"),
        code_stylesheet().as_bytes(),
    )
}

/// What a theme's template written for Tera 1 is told: macros are gone.
const TERA1_HINT: &str =
    "\nnota: i modelli sono Tera 2, dove `import` e `macro` non esistono più: \
     i pezzi comuni sono componenti, definiti con `{% component nome(a, b) %}` e usati con \
     `{{ <nome a b /> }}`, senza import (come in themes/default/templates/macros.html)";

/// Whether a template uses Tera 1's macros (`{% import %}`, `{% macro %}`,
/// `m::name(...)`), which Tera 2 no longer has.
fn is_tera1(text: &str) -> bool {
    text.contains("::")
        || ["{% import ", "{%- import ", "{% macro ", "{%- macro "]
            .iter()
            .any(|tag| text.contains(tag))
}

/// Tera's escape function: [`crate::text::escape_html`], written out.
fn escape_to(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(crate::text::escape_html(text).as_bytes())
}

/// Tera's error with its causes, which say the template and line.
fn template_error(dir: &Path, e: &tera::Error) -> String {
    let mut msg = format!("{}: errore nei modelli: {e}", dir.display());
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// CSS custom properties for the chamber's colour: the colour itself (the
/// header, on which text is white), a darker one for hover, and link colours
/// that keep 4.5:1 against the lightest background of each mode: darkened if
/// needed in light mode, lightened in dark mode.
fn colours(color: &str) -> String {
    let rgb = config::parse_color(color).unwrap_or([0x1f, 0x5f, 0x74]);
    let toward = |target: f64, bg: [u8; 3], ratio: f64| {
        let mut c = rgb;
        for step in 0..=80 {
            let t = f64::from(step) / 80.0;
            c = rgb.map(|v| (f64::from(v) + (target - f64::from(v)) * t).round() as u8);
            if config::contrast(c, bg) >= ratio {
                break;
            }
        }
        c
    };
    // The lightest backgrounds links sit on: the tinted bands of each mode.
    let light_link = toward(0.0, [0xf2, 0xf4, 0xf5], 4.6);
    // In dark mode a link is no dimmer than the text around it.
    let dark_bg = [0x1d, 0x23, 0x29];
    let dark_link = toward(
        255.0,
        dark_bg,
        config::contrast([0xe8, 0xea, 0xed], dark_bg),
    );
    let darker = rgb.map(|c| (f64::from(c) * 0.8).round() as u8);
    let hex = |c: [u8; 3]| format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
    format!(
        ":root{{--colore:{};--colore-scuro:{};--colore-link:{};--colore-chiaro:{}}}\n",
        hex(rgb),
        hex(darker),
        hex(light_link),
        hex(dark_link)
    )
}

/// Syntax colours for fenced code, light and dark.
fn code_stylesheet() -> String {
    use syntect::highlighting::ThemeSet;
    use syntect::html::css_for_theme_with_class_style;
    let themes = ThemeSet::load_defaults();
    let light = css_for_theme_with_class_style(
        &themes.themes["InspiredGitHub"],
        super::markdown::CLASS_STYLE,
    )
    .unwrap_or_default();
    let dark = css_for_theme_with_class_style(
        &themes.themes["base16-ocean.dark"],
        super::markdown::CLASS_STYLE,
    )
    .unwrap_or_default();
    format!("{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n")
}
