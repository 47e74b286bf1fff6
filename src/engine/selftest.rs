//! Rule self-tests: every rule's `examples` must produce a finding of that
//! rule (at the stated tier, when one is given) and none of its
//! `negative_examples` may, except as a patterned value (`abcd1234…`) that
//! the engine reports at low without blocking. A rule with a `format` is
//! also given values generated from it (see [`crate::rules::format`]), each
//! in several surroundings, and must find every one at its tier. Run by
//! `blastwall rules test` and by the test suite for every built-in rule.

use super::{Allowlist, Engine};
use crate::rules::schema::Example;
use crate::rules::{Rule, compile_regex};

/// One failed expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub rule: String,
    pub message: String,
}

/// The file name examples are scanned under when they do not name one.
pub const DEFAULT_EXAMPLE_PATH: &str = "snippet.txt";

/// How many values the self-test generates from a rule's format (each in
/// every surrounding): the shortest, the longest and two of random length.
pub const GENERATED_VALUES: usize = 4;

/// A rule's examples with their labels for messages: the hand-written ones,
/// then those generated from its format, which must be found at the
/// format's tier (else the rule's).
pub fn labelled_examples(rule: &Rule) -> Result<Vec<(String, Example)>, String> {
    let mut out: Vec<(String, Example)> = rule
        .examples
        .iter()
        .enumerate()
        .map(|(i, e)| (format!("example {}", i + 1), e.clone()))
        .collect();
    if let Some(format) = &rule.format {
        let tier = format.tier.unwrap_or(rule.tier);
        for (i, text) in format
            .examples(&rule.id, GENERATED_VALUES)?
            .into_iter()
            .enumerate()
        {
            out.push((
                format!("generated example {} ({})", i + 1, text.trim_end().len()),
                Example::Detailed {
                    text,
                    path: format.path.clone(),
                    tier: Some(tier),
                },
            ));
        }
    }
    Ok(out)
}

/// Runs the examples of each rule against that rule alone, then against
/// all of `rules` together: there every example must still be reported, at
/// its stated tier, so that a catch-all or an overlapping rule cannot
/// silently re-tier it.
pub fn run(rules: &[Rule]) -> Vec<Failure> {
    let mut failures = run_alone(rules);
    failures.extend(run_together(rules));
    failures
}

fn run_together(rules: &[Rule]) -> Vec<Failure> {
    let engine = Engine::new(rules.to_vec(), Allowlist::default());
    let mut failures = Vec::new();
    for rule in rules {
        // A bad format is reported by `run_alone`.
        for (label, ex) in labelled_examples(rule).unwrap_or_default() {
            let path = ex.path().unwrap_or(DEFAULT_EXAMPLE_PATH);
            let found = match engine.scan(path, ex.text().as_bytes()) {
                Ok(found) => found,
                Err(e) => {
                    failures.push(Failure {
                        rule: rule.id.clone(),
                        message: format!("{label} fails with all rules: {e}"),
                    });
                    continue;
                }
            };
            let worst = found.iter().map(|f| f.tier).max();
            let message = match (worst, ex.tier()) {
                (None, _) => format!("{label} is not detected when all rules run"),
                (Some(got), Some(want)) if got != want => format!(
                    "{label} is tiered {got} when all rules run ({}), but should be {want}",
                    found
                        .iter()
                        .map(|f| f.rule.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => continue,
            };
            failures.push(Failure {
                rule: rule.id.clone(),
                message,
            });
        }
    }
    failures
}

fn run_alone(rules: &[Rule]) -> Vec<Failure> {
    let mut failures = Vec::new();
    for rule in rules {
        let engine = Engine::new(vec![rule.clone()], Allowlist::default());
        let fail = |message: String| Failure {
            rule: rule.id.clone(),
            message,
        };
        if let Err(e) = compile_regex(&rule.pattern) {
            failures.push(fail(format!("regex does not compile: {e}")));
            continue;
        }
        let examples = match labelled_examples(rule) {
            Ok(examples) => examples,
            Err(e) => {
                failures.push(fail(e));
                continue;
            }
        };
        if examples.is_empty() {
            failures.push(fail("has no examples".into()));
        }
        for (label, ex) in &examples {
            let path = ex.path().unwrap_or(DEFAULT_EXAMPLE_PATH);
            match engine.scan(path, ex.text().as_bytes()) {
                Err(e) => failures.push(fail(e.to_string())),
                Ok(found) => match found.iter().find(|f| f.rule == rule.id) {
                    None => failures.push(fail(format!("{label} is not detected"))),
                    Some(f) => {
                        if let Some(want) = ex.tier()
                            && f.tier != want
                        {
                            failures.push(fail(format!(
                                "{label} is tiered {} but should be {want}",
                                f.tier
                            )));
                        }
                    }
                },
            }
        }
        for (i, ex) in rule.negative_examples.iter().enumerate() {
            let path = ex.path().unwrap_or(DEFAULT_EXAMPLE_PATH);
            if let Ok(found) = engine.scan(path, ex.text().as_bytes())
                && found.iter().any(|f| f.rule == rule.id && !f.patterned)
            {
                failures.push(fail(format!("negative example {} is detected", i + 1)));
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load_builtin;

    /// The packed built-in rules (what the binary runs) are the TOML ones,
    /// examples included.
    #[test]
    fn packed_rules_are_the_toml_rules() {
        let toml = load_builtin().unwrap();
        let packed = crate::rules::with_examples(crate::rules::builtin().unwrap().to_vec());
        assert_eq!(toml.len(), packed.len());
        for (a, b) in toml.iter().zip(&packed) {
            assert_eq!(
                (&a.id, &a.pattern, &a.keywords, a.tier),
                (&b.id, &b.pattern, &b.keywords, b.tier)
            );
            assert_eq!(a.examples.len(), b.examples.len(), "{}", a.id);
            assert_eq!(a.format, b.format, "{}", a.id);
            assert_eq!(
                a.negative_examples.len(),
                b.negative_examples.len(),
                "{}",
                a.id
            );
        }
    }

    /// Every built-in rule passes its own examples.
    #[test]
    fn builtin_rules_pass_their_examples() {
        let rules = load_builtin().unwrap();
        let failures = run(&rules);
        assert!(
            failures.is_empty(),
            "{} rule self-test failures:\n{}",
            failures.len(),
            failures
                .iter()
                .map(|f| format!("  {}: {}", f.rule, f.message))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
