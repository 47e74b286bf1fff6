//! Git access: the only module that talks to gix.
//!
//! A hook is only worth installing if it scans exactly what git is about to
//! publish. This module turns "the index git is using" and "the commits a
//! push sends" into [`Introduced`] content: a blob plus the set of its lines
//! that are new. Everything is read from git objects, never from the working
//! tree, and never through `git diff` (whose output user config and `-diff`
//! attributes change).

pub mod history;
pub mod push;
pub mod staged;

use crate::finding::Origin;
use gix::ObjectId;
use gix::bstr::ByteSlice;
use std::path::{Path, PathBuf};

/// A git operation failed; the hook fails closed on it.
#[derive(Debug, thiserror::Error)]
#[error("{context}: {message}")]
pub struct GitError {
    pub context: String,
    pub message: String,
}

impl GitError {
    pub fn new(context: impl Into<String>, message: impl Into<String>) -> GitError {
        GitError {
            context: context.into(),
            message: message.into(),
        }
    }
}

/// Attaches what was being done to any displayable error.
pub(crate) trait Context<T> {
    fn ctx(self, context: impl FnOnce() -> String) -> Result<T, GitError>;
}

impl<T, E: std::fmt::Display> Context<T> for Result<T, E> {
    fn ctx(self, context: impl FnOnce() -> String) -> Result<T, GitError> {
        self.map_err(|e| GitError::new(context(), format!("{e:#}")))
    }
}

/// An open repository.
pub struct Repo {
    pub repo: gix::Repository,
}

impl Repo {
    /// Finds the repository containing `dir`, honouring `GIT_DIR` and the
    /// other environment overrides git sets for hooks.
    pub fn discover(dir: &Path) -> Result<Repo, GitError> {
        let repo = gix::ThreadSafeRepository::discover_with_environment_overrides(dir)
            .ctx(|| format!("{} is not inside a git repository", dir.display()))?
            .to_thread_local();
        Ok(Repo { repo })
    }

    /// The working tree root, if the repository has one.
    pub fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }

    pub fn git_dir(&self) -> &Path {
        self.repo.git_dir()
    }

    /// A blob's bytes.
    pub fn blob(&self, id: ObjectId) -> Result<Vec<u8>, GitError> {
        Ok(self
            .repo
            .find_blob(id)
            .ctx(|| format!("reading blob {id}"))?
            .take_data())
    }

    /// The commit an id names, peeling annotated tags.
    pub fn peel_to_commit(&self, id: ObjectId) -> Result<ObjectId, GitError> {
        let object = self
            .repo
            .find_object(id)
            .ctx(|| format!("reading object {id}"))?;
        Ok(object
            .peel_to_commit()
            .ctx(|| format!("{id} does not point to a commit"))?
            .id)
    }

    pub fn has_object(&self, id: ObjectId) -> bool {
        self.repo.has_object(id)
    }

    /// The tree of a commit.
    pub fn commit_tree(&self, commit: ObjectId) -> Result<ObjectId, GitError> {
        let c = self
            .repo
            .find_commit(commit)
            .ctx(|| format!("reading commit {commit}"))?;
        c.tree_id()
            .map(|id| id.detach())
            .ctx(|| format!("reading the tree of {commit}"))
    }

    /// The blob at `path` in `tree`, if there is a regular file there.
    pub fn blob_at(&self, tree: ObjectId, path: &str) -> Result<Option<ObjectId>, GitError> {
        let tree = self
            .repo
            .find_tree(tree)
            .ctx(|| format!("reading tree {tree}"))?;
        let entry = tree
            .lookup_entry_by_path(path)
            .ctx(|| format!("looking up {path}"))?;
        Ok(entry.filter(|e| e.mode().is_blob()).map(|e| e.object_id()))
    }

    /// Whether `blob` appears anywhere in `tree` (recursively).
    pub fn tree_has_blob(&self, tree: ObjectId, blob: ObjectId) -> Result<bool, GitError> {
        let mut stack = vec![tree];
        let mut seen = std::collections::HashSet::new();
        while let Some(t) = stack.pop() {
            if !seen.insert(t) {
                continue;
            }
            let tree = self.repo.find_tree(t).ctx(|| format!("reading tree {t}"))?;
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

    /// The commits in `MERGE_HEAD`, when a merge is being concluded.
    pub fn merge_heads(&self) -> Result<Vec<ObjectId>, GitError> {
        let path = self.git_dir().join("MERGE_HEAD");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(GitError::new(
                    format!("reading {}", path.display()),
                    e.to_string(),
                ));
            }
        };
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                ObjectId::from_hex(l.trim().as_bytes()).ctx(|| format!("bad id in MERGE_HEAD: {l}"))
            })
            .collect()
    }

    /// The index git is using: `GIT_INDEX_FILE` when git set it (a temporary
    /// index for `git commit -a` and `git commit <paths>`), else the
    /// repository's index. A relative `GIT_INDEX_FILE` is relative to the
    /// current directory, as git means it.
    pub fn index_path(&self) -> PathBuf {
        match std::env::var_os("GIT_INDEX_FILE") {
            Some(p) if !p.is_empty() => {
                let p = PathBuf::from(p);
                if p.is_absolute() {
                    p
                } else {
                    std::env::current_dir().map_or(p.clone(), |cwd| cwd.join(p))
                }
            }
            _ => self.repo.index_path(),
        }
    }
}

