//! `blastwall accept <id> --reason "..."`: a deliberate, visible exception.
//! The finding is recorded in the baseline with the reason (never the
//! secret); the hooks stop blocking on it but keep counting accepted
//! critical credentials still in reach.

use super::{Global, Outcome};
use crate::baseline::{BASELINE_FILE_NAME, Baseline};
use crate::config::project_root;
use crate::finding::Finding;
use crate::git::{Repo, staged};
use crate::hook::scan_changes;
use crate::reach::scan_worktree;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct AcceptArgs {
    /// The finding's id (the `id` line of human output, `fingerprint` in JSON).
    pub id: String,
    /// Why this credential may stay (recorded in the baseline).
    #[arg(long)]
    pub reason: String,
    /// The baseline to record it in [default: .blastwall-baseline.json at the repository root].
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

pub fn run(global: &Global, args: &AcceptArgs) -> Result<Outcome> {
    if args.reason.trim().is_empty() {
        bail!("--reason must say why this credential may stay");
    }
    let root = project_root(std::path::Path::new(".")).context("reading the current directory")?;
    let config = global.load_config(&root)?;
    let mut findings: Vec<Finding> = scan_worktree(&root, &config, None)?.findings;
    if let Ok(repo) = Repo::discover(&root)
        && let Ok(changes) = staged::staged_changes(&repo)
    {
        findings.extend(scan_changes(&config.engine, &changes)?.0);
    }
    let Some(finding) = findings.iter().find(|f| f.fingerprint() == args.id) else {
        bail!(
            "no finding with id {} in the working tree or the index (ids are printed by `blastwall scan` and the hooks)",
            args.id
        );
    };
    let path = args
        .baseline
        .clone()
        .unwrap_or_else(|| root.join(BASELINE_FILE_NAME));
    let baseline = if path.exists() {
        Baseline::load(&path)?
    } else {
        Baseline::new().context("generating the baseline key")?
    };
    let entry = baseline.entry_for(finding, Some(args.reason.trim().to_string()));
    baseline
        .with_entry(entry)
        .save(&path)
        .with_context(|| format!("writing {}", path.display()))?;
    println!(
        "blastwall accept: recorded {} ({}, {}) in {}:{} as accepted in {}: {}",
        finding.description,
        finding.rule,
        finding.tier,
        finding.path,
        finding.line,
        path.display(),
        args.reason.trim()
    );
    Ok(Outcome::Clean)
}
