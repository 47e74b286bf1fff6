//! A credential's documented shape, declared on its rule, and values of that
//! shape generated for the self-test.
//!
//! Hand-written examples test the strings someone thought of; a rule that
//! learnt them can still miss the next key of the same format (a `-` at the
//! end, the longest length the provider allows, the key in a JSON file
//! rather than a `.env`). A rule's `format` states the format as its
//! documentation gives it (`ghp_{base62:36}`), and the self-test generates
//! random values of it, from a fixed seed, in several surroundings, and
//! requires the rule to find each one at its tier.
//!
//! A shape is literal text with pieces in braces: `{class:N}` (N characters
//! of a class), `{class:N..M}` (N to M of them, bounds included) and
//! `{uuid}` / `{uuid_upper}`; `{{` and `}}` are literal braces.
//! `{crc32_base62}` is the checksum GitHub and npm tokens end in: six base62
//! digits of the CRC32 of the piece before it, so that generated values
//! carry a valid checksum as issued tokens do.

use crate::tier::Tier;
use serde::{Deserialize, Serialize};

/// A rule's `format` table as written.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FormatSpec {
    /// The token's shape: literal text and `{class:N}` pieces.
    pub shape: String,
    /// The variable name the generated surroundings assign the value to
    /// (`TOKEN` when absent). Formats without a prefix of their own need the
    /// provider's name here, as their rules need it near the value.
    #[serde(default)]
    pub name: Option<String>,
    /// The surroundings to embed values in (see [`Surrounding`]); the
    /// default is an assignment, a JSON value, a YAML value and an export.
    #[serde(default)]
    pub contexts: Option<Vec<Surrounding>>,
    /// The tier generated values must get, when not the rule's own (a
    /// classifier that reads the value can lower or raise it).
    #[serde(default)]
    pub tier: Option<Tier>,
    /// The file name generated values are scanned under, for rules limited
    /// to some files (`paths`); `example.txt` when absent.
    #[serde(default)]
    pub path: Option<String>,
}

/// Where a generated value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Surrounding {
    /// `NAME=value`, as in a `.env` file.
    Assign,
    /// `{"NAME": "value"}`.
    Json,
    /// `name: "value"` (the name lowercased, as YAML keys usually are).
    Yaml,
    /// `export NAME="value"`, as in a shell profile.
    Export,
    /// `Authorization: Bearer value`, for tokens sent that way.
    Bearer,
    /// `https://api.example.com/v1/items?name=value`, for keys sent in a query.
    Url,
    /// The value alone on a line.
    Bare,
}

const DEFAULT_SURROUNDINGS: [Surrounding; 4] = [
    Surrounding::Assign,
    Surrounding::Json,
    Surrounding::Yaml,
    Surrounding::Export,
];

/// A character class a piece draws from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Hex,
    HexUpper,
    Digits,
    Lower,
    Upper,
    Alpha,
    LowerAlnum,
    UpperAlnum,
    Base62,
    Base64,
    Base64Url,
    Base32,
    Base32Lower,
    Bech32,
    Bech32Upper,
}

const DIGITS: &str = "0123456789";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

impl Class {
    /// The class a piece names, by its name in a shape.
    fn named(name: &str) -> Option<Class> {
        Some(match name {
            "hex" => Class::Hex,
            "hex_upper" => Class::HexUpper,
            "digits" => Class::Digits,
            "lower" => Class::Lower,
            "upper" => Class::Upper,
            "alpha" => Class::Alpha,
            "lower_alnum" => Class::LowerAlnum,
            "upper_alnum" => Class::UpperAlnum,
            "base62" | "alnum" => Class::Base62,
            "base64" => Class::Base64,
            "base64url" => Class::Base64Url,
            "base32" => Class::Base32,
            "base32_lower" => Class::Base32Lower,
            "bech32" => Class::Bech32,
            "bech32_upper" => Class::Bech32Upper,
            _ => return None,
        })
    }

