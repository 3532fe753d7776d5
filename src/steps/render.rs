//! A step list as Markdown (for the pages in `content/`) and as HTML
//! (for the site), with the same structure.

use super::model::{Kind, Steps};
use crate::text::{escape_html, escape_markdown};
use std::fmt::Write as _;

impl Steps {
    /// Every character of the original text except the whitespace around
    /// markers, in order: used by tests to prove nothing was dropped.
    pub fn words(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_words(&mut out);
        out
    }

    fn collect_words(&self, out: &mut Vec<String>) {
        out.extend(self.intro.split_whitespace().map(str::to_string));
        if let Some(list) = &self.list {
            for item in &list.items {
                out.extend(item.marker.split_whitespace().map(str::to_string));
                item.body.collect_words(out);
            }
        }
    }

    /// Markdown for a page in `content/`, readable as plain text.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        self.write_markdown(&mut out, 0);
        out.trim_end().to_string()
    }

    fn write_markdown(&self, out: &mut String, indent: usize) {
        let pad = " ".repeat(indent);
        if !self.intro.is_empty() {
            let _ = writeln!(out, "{pad}{}", escape_markdown(&self.intro));
            if self.list.is_some() {
                out.push('\n');
            }
        }
        let Some(list) = &self.list else { return };
        for item in &list.items {
            if list.kind == Kind::Labels {
                // The label heads its group; the group's list is indented
                // under the label's text, not under the label's length.
                let line = format!(
                    "{pad}- {} {}",
                    item.marker,
                    escape_markdown(&item.body.intro)
                );
                let _ = writeln!(out, "{}", line.trim_end());
                if let Some(sub) = &item.body.list {
                    out.push('\n');
                    let rest = Steps {
                        intro: String::new(),
                        list: Some(sub.clone()),
                    };
                    rest.write_markdown(out, indent + 2);
                }
                continue;
            }
            let bullet = match list.kind {
                Kind::Number => format!("{}. ", item.value),
                Kind::Letter => format!("- {} ", item.marker),
                Kind::Dash | Kind::Lines | Kind::Labels => "- ".to_string(),
            };
            let child_indent = indent + bullet.len();
            let first = escape_markdown(&item.body.intro);
            let _ = writeln!(out, "{pad}{bullet}{first}");
            if let Some(sub) = &item.body.list {
                let rest = Steps {
                    intro: String::new(),
                    list: Some(sub.clone()),
                };
                if !item.body.intro.is_empty() {
                    out.push('\n');
                }
                rest.write_markdown(out, child_indent);
            }
        }
    }

    /// HTML for the published page; all text is escaped.
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        self.write_html(&mut out);
        out
    }

    fn write_html(&self, out: &mut String) {
        if !self.intro.is_empty() {
            if self.list.is_some() {
                let _ = write!(out, "<p>{}</p>", escape_html(&self.intro));
            } else {
                out.push_str(&escape_html(&self.intro));
            }
        }
        let Some(list) = &self.list else { return };
        let (open, close) = match list.kind {
            Kind::Number => ("<ol>", "</ol>"),
            Kind::Letter => ("<ol type=\"a\">", "</ol>"),
            Kind::Dash | Kind::Lines => ("<ul>", "</ul>"),
            Kind::Labels => ("<ul class=\"gruppi\">", "</ul>"),
        };
        out.push_str(open);
        for (i, item) in list.items.iter().enumerate() {
            // Keep the chamber's own numbering (`3. … 3. … 4.`).
            let numbered =
                matches!(list.kind, Kind::Number | Kind::Letter) && item.value as usize != i + 1;
            if numbered {
                let _ = write!(out, "<li value=\"{}\">", item.value);
            } else {
                out.push_str("<li>");
            }
            if list.kind == Kind::Labels {
                // The label as written heads the group.
                let headed = Steps {
                    intro: format!("{} {}", item.marker, item.body.intro)
                        .trim()
                        .to_string(),
                    list: item.body.list.clone(),
                };
                headed.write_html(out);
            } else {
                item.body.write_html(out);
            }
            out.push_str("</li>");
        }
        out.push_str(close);
    }
}