/// Sorted, 1-based, inclusive line ranges.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineSet {
    ranges: Vec<(u32, u32)>,
}

impl LineSet {
    /// Every line of a text with `lines` lines.
    pub fn all(lines: u32) -> LineSet {
        LineSet {
            ranges: if lines == 0 {
                Vec::new()
            } else {
                vec![(1, lines)]
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Number of lines in the set.
    pub fn count(&self) -> u64 {
        self.ranges.iter().map(|(a, b)| u64::from(b - a + 1)).sum()
    }

    /// Whether any line in `start..=end` is in the set.
    pub fn intersects(&self, start: u32, end: u32) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= end && start <= b)
    }

    /// Lines in both sets.
    pub fn intersect(&self, other: &LineSet) -> LineSet {
        let mut out = Vec::new();
        for &(a, b) in &self.ranges {
            for &(c, d) in &other.ranges {
                let (s, e) = (a.max(c), b.min(d));
                if s <= e {
                    out.push((s, e));
                }
            }
        }
        out.sort_unstable();
        LineSet { ranges: out }
    }

    fn push_line(&mut self, line: u32) {
        match self.ranges.last_mut() {
            Some(last) if last.1 + 1 == line => last.1 = line,
            _ => self.ranges.push((line, line)),
        }
    }
}

/// Number of lines in `data` (a last line without a newline counts).
pub fn line_count(data: &[u8]) -> u32 {
    let newlines = memchr::memchr_iter(b'\n', data).count();
    let trailing = usize::from(!data.is_empty() && !data.ends_with(b"\n"));
    (newlines + trailing) as u32
}

/// The lines of `new` that are not in `old`, by a histogram line diff with
/// git's slider heuristics (so added lines are the ones `git diff` shows).
pub fn added_lines(old: &[u8], new: &[u8]) -> LineSet {
    use gix::diff::blob::{Algorithm, Diff, InternedInput};
    if old == new {
        return LineSet::default();
    }
    if old.is_empty() {
        return LineSet::all(line_count(new));
    }
    let input = InternedInput::new(old, new);
    let mut diff = Diff::compute(Algorithm::Histogram, &input);
    diff.postprocess_lines(&input);
    let mut set = LineSet::default();
    for i in 0..input.after.len() as u32 {
        if diff.is_added(i) {
            set.push_line(i + 1);
        }
    }
    set
}

/// What kind of tree or index entry changed, decided from its mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular or executable file: its content is scanned.
    File,
    /// A symlink: its "content" is the target path; not scanned.
    Symlink,
    /// A submodule (gitlink): the commit lives in another repository.
    Submodule,
}

/// Content that a commit (or the index) introduces.
#[derive(Debug, Clone)]
pub struct Introduced {
    /// Repository-relative, `/`-separated.
    pub path: String,
    pub id: ObjectId,
    pub data: Vec<u8>,
    /// Which lines of `data` are new.
    pub added: LineSet,
    pub origin: Origin,
}

/// Why a changed entry was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    Binary,
    TooLarge,
    Symlink,
    Submodule,
}

/// A changed entry that was not scanned, named so the summary can say so.
#[derive(Debug, Clone)]
pub struct SkippedEntry {
    pub path: String,
    pub reason: SkipReason,
}

/// The result of collecting changes: what to scan and what was skipped.
#[derive(Debug, Default)]
pub struct Changes {
    pub introduced: Vec<Introduced>,
    pub skipped: Vec<SkippedEntry>,
}

/// Largest blob a hook scans: staged content is what gets published, so the
/// tree-walk size limit does not apply, but a runaway blob must not hang a
/// commit. Larger blobs are reported as skipped.
pub const MAX_HOOK_BLOB: usize = 256 << 20;

/// One changed path: where its new content is, and what it was compared to.
pub(crate) struct Change {
    pub path: String,
    pub kind: EntryKind,
    pub new: ObjectId,
    /// The previous version (modification) or rename source.
    pub old: Option<ObjectId>,
    /// Where a renamed or copied file came from.
    pub source_path: Option<String>,
}

impl Change {
    /// A path whose content is entirely new.
    pub(crate) fn new(path: String, kind: EntryKind, new: ObjectId) -> Self {
        Change {
            path,
            kind,
            new,
            old: None,
            source_path: None,
        }
    }

