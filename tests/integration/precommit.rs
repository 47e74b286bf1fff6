//! `blastwall pre-commit`: exactly what git is about to commit, with real git.
//!
//! Peers get this wrong in public: scanning the working tree instead of the
//! index, missing `git commit -a` (a temporary index in `GIT_INDEX_FILE`),
//! re-reporting renamed files, being blinded by a `-diff` attribute, or
//! scanning nothing and exiting 0. Each case here is one of those.

use crate::common::*;

/// A repository with one clean commit and blastwall's pre-commit hook installed.
fn repo_with_hook() -> TestRepo {
    let r = TestRepo::published_only();
    r.write("README.md", "hello\n");
    r.commit_all("init");
    r.run(&["install", "--pre-commit"]).expect_code(0);
    r
}

fn head(r: &TestRepo) -> String {
    r.git(&["rev-parse", "HEAD"])
}

fn staged_json(r: &TestRepo) -> serde_json::Value {
    let run = r.run(&["pre-commit", "--format", "json"]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    run.json()
}

#[test]
fn staged_secret_blocks_with_line_and_summary() {
    let r = TestRepo::published_only();
    r.write("app/config.py", format!("DEBUG = True\nTOKEN = '{GHP}'\n"));
    r.git(&["add", "-A"]);
    let run = r.run(&["pre-commit"]);
    run.expect_code(1);
    assert!(run.stderr.contains("app/config.py:2:10"), "{}", run.stderr);
    assert!(run.stderr.contains("(staged)"), "{}", run.stderr);
    assert!(run.stderr.contains("blocked"), "{}", run.stderr);
    assert!(!run.all().contains(GHP), "secret printed");
    let summary = run.stderr.lines().last().unwrap();
    assert!(
        summary.starts_with("blastwall pre-commit: 1 files, 2 lines,"),
        "{summary}"
    );
    assert!(
        summary.contains("1 critical, 0 high, 0 medium, 0 low"),
        "{summary}"
    );
    assert!(summary.contains(" s]"), "time in summary: {summary}");
    let j = staged_json(&r);
    assert_eq!(j["findings"][0]["origin"], "staged");
    assert_eq!(j["findings"][0]["line"], 2);
}

#[test]
fn nothing_staged_is_clean_and_says_so() {
    let r = TestRepo::published_only();
    r.write("a.txt", "x\n");
    r.commit_all("init");
    let run = r.run(&["pre-commit"]);
    run.expect_code(0);
    assert!(run.stderr.contains("0 files, 0 lines"), "{}", run.stderr);
}

#[test]
fn real_commit_is_stopped_and_head_does_not_move() {
    let r = repo_with_hook();
    let before = head(&r);
    r.write("deploy.env", format!("GITHUB_TOKEN={GHP}\n"));
    r.git(&["add", "deploy.env"]);
    let commit = r.git_run(&["commit", "-m", "add deploy env"]);
    assert_ne!(commit.code, 0, "commit should be blocked");
    assert!(
        commit.stderr.contains("github-classic-pat"),
        "{}",
        commit.stderr
    );
    assert_eq!(head(&r), before);
    // A clean change commits.
    r.git(&["reset", "-q"]);
    std::fs::remove_file(r.path().join("deploy.env")).unwrap();
    r.write("notes.txt", "nothing secret\n");
    r.git(&["add", "notes.txt"]);
    r.git(&["commit", "-q", "-m", "notes"]);
    assert_ne!(head(&r), before);
}

/// `git commit -a` stages into a temporary index (GIT_INDEX_FILE); a
/// secret only in the working tree of a tracked file must still block.
#[test]
fn commit_dash_a_uses_the_temporary_index() {
    let r = repo_with_hook();
    let before = head(&r);
    r.write("README.md", format!("hello\ntoken: {GHP}\n"));
    let commit = r.git_run(&["commit", "-a", "-m", "oops"]);
    assert_ne!(
        commit.code,
        0,
        "git commit -a must be blocked:\n{}",
        commit.all()
    );
    assert_eq!(head(&r), before);
}

/// `git commit <path>` commits that path's working-tree content, not the
/// index; another staged file is not part of the commit.
#[test]
fn commit_with_pathspec_scans_what_that_commit_records() {
    let r = repo_with_hook();
    r.write("other.txt", "fresh and clean\n");
    r.git(&["add", "other.txt"]);
    r.write("README.md", format!("hello\n{GHP}\n"));
    let commit = r.git_run(&["commit", "README.md", "-m", "readme"]);
    assert_ne!(commit.code, 0, "{}", commit.all());
    // And the reverse: the secret is in the staged file, the pathspec names a clean one.
    r.git(&["checkout", "--", "README.md"]);
    r.write("other.txt", format!("{GHP}\n"));
    r.git(&["add", "other.txt"]);
    r.write("README.md", "hello\nmore\n");
    let commit = r.git_run(&["commit", "README.md", "-m", "readme only"]);
    assert_eq!(
        commit.code,
        0,
        "other.txt is not in this commit:\n{}",
        commit.all()
    );
}

/// Partially staged: the staged version decides, never the working tree.
#[test]
fn partially_staged_files_are_judged_by_the_index() {
    let r = TestRepo::published_only();
    r.write("a.txt", "one\n");
    r.commit_all("init");
    // Clean version staged, secret only in the working tree: passes.
    r.write("a.txt", "one\ntwo\n");
    r.git(&["add", "a.txt"]);
    r.write("a.txt", format!("one\ntwo\n{GHP}\n"));
    r.run(&["pre-commit"]).expect_code(0);
    // Secret staged, then removed from the working tree: still blocks.
    r.write("a.txt", format!("one\ntwo\n{GHP}\n"));
    r.git(&["add", "a.txt"]);
    r.write("a.txt", "one\ntwo\n");
    r.run(&["pre-commit"]).expect_code(1);
    std::fs::remove_file(r.path().join("a.txt")).unwrap();
    r.run(&["pre-commit"]).expect_code(1);
}

#[test]
fn unborn_head_compares_with_the_empty_tree() {
    let r = TestRepo::published_only();
    r.write("clean.txt", "hello\n");
    r.git(&["add", "-A"]);
    r.run(&["pre-commit"]).expect_code(0);
    r.write("secret.txt", format!("{GHP}\n"));
    r.git(&["add", "-A"]);
    let run = r.run(&["pre-commit"]);
    run.expect_code(1);
    assert!(run.stderr.contains("secret.txt:1:1"), "{}", run.stderr);
}

/// The index's cache-tree lets blastwall skip reading HEAD's unchanged
/// directories, but only where its tree id is HEAD's own. After `git reset
/// --soft` the index still holds a valid cache-tree, of the commit undone,
/// and what that commit added is staged again.
#[test]
fn cache_tree_of_another_commit_does_not_hide_staged_lines() {
    let r = TestRepo::published_only();
    r.write("a/b/c.py", "x = 1\n");
    r.write("d/e.py", "y = 2\n");
    r.commit_all("clean");
    r.write("a/b/c.py", format!("x = 1\nTOKEN = '{GHP}'\n"));
    r.commit_all("secret");
    let secret_tree = r.git(&["rev-parse", "HEAD^{tree}"]);
    r.git(&["reset", "-q", "--soft", "HEAD~1"]);
    let j = staged_json(&r);
    assert_eq!(rules_of(&j), vec!["github-classic-pat"], "{j}");
    assert_eq!(j["findings"][0]["path"], "a/b/c.py");
    assert_eq!(j["findings"][0]["line"], 2);

    // `git read-tree` primes the cache-tree with that tree's ids.
    r.git(&["reset", "-q", "--hard", "HEAD"]);
    r.run(&["pre-commit"]).expect_code(0);
    r.git(&["read-tree", &secret_tree]);
    let j = staged_json(&r);
    assert_eq!(rules_of(&j), vec!["github-classic-pat"], "{j}");
}

/// Plumbing that writes the index directly (`update-index --cacheinfo`)
/// is seen like `git add`.
#[test]
fn index_written_by_plumbing_is_scanned() {
    let r = TestRepo::published_only();
    r.write("deep/er/keep.py", "k = 1\n");
    r.write("other/stay.py", "s = 1\n");
    r.commit_all("clean");
    let blob_file = r.write("scratch.txt", format!("TOKEN = '{GHP}'\n"));
    let blob = r.git(&["hash-object", "-w", blob_file.to_str().unwrap()]);
    std::fs::remove_file(&blob_file).unwrap();
    r.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("100644,{blob},deep/er/new.py"),
    ]);
    let j = staged_json(&r);
    assert_eq!(rules_of(&j), vec!["github-classic-pat"], "{j}");
    assert_eq!(j["findings"][0]["path"], "deep/er/new.py");
}

