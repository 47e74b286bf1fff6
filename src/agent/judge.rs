//! The verdict on one agent event.
//!
//! Denied, at or above `[agent] deny` (default `high`):
//! 1. reading a credential: a read or search tool on a file, or a directory
//!    or glob that includes one, judged as the reach check judges the
//!    working tree, through the same clean-file cache (Cursor hands over the
//!    content itself, which is scanned as given);
//! 2. shell commands that read one (see [`super::shell`]); commands that
//!    only list names are not reads;
//! 3. disarming blastwall: skipping hooks (`--no-verify`, `commit -n`,
//!    `SKIP=…blastwall`, `HUSKY=0`), moving them (`core.hooksPath`),
//!    `blastwall uninstall|accept|baseline`, and changing hooks,
//!    `.blastwall.toml`, the baseline or the agents' hook configurations;
//! 4. writing a credential: new text (a write, an edit, a patch) that holds one;
//! 5. a prompt that carries one, or `@`-mentions a file that holds one.
//!
//! Reasons name the file, the tier, the redacted credential and the rule's
//! safe alternative; they never contain the secret.

use super::event::{Action, Event};
use super::shell::{self, Simple};
use crate::cache::{FileCache, LazyCache, Stamp};
use crate::config::Config;
use crate::engine::Engine;
use crate::finding::{Finding, Origin};
use crate::report::escape;
use crate::source::worktree::{self, Walk, slash_path};
use crate::source::{Blob, Content, Funnel, Item, Limits, names};
use crate::tier::Tier;
use anyhow::Result;
use globset::{GlobBuilder, GlobMatcher};
use std::path::{Component, Path, PathBuf};

/// What the guard decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// Denied, with the reason for the agent and the person.
    Deny(String),
}

/// Paths (relative to the repository root) whose change switches blastwall
/// off; `*` matches within one component, `**` across.
const PROTECTED: &[&str] = &[
    ".blastwall.toml",
    ".blastwall-baseline.json",
    ".git/hooks/**",
    ".git/config",
    ".husky/**",
    ".pre-commit-config.yaml",
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".cursor/hooks.json",
    ".codex/hooks.json",
    ".codex/config.toml",
    ".gemini/settings.json",
    ".github/hooks/**",
];

/// The same under the home directory (the user-wide agent hooks, git config
/// and blastwall's global hooks).
const PROTECTED_HOME: &[&str] = &[
    ".gitconfig",
    ".config/git/config",
    ".config/blastwall/**",
    ".claude/settings.json",
    ".cursor/hooks.json",
    ".codex/hooks.json",
    ".codex/config.toml",
    ".gemini/settings.json",
    ".copilot/hooks/**",
];

/// Commands that only list names or print what they are given: no file
/// content reaches the agent through their arguments.
const LISTING: &[&str] = &[
    "ls",
    "dir",
    "find",
    "fd",
    "stat",
    "file",
    "du",
    "df",
    "tree",
    "echo",
    "printf",
    "pwd",
    "cd",
    "pushd",
    "popd",
    "mkdir",
    "touch",
    "test",
    "[",
    "true",
    "false",
    "which",
    "type",
    "whereis",
    "realpath",
    "readlink",
    "basename",
    "dirname",
    "exit",
    "return",
    "export",
    "unset",
    "set",
    "sleep",
    "wait",
    "kill",
    "ps",
    "date",
    "whoami",
    "id",
    "uname",
    "hostname",
    "rm",
    "rmdir",
    "mv",
    "chmod",
    "chown",
    "ln",
    "git",
    "wc",
    "md5sum",
    "sha1sum",
    "sha256sum",
    "shasum",
    "cksum",
];

/// Commands that read a directory's files when given one.
const RECURSIVE: &[&str] = &[
    "grep", "egrep", "fgrep", "rg", "ag", "ack", "cp", "tar", "zip", "7z", "rsync", "scp",
    "git-grep", "cat", "head", "tail", "less", "more",
];

/// Commands that change the files they name.
const MODIFYING: &[&str] = &[
    "rm", "rmdir", "mv", "cp", "tee", "truncate", "chmod", "chown", "ln", "install", "unlink",
    "shred", "dd", "sed", "perl",
];

