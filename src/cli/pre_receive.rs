//! `blastwall pre-receive`: the server-side backstop the pusher cannot switch
//! off. git runs it in the receiving repository with the pushed refs on
//! stdin; exit 0 accepts the whole push, anything else rejects all of it.
//!
//! Policy comes from the server only (`--config`, else `blastwall.toml` in
//! the git dir, else the defaults) and the baseline from the default branch
//! as it was before the push: nothing that arrives in the push (a
//! `.blastwall.toml`, a baseline, an inline allow marker) can accept its own
//! findings. The scan runs against a time budget (`[server] timeout`, 4.5 s
//! by default because GitHub Enterprise Server kills hooks at 5 s); running
//! out rejects unless `[server] on_timeout = "accept"`.

use super::{Global, Outcome, OutputArgs};
use crate::baseline::{BASELINE_FILE_NAME, Baseline};
use crate::config::{Config, OnTimeout};
use crate::engine::Engine;
use crate::finding::{Finding, Origin};
use crate::git::Repo;
use crate::report::{self, Report, Summary, count_tiers, escape};
use crate::source::Scanned;
use crate::source::received::{self, Delivery, Update};
use anyhow::{Context, Result, anyhow};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The server's config file, in the repository's git dir.
pub const SERVER_CONFIG: &str = "blastwall.toml";
/// The push option that asks for a logged emergency bypass.
const BYPASS_OPTION: &str = "blastwall.bypass";

/// What the scan thread hands back.
struct Checked {
    scanned: Scanned,
    deliveries: Vec<Delivery>,
    commits: u64,
}

pub fn run(global: &Global, args: &Args) -> Result<Outcome> {
    let started = Instant::now();
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let repo = Repo::discover(&cwd)?;
    let git_dir = repo.git_dir().to_path_buf();
    let config = server_config(global, &git_dir)?;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the pre-receive input from stdin")?;
    let updates = received::parse(&input)?;
    if let Some(reason) = bypass_requested() {
        if config.server.allow_bypass {
            return bypass(&git_dir, &updates, &reason);
        }
        eprintln!(
            "blastwall pre-receive: the bypass push option is not allowed on this server \
             ([server] allow_bypass = false); scanning as usual"
        );
    }
    let baseline = baseline_before_push(&repo)?;
    let engine = Arc::new(Engine::for_config(&config)?.without_inline_markers());
    let budget = Duration::from_secs_f64(config.server.timeout);
    let checked = match scan_within(&cwd, Arc::clone(&engine), &updates, budget, started)? {
        Some(c) => c,
        None => return timed_out(&config, budget),
    };
    let (findings, baselined) = match &baseline {
        Some(b) => b.split(checked.scanned.findings, false),
        None => (checked.scanned.findings, 0),
    };
    let summary = Summary {
        stats: checked.scanned.stats,
        lines: true,
        commits: Some(checked.commits),
        by_tier: count_tiers(&findings),
        baselined,
        elapsed: started.elapsed(),
        block: config.block,
        reach: None,
    };
    let report = Report {
        command: "pre-receive",
        findings: &findings,
        reach: &[],
        rules: &engine.rules,
        summary: &summary,
        root: None,
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
    super::hook::summary_to_stderr("pre-receive", &summary, format, args.output.quiet);
    if summary.blocked() {
        refused(&checked.deliveries, &findings, &config);
    }
    Ok(Outcome::blocked_if(summary.blocked()))
}

/// `--config FILE` (or `BLASTWALL_CONFIG` in the server's environment),
/// else `blastwall.toml` in the git dir, else the defaults.
fn server_config(global: &Global, git_dir: &Path) -> Result<Config> {
    if let Some(explicit) = global.explicit_config() {
        return Ok(Config::load(&explicit)?);
    }
    let own = git_dir.join(SERVER_CONFIG);
    if own.is_file() {
        return Ok(Config::load(&own)?);
    }
    Ok(Config::defaults()?)
}

/// The baseline committed on the default branch before this push (refs are
/// not updated until the hook accepts), if there is one.
fn baseline_before_push(repo: &Repo) -> Result<Option<Baseline>> {
    let Some(head) = repo.head_commit() else {
        return Ok(None);
    };
    let Some(bytes) = repo.file_at(head, BASELINE_FILE_NAME)? else {
        return Ok(None);
    };
    let shown = PathBuf::from(format!("{BASELINE_FILE_NAME} (default branch)"));
    let text = crate::error::utf8_text(&shown, bytes)?;
    Ok(Some(Baseline::parse(&shown, &text)?))
}

/// Scans what `updates` deliver on a thread of its own; `None` when the
/// budget (counted from `started`) runs out first.
fn scan_within(
    cwd: &Path,
    engine: Arc<Engine>,
    updates: &[Update],
    budget: Duration,
    started: Instant,
) -> Result<Option<Checked>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let (cwd, updates) = (cwd.to_path_buf(), updates.to_vec());
    std::thread::spawn(move || {
        let _ = tx.send(scan(&cwd, &engine, &updates));
    });
    let left = budget.saturating_sub(started.elapsed());
    match rx.recv_timeout(left) {
        Ok(result) => result.map(Some),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Ok(None),
        Err(e) => Err(anyhow!("the scan stopped without a result: {e}")),
    }
}

