//! Text for terminals: nothing a file name, a config value or a matched line
//! contains may move the cursor, change colours, set the window title or
//! start a new output line.
//!
//! Control characters (C0, DEL, C1) and the Unicode controls that reorder or
//! hide text (bidirectional overrides and isolates, zero-width joiners,
//! BOMs) are written as escapes, the way git's `core.quotePath` writes
//! unusual file names. A path that needed escaping is also quoted, as git
//! does, so that `"a\nb"` cannot be mistaken for two lines.

use std::borrow::Cow;
use std::fmt::Write;

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// `s` with every control character escaped (`\n`, `\t`, `\x1b`, `\u{202e}`).
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// A path for people: as is when harmless, else escaped and quoted.
pub fn path(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| needs_escape(c) || c == '"') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 10);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => push_escaped(&mut out, c),
        }
    }
    out.push('"');
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if needs_escape(c) && (c as u32) < 0x100 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if needs_escape(c) => {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped() {
        assert_eq!(text("plain"), "plain");
        assert_eq!(text("a\x1b[31mb\x07"), "a\\x1b[31mb\\x07");
        assert_eq!(text("x\ny\r"), "x\\ny\\r");
        assert_eq!(text("\u{9b}c"), "\\x9bc");
        assert_eq!(text("ab\u{202e}cd"), "ab\\u{202e}cd");
    }

    #[test]
    fn odd_paths_are_quoted() {
        assert_eq!(path("src/a b.txt"), "src/a b.txt");
        assert_eq!(path("a\nb"), "\"a\\nb\"");
        assert_eq!(path("say\"hi"), "\"say\\\"hi\"");
    }
}
