//! The agent guard: `blastwall agent-hook AGENT`, run by a coding agent
//! (Claude Code, Cursor, Codex, Gemini CLI, GitHub Copilot) before each
//! tool call and prompt, answering in that agent's format.
//!
//! Git hooks act only when something is committed or pushed, and an agent
//! can switch them off. Every major coding agent now runs a command before
//! each tool call and obeys its verdict: that is where "a credential in an
//! agent's reach" is enforced. The guard is offline, tiered by blast
//! radius, uses the reach check's judgement and cache, and fails closed.

pub mod event;
pub mod install;
pub mod judge;
pub mod respond;
pub mod shell;

pub use event::Agent;
