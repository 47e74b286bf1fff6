//! Sources: where the bytes to scan come from, and the one funnel every one
//! of them goes through on the way to the engine.
//!
//! A producer (the working tree, the index, pushed or received commits,
//! history, the home directory and environment, an agent's tool call) only
//! says *what* there is: a [`Blob`] with a path, an origin, a way to read its
//! content and which of its lines count. The [`Funnel`] alone decides what
//! happens next, the same way for every command: the path allowlist, the
//! size limit, binary and text-encoding detection, the engine, keeping only
//! findings on the lines that count, stamping the origin, and counting every
//! file it read or skipped, by name and reason. A scan that read nothing can
//! therefore never look clean, whichever command ran it.

pub mod chunks;
pub mod commits;
mod dirs;
pub mod gitdir;
pub mod history;
pub mod home;
pub mod names;
pub mod pushed;
pub mod range;
pub mod received;
pub mod staged;
pub mod text;
pub mod worktree;

use crate::cache::{FileCache, Stamp, State as CacheState};
use crate::engine::{Engine, EngineError};
use crate::finding::{Finding, Origin};
use crate::lines::LineSet;
use rayon::prelude::*;
use serde::Serialize;
use std::io::Read;
use std::path::PathBuf;

/// Something to scan.
pub struct Blob<'a> {
    /// Repository- or root-relative, `/`-separated; what reports show.
    pub path: String,
    pub origin: Origin,
    pub content: Content<'a>,
    /// Which lines findings must touch to count.
    pub lines: Lines<'a>,
    /// The file's stat stamp, when it came from disk and a clean-file cache
    /// may vouch for it.
    pub stamp: Option<Stamp>,
    /// Said of every finding in it (e.g. "a symlink to ~/.aws/credentials").
    pub note: Option<String>,
}

impl<'a> Blob<'a> {
    /// A blob of `content` at `path`, every line counting.
    pub fn new(path: impl Into<String>, origin: Origin, content: Content<'a>) -> Blob<'a> {
        Blob {
            path: path.into(),
            origin,
            content,
            lines: Lines::All,
            stamp: None,
            note: None,
        }
    }
}

/// How to get a blob's bytes.
pub enum Content<'a> {
    /// Already in memory.
    Bytes(Vec<u8>),
    /// A file on disk, read by the funnel (an unreadable file is a skip,
    /// not a failure: files come and go under a running scan).
    File(PathBuf),
    /// An object read on demand (a git blob); given the size limit, it
    /// reports a larger object without reading it. Failing to read one is a
    /// failure, never a skip: it is what is being published.
    Object(Loader<'a>),
}

impl<'a> Item<'a> {
    pub fn blob(blob: Blob<'a>) -> Item<'a> {
        Item::Blob(Box::new(blob))
    }
}

/// Reads an object given the size limit (see [`Content::Object`]).
pub type Loader<'a> = Box<dyn FnOnce(u64) -> Result<Loaded, String> + Send + 'a>;

/// Works out which lines of a text count (see [`Lines::Added`]).
pub type LineJudge<'a> = Box<dyn FnOnce(&[u8]) -> Result<LineSet, String> + Send + 'a>;

/// What an [`Content::Object`] loader found.
pub enum Loaded {
    Data(Vec<u8>),
    TooLarge(u64),
}

/// Which lines of a blob count.
pub enum Lines<'a> {
    /// Every line (a file on disk, a new file).
    All,
    /// Only these (known in advance).
    Only(LineSet),
    /// Worked out from the text once it is read (added lines against the
    /// previous version); an error fails the scan.
    Added(LineJudge<'a>),
    /// As `Added`, with a first step run before the content is read (reading
    /// the previous version, so that a large one is dropped before the new
    /// one is loaded).
    Prepared(Box<dyn FnOnce() -> Result<LineJudge<'a>, String> + Send + 'a>),
}

/// Why something was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    Binary,
    TooLarge,
    Symlink,
    Submodule,
    Unreadable,
    Allowlisted,
    /// A FIFO, socket or device.
    Special,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too large",
            SkipReason::Symlink => "symlink",
            SkipReason::Submodule => "submodule",
            SkipReason::Unreadable => "unreadable",
            SkipReason::Allowlisted => "allowlisted",
            SkipReason::Special => "not a regular file",
        }
    }
}

