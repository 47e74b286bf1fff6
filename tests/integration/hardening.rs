//! Failures found by trying blastwall as an attacker and a careless user
//! would (issue 10), each fixed at its root and pinned here with real git:
//! no false all-clear, no crash, no raw control characters.

use crate::common::*;
use std::process::{Command, Stdio};

const ZERO: &str = "0000000000000000000000000000000000000000";

fn path_str(p: &std::path::Path) -> String {
    p.display().to_string()
}

fn repo_with_commit() -> TestRepo {
    let r = TestRepo::new();
    r.write("README.md", "hello\n");
    r.commit_all("init");
    r
}

/// Raw control characters (other than newline and tab) in output.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| (c.is_control() && *c != '\n' && *c != '\t') || *c == '\u{202e}')
        .collect()
}

// ------------------------------------------------------------- git dir

/// A token in a remote URL lives in `.git/config`, which `git remote -v`
/// shows any agent: pre-commit blocks, scan and audit find it.
#[test]
fn token_in_a_remote_url_is_in_reach() {
    let r = repo_with_commit();
    r.git(&[
        "remote",
        "add",
        "origin",
        &format!("https://x-access-token:{GHP}@github.com/o/r.git"),
    ]);
    r.write("notes.txt", "clean change\n");
    r.git(&["add", "notes.txt"]);
    let hook = r.run(&["pre-commit", "--format", "json"]);
    hook.expect_code(1);
    assert_eq!(
        hook.json()["findings"][0]["path"],
        ".git/config",
        "{}",
        hook.stdout
    );
    assert!(!hook.all().contains(GHP));

    let scan = r.run(&["scan", ".", "--format", "json"]);
    scan.expect_code(1);
    assert!(scan.stdout.contains("\".git/config\""), "{}", scan.stdout);

    let audit = r.run(&["audit", "--no-home", "--no-env", "--format", "json"]);
    audit.expect_code(0);
    assert!(audit.stdout.contains("\".git/config\""), "{}", audit.stdout);
}

/// Other credential-bearing files of the git dir: an extra header in the
/// config, a credential store kept there, and objects never read.
#[test]
fn git_dir_credential_files_are_checked_but_objects_are_not() {
    let r = repo_with_commit();
    r.git(&[
        "config",
        "http.https://github.com/.extraHeader",
        &format!("Authorization: Bearer {GHP}"),
    ]);
    let store = format!(
        "https://bot:{}@gitlab.example.com\n",
        "glpat-Xq7Zr2Wm9Kt4Lp8Vn3Bc"
    );
    std::fs::write(r.path().join(".git/credentials"), &store).unwrap();
    let j = r.run(&["scan", ".", "--format", "json"]).json();
    let paths: Vec<&str> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&".git/config"), "{paths:?}");
    assert!(paths.contains(&".git/credentials"), "{paths:?}");
    let skipped = j["summary"]["skipped_files"].to_string();
    assert!(
        !skipped.contains("objects/"),
        "objects are not even listed: {skipped}"
    );
}

// -------------------------------------------------------- scan FILE and config

