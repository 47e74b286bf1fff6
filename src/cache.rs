//! What the agent-reach check learnt last time, so the check on every
//! commit costs little more than a `stat` per unchanged file.
//!
//! Two things are remembered, both keyed by path and checked against the
//! file system's own stamps before use:
//!
//! - **files**: a file's size, modification time and inode, and what
//!   reading it found (nothing worth reporting, or binary content). A file
//!   whose stamp still matches is not read again.
//! - **directory listings**: a directory's names and kinds, with the
//!   directory's stamp. Creating, deleting or renaming an entry changes the
//!   directory's modification time, so a directory whose stamp still
//!   matches need not be listed again (git's untracked cache works the same
//!   way). A listing of a skipped folder (`node_modules/`) holds only what
//!   the walk looks at there: subdirectories and credential-store files.
//!
//! The cache holds no content and no secrets — only names of clean and
//! binary files and of directories — and is dropped whole when the rules,
//! the config or blastwall change (its key). It lives under the git
//! directory, like git's own index.
//!
//! **Racy entries.** File times have the granularity of the kernel's coarse
//! clock (and whole seconds on some file systems), so a file changed again
//! in the same tick as the walk that recorded it keeps its stamp. Like
//! git's racy-clean rule, an entry is trusted only if its modification time
//! is safely older than the start of the walk that recorded it; a younger
//! one is read (or listed) again next time.

use crate::tier::Tier;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

const HEADER: &str = "blastwall-file-cache 3";

/// How much older than the walk an entry must be to be trusted, on file
/// systems with nanosecond times: the coarse clock lags the real one by at
/// most a scheduler tick (10 ms at 100 Hz).
const RACY_NS: i128 = 50_000_000;
/// The same where times look whole milliseconds or seconds (FAT, HFS+,
/// ext3, some network file systems): two seconds covers FAT's granularity.
const RACY_COARSE_NS: i128 = 2_000_000_000;

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

    fn from_tag(t: u8) -> Option<State> {
        match t {
            b'c' => Some(State::Clean),
            b'b' => Some(State::Binary),
            _ => None,
        }
    }
}

/// What a directory entry is, as a listing records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    /// A socket, FIFO or device.
    Other,
}

impl Kind {
    fn tag(self) -> char {
        match self {
            Kind::File => 'f',
            Kind::Dir => 'd',
            Kind::Symlink => 'l',
            Kind::Other => 'o',
        }
    }

    fn from_tag(t: u8) -> Option<Kind> {
        match t {
            b'f' => Some(Kind::File),
            b'd' => Some(Kind::Dir),
            b'l' => Some(Kind::Symlink),
            b'o' => Some(Kind::Other),
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

    /// Whether a change made after `started_ns` could leave this stamp as
    /// it is (see the module's notes on racy entries).
    fn is_racy(&self, started_ns: i128) -> bool {
        let margin = if self.mtime_ns % 1_000_000 == 0 {
            RACY_COARSE_NS
        } else {
            RACY_NS
        };
        self.mtime_ns.saturating_add(margin) >= started_ns
    }
}

/// One entry of a directory as last seen: its name and kind, and for a
/// file, what reading it found at which stamp.
#[derive(Debug)]
pub struct Entry {
    pub name: Box<str>,
    pub kind: Kind,
    known: Option<(Stamp, State)>,
    /// Looked up this run with a matching stamp.
    hit: AtomicBool,
}

impl Entry {
    /// What the file held, if its stamp is still `stamp` (recorded as used).
    pub fn check(&self, stamp: Stamp) -> Option<State> {
        match self.known {
            Some((known, state)) if known == stamp => {
                self.hit.store(true, Ordering::Relaxed);
                Some(state)
            }
            _ => None,
        }
    }
}

/// A directory listing trusted as current while the directory's stamp is
/// unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Listed {
    stamp: Stamp,
    /// Only what a walk of a skipped folder keeps (subdirectories and
    /// credential-store files).
    partial: bool,
}

/// What the cache knows of one directory.
#[derive(Debug)]
struct DirRecord {
    listed: Option<Listed>,
    /// Sorted by name: the listing when there is one, else the files with
    /// a known state.
    entries: Vec<Entry>,
    /// Its listing was used this run.
    visited: AtomicBool,
}

impl DirRecord {
    fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| (*e.name).cmp(name))
            .ok()
            .map(|i| &self.entries[i])
    }
}

/// Seeded per process: path names come from the repository, so a fixed
/// hash could be made to collide.
type Map<V> = HashMap<Box<str>, V, foldhash::fast::RandomState>;

