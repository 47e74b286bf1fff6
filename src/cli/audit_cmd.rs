//! `blastwall audit`: every credential an agent session started here would
//! inherit, tiered by blast radius: the reachable working tree, the process
//! environment, the user's credential caches and shell histories.

use super::{Global, Outcome};
use crate::audit;
use crate::config::project_root;
use crate::finding::{Finding, Origin};
use crate::reach::{AgentControls, Exposure, scan_worktree};
use crate::report::{Format, Report, Summary, count_tiers, summary_line};
use crate::scan::ScanStats;
use crate::tier::Tier;
use anyhow::{Context, Result};
use clap::Args;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct AuditArgs {
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
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Exit 1 if anything at or above this tier is found (default: always exit 0).
    #[arg(long, value_name = "TIER")]
    pub fail_on: Option<Tier>,
}

pub fn run(global: &Global, args: &AuditArgs) -> Result<Outcome> {
    let started = Instant::now();
    let start = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let root = project_root(&start).with_context(|| format!("cannot read {}", start.display()))?;
    let config = global.load_config(&root)?;
    let engine = &config.engine;
    let mut stats = ScanStats::default();

    let tree = scan_worktree(&root, &config, None)?;
    stats.merge(tree.stats);
    let controls = AgentControls::load(&root);
    let mut findings: Vec<Finding> = tree
        .findings
        .into_iter()
        .map(|mut f| {
            match controls.exposure(&f.path) {
                Exposure::Reachable => {}
                Exposure::Advisory(by) => {
                    f.note = Some(format!(
                        "advisory only: {} does not stop a shell",
                        by.join(", ")
                    ))
                }
                Exposure::Mitigated(by) => f.note = Some(format!("mitigated: {by}")),
            }
            f
        })
        .collect();

    if !args.no_env {
        let vars: Vec<(String, String)> = std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect();
        let (f, s) = audit::scan_env(engine, &vars)?;
        findings.extend(f);
        stats.merge(s);
    }
    if !args.no_home {
        let home = args
            .home
            .clone()
            .or_else(|| std::env::var_os("HOME").map(PathBuf::from));
        if let Some(home) = home {
            let files = audit::home_files(&home);
            let (f, s) = audit::scan_home(engine, &home, &files, config.max_file_size)?;
            findings.extend(f);
            stats.merge(s);
        }
    }
    findings.sort_by(|a, b| {
        b.tier
            .cmp(&a.tier)
            .then((&a.path, a.line).cmp(&(&b.path, b.line)))
    });

    let fail_on = args.fail_on.unwrap_or(Tier::Critical);
    let by_tier = count_tiers(&findings);
    let summary = Summary {
        files: stats.files,
        bytes: stats.bytes,
        skipped: stats.skipped,
        by_tier,
        errors: stats.errors.clone(),
        elapsed: started.elapsed(),
        block: fail_on,
        ..Default::default()
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        Format::Human => write_table(&findings, global.style().color, &mut out)?,
        format => Report {
            command: "audit",
            findings: &findings,
            rules: &engine.rules,
            summary: &summary,
            root: Some(root.clone()),
        }
        .write(format, global.style(), &mut out)
        .context("writing the report")?,
    }
    let closing = match findings.first() {
        Some(top) => format!(
            "blastwall audit: an agent session here would inherit {} credentials ({}); most dangerous: {} in {}:{} ({})",
            findings.len(),
            by_tier.describe(),
            top.description,
            top.path,
            top.line,
            top.tier
        ),
        None => format!(
            "blastwall audit: no credentials found in reach ({})",
            summary_line("audit", &summary)
        ),
    };
    if args.format == Format::Human {
        writeln!(out, "{closing}")?;
    } else {
        eprintln!("{closing}");
    }
    out.flush()?;
    Ok(match args.fail_on {
        Some(t) if by_tier.at_or_above(t) > 0 => Outcome::Blocked,
        _ => Outcome::Clean,
    })
}

fn where_label(f: &Finding) -> &'static str {
    match f.origin {
        Origin::Environment => "env",
        Origin::Home => "home",
        _ => "tree",
    }
}

/// One line per credential, grouped by tier; the fix under each critical one.
fn write_table(findings: &[Finding], color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    use owo_colors::OwoColorize;
    for tier in Tier::DESCENDING {
        let group: Vec<&Finding> = findings.iter().filter(|f| f.tier == tier).collect();
        if group.is_empty() {
            continue;
        }
        let title = format!("{} ({})", tier.as_str().to_uppercase(), group.len());
        if color {
            writeln!(out, "{}", title.bold())?;
        } else {
            writeln!(out, "{title}")?;
        }
        for f in group {
            let place = if f.origin == Origin::Environment {
                f.path.clone()
            } else {
                format!("{}:{}", f.path, f.line)
            };
            writeln!(
                out,
                "  {:<5} {:<44} {:<40} {}",
                where_label(f),
                place,
                f.description,
                f.redacted()
            )?;
            if let Some(note) = &f.note {
                writeln!(out, "        {note}")?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
