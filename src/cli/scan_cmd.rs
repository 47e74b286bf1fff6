//! `blastwall scan [PATH]...`: a one-time scan of files on disk.

use super::{Global, Outcome};
use crate::report::{Format, Report, Summary, count_tiers, summary_line};
use crate::scan::{ScanOptions, scan_paths};
use crate::tier::Tier;
use anyhow::{Context, Result};
use clap::Args;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
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
    /// Print only findings, no summary line, for machine formats.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(global: &Global, args: &ScanArgs) -> Result<Outcome> {
    let started = Instant::now();
    let start = args
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let config = global.load_config(&start)?;
    let mut skip_dirs = if args.no_default_skips {
        Vec::new()
    } else {
        config.skip_dirs.clone()
    };
    skip_dirs.extend(args.skip_dirs.iter().cloned());
    let opts = ScanOptions {
        skip_dirs,
        max_file_size: args.max_file_size.unwrap_or(config.max_file_size),
        threads: args.threads,
    };
    let outcome = scan_paths(&config.engine, &args.paths, &opts)?;
    let summary = Summary {
        files: outcome.stats.files,
        bytes: outcome.stats.bytes,
        skipped: outcome.stats.skipped,
        by_tier: count_tiers(&outcome.findings),
        errors: outcome.stats.errors.clone(),
        elapsed: started.elapsed(),
        block: args.block.unwrap_or(config.block),
        ..Default::default()
    };
    for e in &summary.errors {
        eprintln!("blastwall: warning: cannot read {e}");
    }
    let report = Report {
        command: "scan",
        findings: &outcome.findings,
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