/// `scan FILE` with a bare relative name finds the repository's config: a
/// custom rule applies, and a broken config is an error, not a pass.
#[test]
fn scan_of_a_bare_file_name_honours_the_repository_config() {
    let r = repo_with_commit();
    r.write(
        ".blastwall.toml",
        "[policy]\nblock = \"low\"\n[[rule]]\nid = \"acme-key\"\nprovider = \"Acme\"\ndescription = \"Acme key\"\nkeywords = [\"acme_\"]\nregex = '''\\b(acme_[a-z0-9]{20})\\b'''\ntier = \"low\"\nwhy = \"w\"\nfix = \"f\"\nexamples = [\"acme_q8w7e6r5t4y3u2i1o9p0\"]\n",
    );
    r.write("keys.txt", "k = acme_q8w7e6r5t4y3u2i1o9p0\n");
    let run = r.run(&["scan", "keys.txt", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(run.json()["findings"][0]["rule"], "acme-key");
    r.write(".blastwall.toml", "[policy]\nblok = 1\n");
    let broken = r.run(&["scan", "keys.txt"]);
    broken.expect_code(2);
    assert!(
        broken.stderr.contains(".blastwall.toml:2:1"),
        "{}",
        broken.stderr
    );
}

/// Invalid UTF-8 in the config is located (line and column), exit 2.
#[test]
fn invalid_utf8_config_is_located() {
    let r = repo_with_commit();
    std::fs::write(
        r.path().join(".blastwall.toml"),
        b"[policy]\nblock = \"h\xffgh\"\n",
    )
    .unwrap();
    let run = r.run(&["scan", "."]);
    run.expect_code(2);
    assert!(
        run.stderr.contains(".blastwall.toml:2:11"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains('\u{fffd}') && run.stderr.lines().count() == 1,
        "{}",
        run.stderr
    );
}

/// Outside a repository the hooks say so in one sentence, no debug dump.
#[test]
fn not_a_repository_is_one_sentence() {
    let t = Tree::new();
    let run = t.run(&["pre-commit"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("is not inside a git repository"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("{") && !run.stderr.contains("NoGitRepository"),
        "{}",
        run.stderr
    );
}

// ------------------------------------------------------------- pushes

struct Remote {
    local: TestRepo,
    bare: TestRepo,
}

fn remote_setup() -> Remote {
    let bare = TestRepo::bare();
    let local = TestRepo::published_only();
    local.git(&["remote", "add", "origin", &path_str(bare.path())]);
    local.write("README.md", "hello\n");
    local.commit_all("init");
    local.git(&["push", "-q", "origin", "main"]);
    local.run(&["install", "--pre-push"]).expect_code(0);
    Remote { local, bare }
}

/// A tag pointing at a blob or a tree publishes that content whole.
#[test]
fn tags_on_blobs_and_trees_are_scanned() {
    let s = remote_setup();
    let blob = {
        let mut c = s.local.git_cmd(&["hash-object", "-w", "--stdin"]);
        c.stdin(Stdio::piped()).stdout(Stdio::piped());
        let mut child = c.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("token = {GHP}\n").as_bytes())
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string()
    };
    s.local.git(&["tag", "blobtag", &blob]);
    let push = s.local.git_run(&["push", "origin", "blobtag"]);
    assert_ne!(
        push.code,
        0,
        "a blob tag with a token was pushed:\n{}",
        push.all()
    );
    assert!(
        push.stderr.contains("github-classic-pat"),
        "{}",
        push.stderr
    );

    s.local.write("deep/dir/secret.env", format!("T={GHP}\n"));
    s.local.git(&["add", "deep"]);
    let tree = s.local.git(&["write-tree"]);
    s.local.git(&["reset", "-q"]);
    s.local.git(&["tag", "treetag", &tree]);
    let push = s.local.git_run(&["push", "origin", "treetag"]);
    assert_ne!(
        push.code,
        0,
        "a tree tag with a token was pushed:\n{}",
        push.all()
    );
    assert!(
        push.stderr.contains("treetag:deep/dir/secret.env"),
        "{}",
        push.stderr
    );
}

/// Commit messages and annotated-tag messages are published: scanned.
#[test]
fn commit_and_tag_messages_are_scanned() {
    let s = remote_setup();
    s.local.write("a.txt", "clean\n");
    s.local.git(&["add", "a.txt"]);
    s.local.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        &format!("debug with {GHP}"),
    ]);
    let push = s.local.git_run(&["push", "origin", "main"]);
    assert_ne!(push.code, 0, "{}", push.all());
    assert!(push.stderr.contains("(commit message)"), "{}", push.stderr);
    s.local.git(&["reset", "-q", "--hard", "HEAD~1"]);
    s.local
        .git(&["tag", "-a", "v1", "-m", &format!("release token {GHP}")]);
    let tag = s.local.git_run(&["push", "origin", "v1"]);
    assert_ne!(tag.code, 0, "{}", tag.all());
    assert!(tag.stderr.contains("(message of tag v1)"), "{}", tag.stderr);
    assert!(!tag.all().contains(GHP));
}

/// `git push URL` (not a remote name) is scanned as a push to a new
/// remote: never an exit 2, never a debug dump.
#[test]
fn pushes_to_urls_are_scanned_as_to_a_new_remote() {
    let s = remote_setup();
    s.local.write("leak.txt", format!("{GHP}\n"));
    s.local.git(&["add", "leak.txt"]);
    s.local.git(&["commit", "-q", "--no-verify", "-m", "leak"]);
    let head = s.local.git(&["rev-parse", "HEAD"]);
    for url in [
        path_str(s.bare.path()),
        format!("file://{}", path_str(s.bare.path())),
        "https://example.invalid/o/r.git".to_string(),
        "git@example.invalid:o/r.git".to_string(),
        "../x.git".to_string(),
    ] {
        let input = format!("refs/heads/main {head} refs/heads/main {ZERO}\n");
        let run = s
            .local
            .run_with(&["pre-push", &url, &url, "--format", "json"], &[], &input);
        assert_eq!(run.code, 1, "push to {url}: {}", run.all());
        assert!(
            !run.stderr.contains("{ ") && !run.stderr.contains("Message"),
            "{}",
            run.stderr
        );
    }
}

// ---------------------------------------------------------------- engine

/// A SAS token with a multi-byte character in `se=`: no panic, anywhere.
#[test]
fn multibyte_sas_expiry_does_not_panic() {
    let r = repo_with_commit();
    r.write(".gitignore", "ignored.txt\n");
    r.write(
        "ignored.txt",
        "https://acct.blob.core.windows.net/c?sv=2022-11-02&se=2\u{e9}26-01-01T00:00:00Z&sp=rwdl&sig=Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTA%3D\n",
    );
    let run = r.run(&["scan", "."]);
    assert!(run.code == 0 || run.code == 1, "{}", run.all());
    r.write("n.txt", "x\n");
    r.git(&["add", "n.txt"]);
    let hook = r.run(&["pre-commit"]);
    assert!(hook.code == 0 || hook.code == 1, "{}", hook.all());
}

/// Allow markers count only as whole tokens near the secret.
#[test]
fn substring_markers_do_not_suppress() {
    let t = Tree::new();
    t.write(
        "a.txt",
        format!("url = https://eggignore.example/?t={GHP}\n"),
    );
    t.write("b.txt", format!("t = {GHP} # blastwall:allowlisting\n"));
    t.write("c.txt", format!("t = {GHP} # kingfisher:ignore-me-not\n"));
    let mut one_line = format!(
        "/* blastwall:allow */ var a=1;{}var t=\"{GHP}\";",
        " ".repeat(500)
    );
    one_line.push('\n');
    t.write("d.min.js", one_line);
    t.write("ok.txt", format!("t = {GHP} # blastwall:allow\n"));
    let j = t.run(&["scan", ".", "--format", "json"]).json();
    let mut paths: Vec<&str> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(paths, ["a.txt", "b.txt", "c.txt", "d.min.js"]);
}

/// UTF-16 text (PowerShell 5's `>`) is text: scanned, in files and blobs.
#[test]
fn utf16_files_are_scanned() {
    let r = repo_with_commit();
    let mut bytes = vec![0xFF, 0xFE];
    for u in format!("$env:GITHUB_TOKEN = \"{GHP}\"\r\n").encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    r.write("setup.ps1.out", &bytes);
    let scan = r.run(&["scan", ".", "--format", "json"]);
    scan.expect_code(1);
    assert_eq!(scan.json()["findings"][0]["line"], 1);
    r.git(&["add", "setup.ps1.out"]);
    r.run(&["pre-commit"]).expect_code(1);
}

/// A secret in a file name is found, and never printed whole, even in the
/// location of the file's other findings.
#[test]
fn secrets_in_file_names_are_found_and_redacted() {
    let t = Tree::new();
    t.write(&format!("backup-{GHP}.txt"), "aws = AKIAQ4TWH7NXKD5RV3ZC\n");
    for format in ["human", "json", "sarif"] {
        let run = t.run(&["scan", ".", "--format", format]);
        run.expect_code(1);
        assert!(!run.all().contains(GHP), "{format}: {}", run.all());
    }
    let j = t.run(&["scan", ".", "--format", "json"]).json();
    let rules: Vec<&str> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"github-classic-pat"), "{rules:?}");
}

