//! blastwall: git hooks that stop high-blast-radius credentials from entering
//! a repository, or from sitting in files an AI coding agent can read.
//!
//! The pieces, in the order data flows through them:
//! - [`cli`]: the command line; arguments in, exit code out. Only it prints.
//! - [`config`]: a repository's `.blastwall.toml` (policy, allowlists, rule changes);
//! - [`rules`]: what credentials look like and how dangerous each kind is (data);
//! - [`git`]: the only code that reads git (index, commits, blobs, refs);
//! - [`source`]: every producer of bytes to scan (working tree, index, pushed
//!   commits, history, home and environment) and the one funnel they go through;
//! - [`engine`]: bytes in, tiered findings out (keywords, regexes, filters, classifiers);
//! - [`baseline`]: findings a team accepted; [`reach`]: what an agent can read,
//!   and [`cache`]: files known clean;
//! - [`hooks`]: the git hooks' check, and installing them;
//! - [`report`]: human, JSON and SARIF output.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod agent;
pub mod atomic;
pub mod baseline;
pub mod cache;
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub mod cli;
pub mod config;
pub mod engine;
pub mod error;
pub mod finding;
pub mod git;
pub mod hooks;
pub mod lines;
pub mod policy;
pub mod reach;
pub mod report;
pub mod rules;
pub mod source;
pub mod tier;