/// Renaming a file that already held a published secret introduces nothing,
/// whatever the user's `diff.renames`; a rename with an added line reports
/// only that line.
#[test]
fn renames_do_not_re_report_unchanged_lines() {
    let r = TestRepo::published_only();
    let body: String = (0..20).map(|i| format!("line {i}\n")).collect();
    r.write("old/settings.py", format!("{body}TOKEN = '{GHP}'\n"));
    r.commit_all("legacy secret");
    r.git(&["config", "diff.renames", "false"]);
    r.git(&["config", "status.renames", "false"]);
    r.git(&["mv", "old/settings.py", "new_settings.py"]);
    let run = r.run(&["pre-commit"]);
    run.expect_code(0);
    // Rename plus an added secret line: only the new line is reported.
    r.write(
        "new_settings.py",
        format!("{body}TOKEN = '{GHP}'\nSTRIPE = '{STRIPE_TEST}'\n"),
    );
    r.git(&["add", "-A"]);
    let j = staged_json(&r);
    assert_eq!(rules_of(&j), vec!["stripe-test-key"], "{j}");
    assert_eq!(j["findings"][0]["line"], 22);
}

/// Editing a file that already holds a published secret reports only what
/// the edit adds.
#[test]
fn unchanged_lines_of_a_modified_file_are_not_reported() {
    let r = TestRepo::published_only();
    r.write("c.py", format!("A = '{GHP}'\n"));
    r.commit_all("old");
    r.write("c.py", format!("A = '{GHP}'\nB = 2\n"));
    r.git(&["add", "-A"]);
    r.run(&["pre-commit"]).expect_code(0);
}

