//! Offline tier refinement: some credentials say how powerful they are.
//!
//! A Supabase JWT names its `role`; an Azure SAS token lists its permissions
//! and expiry; a PyPI macaroon carries caveats that scope it to projects; an
//! OpenSSH or PEM key says whether it is encrypted. Reading these locally lets
//! the tier follow the credential instead of the worst case of its format,
//! without ever sending the secret anywhere.

use super::checksum::decode_base64;
use super::verdict::{Matched, Verdict};
use crate::rules::schema::Classifier;
use crate::tier::Tier;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use std::time::{SystemTime, UNIX_EPOCH};

/// Applies `classifier` to a match given the rule's tier.
pub fn classify(classifier: Classifier, m: Matched<'_>, rule_tier: Tier) -> Verdict {
    let secret = m.secret;
    match classifier {
        Classifier::Assignment => super::assignment::judge(m),
        Classifier::PasswordLiteral => super::credential::password_literal(m),
        Classifier::HttpAuthorization => super::credential::http_authorization(m),
        Classifier::JwkPrivate => super::credential::jwk_private(m),
        Classifier::Jwt => jwt(secret, rule_tier),
        Classifier::AzureSas => azure_sas(secret, rule_tier),
        Classifier::PypiMacaroon => pypi(secret),
        Classifier::PemKey => pem(secret, rule_tier),
    }
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// What one dot-separated part of a JWT decodes to.
enum JwtPart {
    /// A JSON object, as a header or claims set is.
    Json(serde_json::Value),
    /// Base64url of text that opens like a JSON object (`{"`) but does not
    /// parse: damaged, cut, or fabricated.
    Broken,
    /// Anything else: not a JWT part.
    Other,
}

fn jwt_part(part: &[u8]) -> JwtPart {
    let Some(raw) = decode_base64(part) else {
        return JwtPart::Other;
    };
    match serde_json::from_slice::<serde_json::Value>(&raw) {
        Ok(v) if v.is_object() => JwtPart::Json(v),
        _ if raw.starts_with(b"{\"") => JwtPart::Broken,
        _ => JwtPart::Other,
    }
}

fn jwt(secret: &[u8], rule_tier: Tier) -> Verdict {
    let mut parts = secret.split(|b| *b == b'.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return Verdict::Reject;
    };
    let signature = parts.next().unwrap_or(b"");
    let (header, claims) = match (jwt_part(header), jwt_part(payload)) {
        (JwtPart::Json(h), JwtPart::Json(c)) if h.get("alg").is_some_and(|a| a.is_string()) => {
            (h, c)
        }
        // A header that parses but names no algorithm is JSON that happens
        // to be base64url-encoded and dotted, not a JWT.
        (JwtPart::Json(h), _) if h.get("alg").is_none() => return Verdict::Reject,
        (JwtPart::Other, _) | (_, JwtPart::Other) => return Verdict::Reject,
        // Both parts open as JSON objects do, but one does not parse: the
        // structure of a token that was mangled in a copy or made up for a
        // test. Reported, below the blocking tiers.
        _ => {
            return Verdict::Retier {
                tier: Tier::Low,
                provider: None,
                note: "JWT-shaped, but its header or payload does not parse as JSON \
                       (mangled or fabricated); reported at low, not blocking"
                    .into(),
            };
        }
    };
    // A real signature is at least 22 base64url characters (HS256 gives 43);
    // `.signature` or `.sig` marks a documentation example.
    if !signature.is_empty() && signature.len() < 16 {
        return Verdict::Reject;
    }
    let alg = header.get("alg").and_then(|a| a.as_str()).unwrap_or("");
    let claim = |k: &str| claims.get(k).and_then(|v| v.as_str()).unwrap_or("");
    let role = claim("role");
    let iss = claim("iss");
    let supabase = iss.contains("supabase") || claims.get("ref").is_some();
    // Critical: it bypasses row-level security, so it can delete every row
    // and stored file of the project (its data, irreversibly).
    if role == "service_role" {
        return Verdict::Retier {
            tier: Tier::Critical,
            provider: Some("Supabase"),
            note: "JWT with role=service_role: bypasses row-level security on the whole project"
                .into(),
        };
    }
    if role == "anon" && supabase {
        return Verdict::Retier {
            tier: Tier::Low,
            provider: Some("Supabase"),
            note: "JWT with role=anon: a public key, limited by row-level security".into(),
        };
    }
    if alg.eq_ignore_ascii_case("none") || signature.is_empty() {
        return Verdict::Retier {
            tier: Tier::Low,
            provider: None,
            note: "unsigned JWT (alg: none): a server that checks signatures rejects it".into(),
        };
    }
    if let Some(exp) = claims.get("exp").and_then(|v| v.as_i64())
        && exp < now_unix()
    {
        return Verdict::Retier {
            tier: Tier::Low.max(rule_tier.lowered().lowered()),
            provider: None,
            note: format!(
                "JWT expired (exp={exp}); the signing key that minted it may still be live"
            ),
        };
    }
    Verdict::Keep
}

fn query_param<'a>(secret: &'a [u8], name: &str) -> Option<&'a [u8]> {
    secret
        .split(|b| matches!(b, b'&' | b'?' | b';'))
        .find_map(|kv| kv.strip_prefix(name.as_bytes())?.strip_prefix(b"="))
}

