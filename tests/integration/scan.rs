//! `blastwall scan`: files on disk, including what git ignores.

use crate::common::*;
use std::process::Command;

#[test]
fn finds_secret_in_gitignored_env_and_blocks() {
    let t = Tree::new();
    let git = Command::new("git")
        .arg("init")
        .arg("-q")
        .current_dir(t.path())
        .status()
        .unwrap();
    assert!(git.success());
    t.write(".gitignore", ".env\n");
    t.write(".env", format!("GITHUB_TOKEN={GHP}\n"));
    t.write("src/main.py", "print('hello')\n");
    let r = t.run(&["scan"]);
    r.expect_code(1);
    assert!(r.stdout.contains(".env:1:14"), "{}", r.stdout);
    assert!(r.stdout.contains("critical"), "{}", r.stdout);
    assert!(
        r.stdout.contains("why") && r.stdout.contains("fix"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("ghp_R2…(40 chars)"), "{}", r.stdout);
    assert!(!r.all().contains(GHP), "secret printed:\n{}", r.all());
    assert!(
        r.stdout.contains("blastwall scan: ") && r.stdout.contains(" files, "),
        "summary: {}",
        r.stdout
    );
}

#[test]
fn clean_tree_exits_zero_with_summary() {
    let t = Tree::new();
    t.write("a.txt", "nothing here\n");
    let r = t.run(&["scan"]);
    r.expect_code(0);
    assert!(r.stdout.contains("1 files"), "{}", r.stdout);
    assert!(
        r.stdout.contains("ok (nothing at or above high)"),
        "{}",
        r.stdout
    );
}

#[test]
fn low_tier_reports_but_does_not_block_by_default() {
    let t = Tree::new();
    t.write("test.env", format!("STRIPE_KEY={STRIPE_TEST}\n"));
    let r = t.run(&["scan", "--format", "json"]);
    r.expect_code(0);
    let j = r.json();
    assert_eq!(j["summary"]["findings_by_tier"]["low"], 1);
    t.run(&["scan", "--block", "low"]).expect_code(1);
}

#[test]
fn patterned_values_are_low_and_filler_is_dropped() {
    let t = Tree::new();
    // A counting value in Snyk's exact format: seen, not blocking.
    t.write(
        "ci.env",
        "SNYK_TOKEN=12345678-ABCD-ABCD-ABCD-1234567890AB\n\
         GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n\
         API_SECRET=abcdef1234567890abcdef1234567890\n",
    );
    let r = t.run(&["scan", "--format", "json"]);
    r.expect_code(0);
    let j = r.json();
    let findings = j["findings"].as_array().unwrap();
    // Only the provider-format value is reported; filler (`xxxx`) and a
    // counting value under a generic name are not findings.
    assert_eq!(findings.len(), 1, "{}", r.stdout);
    assert_eq!(findings[0]["rule"], "snyk-api-token");
    assert_eq!(findings[0]["tier"], "low");
    assert!(
        findings[0]["note"].as_str().unwrap().contains("counts up"),
        "{}",
        r.stdout
    );
}
#[test]
fn json_shape_is_stable() {
    let t = Tree::new();
    t.write("conf/app.yml", format!("token: {GHP}\n"));
    t.write("img.bin", b"\x00\x01\x02binary");
    let r = t.run(&["scan", "--format", "json"]);
    r.expect_code(1);
    let j = r.json();
    assert_eq!(j["version"], 1);
    let f = &j["findings"][0];
    for key in [
        "rule",
        "provider",
        "tier",
        "path",
        "line",
        "column",
        "redacted",
        "fingerprint",
        "origin",
    ] {
        assert!(!f[key].is_null(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["path"], "conf/app.yml");
    assert_eq!(f["line"], 1);
    assert_eq!(f["column"], 8);
    assert_eq!(f["tier"], "critical");
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 16);
    let s = &j["summary"];
    assert_eq!(s["files"], 1);
    assert_eq!(s["skipped"]["binary"], 1);
    assert_eq!(s["findings_by_tier"]["critical"], 1);
    assert!(s["bytes"].as_u64().unwrap() > 0);
    assert!(
        r.stderr.contains("blastwall scan:"),
        "summary on stderr: {}",
        r.stderr
    );
    assert!(!r.all().contains(GHP));
}

#[test]
fn sarif_is_2_1_0_with_locations() {
    let t = Tree::new();
    t.write("a b/key.txt", format!("GH={GHP}\n"));
    let r = t.run(&["scan", "--format", "sarif"]);
    r.expect_code(1);
    let j = r.json();
    assert_eq!(j["version"], "2.1.0");
    let run = &j["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "blastwall");
    let rule = &run["tool"]["driver"]["rules"][0];
    assert_eq!(rule["id"], "github-classic-pat");
    assert_eq!(rule["properties"]["security-severity"], "9.5");
    let res = &run["results"][0];
    assert_eq!(res["ruleId"], "github-classic-pat");
    assert_eq!(res["level"], "error");
    let loc = &res["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "a%20b/key.txt");
    assert_eq!(loc["region"]["startLine"], 1);
    assert!(res["partialFingerprints"]["blastwall/v1"].is_string());
    assert!(!r.all().contains(GHP));
}

#[test]
fn dependency_dirs_are_skipped_unless_asked() {
    let t = Tree::new();
    t.write("node_modules/pkg/index.js", format!("const t = '{GHP}';\n"));
    t.write("app.js", "console.log(1)\n");
    t.run(&["scan"]).expect_code(0);
    t.run(&["scan", "--no-default-skips"]).expect_code(1);
    // A config can replace the list.
    t.write(".blastwall.toml", "[scan]\nskip_dirs = []\n");
    t.run(&["scan"]).expect_code(1);
    t.write(
        ".blastwall.toml",
        "[scan]\nextra_skip_dirs = [\"fixtures\"]\n",
    );
    t.write("fixtures/x.txt", format!("{GHP}\n"));
    std::fs::remove_dir_all(t.path().join("node_modules")).unwrap();
    t.run(&["scan"]).expect_code(0);
}

#[test]
fn large_and_binary_files_are_skipped_and_counted() {
    let t = Tree::new();
    let mut big = format!("k={GHP}\n").into_bytes();
    big.extend(std::iter::repeat_n(b'a', 3000));
    t.write("big.txt", &big);
    let mut bin = vec![0u8, 1, 2];
    bin.extend(format!("k={GHP}\n").bytes());
    t.write("blob.dat", &bin);
    let r = t.run(&["scan", "--max-file-size", "1000", "--format", "json"]);
    r.expect_code(0);
    let j = r.json();
    assert_eq!(j["summary"]["skipped"]["too_large"], 1);
    assert_eq!(j["summary"]["skipped"]["binary"], 1);
    assert_eq!(j["summary"]["files"], 0);
    assert!(
        r.stderr.contains("2 skipped (1 binary, 1 too large)"),
        "{}",
        r.stderr
    );
}

#[test]
fn invalid_utf8_is_scanned_as_bytes() {
    let t = Tree::new();
    let mut data = b"\xff\xfe\xc3(\n".to_vec();
    data.extend(format!("token = {GHP}\n").bytes());
    t.write("latin1.txt", &data);
    let r = t.run(&["scan", "--format", "json"]);
    r.expect_code(1);
    assert_eq!(r.json()["findings"][0]["line"], 2);
}

#[test]
fn symlinks_are_not_followed_out_of_the_root() {
    let outside = Tree::new();
    let secret = outside.write("secret.txt", format!("{GHP}\n"));
    let t = Tree::new();
    t.write("ok.txt", "fine\n");
    std::os::unix::fs::symlink(&secret, t.path().join("link.txt")).unwrap();
    std::os::unix::fs::symlink(outside.path(), t.path().join("linkdir")).unwrap();
    let r = t.run(&["scan", "--format", "json"]);
    r.expect_code(0);
    assert_eq!(r.json()["summary"]["skipped"]["symlink"], 2);
}

#[test]
fn missing_root_is_an_error() {
    let t = Tree::new();
    let r = t.run(&["scan", "does-not-exist"]);
    r.expect_code(2);
    assert!(r.stderr.contains("does-not-exist"), "{}", r.stderr);
}

#[test]
fn unreadable_file_is_reported_not_fatal() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let t = Tree::new();
    t.write("ok.txt", format!("{GHP}\n"));
    let locked = t.write("locked.txt", "x\n");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        t.path().join("ok.txt"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let mut cmd = blastwall(t.path());
    cmd.args(["scan", "--format", "json"]);
    // Root reads any file, so drop to an unprivileged user for this run.
    if is_root() {
        cmd.uid(65534).gid(65534);
    }
    let r = Run::from_output(cmd.output().unwrap());
    r.expect_code(1);
    let j = r.json();
    assert_eq!(j["summary"]["skipped"]["unreadable"], 1, "{}", r.stdout);
    assert_eq!(j["findings"][0]["path"], "ok.txt");
    assert!(r.stderr.contains("locked.txt"), "{}", r.stderr);
}

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("id -u");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

#[test]
fn inline_suppression_and_config_allowlists() {
    let t = Tree::new();
    t.write(
        "a.py",
        format!("token = '{GHP}'  # blastwall:allow test fixture\n"),
    );
    t.run(&["scan"]).expect_code(0);
    t.write("a.py", format!("# gitleaks:allow\ntoken = '{GHP}'\n"));
    t.run(&["scan"]).expect_code(0);
    t.write("a.py", format!("token = '{GHP}'\n"));
    t.run(&["scan"]).expect_code(1);
    t.write(".blastwall.toml", "[allowlist]\npaths = [\"a.py\"]\n");
    let r = t.run(&["scan", "--format", "json"]);
    r.expect_code(0);
    assert_eq!(r.json()["summary"]["skipped"]["allowlisted"], 1);
    // Allowlisting by hash: `blastwall hash` prints it, the config stores only it.
    let mut hash = blastwall(t.path());
    hash.arg("hash")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = hash.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(GHP.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let digest = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(digest.len(), 64);
    t.write(
        ".blastwall.toml",
        format!("[allowlist]\nsecrets = [\"{digest}\"]\n"),
    );
    t.run(&["scan"]).expect_code(0);
}

#[test]
fn malformed_config_names_file_line_and_column() {
    let t = Tree::new();
    t.write("a.txt", "x\n");
    t.write(
        ".blastwall.toml",
        "[policy]\nblock = \"high\"\nunknown_key = 1\n",
    );
    let r = t.run(&["scan"]);
    r.expect_code(2);
    assert!(r.stderr.contains(".blastwall.toml:3:1"), "{}", r.stderr);
    assert!(
        r.stderr.contains("unknown field `unknown_key`"),
        "{}",
        r.stderr
    );
    t.write(".blastwall.toml", "[policy\nblock = 1\n");
    let r = t.run(&["scan"]);
    r.expect_code(2);
    assert!(r.stderr.contains(".blastwall.toml:1:"), "{}", r.stderr);
    t.write(".blastwall.toml", "[policy]\nblock = \"severe\"\n");
    let r = t.run(&["scan"]);
    r.expect_code(2);
    assert!(r.stderr.contains(".blastwall.toml:2:9"), "{}", r.stderr);
}

#[test]
fn explicit_config_and_custom_rule() {
    let t = Tree::new();
    t.write(
        "custom.toml",
        r#"[policy]
block = "medium"

[[rule]]
id = "acme-deploy-key"
provider = "Acme"
description = "Acme deploy key"
keywords = ["acmedk_"]
regex = '''\b(acmedk_[a-z0-9]{24})\b'''
tier = "medium"
why = "Deploys to Acme production."
fix = "Use an Acme staging key."
"#,
    );
    t.write("deploy.sh", "ACME=acmedk_q8w7e6r5t4y3u2i1o9p8a7s6\n");
    t.run(&["scan"]).expect_code(0);
    let r = t.run(&["--config", "custom.toml", "scan", "--format", "json"]);
    r.expect_code(1);
    assert_eq!(rules_of(&r.json()), vec!["acme-deploy-key"]);
}

#[test]
fn color_only_when_asked_or_on_a_terminal() {
    let t = Tree::new();
    t.write("k.txt", format!("{GHP}\n"));
    let plain = t.run(&["scan"]);
    assert!(!plain.stdout.contains('\u{1b}'), "no colour into a pipe");
    let colored = t.run(&["--color", "always", "scan"]);
    assert!(colored.stdout.contains('\u{1b}'), "--color always colours");
}

/// No output format ever contains a whole secret, for every example of every
/// built-in rule.
#[test]
fn no_format_prints_a_whole_secret_for_any_rule_example() {
    use blastwall::config::Config;
    let t = Tree::new();
    let config = Config::defaults().unwrap();
    let engine = blastwall::engine::Engine::for_config(&config).unwrap();
    // Text the reports print anyway (descriptions, why, fix): a "secret" that
    // is a word in it (a default password like `postgres`) proves nothing.
    let static_text: String = engine
        .rules
        .rules()
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {}\n",
                r.id, r.provider, r.description, r.why, r.fix
            )
        })
        .collect();
    let mut secrets: Vec<String> = Vec::new();
    let with_examples = blastwall::rules::with_examples(engine.rules.rules().to_vec());
    for (i, rule) in with_examples.iter().enumerate() {
        for (j, ex) in rule.examples.iter().enumerate() {
            let name = ex
                .path()
                .unwrap_or(blastwall::engine::selftest::DEFAULT_EXAMPLE_PATH);
            let rel = format!("r{i:03}-{j}/{name}");
            t.write(&rel, ex.text());
            for f in engine.scan(&rel, ex.text().as_bytes()).unwrap() {
                let s = String::from_utf8_lossy(f.secret.expose()).into_owned();
                if s.len() >= 8 && !static_text.contains(&s) {
                    secrets.push(s);
                }
            }
        }
    }
    assert!(secrets.len() > 20, "examples produce findings");
    for format in ["human", "json", "sarif"] {
        let r = t.run(&["scan", "--no-default-skips", "--format", format]);
        assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        let out = r.all();
        for s in &secrets {
            assert!(
                !out.contains(s.as_str()),
                "{format} output contains a whole secret (redacted as {})",
                blastwall::finding::Secret::new(s.as_bytes()).redacted()
            );
        }
    }
}

#[test]
fn malformed_rules_file_names_file_line_and_column() {
    let t = Tree::new();
    t.write(
        "bad-rules.toml",
        "[[rule]]\nid = \"x-y\"\nprovider = \"p\"\ndescription = \"d\"\nkeywords = [\"ab\"]\nregex = 'ab('\ntier = \"low\"\nwhy = \"w\"\nfix = \"f\"\n",
    );
    let r = t.run(&["rules", "test", "--rules", "bad-rules.toml"]);
    r.expect_code(2);
    assert!(r.stderr.contains("bad-rules.toml:6:9"), "{}", r.stderr);
    assert!(r.stderr.contains("regex does not compile"), "{}", r.stderr);
    t.write("bad-rules.toml", "[[rule]]\nid = \"x-y\"\nseverity = 3\n");
    let r = t.run(&["rules", "test", "--rules", "bad-rules.toml"]);
    r.expect_code(2);
    assert!(r.stderr.contains("bad-rules.toml:"), "{}", r.stderr);
}

#[test]
fn builtin_rules_self_test_passes_from_the_command_line() {
    let t = Tree::new();
    let r = t.run(&["rules", "test"]);
    r.expect_code(0);
    assert!(r.stdout.contains("all pass"), "{}", r.stdout);
    let list = t.run(&["rules", "list", "--format", "json"]);
    list.expect_code(0);
    assert!(list.json().as_array().unwrap().len() >= 200);
}
