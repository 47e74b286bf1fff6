//! Agent reach: credentials sitting where an AI coding agent can read them.
//!
//! `.gitignore` keeps a secret out of git, not out of an agent's reach: in
//! the incident the token was never committed. The reach model is simple and
//! deliberately pessimistic: every file under the working tree that the user
//! can read is reachable — tracked, untracked and ignored alike. Agent ignore
//! files (`.cursorignore`, `.geminiignore`, `.aiderignore`, ...) and Claude
//! Code's `permissions.deny` only steer an agent's built-in file tools, never
//! its shell (`cat .env`), so a path they list is reported as "advisory
//! only". An OS-level deny (Claude Code `sandbox.enabled` with
//! `sandbox.filesystem.denyRead`) is reported as "mitigated": not blocking,
//! but never silent, since commands run outside the sandbox still read it.

use crate::baseline::Baseline;
use crate::cache::FileCache;
use crate::config::{Config, ReachPolicy};
use crate::engine::Engine;
use crate::finding::{Finding, Origin, Secret};
use crate::rules::compile_path_globs;
use crate::source::worktree::{self, Walk, WalkError};
use crate::source::{Funnel, Limits, Scanned};
use crate::tier::Tier;
use globset::GlobSet;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::Path;

/// Agent ignore files: each steers one agent's own tools, none its shell.
pub const AGENT_IGNORE_FILES: &[&str] = &[
    ".cursorignore",
    ".cursorindexingignore",
    ".geminiignore",
    ".aiderignore",
    ".aiexclude",
    ".aiignore",
    ".codeiumignore",
    ".windsurfignore",
    ".clineignore",
    ".continueignore",
    ".devinignore",
];

/// Claude Code settings files that can carry `permissions.deny` and `sandbox`.
const CLAUDE_SETTINGS: &[&str] = &[".claude/settings.json", ".claude/settings.local.json"];

/// How exposed a reachable file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exposure {
    /// Readable by an agent, nothing says otherwise.
    Reachable,
    /// Listed by agent ignore files or tool deny rules, which do not stop a shell.
    Advisory(Vec<String>),
    /// Covered by an OS-level sandbox deny; still readable outside the sandbox.
    Mitigated(String),
}

/// The agent controls a repository declares.
#[derive(Debug, Default)]
pub struct AgentControls {
    ignores: Vec<(String, Gitignore)>,
    tool_deny: Vec<(String, GlobSet)>,
    sandbox_deny: Vec<(String, GlobSet)>,
}

/// Paths from Claude Code rules like `Read(./.env)` or sandbox `denyRead`
/// entries, as globs relative to the repository root.
fn claude_globs(patterns: &[String]) -> Option<GlobSet> {
    let globs: Vec<String> = patterns
        .iter()
        .filter_map(|p| {
            let inner = p
                .strip_prefix("Read(")
                .and_then(|r| r.strip_suffix(')'))
                .unwrap_or(p);
            if inner.starts_with("~/") || inner.starts_with("//") {
                return None; // outside the repository
            }
            let rel = inner.trim_start_matches("./").trim_start_matches('/');
            (!rel.is_empty()).then(|| rel.to_string())
        })
        .collect();
    if globs.is_empty() {
        return None;
    }
    let mut all = globs.clone();
    // A directory pattern covers what is inside it.
    all.extend(
        globs
            .iter()
            .map(|g| format!("{}/**", g.trim_end_matches('/'))),
    );
    compile_path_globs(&all).ok()
}

