//! What `git commit` is about to record: the index git is using, against
//! `HEAD` (or the empty tree on an unborn branch).
//!
//! The index is the one in `GIT_INDEX_FILE` when git set it, which is how
//! `git commit -a` and `git commit <paths>` hand hooks a temporary index; the
//! working tree is never read, so a partially staged file is judged by its
//! staged version. During a merge, lines that arrive unchanged from the
//! other parent were published with it; only lines new to every parent
//! (conflict resolutions) count as introduced.

use super::{Change, EntryKind, GitError, Repo, WithContext};
use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};
use gix::diff::index::ChangeRef;
use gix::index::State;
use gix::index::entry::{Flags, Mode, Stage};
use gix::index::extension::Tree as CacheTree;
use gix::object::tree::EntryKind as TreeKind;

fn kind(mode: Mode) -> EntryKind {
    if mode == Mode::COMMIT {
        EntryKind::Submodule
    } else if mode == Mode::SYMLINK {
        EntryKind::Symlink
    } else {
        EntryKind::File
    }
}

/// What the next commit changes.
#[derive(Debug, Default)]
pub struct Staged {
    pub changes: Vec<Change>,
    /// Trees of the other parents when a merge is being concluded: lines
    /// that arrive unchanged from them are not new.
    pub merge_trees: Vec<ObjectId>,
}

impl Repo {
    /// Collects what the next commit changes against `HEAD`.
    pub fn staged(&self) -> Result<Staged, GitError> {
        let index = self.load_index()?;
        let head_tree = self
            .repo
            .head_tree_id_or_empty()
            .ctx(|| "reading HEAD".to_string())?
            .detach();
        let merge_trees = self
            .merge_heads()?
            .into_iter()
            .map(|c| self.commit_tree(c))
            .collect::<Result<Vec<_>, _>>()?;
        let head_index = head_state(self, &index, head_tree)?;
        Ok(Staged {
            changes: self.index_changes(&head_index, &index)?,
            merge_trees,
        })
    }

    /// The index git is using; refuses a sparse index.
    fn load_index(&self) -> Result<gix::index::File, GitError> {
        let repo = self;
        let index_path = repo.index_path();
        let index = if index_path.exists() {
            // The trailing checksum is not verified, as git itself does not
            // outside `git fsck`: hashing the whole index is a measurable
            // part of a hook's run, and git wrote it a moment ago.
            gix::index::File::at(
                &index_path,
                repo.repo.object_hash(),
                true,
                Default::default(),
            )
            .ctx(|| format!("reading the index {}", index_path.display()))?
        } else {
            // A repository without an index yet: nothing is staged.
            gix::index::File::from_state(
                gix::index::State::new(repo.repo.object_hash()),
                index_path.clone(),
            )
        };
        if index.is_sparse() {
            return Err(GitError::new(
                "the index is a sparse index",
                "blastwall cannot see inside its collapsed directories, so it refuses rather than \
             guess (fail closed); run `git sparse-checkout init --no-sparse-index` to keep the \
             sparse checkout with a full index",
            ));
        }
        Ok(index)
    }

