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
