//! `blastwall pre-commit`: what git runs before recording a commit. Scans
//! exactly what the commit records (the index git is using, against HEAD)
//! and the working tree an agent can read. Exit 0: nothing blocks; 1:
//! blocked; 2: blastwall failed, which also blocks (fail closed).

use super::hook::{self, HookArgs};
use super::{Global, Outcome};
use crate::hooks::check::Published;
use crate::source::staged;
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub hook: HookArgs,
}

pub fn run(global: &Global, args: &Args) -> Result<Outcome> {
    hook::run(global, "pre-commit", &args.hook, |repo, engine| {
        let objects = repo.objects();
        let items = staged::items(repo, &objects)?;
        let funnel = hook::published_funnel(engine);
        Ok(Published {
            scanned: funnel.scan(items)?,
            commits: None,
        })
    })
}
