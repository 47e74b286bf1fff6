//! The matching engine: bytes in, tiered findings out.
//!
//! One keyword pass over the bytes (see [`keywords`]) finds every rule keyword. Each hit
//! opens a window (the hit's line, clamped to a few hundred bytes either side,
//! or more lines for multi-line rules); windows of the same rule merge, and
//! only then does the rule's regex run, and only inside its windows. Most
//! bytes are therefore touched once, by the automaton, which is what keeps a
//! scan near the speed of reading the files.
//!
//! Every regex match then passes the filters (entropy, placeholders, inline
//! suppression, the repo's allowlists), a classifier where the credential
//! tells its own scope, and de-duplication: a catch-all rule is dropped where
//! a specific rule matched the same text.

mod assignment;
pub mod classify;
pub mod context;
pub mod filters;
pub mod keywords;

use crate::finding::{Finding, Origin, Secret};
use crate::rules::{Rule, RuleSet};
use crate::tier::Tier;
use classify::Verdict;
use globset::GlobSet;
use regex_automata::Input;
use std::collections::HashSet;

/// Bytes of context either side of a keyword hit on a single line.
const WINDOW_BYTES: usize = 512;
/// Extra bytes allowed per line of context for multi-line rules.
const WINDOW_BYTES_PER_LINE: usize = 1024;

/// What a repo's config allowlists.
#[derive(Debug, Default)]
pub struct Allowlist {
    /// Files under these globs are not scanned.
    pub paths: Option<GlobSet>,
    /// A finding whose secret matches one of these is dropped.
    pub regexes: Vec<regex::bytes::Regex>,
    /// SHA-256 (lowercase hex) of secrets accepted deliberately.
    pub secret_sha256: HashSet<String>,
}

impl Allowlist {
    pub fn path_allowed(&self, path: &str) -> bool {
        self.paths.as_ref().is_some_and(|g| g.is_match(path))
    }

    fn secret_allowed(&self, secret: &Secret) -> bool {
        self.regexes.iter().any(|r| r.is_match(secret.expose()))
            || (!self.secret_sha256.is_empty() && self.secret_sha256.contains(&secret.sha256_hex()))
    }
}

/// A built-in rule failed to compile: a bug in `rules.toml` that the self-test
/// should have caught. Reported, never ignored.
#[derive(Debug, thiserror::Error)]
#[error("rule `{rule}` has a regex that does not compile: {message}")]
pub struct EngineError {
    pub rule: String,
    pub message: String,
}

/// Rules plus the repo's allowlists: everything needed to scan bytes.
#[derive(Debug)]
pub struct Engine {
    pub rules: RuleSet,
    pub allow: Allowlist,
    /// Whether placeholders (`xxxx`, `${VAR}`, `abcdef123456`...) and values
    /// below a rule's entropy minimum are dropped. Always on in the product;
    /// the corpus evaluation turns it off once to tell which labelled
    /// positives are placeholders or low-entropy values by these definitions.
    pub value_filters: bool,
}

/// A regex match that has not yet passed the filters.
struct Candidate {
    rule: u32,
    secret_start: usize,
    secret_end: usize,
    key: Option<(usize, usize)>,
    /// Length of the whole regex match: context the rule required.
    match_len: usize,
}

impl Engine {
    pub fn new(rules: RuleSet, allow: Allowlist) -> Engine {
        Engine {
            rules,
            allow,
            value_filters: true,
        }
    }

    /// Scans `data`, the content of the file at `path` (relative, `/`-separated).
    pub fn scan(&self, path: &str, data: &[u8]) -> Result<Vec<Finding>, EngineError> {
        let (windows, specific_hits) = self.keyword_windows(path, data);
        if windows.is_empty() {
            return Ok(Vec::new());
        }
        let mut candidates = Vec::new();
        for (rule_index, start, end) in windows {
            let rule = self.rules.get(rule_index as usize);
            let compiled = rule.compiled().map_err(|e| EngineError {
                rule: rule.id.clone(),
                message: e.to_string(),
            })?;
            let input = Input::new(data).range(start..end);
            for caps in compiled.regex.captures_iter(input) {
                let span = caps
                    .get_group(compiled.secret_group)
                    .or_else(|| caps.get_match().map(|m| m.span()));
                if let Some(span) = span
                    && span.start < span.end
                {
                    let key = compiled
                        .key_group
                        .and_then(|g| caps.get_group(g))
                        .map(|k| (k.start, k.end));
                    let match_len = caps.get_match().map_or(0, |m| m.len());
                    candidates.push(Candidate {
                        rule: rule_index,
                        secret_start: span.start,
                        secret_end: span.end,
                        key,
                        match_len,
                    });
                }
            }
        }
        Ok(self.findings(path, data, candidates, &specific_hits))
    }

