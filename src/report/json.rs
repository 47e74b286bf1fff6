//! The JSON report. Its shape is documented in the README and kept stable:
//! `{"version":1, "findings":[...], "summary":{...}}`. Fields may be added,
//! never renamed or removed.

use super::Report;
use crate::finding::{Finding, Origin};
use crate::source::{SkipCounts, Skipped};
use crate::tier::{Tier, TierCounts};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    command: &'a str,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary<'a>,
}

#[derive(Serialize)]
pub(super) struct JsonFinding<'a> {
    rule: &'a str,
    provider: &'a str,
    description: &'a str,
    tier: Tier,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    redacted: String,
    fingerprint: String,
    origin: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    /// The pushed ref, for content published through one.
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    ref_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    /// How the secret was decoded, when it was found in a decoding layer
    /// (`base64-decoded` …); the position is then the encoded text's.
    #[serde(skip_serializing_if = "Option::is_none")]
    decoded: Option<&'a str>,
    why: &'a str,
    fix: &'a str,
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    files: u64,
    bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    commits: Option<u64>,
    skipped: SkipCounts,
    /// Every skipped file by name, with why.
    skipped_files: &'a [Skipped],
    findings_by_tier: TierCounts,
    baselined: u64,
    errors: Vec<String>,
    block_tier: Tier,
    blocked: bool,
    elapsed_ms: u128,
    #[serde(skip_serializing_if = "Option::is_none")]
    reach: Option<&'a super::ReachSummary>,
}

pub(super) fn finding_json<'a>(report: &'a Report<'_>, f: &'a Finding) -> JsonFinding<'a> {
    let rule = report.rule(&f.rule);
    let (commit, date) = match &f.origin {
        Origin::Commit { id, date } => (Some(id.as_str()), date.as_deref()),
        _ => (None, None),
    };
    JsonFinding {
        rule: &f.rule,
        provider: &f.provider,
        description: &f.description,
        tier: f.tier,
        path: &f.path,
        line: f.line,
        column: f.column,
        end_line: f.end_line,
        redacted: f.redacted(),
        fingerprint: f.fingerprint(),
        origin: f.origin.label(),
        commit,
        date,
        ref_name: match &f.origin {
            Origin::Ref { name } => Some(name.as_str()),
            _ => None,
        },
        note: f.note.as_deref(),
        decoded: f.decoded.as_deref(),
        why: rule.map_or("", |r| r.why.trim()),
        fix: rule.map_or("", |r| r.fix.trim()),
    }
}

pub(super) fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let s = report.summary;
    let doc = JsonReport {
        version: 1,
        command: report.command,
        findings: report.all().map(|f| finding_json(report, f)).collect(),
        summary: JsonSummary {
            files: s.stats.files,
            bytes: s.stats.bytes,
            lines: s.lines.then_some(s.stats.lines),
            commits: s.commits,
            skipped: s.stats.skipped,
            skipped_files: &s.stats.skips,
            findings_by_tier: s.by_tier,
            baselined: s.baselined,
            errors: s.stats.errors(),
            block_tier: s.block,
            blocked: s.blocked(),
            elapsed_ms: s.elapsed.as_millis(),
            reach: s.reach.as_ref(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
