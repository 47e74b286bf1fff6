//! The on-disk rule format shared by the built-in `rules.toml` and a repo's
//! `.blastwall.toml`, and its validation.
//!
//! Validation happens here, once, with the position of every problem, so that
//! the engine can trust what it compiles. Regexes of built-in rules are *not*
//! compiled here: start-up cost matters in a hook, and the rule self-test
//! compiles each of them instead. User rules are compiled eagerly so a bad
//! pattern in `.blastwall.toml` is reported with its line and column.

use super::format::FormatSpec;
use crate::error::LocatedError;
use crate::tier::Tier;
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;
use toml::Spanned;

/// Offline tier refinements that read the credential itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Classifier {
    /// Decode a JWT's claims: Supabase `role`, expiry, `alg: none`.
    Jwt,
    /// Read an Azure SAS token's `sp=` permissions and `se=` expiry.
    AzureSas,
    /// Read a PyPI macaroon's caveats: user-wide or project-scoped.
    PypiMacaroon,
    /// A PEM private key (OpenSSH's included): is it encrypted?
    PemKey,
    /// A value assigned to a secret-sounding name: is the name really a
    /// secret's, and does the value look like one (catch-all rules)?
    Assignment,
    /// A password in an SQL clause or on a command line: a literal, not a
    /// bind variable, a metavariable in help text or a hash.
    PasswordLiteral,
    /// An HTTP `Authorization` value: a `Basic` one must decode to
    /// `user:password`.
    HttpAuthorization,
    /// The private member of a JSON Web Key: the object must name a key
    /// type with a private part.
    JwkPrivate,
}

/// A rule example: plain text, or text with the file name it lives in and the
/// tier the engine must give it.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Example {
    Text(String),
    Detailed {
        text: String,
        #[serde(default)]
        path: Option<String>,
        #[serde(default)]
        tier: Option<Tier>,
    },
}

impl Example {
    pub fn text(&self) -> &str {
        match self {
            Example::Text(t) | Example::Detailed { text: t, .. } => t,
        }
    }

    pub fn path(&self) -> Option<&str> {
        match self {
            Example::Text(_) => None,
            Example::Detailed { path, .. } => path.as_deref(),
        }
    }

    pub fn tier(&self) -> Option<Tier> {
        match self {
            Example::Text(_) => None,
            Example::Detailed { tier, .. } => *tier,
        }
    }
}

/// One `[[rule]]` table as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Spanned<String>,
    pub provider: String,
    pub description: String,
    pub keywords: Spanned<Vec<String>>,
    pub regex: Spanned<String>,
    #[serde(default)]
    pub entropy: Option<Spanned<f64>>,
    pub tier: Tier,
    pub why: String,
    pub fix: String,
    #[serde(default)]
    pub examples: Vec<Example>,
    #[serde(default)]
    pub negative_examples: Vec<Example>,
    #[serde(default)]
    pub classify: Option<Classifier>,
    /// Globs; when present the rule only applies to files whose path matches.
    #[serde(default)]
    pub paths: Option<Spanned<Vec<String>>>,
    /// Lines of context on each side of a keyword hit that the regex may span.
    #[serde(default)]
    pub window_lines: Option<u32>,
    /// A catch-all rule, reported only where no specific rule matched the same text.
    #[serde(default)]
    pub fallback: bool,
    /// Whether the global placeholder filter applies (default true).
    #[serde(default = "default_true")]
    pub placeholder_filter: bool,
    #[serde(default)]
    pub references: Vec<String>,
    /// The token's documented shape; the self-test generates values of it.
    #[serde(default)]
    pub format: Option<Spanned<FormatSpec>>,
}

fn default_true() -> bool {
    true
}

/// The top level of `rules.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    #[serde(default)]
    pub rule: Vec<RawRule>,
}

