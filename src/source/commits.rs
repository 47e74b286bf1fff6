//! Published git content: commits (the lines each adds, and its message),
//! and what pushed refs point at (ref names, annotated-tag messages, and a
//! tag's blob or tree, published whole). Shared by `pre-push`,
//! `pre-receive` and `ci`, which differ only in how they find the commits.

use super::{Blob, Content, Item, Lines, Loaded, SkipReason, Skipped};
use crate::finding::Origin;
use crate::git::commit::{Peeled, Target};
use crate::git::{Change, EntryKind, GitError, ObjectId, Objects, Repo};
use std::sync::Arc;

/// A pushed ref and what it points at.
#[derive(Debug, Clone)]
pub struct PushedRef {
    pub name: String,
    pub peeled: Peeled,
}

/// The item that scans one changed path: its new content, judged by the
/// lines it adds (against `other_parents` too, for a merge).
pub fn change_item<'o>(
    objects: &'o Objects,
    change: Change,
    other_parents: &Arc<Vec<ObjectId>>,
    origin: Origin,
) -> Option<Item<'o>> {
    let skip = |reason| {
        Some(Item::Skip(Skipped {
            path: change.path.clone(),
            reason,
            detail: None,
        }))
    };
    match change.kind {
        EntryKind::Symlink => return skip(SkipReason::Symlink),
        EntryKind::Submodule => return skip(SkipReason::Submodule),
        EntryKind::File if change.is_content_unchanged() => return None,
        EntryKind::File => {}
    }
    let new = change.new;
    let lines = if change.old.is_none() && other_parents.is_empty() {
        Lines::All
    } else {
        let others = Arc::clone(other_parents);
        let change = change.clone();
        Lines::Prepared(Box::new(move || {
            let as_text = super::text::as_text;
            let previous = objects
                .previous(&change, &as_text)
                .map_err(|e| e.to_string())?;
            let judge: super::LineJudge<'o> = Box::new(move |data: &[u8]| {
                objects
                    .added_lines(&change, data, previous, &others, &as_text)
                    .map_err(|e| e.to_string())
            });
            Ok(judge)
        }))
    };
    let mut blob = Blob::new(change.path, origin, object(objects, new));
    blob.lines = lines;
    Some(Item::blob(blob))
}

/// A git blob, read when the funnel wants it.
pub fn object(objects: &Objects, id: ObjectId) -> Content<'_> {
    Content::Object(Box::new(move |limit| {
        match objects.load(id, limit).map_err(|e| e.to_string())? {
            Ok(data) => Ok(Loaded::Data(data)),
            Err(size) => Ok(Loaded::TooLarge(size)),
        }
    }))
}

/// Text published alongside content (a message, a ref name).
fn text_item<'o>(path: String, origin: Origin, text: Vec<u8>) -> Item<'o> {
    Item::blob(Blob::new(path, origin, Content::Bytes(text)))
}

/// Everything `commits` publish: each change, and each message.
pub fn commit_items<'o>(
    repo: &Repo,
    objects: &'o Objects,
    commits: &[ObjectId],
) -> Result<Vec<Item<'o>>, GitError> {
    let mut differ = repo.differ()?;
    let mut items = Vec::new();
    for &commit in commits {
        let info = differ.commit(commit)?;
        let origin = Origin::Commit {
            id: info.id.to_string(),
            date: info.date.clone(),
        };
        let others = Arc::new(info.other_parent_trees);
        items.extend(
            info.changes
                .into_iter()
                .filter_map(|c| change_item(objects, c, &others, origin.clone())),
        );
        items.push(text_item(
            "(commit message)".to_string(),
            origin,
            info.message,
        ));
    }
    Ok(items)
}

/// What pushed refs publish besides commits: their names, the messages of
/// annotated tags, and a blob or tree a tag points at (whole).
pub fn ref_items<'o>(
    repo: &Repo,
    objects: &'o Objects,
    refs: &[PushedRef],
) -> Result<Vec<Item<'o>>, GitError> {
    let mut items = Vec::new();
    for r in refs {
        let origin = Origin::Ref {
            name: r.name.clone(),
        };
        items.push(text_item(
            "(ref name)".to_string(),
            origin.clone(),
            r.name.clone().into_bytes(),
        ));
        for tag in &r.peeled.tags {
            items.push(text_item(
                format!("(message of tag {})", tag.name),
                origin.clone(),
                tag.message.clone(),
            ));
        }
        match r.peeled.target {
            Target::Commit(_) => {}
            Target::Blob(id) => items.push(Item::blob(Blob::new(
                format!("{}:", r.name),
                origin,
                object(objects, id),
            ))),
            Target::Tree(tree) => {
                for file in repo.tree_files(tree)? {
                    let change = Change {
                        path: format!("{}:{}", r.name, file.path),
                        kind: file.kind,
                        new: file.id,
                        old: None,
                        source_path: None,
                    };
                    items.extend(change_item(
                        objects,
                        change,
                        &Arc::new(Vec::new()),
                        origin.clone(),
                    ));
                }
            }
        }
    }
    Ok(items)
}
