//! Judging generic credentials in code that are not `name = value`
//! assignments: a password in an SQL clause or on a command line, an HTTP
//! `Authorization` header, the private member of a JSON Web Key.
//!
//! Each of these has a look-alike that is not a credential: a bind variable
//! (`IDENTIFIED BY :pwd`), a metavariable in help text (`--password
//! PASSWORD`), a placeholder that is not base64 (`Authorization: Basic
//! <credentials>`), a public JWK. The rules find the shapes; these judges
//! read the values.

use super::assignment::is_password_hash;
use super::filters;
use super::verdict::{Matched, Verdict};

/// A password given literally in an SQL clause (`IDENTIFIED BY 'x'`, `WITH
/// PASSWORD 'x'`) or on a command line (`--password x`, `mysql -px`). The
/// rule's `key` group is the clause or flag; a flag (`-…`) marks a command
/// line, where help text puts words and metavariables in the same place.
pub fn password_literal(m: Matched<'_>) -> Verdict {
    let value = m.secret;
    let lower = value.to_ascii_lowercase();
    if value.len() < 4
        || matches!(
            value.first(),
            Some(b'$' | b'%' | b':' | b'?' | b'@' | b'{' | b'<' | b'[' | b'-' | b'*')
        )
        || filters::default_password(&lower)
        || filters::placeholder(value).is_some()
        || is_password_hash(value)
    {
        return Verdict::Reject;
    }
    let command_line = m.key.is_some_and(|k| k.first() == Some(&b'-'));
    if !command_line {
        // SQL: a quoted literal is the password, whatever its shape; an
        // unquoted word must not be a keyword or a variable (`BY PASSWORD`).
        let metavar = value
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_');
        return if m.quoted || !metavar {
            Verdict::Keep
        } else {
            Verdict::Reject
        };
    }
    // A command line: help text and prose put words (`string`, `value`,
    // `PASSWORD`) where the password goes, so the value must look typed:
    // a digit or a symbol, or length and entropy.
    let has_digit = value.iter().any(u8::is_ascii_digit);
    let has_symbol = value.iter().any(|b| b"!#%^&+=~.,/_".contains(b));
    let metavar = value
        .iter()
        .all(|b| b.is_ascii_uppercase() || *b == b'_' || *b == b'-');
    let typed =
        has_digit || has_symbol || (value.len() >= 12 && filters::shannon_entropy(value) >= 3.3);
    if metavar || !typed {
        return Verdict::Reject;
    }
    Verdict::Keep
}

/// An HTTP `Authorization` value. The rule's `key` group is the scheme
/// (`Basic`, `Bearer`, …): a Basic value must decode, as base64, to
/// `user:password` with a password that is not a filler; documentation puts
/// words and placeholders there (`Basic YOUR_CREDENTIALS`, `Basic
/// dXNlcjpwYXNz` for `user:pass`).
pub fn http_authorization(m: Matched<'_>) -> Verdict {
    let basic = m.key.is_some_and(|k| k.eq_ignore_ascii_case(b"basic"));
    if !basic {
        return Verdict::Keep;
    }
    match basic_pair(m.secret) {
        Some((user, pass)) if credible_pair(&user, &pass) => Verdict::Keep,
        _ => Verdict::Reject,
    }
}

/// The `user:password` pair a Basic credential decodes to, if it is one:
/// base64 (padded or not) of text without control bytes, holding a colon.
fn basic_pair(encoded: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let decoded = super::checksum::decode_base64(encoded)?;
    // Real pairs are text; a stray non-UTF-8 byte (a copy mangled in a
    // document) still leaves a pair, binary control bytes do not.
    if decoded.iter().any(|b| *b < 0x20 || *b == 0x7f) {
        return None;
    }
    let colon = decoded.iter().position(|b| *b == b':')?;
    Some((decoded[..colon].to_vec(), decoded[colon + 1..].to_vec()))
}

/// Whether a decoded Basic pair is a real login: a password present, not a
/// default or filler (`user:pass`, `admin:admin`, `username:password`).
fn credible_pair(user: &[u8], pass: &[u8]) -> bool {
    let lower = pass.to_ascii_lowercase();
    let same_as_user = pass.eq_ignore_ascii_case(user) && pass.len() < 8;
    !(pass.is_empty()
        || filters::default_password(&lower)
        || filters::placeholder(pass).is_some()
        || same_as_user)
}