    /// The characters of the class.
    fn alphabet(self) -> String {
        match self {
            Class::Hex => "0123456789abcdef".into(),
            Class::HexUpper => "0123456789ABCDEF".into(),
            Class::Digits => DIGITS.into(),
            Class::Lower => LOWER.into(),
            Class::Upper => UPPER.into(),
            Class::Alpha => format!("{UPPER}{LOWER}"),
            Class::LowerAlnum => format!("{LOWER}{DIGITS}"),
            Class::UpperAlnum => format!("{UPPER}{DIGITS}"),
            Class::Base62 => format!("{UPPER}{LOWER}{DIGITS}"),
            Class::Base64 => format!("{UPPER}{LOWER}{DIGITS}+/"),
            Class::Base64Url => format!("{UPPER}{LOWER}{DIGITS}-_"),
            Class::Base32 => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".into(),
            Class::Base32Lower => "abcdefghijklmnopqrstuvwxyz234567".into(),
            Class::Bech32 => "qpzry9x8gf2tvdw0s3jn54khce6mua7l".into(),
            Class::Bech32Upper => "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".into(),
        }
    }
}

/// One part of a shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Literal(String),
    Run {
        class: Class,
        min: usize,
        max: usize,
    },
    Uuid {
        upper: bool,
    },
    /// Six base62 digits of the CRC32 of the previous piece's characters.
    Crc32Base62,
}

/// A shape, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape(pub Vec<Piece>);

/// The longest run a piece may ask for: a shape describes a token, not a file.
const MAX_RUN: usize = 4096;

impl Shape {
    /// Parses a shape; the error names the piece that is wrong and why.
    pub fn parse(text: &str) -> Result<Shape, String> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '}' => return Err("a lone `}` (write `}}` for a literal brace)".into()),
                '{' => {
                    let body: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    if !literal.is_empty() {
                        pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                    }
                    pieces.push(parse_piece(&body)?);
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(literal));
        }
        if !pieces.iter().any(|p| !matches!(p, Piece::Literal(_))) {
            return Err("no random piece (`{hex:40}`, `{base62:36}`, `{uuid}`, …)".into());
        }
        Ok(Shape(pieces))
    }

    /// A value of the shape. `bound` picks run lengths: `Some(false)` the
    /// shortest allowed (each run starting on its class's punctuation, if it
    /// has any), `Some(true)` the longest (each run ending on it), `None` at
    /// random.
    pub fn generate(&self, rng: &mut Rng, bound: Option<bool>) -> String {
        let mut out = String::new();
        // Where the previous piece's characters start, for a checksum piece.
        let mut previous = 0;
        for piece in &self.0 {
            let start = out.len();
            match piece {
                Piece::Crc32Base62 => {
                    let crc = super::token_checksum::crc32(&out.as_bytes()[previous..]);
                    let digits = super::token_checksum::base62_fixed(crc);
                    out.extend(digits.iter().map(|&b| b as char));
                }
                Piece::Literal(s) => out.push_str(s),
                Piece::Run { class, min, max } => {
                    let len = match bound {
                        Some(false) => *min,
                        Some(true) => *max,
                        None => min + rng.below(max - min + 1),
                    };
                    let alphabet = class.alphabet();
                    let bytes = alphabet.as_bytes();
                    out.extend((0..len).map(|_| bytes[rng.below(bytes.len())] as char));
                    // The shortest value starts the run, the longest ends
                    // it, on the class's punctuation (`-` of base64url, `+`
                    // of base64), where a rule's `\b` misses a real token.
                    if let (Some(edge), Some(&p)) =
                        (bound, bytes.iter().find(|b| !b.is_ascii_alphanumeric()))
                    {
                        let at = if edge { out.len() - 1 } else { out.len() - len };
                        out.replace_range(at..at + 1, &(p as char).to_string());
                    }
                }
                Piece::Uuid { upper } => {
                    let hex = if *upper { Class::HexUpper } else { Class::Hex }.alphabet();
                    for (i, n) in [8, 4, 4, 4, 12].into_iter().enumerate() {
                        if i > 0 {
                            out.push('-');
                        }
                        out.extend((0..n).map(|_| hex.as_bytes()[rng.below(16)] as char));
                    }
                }
            }
            previous = start;
        }
        out
    }
}

