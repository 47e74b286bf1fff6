//! The vocabulary classifiers share: what a rule matched, and what a
//! classifier concluded about it. Kept apart from the classifiers so that
//! each of them depends on it, not on one another.

use crate::tier::Tier;

/// What a classifier concluded about one secret.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Keep the rule's tier.
    Keep,
    /// Use this tier (and provider, when it names one) instead, with a note why.
    Retier {
        tier: Tier,
        provider: Option<&'static str>,
        note: String,
    },
    /// Not a credential after all (e.g. a "JWT" whose header is not JSON).
    Reject,
}

/// What a rule matched: the secret, and the name it was assigned to when the
/// rule captures one (group `key`).
#[derive(Debug, Clone, Copy)]
pub struct Matched<'a> {
    pub secret: &'a [u8],
    pub key: Option<&'a [u8]>,
    /// Whether a quote character opens the secret (`"…"`): a literal.
    pub quoted: bool,
    /// The text between the key and the secret (`" = "`, `", "`), when the
    /// rule captures a key.
    pub operator: &'a [u8],
    /// The file the match is in.
    pub path: &'a str,
}