    /// Runs the keyword search and returns merged `(rule, start, end)`
    /// windows, sorted by rule then start, and the spans of keywords that
    /// belong to specific (non-catch-all) rules.
    #[allow(clippy::type_complexity)]
    fn keyword_windows(
        &self,
        path: &str,
        data: &[u8],
    ) -> (Vec<(u32, usize, usize)>, Vec<(usize, usize)>) {
        let excluded: Vec<u32> = self
            .rules
            .path_restricted()
            .iter()
            .copied()
            .filter(|&i| !self.rules.get(i as usize).applies_to(path))
            .collect();
        // One open window per rule (found through `slot`), closed ones in `done`.
        let mut slot: Vec<u32> = Vec::new();
        let mut open: Vec<(u32, usize, usize)> = Vec::new();
        let mut done: Vec<(u32, usize, usize)> = Vec::new();
        let mut specific_hits: Vec<(usize, usize)> = Vec::new();
        self.rules
            .keyword_searcher()
            .for_each_match(data, |pattern, hit_start, hit_end| {
                let owners = self.rules.rules_for_keyword(pattern);
                if !is_name_word(self.rules.keyword_searcher().keyword(pattern))
                    && owners
                        .iter()
                        .any(|&r| !self.rules.get(r as usize).fallback && !excluded.contains(&r))
                {
                    specific_hits.push((hit_start, hit_end));
                }
                for &ri in owners {
                    if excluded.contains(&ri) {
                        continue;
                    }
                    if slot.is_empty() {
                        slot = vec![u32::MAX; self.rules.len()];
                    }
                    let lines = self.rules.get(ri as usize).window_lines as usize;
                    let at = slot[ri as usize];
                    if at == u32::MAX {
                        slot[ri as usize] = open.len() as u32;
                        open.push((
                            ri,
                            window_start(data, hit_start, lines),
                            window_end(data, hit_end, lines),
                        ));
                        continue;
                    }
                    let w = &mut open[at as usize];
                    if hit_start <= w.2 && hit_start >= w.1 {
                        // The window ends at a line break or at the byte cap;
                        // a later hit extends a capped window by its own cap.
                        let capped = w.2 < data.len() && data[w.2 - 1] != b'\n';
                        if hit_end > w.2 || capped {
                            w.2 = w.2.max(window_end(data, hit_end, lines));
                        }
                    } else {
                        done.push(*w);
                        *w = (
                            ri,
                            window_start(data, hit_start, lines),
                            window_end(data, hit_end, lines),
                        );
                    }
                }
            });
        done.extend(open);
        done.sort_unstable();
        // Windows of one rule may still overlap (a multi-line window opened
        // earlier than a later single hit closed); merge them.
        let mut merged: Vec<(u32, usize, usize)> = Vec::with_capacity(done.len());
        for w in done {
            match merged.last_mut() {
                Some(last) if last.0 == w.0 && w.1 <= last.2 => last.2 = last.2.max(w.2),
                _ => merged.push(w),
            }
        }
        (merged, specific_hits)
    }

