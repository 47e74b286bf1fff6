//! `blastwall scan [PATH]...`: a one-time scan of files on disk and, with
//! `--history`, of every blob in the repository's history.

use super::{BaselineArgs, Global, Outcome, progress::Progress};
use crate::config::Config;
use crate::finding::Finding;
use crate::git::{Repo, history};
use crate::report::{Format, Report, Summary, count_tiers, summary_line};
use crate::scan::{ScanOptions, ScanStats, scan_paths};
use crate::tier::Tier;
use anyhow::{Context, Result};
use clap::Args;
use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Block (exit 1) on findings at or above this tier [default: the config's, else high].
    #[arg(long, value_name = "TIER")]
    pub block: Option<Tier>,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Also scan every blob reachable from any ref of the repository.
    #[arg(long)]
    pub history: bool,
    #[command(flatten)]
    pub baseline: BaselineArgs,
    /// No progress bar and, for machine formats, no summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// How to walk files on disk (shared by `scan` and `baseline`).
#[derive(Debug, Args)]
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

/// Findings from the working tree and, optionally, history.
pub struct Collected {
    pub findings: Vec<Finding>,
    pub stats: ScanStats,
    pub commits: Option<u64>,
}

/// Scans `paths` and, with `history`, the history of the repository at
/// `paths[0]`. History findings of a secret still in the tree at the same
/// path are folded into the tree finding.
pub fn collect(
    config: &Config,
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
    let opts = ScanOptions {
        skip_dirs,
        max_file_size: walk.max_file_size.unwrap_or(config.max_file_size),
        threads: walk.threads,
        cache: None,
    };
    let outcome = scan_paths(&config.engine, paths, &opts)?;
    let mut findings = outcome.findings;
    let mut stats = outcome.stats;
    let mut commits = None;
    if history {
        let start = paths.first().map_or(Path::new("."), PathBuf::as_path);
        let repo = Repo::discover(start)?;
        let list = history::unique_blobs(&repo)?;
        commits = Some(list.commits.len() as u64);
        let progress = Progress::start("scanning history", list.blobs.len(), quiet);
        let (found, hstats) = history::scan_blobs(
            &repo,
            &config.engine,
            &list,
            opts.max_file_size,
            progress.counter(),
        )?;
        progress.finish();
        let in_tree: HashSet<(String, String, Vec<u8>)> = findings
            .iter()
            .map(|f| (f.rule.clone(), f.path.clone(), f.secret.expose().to_vec()))
            .collect();
        findings.extend(found.into_iter().filter(|f| {
            !in_tree.contains(&(f.rule.clone(), f.path.clone(), f.secret.expose().to_vec()))
        }));
        stats.merge(hstats);
    }
    Ok(Collected {
        findings,
        stats,
        commits,
    })
}

pub fn run(global: &Global, args: &ScanArgs) -> Result<Outcome> {
    let started = Instant::now();
    let start = args
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let config = global.load_config(&start)?;
    let baseline = args.baseline.load(&start)?;
    let collected = collect(&config, &args.paths, &args.walk, args.history, args.quiet)?;
    let (findings, baselined) = args.baseline.apply(baseline.as_ref(), collected.findings);
    let summary = Summary {
        files: collected.stats.files,
        bytes: collected.stats.bytes,
        commits: collected.commits,
        skipped: collected.stats.skipped,
        by_tier: count_tiers(&findings),
        baselined,
        errors: collected.stats.errors.clone(),
        elapsed: started.elapsed(),
        block: args.block.unwrap_or(config.block),
        ..Default::default()
    };
    for e in &summary.errors {
        eprintln!("blastwall: warning: cannot read {e}");
    }
    let report = Report {
        command: "scan",
        findings: &findings,
        rules: &config.engine.rules,
        summary: &summary,
        root: (args.paths.len() == 1).then(|| start.clone()),
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    report
        .write(args.format, global.style(), &mut out)
        .context("writing the report")?;
    out.flush().context("writing the report")?;
    if args.format != Format::Human && !args.quiet {
        eprintln!("{}", summary_line("scan", &summary));
    }
    Ok(if summary.blocked() {
        Outcome::Blocked
    } else {
        Outcome::Clean
    })
}
