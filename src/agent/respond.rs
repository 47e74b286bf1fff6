//! Answers in each agent's own format.
//!
//! An allowed call gets no output at all (an explicit "allow" would skip
//! the user's own permission prompt on Claude Code and Copilot). A denied
//! one gets the agent's deny object on stdout with exit 0, which every
//! agent documents as the preferred form, and the reason on stderr too. A
//! failure gets the deny object and exit 2, which blocks on every agent's
//! pre-tool event; anything else (a crash, exit 1) would let the tool run.

use super::event::{Agent, Kind};
use serde_json::{Value, json};

/// What to print and how to exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

/// The agent's deny object for an event of `kind` named `event`.
pub fn deny_object(agent: Agent, event: &str, kind: Kind, reason: &str) -> Value {
    let claude_tool = || {
        json!({"hookSpecificOutput": {
            "hookEventName": if event.is_empty() { "PreToolUse" } else { event },
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }})
    };
    match (agent, kind) {
        (Agent::Claude | Agent::Codex, Kind::Prompt) => {
            json!({"decision": "block", "reason": reason})
        }
        (Agent::Claude | Agent::Codex, _) => claude_tool(),
        (Agent::Cursor, Kind::Prompt) => json!({"continue": false, "user_message": reason}),
        (Agent::Cursor, Kind::ReadFile) => json!({"permission": "deny", "user_message": reason}),
        (Agent::Cursor, Kind::Tool) => {
            json!({"permission": "deny", "user_message": reason, "agent_message": reason})
        }
        (Agent::Gemini, _) => json!({"decision": "deny", "reason": reason}),
        (Agent::Copilot, Kind::Prompt) => json!({"decision": "block", "reason": reason}),
        (Agent::Copilot, _) => {
            // camelCase events read the first two keys; PascalCase
            // (Claude-compatible) ones the nested object.
            let mut v = json!({"permissionDecision": "deny", "permissionDecisionReason": reason});
            v["hookSpecificOutput"] = claude_tool()["hookSpecificOutput"].clone();
            v
        }
    }
}

/// The answer to a denied event.
pub fn deny(agent: Agent, event: &str, kind: Kind, reason: &str) -> Answer {
    Answer {
        stdout: format!("{}\n", deny_object(agent, event, kind, reason)),
        stderr: format!("{reason}\n"),
        code: 0,
    }
}

/// The answer when nothing could be verified: deny, and exit 2.
pub fn fail_closed(agent: Agent, event: &str, kind: Kind, problem: &str) -> Answer {
    let reason =
        format!("blastwall could not check this call, so it is denied (fail closed): {problem}");
    Answer {
        stdout: format!("{}\n", deny_object(agent, event, kind, &reason)),
        stderr: format!("{reason}\n"),
        code: 2,
    }
}

/// The answer to an allowed event: nothing.
pub fn allow() -> Answer {
    Answer {
        stdout: String::new(),
        stderr: String::new(),
        code: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_per_agent() {
        let c = deny_object(Agent::Claude, "PreToolUse", Kind::Tool, "r");
        assert_eq!(c["hookSpecificOutput"]["permissionDecision"], "deny");
        assert_eq!(
            deny_object(Agent::Codex, "UserPromptSubmit", Kind::Prompt, "r")["decision"],
            "block"
        );
        assert_eq!(
            deny_object(Agent::Cursor, "beforeSubmitPrompt", Kind::Prompt, "r")["continue"],
            false
        );
        assert_eq!(
            deny_object(Agent::Cursor, "beforeShellExecution", Kind::Tool, "r")["permission"],
            "deny"
        );
        assert_eq!(
            deny_object(Agent::Gemini, "BeforeTool", Kind::Tool, "r")["decision"],
            "deny"
        );
        assert_eq!(
            deny_object(Agent::Copilot, "preToolUse", Kind::Tool, "r")["permissionDecision"],
            "deny"
        );
        // Codex rejects unknown keys: exactly one.
        assert_eq!(c.as_object().unwrap().len(), 1);
    }
}
