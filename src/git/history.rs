//! Every blob the repository's history holds, listed once.
//!
//! Commits reachable from any ref are walked oldest first; each commit's tree
//! is visited skipping subtrees already seen, so a blob's first sighting
//! names the commit (and path) that introduced it.

use super::{GitError, Repo, WithContext, commit_date};
use gix::ObjectId;
use std::collections::HashSet;

/// A blob and where history first shows it.
#[derive(Debug, Clone)]
pub struct HistoryBlob {
    pub id: ObjectId,
    pub path: String,
    /// Index into [`BlobList::commits`] of the introducing commit.
    pub commit: usize,
}

/// Unique blobs and the commits that introduced them.
#[derive(Debug, Default)]
pub struct BlobList {
    pub blobs: Vec<HistoryBlob>,
    /// (commit id, ISO 8601 date), oldest first.
    pub commits: Vec<(ObjectId, Option<String>)>,
}

/// Lists every unique blob reachable from any ref.
pub fn unique_blobs(repo: &Repo) -> Result<BlobList, GitError> {
    let mut tips = repo.ref_tips("")?;
    if let Ok(head) = repo.repo.head_id() {
        tips.push(head.detach());
    }
    tips.sort();
    tips.dedup();
    let mut list = BlobList::default();
    if tips.is_empty() {
        return Ok(list);
    }
    let walk = repo
        .repo
        .rev_walk(tips)
        .sorting(gix::revision::walk::Sorting::ByCommitTime(
            Default::default(),
        ))
        .all()
        .ctx(|| "walking history".to_string())?;
    let mut commits = Vec::new();
    for info in walk {
        commits.push(info.ctx(|| "walking history".to_string())?.id);
    }
    commits.reverse();

    let mut seen_trees: HashSet<ObjectId> = HashSet::new();
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    for (ci, commit) in commits.iter().enumerate() {
        let c = repo
            .repo
            .find_commit(*commit)
            .ctx(|| format!("reading commit {commit}"))?;
        list.commits.push((*commit, commit_date(&c)));
        let root = c
            .tree_id()
            .ctx(|| format!("reading the tree of {commit}"))?
            .detach();
        repo.walk_tree(root, Some(&mut seen_trees), |path, mode, id| {
            if mode.is_blob() && seen_blobs.insert(id) {
                list.blobs.push(HistoryBlob {
                    id,
                    path,
                    commit: ci,
                });
            }
        })?;
    }
    Ok(list)
}