// ----------------------------------------------------------------- reach

/// A credential store over the size limit is still read (streamed); any
/// other large file is named as skipped, in the summary and the JSON.
#[test]
fn large_credential_stores_are_read_and_other_skips_named() {
    let r = TestRepo::new();
    r.write(".gitignore", "prod.tfstate\nbig.log\n");
    r.write("README.md", "hello\n");
    r.commit_all("init");
    let mut state = "{\"resources\": [\n".to_string();
    while state.len() < 17 << 20 {
        state.push_str("  {\"type\": \"aws_instance\", \"name\": \"web\", \"values\": {\"ami\": \"ami-0abcdef\"}},\n");
    }
    state.push_str(&format!("  {{\"token\": \"{GHP}\"}}\n]}}\n"));
    r.write("prod.tfstate", &state);
    r.write("big.log", "x".repeat(17 << 20));
    r.write("n.txt", "x\n");
    r.git(&["add", "n.txt"]);
    let run = r.run(&["pre-commit", "--format", "json"]);
    run.expect_code(1);
    let j = run.json();
    assert_eq!(j["findings"][0]["path"], "prod.tfstate", "{}", run.stdout);
    let skipped = j["summary"]["reach"]["skipped_files"].to_string();
    assert!(
        skipped.contains("big.log") && skipped.contains("too_large"),
        "{skipped}"
    );
    let human = r.run(&["--color", "never", "pre-commit"]);
    assert!(
        human.stderr.contains("not scanned: big.log (too large"),
        "{}",
        human.stderr
    );
}

