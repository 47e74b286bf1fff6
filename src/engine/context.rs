//! Context raises the tier of opaque credentials.
//!
//! Many high-impact formats look the same at every privilege level: a
//! Railway token is a bare UUID, a database password is any string. For
//! those — credentials a rule recognises by what surrounds them, not by a
//! prefix inside the value — the name they are assigned to and the file
//! they sit in say how dangerous they are: a value under `*_SERVICE_ROLE_KEY`,
//! `*_ADMIN_*`, `PROD*` or `*_PRODUCTION_*`, or in `.env.production`, ranks
//! one tier above the same value in `.env.test`. Formats that state their own
//! scope (`sk_test_`, a JWT's role) are left alone.
//!
//! Context also lowers confidence: a value in a test fixture, in
//! documentation or in a folder of test keys is most often a sample. Such
//! findings rank one tier lower (and a finding already at low is dropped),
//! with a note that says why — see [`lowering`] for the places and the
//! engine for which findings are exempt.

use crate::tier::Tier;

/// Name words that mark production or administrative reach.
const ELEVATED_WORDS: &[&str] = &[
    "prod",
    "production",
    "prd",
    "live",
    "admin",
    "administrator",
    "root",
    "master",
    "owner",
    "superuser",
    "service_role",
    "servicerole",
];

/// The identifier a value is assigned to on its line: `FOO_BAR` in
/// `export FOO_BAR="…"`, `"foo": "…"` or `foo: …`.
pub fn assigned_name(data: &[u8], secret_start: usize) -> &[u8] {
    let line_start = memchr::memrchr(b'\n', &data[..secret_start]).map_or(0, |p| p + 1);
    let before = &data[line_start..secret_start];
    // Skip back over the operator and quotes, then take the identifier.
    let mut end = before.len();
    while end > 0
        && matches!(
            before[end - 1],
            b' ' | b'\t' | b'"' | b'\'' | b'`' | b'=' | b':' | b'>' | b','
        )
    {
        end -= 1;
    }
    let mut start = end;
    while start > 0
        && (before[start - 1].is_ascii_alphanumeric()
            || matches!(before[start - 1], b'_' | b'-' | b'.'))
    {
        start -= 1;
    }
    &before[start..end]
}

fn words(name: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(name)
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Why the context ranks a credential higher, if it does.
pub fn elevation(name: &[u8], path: &str) -> Option<String> {
    let ws = words(name);
    let joined = ws.join("_");
    if let Some(w) = ELEVATED_WORDS
        .iter()
        .find(|w| ws.iter().any(|x| x == *w) || (w.contains('_') && joined.contains(*w)))
    {
        return Some(format!(
            "named {} (`{w}`): production or administrative reach, ranked one tier up",
            String::from_utf8_lossy(name)
        ));
    }
    let file = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let file_words: Vec<&str> = file.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    if file_words
        .iter()
        .any(|w| matches!(*w, "prod" | "production" | "prd" | "live"))
    {
        return Some(format!("in {file}: a production file, ranked one tier up"));
    }
    None
}

/// Folder names that hold test fixtures, mocks and test keys.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "testdata",
    "test-data",
    "test_data",
    "testing",
    "fixtures",
    "fixture",
    "__tests__",
    "__fixtures__",
    "__mocks__",
    "mocks",
    "spec",
    "specs",
    "e2e",
    "testcases",
    "test-vectors",
    "testvectors",
];

/// Folder names that hold documentation.
const DOC_DIRS: &[&str] = &["docs", "doc", "documentation", "man"];

/// Folder names that hold examples and samples: documentation in code form.
const EXAMPLE_DIRS: &[&str] = &["example", "examples", "sample", "samples", "demo", "demos"];

/// File extensions of documentation.
const DOC_EXTENSIONS: &[&str] = &["md", "markdown", "mdx", "rst", "adoc", "asciidoc", "pod"];

/// Whether a file name follows a test-file convention: `foo_test.go`,
/// `test_foo.py`, `foo.test.ts`, `foo.spec.js`, `FooTest.java`,
/// `foo_spec.rb`, `conftest.py`.
fn is_test_file(file: &str) -> bool {
    let stem = file.split('.').next().unwrap_or(file);
    let lower = file.to_ascii_lowercase();
    stem.ends_with("_test")
        || stem.ends_with("_tests")
        || stem.ends_with("_spec")
        || lower.starts_with("test_")
        || lower.contains(".test.")
        || lower.contains(".spec.")
        || lower == "conftest.py"
        || ((stem.ends_with("Test") || stem.ends_with("Tests")) && stem.len() > 4)
}