/// One thing not scanned, named so that every summary can say so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
    /// More about why (the error for an unreadable file, the size limit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Counts of skipped things, by reason.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SkipCounts {
    pub binary: u64,
    pub too_large: u64,
    pub symlink: u64,
    pub submodule: u64,
    pub unreadable: u64,
    pub allowlisted: u64,
    pub special: u64,
}

impl SkipCounts {
    fn slot(&mut self, reason: SkipReason) -> &mut u64 {
        match reason {
            SkipReason::Binary => &mut self.binary,
            SkipReason::TooLarge => &mut self.too_large,
            SkipReason::Symlink => &mut self.symlink,
            SkipReason::Submodule => &mut self.submodule,
            SkipReason::Unreadable => &mut self.unreadable,
            SkipReason::Allowlisted => &mut self.allowlisted,
            SkipReason::Special => &mut self.special,
        }
    }

    fn pairs(&self) -> [(u64, SkipReason); 7] {
        [
            (self.binary, SkipReason::Binary),
            (self.too_large, SkipReason::TooLarge),
            (self.symlink, SkipReason::Symlink),
            (self.submodule, SkipReason::Submodule),
            (self.unreadable, SkipReason::Unreadable),
            (self.allowlisted, SkipReason::Allowlisted),
            (self.special, SkipReason::Special),
        ]
    }

    pub fn total(&self) -> u64 {
        self.pairs().iter().map(|(n, _)| n).sum()
    }

    pub fn add(&mut self, other: &SkipCounts) {
        for (n, reason) in other.pairs() {
            *self.slot(reason) += n;
        }
    }

    /// "2 binary, 1 too large" (non-zero reasons only).
    pub fn describe(&self) -> String {
        self.pairs()
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, r)| format!("{n} {}", r.describe()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a scan read and skipped.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub files: u64,
    pub bytes: u64,
    /// Lines that counted (every line of a file; added lines of a change).
    pub lines: u64,
    /// Files not read because the clean-file cache vouches for them.
    pub cached: u64,
    pub skipped: SkipCounts,
    /// Every skipped thing, by name.
    pub skips: Vec<Skipped>,
}

impl Stats {
    pub fn merge(&mut self, other: Stats) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.lines += other.lines;
        self.cached += other.cached;
        self.skipped.add(&other.skipped);
        self.skips.extend(other.skips);
    }

    /// Records a skip.
    pub fn skip(&mut self, path: impl Into<String>, reason: SkipReason, detail: Option<String>) {
        *self.skipped.slot(reason) += 1;
        self.skips.push(Skipped {
            path: path.into(),
            reason,
            detail,
        });
    }

    /// The errors behind unreadable files, for people.
    pub fn errors(&self) -> Vec<String> {
        self.skips
            .iter()
            .filter(|s| s.reason == SkipReason::Unreadable)
            .map(|s| match &s.detail {
                Some(d) => format!("{}: {d}", s.path),
                None => s.path.clone(),
            })
            .collect()
    }
}

/// Findings plus what was read.
#[derive(Debug, Default)]
pub struct Scanned {
    pub findings: Vec<Finding>,
    pub stats: Stats,
}

impl Scanned {
    pub fn merge(&mut self, other: Scanned) {
        self.findings.extend(other.findings);
        self.stats.merge(other.stats);
    }

    /// Findings in report order: by path, position, rule.
    fn sorted(mut self) -> Scanned {
        self.findings.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.rule).cmp(&(&b.path, b.line, b.column, &b.rule))
        });
        self.stats
            .skips
            .sort_by(|a, b| (&a.path, a.reason).cmp(&(&b.path, b.reason)));
        self
    }
}

/// Why a scan stopped.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// Content that must be scanned could not be read (a git object).
    #[error("{0}")]
    Read(String),
}

/// Size limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Larger blobs are skipped and named.
    pub max_size: u64,
}

/// The one path from blobs to findings.
pub struct Funnel<'a> {
    engine: &'a Engine,
    limits: Limits,
    cache: Option<&'a FileCache>,
    count_lines: bool,
}

