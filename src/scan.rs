//! Scanning files on disk: the walk behind `blastwall scan`.
//!
//! Unlike most scanners this includes git-ignored and untracked files by
//! default: an agent in the directory can read them (`.env`!). It skips `.git`
//! and dependency/build folders, never follows symlinks (so nothing outside
//! the scanned roots is read), skips binary and oversized files, and counts
//! every skip by reason so that a scan that read nothing never looks clean.

use crate::cache::{FileCache, Stamp};
use crate::engine::{Engine, EngineError};
use crate::finding::Finding;
use ignore::{WalkBuilder, WalkState};
use serde::Serialize;
use std::collections::HashSet;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Bytes inspected for a NUL to call a file binary (git uses the same rule).
pub const BINARY_SNIFF_BYTES: usize = 8000;

/// How to walk.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Directory names never descended into (besides `.git`).
    pub skip_dirs: Vec<String>,
    /// Files larger than this are skipped and counted.
    pub max_file_size: u64,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Files known clean by stamp are not read again (agent-reach check).
    pub cache: Option<Arc<FileCache>>,
}

/// Files skipped, by reason.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SkipCounts {
    pub binary: u64,
    pub too_large: u64,
    pub symlink: u64,
    pub unreadable: u64,
    pub allowlisted: u64,
    pub special: u64,
}

impl SkipCounts {
    pub fn total(&self) -> u64 {
        self.binary
            + self.too_large
            + self.symlink
            + self.unreadable
            + self.allowlisted
            + self.special
    }

    pub fn add(&mut self, other: &SkipCounts) {
        self.binary += other.binary;
        self.too_large += other.too_large;
        self.symlink += other.symlink;
        self.unreadable += other.unreadable;
        self.allowlisted += other.allowlisted;
        self.special += other.special;
    }

    /// "2 binary, 1 too large" (non-zero reasons only).
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            (self.binary, "binary"),
            (self.too_large, "too large"),
            (self.symlink, "symlink"),
            (self.unreadable, "unreadable"),
            (self.allowlisted, "allowlisted"),
            (self.special, "not a regular file"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        parts.join(", ")
    }
}

/// What a scan read.
#[derive(Debug, Default, Clone)]
pub struct ScanStats {
    pub files: u64,
    pub bytes: u64,
    pub skipped: SkipCounts,
    /// Files that could not be read, with the reason.
    pub errors: Vec<String>,
    /// Files not read because the cache knows them unchanged and clean.
    pub cached: u64,
}

impl ScanStats {
    pub fn merge(&mut self, other: ScanStats) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.skipped.add(&other.skipped);
        self.errors.extend(other.errors);
        self.cached += other.cached;
    }
}

/// Findings plus what was read.
#[derive(Debug, Default)]
pub struct ScanOutcome {
    pub findings: Vec<Finding>,
    pub stats: ScanStats,
}

/// Why a scan could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("cannot scan {path}: {message}")]
    Root { path: PathBuf, message: String },
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// Is this file binary? A NUL byte near the start, as git decides.
pub fn looks_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_SNIFF_BYTES)]).is_some()
}

/// Scans every file under `roots`.
///
/// Finding paths are relative to their root, `/`-separated; when the root is
/// not `.`, [`Finding::path`] is prefixed with the root as given, so findings
/// from several roots stay distinguishable.
pub fn scan_paths(
    engine: &Engine,
    roots: &[PathBuf],
    opts: &ScanOptions,
) -> Result<ScanOutcome, ScanError> {
    for root in roots {
        if let Err(e) = std::fs::metadata(root) {
            return Err(ScanError::Root {
                path: root.clone(),
                message: e.to_string(),
            });
        }
        if root.is_dir()
            && let Err(e) = std::fs::read_dir(root)
        {
            return Err(ScanError::Root {
                path: root.clone(),
                message: e.to_string(),
            });
        }
    }
    let Some((first, rest)) = roots.split_first() else {
        return Ok(ScanOutcome::default());
    };
    let skip: Arc<HashSet<OsString>> = Arc::new(
        opts.skip_dirs
            .iter()
            .map(OsString::from)
            .chain(std::iter::once(OsString::from(".git")))
            .collect(),
    );
    let mut builder = WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        opts.threads
    };
    builder
        .standard_filters(false)
        .hidden(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry({
            let skip = Arc::clone(&skip);
            move |e| {
                e.depth() == 0
                    || !(skip.contains(e.file_name())
                        && e.file_type()
                            .is_some_and(|t| t.is_dir() || e.file_name() == ".git"))
            }
        });
    let shared = Mutex::new(Shared::default());
    builder.build_parallel().run(|| {
        let mut worker = Worker {
            engine,
            roots,
            max_file_size: opts.max_file_size,
            cache: opts.cache.as_deref(),
            buf: Vec::new(),
            local: Shared::default(),
            shared: &shared,
        };
        Box::new(move |entry| worker.visit(entry))
    });
    let shared = shared.into_inner().expect("no scan worker panicked");
    if let Some(e) = shared.failure {
        return Err(e.into());
    }
    let mut findings = shared.findings;
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule).cmp(&(&b.path, b.line, b.column, &b.rule))
    });
    let mut stats = shared.stats;
    stats.errors.sort();
    Ok(ScanOutcome { findings, stats })
}