    /// Every path whose entry differs between `head` and `index`, with
    /// renames and copies tracked.
    fn index_changes(&self, head_index: &State, index: &State) -> Result<Vec<Change>, GitError> {
        let repo = self;
        let mut resource_cache = repo
            .repo
            .diff_resource_cache_for_tree_diff()
            .ctx(|| "preparing rename detection".to_string())?;
        let (mut everything, _) = repo
            .repo
            .pathspec(
                true,
                None::<&str>,
                false,
                &State::new(repo.repo.object_hash()),
                gix::worktree::stack::state::attributes::Source::IdMapping,
            )
            .ctx(|| "preparing the index diff".to_string())?
            .into_parts();

        let mut pending: Vec<Change> = Vec::new();
        gix::diff::index(
            head_index,
            index,
            |change| {
                match change {
                    ChangeRef::Addition {
                        location,
                        entry_mode,
                        id,
                        ..
                    } => pending.push(Change::new(
                        super::path_text(location.as_ref()),
                        kind(entry_mode),
                        id.into_owned(),
                    )),
                    ChangeRef::Modification {
                        location,
                        previous_entry_mode,
                        previous_id,
                        entry_mode,
                        id,
                        ..
                    } => pending.push(
                        Change::new(
                            super::path_text(location.as_ref()),
                            kind(entry_mode),
                            id.into_owned(),
                        )
                        .against(
                            previous_id.into_owned(),
                            kind(previous_entry_mode) == EntryKind::File,
                        ),
                    ),
                    ChangeRef::Rewrite {
                        source_location,
                        source_entry_mode,
                        source_id,
                        location,
                        entry_mode,
                        id,
                        ..
                    } => pending.push(
                        Change::new(
                            super::path_text(location.as_ref()),
                            kind(entry_mode),
                            id.into_owned(),
                        )
                        .against(
                            source_id.into_owned(),
                            kind(source_entry_mode) == EntryKind::File,
                        )
                        .renamed_from(super::path_text(source_location.as_ref())),
                    ),
                    ChangeRef::Deletion { .. } => {}
                }
                Ok(gix::diff::index::Action::Continue(()))
            },
            Some(gix::diff::index::RewriteOptions {
                resource_cache: &mut resource_cache,
                find: &repo.repo,
                rewrites: super::rewrites(),
            }),
            &mut everything,
            &mut |_, _, _, _| false,
        )
        .ctx(|| "comparing the index with HEAD".to_string())?;
        Ok(pending)
    }
}

/// The index HEAD's tree would give, built without reading the trees the
/// index already vouches for. Converting HEAD's whole tree (what gix's
/// `tree_index_status` does) reads every tree object: 2,600 loose objects in
/// the 5,000-file benchmark repository, most of a hook's run. git avoids that
/// with the index's cache-tree extension, and so does this: where it records
/// a directory as valid with the tree id HEAD has there, nothing under it is
/// staged, so its entries are copied from the index. Only directories on
/// changed paths (or not cached) are read.
fn head_state(repo: &Repo, index: &State, head_tree: ObjectId) -> Result<State, GitError> {
    let mut out = State::new(repo.repo.object_hash());
    let mut prefix = BString::default();
    add_tree(repo, index, index.tree(), head_tree, &mut prefix, &mut out)?;
    out.sort_entries();
    Ok(out)
}

/// Adds the entries of `tree` (at `prefix`, empty or ending in `/`), using
/// `cached`, the index's cache-tree node for the same directory, if any.
fn add_tree(
    repo: &Repo,
    index: &State,
    cached: Option<&CacheTree>,
    tree: ObjectId,
    prefix: &mut BString,
    out: &mut State,
) -> Result<(), GitError> {
    if cached.is_some_and(|c| c.num_entries.is_some() && c.id == tree) {
        let range = index
            .prefixed_entries_range(prefix.as_bstr())
            .unwrap_or(0..0);
        for e in &index.entries()[range] {
            if e.stage() == Stage::Unconflicted {
                out.dangerously_push_entry(
                    Default::default(),
                    e.id,
                    Flags::empty(),
                    e.mode,
                    e.path(index),
                );
            }
        }
        return Ok(());
    }
    let object = repo
        .repo
        .find_tree(tree)
        .ctx(|| format!("reading tree {tree} of HEAD"))?;
    let decoded = object
        .decode()
        .ctx(|| format!("decoding tree {tree} of HEAD"))?;
    for entry in &decoded.entries {
        let len = prefix.len();
        prefix.extend_from_slice(entry.filename);
        let mode = match entry.mode.kind() {
            TreeKind::Tree => {
                prefix.push(b'/');
                let child = cached.and_then(|c| {
                    c.children
                        .iter()
                        .find(|child| child.name.as_slice() == entry.filename.as_bytes())
                });
                add_tree(repo, index, child, entry.oid.to_owned(), prefix, out)?;
                prefix.truncate(len);
                continue;
            }
            TreeKind::Blob => Mode::FILE,
            TreeKind::BlobExecutable => Mode::FILE_EXECUTABLE,
            TreeKind::Link => Mode::SYMLINK,
            TreeKind::Commit => Mode::COMMIT,
        };
        out.dangerously_push_entry(
            Default::default(),
            entry.oid.to_owned(),
            Flags::empty(),
            mode,
            prefix.as_bstr(),
        );
        prefix.truncate(len);
    }
    Ok(())
}
