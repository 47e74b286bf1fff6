//! The backstop the pusher cannot switch off: `blastwall pre-receive` in a
//! real bare repository with the hook installed, pushed to with `git push`
//! (so the pushed objects really sit in git's quarantine), and `blastwall
//! ci` on ranges given by fixture CI events.

use crate::common::*;

const ZERO: &str = "0000000000000000000000000000000000000000";
/// A second fabricated GitHub classic PAT.
const GHP2: &str = "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";

fn path_str(p: &std::path::Path) -> String {
    p.display().to_string()
}

/// A bare server with `blastwall install --server`, and a clone that has
/// pushed one clean commit. Client hooks are not installed: the point is
/// what the server does when they are skipped.
struct Server {
    bare: TestRepo,
    local: TestRepo,
}

impl Server {
    fn new() -> Server {
        let bare = TestRepo::bare();
        bare.run(&["install", "--server"]).expect_code(0);
        let local = TestRepo::new();
        local.git(&["remote", "add", "origin", &path_str(bare.path())]);
        local.write("README.md", "hello\n");
        local.commit_all("init");
        let first = local.git_run(&["push", "origin", "main"]);
        assert_eq!(
            first.code,
            0,
            "a clean first push is accepted:\n{}",
            first.all()
        );
        Server { bare, local }
    }

    fn commit(&self, path: &str, content: &str) -> String {
        self.local.write(path, content);
        self.local.git(&["add", "-A"]);
        self.local
            .git(&["commit", "-q", "--no-verify", "-m", &format!("edit {path}")]);
        self.local.git(&["rev-parse", "HEAD"])
    }

    fn push(&self, args: &[&str]) -> Run {
        let mut all = vec!["push", "origin"];
        all.extend_from_slice(args);
        self.local.git_run(&all)
    }

    fn server_ref(&self, name: &str) -> Option<String> {
        let r = self.bare.git_run(&["rev-parse", "--verify", "-q", name]);
        (r.code == 0).then(|| r.stdout.trim().to_string())
    }
}

#[test]
fn a_secret_in_any_pushed_commit_rejects_the_whole_push() {
    let s = Server::new();
    s.commit("config.py", &format!("TOKEN = '{GHP}'\n"));
    s.local.git(&["rm", "-q", "config.py"]);
    s.local.git(&["commit", "-q", "-m", "remove it again"]);
    let before = s.server_ref("refs/heads/main");
    let push = s.push(&["main"]);
    assert_ne!(push.code, 0, "{}", push.all());
    assert!(
        push.stderr.contains("github-classic-pat"),
        "{}",
        push.stderr
    );
    assert!(
        push.stderr.contains("refused refs/heads/main"),
        "{}",
        push.stderr
    );
    assert!(!push.all().contains(GHP), "secret printed");
    assert_eq!(
        s.server_ref("refs/heads/main"),
        before,
        "nothing was accepted"
    );
}

#[test]
fn clean_pushes_new_branches_and_deletions_pass() {
    let s = Server::new();
    s.commit("a.txt", "fine\n");
    s.push(&["main"]).expect_code(0);
    s.local.git(&["checkout", "-q", "-b", "topic"]);
    s.commit("b.txt", "also fine\n");
    s.push(&["topic"]).expect_code(0);
    let del = s.push(&["--delete", "topic"]);
    del.expect_code(0);
    assert_eq!(s.server_ref("refs/heads/topic"), None);
}

#[test]
fn several_refs_in_one_push_are_all_judged() {
    let s = Server::new();
    s.local.git(&["checkout", "-q", "-b", "clean"]);
    s.commit("c.txt", "nothing\n");
    s.local.git(&["checkout", "-q", "main"]);
    s.local.git(&["checkout", "-q", "-b", "leaky"]);
    s.commit("d.txt", &format!("{GHP2}\n"));
    let push = s.push(&["clean", "leaky"]);
    assert_ne!(push.code, 0, "{}", push.all());
    assert!(
        push.stderr.contains("refused refs/heads/leaky: it carries"),
        "{}",
        push.stderr
    );
    assert!(
        push.stderr
            .contains("refused refs/heads/clean: it was pushed together"),
        "{}",
        push.stderr
    );
    assert_eq!(s.server_ref("refs/heads/clean"), None);
}

