//! blastwall: git hooks that stop high-blast-radius credentials from entering
//! a repository, or from sitting in files an AI coding agent can read.
//!
//! The pieces, in the order data flows through them:
//! - [`rules`]: what credentials look like and how dangerous each kind is;
//! - [`config`]: a repo's `.blastwall.toml` (extra rules, allowlists, policy);
//! - [`engine`]: keyword prefilter, windowed regexes, filters, classifiers;
//! - [`scan`]: walking files on disk;
//! - [`report`]: human, JSON and SARIF output;
//! - [`cli`]: the command line.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod audit;
pub mod baseline;
pub mod cache;
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub mod cli;
pub mod config;
pub mod engine;
pub mod error;
pub mod finding;
pub mod git;
pub mod hook;
pub mod install;
pub mod reach;
pub mod report;
pub mod rules;
pub mod scan;
pub mod tier;
