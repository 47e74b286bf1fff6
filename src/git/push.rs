//! What `git push` is about to publish: every commit of every pushed ref
//! that the remote does not have yet, each judged by the lines it adds.
//!
//! Peers get this wrong in public: reading only the first line of the hook's
//! stdin, scanning the tip's files (so a secret added then deleted slips
//! through), or nothing at all under the pre-commit framework. Here every
//! ref is read; a deletion scans nothing; every other ref scans the commits
//! not reachable from the remote's tracking refs nor from the sha the remote
//! reports for that ref (`remote..local`, minus what the remote already has
//! through other branches). Each commit is compared with its first parent,
//! and a merge contributes only the lines new to every parent.

use super::{Change, Changes, Context, EntryKind, GitError, Repo};
use crate::finding::Origin;
use gix::ObjectId;
use gix::object::tree::diff::{Action, Change as TreeChange};
use std::collections::HashSet;

/// One line of git's pre-push input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    pub local_ref: String,
    /// All zeros when the ref is being deleted.
    pub local: ObjectId,
    pub remote_ref: String,
    /// All zeros when the remote does not have the ref yet.
    pub remote: ObjectId,
}

/// Parses git's pre-push stdin: `<local ref> <local sha> <remote ref> <remote sha>` per line.
pub fn parse_updates(input: &str) -> Result<Vec<RefUpdate>, GitError> {
    let mut out = Vec::new();
    for (n, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [local_ref, local, remote_ref, remote] = fields[..] else {
            return Err(GitError::new(
                "reading the pre-push input",
                format!(
                    "line {} is not `<local ref> <local sha> <remote ref> <remote sha>`: {line:?}",
                    n + 1
                ),
            ));
        };
        let id = |s: &str| {
            ObjectId::from_hex(s.as_bytes())
                .ctx(|| format!("reading the pre-push input, line {}", n + 1))
        };
        out.push(RefUpdate {
            local_ref: local_ref.to_string(),
            local: id(local)?,
            remote_ref: remote_ref.to_string(),
            remote: id(remote)?,
        });
    }
    Ok(out)
}

/// Commits (oldest first) that pushing `updates` to `remote` publishes.
pub fn commits_to_push(
    repo: &Repo,
    remote: &str,
    updates: &[RefUpdate],
) -> Result<Vec<ObjectId>, GitError> {
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut out = Vec::new();
    for u in updates {
        if u.local.is_null() {
            continue; // deleting a ref publishes nothing
        }
        let tip = match repo.peel_to_commit(u.local) {
            Ok(c) => c,
            // Pushing a tag of a tree or blob publishes no commit; its
            // content is not reachable as a change, so nothing to diff.
            Err(_) if is_non_commit(repo, u.local) => continue,
            Err(e) => return Err(e),
        };
        // What the remote is known to have: its tracking refs, and the sha
        // it reports for this ref when this clone has that commit. A commit
        // reachable from either was published already.
        let mut hidden: Vec<ObjectId> = remote_tips(repo, remote)?;
        if !u.remote.is_null() && repo.has_object(u.remote) {
            hidden.push(repo.peel_to_commit(u.remote)?);
        }
        let walk = repo
            .repo
            .rev_walk([tip])
            .with_hidden(hidden)
            .all()
            .ctx(|| format!("listing the commits of {}", u.local_ref))?;
        let mut these = Vec::new();
        for info in walk {
            let info = info.ctx(|| format!("walking the commits of {}", u.local_ref))?;
            if seen.insert(info.id) {
                these.push(info.id);
            }
        }
        these.reverse();
        out.extend(these);
    }
    Ok(out)
}

fn is_non_commit(repo: &Repo, id: ObjectId) -> bool {
    repo.repo
        .find_object(id)
        .ok()
        .and_then(|o| o.peel_tags_to_end().ok())
        .is_some_and(|o| o.kind != gix::object::Kind::Commit)
}

