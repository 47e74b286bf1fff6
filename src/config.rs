//! A repository's `.blastwall.toml`: extra rules, disabled or re-tiered
//! rules, allowlists, scan limits and the blocking policy.
//!
//! Unknown keys are errors, and every error names the file, line and column,
//! because a typo that silently disables a policy is worse than no config.

use crate::error::LocatedError;
use crate::finding::Secret;
use crate::report::escape;
use crate::rules::schema::RawRule;
use crate::rules::{self, compile_path_globs};
use crate::tier::Tier;
use globset::GlobSet;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The config file's name at a repository root.
pub const CONFIG_FILE_NAME: &str = ".blastwall.toml";

/// Directories skipped by default when walking a tree: dependency caches and
/// build output that users do not write credentials into and that would
/// dominate scan time. `.git` is always skipped (history is scanned from
/// objects, not files).
pub const DEFAULT_SKIP_DIRS: &[&str] = &[
    "node_modules",
    "bower_components",
    "jspm_packages",
    "target",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".gradle",
    ".m2",
    ".yarn",
    ".pnpm-store",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".terraform",
];

/// Default largest file scanned in a tree walk (16 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 << 20;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    policy: RawPolicy,
    #[serde(default)]
    scan: RawScan,
    #[serde(default)]
    allowlist: RawAllowlist,
    #[serde(default)]
    rules: RawRuleChanges,
    #[serde(default)]
    rule: Vec<RawRule>,
    #[serde(default)]
    reach: RawReach,
    #[serde(default)]
    server: RawServer,
    #[serde(default)]
    agent: RawAgent,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgent {
    deny: Option<Tier>,
    timeout: Option<Spanned<f64>>,
}

/// The policy of `blastwall agent-hook`.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentPolicy {
    /// Credentials at or above this tier may not be read, written or
    /// prompted with.
    pub deny: Tier,
    /// Seconds the guard may take before it denies: agents let a call run
    /// when their hook times out, so the guard answers first.
    pub timeout: f64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    timeout: Option<Spanned<f64>>,
    on_timeout: Option<OnTimeout>,
    allow_bypass: Option<bool>,
}

/// What `pre-receive` does when its time budget runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnTimeout {
    /// Reject the push (fail closed; the default).
    Reject,
    /// Accept it, with a warning.
    Accept,
}

