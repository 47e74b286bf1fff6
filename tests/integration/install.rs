//! `blastwall install` / `blastwall uninstall` with real git: hooks land
//! where git runs them (`git rev-parse --git-path hooks`, `core.hooksPath`,
//! linked worktrees, a global hooks path), real `git commit` and `git push`
//! are stopped by them, existing hooks are chained rather than clobbered, and
//! uninstall puts back exactly what was there.

use crate::common::*;
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

// ---------------------------------------------------------------- helpers

/// What a hooks directory holds: name -> (content or link target, mode bits).
type Snapshot = BTreeMap<String, (Vec<u8>, u32)>;

fn snapshot(dir: &Path) -> Snapshot {
    let mut out = Snapshot::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let e = e.unwrap();
        let p = e.path();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        let content = if meta.file_type().is_symlink() {
            let t = std::fs::read_link(&p).unwrap();
            format!("symlink -> {}", t.display()).into_bytes()
        } else if meta.is_dir() {
            b"<dir>".to_vec()
        } else {
            std::fs::read(&p).unwrap()
        };
        out.insert(
            e.file_name().to_string_lossy().into_owned(),
            (content, meta.permissions().mode() & 0o7777),
        );
    }
    out
}

fn names(s: &Snapshot) -> Vec<&str> {
    s.keys().map(String::as_str).collect()
}