/// A symlink in the repository to a credential file outside it is read
/// through (the agent reading the link reads the file); nothing else
/// outside is walked.
#[test]
fn symlinks_to_credential_files_outside_are_reported() {
    let outside = Tree::new();
    outside.write(".aws/credentials", "[default]\naws_access_key_id = AKIAQ4TWH7NXKD5RV3ZC\naws_secret_access_key = 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\n");
    outside.write("other/notes.txt", format!("{GHP}\n"));
    let t = Tree::new();
    std::os::unix::fs::symlink(
        outside.path().join(".aws/credentials"),
        t.path().join("creds"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path().join("other"), t.path().join("other")).unwrap();
    let j = t.run(&["scan", ".", "--format", "json"]).json();
    let f = &j["findings"].as_array().unwrap();
    assert!(f.iter().all(|f| f["path"] == "creds"), "{j}");
    assert!(!f.is_empty(), "{j}");
    assert!(f[0]["note"].as_str().unwrap().contains("symlink"), "{j}");
}

/// The reach cache never trusts a file that could change again without its
/// stamp changing: one modified in the same clock tick as the walk that
/// recorded it (here: a time at or after the walk started). A file
/// rewritten with the same size and mtime is then read again. (The margin
/// for file systems with whole-second times is a unit test of the cache.)
#[test]
fn racy_files_are_read_again() {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};
    let r = TestRepo::new();
    r.write("README.md", "hello\n");
    r.commit_all("init");
    r.write("n.txt", "x\n");
    r.git(&["add", "n.txt"]);
    let secret = format!("GITHUB_TOKEN={GHP}\n");
    let clean = format!("PLAIN_VALUE={}\n", "x".repeat(secret.len() - 13));
    assert_eq!(clean.len(), secret.len());
    // A time at or after the walk's start, as a same-tick edit gets; one
    // in whole seconds too, as a FAT or HFS+ volume records it.
    let now = SystemTime::now();
    let whole_second =
        UNIX_EPOCH + Duration::from_secs(now.duration_since(UNIX_EPOCH).unwrap().as_secs() + 1);
    for (name, stamp) in [
        (".env", now + Duration::from_millis(500)),
        (".env.coarse", whole_second),
    ] {
        let path = r.write(name, &clean);
        let set = |t| {
            let f = std::fs::File::options().write(true).open(&path).unwrap();
            f.set_modified(t).unwrap();
        };
        set(stamp);
        r.run(&["pre-commit"]).expect_code(0);
        r.run(&["pre-commit"]).expect_code(0);
        // Rewritten in place: same size, same inode, same time.
        std::fs::write(&path, &secret).unwrap();
        set(stamp);
        let again = r.run(&["pre-commit", "--format", "json"]);
        again.expect_code(1);
        assert_eq!(
            again.json()["findings"][0]["path"],
            name,
            "{}",
            again.stdout
        );
        std::fs::remove_file(&path).unwrap();
    }
}

