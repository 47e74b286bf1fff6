//! What one commit introduces, and what an annotated tag or a ref points at.
//!
//! A commit is compared with its first parent (the empty tree for a root
//! commit); for a merge, the other parents' trees come along so that only
//! lines new to every parent count. Its message is published with it, so it
//! is returned too. A ref may also point, directly or through annotated
//! tags, at a tree or a blob: that content is published whole.

use super::{Change, EntryKind, GitError, Repo, WithContext, commit_date, path_text};
use gix::ObjectId;
use gix::object::tree::diff::{Action, Change as TreeChange};

/// One commit's published content.
#[derive(Debug)]
pub struct CommitInfo {
    pub id: ObjectId,
    /// Committer date, ISO 8601.
    pub date: Option<String>,
    /// The full commit message.
    pub message: Vec<u8>,
    pub changes: Vec<Change>,
    /// Trees of the parents after the first (merges).
    pub other_parent_trees: Vec<ObjectId>,
}

/// Diffs commits against their first parent, reusing one diff cache.
pub struct Differ<'r> {
    repo: &'r Repo,
    cache: gix::diff::blob::Platform,
}

fn kind(mode: gix::object::tree::EntryMode) -> EntryKind {
    if mode.is_commit() {
        EntryKind::Submodule
    } else if mode.is_link() {
        EntryKind::Symlink
    } else {
        EntryKind::File
    }
}

/// A regular file (not a tree, symlink or submodule), whose lines can be diffed.
fn is_file(mode: gix::object::tree::EntryMode) -> bool {
    !mode.is_tree() && kind(mode) == EntryKind::File
}

impl Repo {
    pub fn differ(&self) -> Result<Differ<'_>, GitError> {
        let cache = self
            .repo
            .diff_resource_cache_for_tree_diff()
            .ctx(|| "preparing diffs".to_string())?;
        Ok(Differ { repo: self, cache })
    }
}

impl Differ<'_> {
    /// The content `commit` introduces relative to its first parent.
    pub fn commit(&mut self, commit: ObjectId) -> Result<CommitInfo, GitError> {
        let repo = &self.repo.repo;
        let c = repo
            .find_commit(commit)
            .ctx(|| format!("reading commit {commit}"))?;
        let tree = c.tree().ctx(|| format!("reading the tree of {commit}"))?;
        let parents: Vec<ObjectId> = c.parent_ids().map(|p| p.detach()).collect();
        let first = match parents.first() {
            Some(p) => repo
                .find_tree(self.repo.commit_tree(*p)?)
                .ctx(|| format!("reading the tree of {p}"))?,
            None => repo.empty_tree(),
        };
        let other_parent_trees = parents[parents.len().min(1)..]
            .iter()
            .map(|p| self.repo.commit_tree(*p))
            .collect::<Result<Vec<_>, _>>()?;
        let mut changes: Vec<Change> = Vec::new();
        first
            .changes()
            .ctx(|| format!("diffing {commit}"))?
            .options(|o| {
                o.track_path().track_rewrites(Some(super::rewrites()));
            })
            .for_each_to_obtain_tree_with_cache(&tree, &mut self.cache, |change| {
                changes.extend(tree_change(change));
                Ok(Action::Continue(()))
            })
            .ctx(|| format!("diffing {commit}"))?;
        self.cache.clear_resource_cache_keep_allocation();
        let message = c
            .message_raw()
            .map(|m| m.to_vec())
            .ctx(|| format!("reading the message of {commit}"))?;
        Ok(CommitInfo {
            id: commit,
            date: commit_date(&c),
            message,
            changes,
            other_parent_trees,
        })
    }
}

/// The [`Change`] a tree-diff entry makes, for entries that are not trees.
fn tree_change(change: TreeChange<'_, '_, '_>) -> Option<Change> {
    match change {
        TreeChange::Addition {
            location,
            entry_mode,
            id,
            ..
        } if !entry_mode.is_tree() => Some(Change::new(
            path_text(location),
            kind(entry_mode),
            id.detach(),
        )),
        TreeChange::Modification {
            location,
            previous_entry_mode,
            previous_id,
            entry_mode,
            id,
            ..
        } if !entry_mode.is_tree() => Some(
            Change::new(path_text(location), kind(entry_mode), id.detach())
                .against(previous_id.detach(), is_file(previous_entry_mode)),
        ),
        TreeChange::Rewrite {
            source_location,
            source_entry_mode,
            source_id,
            location,
            entry_mode,
            id,
            ..
        } if !entry_mode.is_tree() => Some(
            Change::new(path_text(location), kind(entry_mode), id.detach())
                .against(source_id.detach(), is_file(source_entry_mode))
                .renamed_from(path_text(source_location)),
        ),
        _ => None,
    }
}

