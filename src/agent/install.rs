//! Adding blastwall's entries to an agent's hook configuration, and taking
//! exactly those out again.
//!
//! Each agent keeps its hooks in its own JSON file, in the project or in
//! the user's home (`--global`). Entries are merged in beside everyone
//! else's, found again by their command (`… agent-hook AGENT`), updated in
//! place on a second install, and removed alone on uninstall; a file left
//! with nothing in it goes. A file that is not valid JSON is never
//! rewritten: the error names it.

use super::event::Agent;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// Seconds an agent may wait for the hook (the guard's own deadline is
/// shorter, so it answers before the agent gives up and lets the call run).
const AGENT_TIMEOUT_SECS: u64 = 30;

/// What install or uninstall did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    Added(PathBuf),
    Updated(PathBuf),
    Removed(PathBuf),
    Absent(PathBuf),
}

impl std::fmt::Display for Done {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Done::Added(p) => write!(f, "added blastwall's agent hooks to {}", p.display()),
            Done::Updated(p) => write!(
                f,
                "updated blastwall's agent hooks in {} (already installed)",
                p.display()
            ),
            Done::Removed(p) => write!(f, "removed blastwall's agent hooks from {}", p.display()),
            Done::Absent(p) => write!(f, "no blastwall agent hooks in {}", p.display()),
        }
    }
}

/// The configuration file of `agent`, under `base` (the project root, or
/// the home directory for a user-wide install).
pub fn config_path(agent: Agent, base: &Path, global: bool) -> PathBuf {
    match (agent, global) {
        (Agent::Claude, _) => base.join(".claude/settings.json"),
        (Agent::Cursor, _) => base.join(".cursor/hooks.json"),
        (Agent::Codex, _) => base.join(".codex/hooks.json"),
        (Agent::Gemini, _) => base.join(".gemini/settings.json"),
        (Agent::Copilot, false) => base.join(".github/hooks/blastwall.json"),
        (Agent::Copilot, true) => base.join(".copilot/hooks/blastwall.json"),
    }
}

/// The command the agent runs.
fn command(binary: &Path, agent: Agent) -> String {
    let bin = binary.display().to_string();
    let bin = if bin.contains([' ', '\'', '"', '$', '`', '\\']) {
        format!("'{}'", bin.replace('\'', "'\\''"))
    } else {
        bin
    };
    format!("{bin} agent-hook {}", agent.name())
}

/// blastwall's entries for `agent`: (event, entry) pairs.
fn entries(agent: Agent, cmd: &str) -> Vec<(&'static str, Value)> {
    let claude_style = |matcher: Option<&str>| {
        let mut group =
            json!({"hooks": [{"type": "command", "command": cmd, "timeout": AGENT_TIMEOUT_SECS}]});
        if let Some(m) = matcher {
            group["matcher"] = json!(m);
        }
        group
    };
    match agent {
        Agent::Claude => vec![
            ("PreToolUse", claude_style(Some("Read|Grep|Glob|Bash|PowerShell|Edit|MultiEdit|Write|NotebookEdit|mcp__.*"))),
            ("UserPromptSubmit", claude_style(None)),
        ],
        Agent::Codex => vec![
            ("PreToolUse", claude_style(Some("^(Bash|apply_patch|mcp__.*)$"))),
            ("UserPromptSubmit", claude_style(None)),
        ],
        Agent::Cursor => ["beforeReadFile", "beforeShellExecution", "beforeMCPExecution", "beforeSubmitPrompt", "preToolUse"]
            .into_iter()
            .map(|e| (e, json!({"command": cmd, "failClosed": true})))
            .collect(),
        Agent::Gemini => {
            let group = |matcher: Option<&str>| {
                let mut g = json!({"hooks": [{"type": "command", "command": cmd, "name": "blastwall", "timeout": AGENT_TIMEOUT_SECS * 1000}]});
                if let Some(m) = matcher {
                    g["matcher"] = json!(m);
                }
                g
            };
            vec![
                ("BeforeTool", group(Some("read_file|read_many_files|run_shell_command|write_file|replace|glob|grep_search|search_file_content|list_directory|mcp_.*"))),
                ("BeforeAgent", group(None)),
            ]
        }
        Agent::Copilot => ["preToolUse", "userPromptSubmitted"]
            .into_iter()
            .map(|e| (e, json!({"type": "command", "bash": cmd, "powershell": cmd, "timeoutSec": AGENT_TIMEOUT_SECS})))
            .collect(),
    }
}

/// Whether a hook entry (a handler, or a group of handlers) is blastwall's.
fn is_ours(entry: &Value) -> bool {
    let mine = |v: &Value| {
        ["command", "bash", "powershell"].iter().any(|k| {
            v.get(*k)
                .and_then(Value::as_str)
                .is_some_and(|c| c.contains("blastwall") && c.contains("agent-hook"))
        })
    };
    mine(entry)
        || entry
            .get("hooks")
            .and_then(Value::as_array)
            .is_some_and(|hs| hs.iter().any(mine))
}

