//! `blastwall uninstall`: remove blastwall's hooks and put back exactly
//! what was there before.

use super::{Global, Outcome};
use crate::hooks::install;
use crate::report::escape;
use anyhow::{Context, Result};

pub use super::install::Args;

pub fn run(global: &Global, args: &Args) -> Result<Outcome> {
    global.reject_config("uninstall")?;
    if let Some(choice) = args.agent {
        let base = super::install::agent_base(args.global)?;
        for agent in choice.agents() {
            let path = crate::agent::install::config_path(agent, &base, args.global);
            let done = crate::agent::install::uninstall(&path).map_err(anyhow::Error::msg)?;
            println!("blastwall uninstall: {}", escape::text(&done.to_string()));
        }
        return Ok(Outcome::Clean);
    }
    let cwd = std::env::current_dir().context("reading the current directory")?;
    for action in install::uninstall(&cwd, &args.hooks(), args.scope())? {
        println!("blastwall uninstall: {}", escape::text(&action.to_string()));
    }
    Ok(Outcome::Clean)
}
