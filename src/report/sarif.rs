//! SARIF 2.1.0, in the subset GitHub code scanning accepts: one run, the
//! rules that produced results, `security-severity` from the tier, and
//! `partialFingerprints` so alerts survive line moves.

use super::Report;
use crate::finding::{Finding, Origin};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub(super) fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules: Vec<Value> = Vec::new();
    for f in report.findings {
        if rule_index.contains_key(f.rule.as_str()) {
            continue;
        }
        rule_index.insert(&f.rule, rules.len());
        let r = report.rules.find(&f.rule);
        let (why, fix) = r.map_or(("", ""), |r| (r.why.trim(), r.fix.trim()));
        let mut rule = json!({
            "id": f.rule,
            "name": f.rule,
            "shortDescription": { "text": f.description },
            "fullDescription": { "text": format!("{} ({}). {}", f.description, f.provider, why) },
            "help": {
                "text": format!("Why it matters: {why}\nFix: {fix}"),
                "markdown": format!("**Why it matters:** {why}\n\n**Fix:** {fix}"),
            },
            "defaultConfiguration": { "level": r.map_or(f.tier, |r| r.tier).sarif_level() },
            "properties": {
                "tags": ["security", "secret", f.provider],
                "security-severity": r.map_or(f.tier, |r| r.tier).security_severity(),
                "precision": "high",
            },
        });
        if let Some(uri) = r.and_then(|r| r.references.first()) {
            rule["helpUri"] = json!(uri);
        }
        rules.push(rule);
    }
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, rule_index[f.rule.as_str()]))
        .collect();
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
    if let Some(root) = &report.root
        && let Ok(abs) = std::fs::canonicalize(root)
    {
        let mut uri = format!("file://{}", abs.display());
        if !uri.ends_with('/') {
            uri.push('/');
        }
        run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": uri } });
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
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
        "provider": f.provider,
        "redacted": f.redacted(),
        "origin": f.origin.label(),
    });
    if let Origin::Commit { id, .. } = &f.origin {
        properties["commit"] = json!(id);
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