/// The permission letters of a SAS `sp=` value, for a note: only the letters
/// Azure defines, each once. The value is part of the secret, so a note
/// quotes nothing else from it (a crafted `sp=` could hold the signature).
fn sas_permissions(sp: &[u8]) -> String {
    const LETTERS: &str = "racwdxyltmeopiuf";
    let mut out = String::new();
    for &b in sp {
        let c = char::from(b);
        if LETTERS.contains(c) && !out.contains(c) {
            out.push(c);
        }
    }
    out
}

fn azure_sas(secret: &[u8], rule_tier: Tier) -> Verdict {
    let Some(sp) = query_param(secret, "sp") else {
        return Verdict::Keep;
    };
    if let Some(expiry) = query_param(secret, "se").and_then(sas_date)
        && expiry < today()
    {
        return Verdict::Retier {
            tier: Tier::Low,
            provider: None,
            note: format!("SAS token expired ({expiry})"),
        };
    }
    let destructive = sp
        .iter()
        .any(|b| matches!(b, b'd' | b'w' | b'a' | b'c' | b'u' | b'x'));
    if destructive {
        Verdict::Retier {
            tier: rule_tier.max(Tier::High),
            provider: None,
            note: format!(
                "SAS permissions sp={} include write or delete",
                sas_permissions(sp)
            ),
        }
    } else {
        Verdict::Retier {
            tier: Tier::Medium,
            provider: None,
            note: format!(
                "SAS permissions sp={} are read/list only",
                sas_permissions(sp)
            ),
        }
    }
}

/// The date an `se=` value starts with (ISO 8601, `YYYY-MM-DD…`); `None`
/// when its first ten bytes are not one. Works on bytes: the value is
/// attacker-controlled text and may hold anything.
fn sas_date(se: &[u8]) -> Option<jiff::civil::Date> {
    let head = std::str::from_utf8(se.get(..10)?).ok()?;
    head.parse().ok()
}

/// Today's date in UTC.
fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn pypi(secret: &[u8]) -> Verdict {
    let body = secret.strip_prefix(b"pypi-").unwrap_or(secret);
    let Some(raw) = decode_base64(body) else {
        return Verdict::Keep;
    };
    let has = |needle: &[u8]| memchr::memmem::find(&raw, needle).is_some();
    if has(b"\"projects\"") || has(b"\"project_ids\"") {
        Verdict::Retier {
            tier: Tier::High,
            provider: None,
            note: "PyPI token scoped to specific projects by its caveats".into(),
        }
    } else {
        Verdict::Keep
    }
}

fn openssh(secret: &[u8], rule_tier: Tier) -> Verdict {
    let body: Vec<u8> = secret
        .split(|b| *b == b'\n')
        .filter(|l| !l.starts_with(b"-----"))
        .flat_map(|l| l.iter().copied().filter(|b| !b.is_ascii_whitespace()))
        .collect();
    let Ok(raw) = STANDARD.decode(&body) else {
        return Verdict::Keep;
    };
    let Some(rest) = raw.strip_prefix(b"openssh-key-v1\0") else {
        return Verdict::Keep;
    };
    if rest.len() < 4 {
        return Verdict::Keep;
    }
    let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    let Some(cipher) = rest.get(4..4 + len) else {
        return Verdict::Keep;
    };
    if cipher == b"none" {
        Verdict::Keep
    } else {
        Verdict::Retier {
            tier: rule_tier.lowered(),
            provider: None,
            note: format!(
                "encrypted with {}: only as strong as its passphrase",
                String::from_utf8_lossy(cipher)
            ),
        }
    }
}