/// `*.env -diff` makes `git diff` print "Binary files differ"; blastwall
/// reads blobs, not diffs, so the secret is still seen.
#[test]
fn diff_attribute_does_not_hide_lines() {
    let r = TestRepo::published_only();
    r.write(".gitattributes", "*.env -diff\n");
    r.commit_all("attrs");
    r.write("prod.env", format!("GITHUB_TOKEN={GHP}\n"));
    r.git(&["add", "-A"]);
    r.run(&["pre-commit"]).expect_code(1);
}

/// Binary blobs are skipped deliberately and named; they never pass silently.
#[test]
fn binary_blobs_are_skipped_and_named() {
    let r = TestRepo::published_only();
    let mut bin = vec![0u8, 1, 2, 3];
    bin.extend(GHP.bytes());
    r.write("assets/blob.bin", &bin);
    r.git(&["add", "-A"]);
    let run = r.run(&["pre-commit"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("not scanned: assets/blob.bin (binary)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("1 skipped (1 binary)"),
        "{}",
        run.stderr
    );
}

#[test]
fn symlinks_and_submodules_are_named_not_scanned() {
    let r = TestRepo::published_only();
    std::os::unix::fs::symlink("/etc/hostname", r.path().join("link")).unwrap();
    let sub = TestRepo::published_only();
    sub.write("x.txt", "x\n");
    let sub_head = sub.commit_all("sub");
    r.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{sub_head},vendored"),
    ]);
    r.git(&["add", "link"]);
    let run = r.run(&["pre-commit"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("not scanned: link (symlink)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("not scanned: vendored (submodule)"),
        "{}",
        run.stderr
    );
}

#[test]
fn invalid_utf8_is_scanned_with_the_right_line() {
    let r = TestRepo::published_only();
    let mut data = b"\xff\xfe latin-1 \xe9t\xe9\n".to_vec();
    data.extend(format!("k = {GHP}\n").bytes());
    r.write("legacy.txt", &data);
    r.git(&["add", "-A"]);
    let j = staged_json(&r);
    assert_eq!(j["findings"][0]["line"], 2);
}

/// A 50 MB staged file is scanned whole: the hook's size cap is far above
/// the tree walk's, because this is what gets published.
#[test]
fn fifty_megabyte_file_is_scanned() {
    let r = TestRepo::published_only();
    let mut data = Vec::with_capacity(50 << 20);
    let line = b"0123456789 lorem ipsum dolor sit amet consectetur adipiscing elit\n";
    while data.len() < 50 << 20 {
        data.extend_from_slice(line);
    }
    data.extend(format!("token = {GHP}\n").bytes());
    r.write("big.log", &data);
    r.git(&["add", "-A"]);
    let run = r.run(&["pre-commit", "--format", "json"]);
    run.expect_code(1);
    assert!(run.json()["summary"]["bytes"].as_u64().unwrap() > 50 << 20);
}

/// During a merge, lines that arrive from the other parent were published
/// with it; a secret written while resolving the conflict is new.
#[test]
fn merge_reports_only_what_resolving_adds() {
    let r = TestRepo::published_only();
    r.write("conf.txt", "base\n");
    r.commit_all("base");
    r.git(&["checkout", "-q", "-b", "side"]);
    r.write("conf.txt", "side change\n");
    // A secret already published on the other branch (committed past the hook).
    r.write("side.txt", format!("{STRIPE_TEST}\nSIDE={GHP}\n"));
    r.commit_all("side");
    r.git(&["checkout", "-q", "main"]);
    r.write("conf.txt", "main change\n");
    r.commit_all("main");
    let merge = r.git_run(&["merge", "side", "-m", "merge"]);
    assert_ne!(merge.code, 0, "expected a conflict");
    // Resolve the conflict by writing a secret.
    r.write("conf.txt", format!("resolved\nDEPLOY_TOKEN={GHP}\n"));
    r.git(&["add", "conf.txt"]);
    let j = staged_json(&r);
    let paths: Vec<&str> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["conf.txt"], "{j}");
    // Resolving cleanly: the side branch's secret is not re-reported.
    r.write("conf.txt", "resolved\n");
    r.git(&["add", "conf.txt"]);
    r.run(&["pre-commit"]).expect_code(0);
}

/// A sparse index hides collapsed directories; blastwall refuses (exit 2)
/// rather than guess, unless the repository opts out of failing closed.
#[test]
fn sparse_index_fails_closed_unless_opted_out() {
    let r = TestRepo::new();
    r.write("keep/a.txt", "a\n");
    r.write("drop/b.txt", "b\n");
    r.commit_all("init");
    r.git(&["sparse-checkout", "init", "--cone", "--sparse-index"]);
    r.git(&["sparse-checkout", "set", "keep"]);
    r.write("keep/a.txt", "a\nmore\n");
    r.git(&["add", "keep/a.txt"]);
    let run = r.run(&["pre-commit"]);
    run.expect_code(2);
    assert!(run.stderr.contains("sparse index"), "{}", run.stderr);
    assert!(run.stderr.contains("fail closed"), "{}", run.stderr);
    r.write(".blastwall.toml", "[policy]\nfail_closed = false\n");
    let run = r.run(&["pre-commit"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("nothing was verified"),
        "{}",
        run.stderr
    );
}

#[test]
fn outside_a_repository_is_an_error() {
    let t = Tree::new();
    let run = t.run(&["pre-commit"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("not inside a git repository"),
        "{}",
        run.stderr
    );
}

/// The repository's policy and allowlists apply to the hook.
#[test]
fn repository_config_applies() {
    let r = TestRepo::new();
    r.write("t.env", format!("STRIPE={STRIPE_TEST}\n"));
    r.git(&["add", "-A"]);
    r.run(&["pre-commit"]).expect_code(0); // low tier: reported, not blocking
    r.write(".blastwall.toml", "[policy]\nblock = \"low\"\n");
    r.run(&["pre-commit"]).expect_code(1);
    r.write(
        ".blastwall.toml",
        "[policy]\nblock = \"low\"\n[allowlist]\npaths = [\"*.env\"]\n",
    );
    r.run(&["pre-commit"]).expect_code(0);
}