// ------------------------------------------------------- terminal injection

/// File names and config-supplied rule text never reach the terminal raw.
#[test]
fn control_characters_are_escaped_for_people() {
    let r = repo_with_commit();
    r.write(
        ".blastwall.toml",
        "[[rule]]\nid = \"evil\"\nprovider = \"Evil\\u001b]0;owned\\u0007\"\ndescription = \"d\\u001b[2J\"\nkeywords = [\"evil_\"]\nregex = '''\\b(evil_[a-z0-9]{20})\\b'''\ntier = \"high\"\nwhy = \"w\\r\\nfake line\"\nfix = \"f\\u009b\"\nexamples = [\"evil_q8w7e6r5t4y3u2i1o9p0\"]\n",
    );
    r.write(
        "we\u{1b}[31mird\nname.txt",
        format!("t = evil_q8w7e6r5t4y3u2i1o9p0 {GHP}\n"),
    );
    let run = r.run(&["--color", "never", "scan", "."]);
    run.expect_code(1);
    assert!(
        raw_controls(&run.all()).is_empty(),
        "{:?}",
        raw_controls(&run.all())
    );
    let list = r.run(&["rules", "list"]);
    assert!(raw_controls(&list.all()).is_empty());
    r.git(&["add", "-A"]);
    let hook = r.run(&["pre-commit"]);
    assert!(
        raw_controls(&hook.all()).is_empty(),
        "{:?}",
        raw_controls(&hook.all())
    );
}

// --------------------------------------------------------------- install

fn hooks_dir(r: &TestRepo) -> std::path::PathBuf {
    r.path().join(".git/hooks")
}

/// Husky (v9 layout): hooks in `.husky/_/` dispatch on `basename "$0"` and
/// source a helper beside themselves. After `blastwall install`, a failing
/// lint hook still blocks, and a passing one still runs.
#[test]
fn husky_hooks_still_run_under_their_own_name() {
    let r = repo_with_commit();
    let husky = r.path().join(".husky");
    let log = r.path().join(".git/husky.log");
    std::fs::create_dir_all(husky.join("_")).unwrap();
    std::fs::write(
        husky.join("_/h"),
        "#!/usr/bin/env sh\nn=$(basename \"$0\")\ns=$(dirname \"$(dirname \"$0\")\")/$n\n[ ! -f \"$s\" ] && exit 0\nsh -e \"$s\" \"$@\"\n",
    )
    .unwrap();
    std::fs::write(
        husky.join("_/pre-commit"),
        "#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"\n",
    )
    .unwrap();
    std::fs::write(
        husky.join("pre-commit"),
        format!("echo lint ran >> '{}'\nexit 3\n", log.display()),
    )
    .unwrap();
    for f in ["_/h", "_/pre-commit", "pre-commit"] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(husky.join(f), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    r.git(&["config", "core.hooksPath", ".husky/_"]);
    r.run(&["install", "--pre-commit"]).expect_code(0);
    r.write("a.txt", "clean\n");
    r.git(&["add", "a.txt"]);
    let failing = r.git_run(&["commit", "-q", "-m", "x"]);
    assert_ne!(
        failing.code,
        0,
        "the failing lint hook no longer blocks:\n{}",
        failing.all()
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "lint ran\n");
    std::fs::write(
        husky.join("pre-commit"),
        format!("echo lint ran >> '{}'\n", log.display()),
    )
    .unwrap();
    r.git_run(&["commit", "-q", "-m", "x"]).expect_code(0);
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "lint ran\nlint ran\n"
    );
}

