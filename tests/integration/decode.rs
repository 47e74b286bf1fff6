//! Decoding layers and checksums end to end: a credential hidden behind an
//! encoding is found, reported at the encoded text, and says how it was
//! found; a token whose checksum fails is reported below the blocking tiers.

use crate::common::*;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// A fabricated PEM private key: armour around generated base64 (random
/// bytes of a fixed seed, not a key anyone holds).
fn fake_pem() -> String {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let bytes: Vec<u8> = (0..900)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let body = STANDARD.encode(bytes);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        lines.join("\n")
    )
}

#[test]
fn base64_pem_in_a_kubernetes_secret_blocks_the_commit() {
    let r = TestRepo::published_only();
    r.write("README.md", "hello\n");
    r.commit_all("init");
    r.run(&["install", "--pre-commit"]).expect_code(0);
    let encoded = STANDARD.encode(fake_pem());
    r.write(
        "deploy/tls.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.key: {encoded}\n"
        ),
    );
    r.git(&["add", "deploy/tls.yaml"]);
    let before = r.git(&["rev-parse", "HEAD"]);
    let commit = r.git_run(&["commit", "-m", "add tls secret"]);
    assert_ne!(commit.code, 0, "commit should be blocked");
    assert!(commit.stderr.contains("private-key"), "{}", commit.stderr);
    assert!(
        commit.stderr.contains("base64-decoded"),
        "{}",
        commit.stderr
    );
    assert!(
        commit.stderr.contains("deploy/tls.yaml:7:12"),
        "{}",
        commit.stderr
    );
    assert_eq!(r.git(&["rev-parse", "HEAD"]), before);
    let j = r.run(&["pre-commit", "--format", "json"]).json();
    let f = &j["findings"][0];
    assert_eq!(f["rule"], "private-key");
    assert_eq!(f["decoded"], "base64-decoded");
    assert_eq!(f["line"], 7);
    assert!(!j.to_string().contains(&encoded[40..80]), "secret printed");
}

#[test]
fn token_split_across_literals_is_found_at_the_split() {
    let t = Tree::new();
    let (head, tail) = GHP.split_at(18);
    t.write(
        "src/client.js",
        format!("const a = 1;\nconst token = \"{head}\" +\n    \"{tail}\";\n"),
    );
    let r = t.run(&["scan", "--format", "json"]);
    r.expect_code(1);
    let j = r.json();
    let f = &j["findings"][0];
    assert_eq!(f["rule"], "github-classic-pat");
    assert_eq!(f["tier"], "critical");
    assert_eq!(f["decoded"], "string literals joined");
    assert_eq!(f["line"], 2);
    assert!(
        f["note"].as_str().unwrap().contains("checksum is valid"),
        "{f}"
    );
    assert!(!r.all().contains(GHP), "secret printed");
}

#[test]
fn url_encoded_and_escaped_tokens_are_found() {
    let t = Tree::new();
    let escaped: String = GHP
        .chars()
        .map(|c| format!("\\x{:02x}", c as u32))
        .collect();
    t.write("a.py", format!("x = \"{escaped}\"\n"));
    let url = GHP.replace('_', "%5F");
    t.write(
        "b.txt",
        format!("see https://example.test/cb?t={url}&x=1\n"),
    );
    let j = t.run(&["scan", "--format", "json"]).json();
    let mut got: Vec<(String, String)> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["decoded"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("a.py".to_string(), "string escapes decoded".to_string()),
            ("b.txt".to_string(), "URL-decoded".to_string()),
        ]
    );
}

#[test]
fn invalid_checksum_is_reported_low_not_blocking() {
    let t = Tree::new();
    // The real checksum's last character changed.
    let last = GHP.chars().last().unwrap();
    let bad = format!("{}{}", &GHP[..39], if last == 'A' { 'B' } else { 'A' });
    t.write("cfg.env", format!("GITHUB_TOKEN={bad}\n"));
    let r = t.run(&["scan", "--format", "json"]);
    r.expect_code(0);
    let j = r.json();
    let f = &j["findings"][0];
    assert_eq!(f["rule"], "github-classic-pat");
    assert_eq!(f["tier"], "low");
    assert!(
        f["note"]
            .as_str()
            .unwrap()
            .contains("checksum does not match"),
        "{f}"
    );
}
