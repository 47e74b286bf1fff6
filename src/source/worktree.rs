//! Files on disk: the walk behind `blastwall scan` and the agent-reach check.
//!
//! Unlike most scanners this includes git-ignored and untracked files: an
//! agent in the directory can read them (`.env`!). It skips `.git` and
//! dependency/build folders, never follows symlinks (so nothing outside the
//! scanned roots is read), and names every file it does not read.

use super::{Blob, Content, Funnel, Item, Lines, Scanned, SkipReason, Skipped, SourceError};
use crate::cache::Stamp;
use crate::finding::Origin;
use ignore::{WalkBuilder, WalkState};
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How to walk.
#[derive(Debug, Clone)]
pub struct Walk {
    /// Directory names never descended into (besides `.git`).
    pub skip_dirs: Vec<String>,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// The origin findings get (`File` for a scan, `Worktree` for reach).
    pub origin: Origin,
    /// Give each file its stat stamp, for a clean-file cache.
    pub stamps: bool,
}

/// Why a walk could not start.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("cannot scan {}: {message}", path.display())]
    Root { path: PathBuf, message: String },
    #[error(transparent)]
    Source(#[from] SourceError),
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
    let Some((first, rest)) = roots.split_first() else {
        return Ok(Scanned::default());
    };
    let skip: Arc<HashSet<OsString>> = Arc::new(
        walk.skip_dirs
            .iter()
            .map(OsString::from)
            .chain(std::iter::once(OsString::from(".git")))
            .collect(),
    );
    let mut builder = WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    let threads = if walk.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        walk.threads
    };
    builder
        .standard_filters(false)
        .hidden(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(move |e| {
            e.depth() == 0
                || !(skip.contains(e.file_name())
                    && e.file_type()
                        .is_some_and(|t| t.is_dir() || e.file_name() == ".git"))
        });
    let results: Mutex<Vec<Result<Scanned, SourceError>>> = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        let mut worker = Worker {
            lane: Some(funnel.lane()),
            roots,
            walk,
            results: &results,
        };
        Box::new(move |entry| worker.visit(entry))
    });
    let mut out = Scanned::default();
    for r in results.into_inner().expect("no walk worker panicked") {
        out.merge(r?);
    }
    Ok(out.sorted())
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

struct Worker<'w, 'f, 'a> {
    lane: Option<super::Lane<'f, 'a>>,
    roots: &'w [PathBuf],
    walk: &'w Walk,
    results: &'w Mutex<Vec<Result<Scanned, SourceError>>>,
}

impl Worker<'_, '_, '_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) -> WalkState {
        if self.lane.is_none() {
            return WalkState::Quit;
        }
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = match &err {
                    ignore::Error::WithPath { path, .. } => self.relative(path),
                    _ => String::from("(unknown)"),
                };
                self.push(Item::Skip(Skipped {
                    path,
                    reason: SkipReason::Unreadable,
                    detail: Some(err.to_string()),
                }));
                return WalkState::Continue;
            }
        };
        let Some(ft) = entry.file_type() else {
            return WalkState::Continue;
        };
        if ft.is_dir() {
            return WalkState::Continue;
        }
        let path = self.relative(entry.path());
        let skip = |reason| {
            Item::Skip(Skipped {
                path: path.clone(),
                reason,
                detail: None,
            })
        };
        let item = if ft.is_symlink() {
            skip(SkipReason::Symlink)
        } else if !ft.is_file() {
            skip(SkipReason::Special)
        } else {
            let stamp = if self.walk.stamps {
                entry.metadata().ok().map(|m| Stamp::of(&m))
            } else {
                None
            };
            Item::Blob(Blob {
                path: path.clone(),
                origin: self.walk.origin.clone(),
                content: Content::File(entry.into_path()),
                lines: Lines::All,
                stamp,
            })
        };
        self.push(item)
    }

    fn push(&mut self, item: Item<'_>) -> WalkState {
        match self.lane.as_mut() {
            Some(lane) => {
                lane.push(item);
                if lane.failed() {
                    WalkState::Quit
                } else {
                    WalkState::Continue
                }
            }
            None => WalkState::Quit,
        }
    }

    /// `path` relative to the root it was found under, `/`-separated.
    fn relative(&self, path: &Path) -> String {
        for root in self.roots {
            if let Ok(rel) = path.strip_prefix(root) {
                let rel = slash_path(rel);
                let root_s = slash_path(root);
                if rel.is_empty() {
                    // The root is a file itself.
                    return root_s.trim_start_matches("./").to_string();
                }
                return if root_s == "." || root_s.is_empty() || self.roots.len() == 1 {
                    rel
                } else {
                    format!("{}/{rel}", root_s.trim_end_matches('/'))
                };
            }
        }
        slash_path(path)
    }
}

impl Drop for Worker<'_, '_, '_> {
    fn drop(&mut self) {
        if let Some(lane) = self.lane.take() {
            self.results
                .lock()
                .expect("no walk worker panicked")
                .push(lane.finish());
        }
    }
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