impl<'a> Funnel<'a> {
    pub fn new(engine: &'a Engine, limits: Limits) -> Funnel<'a> {
        Funnel {
            engine,
            limits,
            cache: None,
            count_lines: false,
        }
    }

    /// Counts the lines of whole files too (hooks report lines examined;
    /// a tree scan does not pay for a second pass over every byte).
    pub fn counting_lines(mut self) -> Funnel<'a> {
        self.count_lines = true;
        self
    }

    /// Files whose stamp the cache vouches for are not read; files found
    /// clean are recorded in it. Findings below the cache's threshold are
    /// not reported either, so a cached and a freshly read file give the
    /// same result.
    pub fn with_cache(mut self, cache: Option<&'a FileCache>) -> Funnel<'a> {
        self.cache = cache;
        self
    }

    pub fn engine(&self) -> &'a Engine {
        self.engine
    }

    /// The clean-file cache, if the funnel uses one.
    pub fn cache(&self) -> Option<&'a FileCache> {
        self.cache
    }

    /// A lane: one thread's worth of scanning state.
    pub fn lane(&self) -> Lane<'_, 'a> {
        Lane {
            funnel: self,
            buf: Vec::new(),
            out: Scanned::default(),
            failure: None,
        }
    }

    /// Scans `items` in parallel: blobs, and things a producer already
    /// knows it cannot scan. A handful are scanned on this thread: starting
    /// worker threads costs more than a hook's few files.
    pub fn scan(&self, items: Vec<Item<'_>>) -> Result<Scanned, SourceError> {
        if items.len() <= 2 {
            let mut lane = self.lane();
            for item in items {
                lane.push(item);
            }
            return lane.finish();
        }
        items
            .into_par_iter()
            .fold(
                || self.lane(),
                |mut lane, item| {
                    lane.push(item);
                    lane
                },
            )
            .map(Lane::finish)
            .try_reduce(Scanned::default, |mut a, b| {
                a.merge(b);
                Ok(a)
            })
            .map(Scanned::sorted)
    }
}

/// A producer's output: a blob, something it already knows it cannot
/// scan, or a file the clean-file cache vouches for (the walk looks it up
/// itself, so an unchanged file costs a `stat` and nothing more).
pub enum Item<'a> {
    /// Boxed: a list of items should not be as wide as a blob.
    Blob(Box<Blob<'a>>),
    Skip(Skipped),
    /// This many files the cache vouches for as clean.
    Clean(usize),
}

/// One thread's scanning state: a reused read buffer and local results.
pub struct Lane<'f, 'a> {
    funnel: &'f Funnel<'a>,
    buf: Vec<u8>,
    out: Scanned,
    failure: Option<SourceError>,
}

impl Lane<'_, '_> {
    /// Scans or records one item; after a failure, further items are ignored.
    pub fn push(&mut self, item: Item<'_>) {
        if self.failure.is_some() {
            return;
        }
        let result = match item {
            Item::Blob(blob) => self.scan(*blob),
            Item::Skip(s) => {
                self.out.stats.skip(s.path, s.reason, s.detail);
                Ok(())
            }
            Item::Clean(n) => {
                self.out.stats.cached += n as u64;
                Ok(())
            }
        };
        if let Err(e) = result {
            self.failure = Some(e);
        }
    }

    /// Whether a failure stopped this lane.
    pub fn failed(&self) -> bool {
        self.failure.is_some()
    }

    pub fn finish(self) -> Result<Scanned, SourceError> {
        match self.failure {
            Some(e) => Err(e),
            None => Ok(self.out.sorted()),
        }
    }

