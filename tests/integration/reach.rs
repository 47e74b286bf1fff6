//! Agent reach: a credential an AI agent can read blocks the hooks even when
//! it is git-ignored and never staged, which is the incident's case.

use crate::common::*;

/// A repository with a clean commit, blastwall's hooks installed, and a
/// git-ignored `.env`.
fn repo_with_env(env: &str) -> TestRepo {
    let r = TestRepo::new();
    r.write(".gitignore", ".env*\nnode_modules/\n");
    r.write("README.md", "hello\n");
    r.commit_all("init");
    r.run(&["install"]).expect_code(0);
    r.write(".env", env);
    r
}

fn stage_clean_change(r: &TestRepo, name: &str) {
    r.write(name, "an unrelated change\n");
    r.git(&["add", name]);
}

#[test]
fn ignored_env_with_an_account_token_blocks_commit_and_push_until_it_leaves() {
    let r = repo_with_env(&format!("RAILWAY_API_TOKEN={RAILWAY_UUID}\n"));
    let remote = TestRepo::bare();
    r.git(&[
        "remote",
        "add",
        "origin",
        &remote.path().display().to_string(),
    ]);
    stage_clean_change(&r, "notes.txt");
    let commit = r.git_run(&["commit", "-m", "notes"]);
    assert_ne!(commit.code, 0, "must be blocked:\n{}", commit.all());
    assert!(commit.stderr.contains(".env:1:19"), "{}", commit.stderr);
    assert!(
        commit.stderr.contains("railway-account-token"),
        "{}",
        commit.stderr
    );
    assert!(
        commit
            .stderr
            .contains("credentials an AI agent working here can read"),
        "{}",
        commit.stderr
    );
    assert!(
        commit.stderr.contains("volumeDelete"),
        "why is shown: {}",
        commit.stderr
    );
    assert!(!commit.all().contains(RAILWAY_UUID), "secret printed");
    // The push of already-committed clean history is blocked too.
    let push = r.git_run(&["push", "-q", "origin", "main"]);
    assert_ne!(push.code, 0, "{}", push.all());
    // Once the token leaves the working tree, both go through.
    std::fs::remove_file(r.path().join(".env")).unwrap();
    r.git(&["commit", "-q", "-m", "notes"]);
    r.git(&["push", "-q", "origin", "main"]);
}

#[test]
fn accepting_with_a_reason_lets_it_through_but_keeps_it_visible() {
    let r = repo_with_env(&format!("RAILWAY_API_TOKEN={RAILWAY_UUID}\n"));
    stage_clean_change(&r, "notes.txt");
    let run = r.run(&["pre-commit", "--format", "json"]);
    run.expect_code(1);
    let j = run.json();
    let f = &j["findings"][0];
    assert_eq!(f["origin"], "worktree");
    assert_eq!(f["tier"], "critical");
    assert_eq!(j["summary"]["reach"]["blocking"], 1);
    let id = f["fingerprint"].as_str().unwrap().to_string();
    // A reason is required; an unknown id is an error.
    r.run(&["accept", &id, "--reason", "  "]).expect_code(2);
    r.run(&["accept", "0000000000000000", "--reason", "x"])
        .expect_code(2);
    let acc = r.run(&[
        "accept",
        &id,
        "--reason",
        "staging sandbox token, rotated weekly",
    ]);
    acc.expect_code(0);
    let baseline = std::fs::read_to_string(r.path().join(".blastwall-baseline.json")).unwrap();
    assert!(baseline.contains("staging sandbox token, rotated weekly"));
    assert!(!baseline.contains(RAILWAY_UUID));
    let commit = r.git_run(&["commit", "-m", "notes"]);
    assert_eq!(commit.code, 0, "{}", commit.all());
    assert!(
        commit
            .stderr
            .contains("1 accepted critical credential(s) are still in reach"),
        "{}",
        commit.stderr
    );
}

