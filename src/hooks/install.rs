//! Installing the git hooks without clobbering anything.
//!
//! Hooks go into the directory git actually runs them from (`git rev-parse
//! --git-path hooks`, which honours `core.hooksPath`, linked worktrees and
//! submodules; no git library resolves it). An existing hook is kept beside
//! ours as `<hook>.blastwall-chained` and runs first; its failure still
//! blocks. Installing twice changes nothing; uninstalling puts back exactly
//! what was there. Every write is a temp file renamed into place.

use crate::git::command as git;
use std::path::{Path, PathBuf};

/// Marks a hook script as ours.
pub const MARKER: &str = "blastwall-managed-hook v1";
/// Suffix of a pre-existing hook that ours chains to.
pub const CHAINED_SUFFIX: &str = ".blastwall-chained";
/// In a global hooks directory: records that `blastwall install --global`
/// set `core.hooksPath`, and its previous value, so uninstall can restore it.
const GLOBAL_STATE: &str = ".blastwall-global-state";

const PRE_COMMIT_TEMPLATE: &str = include_str!("../../hooks/pre-commit");
const PRE_PUSH_TEMPLATE: &str = include_str!("../../hooks/pre-push");

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

    fn template(self) -> &'static str {
        match self {
            Hook::PreCommit => PRE_COMMIT_TEMPLATE,
            Hook::PrePush => PRE_PUSH_TEMPLATE,
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

/// The script for `hook`, pointing at `binary`.
pub fn render(hook: Hook, binary: &Path, scope: Scope) -> String {
    let bin = binary.display().to_string().replace('\'', "");
    hook.template().replace("@BLASTWALL@", &bin).replace(
        "@SCOPE@",
        if scope == Scope::Global {
            "global"
        } else {
            "local"
        },
    )
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

fn is_ours(path: &Path) -> bool {
    std::fs::read(path)
        .map(|b| memchr::memmem::find(&b, MARKER.as_bytes()).is_some())
        .unwrap_or(false)
}

/// Writes `content` to `path` atomically, executable when asked.
fn write_atomic(path: &Path, content: &[u8], executable: bool) -> Result<(), InstallError> {
    crate::atomic::write(path, content, executable.then_some(0o755))
        .map_err(|e| err(format!("writing {}: {e}", path.display())))
}

fn chained_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(CHAINED_SUFFIX);
    target.with_file_name(name)
}

fn install_one(
    dir: &Path,
    hook: Hook,
    binary: &Path,
    scope: Scope,
) -> Result<Action, InstallError> {
    let target = dir.join(hook.name());
    let script = render(hook, binary, scope);
    if target.exists() || target.is_symlink() {
        if is_ours(&target) {
            write_atomic(&target, script.as_bytes(), true)?;
            return Ok(Action::Updated { path: target });
        }
        let chained = chained_path(&target);
        if chained.exists() || chained.is_symlink() {
            return Err(err(format!(
                "{} exists and so does {}; resolve by hand which one should run",
                target.display(),
                chained.display()
            )));
        }
        std::fs::rename(&target, &chained)
            .map_err(|e| err(format!("moving {} aside: {e}", target.display())))?;
        if let Err(e) = write_atomic(&target, script.as_bytes(), true) {
            // Put the user's hook back rather than leave them without one.
            let _ = std::fs::rename(&chained, &target);
            return Err(e);
        }
        return Ok(Action::Installed {
            path: target,
            chained: Some(chained),
        });
    }
    write_atomic(&target, script.as_bytes(), true)?;
    Ok(Action::Installed {
        path: target,
        chained: None,
    })
}

fn uninstall_one(dir: &Path, hook: Hook) -> Result<Action, InstallError> {
    let target = dir.join(hook.name());
    if !target.exists() && !target.is_symlink() {
        return Ok(Action::Absent { path: target });
    }
    if !is_ours(&target) {
        return Ok(Action::NotOurs { path: target });
    }
    let chained = chained_path(&target);
    if chained.exists() || chained.is_symlink() {
        std::fs::rename(&chained, &target)
            .map_err(|e| err(format!("restoring {}: {e}", chained.display())))?;
        return Ok(Action::Removed {
            path: target.clone(),
            restored: Some(target),
        });
    }
    std::fs::remove_file(&target)
        .map_err(|e| err(format!("removing {}: {e}", target.display())))?;
    Ok(Action::Removed {
        path: target,
        restored: None,
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
            if dir.join(GLOBAL_STATE).exists() {
                return Err(err(format!(
                    "{} holds blastwall's global hooks, which serve every repository; \
                     remove them with `blastwall uninstall --global`",
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
