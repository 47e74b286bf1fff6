//! Every blob the repository's history holds, scanned once.
//!
//! Commits reachable from any ref are walked oldest first; each commit's tree
//! is visited skipping subtrees already seen, so a blob's first sighting
//! names the commit (and path) that introduced it. Blobs shared by many
//! commits are scanned once, in parallel, each on a thread-local repository
//! handle; only one blob per thread is in memory at a time, so memory stays
//! bounded however long the history.

use super::{Context, GitError, Repo};
use crate::engine::{Engine, EngineError};
use crate::finding::{Finding, Origin};
use crate::scan::{ScanStats, looks_binary};
use gix::ObjectId;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

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
    let mut tips = Vec::new();
    let refs = repo
        .repo
        .references()
        .ctx(|| "reading references".to_string())?;
    for r in refs.all().ctx(|| "reading references".to_string())? {
        let mut r = r.ctx(|| "reading a reference".to_string())?;
        if let Ok(id) = r.peel_to_id()
            && let Ok(c) = repo.peel_to_commit(id.detach())
        {
            tips.push(c);
        }
    }
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
        let date = c.time().ok().map(|t| {
            t.format(gix::date::time::format::ISO8601_STRICT)
                .unwrap_or_default()
        });
        list.commits.push((*commit, date));
        let root = c
            .tree_id()
            .ctx(|| format!("reading the tree of {commit}"))?
            .detach();
        let mut stack = vec![(String::new(), root)];
        while let Some((prefix, tree_id)) = stack.pop() {
            if !seen_trees.insert(tree_id) {
                continue;
            }
            let tree = repo
                .repo
                .find_tree(tree_id)
                .ctx(|| format!("reading tree {tree_id}"))?;
            for entry in tree.iter() {
                let entry = entry.ctx(|| format!("reading tree {tree_id}"))?;
                let name = String::from_utf8_lossy(entry.filename()).into_owned();
                let path = if prefix.is_empty() {
                    name
                } else {
                    format!("{prefix}/{name}")
                };
                let mode = entry.mode();
                let id = entry.oid().to_owned();
                if mode.is_tree() {
                    stack.push((path, id));
                } else if mode.is_blob() && seen_blobs.insert(id) {
                    list.blobs.push(HistoryBlob {
                        id,
                        path,
                        commit: ci,
                    });
                }
            }
        }
    }
    Ok(list)
}

/// Scans `list`'s blobs with `engine`; `progress` counts scanned blobs.
pub fn scan_blobs(
    repo: &Repo,
    engine: &Engine,
    list: &BlobList,
    max_size: u64,
    progress: &AtomicUsize,
) -> Result<(Vec<Finding>, ScanStats), HistoryError> {
    let sync = repo.repo.clone().into_sync();
    let results: Vec<Result<(Vec<Finding>, ScanStats), HistoryError>> = list
        .blobs
        .par_iter()
        .map_init(
            || sync.to_thread_local(),
            |local, blob| {
                let mut stats = ScanStats::default();
                let out = scan_one(local, engine, list, blob, max_size, &mut stats);
                progress.fetch_add(1, Ordering::Relaxed);
                out.map(|f| (f, stats))
            },
        )
        .collect();
    let mut findings = Vec::new();
    let mut stats = ScanStats::default();
    for r in results {
        let (f, s) = r?;
        findings.extend(f);
        stats.merge(s);
    }
    // The same secret in later versions of a file keeps its first commit.
    let rank: HashMap<String, usize> = list
        .commits
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (c.to_string(), i))
        .collect();
    findings.sort_by_key(|f| match &f.origin {
        Origin::Commit { id, .. } => rank.get(id).copied().unwrap_or(usize::MAX),
        _ => usize::MAX,
    });
    let mut seen: HashMap<(String, String, Vec<u8>), ()> = HashMap::new();
    findings.retain(|f| {
        seen.insert(
            (f.rule.clone(), f.path.clone(), f.secret.expose().to_vec()),
            (),
        )
        .is_none()
    });
    Ok((findings, stats))
}

fn scan_one(
    repo: &gix::Repository,
    engine: &Engine,
    list: &BlobList,
    blob: &HistoryBlob,
    max_size: u64,
    stats: &mut ScanStats,
) -> Result<Vec<Finding>, HistoryError> {
    if engine.allow.path_allowed(&blob.path) {
        stats.skipped.allowlisted += 1;
        return Ok(Vec::new());
    }
    let header = repo
        .find_header(blob.id)
        .ctx(|| format!("reading blob {}", blob.id))?;
    if header.size() > max_size {
        stats.skipped.too_large += 1;
        return Ok(Vec::new());
    }
    let data = repo
        .find_blob(blob.id)
        .ctx(|| format!("reading blob {}", blob.id))?
        .take_data();
    if looks_binary(&data) {
        stats.skipped.binary += 1;
        return Ok(Vec::new());
    }
    stats.files += 1;
    stats.bytes += data.len() as u64;
    let (commit, date) = &list.commits[blob.commit];
    let origin = Origin::Commit {
        id: commit.to_string(),
        date: date.clone(),
    };
    Ok(engine
        .scan(&blob.path, &data)?
        .into_iter()
        .map(|mut f| {
            f.origin = origin.clone();
            f
        })
        .collect())
}

/// A history scan failed.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}