/// A fresh listing: the directory, its stamp, its names and kinds.
type Relisted = (String, Listed, Vec<(String, Kind)>);

/// What is written for one directory: its listing, and its entries by name
/// with what each file held.
type DirOut = (
    Option<Listed>,
    BTreeMap<String, (Kind, Option<(Stamp, State)>)>,
);

/// The cache as loaded, plus what this run learnt. "Clean" means no finding
/// at or above [`FileCache::matters_from`]: the reach check ignores lower
/// tiers, so a file of only low-tier matches costs a `stat`, not a read, on
/// the next commit.
#[derive(Debug)]
pub struct FileCache {
    dirs: Map<DirRecord>,
    matters_from: Tier,
    /// When this run started (nanoseconds since the epoch): the racy-entry
    /// threshold for what it records.
    started_ns: i128,
    /// Files read this run and found clean or binary.
    recorded: Mutex<Vec<(String, Stamp, State)>>,
    /// Files read this run and found worth reporting.
    dirty: Mutex<Vec<String>>,
    /// Directories listed afresh this run.
    listed: Mutex<Vec<Relisted>>,
    changed: AtomicBool,
}

/// A directory rel path and a name within it.
fn split(rel: &str) -> (&str, &str) {
    match rel.rfind('/') {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => ("", rel),
    }
}

fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

impl FileCache {
    /// Loads the cache at `path` if it was written under `key`; otherwise
    /// empty. Findings below `matters_from` do not make a file dirty.
    /// Entries the walk that recorded them could have seen half-changed
    /// are dropped (see the module's notes on racy entries).
    pub fn load(path: &Path, key: &str, matters_from: Tier) -> FileCache {
        let started_ns = now_ns();
        let dirs = std::fs::read(path)
            .ok()
            .and_then(|bytes| parse(&bytes, key))
            .unwrap_or_default();
        FileCache {
            dirs,
            matters_from,
            started_ns,
            recorded: Mutex::new(Vec::new()),
            dirty: Mutex::new(Vec::new()),
            listed: Mutex::new(Vec::new()),
            changed: AtomicBool::new(false),
        }
    }

    /// The lowest tier that makes a file worth reading every time.
    pub fn matters_from(&self) -> Tier {
        self.matters_from
    }

    /// The entries of directory `dir` as last listed, if its stamp is still
    /// `stamp` and the listing suits the walk (a partial one only a walk of
    /// a skipped folder). Recorded as used.
    pub fn listing(&self, dir: &str, stamp: Stamp, skipped: bool) -> Option<&[Entry]> {
        let record = self.dirs.get(dir)?;
        let listed = record.listed?;
        if listed.stamp != stamp || (listed.partial && !skipped) {
            return None;
        }
        record.visited.store(true, Ordering::Relaxed);
        Some(&record.entries)
    }

    /// Records a fresh listing of `dir` (taken at directory stamp `stamp`).
    /// Names that are not plain text on one line are not cached: the
    /// directory is listed again next time.
    pub fn record_listing(
        &self,
        dir: &str,
        stamp: Stamp,
        skipped: bool,
        entries: Vec<(String, Kind)>,
    ) {
        self.changed.store(true, Ordering::Relaxed);
        if dir.contains('\n') || entries.iter().any(|(n, _)| n.contains('\n')) {
            return;
        }
        let listed = Listed {
            stamp,
            partial: skipped,
        };
        self.listed.lock().expect("no cache user panicked").push((
            dir.to_string(),
            listed,
            entries,
        ));
    }

    /// What `name` in directory `dir` held when last read, if its stamp is
    /// still `stamp` (recorded as used).
    pub fn lookup_in(&self, dir: &str, name: &str, stamp: Stamp) -> Option<State> {
        self.dirs.get(dir)?.entry(name)?.check(stamp)
    }

    /// What `rel` held when last read, if its stamp is still this one.
    pub fn lookup(&self, rel: &str, stamp: Stamp) -> Option<State> {
        let (dir, name) = split(rel);
        self.lookup_in(dir, name, stamp)
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
        self.recorded
            .lock()
            .expect("no cache user panicked")
            .push((rel.to_string(), stamp, state));
    }

    /// Records that `rel` was read and holds something worth reporting. A
    /// file the cache did not hold changes nothing: it is read every time.
    pub fn record_dirty(&self, rel: &str) {
        let (dir, name) = split(rel);
        let was_known = self
            .dirs
            .get(dir)
            .and_then(|d| d.entry(name))
            .is_some_and(|e| e.known.is_some());
        if was_known {
            self.changed.store(true, Ordering::Relaxed);
        }
        self.dirty
            .lock()
            .expect("no cache user panicked")
            .push(rel.to_string());
    }

