//! Files on disk: the walk behind `blastwall scan` and the agent-reach check.
//!
//! Unlike most scanners this includes git-ignored and untracked files: an
//! agent in the directory can read them (`.env`!), and the text files of a
//! repository's git directory (`.git/config` holds remote URLs, tokens
//! included; see [`super::gitdir`]). Dependency and build folders are not
//! scanned, except for files named like credential stores
//! (`deploy/target/prod.env`). Symlinks are never followed into directories,
//! so nothing outside the scanned roots is walked; a link to a credential
//! file (`creds -> ~/.aws/credentials`) is read through, because an agent
//! reading the link reads the file. Every file not read is named.

use super::{Blob, Content, Funnel, Item, Scanned, SkipReason, Skipped, SourceError, names};
use crate::cache::Stamp;
use crate::finding::Origin;
use rayon::prelude::*;
use std::fs::DirEntry;
use std::path::{Path, PathBuf};

/// How to walk.
#[derive(Debug, Clone)]
pub struct Walk {
    /// Directory names not scanned (besides `.git`), except for
    /// credential-store files inside them.
    pub skip_dirs: Vec<String>,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// The origin findings get (`File` for a scan, `Worktree` for reach).
    pub origin: Origin,
    /// Give each file its stat stamp, for a clean-file cache.
    pub stamps: bool,
    /// Shown before every path (a subdirectory walked on its own, shown
    /// relative to the repository root as the cache knows it).
    pub prefix: String,
}

/// Why a walk could not start.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("cannot scan {}: {message}", path.display())]
    Root { path: PathBuf, message: String },
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
}