/// A PEM private key, its armour read: BEGIN and END must name the same
/// label, and a body cut short (`...`) or holding a placeholder is not a key
/// (documentation shows keys that way). The armour's `ENCRYPTED` marks a
/// passphrase-protected PKCS#8 or legacy key; an OpenSSH key says so inside
/// its body instead.
fn pem(secret: &[u8], rule_tier: Tier) -> Verdict {
    let (Some(begin), Some(end)) = (
        armour_label(secret, b"-----BEGIN "),
        armour_label(secret, b"-----END "),
    ) else {
        return Verdict::Reject;
    };
    if begin != end {
        return Verdict::Reject;
    }
    let body = pem_body(secret);
    if placeholder_body(body) {
        return Verdict::Reject;
    }
    if begin == b"OPENSSH PRIVATE KEY" {
        return openssh(secret, rule_tier);
    }
    if memchr::memmem::find(begin, b"ENCRYPTED").is_some()
        || memchr::memmem::find(body, b"Proc-Type: 4,ENCRYPTED").is_some()
    {
        Verdict::Retier {
            tier: rule_tier.lowered(),
            provider: None,
            note: "encrypted private key: only as strong as its passphrase".into(),
        }
    } else {
        Verdict::Keep
    }
}

/// The label of the first armour line starting with `marker` (`RSA PRIVATE
/// KEY` in `-----BEGIN RSA PRIVATE KEY-----`); the last such line for END.
fn armour_label<'a>(secret: &'a [u8], marker: &[u8]) -> Option<&'a [u8]> {
    let at = if marker.starts_with(b"-----END") {
        memchr::memmem::rfind(secret, marker)?
    } else {
        memchr::memmem::find(secret, marker)?
    };
    let rest = &secret[at + marker.len()..];
    let close = memchr::memmem::find(rest, b"-----")?;
    Some(rest[..close].trim_ascii())
}

/// The bytes between the BEGIN armour line and the END one.
fn pem_body(secret: &[u8]) -> &[u8] {
    let after_begin = memchr::memmem::find(secret, b"-----BEGIN ")
        .and_then(|at| {
            let from = at + 11;
            memchr::memmem::find(&secret[from..], b"-----").map(|c| from + c + 5)
        })
        .unwrap_or(0);
    let before_end = memchr::memmem::rfind(secret, b"-----END ").unwrap_or(secret.len());
    &secret[after_begin.min(before_end)..before_end]
}

