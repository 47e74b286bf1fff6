//! File names that mark a credential store.
//!
//! Size limits and dependency-folder skips exist to keep scans fast on code
//! nobody writes secrets into. A file whose name says it holds credentials
//! (`.env`, a Terraform state, a kubeconfig, a key file) is the opposite: it
//! is read whatever its size (streamed, in bounded memory), and looked for
//! even inside skipped folders (`deploy/target/prod.env`).

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::sync::OnceLock;

/// Globs over a `/`-separated path; a pattern without `/` matches the file
/// name at any depth.
const PATTERNS: &[&str] = &[
    ".env",
    ".env.*",
    "*.env",
    ".envrc",
    "*.tfstate",
    "*.tfstate.*",
    "*.tfvars",
    "*.tfvars.json",
    "*.auto.tfvars",
    "kubeconfig",
    "kubeconfig.*",
    "*.kubeconfig",
    "**/.kube/config",
    "credentials",
    "credentials.*",
    "*credentials*.json",
    "*.credentials",
    ".netrc",
    "_netrc",
    ".git-credentials",
    ".npmrc",
    ".pypirc",
    ".pgpass",
    "*.pem",
    "*.key",
    "*.p8",
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "secrets.*",
    "*.secrets",
    "*.secret",
    "service-account*.json",
    "**/.docker/config.json",
    "**/.aws/config",
];

fn set() -> &'static GlobSet {
    static SET: OnceLock<GlobSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut b = GlobSetBuilder::new();
        for p in PATTERNS {
            let pattern = if p.contains('/') {
                (*p).to_string()
            } else {
                format!("**/{p}")
            };
            b.add(
                GlobBuilder::new(&pattern)
                    .literal_separator(true)
                    .case_insensitive(true)
                    .build()
                    .expect("credential-store globs are valid"),
            );
        }
        b.build().expect("credential-store globs are valid")
    })
}

/// Whether the file at `path` (`/`-separated) is named like a credential store.
pub fn is_credential_store(path: &str) -> bool {
    set().is_match(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_hold_credentials() {
        for p in [
            ".env",
            "app/.env.production",
            "deploy/target/prod.env",
            "infra/prod.tfstate",
            "infra/terraform.tfstate.backup",
            "vars/prod.tfvars",
            "home/.kube/config",
            "ci/kubeconfig",
            "aws/credentials",
            "keys/server.pem",
            "id_ed25519",
            "gcp/service-account-prod.json",
        ] {
            assert!(is_credential_store(p), "{p}");
        }
        for p in [
            "src/env.rs",
            "README.md",
            "id_ed25519.pub",
            "config/app.yaml",
            "docs/keys.md",
        ] {
            assert!(!is_credential_store(p), "{p}");
        }
    }
}
