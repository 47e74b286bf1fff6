//! Installing the git hooks without clobbering anything.
//!
//! Hooks go into the directory git actually runs them from (`git rev-parse
//! --git-path hooks`, which honours `core.hooksPath`, linked worktrees and
//! submodules; no git library resolves it). An existing hook is kept, under
//! its own name, in `blastwall-chained/` beside ours and runs first, as if
//! git had run it (hook managers such as Husky dispatch on the hook's name);
//! its failure still blocks. A hook that is a symlink is moved as a symlink.
//! Installing twice changes nothing; a managed hook edited by hand is never
//! overwritten; uninstalling puts back exactly what was there. Every write
//! is a temp file renamed into place.

use crate::git::command as git;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Marks a hook script as ours.
pub const MARKER: &str = "blastwall-managed-hook v1";
/// The directory, beside ours, where hooks that were there before are kept.
pub const CHAINED_DIR: &str = "blastwall-chained";
/// Where earlier versions kept a chained hook: `<hook>.blastwall-chained`.
const LEGACY_CHAINED_SUFFIX: &str = ".blastwall-chained";
/// The last line of a managed hook: the SHA-256 of everything above it, so
/// that a hand edit is noticed and never overwritten.
const CHECKSUM_PREFIX: &str = "# blastwall-hook-sha256: ";
/// In a global hooks directory: records that `blastwall install --global`
/// set `core.hooksPath`, and its previous value, so uninstall can restore it.
const GLOBAL_STATE: &str = ".blastwall-global-state";

/// One template for every hook (`@HOOK@`, `@BLASTWALL@`, `@SCOPE@`).
const TEMPLATE: &str = include_str!("../../hooks/hook.sh");

/// The hooks blastwall provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    PreCommit,
    PrePush,
}

impl Hook {
    pub fn name(self) -> &'static str {
        match self {
            Hook::PreCommit => "pre-commit",
            Hook::PrePush => "pre-push",
        }
    }
}

/// Where hooks are installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The repository's hooks directory.
    Local,
    /// A user-wide `core.hooksPath` that also runs each repository's own hooks.
    Global,
}

/// Install or uninstall failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InstallError(String);

fn err(msg: impl Into<String>) -> InstallError {
    InstallError(msg.into())
}

/// What install or uninstall did to one hook, for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Installed {
        path: PathBuf,
        chained: Option<PathBuf>,
    },
    Updated {
        path: PathBuf,
    },
    Removed {
        path: PathBuf,
        restored: Option<PathBuf>,
    },
    NotOurs {
        path: PathBuf,
    },
    Absent {
        path: PathBuf,
    },
    GlobalHooksPath {
        dir: PathBuf,
        set: bool,
    },
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::Installed {
                path,
                chained: None,
            } => write!(f, "installed {}", path.display()),
            Action::Installed {
                path,
                chained: Some(c),
            } => write!(
                f,
                "installed {} (the existing hook was kept as {} and runs first)",
                path.display(),
                c.display()
            ),
            Action::Updated { path } => write!(f, "updated {} (already installed)", path.display()),
            Action::Removed {
                path,
                restored: None,
            } => write!(f, "removed {}", path.display()),
            Action::Removed {
                path,
                restored: Some(_),
            } => write!(
                f,
                "removed {} and restored the hook that was there before",
                path.display()
            ),
            Action::NotOurs { path } => write!(
                f,
                "left {} alone: it is not a blastwall hook",
                path.display()
            ),
            Action::Absent { path } => write!(f, "nothing to remove at {}", path.display()),
            Action::GlobalHooksPath { dir, set: true } => {
                write!(
                    f,
                    "set git config --global core.hooksPath {}",
                    dir.display()
                )
            }
            Action::GlobalHooksPath { dir, set: false } => {
                write!(
                    f,
                    "restored git config --global core.hooksPath (was {})",
                    dir.display()
                )
            }
        }
    }
}

/// The hooks directory git uses for the repository at `cwd`.
pub fn local_hooks_dir(cwd: &Path) -> Result<PathBuf, InstallError> {
    git::hooks_dir(cwd).map_err(InstallError)
}

fn global_hooks_path(cwd: &Path) -> Option<String> {
    git::global_config(cwd, "core.hooksPath")
}

fn expand_home(p: &str) -> PathBuf {
    match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(p),
    }
}

fn default_global_dir() -> Result<PathBuf, InstallError> {
    let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(x) => PathBuf::from(x),
        None => PathBuf::from(std::env::var_os("HOME").ok_or_else(|| err("HOME is not set"))?)
            .join(".config"),
    };
    Ok(base.join("blastwall").join("hooks"))
}

/// The script for `hook`, pointing at `binary`, ending in its checksum line.
pub fn render(hook: Hook, binary: &Path, scope: Scope) -> String {
    let scope = if scope == Scope::Global {
        "global"
    } else {
        "local"
    };
    let body = TEMPLATE
        .replace("@HOOK@", hook.name())
        .replace("@BLASTWALL@", &shell_quoted_path(binary))
        .replace("@SCOPE@", scope);
    format!("{body}{CHECKSUM_PREFIX}{}\n", checksum(&body))
}