    /// Filters candidates into findings with positions.
    fn findings(
        &self,
        path: &str,
        data: &[u8],
        mut candidates: Vec<Candidate>,
        specific_hits: &[(usize, usize)],
    ) -> Vec<Finding> {
        candidates.sort_unstable_by_key(|c| (c.secret_start, c.secret_end, c.rule));
        candidates.dedup_by_key(|c| (c.secret_start, c.secret_end, c.rule));
        let mut kept: Vec<Kept> = Vec::new();
        for c in candidates {
            let rule = self.rules.get(c.rule as usize);
            let secret = &data[c.secret_start..c.secret_end];
            let placeholder = if self.value_filters && rule.placeholder_filter {
                filters::placeholder(secret)
            } else {
                None
            };
            // A counting value (`abcdef123456…`) in a provider's own format
            // is reported low rather than dropped: it is most likely a
            // fixture, but a rule that knows the format saw it, and entropy
            // says nothing more about a value already known to be patterned.
            // Catch-all rules have no format to vouch for it: they drop a
            // value that is all pattern and judge one that is half word
            // (`abuser123456`, a weak but real password) like any other.
            let counting = match placeholder {
                Some(filters::Placeholder::Template) => continue,
                Some(filters::Placeholder::Counting)
                    if rule.fallback && filters::mostly_patterned(secret) =>
                {
                    continue;
                }
                Some(filters::Placeholder::Counting) => !rule.fallback,
                None => false,
            };
            if self.value_filters
                && !counting
                && let Some(min) = rule.entropy
                && filters::shannon_entropy(secret) < min
            {
                continue;
            }
            let (mut tier, mut provider, mut note) = (rule.tier, None, None);
            if let Some(classifier) = rule.classify {
                let matched = classify::Matched {
                    secret,
                    key: c.key.map(|(s, e)| &data[s..e]),
                    quoted: c.secret_start > 0
                        && matches!(data[c.secret_start - 1], b'"' | b'\'' | b'`'),
                    operator: c
                        .key
                        .filter(|(_, e)| *e <= c.secret_start)
                        .map_or(&b""[..], |(_, e)| &data[e..c.secret_start]),
                    path,
                };
                match classify::classify(classifier, matched, rule.tier) {
                    Verdict::Keep => {}
                    Verdict::Reject => continue,
                    Verdict::Retier {
                        tier: t,
                        provider: p,
                        note: n,
                    } => {
                        tier = t;
                        provider = p;
                        note = Some(n);
                    }
                }
            }
            // Opaque formats (the rule found the value by what surrounds it,
            // not by a keyword inside it) take their rank from context.
            if note.is_none() {
                let lower = secret.to_ascii_lowercase();
                let opaque = !rule
                    .keywords
                    .iter()
                    .any(|k| memchr::memmem::find(&lower, k.as_bytes()).is_some());
                if opaque {
                    let name = context::assigned_name(data, c.secret_start);
                    let (t, n) = context::apply(tier, name, path);
                    tier = t;
                    note = n;
                }
            }
            if let Some(forced) = rule.tier_override {
                tier = forced;
            }
            if counting {
                tier = Tier::Low;
                note = Some(
                    "the value counts up or down (abcd…, 1234…) like a documentation \
                     placeholder; reported at low so it is seen, not blocking"
                        .to_string(),
                );
            }
            if filters::suppressed_inline(data, c.secret_start) {
                continue;
            }
            kept.push((c, tier, provider, note, counting));
        }
        let kept = drop_shadowed(&self.rules, kept, specific_hits);
        let mut out = Vec::with_capacity(kept.len());
        let mut lines = LineCounter::new(data);
        for (c, tier, provider, note, patterned) in kept {
            let rule = self.rules.get(c.rule as usize);
            let secret = Secret::new(&data[c.secret_start..c.secret_end]);
            if self.allow.secret_allowed(&secret) {
                continue;
            }
            let (line, column) = lines.position(c.secret_start);
            let (end_line, _) = lines.position(c.secret_end.saturating_sub(1).max(c.secret_start));
            out.push(Finding {
                rule: rule.id.clone(),
                provider: provider.map_or_else(|| rule.provider.clone(), str::to_string),
                description: rule.description.clone(),
                tier,
                path: path.to_string(),
                line,
                column,
                end_line,
                secret,
                note,
                patterned,
                origin: Origin::File,
            });
        }
        out
    }
}

