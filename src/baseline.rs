//! The baseline: findings a team has accepted, so only new ones block.
//!
//! Identity is content, not position. An entry is (rule id, path, keyed hash
//! of the secret); line, commit and tier are metadata that never decide a
//! match, so moving code does not invalidate the baseline (gitleaks and
//! Kingfisher key on positions and drift). The hash is HMAC-SHA256 with a
//! random per-repository key stored in the file: no plaintext, no
//! precomputed lookups across repositories — but anyone holding the file can
//! still test guesses of a weak secret, so the README says what it does and
//! does not protect. The file is deterministic (sorted, no timestamps), only
//! `baseline` and `accept` write it, atomically, and the hooks only read it.

use crate::error::LocatedError;
use crate::finding::{Finding, Origin, hex};
use crate::tier::Tier;
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The baseline's file name at the repository root.
pub const BASELINE_FILE_NAME: &str = ".blastwall-baseline.json";
/// The format this build reads and writes.
pub const BASELINE_VERSION: u32 = 1;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    /// HMAC-SHA256 of the secret under the file's key, hex.
    pub secret_hmac: String,
    /// Metadata: the tier when recorded.
    pub tier: Tier,
    /// Metadata: a line where it was seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Metadata: the commit that introduced it (history baselines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Why it was accepted (`blastwall accept --reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Entry {
    /// What identifies an entry: path, rule and secret hash (not metadata).
    pub fn key(&self) -> (&str, &str, &str) {
        (&self.path, &self.rule, &self.secret_hmac)
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    /// The HMAC key, hex (32 random bytes, generated once per repository).
    hmac_key: String,
    entries: Vec<Entry>,
}

/// A loaded baseline.
#[derive(Debug, Clone)]
pub struct Baseline {
    key: Vec<u8>,
    entries: Vec<Entry>,
    exact: BTreeSet<(String, String, String)>,
    any_path: BTreeSet<(String, String)>,
}

impl Baseline {
    /// An empty baseline with a fresh random key.
    pub fn new() -> std::io::Result<Baseline> {
        Ok(Baseline::with_key(random_key()?, Vec::new()))
    }

