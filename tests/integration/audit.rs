//! `blastwall audit`: what an agent session started here would inherit,
//! from a fake home directory of realistic credential files and from the
//! environment of a child process.

use crate::common::*;
use std::collections::BTreeMap;

/// Fabricated values in each provider's format.
const AKIA: &str = "AKIAQ7WM2ZR4KX4TB7NV";
const AWS_SECRET: &str = "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";
const GHO: &str = "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";
const NPM: &str = "npm_GY7kQ2mX9vL4pT8cW1zR6gH3sD5fJ0aB7nY2e";
const DOP: &str = "dop_v1_eb8450ae2a1c5ed5571342c3967d286c8a160d1cf407d30366a02402f6d2c624";
const SBP: &str = "sbp_3a9f1c7e2b8d4a6f0c5e9b1d7a3f8c2e6b0d4a9f";
const RK_LIVE: &str = "rk_live_51Hq8cT2eZvKYlo2C9aB3dE4fG5hJ6kL7mN8pQ";
const ANT: &str = "sk-ant-api03-wfgItIepZEufUlSoU5AZzcWQa3oBC4IPlNKnhdW2_SFi2DmZVVrLvHdgwHvpsbgh5AXLbTKs9JrlLpi15sXvJ_SmgJqwkAA";

fn fake_home() -> Tree {
    let h = Tree::new();
    h.write(
        ".aws/credentials",
        format!("[default]\naws_access_key_id = {AKIA}\naws_secret_access_key = {AWS_SECRET}\n"),
    );
    h.write(
        ".config/gh/hosts.yml",
        format!("github.com:\n    user: dev\n    oauth_token: {GHO}\n"),
    );
    h.write(
        ".railway/config.json",
        r#"{"user": {"token": "rw_Fe26.2**a8b0c6d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5"}}"#,
    );
    h.write(
        ".npmrc",
        format!("//registry.npmjs.org/:_authToken={NPM}\n"),
    );
    h.write(
        ".git-credentials",
        format!("https://dev:{GHP}@github.com\n"),
    );
    h.write(
        ".config/doctl/config.yaml",
        format!("access-token: {DOP}\n"),
    );
    h.write(".supabase/access-token", SBP);
    h.write(
        ".config/stripe/config.toml",
        format!("[default]\nlive_mode_api_key = \"{RK_LIVE}\"\n"),
    );
    h.write(
        ".local/share/com.vercel.cli/auth.json",
        r#"{"token": "q7Wm2Zr9Kx4Tb8Nv3Yc6Hd1J"}"#,
    );
    h.write(
        ".config/.wrangler/config/default.toml",
        "oauth_token = \"hs1UqW7m2Zr9Kx4Tb8Nv3Yc6Hd1Jf5Gs0LpQ2wE4rT6yU\"\n",
    );
    h.write(
        ".azure/msal_token_cache.json",
        r#"{"RefreshToken": {"k": {"secret": "1.ARwAq7Wm2Zr9Kx4Tb8Nv3Yc6Hd1Jf5Gs0Lp"}}}"#,
    );
    h.write(
        ".bash_history",
        format!("ls -la\nexport ANTHROPIC_API_KEY={ANT}\ngit status\n"),
    );
    h.write(
        ".cursor/mcp.json",
        format!(
            r#"{{"mcpServers": {{"supabase": {{"env": {{"SUPABASE_ACCESS_TOKEN": "{SBP}"}}}}}}}}"#
        ),
    );
    h
}

