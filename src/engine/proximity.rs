//! The long tail: credentials of services that have no rule.
//!
//! No catalogue of formats covers every SaaS and API provider, and most of
//! them issue opaque random keys anyway. What such a key carries is its name:
//! `SENDGRID_KEY`, `mailgunApiKey`, `config.pusher.secret`. When a
//! secret-like assignment that no specific rule explained names a known
//! provider (one of [`providers.txt`](providers.txt), ≥ 1,000 services) on a
//! word boundary, and its value is token-shaped (long, mixed alphabet, high
//! entropy), it is reported at medium as that provider's credential.
//!
//! Cost: the names are searched with one Aho-Corasick automaton, built on
//! first use, and only over the assignment's name or its line — text the
//! keyword pass already singled out — so the bytes of a scan are not touched
//! again.

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use std::sync::OnceLock;

/// Provider names: lowercase letters and digits, one per line.
const NAMES: &str = include_str!("providers.txt");

/// Shortest token-shaped value, in bytes.
const MIN_TOKEN_LEN: usize = 20;
/// Minimum Shannon entropy (bits/byte) of a token-shaped value: random
/// hex (~3.7 at 20–40 characters) passes, words and counting do not.
const MIN_TOKEN_ENTROPY: f64 = 3.5;
/// How far (bytes) either side of the value the line is searched when the
/// assignment's name names no provider.
const LINE_REACH: usize = 160;

/// Word endings that may follow a provider name glued into one word
/// (`MAILGUNKEY`, `sendgridapikey`).
const GLUED_TAILS: &[&str] = &[
    "key", "token", "secret", "api", "pass", "pwd", "auth", "access", "client", "private", "cred",
    "app", "account",
];

struct Providers {
    automaton: AhoCorasick,
    names: Vec<&'static str>,
}

fn providers() -> &'static Providers {
    static PROVIDERS: OnceLock<Providers> = OnceLock::new();
    PROVIDERS.get_or_init(|| {
        let names: Vec<&'static str> = NAMES
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        // An NFA builds in a fraction of a DFA's time, and it only ever
        // searches a name or a line.
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&names)
            .expect("provider names build an automaton");
        Providers { automaton, names }
    })
}

/// How many provider names the detector knows.
pub fn provider_count() -> usize {
    providers().names.len()
}

/// `text` reduced to lowercase letters and digits, with, for each kept byte,
/// whether a word starts at it and whether one ends after it (separators
/// and camelCase humps are boundaries: `SendGrid_KEY` → `sendgridkey`, words
/// `send`, `grid`, `key`).
fn compact(text: &[u8]) -> (Vec<u8>, Vec<bool>, Vec<bool>) {
    let mut out = Vec::with_capacity(text.len());
    let mut starts = Vec::with_capacity(text.len());
    let mut ends: Vec<bool> = Vec::with_capacity(text.len());
    let mut prev: Option<u8> = None;
    for &b in text {
        if !b.is_ascii_alphanumeric() {
            if let Some(last) = ends.last_mut() {
                *last = true;
            }
            prev = None;
            continue;
        }
        let hump = prev.is_some_and(|p| p.is_ascii_lowercase()) && b.is_ascii_uppercase();
        if hump && let Some(last) = ends.last_mut() {
            *last = true;
        }
        starts.push(prev.is_none() || hump);
        ends.push(false);
        out.push(b.to_ascii_lowercase());
        prev = Some(b);
    }
    if let Some(last) = ends.last_mut() {
        *last = true;
    }
    (out, starts, ends)
}

/// The provider named in `text` on word boundaries, the longest if several:
/// `SENDGRID_API_KEY` and `sendGridKey` name SendGrid, `renderer_key` names
/// nothing. A name may also run into one of [`GLUED_TAILS`] (`MAILGUNKEY`).
pub fn provider_in(text: &[u8]) -> Option<&'static str> {
    let (flat, starts, ends) = compact(text);
    let p = providers();
    let mut best: Option<(usize, &'static str)> = None;
    for m in p.automaton.find_overlapping_iter(&flat[..]) {
        let (s, e) = (m.start(), m.end());
        if !starts[s] {
            continue;
        }
        let word_end = (e - 1..flat.len())
            .find(|&i| ends[i])
            .map_or(flat.len(), |i| i + 1);
        let tail = &flat[e..word_end];
        if !(tail.is_empty() || GLUED_TAILS.iter().any(|t| tail.starts_with(t.as_bytes()))) {
            continue;
        }
        if best.is_none_or(|(len, _)| e - s > len) {
            best = Some((e - s, p.names[m.pattern().as_usize()]));
        }
    }
    best.map(|(_, name)| name)
}

