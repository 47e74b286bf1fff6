//! The pre-commit framework (<https://pre-commit.com>) running blastwall's
//! hooks from this checkout's `.pre-commit-hooks.yaml`, in temp repositories,
//! through real `git commit` and real `git push` to a bare remote on disk.
//!
//! Peers get the framework wrong in public: under it a pre-push hook gets no
//! stdin (the framework keeps it and hands over `PRE_COMMIT_FROM_REF` /
//! `PRE_COMMIT_TO_REF`, or for a first push of a root commit no range at all),
//! and a hook that still waits for stdin scans nothing and passes. So every
//! push shape the framework treats differently is pushed here, clean (must
//! pass, and the hook must have run) and with a secret (must fail, and the
//! remote must not move).
//!
//! How the checkout reaches pre-commit: a `.pre-commit-config.yaml` with
//! `repo: <this checkout>` and `rev: <its HEAD sha>`. pre-commit clones that
//! commit into its store (`PRE_COMMIT_HOME`), keyed by repo and rev, so one
//! shared store per HEAD builds the `language: rust` hooks once per HEAD and
//! not once per test (see [`framework`]). This tests the *committed* HEAD:
//! uncommitted edits to the manifest or to src are not seen by these tests.
//! `pre-commit try-repo` does see uncommitted changes of a local repo, but it
//! always uses a fresh temporary store, so a `language: rust` hook would be
//! rebuilt from scratch (minutes) on every call; it is used here only with the
//! `language: system` hook, to check the working copy's manifest.
//!
//! The `language: system` hooks run the binary this test run built (its
//! directory first on PATH): fast, and the main assertions. One test builds
//! the `language: rust` hooks with `cargo install` as users get them.
//!
//! A limitation of the framework, not of blastwall: for a push of several
//! refs, pre-commit describes only the first ref that has commits to push
//! (pre-commit/pre-commit#1940, #1908: "multiple branches isn't really
//! solvable"), so `git push origin main feature` with a secret only on
//! `feature` passes under the framework. blastwall's own `blastwall install
//! --pre-push` hook reads every ref (see `push.rs`).

use crate::common::*;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// What the framework tests share for the whole run.
struct Framework {
    /// This checkout's HEAD, the `rev` every config pins.
    head: String,
    /// `PRE_COMMIT_HOME`: one store per checkout HEAD, reused across runs.
    store: PathBuf,
    /// `CARGO_TARGET_DIR` for the `language: rust` build, shared across HEADs
    /// so a new HEAD rebuilds blastwall, not its dependencies.
    cargo_target: PathBuf,
    /// The invoking user's PATH.
    path: OsString,
    /// Where the user's cargo, rustup and Python user site live: the tests
    /// give pre-commit a temp HOME, so these must not be derived from it.
    cargo_home: Option<PathBuf>,
    rustup_home: Option<PathBuf>,
    python_user_base: Option<PathBuf>,
}

static FRAMEWORK: OnceLock<Framework> = OnceLock::new();

/// Serialises the framework tests that use the shared store, so that none
/// reads it while another is building in it.
static STORE: Mutex<()> = Mutex::new(());

fn lock_store() -> MutexGuard<'static, ()> {
    // A failed test must not fail every later one with a poisoned lock.
    STORE.lock().unwrap_or_else(|e| e.into_inner())
}

/// The checkout under test (the hook repository).
fn checkout() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether the pre-commit framework is on PATH; when it is not, the test
/// is skipped with the reason printed (failing instead when
/// `BLASTWALL_REQUIRE_FULL_TESTS=1`, as in CI, which installs it).
fn framework_available() -> bool {
    let probe = Command::new("pre-commit").arg("--version").output();
    let found = match probe {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "`pre-commit --version` failed: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!(
            "`pre-commit` is not on PATH ({e}); `python3 -m pip install 'pre-commit>=3.2,<5'` installs it"
        )),
    };
    crate::common::input_or_skip("the pre-commit framework", found).is_some()
}

