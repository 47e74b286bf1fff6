//! Generalization, measured: recall on credentials of providers the dev
//! corpus does not contain, over values generated from the rules' documented
//! formats (`format` in `rules.toml`), reported per tier.
//!
//! The dev corpus is a regression floor that rules could have learnt; these
//! providers were never in it, and their values are random strings of the
//! documented shape in several surroundings, so a rule that only matched the
//! examples its author had in mind fails here. The corpus is read only for
//! the list of provider names it contains.

use blastwall::config::Config;
use blastwall::engine::Engine;
use blastwall::engine::selftest::{DEFAULT_EXAMPLE_PATH, labelled_examples};
use blastwall::rules::{builtin, with_examples};
use blastwall::tier::Tier;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn corpus_path() -> PathBuf {
    if let Some(p) = std::env::var_os("BLASTWALL_CORPUS") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/dev-cases.jsonl")
}

/// A provider name reduced to lowercase letters and digits.
fn norm(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The dev corpus's provider names, normalised, or `None` (skipped with the
/// reason printed) when the corpus is absent and full tests are not required.
fn corpus_providers() -> Option<BTreeSet<String>> {
    let path = corpus_path();
    let text = crate::common::input_or_skip(
        "the labelled corpus (for its provider names)",
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {} ({e})", path.display())),
    )?;
    Some(
        text.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v.get("provider")?.as_str().map(norm))
            .filter(|p| !p.is_empty())
            .collect(),
    )
}

/// Whether a rule's provider is one the corpus has: the same name, or one
/// name containing the other (`hashicorpvault` / `hashicorp`).
fn in_corpus(provider: &str, corpus: &BTreeSet<String>) -> bool {
    let p = norm(provider);
    corpus.iter().any(|c| {
        *c == p
            || (c.len() >= 4 && p.contains(c.as_str()))
            || (p.len() >= 4 && c.contains(p.as_str()))
    })
}

#[derive(Default)]
struct Tally {
    rules: usize,
    values: usize,
    found: usize,
    tier_agrees: usize,
}

#[test]
fn recall_on_providers_outside_the_dev_corpus() {
    let Some(corpus) = corpus_providers() else {
        return;
    };
    let rules = with_examples(builtin().unwrap().to_vec());
    let engine = Engine::for_config(&Config::defaults().unwrap()).unwrap();
    let mut by_tier: BTreeMap<Tier, Tally> = BTreeMap::new();
    let mut providers = BTreeSet::new();
    let mut misses = Vec::new();
    for rule in rules.iter().filter(|r| r.format.is_some()) {
        if in_corpus(&rule.provider, &corpus) {
            continue;
        }
        providers.insert(rule.provider.clone());
        let tally = by_tier.entry(rule.tier).or_default();
        tally.rules += 1;
        let generated = labelled_examples(rule).expect("formats validate when rules load");
        for (label, ex) in generated.iter().skip(rule.examples.len()) {
            tally.values += 1;
            let found = engine
                .scan(
                    ex.path().unwrap_or(DEFAULT_EXAMPLE_PATH),
                    ex.text().as_bytes(),
                )
                .unwrap();
            // Found as the dev corpus counts it (by any rule); the tier
            // is the worst reported, as a user sees it.
            match found.iter().map(|f| f.tier).max() {
                Some(worst) => {
                    tally.found += 1;
                    if Some(worst) == ex.tier() {
                        tally.tier_agrees += 1;
                    } else {
                        misses.push(format!("{}: {label} is tiered {worst}", rule.id));
                    }
                }
                None => misses.push(format!("{}: {label} is not found", rule.id)),
            }
        }
    }
    let (values, found): (usize, usize) = by_tier
        .values()
        .fold((0, 0), |(v, f), t| (v + t.values, f + t.found));
    println!(
        "generalization: {} providers outside the dev corpus, {} rules with a format",
        providers.len(),
        by_tier.values().map(|t| t.rules).sum::<usize>()
    );
    for (tier, t) in by_tier.iter().rev() {
        println!(
            "  {tier:>8}: {} rules, recall {}/{} = {:.3}, tier agrees {}/{}",
            t.rules,
            t.found,
            t.values,
            t.found as f64 / t.values.max(1) as f64,
            t.tier_agrees,
            t.found
        );
    }
    println!("  all tiers: recall {found}/{values}");
    assert!(
        values > 0,
        "no rule outside the dev corpus declares a format"
    );
    assert!(
        misses.is_empty(),
        "generated values missed or mis-tiered:\n  {}",
        misses.join("\n  ")
    );
}
