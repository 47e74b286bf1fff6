//! What `git commit` is about to record: the index git is using, against
//! `HEAD` (or the empty tree on an unborn branch).
//!
//! The index is the one in `GIT_INDEX_FILE` when git set it, which is how
//! `git commit -a` and `git commit <paths>` hand hooks a temporary index; the
//! working tree is never read, so a partially staged file is judged by its
//! staged version. During a merge, lines that arrive unchanged from the
//! other parent were published with it; only lines new to every parent
//! (conflict resolutions) count as introduced.

use super::{Change, Changes, Context, EntryKind, GitError, Repo};
use crate::finding::Origin;
use gix::diff::index::ChangeRef;
use gix::index::entry::Mode;
use gix::status::tree_index::TrackRenames;

fn kind(mode: Mode) -> EntryKind {
    if mode == Mode::COMMIT {
        EntryKind::Submodule
    } else if mode == Mode::SYMLINK {
        EntryKind::Symlink
    } else {
        EntryKind::File
    }
}

/// Collects the content the next commit introduces.
pub fn staged_changes(repo: &Repo) -> Result<Changes, GitError> {
    let index_path = repo.index_path();
    let index = if index_path.exists() {
        gix::index::File::at(
            &index_path,
            repo.repo.object_hash(),
            false,
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
    let head_tree = repo
        .repo
        .head_tree_id_or_empty()
        .ctx(|| "reading HEAD".to_string())?
        .detach();
    let merge_trees = repo
        .merge_heads()?
        .into_iter()
        .map(|c| repo.commit_tree(c))
        .collect::<Result<Vec<_>, _>>()?;

    let mut pending: Vec<Change> = Vec::new();
    repo.repo
        .tree_index_status(
            &head_tree,
            &index,
            None,
            TrackRenames::Given(super::rewrites()),
            |change, _, _| {
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
        )
        .ctx(|| "comparing the index with HEAD".to_string())?;

    let mut changes = Changes::default();
    for change in pending {
        changes.add(repo, change, &merge_trees, &Origin::Staged)?;
    }
    Ok(changes)
}
