//! What the git hook commands share: finding the repository, loading its
//! policy and baseline, running [`crate::hooks::check`], and reporting.
//! Human output goes to stderr (where git shows hook output), JSON and
//! SARIF to stdout, and the summary line to stderr.

use super::{BaselineArgs, BlockArgs, Global, Loaded, Outcome, OutputArgs};
use crate::git::Repo;
use crate::hooks::check::{self, Published, Run, Setting};
use crate::report::{self, Format, Report, Summary, count_tiers, escape, summary_line};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options every git hook command takes.
#[derive(Debug, clap::Args)]
pub struct HookArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub block: BlockArgs,
    #[command(flatten)]
    pub baseline: BaselineArgs,
}

/// After machine output, on stderr: files that could not be read, and the
/// summary line unless `--quiet` (people get both in their report).
pub fn summary_to_stderr(command: &str, summary: &Summary, format: Format, quiet: bool) {
    if format == Format::Human {
        return;
    }
    for e in summary.stats.errors() {
        eprintln!(
            "blastwall {command}: warning: cannot read {}",
            escape::text(&e)
        );
    }
    if !quiet {
        eprintln!("{}", summary_line(command, summary));
    }
}

/// Largest blob a hook scans: what is published is scanned whatever the
/// tree walk's limit, but a runaway blob must not hang a commit. Larger
/// blobs are named as skipped.
pub const MAX_PUBLISHED_BLOB: u64 = 256 << 20;

/// The funnel for published content: the hook size limit, lines counted.
pub fn published_funnel(engine: &crate::engine::Engine) -> crate::source::Funnel<'_> {
    crate::source::Funnel::new(
        engine,
        crate::source::Limits {
            max_size: MAX_PUBLISHED_BLOB,
        },
    )
    .counting_lines()
}

/// Runs a hook: `publish` scans what is being published with the repository
/// and engine it is given; the working tree is checked beside it.
pub fn run(
    global: &Global,
    command: &str,
    args: &HookArgs,
    publish: impl FnOnce(&Repo, &crate::engine::Engine) -> Result<Published>,
) -> Result<Outcome> {
    let started = Instant::now();
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let repo = Repo::discover(&cwd)?;
    let root: PathBuf = repo
        .workdir()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| repo.git_dir().to_path_buf());
    let Loaded { config, engine } = global.load(&root)?;
    let baseline = args.baseline.load(&root)?;
    let cache_file = repo.common_dir().join("blastwall").join("reach-cache");
    let reach_root = repo.workdir().filter(|_| config.reach.enabled);
    let setting = Setting {
        command,
        config: &config,
        engine: &engine,
        baseline: baseline.as_ref(),
        match_any_path: args.baseline.match_any_path,
        reach: reach_root.map(|r| (r, cache_file.as_path())),
    };
    let checked = match check::run(&setting, || publish(&repo, &engine))? {
        Run::Checked(c) => c,
        Run::Unverified(warning) => {
            eprintln!("blastwall {command}: warning: {}", escape::text(&warning));
            return Ok(Outcome::Clean);
        }
    };
    for w in &checked.warnings {
        eprintln!("blastwall {command}: warning: {}", escape::text(w));
    }
    let reach_findings = checked.reach_findings();
    let summary = Summary {
        reach: checked.reach_summary(),
        baselined: checked.baselined,
        lines: true,
        commits: checked.commits,
        by_tier: count_tiers(&checked.findings),
        elapsed: started.elapsed(),
        block: args.block.block.unwrap_or(config.block),
        stats: checked.stats,
    };
    let report = Report {
        command,
        findings: &checked.findings,
        reach: &reach_findings,
        rules: &engine.rules,
        summary: &summary,
        root: std::fs::canonicalize(&root).ok(),
    };
    let format = args.output.format;
    report::emit(
        &report,
        format,
        global.style_for_stderr(),
        args.output.quiet,
        true,
    )
    .context("writing the report")?;
    summary_to_stderr(command, &summary, format, args.output.quiet);
    Ok(Outcome::blocked_if(summary.blocked()))
}
