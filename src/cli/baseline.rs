//! `blastwall baseline`: record today's findings as accepted, so a team can
//! adopt the hooks on a repository that already has some, and only new ones
//! block.

use super::scan::{WalkArgs, collect};
use super::{Global, Loaded, Outcome};
use crate::baseline::{BASELINE_FILE_NAME, Baseline};
use crate::config::project_root;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The repository (or directory) to baseline [default: the current repository's root].
    pub path: Option<PathBuf>,
    /// Also record findings in every blob reachable from any ref.
    #[arg(long)]
    pub history: bool,
    /// Where to write it [default: .blastwall-baseline.json at the repository root].
    #[arg(long = "baseline", alias = "output", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Update an existing baseline: add new findings, prune gone ones, keep
    /// its key and the reasons given to `accept`.
    #[arg(long)]
    pub update: bool,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Print nothing but errors: no progress bar, no closing line.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(global: &Global, args: &Args) -> Result<Outcome> {
    let start = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let root = project_root(&start).with_context(|| format!("cannot read {}", start.display()))?;
    let output = args
        .file
        .clone()
        .unwrap_or_else(|| root.join(BASELINE_FILE_NAME));
    let existing = if output.exists() {
        if !args.update {
            bail!(
                "{} already exists; `blastwall baseline --update` adds new findings and prunes gone ones",
                output.display()
            );
        }
        Some(Baseline::load(&output)?)
    } else {
        None
    };
    let Loaded { config, engine } = global.load(&root)?;
    let collected = collect(
        &config,
        &engine,
        std::slice::from_ref(&root),
        &args.walk,
        args.history,
        args.quiet,
    )?;
    let base = match &existing {
        Some(b) => b.clone(),
        None => Baseline::new().context("generating the baseline key")?,
    };
    let new = base.rebuilt(&collected.scanned.findings);
    let before = existing.as_ref().map_or(0, Baseline::len);
    let old_keys: std::collections::HashSet<(&str, &str, &str)> = existing
        .iter()
        .flat_map(|b| b.entries().iter().map(|e| e.key()))
        .collect();
    let kept_old = new
        .entries()
        .iter()
        .filter(|e| old_keys.contains(&e.key()))
        .count();
    new.save(&output)
        .with_context(|| format!("writing {}", output.display()))?;
    if !args.quiet {
        println!(
            "blastwall baseline: {} entries in {} ({} added, {} removed; {} files, {} commits scanned)",
            new.len(),
            crate::report::escape::path(&output.display().to_string()),
            new.len() - kept_old,
            before - kept_old,
            collected.scanned.stats.files,
            collected.commits.unwrap_or(0),
        );
    }
    Ok(Outcome::Clean)
}