    fn with_key(key: Vec<u8>, mut entries: Vec<Entry>) -> Baseline {
        entries.sort_by(|a, b| a.key().cmp(&b.key()));
        entries.dedup_by(|a, b| a.key() == b.key());
        let exact = entries
            .iter()
            .map(|e| (e.rule.clone(), e.path.clone(), e.secret_hmac.clone()))
            .collect();
        let any_path = entries
            .iter()
            .map(|e| (e.rule.clone(), e.secret_hmac.clone()))
            .collect();
        Baseline {
            key,
            entries,
            exact,
            any_path,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// HMAC-SHA256 of `secret` under this baseline's key, hex.
    pub fn secret_hmac(&self, secret: &[u8]) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(secret);
        hex(&mac.finalize().into_bytes())
    }

    /// Whether `finding` is accepted: same rule, path and secret; with
    /// `any_path`, same rule and secret anywhere.
    pub fn accepts(&self, finding: &Finding, any_path: bool) -> bool {
        let h = self.secret_hmac(finding.secret.expose());
        if any_path {
            self.any_path.contains(&(finding.rule.clone(), h))
        } else {
            self.exact
                .contains(&(finding.rule.clone(), finding.path.clone(), h))
        }
    }

    /// The entry a finding would have.
    pub fn entry_for(&self, finding: &Finding, reason: Option<String>) -> Entry {
        Entry {
            rule: finding.rule.clone(),
            path: finding.path.clone(),
            secret_hmac: self.secret_hmac(finding.secret.expose()),
            tier: finding.tier,
            line: Some(finding.line),
            commit: match &finding.origin {
                Origin::Commit { id, .. } => Some(id.clone()),
                _ => None,
            },
            reason,
        }
    }

    /// A baseline with the same key holding exactly `findings`; reasons of
    /// entries kept from `self` survive (update = add new, prune gone).
    pub fn rebuilt(&self, findings: &[Finding]) -> Baseline {
        let reasons: BTreeMap<(String, String, String), String> = self
            .entries
            .iter()
            .filter_map(|e| {
                e.reason
                    .clone()
                    .map(|r| ((e.path.clone(), e.rule.clone(), e.secret_hmac.clone()), r))
            })
            .collect();
        // Keep the earliest-looking occurrence of each identity: a working
        // tree finding (no commit) over history, then the lowest line.
        let mut sorted: Vec<&Finding> = findings.iter().collect();
        sorted.sort_by_key(|f| (matches!(f.origin, Origin::Commit { .. }), f.line));
        let entries = sorted
            .into_iter()
            .map(|f| {
                let mut e = self.entry_for(f, None);
                e.reason = reasons
                    .get(&(e.path.clone(), e.rule.clone(), e.secret_hmac.clone()))
                    .cloned();
                e
            })
            .collect();
        Baseline::with_key(self.key.clone(), entries)
    }

    /// A copy with `entry` added (or its reason replaced).
    pub fn with_entry(&self, entry: Entry) -> Baseline {
        let mut entries: Vec<Entry> = self
            .entries
            .iter()
            .filter(|e| e.key() != entry.key())
            .cloned()
            .collect();
        entries.push(entry);
        Baseline::with_key(self.key.clone(), entries)
    }

    /// Reads a baseline; a malformed or future-version file is an error
    /// with its position, never silently ignored.
    pub fn load(path: &Path) -> Result<Baseline, LocatedError> {
        let bytes = std::fs::read(path).map_err(|e| {
            LocatedError::whole_file(path, format!("cannot read the baseline: {e}"))
        })?;
        let text = crate::error::utf8_text(path, bytes)?;
        Baseline::parse(path, &text)
    }

    /// Parses a baseline's text; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Baseline, LocatedError> {
        let text = text.to_string();
        let file: File = serde_json::from_str(&text).map_err(|e| LocatedError {
            file: path.to_path_buf(),
            line: e.line(),
            // serde_json counts the column of an error at a line's start
            // (an empty file) as 0; positions here are 1-based.
            column: e.column().max(1),
            message: format!("malformed baseline: {}", json_problem(&e)),
        })?;
        if file.version != BASELINE_VERSION {
            return Err(LocatedError::at_offset(
                path,
                &text,
                key_offset(&text, "version", 0),
                format!(
                    "baseline version {} is not supported by this blastwall (it reads version {BASELINE_VERSION}); \
                     upgrade blastwall",
                    file.version
                ),
            ));
        }
        let key = from_hex(&file.hmac_key)
            .filter(|k| k.len() >= 16)
            .ok_or_else(|| {
                LocatedError::at_offset(
                    path,
                    &text,
                    key_offset(&text, "hmac_key", 0),
                    "hmac_key must be at least 16 bytes of hex; regenerate the baseline with \
                     `blastwall baseline --update`",
                )
            })?;
        let mut from = 0;
        for e in &file.entries {
            from = key_offset(&text, "secret_hmac", from + 1);
            if from_hex(&e.secret_hmac).is_none_or(|h| h.len() != 32) {
                return Err(LocatedError::at_offset(
                    path,
                    &text,
                    from,
                    format!(
                        "the entry for {} ({}) has a secret_hmac that is not 64 hex digits; \
                         remove the entry and accept the finding again",
                        crate::report::escape::path(&e.path),
                        crate::report::escape::text(&e.rule)
                    ),
                ));
            }
        }
        Ok(Baseline::with_key(key, file.entries))
    }

    /// The file's exact bytes: sorted entries, no timestamps, trailing newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let file = File {
            version: BASELINE_VERSION,
            hmac_key: hex(&self.key),
            entries: self.entries.clone(),
        };
        let mut out = serde_json::to_vec_pretty(&file).expect("a baseline serializes");
        out.push(b'\n');
        out
    }

    /// Writes the baseline atomically.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        crate::atomic::write(path, &self.to_bytes(), None)
    }

    /// The baseline in effect for a command at `root`: `explicit` if given
    /// (it must exist), else `.blastwall-baseline.json` at `root` if there
    /// is one. A malformed baseline is an error, never silently ignored.
    pub fn discover(
        explicit: Option<&Path>,
        root: &Path,
    ) -> Result<Option<Baseline>, LocatedError> {
        match explicit {
            Some(path) => Baseline::load(path).map(Some),
            None => {
                let path = root.join(BASELINE_FILE_NAME);
                if path.exists() {
                    Baseline::load(&path).map(Some)
                } else {
                    Ok(None)
                }
            }
        }
    }

    /// Splits off the findings this baseline accepts; returns the rest and
    /// how many were accepted.
    pub fn split(&self, findings: Vec<Finding>, any_path: bool) -> (Vec<Finding>, u64) {
        let before = findings.len();
        let kept: Vec<Finding> = findings
            .into_iter()
            .filter(|f| !self.accepts(f, any_path))
            .collect();
        let accepted = (before - kept.len()) as u64;
        (kept, accepted)
    }
}