    /// Whether anything read or listed this run changes what the cache knows.
    pub fn changed(&self) -> bool {
        self.changed.load(Ordering::Relaxed)
    }

    /// How many files were known when loaded.
    pub fn len(&self) -> usize {
        self.dirs
            .values()
            .map(|d| d.entries.iter().filter(|e| e.known.is_some()).count())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a save after a whole walk would change the file: something
    /// was read or listed, or something known was not seen again (deleted,
    /// changed, or now skipped).
    pub fn needs_save(&self) -> bool {
        self.changed()
            || self.dirs.values().any(|d| {
                (d.listed.is_some() && !d.visited.load(Ordering::Relaxed))
                    || d.entries
                        .iter()
                        .any(|e| e.known.is_some() && !e.hit.load(Ordering::Relaxed))
            })
    }

    /// Writes what a whole walk saw, atomically: what was known and seen
    /// again, and what this run learnt.
    pub fn save(&self, path: &Path, key: &str) -> std::io::Result<()> {
        self.write(path, key, false)
    }

    /// Writes what a partial run (a few files, not the whole tree) learnt
    /// into the cache at `path`: known entries stay unless judged again.
    pub fn save_merged(&self, path: &Path, key: &str) -> std::io::Result<()> {
        self.write(path, key, true)
    }

    fn write(&self, path: &Path, key: &str, keep_unseen: bool) -> std::io::Result<()> {
        let out = self.merged(keep_unseen);
        let mut text = Vec::with_capacity(48 * out.values().map(|d| d.1.len() + 1).sum::<usize>());
        writeln!(text, "{HEADER} {key} {}", self.started_ns)?;
        for (dir, (listed, entries)) in &out {
            match listed {
                Some(l) => writeln!(
                    text,
                    "d {} {} {} {} {dir}",
                    l.stamp.size,
                    l.stamp.mtime_ns,
                    l.stamp.inode,
                    if l.partial { 'p' } else { 'a' }
                )?,
                None => writeln!(text, "d 0 0 0 - {dir}")?,
            }
            for (name, (kind, known)) in entries {
                match known {
                    Some((s, state)) => writeln!(
                        text,
                        "{}{} {} {} {} {name}",
                        kind.tag(),
                        state.tag(),
                        s.size,
                        s.mtime_ns,
                        s.inode
                    )?,
                    None => writeln!(text, "{}- {name}", kind.tag())?,
                }
            }
        }
        crate::atomic::write(path, &text, None)
    }

    /// What to write: per directory, its listing and its entries.
    fn merged(&self, keep_unseen: bool) -> BTreeMap<String, DirOut> {
        let mut out: BTreeMap<String, DirOut> = BTreeMap::new();
        let seen = |e: &Entry| keep_unseen || e.hit.load(Ordering::Relaxed);
        for (dir, record) in &self.dirs {
            let visited = record.visited.load(Ordering::Relaxed);
            let listed = record.listed.filter(|_| keep_unseen || visited);
            let entries: BTreeMap<String, _> = record
                .entries
                .iter()
                .filter_map(|e| {
                    let known = e.known.filter(|_| seen(e));
                    (listed.is_some() || known.is_some())
                        .then(|| (e.name.to_string(), (e.kind, known)))
                })
                .collect();
            if listed.is_some() || !entries.is_empty() {
                out.insert(dir.to_string(), (listed, entries));
            }
        }
        let listed = self.listed.lock().expect("no cache user panicked");
        for (dir, l, names) in listed.iter() {
            let old = self.dirs.get(dir.as_str());
            let entries = names
                .iter()
                .map(|(name, kind)| {
                    // A file looked up in the old record during the walk
                    // keeps its state.
                    let known = old
                        .and_then(|o| o.entry(name))
                        .filter(|e| e.hit.load(Ordering::Relaxed))
                        .and_then(|e| e.known);
                    (name.clone(), (*kind, known))
                })
                .collect();
            out.insert(dir.clone(), (Some(*l), entries));
        }
        for (rel, stamp, state) in self.recorded.lock().expect("no cache user panicked").iter() {
            if rel.contains('\n') {
                continue;
            }
            let (dir, name) = split(rel);
            let (listed, entries) = out.entry(dir.to_string()).or_default();
            match entries.get_mut(name) {
                Some(e) => e.1 = Some((*stamp, *state)),
                None => {
                    // Not in the listing: the listing is out of date.
                    *listed = None;
                    entries.insert(name.to_string(), (Kind::File, Some((*stamp, *state))));
                }
            }
        }
        for rel in self.dirty.lock().expect("no cache user panicked").iter() {
            let (dir, name) = split(rel);
            if let Some((_, entries)) = out.get_mut(dir)
                && let Some(e) = entries.get_mut(name)
            {
                e.1 = None;
            }
        }
        // Without a listing, only files with a state are worth keeping.
        for (listed, entries) in out.values_mut() {
            if listed.is_none() {
                entries.retain(|_, e| e.1.is_some());
            }
        }
        out.retain(|_, (l, e)| l.is_some() || !e.is_empty());
        out
    }
}

/// The cache at a path, loaded on first use: an agent's call that touches a
/// few files reads them faster than it could load the whole tree's cache,
/// so only a walk (a search, `grep -r`) pays for it.
#[derive(Debug)]
pub struct LazyCache {
    path: Option<std::path::PathBuf>,
    key: String,
    matters_from: Tier,
    cell: std::sync::OnceLock<Option<FileCache>>,
}

impl LazyCache {
    /// A cache to load from `path` (none without a path).
    pub fn new(path: Option<std::path::PathBuf>, key: String, matters_from: Tier) -> LazyCache {
        LazyCache {
            path,
            key,
            matters_from,
            cell: std::sync::OnceLock::new(),
        }
    }