/// The server's policy for `blastwall pre-receive`.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerPolicy {
    /// Seconds the hook may take (GitHub Enterprise Server kills pre-receive
    /// hooks at 5 s).
    pub timeout: f64,
    pub on_timeout: OnTimeout,
    /// Whether `git push -o blastwall.bypass="reason"` lets a push through
    /// (logged).
    pub allow_bypass: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    block: Option<Tier>,
    fail_closed: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScan {
    max_file_size: Option<u64>,
    skip_dirs: Option<Vec<String>>,
    #[serde(default)]
    extra_skip_dirs: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllowlist {
    #[serde(default)]
    paths: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    regexes: Vec<Spanned<String>>,
    #[serde(default)]
    secrets: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleChanges {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    tiers: BTreeMap<Spanned<String>, Tier>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReach {
    enabled: Option<bool>,
    block: Option<Tier>,
    warn: Option<Tier>,
    #[serde(default)]
    skip_dirs: Option<Vec<String>>,
    max_file_size: Option<u64>,
}

/// The agent-reach policy (see the reach module): which tiers of credential
/// sitting in the working tree block a commit, and which only warn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReachPolicy {
    /// Whether the hooks check the working tree at all.
    pub enabled: bool,
    pub block: Tier,
    pub warn: Tier,
    pub skip_dirs: Vec<String>,
    pub max_file_size: u64,
}

/// What a repository's config allowlists.
#[derive(Debug, Default, Clone)]
pub struct Allowlist {
    /// Files under these globs are not scanned.
    pub paths: Option<GlobSet>,
    /// The globs as written (for comparing policies).
    pub path_globs: Vec<String>,
    /// A finding whose secret matches one of these is dropped.
    pub regexes: Vec<regex::bytes::Regex>,
    /// SHA-256 (lowercase hex) of secrets accepted deliberately.
    pub secret_sha256: HashSet<String>,
}

impl Allowlist {
    pub fn path_allowed(&self, path: &str) -> bool {
        self.paths.as_ref().is_some_and(|g| g.is_match(path))
    }

    pub fn secret_allowed(&self, secret: &Secret) -> bool {
        self.regexes.iter().any(|r| r.is_match(secret.expose()))
            || (!self.secret_sha256.is_empty() && self.secret_sha256.contains(&secret.sha256_hex()))
    }
}

/// A loaded, validated config. [`Config::defaults`] is the policy without a file.
#[derive(Debug, Clone)]
pub struct Config {
    /// Findings at or above this tier block (exit 1).
    pub block: Tier,
    /// Hooks block on an internal error unless this is false.
    pub fail_closed: bool,
    pub max_file_size: u64,
    pub skip_dirs: Vec<String>,
    pub reach: ReachPolicy,
    pub server: ServerPolicy,
    pub agent: AgentPolicy,
    /// Rules this config adds, disables or re-tiers.
    pub rule_changes: rules::Changes,
    pub allow: Allowlist,
    /// SHA-256 of the config file's text (empty without a file): part of
    /// cache keys, so a config change invalidates cached results.
    pub text_hash: String,
}

/// What a config file says, with where it says it (for error positions).
struct Settings {
    path: Option<PathBuf>,
    text: String,
    raw: RawConfig,
}

impl Config {
    /// The policy when a repository has no `.blastwall.toml`.
    pub fn defaults() -> Result<Config, LocatedError> {
        Config::from_raw(None, String::new(), RawConfig::default())
    }

    fn from_raw(
        path: Option<PathBuf>,
        text: String,
        raw: RawConfig,
    ) -> Result<Config, LocatedError> {
        let mut skip_dirs: Vec<String> = match &raw.scan.skip_dirs {
            Some(list) => list.clone(),
            None => DEFAULT_SKIP_DIRS.iter().map(|s| s.to_string()).collect(),
        };
        skip_dirs.extend(raw.scan.extra_skip_dirs.iter().cloned());
        let max_file_size = raw.scan.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);
        let reach = ReachPolicy {
            enabled: raw.reach.enabled.unwrap_or(true),
            block: raw.reach.block.unwrap_or(Tier::Critical),
            warn: raw.reach.warn.unwrap_or(Tier::High),
            skip_dirs: raw
                .reach
                .skip_dirs
                .clone()
                .unwrap_or_else(|| skip_dirs.clone()),
            max_file_size: raw.reach.max_file_size.unwrap_or(max_file_size),
        };
        let server = ServerPolicy {
            timeout: raw.server.timeout.as_ref().map_or(4.5, |t| *t.get_ref()),
            on_timeout: raw.server.on_timeout.unwrap_or(OnTimeout::Reject),
            allow_bypass: raw.server.allow_bypass.unwrap_or(false),
        };
        let agent = AgentPolicy {
            deny: raw.agent.deny.unwrap_or(Tier::High),
            timeout: raw.agent.timeout.as_ref().map_or(10.0, |t| *t.get_ref()),
        };
        let block = raw.policy.block.unwrap_or(Tier::High);
        let fail_closed = raw.policy.fail_closed.unwrap_or(true);
        let text_hash = if text.is_empty() {
            String::new()
        } else {
            crate::finding::hex(&Sha256::digest(text.as_bytes()))
        };
        let settings = Settings { path, text, raw };
        for (section, t) in [
            ("server", &settings.raw.server.timeout),
            ("agent", &settings.raw.agent.timeout),
        ] {
            if let Some(t) = t
                && !(t.get_ref().is_finite() && *t.get_ref() > 0.0)
            {
                return Err(settings.err(
                    t.span().start,
                    format!("[{section}] timeout must be a positive number of seconds"),
                ));
            }
        }
        Ok(Config {
            block,
            fail_closed,
            max_file_size,
            skip_dirs,
            reach,
            server,
            agent,
            rule_changes: settings.rule_changes()?,
            allow: settings.allowlist()?,
            text_hash,
        })
    }

    /// Reads and validates the config at `path`.
    pub fn load(path: &Path) -> Result<Config, LocatedError> {
        let bytes = std::fs::read(path)
            .map_err(|e| LocatedError::whole_file(path, format!("cannot read config: {e}")))?;
        let text = crate::error::utf8_text(path, bytes)?;
        Config::parse(path, text)
    }

    /// Parses config text; `path` is only used in messages.
    pub fn parse(path: &Path, text: String) -> Result<Config, LocatedError> {
        let raw: RawConfig =
            toml::from_str(&text).map_err(|e| LocatedError::from_toml(path, &text, &e))?;
        Config::from_raw(Some(path.to_path_buf()), text, raw)
    }

    /// `--config FILE` if given, else `.blastwall.toml` at the repository
    /// root above `start` (or in `start` itself outside a repository).
    pub fn discover(explicit: Option<&Path>, start: &Path) -> Result<Config, LocatedError> {
        if let Some(p) = explicit {
            return Config::load(p);
        }
        match find_config(start) {
            Some(p) => Config::load(&p),
            None => Config::defaults(),
        }
    }
}

impl Settings {
    fn file(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(CONFIG_FILE_NAME))
    }

    fn err(&self, offset: usize, msg: String) -> LocatedError {
        LocatedError::at_offset(self.file(), &self.text, offset, msg)
    }

    /// This config's changes to the built-in rules, each checked against
    /// them: added rules must compile and not reuse a built-in id; disabled
    /// and re-tiered ids must exist.
    fn rule_changes(&self) -> Result<rules::Changes, LocatedError> {
        let builtin = rules::builtin()?;
        let mut known: HashSet<String> = builtin.iter().map(|r| r.id.clone()).collect();
        for r in &self.raw.rule {
            rules::schema::validate_rule(self.file(), &self.text, r)?;
            if known.contains(r.id.get_ref()) {
                let taken = if builtin.iter().any(|b| &b.id == r.id.get_ref()) {
                    "is a built-in rule; pick another id, or change its tier under [rules] tiers"
                } else {
                    "is defined twice"
                };
                return Err(self.err(
                    r.id.span().start,
                    format!("rule id `{}` {taken}", escape::text(r.id.get_ref())),
                ));
            }
            known.insert(r.id.get_ref().clone());
        }
        let added = rules::raws_to_rules(self.file(), &self.text, self.raw.rule.clone(), true)?;
        let mut changes = rules::Changes {
            added,
            ..Default::default()
        };
        for id in &self.raw.rules.disable {
            if !known.contains(id.get_ref()) {
                return Err(self.err(
                    id.span().start,
                    format!(
                        "[rules] disable: no rule with id `{}`",
                        escape::text(id.get_ref())
                    ),
                ));
            }
            changes.disabled.insert(id.get_ref().clone());
        }
        for (id, tier) in &self.raw.rules.tiers {
            if !known.contains(id.get_ref()) {
                return Err(self.err(
                    id.span().start,
                    format!(
                        "[rules] tiers: no rule with id `{}`",
                        escape::text(id.get_ref())
                    ),
                ));
            }
            changes.tiers.insert(id.get_ref().clone(), *tier);
        }
        Ok(changes)
    }

    fn allowlist(&self) -> Result<Allowlist, LocatedError> {
        let a = &self.raw.allowlist;
        let paths = match &a.paths {
            Some(globs) => Some(
                compile_path_globs(globs.get_ref()).map_err(|e| self.err(globs.span().start, e))?,
            ),
            None => None,
        };
        let mut regexes = Vec::new();
        for r in &a.regexes {
            let re = regex::bytes::Regex::new(r.get_ref()).map_err(|e| {
                self.err(
                    r.span().start,
                    format!("allowlist regex does not compile: {e}"),
                )
            })?;
            regexes.push(re);
        }
        let mut secret_sha256 = HashSet::new();
        for s in &a.secrets {
            let v = s.get_ref().trim().to_ascii_lowercase();
            let v = v.strip_prefix("sha256:").unwrap_or(&v).to_string();
            if v.len() != 64 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(self.err(
                    s.span().start,
                    "allowlist secrets must be SHA-256 hashes (64 hex digits), never plaintext; \
                     `blastwall hash` prints one"
                        .into(),
                ));
            }
            secret_sha256.insert(v);
        }
        Ok(Allowlist {
            paths,
            path_globs: a
                .paths
                .as_ref()
                .map(|g| g.get_ref().clone())
                .unwrap_or_default(),
            regexes,
            secret_sha256,
        })
    }
}

