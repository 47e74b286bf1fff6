//! `blastwall pre-commit` and `blastwall pre-push`: what git runs.
//!
//! Both scan exactly what is being published, print findings (human: on
//! stderr, where git shows hook output; JSON/SARIF: on stdout) and end with
//! one summary line on stderr. Exit 0: nothing at or above the block tier;
//! 1: blocked; 2: blastwall itself failed, which also blocks (fail closed)
//! unless `[policy] fail_closed = false`.

use super::{BaselineArgs, Global, Outcome};
use crate::config::Config;
use crate::finding::Finding;
use crate::git::{Repo, push, staged};
use crate::hook::{HookStats, scan_changes};
use crate::reach::{self, AgentControls, ReachVerdict};
use crate::report::{Format, ReachSummary, Report, Summary, count_tiers, summary_line};
use crate::scan::ScanStats;
use anyhow::{Context, Result};
use clap::Args;
use std::collections::HashSet;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Args)]
pub struct HookArgs {
    /// Output format for the findings.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// No summary line.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub baseline: BaselineArgs,
}

#[derive(Debug, Args)]
pub struct PrePushArgs {
    /// The remote's name, as git passes it to the hook.
    pub remote: Option<String>,
    /// The remote's URL, as git passes it to the hook.
    pub url: Option<String>,
    #[command(flatten)]
    pub common: HookArgs,
}

/// What a hook scan produced, before reporting.
struct HookRun {
    findings: Vec<Finding>,
    stats: HookStats,
    commits: Option<u64>,
}

pub fn pre_commit(global: &Global, args: &HookArgs) -> Result<Outcome> {
    run_hook(global, "pre-commit", args, |repo, config| {
        let changes = staged::staged_changes(repo)?;
        let (findings, stats) = scan_changes(&config.engine, &changes)?;
        Ok(HookRun {
            findings,
            stats,
            commits: None,
        })
    })
}

pub fn pre_push(global: &Global, args: &PrePushArgs) -> Result<Outcome> {
    run_hook(global, "pre-push", &args.common, |repo, config| {
        let (remote, commits) = pushed_commits(repo, args)?;
        let _ = remote;
        let mut cache = repo
            .repo
            .diff_resource_cache_for_tree_diff()
            .map_err(|e| anyhow::anyhow!("preparing diffs: {e:#}"))?;
        let mut findings = Vec::new();
        let mut stats = HookStats::default();
        for commit in &commits {
            let changes = push::commit_changes(repo, *commit, &mut cache)?;
            let (f, st) = scan_changes(&config.engine, &changes)?;
            findings.extend(f);
            stats.merge(st);
        }
        Ok(HookRun {
            findings,
            stats,
            commits: Some(commits.len() as u64),
        })
    })
}

/// The remote and the commits a push publishes: from git's stdin, or under
/// the pre-commit framework (which keeps stdin to itself) from its
/// `PRE_COMMIT_*` variables.
fn pushed_commits(repo: &Repo, args: &PrePushArgs) -> Result<(String, Vec<gix::ObjectId>)> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let remote = args
        .remote
        .clone()
        .or_else(|| env("PRE_COMMIT_REMOTE_NAME"))
        .unwrap_or_else(|| "origin".to_string());
    let resolve = |spec: &str| -> Result<gix::ObjectId> {
        let id = repo
            .repo
            .rev_parse_single(spec)
            .map_err(|e| anyhow::anyhow!("resolving {spec}: {e:#}"))?;
        Ok(id.detach())
    };
    let updates = if let Some(to) = env("PRE_COMMIT_TO_REF") {
        let from = env("PRE_COMMIT_FROM_REF");
        vec![push::RefUpdate {
            local_ref: to.clone(),
            local: resolve(&to)?,
            remote_ref: String::new(),
            remote: match from {
                Some(f) => resolve(&f)?,
                None => gix::ObjectId::null(repo.repo.object_hash()),
            },
        }]
    } else if env("PRE_COMMIT").as_deref() == Some("1") {
        // The framework sets no range when the first pushed commit is a root
        // commit: scan everything the remote does not have.
        let local = env("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_else(|| "HEAD".to_string());
        vec![push::RefUpdate {
            local_ref: local.clone(),
            local: resolve(&local)?,
            remote_ref: String::new(),
            remote: gix::ObjectId::null(repo.repo.object_hash()),
        }]
    } else {
        let mut input = String::new();
        std::io::stdin()
            .read_to_string(&mut input)
            .context("reading the pre-push input from stdin")?;
        push::parse_updates(&input)?
    };
    let commits = push::commits_to_push(repo, &remote, &updates)?;
    Ok((remote, commits))
}

