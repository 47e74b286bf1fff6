//! The command line: argument parsing and dispatch. Each subcommand lives in
//! its own module with the same shape, `run(&Global, &Args) -> Result<Outcome>`.
//! Only this layer prints, and only `main` turns an [`Outcome`] into an exit code.

mod accept_cmd;
mod audit_cmd;
mod baseline_cmd;
mod hook_cmd;
mod install_cmd;
mod progress;
mod rules_cmd;
mod scan_cmd;

use crate::baseline::{BASELINE_FILE_NAME, Baseline};
use crate::config::{Config, project_root};
use crate::finding::Finding;
use crate::report::Style;
use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How a command ended; `main` maps it to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above the block tier (exit 0).
    Clean,
    /// Something at or above the block tier (exit 1).
    Blocked,
    /// Bad arguments, bad config, unreadable root, internal error (exit 2).
    Error,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Blocked => ExitCode::from(1),
            Outcome::Error => ExitCode::from(2),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Stops high-blast-radius credentials from entering a repository, or from
/// sitting in files an AI coding agent can read.
#[derive(Debug, Parser)]
#[command(name = "blastwall", version, about, long_about = None)]
pub struct Cli {
    /// Colour in human output: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    pub color: ColorChoice,
    /// Use this config file instead of the repository's .blastwall.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories, including git-ignored and untracked files.
    Scan(scan_cmd::ScanArgs),
    /// The pre-commit hook: scan what the index is about to commit.
    PreCommit(hook_cmd::HookArgs),
    /// The pre-push hook: scan every commit a push publishes (reads git's stdin).
    PrePush(hook_cmd::PrePushArgs),
    /// Install the pre-commit and pre-push hooks (existing hooks are kept and chained).
    Install(install_cmd::InstallArgs),
    /// Remove blastwall's hooks and restore what was there before.
    Uninstall(install_cmd::InstallArgs),
    /// Record the current findings (tree, and history with --history) as accepted.
    Baseline(baseline_cmd::BaselineCmdArgs),
    /// Accept one finding deliberately, with a reason, in the baseline.
    Accept(accept_cmd::AcceptArgs),
    /// List every credential an agent session started here would inherit.
    Audit(audit_cmd::AuditArgs),
    /// List the rules or run their self-tests.
    #[command(subcommand)]
    Rules(rules_cmd::RulesCommand),
    /// Print the SHA-256 of a secret read from stdin, for [allowlist] secrets.
    Hash,
}

/// Options every subcommand shares.
pub struct Global {
    pub color: ColorChoice,
    pub config: Option<PathBuf>,
}

impl Global {
    /// Human-output style for stdout.
    pub fn style(&self) -> Style {
        self.style_when(std::io::stdout().is_terminal())
    }

    /// Human-output style for stderr (hooks report there).
    pub fn style_for_stderr(&self) -> Style {
        self.style_when(std::io::stderr().is_terminal())
    }

    fn style_when(&self, terminal: bool) -> Style {
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                terminal
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        };
        Style { color }
    }

    /// The config for a command working at `start`: `--config FILE`, else
    /// the file named by `BLASTWALL_CONFIG`, else the repository's
    /// `.blastwall.toml`. The variable reaches hooks that git starts.
    pub fn load_config(&self, start: &Path) -> Result<Config> {
        let from_env = std::env::var_os("BLASTWALL_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        let explicit = self.config.clone().or(from_env);
        Ok(Config::discover(explicit.as_deref(), start)?)
    }
}

/// How commands that report findings use the baseline.
#[derive(Debug, clap::Args)]
pub struct BaselineArgs {
    /// Use this baseline instead of the repository's .blastwall-baseline.json.
    #[arg(long = "baseline", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Ignore the baseline: show every finding.
    #[arg(long, conflicts_with = "file")]
    pub no_baseline: bool,
    /// A baselined secret is accepted in any file, not only where it was recorded.
    #[arg(long)]
    pub match_any_path: bool,
}

impl BaselineArgs {
    /// The baseline in effect for a command working at `start`, if any. A
    /// malformed one is an error, never silently ignored.
    pub fn load(&self, start: &Path) -> Result<Option<Baseline>> {
        if self.no_baseline {
            return Ok(None);
        }
        let path = match &self.file {
            Some(p) => p.clone(),
            None => match project_root(start) {
                Some(root) => root.join(BASELINE_FILE_NAME),
                None => return Ok(None),
            },
        };
        if self.file.is_none() && !path.exists() {
            return Ok(None);
        }
        Ok(Some(Baseline::load(&path)?))
    }

    /// Splits off accepted findings; returns the rest and how many were accepted.
    pub fn apply(
        &self,
        baseline: Option<&Baseline>,
        findings: Vec<Finding>,
    ) -> (Vec<Finding>, u64) {
        let Some(b) = baseline else {
            return (findings, 0);
        };
        let before = findings.len();
        let kept: Vec<Finding> = findings
            .into_iter()
            .filter(|f| !b.accepts(f, self.match_any_path))
            .collect();
        let accepted = (before - kept.len()) as u64;
        (kept, accepted)
    }
}

/// Parses arguments, runs the command, prints any error once, and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let global = Global {
        color: cli.color,
        config: cli.config,
    };
    let result = match &cli.command {
        Command::Scan(args) => scan_cmd::run(&global, args),
        Command::PreCommit(args) => hook_cmd::pre_commit(&global, args),
        Command::PrePush(args) => hook_cmd::pre_push(&global, args),
        Command::Install(args) => install_cmd::install(&global, args),
        Command::Baseline(args) => baseline_cmd::run(&global, args),
        Command::Accept(args) => accept_cmd::run(&global, args),
        Command::Audit(args) => audit_cmd::run(&global, args),
        Command::Uninstall(args) => install_cmd::uninstall(&global, args),
        Command::Rules(cmd) => rules_cmd::run(&global, cmd),
        Command::Hash => hash_stdin(),
    };
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("blastwall: error: {e:#}");
            Outcome::Error.exit_code()
        }
    }
}

/// A closed stdout (`blastwall scan | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn hash_stdin() -> Result<Outcome> {
    use std::io::Read;
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input)?;
    // A trailing newline from `echo` is almost never part of the secret.
    while input.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        input.pop();
    }
    if input.is_empty() {
        anyhow::bail!(
            "nothing on stdin: pipe the secret in, e.g. `printf %s \"$TOKEN\" | blastwall hash`"
        );
    }
    println!("{}", crate::finding::Secret::new(&input).sha256_hex());
    Ok(Outcome::Clean)
}