fn scan(cwd: &Path, engine: &Engine, updates: &[Update]) -> Result<Checked> {
    let repo = Repo::discover(cwd)?;
    let objects = repo.objects();
    let delivered = received::delivered(&repo, &objects, updates)?;
    let scanned = super::hook::published_funnel(engine).scan(delivered.items)?;
    Ok(Checked {
        scanned,
        deliveries: delivered.deliveries,
        commits: delivered.commits,
    })
}

fn timed_out(config: &Config, budget: Duration) -> Result<Outcome> {
    let secs = budget.as_secs_f64();
    match config.server.on_timeout {
        OnTimeout::Accept => {
            eprintln!(
                "blastwall pre-receive: warning: the scan did not finish within {secs:.1} s; \
                 accepting the push unscanned because [server] on_timeout = \"accept\""
            );
            Ok(Outcome::Clean)
        }
        OnTimeout::Reject => Err(anyhow!(
            "the scan did not finish within its {secs:.1} s budget ([server] timeout), so the \
             push is rejected (fail closed); push fewer commits at a time, or ask the server's \
             administrator to raise the budget"
        )),
    }
}

/// Names the refused refs and why (on stderr, which git shows the pusher
/// as `remote:` lines; on GitLab, as `GL-HOOK-ERR:` lines it displays).
fn refused(deliveries: &[Delivery], findings: &[Finding], config: &Config) {
    let bad_commits: BTreeSet<&str> = findings
        .iter()
        .filter(|f| f.tier >= config.block)
        .filter_map(|f| match &f.origin {
            Origin::Commit { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let bad_refs: BTreeSet<&str> = findings
        .iter()
        .filter(|f| f.tier >= config.block)
        .filter_map(|f| match &f.origin {
            Origin::Ref { name } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let gitlab = std::env::var_os("GL_ID").is_some();
    for d in deliveries {
        let name = d.update.name.as_str();
        let own = d
            .commits
            .iter()
            .any(|c| bad_commits.contains(c.to_string().as_str()))
            || bad_refs.contains(name);
        let why = if own {
            "it carries a credential at or above the block tier"
        } else {
            "it was pushed together with one that does"
        };
        let line = format!("refused {}: {why}", escape::text(name));
        if gitlab {
            eprintln!("GL-HOOK-ERR: blastwall: {line}");
        } else {
            eprintln!("blastwall pre-receive: {line}");
        }
    }
}

/// The reason given with `git push -o blastwall.bypass="reason"`, if any.
fn bypass_requested() -> Option<String> {
    let count: usize = std::env::var("GIT_PUSH_OPTION_COUNT").ok()?.parse().ok()?;
    (0..count).find_map(|i| {
        let option = std::env::var(format!("GIT_PUSH_OPTION_{i}")).ok()?;
        let rest = option.strip_prefix(BYPASS_OPTION)?;
        let reason = rest.strip_prefix('=').unwrap_or(rest).trim();
        Some(if reason.is_empty() {
            "(no reason given)".to_string()
        } else {
            reason.to_string()
        })
    })
}

/// Who pushed, from the forge's environment.
fn pusher() -> String {
    [
        "GL_USERNAME",
        "GITHUB_USER_LOGIN",
        "GITEA_PUSHER_NAME",
        "USER",
        "LOGNAME",
    ]
    .iter()
    .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    .unwrap_or_else(|| "unknown".to_string())
}

/// Accepts the push unscanned, appending the bypass to the log in the git dir.
fn bypass(git_dir: &Path, updates: &[Update], reason: &str) -> Result<Outcome> {
    let log = git_dir.join("blastwall").join("bypass.log");
    let who = pusher();
    let when = jiff::Timestamp::now();
    let refs: Vec<String> = updates
        .iter()
        .map(|u| format!("{} {}..{}", u.name, u.old, u.new))
        .collect();
    let entry = format!(
        "{when}\tpusher={}\treason={}\trefs={}\n",
        escape::text(&who),
        escape::text(reason),
        refs.join(",")
    );
    std::fs::create_dir_all(log.parent().expect("a log path has a parent"))
        .with_context(|| format!("creating {}", log.display()))?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .with_context(|| format!("opening the bypass log {}", log.display()))?;
    file.write_all(entry.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing the bypass log {}", log.display()))?;
    eprintln!(
        "blastwall pre-receive: BYPASSED by {} ({}): the push was accepted without a scan; \
         logged in {}",
        escape::text(&who),
        escape::text(reason),
        log.display()
    );
    Ok(Outcome::Clean)
}
