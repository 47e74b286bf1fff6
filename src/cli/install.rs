//! `blastwall install`: put blastwall's git hooks where git runs them.

use super::{Global, Outcome};
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
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let binary = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .context("locating the blastwall binary")?;
    for action in install::install(&cwd, &args.hooks(), args.scope(), &binary)? {
        println!("blastwall install: {}", escape::text(&action.to_string()));
    }
    Ok(Outcome::Clean)
}
