//! `blastwall rules list|test`: what the engine knows, and proof that each
//! rule still detects its examples.

use super::{Global, Loaded, Outcome};
use crate::engine::selftest;
use crate::report::{Format, escape};
use crate::rules::{Rule, load_rules_text};
use anyhow::{Context, Result};
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// List the rules in effect (built-in plus the repository's config).
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Run the examples of the rules in effect (or of a rules file); exit 1 on a failure.
    Test {
        /// Test the rules in this file instead of the rules in effect.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
}

pub fn run(global: &Global, args: &Args) -> Result<Outcome> {
    match args {
        Args::List { format } => list(global, *format),
        Args::Test { rules } => test(global, rules.as_ref()),
    }
}

fn list(global: &Global, format: Format) -> Result<Outcome> {
    let Loaded { engine, .. } = global.load(std::path::Path::new("."))?;
    let rules = engine.rules.rules();
    match format {
        Format::Human => {
            for r in rules {
                println!(
                    "{:<9} {:<42} {}",
                    r.effective_tier().as_str(),
                    r.id,
                    escape::text(&r.description)
                );
            }
            println!("{} rules", rules.len());
        }
        Format::Json => {
            let items: Vec<serde_json::Value> = rules.iter().map(rule_json).collect();
            println!("{}", serde_json::to_string_pretty(&items)?);
        }
        Format::Sarif => {
            let doc = crate::report::sarif_rules(rules);
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
    }
    Ok(Outcome::Clean)
}

fn rule_json(r: &Rule) -> serde_json::Value {
    serde_json::json!({
        "id": r.id, "provider": r.provider, "description": r.description,
        "tier": r.effective_tier(), "why": r.why.trim(), "fix": r.fix.trim(),
        "keywords": r.keywords,
    })
}

fn test(global: &Global, file: Option<&PathBuf>) -> Result<Outcome> {
    let rules: Vec<Rule> = match file {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let text = crate::error::utf8_text(path, bytes)?;
            load_rules_text(path, &text, true)?
        }
        None => {
            let Loaded { engine, .. } = global.load(std::path::Path::new("."))?;
            crate::rules::with_examples(engine.rules.rules().to_vec())
        }
    };
    let failures = selftest::run(&rules);
    for f in &failures {
        println!("FAIL {}: {}", f.rule, escape::text(&f.message));
    }
    let examples: usize = rules
        .iter()
        .map(|r| r.examples.len() + r.negative_examples.len())
        .sum();
    let formats = rules.iter().filter(|r| r.format.is_some()).count();
    let generated: usize = rules
        .iter()
        .map(|r| selftest::labelled_examples(r).map_or(0, |e| e.len() - r.examples.len()))
        .sum();
    println!(
        "{} rules, {examples} examples, {generated} generated from {formats} formats: {}",
        rules.len(),
        if failures.is_empty() {
            "all pass".to_string()
        } else {
            format!("{} failures", failures.len())
        }
    );
    Ok(Outcome::blocked_if(!failures.is_empty()))
}
