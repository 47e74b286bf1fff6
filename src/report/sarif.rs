//! SARIF 2.1.0, in the subset GitHub code scanning accepts: one run, the
//! rules that produced results, `security-severity` from the tier, and
//! `partialFingerprints` so alerts survive line moves.

use super::Report;
use crate::finding::{Finding, Origin};
use crate::rules::Rule;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// SARIF's description of a rule: what it finds, why it matters, the fix,
/// and its tier as GitHub's `security-severity`.
fn descriptor(rule: &Rule) -> Value {
    let (why, fix) = (rule.why.trim(), rule.fix.trim());
    let tier = rule.effective_tier();
    let mut d = json!({
        "id": rule.id,
        "name": rule.id,
        "shortDescription": { "text": rule.description },
        "fullDescription": { "text": format!("{} ({}). {}", rule.description, rule.provider, why) },
        "help": {
            "text": format!("Why it matters: {why}\nFix: {fix}"),
            "markdown": format!("**Why it matters:** {why}\n\n**Fix:** {fix}"),
        },
        "defaultConfiguration": { "level": tier.sarif_level() },
        "properties": {
            "tags": ["security", "secret", rule.provider],
            "security-severity": tier.security_severity(),
            "precision": "high",
            "tier": tier,
        },
    });
    if let Some(uri) = rule.references.first() {
        d["helpUri"] = json!(uri);
    }
    d
}

/// A log of one run by `driver` rules and `results`.
fn log(rules: Vec<Value>, results: Vec<Value>, root: Option<&std::path::Path>) -> Value {
    let mut run = json!({
        "tool": { "driver": {
            "name": "blastwall",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://github.com/blastwall/blastwall",
            "rules": rules,
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(root) = root {
        let mut uri = format!("file://{}", uri_path(&root.to_string_lossy()));
        if !uri.ends_with('/') {
            uri.push('/');
        }
        run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": uri } });
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    })
}

/// The rules alone, as a SARIF log without results (`rules list --format sarif`).
pub fn rules_log(rules: &[Rule]) -> Value {
    log(rules.iter().map(descriptor).collect(), Vec::new(), None)
}

pub(super) fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules: Vec<Value> = Vec::new();
    for f in report.all() {
        if rule_index.contains_key(f.rule.as_str()) {
            continue;
        }
        rule_index.insert(&f.rule, rules.len());
        rules.push(match report.rule(&f.rule) {
            Some(r) => descriptor(r),
            None => json!({ "id": f.rule, "name": f.rule }),
        });
    }
    let results: Vec<Value> = report
        .all()
        .map(|f| result(f, rule_index[f.rule.as_str()]))
        .collect();
    let doc = log(rules, results, report.root.as_deref());
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn result(f: &Finding, index: usize) -> Value {
    let mut message = format!(
        "{} tier: {} ({}) {}",
        f.tier,
        f.description,
        f.provider,
        f.redacted()
    );
    if let Some(note) = &f.note {
        message.push_str(&format!(". {note}"));
    }
    let mut properties = json!({
        "tier": f.tier,
        "security-severity": f.tier.security_severity(),
        "provider": f.provider,
        "redacted": f.redacted(),
        "origin": f.origin.label(),
    });
    match &f.origin {
        Origin::Commit { id, .. } => properties["commit"] = json!(id),
        Origin::Ref { name } => properties["ref"] = json!(name),
        _ => {}
    }
    json!({
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": f.tier.sarif_level(),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri_path(&f.path), "uriBaseId": "%SRCROOT%" },
                "region": { "startLine": f.line, "startColumn": f.column, "endLine": f.end_line },
            }
        }],
        "partialFingerprints": { "blastwall/v1": f.fingerprint() },
        "properties": properties,
    })
}

/// Percent-encodes what a relative URI cannot hold (spaces, `%`, `#`, `?`).
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'/'
            | b'+'
            | b'@'
            | b'='
            | b',' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri_path("a dir/f#1.txt"), "a%20dir/f%231.txt");
    }
}
