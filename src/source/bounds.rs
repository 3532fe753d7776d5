//! What a sheet may weigh: files and rows within bounds, so that any input,
//! `/dev/zero` or a workbook that expands a thousandfold included, is
//! answered in bounded memory and time.

use super::sheet::{SourceError, MAX_FILE, MAX_HOLD};
use std::path::Path;

/// Reads a file of at most [`MAX_FILE`] bytes; anything that is not a
/// regular file (a folder, a FIFO that would block, a device that never
/// ends such as `/dev/zero`) is refused before it is opened.
pub(super) fn read_file(path: &Path) -> Result<Vec<u8>, SourceError> {
    use std::io::Read as _;
    let io = |source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(SourceError::NotAFile {
            path: path.to_path_buf(),
            what: kind_of(&meta.file_type()),
        });
    }
    let too_big = |size: u64| SourceError::TooBig {
        path: path.to_path_buf(),
        what: format!("{} MB", size >> 20),
    };
    if meta.len() > MAX_FILE {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// What a path that is not a regular file is, in words.
fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "una pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "un dispositivo";
        }
        if t.is_socket() {
            return "un socket";
        }
    }
    if t.is_dir() {
        "una cartella"
    } else {
        "un file speciale"
    }
}

/// What the rows read so far hold, against [`MAX_HOLD`]: a file of short
/// lines or empty cells is refused before it fills the memory.
#[derive(Debug)]
pub(super) struct Budget {
    left: usize,
}

impl Budget {
    pub(super) fn new() -> Budget {
        Budget { left: MAX_HOLD }
    }

    /// Charges a row; false when the sheet goes over the budget.
    pub(super) fn row(&mut self, cells: &[String]) -> bool {
        let cost = 64 + cells.iter().map(|c| 48 + c.len()).sum::<usize>();
        match self.left.checked_sub(cost) {
            Some(left) => {
                self.left = left;
                true
            }
            None => false,
        }
    }
}
