//! Filters that decide whether a regex match is really a credential.
//!
//! False positives are why people run `git commit --no-verify`, so every match
//! passes through here: placeholders (`xxxx`, `EXAMPLE`, `your-api-key`,
//! `${VAR}`, `<token>`), repeated or sequential characters, low entropy, and
//! the inline suppression markers users already have in their code.

/// Shannon entropy of `bytes`, in bits per byte.
pub fn shannon_entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let len = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Substrings that mark a value as a template or documentation placeholder.
/// Matched case-insensitively against the secret.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "xxxx",
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "your",
    "redacted",
    "dummy",
    "sample",
    "replace_",
    "replace-",
    "insert_",
    "insert-",
    "****",
    "...",
    "${",
    "{{",
    "}}",
    "$(",
    "%s",
    "%(",
    "<",
    ">",
];

/// Whole values that are words, not secrets.
const PLACEHOLDER_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "null",
    "none",
    "nil",
    "true",
    "false",
    "undefined",
    "required",
    "optional",
    "string",
    "empty",
    "default",
    "test",
    "testing",
    "value",
    "key",
];

/// Longest run of one repeated byte, and the longest run of consecutive
/// characters (`abcdef`, `987654`, case-insensitive).
fn longest_runs(bytes: &[u8]) -> (usize, usize) {
    let (mut same, mut best_same) = (1usize, 1usize);
    let (mut up, mut down, mut best_seq) = (1usize, 1usize, 1usize);
    for w in bytes.windows(2) {
        let (a, b) = (w[0].to_ascii_lowercase(), w[1].to_ascii_lowercase());
        same = if a == b { same + 1 } else { 1 };
        let alnum = a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric();
        up = if alnum && b == a.wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if alnum && a == b.wrapping_add(1) {
            down + 1
        } else {
            1
        };
        best_same = best_same.max(same);
        best_seq = best_seq.max(up).max(down);
    }
    (best_same, best_seq)
}

/// True when `secret` is a placeholder rather than a credential.
pub fn is_placeholder(secret: &[u8]) -> bool {
    if secret.is_empty() {
        return true;
    }
    let lower: Vec<u8> = secret.iter().map(u8::to_ascii_lowercase).collect();
    if PLACEHOLDER_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(&lower, m.as_bytes()).is_some())
    {
        return true;
    }
    if PLACEHOLDER_WORDS.iter().any(|w| lower == w.as_bytes()) {
        return true;
    }
    let (same, seq) = longest_runs(secret);
    if same >= 6 || seq >= 6 {
        return true;
    }
    // A long value built from two or three characters ("abababab...").
    if secret.len() >= 16 {
        let mut seen = [false; 256];
        let distinct = secret
            .iter()
            .filter(|&&b| !std::mem::replace(&mut seen[b as usize], true))
            .count();
        if distinct <= 3 {
            return true;
        }
    }
    false
}

/// Markers that suppress a finding on their own line or on the next line.
const SUPPRESS_MARKERS: &[&str] = &[
    "blastwall:allow",
    "gitleaks:allow",
    "betterleaks:allow",
    "pragma: allowlist secret",
    "trufflehog:ignore",
    "kingfisher:ignore",
    "ggignore",
];
/// detect-secrets' explicit next-line form (only valid on the line before).
const SUPPRESS_NEXT_LINE: &str = "pragma: allowlist nextline secret";

/// True when the line holding byte `offset` carries an inline suppression
/// marker, or the line before it is a comment that consists of one.
///
/// A marker at the end of a code line covers that line only; to cover the
/// next line the marker must stand alone in a comment (`# blastwall:allow`),
/// so that one trailing marker never silences its neighbour by accident.
pub fn suppressed_inline(data: &[u8], offset: usize) -> bool {
    let offset = offset.min(data.len());
    let line_start = memchr::memrchr(b'\n', &data[..offset]).map_or(0, |p| p + 1);
    let line_end = memchr::memchr(b'\n', &data[offset..]).map_or(data.len(), |p| offset + p);
    if contains_any(&data[line_start..line_end], SUPPRESS_MARKERS) {
        return true;
    }
    if line_start == 0 {
        return false;
    }
    let prev_end = line_start - 1;
    let prev_start = memchr::memrchr(b'\n', &data[..prev_end]).map_or(0, |p| p + 1);
    let body = strip_comment_leader(&data[prev_start..prev_end]);
    SUPPRESS_MARKERS
        .iter()
        .chain(std::iter::once(&SUPPRESS_NEXT_LINE))
        .any(|m| body.starts_with(m.as_bytes()))
}

/// The text of a line after its indentation and comment leader (`#`, `//`,
/// `/*`, `--`, `;`, `<!--`, `*`, `%`, `'`, `rem`).
fn strip_comment_leader(line: &[u8]) -> &[u8] {
    let mut rest = line.trim_ascii_start();
    for leader in [
        &b"<!--"[..],
        b"//",
        b"/*",
        b"--",
        b"#",
        b";",
        b"*",
        b"%",
        b"'",
    ] {
        if let Some(r) = rest.strip_prefix(leader) {
            rest = r;
            break;
        }
    }
    let rest = rest.trim_ascii_start();
    rest.strip_prefix(b"rem ")
        .unwrap_or(rest)
        .trim_ascii_start()
}

fn contains_any(hay: &[u8], needles: &[&str]) -> bool {
    needles
        .iter()
        .any(|n| memchr::memmem::find(hay, n.as_bytes()).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_uniform_and_constant() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn placeholders_are_recognised() {
        for p in [
            "xxxxxxxxxxxxxxxxxxxx",
            "AKIAIOSFODNN7EXAMPLE",
            "your-api-key-here",
            "${API_KEY}",
            "<token>",
            "{{ secrets.X }}",
            "aaaaaaaaaaaaaaaaaaaaaaaa",
            "0000000000000000",
            "abcdef1234567890",
            "AbCdEfGhIjKlMnOp",
            "9876543210",
            "abababababababababab",
            "password",
            "REDACTED",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p} should be a placeholder");
        }
    }

    #[test]
    fn random_tokens_are_not_placeholders() {
        for s in [
            "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB",
            "ghp_R2d9kQ7mZx4Lp0sWv8Tb3Nc6Yh1Jf5Ua9Ge2",
            "ded7db27a4558eea9bbf0bf36e0e8521618f366c",
            "P@ssw0rd$1",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s} is not a placeholder");
        }
    }

    #[test]
    fn suppression_on_line_or_comment_line_before() {
        let text = b"a = 1\n  # blastwall:allow test fixture\ntoken = SECRET\nother = SECRET2 # gitleaks:allow\nlast = SECRET3\n// pragma: allowlist secret\nz = SECRET4\n";
        let at = |needle: &str| memchr::memmem::find(text, needle.as_bytes()).unwrap();
        assert!(suppressed_inline(text, at("SECRET\n")));
        assert!(suppressed_inline(text, at("SECRET2")));
        // A trailing marker covers its own line, not the next one.
        assert!(!suppressed_inline(text, at("SECRET3")));
        assert!(suppressed_inline(text, at("SECRET4")));
        assert!(!suppressed_inline(text, at("a = 1")));
    }

    #[test]
    fn detect_secrets_nextline_form() {
        let text = b"# pragma: allowlist nextline secret\npw = hunter22\npw2 = x\n";
        assert!(suppressed_inline(text, 40));
        assert!(!suppressed_inline(text, text.len() - 3));
    }
}
