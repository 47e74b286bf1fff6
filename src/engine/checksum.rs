//! Checksums and structure that some credential formats carry, read as
//! evidence about a match.
//!
//! GitHub's tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm's
//! (`npm_`) end in six base62 characters that are the CRC32 of the thirty
//! random characters before them; GitLab's routable tokens end in seven
//! base36 characters that are the CRC32 of everything before them; a PyPI
//! token is a serialised macaroon whose fields can be walked to its 32-byte
//! signature. A value that passes its format's check was minted by the
//! provider (or by someone who read the format's documentation); a value that
//! fails was not issued by the provider at all: fabricated, mistyped or cut.
//! Nothing here goes over the network.

pub use crate::rules::token_checksum::{base36_fixed, base62_fixed, crc32};
use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// What a format's own check says about one matched value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The check passed: the value has the integrity of an issued credential.
    Valid(&'static str),
    /// The check failed: the provider never issued this value.
    Invalid(&'static str),
}

/// Checks `secret` against the checksum or structure of its format, when it
/// has one; `None` for formats without one (or shapes this does not know:
/// GitHub's 76-character refresh tokens, GitLab's legacy 20-character
/// tokens).
pub fn check(secret: &[u8]) -> Option<Evidence> {
    if let Some(prefix) = secret.get(..4)
        && (matches!(prefix, b"ghp_" | b"gho_" | b"ghu_" | b"ghs_" | b"ghr_") || prefix == b"npm_")
    {
        return base62_crc(secret).map(|ok| {
            let npm = prefix == b"npm_";
            match (ok, npm) {
                (true, false) => Evidence::Valid(
                    "its CRC32 checksum is valid: the shape of a token GitHub issued",
                ),
                (true, true) => {
                    Evidence::Valid("its CRC32 checksum is valid: the shape of a token npm issued")
                }
                (false, false) => Evidence::Invalid(
                    "its CRC32 checksum does not match: GitHub never issued this value \
                     (fabricated, mistyped or cut); reported at low, not blocking",
                ),
                (false, true) => Evidence::Invalid(
                    "its CRC32 checksum does not match: npm never issued this value \
                     (fabricated, mistyped or cut); reported at low, not blocking",
                ),
            }
        });
    }
    if secret.starts_with(b"gl") {
        return gitlab_routable(secret).map(|ok| {
            if ok {
                Evidence::Valid(
                    "its routable-token CRC32 is valid: the shape of a token GitLab issued",
                )
            } else {
                Evidence::Invalid(
                    "its routable-token CRC32 does not match: GitLab never issued this value \
                     (fabricated, mistyped or cut); reported at low, not blocking",
                )
            }
        });
    }
    if let Some(body) = secret.strip_prefix(b"pypi-") {
        return Some(if macaroon(body).is_some() {
            Evidence::Valid(
                "its macaroon structure parses (location, identifier, caveats, signature)",
            )
        } else {
            Evidence::Invalid(
                "its macaroon structure does not parse: PyPI never issued this value \
                 (fabricated or cut); reported at low, not blocking",
            )
        });
    }
    None
}

/// Whether a 40-character `xxx_` token's last six characters are the base62
/// CRC32 of the thirty before them; `None` when the value is not that shape.
fn base62_crc(secret: &[u8]) -> Option<bool> {
    if secret.len() != 40 || !secret[4..].iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let expected = base62_fixed(crc32(&secret[4..34]));
    Some(expected == secret[34..])
}

/// GitLab's routable tokens: `<prefix><base64url payload>.<length><crc>` or,
/// since a version field was added, `<prefix><payload>.<version>.<length><crc>`,
/// where length is two base36 digits and crc is the CRC32 of everything
/// before it in seven. `None` when the value has no routable tail.
fn gitlab_routable(secret: &[u8]) -> Option<bool> {
    let dash = secret.iter().take(12).position(|&b| b == b'-')?;
    let last_dot = secret.iter().rposition(|&b| b == b'.')?;
    let tail = &secret[last_dot + 1..];
    if last_dot <= dash + 1 || tail.len() != 9 || !tail.iter().all(is_base36) {
        return None;
    }
    let (body, crc) = secret.split_at(secret.len() - 7);
    let expected = base36_fixed(crc32(body));
    Some(expected == crc)
}

fn is_base36(b: &u8) -> bool {
    b.is_ascii_digit() || b.is_ascii_lowercase()
}

/// Base64url that accepts padding or none, and stray trailing bits (a value
/// cut at any length still decodes as far as it goes).
const LENIENT_URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// The same, for the standard alphabet.
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Base64 in either alphabet, padded or not, trailing bits allowed.
pub fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    LENIENT_URL
        .decode(text)
        .ok()
        .or_else(|| LENIENT_STANDARD.decode(text).ok())
}