#[derive(Default)]
struct Shared {
    findings: Vec<Finding>,
    stats: ScanStats,
    failure: Option<EngineError>,
}

struct Worker<'a> {
    engine: &'a Engine,
    roots: &'a [PathBuf],
    max_file_size: u64,
    cache: Option<&'a FileCache>,
    buf: Vec<u8>,
    local: Shared,
    shared: &'a Mutex<Shared>,
}

impl Worker<'_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) -> WalkState {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                self.local.stats.skipped.unreadable += 1;
                self.local.stats.errors.push(err.to_string());
                return WalkState::Continue;
            }
        };
        let Some(ft) = entry.file_type() else {
            return WalkState::Continue;
        };
        if ft.is_dir() {
            return WalkState::Continue;
        }
        let rel = self.relative(entry.path());
        if ft.is_symlink() {
            self.local.stats.skipped.symlink += 1;
            return WalkState::Continue;
        }
        if !ft.is_file() {
            self.local.stats.skipped.special += 1;
            return WalkState::Continue;
        }
        if self.engine.allow.path_allowed(&rel) {
            self.local.stats.skipped.allowlisted += 1;
            return WalkState::Continue;
        }
        let stamp = match self.cache {
            Some(cache) => match entry.metadata() {
                Ok(meta) => {
                    let stamp = Stamp::of(&meta);
                    if cache.is_clean(&rel, stamp) {
                        cache.record_hit(&rel, stamp);
                        self.local.stats.cached += 1;
                        return WalkState::Continue;
                    }
                    Some((cache, stamp))
                }
                Err(_) => None,
            },
            None => None,
        };
        match self.read(entry.path()) {
            Err(e) => {
                self.local.stats.skipped.unreadable += 1;
                self.local
                    .stats
                    .errors
                    .push(format!("{}: {e}", entry.path().display()));
            }
            Ok(false) => self.local.stats.skipped.too_large += 1,
            Ok(true) => {
                if looks_binary(&self.buf) {
                    self.local.stats.skipped.binary += 1;
                    return WalkState::Continue;
                }
                self.local.stats.files += 1;
                self.local.stats.bytes += self.buf.len() as u64;
                match self.engine.scan(&rel, &self.buf) {
                    Ok(found) => {
                        if let Some((cache, stamp)) = stamp
                            && found.iter().all(|f| f.tier < cache.matters_from())
                        {
                            cache.record_clean(&rel, stamp);
                        }
                        // Below the cache's threshold nothing is reported either,
                        // so a cached and a freshly read file give the same result.
                        let keep_from = self.cache.map(FileCache::matters_from);
                        self.local.findings.extend(
                            found
                                .into_iter()
                                .filter(|f| keep_from.is_none_or(|t| f.tier >= t)),
                        )
                    }
                    Err(e) => {
                        self.local.failure = Some(e);
                        return WalkState::Quit;
                    }
                }
            }
        }
        WalkState::Continue
    }

    /// Reads `path` into the reused buffer; `Ok(false)` when it is too large.
    fn read(&mut self, path: &Path) -> std::io::Result<bool> {
        let mut file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        if len > self.max_file_size {
            return Ok(false);
        }
        self.buf.clear();
        self.buf.reserve(len as usize + 1);
        // Read at most one byte past the limit so a file that grew is caught.
        (&mut file)
            .take(self.max_file_size + 1)
            .read_to_end(&mut self.buf)?;
        Ok(self.buf.len() as u64 <= self.max_file_size)
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

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        let mut shared = self.shared.lock().expect("no scan worker panicked");
        shared.findings.extend(local.findings);
        shared.stats.merge(local.stats);
        if shared.failure.is_none() {
            shared.failure = local.failure;
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

    #[test]
    fn binary_sniff() {
        assert!(looks_binary(b"abc\0def"));
        assert!(!looks_binary(b"abc\xff\xfe"));
        let mut late = vec![b'a'; BINARY_SNIFF_BYTES];
        late.push(0);
        assert!(!looks_binary(&late));
    }
}
