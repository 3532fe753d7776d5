//! Where a key or a value is written in `book.toml`, for errors and notes
//! that name its line.

/// The offset of the first line whose text holds `value` as a TOML
/// string (`"value"`); 0 when none does (written another way).
pub(super) fn key_offset_of_value(text: &str, value: &str) -> usize {
    let written = toml::Value::String(value.to_string()).to_string();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.contains(&written) && !line.trim_start().starts_with('#') {
            return offset + (line.len() - line.trim_start().len());
        }
        offset += line.len();
    }
    0
}

/// The offset of the first line that sets `key` (`key = …`), ignoring
/// comments; 0 when the key is not written.
pub(super) fn key_offset(text: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return offset + (line.len() - t.len());
            }
        }
        offset += line.len();
    }
    0
}

pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