    /// Whether there is a cache to use.
    pub fn exists(&self) -> bool {
        self.path.is_some()
    }

    /// The cache, loading it now if it was not yet.
    pub fn get(&self) -> Option<&FileCache> {
        self.cell
            .get_or_init(|| {
                self.path
                    .as_ref()
                    .map(|p| FileCache::load(p, &self.key, self.matters_from))
            })
            .as_ref()
    }

    /// Writes what this run learnt, if the cache was used and learnt
    /// anything; known entries stay unless judged again.
    pub fn save_merged(&self) -> std::io::Result<()> {
        match (self.cell.get().and_then(Option::as_ref), &self.path) {
            (Some(cache), Some(path)) if cache.changed() => cache.save_merged(path, &self.key),
            _ => Ok(()),
        }
    }
}

/// Reads a cache file written under `key`; `None` if it is another
/// version's, another key's, or damaged (the cache is then rebuilt).
fn parse(bytes: &[u8], key: &str) -> Option<Map<DirRecord>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.lines();
    let mut head = lines.next()?.rsplitn(2, ' ');
    let started_ns: i128 = head.next()?.parse().ok()?;
    if head.next()? != format!("{HEADER} {key}") {
        return None;
    }
    let mut dirs: Map<DirRecord> = Map::default();
    let mut current: Option<(&str, DirRecord)> = None;
    let finish = |current: Option<(&str, DirRecord)>, dirs: &mut Map<DirRecord>| {
        if let Some((dir, record)) = current
            && (record.listed.is_some() || !record.entries.is_empty())
        {
            dirs.insert(dir.into(), record);
        }
    };
    for line in lines {
        let b = line.as_bytes();
        if b.len() < 3 {
            return None;
        }
        if b[0] == b'd' && b[1] == b' ' {
            finish(current.take(), &mut dirs);
            let mut parts = line[2..].splitn(5, ' ');
            let stamp = stamp(&mut parts)?;
            let listed = match parts.next()? {
                "a" => Some(false),
                "p" => Some(true),
                "-" => None,
                _ => return None,
            };
            let dir = parts.next()?;
            let listed = listed
                .filter(|_| !stamp.is_racy(started_ns))
                .map(|partial| Listed { stamp, partial });
            current = Some((
                dir,
                DirRecord {
                    listed,
                    entries: Vec::new(),
                    visited: AtomicBool::new(false),
                },
            ));
            continue;
        }
        let (_, record) = current.as_mut()?;
        let kind = Kind::from_tag(b[0])?;
        let (known, name) = if b[1] == b'-' {
            (None, line.get(3..)?)
        } else {
            let state = State::from_tag(b[1])?;
            let mut parts = line[3..].splitn(4, ' ');
            let stamp = stamp(&mut parts)?;
            let name = parts.next()?;
            let known = (!stamp.is_racy(started_ns)).then_some((stamp, state));
            (known, name)
        };
        if record.listed.is_some() || known.is_some() {
            record.entries.push(Entry {
                name: name.into(),
                kind,
                known,
                hit: AtomicBool::new(false),
            });
        }
    }
    finish(current.take(), &mut dirs);
    for record in dirs.values_mut() {
        if !record.entries.is_sorted_by(|a, b| a.name < b.name) {
            return None;
        }
    }
    Some(dirs)
}

