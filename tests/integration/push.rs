//! `blastwall pre-push`: exactly what a push publishes, with real git, a real
//! bare remote on disk and the built binary.
//!
//! Peers get this wrong in public: reading only the first line of the hook's
//! stdin (so the second ref of `git push origin a b` is never looked at),
//! scanning the tip's files (so a secret added in one commit and deleted in
//! the next slips through), re-reporting history the remote already has, or
//! scanning nothing at all under the pre-commit framework (which keeps stdin
//! to itself and hands over `PRE_COMMIT_*` variables instead). Each case here
//! is one of those. The pre-push input is driven two ways: fed on stdin with
//! shas from `git rev-parse`, and through a real `git push` with the hook
//! that `blastwall install --pre-push` writes.

use crate::common::*;
use serde_json::Value;
use std::process::{Command, Stdio};

/// What git writes for "no object": a deleted ref, or a ref the remote lacks.
const ZERO: &str = "0000000000000000000000000000000000000000";

/// A second fabricated GitHub classic PAT (critical), distinct from [`GHP`]
/// so a test can tell which of two secrets was reported.
const GHP2: &str = "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";

/// A working repository whose `origin` is a bare repository on disk, with
/// one clean commit on `main` already pushed (so `refs/remotes/origin/main`
/// exists, as in any clone).
struct Pushing {
    local: TestRepo,
    remote: TestRepo,
}

impl Pushing {
    fn new() -> Pushing {
        let remote = TestRepo::bare();
        let local = TestRepo::published_only();
        local.git(&["remote", "add", "origin", &path_str(remote.path())]);
        local.write("README.md", "hello\n");
        local.commit_all("init");
        publish(&local, &["main"]);
        Pushing { local, remote }
    }

    fn url(&self) -> String {
        path_str(self.remote.path())
    }

    fn sha(&self, rev: &str) -> String {
        self.local.git(&["rev-parse", rev])
    }

    /// Writes `content` at `path` and commits everything; returns the commit.
    fn commit(&self, path: &str, content: &str, message: &str) -> String {
        self.local.write(path, content);
        self.local.commit_all(message)
    }

    /// Removes `path` and commits; returns the commit.
    fn delete(&self, path: &str, message: &str) -> String {
        self.local.git(&["rm", "-q", path]);
        self.local
            .git(&["commit", "-q", "--no-verify", "-m", message]);
        self.sha("HEAD")
    }

    /// The sha the remote has at `name` (a full ref name), if any.
    fn remote_ref(&self, name: &str) -> Option<String> {
        let run = self.remote.git_run(&["rev-parse", "--verify", "-q", name]);
        (run.code == 0).then(|| run.stdout.trim().to_string())
    }

    /// `blastwall pre-push origin <url> --format json` with `stdin` as git's input.
    fn pre_push(&self, stdin: &str) -> Run {
        let mut c = self.blastwall();
        c.args(["pre-push", "origin", &self.url(), "--format", "json"]);
        feed(c, stdin)
    }

    /// `blastwall pre-push --format json` as the pre-commit framework runs it:
    /// no arguments, nothing on stdin, the push described by `env`.
    fn pre_push_framework(&self, env: &[(&str, &str)]) -> Run {
        let mut c = self.blastwall();
        c.args(["pre-push", "--format", "json"]);
        for (k, v) in env {
            c.env(k, v);
        }
        feed(c, "")
    }

    /// The built binary in the working repository; none of the framework's
    /// variables leak in from whatever runs the tests.
    fn blastwall(&self) -> Command {
        let mut c = blastwall(self.local.path());
        c.envs(self.local.env.iter().map(|(k, v)| (k, v)));
        for k in [
            "PRE_COMMIT_LOCAL_BRANCH",
            "PRE_COMMIT_REMOTE_BRANCH",
            "PRE_COMMIT_REMOTE_URL",
        ] {
            c.env_remove(k);
        }
        c
    }

    /// Installs blastwall's pre-push hook into the working repository.
    fn install_hook(&self) {
        self.local.run(&["install", "--pre-push"]).expect_code(0);
    }

    /// A real `git push` (hooks enabled).
    fn git_push(&self, args: &[&str]) -> Run {
        let mut all = vec!["push"];
        all.extend_from_slice(args);
        self.local.git_run(&all)
    }
}

/// Pushes `refspecs` to `origin` with hooks skipped: what the remote
/// already has before the push under test.
fn publish(repo: &TestRepo, refspecs: &[&str]) {
    let mut args = vec!["push", "-q", "--no-verify", "origin"];
    args.extend_from_slice(refspecs);
    repo.git(&args);
}

