//! What an agent session started here would inherit beyond the working
//! tree: the variables of the process that starts it, and the credential
//! caches and shell histories in the user's home directory (every file the
//! user can read is readable by an agent's shell). This module lists where
//! those live; the engine decides what in them is a credential.

use super::{Blob, Content, Item};
use crate::finding::Origin;
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
    // What agents leave behind: transcripts and session logs (pasted and
    // printed credentials end up there), approved commands (which often
    // embed tokens) and agent state.
    ".claude/settings.local.json",
    ".claude/projects/**",
    ".claude/history.jsonl",
    ".codex/sessions/**",
    ".codex/history.jsonl",
    ".codex/log/**",
    ".gemini/tmp/**",
    ".gemini/history/**",
    ".cursor/projects/**",
    ".copilot/session-state/**",
    ".copilot/history-session-state/**",
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

/// Items for `files` (under `home`), shown as `~/...`.
pub fn home_items(home: &Path, files: Vec<PathBuf>) -> Vec<Item<'static>> {
    files
        .into_iter()
        .map(|path| {
            let shown = match path.strip_prefix(home) {
                Ok(rel) => format!("~/{}", super::worktree::slash_path(rel)),
                Err(_) => path.display().to_string(),
            };
            Item::blob(Blob::new(shown, Origin::Home, Content::File(path)))
        })
        .collect()
}

/// Items for environment variables, one per variable, as `NAME=value`,
/// shown as `$NAME`.
pub fn env_items(vars: Vec<(String, String)>) -> Vec<Item<'static>> {
    vars.into_iter()
        .map(|(name, value)| {
            let text = format!("{name}={value}\n").into_bytes();
            Item::blob(Blob::new(
                format!("${name}"),
                Origin::Environment,
                Content::Bytes(text),
            ))
        })
        .collect()
}
