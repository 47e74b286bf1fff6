//! `blastwall install` / `blastwall uninstall`: plain git hooks.

use super::{Global, Outcome};
use crate::install::{self, Hook, Scope};
use anyhow::{Context, Result};
use clap::Args;

#[derive(Debug, Args)]
pub struct InstallArgs {
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

impl InstallArgs {
    fn hooks(&self) -> Vec<Hook> {
        match (self.pre_commit, self.pre_push) {
            (true, false) => vec![Hook::PreCommit],
            (false, true) => vec![Hook::PrePush],
            _ => vec![Hook::PreCommit, Hook::PrePush],
        }
    }

    fn scope(&self) -> Scope {
        if self.global {
            Scope::Global
        } else {
            Scope::Local
        }
    }
}

pub fn install(_global: &Global, args: &InstallArgs) -> Result<Outcome> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let binary = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .context("locating the blastwall binary")?;
    for action in install::install(&cwd, &args.hooks(), args.scope(), &binary)? {
        println!("blastwall install: {action}");
    }
    Ok(Outcome::Clean)
}

pub fn uninstall(_global: &Global, args: &InstallArgs) -> Result<Outcome> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    for action in install::uninstall(&cwd, &args.hooks(), args.scope())? {
        println!("blastwall uninstall: {action}");
    }
    Ok(Outcome::Clean)
}
