//! Every blob in the repository's history, each read once.
//!
//! Blobs shared by many commits are scanned once, in parallel; only one blob
//! per thread is in memory at a time, so memory stays bounded however long
//! the history. A finding names the commit that introduced its blob; the
//! same secret in later versions of a file keeps its first commit.

use super::{Blob, Funnel, Item, Scanned, SourceError};
use crate::finding::{Origin, Secret};
use crate::git::history::unique_blobs;
use crate::git::{GitError, Objects, Repo};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Why a history scan failed.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Source(#[from] SourceError),
}

/// What history holds, before scanning: how many blobs, for a progress bar.
pub struct History {
    list: crate::git::history::BlobList,
    objects: Objects,
}

impl History {
    pub fn list(repo: &Repo) -> Result<History, GitError> {
        Ok(History {
            list: unique_blobs(repo)?,
            objects: repo.objects(),
        })
    }

    pub fn blobs(&self) -> usize {
        self.list.blobs.len()
    }

    pub fn commits(&self) -> usize {
        self.list.commits.len()
    }

    /// Scans every blob; `progress` counts blobs read.
    pub fn scan(
        &self,
        funnel: &Funnel<'_>,
        progress: &AtomicUsize,
    ) -> Result<Scanned, HistoryError> {
        let items: Vec<Item<'_>> = self
            .list
            .blobs
            .iter()
            .map(|blob| {
                let (commit, date) = &self.list.commits[blob.commit];
                let objects = &self.objects;
                let id = blob.id;
                let origin = Origin::Commit {
                    id: commit.to_string(),
                    date: date.clone(),
                };
                let load = super::Content::Object(Box::new(move |limit| {
                    progress.fetch_add(1, Ordering::Relaxed);
                    match objects.load(id, limit).map_err(|e| e.to_string())? {
                        Ok(data) => Ok(super::Loaded::Data(data)),
                        Err(size) => Ok(super::Loaded::TooLarge(size)),
                    }
                }));
                Item::blob(Blob::new(blob.path.clone(), origin, load))
            })
            .collect();
        let mut scanned = funnel.scan(items)?;
        self.keep_first_sighting(&mut scanned);
        Ok(scanned)
    }

    /// One finding per (rule, path, secret): the one in the oldest commit.
    fn keep_first_sighting(&self, scanned: &mut Scanned) {
        let rank: HashMap<String, usize> = self
            .list
            .commits
            .iter()
            .enumerate()
            .map(|(i, (c, _))| (c.to_string(), i))
            .collect();
        scanned.findings.sort_by_key(|f| match &f.origin {
            Origin::Commit { id, .. } => rank.get(id).copied().unwrap_or(usize::MAX),
            _ => usize::MAX,
        });
        let mut seen: HashSet<(String, String, Secret)> = HashSet::new();
        scanned.findings.retain(|f| seen.insert(f.identity()));
    }
}
