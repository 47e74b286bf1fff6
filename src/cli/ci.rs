//! `blastwall ci`: the same judgement as the server's, for a range of
//! commits in CI before a merge. Every commit in the range is scanned for
//! the lines it adds and its message, by the policy of the range's base
//! (its `.blastwall.toml` and baseline as reviewed), never the head's; every
//! change in the range that weakens that policy is itself a finding.

use super::{BlockArgs, Global, Outcome, OutputArgs};
use crate::baseline::{BASELINE_FILE_NAME, Baseline};
use crate::config::{CONFIG_FILE_NAME, Config};
use crate::engine::Engine;
use crate::finding::Finding;
use crate::git::{ObjectId, Repo};
use crate::policy;
use crate::report::{self, Report, Summary, count_tiers};
use crate::source::Scanned;
use crate::source::commits::commit_items;
use crate::source::range::{self, Resolved};
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The commit the range starts after (a PR's base) [default: from the CI's environment].
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// The last commit of the range [default: from the CI's environment].
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub block: BlockArgs,
}

/// A policy as some commit has it: the config, its text, the baseline.
struct PolicyAt {
    config: Config,
    text: String,
    baseline: Option<Baseline>,
    baseline_text: String,
}

pub fn run(global: &Global, args: &Args) -> Result<Outcome> {
    let started = Instant::now();
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let repo = Repo::discover(&cwd)?;
    let env = |k: &str| std::env::var(k).ok();
    let Some(spec) = range::spec(args.base.as_deref(), args.head.as_deref(), &env)? else {
        eprintln!("blastwall ci: the event deletes a branch; nothing to scan");
        return Ok(Outcome::Clean);
    };
    let resolved = range::resolve(&repo, &spec)?;
    let policy_commit = resolved.base.or_else(|| default_branch(&repo));
    let base = policy_at(&repo, policy_commit)?;
    let config = match global.explicit_config() {
        Some(p) => Config::load(&p)?,
        None => base.config.clone(),
    };
    let engine = Engine::for_config(&config)?;
    let scanned = scan(&repo, &engine, &resolved)?;
    let unmarked = scan(
        &repo,
        &Engine::for_config(&config)?.without_inline_markers(),
        &resolved,
    )?;
    let mut changes = marker_changes(&scanned.findings, &unmarked.findings);
    changes.extend(policy_changes(&repo, &base, resolved.head)?);
    let head_id = resolved.head.to_string();
    let (mut findings, baselined) = match &base.baseline {
        Some(b) => b.split(scanned.findings, false),
        None => (scanned.findings, 0),
    };
    findings.extend(changes.into_iter().map(|c| c.into_finding(&head_id)));
    let summary = Summary {
        stats: scanned.stats,
        lines: true,
        commits: Some(resolved.commits.len() as u64),
        by_tier: count_tiers(&findings),
        baselined,
        elapsed: started.elapsed(),
        block: args.block.block.unwrap_or(config.block),
        reach: None,
    };
    let root = repo
        .workdir()
        .map(Path::to_path_buf)
        .and_then(|r| std::fs::canonicalize(r).ok());
    let report = Report {
        command: "ci",
        findings: &findings,
        reach: &[],
        rules: &engine.rules,
        summary: &summary,
        root,
    };
    let format = args.output.format;
    report::emit(&report, format, global.style(), args.output.quiet, false)
        .context("writing the report")?;
    if !args.output.quiet {
        eprintln!(
            "blastwall ci: range from {}: {} commits{}",
            spec.from,
            resolved.commits.len(),
            match resolved.base {
                Some(b) => format!(" after {}", &b.to_string()[..12]),
                None => " on no other branch".to_string(),
            }
        );
    }
    super::hook::summary_to_stderr("ci", &summary, format, args.output.quiet);
    Ok(Outcome::blocked_if(summary.blocked()))
}

/// The commits' added lines and messages, through the published-content funnel.
fn scan(repo: &Repo, engine: &Engine, range: &Resolved) -> Result<Scanned> {
    let objects = repo.objects();
    let items = commit_items(repo, &objects, &range.commits)?;
    Ok(super::hook::published_funnel(engine).scan(items)?)
}

/// The default branch's tip, for a range with no base of its own.
fn default_branch(repo: &Repo) -> Option<ObjectId> {
    [
        "refs/remotes/origin/HEAD",
        "origin/main",
        "origin/master",
        "main",
        "master",
    ]
    .iter()
    .find_map(|r| repo.resolve(r).ok())
    .and_then(|id| repo.peel_to_commit(id).ok())
}

/// The config and baseline committed at `commit` (the defaults when there is
/// no commit or no file).
fn policy_at(repo: &Repo, commit: Option<ObjectId>) -> Result<PolicyAt> {
    let read = |name: &str| -> Result<Option<(PathBuf, String)>> {
        let Some(c) = commit else { return Ok(None) };
        let Some(bytes) = repo.file_at(c, name)? else {
            return Ok(None);
        };
        let shown = PathBuf::from(format!("{name} (at {})", &c.to_string()[..12]));
        let text = crate::error::utf8_text(&shown, bytes)?;
        Ok(Some((shown, text)))
    };
    let (config, text) = match read(CONFIG_FILE_NAME)? {
        Some((shown, text)) => (Config::parse(&shown, text.clone())?, text),
        None => (Config::defaults()?, String::new()),
    };
    let (baseline, baseline_text) = match read(BASELINE_FILE_NAME)? {
        Some((shown, text)) => (Some(Baseline::parse(&shown, &text)?), text),
        None => (None, String::new()),
    };
    Ok(PolicyAt {
        config,
        text,
        baseline,
        baseline_text,
    })
}

/// How the head's config and baseline weaken the base's; a head config
/// that does not even parse is a change too.
fn policy_changes(repo: &Repo, base: &PolicyAt, head: ObjectId) -> Result<Vec<policy::Change>> {
    let mut out = Vec::new();
    if let Some(bytes) = repo.file_at(head, CONFIG_FILE_NAME)? {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if text != base.text {
            match Config::parse(Path::new(CONFIG_FILE_NAME), text.clone()) {
                Ok(head_config) => out.extend(policy::config_changes(
                    &base.config,
                    &head_config,
                    &text,
                    CONFIG_FILE_NAME,
                )),
                Err(e) => out.push(policy::Change {
                    path: CONFIG_FILE_NAME.to_string(),
                    line: e.line.max(1),
                    what: format!("the config no longer parses ({})", e.message),
                }),
            }
        }
    }
    if let Some(bytes) = repo.file_at(head, BASELINE_FILE_NAME)? {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if text != base.baseline_text {
            match Baseline::parse(Path::new(BASELINE_FILE_NAME), &text) {
                Ok(head_baseline) => out.extend(policy::baseline_changes(
                    base.baseline.as_ref(),
                    &head_baseline,
                    &text,
                    BASELINE_FILE_NAME,
                )),
                Err(e) => out.push(policy::Change {
                    path: BASELINE_FILE_NAME.to_string(),
                    line: e.line.max(1),
                    what: format!("the baseline no longer parses ({})", e.message),
                }),
            }
        }
    }
    Ok(out)
}

/// Findings an inline allow marker silences: present without markers,
/// absent with them.
fn marker_changes(with: &[Finding], without: &[Finding]) -> Vec<policy::Change> {
    let seen: HashSet<_> = with.iter().map(|f| (f.identity(), f.line)).collect();
    without
        .iter()
        .filter(|f| !seen.contains(&(f.identity(), f.line)))
        .map(policy::marker_change)
        .collect()
}