fn path_str(p: &std::path::Path) -> String {
    p.to_str().expect("utf-8 temp path").to_string()
}

/// Runs `c` with `stdin` written to it.
fn feed(mut c: Command, stdin: &str) -> Run {
    use std::io::Write;
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn blastwall");
    // A run that never reads stdin may have exited already: ignore EPIPE.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    Run::from_output(child.wait_with_output().expect("wait for blastwall"))
}

/// One line of git's pre-push input.
fn line(local_ref: &str, local: &str, remote_ref: &str, remote: &str) -> String {
    format!("{local_ref} {local} {remote_ref} {remote}\n")
}

/// Checks the exit code and returns the JSON report.
fn report(run: &Run, code: i32) -> Value {
    run.expect_code(code);
    let j = run.json();
    assert_eq!(j["command"], "pre-push", "{}", run.stdout);
    j
}

/// `(commit, path, line)` of every finding, each checked to come from a commit.
fn found(report: &Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            assert_eq!(f["origin"], "commit", "{f}");
            (
                f["commit"].as_str().expect("commit id").to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn at(commit: &str, path: &str, line: u64) -> (String, String, u64) {
    (commit.to_string(), path.to_string(), line)
}

/// How many commits the run examined.
fn commits(report: &Value) -> u64 {
    report["summary"]["commits"]
        .as_u64()
        .expect("summary.commits")
}

/// `TOKEN = "<secret>"` as line 2 of a small config file.
fn config_with(secret: &str) -> String {
    format!("DEBUG = true\nTOKEN = \"{secret}\"\nPORT = 8080\n")
}

// ---------------------------------------------------------------- stdin-driven

/// A new branch (remote sha all zeros) publishes only the commits that are
/// on none of `refs/remotes/origin/*`. The history it is based on is already
/// on the remote, secret and all: re-reporting it would block every new
/// branch forever for something no push can undo.
#[test]
fn new_branch_scans_only_commits_the_remote_lacks() {
    let p = Pushing::new();
    // Already published (by a push that skipped hooks).
    p.commit("legacy.env", &format!("OLD={GHP2}\n"), "legacy");
    publish(&p.local, &["main"]);
    p.local.git(&["checkout", "-q", "-b", "feature"]);
    let clean = p.commit("notes.txt", "clean\n", "notes");
    let leak = p.commit("app.env", &config_with(GHP), "app config");

    let j = report(
        &p.pre_push(&line(
            "refs/heads/feature",
            &leak,
            "refs/heads/feature",
            ZERO,
        )),
        1,
    );
    assert_eq!(commits(&j), 2, "feature's two commits, nothing of main");
    assert_eq!(found(&j), vec![at(&leak, "app.env", 2)]);
    assert_eq!(rules_of(&j), vec!["github-classic-pat"]);

    // The same branch without the last commit is clean.
    let j = report(
        &p.pre_push(&line(
            "refs/heads/feature",
            &clean,
            "refs/heads/feature",
            ZERO,
        )),
        0,
    );
    assert_eq!(commits(&j), 1);
    assert!(found(&j).is_empty());

    // A new branch that points at a commit the remote has publishes nothing.
    let pushed = p.sha("origin/main");
    let j = report(
        &p.pre_push(&line("refs/heads/copy", &pushed, "refs/heads/copy", ZERO)),
        0,
    );
    assert_eq!(commits(&j), 0);
}

/// A fast-forward scans every commit in `remote..local`, not just the tip:
/// the secret sits in the middle one of three.
#[test]
fn fast_forward_scans_every_new_commit() {
    let p = Pushing::new();
    let remote = p.sha("origin/main");
    p.commit("a.txt", "first\n", "a");
    let leak = p.commit("deploy/app.env", &config_with(GHP), "deploy config");
    let tip = p.commit("b.txt", "last\n", "b");

    let j = report(
        &p.pre_push(&line("refs/heads/main", &tip, "refs/heads/main", &remote)),
        1,
    );
    assert_eq!(commits(&j), 3);
    assert_eq!(found(&j), vec![at(&leak, "deploy/app.env", 2)]);

    // Once the secret's commit is on the remote, the next push is clean.
    publish(&p.local, &[&format!("{leak}:refs/heads/main")]);
    p.local.git(&["fetch", "-q", "origin"]);
    let j = report(
        &p.pre_push(&line("refs/heads/main", &tip, "refs/heads/main", &leak)),
        0,
    );
    assert_eq!(commits(&j), 1);
}

/// A secret added in one commit and deleted in the next is still published
/// (it is in the pushed history), though the tip's files are clean. It must
/// block, naming the commit that introduced it, its path and line.
#[test]
fn secret_added_then_deleted_blocks_and_names_the_introducing_commit() {
    let p = Pushing::new();
    let remote = p.sha("origin/main");
    let added = p.commit("config/prod.yml", &config_with(GHP), "add prod config");
    let removed = p.delete("config/prod.yml", "oops, remove it");
    // The tip holds no secret at all.
    assert_eq!(p.local.git_run(&["grep", "-q", "ghp_", &removed]).code, 1);

    let j = report(
        &p.pre_push(&line(
            "refs/heads/main",
            &removed,
            "refs/heads/main",
            &remote,
        )),
        1,
    );
    assert_eq!(commits(&j), 2);
    assert_eq!(found(&j), vec![at(&added, "config/prod.yml", 2)]);
}

/// `git push origin main feature` writes two lines; a hook that reads only
/// the first sees a clean fast-forward. Both orders must block and name the
/// commit of the ref that carries the secret.
#[test]
fn two_refs_at_once_are_both_scanned() {
    let p = Pushing::new();
    let remote = p.sha("origin/main");
    let main = p.commit("main.txt", "clean work\n", "main work");
    p.local.git(&["checkout", "-q", "-b", "feature"]);
    let leak = p.commit("feature.env", &config_with(GHP), "feature config");
    p.local.git(&["checkout", "-q", "main"]);

    let main_line = line("refs/heads/main", &main, "refs/heads/main", &remote);
    let feature_line = line("refs/heads/feature", &leak, "refs/heads/feature", ZERO);
    for (order, stdin) in [
        (
            "secret on the second line",
            format!("{main_line}{feature_line}"),
        ),
        (
            "secret on the first line",
            format!("{feature_line}{main_line}"),
        ),
    ] {
        let run = p.pre_push(&stdin);
        assert_eq!(run.code, 1, "{order}: {}\n{}", run.stdout, run.stderr);
        let j = run.json();
        // main's commit plus feature's (whose parent main's is): each once.
        assert_eq!(commits(&j), 2, "{order}");
        assert_eq!(found(&j), vec![at(&leak, "feature.env", 2)], "{order}");
    }

    // Only the first line alone is clean: the second line is what blocks.
    report(&p.pre_push(&main_line), 0);
}

/// Force-pushes: `remote..local` when this clone knows the remote's sha,
/// else everything not on `refs/remotes/origin/*`.
#[test]
fn force_push_scans_the_rewritten_commits() {
    // Rewritten history carrying a secret: the replaced commit is irrelevant.
    let p = Pushing::new();
    let replaced = p.commit("a.txt", "draft\n", "draft");
    publish(&p.local, &["main"]);
    p.local.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let leak = p.commit("a.txt", &config_with(GHP), "rewritten");
    let j = report(
        &p.pre_push(&line(
            "refs/heads/main",
            &leak,
            "refs/heads/main",
            &replaced,
        )),
        1,
    );
    assert_eq!(commits(&j), 1);
    assert_eq!(found(&j), vec![at(&leak, "a.txt", 2)]);

    // The remote moved in another clone; this clone has never seen its sha.
    let other = TestRepo::published_only();
    other.git(&["remote", "add", "origin", &p.url()]);
    other.git(&["fetch", "-q", "origin"]);
    other.git(&["checkout", "-q", "-b", "main", "origin/main"]);
    other.write("theirs.txt", "their work\n");
    let theirs = other.commit_all("theirs");
    publish(&other, &["--force", "main"]);
    assert!(
        p.local
            .git_run(&["cat-file", "-e", &format!("{theirs}^{{commit}}")])
            .code
            != 0,
        "the pushing clone must not know the remote's new sha"
    );
    let j = report(
        &p.pre_push(&line("refs/heads/main", &leak, "refs/heads/main", &theirs)),
        1,
    );
    assert_eq!(found(&j), vec![at(&leak, "a.txt", 2)]);
}

/// Force-pushing the fix for a leaked secret (the leaking commit amended
/// away) publishes nothing new: blocking it would keep the leak in place.
#[test]
fn force_push_that_removes_a_leaked_secret_is_clean() {
    let p = Pushing::new();
    let leaked = p.commit("app.env", &config_with(GHP), "leak");
    publish(&p.local, &["main"]);
    p.local.write("app.env", config_with("${GITHUB_TOKEN}"));
    p.local.git(&["add", "-A"]);
    p.local
        .git(&["commit", "-q", "--no-verify", "--amend", "-m", "no leak"]);
    let fixed = p.sha("HEAD");
    let j = report(
        &p.pre_push(&line("refs/heads/main", &fixed, "refs/heads/main", &leaked)),
        0,
    );
    assert_eq!(commits(&j), 1);
    assert!(found(&j).is_empty());
}

/// A deletion (local sha all zeros) publishes nothing, even when the
/// deleted branch's commits hold a secret; and it must not end the scan of
/// the lines after it.
#[test]
fn branch_deletion_scans_nothing() {
    let p = Pushing::new();
    p.local.git(&["checkout", "-q", "-b", "old"]);
    let old = p.commit("old.env", &config_with(GHP), "old");
    publish(&p.local, &["old"]);
    p.local.git(&["checkout", "-q", "main"]);
    let deletion = line("(delete)", ZERO, "refs/heads/old", &old);

    let run = p.pre_push(&deletion);
    let j = report(&run, 0);
    assert_eq!(commits(&j), 0);
    assert!(found(&j).is_empty());
    assert!(
        run.stderr.contains("blastwall pre-push: 0 commits"),
        "{}",
        run.stderr
    );

    // Deletion first, then a ref that does publish a secret.
    let remote = p.sha("origin/main");
    let leak = p.commit("new.env", &config_with(GHP2), "new");
    let push = line("refs/heads/main", &leak, "refs/heads/main", &remote);
    let j = report(&p.pre_push(&format!("{deletion}{push}")), 1);
    assert_eq!(found(&j), vec![at(&leak, "new.env", 2)]);
}

/// Tags: the pushed sha of an annotated tag is the tag object, which must
/// be peeled to its commit. A tag of a commit the remote lacks publishes
/// that commit; a tag of an already-pushed commit publishes nothing new.
#[test]
fn tag_push_scans_the_tagged_commit_only_when_the_remote_lacks_it() {
    for annotated in [true, false] {
        for on_remote in [false, true] {
            let case = format!("annotated={annotated} commit on remote={on_remote}");
            let p = Pushing::new();
            let tagged = p.commit("release.env", &config_with(GHP), "release");
            if on_remote {
                publish(&p.local, &["main"]);
            } else {
                p.local.git(&["reset", "-q", "--hard", "HEAD~1"]);
            }
            if annotated {
                p.local
                    .git(&["tag", "-a", "v1.0", "-m", "release", &tagged]);
            } else {
                p.local.git(&["tag", "v1.0", &tagged]);
            }
            let pushed = p.sha("refs/tags/v1.0");
            assert_eq!(pushed != tagged, annotated, "{case}: tag object vs commit");

            let run = p.pre_push(&line("refs/tags/v1.0", &pushed, "refs/tags/v1.0", ZERO));
            if on_remote {
                let j = report(&run, 0);
                assert_eq!(commits(&j), 0, "{case}");
            } else {
                assert_eq!(run.code, 1, "{case}: {}{}", run.stdout, run.stderr);
                let j = run.json();
                assert_eq!(commits(&j), 1, "{case}");
                assert_eq!(found(&j), vec![at(&tagged, "release.env", 2)], "{case}");
            }
        }
    }
}

/// Nothing to push: git still runs the hook, with empty stdin (and the
/// installed script passes one empty line). Exit 0 and say 0 commits.
#[test]
fn nothing_to_push_is_clean_and_says_zero_commits() {
    let p = Pushing::new();
    for stdin in ["", "\n"] {
        let run = p.pre_push(stdin);
        let j = report(&run, 0);
        assert_eq!(commits(&j), 0);
        assert!(found(&j).is_empty());
        let summary = run.stderr.lines().last().unwrap_or_default();
        assert!(
            summary.starts_with("blastwall pre-push: 0 commits, 0 files"),
            "stdin {stdin:?}: {}",
            run.stderr
        );
    }
    // The human form says the same.
    let mut c = p.blastwall();
    c.args(["pre-push", "origin", &p.url()]);
    let run = feed(c, "");
    run.expect_code(0);
    assert!(
        run.stderr.contains("blastwall pre-push: 0 commits"),
        "{}",
        run.stderr
    );
}

/// Garbage on stdin is not "nothing to push": it fails closed (exit 2).
#[test]
fn malformed_input_fails_closed() {
    let p = Pushing::new();
    for stdin in [
        "refs/heads/main deadbeef\n".to_string(),
        line("refs/heads/main", "not-a-sha", "refs/heads/main", ZERO),
        // A well-formed line naming a commit this clone does not have.
        line("refs/heads/main", &"1".repeat(40), "refs/heads/main", ZERO),
    ] {
        let mut c = p.blastwall();
        c.args(["pre-push", "origin", &p.url()]);
        let run = feed(c, &stdin);
        assert_eq!(run.code, 2, "{stdin:?}: {}", run.all());
    }
}

/// `main` and `other` both change line 2 of conf.txt, so merging conflicts.
/// `other` (already on the remote) also appends a line holding [`GHP`]; the
/// resolution keeps it and writes a new line 3 holding [`GHP2`]. Returns the
/// repository and the merge commit.
fn merge_with_secret_in_resolution() -> (Pushing, String) {
    let p = Pushing::new();
    p.commit("conf.txt", "name = demo\nvalue = 1\nend\n", "conf");
    p.local.git(&["checkout", "-q", "-b", "other"]);
    p.commit(
        "conf.txt",
        &format!("name = demo\nvalue = 2\nend\nlegacy_token = \"{GHP}\"\n"),
        "other: value 2, legacy token",
    );
    p.local.git(&["checkout", "-q", "main"]);
    p.commit("conf.txt", "name = demo\nvalue = 3\nend\n", "main: value 3");
    publish(&p.local, &["main", "other"]);

    let merge = p.local.git_run(&["merge", "other", "-m", "merge other"]);
    assert_ne!(merge.code, 0, "expected a conflict:\n{}", merge.all());
    let merged = p.commit(
        "conf.txt",
        &format!("name = demo\nvalue = 4\ntoken = \"{GHP2}\"\nend\nlegacy_token = \"{GHP}\"\n"),
        "merge other",
    );
    assert_eq!(
        p.local
            .git(&["rev-list", "--parents", "-n1", &merged])
            .split(' ')
            .count(),
        3,
        "a two-parent merge"
    );
    (p, merged)
}

/// A merge whose conflict resolution adds a secret: only the line written
/// while resolving is reported, in the merge commit. The `legacy_token`
/// line arrives unchanged from `other`, which the remote already has; it is
/// new relative to the first parent only, so it is not the merge's doing.
/// (Pushed as a new branch, so the commit range is exactly the merge.)
#[test]
fn merge_reports_only_what_the_resolution_adds() {
    let (p, merged) = merge_with_secret_in_resolution();
    let j = report(
        &p.pre_push(&line(
            "refs/heads/release",
            &merged,
            "refs/heads/release",
            ZERO,
        )),
        1,
    );
    assert_eq!(commits(&j), 1);
    assert_eq!(found(&j), vec![at(&merged, "conf.txt", 3)]);
    assert!(
        j["findings"][0]["redacted"]
            .as_str()
            .unwrap()
            .starts_with("ghp_Z8"),
        "the resolution's secret, not the merged branch's: {}",
        j["findings"][0]
    );
}

/// The same merge pushed the usual way, as a fast-forward of `main`: the
/// push publishes one commit (the merge; `other` is already on the remote),
/// so the only finding must be the resolution's line. blastwall walks
/// `<remote sha>..local` and hides only the remote's old `main`, so it also
/// re-scans `other`'s already-pushed commit and reports its `legacy_token`.
#[test]

fn merge_into_pushed_branch_does_not_report_the_merged_branchs_pushed_lines() {
    let (p, merged) = merge_with_secret_in_resolution();
    let remote = p.sha("origin/main");
    let j = report(
        &p.pre_push(&line(
            "refs/heads/main",
            &merged,
            "refs/heads/main",
            &remote,
        )),
        1,
    );
    assert_eq!(
        found(&j),
        vec![at(&merged, "conf.txt", 3)],
        "other's commit {} is already on the remote",
        p.sha("origin/other")
    );
    assert_eq!(commits(&j), 1, "git publishes only the merge");
}

/// `main` renames config.txt to settings.txt; `other` (already on the
/// remote) adds a secret line to config.txt; the merge is clean and its
/// settings.txt is byte-for-byte `other`'s config.txt. The merge writes no
/// new line, so a push of it is clean. blastwall compares the merge's
/// settings.txt with the other parent's blob at the same path only; finding
/// none there (it is still called config.txt) it counts every line as new.
#[test]

fn merge_across_a_rename_reports_nothing_already_pushed() {
    let p = Pushing::new();
    let body: String = (1..=8)
        .map(|i| format!("setting{i} = value{i}\n"))
        .collect();
    p.commit("config.txt", &body, "config");
    p.local.git(&["checkout", "-q", "-b", "other"]);
    let with_token = body.replacen("setting5", &format!("token = \"{GHP}\"\nsetting5"), 1);
    p.commit("config.txt", &with_token, "other: token");
    p.local.git(&["checkout", "-q", "main"]);
    p.local.git(&["mv", "config.txt", "settings.txt"]);
    p.local
        .git(&["commit", "-q", "--no-verify", "-m", "rename config"]);
    publish(&p.local, &["main", "other"]);
    p.local
        .git(&["merge", "-q", "--no-verify", "other", "-m", "merge other"]);
    let merged = p.sha("HEAD");
    assert_eq!(
        p.sha(&format!("{merged}:settings.txt")),
        p.sha("origin/other:config.txt"),
        "the merge's file is exactly the other parent's"
    );

    let j = report(
        &p.pre_push(&line(
            "refs/heads/release",
            &merged,
            "refs/heads/release",
            ZERO,
        )),
        0,
    );
    assert_eq!(commits(&j), 1);
    assert!(found(&j).is_empty());
}

// ------------------------------------------------- the pre-commit framework

/// Under the pre-commit framework the hook gets no stdin: the range comes in
/// `PRE_COMMIT_FROM_REF` / `PRE_COMMIT_TO_REF` (remote sha / local sha).
/// Every commit in the range is scanned, so add-then-delete still blocks;
/// what is before FROM (already pushed) is not.
#[test]
fn framework_range_from_env_scans_every_commit_in_it() {
    let p = Pushing::new();
    p.commit("legacy.env", &format!("OLD={GHP2}\n"), "already pushed");
    publish(&p.local, &["main"]);
    let from = p.sha("origin/main");
    let added = p.commit("config/prod.yml", &config_with(GHP), "add");
    let to = p.delete("config/prod.yml", "remove");

    let env = |from: &str, to: &str| {
        vec![
            ("PRE_COMMIT", "1".to_string()),
            ("PRE_COMMIT_FROM_REF", from.to_string()),
            ("PRE_COMMIT_TO_REF", to.to_string()),
            ("PRE_COMMIT_REMOTE_NAME", "origin".to_string()),
            ("PRE_COMMIT_REMOTE_URL", p.url()),
            ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main".to_string()),
            ("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/main".to_string()),
        ]
    };
    let run_env = |from: &str, to: &str| {
        let env = env(from, to);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        p.pre_push_framework(&env)
    };

    let j = report(&run_env(&from, &to), 1);
    assert_eq!(commits(&j), 2);
    assert_eq!(found(&j), vec![at(&added, "config/prod.yml", 2)]);

    // FROM == TO: nothing in the range, whatever the history holds.
    let j = report(&run_env(&to, &to), 0);
    assert_eq!(commits(&j), 0);
    // Only the deleting commit: clean.
    let j = report(&run_env(&added, &to), 0);
    assert_eq!(commits(&j), 1);
}

/// The framework sets no FROM/TO when the first pushed commit is a root
/// commit (a first push): with `PRE_COMMIT=1` blastwall scans everything not
/// on `refs/remotes/<PRE_COMMIT_REMOTE_NAME>/*`, from
/// `PRE_COMMIT_LOCAL_BRANCH` or else HEAD. Scanning nothing here would let a
/// repository's whole first push through.
#[test]
fn framework_first_push_of_a_root_commit_scans_the_whole_history() {
    let remote = TestRepo::bare();
    let r = TestRepo::published_only();
    r.git(&["remote", "add", "origin", &path_str(remote.path())]);
    r.write("app.env", config_with(GHP));
    let root = r.commit_all("root");
    r.write("README.md", "hello\n");
    r.commit_all("readme");
    let p = Pushing { local: r, remote };

    for local_branch in [Some("refs/heads/main"), None] {
        let mut env = vec![("PRE_COMMIT", "1"), ("PRE_COMMIT_REMOTE_NAME", "origin")];
        if let Some(b) = local_branch {
            env.push(("PRE_COMMIT_LOCAL_BRANCH", b));
        }
        let j = report(&p.pre_push_framework(&env), 1);
        assert_eq!(commits(&j), 2, "{local_branch:?}");
        assert_eq!(found(&j), vec![at(&root, "app.env", 2)], "{local_branch:?}");
    }
}

/// The remote's name comes from `PRE_COMMIT_REMOTE_NAME` (the framework
/// passes no arguments). With a remote called `upstream`, what is on
/// `refs/remotes/upstream/*` is already published; defaulting to `origin`
/// would re-scan it and report its old secret.
#[test]
fn framework_without_range_uses_the_remote_name_from_env() {
    let remote = TestRepo::bare();
    let r = TestRepo::published_only();
    r.git(&["remote", "add", "upstream", &path_str(remote.path())]);
    r.write("legacy.env", format!("OLD={GHP}\n"));
    r.commit_all("already pushed");
    r.git(&["push", "-q", "--no-verify", "upstream", "main"]);
    r.write("notes.txt", "clean\n");
    r.commit_all("notes");
    let p = Pushing { local: r, remote };

    let j = report(
        &p.pre_push_framework(&[
            ("PRE_COMMIT", "1"),
            ("PRE_COMMIT_REMOTE_NAME", "upstream"),
            ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main"),
        ]),
        0,
    );
    assert_eq!(commits(&j), 1);
    // And a secret in the unpushed commit still blocks.
    p.local.write("notes.txt", config_with(GHP2));
    let leak = p.local.commit_all("leak");
    let j = report(
        &p.pre_push_framework(&[("PRE_COMMIT", "1"), ("PRE_COMMIT_REMOTE_NAME", "upstream")]),
        1,
    );
    assert_eq!(commits(&j), 2);
    assert_eq!(found(&j), vec![at(&leak, "notes.txt", 2)]);
}

// ------------------------------------------------ real `git push`, installed hook

/// A push the installed hook must stop: set up in a fresh [`Pushing`], it
/// returns the `git push` arguments and the commit whose secret blocks it.
struct BlockedPush {
    name: &'static str,
    setup: fn(&Pushing) -> (Vec<&'static str>, String),
    /// Remote refs that must not move (or appear).
    watched: &'static [&'static str],
}

const BLOCKED_PUSHES: &[BlockedPush] = &[
    BlockedPush {
        name: "fast-forward carrying a secret",
        setup: |p| {
            p.commit("a.txt", "clean\n", "clean");
            let leak = p.commit("app.env", &config_with(GHP), "leak");
            p.commit("b.txt", "clean\n", "clean again");
            (vec!["origin", "main"], leak)
        },
        watched: &["refs/heads/main"],
    },
    BlockedPush {
        name: "secret added then deleted",
        setup: |p| {
            let leak = p.commit("app.env", &config_with(GHP), "add");
            p.delete("app.env", "remove");
            (vec!["origin", "main"], leak)
        },
        watched: &["refs/heads/main"],
    },
    BlockedPush {
        name: "new branch",
        setup: |p| {
            p.local.git(&["checkout", "-q", "-b", "feature"]);
            let leak = p.commit("app.env", &config_with(GHP), "leak");
            (vec!["-u", "origin", "feature"], leak)
        },
        watched: &["refs/heads/feature"],
    },
    BlockedPush {
        name: "two refs, only the second carries a secret",
        setup: |p| {
            p.local.git(&["checkout", "-q", "-b", "feature"]);
            let leak = p.commit("app.env", &config_with(GHP), "leak");
            p.local.git(&["checkout", "-q", "main"]);
            p.commit("main.txt", "clean\n", "clean");
            (vec!["origin", "main", "feature"], leak)
        },
        watched: &["refs/heads/main", "refs/heads/feature"],
    },
    BlockedPush {
        name: "force-push of rewritten history",
        setup: |p| {
            p.commit("a.txt", "draft\n", "draft");
            publish(&p.local, &["main"]);
            p.local.git(&["reset", "-q", "--hard", "HEAD~1"]);
            let leak = p.commit("a.txt", &config_with(GHP), "rewritten");
            (vec!["--force", "origin", "main"], leak)
        },
        watched: &["refs/heads/main"],
    },
    BlockedPush {
        name: "annotated tag of an unpushed commit",
        setup: |p| {
            p.local.git(&["checkout", "-q", "-b", "wip"]);
            let leak = p.commit("release.env", &config_with(GHP), "release");
            p.local.git(&["tag", "-a", "v1.0", "-m", "release"]);
            p.local.git(&["checkout", "-q", "main"]);
            (vec!["origin", "v1.0"], leak)
        },
        watched: &["refs/tags/v1.0", "refs/heads/wip"],
    },
    BlockedPush {
        name: "merge whose resolution adds a secret",
        setup: |p| {
            p.commit("conf.txt", "name = demo\nvalue = 1\nend\n", "conf");
            p.local.git(&["checkout", "-q", "-b", "other"]);
            p.commit("conf.txt", "name = demo\nvalue = 2\nend\n", "other");
            p.local.git(&["checkout", "-q", "main"]);
            p.commit("conf.txt", "name = demo\nvalue = 3\nend\n", "main");
            publish(&p.local, &["main", "other"]);
            let _conflict = p.local.git_run(&["merge", "other", "-m", "merge"]);
            let merged = p.commit(
                "conf.txt",
                &format!("name = demo\nvalue = 4\ntoken = \"{GHP}\"\nend\n"),
                "merge other",
            );
            (vec!["origin", "main"], merged)
        },
        watched: &["refs/heads/main"],
    },
];

/// The installed hook stops a real `git push` in every shape above: git
/// fails, the remote's refs do not move, and the message names the rule and
/// the offending commit.
#[test]
fn installed_hook_stops_real_pushes() {
    for case in BLOCKED_PUSHES {
        let p = Pushing::new();
        p.install_hook();
        let (args, leak) = (case.setup)(&p);
        let before: Vec<Option<String>> = case.watched.iter().map(|r| p.remote_ref(r)).collect();
        let push = p.git_push(&args);
        assert_ne!(
            push.code,
            0,
            "{}: git push succeeded:\n{}",
            case.name,
            push.all()
        );
        let after: Vec<Option<String>> = case.watched.iter().map(|r| p.remote_ref(r)).collect();
        assert_eq!(before, after, "{}: the remote moved", case.name);
        let out = push.all();
        assert!(
            out.contains("[github-classic-pat]"),
            "{}:\n{out}",
            case.name
        );
        assert!(
            out.contains(&format!("(commit {})", &leak[..12])),
            "{}: names commit {leak}:\n{out}",
            case.name
        );
        assert!(out.contains("BLOCKED"), "{}:\n{out}", case.name);
        assert!(!out.contains(GHP), "{}: secret printed", case.name);
    }
}

/// A push the installed hook must let through, and where each remote ref
/// must be afterwards (`None`: absent).
struct CleanPush {
    name: &'static str,
    setup: fn(&Pushing) -> Vec<&'static str>,
    /// `(remote ref, local rev it must equal afterwards, or None if absent)`.
    expect: &'static [(&'static str, Option<&'static str>)],
}

const CLEAN_PUSHES: &[CleanPush] = &[
    CleanPush {
        name: "clean fast-forward",
        setup: |p| {
            p.commit("a.txt", "clean\n", "a");
            p.commit("b.txt", "clean\n", "b");
            vec!["origin", "main"]
        },
        expect: &[("refs/heads/main", Some("main"))],
    },
    CleanPush {
        name: "deleting a branch whose commits hold a secret",
        setup: |p| {
            p.local.git(&["checkout", "-q", "-b", "old"]);
            p.commit("old.env", &config_with(GHP), "old");
            publish(&p.local, &["old"]);
            p.local.git(&["checkout", "-q", "main"]);
            vec!["origin", "--delete", "old"]
        },
        expect: &[("refs/heads/old", None), ("refs/heads/main", Some("main"))],
    },
    CleanPush {
        name: "tag of an already-pushed commit that holds a secret",
        setup: |p| {
            p.commit("release.env", &config_with(GHP), "release");
            publish(&p.local, &["main"]);
            p.local.git(&["tag", "-a", "v1.0", "-m", "release"]);
            vec!["origin", "v1.0"]
        },
        expect: &[("refs/tags/v1.0", Some("refs/tags/v1.0"))],
    },
    CleanPush {
        name: "force-push that removes a leaked secret",
        setup: |p| {
            p.commit("app.env", &config_with(GHP), "leak");
            publish(&p.local, &["main"]);
            p.local.write("app.env", "TOKEN = \"${GITHUB_TOKEN}\"\n");
            p.local.git(&["add", "-A"]);
            p.local
                .git(&["commit", "-q", "--no-verify", "--amend", "-m", "no leak"]);
            vec!["--force", "origin", "main"]
        },
        expect: &[("refs/heads/main", Some("main"))],
    },
];

/// The installed hook lets clean pushes through (it ran: its summary line is
/// in git's output), and the remote ends where git put it.
#[test]
fn installed_hook_lets_clean_pushes_through() {
    for case in CLEAN_PUSHES {
        let p = Pushing::new();
        p.install_hook();
        let args = (case.setup)(&p);
        let push = p.git_push(&args);
        assert_eq!(
            push.code,
            0,
            "{}: git push failed:\n{}",
            case.name,
            push.all()
        );
        assert!(
            push.stderr.contains("blastwall pre-push: ") && push.stderr.contains("; ok ("),
            "{}: the hook did not report:\n{}",
            case.name,
            push.all()
        );
        for (remote_ref, local) in case.expect {
            assert_eq!(
                p.remote_ref(remote_ref),
                local.map(|l| p.sha(l)),
                "{}: {remote_ref}",
                case.name
            );
        }
    }
    // Nothing to push: git still runs the hook, which says 0 commits.
    let p = Pushing::new();
    p.install_hook();
    let push = p.git_push(&["origin", "main"]);
    push.expect_code(0);
    assert!(
        push.stderr.contains("blastwall pre-push: 0 commits"),
        "{}",
        push.stderr
    );
}
