//! Reading objects from any thread.
//!
//! Scans read blobs in parallel. A gix repository handle is per thread (its
//! object caches are not shared), so [`Objects`] keeps one handle per thread
//! that uses it, opened on first use, and every read goes through it.

use super::{Change, GitError, LineSet, Previous, WithContext, line_count};
use gix::ObjectId;
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Object access for scans, usable from any thread.
pub struct Objects {
    repo: gix::ThreadSafeRepository,
    /// Tells this handle's thread-local repositories from another's.
    key: usize,
}

thread_local! {
    /// Per-thread repositories, by [`Objects::key`]; a few at most.
    static LOCAL: RefCell<Vec<(usize, gix::Repository)>> = const { RefCell::new(Vec::new()) };
}

impl Objects {
    pub(super) fn new(repo: gix::ThreadSafeRepository) -> Objects {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        Objects {
            repo,
            key: NEXT.fetch_add(1, Ordering::Relaxed),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&gix::Repository) -> R) -> R {
        LOCAL.with(|local| {
            let mut local = local.borrow_mut();
            let at = match local.iter().position(|(k, _)| *k == self.key) {
                Some(at) => at,
                None => {
                    if local.len() >= 4 {
                        local.remove(0);
                    }
                    local.push((self.key, self.repo.to_thread_local()));
                    local.len() - 1
                }
            };
            f(&local[at].1)
        })
    }

    /// A blob's bytes, or `Ok(None)` with its size when it is larger than `limit`.
    pub fn load(&self, id: ObjectId, limit: u64) -> Result<Result<Vec<u8>, u64>, GitError> {
        self.with(|repo| {
            let header = repo.find_header(id).ctx(|| format!("reading blob {id}"))?;
            if header.size() > limit {
                return Ok(Err(header.size()));
            }
            Ok(Ok(repo
                .find_blob(id)
                .ctx(|| format!("reading blob {id}"))?
                .take_data()))
        })
    }

    /// A blob's bytes, whatever its size.
    pub fn blob(&self, id: ObjectId) -> Result<Vec<u8>, GitError> {
        self.with(|repo| {
            Ok(repo
                .find_blob(id)
                .ctx(|| format!("reading blob {id}"))?
                .take_data())
        })
    }

    /// The blob at `path` in `tree`, if there is a regular file there.
    fn blob_at(
        repo: &gix::Repository,
        tree: ObjectId,
        path: &str,
    ) -> Result<Option<ObjectId>, GitError> {
        let tree = repo
            .find_tree(tree)
            .ctx(|| format!("reading tree {tree}"))?;
        let entry = tree
            .lookup_entry_by_path(path)
            .ctx(|| format!("looking up {path}"))?;
        Ok(entry.filter(|e| e.mode().is_blob()).map(|e| e.object_id()))
    }

    /// Whether `blob` appears anywhere in `tree` (recursively).
    fn tree_has_blob(
        repo: &gix::Repository,
        tree: ObjectId,
        blob: ObjectId,
    ) -> Result<bool, GitError> {
        let mut stack = vec![tree];
        let mut seen = std::collections::HashSet::new();
        while let Some(t) = stack.pop() {
            if !seen.insert(t) {
                continue;
            }
            let tree = repo.find_tree(t).ctx(|| format!("reading tree {t}"))?;
            for entry in tree.iter() {
                let entry = entry.ctx(|| format!("reading tree {t}"))?;
                if entry.oid() == blob.as_ref() && entry.mode().is_blob() {
                    return Ok(true);
                }
                if entry.mode().is_tree() {
                    stack.push(entry.oid().to_owned());
                }
            }
        }
        Ok(false)
    }

    /// The lines of `data` (the new content of `change`) that `change`
    /// introduces: new against its previous version and, for a merge,
    /// against every other parent (`other_parents` are their trees), so
    /// that lines arriving unchanged from a merged branch do not count.
    /// `as_text` turns an older version into text the way `data` was (so
    /// the line diff compares like with like).
    /// The previous version of `change` (its old blob), ready to compare:
    /// read before the new version so that a large one need not be held
    /// at the same time.
    pub fn previous(
        &self,
        change: &Change,
        as_text: &dyn Fn(Vec<u8>) -> Vec<u8>,
    ) -> Result<Option<Previous>, GitError> {
        let Some(old) = change.old else {
            return Ok(None);
        };
        let bytes = self.with(|repo| -> Result<Vec<u8>, GitError> {
            Ok(repo
                .find_blob(old)
                .ctx(|| format!("reading blob {old}"))?
                .take_data())
        })?;
        Ok(Some(Previous::of(as_text(bytes))))
    }

    pub fn added_lines(
        &self,
        change: &Change,
        data: &[u8],
        previous: Option<Previous>,
        other_parents: &[ObjectId],
        as_text: &dyn Fn(Vec<u8>) -> Vec<u8>,
    ) -> Result<LineSet, GitError> {
        self.with(|repo| {
            let read = |id: ObjectId| -> Result<Vec<u8>, GitError> {
                Ok(as_text(
                    repo.find_blob(id)
                        .ctx(|| format!("reading blob {id}"))?
                        .take_data(),
                ))
            };
            let mut added = match previous {
                Some(p) => p.added_in(data),
                None => LineSet::all(line_count(data)),
            };
            for &tree in other_parents {
                if added.is_empty() {
                    break;
                }
                // The other parent's version: at the same path, else (this
                // side renamed it) at the rename source.
                let theirs = match Self::blob_at(repo, tree, &change.path)? {
                    Some(t) => Some(t),
                    None => match &change.source_path {
                        Some(src) => Self::blob_at(repo, tree, src)?,
                        None => None,
                    },
                };
                match theirs {
                    Some(theirs) if theirs == change.new => added = LineSet::default(),
                    Some(theirs) => {
                        added = added.intersect(&Previous::of(read(theirs)?).added_in(data))
                    }
                    // The other side renamed or moved it: the very same
                    // content anywhere in that parent came with the merge.
                    None if Self::tree_has_blob(repo, tree, change.new)? => {
                        added = LineSet::default()
                    }
                    None => {}
                }
            }
            Ok(added)
        })
    }
}