fn run_hook(
    global: &Global,
    command: &str,
    args: &HookArgs,
    work: impl FnOnce(&Repo, &Config) -> Result<HookRun>,
) -> Result<Outcome> {
    let started = Instant::now();
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let repo = Repo::discover(&cwd)?;
    let root: PathBuf = repo
        .workdir()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| repo.git_dir().to_path_buf());
    let config = global.load_config(&root)?;
    let baseline = args.baseline.load(&root)?;
    // The working-tree check runs on another thread while the published
    // content is read: the two share nothing but the config.
    let reach_wanted = config.reach.enabled && repo.workdir().is_some();
    let cache_file = repo.repo.common_dir().join("blastwall").join("reach-cache");
    let (run, reach_scan) = std::thread::scope(|scope| {
        let reach_job = reach_wanted.then(|| {
            let (config, root, cache_file) = (&config, &root, &cache_file);
            scope.spawn(move || reach::scan_worktree(root, config, Some(cache_file)))
        });
        let run = work(&repo, &config);
        let reach_scan = reach_job.map(|j| j.join().expect("the reach scan does not panic"));
        (run, reach_scan)
    });
    let run = match run {
        Ok(run) => run,
        Err(e) if !config.fail_closed => {
            eprintln!(
                "blastwall {command}: warning: {e:#}\nblastwall {command}: letting this through \
                 because [policy] fail_closed = false; nothing was verified"
            );
            return Ok(Outcome::Clean);
        }
        Err(e) => {
            return Err(e.context(format!(
                "{command} could not verify what is being published, so it blocks (fail closed; \
                 `[policy] fail_closed = false` in .blastwall.toml changes that)"
            )));
        }
    };
    let (findings, baselined) = args.baseline.apply(baseline.as_ref(), run.findings);
    let run = HookRun { findings, ..run };
    let reach = match reach_scan {
        None => None,
        Some(Ok(scan)) => Some(judge_reach(
            scan,
            &root,
            &config,
            baseline.as_ref(),
            &args.baseline,
            &run.findings,
        )),
        Some(Err(e)) if !config.fail_closed => {
            eprintln!("blastwall {command}: warning: the agent-reach check failed: {e:#}");
            None
        }
        Some(Err(e)) => {
            return Err(anyhow::Error::new(e).context(format!(
                "{command} could not check the working tree, so it blocks (fail closed)"
            )));
        }
    };
    let reach_summary = reach.as_ref().map(|(v, stats)| ReachSummary {
        blocking: v.blocking.len(),
        warning: v.warning.len(),
        accepted: v.accepted,
        accepted_critical: v.accepted_critical,
        files: stats.files,
        cached: stats.cached,
    });
    let reach_findings: Vec<Finding> = reach
        .as_ref()
        .map_or_else(Vec::new, |(v, _)| v.findings().cloned().collect());
    let summary = Summary {
        reach: reach_summary,
        baselined,
        files: run.stats.files,
        bytes: run.stats.bytes,
        lines: Some(run.stats.lines),
        commits: run.commits,
        skipped: run.stats.skipped,
        by_tier: count_tiers(&run.findings),
        elapsed: started.elapsed(),
        block: config.block,
        ..Default::default()
    };
    let all_findings: Vec<Finding> = run
        .findings
        .iter()
        .chain(&reach_findings)
        .cloned()
        .collect();
    let report = Report {
        command,
        findings: &all_findings,
        rules: &config.engine.rules,
        summary: &summary,
        root: Some(root),
    };
    let style = global.style_for_stderr();
    match args.format {
        Format::Human => {
            let stderr = std::io::stderr();
            let mut err = stderr.lock();
            if !run.findings.is_empty() {
                Report {
                    findings: &run.findings,
                    root: None,
                    ..report
                }
                .write_findings(style, &mut err)?;
            }
            if !reach_findings.is_empty() {
                writeln!(
                    err,
                    "blastwall {command}: credentials an AI agent working here can read (the working tree, ignored files included):\n"
                )?;
                Report {
                    findings: &reach_findings,
                    root: None,
                    ..report
                }
                .write_findings(style, &mut err)?;
            }
            if let Some(r) = &summary.reach
                && r.accepted_critical > 0
            {
                writeln!(
                    err,
                    "blastwall {command}: warning: {} accepted critical credential(s) are still in reach of agents; `blastwall audit` lists them",
                    r.accepted_critical
                )?;
            }
            if summary.blocked() {
                writeln!(err, "{}", blocked_help(command))?;
            }
            for p in &run.stats.skipped_paths {
                writeln!(err, "blastwall {command}: not scanned: {p}")?;
            }
        }
        format => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            report
                .write(format, style, &mut out)
                .context("writing the report")?;
            out.flush().context("writing the report")?;
        }
    }
    if !args.quiet {
        eprintln!("{}", summary_line(command, &summary));
    }
    Ok(if summary.blocked() {
        Outcome::Blocked
    } else {
        Outcome::Clean
    })
}

/// Judges the working-tree scan by the `[reach]` policy, the agent
/// controls the repository declares and the baseline.
fn judge_reach(
    scan: reach::ReachScan,
    root: &Path,
    config: &Config,
    baseline: Option<&crate::baseline::Baseline>,
    baseline_args: &BaselineArgs,
    published: &[Finding],
) -> (ReachVerdict, ScanStats) {
    let controls = AgentControls::load(root);
    let already: HashSet<_> = published
        .iter()
        .map(|f| (f.rule.clone(), f.path.clone(), f.secret.clone()))
        .collect();
    let verdict = reach::judge(
        scan.findings,
        &controls,
        &config.reach,
        baseline,
        baseline_args.match_any_path,
        &already,
    );
    (verdict, scan.stats)
}

fn blocked_help(command: &str) -> String {
    let action = if command == "pre-push" {
        "push"
    } else {
        "commit"
    };
    format!(
        "blastwall {command}: this {action} is blocked. Remove the credential (and rotate it if it \
         was ever shared); for one in the working tree, move it out of the repository into a secrets \
         manager, the OS keychain or the CI secret store, or replace it with the scoped token named \
         under fix. To accept one deliberately: `blastwall accept <id> --reason \"...\"` records it \
         in the baseline; a `blastwall:allow` comment on its line, or its SHA-256 (`blastwall hash`) \
         under [allowlist] secrets in .blastwall.toml, also work. `git {action} --no-verify` skips \
         every hook and is not recorded anywhere."
    )
}