    fn scan(&mut self, blob: Blob<'_>) -> Result<(), SourceError> {
        let engine = self.funnel.engine;
        if engine.allow.path_allowed(&blob.path) {
            self.out
                .stats
                .skip(blob.path, SkipReason::Allowlisted, None);
            return Ok(());
        }
        // A cached file was clean, name included, when it was recorded (the
        // path is the cache's key, so the name cannot have changed since).
        let cache = self.funnel.cache.zip(blob.stamp);
        if let Some((cache, stamp)) = cache
            && let Some(state) = cache.lookup(&blob.path, stamp)
        {
            match state {
                CacheState::Clean => self.out.stats.cached += 1,
                CacheState::Binary => self.out.stats.skip(blob.path, SkipReason::Binary, None),
            }
            return Ok(());
        }
        // A file's name is text an agent reads too: a secret in it is a
        // finding, and is redacted wherever the path is shown.
        let (shown, named) = self.check_name(&blob.path)?;
        let cache = cache.filter(|_| named.is_empty());
        let Blob {
            path,
            origin,
            content,
            lines,
            note,
            ..
        } = blob;
        let binary_before = self.out.stats.skipped.binary;
        let scanned = self.read_and_scan(&path, &shown, content, lines)?;
        // A file read whole and found clean (or binary) is vouched for; one
        // skipped for another reason is skipped (and named) again next time.
        if let Some((cache, stamp)) = cache {
            match &scanned {
                Some(found) if found.iter().all(|f| f.tier < cache.matters_from()) => {
                    cache.record_clean(&path, stamp)
                }
                Some(_) => cache.record_dirty(&path),
                None if self.out.stats.skipped.binary > binary_before => {
                    cache.record(&path, stamp, CacheState::Binary)
                }
                None => {}
            }
        }
        let found = scanned.unwrap_or_default();
        let keep_from = self.funnel.cache.map(FileCache::matters_from);
        self.out.findings.extend(
            named
                .into_iter()
                .chain(found)
                .filter(|f| keep_from.is_none_or(|t| f.tier >= t))
                .map(|mut f| {
                    f.origin = origin.clone();
                    f.path.clone_from(&shown);
                    if let Some(n) = &note {
                        crate::reach::add_note(&mut f, n.clone());
                    }
                    f
                }),
        );
        Ok(())
    }

    /// Scans a path as text. Returns the path to show (with any secret in
    /// it redacted) and the findings in it.
    fn check_name(&self, path: &str) -> Result<(String, Vec<Finding>), SourceError> {
        let mut found = self.funnel.engine.scan(path, path.as_bytes())?;
        if found.is_empty() {
            return Ok((path.to_string(), found));
        }
        let mut shown = path.to_string();
        for f in &mut found {
            let secret = String::from_utf8_lossy(f.secret.expose()).into_owned();
            shown = shown.replace(&secret, &format!("[{}]", f.secret.redacted()));
            crate::reach::add_note(f, "in the file's name".to_string());
        }
        Ok((shown, found))
    }

    /// Reads content and scans the lines that count; `None` when it was
    /// skipped (and recorded as such) or nothing in it is new.
    fn read_and_scan(
        &mut self,
        path: &str,
        shown: &str,
        content: Content<'_>,
        lines: Lines<'_>,
    ) -> Result<Option<Vec<Finding>>, SourceError> {
        let engine = self.funnel.engine;
        // Credential stores are read whatever their size (streamed).
        let store = names::is_credential_store(path);
        let limit = if store {
            u64::MAX
        } else {
            self.funnel.limits.max_size
        };
        let lines = match lines {
            Lines::Prepared(prepare) => Lines::Added(prepare().map_err(SourceError::Read)?),
            other => other,
        };
        let owned;
        let data: &[u8] = match content {
            Content::Bytes(bytes) => {
                owned = bytes;
                &owned
            }
            Content::File(file) => match read_file(&file, limit, &mut self.buf) {
                Ok(FileRead::Whole) => &self.buf,
                Ok(FileRead::TooLarge) => {
                    self.out
                        .stats
                        .skip(shown, SkipReason::TooLarge, Some(limit_note(limit)));
                    return Ok(None);
                }
                Ok(FileRead::Stream(reader)) => return self.scan_stream(path, shown, reader),
                Err(e) => {
                    self.out
                        .stats
                        .skip(shown, SkipReason::Unreadable, Some(e.to_string()));
                    return Ok(None);
                }
            },
            Content::Object(load) => match load(limit).map_err(SourceError::Read)? {
                Loaded::Data(bytes) => {
                    owned = bytes;
                    &owned
                }
                Loaded::TooLarge(_) => {
                    self.out
                        .stats
                        .skip(shown, SkipReason::TooLarge, Some(limit_note(limit)));
                    return Ok(None);
                }
            },
        };
        let decoded = match text::decode(data) {
            text::Text::Binary => {
                self.out.stats.skip(shown, SkipReason::Binary, None);
                return Ok(None);
            }
            text::Text::Utf8 => std::borrow::Cow::Borrowed(data),
            text::Text::Utf16(converted) => std::borrow::Cow::Owned(converted),
        };
        let data: &[u8] = &decoded;
        let lines = match lines {
            Lines::All => None,
            Lines::Only(set) => Some(set),
            Lines::Added(work_out) => Some(work_out(data).map_err(SourceError::Read)?),
            Lines::Prepared(_) => unreachable!("prepared above"),
        };
        if lines.as_ref().is_some_and(LineSet::is_empty) {
            return Ok(None); // nothing new in it
        }
        let stats = &mut self.out.stats;
        stats.files += 1;
        stats.bytes += data.len() as u64;
        stats.lines += match &lines {
            Some(set) => set.count(),
            None if self.funnel.count_lines => u64::from(crate::lines::line_count(data)),
            None => 0,
        };
        let found = chunks::scan_bytes(engine, path, data).map_err(chunk_error)?;
        Ok(Some(match lines {
            None => found,
            Some(set) => found
                .into_iter()
                .filter(|f| set.intersects(f.line as u32, f.end_line as u32))
                .collect(),
        }))
    }