/// Works out the shared settings once (pre-commit must be installed: see
/// [`framework_available`]).
fn framework() -> &'static Framework {
    FRAMEWORK.get_or_init(|| {
        let out = Command::new("pre-commit").arg("--version").output();
        let version = match out {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
            Ok(o) => panic!(
                "`pre-commit --version` failed; the pre-commit framework tests need a working \
                 pre-commit >= 3.2 on PATH (`python3 -m pip install 'pre-commit>=3.2,<5'`; \
                 .ci/run installs it):\n{}",
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => panic!(
                "`pre-commit` is not on PATH ({e}); the pre-commit framework tests need it \
                 (`python3 -m pip install 'pre-commit>=3.2,<5'`; .ci/run installs it). \
                 These tests fail rather than skip so that CI cannot pass without running them."
            ),
        };
        let numbers: Vec<u32> = version
            .trim_start_matches("pre-commit ")
            .split('.')
            .take(2)
            .map(|n| n.parse().unwrap_or(0))
            .collect();
        assert!(
            numbers >= vec![3, 2],
            "the hooks need pre-commit >= 3.2 (minimum_pre_commit_version); found {version}"
        );

        let git = Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(checkout())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("run git");
        assert!(
            git.status.success(),
            "the framework tests pin the checkout's HEAD, but `git rev-parse HEAD` failed in {}: {}",
            checkout().display(),
            String::from_utf8_lossy(&git.stderr)
        );
        let head = String::from_utf8_lossy(&git.stdout).trim().to_string();

        let home = std::env::var_os("HOME").map(PathBuf::from);
        let from_env_or_home = |var: &str, rel: &str| {
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(rel)))
        };
        let tmp = std::env::temp_dir();
        Framework {
            store: tmp.join(format!("blastwall-precommit-cache-{}", &head[..16])),
            cargo_target: tmp.join("blastwall-precommit-cargo-target"),
            head,
            path: std::env::var_os("PATH").unwrap_or_default(),
            cargo_home: from_env_or_home("CARGO_HOME", ".cargo"),
            rustup_home: from_env_or_home("RUSTUP_HOME", ".rustup"),
            python_user_base: from_env_or_home("PYTHONUSERBASE", ".local"),
        }
    })
}

/// PATH with the built binary's directory first (for `language: system`).
fn path_with_binary() -> OsString {
    let dir = Path::new(binary()).parent().unwrap().to_path_buf();
    let mut dirs = vec![dir];
    dirs.extend(std::env::split_paths(&framework().path));
    std::env::join_paths(dirs).unwrap()
}

/// PATH without any directory holding a `blastwall` (for `language: rust`:
/// the only blastwall the hooks can run is the one pre-commit built).
fn path_without_binary() -> OsString {
    let dirs: Vec<PathBuf> = std::env::split_paths(&framework().path)
        .filter(|d| !d.join("blastwall").exists())
        .collect();
    std::env::join_paths(dirs).unwrap()
}

/// A repository set up for the framework, with a bare `origin` on disk.
struct FwRepo {
    repo: TestRepo,
    remote: TestRepo,
    /// HOME for pre-commit and the hooks git runs: writable, and not the
    /// repository (a build there would leave `.cargo` in the working tree).
    home: tempfile::TempDir,
    path: OsString,
}

impl FwRepo {
    /// A repository whose committed `.pre-commit-config.yaml` uses `hooks`
    /// from this checkout at HEAD, with the git hooks for `hook_types`
    /// installed by `pre-commit install`.
    fn new(hooks: &[&str], hook_types: &[&str], path: OsString) -> FwRepo {
        let fw = framework();
        let repo = TestRepo::published_only();
        let remote = TestRepo::bare();
        repo.git(&["remote", "add", "origin", &path_str(remote.path())]);
        let ids: String = hooks.iter().map(|h| format!("      - id: {h}\n")).collect();
        repo.write(
            ".pre-commit-config.yaml",
            format!(
                "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n{ids}",
                path_str(checkout()),
                fw.head
            ),
        );
        repo.write("README.md", "hello\n");
        repo.commit_all("init");
        let r = FwRepo {
            repo,
            remote,
            home: tempfile::tempdir().expect("temp HOME"),
            path,
        };
        let mut args = vec!["install"];
        for t in hook_types {
            args.extend(["--hook-type", t]);
        }
        r.pre_commit(&args).expect_code(0);
        r
    }

