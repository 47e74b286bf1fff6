//! Test support: temp trees, the built binary with a hermetic environment.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fabricated GitHub classic PAT (critical).
pub const GHP: &str = "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";
/// A fabricated Stripe test key (low).
pub const STRIPE_TEST: &str = "sk_test_51Hq8cT2eZvKYlo2C9aB3dE4fG5hJ6kL7mN8pQ";
/// A fabricated Railway UUID.
pub const RAILWAY_UUID: &str = "db5b5fab-8f4d-3e27-dda1-494c73cf256d";

/// A temp directory that files can be written into.
pub struct Tree {
    pub dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Tree {
        Tree {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `content` at `rel`, creating parent directories.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        p
    }

    /// Runs `blastwall args...` in this tree.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

/// The built binary, with a hermetic environment: no user git config, a
/// fixed author, no colour unless asked.
pub fn blastwall(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_blastwall"));
    c.current_dir(dir);
    hermetic(&mut c, dir);
    c
}

/// Applies the hermetic git environment to any command.
pub fn hermetic(c: &mut Command, home: &Path) {
    c.env_remove("BLASTWALL_CONFIG")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.invalid")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .env("HOME", home)
        .env_remove("NO_COLOR")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .env_remove("PRE_COMMIT")
        .env_remove("PRE_COMMIT_FROM_REF")
        .env_remove("PRE_COMMIT_TO_REF")
        .env_remove("PRE_COMMIT_REMOTE_NAME");
}

/// What a run printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from_output(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Fails with the whole output when the exit code differs.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    Run::from_output(blastwall(dir).args(args).output().expect("run blastwall"))
}

/// Rules of the findings in a JSON report.
pub fn rules_of(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// A git repository in a temp dir, driven by the real `git` with a hermetic
/// config (no user or system config, fixed author and dates).
pub struct TestRepo {
    pub tree: Tree,
    /// Extra environment for every git and blastwall command run here.
    pub env: Vec<(String, String)>,
    /// Keeps a config file given through BLASTWALL_CONFIG alive.
    _config: Option<tempfile::NamedTempFile>,
}

impl TestRepo {
    /// `git init` on branch `main`.
    pub fn new() -> TestRepo {
        let r = TestRepo {
            tree: Tree::new(),
            env: Vec::new(),
            _config: None,
        };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    /// A repository whose hooks judge only what is published: the
    /// agent-reach check of the working tree is off (through
    /// `BLASTWALL_CONFIG`, so hooks started by git see it too). For tests of
    /// staged and pushed semantics whose working trees keep old secrets.
    pub fn published_only() -> TestRepo {
        let mut r = TestRepo::new();
        r.use_config("[reach]\nenabled = false\n");
        r
    }

    /// Points every command here at a config file with `text`.
    pub fn use_config(&mut self, text: &str) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
        self.env.retain(|(k, _)| k != "BLASTWALL_CONFIG");
        self.env
            .push(("BLASTWALL_CONFIG".into(), f.path().display().to_string()));
        self._config = Some(f);
    }

    /// A bare repository (for a remote).
    pub fn bare() -> TestRepo {
        let r = TestRepo {
            tree: Tree::new(),
            env: Vec::new(),
            _config: None,
        };
        r.git(&["init", "-q", "--bare", "-b", "main"]);
        r
    }

    pub fn path(&self) -> &Path {
        self.tree.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        self.tree.write(rel, content)
    }

    /// A git command in this repository, hermetic, not yet run.
    pub fn git_cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new("git");
        c.args(args).current_dir(self.path());
        hermetic(&mut c, self.path());
        c.envs(self.env.iter().map(|(k, v)| (k, v)));
        c
    }

    /// Runs git; panics with its output on failure; returns stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_cmd(args).output().expect("run git");
        assert!(
            out.status.success(),
            "git {} failed:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    /// Runs git and returns the whole result (for commands expected to fail).
    pub fn git_run(&self, args: &[&str]) -> Run {
        Run::from_output(self.git_cmd(args).output().expect("run git"))
    }

    /// Stages everything and commits with hooks skipped (test setup).
    pub fn commit_all(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--no-verify", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Runs `blastwall args...` here.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[], "")
    }

    /// Runs `blastwall args...` here with extra environment and stdin.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
        use std::io::Write;
        let mut c = blastwall(self.path());
        c.args(args);
        c.envs(self.env.iter().map(|(k, v)| (k, v)));
        for (k, v) in env {
            c.env(k, v);
        }
        c.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = c.spawn().expect("spawn blastwall");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        Run::from_output(child.wait_with_output().unwrap())
    }
}

/// Path of the built binary.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_blastwall")
}

/// Whether tests whose inputs live outside this checkout (the labelled
/// corpus in `../shared`, the pre-commit framework) must run: CI sets
/// `BLASTWALL_REQUIRE_FULL_TESTS=1` so that they fail there rather than skip.
pub fn full_tests_required() -> bool {
    std::env::var("BLASTWALL_REQUIRE_FULL_TESTS").as_deref() == Ok("1")
}

/// `input` if available; otherwise the test is skipped with the reason
/// printed (`None`), or fails when full tests are required.
pub fn input_or_skip<T>(what: &str, input: Result<T, String>) -> Option<T> {
    match input {
        Ok(v) => Some(v),
        Err(why) if !full_tests_required() => {
            eprintln!(
                "SKIPPED: {what} is not available: {why}. \
                 (BLASTWALL_REQUIRE_FULL_TESTS=1 turns this into a failure; .ci/run sets it.)"
            );
            None
        }
        Err(why) => panic!("{what} is required (BLASTWALL_REQUIRE_FULL_TESTS=1) but {why}"),
    }
}

/// Copies the built binary to `dest` (a test of an installed copy).
pub fn copy_binary(dest: &Path) {
    std::fs::copy(binary(), dest).unwrap();
}

/// Runs a command that may execute a binary just copied: another test
/// thread's fork can briefly hold the copy's write handle open until its
/// exec, and exec fails with "text file busy" (ETXTBSY) meanwhile.
pub fn output_retrying(c: &mut Command) -> Output {
    for _ in 0..50 {
        match c.output() {
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            other => return other.unwrap(),
        }
    }
    c.output().unwrap()
}