/// The provider named in the line around `start..end` (up to
/// [`LINE_REACH`] bytes either side, not crossing line breaks).
pub fn provider_near(data: &[u8], start: usize, end: usize) -> Option<&'static str> {
    let floor = start.saturating_sub(LINE_REACH);
    let from = memchr::memrchr(b'\n', &data[floor..start]).map_or(floor, |p| floor + p + 1);
    let ceil = (end + LINE_REACH).min(data.len());
    let to = memchr::memchr(b'\n', &data[end..ceil]).map_or(ceil, |p| end + p);
    provider_in(&data[from..start]).or_else(|| provider_in(&data[end..to]))
}

/// Whether `value` looks like an issued token: at least [`MIN_TOKEN_LEN`]
/// bytes of a token alphabet, letters and digits both, and high entropy.
pub fn token_shaped(value: &[u8]) -> bool {
    value.len() >= MIN_TOKEN_LEN
        && value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"_-+/=.~:".contains(b))
        && value.iter().any(u8::is_ascii_digit)
        && value.iter().any(u8::is_ascii_alphabetic)
        && super::filters::shannon_entropy(value) >= MIN_TOKEN_ENTROPY
}

/// A provider's name for reports: `sendgrid` → `Sendgrid`.
pub fn display(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_large_and_clean() {
        assert!(provider_count() >= 1000, "{}", provider_count());
        let mut seen = std::collections::HashSet::new();
        for name in NAMES.lines() {
            assert!(
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                "{name:?}: lowercase letters and digits only"
            );
            assert!(seen.insert(name), "{name} is listed twice");
        }
    }

    #[test]
    fn names_match_on_word_boundaries() {
        assert_eq!(provider_in(b"SENDGRID_API_KEY"), Some("sendgrid"));
        assert_eq!(provider_in(b"sendGridKey"), Some("sendgrid"));
        assert_eq!(provider_in(b"mailgunApiKey"), Some("mailgun"));
        assert_eq!(provider_in(b"MAILGUNKEY"), Some("mailgun"));
        assert_eq!(provider_in(b"config.pusher.secret"), Some("pusher"));
        assert_eq!(provider_in(b"DIGITAL_OCEAN_TOKEN"), Some("digitalocean"));
        assert_eq!(provider_in(b"digitalocean_token"), Some("digitalocean"));
        assert_eq!(provider_in(b"unmailgunned_key"), None);
        assert_eq!(provider_in(b"inbox_token"), None);
        assert_eq!(provider_in(b"api_key"), None);
    }

    #[test]
    fn the_line_is_searched_around_the_value() {
        let line = b"x = 1\ncurl -H 'X-Key: VALUE' https://api.mailgun.net/v3\ny = 2";
        let at = line.windows(5).position(|w| w == b"VALUE").unwrap();
        assert_eq!(provider_near(line, at, at + 5), Some("mailgun"));
        let other = b"# mailgun\nkey: VALUE\n";
        let at = other.windows(5).position(|w| w == b"VALUE").unwrap();
        assert_eq!(provider_near(other, at, at + 5), None);
    }

    #[test]
    fn token_shape() {
        assert!(token_shaped(b"q7Wm2Zr9Kx4Tb8Nv3Yc6Hd1J"));
        assert!(token_shaped(b"4f9c2a7e1b8d3f6a0c5e9b2d7a4f1c8e"));
        assert!(!token_shaped(b"short1A"));
        assert!(!token_shaped(b"this_is_only_words_here"));
        assert!(!token_shaped(b"aaaaaaaaaaaaaaaaaaaaaa11"));
        assert!(!token_shaped(b"has space 1234567890abcdefgh"));
    }
}
