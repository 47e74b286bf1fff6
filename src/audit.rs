//! What an agent session started here would inherit.
//!
//! An agent uses whatever its environment offers: the files under its
//! working directory, the variables of the process that started it, and the
//! credential caches and shell histories in the user's home directory (every
//! file the user can read is readable by an agent's shell). This module
//! lists where those live; the engine decides what in them is a credential.

use crate::engine::{Engine, EngineError};
use crate::finding::{Finding, Origin};
use crate::scan::{ScanStats, looks_binary};
use std::path::{Path, PathBuf};

/// Credential caches, agent configs and histories under `~`, from the
/// project's research (§2.2). A trailing `/*` means every file in that
/// directory; `**` every file below it.
pub const HOME_LOCATIONS: &[&str] = &[
    // Cloud CLIs
    ".aws/credentials",
    ".aws/config",
    ".aws/sso/cache/*",
    ".aws/cli/cache/*",
    ".config/gcloud/application_default_credentials.json",
    ".config/gcloud/legacy_credentials/**",
    ".config/gcloud/credentials.db",
    ".config/gcloud/access_tokens.db",
    ".azure/msal_token_cache.json",
    ".azure/service_principal_entries.json",
    ".azure/accessTokens.json",
    ".kube/config",
    ".terraform.d/credentials.tfrc.json",
    ".terraformrc",
    // Deploy platforms
    ".railway/config.json",
    ".railway/config-staging.json",
    ".railway/config-dev.json",
    ".railway/claude-code-token",
    ".local/share/com.vercel.cli/auth.json",
    "Library/Application Support/com.vercel.cli/auth.json",
    ".netlify/config.json",
    ".config/netlify/config.json",
    "Library/Preferences/netlify/config.json",
    ".config/.wrangler/config/default.toml",
    ".wrangler/config/default.toml",
    "Library/Preferences/.wrangler/config/default.toml",
    ".fly/config.yml",
    ".supabase/access-token",
    ".config/doctl/config.yaml",
    ".config/stripe/config.toml",
    ".netrc",
    "_netrc",
    // Source control and registries
    ".config/gh/hosts.yml",
    ".git-credentials",
    ".config/git/credentials",
    ".docker/config.json",
    ".npmrc",
    ".yarnrc.yml",
    ".pypirc",
    ".cargo/credentials.toml",
    ".cargo/credentials",
    ".gem/credentials",
    ".m2/settings.xml",
    ".gradle/gradle.properties",
    ".nuget/NuGet/NuGet.Config",
    // Agents and their MCP servers
    ".codex/auth.json",
    ".codex/config.toml",
    ".claude.json",
    ".claude/settings.json",
    ".claude/.credentials.json",
    ".cursor/mcp.json",
    ".config/Claude/claude_desktop_config.json",
    "Library/Application Support/Claude/claude_desktop_config.json",
    ".codeium/windsurf/mcp_config.json",
    ".gemini/settings.json",
    ".gemini/.env",
    ".continue/config.yaml",
    ".continue/config.json",
    ".aider.conf.yml",
    ".env",
    // Shell and REPL histories
    ".bash_history",
    ".zsh_history",
    ".local/share/fish/fish_history",
    ".python_history",
    ".psql_history",
    ".mysql_history",
    ".node_repl_history",
    ".sqlite_history",
    ".rediscli_history",
];

/// The files `HOME_LOCATIONS` name under `home` that exist.
pub fn home_files(home: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for loc in HOME_LOCATIONS {
        if let Some(dir) = loc.strip_suffix("/**") {
            let base = home.join(dir);
            if base.is_dir() {
                for e in ignore::WalkBuilder::new(&base)
                    .standard_filters(false)
                    .hidden(false)
                    .follow_links(false)
                    .build()
                    .flatten()
                {
                    if e.file_type().is_some_and(|t| t.is_file()) {
                        out.push(e.into_path());
                    }
                }
            }
        } else if let Some(dir) = loc.strip_suffix("/*") {
            if let Ok(rd) = std::fs::read_dir(home.join(dir)) {
                let mut files: Vec<PathBuf> = rd
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect();
                files.sort();
                out.extend(files);
            }
        } else {
            let p = home.join(loc);
            if p.is_file() {
                out.push(p);
            }
        }
    }
    out
}

/// Scans `files` (under `home`), reporting paths as `~/...`.
pub fn scan_home(
    engine: &Engine,
    home: &Path,
    files: &[PathBuf],
    max_size: u64,
) -> Result<(Vec<Finding>, ScanStats), EngineError> {
    let mut findings = Vec::new();
    let mut stats = ScanStats::default();
    for path in files {
        let shown = match path.strip_prefix(home) {
            Ok(rel) => format!("~/{}", crate::scan::slash_path(rel)),
            Err(_) => path.display().to_string(),
        };
        let data = match std::fs::metadata(path) {
            Ok(m) if m.len() > max_size => {
                stats.skipped.too_large += 1;
                continue;
            }
            Ok(_) => match std::fs::read(path) {
                Ok(d) => d,
                Err(e) => {
                    stats.skipped.unreadable += 1;
                    stats.errors.push(format!("{shown}: {e}"));
                    continue;
                }
            },
            Err(e) => {
                stats.skipped.unreadable += 1;
                stats.errors.push(format!("{shown}: {e}"));
                continue;
            }
        };
        if looks_binary(&data) {
            // SQLite token stores (gcloud) are binary; a credential file
            // exists there all the same, but its content is out of reach.
            stats.skipped.binary += 1;
            continue;
        }
        stats.files += 1;
        stats.bytes += data.len() as u64;
        findings.extend(engine.scan(&shown, &data)?.into_iter().map(|mut f| {
            f.origin = Origin::Home;
            f
        }));
    }
    Ok((findings, stats))
}

/// Scans the process environment, one variable at a time, as `NAME=value`.
pub fn scan_env(
    engine: &Engine,
    vars: &[(String, String)],
) -> Result<(Vec<Finding>, ScanStats), EngineError> {
    let mut findings = Vec::new();
    let mut stats = ScanStats::default();
    for (name, value) in vars {
        let text = format!("{name}={value}\n");
        stats.files += 1;
        stats.bytes += text.len() as u64;
        findings.extend(
            engine
                .scan(&format!("${name}"), text.as_bytes())?
                .into_iter()
                .map(|mut f| {
                    f.origin = Origin::Environment;
                    f
                }),
        );
    }
    Ok((findings, stats))
}
