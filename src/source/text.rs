//! Is it text, and in which encoding?
//!
//! git calls a blob binary when a NUL byte appears in its first 8,000 bytes,
//! and so does blastwall, with one exception: UTF-16 text (what PowerShell
//! 5's `>` writes, and what some Windows tools save config as) is full of NUL
//! bytes yet is text, and a credential in it is as live as in UTF-8. It is
//! recognised by its byte-order mark, or without one by the alternating-NUL
//! pattern of mostly-ASCII text, and converted to UTF-8 before scanning.
//! Line numbers are the same in both encodings.

/// Bytes inspected for a NUL to call a blob binary (git uses the same rule).
pub const BINARY_SNIFF_BYTES: usize = 8000;

/// How a blob's bytes are to be scanned.
#[derive(Debug, PartialEq, Eq)]
pub enum Text {
    /// Scan as is (UTF-8, ASCII, or another 8-bit encoding: rules are ASCII).
    Utf8,
    /// UTF-16 text, converted to UTF-8.
    Utf16(Vec<u8>),
    /// Not text.
    Binary,
}

/// Decides how to scan `data`.
pub fn decode(data: &[u8]) -> Text {
    let head = &data[..data.len().min(BINARY_SNIFF_BYTES)];
    // Without a NUL, bytes are scanned as they are: credentials are ASCII,
    // and ASCII in UTF-16 always brings NULs (so `\xff\xfe` opening a
    // Latin-1 file is not taken for a byte-order mark).
    if memchr::memchr(0, head).is_none() {
        return Text::Utf8;
    }
    match utf16_order(head) {
        Some(little) => Text::Utf16(utf16_to_utf8(data, little)),
        None => Text::Binary,
    }
}

/// `data` as the funnel scans it: UTF-16 converted, anything else as is.
pub fn as_text(data: Vec<u8>) -> Vec<u8> {
    match decode(&data) {
        Text::Utf16(text) => text,
        _ => data,
    }
}

/// Is this binary (and not UTF-16 text)?
pub fn looks_binary(data: &[u8]) -> bool {
    matches!(decode(data), Text::Binary)
}

/// `Some(true)` for UTF-16LE, `Some(false)` for UTF-16BE, `None` otherwise.
fn utf16_order(head: &[u8]) -> Option<bool> {
    match head {
        [0xFF, 0xFE, ..] => return Some(true),
        [0xFE, 0xFF, ..] => return Some(false),
        _ => {}
    }
    // Without a BOM: mostly-ASCII UTF-16 has a NUL in every other byte and
    // (almost) none in the others. Require enough text to be sure.
    if head.len() < 16 {
        return None;
    }
    let pairs = head.len() / 2;
    let (mut even_nul, mut odd_nul) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        even_nul += usize::from(pair[0] == 0);
        odd_nul += usize::from(pair[1] == 0);
    }
    let mostly = |n: usize| n * 10 >= pairs * 9;
    let rarely = |n: usize| n * 20 <= pairs;
    if mostly(odd_nul) && rarely(even_nul) {
        Some(true)
    } else if mostly(even_nul) && rarely(odd_nul) {
        Some(false)
    } else {
        None
    }
}

fn utf16_to_utf8(data: &[u8], little: bool) -> Vec<u8> {
    let body = match data {
        [0xFF, 0xFE, rest @ ..] | [0xFE, 0xFF, rest @ ..] => rest,
        _ => data,
    };
    let units = body.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect::<String>()
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        for u in s.encode_utf16() {
            out.extend(u.to_le_bytes());
        }
        out
    }

    #[test]
    fn nul_means_binary_as_git_decides() {
        assert_eq!(decode(b"abc\0def"), Text::Binary);
        assert_eq!(decode(b"abc\xff\xfe"), Text::Utf8);
        assert_eq!(decode(b"\xff\xfe\xc3(\ntoken = x\n"), Text::Utf8);
        let mut late = vec![b'a'; BINARY_SNIFF_BYTES];
        late.push(0);
        assert_eq!(decode(&late), Text::Utf8);
    }

    #[test]
    fn utf16_with_and_without_bom_is_text() {
        let s = "token = ghp_x\r\nsecond line\r\n";
        for bom in [true, false] {
            assert_eq!(decode(&utf16le(s, bom)), Text::Utf16(s.as_bytes().to_vec()));
        }
        let mut be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            be.extend(u.to_be_bytes());
        }
        assert_eq!(decode(&be), Text::Utf16(s.as_bytes().to_vec()));
    }

    #[test]
    fn binary_with_scattered_nuls_stays_binary() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0";
        assert_eq!(decode(png), Text::Binary);
    }
}
