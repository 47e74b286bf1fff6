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

/// Bytes of `bytes` that lie in runs of at least `min` characters, as
/// `(repeating, all)`: runs that repeat one character (`aaaa`) count in both,
/// runs that count up or down (`abcd`, `9876`, `AbCd`; case-insensitive,
/// letters and digits) only in `all`.
fn run_coverage(bytes: &[u8], min: usize) -> (usize, usize) {
    let (mut repeating, mut all) = (0, 0);
    let mut i = 0;
    while i < bytes.len() {
        let (mut best, mut best_step) = (1, 0);
        for step in [0i16, 1, -1] {
            let mut j = i + 1;
            while j < bytes.len() {
                let (a, b) = (
                    bytes[j - 1].to_ascii_lowercase(),
                    bytes[j].to_ascii_lowercase(),
                );
                let ok = if step == 0 {
                    a == b
                } else {
                    a.is_ascii_alphanumeric()
                        && b.is_ascii_alphanumeric()
                        && i16::from(b) - i16::from(a) == step
                };
                if !ok {
                    break;
                }
                j += 1;
            }
            if j - i > best {
                (best, best_step) = (j - i, step);
            }
        }
        if best >= min {
            all += best;
            if best_step == 0 {
                repeating += best;
            }
            i += best;
        } else {
            i += 1;
        }
    }
    (repeating, all)
}

/// `$API_KEY`, `%DB_PASSWORD%`, `env.TOKEN`: a reference to a variable that
/// holds the secret, not the secret.
fn is_variable_reference(v: &[u8]) -> bool {
    let ident = |s: &[u8]| {
        !s.is_empty()
            && (s[0].is_ascii_alphabetic() || s[0] == b'_')
            && s.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    match v {
        [b'$', rest @ ..] => ident(rest),
        [b'%', inner @ .., b'%'] => ident(inner),
        _ => false,
    }
}

/// Why a value is not taken for a random credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// A template or a filler: `xxxx`, `EXAMPLE`, `your-api-key`, `${VAR}`,
    /// `<token>`, a bare word, one character repeated. Never a finding.
    Template,
    /// Mostly characters that count up or down: `abcdef1234567890`,
    /// `12345678-ABCD-ABCD-ABCD-1234567890AB`. Documentation and test
    /// fixtures look like this, but so could a hand-made key in a provider's
    /// exact format, so a provider rule reports it at the lowest tier (seen,
    /// not blocking) while catch-all rules drop it when it is
    /// [`mostly_patterned`].
    Counting,
}

/// True when at least three fifths of `secret` repeats or counts: a
/// value that is nothing but a pattern (`abcdef1234567890`), as opposed to a
/// word with a counting tail (`abuser123456`, a weak but real password).
pub fn mostly_patterned(secret: &[u8]) -> bool {
    let (_, all) = run_coverage(secret, 4);
    all * 5 >= secret.len() * 3
}

/// Classifies `secret` as a placeholder, or `None` when it may be real.
pub fn placeholder(secret: &[u8]) -> Option<Placeholder> {
    if secret.is_empty() {
        return Some(Placeholder::Template);
    }
    let lower: Vec<u8> = secret.iter().map(u8::to_ascii_lowercase).collect();
    if PLACEHOLDER_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(&lower, m.as_bytes()).is_some())
        || PLACEHOLDER_WORDS.iter().any(|w| lower == w.as_bytes())
        || is_variable_reference(secret)
    {
        return Some(Placeholder::Template);
    }
    // A long value built from two or three characters ("abababab...").
    if secret.len() >= 16 {
        let mut seen = [false; 256];
        let distinct = secret
            .iter()
            .filter(|&&b| !std::mem::replace(&mut seen[b as usize], true))
            .count();
        if distinct <= 3 {
            return Some(Placeholder::Template);
        }
    }
    // Mostly repeated or counting characters: `aaaa...`, `abcdef123456`,
    // `AbCdEfGh...`. A short run inside an otherwise random value is not
    // enough: real tokens contain `1234` by chance, test fixtures more often.
    let (repeating, all) = run_coverage(secret, 4);
    if repeating * 2 >= secret.len() {
        return Some(Placeholder::Template);
    }
    if all * 2 >= secret.len() {
        return Some(Placeholder::Counting);
    }
    None
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

/// How far (bytes) from the secret a marker on its line may be: a comment
/// at the end of an assignment, not a marker somewhere in a minified file.
const MARKER_REACH: usize = 200;