/// A candidate that passed the filters: its tier, provider and note when a
/// classifier or context changed them, and whether its value is patterned.
type Kept = (Candidate, Tier, Option<&'static str>, Option<String>, bool);

/// Drops a catch-all (`fallback`) finding that overlaps a specific one, or —
/// for the secret-assignment catch-alls — whose value contains a specific
/// rule's provider keyword (`apify_api_...`: that provider's rule knows its
/// format and did not accept this value), and
/// keeps one finding per identical secret span: a specific rule over a
/// catch-all (the JWT, URL-password and header rules are catch-alls: a
/// `ghp_` token in a URL is a GitHub token); among specific rules the one
/// that matched more context (`clerk ... sk_live_...` over a bare
/// `sk_live_...` rule), then the higher tier; among catch-alls the higher
/// tier; then the earlier rule.
fn drop_shadowed(rules: &RuleSet, kept: Vec<Kept>, specific_hits: &[(usize, usize)]) -> Vec<Kept> {
    let specific: Vec<(usize, usize)> = kept
        .iter()
        .filter(|k| !rules.get(k.0.rule as usize).fallback)
        .map(|k| (k.0.secret_start, k.0.secret_end))
        .collect();
    let mut out: Vec<Kept> = Vec::with_capacity(kept.len());
    for k in kept {
        let rule = rules.get(k.0.rule as usize);
        if rule.fallback
            && (specific
                .iter()
                .any(|&(s, e)| s < k.0.secret_end && k.0.secret_start < e)
                || (rule.classify == Some(crate::rules::schema::Classifier::Assignment)
                    && specific_hits
                        .iter()
                        .any(|&(s, e)| k.0.secret_start <= s && e <= k.0.secret_end)))
        {
            continue;
        }
        if let Some(prev) = out
            .iter_mut()
            .find(|p| p.0.secret_start == k.0.secret_start && p.0.secret_end == k.0.secret_end)
        {
            // Between two catch-alls (a provider's "could be anything" rule
            // and the generic one) the higher tier wins: assume the worst.
            let rank = |c: &Kept| {
                if rules.get(c.0.rule as usize).fallback {
                    (0, c.1 as usize, c.0.match_len)
                } else {
                    (1, c.0.match_len, c.1 as usize)
                }
            };
            if rank(&k) > rank(prev) {
                *prev = k;
            }
            continue;
        }
        out.push(k);
    }
    out
}

/// Keywords that are words for secrets in general (`password`, `token`), not
/// a provider's format: finding one inside a value says nothing about which
/// rule owns that value.
fn is_name_word(keyword: &[u8]) -> bool {
    const WORDS: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "pass",
        "passw",
        "secret",
        "token",
        "credential",
        "credentials",
        "auth",
        "key",
        "apikey",
        "api_key",
        "private_key",
    ];
    let trimmed: &[u8] = keyword
        .strip_prefix(b"_")
        .or_else(|| keyword.strip_prefix(b"-"))
        .unwrap_or(keyword);
    WORDS.iter().any(|w| w.as_bytes() == trimmed)
}

/// Start of a window: up to `lines` line breaks before the hit's line, and no
/// further back than the byte cap.
fn window_start(data: &[u8], hit: usize, lines: usize) -> usize {
    let cap = WINDOW_BYTES + WINDOW_BYTES_PER_LINE * lines;
    let floor = hit.saturating_sub(cap);
    let mut pos = hit;
    for _ in 0..=lines {
        match memchr::memrchr(b'\n', &data[floor..pos]) {
            Some(p) => pos = floor + p,
            None => return floor,
        }
    }
    pos + 1
}

/// End of a window: through the line break ending the hit's line (and
/// `lines` more), and no further than the byte cap. The line break itself is
/// inside the window so that patterns ending in `\s` or `$` can match.
fn window_end(data: &[u8], hit_end: usize, lines: usize) -> usize {
    let cap = WINDOW_BYTES + WINDOW_BYTES_PER_LINE * lines;
    let ceil = (hit_end + cap).min(data.len());
    let mut pos = hit_end;
    for _ in 0..=lines {
        match memchr::memchr(b'\n', &data[pos..ceil]) {
            Some(p) => pos = pos + p + 1,
            None => return ceil,
        }
    }
    pos
}

/// Converts byte offsets to 1-based (line, column) incrementally; offsets
/// must be requested in non-decreasing order for linear cost, but any order
/// is correct.
struct LineCounter<'a> {
    data: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(data: &'a [u8]) -> Self {
        LineCounter {
            data,
            offset: 0,
            line: 1,
        }
    }

    fn position(&mut self, offset: usize) -> (usize, usize) {
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        self.line += memchr::memchr_iter(b'\n', &self.data[self.offset..offset]).count();
        self.offset = offset;
        let line_start = memchr::memrchr(b'\n', &self.data[..offset]).map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&self.data[line_start..offset])
            .chars()
            .count()
            + 1;
        (self.line, column)
    }
}

/// The rule behind a finding, for reporters that show `why` and `fix`.
pub fn rule_of<'a>(rules: &'a RuleSet, finding: &Finding) -> Option<&'a Rule> {
    rules.find(&finding.rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RuleSource, load_rules_text};
    use std::path::Path;

    fn engine(rules_toml: &str) -> Engine {
        let rules =
            load_rules_text(Path::new("t.toml"), rules_toml, RuleSource::Builtin, true).unwrap();
        Engine::new(RuleSet::new(rules), Allowlist::default())
    }

    const RULES: &str = r#"
