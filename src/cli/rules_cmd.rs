//! `blastwall rules list|test`: what the engine knows, and proof that each
//! rule still detects its examples.

use super::{Global, Outcome};
use crate::rules::{Rule, RuleSource, load_builtin, load_rules_text, selftest};
use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules in effect (built-in plus the repo's config).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Run every rule's examples and negative examples.
    Test {
        /// Test the rules in this file instead of the built-in rules.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
}

pub fn run(global: &Global, cmd: &RulesCommand) -> Result<Outcome> {
    match cmd {
        RulesCommand::List { json } => list(global, *json),
        RulesCommand::Test { rules } => test(rules.as_ref()),
    }
}

fn list(global: &Global, json: bool) -> Result<Outcome> {
    let config = global.load_config(std::path::Path::new("."))?;
    let rules = config.engine.rules.rules();
    if json {
        let items: Vec<serde_json::Value> = rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "provider": r.provider, "description": r.description,
                    "tier": r.tier_override.unwrap_or(r.tier), "why": r.why.trim(), "fix": r.fix.trim(),
                    "keywords": r.keywords,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&items)?);
    } else {
        for r in rules {
            println!(
                "{:<9} {:<42} {}",
                r.tier_override.unwrap_or(r.tier).as_str(),
                r.id,
                r.description
            );
        }
        println!("{} rules", rules.len());
    }
    Ok(Outcome::Clean)
}

fn test(file: Option<&PathBuf>) -> Result<Outcome> {
    let rules: Vec<Rule> = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            load_rules_text(path, &text, RuleSource::File(path.clone()), true)?
        }
        None => load_builtin()?,
    };
    let failures = selftest::run(&rules);
    for f in &failures {
        println!("FAIL {}: {}", f.rule, f.message);
    }
    let examples: usize = rules
        .iter()
        .map(|r| r.examples.len() + r.negative_examples.len())
        .sum();
    println!(
        "{} rules, {examples} examples: {}",
        rules.len(),
        if failures.is_empty() {
            "all pass".to_string()
        } else {
            format!("{} failures", failures.len())
        }
    );
    Ok(if failures.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Blocked
    })
}
