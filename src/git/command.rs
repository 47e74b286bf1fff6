//! The `git` program, for what no git library resolves the way git itself
//! does: where git runs hooks from (`core.hooksPath`, linked worktrees,
//! submodules) and the user's global config. Only the installer uses it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `git ARGS` in `cwd` and returns its trimmed stdout.
pub fn run(cwd: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .trim_end_matches(['\n', '\r'])
        .to_string())
}

/// The hooks directory git uses for the repository at `cwd`.
pub fn hooks_dir(cwd: &Path) -> Result<PathBuf, String> {
    let p = PathBuf::from(run(cwd, &["rev-parse", "--git-path", "hooks"]).map_err(|_| {
        format!(
            "{} is not inside a git repository; run `blastwall install` in one, or use --global",
            cwd.display()
        )
    })?);
    Ok(if p.is_absolute() { p } else { cwd.join(p) })
}

/// The repository's git directory (bare or not), absolute.
pub fn git_dir(cwd: &Path) -> Result<PathBuf, String> {
    let p = PathBuf::from(
        run(cwd, &["rev-parse", "--absolute-git-dir"])
            .map_err(|_| format!("{} is not inside a git repository", cwd.display()))?,
    );
    Ok(p)
}

/// A value of the user's global config, if set and not empty.
pub fn global_config(cwd: &Path, key: &str) -> Option<String> {
    run(cwd, &["config", "--global", "--get", key])
        .ok()
        .filter(|s| !s.is_empty())
}

/// A value of the repository's own config (not global or system), if set.
pub fn local_config(cwd: &Path, key: &str) -> Option<String> {
    run(cwd, &["config", "--local", "--get", key])
        .ok()
        .filter(|s| !s.is_empty())
}

/// Sets a key in the user's global config.
pub fn set_global_config(cwd: &Path, key: &str, value: &str) -> Result<(), String> {
    run(cwd, &["config", "--global", key, value]).map(|_| ())
}

/// Removes a key from the user's global config, and its section when that
/// leaves the section empty (git keeps an empty `[core]` otherwise).
pub fn unset_global_config(cwd: &Path, key: &str) -> Result<(), String> {
    run(cwd, &["config", "--global", "--unset", key])?;
    if let Some((section, _)) = key.rsplit_once('.') {
        let left = run(
            cwd,
            &[
                "config",
                "--global",
                "--get-regexp",
                &format!("^{section}\\."),
            ],
        )
        .unwrap_or_default();
        if left.is_empty() {
            // Fails harmlessly when git already removed the section.
            let _ = run(cwd, &["config", "--global", "--remove-section", section]);
        }
    }
    Ok(())
}
