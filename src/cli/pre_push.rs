//! `blastwall pre-push`: what git runs before a push. Reads every ref git
//! lists on stdin (or the pre-commit framework's variables) and scans every
//! commit, message and tag the push publishes, plus the working tree an
//! agent can read.

use super::hook::{self, HookArgs};
use super::{Global, Outcome};
use crate::hooks::check::Published;
use crate::source::pushed;
use anyhow::Result;
use std::io::Read;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The remote's name (or the URL pushed to), as git passes it to the hook.
    pub remote: Option<String>,
    /// The remote's URL, as git passes it to the hook.
    pub url: Option<String>,
    #[command(flatten)]
    pub hook: HookArgs,
}

pub fn run(global: &Global, args: &Args) -> Result<Outcome> {
    let remote = args
        .remote
        .clone()
        .or_else(|| {
            std::env::var("PRE_COMMIT_REMOTE_NAME")
                .ok()
                .filter(|v| !v.is_empty())
        })
        .unwrap_or_else(|| "origin".to_string());
    hook::run(global, "pre-push", &args.hook, |repo, engine| {
        let updates = pushed::updates(repo, || {
            let mut input = String::new();
            std::io::stdin().read_to_string(&mut input)?;
            Ok(input)
        })?;
        let objects = repo.objects();
        let published = pushed::published(repo, &objects, &remote, &updates)?;
        let funnel = hook::published_funnel(engine);
        Ok(Published {
            scanned: funnel.scan(published.items)?,
            commits: Some(published.commits),
        })
    })
}
