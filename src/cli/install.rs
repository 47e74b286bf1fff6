//! `blastwall install`: put blastwall's git hooks where git runs them.

use super::{Global, Outcome};
use crate::agent::Agent;
use crate::agent::install as agent_install;
use crate::hooks::install::{self, Hook, Scope};
use crate::report::escape;
use anyhow::{Context, Result};

/// Which hooks, and where (shared by `install` and `uninstall`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the pre-commit hook.
    #[arg(long)]
    pub pre_commit: bool,
    /// Only the pre-push hook.
    #[arg(long)]
    pub pre_push: bool,
    /// For every repository of this user: a global core.hooksPath whose hooks
    /// also run each repository's own hooks.
    #[arg(long, conflicts_with = "server")]
    pub global: bool,
    /// The server's pre-receive hook, in the repository that receives pushes
    /// (bare or not); on Gitea and Forgejo, in `hooks/pre-receive.d/`.
    #[arg(long, conflicts_with_all = ["pre_commit", "pre_push"])]
    pub server: bool,
    /// An AI coding agent's pre-tool hooks instead of git's, in the
    /// project's agent configuration (with --global, the user's).
    #[arg(long, value_enum, value_name = "AGENT", conflicts_with_all = ["pre_commit", "pre_push", "server"])]
    pub agent: Option<AgentChoice>,
}

/// Which agents `--agent` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AgentChoice {
    Claude,
    Cursor,
    Codex,
    Gemini,
    Copilot,
    All,
}

impl AgentChoice {
    pub fn agents(self) -> Vec<Agent> {
        match self {
            AgentChoice::Claude => vec![Agent::Claude],
            AgentChoice::Cursor => vec![Agent::Cursor],
            AgentChoice::Codex => vec![Agent::Codex],
            AgentChoice::Gemini => vec![Agent::Gemini],
            AgentChoice::Copilot => vec![Agent::Copilot],
            AgentChoice::All => Agent::ALL.to_vec(),
        }
    }
}

/// Where agent configurations go: the repository root (or the current
/// directory outside one), or the home directory with `--global`.
pub fn agent_base(global: bool) -> Result<std::path::PathBuf> {
    if global {
        return std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(std::path::PathBuf::from)
            .context("HOME is not set");
    }
    let cwd = std::env::current_dir().context("reading the current directory")?;
    Ok(crate::config::project_root(&cwd).unwrap_or(cwd))
}

impl Args {
    pub fn hooks(&self) -> Vec<Hook> {
        if self.server {
            return vec![Hook::PreReceive];
        }
        match (self.pre_commit, self.pre_push) {
            (true, false) => vec![Hook::PreCommit],
            (false, true) => vec![Hook::PrePush],
            _ => vec![Hook::PreCommit, Hook::PrePush],
        }
    }

    pub fn scope(&self) -> Scope {
        if self.global {
            Scope::Global
        } else {
            Scope::Local
        }
    }
}

pub fn run(global: &Global, args: &Args) -> Result<Outcome> {
    global.reject_config("install")?;
    if let Some(choice) = args.agent {
        let base = agent_base(args.global)?;
        let binary = std::env::current_exe()
            .and_then(|p| p.canonicalize())
            .context("locating the blastwall binary")?;
        for agent in choice.agents() {
            let path = agent_install::config_path(agent, &base, args.global);
            let done = agent_install::install(agent, &path, &binary).map_err(anyhow::Error::msg)?;
            println!("blastwall install: {}", escape::text(&done.to_string()));
            if agent == Agent::Codex {
                println!(
                    "blastwall install: Codex runs project hooks only once they are trusted: run \
                     `/hooks` in Codex and trust the blastwall entry (again after every change to it)"
                );
            }
        }
        return Ok(Outcome::Clean);
    }
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let binary = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .context("locating the blastwall binary")?;
    for action in install::install(&cwd, &args.hooks(), args.scope(), &binary)? {
        println!("blastwall install: {}", escape::text(&action.to_string()));
    }
    Ok(Outcome::Clean)
}