/// A hook that is a symlink stays a symlink through install and uninstall.
#[test]
fn symlinked_hooks_survive_install_and_uninstall() {
    let r = repo_with_commit();
    r.write(
        "scripts/pre-commit",
        "#!/bin/sh\n# blastwall-managed-hook v1: pre-commit\nexit 0\n",
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        r.path().join("scripts/pre-commit"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let link = hooks_dir(&r).join("pre-commit");
    std::os::unix::fs::symlink("../../scripts/pre-commit", &link).unwrap();
    r.run(&["install", "--pre-commit"]).expect_code(0);
    let kept = hooks_dir(&r).join("blastwall-chained/pre-commit");
    assert!(
        kept.is_symlink() && kept.exists(),
        "the link is kept, still resolving"
    );
    r.run(&["uninstall", "--pre-commit"]).expect_code(0);
    assert!(link.is_symlink());
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        std::path::Path::new("../../scripts/pre-commit")
    );
    assert!(link.exists());
}

/// A managed hook edited by hand is not overwritten by a re-install.
#[test]
fn hand_edited_hooks_are_not_overwritten() {
    let r = repo_with_commit();
    r.run(&["install", "--pre-commit"]).expect_code(0);
    let hook = hooks_dir(&r).join("pre-commit");
    let mut text = std::fs::read_to_string(&hook).unwrap();
    text = text.replacen("hook_dir=", "echo my tweak\nhook_dir=", 1);
    std::fs::write(&hook, &text).unwrap();
    let again = r.run(&["install", "--pre-commit"]);
    again.expect_code(2);
    assert!(again.stderr.contains("edited by hand"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), text);
}

/// `uninstall --global` leaves no empty `[core]` section behind, and a
/// local uninstall refuses to touch user-wide hooks.
#[test]
fn global_hooks_are_removed_exactly_and_only_with_global() {
    let r = repo_with_commit();
    let home = Tree::new();
    let gitconfig = home.path().join(".gitconfig");
    std::fs::write(&gitconfig, "[user]\n\tname = Someone\n").unwrap();
    let run = |args: &[&str]| {
        let mut c = blastwall(r.path());
        c.args(args)
            .env("GIT_CONFIG_GLOBAL", &gitconfig)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join(".config"));
        Run::from_output(c.output().unwrap())
    };
    run(&["install", "--global"]).expect_code(0);
    let local = run(&["uninstall"]);
    local.expect_code(2);
    assert!(local.stderr.contains("--global"), "{}", local.stderr);
    run(&["uninstall", "--global"]).expect_code(0);
    assert_eq!(
        std::fs::read_to_string(&gitconfig).unwrap(),
        "[user]\n\tname = Someone\n"
    );

    // A user-wide hooks dir set up by hand, not by blastwall.
    let dir = home.path().join("myhooks");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        &gitconfig,
        format!("[core]\n\thooksPath = {}\n", dir.display()),
    )
    .unwrap();
    run(&["install"]).expect_code(0);
    let local = run(&["uninstall"]);
    local.expect_code(2);
    assert!(dir.join("pre-commit").exists());
}

/// No command ever exits outside 0, 1, 2 on these inputs (a panic is 101).
#[test]
fn odd_inputs_exit_0_1_or_2() {
    let t = Tree::new();
    t.write("a.bin", [0u8, 159, 146, 150, 0xff, 0xfe, 0x00]);
    t.write("b.txt", "\u{feff}\u{202e}token\n");
    for args in [
        &["scan", "."][..],
        &["audit", "--no-home", "--no-env"],
        &["rules", "list"],
        &["hash"],
    ] {
        let mut c = blastwall(t.path());
        c.args(args).stdin(Stdio::null());
        let out = c.output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        assert!((0..=2).contains(&code), "{args:?} exited {code}");
    }
    let _ = Command::new("true");
}