/// Whether a PEM body is a stand-in rather than key material: cut short
/// with an ellipsis, a `<placeholder>`, filler, or too little base64 to hold
/// any key (an Ed25519 PKCS#8 key, the smallest, is 64 characters).
fn placeholder_body(body: &[u8]) -> bool {
    let lower = body.to_ascii_lowercase();
    let has = |needle: &str| memchr::memmem::find(&lower, needle.as_bytes()).is_some();
    if [
        "...",
        "\u{2026}",
        "<",
        ">",
        "redacted",
        "placeholder",
        "your-",
        "your_",
        "your ",
    ]
    .iter()
    .any(|n| has(n))
    {
        return true;
    }
    // The base64 left once header lines (`DEK-Info: …`), JSON escapes
    // (`\n`) and the quotes and punctuation of code that splits a key
    // across lines are removed.
    let unescaped = String::from_utf8_lossy(body)
        .replace("\\n", "\n")
        .replace("\\r", "");
    let base64: Vec<u8> = unescaped
        .lines()
        .filter(|line| !line.contains(':'))
        .flat_map(str::bytes)
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .collect();
    let mut seen = [false; 256];
    base64.iter().for_each(|&b| seen[b as usize] = true);
    let distinct = seen.iter().filter(|&&s| s).count();
    base64.len() < 40 || distinct < 16 || memchr::memmem::find(&lower, b"xxxxxxxx").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn m(secret: &[u8]) -> Matched<'_> {
        Matched {
            secret,
            key: None,
            quoted: false,
            operator: b"",
            path: "x",
        }
    }

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    fn token(header: &str, payload: &str) -> Vec<u8> {
        format!("{}.{}.c2lnbmF0dXJlc2lnbmF0dXJl", b64(header), b64(payload)).into_bytes()
    }

    #[test]
    fn supabase_roles() {
        let h = r#"{"alg":"HS256","typ":"JWT"}"#;
        let service = token(
            h,
            r#"{"iss":"supabase","ref":"abc","role":"service_role","exp":4102444800}"#,
        );
        assert!(matches!(
            classify(Classifier::Jwt, m(&service), Tier::Medium),
            Verdict::Retier {
                tier: Tier::Critical,
                ..
            }
        ));
        let anon = token(
            h,
            r#"{"iss":"supabase","ref":"abc","role":"anon","exp":4102444800}"#,
        );
        assert!(matches!(
            classify(Classifier::Jwt, m(&anon), Tier::Medium),
            Verdict::Retier {
                tier: Tier::Low,
                ..
            }
        ));
    }

    #[test]
    fn jwt_expiry_and_garbage() {
        let h = r#"{"alg":"HS256"}"#;
        let live = token(h, r#"{"sub":"x","exp":4102444800}"#);
        assert_eq!(
            classify(Classifier::Jwt, m(&live), Tier::Medium),
            Verdict::Keep
        );
        let old = token(h, r#"{"sub":"x","exp":1000}"#);
        assert!(matches!(
            classify(Classifier::Jwt, m(&old), Tier::Medium),
            Verdict::Retier {
                tier: Tier::Low,
                ..
            }
        ));
        let not_json =
            format!("{}.{}.c2lnbmF0dXJlc2lnbmF0dXJl", b64("hello"), b64("world")).into_bytes();
        assert_eq!(
            classify(Classifier::Jwt, m(&not_json), Tier::Medium),
            Verdict::Reject
        );
        let doc = format!("{}.{}.signature", b64(h), b64(r#"{"sub":"x"}"#)).into_bytes();
        assert_eq!(
            classify(Classifier::Jwt, m(&doc), Tier::Medium),
            Verdict::Reject
        );
    }

    #[test]
    fn sas_permissions() {
        let rw = b"sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2999-01-01T00:00:00Z&sig=abc";
        assert!(matches!(
            classify(Classifier::AzureSas, m(rw), Tier::High),
            Verdict::Retier {
                tier: Tier::High,
                ..
            }
        ));
        let ro = b"sv=2022-11-02&ss=b&srt=co&sp=rl&se=2999-01-01T00:00:00Z&sig=abc";
        assert!(matches!(
            classify(Classifier::AzureSas, m(ro), Tier::High),
            Verdict::Retier {
                tier: Tier::Medium,
                ..
            }
        ));
        let old = b"sv=2022-11-02&sp=rwd&se=2001-01-01T00:00:00Z&sig=abc";
        assert!(matches!(
            classify(Classifier::AzureSas, m(old), Tier::High),
            Verdict::Retier {
                tier: Tier::Low,
                ..
            }
        ));
    }

    #[test]
    fn today_is_plausible() {
        assert!(today() > jiff::civil::date(2024, 1, 1));
    }

    #[test]
    fn sas_dates_never_panic() {
        assert_eq!(
            sas_date(b"2020-01-02T00:00:00Z"),
            Some(jiff::civil::date(2020, 1, 2))
        );
        for bad in [
            &b"20\xc3\xa9-01-02"[..],
            "2é24-01-01T".as_bytes(),
            b"2020",
            b"",
            b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
        ] {
            assert_eq!(sas_date(bad), None);
        }
        let v = azure_sas("sv=1&se=2\u{e9}24-01-01&sp=rw&sig=x".as_bytes(), Tier::High);
        assert!(matches!(v, Verdict::Retier { .. }));
    }

    #[test]
    fn sas_note_quotes_only_permission_letters() {
        let secret = b"sp=rlsig0123456789abcdefXYZ&sv=1&sig=abc";
        let Verdict::Retier { note, .. } = azure_sas(secret, Tier::High) else {
            panic!("a SAS token with permissions is retiered");
        };
        let quoted = note.split("sp=").nth(1).unwrap().split(' ').next().unwrap();
        assert!(quoted.len() <= 16, "{note}");
        assert!(!note.contains("sig0123"), "{note}");
        let Verdict::Retier { note, .. } = azure_sas(b"sv=1&sp=rl&sig=abc", Tier::High) else {
            panic!("a SAS token with permissions is retiered");
        };
        assert!(note.contains("sp=rl are read/list only"), "{note}");
    }

    #[test]
    fn jwt_structure_is_parsed() {
        let payload = r#"{"sub":"x","exp":4102444800}"#;
        // A header that parses but names no algorithm: not a JWT.
        let no_alg = token(r#"{"typ":"JWT"}"#, payload);
        assert_eq!(
            classify(Classifier::Jwt, m(&no_alg), Tier::Medium),
            Verdict::Reject
        );
        // A payload that opens as JSON but does not parse: reported low.
        let broken = format!(
            "{}.{}.c2lnbmF0dXJlc2lnbmF0dXJl",
            b64(r#"{"alg":"HS256"}"#),
            b64("{\"sub\":\"x\u{1}\u{2}")
        );
        assert!(matches!(
            classify(Classifier::Jwt, m(broken.as_bytes()), Tier::Medium),
            Verdict::Retier {
                tier: Tier::Low,
                ..
            }
        ));
        // A long payload (claims of 2,000 characters) is read like any other.
        let long = format!(
            r#"{{"sub":"x","exp":4102444800,"pad":"{}"}}"#,
            "q".repeat(2000)
        );
        let long = token(r#"{"alg":"RS256"}"#, &long);
        assert_eq!(
            classify(Classifier::Jwt, m(&long), Tier::Medium),
            Verdict::Keep
        );
    }

    /// Armour around `body`, BEGIN and END naming `begin` and `end`.
    fn armoured(begin: &str, end: &str, body: &str) -> Vec<u8> {
        format!("-----BEGIN {begin}-----\n{body}\n-----END {end}-----").into_bytes()
    }

    /// Generated base64 lines (not a key anyone holds).
    fn body() -> String {
        let bytes: Vec<u8> = (0..300u32).map(|i| (i * 7919 % 251) as u8).collect();
        let text = STANDARD.encode(bytes);
        text.as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn pem_armour_is_parsed() {
        let rsa = "RSA PRIVATE KEY";
        assert_eq!(
            classify(
                Classifier::PemKey,
                m(&armoured(rsa, rsa, &body())),
                Tier::High
            ),
            Verdict::Keep
        );
        // Labels that differ are not one key.
        let mixed = armoured(rsa, "EC PRIVATE KEY", &body());
        assert_eq!(
            classify(Classifier::PemKey, m(&mixed), Tier::High),
            Verdict::Reject
        );
        // Cut short, or a placeholder, as documentation shows keys.
        let cut = armoured(
            rsa,
            rsa,
            "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n...",
        );
        let stand_in = armoured(
            rsa,
            rsa,
            &format!("{}\n<your private key here>", &body()[..64]),
        );
        let filler = armoured(rsa, rsa, &"A".repeat(64 * 4));
        for k in [cut, stand_in, filler] {
            assert_eq!(
                classify(Classifier::PemKey, m(&k), Tier::High),
                Verdict::Reject,
                "{}",
                String::from_utf8_lossy(&k)
            );
        }
        // Encrypted: one tier lower, with a note; also the legacy header.
        let p8 = "ENCRYPTED PRIVATE KEY";
        let legacy = format!(
            "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\n{}",
            body()
        );
        for k in [armoured(p8, p8, &body()), armoured(rsa, rsa, &legacy)] {
            assert!(matches!(
                classify(Classifier::PemKey, m(&k), Tier::High),
                Verdict::Retier {
                    tier: Tier::Medium,
                    ..
                }
            ));
        }
        // A key inside a JSON string, line breaks escaped, is still a key.
        let json = armoured(rsa, rsa, &body().replace('\n', "\\n"));
        assert_eq!(
            classify(Classifier::PemKey, m(&json), Tier::High),
            Verdict::Keep
        );
    }
}