/// What a ref (or any object id) ends at, after peeling annotated tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Commit(ObjectId),
    Tree(ObjectId),
    Blob(ObjectId),
}

/// An annotated tag met while peeling.
#[derive(Debug, Clone)]
pub struct TagInfo {
    pub id: ObjectId,
    pub name: String,
    /// The tag's message (which a push publishes).
    pub message: Vec<u8>,
}

/// An id peeled to what it points at, with the annotated tags on the way.
#[derive(Debug, Clone)]
pub struct Peeled {
    pub target: Target,
    pub tags: Vec<TagInfo>,
}

/// A file in a tree.
#[derive(Debug, Clone)]
pub struct TreeFile {
    pub path: String,
    pub kind: EntryKind,
    pub id: ObjectId,
}

impl Repo {
    /// Calls `visit(path, mode, id)` for every non-tree entry under `root`.
    /// With `seen`, subtrees already in it are not walked again (a history
    /// walk visits each tree once across all commits).
    pub(crate) fn walk_tree(
        &self,
        root: ObjectId,
        mut seen: Option<&mut std::collections::HashSet<ObjectId>>,
        mut visit: impl FnMut(String, gix::object::tree::EntryMode, ObjectId),
    ) -> Result<(), GitError> {
        let mut stack = vec![(String::new(), root)];
        while let Some((prefix, id)) = stack.pop() {
            if let Some(seen) = seen.as_deref_mut()
                && !seen.insert(id)
            {
                continue;
            }
            let tree = self
                .repo
                .find_tree(id)
                .ctx(|| format!("reading tree {id}"))?;
            for entry in tree.iter() {
                let entry = entry.ctx(|| format!("reading tree {id}"))?;
                let name = path_text(entry.filename());
                let path = if prefix.is_empty() {
                    name
                } else {
                    format!("{prefix}/{name}")
                };
                if entry.mode().is_tree() {
                    stack.push((path, entry.oid().to_owned()));
                } else {
                    visit(path, entry.mode(), entry.oid().to_owned());
                }
            }
        }
        Ok(())
    }

    /// Peels `id` through annotated tags (a chain of at most 32).
    pub fn peel(&self, id: ObjectId) -> Result<Peeled, GitError> {
        let mut tags = Vec::new();
        let mut at = id;
        for _ in 0..32 {
            let object = self
                .repo
                .find_object(at)
                .ctx(|| format!("reading object {at}"))?;
            let target = match object.kind {
                gix::object::Kind::Commit => Target::Commit(at),
                gix::object::Kind::Tree => Target::Tree(at),
                gix::object::Kind::Blob => Target::Blob(at),
                gix::object::Kind::Tag => {
                    let tag = object.into_tag();
                    let decoded = tag.decode().ctx(|| format!("decoding tag {at}"))?;
                    tags.push(TagInfo {
                        id: at,
                        name: path_text(decoded.name),
                        message: decoded.message.to_vec(),
                    });
                    at = decoded.target();
                    continue;
                }
            };
            return Ok(Peeled { target, tags });
        }
        Err(GitError::new(
            format!("peeling {id}"),
            "more than 32 nested tags",
        ))
    }

    /// Every file in `tree`, recursively.
    pub fn tree_files(&self, tree: ObjectId) -> Result<Vec<TreeFile>, GitError> {
        let mut out = Vec::new();
        self.walk_tree(tree, None, |path, mode, id| {
            out.push(TreeFile {
                path,
                kind: kind(mode),
                id,
            })
        })?;
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}

impl Repo {
    /// The commit `HEAD` points at, if any (an unborn branch has none).
    pub fn head_commit(&self) -> Option<ObjectId> {
        self.repo.head_id().ok().map(|id| id.detach())
    }

    /// The content of the file at `path` in `commit`'s tree, if there is a
    /// regular file there.
    pub fn file_at(&self, commit: ObjectId, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        let tree = self.commit_tree(commit)?;
        let tree = self
            .repo
            .find_tree(tree)
            .ctx(|| format!("reading the tree of {commit}"))?;
        let Some(entry) = tree
            .lookup_entry_by_path(path)
            .ctx(|| format!("looking up {path} in {commit}"))?
        else {
            return Ok(None);
        };
        if !entry.mode().is_blob() {
            return Ok(None);
        }
        let mut blob = self
            .repo
            .find_blob(entry.object_id())
            .ctx(|| format!("reading {path} in {commit}"))?;
        Ok(Some(blob.take_data()))
    }

    /// Whether this is a shallow clone (its history is cut off).
    pub fn is_shallow(&self) -> bool {
        // A repository that cannot even say is treated as cut off.
        self.repo.is_shallow().unwrap_or(true)
    }
}
