//! `blastwall accept <id> --reason "..."`: a deliberate, visible exception.
//! The finding is recorded in the baseline with the reason (never the
//! secret); the hooks stop blocking on it but keep counting accepted
//! critical credentials still in reach.

use super::{Global, Loaded, Outcome};
use crate::baseline::{BASELINE_FILE_NAME, Baseline};
use crate::config::project_root;
use crate::finding::Finding;
use crate::git::Repo;
use crate::reach::scan_worktree;
use crate::report::escape;
use crate::source::staged;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The finding's id (the `id` line of human output, `fingerprint` in JSON).
    pub id: String,
    /// Why this credential may stay (recorded in the baseline).
    #[arg(long)]
    pub reason: String,
    /// The baseline to record it in [default: .blastwall-baseline.json at the repository root].
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

/// Findings in the working tree and the index, where an id can come from.
fn current_findings(global: &Global, root: &std::path::Path) -> Result<Vec<Finding>> {
    let Loaded { config, engine } = global.load(root)?;
    let mut findings = scan_worktree(root, &config, &engine, None)?.findings;
    if let Ok(repo) = Repo::discover(root) {
        let objects = repo.objects();
        if let Ok(items) = staged::items(&repo, &objects) {
            let funnel = super::hook::published_funnel(&engine);
            findings.extend(funnel.scan(items)?.findings);
        }
    }
    Ok(findings)
}

pub fn run(global: &Global, args: &Args) -> Result<Outcome> {
    if args.reason.trim().is_empty() {
        bail!("--reason must say why this credential may stay");
    }
    let root = project_root(std::path::Path::new(".")).context("reading the current directory")?;
    let findings = current_findings(global, &root)?;
    let Some(finding) = findings.iter().find(|f| f.fingerprint() == args.id) else {
        bail!(
            "no finding with id {} in the working tree or the index (ids are printed by `blastwall scan` and the hooks)",
            escape::text(&args.id)
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
        escape::text(&finding.description),
        finding.rule,
        finding.tier,
        escape::path(&finding.path),
        finding.line,
        escape::path(&path.display().to_string()),
        escape::text(args.reason.trim())
    );
    Ok(Outcome::Clean)
}
