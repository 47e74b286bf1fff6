//! Rule self-tests: every rule's `examples` must produce a finding of that
//! rule (at the stated tier, when one is given) and none of its
//! `negative_examples` may, except as a patterned value (`abcd1234…`) that
//! the engine reports at low without blocking. Run by `blastwall rules test` and by the test
//! suite for every built-in rule.

use super::{Allowlist, Engine};
use crate::rules::{Rule, compile_regex};

/// One failed expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub rule: String,
    pub message: String,
}

/// The file name examples are scanned under when they do not name one.
pub const DEFAULT_EXAMPLE_PATH: &str = "snippet.txt";

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
        for (i, ex) in rule.examples.iter().enumerate() {
            let path = ex.path().unwrap_or(DEFAULT_EXAMPLE_PATH);
            let found = match engine.scan(path, ex.text().as_bytes()) {
                Ok(found) => found,
                Err(e) => {
                    failures.push(Failure {
                        rule: rule.id.clone(),
                        message: format!("example {} fails with all rules: {e}", i + 1),
                    });
                    continue;
                }
            };
            let worst = found.iter().map(|f| f.tier).max();
            let message = match (worst, ex.tier()) {
                (None, _) => format!("example {} is not detected when all rules run", i + 1),
                (Some(got), Some(want)) if got != want => format!(
                    "example {} is tiered {got} when all rules run ({}), but should be {want}",
                    i + 1,
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
        if rule.examples.is_empty() {
            failures.push(fail("has no examples".into()));
        }
        for (i, ex) in rule.examples.iter().enumerate() {
            let path = ex.path().unwrap_or(DEFAULT_EXAMPLE_PATH);
            match engine.scan(path, ex.text().as_bytes()) {
                Err(e) => failures.push(fail(e.to_string())),
                Ok(found) => match found.iter().find(|f| f.rule == rule.id) {
                    None => failures.push(fail(format!("example {} is not detected", i + 1))),
                    Some(f) => {
                        if let Some(want) = ex.tier()
                            && f.tier != want
                        {
                            failures.push(fail(format!(
                                "example {} is tiered {} but should be {want}",
                                i + 1,
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