/// The directory a repository's blastwall files live in: the root of the
/// git repository containing `start` (a directory or file), or `start`
/// itself outside a repository.
pub fn project_root(start: &Path) -> Option<PathBuf> {
    // Canonicalise first: the parent of a bare relative file name (`scan
    // .env`) is the empty path, which names no directory.
    let abs = std::fs::canonicalize(start).ok()?;
    let abs = if abs.is_dir() {
        abs
    } else {
        abs.parent()?.to_path_buf()
    };
    let root = abs
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf);
    Some(root.unwrap_or(abs))
}

/// Finds `.blastwall.toml` at the [`project_root`] of `start`.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let p = project_root(start)?.join(CONFIG_FILE_NAME);
    p.is_file().then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, LocatedError> {
        Config::parse(Path::new(".blastwall.toml"), text.to_string())
    }

    /// An unknown rule id is quoted in the error escaped: a newline or an
    /// escape sequence in it cannot split or colour the message.
    #[test]
    fn unknown_rule_ids_are_quoted_escaped() {
        for text in [
            "[rules]\ndisable = [\"no\\nsuch\\u001b[2J\"]\n",
            "[rules.tiers]\n\"no\\nsuch\" = \"low\"\n",
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.message.contains("no rule with id"), "{}", e.message);
            assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
        }
    }

    #[test]
    fn defaults_without_file() {
        let c = Config::defaults().unwrap();
        assert_eq!(c.block, Tier::High);
        assert!(c.fail_closed);
        assert!(c.skip_dirs.iter().any(|d| d == "node_modules"));
        assert_eq!(c.reach.block, Tier::Critical);
    }

    #[test]
    fn policy_and_changes() {
        let c = parse(
            "[policy]\nblock = \"medium\"\n[rules]\ndisable = [\"generic-secret-assignment\"]\n[rules.tiers]\njwt = \"high\"\n",
        )
        .unwrap();
        assert_eq!(c.block, Tier::Medium);
        let rules = c.rule_changes.apply(rules::builtin().unwrap());
        assert!(!rules.iter().any(|r| r.id == "generic-secret-assignment"));
        let jwt = rules.iter().find(|r| r.id == "jwt").unwrap();
        assert_eq!(jwt.tier_override, Some(Tier::High));
    }

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let err = parse("[policy]\nblok = \"high\"\n").unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        assert!(err.message.contains("unknown field"), "{err}");
    }

    #[test]
    fn unknown_rule_id_in_disable() {
        let err = parse("[rules]\ndisable = [\"no-such-rule\"]\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 12), "{err}");
    }

    #[test]
    fn plaintext_secret_rejected() {
        let err = parse("[allowlist]\nsecrets = [\"ghp_abc\"]\n").unwrap_err();
        assert!(err.message.contains("SHA-256"), "{err}");
        assert_eq!(err.line, 2);
    }

    #[test]
    fn custom_rule_with_bad_regex() {
        let err = parse(
            "[[rule]]\nid = \"acme-key\"\nprovider = \"Acme\"\ndescription = \"d\"\nkeywords = [\"acme_\"]\nregex = 'acme_[a-z'\ntier = \"high\"\nwhy = \"w\"\nfix = \"f\"\n",
        )
        .unwrap_err();
        assert_eq!(err.line, 6, "{err}");
    }

    #[test]
    fn custom_rule_cannot_shadow_builtin() {
        let err = parse(
            "[[rule]]\nid = \"jwt\"\nprovider = \"Acme\"\ndescription = \"d\"\nkeywords = [\"acme_\"]\nregex = 'acme_[a-z]+'\ntier = \"high\"\nwhy = \"w\"\nfix = \"f\"\n",
        )
        .unwrap_err();
        assert!(err.message.contains("built-in"), "{err}");
    }
}
