//! What `git commit` is about to record: the index git is using against
//! `HEAD` (see [`crate::git::staged`]), each changed file judged by the
//! lines it adds. During a merge, lines that arrive unchanged from the
//! other parent were published with it; only lines new to every parent
//! (conflict resolutions) count.

use super::Item;
use super::commits::change_item;
use crate::finding::Origin;
use crate::git::{GitError, Objects, Repo};
use std::sync::Arc;

/// The items the next commit introduces.
pub fn items<'o>(repo: &Repo, objects: &'o Objects) -> Result<Vec<Item<'o>>, GitError> {
    let staged = repo.staged()?;
    let others = Arc::new(staged.merge_trees);
    Ok(staged
        .changes
        .into_iter()
        .filter_map(|c| change_item(objects, c, &others, Origin::Staged))
        .collect())
}
