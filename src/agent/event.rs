//! One agent hook event, read from the JSON the agent writes on stdin and
//! reduced to what it would do: read files, search a directory, run a
//! shell command, write text to a file, apply a patch, hand file content
//! to the model, submit a prompt, or call some other tool.
//!
//! Field names differ between agents (`tool_name`/`tool_input`,
//! `toolName`/`toolArgs` as a JSON string, `file_path`/`path`/
//! `absolute_path`, …) and between versions of one agent; every spelling a
//! current or recent version uses is accepted. Copilot reads Claude's
//! settings too, so any agent's payload may arrive under any agent's name:
//! the payload's own shape decides how it is read, the agent named on the
//! command line only how the answer is written.

use serde_json::Value;
use std::path::PathBuf;

/// The agents blastwall answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Agent {
    Claude,
    Cursor,
    Codex,
    Gemini,
    Copilot,
}

impl Agent {
    pub const ALL: [Agent; 5] = [
        Agent::Claude,
        Agent::Cursor,
        Agent::Codex,
        Agent::Gemini,
        Agent::Copilot,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Cursor => "cursor",
            Agent::Codex => "codex",
            Agent::Gemini => "gemini",
            Agent::Copilot => "copilot",
        }
    }
}

/// Whether the event is about to run a tool or to submit a prompt: the two
/// are denied in different words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Tool,
    /// Cursor's `beforeReadFile`: content about to be given to the model.
    ReadFile,
    Prompt,
}

/// What a tool call or prompt would do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Read these files or directories (paths or globs, as given).
    Read(Vec<String>),
    /// Search the contents of a directory (recursively), optionally only
    /// files matching a glob.
    Search {
        dir: Option<String>,
        glob: Option<String>,
    },
    /// List names only.
    List,
    Shell(String),
    /// Write `text` into the file at `path` (a new file, or an edit's new text).
    Write {
        path: String,
        text: String,
    },
    /// A patch in Codex's `apply_patch` format.
    Patch(String),
    /// A file's content, about to be given to the model.
    Content {
        path: String,
        text: String,
    },
    Prompt {
        text: String,
        attachments: Vec<String>,
    },
    /// Any other tool (MCP and unknown ones): its arguments.
    Other {
        tool: String,
        args: Value,
    },
}

/// An event, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event's name as the agent gave it (or as its shape implies).
    pub name: String,
    pub kind: Kind,
    /// The directory the agent works in.
    pub cwd: PathBuf,
    pub action: Action,
}

/// Why an event could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct EventError(String);

fn err(msg: impl Into<String>) -> EventError {
    EventError(msg.into())
}

/// The first string among `keys` in `v`.
fn text(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| v.get(*k)?.as_str().map(str::to_string))
}

/// `v[key]` as an object; a JSON string holding an object is parsed.
fn object(v: &Value, keys: &[&str]) -> Option<Value> {
    keys.iter().find_map(|k| match v.get(*k)? {
        Value::String(s) => serde_json::from_str::<Value>(s)
            .ok()
            .or_else(|| Some(Value::String(s.clone()))),
        other => Some(other.clone()),
    })
}

/// Strings of an array (or one string) under the first of `keys`.
fn strings(v: &Value, keys: &[&str]) -> Vec<String> {
    keys.iter()
        .find_map(|k| match v.get(*k)? {
            Value::String(s) => Some(vec![s.clone()]),
            Value::Array(a) => Some(
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default()
}

/// Reads an event from the agent's JSON.
pub fn parse(input: &str) -> Result<Event, EventError> {
    let v: Value = serde_json::from_str(input)
        .map_err(|e| err(format!("the hook input is not JSON ({e})")))?;
    if !v.is_object() {
        return Err(err("the hook input is not a JSON object"));
    }
    let cwd = text(&v, &["cwd"])
        .or_else(|| {
            v.get("workspace_roots")?
                .as_array()?
                .first()?
                .as_str()
                .map(str::to_string)
        })
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .ok_or_else(|| err("the hook input names no working directory"))?;
    let has = |k: &str| v.get(k).is_some();
    let name = text(&v, &["hook_event_name", "hookEventName"]).unwrap_or_else(|| {
        if has("toolName") || has("tool_name") {
            "preToolUse".to_string()
        } else if has("prompt") {
            "userPromptSubmitted".to_string()
        } else {
            String::new()
        }
    });
    let (kind, action) = match name.as_str() {
        "PreToolUse" | "preToolUse" | "BeforeTool" => (Kind::Tool, tool_action(&v)?),
        "beforeShellExecution" => (
            Kind::Tool,
            Action::Shell(
                text(&v, &["command"])
                    .ok_or_else(|| err("beforeShellExecution without a command"))?,
            ),
        ),
        "beforeMCPExecution" => (
            Kind::Tool,
            Action::Other {
                tool: text(&v, &["tool_name"]).unwrap_or_default(),
                args: object(&v, &["tool_input", "arguments"]).unwrap_or(Value::Null),
            },
        ),
        "beforeReadFile" | "beforeTabFileRead" => {
            let path = text(&v, &["file_path", "filePath", "path"])
                .ok_or_else(|| err("beforeReadFile without a file_path"))?;
            match text(&v, &["content"]) {
                Some(content) => (
                    Kind::ReadFile,
                    Action::Content {
                        path,
                        text: content,
                    },
                ),
                None => (Kind::ReadFile, Action::Read(vec![path])),
            }
        }
        "UserPromptSubmit" | "userPromptSubmitted" | "beforeSubmitPrompt" | "BeforeAgent" => {
            let prompt = text(&v, &["prompt", "user_prompt", "message"]).unwrap_or_default();
            let attachments = v
                .get("attachments")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| text(x, &["filePath", "file_path", "path"]))
                        .collect()
                })
                .unwrap_or_default();
            (
                Kind::Prompt,
                Action::Prompt {
                    text: prompt,
                    attachments,
                },
            )
        }
        "" => return Err(err("the hook input names no event (hook_event_name)")),
        other => {
            return Err(err(format!(
                "`{}` is not an event blastwall guards (it answers pre-tool and prompt events)",
                crate::report::escape::text(other)
            )));
        }
    };
    Ok(Event {
        name,
        kind,
        cwd,
        action,
    })
}