/// Largest number of path checks one event may cause (bounded work).
const MAX_CHECKS: usize = 64;

/// Everything the guard needs to judge events in one working directory.
pub struct Guard<'a> {
    pub config: &'a Config,
    pub engine: &'a Engine,
    pub deny: Tier,
    pub cwd: PathBuf,
    /// The working tree root holding `cwd`, if any.
    pub root: Option<PathBuf>,
    pub home: Option<PathBuf>,
    /// The reach cache, when it can vouch at this tier; loaded only by a
    /// walk or a call touching many files.
    pub cache: &'a LazyCache,
}

/// Up to this many files, a call reads them without the reach cache.
const FEW_FILES: usize = 32;

/// A credential found where the event would reach it.
struct Hit {
    shown: String,
    finding: Finding,
}

impl Guard<'_> {
    /// The verdict on `event`.
    pub fn judge(&self, event: &Event) -> Result<Verdict> {
        match &event.action {
            Action::Read(paths) => self.reads(paths, "reading"),
            Action::Search { dir, glob } => self.search(dir.as_deref(), glob.as_deref()),
            Action::List => Ok(Verdict::Allow),
            Action::Shell(command) => self.shell(command),
            Action::Write { path, text } => self.write(path, text),
            Action::Patch(patch) => self.patch(patch),
            Action::Content { path, text } => {
                Ok(self.scan_text(path, text)?.map_or(Verdict::Allow, |f| {
                    self.deny_read("reading", &self.show(path), &f)
                }))
            }
            Action::Prompt { text, attachments } => self.prompt(text, attachments),
            Action::Other { tool, args } => self.other(tool, args),
        }
    }

    // ---------------------------------------------------------------- reads

    fn reads(&self, paths: &[String], verb: &str) -> Result<Verdict> {
        for p in paths.iter().take(MAX_CHECKS) {
            if let Some(hit) = self.read_hit(p, true)? {
                return Ok(self.deny_read(verb, &hit.shown, &hit.finding));
            }
        }
        Ok(Verdict::Allow)
    }

    /// The worst credential at `raw` (a file, a directory when `recursive`,
    /// or a glob), if any at or above the deny tier.
    fn read_hit(&self, raw: &str, recursive: bool) -> Result<Option<Hit>> {
        if raw.contains(['*', '?', '[']) {
            return self.glob_hit(raw);
        }
        let path = self.resolve(raw);
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(_) => return Ok(None), // nothing there to read
        };
        let shown = self.show(raw);
        let worst = if meta.is_dir() {
            if !recursive {
                return Ok(None);
            }
            self.scan_dir(&path, None)?
        } else {
            self.scan_files(std::slice::from_ref(&path))?
        };
        Ok(worst.map(|f| Hit {
            shown: if meta.is_dir() {
                format!("{shown} ({})", escape::path(&f.path))
            } else {
                shown
            },
            finding: f,
        }))
    }

    fn glob_hit(&self, raw: &str) -> Result<Option<Hit>> {
        let full = self.resolve(raw);
        let text = slash_path(&full);
        // The walk starts at the last directory before the first wildcard.
        let base: PathBuf = text
            .split('/')
            .take_while(|c| !c.contains(['*', '?', '[']))
            .collect::<Vec<_>>()
            .join("/")
            .into();
        let base = if base.as_os_str().is_empty() {
            PathBuf::from("/")
        } else {
            base
        };
        let Ok(g) = GlobBuilder::new(&text).literal_separator(true).build() else {
            return Ok(None);
        };
        let matcher = g.compile_matcher();
        if !base.is_dir() {
            return Ok(None);
        }
        Ok(self.scan_dir(&base, Some(&matcher))?.map(|f| Hit {
            shown: format!("{} ({})", self.show(raw), escape::path(&f.path)),
            finding: f,
        }))
    }

    fn search(&self, dir: Option<&str>, glob: Option<&str>) -> Result<Verdict> {
        let dir_path = dir.map_or_else(|| self.cwd.clone(), |d| self.resolve(d));
        if dir_path.is_file() {
            return self.reads(&[dir.unwrap_or(".").to_string()], "searching");
        }
        if !dir_path.is_dir() {
            return Ok(Verdict::Allow);
        }
        let matcher = glob.and_then(|g| {
            let pattern = if g.contains('/') {
                g.to_string()
            } else {
                format!("**/{g}")
            };
            let full = format!("{}/{pattern}", slash_path(&dir_path));
            GlobBuilder::new(&full)
                .literal_separator(true)
                .build()
                .ok()
                .map(|g| g.compile_matcher())
        });
        Ok(match self.scan_dir(&dir_path, matcher.as_ref())? {
            Some(f) => self.deny_read(
                "searching",
                &format!(
                    "{} ({})",
                    self.show(dir.unwrap_or(".")),
                    escape::path(&f.path)
                ),
                &f,
            ),
            None => Verdict::Allow,
        })
    }

    /// The worst finding at or above the deny tier in `files`.
    fn scan_files(&self, files: &[PathBuf]) -> Result<Option<Finding>> {
        // Loading the tree's cache costs more than reading a few files.
        let cache = if files.len() > FEW_FILES {
            self.cache.get()
        } else {
            None
        };
        let items: Vec<Item<'static>> = files
            .iter()
            .map(|p| {
                let (rel, stamp) = self.cache_key(p, cache);
                let mut blob = Blob::new(rel, Origin::Worktree, Content::File(p.clone()));
                blob.stamp = stamp;
                Item::blob(blob)
            })
            .collect();
        let scanned = self.funnel(cache).scan(items)?;
        Ok(self.worst(scanned.findings))
    }

    /// The worst finding at or above the deny tier under `dir` (only files
    /// whose absolute path `only` matches, when given). Inside the working
    /// tree the walk is the reach check's, cache and skips included; outside
    /// it only files named like credential stores are read.
    fn scan_dir(&self, dir: &Path, only: Option<&GlobMatcher>) -> Result<Option<Finding>> {
        let inside = self.root.as_ref().is_some_and(|r| dir.starts_with(r));
        if !inside {
            let files = bounded_store_files(dir, 4, 20_000);
            let files: Vec<PathBuf> = files
                .into_iter()
                .filter(|f| only.is_none_or(|m| m.is_match(f)))
                .collect();
            return self.scan_files(&files);
        }
        let root = self.root.as_ref().expect("inside the working tree");
        let prefix = dir.strip_prefix(root).map(slash_path).unwrap_or_default();
        let cache = self.cache.get();
        let walk = Walk {
            skip_dirs: self.config.reach.skip_dirs.clone(),
            threads: 0,
            origin: Origin::Worktree,
            stamps: cache.is_some(),
            prefix,
        };
        let scanned = worktree::scan(&self.funnel(cache), &[dir.to_path_buf()], &walk)?;
        let findings = scanned
            .findings
            .into_iter()
            .filter(|f| only.is_none_or(|m| m.is_match(root.join(&f.path))))
            .collect();
        Ok(self.worst(findings))
    }

    fn funnel<'c>(&'c self, cache: Option<&'c FileCache>) -> Funnel<'c> {
        Funnel::new(
            self.engine,
            Limits {
                max_size: self.config.reach.max_file_size,
            },
        )
        .with_cache(cache)
    }

    /// The cache key (root-relative path) and stamp of a file, when it is
    /// in the working tree.
    fn cache_key(&self, p: &Path, cache: Option<&FileCache>) -> (String, Option<Stamp>) {
        match self.root.as_ref().and_then(|r| p.strip_prefix(r).ok()) {
            Some(rel) if cache.is_some() => (
                slash_path(rel),
                std::fs::metadata(p).ok().map(|m| Stamp::of(&m)),
            ),
            Some(rel) => (slash_path(rel), None),
            None => (p.display().to_string(), None),
        }
    }

    fn worst(&self, findings: Vec<Finding>) -> Option<Finding> {
        findings
            .into_iter()
            .filter(|f| f.tier >= self.deny)
            .max_by_key(|f| f.tier)
    }

    /// The worst finding at or above the deny tier in `text`, as if it were
    /// the content of `path`.
    fn scan_text(&self, path: &str, text: &str) -> Result<Option<Finding>> {
        let rel = self.rel(path);
        let item = Item::blob(Blob::new(
            rel,
            Origin::Worktree,
            Content::Bytes(text.as_bytes().to_vec()),
        ));
        let funnel = Funnel::new(self.engine, Limits { max_size: u64::MAX });
        Ok(self.worst(funnel.scan(vec![item])?.findings))
    }

    // -------------------------------------------------------------- shell

    fn shell(&self, command: &str) -> Result<Verdict> {
        let commands = shell::parse(command);
        for c in &commands {
            if let Some(what) = self.disarms(c) {
                return Ok(deny_disarm(command, &what));
            }
        }
        let mut checks = 0;
        // `cd dir && cat file` reads dir/file: follow the directory changes.
        let mut here = self.cwd.clone();
        for c in &commands {
            if matches!(c.name(), "cd" | "pushd")
                && let Some(dir) = c.words.get(1)
            {
                here = normalize(&here.join(self.expand_home(dir)));
                continue;
            }
            for (raw, recursive) in read_candidates(c) {
                checks += 1;
                if checks > MAX_CHECKS {
                    return Ok(Verdict::Allow);
                }
                let raw = if Path::new(&self.expand_home(&raw)).is_absolute() {
                    raw
                } else {
                    here.join(&raw).display().to_string()
                };
                if let Some(hit) = self.read_hit(&raw, recursive)? {
                    return Ok(self.deny_read("a command that reads", &hit.shown, &hit.finding));
                }
            }
        }
        Ok(Verdict::Allow)
    }

    /// What `c` turns off, if anything.
    fn disarms(&self, c: &Simple) -> Option<String> {
        for (name, value) in c.assignments.iter().cloned().chain(
            c.words
                .iter()
                .skip(1)
                .filter_map(|w| w.split_once('='))
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .filter(|_| c.name() == "export"),
        ) {
            if name == "SKIP" && value.contains("blastwall") {
                return Some("SKIP= names blastwall's pre-commit hooks".into());
            }
            if name == "HUSKY" && value == "0" {
                return Some("HUSKY=0 turns every Husky hook off".into());
            }
        }
        match c.name() {
            "git" => git_disarms(&c.words),
            "blastwall" => match c.words.get(1).map(String::as_str) {
                Some(sub @ ("uninstall" | "accept" | "baseline")) => Some(format!(
                    "`blastwall {sub}` removes hooks or accepts findings"
                )),
                _ => None,
            },
            _ => self.modifies_protected(c),
        }
    }

    /// A change to a protected file by `c`: its output redirections, or its
    /// arguments when it is a command that changes what it names.
    fn modifies_protected(&self, c: &Simple) -> Option<String> {
        for out in &c.outputs {
            if let Some(what) = self.protected(out) {
                return Some(format!("it writes {what}"));
            }
        }
        let name = c.name();
        if !MODIFYING.contains(&name) {
            return None;
        }
        let in_place = matches!(name, "sed" | "perl");
        if in_place
            && !c
                .words
                .iter()
                .any(|w| w.starts_with("-i") || w == "--in-place")
        {
            return None;
        }
        let args: Vec<&String> = c
            .words
            .iter()
            .skip(1)
            .filter(|w| !w.starts_with('-'))
            .collect();
        let targets: Vec<&String> = match name {
            "cp" | "install" | "ln" => args.last().copied().into_iter().collect(),
            "dd" => c
                .words
                .iter()
                .filter_map(|w| w.strip_prefix("of="))
                .map(|_| args[0])
                .collect(),
            _ => args,
        };
        let targets: Vec<String> = if name == "dd" {
            c.words
                .iter()
                .filter_map(|w| w.strip_prefix("of=").map(str::to_string))
                .collect()
        } else {
            targets.into_iter().cloned().collect()
        };
        targets.iter().find_map(|t| {
            self.protected(t)
                .map(|what| format!("`{name}` changes {what}"))
        })
    }

    /// What a path is, when changing it switches blastwall off.
    fn protected(&self, raw: &str) -> Option<String> {
        let path = self.resolve(raw);
        let check = |base: &Path, patterns: &[&str]| -> Option<String> {
            let rel = slash_path(path.strip_prefix(base).ok()?);
            patterns.iter().find_map(|p| {
                let g = GlobBuilder::new(p)
                    .literal_separator(true)
                    .build()
                    .ok()?
                    .compile_matcher();
                (g.is_match(&rel) || (p.ends_with("/**") && rel == p.trim_end_matches("/**")))
                    .then(|| format!("{} (blastwall's own setup)", escape::path(&rel)))
            })
        };
        self.root
            .as_deref()
            .and_then(|r| check(r, PROTECTED))
            .or_else(|| self.home.as_deref().and_then(|h| check(h, PROTECTED_HOME)))
    }

    // ------------------------------------------------------- writes, prompts

    fn write(&self, path: &str, text: &str) -> Result<Verdict> {
        if !path.is_empty()
            && let Some(what) = self.protected(path)
        {
            return Ok(deny_disarm(
                &format!("write to {}", escape::path(path)),
                &format!("it changes {what}"),
            ));
        }
        Ok(match self.scan_text(path, text)? {
            Some(f) => self.deny_write(&self.show(path), &f),
            None => Verdict::Allow,
        })
    }

    /// A Codex patch: the files it touches, and the lines it adds.
    fn patch(&self, patch: &str) -> Result<Verdict> {
        let mut current = String::new();
        let mut added: Vec<(String, String)> = Vec::new();
        for line in patch.lines() {
            let header = [
                "*** Add File: ",
                "*** Update File: ",
                "*** Delete File: ",
                "*** Move to: ",
            ]
            .iter()
            .find_map(|h| line.strip_prefix(h));
            if let Some(path) = header {
                let path = path.trim().to_string();
                if let Some(what) = self.protected(&path) {
                    return Ok(deny_disarm("apply_patch", &format!("it changes {what}")));
                }
                current = path;
                added.push((current.clone(), String::new()));
            } else if let Some(text) = line.strip_prefix('+')
                && let Some(last) = added.last_mut()
            {
                last.1.push_str(text);
                last.1.push('\n');
            }
        }
        let _ = current;
        for (path, text) in added {
            if let Some(f) = self.scan_text(&path, &text)? {
                return Ok(self.deny_write(&self.show(&path), &f));
            }
        }
        Ok(Verdict::Allow)
    }

    fn prompt(&self, text: &str, attachments: &[String]) -> Result<Verdict> {
        if let Some(f) = self.scan_text("(prompt)", text)? {
            return Ok(Verdict::Deny(format!(
                "blastwall: the prompt carries a {} credential ({}, {}); it would go to the model \
                 and its logs. Remove it from the prompt, revoke it if it was real, and refer to \
                 it by where it is kept instead (an environment variable name, a secrets manager \
                 entry). {}",
                f.tier,
                escape::text(&f.description),
                escape::text(&f.redacted()),
                self.fix(&f)
            )));
        }
        let mentions = text
            .split_whitespace()
            .filter_map(|w| w.strip_prefix('@'))
            .map(|w| {
                w.trim_end_matches([',', '.', ';', ':', ')', '?', '!'])
                    .to_string()
            })
            .filter(|w| !w.is_empty());
        for raw in mentions.chain(attachments.iter().cloned()).take(MAX_CHECKS) {
            if let Some(hit) = self.read_hit(&raw, true)? {
                return Ok(self.deny_read("a prompt that attaches", &hit.shown, &hit.finding));
            }
        }
        Ok(Verdict::Allow)
    }

    /// A tool blastwall does not know (MCP and others): its string
    /// arguments are checked as content, and as paths when they name files.
    fn other(&self, tool: &str, args: &serde_json::Value) -> Result<Verdict> {
        let mut strings = Vec::new();
        collect_strings(args, &mut strings, 0);
        let joined = strings.join("\n");
        if let Some(f) = self.scan_text(&format!("({tool} arguments)"), &joined)? {
            return Ok(Verdict::Deny(format!(
                "blastwall: the arguments of `{}` carry a {} credential ({}, {}); a tool call \
                 would hand it on. Give the tool a reference to where the credential is kept \
                 instead. {}",
                escape::text(tool),
                f.tier,
                escape::text(&f.description),
                escape::text(&f.redacted()),
                self.fix(&f)
            )));
        }
        let paths: Vec<String> = strings
            .into_iter()
            .filter(|s| {
                s.len() < 4096 && (s.contains('/') || s.starts_with('.') || s.starts_with('~'))
            })
            .collect();
        self.reads(&paths, &format!("`{}` reading", escape::text(tool)))
    }

    // --------------------------------------------------------------- paths

    /// `~/…`, `$HOME/…` and `${HOME}/…` with the home directory put in.
    fn expand_home(&self, raw: &str) -> PathBuf {
        let rest = raw
            .strip_prefix("~/")
            .or_else(|| raw.strip_prefix("$HOME/"))
            .or_else(|| raw.strip_prefix("${HOME}/"));
        match (rest, &self.home) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => PathBuf::from(raw),
        }
    }

    fn resolve(&self, raw: &str) -> PathBuf {
        let expanded = self.expand_home(raw);
        let abs = if expanded.is_absolute() {
            expanded
        } else {
            self.cwd.join(expanded)
        };
        normalize(&abs)
    }

    /// A path as the agent gave it, made safe to show.
    fn show(&self, raw: &str) -> String {
        escape::path(raw).into_owned()
    }

    /// `raw` relative to the working tree root when inside it (rules that
    /// depend on a file's name see the same name as in a scan).
    fn rel(&self, raw: &str) -> String {
        let abs = self.resolve(raw);
        match self.root.as_ref().and_then(|r| abs.strip_prefix(r).ok()) {
            Some(rel) => slash_path(rel),
            None => slash_path(&abs),
        }
    }

    fn deny_read(&self, verb: &str, shown: &str, f: &Finding) -> Verdict {
        Verdict::Deny(format!(
            "blastwall: blocked {verb} {shown}: it holds a {} credential ({}, {}, line {}). An \
             agent that reads it can use it. Move it out of the working tree into a secrets \
             manager, the OS keychain or the CI secret store, and give the task a narrower \
             credential if it needs one. {}",
            f.tier,
            escape::text(&f.description),
            escape::text(&f.redacted()),
            f.line,
            self.fix(f),
        ))
    }

    fn deny_write(&self, shown: &str, f: &Finding) -> Verdict {
        Verdict::Deny(format!(
            "blastwall: blocked writing {shown}: the new text holds a {} credential ({}, {}). \
             Read credentials from the environment or a secrets manager at run time instead of \
             writing them into files. {}",
            f.tier,
            escape::text(&f.description),
            escape::text(&f.redacted()),
            self.fix(f),
        ))
    }

    fn fix(&self, f: &Finding) -> String {
        self.engine
            .rules
            .find(&f.rule)
            .map(|r| format!("Safer: {}", escape::text(r.fix.trim())))
            .unwrap_or_default()
    }
}

