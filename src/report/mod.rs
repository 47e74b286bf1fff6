//! Output for people and machines.
//!
//! Every reporter receives the same [`Report`] and none of them decides the
//! exit code. None can print a secret: findings only expose their redacted
//! form and a fingerprint.

mod human;
mod json;
mod sarif;

use crate::finding::Finding;
use crate::rules::RuleSet;
use crate::scan::SkipCounts;
use crate::tier::{Tier, TierCounts};
use std::io::{self, Write};
use std::time::Duration;

pub use human::{Style, summary_line};

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
    pub files: u64,
    pub bytes: u64,
    /// Added lines examined (hooks only).
    pub lines: Option<u64>,
    /// Commits examined (pre-push and history scans).
    pub commits: Option<u64>,
    pub skipped: SkipCounts,
    pub by_tier: TierCounts,
    /// Findings left out because the baseline accepts them.
    pub baselined: u64,
    pub errors: Vec<String>,
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
}

impl Summary {
    /// Whether anything reported blocks: published findings at or above the
    /// block tier, or credentials in reach at or above the reach block tier.
    pub fn blocked(&self) -> bool {
        self.by_tier.at_or_above(self.block) > 0
            || self.reach.as_ref().is_some_and(|r| r.blocking > 0)
    }
}

/// Everything a reporter needs.
pub struct Report<'a> {
    /// The command that produced it (`scan`, `pre-commit`, ...).
    pub command: &'a str,
    pub findings: &'a [Finding],
    pub rules: &'a RuleSet,
    pub summary: &'a Summary,
    /// Root the paths are relative to, for SARIF's `%SRCROOT%`.
    pub root: Option<std::path::PathBuf>,
}

impl Report<'_> {
    /// Writes only the findings, for people (hooks add their own footer).
    pub fn write_findings(&self, style: Style, out: &mut dyn Write) -> io::Result<()> {
        human::write_findings(self, style, out)
    }

    /// Writes the report in `format`.
    pub fn write(&self, format: Format, style: Style, out: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Human => human::write(self, style, out),
            Format::Json => json::write(self, out),
            Format::Sarif => sarif::write(self, out),
        }
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