fn read(path: &Path) -> Result<Option<Value>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("reading {}: {e}", path.display())),
    };
    if text.trim().is_empty() {
        return Ok(Some(json!({})));
    }
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: not valid JSON ({e}); fix it by hand, blastwall does not rewrite it",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if !v.is_object() {
        return Err(format!(
            "{}: not a JSON object; blastwall does not rewrite it",
            path.display()
        ));
    }
    Ok(Some(v))
}

fn write(path: &Path, v: &Value) -> Result<(), String> {
    let mut text = serde_json::to_string_pretty(v).expect("a JSON value serializes");
    text.push('\n');
    crate::atomic::write(path, text.as_bytes(), None)
        .map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Adds (or updates) blastwall's entries for `agent` in `path`.
pub fn install(agent: Agent, path: &Path, binary: &Path) -> Result<Done, String> {
    let existed = read(path)?;
    let mut doc = existed.clone().unwrap_or_else(|| json!({}));
    let root = doc.as_object_mut().expect("checked to be an object");
    if matches!(agent, Agent::Cursor | Agent::Copilot) && !root.contains_key("version") {
        root.insert("version".into(), json!(1));
    }
    let hooks = root.entry("hooks").or_insert_with(|| json!({}));
    let Some(hooks) = hooks.as_object_mut() else {
        return Err(format!(
            "{}: `hooks` is not an object; blastwall does not rewrite it",
            path.display()
        ));
    };
    let cmd = command(binary, agent);
    let mut updated = false;
    for (event, entry) in entries(agent, &cmd) {
        let list = hooks.entry(event).or_insert_with(|| json!([]));
        let Some(list) = list.as_array_mut() else {
            return Err(format!(
                "{}: `hooks.{event}` is not a list; blastwall does not rewrite it",
                path.display()
            ));
        };
        match list.iter_mut().find(|e| is_ours(e)) {
            Some(existing) => {
                updated = true;
                *existing = entry;
            }
            None => list.push(entry),
        }
    }
    if existed.as_ref() != Some(&doc) {
        write(path, &doc)?;
    }
    Ok(if updated {
        Done::Updated(path.to_path_buf())
    } else {
        Done::Added(path.to_path_buf())
    })
}

/// Removes exactly blastwall's entries from `path`.
pub fn uninstall(path: &Path) -> Result<Done, String> {
    let Some(mut doc) = read(path)? else {
        return Ok(Done::Absent(path.to_path_buf()));
    };
    let before = doc.clone();
    if let Some(hooks) = doc.get_mut("hooks").and_then(Value::as_object_mut) {
        prune(hooks);
        if hooks.is_empty() {
            doc.as_object_mut().expect("an object").remove("hooks");
        }
    }
    if doc == before {
        return Ok(Done::Absent(path.to_path_buf()));
    }
    let left = doc.as_object().expect("an object");
    let empty = left.is_empty() || (left.len() == 1 && left.get("version") == Some(&json!(1)));
    if empty {
        std::fs::remove_file(path).map_err(|e| format!("removing {}: {e}", path.display()))?;
    } else {
        write(path, &doc)?;
    }
    Ok(Done::Removed(path.to_path_buf()))
}

/// Drops blastwall's handlers, then groups and events left empty.
fn prune(hooks: &mut Map<String, Value>) {
    for list in hooks.values_mut() {
        let Some(items) = list.as_array_mut() else {
            continue;
        };
        for item in items.iter_mut() {
            if let Some(hs) = item.get_mut("hooks").and_then(Value::as_array_mut) {
                hs.retain(|h| !is_ours(h));
            }
        }
        items.retain(|item| {
            let emptied = item
                .get("hooks")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty);
            !is_ours(item) && !emptied
        });
    }
    hooks.retain(|_, list| !list.as_array().is_some_and(Vec::is_empty));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_everyone_elses_hooks() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".claude/settings.json");
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let theirs = r#"{"model":"x","hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"lint"}]}]}}"#;
        std::fs::write(&p, theirs).unwrap();
        let bin = Path::new("/opt/bw/blastwall");
        assert!(matches!(
            install(Agent::Claude, &p, bin).unwrap(),
            Done::Added(_)
        ));
        let once = std::fs::read_to_string(&p).unwrap();
        assert!(matches!(
            install(Agent::Claude, &p, bin).unwrap(),
            Done::Updated(_)
        ));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), once);
        assert!(once.contains("agent-hook claude") && once.contains("\"lint\""));
        uninstall(&p).unwrap();
        let back: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(theirs).unwrap());
    }

    #[test]
    fn invalid_json_is_never_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hooks.json");
        std::fs::write(&p, "{ nope").unwrap();
        let e = install(Agent::Cursor, &p, Path::new("/b")).unwrap_err();
        assert!(e.contains("hooks.json:1:"), "{e}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{ nope");
    }
}
