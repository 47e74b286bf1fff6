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
    #[arg(long)]
    pub global: bool,
}

impl Args {
    pub fn hooks(&self) -> Vec<Hook> {
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