/// A path for inside the script's double-quoted `"${BLASTWALL:-…}"`: the
/// characters special there (`"`, `$`, `` ` ``, `\\`, `}`) are backslash-escaped.
fn shell_quoted_path(p: &Path) -> String {
    let mut out = String::new();
    for c in p.display().to_string().chars() {
        if matches!(c, '"' | '$' | '`' | '\\' | '}') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn checksum(body: &str) -> String {
    crate::finding::hex(&Sha256::digest(body.as_bytes()))
}

/// How a managed hook on disk compares with what blastwall wrote.
#[derive(Debug, PartialEq, Eq)]
enum Managed {
    /// As blastwall wrote it (or written by a version without checksums).
    Intact,
    /// Changed by hand since.
    Edited,
}

fn managed_state(text: &str) -> Managed {
    let Some(at) = text.rfind(CHECKSUM_PREFIX) else {
        return Managed::Intact;
    };
    let recorded = text[at + CHECKSUM_PREFIX.len()..].trim_end();
    if text[at..].lines().count() == 1 && recorded == checksum(&text[..at]) {
        Managed::Intact
    } else {
        Managed::Edited
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Whether `path` is a hook blastwall wrote: a regular file with the
/// marker. A symlink is the user's, whatever it points at.
fn is_ours(path: &Path) -> bool {
    !path.is_symlink()
        && std::fs::read(path)
            .map(|b| memchr::memmem::find(&b, MARKER.as_bytes()).is_some())
            .unwrap_or(false)
}

/// Writes `content` to `path` atomically, executable when asked.
fn write_atomic(path: &Path, content: &[u8], executable: bool) -> Result<(), InstallError> {
    crate::atomic::write(path, content, executable.then_some(0o755))
        .map_err(|e| err(format!("writing {}: {e}", path.display())))
}

/// Where a hook that was at `dir/<name>` is kept: `dir/blastwall-chained/<name>`.
fn chained_path(dir: &Path, hook: Hook) -> PathBuf {
    dir.join(CHAINED_DIR).join(hook.name())
}

fn legacy_chained_path(dir: &Path, hook: Hook) -> PathBuf {
    dir.join(format!("{}{LEGACY_CHAINED_SUFFIX}", hook.name()))
}

fn exists(p: &Path) -> bool {
    p.exists() || p.is_symlink()
}

/// Moves the hook at `from` to `to`, one directory level deeper or
/// shallower (`depth_change` +1 or -1); a relative symlink's target is
/// rewritten so it still points at the same file.
fn move_hook(from: &Path, to: &Path, depth_change: i32) -> std::io::Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let link = std::fs::read_link(from).ok().filter(|t| t.is_relative());
    match link {
        #[cfg(unix)]
        Some(target) => {
            let target = if depth_change > 0 {
                Path::new("..").join(target)
            } else {
                target
                    .strip_prefix("..")
                    .map(Path::to_path_buf)
                    .unwrap_or(target)
            };
            std::os::unix::fs::symlink(&target, to)?;
            std::fs::remove_file(from)
        }
        _ => std::fs::rename(from, to),
    }
}

fn install_one(
    dir: &Path,
    hook: Hook,
    binary: &Path,
    scope: Scope,
) -> Result<Action, InstallError> {
    let target = dir.join(hook.name());
    let script = render(hook, binary, scope);
    if !exists(&target) {
        write_atomic(&target, script.as_bytes(), true)?;
        return Ok(Action::Installed {
            path: target,
            chained: None,
        });
    }
    if is_ours(&target) {
        let current =
            String::from_utf8_lossy(&std::fs::read(&target).unwrap_or_default()).into_owned();
        if managed_state(&current) == Managed::Edited {
            return Err(err(format!(
                "{} was edited by hand after blastwall installed it, so it is left as it is; \
                 move your changes into a hook of your own (blastwall runs {} first), or delete \
                 the file, then run `blastwall install` again",
                target.display(),
                chained_path(dir, hook).display()
            )));
        }
        if current != script {
            write_atomic(&target, script.as_bytes(), true)?;
        }
        return Ok(Action::Updated { path: target });
    }
    let chained = chained_path(dir, hook);
    let legacy = legacy_chained_path(dir, hook);
    if exists(&chained) || exists(&legacy) {
        return Err(err(format!(
            "{} exists and so does {}; resolve by hand which one should run",
            target.display(),
            if exists(&chained) { &chained } else { &legacy }.display()
        )));
    }
    move_hook(&target, &chained, 1)
        .map_err(|e| err(format!("moving {} aside: {e}", target.display())))?;
    if let Err(e) = write_atomic(&target, script.as_bytes(), true) {
        // Put the user's hook back rather than leave them without one.
        let _ = move_hook(&chained, &target, -1);
        return Err(e);
    }
    Ok(Action::Installed {
        path: target,
        chained: Some(chained),
    })
}

fn uninstall_one(dir: &Path, hook: Hook) -> Result<Action, InstallError> {
    let target = dir.join(hook.name());
    if !exists(&target) {
        return Ok(Action::Absent { path: target });
    }
    if !is_ours(&target) {
        return Ok(Action::NotOurs { path: target });
    }
    let chained = chained_path(dir, hook);
    let legacy = legacy_chained_path(dir, hook);
    let (kept, depth) = if exists(&chained) {
        (chained, -1)
    } else {
        (legacy, 0)
    };
    if !exists(&kept) {
        std::fs::remove_file(&target)
            .map_err(|e| err(format!("removing {}: {e}", target.display())))?;
        return Ok(Action::Removed {
            path: target,
            restored: None,
        });
    }
    std::fs::remove_file(&target)
        .map_err(|e| err(format!("removing {}: {e}", target.display())))?;
    move_hook(&kept, &target, depth)
        .map_err(|e| err(format!("restoring {}: {e}", kept.display())))?;
    // The folder goes when it held only what blastwall put there.
    let _ = std::fs::remove_dir(dir.join(CHAINED_DIR));
    Ok(Action::Removed {
        path: target.clone(),
        restored: Some(target),
    })
}

/// Installs `hooks` for the repository at `cwd` (or globally).
pub fn install(
    cwd: &Path,
    hooks: &[Hook],
    scope: Scope,
    binary: &Path,
) -> Result<Vec<Action>, InstallError> {
    let mut actions = Vec::new();
    let global_dir = global_hooks_path(cwd).map(|p| expand_home(&p));
    let (dir, scope) = match scope {
        Scope::Local => {
            let dir = local_hooks_dir(cwd)?;
            // Without a local core.hooksPath, git runs the global hooks
            // directory for this repository; hooks written there serve every
            // repository, so they must also run each repository's own hooks.
            if global_dir.as_deref().is_some_and(|g| same_dir(g, &dir)) {
                (dir, Scope::Global)
            } else {
                (dir, Scope::Local)
            }
        }
        Scope::Global => match global_dir {
            Some(existing) => (existing, Scope::Global),
            None => {
                let dir = default_global_dir()?;
                std::fs::create_dir_all(&dir)
                    .map_err(|e| err(format!("creating {}: {e}", dir.display())))?;
                write_atomic(&dir.join(GLOBAL_STATE), b"set-by-blastwall\n", false)?;
                git::set_global_config(cwd, "core.hooksPath", &dir.display().to_string())
                    .map_err(InstallError)?;
                actions.push(Action::GlobalHooksPath {
                    dir: dir.clone(),
                    set: true,
                });
                (dir, Scope::Global)
            }
        },
    };
    for &hook in hooks {
        actions.push(install_one(&dir, hook, binary, scope)?);
    }
    Ok(actions)
}

/// Removes blastwall's hooks and restores what was there before.
pub fn uninstall(cwd: &Path, hooks: &[Hook], scope: Scope) -> Result<Vec<Action>, InstallError> {
    let mut actions = Vec::new();
    let dir = match scope {
        Scope::Local => {
            let dir = local_hooks_dir(cwd)?;
            let user_wide = git::local_config(cwd, "core.hooksPath").is_none()
                && global_hooks_path(cwd).is_some_and(|g| same_dir(&expand_home(&g), &dir));
            if dir.join(GLOBAL_STATE).exists() || user_wide {
                return Err(err(format!(
                    "{} is the user-wide hooks directory (global core.hooksPath), whose hooks \
                     serve every repository; remove them with `blastwall uninstall --global`",
                    dir.display()
                )));
            }
            dir
        }
        Scope::Global => match global_hooks_path(cwd) {
            Some(existing) => expand_home(&existing),
            None => return Ok(actions),
        },
    };
    for &hook in hooks {
        actions.push(uninstall_one(&dir, hook)?);
    }
    if scope == Scope::Global && dir.join(GLOBAL_STATE).exists() {
        let left = [Hook::PreCommit, Hook::PrePush]
            .iter()
            .any(|h| dir.join(h.name()).exists());
        if !left {
            git::unset_global_config(cwd, "core.hooksPath").map_err(InstallError)?;
            let _ = std::fs::remove_file(dir.join(GLOBAL_STATE));
            actions.push(Action::GlobalHooksPath { dir, set: false });
        }
    }
    Ok(actions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_carry_the_marker_and_binary() {
        for hook in [Hook::PreCommit, Hook::PrePush] {
            let s = render(hook, Path::new("/opt/bw/blastwall"), Scope::Local);
            assert!(s.starts_with("#!/bin/sh\n"));
            assert!(s.contains(MARKER));
            assert!(s.contains("/opt/bw/blastwall"));
            assert!(
                !s.contains("@BLASTWALL@") && !s.contains("@SCOPE@"),
                "unreplaced placeholder in {}",
                hook.name()
            );
        }
    }
}