/// Scans every file under `roots` through `funnel`.
///
/// Finding paths are relative to their root, `/`-separated; with several
/// roots, each path is prefixed with its root as given, so findings from
/// different roots stay distinguishable.
pub fn scan(funnel: &Funnel<'_>, roots: &[PathBuf], walk: &Walk) -> Result<Scanned, WalkError> {
    for root in roots {
        check_root(root)?;
    }
    let run = || -> Result<Scanned, WalkError> {
        let items: Vec<Item<'static>> = roots
            .iter()
            .flat_map(|root| {
                let shown = match shown_root(root, roots.len()) {
                    s if walk.prefix.is_empty() => s,
                    s if s.is_empty() => walk.prefix.clone(),
                    s => format!("{}/{s}", walk.prefix),
                };
                Walker {
                    walk,
                    root,
                    cache: funnel.cache(),
                }
                .root_items(&shown)
            })
            .collect();
        Ok(funnel.scan(items)?)
    };
    if walk.threads == 0 {
        return run();
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(walk.threads)
        .build()
        .map_err(|e| WalkError::Threads {
            threads: walk.threads,
            message: e.to_string(),
        })?
        .install(run)
}

fn check_root(root: &Path) -> Result<(), WalkError> {
    let fail = |e: std::io::Error| WalkError::Root {
        path: root.to_path_buf(),
        message: e.to_string(),
    };
    let meta = std::fs::metadata(root).map_err(fail)?;
    if meta.is_dir() {
        std::fs::read_dir(root).map_err(fail)?;
    }
    Ok(())
}

/// The prefix paths under `root` are shown with: nothing for a single
/// root or `.`, else the root as given.
fn shown_root(root: &Path, roots: usize) -> String {
    let s = slash_path(root);
    if roots == 1 || s.is_empty() || s == "." {
        String::new()
    } else {
        s.trim_end_matches('/').to_string()
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

struct Walker<'w> {
    walk: &'w Walk,
    root: &'w Path,
    cache: Option<&'w crate::cache::FileCache>,
}

impl Walker<'_> {
    /// Everything under the root (a directory or a single file).
    fn root_items(&self, shown: &str) -> Vec<Item<'static>> {
        let meta = match std::fs::symlink_metadata(self.root) {
            Ok(m) => m,
            Err(e) => return vec![self.unreadable(shown.to_string(), &e)],
        };
        if !meta.is_dir() {
            // A file given as a root is shown as given.
            let path = slash_path(self.root);
            let path = path.trim_start_matches("./").to_string();
            let mut hits = Vec::new();
            let item = self.file_item(path, self.root.to_path_buf(), None, &mut hits);
            if let Some(cache) = self.cache {
                cache.record_hits(hits);
            }
            return vec![item];
        }
        self.dir_items(self.root, shown, false)
    }

    /// The items of directory `dir`, shown as `shown`; in a skipped folder
    /// (`skipped`), only credential-store files.
    fn dir_items(&self, dir: &Path, shown: &str, skipped: bool) -> Vec<Item<'static>> {
        let entries = match std::fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => return vec![self.unreadable(shown.to_string(), &e)],
        };
        let mut items = Vec::new();
        let mut hits = Vec::new();
        let mut subdirs: Vec<(PathBuf, String, bool)> = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    items.push(self.unreadable(shown.to_string(), &e));
                    continue;
                }
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = join(shown, &name);
            let Ok(ft) = entry.file_type() else {
                continue;
            };
            if name == ".git" && ft.is_file() && !skipped {
                // A linked worktree or submodule: `.git` names its git dir.
                items.extend(
                    super::gitdir::items(dir, &self.walk.origin, self.walk.stamps)
                        .into_iter()
                        .map(|i| self.rebase(i, shown)),
                );
            }
            if ft.is_dir() {
                if name == ".git" {
                    if !skipped {
                        items.extend(
                            super::gitdir::items(dir, &self.walk.origin, self.walk.stamps)
                                .into_iter()
                                .map(|i| self.rebase(i, shown)),
                        );
                    }
                    continue;
                }
                let skip = skipped || self.walk.skip_dirs.contains(&name);
                subdirs.push((entry.path(), rel, skip));
            } else if ft.is_symlink() {
                if !skipped {
                    items.push(self.link_item(&entry, rel));
                }
            } else if ft.is_file() {
                if !skipped || names::is_credential_store(&rel) {
                    items.push(self.file_item(rel, entry.path(), Some(&entry), &mut hits));
                }
            } else if !skipped {
                items.push(skip_item(rel, SkipReason::Special, None));
            }
        }
        if let Some(cache) = self.cache {
            cache.record_hits(hits);
        }
        if subdirs.len() <= 1 {
            // Not worth a worker thread.
            for (path, rel, skip) in &subdirs {
                items.extend(self.dir_items(path, rel, *skip));
            }
        } else {
            items.par_extend(
                subdirs
                    .par_iter()
                    .flat_map_iter(|(path, rel, skip)| self.dir_items(path, rel, *skip)),
            );
        }
        items
    }

    /// Git-dir items are shown relative to the directory that holds `.git`;
    /// prefix them with where that directory is shown.
    fn rebase(&self, item: Item<'static>, shown: &str) -> Item<'static> {
        match item {
            Item::Blob(mut b) if !Path::new(&b.path).is_absolute() => {
                b.path = join(shown, &b.path);
                Item::Blob(b)
            }
            other => other,
        }
    }

    /// A file: known to the cache (the hit goes into `hits`), or a blob to read.
    fn file_item(
        &self,
        rel: String,
        path: PathBuf,
        entry: Option<&DirEntry>,
        hits: &mut Vec<(String, Stamp, crate::cache::State)>,
    ) -> Item<'static> {
        let stamp = if self.walk.stamps {
            let meta = match entry {
                Some(e) => e.metadata(),
                None => std::fs::metadata(&path),
            };
            meta.ok().map(|m| Stamp::of(&m))
        } else {
            None
        };
        if let (Some(cache), Some(stamp)) = (self.cache, stamp)
            && let Some(state) = cache.lookup(&rel, stamp)
        {
            let shown = match state {
                crate::cache::State::Binary => rel.clone(),
                crate::cache::State::Clean => String::new(),
            };
            hits.push((rel, stamp, state));
            return Item::Known { path: shown, state };
        }
        let mut blob = Blob::new(rel, self.walk.origin.clone(), Content::File(path));
        blob.stamp = stamp;
        Item::blob(blob)
    }

    /// A symlink: read through when it points at a credential file (an
    /// agent reading the link reads the file), otherwise named as skipped.
    fn link_item(&self, entry: &DirEntry, rel: String) -> Item<'static> {
        let path = entry.path();
        let target = std::fs::read_link(&path).unwrap_or_default();
        let resolved = std::fs::canonicalize(&path).ok();
        let is_store = names::is_credential_store(&rel)
            || names::is_credential_store(&slash_path(&target))
            || resolved
                .as_deref()
                .is_some_and(|r| names::is_credential_store(&slash_path(r)));
        match resolved {
            Some(real) if is_store && real.is_file() => {
                let mut blob =
                    Blob::new(rel, self.walk.origin.clone(), Content::File(real.clone()));
                blob.note = Some(format!(
                    "read through a symlink to {}",
                    crate::report::escape::path(&real.display().to_string())
                ));
                Item::blob(blob)
            }
            _ => skip_item(rel, SkipReason::Symlink, None),
        }
    }

    fn unreadable(&self, shown: String, e: &dyn std::fmt::Display) -> Item<'static> {
        let shown = if shown.is_empty() {
            slash_path(self.root)
        } else {
            shown
        };
        skip_item(shown, SkipReason::Unreadable, Some(e.to_string()))
    }
}

fn skip_item(path: String, reason: SkipReason, detail: Option<String>) -> Item<'static> {
    Item::Skip(Skipped {
        path,
        reason,
        detail,
    })
}

/// A path as `/`-separated text, without a leading `./`.
pub fn slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let joined = parts.join("/");
    if path.has_root() && !joined.starts_with('/') {
        format!("/{joined}")
    } else {
        joined.replace("//", "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slash_paths() {
        assert_eq!(slash_path(Path::new("./a/b.txt")), "a/b.txt");
        assert_eq!(slash_path(Path::new("a")), "a");
        assert_eq!(slash_path(Path::new("/x/y")), "/x/y");
        assert_eq!(slash_path(Path::new(".")), "");
    }
}
