//! Output contracts under snapshot: what people read (human, no colour), what
//! machines read (JSON, SARIF) for a fixed fixture, every `--help`, and the
//! list of built-in rule ids (ids are never renamed: a removal shows up here).
//! SARIF is also checked against the SARIF 2.1.0 JSON schema.
//!
//! Run times, temp paths and the version are replaced by placeholders before
//! comparing; everything else is compared byte for byte. After a deliberate
//! change, `INSTA_UPDATE=always cargo test snapshots` rewrites the files in
//! `tests/integration/snapshots/`, to be reviewed in the diff.

use crate::common::*;
use regex::Regex;

/// A fixed fixture: a critical token in a config file, a low-tier test key,
/// an allowlisted path and a binary file (a named skip).
fn fixture() -> Tree {
    let t = Tree::new();
    t.write("config/settings.py", format!("GITHUB_TOKEN = \"{GHP}\"\n"));
    t.write(
        "billing/test_keys.env",
        format!("STRIPE_KEY={STRIPE_TEST}\n"),
    );
    t.write("assets/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
    t.write("README.md", "nothing to see\n");
    t
}

/// Replaces what differs between runs (timings, temp paths, version).
fn stable(text: &str, root: &std::path::Path) -> String {
    let root = std::fs::canonicalize(root).unwrap();
    let text = text.replace(&root.display().to_string(), "[ROOT]");
    let text = Regex::new(r"\[\d+\.\d+ s\]")
        .unwrap()
        .replace_all(&text, "[TIME]");
    let text = Regex::new(r#""elapsed_ms": \d+"#)
        .unwrap()
        .replace_all(&text, r#""elapsed_ms": "[TIME]""#);
    text.replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn scan_human_output() {
    let t = fixture();
    let r = t.run(&["--color", "never", "scan", "."]);
    r.expect_code(1);
    insta::assert_snapshot!("scan_human", stable(&r.stdout, t.path()));
}

#[test]
fn scan_json_output() {
    let t = fixture();
    let r = t.run(&["scan", ".", "--format", "json", "-q"]);
    r.expect_code(1);
    insta::assert_snapshot!("scan_json", stable(&r.stdout, t.path()));
}

#[test]
fn scan_sarif_output_matches_the_schema() {
    let t = fixture();
    let r = t.run(&["scan", ".", "--format", "sarif", "-q"]);
    r.expect_code(1);
    insta::assert_snapshot!("scan_sarif", stable(&r.stdout, t.path()));
    assert_valid_sarif(&r.stdout);
}

#[test]
fn rules_list_sarif_matches_the_schema() {
    let t = Tree::new();
    let r = t.run(&["rules", "list", "--format", "sarif"]);
    r.expect_code(0);
    assert_valid_sarif(&r.stdout);
}

/// Validates `text` against the SARIF 2.1.0 JSON schema (OASIS; vendored
/// in `tests/fixtures/sarif-schema-2.1.0.json`).
fn assert_valid_sarif(text: &str) {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let doc: serde_json::Value = serde_json::from_str(text).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn pre_commit_human_output() {
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("init");
    repo.write("deploy/.env", format!("TOKEN={GHP}\n"));
    repo.write("assets/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
    repo.git(&["add", "deploy/.env", "assets/logo.png"]);
    let r = repo.run(&["--color", "never", "pre-commit"]);
    r.expect_code(1);
    insta::assert_snapshot!("pre_commit_human", stable(&r.stderr, repo.path()));
}

#[test]
fn every_help_text() {
    let t = Tree::new();
    let commands: &[&[&str]] = &[
        &[],
        &["scan"],
        &["pre-commit"],
        &["pre-push"],
        &["pre-receive"],
        &["ci"],
        &["agent-hook"],
        &["install"],
        &["uninstall"],
        &["baseline"],
        &["accept"],
        &["audit"],
        &["rules"],
        &["rules", "list"],
        &["rules", "test"],
        &["hash"],
    ];
    let mut all = String::new();
    for c in commands {
        let mut args: Vec<&str> = c.to_vec();
        args.push("--help");
        let r = t.run(&args);
        r.expect_code(0);
        all.push_str(&format!("$ blastwall {}\n{}\n", args.join(" "), r.stdout));
    }
    insta::assert_snapshot!("help", stable(&all, t.path()));
}

#[test]
fn rule_ids() {
    let t = Tree::new();
    let r = t.run(&["rules", "list", "--format", "json"]);
    r.expect_code(0);
    let mut ids: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    insta::assert_snapshot!("rule_ids", ids.join("\n"));
}