fn parse_piece(body: &str) -> Result<Piece, String> {
    match body {
        "uuid" => return Ok(Piece::Uuid { upper: false }),
        "uuid_upper" => return Ok(Piece::Uuid { upper: true }),
        "crc32_base62" => return Ok(Piece::Crc32Base62),
        _ => {}
    }
    let unknown = || {
        format!(
            "unknown piece `{{{body}}}`: write `{{class:N}}` or `{{class:N..M}}` with a class among hex, hex_upper, digits, lower, upper, alpha, lower_alnum, upper_alnum, base62, base64, base64url, base32, base32_lower, bech32, bech32_upper, or `{{uuid}}` / `{{uuid_upper}}` / `{{crc32_base62}}`"
        )
    };
    let (name, len) = body.split_once(':').ok_or_else(unknown)?;
    let class = Class::named(name.trim()).ok_or_else(unknown)?;
    let number = |s: &str| s.trim().parse::<usize>().map_err(|_| unknown());
    let (min, max) = match len.split_once("..") {
        Some((a, b)) => (number(a)?, number(b)?),
        None => (number(len)?, number(len)?),
    };
    if min == 0 || min > max || max > MAX_RUN {
        return Err(format!(
            "piece `{{{body}}}`: lengths must satisfy 1 <= N <= M <= {MAX_RUN}"
        ));
    }
    Ok(Piece::Run { class, min, max })
}

impl FormatSpec {
    /// Checks the spec: its shape parses and its name is a plain identifier.
    pub fn validate(&self) -> Result<Shape, String> {
        let shape =
            Shape::parse(&self.shape).map_err(|e| format!("format shape `{}`: {e}", self.shape))?;
        if let Some(name) = &self.name
            && (name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-'))
        {
            return Err(format!(
                "format name `{name}` must be a variable name (letters, digits, `_`, `.`, `-`)"
            ));
        }
        if self.contexts.as_ref().is_some_and(Vec::is_empty) {
            return Err("format contexts must not be empty (leave it out for the default)".into());
        }
        Ok(shape)
    }

    /// The self-test's generated examples for the rule `id`: `values`
    /// values of the shape (the first two at its shortest and longest
    /// lengths), each in every surrounding. Seeded by the rule id, so a
    /// failure is reproduced exactly by the next run.
    pub fn examples(&self, id: &str, values: usize) -> Result<Vec<String>, String> {
        let shape = self.validate()?;
        let mut rng = Rng::seeded(id);
        let name = self.name.as_deref().unwrap_or("TOKEN");
        let surroundings = self.contexts.as_deref().unwrap_or(&DEFAULT_SURROUNDINGS);
        let mut out = Vec::with_capacity(values * surroundings.len());
        for i in 0..values {
            let bound = match i {
                0 => Some(false),
                1 => Some(true),
                _ => None,
            };
            let value = shape.generate(&mut rng, bound);
            out.extend(surroundings.iter().map(|s| s.embed(name, &value)));
        }
        Ok(out)
    }
}

impl Surrounding {
    /// `value` written in this surrounding under `name`.
    pub fn embed(self, name: &str, value: &str) -> String {
        match self {
            Surrounding::Assign => format!("{name}={value}\n"),
            Surrounding::Json => format!("{{\n  \"{name}\": \"{value}\"\n}}\n"),
            Surrounding::Yaml => format!("{}: \"{value}\"\n", name.to_ascii_lowercase()),
            Surrounding::Export => format!("export {name}=\"{value}\"\n"),
            Surrounding::Bearer => format!("Authorization: Bearer {value}\n"),
            Surrounding::Url => format!(
                "https://api.example.com/v1/items?{}={value}&limit=10\n",
                name.to_ascii_lowercase()
            ),
            Surrounding::Bare => format!("{value}\n"),
        }
    }
}

/// A small deterministic generator (SplitMix64): generated examples must
/// be the same on every run and machine, and need no cryptographic quality.
pub struct Rng(u64);

/// The seed every rule's generator starts from, mixed with its id.
const SEED: u64 = 0x626c_6173_7477_616c;

impl Rng {
    /// A generator seeded by `label` (FNV-1a of it, mixed with [`SEED`]).
    pub fn seeded(label: &str) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in label.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h ^ SEED)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0; the modulo bias is irrelevant here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(shape: &str) -> FormatSpec {
        FormatSpec {
            shape: shape.into(),
            name: None,
            contexts: None,
            tier: None,
            path: None,
        }
    }