/// Why the file's place makes a sample more likely than a live credential:
/// a test fixture path, documentation, or a folder of test keys (the
/// `openssl`-style `certs/`, `keys/` folders under a test tree are test
/// paths already). `None` for ordinary files.
pub fn lowering(path: &str) -> Option<&'static str> {
    let mut parts = path.split('/');
    let file = parts.next_back().unwrap_or(path);
    let dirs: Vec<String> = parts.map(str::to_ascii_lowercase).collect();
    if dirs.iter().any(|d| TEST_DIRS.contains(&d.as_str())) || is_test_file(file) {
        return Some("in a test fixture path: most likely a sample, ranked one tier down");
    }
    let ext = file
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if dirs.iter().any(|d| DOC_DIRS.contains(&d.as_str())) || DOC_EXTENSIONS.contains(&ext.as_str())
    {
        return Some("in documentation: most likely an example, ranked one tier down");
    }
    // `foo.examples.json`, `examples-1.json`, `config.sample.yaml`,
    // `.env.example`: files that exist to show the shape of the real thing.
    let lower = file.to_ascii_lowercase();
    if dirs.iter().any(|d| EXAMPLE_DIRS.contains(&d.as_str()))
        || lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| matches!(w, "example" | "examples" | "sample" | "samples"))
    {
        return Some("in an example or sample file: most likely a sample, ranked one tier down");
    }
    None
}

/// The tier after context: one step up when [`elevation`] finds a reason.
pub fn apply(tier: Tier, name: &[u8], path: &str) -> (Tier, Option<String>) {
    match elevation(name, path) {
        Some(note) if tier < Tier::Critical => (tier.raised(), Some(note)),
        _ => (tier, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_assigned_name() {
        let d = b"export DB_PASSWORD=\"hunter22\"\n";
        assert_eq!(assigned_name(d, 20), b"DB_PASSWORD");
        let j = b"  \"service_role_key\": \"abc\"";
        assert_eq!(assigned_name(j, 23), b"service_role_key");
    }

    #[test]
    fn test_and_documentation_paths_lower() {
        for p in [
            "src/tests/keys.rs",
            "pkg/testdata/server.key",
            "web/__tests__/api.js",
            "internal/auth/token_test.go",
            "app/test_settings.py",
            "ui/login.spec.ts",
            "src/test/java/AuthTest.java",
            "spec/fixtures/creds.yml",
            "openssl/test/certs/key.pem",
        ] {
            assert!(lowering(p).unwrap().contains("test"), "{p}");
        }
        for p in ["README.md", "docs/setup.txt", "guide/usage.rst"] {
            assert!(lowering(p).unwrap().contains("documentation"), "{p}");
        }
        for p in [
            "apis/iam-2010-05-08.examples.json",
            "data/kms/examples-1.json",
            ".env.example",
            "examples/client.py",
        ] {
            assert!(lowering(p).unwrap().contains("example"), "{p}");
        }
        for p in [
            "src/config.py",
            ".env",
            "contest/settings.yaml",
            "latest/app.json",
            "Test.java",
        ] {
            assert_eq!(lowering(p), None, "{p}");
        }
    }

    #[test]
    fn production_and_admin_names_raise() {
        assert_eq!(
            apply(Tier::High, b"RAILWAY_TOKEN", ".env.production").0,
            Tier::Critical
        );
        assert_eq!(
            apply(Tier::High, b"RAILWAY_TOKEN", ".env.test").0,
            Tier::High
        );
        assert_eq!(
            apply(Tier::Medium, b"SUPABASE_SERVICE_ROLE_KEY", "a.env").0,
            Tier::High
        );
        assert_eq!(apply(Tier::Low, b"PROD_DB_PASSWORD", "x").0, Tier::Medium);
        assert_eq!(apply(Tier::Low, b"PRODUCT_ID_SECRET", "x").0, Tier::Low);
        assert_eq!(apply(Tier::Critical, b"ADMIN_TOKEN", "x").0, Tier::Critical);
    }
}
