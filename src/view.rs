//! What a node's page says about its rows, decided once for both outputs:
//! the Markdown part `import` writes into `content/` and the HTML `build`
//! publishes. Keeping one place for it keeps the two from drifting apart.

use crate::code::{self, Code};
use crate::config::Ui;
use crate::mapping::{Record, Role};
use crate::steps::{self, Field, Steps};
use crate::text::normalise;

/// One field of an activity, ready to print.
#[derive(Clone, Debug)]
pub(crate) struct FieldView {
    /// `input`, `output`, `steps`, `responsible` or `extra`.
    pub key: &'static str,
    pub label: String,
    pub steps: Steps,
    /// The cell was empty: the page says "not given".
    pub missing: bool,
}

/// A row of the sheet that holds data: one activity of the process.
#[derive(Clone, Debug)]
pub(crate) struct ActivityView {
    pub line: usize,
    /// The activity's name (the node's title when the row has none).
    pub name: String,
    /// The code cell as written, when it says something the page's code
    /// and title do not (a respelled code, another title, no code at all).
    pub code_cell: Option<String>,
    pub fields: Vec<FieldView>,
}

/// A row with no data whose name differs from the title.
#[derive(Clone, Debug)]
pub(crate) struct NameNote {
    pub line: usize,
    pub name: String,
    pub code_cell: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct RowsView {
    pub activities: Vec<ActivityView>,
    pub notes: Vec<NameNote>,
}

/// Splits a node's rows into activities and notes.
pub(crate) fn rows(code: &Code, title: &str, records: &[Record], ui: &Ui) -> RowsView {
    // The label of an activity's field.
    let label = |role: Role| -> &str {
        match role {
            Role::Input => &ui.input,
            Role::Output => &ui.output,
            Role::Steps => &ui.steps,
            Role::Responsible => &ui.responsible,
            Role::Name | Role::Code | Role::Normalised => "",
        }
    };
    let mut view = RowsView::default();
    for r in records {
        let code_cell = unusual_code_cell(code, title, &r.code_cell);
        if r.has_data() {
            let mut fields = Vec::new();
            for role in Role::DATA {
                let text = r.cell(role);
                let kind = if role == Role::Steps {
                    Field::Steps
                } else {
                    Field::Other
                };
                fields.push(FieldView {
                    key: role.field(),
                    label: label(role).to_string(),
                    steps: steps::parse(text, kind),
                    missing: text.is_empty(),
                });
            }
            for (header, text) in &r.extra {
                fields.push(FieldView {
                    key: "extra",
                    label: header.clone(),
                    steps: steps::parse(text, Field::Other),
                    missing: text.is_empty(),
                });
            }
            let name = if r.name.is_empty() {
                title.to_string()
            } else {
                r.name.clone()
            };
            view.activities.push(ActivityView {
                line: r.line,
                name,
                code_cell,
                fields,
            });
        } else {
            let named = code::parse_cell(&r.name);
            let bare = if named.code.is_some() {
                named.title.as_str()
            } else {
                r.name.as_str()
            };
            let name_differs = !r.name.is_empty() && normalise(bare) != normalise(title);
            if name_differs || code_cell.is_some() {
                view.notes.push(NameNote {
                    line: r.line,
                    name: if name_differs {
                        r.name.clone()
                    } else {
                        String::new()
                    },
                    code_cell,
                });
            }
        }
    }
    view
}

/// The code cell, unless it is just the code and the title.
fn unusual_code_cell(code: &Code, title: &str, cell: &str) -> Option<String> {
    if cell.is_empty() {
        return None;
    }
    let plain = format!("{code} {title}");
    (cell.trim() != plain.trim() && cell.trim() != code.to_string()).then(|| cell.to_string())
}