[[rule]]
id = "demo-token"
provider = "Demo"
description = "Demo token"
keywords = ["dmo_"]
regex = '''\b(dmo_[A-Za-z0-9]{16})\b'''
tier = "critical"
why = "w"
fix = "f"

[[rule]]
id = "generic-secret"
provider = "Generic"
description = "Secret-looking assignment"
keywords = ["secret"]
regex = '''secret\s*=\s*["']?([A-Za-z0-9_]{12,})'''
tier = "low"
why = "w"
fix = "f"
fallback = true

[[rule]]
id = "multi"
provider = "Multi"
description = "multi-line block"
keywords = ["begin block"]
regex = '''(?s)BEGIN BLOCK\n(.+?)\nEND BLOCK'''
window_lines = 5
tier = "high"
why = "w"
fix = "f"
placeholder_filter = false
"#;

    #[test]
    fn finds_with_position() {
        let e = engine(RULES);
        let f = e
            .scan("a.txt", b"x\n  key = dmo_Q8r2T5y7U1i3O9p4\n")
            .unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].line, f[0].column), (2, 9));
        assert_eq!(f[0].tier, Tier::Critical);
    }

    #[test]
    fn word_boundary_sees_outside_the_window() {
        // The token continues past the 512-byte window; \b must not match at the cut.
        let mut data = b"dmo_".to_vec();
        data.extend(std::iter::repeat_n(b'a', 5));
        data.extend(b"Q8r2T5y7U1i");
        data.extend(std::iter::repeat_n(b'Z', 2000));
        assert!(e_scan(&data).is_empty());
    }

    fn e_scan(data: &[u8]) -> Vec<Finding> {
        engine(RULES).scan("a", data).unwrap()
    }

    #[test]
    fn fallback_is_shadowed_by_specific() {
        let f = e_scan(b"secret = dmo_Q8r2T5y7U1i3O9p4\n");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "demo-token");
        let g = e_scan(b"secret = Q8r2T5y7U1i3O9p4\n");
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].rule, "generic-secret");
    }

    #[test]
    fn placeholders_and_suppression() {
        assert!(e_scan(b"t = dmo_xxxxxxxxxxxxxxxx\n").is_empty());
        assert!(e_scan(b"t = dmo_Q8r2T5y7U1i3O9p4 # blastwall:allow\n").is_empty());
    }

    #[test]
    fn multi_line_window() {
        let f = e_scan(b"zz\nBEGIN BLOCK\nline one\nline two\nEND BLOCK\n");
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].line, f[0].end_line), (3, 4));
    }

    /// A long token whose second keyword hit lies past the first hit's
    /// byte cap: the window must grow with the later hit.
    #[test]
    fn later_hits_extend_a_capped_window() {
        let rules = "[[rule]]\nid = \"long-token\"\nprovider = \"P\"\ndescription = \"d\"\nkeywords = [\"lt_\"]\nregex = '(lt_[a-z]{300}lt_[a-z]{400}end)'\ntier = \"high\"\nwhy = \"w\"\nfix = \"f\"\nplaceholder_filter = false\n";
        let e = engine(rules);
        let mut data = b"lt_".to_vec();
        data.extend(std::iter::repeat_n(b'q', 300));
        data.extend(b"lt_");
        data.extend(std::iter::repeat_n(b'w', 400));
        data.extend(b"end");
        assert_eq!(e.scan("a", &data).unwrap().len(), 1);
    }

    #[test]
    fn many_hits_on_one_long_line() {
        let mut data = Vec::new();
        for _ in 0..10_000 {
            data.extend_from_slice(b"dmo_ ");
        }
        data.extend_from_slice(b"dmo_Q8r2T5y7U1i3O9p4");
        let f = e_scan(&data);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].column, 50_001);
    }

    #[test]
    fn allowlisted_secret_hash() {
        let mut e = engine(RULES);
        let secret = Secret::new(b"dmo_Q8r2T5y7U1i3O9p4");
        e.allow.secret_sha256.insert(secret.sha256_hex());
        assert!(e.scan("a", b"k = dmo_Q8r2T5y7U1i3O9p4").unwrap().is_empty());
    }

    #[test]
    fn invalid_utf8_is_scanned() {
        let f = e_scan(b"\xff\xfe k = dmo_Q8r2T5y7U1i3O9p4 \xc3\x28");
        assert_eq!(f.len(), 1);
    }
}
