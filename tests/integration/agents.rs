//! `blastwall agent-hook AGENT`: each agent's documented events (the
//! fixtures in tests/fixtures/agents, one per event) fed to the real binary
//! in a real repository with a git-ignored `.env` holding a critical token,
//! clean files, and a low-tier key that may be read. Every verdict and
//! output format, the fail-closed cases, install/uninstall round trips per
//! agent, and that no output ever contains the secret.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agents")
}

/// A repository an agent works in: `.env` (git-ignored) with a critical
/// token, `stripe.env` with a low-tier test key, clean source files.
fn workspace() -> TestRepo {
    let r = TestRepo::new();
    r.write(".gitignore", ".env\n");
    r.write("README.md", "hello\n");
    r.write("src/main.rs", "fn main() {}\n");
    r.commit_all("init");
    r.write(".env", format!("GITHUB_TOKEN={GHP}\n"));
    r.write("stripe.env", format!("STRIPE_KEY={STRIPE_TEST}\n"));
    r
}

/// A fixture with `/repo` pointing at `root` and placeholders made real.
fn fixture(agent: &str, name: &str, root: &Path) -> String {
    let text = std::fs::read_to_string(fixtures().join(agent).join(name)).unwrap();
    text.replace("/repo", &root.display().to_string()).replace(
        "sk-proj-PLACEHOLDERabcdefghijklmnopqrstuvwxyz0123456789",
        GHP,
    )
}

/// Runs the hook for `agent` with `input` on stdin, in `r`.
fn hook(r: &TestRepo, agent: &str, input: &str) -> Run {
    r.run_with(&["agent-hook", agent], &[], input)
}

fn denied(run: &Run) -> Value {
    assert_eq!(run.code, 0, "a deny is exit 0 with JSON: {}", run.all());
    assert!(
        !run.stdout.trim().is_empty(),
        "no decision printed: {}",
        run.all()
    );
    assert!(
        !run.all().contains(GHP),
        "the secret was printed:\n{}",
        run.all()
    );
    serde_json::from_str(run.stdout.trim()).expect("one JSON object")
}

fn allowed(run: &Run) {
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(
        run.stdout, "",
        "an allowed call prints nothing: {}",
        run.stdout
    );
}

/// A tool event of `agent` running `tool` with `input`, in its own format.
fn tool_event(agent: &str, root: &Path, tool: &str, input: Value) -> String {
    let cwd = root.display().to_string();
    let v = match agent {
        "copilot" => {
            serde_json::json!({"sessionId": "s", "timestamp": 1, "cwd": cwd, "toolName": tool, "toolArgs": input.to_string()})
        }
        "gemini" => {
            serde_json::json!({"session_id": "s", "cwd": cwd, "hook_event_name": "BeforeTool", "tool_name": tool, "tool_input": input})
        }
        "cursor" => {
            serde_json::json!({"hook_event_name": "preToolUse", "conversation_id": "c", "workspace_roots": [cwd], "cwd": cwd, "tool_name": tool, "tool_input": input})
        }
        _ => {
            serde_json::json!({"session_id": "s", "cwd": cwd, "hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": input, "tool_use_id": "t"})
        }
    };
    v.to_string()
}

/// The shell tool's name in each agent.
fn shell_tool(agent: &str) -> &'static str {
    match agent {
        "gemini" => "run_shell_command",
        "copilot" => "bash",
        "cursor" => "Shell",
        _ => "Bash",
    }
}

fn shell(r: &TestRepo, agent: &str, command: &str) -> Run {
    let input = tool_event(
        agent,
        r.path(),
        shell_tool(agent),
        serde_json::json!({"command": command}),
    );
    hook(r, agent, &input)
}

// ------------------------------------------------------- fixtures, verdicts

