//! The credential-bearing files of a repository's git directory.
//!
//! `git remote add origin https://x-access-token:ghp_…@github.com/o/r.git`
//! puts a token in `.git/config`, and a fetch from such a URL writes it into
//! `FETCH_HEAD` and the reflogs; an agent reads them with `git remote -v` or
//! `cat`. So the git directory's text files are scanned like the working
//! tree: its config, `FETCH_HEAD`, reflogs, a credential store kept there,
//! hooks, and the same in submodules and linked worktrees. Objects, packs,
//! refs and the index are not: they hold committed content (which the
//! history scan covers) and names.

use super::{Blob, Content, Item};
use crate::cache::Stamp;
use crate::finding::Origin;
use std::path::{Path, PathBuf};

/// Directories of a git directory never read.
const SKIPPED_DIRS: &[&str] = &[
    "objects",
    "refs",
    "lfs",
    "rr-cache",
    "blastwall",
    "fsmonitor--daemon",
];

/// The git directories of the working tree at `root`: the one its `.git`
/// names (a directory, or a file `gitdir: …` in a linked worktree or
/// submodule) and, for a linked worktree, the common directory.
pub fn git_dirs(root: &Path) -> Vec<PathBuf> {
    let dot_git = root.join(".git");
    let git_dir = if dot_git.is_dir() {
        dot_git
    } else if let Ok(text) = std::fs::read_to_string(&dot_git) {
        match text.trim().strip_prefix("gitdir:") {
            Some(p) => root.join(p.trim()),
            None => return Vec::new(),
        }
    } else {
        return Vec::new();
    };
    let mut dirs = vec![git_dir.clone()];
    if let Ok(common) = std::fs::read_to_string(git_dir.join("commondir")) {
        dirs.push(git_dir.join(common.trim()));
    }
    dirs
}

/// Items for the text files of the git directories of `root`, shown
/// relative to `root` when inside it (`.git/config`), else by full path.
pub fn items(root: &Path, origin: &Origin, stamps: bool) -> Vec<Item<'static>> {
    let mut files = Vec::new();
    for dir in git_dirs(root) {
        collect(&dir, &mut files);
    }
    files.sort();
    files.dedup();
    files
        .into_iter()
        .map(|file| {
            let shown = match file.strip_prefix(root) {
                Ok(rel) => super::worktree::slash_path(rel),
                Err(_) => file.display().to_string(),
            };
            let stamp = if stamps {
                std::fs::metadata(&file).ok().map(|m| Stamp::of(&m))
            } else {
                None
            };
            let mut blob = Blob::new(shown, origin.clone(), Content::File(file));
            blob.stamp = stamp;
            Item::blob(blob)
        })
        .collect()
}

/// Adds the readable text files under `dir` (a git directory or one of its
/// subdirectories), skipping objects, refs and their kin.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(ft) = entry.file_type() else { continue };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if ft.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_ref()) {
                collect(&entry.path(), out);
            }
        } else if ft.is_file()
            && name != "index"
            && !name.ends_with(".lock")
            && !name.ends_with(".sample")
            && !name.ends_with(".pack")
            && !name.ends_with(".idx")
        {
            out.push(entry.path());
        }
    }
}
