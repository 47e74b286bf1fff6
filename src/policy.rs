//! Changes that weaken a repository's policy, found by comparing the
//! policy a range starts from with the one it ends with.
//!
//! A push or a pull request can switch blastwall off from the inside: an
//! allowlist glob of `**`, a baseline entry for the very secret it adds, a
//! lower block tier, a disabled rule. `blastwall ci` judges a range by the
//! base's policy, and reports every such change in the range as a
//! `policy-change` finding (high: it blocks by default), so that a person
//! has to approve it. CODEOWNERS on `.blastwall.toml` and the baseline makes
//! that person the right one.

use crate::baseline::Baseline;
use crate::config::Config;
use crate::finding::{Finding, Origin, Secret};
use crate::rules::Rule;
use crate::rules::schema::RawRule;
use crate::tier::Tier;
use std::sync::OnceLock;

/// The id of findings about policy changes.
pub const RULE_ID: &str = "policy-change";

/// The rule text reports show for a policy-change finding.
pub fn rule() -> &'static Rule {
    static RULE: OnceLock<Rule> = OnceLock::new();
    RULE.get_or_init(|| {
        let raw: RawRule = toml::from_str(
            r#"
id = "policy-change"
provider = "blastwall"
description = "Change that weakens the repository's blastwall policy"
keywords = ["policy-change"]
regex = 'a^'
tier = "high"
why = "A change to .blastwall.toml, the baseline or an allow marker can silence findings, including the one the same change adds; an agent blocked by a hook tries exactly this. Judged by the base's policy, it needs a person's approval."
fix = "Have a code owner review and approve the policy change (put .blastwall.toml and .blastwall-baseline.json under CODEOWNERS), or drop it from the change; accept single findings with `blastwall accept <id> --reason` instead of broad allowlists."
"#,
        )
        .expect("the policy-change rule is valid TOML");
        Rule::from_raw(raw).expect("the policy-change rule is valid")
    })
}

/// One weakening change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The file it is in (`.blastwall.toml`, the baseline, or a finding's file).
    pub path: String,
    /// 1-based line in that file (1 when unknown).
    pub line: usize,
    /// What changed, for people.
    pub what: String,
}

impl Change {
    /// As a finding in `commit`'s range (the head).
    pub fn into_finding(self, head: &str) -> Finding {
        Finding {
            rule: RULE_ID.to_string(),
            provider: "blastwall".to_string(),
            description: format!("Policy change: {}", self.what),
            tier: Tier::High,
            path: self.path,
            line: self.line,
            column: 1,
            end_line: self.line,
            // Identifies the change for fingerprints and baselines.
            secret: Secret::new(self.what.as_bytes()),
            note: None,
            patterned: false,
            decoded: None,
            origin: Origin::Commit {
                id: head.to_string(),
                date: None,
            },
        }
    }
}

/// The 1-based line of the first occurrence of `needle` in `text` (1 if absent).
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map_or(1, |at| text[..at].matches('\n').count() + 1)
}

/// How `head` (its config file's text in `head_text`) weakens `base`.
pub fn config_changes(base: &Config, head: &Config, head_text: &str, path: &str) -> Vec<Change> {
    let mut out = Vec::new();
    let mut add = |needle: &str, what: String| {
        out.push(Change {
            path: path.to_string(),
            line: line_of(head_text, needle),
            what,
        })
    };
    for g in head
        .allow
        .path_globs
        .iter()
        .filter(|g| !base.allow.path_globs.contains(g))
    {
        add(g, format!("new allowlisted path `{g}`"));
    }
    let base_regexes: Vec<&str> = base.allow.regexes.iter().map(|r| r.as_str()).collect();
    for r in head.allow.regexes.iter().map(|r| r.as_str()) {
        if !base_regexes.contains(&r) {
            add(r, format!("new allowlisted secret pattern `{r}`"));
        }
    }
    for s in head
        .allow
        .secret_sha256
        .difference(&base.allow.secret_sha256)
    {
        add(
            &s[..12.min(s.len())],
            format!("new allowlisted secret sha256:{}…", &s[..12.min(s.len())]),
        );
    }
    if head.block > base.block {
        add(
            "block",
            format!(
                "block tier raised from {} to {} (fewer findings block)",
                base.block, head.block
            ),
        );
    }
    if base.fail_closed && !head.fail_closed {
        add(
            "fail_closed",
            "fail_closed turned off (an internal error lets commits through)".into(),
        );
    }
    if base.reach.enabled && !head.reach.enabled {
        add("enabled", "the agent-reach check turned off".into());
    }
    if head.reach.block > base.reach.block {
        add(
            "block",
            format!(
                "reach block tier raised from {} to {}",
                base.reach.block, head.reach.block
            ),
        );
    }
    for d in head
        .skip_dirs
        .iter()
        .filter(|d| !base.skip_dirs.contains(d))
    {
        add(d, format!("new skipped directory `{d}`"));
    }
    if head.max_file_size < base.max_file_size {
        add(
            "max_file_size",
            format!("file size limit lowered to {} bytes", head.max_file_size),
        );
    }
    let changes = (&base.rule_changes, &head.rule_changes);
    for id in changes.1.disabled.difference(&changes.0.disabled) {
        add(id, format!("rule `{id}` disabled"));
    }
    for (id, tier) in &changes.1.tiers {
        if changes.0.tiers.get(id) != Some(tier) {
            add(id, format!("rule `{id}` re-tiered to {tier}"));
        }
    }
    out
}

/// Entries `head` accepts that `base` did not. Keys are compared by rule,
/// path and HMAC; a baseline whose key changed accepts everything anew.
pub fn baseline_changes(
    base: Option<&Baseline>,
    head: &Baseline,
    head_text: &str,
    path: &str,
) -> Vec<Change> {
    let same_key = base.is_some_and(|b| b.secret_hmac(b"") == head.secret_hmac(b""));
    let known: std::collections::HashSet<(&str, &str, &str)> = match base {
        Some(b) if same_key => b.entries().iter().map(|e| e.key()).collect(),
        _ => Default::default(),
    };
    head.entries()
        .iter()
        .filter(|e| !known.contains(&e.key()))
        .map(|e| Change {
            path: path.to_string(),
            line: line_of(head_text, &e.secret_hmac),
            what: format!(
                "new baseline entry accepting `{}` in {}",
                e.rule,
                crate::report::escape::path(&e.path)
            ),
        })
        .collect()
}

/// A finding an inline allow marker in the range silences, as a change.
pub fn marker_change(f: &Finding) -> Change {
    Change {
        path: f.path.clone(),
        line: f.line,
        what: format!(
            "an inline allow marker silences a {} finding ({}, {})",
            f.tier,
            f.rule,
            f.redacted()
        ),
    }
}