    /// `program args...` in the repository with the framework's environment:
    /// hermetic git, the shared store, and nothing that would make
    /// pre-commit skip a hook (`SKIP`) or pretend to be inside a hook run.
    fn cmd(&self, program: &str, args: &[&str]) -> Command {
        let fw = framework();
        let mut c = Command::new(program);
        c.args(args).current_dir(self.repo.path());
        hermetic(&mut c, self.home.path());
        c.env("PATH", &self.path)
            .env("PRE_COMMIT_HOME", &fw.store)
            .env("PRE_COMMIT_COLOR", "never")
            .env("CARGO_TARGET_DIR", &fw.cargo_target)
            .env_remove("SKIP")
            .env_remove("PRE_COMMIT_ALLOW_NO_CONFIG")
            .env_remove("PRE_COMMIT_LOCAL_BRANCH")
            .env_remove("PRE_COMMIT_REMOTE_BRANCH")
            .env_remove("PRE_COMMIT_REMOTE_URL")
            .env_remove("BLASTWALL");
        for (var, value) in [
            ("CARGO_HOME", &fw.cargo_home),
            ("RUSTUP_HOME", &fw.rustup_home),
            ("PYTHONUSERBASE", &fw.python_user_base),
        ] {
            if let Some(v) = value {
                c.env(var, v);
            }
        }
        c
    }

    fn pre_commit(&self, args: &[&str]) -> Run {
        Run::from_output(
            self.cmd("pre-commit", args)
                .output()
                .expect("run pre-commit"),
        )
    }

    /// Real git, hooks enabled, in the framework's environment.
    fn git(&self, args: &[&str]) -> Run {
        Run::from_output(self.cmd("git", args).output().expect("run git"))
    }

    fn sha(&self, rev: &str) -> String {
        self.repo.git(&["rev-parse", rev])
    }

    fn head(&self) -> String {
        self.sha("HEAD")
    }

    /// Writes `content` at `path` and commits with hooks skipped (setup).
    fn commit(&self, path: &str, content: &str, message: &str) -> String {
        self.repo.write(path, content);
        self.repo.commit_all(message)
    }

    /// Pushes with hooks skipped (setup: what the remote already has).
    fn publish(&self, refspec: &str) {
        self.repo
            .git(&["push", "-q", "--no-verify", "origin", refspec]);
    }

    fn remote_ref(&self, name: &str) -> Option<String> {
        let run = self.remote.git_run(&["rev-parse", "--verify", "-q", name]);
        (run.code == 0).then(|| run.stdout.trim().to_string())
    }
}

fn path_str(p: &Path) -> String {
    p.to_str().expect("utf-8 path").to_string()
}

/// `TOKEN = "<value>"` as line 2 of a small config file.
fn config_with(value: &str) -> String {
    format!("DEBUG = true\nTOKEN = \"{value}\"\nPORT = 8080\n")
}

const CLEAN: &str = "${GITHUB_TOKEN}";

/// What pre-commit prints for a hook, by its `name:` in the manifest.
const COMMIT_HOOK_SYSTEM: &str = "blastwall (credentials this commit introduces; binary on PATH)";
const PUSH_HOOK_SYSTEM: &str = "blastwall (credentials this push publishes; binary on PATH)";
const COMMIT_HOOK_RUST: &str = "blastwall (credentials this commit introduces)";
const PUSH_HOOK_RUST: &str = "blastwall (credentials this push publishes)";

/// pre-commit ran the hook `name` and it passed (not skipped, which is what
/// a hook that scans nothing looks like).
fn assert_passed(out: &str, name: &str, context: &str) {
    let line = out
        .lines()
        .find(|l| l.starts_with(&format!("{name}.")))
        .unwrap_or_else(|| panic!("{context}: hook {name:?} did not run:\n{out}"));
    assert!(line.ends_with("Passed"), "{context}: {line}\n{out}");
}

/// pre-commit ran the hook `name`, it failed, and blastwall's report says why.
fn assert_blocked(out: &str, name: &str, origin: &str, context: &str) {
    let line = out
        .lines()
        .find(|l| l.starts_with(&format!("{name}.")))
        .unwrap_or_else(|| panic!("{context}: hook {name:?} did not run:\n{out}"));
    assert!(line.ends_with("Failed"), "{context}: {line}\n{out}");
    assert!(out.contains("[github-classic-pat]"), "{context}:\n{out}");
    assert!(
        out.contains(origin),
        "{context}: expected {origin:?}:\n{out}"
    );
    assert!(out.contains("BLOCKED"), "{context}:\n{out}");
    assert!(!out.contains(GHP), "{context}: secret printed:\n{out}");
}

