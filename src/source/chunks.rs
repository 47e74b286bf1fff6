//! Scanning large content in bounded memory.
//!
//! Content up to [`CHUNK`] bytes goes to the engine whole. Larger content (a
//! 200 MB staged file, a 20 MB single-line bundle, a huge `.tfstate`) is
//! scanned in chunks that overlap by [`OVERLAP`] bytes, read from a stream
//! when it is a file, so memory stays bounded and cost linear in bytes.
//!
//! Chunks start at a line start when one is near, so that positions need no
//! adjusting; otherwise (a minified line) at any byte, and the column is
//! corrected. A finding belongs to the chunk whose share of the overlap it
//! starts in: each side of a split point sees at least half the overlap of
//! context, far more than any rule's window or a private key's length.

use crate::engine::{Engine, EngineError};
use crate::finding::Finding;
use std::io::Read;

/// Content up to this size is scanned in one piece.
pub const CHUNK: usize = 8 << 20;
/// Bytes shared by consecutive chunks.
pub const OVERLAP: usize = 64 << 10;

/// Why a chunked scan stopped.
#[derive(Debug, thiserror::Error)]
pub enum ChunkError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// A 1-based (line, column) position; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Position {
    line: usize,
    column: usize,
}

/// Where a chunk starts: the line it starts on, and how many characters of
/// that line come before it (0 at a line start).
#[derive(Debug, Clone, Copy)]
struct Origin {
    line: usize,
    chars_before: usize,
}

impl Origin {
    /// Moves past `bytes` (the content between this chunk's start and the next's).
    fn advance(self, bytes: &[u8]) -> Origin {
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => Origin {
                line: self.line + memchr::memchr_iter(b'\n', bytes).count(),
                chars_before: chars(&bytes[last + 1..]),
            },
            None => Origin {
                line: self.line,
                chars_before: self.chars_before + chars(bytes),
            },
        }
    }

    fn position(self) -> Position {
        Position {
            line: self.line,
            column: self.chars_before + 1,
        }
    }

    /// A finding's position in the whole content, from its position in the chunk.
    fn place(self, f: &mut Finding) {
        if f.line == 1 {
            f.column += self.chars_before;
        }
        f.line += self.line - 1;
        f.end_line += self.line - 1;
    }
}

/// Characters (not continuation bytes) in `bytes`.
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

/// A cut point in `buf` at or before `at`: just after a line break within
/// half the overlap, else `at` itself.
fn cut(buf: &[u8], at: usize) -> usize {
    let floor = at.saturating_sub(OVERLAP / 2);
    match memchr::memrchr(b'\n', &buf[floor..at]) {
        Some(p) => floor + p + 1,
        None => at,
    }
}

/// Scans `data`, whole when small, else chunk by chunk.
pub fn scan_bytes(engine: &Engine, path: &str, data: &[u8]) -> Result<Vec<Finding>, ChunkError> {
    if data.len() <= CHUNK {
        return Ok(engine.scan(path, data)?);
    }
    scan_stream(engine, path, &mut &data[..], &mut Vec::new())
}

/// Scans everything `reader` yields, in chunks, using `buf` for the chunk.
pub fn scan_stream(
    engine: &Engine,
    path: &str,
    reader: &mut dyn Read,
    buf: &mut Vec<u8>,
) -> Result<Vec<Finding>, ChunkError> {
    let mut out = Vec::new();
    let mut origin = Origin {
        line: 1,
        chars_before: 0,
    };
    // Findings before this were reported by the previous chunk.
    let mut from = Position { line: 0, column: 0 };
    buf.clear();
    loop {
        let room = CHUNK - buf.len();
        let got = reader.take(room as u64).read_to_end(buf)?;
        let last = got < room;
        let found = engine.scan(path, buf)?;
        let at = |f: &Finding| Position {
            line: f.line,
            column: f.column,
        };
        if last {
            out.extend(
                found
                    .into_iter()
                    .map(|mut f| {
                        origin.place(&mut f);
                        f
                    })
                    .filter(|f| at(f) >= from),
            );
            return Ok(out);
        }
        // This chunk reports findings starting before `split`; the next
        // starts at `next` (before `split`, for context) and reports the rest.
        let split = cut(buf, buf.len() - OVERLAP / 2);
        let next = cut(buf, buf.len() - OVERLAP).min(split);
        let split_at = origin.advance(&buf[..split]).position();
        for mut f in found {
            origin.place(&mut f);
            if (from..split_at).contains(&at(&f)) {
                out.push(f);
            }
        }
        from = split_at;
        origin = origin.advance(&buf[..next]);
        buf.drain(..next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Allowlist;
    use crate::rules::load_rules_text;
    use std::path::Path;

    fn engine() -> Engine {
        let rules = load_rules_text(
            Path::new("t.toml"),
            "[[rule]]\nid = \"demo-token\"\nprovider = \"Demo\"\ndescription = \"d\"\nkeywords = [\"dmo_\"]\nregex = '''\\b(dmo_[A-Za-z0-9]{16})\\b'''\ntier = \"high\"\nwhy = \"w\"\nfix = \"f\"\n",
            true,
        )
        .unwrap();
        Engine::new(rules, Allowlist::default())
    }

    const TOKEN: &str = "dmo_Q8r2T5y7U1i3O9p4";

    /// The same findings, at the same positions, as one whole scan, for
    /// tokens placed around every chunk boundary, in lines and in one long line.
    #[test]
    fn chunked_equals_whole() {
        let e = engine();
        for line_len in [80usize, 3 * CHUNK] {
            let mut data: Vec<u8> = Vec::new();
            let mut expected = Vec::new();
            let total = 2 * CHUNK + 3 * OVERLAP;
            let mut marks: Vec<usize> = vec![
                10,
                CHUNK - OVERLAP - 7,
                CHUNK - OVERLAP / 2 - 3,
                CHUNK - 30,
                CHUNK + 5,
                2 * CHUNK - OVERLAP,
                total - 40,
            ];
            marks.sort();
            let mut next = marks.into_iter().peekable();
            while data.len() < total {
                if next.peek().is_some_and(|m| data.len() >= *m) {
                    next.next();
                    data.push(b' ');
                    expected.push(data.len());
                    data.extend_from_slice(TOKEN.as_bytes());
                    data.push(b' ');
                    continue;
                }
                let at_line_end = (data.len() + 1).is_multiple_of(line_len);
                data.push(if at_line_end { b'\n' } else { b'x' });
            }
            let whole = e.scan("a.txt", &data).unwrap();
            assert_eq!(whole.len(), expected.len());
            let chunked = scan_bytes(&e, "a.txt", &data).unwrap();
            let pos = |v: &[Finding]| -> Vec<(usize, usize, usize)> {
                v.iter().map(|f| (f.line, f.column, f.end_line)).collect()
            };
            assert_eq!(pos(&chunked), pos(&whole), "line length {line_len}");
        }
    }
}
