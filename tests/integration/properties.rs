//! Properties over generated inputs: whatever a file holds and whatever a
//! `.blastwall.toml` says, every command exits 0, 1 or 2, and nothing it
//! writes for people carries a raw control character (a terminal would
//! obey it) or the whole of a planted secret.
//!
//! Inputs are built from fragments that reach the interesting code (real
//! credential shapes, control characters, UTF-16, broken TOML) mixed with
//! random bytes, so a few dozen cases cover far more than random bytes alone.

use crate::common::TestRepo;
use proptest::prelude::*;

/// Pieces of file content: credential shapes (fabricated here, of the right
/// form), terminal escapes, encodings, and noise.
fn content_fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        "[A-Za-z0-9]{36}".prop_map(|s| format!("GITHUB_TOKEN=ghp_{s}\n").into_bytes()),
        "[A-Z2-7]{16}".prop_map(|s| format!("aws_access_key_id = AKIA{s}\n").into_bytes()),
        "[A-Za-z0-9/+]{40}".prop_map(|s| format!("aws_secret_access_key = \"{s}\"\n").into_bytes()),
        "[a-f0-9]{8}".prop_map(
            |s| format!("RAILWAY_API_TOKEN={s}-8f4d-4e27-9da1-494c73cf256d\n").into_bytes()
        ),
        "[a-z]{3,12}".prop_map(|s| format!("password = \"{s}\"\n").into_bytes()),
        Just(b"sv=2022-11-02&sp=r\xc3\xa9l&se=20\xc3\xa924&sig=abc%2Fdef\n".to_vec()),
        Just(b"\x1b]0;title\x07\x1b[2J\r\x08\x7f\xc2\x9b31m\n".to_vec()),
        Just(b"\xff\xfep\x00a\x00s\x00s\x00=\x00x\x00\n\x00".to_vec()),
        Just(b"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n".to_vec()),
        Just("\u{202e}evil\u{2066}\n".as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..64),
    ]
}

fn content() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(content_fragment(), 0..6).prop_map(|parts| parts.concat())
}

/// A `.blastwall.toml`: valid settings, broken ones, and noise.
fn config() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("[policy]\nblock = \"medium\"\n".to_string()),
        Just("[policy]\nblock = \"nope\"\n".to_string()),
        Just("[allowlist]\npaths = [\"docs/**\"]\n".to_string()),
        Just("[allowlist]\nregexes = [\"(unclosed\"]\n".to_string()),
        Just("[reach]\nenabled = false\n".to_string()),
        "[a-z\\x1b\\x07\\r\"=\\[\\] \\n]{0,40}",
        "[[:print:]]{0,30}".prop_map(|s| format!(
            "[[rule]]\nid = \"x\"\nprovider = \"\\u001b[31m{}\"\n",
            s.replace(['"', '\\'], "")
        )),
    ];
    proptest::collection::vec(line, 0..3).prop_map(|v| v.concat())
}

/// A name for the file: ordinary, or with control characters.
fn file_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("app/.env".to_string()),
        Just("notes.txt".to_string()),
        Just("a\x1b[31mred\x07.txt".to_string()),
        Just("line\nbreak.env".to_string()),
        "[a-z]{1,8}\\.(py|json|yaml)",
    ]
}

/// The planted credentials' whole shapes: none may be printed whole.
fn whole_secret() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"ghp_[A-Za-z0-9]{36}|AKIA[A-Z2-7]{16}|[a-f0-9]{8}-8f4d-4e27-9da1-494c73cf256d",
        )
        .unwrap()
    })
}

fn check_redacted(what: &str, text: &str) {
    if let Some(m) = whole_secret().find(text) {
        panic!("{what} printed a whole secret ({} bytes)", m.len());
    }
}

fn check_printed(what: &str, text: &str) {
    check_redacted(what, text);
    if let Some(c) = text
        .chars()
        .find(|&c| c != '\n' && c != '\t' && c.is_control())
    {
        panic!("{what} printed a raw control character {c:?}:\n{text:?}");
    }
}

fn run_all(name: &str, body: &[u8], config: &str) {
    let repo = TestRepo::new();
    repo.write(".blastwall.toml", config);
    repo.write(name, body);
    repo.git(&["add", "-A"]);
    for args in [
        &["scan", "."][..],
        &["pre-commit"][..],
        &["audit", "--no-home"][..],
        &["scan", ".", "--format", "json"][..],
    ] {
        let run = repo.run(args);
        let what = format!("blastwall {}", args.join(" "));
        assert!(
            matches!(run.code, 0..=2),
            "{what} exited {}:\n{}",
            run.code,
            run.all()
        );
        check_printed(&what, &run.stderr);
        if args.contains(&"json") {
            check_redacted(&what, &run.stdout);
        } else {
            check_printed(&what, &run.stdout);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn every_command_exits_0_1_or_2_and_prints_no_raw_control_character(
        name in file_name(),
        body in content(),
        config in config(),
    ) {
        run_all(&name, &body, &config);
    }
}