/// The location of a PyPI token's macaroon when its V2 serialisation parses
/// to the end: version 2, location and identifier, caveats, and a 32-byte
/// signature; `None` otherwise.
pub fn macaroon(body: &[u8]) -> Option<Vec<u8>> {
    let raw = decode_base64(body)?;
    let mut r = Reader { data: &raw, at: 0 };
    if r.byte()? != 2 {
        return None;
    }
    let mut location = None;
    let mut identifier = false;
    // Header fields, then one section per caveat, each closed by EOS (0);
    // an empty section ends the caveats.
    loop {
        let ty = r.varint()?;
        if ty == 0 {
            break;
        }
        let field = r.field()?;
        match ty {
            1 => location = Some(field.to_vec()),
            2 => identifier = !field.is_empty(),
            _ => return None,
        }
    }
    let location = location?;
    if !identifier || !(location == b"pypi.org" || location == b"test.pypi.org") {
        return None;
    }
    loop {
        let mut fields = 0;
        loop {
            let ty = r.varint()?;
            if ty == 0 {
                break;
            }
            if !matches!(ty, 1 | 2 | 4) {
                return None;
            }
            r.field()?;
            fields += 1;
        }
        if fields == 0 {
            break;
        }
    }
    (r.varint()? == 6 && r.field()?.len() == 32 && r.at == raw.len()).then_some(location)
}