    /// Compares against the previous version, but only when it was a regular
    /// file: a file that was a symlink or submodule before is all new content.
    pub(crate) fn against(mut self, old: ObjectId, old_was_file: bool) -> Self {
        self.old = old_was_file.then_some(old);
        self
    }

    /// Records where a renamed or copied file came from.
    pub(crate) fn renamed_from(mut self, source: String) -> Self {
        self.source_path = Some(source);
        self
    }
}

impl Changes {
    /// Reads `change`'s new blob and works out its added lines, comparing also
    /// against `other_parents` (for merges: only lines new to every parent
    /// count). `other_parents` are trees.
    pub(crate) fn add(
        &mut self,
        repo: &Repo,
        change: Change,
        other_parents: &[ObjectId],
        origin: &Origin,
    ) -> Result<(), GitError> {
        let skip = |reason| SkippedEntry {
            path: change.path.clone(),
            reason,
        };
        match change.kind {
            EntryKind::Symlink => {
                self.skipped.push(skip(SkipReason::Symlink));
                return Ok(());
            }
            EntryKind::Submodule => {
                self.skipped.push(skip(SkipReason::Submodule));
                return Ok(());
            }
            EntryKind::File => {}
        }
        if change.old == Some(change.new) {
            return Ok(()); // mode change or pure rename: nothing new
        }
        let header = repo
            .repo
            .find_header(change.new)
            .ctx(|| format!("reading {}", change.path))?;
        if header.size() as usize > MAX_HOOK_BLOB {
            self.skipped.push(skip(SkipReason::TooLarge));
            return Ok(());
        }
        let data = repo.blob(change.new)?;
        if crate::scan::looks_binary(&data) {
            self.skipped.push(skip(SkipReason::Binary));
            return Ok(());
        }
        let mut added = match change.old {
            Some(old) => added_lines(&repo.blob(old)?, &data),
            None => LineSet::all(line_count(&data)),
        };
        for &tree in other_parents {
            if added.is_empty() {
                break;
            }
            // The other parent's version: at the same path, else (this side
            // renamed it) at the rename source.
            let theirs = match repo.blob_at(tree, &change.path)? {
                Some(t) => Some(t),
                None => match &change.source_path {
                    Some(src) => repo.blob_at(tree, src)?,
                    None => None,
                },
            };
            match theirs {
                Some(theirs) if theirs == change.new => added = LineSet::default(),
                Some(theirs) => added = added.intersect(&added_lines(&repo.blob(theirs)?, &data)),
                // The other side renamed or moved it: the very same content
                // anywhere in that parent came with the merge.
                None if repo.tree_has_blob(tree, change.new)? => added = LineSet::default(),
                None => {}
            }
        }
        if added.is_empty() {
            return Ok(());
        }
        self.introduced.push(Introduced {
            path: change.path,
            id: change.new,
            data,
            added,
            origin: origin.clone(),
        });
        Ok(())
    }
}

/// `/`-separated text of a git path.
pub(crate) fn path_text(p: &gix::bstr::BStr) -> String {
    p.to_str_lossy().into_owned()
}

/// Rename tracking as blastwall needs it, whatever the user's
/// `diff.renames`: renames at git's default 50% similarity, and copies from
/// files modified in the same change (git's `-C`), so that moving a file
/// never re-reports its unchanged lines.
pub(crate) fn rewrites() -> gix::diff::Rewrites {
    gix::diff::Rewrites {
        copies: Some(gix::diff::rewrites::Copies {
            source: gix::diff::rewrites::CopySource::FromSetOfModifiedFiles,
            percentage: Some(0.5),
        }),
        percentage: Some(0.5),
        limit: 1000,
        track_empty: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_lines_are_one_based() {
        let old = b"a\nb\nc\n";
        let new = b"a\nX\nb\nc\nY\n";
        let set = added_lines(old, new);
        assert_eq!(set.ranges, vec![(2, 2), (5, 5)]);
        assert_eq!(set.count(), 2);
        assert!(added_lines(old, old).is_empty());
        assert_eq!(added_lines(b"", b"x\ny").ranges, vec![(1, 2)]);
    }

    #[test]
    fn line_sets_intersect() {
        let a = LineSet {
            ranges: vec![(1, 5), (9, 12)],
        };
        let b = LineSet {
            ranges: vec![(4, 10)],
        };
        assert_eq!(a.intersect(&b).ranges, vec![(4, 5), (9, 10)]);
        assert!(a.intersects(5, 7));
        assert!(!a.intersects(6, 8));
    }

    #[test]
    fn counts_lines() {
        assert_eq!(line_count(b""), 0);
        assert_eq!(line_count(b"a"), 1);
        assert_eq!(line_count(b"a\n"), 1);
        assert_eq!(line_count(b"a\nb"), 2);
    }
}