/// Parses a rules file and validates every rule in it.
pub fn parse_rules_file(file: &Path, text: &str) -> Result<Vec<RawRule>, LocatedError> {
    let parsed: RulesFile =
        toml::from_str(text).map_err(|e| LocatedError::from_toml(file, text, &e))?;
    let mut seen = HashSet::new();
    for rule in &parsed.rule {
        validate_rule(file, text, rule)?;
        if !seen.insert(rule.id.get_ref().clone()) {
            return Err(LocatedError::at_offset(
                file,
                text,
                rule.id.span().start,
                format!("duplicate rule id `{}`", rule.id.get_ref()),
            ));
        }
    }
    Ok(parsed.rule)
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Checks one rule; errors point at the offending value.
pub fn validate_rule(file: &Path, text: &str, rule: &RawRule) -> Result<(), LocatedError> {
    let at = |offset: usize, msg: String| LocatedError::at_offset(file, text, offset, msg);
    let id = rule.id.get_ref();
    if !is_kebab(id) {
        return Err(at(
            rule.id.span().start,
            format!(
                "rule id `{id}` must be kebab-case (lowercase letters, digits and single dashes)"
            ),
        ));
    }
    for (field, value) in [
        ("provider", &rule.provider),
        ("description", &rule.description),
        ("why", &rule.why),
        ("fix", &rule.fix),
    ] {
        if value.trim().is_empty() {
            return Err(at(
                rule.id.span().start,
                format!("rule `{id}`: `{field}` must not be empty"),
            ));
        }
    }
    let keywords = rule.keywords.get_ref();
    if keywords.is_empty() {
        return Err(at(
            rule.keywords.span().start,
            format!(
                "rule `{id}`: needs at least one keyword (the prefilter only runs a rule's regex near its keywords)"
            ),
        ));
    }
    for kw in keywords {
        if kw.len() < 2 || kw.trim() != kw || kw.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(at(
                rule.keywords.span().start,
                format!(
                    "rule `{id}`: keyword `{kw}` must be lowercase, untrimmed-free and at least 2 bytes"
                ),
            ));
        }
    }
    if let Some(entropy) = &rule.entropy {
        let v = *entropy.get_ref();
        if !(0.0..=8.0).contains(&v) {
            return Err(at(
                entropy.span().start,
                format!("rule `{id}`: entropy {v} is outside 0..=8 bits per byte"),
            ));
        }
    }
    if rule.regex.get_ref().trim().is_empty() {
        return Err(at(
            rule.regex.span().start,
            format!("rule `{id}`: empty regex"),
        ));
    }
    if let Some(format) = &rule.format
        && let Err(e) = format.get_ref().validate()
    {
        return Err(at(format.span().start, format!("rule `{id}`: {e}")));
    }
    if let Some(paths) = &rule.paths {
        for glob in paths.get_ref() {
            if let Err(e) = globset::Glob::new(glob) {
                return Err(at(
                    paths.span().start,
                    format!("rule `{id}`: bad path glob `{glob}`: {e}"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[rule]]
id = "demo-token"
provider = "Demo"
description = "Demo token"
keywords = ["demo_"]
regex = '''demo_[a-z]{8}'''
tier = "high"
why = "w"
fix = "f"
examples = ["demo_abcdefgh", { text = "x demo_abcdefgh", path = "a.env", tier = "high" }]
"#;

    #[test]
    fn parses_a_good_rule() {
        let rules = parse_rules_file(Path::new("r.toml"), GOOD).unwrap();
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].examples[1].path(), Some("a.env"));
        assert!(rules[0].placeholder_filter);
    }

    #[test]
    fn unknown_key_is_located() {
        let text = GOOD.replace("fix = \"f\"", "fix = \"f\"\nseverity = \"x\"");
        let err = parse_rules_file(Path::new("r.toml"), &text).unwrap_err();
        assert_eq!(err.line, 11, "{err}");
        assert!(err.message.contains("unknown field `severity`"), "{err}");
    }

    #[test]
    fn bad_tier_is_located() {
        let text = GOOD.replace("tier = \"high\"\nwhy", "tier = \"severe\"\nwhy");
        let err = parse_rules_file(Path::new("r.toml"), &text).unwrap_err();
        assert_eq!(err.line, 8, "{err}");
    }

    #[test]
    fn bad_id_and_duplicates() {
        let text = GOOD.replace("demo-token", "Demo_Token");
        let err = parse_rules_file(Path::new("r.toml"), &text).unwrap_err();
        assert!(err.message.contains("kebab-case"), "{err}");
        let twice = format!("{GOOD}{GOOD}");
        let err = parse_rules_file(Path::new("r.toml"), &twice).unwrap_err();
        assert!(err.message.contains("duplicate rule id"), "{err}");
        assert_eq!(err.line, 14);
    }

    #[test]
    fn format_is_parsed_and_a_bad_piece_names_the_rule() {
        let good = GOOD.replace(
            "fix = \"f\"",
            "fix = \"f\"\nformat = { shape = \"demo_{lower:8}\", contexts = [\"assign\", \"bearer\"] }",
        );
        let rules = parse_rules_file(Path::new("r.toml"), &good).unwrap();
        let f = rules[0].format.as_ref().unwrap().get_ref();
        assert_eq!(f.shape, "demo_{lower:8}");
        let bad = good.replace("{lower:8}", "{lowercase:8}");
        let err = parse_rules_file(Path::new("r.toml"), &bad).unwrap_err();
        assert!(err.message.contains("rule `demo-token`"), "{err}");
        assert!(
            err.message.contains("unknown piece `{lowercase:8}`"),
            "{err}"
        );
        assert_eq!(err.line, 11, "{err}");
    }

    #[test]
    fn uppercase_keyword_rejected() {
        let text = GOOD.replace("[\"demo_\"]", "[\"DEMO_\"]");
        let err = parse_rules_file(Path::new("r.toml"), &text).unwrap_err();
        assert!(err.message.contains("lowercase"), "{err}");
    }
}