/// A cursor over a serialised macaroon.
struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.data.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    /// An unsigned LEB128 varint of at most four bytes (no field is longer).
    fn varint(&mut self) -> Option<u32> {
        let mut value = 0u32;
        for shift in [0, 7, 14, 21] {
            let b = self.byte()?;
            value |= u32::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// A length-prefixed field's bytes.
    fn field(&mut self) -> Option<&'a [u8]> {
        let len = self.varint()? as usize;
        let end = self.at.checked_add(len)?;
        let field = self.data.get(self.at..end)?;
        self.at = end;
        Some(field)
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    /// A small deterministic generator (xorshift), so that generated tokens
    /// differ per seed without a dependency on `rand`.
    pub fn random_alnum(seed: u64, len: usize) -> String {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                crate::rules::token_checksum::BASE62[(x % 62) as usize] as char
            })
            .collect()
    }

    /// A token of `prefix` with thirty random characters and their checksum.
    pub fn github_style(prefix: &str, seed: u64) -> String {
        let entropy = random_alnum(seed, 30);
        let crc = base62_fixed(crc32(entropy.as_bytes()));
        format!("{prefix}{entropy}{}", std::str::from_utf8(&crc).unwrap())
    }

    /// A routable GitLab token, built as GitLab's generator builds one.
    pub fn gitlab_routable_token(prefix: &str, seed: u64, versioned: bool) -> String {
        let mut raw = random_alnum(seed, 16).into_bytes();
        raw.extend_from_slice(b"c:1\no:2s\nu:5f");
        raw.push(14);
        let payload = URL_SAFE_NO_PAD.encode(&raw);
        let len = base36_fixed(payload.len() as u32);
        let len = std::str::from_utf8(&len[5..]).unwrap();
        let version = if versioned { "01." } else { "" };
        let body = format!("{prefix}{payload}.{version}{len}");
        let crc = base36_fixed(crc32(body.as_bytes()));
        format!("{body}{}", std::str::from_utf8(&crc).unwrap())
    }

    /// A PyPI token: a V2 macaroon with one caveat and a signature.
    pub fn pypi_token(seed: u64, caveat: &str) -> String {
        let id = random_alnum(seed, 32);
        let sig = random_alnum(seed + 1, 32);
        let mut raw = vec![2u8, 1, 8];
        raw.extend_from_slice(b"pypi.org");
        raw.extend_from_slice(&[2, id.len() as u8]);
        raw.extend_from_slice(id.as_bytes());
        raw.extend_from_slice(&[0, 2, caveat.len() as u8]);
        raw.extend_from_slice(caveat.as_bytes());
        raw.extend_from_slice(&[0, 0, 6, 32]);
        raw.extend_from_slice(sig.as_bytes());
        format!("pypi-{}", URL_SAFE_NO_PAD.encode(&raw))
    }

    #[test]
    fn crc32_matches_zlib() {
        // Check values of the standard CRC-32 (IEEE): "123456789" → CBF43926.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"a"), 0xE8B7_BE43);
    }

    #[test]
    fn base62_and_base36() {
        assert_eq!(&base62_fixed(0), b"000000");
        assert_eq!(&base62_fixed(61), b"00000z");
        assert_eq!(&base62_fixed(62), b"000010");
        assert_eq!(&base62_fixed(u32::MAX), b"4gfFC3");
        assert_eq!(&base36_fixed(35), b"000000z");
        assert_eq!(&base36_fixed(u32::MAX), b"1z141z3");
    }

    #[test]
    fn github_and_npm_checksums() {
        for (seed, prefix) in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"]
            .iter()
            .enumerate()
        {
            let token = github_style(prefix, seed as u64 + 7);
            assert!(matches!(check(token.as_bytes()), Some(Evidence::Valid(_))));
            // One character changed in the random part breaks the checksum.
            let mut bad = token.clone().into_bytes();
            bad[10] = if bad[10] == b'A' { b'B' } else { b'A' };
            assert!(matches!(check(&bad), Some(Evidence::Invalid(_))));
        }
        // Other shapes are not judged.
        assert_eq!(check(b"ghr_abc"), None);
        assert_eq!(check(b"ghp_abcdefghijklmnopqrstuvwxyz0123456789-x"), None);
        assert_eq!(check(b"sk_live_abcdef"), None);
    }

    #[test]
    fn gitlab_routable_checksums() {
        for versioned in [false, true] {
            let token = gitlab_routable_token("glpat-", 3, versioned);
            assert!(
                matches!(check(token.as_bytes()), Some(Evidence::Valid(_))),
                "{versioned}"
            );
            let mut bad = token.into_bytes();
            bad[8] = if bad[8] == b'A' { b'B' } else { b'A' };
            assert!(matches!(check(&bad), Some(Evidence::Invalid(_))));
        }
        // The legacy 20-character form carries no checksum.
        assert_eq!(check(b"glpat-Zq8mR2xW4nT6yB1vK3cJ"), None);
    }

    #[test]
    fn pypi_macaroon_structure() {
        let token = pypi_token(5, r#"{"version": 1, "permissions": "user"}"#);
        assert!(matches!(check(token.as_bytes()), Some(Evidence::Valid(_))));
        assert_eq!(
            macaroon(token.strip_prefix("pypi-").unwrap().as_bytes()).as_deref(),
            Some(&b"pypi.org"[..])
        );
        // Cut short: the signature is missing.
        let cut = &token[..token.len() - 20];
        assert!(matches!(check(cut.as_bytes()), Some(Evidence::Invalid(_))));
        // The prefix alone, then filler.
        let filler = format!("pypi-AgEIcHlwaS5vcmc{}", "x".repeat(60));
        assert!(matches!(
            check(filler.as_bytes()),
            Some(Evidence::Invalid(_))
        ));
    }
}
