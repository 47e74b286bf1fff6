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

use super::dirs::Dir;
use super::{Blob, Content, Funnel, Item, Scanned, SkipReason, Skipped, SourceError, names};
use crate::cache::{FileCache, Kind, Stamp, State};
use crate::finding::Origin;
use rayon::prelude::*;
use std::ffi::{OsStr, OsString};
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
    cache: Option<&'w FileCache>,
}

/// A directory with more files than this to stamp is opened first.
const OPEN_FROM: usize = 4;

/// One directory entry as the walk sees it: from a fresh listing, or from
/// the cache's (with what the file held when last read).
struct Seen<'e> {
    name: &'e OsStr,
    kind: Kind,
    cached: Option<&'e crate::cache::Entry>,
}

/// What one directory contributes.
#[derive(Default)]
struct Found {
    items: Vec<Item<'static>>,
    clean: usize,
    subdirs: Vec<(OsString, String, bool)>,
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
            let stamp = self.walk.stamps.then(|| Stamp::of(&meta));
            let mut blob = Blob::new(
                path,
                self.walk.origin.clone(),
                Content::File(self.root.into()),
            );
            blob.stamp = stamp;
            return vec![Item::blob(blob)];
        }
        match Dir::open_root(self.root) {
            Ok(dir) => self.dir_items(dir, shown, false),
            Err(e) => vec![self.unreadable(shown.to_string(), &e)],
        }
    }

    /// The items of directory `dir`, shown as `shown`; in a skipped folder
    /// (`skipped`), only credential-store files.
    ///
    /// With a cache, a directory whose stamp is unchanged is not listed
    /// again, and a file whose stamp is unchanged is not read again.
    fn dir_items(&self, mut dir: Dir<'_>, shown: &str, skipped: bool) -> Vec<Item<'static>> {
        let mut found = Found::default();
        let cache = self.cache;
        let stamp = cache.and_then(|_| dir.stamp().ok());
        match cache
            .zip(stamp)
            .and_then(|(c, s)| c.listing(shown, s, skipped))
        {
            Some(entries) => {
                // Many files to stamp: open the directory, so each stat
                // resolves one name.
                let files = entries.iter().filter(|e| e.kind == Kind::File).count();
                if files > OPEN_FROM && !skipped {
                    let _ = dir.open();
                }
                for e in entries {
                    let seen = Seen {
                        name: OsStr::new(&*e.name),
                        kind: e.kind,
                        cached: Some(e),
                    };
                    self.visit(&dir, shown, skipped, seen, &mut found);
                }
            }
            None => {
                let listed = match dir.list() {
                    Ok(l) => l,
                    Err(e) => return vec![self.unreadable(shown.to_string(), &e)],
                };
                let mut record = Vec::new();
                for (name, kind) in &listed {
                    let text = name.to_str();
                    let keep = !skipped
                        || kind == &Kind::Dir
                        || (kind == &Kind::File
                            && names::is_credential_store(&join(shown, &name.to_string_lossy())));
                    if keep && let Some(text) = text {
                        record.push((text.to_string(), *kind));
                    }
                    let seen = Seen {
                        name,
                        kind: *kind,
                        cached: None,
                    };
                    self.visit(&dir, shown, skipped, seen, &mut found);
                }
                if let (Some(cache), Some(stamp)) = (cache, stamp)
                    && listed.iter().all(|(n, _)| n.to_str().is_some())
                {
                    record.sort_by(|a, b| a.0.cmp(&b.0));
                    cache.record_listing(shown, stamp, skipped, record);
                }
            }
        }
        let Found {
            mut items,
            clean,
            subdirs,
        } = found;
        if clean > 0 {
            items.push(Item::Clean(clean));
        }
        let sub = |(name, rel, skip): &(OsString, String, bool)| match dir.sub(name) {
            Ok(d) => self.dir_items(d, rel, *skip),
            Err(e) => vec![self.unreadable(rel.clone(), &e)],
        };
        if subdirs.len() <= 1 {
            // Not worth a worker thread.
            for s in &subdirs {
                items.extend(sub(s));
            }
        } else {
            items.par_extend(subdirs.par_iter().flat_map_iter(sub));
        }
        items
    }

    /// Decides what one entry of `dir` contributes.
    fn visit(&self, dir: &Dir<'_>, shown: &str, skipped: bool, seen: Seen<'_>, found: &mut Found) {
        let Seen { name, kind, cached } = seen;
        let is_git = name == ".git";
        match kind {
            Kind::Dir if is_git => {
                if !skipped {
                    found.items.extend(self.git_dir_items(dir, shown));
                }
            }
            Kind::Dir => {
                let skip = skipped
                    || self
                        .walk
                        .skip_dirs
                        .iter()
                        .any(|d| OsStr::new(d.as_str()) == name);
                let rel = join(shown, &name.to_string_lossy());
                found.subdirs.push((name.to_os_string(), rel, skip));
            }
            Kind::File => {
                if is_git && !skipped {
                    // A linked worktree or submodule: `.git` names its git dir.
                    found.items.extend(self.git_dir_items(dir, shown));
                }
                let rel = || join(shown, &name.to_string_lossy());
                if skipped && !names::is_credential_store(&rel()) {
                    return;
                }
                self.file_item(dir, shown, name, cached, rel, found);
            }
            Kind::Symlink if !skipped => {
                let rel = join(shown, &name.to_string_lossy());
                found
                    .items
                    .push(self.link_item(&dir.path().join(name), rel));
            }
            Kind::Other if !skipped => {
                let rel = join(shown, &name.to_string_lossy());
                found.items.push(skip_item(rel, SkipReason::Special, None));
            }
            Kind::Symlink | Kind::Other => {}
        }
    }

    fn git_dir_items(&self, dir: &Dir<'_>, shown: &str) -> Vec<Item<'static>> {
        super::gitdir::items(dir.path(), &self.walk.origin, self.walk.stamps)
            .into_iter()
            .map(|i| self.rebase(i, shown))
            .collect()
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

    /// A file: vouched for by the cache (counted clean, or named as
    /// binary), or a blob to read.
    fn file_item(
        &self,
        dir: &Dir<'_>,
        shown: &str,
        name: &OsStr,
        cached: Option<&crate::cache::Entry>,
        rel: impl Fn() -> String,
        found: &mut Found,
    ) {
        let stamp = if self.walk.stamps {
            dir.stat(name).ok()
        } else {
            None
        };
        let state = match (self.cache, stamp, cached) {
            (_, Some(stamp), Some(entry)) => entry.check(stamp),
            (Some(cache), Some(stamp), None) => {
                name.to_str().and_then(|n| cache.lookup_in(shown, n, stamp))
            }
            _ => None,
        };
        match state {
            Some(State::Clean) => found.clean += 1,
            Some(State::Binary) => found.items.push(skip_item(rel(), SkipReason::Binary, None)),
            None => {
                let mut blob = Blob::new(
                    rel(),
                    self.walk.origin.clone(),
                    Content::File(dir.path().join(name)),
                );
                blob.stamp = stamp;
                found.items.push(Item::blob(blob));
            }
        }
    }

    /// A symlink: read through when it points at a credential file (an
    /// agent reading the link reads the file), otherwise named as skipped.
    fn link_item(&self, path: &Path, rel: String) -> Item<'static> {
        let target = std::fs::read_link(path).unwrap_or_default();
        let resolved = std::fs::canonicalize(path).ok();
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
