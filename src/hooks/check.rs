//! The check a git hook runs: what is being published, and, on the
//! developer's machine, what sits in the working tree where an agent can
//! read it, judged by the repository's policy and baseline.
//!
//! The two scans share nothing but the config, so the working-tree check
//! runs on another thread while the published content is read. Failing to
//! verify either blocks (fail closed), unless `[policy] fail_closed = false`
//! lets an unverified run through with a warning.

use crate::baseline::Baseline;
use crate::config::Config;
use crate::engine::Engine;
use crate::finding::Finding;
use crate::reach::{self, AgentControls, ReachVerdict};
use crate::report::ReachSummary;
use crate::source::{Scanned, Stats};
use anyhow::{Context as _, Result};
use std::collections::HashSet;
use std::path::Path;

/// What a hook publishes, scanned.
pub struct Published {
    pub scanned: Scanned,
    /// Commits examined, for hooks that publish commits.
    pub commits: Option<u64>,
}

/// What the check concluded.
pub struct Checked {
    /// Published findings the baseline does not accept.
    pub findings: Vec<Finding>,
    pub baselined: u64,
    pub stats: Stats,
    pub commits: Option<u64>,
    /// The working-tree verdict, when the reach check ran.
    pub reach: Option<(ReachVerdict, Stats)>,
    /// Problems that did not block because the policy says not to.
    pub warnings: Vec<String>,
}

impl Checked {
    pub fn reach_findings(&self) -> Vec<Finding> {
        self.reach
            .as_ref()
            .map_or_else(Vec::new, |(v, _)| v.findings().cloned().collect())
    }

    pub fn reach_summary(&self) -> Option<ReachSummary> {
        self.reach.as_ref().map(|(v, stats)| ReachSummary {
            blocking: v.blocking.len(),
            warning: v.warning.len(),
            accepted: v.accepted,
            accepted_critical: v.accepted_critical,
            files: stats.files,
            cached: stats.cached,
            skipped: stats.skipped,
            skipped_files: stats.skips.clone(),
        })
    }
}

/// Where a hook runs and by what rules.
pub struct Setting<'a> {
    pub command: &'a str,
    pub config: &'a Config,
    pub engine: &'a Engine,
    pub baseline: Option<&'a Baseline>,
    pub match_any_path: bool,
    /// The working tree to check for credentials in reach, with the file of
    /// its clean-file cache; `None` on a server or when `[reach]` is off.
    pub reach: Option<(&'a Path, &'a Path)>,
}

/// How a check ended, when it did not fail.
pub enum Run {
    Checked(Box<Checked>),
    /// Nothing could be verified, and `[policy] fail_closed = false` lets
    /// that through: the warning says why.
    Unverified(String),
}

/// Runs `publish` and the reach check, then applies baseline and policy.
pub fn run(setting: &Setting<'_>, publish: impl FnOnce() -> Result<Published>) -> Result<Run> {
    let command = setting.command;
    let (published, reach_scan) = std::thread::scope(|scope| {
        let reach_job = setting.reach.map(|(root, cache)| {
            scope.spawn(move || {
                reach::scan_worktree(root, setting.config, setting.engine, Some(cache))
            })
        });
        let published = publish();
        let reach_scan = reach_job.map(|j| j.join().expect("the reach scan does not panic"));
        (published, reach_scan)
    });
    let mut warnings = Vec::new();
    let published = match published {
        Ok(p) => p,
        Err(e) if !setting.config.fail_closed => {
            return Ok(Run::Unverified(format!(
                "{e:#}; letting this through because [policy] fail_closed = false: nothing was verified"
            )));
        }
        Err(e) => {
            return Err(e.context(format!(
                "{command} could not verify what is being published, so it blocks (fail closed; \
                 `[policy] fail_closed = false` in .blastwall.toml changes that)"
            )));
        }
    };
    let (findings, baselined) = match setting.baseline {
        Some(b) => b.split(published.scanned.findings, setting.match_any_path),
        None => (published.scanned.findings, 0),
    };
    let reach = match reach_scan {
        None => None,
        Some(Ok(scan)) => Some(judge_reach(setting, scan, &findings)),
        Some(Err(e)) if !setting.config.fail_closed => {
            warnings.push(format!("the agent-reach check failed: {e:#}"));
            None
        }
        Some(Err(e)) => {
            return Err(anyhow::Error::new(e)).with_context(|| {
                format!("{command} could not check the working tree, so it blocks (fail closed)")
            });
        }
    };
    Ok(Run::Checked(Box::new(Checked {
        findings,
        baselined,
        stats: published.scanned.stats,
        commits: published.commits,
        reach,
        warnings,
    })))
}

/// Judges the working-tree scan by the `[reach]` policy, the agent
/// controls the repository declares and the baseline; a credential already
/// reported as published is not reported twice.
fn judge_reach(
    setting: &Setting<'_>,
    scan: Scanned,
    published: &[Finding],
) -> (ReachVerdict, Stats) {
    let root = setting.reach.map_or(Path::new("."), |(root, _)| root);
    let controls = AgentControls::load(root);
    let already: HashSet<_> = published.iter().map(Finding::identity).collect();
    let verdict = reach::judge(
        scan.findings,
        &controls,
        &setting.config.reach,
        setting.baseline,
        setting.match_any_path,
        &already,
    );
    (verdict, scan.stats)
}