#[test]
fn force_pushes_scan_the_rewritten_commits() {
    let s = Server::new();
    s.commit("e.txt", "v1\n");
    s.push(&["main"]).expect_code(0);
    s.local.git(&["reset", "-q", "--hard", "HEAD~1"]);
    s.commit("e.txt", &format!("{GHP}\n"));
    let push = s.push(&["--force", "main"]);
    assert_ne!(push.code, 0, "{}", push.all());
}

#[test]
fn messages_and_tags_on_blobs_and_trees_are_scanned() {
    let s = Server::new();
    s.local.write("m.txt", "x\n");
    s.local.git(&["add", "m.txt"]);
    s.local.git(&["commit", "-q", "-m", &format!("oops {GHP}")]);
    let push = s.push(&["main"]);
    assert_ne!(push.code, 0, "a commit message: {}", push.all());
    s.local.git(&["reset", "-q", "--hard", "HEAD~1"]);

    s.local.write("secret.env", format!("T={GHP}\n"));
    s.local.git(&["add", "secret.env"]);
    let tree = s.local.git(&["write-tree"]);
    let blob = s.local.git(&["rev-parse", ":secret.env"]);
    s.local.git(&["reset", "-q"]);
    s.local.git(&["tag", "t-tree", &tree]);
    s.local.git(&["tag", "t-blob", &blob]);
    for tag in ["t-tree", "t-blob"] {
        let push = s.push(&[tag]);
        assert_ne!(push.code, 0, "{tag}: {}", push.all());
    }
    s.local
        .git(&["tag", "-a", "v1", "-m", &format!("release {GHP}")]);
    let push = s.push(&["v1"]);
    assert_ne!(push.code, 0, "an annotated tag's message: {}", push.all());
}

/// A `.blastwall.toml` or baseline arriving in the push changes nothing: the
/// server's policy decides.
#[test]
fn a_pushed_config_cannot_weaken_the_server_policy() {
    let s = Server::new();
    s.local.write(
        ".blastwall.toml",
        "[allowlist]\npaths = [\"**\"]\n[policy]\nblock = \"critical\"\n",
    );
    s.commit("leak.txt", &format!("t = {GHP} # blastwall:allow\n"));
    let push = s.push(&["main"]);
    assert_ne!(
        push.code,
        0,
        "the push's own config was obeyed:\n{}",
        push.all()
    );

    // The server's own blastwall.toml does decide.
    std::fs::write(
        s.bare.path().join("blastwall.toml"),
        "[allowlist]\npaths = [\"leak.txt\"]\n",
    )
    .unwrap();
    s.push(&["main"]).expect_code(0);
}

#[test]
fn malformed_input_and_missing_objects_reject() {
    let s = Server::new();
    let r = s.bare.run_with(&["pre-receive"], &[], "not a line\n");
    r.expect_code(2);
    assert!(r.stderr.contains("line 1"), "{}", r.stderr);
    let missing = format!("{ZERO} {} refs/heads/x\n", "ab".repeat(20));
    let r = s.bare.run_with(&["pre-receive"], &[], &missing);
    r.expect_code(2);
    assert!(!r.stderr.contains("Message {"), "{}", r.stderr);
}

#[test]
fn timeouts_reject_unless_told_to_accept() {
    let s = Server::new();
    std::fs::write(
        s.bare.path().join("blastwall.toml"),
        "[server]\ntimeout = 0.000001\n",
    )
    .unwrap();
    s.commit("f.txt", "fine\n");
    let push = s.push(&["main"]);
    assert_ne!(push.code, 0, "{}", push.all());
    assert!(
        push.stderr.contains("did not finish within"),
        "{}",
        push.stderr
    );
    std::fs::write(
        s.bare.path().join("blastwall.toml"),
        "[server]\ntimeout = 0.000001\non_timeout = \"accept\"\n",
    )
    .unwrap();
    s.push(&["main"]).expect_code(0);
}

#[test]
fn bypass_only_where_allowed_and_always_logged() {
    let s = Server::new();
    s.bare
        .git(&["config", "receive.advertisePushOptions", "true"]);
    s.commit("g.txt", &format!("{GHP}\n"));
    let denied = s.push(&["-o", "blastwall.bypass=incident 42", "main"]);
    assert_ne!(denied.code, 0, "{}", denied.all());
    assert!(denied.stderr.contains("not allowed"), "{}", denied.stderr);
    std::fs::write(
        s.bare.path().join("blastwall.toml"),
        "[server]\nallow_bypass = true\n",
    )
    .unwrap();
    let ok = s.push(&["-o", "blastwall.bypass=incident 42", "main"]);
    assert_eq!(ok.code, 0, "{}", ok.all());
    assert!(ok.stderr.contains("BYPASSED"), "{}", ok.stderr);
    let log = std::fs::read_to_string(s.bare.path().join("blastwall/bypass.log")).unwrap();
    assert!(
        log.contains("reason=incident 42") && log.contains("refs/heads/main"),
        "{log}"
    );
}

