//! A cache of files known to hold no findings, so the agent-reach check on
//! every commit costs little more than a `stat` per unchanged file.
//!
//! An entry is a path with its size, modification time and inode, and what
//! reading it found: nothing worth reporting, or binary content. A file
//! whose stamp still matches is not read again. The cache holds no content
//! and no secrets — only names of clean and binary files — and is dropped
//! whole when the rules, the config or blastwall change (its key). It lives
//! under the git directory, like git's own index.

use crate::tier::Tier;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const HEADER: &str = "blastwall-file-cache 2";

/// What a file held when it was last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Nothing at or above the cache's threshold.
    Clean,
    /// Not text (skipped as binary).
    Binary,
}

impl State {
    fn tag(self) -> char {
        match self {
            State::Clean => 'c',
            State::Binary => 'b',
        }
    }

    fn from_tag(t: &str) -> Option<State> {
        match t {
            "c" => Some(State::Clean),
            "b" => Some(State::Binary),
            _ => None,
        }
    }
}

/// What identifies a file's current version without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: i128,
    pub inode: u64,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let (mtime_ns, inode) = {
            use std::os::unix::fs::MetadataExt;
            (
                i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
                meta.ino(),
            )
        };
        #[cfg(not(unix))]
        let (mtime_ns, inode) = (
            meta.modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128),
            0,
        );
        Stamp {
            size: meta.len(),
            mtime_ns,
            inode,
        }
    }
}

/// Files that were clean, loaded from disk, plus the ones found clean now.
/// "Clean" means no finding at or above [`FileCache::matters_from`]: the
/// reach check ignores lower tiers, so a file of only low-tier matches costs
/// a `stat`, not a read, on the next commit.
#[derive(Debug)]
pub struct FileCache {
    known: HashMap<String, (Stamp, State)>,
    matters_from: Tier,
    clean_now: Mutex<Vec<(String, Stamp, State)>>,
    /// Files read this run and found worth reporting.
    dirty_now: Mutex<Vec<String>>,
    hits: AtomicUsize,
    changed: AtomicBool,
}

impl FileCache {
    /// Loads the cache at `path` if it was written under `key`; otherwise
    /// empty. Findings below `matters_from` do not make a file dirty.
    ///
    /// An entry whose file was modified no earlier than the cache itself was
    /// written is not trusted (git's racy-clean rule for its index): file
    /// times have the kernel clock's coarse granularity, so a file changed
    /// again within the same tick as the scan that recorded it keeps its
    /// stamp, and only its being as new as the cache gives it away.
    pub fn load(path: &Path, key: &str, matters_from: Tier) -> FileCache {
        let mut known = HashMap::new();
        let written_ns = std::fs::metadata(path)
            .ok()
            .map(|m| Stamp::of(&m).mtime_ns)
            .unwrap_or(i128::MIN);
        if let Ok(text) = std::fs::read_to_string(path) {
            let mut lines = text.lines();
            if lines.next() == Some(&format!("{HEADER} {key}")) {
                for line in lines {
                    let mut parts = line.splitn(5, ' ');
                    let (Some(size), Some(mtime), Some(ino), Some(state), Some(rel)) = (
                        parts.next(),
                        parts.next(),
                        parts.next(),
                        parts.next(),
                        parts.next(),
                    ) else {
                        continue;
                    };
                    if let (Ok(size), Ok(mtime_ns), Ok(inode), Some(state)) = (
                        size.parse(),
                        mtime.parse::<i128>(),
                        ino.parse(),
                        State::from_tag(state),
                    ) && mtime_ns < written_ns
                    {
                        let stamp = Stamp {
                            size,
                            mtime_ns,
                            inode,
                        };
                        known.insert(rel.to_string(), (stamp, state));
                    }
                }
            }
        }
        FileCache {
            known,
            matters_from,
            clean_now: Mutex::new(Vec::new()),
            dirty_now: Mutex::new(Vec::new()),
            hits: AtomicUsize::new(0),
            changed: AtomicBool::new(false),
        }
    }

    /// The lowest tier that makes a file worth reading every time.
    pub fn matters_from(&self) -> Tier {
        self.matters_from
    }

    /// Records a cache hit: `rel` is unchanged since it was found `state`.
    pub fn record_hit(&self, rel: &str, stamp: Stamp, state: State) {
        self.hits.fetch_add(1, Ordering::Relaxed);
        self.push(rel, stamp, state);
    }

