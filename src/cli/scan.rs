//! `blastwall scan [PATH]...`: a one-time scan of files on disk and, with
//! `--history`, of every blob in the repository's history.

use super::progress::Progress;
use super::{BaselineArgs, BlockArgs, Global, Loaded, Outcome, OutputArgs};
use crate::config::Config;
use crate::engine::Engine;
use crate::finding::Origin;
use crate::git::Repo;
use crate::report::{self, Report, Summary, count_tiers};
use crate::source::history::History;
use crate::source::worktree::{self, Walk};
use crate::source::{Funnel, Limits, Scanned};
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files and directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub block: BlockArgs,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Also scan every blob reachable from any ref of the repository.
    #[arg(long)]
    pub history: bool,
    #[command(flatten)]
    pub baseline: BaselineArgs,
}

/// How to walk files on disk (shared by `scan` and `baseline`).
#[derive(Debug, clap::Args)]
pub struct WalkArgs {
    /// Skip files larger than this many bytes [default: the config's, else 16 MiB].
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Also skip directories with this name (repeatable).
    #[arg(long = "skip-dir", value_name = "NAME")]
    pub skip_dirs: Vec<String>,
    /// Do not skip the default dependency/build directories (node_modules, target, ...).
    #[arg(long)]
    pub no_default_skips: bool,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

/// Findings from files and, optionally, history.
pub struct Collected {
    pub scanned: Scanned,
    pub commits: Option<u64>,
}

/// Scans `paths` and, with `history`, the history of the repository at
/// `paths[0]`. History findings of a secret still in the tree at the same
/// path are folded into the tree finding.
pub fn collect(
    config: &Config,
    engine: &Engine,
    paths: &[PathBuf],
    walk: &WalkArgs,
    history: bool,
    quiet: bool,
) -> Result<Collected> {
    let mut skip_dirs = if walk.no_default_skips {
        Vec::new()
    } else {
        config.skip_dirs.clone()
    };
    skip_dirs.extend(walk.skip_dirs.iter().cloned());
    let limits = Limits {
        max_size: walk.max_file_size.unwrap_or(config.max_file_size),
    };
    let funnel = Funnel::new(engine, limits);
    let how = Walk {
        skip_dirs,
        threads: walk.threads,
        origin: Origin::File,
        stamps: false,
        prefix: String::new(),
    };
    let mut scanned = worktree::scan(&funnel, paths, &how)?;
    let mut commits = None;
    if history {
        let start = paths.first().map_or(Path::new("."), PathBuf::as_path);
        let repo = Repo::discover(start)?;
        let past = History::list(&repo)?;
        commits = Some(past.commits() as u64);
        let progress = Progress::start("scanning history", past.blobs(), quiet);
        let found = past.scan(&funnel, progress.counter())?;
        progress.finish();
        let in_tree: HashSet<_> = scanned.findings.iter().map(|f| f.identity()).collect();
        scanned.findings.extend(
            found
                .findings
                .into_iter()
                .filter(|f| !in_tree.contains(&f.identity())),
        );
        scanned.stats.merge(found.stats);
    }
    Ok(Collected { scanned, commits })
}

pub fn run(global: &Global, args: &Args) -> Result<Outcome> {
    let started = Instant::now();
    let start = args
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let Loaded { config, engine } = global.load(&start)?;
    let baseline = args.baseline.load(&start)?;
    let collected = collect(
        &config,
        &engine,
        &args.paths,
        &args.walk,
        args.history,
        args.output.quiet,
    )?;
    let (findings, baselined) = match &baseline {
        Some(b) => b.split(collected.scanned.findings, args.baseline.match_any_path),
        None => (collected.scanned.findings, 0),
    };
    let summary = Summary {
        stats: collected.scanned.stats,
        commits: collected.commits,
        by_tier: count_tiers(&findings),
        baselined,
        elapsed: started.elapsed(),
        block: args.block.block.unwrap_or(config.block),
        ..Default::default()
    };
    // Finding paths are relative to the one directory scanned.
    let root = (args.paths.len() == 1 && start.is_dir())
        .then(|| std::fs::canonicalize(&start).ok())
        .flatten();
    let report = Report {
        command: "scan",
        findings: &findings,
        reach: &[],
        rules: &engine.rules,
        summary: &summary,
        root,
    };
    report::emit(
        &report,
        args.output.format,
        global.style(),
        args.output.quiet,
        false,
    )
    .context("writing the report")?;
    super::hook::summary_to_stderr("scan", &summary, args.output.format, args.output.quiet);
    Ok(Outcome::blocked_if(summary.blocked()))
}