    #[test]
    fn shapes_parse_into_pieces() {
        let s = Shape::parse("ghp_{base62:36}").unwrap();
        assert_eq!(
            s.0,
            vec![
                Piece::Literal("ghp_".into()),
                Piece::Run {
                    class: Class::Base62,
                    min: 36,
                    max: 36
                }
            ]
        );
        let s = Shape::parse("{{x}}{hex:2..4}-{uuid}").unwrap();
        assert_eq!(s.0[0], Piece::Literal("{x}".into()));
        assert_eq!(s.0.len(), 4);
    }

    #[test]
    fn bad_pieces_are_named() {
        let e = Shape::parse("x_{base99:3}").unwrap_err();
        assert!(e.contains("unknown piece `{base99:3}`"), "{e}");
        assert!(Shape::parse("x_{hex:5..2}").unwrap_err().contains("1 <= N"));
        assert!(
            Shape::parse("x_{hex}")
                .unwrap_err()
                .contains("unknown piece")
        );
        assert!(
            Shape::parse("plain")
                .unwrap_err()
                .contains("no random piece")
        );
        assert!(Shape::parse("a}b{hex:2}").unwrap_err().contains("lone"));
    }

    #[test]
    fn values_have_the_shape_and_bounds() {
        let shape = Shape::parse("k-{hex:3..9}.{uuid}").unwrap();
        let mut rng = Rng::seeded("t");
        let short = shape.generate(&mut rng, Some(false));
        let long = shape.generate(&mut rng, Some(true));
        assert_eq!(short.len(), 2 + 3 + 1 + 36);
        assert_eq!(long.len(), 2 + 9 + 1 + 36);
        assert!(short[2..5].bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!((long.as_bytes()[11], long.as_bytes()[20]), (b'.', b'-'));
    }

    #[test]
    fn bounds_put_punctuation_at_the_edges_of_runs() {
        let shape = Shape::parse("t_{base64url:8}.{base64:4}.{hex:3}").unwrap();
        let v = shape.generate(&mut Rng::seeded("p"), Some(true));
        let parts: Vec<&str> = v.split('.').collect();
        assert!(parts[0].ends_with('-'), "{v}");
        assert!(parts[1].ends_with('+'), "{v}");
        assert!(parts[2].bytes().all(|b| b.is_ascii_hexdigit()), "{v}");
        let v = shape.generate(&mut Rng::seeded("p"), Some(false));
        let parts: Vec<&str> = v.split('.').collect();
        assert!(parts[0].starts_with("t_-"), "{v}");
        assert!(parts[1].starts_with('+'), "{v}");
    }

    #[test]
    fn examples_are_deterministic_and_surrounded() {
        let mut f = spec("sk_{base62:10}");
        f.contexts = Some(vec![Surrounding::Assign, Surrounding::Bearer]);
        let a = f.examples("demo", 3).unwrap();
        assert_eq!(a, f.examples("demo", 3).unwrap());
        assert_ne!(a, f.examples("other", 3).unwrap());
        assert_eq!(a.len(), 6);
        assert!(a[0].starts_with("TOKEN=sk_"));
        assert!(a[1].starts_with("Authorization: Bearer sk_"));
    }

    #[test]
    fn bad_names_and_empty_contexts_rejected() {
        let mut f = spec("a{hex:4}");
        f.name = Some("has space".into());
        assert!(f.validate().unwrap_err().contains("variable name"));
        let mut f = spec("a{hex:4}");
        f.contexts = Some(Vec::new());
        assert!(f.validate().unwrap_err().contains("must not be empty"));
    }

    #[test]
    fn a_checksum_piece_makes_valid_github_style_tokens() {
        let shape = Shape::parse("ghp_{base62:30}{crc32_base62}").unwrap();
        let mut rng = Rng::seeded("checksum");
        for bound in [None, Some(false), Some(true)] {
            let token = shape.generate(&mut rng, bound);
            assert_eq!(token.len(), 40);
            let b = token.as_bytes();
            let crc = super::super::token_checksum::crc32(&b[4..34]);
            assert_eq!(&super::super::token_checksum::base62_fixed(crc), &b[34..]);
        }
    }
}