#[test]
fn the_baseline_of_the_default_branch_accepts_known_findings() {
    let s = Server::new();
    // Accepted on the default branch before: the same secret may come again.
    s.local.write("old.txt", format!("{GHP}\n"));
    s.local.run(&["baseline"]).expect_code(0);
    s.local.git(&["add", "-A"]);
    s.local.git(&["commit", "-q", "-m", "baseline"]);
    // Land it on the server without the hook (as an admin would).
    std::fs::rename(
        s.bare.path().join("hooks/pre-receive"),
        s.bare.path().join("hooks/off"),
    )
    .unwrap();
    s.push(&["main"]).expect_code(0);
    std::fs::rename(
        s.bare.path().join("hooks/off"),
        s.bare.path().join("hooks/pre-receive"),
    )
    .unwrap();
    s.local.write("old.txt", format!("{GHP}\nmore\n"));
    s.local.git(&["commit", "-q", "-am", "touch"]);
    s.push(&["main"]).expect_code(0);
    // A baseline entry that arrives in the push itself accepts nothing.
    s.local.write("new.txt", format!("{GHP2}\n"));
    s.local.run(&["baseline", "--update"]).expect_code(0);
    s.local.git(&["add", "-A"]);
    s.local.git(&["commit", "-q", "-m", "sneak it in"]);
    let push = s.push(&["main"]);
    assert_ne!(push.code, 0, "{}", push.all());
}

// --------------------------------------------------------------------- ci

/// A repository with a reviewed base on `main` and a feature branch.
fn ci_repo() -> (TestRepo, String) {
    let r = TestRepo::new();
    r.write("README.md", "hello\n");
    r.write(".blastwall.toml", "[policy]\nblock = \"high\"\n");
    r.commit_all("base");
    let base = r.git(&["rev-parse", "HEAD"]);
    r.git(&["checkout", "-q", "-b", "feature"]);
    (r, base)
}

fn ci(r: &TestRepo, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut all = vec!["ci", "--format", "json"];
    all.extend_from_slice(args);
    r.run_with(&all, env, "")
}

#[test]
fn ci_scans_every_commit_of_the_range_and_its_messages() {
    let (r, base) = ci_repo();
    r.write("a.txt", format!("{GHP}\n"));
    r.commit_all("add");
    r.git(&["rm", "-q", "a.txt"]);
    r.git(&["commit", "-q", "-m", &format!("remove; was {GHP2}")]);
    let run = ci(&r, &[], &["--base", &base, "--head", "HEAD"]);
    run.expect_code(1);
    let j = run.json();
    assert_eq!(j["summary"]["commits"], 2);
    let paths: Vec<String> = rules_of(&j);
    assert_eq!(paths.len(), 2, "{j}");
}

#[test]
fn ci_policy_changes_in_the_range_are_findings() {
    let (r, base) = ci_repo();
    r.write(
        ".blastwall.toml",
        "[policy]\nblock = \"critical\"\n[allowlist]\npaths = [\"**\"]\n[rules]\ndisable = [\"github-classic-pat\"]\n[reach]\nenabled = false\n",
    );
    r.write("x.txt", format!("t = {GHP} # blastwall:allow\n"));
    r.write("y.txt", format!("t = {GHP2}\n"));
    r.commit_all("weaken");
    let run = ci(&r, &[], &["--base", &base, "--head", "HEAD"]);
    run.expect_code(1);
    let j = run.json();
    let changes: Vec<String> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "policy-change")
        .map(|f| f["description"].as_str().unwrap().to_string())
        .collect();
    for expected in [
        "allowlisted path `**`",
        "block tier raised",
        "`github-classic-pat` disabled",
        "agent-reach check turned off",
        "inline allow marker",
    ] {
        assert!(
            changes.iter().any(|c| c.contains(expected)),
            "{expected} missing from {changes:?}"
        );
    }
    // Judged by the base's policy: the token is reported although the head allowlists everything.
    assert!(
        rules_of(&j).contains(&"github-classic-pat".to_string()),
        "{j}"
    );
}

