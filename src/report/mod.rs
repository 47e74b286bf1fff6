//! Output for people and machines.
//!
//! Every reporter receives the same [`Report`] and none of them decides the
//! exit code. None can print a secret: findings only expose their redacted
//! form and a fingerprint. Text for people goes through [`escape`], so
//! nothing in a file name or a config value reaches a terminal raw.

pub mod escape;
mod human;
mod json;
mod sarif;

use crate::engine::RuleSet;
use crate::finding::Finding;
use crate::source::Stats;
use crate::tier::{Tier, TierCounts};
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

pub use human::{Style, human_bytes, summary_line, write_table};
pub use sarif::rules_log as sarif_rules;

/// Output format, chosen with `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

/// What was read, what was found, and whether it blocks.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub stats: Stats,
    /// Whether the line count means something here (hooks: added lines).
    pub lines: bool,
    /// Commits examined (pushes, ranges, history scans).
    pub commits: Option<u64>,
    pub by_tier: TierCounts,
    /// Findings left out because the baseline accepts them.
    pub baselined: u64,
    pub elapsed: Duration,
    pub block: Tier,
    /// The agent-reach check of the working tree (hooks only).
    pub reach: Option<ReachSummary>,
}

/// What the agent-reach check found.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ReachSummary {
    /// Credentials in reach at or above `[reach] block`: these block.
    pub blocking: usize,
    /// Credentials in reach shown as warnings.
    pub warning: usize,
    /// Credentials in reach the baseline accepts.
    pub accepted: usize,
    pub accepted_critical: usize,
    /// Files read, and files skipped as unchanged and clean (cache).
    pub files: u64,
    pub cached: u64,
    /// Files in reach not read, by reason, and by name.
    pub skipped: crate::source::SkipCounts,
    pub skipped_files: Vec<crate::source::Skipped>,
}

impl Summary {
    /// Whether anything reported blocks: findings at or above the block
    /// tier, or credentials in reach at or above the reach block tier.
    pub fn blocked(&self) -> bool {
        self.by_tier.at_or_above(self.block) > 0
            || self.reach.as_ref().is_some_and(|r| r.blocking > 0)
    }
}

/// Everything a reporter needs.
pub struct Report<'a> {
    /// The command that produced it (`scan`, `pre-commit`, ...).
    pub command: &'a str,
    /// What was scanned and found (published content, files, ...).
    pub findings: &'a [Finding],
    /// Credentials in the working tree an agent can read (hooks only).
    pub reach: &'a [Finding],
    pub rules: &'a RuleSet,
    pub summary: &'a Summary,
    /// Absolute root the paths are relative to, for SARIF's `%SRCROOT%`.
    pub root: Option<PathBuf>,
}

impl Report<'_> {
    /// Writes the report in `format`; for people, `quiet` leaves out the
    /// summary line.
    pub fn write(
        &self,
        format: Format,
        style: Style,
        quiet: bool,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match format {
            Format::Human => human::write(self, style, quiet, out),
            Format::Json => json::write(self, out),
            Format::Sarif => sarif::write(self, out),
        }
    }

    /// The rule behind a finding: the engine's, or one of blastwall's own
    /// (a policy change).
    fn rule(&self, id: &str) -> Option<&crate::rules::Rule> {
        self.rules.find(id).or_else(|| {
            let own = crate::policy::rule();
            (own.id == id).then_some(own)
        })
    }

    /// Findings and in-reach findings together, as machine formats list them.
    fn all(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().chain(self.reach)
    }
}

/// Tallies findings per tier.
pub fn count_tiers(findings: &[Finding]) -> TierCounts {
    let mut c = TierCounts::default();
    for f in findings {
        c.add(f.tier);
    }
    c
}

/// Writes `report` to stdout (buffered), or for people to stderr when
/// `to_stderr` (hooks: git shows hook output there).
pub fn emit(
    report: &Report<'_>,
    format: Format,
    style: Style,
    quiet: bool,
    to_stderr: bool,
) -> io::Result<()> {
    if format == Format::Human && to_stderr {
        let stderr = io::stderr();
        let mut err = stderr.lock();
        return report.write(format, style, quiet, &mut err);
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    report.write(format, style, quiet, &mut out)?;
    out.flush()
}
