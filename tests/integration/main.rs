//! Integration tests: one test binary (linked once), one module per concept.
//! They drive the built `blastwall` binary and real `git` in temp dirs with a
//! hermetic git config, and check exit codes and output.

mod agents;
mod audit;
mod baseline;
mod common;
mod corpus;
mod framework;
mod generalization;
mod hardening;
mod install;
mod precommit;
mod properties;
mod push;
mod reach;
mod realcode;
mod scan;
mod server;
mod snapshots;