// ------------------------------------------------------------ pre-commit stage

/// A commit under `pre-commit install`, as users make them.
struct CommitCase {
    name: &'static str,
    /// Prepares the change (nothing committed) and returns the `git commit` arguments.
    setup: fn(&FwRepo, &str) -> Vec<&'static str>,
}

const COMMITS: &[CommitCase] = &[
    CommitCase {
        name: "staged new file",
        setup: |r, content| {
            r.repo.write("app.env", content);
            r.repo.git(&["add", "app.env"]);
            vec!["commit", "-m", "app config"]
        },
    },
    CommitCase {
        // git commit -a stages into a temporary index (GIT_INDEX_FILE) that
        // the framework's hook run must still see.
        name: "git commit -a of a tracked file",
        setup: |r, content| {
            r.repo.write("README.md", format!("hello\n{content}"));
            vec!["commit", "-a", "-m", "readme"]
        },
    },
];

/// `blastwall-system` (stage pre-commit): a staged secret stops `git commit`
/// (HEAD does not move) and a clean change commits, with the hook having run.
#[test]
fn system_hook_blocks_a_secret_commit_and_passes_a_clean_one() {
    if !framework_available() {
        return;
    }
    let _store = lock_store();
    for case in COMMITS {
        for secret in [false, true] {
            let context = format!("{} (secret: {secret})", case.name);
            let r = FwRepo::new(&["blastwall-system"], &["pre-commit"], path_with_binary());
            let before = r.head();
            let content = config_with(if secret { GHP } else { CLEAN });
            let args = (case.setup)(&r, &content);
            let commit = r.git(&args);
            let out = commit.all();
            if secret {
                assert_ne!(commit.code, 0, "{context}: commit went through:\n{out}");
                assert_eq!(r.head(), before, "{context}: HEAD moved");
                assert_blocked(&out, COMMIT_HOOK_SYSTEM, "(staged)", &context);
            } else {
                assert_eq!(commit.code, 0, "{context}: commit failed:\n{out}");
                assert_ne!(r.head(), before, "{context}: nothing committed");
                assert_passed(&out, COMMIT_HOOK_SYSTEM, &context);
            }
        }
    }
}

// -------------------------------------------------------------- pre-push stage

/// A push shape the framework describes differently to the hook. `setup`
/// commits `content` (a secret or not) and returns the `git push` arguments,
/// the remote ref the push updates, the local rev it would set it to, and
/// the commit that added `content`.
struct PushCase {
    name: &'static str,
    setup: fn(&FwRepo, &str) -> PushSetup,
}

struct PushSetup {
    args: Vec<&'static str>,
    remote_ref: &'static str,
    local_rev: &'static str,
    introduced_by: String,
}

const PUSHES: &[PushCase] = &[
    PushCase {
        // The first pushed commit is a root commit: the framework sets
        // PRE_COMMIT=1 and no FROM/TO.
        name: "first push of a new repository",
        setup: |r, content| {
            let c = r.commit("app.env", content, "app config");
            PushSetup {
                args: vec!["push", "origin", "main"],
                remote_ref: "refs/heads/main",
                local_rev: "main",
                introduced_by: c,
            }
        },
    },
    PushCase {
        // FROM = the remote's sha, TO = the local sha.
        name: "fast-forward",
        setup: |r, content| {
            r.publish("main");
            r.commit("notes.txt", "clean\n", "notes");
            let c = r.commit("app.env", content, "app config");
            PushSetup {
                args: vec!["push", "origin", "main"],
                remote_ref: "refs/heads/main",
                local_rev: "main",
                introduced_by: c,
            }
        },
    },
    PushCase {
        // FROM = the parent of the first commit the remote lacks.
        name: "new branch off a pushed branch",
        setup: |r, content| {
            r.publish("main");
            r.repo.git(&["checkout", "-q", "-b", "feature"]);
            let c = r.commit("app.env", content, "app config");
            PushSetup {
                args: vec!["push", "origin", "feature"],
                remote_ref: "refs/heads/feature",
                local_rev: "feature",
                introduced_by: c,
            }
        },
    },
    PushCase {
        // The tip's files are clean; a hook given file names sees nothing.
        name: "added in one commit, deleted in the next",
        setup: |r, content| {
            r.publish("main");
            let c = r.commit("app.env", content, "add");
            r.repo.git(&["rm", "-q", "app.env"]);
            r.repo.git(&["commit", "-q", "--no-verify", "-m", "remove"]);
            PushSetup {
                args: vec!["push", "origin", "main"],
                remote_ref: "refs/heads/main",
                local_rev: "main",
                introduced_by: c,
            }
        },
    },
    PushCase {
        // TO is the annotated tag object, not a commit.
        name: "annotated tag of an unpushed commit",
        setup: |r, content| {
            r.publish("main");
            r.repo.git(&["checkout", "-q", "-b", "wip"]);
            let c = r.commit("app.env", content, "release");
            r.repo.git(&["tag", "-a", "v1.0", "-m", "release"]);
            r.repo.git(&["checkout", "-q", "main"]);
            PushSetup {
                args: vec!["push", "origin", "v1.0"],
                remote_ref: "refs/tags/v1.0",
                local_rev: "refs/tags/v1.0",
                introduced_by: c,
            }
        },
    },
];

