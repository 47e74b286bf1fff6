//! A finding: one credential at one place, tiered, with its secret redacted.
//!
//! The secret itself is held in a [`Secret`], which has no `Display` or
//! `Serialize` and whose `Debug` is redacted, so that no output path can print
//! a whole secret by accident.

use crate::tier::Tier;
use sha2::{Digest, Sha256};
use std::fmt;

/// The raw bytes of a matched secret. Never printed, never serialized.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: &[u8]) -> Secret {
        Secret(bytes.to_vec())
    }

    /// The bytes, for hashing and comparison only.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// SHA-256 of the secret, lowercase hex: the form `.blastwall.toml`
    /// allowlists secrets by, so that the config never holds one in plaintext.
    pub fn sha256_hex(&self) -> String {
        hex(&Sha256::digest(&self.0))
    }

    /// A short, display-safe form: the secret's structural prefix (`ghp_`,
    /// `sk_live_`) or a few leading characters, never more than a third of
    /// it, then its length. Short secrets show nothing.
    pub fn redacted(&self) -> String {
        let text = String::from_utf8_lossy(&self.0);
        let chars: Vec<char> = text.chars().collect();
        let n = chars.len();
        let budget = n / 3;
        let structural = chars
            .iter()
            .take(16)
            .enumerate()
            .filter(|(_, c)| matches!(c, '_' | '-' | '.' | ':'))
            .map(|(i, _)| i + 1)
            .rfind(|&end| end <= n / 2)
            .unwrap_or(0);
        let show = if n < 8 {
            0
        } else {
            (structural + 2).max(4.min(budget)).min(budget)
        };
        let visible: String = chars[..show].iter().collect();
        let visible: String = visible
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect();
        format!("{visible}…({n} chars)")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Where a finding was seen: what a commit introduces, what a push
/// introduces, or what sits in the working tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A plain `scan` of files on disk.
    File,
    /// Added lines in the index about to be committed.
    Staged,
    /// Added lines in a commit about to be pushed (or in history), or its message.
    Commit { id: String, date: Option<String> },
    /// Published through a ref: its name, its tags' messages, or the blob
    /// or tree a tag points at.
    Ref { name: String },
    /// A file in the working tree an agent can read.
    Worktree,
    /// A variable in the environment an agent session would inherit.
    Environment,
    /// A credential cache or history file in the user's home directory.
    Home,
}

impl Origin {
    pub fn label(&self) -> &'static str {
        match self {
            Origin::File => "file",
            Origin::Staged => "staged",
            Origin::Commit { .. } => "commit",
            Origin::Ref { .. } => "ref",
            Origin::Worktree => "worktree",
            Origin::Environment => "environment",
            Origin::Home => "home",
        }
    }
}

/// One credential found.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: String,
    pub provider: String,
    pub description: String,
    pub tier: Tier,
    /// Relative to the scanned root or repository, `/`-separated.
    pub path: String,
    /// 1-based line of the secret's first byte.
    pub line: usize,
    /// 1-based column (in characters) of the secret's first byte.
    pub column: usize,
    /// 1-based line of the secret's last byte.
    pub end_line: usize,
    pub secret: Secret,
    /// Why the tier differs from the rule's, when a classifier or context changed it.
    pub note: Option<String>,
    /// The value counts up or down like a fixture (`abcd1234…`) and was
    /// reported at low instead of being dropped; see `filters::Placeholder`.
    pub patterned: bool,
    /// How the secret was decoded (`base64-decoded`, `URL-decoded, then
    /// base64-decoded` …) when it was found in a decoding layer; its
    /// position is then the encoded text's.
    pub decoded: Option<String>,
    pub origin: Origin,
}

impl Finding {
    pub fn redacted(&self) -> String {
        self.secret.redacted()
    }

    /// What makes two findings the same credential at the same place:
    /// rule, path and secret (not position, tier or origin).
    pub fn identity(&self) -> (String, String, Secret) {
        (self.rule.clone(), self.path.clone(), self.secret.clone())
    }

    /// A stable identifier: the first 16 hex digits of SHA-256 over the rule,
    /// path and secret. It names a finding for `accept` and for SARIF
    /// deduplication; like any hash it can confirm a guessed secret, so it is
    /// truncated to 64 bits and salted with the rule and path.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"blastwall-fingerprint-v1\0");
        h.update(self.rule.as_bytes());
        h.update(b"\0");
        h.update(self.path.as_bytes());
        h.update(b"\0");
        h.update(self.secret.expose());
        hex(&h.finalize()[..8])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_never_shows_the_whole_secret() {
        for s in [
            "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",
            "sk-ant-admin01-abcdefghijklmnopqrstuvwxyz0123456789",
            "hunter2",
            "P@ssw0rd$1",
            "ab",
        ] {
            let r = Secret::new(s.as_bytes()).redacted();
            let shown = r.split('…').next().unwrap();
            assert!(shown.len() * 3 <= s.len(), "{r} shows too much of {s}");
            assert!(!r.contains(s));
        }
        assert_eq!(
            Secret::new(b"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").redacted(),
            "ghp_R2…(40 chars)"
        );
        assert_eq!(Secret::new(b"hunter2").redacted(), "…(7 chars)");
    }

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new(b"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");
        assert!(!format!("{s:?}").contains("kQ7mZx4"));
    }
}
