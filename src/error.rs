//! Typed errors for the library's boundaries.
//!
//! A malformed rules file, config or baseline must say *where* it is wrong, so
//! those errors carry a file, line and column. Everything else is plumbing and
//! travels as `anyhow` at the binary's edge.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem at a position in a text file the user can edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedError {
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column (in characters); 0 when unknown.
    pub column: usize,
    pub message: String,
}

impl LocatedError {
    /// An error at byte `offset` of `text`, which is the content of `file`.
    pub fn at_offset(file: &Path, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_col(text, offset);
        LocatedError {
            file: file.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }

    /// An error about the whole file (unreadable, wrong version, ...).
    pub fn whole_file(file: &Path, message: impl Into<String>) -> Self {
        LocatedError {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            message: message.into(),
        }
    }

    /// Converts a TOML parse/deserialize error, keeping its position.
    pub fn from_toml(file: &Path, text: &str, err: &toml::de::Error) -> Self {
        let message = err.message().trim().to_string();
        match err.span() {
            Some(span) => Self::at_offset(file, text, span.start, message),
            None => Self::whole_file(file, message),
        }
    }
}

impl fmt::Display for LocatedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                self.line,
                self.column,
                self.message
            )
        }
    }
}

impl std::error::Error for LocatedError {}

/// `bytes` as text, or an error at the first byte that is not UTF-8.
pub fn utf8_text(file: &Path, bytes: Vec<u8>) -> Result<String, LocatedError> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
        LocatedError::at_offset(
            file,
            &valid,
            at,
            "this byte is not UTF-8 (the file must be UTF-8 text); re-save it as UTF-8",
        )
    })
}

/// 1-based (line, column) of byte `offset` in `text`; the column counts characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // 'é' is two bytes but one column.
        assert_eq!(line_col(text, 9), (2, 3));
    }

    #[test]
    fn invalid_utf8_is_located() {
        let e = utf8_text(Path::new("c.toml"), b"a = 1\nb = \"\xff\"\n".to_vec()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 6), "{e}");
    }

    #[test]
    fn display_has_position() {
        let e = LocatedError::at_offset(Path::new("x.toml"), "a\nbb", 3, "bad");
        assert_eq!(e.to_string(), "x.toml:2:2: bad");
        let w = LocatedError::whole_file(Path::new("x.toml"), "gone");
        assert_eq!(w.to_string(), "x.toml: gone");
    }
}