/// `blastwall-push-system` (stage pre-push, `pre-commit install --hook-type
/// pre-push`): for every push shape, a real `git push` of a secret fails and
/// leaves the remote ref where it was; the same push without the secret goes
/// through, and the hook ran rather than being skipped.
#[test]
fn system_push_hook_blocks_every_push_shape() {
    if !framework_available() {
        return;
    }
    let _store = lock_store();
    for case in PUSHES {
        for secret in [false, true] {
            let context = format!("{} (secret: {secret})", case.name);
            let r = FwRepo::new(
                &["blastwall-push-system"],
                &["pre-push"],
                path_with_binary(),
            );
            let content = config_with(if secret { GHP } else { CLEAN });
            let s = (case.setup)(&r, &content);
            let before = r.remote_ref(s.remote_ref);
            let push = r.git(&s.args);
            let out = push.all();
            if secret {
                assert_ne!(push.code, 0, "{context}: push went through:\n{out}");
                assert_eq!(
                    r.remote_ref(s.remote_ref),
                    before,
                    "{context}: remote moved"
                );
                let origin = format!("(commit {})", &s.introduced_by[..12]);
                assert_blocked(&out, PUSH_HOOK_SYSTEM, &origin, &context);
            } else {
                assert_eq!(push.code, 0, "{context}: push failed:\n{out}");
                assert_eq!(
                    r.remote_ref(s.remote_ref),
                    Some(r.sha(s.local_rev)),
                    "{context}: remote not updated"
                );
                assert_passed(&out, PUSH_HOOK_SYSTEM, &context);
            }
        }
    }
}

// ------------------------------------------------------------------- try-repo