/// What a pre-tool event's tool would do.
fn tool_action(v: &Value) -> Result<Action, EventError> {
    let tool = text(v, &["tool_name", "toolName"])
        .ok_or_else(|| err("a tool event without a tool name"))?;
    let args =
        object(v, &["tool_input", "toolArgs", "tool_args", "arguments"]).unwrap_or(Value::Null);
    let path = |a: &Value| {
        text(
            a,
            &[
                "file_path",
                "path",
                "absolute_path",
                "notebook_path",
                "filePath",
                "target_file",
            ],
        )
    };
    let lower = tool.to_ascii_lowercase();
    let action = match lower.as_str() {
        "read" | "read_file" | "view" | "readfile" | "notebookread" | "read_text_file" => {
            Action::Read(path(&args).into_iter().collect())
        }
        "read_many_files" => {
            let mut paths = strings(&args, &["paths"]);
            paths.extend(strings(&args, &["include"]));
            Action::Read(paths)
        }
        "grep" | "grep_search" | "search_file_content" | "rg" | "search" | "codebase_search" => {
            Action::Search {
                dir: text(&args, &["path", "dir_path", "directory"]),
                glob: text(&args, &["glob", "include_pattern", "include"]),
            }
        }
        "glob" | "list_directory" | "ls" | "list" | "list_dir" | "file_search" => Action::List,
        "bash" | "run_shell_command" | "shell" | "powershell" | "run_in_terminal"
        | "execute_command" | "terminal" => Action::Shell(
            text(&args, &["command", "cmd", "script"])
                .ok_or_else(|| err(format!("`{tool}` without a command")))?,
        ),
        "apply_patch" => Action::Patch(
            text(&args, &["command", "patch", "input"])
                .or_else(|| args.as_str().map(str::to_string))
                .ok_or_else(|| err("apply_patch without a patch"))?,
        ),
        "write" | "write_file" | "create" | "edit" | "multiedit" | "replace"
        | "str_replace_editor" | "strreplace" | "notebookedit" | "edit_file" | "create_file"
        | "hashline_edit" => {
            let mut new_text: Vec<String> = [
                "content",
                "new_string",
                "new_str",
                "file_text",
                "new_source",
                "code_edit",
                "text",
            ]
            .iter()
            .filter_map(|k| text(&args, &[k]))
            .collect();
            if let Some(edits) = args
                .get("edits")
                .or_else(|| args.get("operations"))
                .and_then(Value::as_array)
            {
                new_text.extend(
                    edits
                        .iter()
                        .filter_map(|e| text(e, &["new_string", "new_str", "content", "text"])),
                );
            }
            Action::Write {
                path: path(&args).unwrap_or_default(),
                text: new_text.join("\n"),
            }
        }
        _ => Action::Other { tool, args },
    };
    Ok(action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claude_read_and_copilot_camel_case() {
        let e = parse(r#"{"hook_event_name":"PreToolUse","cwd":"/r","tool_name":"Read","tool_input":{"file_path":"/r/.env"}}"#).unwrap();
        assert_eq!(e.action, Action::Read(vec!["/r/.env".into()]));
        let c = parse(r#"{"cwd":"/r","toolName":"bash","toolArgs":"{\"command\":\"cat .env\"}"}"#)
            .unwrap();
        assert_eq!(c.action, Action::Shell("cat .env".into()));
        assert_eq!(c.kind, Kind::Tool);
    }

    #[test]
    fn malformed_and_unknown_input_is_an_error() {
        assert!(parse("not json").is_err());
        assert!(parse("[1]").is_err());
        assert!(parse(r#"{"cwd":"/r"}"#).is_err());
        assert!(parse(r#"{"hook_event_name":"SessionEnd","cwd":"/r"}"#).is_err());
        assert!(
            parse(
                r#"{"hook_event_name":"PreToolUse","cwd":"/r","tool_name":"Bash","tool_input":{}}"#
            )
            .is_err()
        );
    }
}
