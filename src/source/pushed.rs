//! What `git push` is about to publish, from git's pre-push input.
//!
//! git writes one `<local ref> <local sha> <remote ref> <remote sha>` line
//! per pushed ref; the pre-commit framework keeps stdin to itself and sets
//! `PRE_COMMIT_*` variables instead. Every ref is read; a deletion publishes
//! nothing; every other ref publishes the commits the remote does not have
//! (see [`crate::git::push`]), its name, and what its tags carry.

use super::Item;
use super::commits::{PushedRef, commit_items, ref_items};
use crate::git::push::{RefUpdate, parse_updates};
use crate::git::{GitError, Objects, Repo};

/// What a push publishes, ready for the funnel.
pub struct Pushed<'o> {
    pub items: Vec<Item<'o>>,
    pub commits: u64,
}

/// The ref updates of this push: from the pre-commit framework's variables
/// when it runs the hook, else from git's stdin (`input`, read lazily).
pub fn updates(
    repo: &Repo,
    input: impl FnOnce() -> std::io::Result<String>,
) -> Result<Vec<RefUpdate>, GitError> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if let Some(to) = env("PRE_COMMIT_TO_REF") {
        let remote = match env("PRE_COMMIT_FROM_REF") {
            Some(f) => repo.resolve(&f)?,
            None => repo.null_id(),
        };
        return Ok(vec![RefUpdate {
            local_ref: to.clone(),
            local: repo.resolve(&to)?,
            remote_ref: env("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_default(),
            remote,
        }]);
    }
    if env("PRE_COMMIT").as_deref() == Some("1") {
        // The framework sets no range when the first pushed commit is a
        // root commit: publish everything the remote does not have.
        let local = env("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_else(|| "HEAD".to_string());
        return Ok(vec![RefUpdate {
            local_ref: local.clone(),
            local: repo.resolve(&local)?,
            remote_ref: env("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_default(),
            remote: repo.null_id(),
        }]);
    }
    let text = input()
        .map_err(|e| GitError::new("reading the pre-push input from stdin", e.to_string()))?;
    parse_updates(&text)
}

/// Everything pushing `updates` to `remote` publishes.
pub fn published<'o>(
    repo: &Repo,
    objects: &'o Objects,
    remote: &str,
    updates: &[RefUpdate],
) -> Result<Pushed<'o>, GitError> {
    let mut tips = Vec::new();
    let mut refs = Vec::new();
    for u in updates.iter().filter(|u| !u.local.is_null()) {
        let peeled = repo.peel(u.local)?;
        if let crate::git::commit::Target::Commit(c) = peeled.target {
            tips.push(c);
        }
        let name = if u.remote_ref.is_empty() {
            u.local_ref.clone()
        } else {
            u.remote_ref.clone()
        };
        refs.push(PushedRef { name, peeled });
    }
    let remote_has: Vec<_> = updates.iter().map(|u| u.remote).collect();
    let commits = repo.commits_to_push(remote, &tips, &remote_has)?;
    let mut items = ref_items(repo, objects, &refs)?;
    items.extend(commit_items(repo, objects, &commits)?);
    Ok(Pushed {
        items,
        commits: commits.len() as u64,
    })
}