/// The private member (`d`) of a JSON Web Key. The rule's `key` group is the
/// whole key object, which must name a key type with a private part (`RSA`,
/// `EC`, `OKP`): `"d"` alone is a common JSON name.
pub fn jwk_private(m: Matched<'_>) -> Verdict {
    let Some(object) = m.key else {
        return Verdict::Reject;
    };
    let lower = object.to_ascii_lowercase();
    let Some(at) = memchr::memmem::find(&lower, b"kty") else {
        return Verdict::Reject;
    };
    let rest = &lower[at + 3..];
    let value_start = rest
        .iter()
        .position(|b| !matches!(b, b'"' | b'\'' | b':' | b' ' | b'\t' | b'\n' | b'\r'));
    let kty = value_start.map_or(&b""[..], |s| &rest[s..]);
    if [&b"rsa"[..], b"ec", b"okp"]
        .iter()
        .any(|t| kty.starts_with(t) && matches!(kty.get(t.len()), Some(b'"' | b'\'')))
    {
        Verdict::Keep
    } else {
        Verdict::Reject
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    fn matched<'a>(key: &'a str, value: &'a str, quoted: bool) -> Matched<'a> {
        Matched {
            secret: value.as_bytes(),
            key: Some(key.as_bytes()),
            quoted,
            operator: b" ",
            path: "deploy.sh",
        }
    }

    #[test]
    fn sql_passwords_are_literals_not_variables_or_hashes() {
        let keep = |k, v, q| password_literal(matched(k, v, q)) == Verdict::Keep;
        assert!(keep("IDENTIFIED BY", "Rb7kq2", true));
        assert!(keep("IDENTIFIED BY", "orchid", true));
        assert!(keep("IDENTIFIED BY", "orchid", false));
        assert!(keep("PASSWORD", "Lm9xq", true));
        assert!(!keep("IDENTIFIED BY", ":new_pwd", false));
        assert!(!keep("IDENTIFIED BY", "PASSWORD", false));
        assert!(!keep("IDENTIFIED BY", "VALUES", false));
        assert!(!keep("PASSWORD", "changeit", true));
        assert!(!keep(
            "PASSWORD",
            "md5a3556571e93b0d20722ba62be61e8c2d",
            true
        ));
        assert!(!keep("PASSWORD", "abc", true));
    }

    #[test]
    fn command_line_values_must_look_typed() {
        let keep = |k, v| password_literal(matched(k, v, false)) == Verdict::Keep;
        assert!(keep("--password", "Tq8vLm2Xe"));
        assert!(keep("-p", "s3rv1ce"));
        assert!(keep("--password", "kx.prod"));
        assert!(!keep("--password", "PASSWORD"));
        assert!(!keep("--password", "string"));
        assert!(!keep("--password", "option"));
        assert!(!keep("--password", "$DB_PASS"));
        assert!(!keep("--password", "-"));
        assert!(!keep("-p", "root"));
    }

    #[test]
    fn basic_credentials_must_decode_to_a_pair() {
        let b64 = |s: &str| STANDARD.encode(s);
        let keep = |v: &str| http_authorization(matched("Basic", v, false)) == Verdict::Keep;
        assert!(keep(&b64("deploy:Vq3mL9xTr")));
        assert!(keep(b64("deploy:Vq3mL9xTr").trim_end_matches('=')));
        assert!(!keep(&b64("user:password")));
        assert!(!keep(&b64("admin:admin")));
        assert!(!keep(&b64("just-a-token-no-colon")));
        assert!(!keep("YOUR_CREDENTIALS"));
        assert!(!keep("bm90IGJhc2U2NA"));
        let bearer = matched("Bearer", "q7Wm2Zr9Kx4Tb8Nv3Yc6", false);
        assert_eq!(http_authorization(bearer), Verdict::Keep);
    }

    #[test]
    fn jwk_needs_a_private_key_type() {
        let judge = |object: &str| {
            jwk_private(Matched {
                secret: b"Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB",
                key: Some(object.as_bytes()),
                quoted: true,
                operator: b"",
                path: "jwks.json",
            })
        };
        assert_eq!(judge(r#"{"kty": "RSA", "n": "x", "d": "#), Verdict::Keep);
        assert_eq!(
            judge(r#"{'crv': 'P-256', 'd': 'x', 'kty': 'EC'}"#),
            Verdict::Keep
        );
        assert_eq!(judge(r#"{"kty":"oct","k":"x","d":"#), Verdict::Reject);
        assert_eq!(judge(r#"{"a": 1, "d": "#), Verdict::Reject);
    }
}