/// True when the secret at `start..end` is suppressed: a marker on its line
/// near it, or a comment line just before it that consists of one.
///
/// A marker counts only as a whole token (`blastwall:allow`, not
/// `blastwall:allowlisting` or `eggignore`). A marker at the end of a code
/// line covers that line only; to cover the next line it must stand alone
/// in a comment (`# blastwall:allow`), so that one trailing marker never
/// silences its neighbour by accident.
pub fn suppressed_inline(data: &[u8], start: usize, end: usize) -> bool {
    let start = start.min(data.len());
    let end = end.clamp(start, data.len());
    let line_start = memchr::memrchr(b'\n', &data[..start]).map_or(0, |p| p + 1);
    let line_end = memchr::memchr(b'\n', &data[end..]).map_or(data.len(), |p| end + p);
    let near_start = line_start.max(start.saturating_sub(MARKER_REACH));
    let near_end = line_end.min(end.saturating_add(MARKER_REACH));
    if has_marker(&data[near_start..near_end], SUPPRESS_MARKERS) {
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
        .any(|m| body.starts_with(m.as_bytes()) && !is_token_byte(body.get(m.len()).copied()))
}

/// Bytes that continue a marker into a longer word.
fn is_token_byte(b: Option<u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether `hay` holds one of `markers` as a whole token.
fn has_marker(hay: &[u8], markers: &[&str]) -> bool {
    markers.iter().any(|m| {
        memchr::memmem::find_iter(hay, m.as_bytes()).any(|at| {
            let before = at.checked_sub(1).map(|i| hay[i]);
            !is_token_byte(before) && !is_token_byte(hay.get(at + m.len()).copied())
        })
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn is_placeholder(secret: &[u8]) -> bool {
        placeholder(secret).is_some()
    }

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
            "abababababababababab",
            "xoxa-2-511111111-31111111111-3111111111111-e039d0284",
            "password",
            "REDACTED",
            "$API_KEY",
            "%DB_PASSWORD%",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p} should be a placeholder");
        }
    }

    #[test]
    fn counting_values_are_their_own_kind() {
        for p in [
            "abcdef1234567890",
            "AbCdEfGhIjKlMnOp",
            "9876543210",
            "12345678-ABCD-ABCD-ABCD-1234567890AB",
        ] {
            assert_eq!(
                placeholder(p.as_bytes()),
                Some(Placeholder::Counting),
                "{p}"
            );
        }
        assert!(mostly_patterned(b"abcdef1234567890"));
        assert!(mostly_patterned(b"abcdefg12346+FJQCK"));
        // Half word, half counting: a weak password, judged like any value.
        assert_eq!(placeholder(b"abuser123456"), Some(Placeholder::Counting));
        assert!(!mostly_patterned(b"abuser123456"));
        // Filler wins over counting when both are there.
        assert_eq!(
            placeholder(b"aaaaaaaaaaaaaaaaaaaaaaaa1234"),
            Some(Placeholder::Template)
        );
    }

    #[test]
    fn random_tokens_are_not_placeholders() {
        for s in [
            "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB",
            "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",
            "ded7db27a4558eea9bbf0bf36e0e8521618f366c",
            "P@ssw0rd$1",
            // A short counting run inside a random value is kept.
            "Q9xK4pT8cW1zL6gH3sD5fJ0aB7nM2qV9x1234",
            "OOzkR1+hF+1ABCsIFDJMEUtqmtnZ1234567890",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s} is not a placeholder");
        }
    }

    #[test]
    fn suppression_on_line_or_comment_line_before() {
        let text = b"a = 1\n  # blastwall:allow test fixture\ntoken = SECRET\nother = SECRET2 # gitleaks:allow\nlast = SECRET3\n// pragma: allowlist secret\nz = SECRET4\n";
        let at = |needle: &str| memchr::memmem::find(text, needle.as_bytes()).unwrap();
        let sup = |needle: &str| {
            let len = needle.trim_end().len();
            suppressed_inline(text, at(needle), at(needle) + len)
        };
        assert!(sup("SECRET\n"));
        assert!(sup("SECRET2"));
        // A trailing marker covers its own line, not the next one.
        assert!(!sup("SECRET3"));
        assert!(sup("SECRET4"));
        assert!(!sup("a = 1"));
    }

    #[test]
    fn detect_secrets_nextline_form() {
        let text = b"# pragma: allowlist nextline secret\npw = hunter22\npw2 = x\n";
        assert!(suppressed_inline(text, 41, 49));
        assert!(!suppressed_inline(text, text.len() - 3, text.len() - 2));
    }

    #[test]
    fn markers_are_whole_tokens_near_the_secret() {
        for line in [
            "url = https://eggignore.example/SECRET",
            "t = SECRET # blastwall:allowlisting is not a marker",
            "t = SECRET # kingfisher:ignore-me-not",
            "t = SECRET # xgitleaks:allow",
        ] {
            let at = line.find("SECRET").unwrap();
            assert!(!suppressed_inline(line.as_bytes(), at, at + 6), "{line}");
        }
        for line in [
            "t = SECRET # blastwall:allow",
            "t = SECRET // gitleaks:allow.",
            "/* ggignore */ t = SECRET",
        ] {
            let at = line.find("SECRET").unwrap();
            assert!(suppressed_inline(line.as_bytes(), at, at + 6), "{line}");
        }
        // One marker in a minified line does not hide a secret far from it.
        let mut line = String::from("a=1; // blastwall:allow\n");
        line.pop();
        line.push_str(&" x;".repeat(200));
        line.push_str(" t = SECRET;");
        let at = line.find("SECRET").unwrap();
        assert!(!suppressed_inline(line.as_bytes(), at, at + 6));
    }
}