#[test]
fn ci_reads_github_and_gitlab_events() {
    let (r, base) = ci_repo();
    r.write("a.txt", format!("{GHP}\n"));
    r.commit_all("add");
    let head = r.git(&["rev-parse", "HEAD"]);
    let events = Tree::new();
    let pr = events.write(
        "pr.json",
        format!("{{\"pull_request\": {{\"base\": {{\"sha\": \"{base}\"}}, \"head\": {{\"sha\": \"{head}\"}}}}}}"),
    );
    let run = ci(
        &r,
        &[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", &path_str(&pr)),
        ],
        &[],
    );
    run.expect_code(1);
    assert_eq!(run.json()["summary"]["commits"], 1);
    let push = events.write(
        "push.json",
        format!("{{\"before\": \"{ZERO}\", \"after\": \"{head}\", \"created\": true}}"),
    );
    let run = ci(
        &r,
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_EVENT_PATH", &path_str(&push)),
        ],
        &[],
    );
    run.expect_code(1);
    assert_eq!(
        run.json()["summary"]["commits"],
        1,
        "a new branch: commits on no other branch"
    );
    let deleted = events.write(
        "del.json",
        format!("{{\"before\": \"{head}\", \"after\": \"{ZERO}\", \"deleted\": true}}"),
    );
    ci(
        &r,
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_EVENT_PATH", &path_str(&deleted)),
        ],
        &[],
    )
    .expect_code(0);
    let gl = ci(
        &r,
        &[
            ("GITLAB_CI", "true"),
            ("CI_MERGE_REQUEST_DIFF_BASE_SHA", &base),
            ("CI_COMMIT_SHA", &head),
        ],
        &[],
    );
    gl.expect_code(1);
    assert_eq!(gl.json()["summary"]["commits"], 1);
    let gl_push = ci(
        &r,
        &[
            ("GITLAB_CI", "true"),
            ("CI_COMMIT_BEFORE_SHA", &base),
            ("CI_COMMIT_SHA", &head),
        ],
        &[],
    );
    gl_push.expect_code(1);
}

#[test]
fn ci_without_the_base_in_a_shallow_clone_says_how_to_fetch_it() {
    let (r, base) = ci_repo();
    r.write("a.txt", "one\n");
    r.commit_all("one");
    r.write("b.txt", "two\n");
    r.commit_all("two");
    let shallow = Tree::new();
    let dest = shallow.path().join("clone");
    let url = format!("file://{}", path_str(r.path()));
    r.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "feature",
        &url,
        &path_str(&dest),
    ]);
    let mut c = blastwall(&dest);
    c.args(["ci", "--base", &base, "--head", "HEAD"]);
    let run = Run::from_output(c.output().unwrap());
    run.expect_code(2);
    assert!(
        run.stderr.contains("fetch-depth: 0") && run.stderr.contains("shallow"),
        "{}",
        run.stderr
    );
    let none = Tree::new();
    let mut c = blastwall(none.path());
    c.args(["ci"])
        .env_remove("GITHUB_EVENT_NAME")
        .env_remove("GITLAB_CI");
    let _ = c;
}

/// The shipped CI examples run a command this binary accepts.
#[test]
fn shipped_ci_examples_run_a_command_the_binary_accepts() {
    let (r, base) = ci_repo();
    r.write("a.txt", "fine\n");
    r.commit_all("clean");
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci");
    for file in ["github-actions.yml", "gitlab-ci.yml"] {
        let text = std::fs::read_to_string(docs.join(file)).unwrap();
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("blastwall ci"))
            .collect();
        assert!(!lines.is_empty(), "{file} runs no `blastwall ci`");
        for line in lines {
            let cmd = line.split("blastwall ci").nth(1).unwrap();
            let cmd = cmd.split('>').next().unwrap();
            let mut args = vec!["ci"];
            args.extend(cmd.split_whitespace());
            let run = r.run_with(
                &args,
                &[("BLASTWALL_BASE", &base), ("BLASTWALL_HEAD", "HEAD")],
                "",
            );
            assert_eq!(
                run.code,
                0,
                "{file}: `blastwall {}`: {}",
                args.join(" "),
                run.all()
            );
        }
    }
}