impl AgentControls {
    /// Reads the agent controls at the repository root `root`.
    pub fn load(root: &Path) -> AgentControls {
        let mut c = AgentControls::default();
        for name in AGENT_IGNORE_FILES {
            let path = root.join(name);
            if path.is_file() {
                let mut b = GitignoreBuilder::new(root);
                if b.add(&path).is_none()
                    && let Ok(g) = b.build()
                {
                    c.ignores.push(((*name).to_string(), g));
                }
            }
        }
        for name in CLAUDE_SETTINGS {
            let Ok(text) = std::fs::read_to_string(root.join(name)) else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            let strings = |v: Option<&serde_json::Value>| -> Vec<String> {
                v.and_then(|a| a.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let deny: Vec<String> = strings(v.pointer("/permissions/deny"))
                .into_iter()
                .filter(|d| d.starts_with("Read("))
                .collect();
            if let Some(g) = claude_globs(&deny) {
                c.tool_deny.push((format!("{name} permissions.deny"), g));
            }
            if v.pointer("/sandbox/enabled").and_then(|e| e.as_bool()) == Some(true)
                && let Some(g) = claude_globs(&strings(v.pointer("/sandbox/filesystem/denyRead")))
            {
                c.sandbox_deny
                    .push((format!("{name} sandbox.filesystem.denyRead"), g));
            }
        }
        c
    }

    /// How exposed the file at `rel` (repository-relative) is.
    pub fn exposure(&self, rel: &str) -> Exposure {
        if let Some((source, _)) = self.sandbox_deny.iter().find(|(_, g)| g.is_match(rel)) {
            return Exposure::Mitigated(source.clone());
        }
        let mut advisory: Vec<String> = self
            .ignores
            .iter()
            .filter(|(_, g)| g.matched_path_or_any_parents(rel, false).is_ignore())
            .map(|(n, _)| n.clone())
            .collect();
        advisory.extend(
            self.tool_deny
                .iter()
                .filter(|(_, g)| g.is_match(rel))
                .map(|(n, _)| n.clone()),
        );
        if advisory.is_empty() {
            Exposure::Reachable
        } else {
            Exposure::Advisory(advisory)
        }
    }
}

impl Exposure {
    /// What a report says about a finding with this exposure, if anything.
    pub fn note(&self) -> Option<String> {
        match self {
            Exposure::Reachable => None,
            Exposure::Advisory(by) => Some(format!(
                "advisory only: {} lists this file, but no agent ignore file or tool rule stops an agent's shell from reading it",
                by.join(", ")
            )),
            Exposure::Mitigated(by) => Some(format!(
                "mitigated: {by} denies sandboxed reads of this file; commands run outside the sandbox still read it"
            )),
        }
    }
}

/// Adds `extra` to a finding's note.
pub fn add_note(f: &mut Finding, extra: String) {
    f.note = Some(match f.note.take() {
        Some(old) => format!("{old}; {extra}"),
        None => extra,
    });
}

/// The cache key: anything that can change a file's findings.
pub(crate) fn cache_key(config: &Config, policy: &ReachPolicy) -> String {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    h.update(crate::rules::BUILTIN_RULES_SHA256);
    h.update(config.text_hash.as_bytes());
    h.update(policy.max_file_size.to_le_bytes());
    h.update(policy.warn.min(policy.block).as_str());
    for d in &policy.skip_dirs {
        h.update(d.as_bytes());
        h.update(b"\0");
    }
    crate::finding::hex(&h.finalize()[..16])
}

/// Scans the working tree at `root` as an agent would see it; with a
/// `cache_file`, unchanged clean files are not read again.
pub fn scan_worktree(
    root: &Path,
    config: &Config,
    engine: &Engine,
    cache_file: Option<&Path>,
) -> Result<Scanned, WalkError> {
    let policy = &config.reach;
    let key = cache_key(config, policy);
    let matters_from = policy.warn.min(policy.block);
    let cache = cache_file.map(|p| FileCache::load(p, &key, matters_from));
    let funnel = Funnel::new(
        engine,
        Limits {
            max_size: policy.max_file_size,
        },
    )
    .with_cache(cache.as_ref());
    let walk = Walk {
        skip_dirs: policy.skip_dirs.clone(),
        threads: 0,
        origin: Origin::Worktree,
        stamps: cache.is_some(),
        prefix: String::new(),
    };
    let scanned = worktree::scan(&funnel, &[root.to_path_buf()], &walk)?;
    if let (Some(cache), Some(path)) = (cache, cache_file)
        && cache.needs_save()
    {
        // A cache that cannot be written only costs speed next time.
        let _ = cache.save(path, &key);
    }
    Ok(scanned)
}

/// What the reach check concludes for a hook.
#[derive(Debug, Default)]
pub struct ReachVerdict {
    /// At or above `[reach] block`, reachable: these block.
    pub blocking: Vec<Finding>,
    /// At or above `[reach] warn` (or mitigated): shown, not blocking.
    pub warning: Vec<Finding>,
    /// Accepted by the baseline.
    pub accepted: usize,
    pub accepted_critical: usize,
}

impl ReachVerdict {
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.blocking.iter().chain(&self.warning)
    }
}

/// Sorts reach findings into blocking and warning by policy, exposure and
/// the baseline. `already` lists (rule, path, secret) reported as published.
pub fn judge(
    findings: Vec<Finding>,
    controls: &AgentControls,
    policy: &ReachPolicy,
    baseline: Option<&Baseline>,
    any_path: bool,
    already: &HashSet<(String, String, Secret)>,
) -> ReachVerdict {
    let mut v = ReachVerdict::default();
    for mut f in findings {
        if already.contains(&f.identity()) {
            continue;
        }
        if baseline.is_some_and(|b| b.accepts(&f, any_path)) {
            v.accepted += 1;
            if f.tier == Tier::Critical {
                v.accepted_critical += 1;
            }
            continue;
        }
        if f.tier < policy.warn && f.tier < policy.block {
            continue;
        }
        let exposure = controls.exposure(&f.path);
        if let Some(n) = exposure.note() {
            add_note(&mut f, n);
        }
        if f.tier >= policy.block && !matches!(exposure, Exposure::Mitigated(_)) {
            v.blocking.push(f);
        } else {
            v.warning.push(f);
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_files_are_advisory_and_sandbox_mitigates() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".cursorignore"), ".env\nsecrets/\n").unwrap();
        std::fs::create_dir_all(dir.path().join(".claude")).unwrap();
        std::fs::write(
            dir.path().join(".claude/settings.json"),
            r#"{"permissions":{"deny":["Read(./config/prod.env)"]},
                "sandbox":{"enabled":true,"filesystem":{"denyRead":["./vault"]}}}"#,
        )
        .unwrap();
        let c = AgentControls::load(dir.path());
        assert_eq!(c.exposure("src/main.rs"), Exposure::Reachable);
        assert_eq!(
            c.exposure(".env"),
            Exposure::Advisory(vec![".cursorignore".into()])
        );
        assert!(matches!(c.exposure("secrets/a.key"), Exposure::Advisory(_)));
        assert!(matches!(
            c.exposure("config/prod.env"),
            Exposure::Advisory(_)
        ));
        assert!(matches!(c.exposure("vault/token"), Exposure::Mitigated(_)));
    }

    #[test]
    fn sandbox_disabled_is_not_a_mitigation() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".claude")).unwrap();
        std::fs::write(
            dir.path().join(".claude/settings.json"),
            r#"{"sandbox":{"enabled":false,"filesystem":{"denyRead":[".env"]}}}"#,
        )
        .unwrap();
        assert_eq!(
            AgentControls::load(dir.path()).exposure(".env"),
            Exposure::Reachable
        );
    }
}
