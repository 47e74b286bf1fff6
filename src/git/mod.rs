//! Git access: the only module that talks to gix, and it keeps gix to itself.
//!
//! A hook is only worth installing if it scans exactly what git is about to
//! publish. This module turns "the index git is using", "the commits a push
//! sends" and "every blob in history" into [`Change`]s and blob ids, and
//! reads blobs through [`Objects`], a handle any thread can use. It never
//! decides what is scanned or how (that is [`crate::source`]'s job), reads
//! everything from git objects, never from the working tree, and never
//! through `git diff` (whose output user config and `-diff` attributes
//! change). The installer's calls to the `git` program live in [`command`].

pub mod command;
pub mod commit;
pub mod history;
mod objects;
pub mod push;
pub mod staged;

use crate::lines::{LineSet, line_count};
pub use gix::ObjectId;
use gix::bstr::ByteSlice;
pub use objects::Objects;
use std::path::{Path, PathBuf};

/// A git operation failed; hooks fail closed on it.
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
pub(crate) trait WithContext<T> {
    fn ctx(self, context: impl FnOnce() -> String) -> Result<T, GitError>;
}

impl<T, E: std::fmt::Display> WithContext<T> for Result<T, E> {
    fn ctx(self, context: impl FnOnce() -> String) -> Result<T, GitError> {
        self.map_err(|e| GitError::new(context(), plain(&format!("{e:#}"))))
    }
}

/// Some gix errors display as a debug dump (`Message { message: "…",
/// class: NotFound }`); people get the message alone.
fn plain(text: &str) -> String {
    match text.split_once("message: \"") {
        Some((_, rest)) if text.trim_start().starts_with("Message {") => rest
            .split_once("\", class:")
            .map_or(rest, |(m, _)| m)
            .replace("\\\"", "\""),
        _ => text.to_string(),
    }
}

/// An open repository.
pub struct Repo {
    repo: gix::Repository,
    /// Keeps the object-database stand-in of a quarantine alive (see
    /// [`Repo::discover`]).
    _objects_dir: Option<tempfile::TempDir>,
}

impl Repo {
    /// Finds the repository containing `dir`, honouring `GIT_DIR` and the
    /// other environment overrides git sets for hooks, including where
    /// objects are: during a `pre-receive` hook the pushed objects are only
    /// in a quarantine directory (`GIT_OBJECT_DIRECTORY`), with the
    /// repository's own objects as an alternate
    /// (`GIT_ALTERNATE_OBJECT_DIRECTORIES`).
    pub fn discover(dir: &Path) -> Result<Repo, GitError> {
        let mut repo = gix::ThreadSafeRepository::discover_with_environment_overrides(dir)
            .map_err(|_| {
                GitError::new(
                    format!("{} is not inside a git repository", dir.display()),
                    "run this command inside a repository (or set GIT_DIR)",
                )
            })?;
        let objects_dir = match object_dirs_from_env() {
            Some(dirs) => {
                let (store, tmp) = objects_at(&dirs, repo.objects.object_hash())?;
                repo.objects = gix::parallel::OwnShared::new(store);
                Some(tmp)
            }
            None => None,
        };
        Ok(Repo {
            repo: repo.to_thread_local(),
            _objects_dir: objects_dir,
        })
    }