    /// Records many hits at once (one lock for a whole directory).
    pub fn record_hits(&self, hits: Vec<(String, Stamp, State)>) {
        if hits.is_empty() {
            return;
        }
        self.hits.fetch_add(hits.len(), Ordering::Relaxed);
        self.clean_now
            .lock()
            .expect("no cache user panicked")
            .extend(hits);
    }

    fn push(&self, rel: &str, stamp: Stamp, state: State) {
        self.clean_now
            .lock()
            .expect("no cache user panicked")
            .push((rel.to_string(), stamp, state));
    }

    /// What `rel` held when last read, if its stamp is still this one.
    pub fn lookup(&self, rel: &str, stamp: Stamp) -> Option<State> {
        match self.known.get(rel) {
            Some((known, state)) if *known == stamp => Some(*state),
            _ => None,
        }
    }

    /// Whether `rel` was clean with this exact stamp.
    pub fn is_clean(&self, rel: &str, stamp: Stamp) -> bool {
        self.lookup(rel, stamp) == Some(State::Clean)
    }

    /// Records that `rel` was read and is clean now.
    pub fn record_clean(&self, rel: &str, stamp: Stamp) {
        self.record(rel, stamp, State::Clean);
    }

    /// Records that `rel` was read and found `state`.
    pub fn record(&self, rel: &str, stamp: Stamp, state: State) {
        self.changed.store(true, Ordering::Relaxed);
        self.push(rel, stamp, state);
    }

    /// Records that `rel` was read and holds something worth reporting.
    pub fn record_dirty(&self, rel: &str) {
        self.changed.store(true, Ordering::Relaxed);
        self.dirty_now
            .lock()
            .expect("no cache user panicked")
            .push(rel.to_string());
    }

    /// Whether anything read this run changes what the cache knows.
    pub fn changed(&self) -> bool {
        self.changed.load(Ordering::Relaxed)
    }

    /// Writes what a partial run (a few files, not the whole tree) learnt
    /// into the cache at `path`: known entries stay unless judged again.
    pub fn save_merged(&self, path: &Path, key: &str) -> std::io::Result<()> {
        let clean = self
            .clean_now
            .lock()
            .expect("no cache user panicked")
            .clone();
        let dirty = self
            .dirty_now
            .lock()
            .expect("no cache user panicked")
            .clone();
        let mut all = self.known.clone();
        for rel in &dirty {
            all.remove(rel);
        }
        all.extend(
            clean
                .into_iter()
                .map(|(rel, stamp, state)| (rel, (stamp, state))),
        );
        let mut entries: Vec<(String, Stamp, State)> = all
            .into_iter()
            .map(|(rel, (stamp, state))| (rel, stamp, state))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        self.write(path, key, entries)
    }

    /// How many files were known clean when loaded.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// Whether saving would change the file: something was read, or some
    /// known file was not seen again (deleted or now skipped).
    pub fn needs_save(&self) -> bool {
        self.changed.load(Ordering::Relaxed)
            || self.hits.load(Ordering::Relaxed) != self.known.len()
    }

    /// Writes the files found clean in this run, atomically.
    pub fn save(&self, path: &Path, key: &str) -> std::io::Result<()> {
        let mut entries = self
            .clean_now
            .lock()
            .expect("no cache user panicked")
            .clone();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        self.write(path, key, entries)
    }

    fn write(
        &self,
        path: &Path,
        key: &str,
        entries: Vec<(String, Stamp, State)>,
    ) -> std::io::Result<()> {
        let mut out = Vec::with_capacity(64 * entries.len() + 64);
        writeln!(out, "{HEADER} {key}")?;
        for (rel, s, state) in entries {
            if rel.contains('\n') {
                continue;
            }
            writeln!(
                out,
                "{} {} {} {} {rel}",
                s.size,
                s.mtime_ns,
                s.inode,
                state.tag()
            )?;
        }
        crate::atomic::write(path, &out, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_under_the_same_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c");
        let c = FileCache::load(&p, "k1", Tier::High);
        let s = Stamp {
            size: 3,
            mtime_ns: 42,
            inode: 7,
        };
        c.record_clean("a b/c.txt", s);
        c.save(&p, "k1").unwrap();
        let again = FileCache::load(&p, "k1", Tier::High);
        assert!(again.is_clean("a b/c.txt", s));
        assert!(!again.is_clean("a b/c.txt", Stamp { size: 4, ..s }));
        assert!(FileCache::load(&p, "k2", Tier::High).is_empty());
    }
}