/// Removes `.` and `..` components without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Files named like credential stores under `dir` (outside the working
/// tree), at most `depth` levels down and `limit` entries looked at.
fn bounded_store_files(dir: &Path, depth: usize, limit: usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut seen = 0;
    let mut stack = vec![(dir.to_path_buf(), 0)];
    while let Some((d, level)) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            seen += 1;
            if seen > limit {
                return out;
            }
            let Ok(ft) = e.file_type() else { continue };
            let p = e.path();
            if ft.is_dir() && level < depth {
                stack.push((p, level + 1));
            } else if ft.is_file() && names::is_credential_store(&slash_path(&p)) {
                out.push(p);
            }
        }
    }
    out
}

/// What `c` might read: its non-option arguments (and `--opt=VALUE`
/// values), its input redirections, and path-like tokens in its scripts;
/// with whether a directory among them is read recursively.
fn read_candidates(c: &Simple) -> Vec<(String, bool)> {
    let name = c.name();
    let mut out: Vec<(String, bool)> = c.inputs.iter().map(|i| (i.clone(), false)).collect();
    if name.is_empty() || LISTING.contains(&name) {
        return out;
    }
    let recursive = match name {
        "rg" | "ag" | "ack" | "tar" | "rsync" | "7z" => true,
        "grep" | "egrep" | "fgrep" | "cp" | "scp" | "zip" => c.words.iter().any(|w| {
            w.starts_with('-') && !w.starts_with("--") && w.contains(['r', 'R', 'a'])
                || matches!(
                    w.as_str(),
                    "--recursive" | "--dereference-recursive" | "--archive"
                )
        }),
        _ => false,
    } && RECURSIVE.contains(&name);
    let mut operands = 0;
    for w in c.words.iter().skip(1) {
        if let Some((_, value)) = w.split_once('=').filter(|_| w.starts_with("--")) {
            out.push((value.to_string(), recursive));
        } else if !w.starts_with('-') {
            operands += 1;
            out.push((w.clone(), recursive));
        }
    }
    // A recursive search given only its pattern searches the working directory.
    let searcher = matches!(name, "grep" | "egrep" | "fgrep" | "rg" | "ag" | "ack");
    if recursive && searcher && operands <= 1 {
        out.push((".".to_string(), true));
    }
    for script in &c.scripts {
        out.extend(shell::path_tokens(script).into_iter().map(|t| (t, false)));
    }
    out
}