#[test]
fn every_fixture_reading_the_env_file_is_denied_in_the_agents_format() {
    let r = workspace();
    let cases = [
        (
            "claude",
            "PreToolUse.Read.json",
            "/hookSpecificOutput/permissionDecision",
            "deny",
        ),
        (
            "claude",
            "PreToolUse.Bash.json",
            "/hookSpecificOutput/permissionDecision",
            "deny",
        ),
        (
            "claude",
            "PreToolUse.Grep.json",
            "/hookSpecificOutput/permissionDecision",
            "deny",
        ),
        (
            "claude",
            "PreToolUse.mcp__filesystem__read_text_file.json",
            "/hookSpecificOutput/permissionDecision",
            "deny",
        ),
        ("claude", "UserPromptSubmit.json", "/decision", "block"),
        (
            "codex",
            "PreToolUse.Bash.json",
            "/hookSpecificOutput/permissionDecision",
            "deny",
        ),
        (
            "codex",
            "PreToolUse.mcp__filesystem__read_text_file.json",
            "/hookSpecificOutput/permissionDecision",
            "deny",
        ),
        ("cursor", "beforeShellExecution.json", "/permission", "deny"),
        ("cursor", "beforeReadFile.json", "/permission", "deny"),
        ("cursor", "beforeMCPExecution.json", "/permission", "deny"),
        (
            "cursor",
            "beforeMCPExecution.string-tool_input.json",
            "/permission",
            "deny",
        ),
        ("cursor", "beforeSubmitPrompt.json", "/continue", "false"),
        ("cursor", "preToolUse.Read.json", "/permission", "deny"),
        ("cursor", "preToolUse.Shell.json", "/permission", "deny"),
        ("gemini", "BeforeTool.read_file.json", "/decision", "deny"),
        (
            "gemini",
            "BeforeTool.read_file.legacy-absolute_path.json",
            "/decision",
            "deny",
        ),
        (
            "gemini",
            "BeforeTool.read_many_files.json",
            "/decision",
            "deny",
        ),
        (
            "gemini",
            "BeforeTool.read_many_files.legacy-paths.json",
            "/decision",
            "deny",
        ),
        (
            "gemini",
            "BeforeTool.run_shell_command.json",
            "/decision",
            "deny",
        ),
        (
            "gemini",
            "BeforeTool.mcp__filesystem__read_text_file.json",
            "/decision",
            "deny",
        ),
        ("gemini", "BeforeAgent.json", "/decision", "deny"),
        (
            "copilot",
            "preToolUse.bash.camel.json",
            "/permissionDecision",
            "deny",
        ),
        (
            "copilot",
            "preToolUse.view.camel.json",
            "/permissionDecision",
            "deny",
        ),
        (
            "copilot",
            "PreToolUse.bash.snake.json",
            "/permissionDecision",
            "deny",
        ),
        (
            "copilot",
            "PreToolUse.view.snake.json",
            "/permissionDecision",
            "deny",
        ),
    ];
    let mut failures = Vec::new();
    for (agent, name, pointer, want) in cases {
        let run = hook(&r, agent, &fixture(agent, name, r.path()));
        if run.code != 0 || run.stdout.trim().is_empty() {
            failures.push(format!(
                "{agent}/{name}: exit {} stdout {:?} stderr {}",
                run.code, run.stdout, run.stderr
            ));
            continue;
        }
        let v = denied(&run);
        let got = v
            .pointer(pointer)
            .map(|x| x.to_string().trim_matches('"').to_string());
        if got.as_deref() != Some(want) {
            failures.push(format!(
                "{agent}/{name}: {pointer} = {got:?}, want {want}: {v}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixtures_that_reach_no_credential_are_allowed() {
    let r = workspace();
    for (agent, name) in [
        ("claude", "PreToolUse.Glob.json"),
        ("gemini", "BeforeTool.glob.json"),
    ] {
        allowed(&hook(&r, agent, &fixture(agent, name, r.path())));
    }
}

#[test]
fn reads_of_clean_and_low_tier_files_are_allowed_on_every_agent() {
    let r = workspace();
    for agent in ["claude", "codex", "cursor", "gemini", "copilot"] {
        allowed(&shell(&r, agent, "cat README.md src/main.rs"));
        allowed(&shell(&r, agent, "cat stripe.env"));
        let run = shell(&r, agent, "cat .env");
        denied(&run);
    }
}

#[test]
fn cursor_read_file_content_is_scanned_as_given() {
    let r = workspace();
    let event = |content: &str| {
        serde_json::json!({"hook_event_name": "beforeReadFile", "conversation_id": "c", "workspace_roots": [r.path()],
            "file_path": r.path().join("notes.txt"), "content": content}).to_string()
    };
    let v = denied(&hook(&r, "cursor", &event(&format!("token: {GHP}\n"))));
    assert_eq!(v["permission"], "deny");
    allowed(&hook(&r, "cursor", &event("nothing secret\n")));
}

// --------------------------------------------------------------------- shell

#[test]
fn shell_commands_that_read_the_credential_are_denied() {
    let r = workspace();
    for cmd in [
        "cat .env",
        "grep -r TOKEN .",
        "rg TOKEN",
        "sed -n 1p .env",
        "cp .env /tmp/copy",
        "source .env && echo $GITHUB_TOKEN",
        ". ./.env",
        "base64 .env",
        "tar c . | gzip > /tmp/x.tgz",
        "python3 -c \"print(open('.env').read())\"",
        "bash -c 'head -1 .env'",
        "cd src && cat ../.env",
        "echo $(cat .env)",
        "sort < .env",
        "cat .en*",
        "FOO=1 sudo cat ./.env",
        "xargs cat <<< .env; cat .env",
    ] {
        let run = shell(&r, "claude", cmd);
        let v = denied(&run);
        assert_eq!(
            v["hookSpecificOutput"]["permissionDecision"], "deny",
            "{cmd}"
        );
    }
}

#[test]
fn shell_commands_that_only_list_names_are_allowed() {
    let r = workspace();
    for cmd in [
        "ls -la",
        "ls .env",
        "find . -name '.env*'",
        "git status",
        "git log --oneline -3",
        "echo .env",
        "wc -l .env",
        "cat README.md | grep hello",
        "grep TOKEN src/main.rs",
        "git push -n origin main",
        "git config --get core.hooksPath",
        "rm -f /tmp/nothing",
    ] {
        allowed(&shell(&r, "claude", cmd));
    }
}

#[test]
fn disarming_blastwall_is_denied() {
    let r = workspace();
    r.run(&["install"]).expect_code(0);
    for cmd in [
        "git commit --no-verify -m wip",
        "git commit -nm wip",
        "git commit -a -n -m wip",
        "git merge --no-verify topic",
        "git push --no-verify origin main",
        "git -c core.hooksPath=/dev/null commit -m x",
        "git config core.hooksPath /tmp/nohooks",
        "git config --global core.hooksPath /tmp/nohooks",
        "SKIP=blastwall git commit -m x",
        "HUSKY=0 git commit -m x",
        "export HUSKY=0",
        "blastwall uninstall",
        "blastwall accept 0123456789abcdef --reason x",
        "blastwall baseline --update",
        "rm .git/hooks/pre-commit",
        "mv .git/hooks/pre-commit /tmp/",
        "echo '[allowlist]' > .blastwall.toml",
        "printf x >> .blastwall-baseline.json",
        "sed -i 's/blastwall//' .claude/settings.json",
        "cp /tmp/mine .cursor/hooks.json",
        "rm -rf .git/hooks",
    ] {
        let run = shell(&r, "codex", cmd);
        let v = denied(&run);
        assert_eq!(
            v["hookSpecificOutput"]["permissionDecision"], "deny",
            "{cmd}: {v}"
        );
    }
}

// ----------------------------------------------------------- writes, prompts

#[test]
fn writing_a_credential_or_a_protected_file_is_denied() {
    let r = workspace();
    let root = r.path().display().to_string();
    let write = |agent: &str, tool: &str, input: Value| {
        hook(&r, agent, &tool_event(agent, r.path(), tool, input))
    };
    let token_line = format!("const TOKEN = \"{GHP}\";\n");
    denied(&write(
        "claude",
        "Write",
        serde_json::json!({"file_path": format!("{root}/src/config.ts"), "content": token_line}),
    ));
    denied(&write(
        "claude",
        "Edit",
        serde_json::json!({"file_path": format!("{root}/src/main.rs"), "old_string": "a", "new_string": token_line}),
    ));
    denied(&write(
        "claude",
        "MultiEdit",
        serde_json::json!({"file_path": format!("{root}/src/main.rs"), "edits": [{"old_string": "a", "new_string": token_line}]}),
    ));
    denied(&write(
        "gemini",
        "write_file",
        serde_json::json!({"file_path": format!("{root}/x.py"), "content": token_line}),
    ));
    denied(&write(
        "gemini",
        "replace",
        serde_json::json!({"file_path": format!("{root}/x.py"), "old_string": "a", "new_string": token_line}),
    ));
    denied(&write(
        "copilot",
        "create",
        serde_json::json!({"path": format!("{root}/x.py"), "file_text": token_line}),
    ));
    denied(&write(
        "claude",
        "Edit",
        serde_json::json!({"file_path": format!("{root}/.blastwall.toml"), "old_string": "", "new_string": "[allowlist]\n"}),
    ));
    denied(&write(
        "claude",
        "Write",
        serde_json::json!({"file_path": format!("{root}/.git/hooks/pre-commit"), "content": "exit 0\n"}),
    ));
    allowed(&write(
        "claude",
        "Write",
        serde_json::json!({"file_path": format!("{root}/src/ok.rs"), "content": "let token = std::env::var(\"GITHUB_TOKEN\");\n"}),
    ));
    let patch = format!(
        "*** Begin Patch\n*** Add File: {root}/src/k.rs\n+let t = \"{GHP}\";\n*** End Patch\n"
    );
    denied(&write(
        "codex",
        "apply_patch",
        serde_json::json!({"command": patch}),
    ));
    let patch = format!(
        "*** Begin Patch\n*** Update File: {root}/.blastwall.toml\n@@\n+[allowlist]\n*** End Patch\n"
    );
    denied(&write(
        "codex",
        "apply_patch",
        serde_json::json!({"command": patch}),
    ));
}

#[test]
fn prompts_carrying_or_mentioning_a_credential_are_blocked() {
    let r = workspace();
    let cwd = r.path().display().to_string();
    let claude = |prompt: &str| {
        serde_json::json!({"session_id": "s", "cwd": cwd, "hook_event_name": "UserPromptSubmit", "prompt": prompt}).to_string()
    };
    let v = denied(&hook(
        &r,
        "claude",
        &claude(&format!("use this token {GHP} to push")),
    ));
    assert_eq!(v["decision"], "block");
    denied(&hook(&r, "claude", &claude("why does @.env not load?")));
    allowed(&hook(&r, "claude", &claude("explain @src/main.rs please")));
    let gemini = serde_json::json!({"session_id": "s", "cwd": cwd, "hook_event_name": "BeforeAgent", "prompt": format!("token {GHP}")}).to_string();
    assert_eq!(denied(&hook(&r, "gemini", &gemini))["decision"], "deny");
    let copilot =
        serde_json::json!({"sessionId": "s", "cwd": cwd, "prompt": "read @.env"}).to_string();
    assert_eq!(denied(&hook(&r, "copilot", &copilot))["decision"], "block");
}

// ----------------------------------------------------------------- fail closed

#[test]
fn malformed_or_unknown_input_denies_with_exit_2() {
    let r = workspace();
    for agent in ["claude", "codex", "cursor", "gemini", "copilot"] {
        for input in [
            "",
            "not json",
            "[]",
            "{\"hook_event_name\":\"Whatever\",\"cwd\":\"/\"}",
        ] {
            let run = hook(&r, agent, input);
            assert_eq!(run.code, 2, "{agent} {input:?}: {}", run.all());
            assert!(run.stderr.contains("fail closed"), "{}", run.stderr);
            let v: Value =
                serde_json::from_str(run.stdout.trim()).expect("a deny object even on failure");
            assert!(
                v.to_string().contains("deny")
                    || v.to_string().contains("block")
                    || v["continue"] == false,
                "{agent}: {v}"
            );
        }
    }
    // A broken config cannot be read: deny, not a pass.
    r.write(".blastwall.toml", "[agent]\ndeny = \"nope\"\n");
    let run = shell(&r, "claude", "ls");
    assert_eq!(run.code, 2, "{}", run.all());
}

#[test]
fn a_lower_deny_tier_in_the_config_is_honoured() {
    let r = workspace();
    r.write(".blastwall.toml", "[agent]\ndeny = \"low\"\n");
    denied(&shell(&r, "claude", "cat stripe.env"));
}

// ---------------------------------------------------------- install, uninstall

#[test]
fn install_and_uninstall_round_trip_for_every_agent() {
    let r = workspace();
    let theirs = "{\n  \"hooks\": {\n    \"PreToolUse\": [\n      {\n        \"matcher\": \"Bash\",\n        \"hooks\": [\n          {\n            \"type\": \"command\",\n            \"command\": \"./lint.sh\"\n          }\n        ]\n      }\n    ]\n  }\n}\n";
    r.write(".claude/settings.json", theirs);
    r.run(&["install", "--agent", "all"]).expect_code(0);
    for (file, needle) in [
        (".claude/settings.json", "agent-hook claude"),
        (".cursor/hooks.json", "agent-hook cursor"),
        (".codex/hooks.json", "agent-hook codex"),
        (".gemini/settings.json", "agent-hook gemini"),
        (".github/hooks/blastwall.json", "agent-hook copilot"),
    ] {
        let text = std::fs::read_to_string(r.path().join(file)).unwrap();
        assert!(text.contains(needle), "{file}: {text}");
        let _: Value = serde_json::from_str(&text).expect("valid JSON");
    }
    let claude = std::fs::read_to_string(r.path().join(".claude/settings.json")).unwrap();
    assert!(
        claude.contains("./lint.sh"),
        "others' hooks are kept: {claude}"
    );
    // Idempotent.
    let before: Vec<String> = [".claude/settings.json", ".cursor/hooks.json"]
        .iter()
        .map(|f| std::fs::read_to_string(r.path().join(f)).unwrap())
        .collect();
    r.run(&["install", "--agent", "all"]).expect_code(0);
    let after: Vec<String> = [".claude/settings.json", ".cursor/hooks.json"]
        .iter()
        .map(|f| std::fs::read_to_string(r.path().join(f)).unwrap())
        .collect();
    assert_eq!(before, after);
    // The installed command works as the agent would run it.
    let cmd = {
        let v: Value = serde_json::from_str(
            &std::fs::read_to_string(r.path().join(".codex/hooks.json")).unwrap(),
        )
        .unwrap();
        v["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(cmd.ends_with("agent-hook codex"), "{cmd}");
    r.run(&["uninstall", "--agent", "all"]).expect_code(0);
    let back: Value = serde_json::from_str(
        &std::fs::read_to_string(r.path().join(".claude/settings.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        back,
        serde_json::from_str::<Value>(theirs).unwrap(),
        "exactly blastwall's entries removed"
    );
    for file in [
        ".cursor/hooks.json",
        ".codex/hooks.json",
        ".gemini/settings.json",
        ".github/hooks/blastwall.json",
    ] {
        assert!(!r.path().join(file).exists(), "{file} left behind");
    }
}

#[test]
fn global_agent_install_goes_to_the_home_directory() {
    let r = workspace();
    let home = Tree::new();
    let run = |args: &[&str]| r.run_with(args, &[("HOME", &home.path().display().to_string())], "");
    run(&["install", "--agent", "claude", "--global"]).expect_code(0);
    assert!(home.path().join(".claude/settings.json").is_file());
    run(&["uninstall", "--agent", "claude", "--global"]).expect_code(0);
    assert!(!home.path().join(".claude/settings.json").exists());
}

#[test]
fn audit_reads_what_agents_leave_behind() {
    let r = workspace();
    let home = Tree::new();
    home.write(
        ".claude/projects/-repo/abc.jsonl",
        format!("{{\"role\":\"user\",\"content\":\"token {GHP}\"}}\n"),
    );
    let run = r.run_with(
        &[
            "audit",
            "--no-env",
            "--home",
            &home.path().display().to_string(),
            "--format",
            "json",
        ],
        &[],
        "",
    );
    run.expect_code(0);
    assert!(
        run.stdout.contains(".claude/projects/-repo/abc.jsonl"),
        "{}",
        run.stdout
    );
    assert!(!run.all().contains(GHP));
}
