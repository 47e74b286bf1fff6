//! Scanning what a hook publishes: the engine over [`Introduced`] content,
//! keeping only findings on lines the change adds.
//!
//! Each blob is scanned whole, so multi-line credentials (private keys) and
//! context on unchanged neighbouring lines are still recognised, and a
//! finding counts when any of its lines is new.

use crate::engine::{Engine, EngineError};
use crate::finding::Finding;
use crate::git::{Changes, SkipReason};
use crate::scan::SkipCounts;
use rayon::prelude::*;

/// What a hook scan read.
#[derive(Debug, Default, Clone)]
pub struct HookStats {
    pub files: u64,
    pub lines: u64,
    pub bytes: u64,
    pub skipped: SkipCounts,
    /// Paths that were not scanned, with why (shown to the user).
    pub skipped_paths: Vec<String>,
}

impl HookStats {
    pub fn merge(&mut self, other: HookStats) {
        self.files += other.files;
        self.lines += other.lines;
        self.bytes += other.bytes;
        self.skipped.add(&other.skipped);
        self.skipped_paths.extend(other.skipped_paths);
    }
}

/// Scans `changes`, returning findings on added lines, and what was read.
pub fn scan_changes(
    engine: &Engine,
    changes: &Changes,
) -> Result<(Vec<Finding>, HookStats), EngineError> {
    let mut stats = HookStats::default();
    for s in &changes.skipped {
        let what = match s.reason {
            SkipReason::Binary => {
                stats.skipped.binary += 1;
                "binary"
            }
            SkipReason::TooLarge => {
                stats.skipped.too_large += 1;
                "too large"
            }
            SkipReason::Symlink => {
                stats.skipped.symlink += 1;
                "symlink"
            }
            SkipReason::Submodule => {
                stats.skipped.special += 1;
                "submodule"
            }
        };
        stats.skipped_paths.push(format!("{} ({what})", s.path));
    }
    let results: Vec<Result<(Vec<Finding>, HookStats), EngineError>> = changes
        .introduced
        .par_iter()
        .map(|item| {
            let mut st = HookStats::default();
            if engine.allow.path_allowed(&item.path) {
                st.skipped.allowlisted += 1;
                return Ok((Vec::new(), st));
            }
            st.files = 1;
            st.bytes = item.data.len() as u64;
            st.lines = item.added.count();
            let found = engine
                .scan(&item.path, &item.data)?
                .into_iter()
                .filter(|f| item.added.intersects(f.line as u32, f.end_line as u32))
                .map(|mut f| {
                    f.origin = item.origin.clone();
                    f
                })
                .collect();
            Ok((found, st))
        })
        .collect();
    let mut findings = Vec::new();
    for r in results {
        let (f, st) = r?;
        findings.extend(f);
        stats.merge(st);
    }
    Ok((findings, stats))
}