/// `pre-commit try-repo <checkout> <hook>` runs the working copy's manifest
/// (uncommitted changes included): both system hooks, the push one with an
/// explicit `--from-ref`/`--to-ref` range as `pre-commit run` passes it.
#[test]
fn try_repo_runs_the_working_copy_manifest() {
    if !framework_available() {
        return;
    }
    framework();
    // try-repo builds its own temporary store; it does not touch the shared one.
    let r = {
        let repo = TestRepo::published_only();
        let remote = TestRepo::bare();
        repo.write("README.md", "hello\n");
        repo.commit_all("init");
        FwRepo {
            repo,
            remote,
            home: tempfile::tempdir().unwrap(),
            path: path_with_binary(),
        }
    };
    let checkout = path_str(checkout());
    let try_repo = |args: &[&str]| {
        let mut all = vec!["try-repo", checkout.as_str()];
        all.extend_from_slice(args);
        r.pre_commit(&all)
    };

    // Stage pre-commit: what is staged decides.
    r.repo.write("app.env", config_with(CLEAN));
    r.repo.git(&["add", "app.env"]);
    let run = try_repo(&["blastwall-system"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_passed(&run.all(), COMMIT_HOOK_SYSTEM, "clean staged");
    r.repo.write("app.env", config_with(GHP));
    r.repo.git(&["add", "app.env"]);
    let run = try_repo(&["blastwall-system"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_blocked(&run.all(), COMMIT_HOOK_SYSTEM, "(staged)", "secret staged");

    // Stage pre-push over an explicit range: add-then-delete blocks.
    let added = r.repo.commit_all("add");
    let from = r.sha(&format!("{added}~1"));
    r.repo.git(&["rm", "-q", "app.env"]);
    r.repo.git(&["commit", "-q", "--no-verify", "-m", "remove"]);
    let to = r.head();
    let range = [
        "--hook-stage",
        "pre-push",
        "--from-ref",
        &from,
        "--to-ref",
        &to,
    ];
    let mut args = vec!["blastwall-push-system"];
    args.extend(range);
    let run = try_repo(&args);
    assert_eq!(run.code, 1, "{}", run.all());
    let origin = format!("(commit {})", &added[..12]);
    assert_blocked(
        &run.all(),
        PUSH_HOOK_SYSTEM,
        &origin,
        "add-then-delete range",
    );
    // The range holding only the deletion is clean.
    let mut args = vec!["blastwall-push-system"];
    args.extend([
        "--hook-stage",
        "pre-push",
        "--from-ref",
        &added,
        "--to-ref",
        &to,
    ]);
    let run = try_repo(&args);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_passed(&run.all(), PUSH_HOOK_SYSTEM, "deletion-only range");
}

// ---------------------------------------------------------- language: rust

/// Finds `rustenv-*/bin/blastwall` in the store (what `cargo install` built).
fn built_binary(store: &Path) -> Option<PathBuf> {
    for repo in std::fs::read_dir(store).ok()?.flatten() {
        for env in std::fs::read_dir(repo.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = env.file_name();
            if name.to_string_lossy().starts_with("rustenv") {
                let bin = env.path().join("bin").join("blastwall");
                if bin.exists() {
                    return Some(bin);
                }
            }
        }
    }
    None
}

/// `blastwall` and `blastwall-push` as users get them: `language: rust`, so
/// pre-commit runs `cargo install --path .` of the checkout's HEAD (slow the
/// first time per HEAD; the store is shared and kept). No other blastwall is
/// on PATH. A staged secret is refused and a clean commit passes; a secret
/// push is refused with the remote unmoved and a clean push goes through.
#[test]
fn rust_hooks_build_with_cargo_and_block_commits_and_pushes() {
    if !framework_available() {
        return;
    }
    let _store = lock_store();
    let r = FwRepo::new(
        &["blastwall", "blastwall-push"],
        &["pre-commit", "pre-push"],
        path_without_binary(),
    );
    let build = r.pre_commit(&["install-hooks"]);
    assert_eq!(
        build.code,
        0,
        "pre-commit could not build the rust hooks (cargo install --path . of {} at {}; \
         needs cargo and the crates index):\n{}",
        checkout().display(),
        framework().head,
        build.all()
    );
    let built = built_binary(&framework().store);
    assert!(
        built.is_some(),
        "no rustenv-*/bin/blastwall under {}",
        framework().store.display()
    );

    // Commit stage.
    let before = r.head();
    r.repo.write("app.env", config_with(GHP));
    r.repo.git(&["add", "app.env"]);
    let commit = r.git(&["commit", "-m", "secret"]);
    assert_ne!(commit.code, 0, "{}", commit.all());
    assert_eq!(r.head(), before);
    assert_blocked(
        &commit.all(),
        COMMIT_HOOK_RUST,
        "(staged)",
        "rust commit hook",
    );
    r.repo.write("app.env", config_with(CLEAN));
    r.repo.git(&["add", "app.env"]);
    let commit = r.git(&["commit", "-m", "clean"]);
    assert_eq!(commit.code, 0, "{}", commit.all());
    assert_passed(&commit.all(), COMMIT_HOOK_RUST, "rust commit hook");

    // Push stage: a first push with a secret further down, then a clean one.
    let clean_tip = r.head();
    let leak = r.commit("deploy.env", &config_with(GHP), "deploy");
    let push = r.git(&["push", "origin", "main"]);
    assert_ne!(push.code, 0, "{}", push.all());
    assert_eq!(r.remote_ref("refs/heads/main"), None);
    let origin = format!("(commit {})", &leak[..12]);
    assert_blocked(&push.all(), PUSH_HOOK_RUST, &origin, "rust push hook");
    r.repo.git(&["reset", "-q", "--hard", &clean_tip]);
    let push = r.git(&["push", "origin", "main"]);
    assert_eq!(push.code, 0, "{}", push.all());
    assert_eq!(r.remote_ref("refs/heads/main"), Some(clean_tip));
    assert_passed(&push.all(), PUSH_HOOK_RUST, "rust push hook");
}
