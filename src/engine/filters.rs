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
    "values",
];

/// Passwords that are defaults, documentation fillers or the first thing
/// anyone tries (`root`, `changeit`, `my-password`): a value equal to one of
/// these (case-insensitively) is a template, not a leaked credential. The
/// real-code benchmark's false alarms were full of them, under names that
/// really are passwords.
const DEFAULT_PASSWORDS: &[&str] = &[
    "root",
    "toor",
    "admin",
    "administrator",
    "guest",
    "user",
    "username",
    "demo",
    "pass",
    "pwd",
    "secret",
    "secrets",
    "topsecret",
    "supersecret",
    "mysecret",
    "my-secret",
    "my_secret",
    "my-password",
    "my_password",
    "secretpassword",
    "changeit",
    "hunter2",
    "tiger",
    "foobar",
    "foo",
    "bar",
    "baz",
    "testpass",
    "testpassword",
    "sa",
    "hidden",
    "masked",
    "unset",
    "notset",
    "blank",
    "disabled",
];

/// SHA-256 of sample credentials that vendors and standards publish in their
/// documentation (AWS's example key pairs, Stripe's documentation test keys,
/// the jwt.io sample token, RFC 6749's and RFC 6750's OAuth examples, RFC
/// 7617's Basic example, GitHub's documented example token, Slack's). They are
/// public on purpose and copied into code and docs everywhere, so a match
/// equal to one is dropped. Only hashes are kept here: the values are the
/// vendors' own, and a hash list cannot be mined for strings to paste.
const PUBLISHED_SAMPLE_SHA256: &[&str] = &[
    // AWS documentation: access key ID and secret key examples (two pairs,
    // the secret in both spellings seen in the docs).
    "1a5d44a2dca19669d72edf4c4f1c27c4c1ca4b4408fbb17f6ce4ad452d78ddb3",
    "78314b11be2e581549ac1c4f616563fad3fdf0c3b71678f6e2299182080e0598",
    "e8a0614b6747a06ff9a2728dd2250bf13068310cd2550ebc3cecd4d287a4e259",
    "c6ea27c534f993d31f0aef882e3d200e7b87470c379ae79c8f9b19d3bd363dc9",
    "e21b597ba6b9cafa59d9ebc4d65c0385f5eb3fa56abab2607fa76589ad849a33",
    // Stripe API reference: documentation test-mode secret and publishable keys.
    "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",
    "b1471f544ceeea31333bde7e1ecbaad6eac0d4a749412ad29bd66ef895b81c6b",
    "f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397",
    "5895b89c8fb33402a5bfc23aad5aaf863fbb438a51e1a0bb02b0ce618c8fdf9d",
    // jwt.io's sample HS256 token.
    "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
    // RFC 6749: example access token, refresh token and client secret.
    "6c96130f130ab0d6d158397e24d2bcc1c9a5e73ae081f6e983f1c7b545d24a4c",
    "00cf4c781dc37003f7c7dd7d4c9a6ef1e0f4c62d9a291aa8bc398774e3fefd32",
    "e9974c507d2a802143f614c878fcbb622a3800e05e6e0d329fee2c5b6b243329",
    // RFC 6750: example bearer token.
    "b8e148545b13c78bc74da2f1a7275dd71e56ddece129d7d2f7b3ecc06f7994da",
    // RFC 7617 / RFC 2617: the Basic credentials of the examples.
    "cf4d418ed3de92d71f767db5391d5a2dacd40e1ce49e75d1137e2ecf4982d844",
    "73f71af093fdf1541b2c376f03436d71d1209d8a181f87d36e53a44b87ac4c4f",
    // GitHub documentation: the example personal access token.
    "3543c50b0cb9cea8e55eb1f529b79f043cb250d485fde7b66cabbb5183add7da",
    // Slack documentation: the example bot token.
    "2ddc147f3a3b5a1722b8ed6be3c45c49a7156b17fca5d11410137a6d04def6eb",
];

/// Whether `secret` is a sample credential published in a vendor's or a
/// standard's documentation (compared by SHA-256, see
/// [`PUBLISHED_SAMPLE_SHA256`]).
pub fn published_sample(secret: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(secret);
    let mut hex = [0u8; 64];
    for (i, b) in digest.iter().enumerate() {
        hex[2 * i] = b"0123456789abcdef"[usize::from(b >> 4)];
        hex[2 * i + 1] = b"0123456789abcdef"[usize::from(b & 15)];
    }
    PUBLISHED_SAMPLE_SHA256
        .iter()
        .any(|h| h.as_bytes() == hex.as_slice())
}

/// Whether `lower` (a lowercased value) is a default or filler password.
pub fn default_password(lower: &[u8]) -> bool {
    DEFAULT_PASSWORDS.iter().any(|w| lower == w.as_bytes())
}

/// Whether the value at `start..end` was cut short for display: it holds, or
/// is directly followed by, an ellipsis (`sk_live_4eC3...`, `MIIEv…` in a
/// PEM body). Documentation shows keys that way; a working key never is.
pub fn truncated(data: &[u8], start: usize, end: usize) -> bool {
    let secret = &data[start..end];
    let after = &data[end..data.len().min(end + 3)];
    memchr::memmem::find(secret, b"...").is_some()
        || memchr::memmem::find(secret, "\u{2026}".as_bytes()).is_some()
        || after.starts_with(b"...")
        || after.starts_with("\u{2026}".as_bytes())
}

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
        || default_password(&lower)
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
            "ghp_R2d9kQ7mZx4Lp0sWv8Tb3Nc6Yh1Jf5Ua9Ge2",
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
    fn default_passwords_are_templates() {
        for p in [
            "root",
            "changeit",
            "my-password",
            "TopSecret",
            "hunter2",
            "secret",
        ] {
            assert_eq!(
                placeholder(p.as_bytes()),
                Some(Placeholder::Template),
                "{p}"
            );
        }
        assert_eq!(placeholder(b"Wq7zLm2x"), None);
    }

    #[test]
    fn published_samples_are_known_by_hash() {
        // RFC 7617's example credentials, encoded here rather than stored.
        use base64::Engine as _;
        let rfc = base64::engine::general_purpose::STANDARD.encode("Aladdin:open sesame");
        assert!(published_sample(rfc.as_bytes()));
        assert!(!published_sample(b"Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB"));
    }

    #[test]
    fn values_cut_short_are_truncated() {
        let text = "k = sk_live_51Hx9q... and MIIEv\u{2026} and Zf3D0LXCM3EIMbgJ.";
        let at = |n: &str| text.find(n).unwrap();
        let span = |n: &str| (at(n), at(n) + n.len());
        let (s, e) = span("sk_live_51Hx9q");
        assert!(truncated(text.as_bytes(), s, e));
        let (s, e) = span("MIIEv");
        assert!(truncated(text.as_bytes(), s, e));
        let (s, e) = span("Zf3D0LXCM3EIMbgJ");
        assert!(!truncated(text.as_bytes(), s, e));
        assert!(truncated(b"a...b", 0, 5));
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