fn stamp<'a>(parts: &mut impl Iterator<Item = &'a str>) -> Option<Stamp> {
    Some(Stamp {
        size: parts.next()?.parse().ok()?,
        mtime_ns: parts.next()?.parse::<i64>().ok()?.into(),
        inode: parts.next()?.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn old(size: u64) -> Stamp {
        Stamp {
            size,
            mtime_ns: 1_700_000_000_123_456_789,
            inode: 7,
        }
    }

    #[test]
    fn round_trip_under_the_same_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c");
        let c = FileCache::load(&p, "k1", Tier::High);
        let s = old(3);
        c.record_clean("a b/c.txt", s);
        c.save(&p, "k1").unwrap();
        let again = FileCache::load(&p, "k1", Tier::High);
        assert!(again.is_clean("a b/c.txt", s));
        assert!(!again.is_clean("a b/c.txt", Stamp { size: 4, ..s }));
        assert!(FileCache::load(&p, "k2", Tier::High).is_empty());
    }

    #[test]
    fn listings_round_trip_and_need_the_same_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c");
        let c = FileCache::load(&p, "k", Tier::High);
        let d = old(4096);
        c.record_listing(
            "src",
            d,
            false,
            vec![("a.rs".into(), Kind::File), ("sub".into(), Kind::Dir)],
        );
        c.record("src/a.rs", old(10), State::Clean);
        c.save(&p, "k").unwrap();
        let again = FileCache::load(&p, "k", Tier::High);
        let entries = again.listing("src", d, false).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].check(old(10)), Some(State::Clean));
        assert_eq!(entries[1].kind, Kind::Dir);
        assert!(
            again
                .listing("src", Stamp { size: 1, ..d }, false)
                .is_none()
        );
        // Nothing changed and everything was seen: no save needed.
        assert!(!again.needs_save());
    }

    #[test]
    fn a_partial_listing_serves_only_skipped_walks() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c");
        let c = FileCache::load(&p, "k", Tier::High);
        c.record_listing("node_modules", old(1), true, vec![("x".into(), Kind::Dir)]);
        c.save(&p, "k").unwrap();
        let again = FileCache::load(&p, "k", Tier::High);
        assert!(again.listing("node_modules", old(1), false).is_none());
        assert!(again.listing("node_modules", old(1), true).is_some());
    }

    #[test]
    fn racy_entries_are_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c");
        let started: i128 = 1_800_000_000_000_000_000;
        let line = |mtime: i128, name: &str| format!("fc 5 {mtime} 1 {name}\n");
        let text = [
            format!("{HEADER} k {started}\nd 0 0 0 - \n"),
            // Fine-grained times: a tick before the walk is trusted.
            line(started - 60_000_000 + 1, "aged"),
            line(started - 10_000_000 + 1, "same-tick"),
            line(started + 1, "after"),
            // Whole-second times: two seconds of margin.
            line(started - 1_000_000_000, "coarse"),
            line(started - 3_000_000_000, "coarse-aged"),
        ]
        .concat();
        std::fs::write(&p, text).unwrap();
        let c = FileCache::load(&p, "k", Tier::High);
        let s = |mtime| Stamp {
            size: 5,
            mtime_ns: mtime,
            inode: 1,
        };
        assert!(c.is_clean("aged", s(started - 60_000_000 + 1)));
        assert!(!c.is_clean("same-tick", s(started - 10_000_000 + 1)));
        assert!(!c.is_clean("after", s(started + 1)));
        assert!(!c.is_clean("coarse", s(started - 1_000_000_000)));
        assert!(c.is_clean("coarse-aged", s(started - 3_000_000_000)));
    }

    #[test]
    fn a_file_missing_from_its_listing_drops_the_listing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c");
        let c = FileCache::load(&p, "k", Tier::High);
        c.record_listing("", old(1), false, vec![("a".into(), Kind::File)]);
        c.record("b", old(2), State::Clean);
        c.save(&p, "k").unwrap();
        let again = FileCache::load(&p, "k", Tier::High);
        assert!(again.listing("", old(1), false).is_none());
        assert!(again.is_clean("b", old(2)));
    }

    #[test]
    fn damaged_files_are_dropped_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c");
        std::fs::write(&p, format!("{HEADER} k 99\nd 1 2 3 a \nzz nonsense\n")).unwrap();
        assert!(FileCache::load(&p, "k", Tier::High).is_empty());
        std::fs::write(&p, [0xff, 0xfe]).unwrap();
        assert!(FileCache::load(&p, "k", Tier::High).is_empty());
    }
}