/// How a git invocation switches hooks off, if it does.
fn git_disarms(words: &[String]) -> Option<String> {
    let mut i = 1;
    while i < words.len() && words[i].starts_with('-') {
        let w = &words[i];
        if w == "-c" || w == "--config-env" {
            if words
                .get(i + 1)
                .is_some_and(|kv| kv.to_ascii_lowercase().starts_with("core.hookspath"))
            {
                return Some("`git -c core.hooksPath=…` runs other hooks than blastwall's".into());
            }
            i += 2;
            continue;
        }
        if w.to_ascii_lowercase().starts_with("-ccore.hookspath") {
            return Some("`git -c core.hooksPath=…` runs other hooks than blastwall's".into());
        }
        i += if matches!(
            w.as_str(),
            "-C" | "--git-dir" | "--work-tree" | "--namespace"
        ) {
            2
        } else {
            1
        };
    }
    let sub = words.get(i).map(String::as_str)?;
    let args = &words[i + 1..];
    let has = |flag: &str| args.iter().any(|a| a == flag);
    match sub {
        "commit" | "merge" | "cherry-pick" | "revert" | "am" | "rebase" | "pull"
            if has("--no-verify") =>
        {
            Some(format!("`git {sub} --no-verify` skips the hooks"))
        }
        "commit"
            if args.iter().any(|a| {
                a == "-n"
                    || (a.starts_with('-')
                        && !a.starts_with("--")
                        && a[1..].contains('n')
                        && !a[1..].starts_with(['m', 'F', 'C', 'c', 't']))
            }) =>
        {
            Some("`git commit -n` skips the hooks".into())
        }
        "push" if has("--no-verify") => {
            Some("`git push --no-verify` skips the pre-push hook".into())
        }
        "config"
            if args
                .iter()
                .any(|a| a.to_ascii_lowercase().contains("core.hookspath"))
                && !args.iter().any(|a| {
                    matches!(
                        a.as_str(),
                        "--get" | "--get-all" | "--get-regexp" | "-l" | "--list" | "get"
                    )
                }) =>
        {
            Some("`git config core.hooksPath` moves where git looks for hooks".into())
        }
        _ => None,
    }
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>, depth: usize) {
    if depth > 16 || out.len() > 1024 {
        return;
    }
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out, depth + 1)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_strings(x, out, depth + 1)),
        _ => {}
    }
}

fn deny_disarm(command: &str, what: &str) -> Verdict {
    let shown: String = escape::text(command).chars().take(120).collect();
    Verdict::Deny(format!(
        "blastwall: `{shown}` is blocked: {what}. Switching off blastwall's checks is for a \
         person to decide, not an agent; if a finding is wrong, say so and let the user accept \
         it (`blastwall accept <id> --reason ...`)."
    ))
}