/// Byte offset of the `"key":` at or after `from` in a JSON text (0 if
/// absent), to point an error at the field it concerns.
/// serde_json's message without its own " at line L column C" tail (the
/// position is already the error's line and column), on one line.
fn json_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let problem = match text.rsplit_once(" at line ") {
        Some((problem, _)) => problem,
        None => &text,
    };
    // serde_json quotes what it read (`unknown field \`…\``): escaped, so a
    // newline or escape sequence in the file cannot break the message.
    crate::report::escape::text(problem).into_owned()
}

fn key_offset(text: &str, key: &str, from: usize) -> usize {
    let needle = format!("\"{key}\"");
    text.get(from.min(text.len())..)
        .and_then(|rest| rest.find(&needle))
        .map_or(0, |at| from + at)
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// 32 bytes from the operating system's random source.
fn random_key() -> std::io::Result<Vec<u8>> {
    let mut key = vec![0u8; 32];
    getrandom::fill(&mut key).map_err(std::io::Error::other)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Secret;

    fn finding(rule: &str, path: &str, secret: &str, line: usize) -> Finding {
        Finding {
            rule: rule.into(),
            provider: "P".into(),
            description: "d".into(),
            tier: Tier::High,
            path: path.into(),
            line,
            column: 1,
            end_line: line,
            secret: Secret::new(secret.as_bytes()),
            note: None,
            patterned: false,
            decoded: None,
            origin: Origin::File,
        }
    }

    #[test]
    fn an_empty_or_cut_short_baseline_names_a_1_based_position() {
        for text in ["", "{", "{\n  \"version\": "] {
            let e = Baseline::parse(Path::new("b.json"), text).unwrap_err();
            assert!(e.line >= 1 && e.column >= 1, "{text:?}: {e}");
            assert!(!e.message.contains(" at line "), "{}", e.message);
        }
        // Found by fuzzing: a path with a newline in an entry the message names.
        let text = "{\"version\": 1, \"hmac_key\": \"00112233445566778899aabbccddeeff\", \"entries\": [{\"rule\": \"r\", \"path\": \"a\\nb\", \"secret_hmac\": \"zz\", \"tier\": \"high\", \"line\": 1}]}";
        let e = Baseline::parse(Path::new("b.json"), text).unwrap_err();
        assert!(e.message.contains("secret_hmac"), "{}", e.message);
        assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
        // Found by fuzzing: serde_json quotes an unknown field as it is.
        let e = Baseline::parse(Path::new("b.json"), "{\"versio\\n\\u001b[2J\": 1}").unwrap_err();
        assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
    }

    #[test]
    fn identity_is_rule_path_and_secret_not_line() {
        let b = Baseline::new()
            .unwrap()
            .rebuilt(&[finding("r", "a.txt", "s3cr3t-value", 10)]);
        assert!(b.accepts(&finding("r", "a.txt", "s3cr3t-value", 99), false));
        assert!(!b.accepts(&finding("r", "a.txt", "other-value", 10), false));
        assert!(!b.accepts(&finding("r", "b.txt", "s3cr3t-value", 10), false));
        assert!(b.accepts(&finding("r", "b.txt", "s3cr3t-value", 10), true));
    }

    #[test]
    fn bytes_are_deterministic_and_hold_no_plaintext() {
        let base = Baseline::new().unwrap();
        let fs = [
            finding("r", "b.txt", "s3cr3t-one", 2),
            finding("r", "a.txt", "s3cr3t-two", 1),
        ];
        let one = base.rebuilt(&fs).to_bytes();
        let reversed: Vec<Finding> = fs.iter().rev().cloned().collect();
        assert_eq!(one, base.rebuilt(&reversed).to_bytes());
        let text = String::from_utf8(one).unwrap();
        assert!(!text.contains("s3cr3t"));
        assert!(text.find("a.txt").unwrap() < text.find("b.txt").unwrap());
    }

    #[test]
    fn load_rejects_future_versions_and_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.json");
        let b = Baseline::new()
            .unwrap()
            .rebuilt(&[finding("r", "a", "s3cr3t-one", 1)]);
        b.save(&p).unwrap();
        assert_eq!(Baseline::load(&p).unwrap().len(), 1);
        let text = std::fs::read_to_string(&p)
            .unwrap()
            .replace("\"version\": 1", "\"version\": 9");
        std::fs::write(&p, text).unwrap();
        assert!(
            Baseline::load(&p)
                .unwrap_err()
                .message
                .contains("version 9")
        );
        std::fs::write(&p, "{\n  \"version\": 1,\n  \"oops\n").unwrap();
        let e = Baseline::load(&p).unwrap_err();
        assert!(e.line >= 2, "{e}");
    }
}
