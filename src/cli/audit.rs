//! `blastwall audit`: every credential an agent session started here would
//! inherit, tiered by blast radius: the reachable working tree, the process
//! environment, the user's credential caches and shell histories.

use super::{BlockArgs, Global, Loaded, Outcome, OutputArgs};
use crate::config::{Config, project_root};
use crate::engine::Engine;
use crate::reach::{AgentControls, add_note, scan_worktree};
use crate::report::{self, Format, Report, Summary, count_tiers, escape, summary_line};
use crate::source::home::{env_items, home_files, home_items};
use crate::source::{Funnel, Limits, Scanned};
use crate::tier::Tier;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The working directory the agent would start in [default: the current repository].
    pub path: Option<PathBuf>,
    /// Treat this directory as the home directory [default: $HOME].
    #[arg(long, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Do not look at the home directory.
    #[arg(long, conflicts_with = "home")]
    pub no_home: bool,
    /// Do not look at the environment.
    #[arg(long)]
    pub no_env: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub block: BlockArgs,
}

/// Everything in reach: the working tree (with each file's exposure), the
/// environment and the home directory.
fn inventory(args: &Args, root: &Path, config: &Config, engine: &Engine) -> Result<Scanned> {
    let mut all = scan_worktree(root, config, engine, None)?;
    let controls = AgentControls::load(root);
    for f in &mut all.findings {
        if let Some(note) = controls.exposure(&f.path).note() {
            add_note(f, note);
        }
    }
    let funnel = Funnel::new(
        engine,
        Limits {
            max_size: config.max_file_size,
        },
    );
    let mut items = Vec::new();
    if !args.no_env {
        let vars = std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect();
        items.extend(env_items(vars));
    }
    if !args.no_home {
        let home = args
            .home
            .clone()
            .or_else(|| std::env::var_os("HOME").map(PathBuf::from));
        if let Some(home) = home {
            items.extend(home_items(&home, home_files(&home)));
        }
    }
    all.merge(funnel.scan(items)?);
    Ok(all)
}

pub fn run(global: &Global, args: &Args) -> Result<Outcome> {
    let started = Instant::now();
    let start = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let root = project_root(&start).with_context(|| format!("cannot read {}", start.display()))?;
    let Loaded { config, engine } = global.load(&root)?;
    let found = inventory(args, &root, &config, &engine)?;
    let mut findings = found.findings;
    findings.sort_by(|a, b| {
        b.tier
            .cmp(&a.tier)
            .then((&a.path, a.line).cmp(&(&b.path, b.line)))
    });
    let by_tier = count_tiers(&findings);
    let summary = Summary {
        stats: found.stats,
        by_tier,
        elapsed: started.elapsed(),
        block: args.block.block.unwrap_or(Tier::Critical),
        ..Default::default()
    };
    let format = args.output.format;
    if format == Format::Human {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        report::write_table(&findings, global.style(), &mut out)?;
        if !args.output.quiet {
            writeln!(out, "{}", closing(&findings, &summary))?;
        }
        out.flush()?;
    } else {
        let report = Report {
            command: "audit",
            findings: &findings,
            reach: &[],
            rules: &engine.rules,
            summary: &summary,
            root: std::fs::canonicalize(&root).ok(),
        };
        report::emit(&report, format, global.style(), args.output.quiet, false)
            .context("writing the report")?;
        if !args.output.quiet {
            eprintln!("{}", closing(&findings, &summary));
        }
    }
    Ok(match args.block.block {
        Some(t) => Outcome::blocked_if(by_tier.at_or_above(t) > 0),
        None => Outcome::Clean,
    })
}

/// The line an audit ends with: how many credentials, and the worst.
fn closing(findings: &[crate::finding::Finding], summary: &Summary) -> String {
    match findings.first() {
        Some(top) => format!(
            "blastwall audit: an agent session here would inherit {} credentials ({}); most dangerous: {} in {}:{} ({})",
            findings.len(),
            summary.by_tier.describe(),
            escape::text(&top.description),
            escape::path(&top.path),
            top.line,
            top.tier
        ),
        None => format!(
            "blastwall audit: no credentials found in reach ({})",
            summary_line("audit", summary)
        ),
    }
}
