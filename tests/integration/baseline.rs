//! Baselines and history scans: adopting blastwall on a repository that
//! already holds credentials, without noise and without drift.

use crate::common::*;

const BASELINE: &str = ".blastwall-baseline.json";

/// A repository whose history already holds a committed secret, baselined.
fn baselined_repo() -> TestRepo {
    let r = TestRepo::new();
    let body: String = (0..10).map(|i| format!("setting_{i} = {i}\n")).collect();
    r.write("config/legacy.py", format!("{body}TOKEN = '{GHP}'\n"));
    r.write("README.md", "hello\n");
    r.commit_all("legacy");
    r.run(&["baseline"]).expect_code(0);
    r.git(&["add", BASELINE]);
    r.git(&["commit", "-q", "--no-verify", "-m", "baseline"]);
    r
}

#[test]
fn baseline_accepts_what_was_there_and_holds_no_plaintext() {
    let r = baselined_repo();
    let text = std::fs::read_to_string(r.path().join(BASELINE)).unwrap();
    assert!(!text.contains(GHP), "plaintext secret in the baseline");
    assert!(
        !text.contains("ghp_R2"),
        "even a redacted prefix is not needed"
    );
    let j: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(j["version"], 1);
    assert_eq!(j["entries"][0]["rule"], "github-classic-pat");
    assert_eq!(j["entries"][0]["path"], "config/legacy.py");
    let scan = r.run(&["scan", "--format", "json"]);
    scan.expect_code(0);
    assert_eq!(scan.json()["summary"]["baselined"], 1);
    r.run(&["scan", "--no-baseline"]).expect_code(1);
}

#[test]
fn unrelated_change_and_moved_line_pass() {
    let r = baselined_repo();
    r.write("notes.txt", "unrelated\n");
    r.git(&["add", "notes.txt"]);
    r.run(&["pre-commit"]).expect_code(0);
    // Move and edit the secret's line: identity is content, not position.
    let moved = format!("# moved to the top\nAPI_TOKEN = '{GHP}'  # renamed\nx = 1\n");
    r.write("config/legacy.py", &moved);
    r.git(&["add", "-A"]);
    let run = r.run(&["pre-commit"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("1 accepted by the baseline"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_different_secret_in_a_baselined_file_blocks() {
    let r = baselined_repo();
    let other = "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";
    let mut text = std::fs::read_to_string(r.path().join("config/legacy.py")).unwrap();
    text.push_str(&format!("OTHER = '{other}'\n"));
    r.write("config/legacy.py", &text);
    r.git(&["add", "-A"]);
    let run = r.run(&["pre-commit"]);
    run.expect_code(1);
    assert!(run.stderr.contains("config/legacy.py:12"), "{}", run.stderr);
}

#[test]
fn the_same_secret_copied_to_a_new_file_blocks_unless_any_path() {
    let r = baselined_repo();
    r.write("deploy/env.sh", format!("export GITHUB_TOKEN={GHP}\n"));
    r.git(&["add", "-A"]);
    r.run(&["pre-commit"]).expect_code(1);
    r.run(&["pre-commit", "--match-any-path"]).expect_code(0);
}

#[test]
fn rerunning_is_byte_identical_and_update_adds_and_prunes() {
    let r = baselined_repo();
    let first = std::fs::read(r.path().join(BASELINE)).unwrap();
    // Without --update an existing baseline is never overwritten.
    let again = r.run(&["baseline"]);
    again.expect_code(2);
    assert!(again.stderr.contains("--update"), "{}", again.stderr);
    assert_eq!(std::fs::read(r.path().join(BASELINE)).unwrap(), first);
    r.run(&["baseline", "--update"]).expect_code(0);
    assert_eq!(
        std::fs::read(r.path().join(BASELINE)).unwrap(),
        first,
        "unchanged repo, identical bytes"
    );
    // Add one, remove the old one.
    r.write("config/legacy.py", "clean now\n");
    r.write("new.env", format!("STRIPE={STRIPE_TEST}\n"));
    let up = r.run(&["baseline", "--update"]);
    up.expect_code(0);
    assert!(up.stdout.contains("1 added, 1 removed"), "{}", up.stdout);
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(r.path().join(BASELINE)).unwrap()).unwrap();
    let rules: Vec<&str> = j["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["stripe-test-key"]);
    let key_before: serde_json::Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(
        j["hmac_key"], key_before["hmac_key"],
        "update keeps the key"
    );
}

#[test]
fn corrupted_or_future_baseline_is_a_clear_error() {
    let r = baselined_repo();
    let path = r.path().join(BASELINE);
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replace("\"entries\": [", "\"entries\": [[")).unwrap();
    for args in [&["scan"][..], &["pre-commit"][..]] {
        let run = r.run(args);
        run.expect_code(2);
        assert!(
            run.stderr.contains(".blastwall-baseline.json:"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("malformed baseline"), "{}", run.stderr);
    }
    std::fs::write(&path, good.replace("\"version\": 1", "\"version\": 2")).unwrap();
    let run = r.run(&["scan"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("version 2 is not supported"),
        "{}",
        run.stderr
    );
    // --no-baseline still works, explicitly.
    r.run(&["scan", "--no-baseline"]).expect_code(1);
}

/// A secret added in one commit and removed in the next is found in history,
/// and the finding names the commit that introduced it.
#[test]
fn history_scan_names_the_introducing_commit() {
    let r = TestRepo::new();
    r.write("a.txt", "start\n");
    r.commit_all("start");
    r.write("app/.env", format!("GITHUB_TOKEN={GHP}\n"));
    let introducing = r.commit_all("add env");
    std::fs::remove_file(r.path().join("app/.env")).unwrap();
    r.commit_all("remove env");
    r.run(&["scan"]).expect_code(0);
    let run = r.run(&["scan", "--history", "--format", "json"]);
    run.expect_code(1);
    let j = run.json();
    let f = &j["findings"][0];
    assert_eq!(f["origin"], "commit");
    assert_eq!(f["commit"], introducing.as_str());
    assert_eq!(f["path"], "app/.env");
    assert!(f["date"].as_str().unwrap().starts_with("2026-01-01"), "{f}");
    assert_eq!(j["summary"]["commits"], 3);
    // Not a terminal: no progress line.
    assert!(
        !run.stderr.contains('\r'),
        "progress output on a pipe: {:?}",
        run.stderr
    );
    assert!(!run.stderr.contains("scanning history"), "{}", run.stderr);
    // Baseline the history, then the history scan is quiet.
    r.run(&["baseline", "--history"]).expect_code(0);
    r.run(&["scan", "--history"]).expect_code(0);
}

/// A blob shared by many commits is scanned once.
#[test]
fn history_scans_each_unique_blob_once() {
    let r = TestRepo::new();
    r.write("same.txt", format!("{GHP}\n"));
    r.commit_all("one");
    for i in 0..5 {
        r.write(&format!("f{i}.txt"), format!("{i}\n"));
        r.commit_all(&format!("c{i}"));
    }
    let run = r.run(&[
        "scan",
        "--history",
        "--no-default-skips",
        "--format",
        "json",
    ]);
    let j = run.json();
    let tree = r
        .run(&["scan", "--no-default-skips", "--format", "json"])
        .json();
    // History adds its 6 unique blobs to the tree's files; one finding.
    let tree_files = tree["summary"]["files"].as_u64().unwrap();
    assert_eq!(j["summary"]["files"].as_u64().unwrap(), tree_files + 6);
    assert_eq!(j["findings"].as_array().unwrap().len(), 1);
}