/// Commits at the tips of `refs/remotes/<remote>/*`: what the remote is known to have.
pub fn remote_tips(repo: &Repo, remote: &str) -> Result<Vec<ObjectId>, GitError> {
    let prefix = format!("refs/remotes/{remote}/");
    let refs = repo
        .repo
        .references()
        .ctx(|| "reading references".to_string())?;
    let mut out = Vec::new();
    for r in refs
        .prefixed(prefix.as_str())
        .ctx(|| format!("reading {prefix}*"))?
    {
        let mut r = r.ctx(|| format!("reading {prefix}*"))?;
        if let Ok(id) = r.peel_to_id()
            && let Ok(c) = repo.peel_to_commit(id.detach())
        {
            out.push(c);
        }
    }
    Ok(out)
}

/// Every commit reachable from `tip` (the whole history a first push sends).
pub fn all_commits(repo: &Repo, tip: ObjectId) -> Result<Vec<ObjectId>, GitError> {
    let tip = repo.peel_to_commit(tip)?;
    let walk = repo
        .repo
        .rev_walk([tip])
        .all()
        .ctx(|| "walking history".to_string())?;
    let mut out = Vec::new();
    for info in walk {
        out.push(info.ctx(|| "walking history".to_string())?.id);
    }
    out.reverse();
    Ok(out)
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

/// The content `commit` introduces relative to its first parent (or the
/// empty tree for a root commit); for a merge, only lines new to every parent.
pub fn commit_changes(
    repo: &Repo,
    commit: ObjectId,
    cache: &mut gix::diff::blob::Platform,
) -> Result<Changes, GitError> {
    let c = repo
        .repo
        .find_commit(commit)
        .ctx(|| format!("reading commit {commit}"))?;
    let tree = c.tree().ctx(|| format!("reading the tree of {commit}"))?;
    let parents: Vec<ObjectId> = c.parent_ids().map(|p| p.detach()).collect();
    let date = c.time().ok().map(|t| {
        t.format(gix::date::time::format::ISO8601_STRICT)
            .unwrap_or_default()
    });
    let origin = Origin::Commit {
        id: commit.to_string(),
        date,
    };
    let first = match parents.first() {
        Some(p) => repo
            .repo
            .find_tree(repo.commit_tree(*p)?)
            .ctx(|| format!("reading the tree of {p}"))?,
        None => repo.repo.empty_tree(),
    };
    let other_trees = parents[parents.len().min(1)..]
        .iter()
        .map(|p| repo.commit_tree(*p))
        .collect::<Result<Vec<_>, _>>()?;

    let mut pending: Vec<Change> = Vec::new();
    first
        .changes()
        .ctx(|| format!("diffing {commit}"))?
        .options(|o| {
            o.track_path().track_rewrites(Some(super::rewrites()));
        })
        .for_each_to_obtain_tree_with_cache(&tree, cache, |change| {
            match change {
                TreeChange::Addition {
                    location,
                    entry_mode,
                    id,
                    ..
                } if !entry_mode.is_tree() => pending.push(Change::new(
                    super::path_text(location),
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
                } if !entry_mode.is_tree() => pending.push(
                    Change::new(super::path_text(location), kind(entry_mode), id.detach())
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
                } if !entry_mode.is_tree() => pending.push(
                    Change::new(super::path_text(location), kind(entry_mode), id.detach())
                        .against(source_id.detach(), is_file(source_entry_mode))
                        .renamed_from(super::path_text(source_location)),
                ),
                _ => {}
            }
            Ok(Action::Continue(()))
        })
        .ctx(|| format!("diffing {commit}"))?;
    cache.clear_resource_cache_keep_allocation();

    let mut changes = Changes::default();
    for change in pending {
        changes.add(repo, change, &other_trees, &origin)?;
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_line() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let input = format!(
            "refs/heads/main {a} refs/heads/main {z}\nrefs/heads/old {z} refs/heads/old {a}\n"
        );
        let u = parse_updates(&input).unwrap();
        assert_eq!(u.len(), 2);
        assert!(u[0].remote.is_null());
        assert!(u[1].local.is_null());
        assert!(parse_updates("garbage\n").is_err());
        assert!(parse_updates("").unwrap().is_empty());
    }
}
