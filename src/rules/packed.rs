//! The built-in rules in the form the build prepares them.
//!
//! Parsing and validating `rules.toml` (half a megabyte of TOML) took most
//! of a hook's start-up. `build.rs` does it once, at build time — a rule
//! that does not validate fails the build with its position — and embeds
//! the result in a compact binary form that decodes in well under a
//! millisecond. Examples, needed only by the self-test, are kept apart so
//! that a hook never decodes them.

use super::format::FormatSpec;
use super::schema::{Classifier, Example, RawRule};
use crate::tier::Tier;
use serde::{Deserialize, Serialize};

/// A validated rule, without positions, examples and format.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Packed {
    pub id: String,
    pub provider: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub pattern: String,
    pub entropy: Option<f64>,
    pub tier: Tier,
    pub why: String,
    pub fix: String,
    pub classify: Option<Classifier>,
    pub paths: Option<Vec<String>>,
    pub window_lines: u32,
    pub fallback: bool,
    pub placeholder_filter: bool,
    pub references: Vec<String>,
}

/// One example, in a form a non-self-describing encoding can hold.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackedExample {
    pub text: String,
    pub path: Option<String>,
    pub tier: Option<Tier>,
}

/// A rule's examples, by rule id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackedExamples {
    pub id: String,
    pub examples: Vec<PackedExample>,
    pub negative_examples: Vec<PackedExample>,
    /// The documented shape the self-test generates examples from.
    pub format: Option<FormatSpec>,
}

fn pack_example(e: &Example) -> PackedExample {
    PackedExample {
        text: e.text().to_string(),
        path: e.path().map(str::to_string),
        tier: e.tier(),
    }
}

/// An example in the schema's form again.
pub fn unpack_example(e: PackedExample) -> Example {
    if e.path.is_none() && e.tier.is_none() {
        Example::Text(e.text)
    } else {
        Example::Detailed {
            text: e.text,
            path: e.path,
            tier: e.tier,
        }
    }
}

impl Packed {
    /// Splits a validated raw rule into the rule and its examples.
    pub fn from_raw(raw: RawRule) -> (Packed, PackedExamples) {
        let examples = PackedExamples {
            id: raw.id.get_ref().clone(),
            examples: raw.examples.iter().map(pack_example).collect(),
            negative_examples: raw.negative_examples.iter().map(pack_example).collect(),
            format: raw.format.map(|f| f.into_inner()),
        };
        let packed = Packed {
            id: raw.id.into_inner(),
            provider: raw.provider,
            description: raw.description,
            keywords: raw.keywords.into_inner(),
            pattern: raw.regex.into_inner(),
            entropy: raw.entropy.map(|e| e.into_inner()),
            tier: raw.tier,
            why: raw.why,
            fix: raw.fix,
            classify: raw.classify,
            paths: raw.paths.map(|p| p.into_inner()),
            window_lines: raw.window_lines.unwrap_or(0),
            fallback: raw.fallback,
            placeholder_filter: raw.placeholder_filter,
            references: raw.references,
        };
        (packed, examples)
    }
}