    /// The working tree root, if the repository has one.
    pub fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }

    pub fn git_dir(&self) -> &Path {
        self.repo.git_dir()
    }

    /// The directory shared by all worktrees (where hooks and caches live).
    pub fn common_dir(&self) -> &Path {
        self.repo.common_dir()
    }

    /// A handle that reads objects from any thread.
    pub fn objects(&self) -> Objects {
        Objects::new(self.repo.clone().into_sync())
    }

    /// The all-zero id: "no object" in hook input.
    pub fn null_id(&self) -> ObjectId {
        ObjectId::null(self.repo.object_hash())
    }

    /// Resolves a revision (`HEAD`, a branch, a sha).
    pub fn resolve(&self, spec: &str) -> Result<ObjectId, GitError> {
        self.repo
            .rev_parse_single(spec)
            .map(|id| id.detach())
            .map_err(|_| GitError::new(format!("resolving `{spec}`"), "no such revision"))
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
                ObjectId::from_hex(l.trim().as_bytes())
                    .ctx(|| format!("bad id in {}: {l:?}", path.display()))
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

/// The object directories git's environment names, in lookup order:
/// `GIT_OBJECT_DIRECTORY`, then each of `GIT_ALTERNATE_OBJECT_DIRECTORIES`
/// (`:`-separated). `None` when neither is set.
fn object_dirs_from_env() -> Option<Vec<PathBuf>> {
    let primary = std::env::var_os("GIT_OBJECT_DIRECTORY").filter(|v| !v.is_empty());
    let alternates = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES").filter(|v| !v.is_empty());
    if primary.is_none() && alternates.is_none() {
        return None;
    }
    let mut dirs: Vec<PathBuf> = primary.map(PathBuf::from).into_iter().collect();
    if let Some(alt) = alternates {
        dirs.extend(std::env::split_paths(&alt).filter(|p| !p.as_os_str().is_empty()));
    }
    Some(dirs)
}

/// An object store that reads from `dirs`: an empty object directory whose
/// `info/alternates` lists them (gix opens a repository's own objects only).
fn objects_at(
    dirs: &[PathBuf],
    hash: gix::hash::Kind,
) -> Result<(gix::odb::Store, tempfile::TempDir), GitError> {
    let fail = |e: std::io::Error| {
        GitError::new("opening the object directories git named", e.to_string())
    };
    let tmp = tempfile::Builder::new()
        .prefix("blastwall-objects-")
        .tempdir()
        .map_err(fail)?;
    let objects = tmp.path().join("objects");
    std::fs::create_dir_all(objects.join("info")).map_err(fail)?;
    let mut list = String::new();
    for d in dirs {
        let abs = std::fs::canonicalize(d).map_err(|e| {
            GitError::new(
                format!("opening the object directory {}", d.display()),
                e.to_string(),
            )
        })?;
        list.push_str(&abs.to_string_lossy());
        list.push('\n');
    }
    std::fs::write(objects.join("info/alternates"), list).map_err(fail)?;
    let store =
        gix::odb::Store::at_opts(objects, hash, &mut std::iter::empty(), Default::default())
            .map_err(fail)?;
    Ok((store, tmp))
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

/// Versions larger than this are compared by line hashes, not a line diff:
/// a diff of two 200 MB files costs seconds and gigabytes, while "which
/// lines of the new version were not in the old one" needs neither.
pub const LARGE_VERSION: usize = 16 << 20;

/// An earlier version of a file, as the added-lines comparison needs it:
/// whole when small, as a multiset of line hashes when large (so that it can
/// be dropped before the new version is read).
pub enum Previous {
    Text(Vec<u8>),
    Lines(std::collections::HashMap<u64, u32>),
}

impl Previous {
    pub fn of(bytes: Vec<u8>) -> Previous {
        if bytes.len() <= LARGE_VERSION {
            return Previous::Text(bytes);
        }
        let mut lines = std::collections::HashMap::new();
        for line in bytes.split(|b| *b == b'\n') {
            *lines.entry(stable_hash(line)).or_insert(0u32) += 1;
        }
        Previous::Lines(lines)
    }

    /// The lines of `new` that this version does not have.
    pub fn added_in(&self, new: &[u8]) -> LineSet {
        match self {
            Previous::Text(old) => added_lines(old, new),
            Previous::Lines(old) => {
                let mut left = old.clone();
                let mut set = LineSet::default();
                let mut n = 0u32;
                for line in new.split(|b| *b == b'\n') {
                    n += 1;
                    match left.get_mut(&stable_hash(line)) {
                        Some(c) if *c > 0 => *c -= 1,
                        _ => set.push_line(n),
                    }
                }
                // A trailing newline makes an empty last piece, not a line.
                if new.ends_with(b"\n") {
                    let count = line_count(new);
                    return set.intersect(&LineSet::all(count));
                }
                set
            }
        }
    }
}

/// A hash of a line that is the same in every run (unlike the hasher
/// `HashMap` seeds at random): FNV-1a.
fn stable_hash(line: &[u8]) -> u64 {
    line.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// What kind of tree or index entry changed, decided from its mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular or executable file: its content is scanned.
    File,
    /// A symlink: its "content" is the target path.
    Symlink,
    /// A submodule (gitlink): the commit lives in another repository.
    Submodule,
}

/// One changed path: where its new content is, and what it was compared to.
#[derive(Debug, Clone)]
pub struct Change {
    /// Repository-relative, `/`-separated.
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

    /// Whether the change introduces no content (a mode change or a pure rename).
    pub fn is_content_unchanged(&self) -> bool {
        self.old == Some(self.new)
    }
}

/// `/`-separated text of a git path.
pub(crate) fn path_text(p: &gix::bstr::BStr) -> String {
    p.to_str_lossy().into_owned()
}

/// A commit's committer date as ISO 8601, for reports.
pub(crate) fn commit_date(c: &gix::Commit<'_>) -> Option<String> {
    c.time()
        .ok()
        .and_then(|t| t.format(gix::date::time::format::ISO8601_STRICT).ok())
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
    fn large_versions_compare_by_line_hashes() {
        let old: Vec<u8> = (0..2_000_000)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let mut new = old.clone();
        new.extend_from_slice(b"fresh\n");
        let at = new.len();
        new.extend_from_slice(b"line 7\n"); // a duplicate of an old line is new
        assert!(old.len() > LARGE_VERSION);
        let set = Previous::of(old).added_in(&new);
        assert_eq!(set.count(), 2, "{set:?}");
        let _ = at;
    }

    #[test]
    fn added_lines_are_one_based() {
        let old = b"a\nb\nc\n";
        let new = b"a\nX\nb\nc\nY\n";
        let set = added_lines(old, new);
        assert_eq!(set, {
            let mut s = LineSet::default();
            s.push_line(2);
            s.push_line(5);
            s
        });
        assert_eq!(set.count(), 2);
        assert!(added_lines(old, old).is_empty());
        assert_eq!(added_lines(b"", b"x\ny"), LineSet::all(2));
    }
}