/// path → (rule, tier) of what audit reports from the home directory.
fn home_findings(j: &serde_json::Value) -> BTreeMap<String, (String, String)> {
    j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["origin"] == "home")
        .map(|f| {
            (
                format!("{}:{}", f["path"].as_str().unwrap(), f["line"]),
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["tier"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn finds_every_planted_home_credential_with_its_tier() {
    let home = fake_home();
    let work = TestRepo::new();
    let run = work.run(&[
        "audit",
        "--home",
        &home.path().display().to_string(),
        "--no-env",
        "--format",
        "json",
    ]);
    run.expect_code(0);
    let got = home_findings(&run.json());
    let want: &[(&str, &str, &str)] = &[
        ("~/.aws/credentials:2", "aws-access-key-id", "critical"),
        ("~/.aws/credentials:3", "aws-secret-access-key", "critical"),
        ("~/.config/gh/hosts.yml:3", "github-oauth-token", "critical"),
        (
            "~/.railway/config.json:1",
            "railway-cli-session",
            "critical",
        ),
        ("~/.git-credentials:1", "github-classic-pat", "critical"),
        (
            "~/.config/doctl/config.yaml:1",
            "digitalocean-token",
            "critical",
        ),
        (
            "~/.supabase/access-token:1",
            "supabase-personal-access-token",
            "critical",
        ),
        (
            "~/.local/share/com.vercel.cli/auth.json:1",
            "vercel-cli-session",
            "critical",
        ),
        (
            "~/.config/.wrangler/config/default.toml:1",
            "cloudflare-wrangler-oauth",
            "critical",
        ),
        (
            "~/.azure/msal_token_cache.json:1",
            "azure-cli-token-cache",
            "critical",
        ),
        (
            "~/.cursor/mcp.json:1",
            "supabase-personal-access-token",
            "critical",
        ),
        (
            "~/.config/stripe/config.toml:2",
            "stripe-live-restricted-key",
            "high",
        ),
        ("~/.bash_history:2", "anthropic-api-key", "medium"),
    ];
    for (at, rule, tier) in want {
        match got.get(*at) {
            Some((r, t)) => {
                assert_eq!(r, rule, "rule at {at}");
                assert_eq!(t, tier, "tier at {at}");
            }
            None => panic!("audit missed {at} ({rule}); found: {got:#?}"),
        }
    }
    assert!(
        got.keys().any(|k| k.starts_with("~/.npmrc:1")),
        "npm token: {got:#?}"
    );
    for secret in [AKIA, AWS_SECRET, GHO, NPM, SBP, RK_LIVE, ANT, GHP] {
        assert!(!run.all().contains(secret), "audit printed a whole secret");
    }
}

#[test]
fn human_table_groups_by_tier_and_names_the_most_dangerous() {
    let home = fake_home();
    let work = TestRepo::new();
    let run = work.run(&[
        "audit",
        "--home",
        &home.path().display().to_string(),
        "--no-env",
    ]);
    run.expect_code(0);
    let crit = run.stdout.find("CRITICAL (").expect("critical group");
    let high = run.stdout.find("HIGH (").expect("high group");
    let med = run.stdout.find("MEDIUM (").expect("medium group");
    assert!(crit < high && high < med, "{}", run.stdout);
    let last = run.stdout.lines().last().unwrap();
    assert!(
        last.starts_with("blastwall audit: an agent session here would inherit"),
        "{last}"
    );
    assert!(
        last.contains("most dangerous:") && last.ends_with("(critical)"),
        "{last}"
    );
    // --fail-on makes it a gate.
    work.run(&[
        "audit",
        "--home",
        &home.path().display().to_string(),
        "--no-env",
        "--fail-on",
        "critical",
    ])
    .expect_code(1);
}

#[test]
fn the_working_tree_and_the_environment_are_inherited_too() {
    let work = TestRepo::new();
    work.write(".gitignore", ".env\n");
    work.write(".env", format!("RAILWAY_API_TOKEN={RAILWAY_UUID}\n"));
    // The environment is read from a child process given this variable.
    let run = work.run_with(
        &["audit", "--no-home", "--format", "json"],
        &[
            ("DEPLOY_GITHUB_TOKEN", GHP),
            ("RAILWAY_API_TOKEN", RAILWAY_UUID),
        ],
        "",
    );
    run.expect_code(0);
    let j = run.json();
    let by_origin = |o: &str| -> Vec<(String, String)> {
        j["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["origin"] == o)
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["tier"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        by_origin("worktree"),
        vec![(".env".to_string(), "critical".to_string())]
    );
    let env = by_origin("environment");
    assert!(
        env.contains(&("$DEPLOY_GITHUB_TOKEN".to_string(), "critical".to_string())),
        "{env:?}"
    );
    assert!(
        env.contains(&("$RAILWAY_API_TOKEN".to_string(), "critical".to_string())),
        "{env:?}"
    );
    assert!(
        !run.all().contains(GHP) && !run.all().contains(RAILWAY_UUID),
        "secret printed"
    );
    // --no-env leaves the environment out.
    let quiet = work.run_with(
        &["audit", "--no-home", "--no-env", "--format", "json"],
        &[("DEPLOY_GITHUB_TOKEN", GHP)],
        "",
    );
    assert!(
        !quiet.stdout.contains("\"environment\""),
        "{}",
        quiet.stdout
    );
}