    /// Scans a file too large to hold, chunk by chunk.
    fn scan_stream(
        &mut self,
        path: &str,
        shown: &str,
        mut reader: Box<dyn std::io::Read + '_>,
    ) -> Result<Option<Vec<Finding>>, SourceError> {
        let mut head = Vec::new();
        if let Err(e) = (&mut reader)
            .take(text::BINARY_SNIFF_BYTES as u64)
            .read_to_end(&mut head)
        {
            self.out
                .stats
                .skip(shown, SkipReason::Unreadable, Some(e.to_string()));
            return Ok(None);
        }
        if text::decode(&head) != text::Text::Utf8 {
            self.out.stats.skip(shown, SkipReason::Binary, None);
            return Ok(None);
        }
        let mut counted = CountingReader {
            inner: std::io::Cursor::new(head).chain(reader),
            bytes: 0,
        };
        match chunks::scan_stream(self.funnel.engine, path, &mut counted, &mut self.buf) {
            Ok(found) => {
                self.out.stats.files += 1;
                self.out.stats.bytes += counted.bytes;
                Ok(Some(found))
            }
            Err(chunks::ChunkError::Io(e)) => {
                self.out
                    .stats
                    .skip(shown, SkipReason::Unreadable, Some(e.to_string()));
                Ok(None)
            }
            Err(e) => Err(chunk_error(e)),
        }
    }
}

/// Counts the bytes read through it.
struct CountingReader<R> {
    inner: R,
    bytes: u64,
}

impl<R: std::io::Read> std::io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

fn chunk_error(e: chunks::ChunkError) -> SourceError {
    match e {
        chunks::ChunkError::Engine(e) => SourceError::Engine(e),
        chunks::ChunkError::Io(e) => SourceError::Read(e.to_string()),
    }
}

fn limit_note(limit: u64) -> String {
    format!("over the {} limit", crate::report::human_bytes(limit))
}

/// What reading a file gave.
enum FileRead {
    /// The whole file is in the buffer.
    Whole,
    /// Larger than the limit: skipped.
    TooLarge,
    /// Larger than what is held at once, but to be read: stream it.
    Stream(Box<dyn std::io::Read>),
}

/// Reads `path` into `buf` when it fits in one chunk; a larger file within
/// `limit` is handed back to be streamed.
fn read_file(path: &std::path::Path, limit: u64, buf: &mut Vec<u8>) -> std::io::Result<FileRead> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Ok(FileRead::TooLarge);
    }
    if len > chunks::CHUNK as u64 {
        return Ok(FileRead::Stream(Box::new(file.take(limit))));
    }
    buf.clear();
    buf.reserve(len as usize + 1);
    // A file that grew past a chunk since the stat is read to the end anyway
    // (a growing file is scanned as it was read, bounded by the limit).
    (&mut file)
        .take(limit.min(chunks::CHUNK as u64 * 4))
        .read_to_end(buf)?;
    Ok(FileRead::Whole)
}
