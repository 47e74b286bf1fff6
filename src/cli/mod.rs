//! The command line: argument parsing and dispatch. Each subcommand lives in
//! its own module with the same shape, `run(&Global, &Args) -> Result<Outcome>`,
//! and the same idea has the same flag everywhere (`--format`, `--block`,
//! `--baseline`, `--quiet`). Only this layer prints, and only [`main`] turns
//! an [`Outcome`] into an exit code.

mod accept;
mod agent_hook;
mod audit;
mod baseline;
mod ci;
mod hash;
mod hook;
mod install;
mod pre_commit;
mod pre_push;
mod pre_receive;
mod progress;
mod rules;
mod scan;
mod uninstall;

use crate::baseline::Baseline;
use crate::config::{Config, project_root};
use crate::engine::Engine;
use crate::report::{Format, Style, escape};
use crate::tier::Tier;
use anyhow::{Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How a command ended; [`main`] maps it to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above the block tier (exit 0).
    Clean,
    /// Something at or above the block tier (exit 1).
    Blocked,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Blocked => ExitCode::from(1),
        }
    }

    fn blocked_if(blocked: bool) -> Outcome {
        if blocked {
            Outcome::Blocked
        } else {
            Outcome::Clean
        }
    }
}

/// Exit code for bad arguments, bad config, unreadable input or an internal
/// error; hooks block on it (fail closed).
const EXIT_ERROR: u8 = 2;

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
    /// Colour in human output: auto (a terminal, honouring NO_COLOR, CLICOLOR and CLICOLOR_FORCE), always, never.
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
    Scan(scan::Args),
    /// The pre-commit hook: scan what the index is about to commit.
    PreCommit(pre_commit::Args),
    /// The pre-push hook: scan every commit a push publishes (reads git's stdin).
    PrePush(pre_push::Args),
    /// The server's pre-receive hook: reject a push that delivers a credential (reads git's stdin).
    PreReceive(pre_receive::Args),
    /// Scan a range of commits in CI (a pull request, a push) by the base's policy.
    Ci(ci::Args),
    /// An AI coding agent's pre-tool hook: deny reading, writing or prompting with a credential (reads the event on stdin).
    AgentHook(agent_hook::Args),
    /// Install the pre-commit and pre-push hooks (existing hooks are kept and chained), the server's hook, or agent hooks.
    Install(install::Args),
    /// Remove blastwall's hooks and restore what was there before.
    Uninstall(uninstall::Args),
    /// Record the current findings (tree, and history with --history) as accepted.
    Baseline(baseline::Args),
    /// Accept one finding deliberately, with a reason, in the baseline.
    Accept(accept::Args),
    /// List every credential an agent session started here would inherit.
    Audit(audit::Args),
    /// List the rules or run their self-tests.
    #[command(subcommand)]
    Rules(rules::Args),
    /// Print the SHA-256 of a secret read from stdin, for [allowlist] secrets.
    Hash(hash::Args),
}

/// Options every subcommand shares.
pub struct Global {
    pub color: ColorChoice,
    pub config: Option<PathBuf>,
}

/// A repository's policy and the engine it asks for.
pub struct Loaded {
    pub config: Config,
    pub engine: Engine,
}

impl Global {
    /// Human-output style for stdout.
    pub fn style(&self) -> Style {
        self.style_for(&std::io::stdout())
    }

    /// Human-output style for stderr (hooks report there).
    pub fn style_for_stderr(&self) -> Style {
        self.style_for(&std::io::stderr())
    }

    fn style_for(&self, stream: &impl anstream::stream::RawStream) -> Style {
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !matches!(
                anstream::AutoStream::choice(stream),
                anstream::ColorChoice::Never
            ),
        };
        Style { color }
    }

    /// The config file named by `--config`, else by `BLASTWALL_CONFIG` (which
    /// reaches hooks that git starts).
    fn explicit_config(&self) -> Option<PathBuf> {
        self.config.clone().or_else(|| {
            std::env::var_os("BLASTWALL_CONFIG")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
    }

    /// The config and engine for a command working at `start`: the
    /// explicit config, else the repository's `.blastwall.toml`.
    pub fn load(&self, start: &Path) -> Result<Loaded> {
        let config = Config::discover(self.explicit_config().as_deref(), start)?;
        let engine = Engine::for_config(&config)?;
        Ok(Loaded { config, engine })
    }

    /// For commands that read no config: `--config` is an error, not ignored.
    pub fn reject_config(&self, command: &str) -> Result<()> {
        if self.config.is_some() {
            bail!("`blastwall {command}` reads no config; remove --config");
        }
        Ok(())
    }
}

/// How findings are written; the same flags on every command that reports.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Print findings only: no summary line, no progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// How commands that report findings use the baseline.
#[derive(Debug, Clone, clap::Args)]
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
    /// The baseline in effect for a command working at `start`, if any.
    pub fn load(&self, start: &Path) -> Result<Option<Baseline>> {
        if self.no_baseline {
            return Ok(None);
        }
        let root = project_root(start).unwrap_or_else(|| start.to_path_buf());
        Ok(Baseline::discover(self.file.as_deref(), &root)?)
    }
}

/// `--block TIER`: the tier at and above which findings block (exit 1).
#[derive(Debug, Clone, clap::Args)]
pub struct BlockArgs {
    /// Exit 1 on findings at or above this tier [default: the config's block tier; audit: never].
    #[arg(long, value_name = "TIER", alias = "fail-on")]
    pub block: Option<Tier>,
}

/// Parses arguments, runs the command, prints any error once, and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_ERROR)
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
        Command::Scan(args) => scan::run(&global, args),
        Command::PreCommit(args) => pre_commit::run(&global, args),
        Command::PrePush(args) => pre_push::run(&global, args),
        Command::PreReceive(args) => pre_receive::run(&global, args),
        Command::Ci(args) => ci::run(&global, args),
        Command::AgentHook(args) => agent_hook::run(&global, args),
        Command::Install(args) => install::run(&global, args),
        Command::Uninstall(args) => uninstall::run(&global, args),
        Command::Baseline(args) => baseline::run(&global, args),
        Command::Accept(args) => accept::run(&global, args),
        Command::Audit(args) => audit::run(&global, args),
        Command::Rules(args) => rules::run(&global, args),
        Command::Hash(args) => hash::run(&global, args),
    };
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("blastwall: error: {}", escape::text(&format!("{e:#}")));
            ExitCode::from(EXIT_ERROR)
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