#[test]
fn a_project_token_warns_and_a_production_file_raises_it() {
    let r = repo_with_env(&format!("RAILWAY_TOKEN={RAILWAY_UUID}\n"));
    stage_clean_change(&r, "a.txt");
    let run = r.run(&["pre-commit"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("railway-project-token"),
        "warned: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("0 blocking, 1 warning"),
        "{}",
        run.stderr
    );
    // The same token in .env.production ranks a tier up: critical, blocks.
    std::fs::rename(r.path().join(".env"), r.path().join(".env.production")).unwrap();
    let run = r.run(&["pre-commit", "--format", "json"]);
    run.expect_code(1);
    let f = &run.json()["findings"][0];
    assert_eq!(f["tier"], "critical");
    assert!(f["note"].as_str().unwrap().contains("production"), "{f}");
    // And in .env.test it stays a warning.
    std::fs::rename(r.path().join(".env.production"), r.path().join(".env.test")).unwrap();
    r.run(&["pre-commit"]).expect_code(0);
}

#[test]
fn agent_ignore_files_are_advisory_only() {
    let r = repo_with_env(&format!("RAILWAY_API_TOKEN={RAILWAY_UUID}\n"));
    r.write(".cursorignore", ".env\n");
    r.write(".aiexclude", ".env\n");
    stage_clean_change(&r, "a.txt");
    let run = r.run(&["pre-commit"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("advisory only: .cursorignore, .aiexclude"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_sandbox_deny_mitigates_but_is_still_shown() {
    let r = repo_with_env(&format!("RAILWAY_API_TOKEN={RAILWAY_UUID}\n"));
    r.write(
        ".claude/settings.json",
        r#"{"sandbox": {"enabled": true, "filesystem": {"denyRead": ["./.env"]}}}"#,
    );
    stage_clean_change(&r, "a.txt");
    let run = r.run(&["pre-commit"]);
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("mitigated: .claude/settings.json sandbox.filesystem.denyRead"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("0 blocking, 1 warning"),
        "{}",
        run.stderr
    );
}

#[test]
fn reach_policy_is_configurable() {
    let r = repo_with_env(&format!("RAILWAY_TOKEN={RAILWAY_UUID}\n"));
    stage_clean_change(&r, "a.txt");
    r.write(".blastwall.toml", "[reach]\nblock = \"high\"\n");
    r.run(&["pre-commit"]).expect_code(1);
    r.write(".blastwall.toml", "[reach]\nenabled = false\n");
    let run = r.run(&["pre-commit"]);
    run.expect_code(0);
    assert!(!run.stderr.contains("in reach"), "{}", run.stderr);
    r.write(".blastwall.toml", "[reach]\nblock = \"severe\"\n");
    r.run(&["pre-commit"]).expect_code(2);
}

#[test]
fn dependency_folders_are_skipped_but_credential_files_in_them_are_not() {
    let r = repo_with_env("EMPTY=1\n");
    r.write(
        "node_modules/pkg/index.js",
        format!("const t = 'RAILWAY_API_TOKEN={RAILWAY_UUID}';\n"),
    );
    stage_clean_change(&r, "a.txt");
    r.run(&["pre-commit"]).expect_code(0);
    // A file named like a credential store is checked even in a skipped folder.
    r.write(
        "deploy/target/prod.env",
        format!("RAILWAY_API_TOKEN={RAILWAY_UUID}\n"),
    );
    let blocked = r.run(&["pre-commit", "--format", "json"]);
    blocked.expect_code(1);
    assert_eq!(
        blocked.json()["findings"][0]["path"],
        "deploy/target/prod.env",
        "{}",
        blocked.stdout
    );
}

/// Sets the modification time of everything in the working tree (the git
/// directory's files included) ten seconds back: files that have sat there a
/// while, as the cache only trusts what is safely older than the walk that
/// saw it.
fn age(r: &TestRepo) {
    fn walk(p: &std::path::Path, when: std::time::SystemTime) {
        for entry in std::fs::read_dir(p).unwrap() {
            let entry = entry.unwrap();
            let ft = entry.file_type().unwrap();
            if ft.is_symlink() {
                continue;
            }
            if ft.is_dir() {
                walk(&entry.path(), when);
            }
            set_mtime(&entry.path(), when);
        }
    }
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(10);
    walk(r.path(), when);
    set_mtime(r.path(), when);
}

fn set_mtime(p: &std::path::Path, when: std::time::SystemTime) {
    std::fs::File::open(p).unwrap().set_modified(when).unwrap();
}

fn reach_summary(run: &Run) -> serde_json::Value {
    run.json()["summary"]["reach"].clone()
}

/// The second run reads only what changed; a cached clean file that gains a
/// secret is read again.
#[test]
fn the_stat_cache_skips_unchanged_files_and_notices_changes() {
    let r = repo_with_env("EMPTY=1\n");
    for i in 0..30 {
        r.write(&format!("src/f{i}.txt"), format!("file {i}\n"));
    }
    stage_clean_change(&r, "a.txt");
    age(&r);
    let first = r.run(&["pre-commit", "--format", "json"]);
    first.expect_code(0);
    let second = r.run(&["pre-commit", "--format", "json"]);
    second.expect_code(0);
    let cached = reach_summary(&second)["cached"].as_u64().unwrap();
    assert!(
        cached >= 30,
        "second run should reuse the cache: {}",
        second.stdout
    );
    let cache_file = r.path().join(".git/blastwall/reach-cache");
    let cache = std::fs::read_to_string(&cache_file).unwrap();
    assert!(!cache.contains(RAILWAY_UUID));
    // A run that learns nothing leaves the cache as it was.
    r.run(&["pre-commit"]).expect_code(0);
    assert_eq!(std::fs::read_to_string(&cache_file).unwrap(), cache);
    // Same size, new content: the mtime (and content) change is noticed.
    r.write("src/f3.txt", format!("RAILWAY_API_TOKEN={RAILWAY_UUID}\n"));
    r.run(&["pre-commit"]).expect_code(1);
}

/// Directory listings are reused while a directory's stamp is unchanged:
/// every way of adding, deleting, renaming or replacing entries between
/// runs is still noticed, in walked and in skipped folders.
#[test]
fn the_listing_cache_notices_added_deleted_renamed_and_replaced_files() {
    let r = repo_with_env("EMPTY=1\n");
    r.write("src/lib/a.txt", "clean\n");
    r.write("src/lib/b.txt", "clean too\n");
    r.write("node_modules/pkg/index.js", "module.exports = 1\n");
    stage_clean_change(&r, "notes.txt");
    let secret = format!("RAILWAY_API_TOKEN={RAILWAY_UUID}\n");
    let warm = |r: &TestRepo| {
        age(r);
        r.run(&["pre-commit"]).expect_code(0);
        let again = r.run(&["pre-commit", "--format", "json"]);
        again.expect_code(0);
        assert!(
            reach_summary(&again)["cached"].as_u64().unwrap() >= 3,
            "{}",
            again.stdout
        );
    };
    let blocked_at = |r: &TestRepo, path: &str| {
        let run = r.run(&["pre-commit", "--format", "json"]);
        run.expect_code(1);
        assert_eq!(run.json()["findings"][0]["path"], path, "{}", run.stdout);
    };

    // Added to a cached directory.
    warm(&r);
    r.write("src/lib/new.txt", &secret);
    blocked_at(&r, "src/lib/new.txt");
    // Deleted again.
    std::fs::remove_file(r.path().join("src/lib/new.txt")).unwrap();
    r.run(&["pre-commit"]).expect_code(0);

    // A new directory deep under a cached one.
    warm(&r);
    r.write("src/lib/deep/er/creds.txt", &secret);
    blocked_at(&r, "src/lib/deep/er/creds.txt");
    std::fs::remove_dir_all(r.path().join("src/lib/deep")).unwrap();
    r.run(&["pre-commit"]).expect_code(0);

    // Renamed: the file under its new name is judged by its new name.
    warm(&r);
    std::fs::rename(
        r.path().join("src/lib/b.txt"),
        r.path().join("src/lib/c.env"),
    )
    .unwrap();
    r.run(&["pre-commit"]).expect_code(0);

    // Replaced by an editor's atomic save: same size, same mtime, another
    // inode (the directory's time put back too, so only the file's inode
    // tells).
    r.write(
        "src/lib/a.txt",
        format!("{}\n", "x".repeat(secret.len() - 1)),
    );
    warm(&r);
    let a = r.path().join("src/lib/a.txt");
    let lib = r.path().join("src/lib");
    let (file_time, dir_time) = (
        std::fs::metadata(&a).unwrap().modified().unwrap(),
        std::fs::metadata(&lib).unwrap().modified().unwrap(),
    );
    let tmp = r.path().join("src/lib/.a.txt.swp");
    std::fs::write(&tmp, &secret).unwrap();
    set_mtime(&tmp, file_time);
    std::fs::rename(&tmp, &a).unwrap();
    set_mtime(&lib, dir_time);
    assert_eq!(std::fs::metadata(&a).unwrap().len() as usize, secret.len());
    blocked_at(&r, "src/lib/a.txt");
    r.write("src/lib/a.txt", "clean\n");
    r.run(&["pre-commit"]).expect_code(0);

    // A directory deleted and made again under the same name.
    warm(&r);
    std::fs::remove_dir_all(r.path().join("src/lib")).unwrap();
    r.write("src/lib/a.txt", &secret);
    blocked_at(&r, "src/lib/a.txt");
    std::fs::remove_dir_all(r.path().join("src/lib")).unwrap();
    r.run(&["pre-commit"]).expect_code(0);

    // A credential file dropped into a skipped folder the cache listed.
    warm(&r);
    r.write("node_modules/pkg/.env", &secret);
    blocked_at(&r, "node_modules/pkg/.env");
    std::fs::remove_file(r.path().join("node_modules/pkg/.env")).unwrap();
    r.run(&["pre-commit"]).expect_code(0);

    // A file that becomes a directory, and a directory that becomes a file.
    warm(&r);
    std::fs::remove_file(r.path().join("node_modules/pkg/index.js")).unwrap();
    r.write("node_modules/pkg/index.js/.env", &secret);
    blocked_at(&r, "node_modules/pkg/index.js/.env");
}