/// Writes an executable (or not) file, creating parent directories.
fn write_script(path: &Path, content: &str, mode: u32) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn mode_of(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The hooks directory git uses for `r`, absolute.
fn git_hooks_dir(r: &TestRepo) -> PathBuf {
    let p = PathBuf::from(r.git(&["rev-parse", "--git-path", "hooks"]));
    if p.is_absolute() { p } else { r.path().join(p) }
}

fn head(r: &TestRepo) -> String {
    r.git(&["rev-parse", "HEAD"])
}

/// A repository with one clean commit (made without hooks).
fn repo_with_commit() -> TestRepo {
    let r = TestRepo::new();
    r.write("README.md", "hello\n");
    r.commit_all("init");
    r
}

/// Stages a file holding a critical GitHub token.
fn stage_secret(r: &TestRepo, file: &str) {
    r.write(file, format!("GITHUB_TOKEN={GHP}\n"));
    r.git(&["add", file]);
}

/// Stages a harmless file.
fn stage_clean(r: &TestRepo, file: &str) {
    r.write(file, "nothing secret here\n");
    r.git(&["add", file]);
}

/// A bare repository added to `r` as `origin`.
fn add_remote(r: &TestRepo) -> TestRepo {
    let bare = TestRepo::bare();
    r.git(&["remote", "add", "origin", bare.path().to_str().unwrap()]);
    bare
}

/// The commit a ref of a (bare) repository points to, if any.
fn ref_of(r: &TestRepo, refname: &str) -> Option<String> {
    let run = r.git_run(&["rev-parse", "--verify", "-q", refname]);
    (run.code == 0).then(|| run.stdout.trim().to_string())
}

/// A shell hook that appends `word` to `log` and exits with `code`.
fn logging_hook(log: &Path, word: &str, code: i32) -> String {
    format!(
        "#!/bin/sh\necho {word} >> '{}'\nexit {code}\n",
        log.display()
    )
}

/// A stand-in for the blastwall binary (used through `BLASTWALL`) that logs
/// its run, saves its stdin to `stdin_copy`, and hands over to the real one.
fn logging_blastwall(dir: &Path, log: &Path, stdin_copy: &Path) -> PathBuf {
    let p = dir.join("bw-wrapper");
    write_script(
        &p,
        &format!(
            "#!/bin/sh\necho blastwall >> '{log}'\ntee '{copy}' | '{real}' \"$@\"\n",
            log = log.display(),
            copy = stdin_copy.display(),
            real = binary()
        ),
        0o755,
    );
    p
}

/// A PATH with every directory holding a `blastwall` removed.
fn path_without_blastwall() -> String {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|d| !d.join("blastwall").exists())
        .collect();
    std::env::join_paths(dirs)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// A user-wide git environment in temp dirs: a real global config file,
/// HOME and XDG_CONFIG_HOME (overriding the hermetic `/dev/null` config).
struct GlobalEnv {
    tree: Tree,
    xdg: bool,
}

impl GlobalEnv {
    fn new() -> GlobalEnv {
        let tree = Tree::new();
        tree.write("gitconfig", "");
        std::fs::create_dir_all(tree.path().join("home")).unwrap();
        std::fs::create_dir_all(tree.path().join("xdg")).unwrap();
        GlobalEnv { tree, xdg: true }
    }

    /// The same, without XDG_CONFIG_HOME.
    fn without_xdg() -> GlobalEnv {
        GlobalEnv {
            xdg: false,
            ..GlobalEnv::new()
        }
    }

    fn config(&self) -> PathBuf {
        self.tree.path().join("gitconfig")
    }

    fn home(&self) -> PathBuf {
        self.tree.path().join("home")
    }

    fn xdg(&self) -> PathBuf {
        self.tree.path().join("xdg")
    }

    fn apply(&self, c: &mut Command) {
        c.env("GIT_CONFIG_GLOBAL", self.config())
            .env("HOME", self.home());
        if self.xdg {
            c.env("XDG_CONFIG_HOME", self.xdg());
        } else {
            c.env_remove("XDG_CONFIG_HOME");
        }
    }

    /// `blastwall args...` in `dir` with this environment.
    fn blastwall(&self, dir: &Path, args: &[&str]) -> Run {
        let mut c = blastwall(dir);
        c.args(args);
        self.apply(&mut c);
        Run::from_output(c.output().unwrap())
    }

    /// `git args...` in `r` with this environment.
    fn git(&self, r: &TestRepo, args: &[&str]) -> Run {
        let mut c = r.git_cmd(args);
        self.apply(&mut c);
        Run::from_output(c.output().unwrap())
    }

    /// The global `core.hooksPath`, if set.
    fn hooks_path(&self) -> Option<String> {
        let mut c = Command::new("git");
        c.args(["config", "--global", "--get", "core.hooksPath"])
            .current_dir(self.tree.path());
        hermetic(&mut c, self.tree.path());
        self.apply(&mut c);
        let run = Run::from_output(c.output().unwrap());
        (run.code == 0).then(|| run.stdout.trim_end().to_string())
    }

    fn set_hooks_path(&self, value: &str) {
        let mut c = Command::new("git");
        c.args(["config", "--global", "core.hooksPath", value])
            .current_dir(self.tree.path());
        hermetic(&mut c, self.tree.path());
        self.apply(&mut c);
        Run::from_output(c.output().unwrap()).expect_code(0);
    }
}

// ------------------------------------------------------- local: commit, push

/// The core promise: after `blastwall install`, a real `git commit` of a
/// staged secret fails and records nothing, while a clean commit goes through.
#[test]
fn install_writes_into_git_hooks_dir_and_blocks_a_real_commit() {
    let r = repo_with_commit();
    let run = r.run(&["install"]);
    run.expect_code(0);
    let dir = git_hooks_dir(&r);
    for hook in ["pre-commit", "pre-push"] {
        let p = dir.join(hook);
        assert!(p.is_file(), "{} missing", p.display());
        assert!(mode_of(&p) & 0o111 != 0, "{} not executable", p.display());
        assert!(read(&p).contains("blastwall-managed-hook v1"));
        assert!(read(&p).contains(binary()), "hook does not name the binary");
    }

    let before = head(&r);
    stage_secret(&r, "deploy.env");
    let commit = r.git_run(&["commit", "-m", "add deploy env"]);
    assert_ne!(commit.code, 0, "commit must be blocked:\n{}", commit.all());
    assert!(
        commit.stderr.contains("github-classic-pat"),
        "{}",
        commit.stderr
    );
    assert!(!commit.all().contains(GHP), "secret printed");
    assert_eq!(head(&r), before, "HEAD moved");

    // Out of the index and out of the working tree: in reach it would block too.
    r.git(&["rm", "-q", "-f", "deploy.env"]);
    stage_clean(&r, "notes.txt");
    let commit = r.git_run(&["commit", "-q", "-m", "notes"]);
    commit.expect_code(0);
    assert_ne!(head(&r), before);
}

/// The pre-push hook stops a real `git push` to a remote on disk: the remote
/// ref does not move; clean pushes still go through.
#[test]
fn install_blocks_a_real_push_and_the_remote_ref_does_not_move() {
    let r = repo_with_commit();
    let bare = add_remote(&r);
    r.run(&["install"]).expect_code(0);

    let push = r.git_run(&["push", "-q", "origin", "main"]);
    push.expect_code(0);
    let clean = head(&r);
    assert_eq!(ref_of(&bare, "refs/heads/main").as_deref(), Some(&*clean));

    // A secret committed past the pre-commit hook is caught on push.
    r.write("deploy.env", format!("GITHUB_TOKEN={GHP}\n"));
    let leaky = r.commit_all("leak");
    let push = r.git_run(&["push", "origin", "main"]);
    assert_ne!(push.code, 0, "push must be blocked:\n{}", push.all());
    assert!(
        push.stderr.contains("github-classic-pat"),
        "{}",
        push.stderr
    );
    assert_eq!(
        ref_of(&bare, "refs/heads/main").as_deref(),
        Some(&*clean),
        "remote ref moved to {leaky}"
    );

    // A new branch carrying the secret is not created on the remote either.
    let push = r.git_run(&["push", "origin", "main:refs/heads/feature"]);
    assert_ne!(push.code, 0, "push must be blocked:\n{}", push.all());
    assert_eq!(ref_of(&bare, "refs/heads/feature"), None);

    // Once the secret is gone from history, the push goes through.
    r.git(&["reset", "-q", "--hard", &clean]);
    r.write("notes.txt", "clean\n");
    let next = r.commit_all("notes");
    r.git_run(&["push", "-q", "origin", "main"]).expect_code(0);
    assert_eq!(ref_of(&bare, "refs/heads/main").as_deref(), Some(&*next));
}

/// `--pre-commit` / `--pre-push` install only the hook asked for.
#[test]
fn install_single_hook_flags_install_only_that_hook() {
    let r = repo_with_commit();
    r.run(&["install", "--pre-commit"]).expect_code(0);
    let dir = git_hooks_dir(&r);
    assert!(dir.join("pre-commit").is_file());
    assert!(!dir.join("pre-push").exists());

    let r = repo_with_commit();
    r.run(&["install", "--pre-push"]).expect_code(0);
    let dir = git_hooks_dir(&r);
    assert!(!dir.join("pre-commit").exists());
    assert!(dir.join("pre-push").is_file());
}

/// Installing from a subdirectory of the work tree still targets the
/// repository's hooks dir, not a path relative to the subdirectory.
#[test]
fn install_from_a_subdirectory_targets_the_repository_hooks() {
    let r = repo_with_commit();
    std::fs::create_dir_all(r.path().join("src/deep")).unwrap();
    run_in(&r.path().join("src/deep"), &["install"]).expect_code(0);
    assert!(r.path().join(".git/hooks/pre-commit").is_file());
    assert!(!r.path().join("src/deep/.git").exists());
    let before = head(&r);
    stage_secret(&r, "a.env");
    assert_ne!(r.git_run(&["commit", "-m", "x"]).code, 0);
    assert_eq!(head(&r), before);
}

// ------------------------------------------------------- chaining existing hooks

/// An existing pre-commit hook is kept in `blastwall-chained/`, runs first,
/// and its side effects still happen.
#[test]
fn existing_pre_commit_hook_is_kept_and_runs_before_blastwall() {
    let r = repo_with_commit();
    let scratch = Tree::new();
    let log = scratch.path().join("log");
    let dir = git_hooks_dir(&r);
    let original = logging_hook(&log, "existing", 0);
    write_script(&dir.join("pre-commit"), &original, 0o755);

    let run = r.run(&["install", "--pre-commit"]);
    run.expect_code(0);
    let chained = dir.join("blastwall-chained/pre-commit");
    assert_eq!(read(&chained), original, "existing hook not kept verbatim");
    assert!(read(&dir.join("pre-commit")).contains("blastwall-managed-hook"));
    assert!(
        run.stdout.contains("kept as") && run.stdout.contains("blastwall-chained/pre-commit"),
        "install does not say it chained the hook:\n{}",
        run.stdout
    );

    // Order: the existing hook, then blastwall (seen through BLASTWALL).
    let wrapper = logging_blastwall(scratch.path(), &log, &scratch.path().join("stdin"));
    stage_clean(&r, "notes.txt");
    let mut c = r.git_cmd(&["commit", "-q", "-m", "clean"]);
    c.env("BLASTWALL", &wrapper);
    Run::from_output(c.output().unwrap()).expect_code(0);
    assert_eq!(read(&log), "existing\nblastwall\n");

    // With a secret: the existing hook still ran, and the commit is blocked.
    std::fs::remove_file(&log).unwrap();
    let before = head(&r);
    stage_secret(&r, "deploy.env");
    let commit = r.git_run(&["commit", "-m", "leak"]);
    assert_ne!(commit.code, 0, "{}", commit.all());
    assert_eq!(read(&log), "existing\n");
    assert_eq!(head(&r), before);
}

/// A failing existing hook keeps its veto: even a clean commit is blocked.
#[test]
fn failing_existing_pre_commit_hook_still_blocks_a_clean_commit() {
    let r = repo_with_commit();
    let scratch = Tree::new();
    let log = scratch.path().join("log");
    let dir = git_hooks_dir(&r);
    write_script(
        &dir.join("pre-commit"),
        &logging_hook(&log, "veto", 1),
        0o755,
    );
    r.run(&["install"]).expect_code(0);

    let before = head(&r);
    stage_clean(&r, "notes.txt");
    let commit = r.git_run(&["commit", "-m", "clean"]);
    assert_ne!(commit.code, 0, "existing hook's failure was ignored");
    assert_eq!(read(&log), "veto\n");
    assert_eq!(head(&r), before);
}

/// A failing existing pre-push hook still blocks a clean push.
#[test]
fn failing_existing_pre_push_hook_still_blocks_a_clean_push() {
    let r = repo_with_commit();
    let bare = add_remote(&r);
    let scratch = Tree::new();
    let log = scratch.path().join("log");
    let dir = git_hooks_dir(&r);
    write_script(&dir.join("pre-push"), &logging_hook(&log, "veto", 1), 0o755);
    r.run(&["install"]).expect_code(0);

    let push = r.git_run(&["push", "origin", "main"]);
    assert_ne!(push.code, 0, "existing hook's failure was ignored");
    assert_eq!(read(&log), "veto\n");
    assert_eq!(ref_of(&bare, "refs/heads/main"), None);
}

/// The chained pre-push hook gets the same stdin lines (and arguments) as
/// blastwall, exactly as git wrote them.
#[test]
fn chained_pre_push_hook_receives_the_same_stdin_as_blastwall() {
    let r = repo_with_commit();
    let bare = add_remote(&r);
    r.git(&["branch", "feature"]);
    r.git(&["push", "-q", "--no-verify", "origin", "main"]);
    let old_main = head(&r);
    r.write("notes.txt", "more\n");
    let new_main = r.commit_all("more");
    let feature = r.git(&["rev-parse", "feature"]);

    let scratch = Tree::new();
    let log = scratch.path().join("log");
    let chained_in = scratch.path().join("chained.stdin");
    let chained_args = scratch.path().join("chained.args");
    let bw_in = scratch.path().join("bw.stdin");
    let dir = git_hooks_dir(&r);
    write_script(
        &dir.join("pre-push"),
        &format!(
            "#!/bin/sh\necho existing >> '{log}'\necho \"$1 $2\" > '{args}'\ncat > '{input}'\n",
            log = log.display(),
            args = chained_args.display(),
            input = chained_in.display()
        ),
        0o755,
    );
    r.run(&["install"]).expect_code(0);

    let wrapper = logging_blastwall(scratch.path(), &log, &bw_in);
    let mut c = r.git_cmd(&["push", "-q", "origin", "main", "feature"]);
    c.env("BLASTWALL", &wrapper);
    Run::from_output(c.output().unwrap()).expect_code(0);

    assert_eq!(read(&log), "existing\nblastwall\n");
    let zero = "0".repeat(40);
    let mut expected = vec![
        format!("refs/heads/main {new_main} refs/heads/main {old_main}"),
        format!("refs/heads/feature {feature} refs/heads/feature {zero}"),
    ];
    expected.sort();
    let lines = |p: &Path| {
        let mut v: Vec<String> = read(p).lines().map(str::to_string).collect();
        v.sort();
        v
    };
    assert_eq!(lines(&chained_in), expected, "chained hook stdin");
    assert_eq!(
        read(&chained_in),
        read(&bw_in),
        "chained and blastwall differ"
    );
    assert_eq!(
        read(&chained_args).trim_end(),
        format!("origin {}", bare.path().display())
    );
    assert_eq!(
        ref_of(&bare, "refs/heads/main").as_deref(),
        Some(&*new_main)
    );
}

/// git runs pre-push with empty stdin when there is nothing to push; the
/// chained hook must get that empty stdin, not a blank line that a strict
/// `while read local_ref local_oid ...` loop would take for a malformed ref.
#[test]

fn chained_pre_push_hook_gets_empty_stdin_when_nothing_is_pushed() {
    let r = repo_with_commit();
    let _bare = add_remote(&r);
    r.git(&["push", "-q", "--no-verify", "origin", "main"]);
    let scratch = Tree::new();
    let input = scratch.path().join("stdin");
    let dir = git_hooks_dir(&r);
    write_script(
        &dir.join("pre-push"),
        &format!("#!/bin/sh\ncat > '{}'\n", input.display()),
        0o755,
    );
    // Without blastwall, git writes nothing to the hook.
    r.git_run(&["push", "-q", "origin", "main"]).expect_code(0);
    assert_eq!(std::fs::read(&input).unwrap(), b"", "git wrote something");

    r.run(&["install"]).expect_code(0);
    std::fs::remove_file(&input).unwrap();
    r.git_run(&["push", "-q", "origin", "main"]).expect_code(0);
    assert_eq!(
        String::from_utf8_lossy(&std::fs::read(&input).unwrap()),
        "",
        "the chained hook got different stdin than git wrote"
    );
}

/// An existing hook that is a symlink (husky-style) is chained, still runs,
/// and uninstall puts the very same symlink back.
#[test]
fn existing_symlinked_hook_is_chained_and_restored() {
    let r = repo_with_commit();
    let scratch = Tree::new();
    let log = scratch.path().join("log");
    let target = scratch.path().join("team-pre-commit");
    write_script(&target, &logging_hook(&log, "team", 0), 0o755);
    let dir = git_hooks_dir(&r);
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(&target, dir.join("pre-commit")).unwrap();
    let before = snapshot(&dir);

    r.run(&["install"]).expect_code(0);
    stage_clean(&r, "notes.txt");
    r.git_run(&["commit", "-q", "-m", "clean"]).expect_code(0);
    assert_eq!(read(&log), "team\n");

    r.run(&["uninstall"]).expect_code(0);
    assert_eq!(snapshot(&dir), before);
    assert_eq!(std::fs::read_link(dir.join("pre-commit")).unwrap(), target);
}

/// When both the hook and a `.blastwall-chained` file already exist, install
/// refuses (exit 2) and touches neither, instead of losing one of them.
#[test]
fn install_refuses_when_a_chained_hook_already_exists() {
    let r = repo_with_commit();
    let dir = git_hooks_dir(&r);
    write_script(&dir.join("pre-commit"), "#!/bin/sh\necho one\n", 0o755);
    write_script(
        &dir.join("pre-commit.blastwall-chained"),
        "#!/bin/sh\necho two\n",
        0o755,
    );
    let before = snapshot(&dir);
    let run = r.run(&["install", "--pre-commit"]);
    run.expect_code(2);
    assert!(run.stderr.contains("resolve by hand"), "{}", run.stderr);
    assert_eq!(snapshot(&dir), before);
}

// ------------------------------------------------------- idempotence, uninstall

/// Installing twice changes nothing: same files, same contents, no hook
/// chained to itself.
#[test]
fn second_install_changes_nothing_and_does_not_double_chain() {
    let r = repo_with_commit();
    let scratch = Tree::new();
    let log = scratch.path().join("log");
    let dir = git_hooks_dir(&r);
    let original = logging_hook(&log, "existing", 0);
    write_script(&dir.join("pre-commit"), &original, 0o755);

    r.run(&["install"]).expect_code(0);
    let once = snapshot(&dir);
    let run = r.run(&["install"]);
    run.expect_code(0);
    assert_eq!(snapshot(&dir), once, "second install changed the hooks dir");
    assert!(
        run.stdout.contains("already installed"),
        "second install does not say so:\n{}",
        run.stdout
    );
    assert!(!run.stdout.contains("kept as"), "{}", run.stdout);
    assert_eq!(read(&dir.join("blastwall-chained/pre-commit")), original);
    assert!(
        !names(&once)
            .iter()
            .any(|n| n.contains("blastwall-chained/blastwall-chained")),
        "{:?}",
        names(&once)
    );

    // The existing hook runs once per commit, not twice.
    stage_clean(&r, "notes.txt");
    r.git_run(&["commit", "-q", "-m", "clean"]).expect_code(0);
    assert_eq!(read(&log), "existing\n");
}

/// Uninstall with no prior hooks leaves the hooks dir exactly as before
/// install: no hook, no chained file, no temp file.
#[test]
fn uninstall_without_prior_hooks_leaves_no_files() {
    let r = repo_with_commit();
    let dir = git_hooks_dir(&r);
    let before = snapshot(&dir);
    r.run(&["install"]).expect_code(0);
    let run = r.run(&["uninstall"]);
    run.expect_code(0);
    assert_eq!(names(&snapshot(&dir)), names(&before));
    assert_eq!(snapshot(&dir), before);
    assert!(run.stdout.contains("removed"), "{}", run.stdout);

    // Unprotected again: a secret commits.
    stage_secret(&r, "deploy.env");
    r.git_run(&["commit", "-q", "-m", "leak"]).expect_code(0);
}

/// Uninstall restores the original hooks byte for byte, with their exact
/// mode (including a non-default executable mode and a non-executable hook).
#[test]
fn uninstall_restores_original_hooks_byte_identical_with_mode() {
    let r = repo_with_commit();
    let dir = git_hooks_dir(&r);
    // Odd bytes on purpose: no trailing newline, CRLF, non-UTF-8.
    let pre_commit: &[u8] = b"#!/bin/sh\r\n# team hook \xff\xfe\nexit 0";
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pre-commit"), pre_commit).unwrap();
    std::fs::set_permissions(
        dir.join("pre-commit"),
        std::fs::Permissions::from_mode(0o750),
    )
    .unwrap();
    write_script(&dir.join("pre-push"), "#!/bin/sh\nexit 0\n", 0o644);
    let before = snapshot(&dir);

    let run = r.run(&["install"]);
    run.expect_code(0);
    assert_eq!(
        std::fs::read(dir.join("blastwall-chained/pre-commit")).unwrap(),
        pre_commit
    );
    let run = r.run(&["uninstall"]);
    run.expect_code(0);
    assert!(run.stdout.contains("restored"), "{}", run.stdout);
    assert_eq!(snapshot(&dir), before);
    assert_eq!(mode_of(&dir.join("pre-commit")), 0o750);
    assert_eq!(mode_of(&dir.join("pre-push")), 0o644);
}

/// Uninstall never removes a hook that is not blastwall's.
#[test]
fn uninstall_leaves_a_foreign_hook_alone() {
    let r = repo_with_commit();
    let dir = git_hooks_dir(&r);
    write_script(&dir.join("pre-commit"), "#!/bin/sh\nexit 0\n", 0o755);
    let before = snapshot(&dir);
    let run = r.run(&["uninstall"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("not a blastwall hook"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("nothing to remove"), "{}", run.stdout);
    assert_eq!(snapshot(&dir), before);
}

// ------------------------------------------------------- core.hooksPath

/// A relative `core.hooksPath` is honoured: hooks land in it (also when
/// installing from a subdirectory) and git runs them.
#[test]
fn relative_core_hooks_path_gets_the_hooks_and_git_runs_them() {
    let r = repo_with_commit();
    r.git(&["config", "core.hooksPath", "myhooks"]);
    std::fs::create_dir_all(r.path().join("sub")).unwrap();
    let run = run_in(&r.path().join("sub"), &["install"]);
    run.expect_code(0);
    assert!(
        r.path().join("myhooks/pre-commit").is_file(),
        "{}",
        run.stdout
    );
    assert!(r.path().join("myhooks/pre-push").is_file());
    assert!(!r.path().join("sub/myhooks").exists(), "relative to cwd");
    assert!(!r.path().join(".git/hooks/pre-commit").exists());
    assert!(run.stdout.contains("myhooks"), "{}", run.stdout);

    let before = head(&r);
    stage_secret(&r, "deploy.env");
    assert_ne!(r.git_run(&["commit", "-m", "leak"]).code, 0);
    assert_eq!(head(&r), before);

    r.run(&["uninstall"]).expect_code(0);
    assert!(!r.path().join("myhooks/pre-commit").exists());
    assert!(!r.path().join("myhooks/pre-push").exists());
}

/// An absolute `core.hooksPath` is honoured and git runs the hooks there.
#[test]
fn absolute_core_hooks_path_gets_the_hooks_and_git_runs_them() {
    let r = repo_with_commit();
    let shared = Tree::new();
    let hooks = shared.path().join("team hooks");
    r.git(&["config", "core.hooksPath", hooks.to_str().unwrap()]);
    r.run(&["install"]).expect_code(0);
    assert!(hooks.join("pre-commit").is_file());
    assert!(hooks.join("pre-push").is_file());
    assert!(!r.path().join(".git/hooks/pre-commit").exists());

    let before = head(&r);
    stage_secret(&r, "deploy.env");
    let commit = r.git_run(&["commit", "-m", "leak"]);
    assert_ne!(commit.code, 0, "{}", commit.all());
    assert!(
        commit.stderr.contains("github-classic-pat"),
        "{}",
        commit.stderr
    );
    assert_eq!(head(&r), before);
}

// ------------------------------------------------------- linked worktrees

/// From a linked worktree, hooks go to the common hooks dir git uses for
/// every worktree, and a commit in the worktree is blocked.
#[test]
fn install_from_a_linked_worktree_protects_the_worktree() {
    let r = repo_with_commit();
    let wt_parent = Tree::new();
    let wt = wt_parent.path().join("wt");
    r.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "feature",
        wt.to_str().unwrap(),
    ]);
    let run = run_in(&wt, &["install"]);
    run.expect_code(0);

    let common = r.path().join(".git/hooks");
    assert!(common.join("pre-commit").is_file(), "{}", run.stdout);
    assert!(common.join("pre-push").is_file());
    assert!(
        !r.path().join(".git/worktrees/wt/hooks").exists(),
        "hooks written to the per-worktree dir git does not read"
    );

    let in_wt = |args: &[&str]| {
        let mut c = Command::new("git");
        c.args(args).current_dir(&wt);
        hermetic(&mut c, &wt);
        Run::from_output(c.output().unwrap())
    };
    let before = in_wt(&["rev-parse", "HEAD"]).stdout;
    std::fs::write(wt.join("deploy.env"), format!("GITHUB_TOKEN={GHP}\n")).unwrap();
    in_wt(&["add", "deploy.env"]).expect_code(0);
    let commit = in_wt(&["commit", "-m", "leak"]);
    assert_ne!(
        commit.code,
        0,
        "worktree commit not blocked:\n{}",
        commit.all()
    );
    assert!(
        commit.stderr.contains("github-classic-pat"),
        "{}",
        commit.stderr
    );
    assert_eq!(in_wt(&["rev-parse", "HEAD"]).stdout, before);

    // The main worktree shares the hooks.
    let main_before = head(&r);
    stage_secret(&r, "main.env");
    assert_ne!(r.git_run(&["commit", "-m", "leak"]).code, 0);
    assert_eq!(head(&r), main_before);
}

// ------------------------------------------------------- --global

/// `install --global` sets core.hooksPath to its own dir, protects a repo
/// with no local hooks, and `uninstall --global` undoes all of it.
#[test]
fn global_install_protects_repos_and_global_uninstall_undoes_it() {
    let g = GlobalEnv::new();
    let r = repo_with_commit();
    let run = g.blastwall(r.path(), &["install", "--global"]);
    run.expect_code(0);
    let dir = g.xdg().join("blastwall/hooks");
    assert_eq!(g.hooks_path().as_deref(), Some(dir.to_str().unwrap()));
    assert!(
        run.stdout.contains("core.hooksPath") && run.stdout.contains(dir.to_str().unwrap()),
        "install --global does not say what it set:\n{}",
        run.stdout
    );
    assert!(dir.join("pre-commit").is_file());
    assert!(dir.join("pre-push").is_file());
    assert!(!r.path().join(".git/hooks/pre-commit").exists());

    let before = head(&r);
    stage_secret(&r, "deploy.env");
    let commit = g.git(&r, &["commit", "-m", "leak"]);
    assert_ne!(
        commit.code,
        0,
        "global hook did not block:\n{}",
        commit.all()
    );
    assert_eq!(head(&r), before);
    // Out of the index and out of the working tree: in reach it would block too.
    r.git(&["rm", "-q", "-f", "deploy.env"]);
    stage_clean(&r, "notes.txt");
    g.git(&r, &["commit", "-q", "-m", "clean"]).expect_code(0);

    // Push is covered too.
    let bare = add_remote(&r);
    r.write("deploy.env", format!("GITHUB_TOKEN={GHP}\n"));
    r.commit_all("leak");
    assert_ne!(g.git(&r, &["push", "origin", "main"]).code, 0);
    assert_eq!(ref_of(&bare, "refs/heads/main"), None);

    let run = g.blastwall(r.path(), &["uninstall", "--global"]);
    run.expect_code(0);
    assert_eq!(g.hooks_path(), None, "core.hooksPath still set");
    assert_eq!(
        names(&snapshot(&dir)),
        Vec::<&str>::new(),
        "files left in the global hooks dir"
    );
    // Unprotected again.
    g.git(&r, &["push", "-q", "origin", "main"]).expect_code(0);
}

/// Without XDG_CONFIG_HOME the global hooks go under `$HOME/.config`.
#[test]
fn global_install_defaults_to_home_config_without_xdg() {
    let g = GlobalEnv::without_xdg();
    let r = repo_with_commit();
    g.blastwall(r.path(), &["install", "--global"])
        .expect_code(0);
    let dir = g.home().join(".config/blastwall/hooks");
    assert_eq!(g.hooks_path().as_deref(), Some(dir.to_str().unwrap()));
    assert!(dir.join("pre-commit").is_file());
}

/// `--global` needs no repository: it can be run from anywhere.
#[test]
fn global_install_works_outside_a_repository() {
    let g = GlobalEnv::new();
    let t = Tree::new();
    let mut c = blastwall(t.path());
    c.args(["install", "--global"])
        .env("GIT_CEILING_DIRECTORIES", t.path().parent().unwrap());
    g.apply(&mut c);
    Run::from_output(c.output().unwrap()).expect_code(0);
    assert!(g.xdg().join("blastwall/hooks/pre-commit").is_file());
    assert!(g.hooks_path().is_some());
}

/// Under a global hooks path, a repository's own `.git/hooks` hook still
/// runs (git alone would skip it) and its failure still blocks.
#[test]
fn global_install_still_runs_the_repositorys_own_hook() {
    let g = GlobalEnv::new();
    let r = repo_with_commit();
    let scratch = Tree::new();
    let log = scratch.path().join("log");
    let veto = scratch.path().join("veto");
    write_script(
        &r.path().join(".git/hooks/pre-commit"),
        &format!(
            "#!/bin/sh\necho own >> '{}'\n[ ! -e '{}' ]\n",
            log.display(),
            veto.display()
        ),
        0o755,
    );
    g.blastwall(r.path(), &["install", "--global"])
        .expect_code(0);
    assert!(
        !r.path()
            .join(".git/hooks/blastwall-chained/pre-commit")
            .exists(),
        "global install touched the repository's hooks"
    );

    stage_clean(&r, "notes.txt");
    g.git(&r, &["commit", "-q", "-m", "clean"]).expect_code(0);
    assert_eq!(read(&log), "own\n");

    let before = head(&r);
    stage_secret(&r, "deploy.env");
    assert_ne!(g.git(&r, &["commit", "-m", "leak"]).code, 0);
    assert_eq!(read(&log), "own\nown\n");
    assert_eq!(head(&r), before);

    // The repository's hook can still veto a clean commit.
    // Out of the index and out of the working tree: in reach it would block too.
    r.git(&["rm", "-q", "-f", "deploy.env"]);
    std::fs::write(&veto, "").unwrap();
    stage_clean(&r, "more.txt");
    assert_ne!(g.git(&r, &["commit", "-m", "clean"]).code, 0);
    assert_eq!(head(&r), before);
}

/// Under a global hooks path, the repository's own pre-push hook gets the
/// same stdin git wrote.
#[test]
fn global_install_feeds_the_repositorys_own_pre_push_hook() {
    let g = GlobalEnv::new();
    let r = repo_with_commit();
    let bare = add_remote(&r);
    let scratch = Tree::new();
    let input = scratch.path().join("stdin");
    write_script(
        &r.path().join(".git/hooks/pre-push"),
        &format!("#!/bin/sh\ncat > '{}'\n", input.display()),
        0o755,
    );
    g.blastwall(r.path(), &["install", "--global"])
        .expect_code(0);
    g.git(&r, &["push", "-q", "origin", "main"]).expect_code(0);
    let zero = "0".repeat(40);
    assert_eq!(
        read(&input),
        format!("refs/heads/main {} refs/heads/main {zero}\n", head(&r))
    );
    assert_eq!(ref_of(&bare, "refs/heads/main"), Some(head(&r)));
}

/// A global core.hooksPath that already exists is used as is, its hooks are
/// chained, and uninstall puts them back without unsetting the config.
#[test]
fn global_install_uses_an_existing_global_hooks_path_and_chains_its_hooks() {
    let g = GlobalEnv::new();
    let team = Tree::new();
    let dir = team.path().join("team-hooks");
    let scratch = Tree::new();
    let log = scratch.path().join("log");
    let original = logging_hook(&log, "team", 0);
    write_script(&dir.join("pre-commit"), &original, 0o700);
    g.set_hooks_path(dir.to_str().unwrap());
    let before = snapshot(&dir);

    let r = repo_with_commit();
    let run = g.blastwall(r.path(), &["install", "--global"]);
    run.expect_code(0);
    assert!(!run.stdout.contains("set git config"), "{}", run.stdout);
    assert_eq!(g.hooks_path().as_deref(), Some(dir.to_str().unwrap()));
    assert_eq!(read(&dir.join("blastwall-chained/pre-commit")), original);
    assert!(dir.join("pre-push").is_file());
    assert!(!g.xdg().join("blastwall").exists(), "default dir created");

    stage_clean(&r, "notes.txt");
    g.git(&r, &["commit", "-q", "-m", "clean"]).expect_code(0);
    assert_eq!(read(&log), "team\n");
    let head_before = head(&r);
    stage_secret(&r, "deploy.env");
    assert_ne!(g.git(&r, &["commit", "-m", "leak"]).code, 0);
    assert_eq!(read(&log), "team\nteam\n");
    assert_eq!(head(&r), head_before);

    g.blastwall(r.path(), &["uninstall", "--global"])
        .expect_code(0);
    assert_eq!(snapshot(&dir), before, "team hooks not restored exactly");
    assert_eq!(
        g.hooks_path().as_deref(),
        Some(dir.to_str().unwrap()),
        "uninstall removed a core.hooksPath it did not set"
    );
}

/// A global `core.hooksPath` written as `~/...` (which git expands) is
/// found under HOME, not created as a literal `~` directory.
#[test]
fn global_install_expands_a_tilde_hooks_path() {
    let g = GlobalEnv::new();
    g.set_hooks_path("~/githooks");
    let r = repo_with_commit();
    g.blastwall(r.path(), &["install", "--global"])
        .expect_code(0);
    assert!(g.home().join("githooks/pre-commit").is_file());
    assert!(!r.path().join("~").exists());
    assert_eq!(g.hooks_path().as_deref(), Some("~/githooks"));
    let before = head(&r);
    stage_secret(&r, "deploy.env");
    assert_ne!(g.git(&r, &["commit", "-m", "leak"]).code, 0);
    assert_eq!(head(&r), before);
}

/// After `install --global`, a plain `blastwall install` in some repository
/// resolves to the global hooks dir (git's core.hooksPath). It must not turn
/// the global hooks into local-scope ones, which would silently stop every
/// other repository's own `.git/hooks` from running.
#[test]

fn local_install_under_global_hooks_keeps_running_other_repos_own_hooks() {
    let g = GlobalEnv::new();
    let a = repo_with_commit();
    let scratch = Tree::new();
    let log = scratch.path().join("log");
    write_script(
        &a.path().join(".git/hooks/pre-commit"),
        &logging_hook(&log, "own", 0),
        0o755,
    );
    g.blastwall(a.path(), &["install", "--global"])
        .expect_code(0);
    stage_clean(&a, "one.txt");
    g.git(&a, &["commit", "-q", "-m", "one"]).expect_code(0);
    assert_eq!(read(&log), "own\n");

    let b = repo_with_commit();
    g.blastwall(b.path(), &["install"]).expect_code(0);

    stage_clean(&a, "two.txt");
    g.git(&a, &["commit", "-q", "-m", "two"]).expect_code(0);
    assert_eq!(
        read(&log),
        "own\nown\n",
        "repository A's own hook no longer runs after `blastwall install` in B"
    );
}

// ------------------------------------------------------- errors, missing binary

/// Outside a git repository, install and uninstall fail with exit 2 and say
/// why, and create nothing.
#[test]
fn install_outside_a_repository_exits_2_with_a_clear_message() {
    let t = Tree::new();
    for cmd in ["install", "uninstall"] {
        let mut c = blastwall(t.path());
        c.arg(cmd)
            .env("GIT_CEILING_DIRECTORIES", t.path().parent().unwrap());
        let run = Run::from_output(c.output().unwrap());
        run.expect_code(2);
        assert!(
            run.stderr.contains("not inside a git repository"),
            "{cmd}: {}",
            run.stderr
        );
        assert!(
            run.stderr.starts_with("blastwall: error:"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 0);
}

/// Install reports each hook it wrote, by path; uninstall reports removal.
#[test]
fn install_output_lists_what_it_did() {
    let r = repo_with_commit();
    let dir = git_hooks_dir(&r);
    let run = r.run(&["install"]);
    run.expect_code(0);
    for hook in ["pre-commit", "pre-push"] {
        let line = format!("blastwall install: installed {}", dir.join(hook).display());
        assert!(
            run.stdout.lines().any(|l| l == line),
            "missing `{line}` in:\n{}",
            run.stdout
        );
    }
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    let run = r.run(&["uninstall"]);
    run.expect_code(0);
    for hook in ["pre-commit", "pre-push"] {
        let line = format!("blastwall uninstall: removed {}", dir.join(hook).display());
        assert!(
            run.stdout.lines().any(|l| l == line),
            "missing `{line}` in:\n{}",
            run.stdout
        );
    }
}

/// If BLASTWALL points nowhere and no blastwall is on PATH, the hooks block
/// with a clear message instead of letting the commit or push through.
#[test]
fn missing_binary_via_env_blocks_commit_and_push_with_a_message() {
    let r = repo_with_commit();
    let bare = add_remote(&r);
    r.run(&["install"]).expect_code(0);
    let path = path_without_blastwall();
    let git = |args: &[&str]| {
        let mut c = r.git_cmd(args);
        c.env("BLASTWALL", "/nonexistent/blastwall")
            .env("PATH", &path);
        Run::from_output(c.output().unwrap())
    };

    let before = head(&r);
    stage_clean(&r, "notes.txt");
    let commit = git(&["commit", "-m", "clean"]);
    assert_ne!(commit.code, 0, "commit passed without blastwall");
    assert!(
        commit.stderr.contains("binary not found"),
        "{}",
        commit.stderr
    );
    assert!(
        commit.stderr.contains("blocking (fail closed)"),
        "{}",
        commit.stderr
    );
    assert_eq!(head(&r), before);

    let push = git(&["push", "origin", "main"]);
    assert_ne!(push.code, 0, "push passed without blastwall");
    assert!(push.stderr.contains("binary not found"), "{}", push.stderr);
    assert!(
        push.stderr.contains("blocking (fail closed)"),
        "{}",
        push.stderr
    );
    assert_eq!(ref_of(&bare, "refs/heads/main"), None);
}

/// The binary the hook was installed with is deleted later: the hook blocks
/// and names the missing path.
#[test]
fn deleted_installed_binary_blocks_with_a_message() {
    let r = repo_with_commit();
    let bin_dir = Tree::new();
    let copy = bin_dir.path().join("blastwall");
    copy_binary(&copy);
    let mut c = Command::new(&copy);
    c.arg("install").current_dir(r.path());
    hermetic(&mut c, r.path());
    Run::from_output(output_retrying(&mut c)).expect_code(0);
    let copy = copy.canonicalize().unwrap();
    assert!(read(&git_hooks_dir(&r).join("pre-commit")).contains(copy.to_str().unwrap()));
    std::fs::remove_file(&copy).unwrap();

    let before = head(&r);
    stage_clean(&r, "notes.txt");
    let mut c = r.git_cmd(&["commit", "-m", "clean"]);
    c.env_remove("BLASTWALL")
        .env("PATH", path_without_blastwall());
    let commit = Run::from_output(c.output().unwrap());
    assert_ne!(commit.code, 0, "commit passed without blastwall");
    assert!(
        commit.stderr.contains("binary not found"),
        "{}",
        commit.stderr
    );
    assert!(
        commit.stderr.contains(copy.to_str().unwrap()),
        "{}",
        commit.stderr
    );
    assert_eq!(head(&r), before);
}

/// A binary whose path contains a space still runs from the hook.
#[test]
fn binary_path_with_a_space_works_from_the_hook() {
    let r = repo_with_commit();
    let bin_dir = Tree::new();
    let copy = bin_dir.path().join("my tools").join("blastwall");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    copy_binary(&copy);
    let mut c = Command::new(&copy);
    c.arg("install").current_dir(r.path());
    hermetic(&mut c, r.path());
    Run::from_output(output_retrying(&mut c)).expect_code(0);

    let before = head(&r);
    stage_secret(&r, "deploy.env");
    let mut c = r.git_cmd(&["commit", "-m", "leak"]);
    c.env_remove("BLASTWALL")
        .env("PATH", path_without_blastwall());
    let commit = Run::from_output(c.output().unwrap());
    assert_ne!(commit.code, 0, "{}", commit.all());
    assert!(
        commit.stderr.contains("github-classic-pat"),
        "{}",
        commit.stderr
    );
    assert_eq!(head(&r), before);

    // Out of the index and out of the working tree: in reach it would block too.
    r.git(&["rm", "-q", "-f", "deploy.env"]);
    stage_clean(&r, "notes.txt");
    let mut c = r.git_cmd(&["commit", "-q", "-m", "clean"]);
    c.env_remove("BLASTWALL")
        .env("PATH", path_without_blastwall());
    Run::from_output(c.output().unwrap()).expect_code(0);
}
