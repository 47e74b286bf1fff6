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
pub mod checksum;
pub mod classify;
pub mod context;
mod credential;
pub mod decode;
pub mod filters;
pub mod keywords;
pub mod proximity;
mod ruleset;
pub mod selftest;
pub mod verdict;

pub use crate::config::Allowlist;
use crate::error::LocatedError;
use crate::finding::{Finding, Origin, Secret};
use crate::rules::schema::Classifier;
use crate::rules::{self, Rule};
use crate::tier::Tier;
use regex_automata::Input;
pub use ruleset::RuleSet;
use verdict::{Matched, Verdict};

/// Bytes of context either side of a keyword hit on a single line.
const WINDOW_BYTES: usize = 512;
/// Length above which a catch-all value is too long for a provider keyword
/// inside it to mean anything (the ordinary catch-all stops at 200).
const LONG_VALUE: usize = 200;
/// Extra bytes allowed per line of context for multi-line rules.
const WINDOW_BYTES_PER_LINE: usize = 1024;

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
    /// Whether inline allow markers (`blastwall:allow`) suppress findings.
    /// A server judging a push ignores them: a marker that arrives in the
    /// push must not accept its own finding.
    pub inline_markers: bool,
    /// Whether decoding layers (base64, URL and string escapes, YAML block
    /// scalars, joined literals) are scanned too. Always on in the product;
    /// off to measure what they add.
    pub decode_layers: bool,
}

/// Where one rule's regex runs: bytes around its keyword hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Window {
    rule: u32,
    start: usize,
    end: usize,
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
    pub fn new(rules: Vec<Rule>, allow: Allowlist) -> Engine {
        Engine {
            rules: RuleSet::new(rules),
            allow,
            value_filters: true,
            inline_markers: true,
            decode_layers: true,
        }
    }

    /// This engine, with inline allow markers ignored.
    pub fn without_inline_markers(mut self) -> Engine {
        self.inline_markers = false;
        self
    }

    /// The engine a repository's config asks for: the built-in rules with
    /// its changes, and its allowlists.
    pub fn for_config(config: &crate::config::Config) -> Result<Engine, LocatedError> {
        let rules = config.rule_changes.apply(rules::builtin()?);
        Ok(Engine::new(rules, config.allow.clone()))
    }

    /// Scans `data`, the content of the file at `path` (relative, `/`-separated).
    ///
    /// The bytes are scanned as they are, then (unless turned off) through
    /// their decoding layers (see [`decode`]): a credential found only once
    /// decoded is reported at the encoded text, and says how it was found.
    pub fn scan(&self, path: &str, data: &[u8]) -> Result<Vec<Finding>, EngineError> {
        let (windows, specific_hits) = self.keyword_windows(path, data);
        let decoded = if self.decode_layers {
            let mut budget = decode::Budget::default();
            self.layer_hits(path, data, 0..data.len(), &windows, 1, &mut budget)?
        } else {
            Vec::new()
        };
        let mut hits: Vec<Hit> = self
            .kept(path, data, windows, &specific_hits)?
            .into_iter()
            .map(|k| Hit {
                secret: Secret::new(&data[k.candidate.secret_start..k.candidate.secret_end]),
                kept: k,
                decoded: None,
            })
            .collect();
        self.merge_decoded(data, &mut hits, decoded);
        Ok(self.findings(path, data, hits))
    }

    /// The candidates of the rules' regexes inside their windows, judged and
    /// with shadowed catch-alls dropped.
    fn kept(
        &self,
        path: &str,
        data: &[u8],
        windows: Vec<Window>,
        specific_hits: &[(usize, usize)],
    ) -> Result<Vec<Kept>, EngineError> {
        let mut candidates = Vec::new();
        for Window {
            rule: rule_index,
            start,
            end,
        } in windows
        {
            let compiled = self
                .rules
                .compiled(rule_index as usize)
                .map_err(|e| EngineError {
                    rule: self.rules.get(rule_index as usize).id.clone(),
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
                    let rule = self.rules.get(rule_index as usize);
                    let secret_end =
                        if span.end == end && rule.classify == Some(Classifier::Assignment) {
                            run_end(data, end)
                        } else {
                            span.end
                        };
                    candidates.push(Candidate {
                        rule: rule_index,
                        secret_start: span.start,
                        secret_end,
                        key,
                        match_len,
                    });
                }
            }
        }
        candidates.sort_unstable_by_key(|c| (c.secret_start, c.secret_end, c.rule));
        candidates.dedup_by_key(|c| (c.secret_start, c.secret_end, c.rule));
        let kept: Vec<Kept> = candidates
            .into_iter()
            .filter_map(|c| self.judge(path, data, c, specific_hits))
            .collect();
        Ok(drop_shadowed(&self.rules, kept, specific_hits))
    }

    /// What the rules find in the decoding layers of `parent` whose encoded
    /// spans lie in `within`, with positions in `parent`. `windows` are the
    /// parent's keyword windows: base64 is looked for inside them (outside
    /// configuration files), and a span is scanned only when a keyword falls
    /// in its decoded bytes or a window covers its encoded ones. Layers of
    /// layers are read down to [`decode::MAX_DEPTH`].
    fn layer_hits(
        &self,
        path: &str,
        parent: &[u8],
        within: std::ops::Range<usize>,
        windows: &[Window],
        depth: usize,
        budget: &mut decode::Budget,
    ) -> Result<Vec<Hit>, EngineError> {
        let areas = decode::union_sorted(windows.iter().map(|w| w.start..w.end).collect());
        let options = decode::options_for(path);
        let mut out = Vec::new();
        for span in decode::spans(parent, within, &areas, options, budget) {
            // The first area ending after the span starts is the only one
            // that can overlap it: the areas are disjoint and sorted.
            let next = areas.partition_point(|a| a.end <= span.origin.start);
            let covered = areas.get(next).is_some_and(|a| a.start < span.origin.end);
            if !covered && !self.has_keyword(&span.decoded) {
                continue;
            }
            let Some(layer) = decode::layer(parent, span, budget) else {
                break;
            };
            for mut h in self.hits_in_layer(path, &layer, depth, budget)? {
                let c = &mut h.kept.candidate;
                (c.secret_start, c.secret_end) = (
                    layer.start_in_parent(c.secret_start),
                    layer.end_in_parent(c.secret_end),
                );
                c.key = None;
                out.push(h);
            }
        }
        Ok(out)
    }

    /// What the rules find in one layer's decoded bytes (positions in the
    /// layer's text), and in its own layers below it.
    fn hits_in_layer(
        &self,
        path: &str,
        layer: &decode::Layer,
        depth: usize,
        budget: &mut decode::Budget,
    ) -> Result<Vec<Hit>, EngineError> {
        let region = layer.region.clone();
        let (windows, specific_hits) = self.keyword_windows(path, &layer.text);
        let mut found = Vec::new();
        if depth < decode::MAX_DEPTH {
            let inner = self.layer_hits(
                path,
                &layer.text,
                region.clone(),
                &windows,
                depth + 1,
                budget,
            )?;
            for mut h in inner {
                let how = h.decoded.take().unwrap_or_default();
                h.decoded = Some(format!("{}, then {how}", layer.kind.label()));
                found.push(h);
            }
        }
        for k in self.kept(path, &layer.text, windows, &specific_hits)? {
            let c = &k.candidate;
            if c.secret_start < region.end && region.start < c.secret_end {
                found.push(Hit {
                    secret: Secret::new(&layer.text[c.secret_start..c.secret_end]),
                    kept: k,
                    decoded: Some(layer.kind.label().to_string()),
                });
            }
        }
        Ok(found)
    }

    /// Whether any rule keyword occurs in `bytes`.
    fn has_keyword(&self, bytes: &[u8]) -> bool {
        let mut any = false;
        self.rules
            .keyword_searcher()
            .for_each_match(bytes, |_, _, _| any = true);
        any
    }

    /// Adds what only the decoding layers found to `hits`. A decoded hit over
    /// the same text as a plain one replaces it only when it explains more
    /// (a specific rule over a catch-all, a higher tier, or another rule of
    /// the same rank reading what the plain hit only saw encoded); decoded
    /// hits are suppressed by an allow marker at the encoded text.
    fn merge_decoded(&self, data: &[u8], hits: &mut Vec<Hit>, decoded: Vec<Hit>) {
        let rank = |h: &Hit| {
            let fallback = self.rules.get(h.kept.candidate.rule as usize).fallback;
            (!fallback, h.kept.tier)
        };
        let plain = hits.len();
        for d in decoded {
            let (start, end) = d.kept.span();
            if self.inline_markers && filters::suppressed_inline(data, start, end) {
                continue;
            }
            let overlapping = |h: &Hit| {
                let (s, e) = h.kept.span();
                s < end.max(start + 1) && start < e.max(s + 1)
            };
            let same = hits[plain..].iter().any(|h| {
                h.kept.candidate.rule == d.kept.candidate.rule
                    && h.kept.span().0 == start
                    && h.secret == d.secret
            });
            // A plain hit stands unless the decoded one outranks it, or
            // ranks the same under another rule and the plain hit is only
            // the encoded text (a Kubernetes value that decodes to a key).
            let stands = |h: &Hit| {
                let (s, e) = h.kept.span();
                let inside = start <= s && e <= end;
                rank(h) > rank(&d)
                    || (rank(h) == rank(&d)
                        && (h.kept.candidate.rule == d.kept.candidate.rule || !inside))
            };
            if same || hits.iter().any(|h| overlapping(h) && stands(h)) {
                continue;
            }
            hits.retain(|h| !overlapping(h));
            hits.push(d);
        }
    }

    /// Runs the keyword search and returns the merged windows, sorted by
    /// rule then start, and the spans of keywords that belong to specific
    /// (non-catch-all) rules.
    fn keyword_windows(&self, path: &str, data: &[u8]) -> (Vec<Window>, Vec<(usize, usize)>) {
        let excluded: Vec<u32> = self
            .rules
            .path_restricted()
            .iter()
            .copied()
            .filter(|&i| !self.rules.get(i as usize).applies_to(path))
            .collect();
        // One open window per rule (found through `slot`), closed ones in `done`.
        let mut slot: Vec<u32> = Vec::new();
        let mut open: Vec<Window> = Vec::new();
        let mut done: Vec<Window> = Vec::new();
        let mut specific_hits: Vec<(usize, usize)> = Vec::new();
        let searcher = self.rules.keyword_searcher();
        searcher.for_each_match(data, |pattern, hit_start, hit_end| {
            let owners = self.rules.rules_for_keyword(pattern);
            if !is_name_word(searcher.keyword(pattern))
                && owners
                    .iter()
                    .any(|&r| !self.rules.get(r as usize).fallback && !excluded.contains(&r))
            {
                specific_hits.push((hit_start, hit_end));
            }
            for &rule in owners {
                if excluded.contains(&rule) {
                    continue;
                }
                if slot.is_empty() {
                    slot = vec![u32::MAX; self.rules.len()];
                }
                let lines = self.rules.get(rule as usize).window_lines as usize;
                let fresh = || Window {
                    rule,
                    start: window_start(data, hit_start, lines),
                    end: window_end(data, hit_end, lines),
                };
                let at = slot[rule as usize];
                if at == u32::MAX {
                    slot[rule as usize] = open.len() as u32;
                    open.push(fresh());
                    continue;
                }
                let w = &mut open[at as usize];
                if (w.start..=w.end).contains(&hit_start) {
                    // The window ends at a line break or at the byte cap;
                    // a later hit extends a capped window by its own cap.
                    let capped = w.end < data.len() && data[w.end - 1] != b'\n';
                    if hit_end > w.end || capped {
                        w.end = w.end.max(window_end(data, hit_end, lines));
                    }
                } else {
                    done.push(*w);
                    *w = fresh();
                }
            }
        });
        done.extend(open);
        done.sort_unstable();
        // Windows of one rule may still overlap (a multi-line window opened
        // earlier than a later single hit closed); merge them.
        let mut merged: Vec<Window> = Vec::with_capacity(done.len());
        for w in done {
            match merged.last_mut() {
                Some(last) if last.rule == w.rule && w.start <= last.end => {
                    last.end = last.end.max(w.end)
                }
                _ => merged.push(w),
            }
        }
        (merged, specific_hits)
    }

    /// Findings with positions, from the hits of the plain and decoded scans.
    fn findings(&self, path: &str, data: &[u8], mut hits: Vec<Hit>) -> Vec<Finding> {
        hits.sort_by_key(|h| h.kept.span());
        let mut out = Vec::with_capacity(hits.len());
        let mut lines = LineCounter::new(data);
        for Hit {
            kept: k,
            secret,
            decoded,
        } in hits
        {
            let c = &k.candidate;
            let rule = self.rules.get(c.rule as usize);
            if self.allow.secret_allowed(&secret) {
                continue;
            }
            let (line, column) = lines.position(c.secret_start);
            let (end_line, _) = lines.position(c.secret_end.saturating_sub(1).max(c.secret_start));
            let note = match (&decoded, k.note) {
                (None, note) => note,
                (Some(how), note) => Some(format!(
                    "{how}: found in the decoded text, reported at the encoded text{}",
                    note.map_or_else(String::new, |n| format!("; {n}"))
                )),
            };
            out.push(Finding {
                rule: rule.id.clone(),
                provider: k.provider.unwrap_or_else(|| rule.provider.clone()),
                description: k.description.unwrap_or_else(|| rule.description.clone()),
                tier: k.tier,
                path: path.to_string(),
                line,
                column,
                end_line,
                secret,
                note,
                patterned: k.patterned,
                decoded,
                origin: Origin::File,
            });
        }
        out
    }

    /// Decides one candidate: dropped (filler, low entropy, rejected by its
    /// classifier, suppressed inline), or kept with its tier and any note.
    fn judge(
        &self,
        path: &str,
        data: &[u8],
        c: Candidate,
        specific_hits: &[(usize, usize)],
    ) -> Option<Kept> {
        let rule = self.rules.get(c.rule as usize);
        let secret = &data[c.secret_start..c.secret_end];
        let placeholder = if self.value_filters && rule.placeholder_filter {
            filters::placeholder(secret)
        } else {
            None
        };
        // A counting value (`abcdef123456…`) in a provider's own format is
        // reported low rather than dropped: it is most likely a fixture, but
        // a rule that knows the format saw it, and entropy says nothing more
        // about a value already known to be patterned. Catch-all rules have
        // no format to vouch for it: they drop a value that is all pattern
        // and judge one that is half word (`abuser123456`, a weak but real
        // password) like any other.
        let counting = match placeholder {
            Some(filters::Placeholder::Template) => return None,
            Some(filters::Placeholder::Counting)
                if rule.fallback && filters::mostly_patterned(secret) =>
            {
                return None;
            }
            Some(filters::Placeholder::Counting) => !rule.fallback,
            None => false,
        };
        // Below the rule's entropy; or cut short for display, or a sample
        // published by a vendor or a standard: documentation, whatever rule
        // matched it.
        if self.value_filters
            && ((!counting
                && rule
                    .entropy
                    .is_some_and(|m| filters::shannon_entropy(secret) < m))
                || filters::truncated(data, c.secret_start, c.secret_end)
                || filters::published_sample(secret))
        {
            return None;
        }
        let mut kept = Kept {
            tier: rule.tier,
            provider: None,
            description: None,
            note: None,
            patterned: counting,
            candidate: c,
        };
        if !self.classify(rule, data, path, &mut kept, specific_hits) {
            return None;
        }
        if !apply_context(rule, data, path, &mut kept) {
            return None;
        }
        apply_checksum(&mut kept, secret);
        if let Some(forced) = rule.tier_override {
            kept.tier = forced;
        }
        if counting {
            kept.tier = Tier::Low;
            kept.note = Some(
                "the value counts up or down (abcd…, 1234…) like a documentation \
                 placeholder; reported at low so it is seen, not blocking"
                    .to_string(),
            );
        }
        if self.inline_markers
            && filters::suppressed_inline(
                data,
                kept.candidate.secret_start,
                kept.candidate.secret_end,
            )
        {
            return None;
        }
        Some(kept)
    }
}

impl Engine {
    /// Runs the rule's classifier on `kept`, or, for a catch-all assignment
    /// whose name (or line) names a known provider and whose value is
    /// token-shaped, reports it as that provider's credential at medium
    /// ([`proximity`]), unless a specific rule's keyword is on that line:
    /// that rule knows the provider's format and did not accept the value.
    /// False when the classifier rejects the value.
    fn classify(
        &self,
        rule: &Rule,
        data: &[u8],
        path: &str,
        kept: &mut Kept,
        specific_hits: &[(usize, usize)],
    ) -> bool {
        let Some(classifier) = rule.classify else {
            return true;
        };
        let m = kept.matched(data, path);
        let c = &kept.candidate;
        // A quoted value that stops at a space is the first word of a phrase
        // (`set_password = 'ALTER USER …'`), not a secret.
        if classifier == Classifier::Assignment
            && m.quoted
            && data.get(c.secret_end).is_some_and(u8::is_ascii_whitespace)
        {
            return false;
        }
        if classifier == Classifier::Assignment
            && rule.fallback
            && proximity::token_shaped(m.secret)
            && !specific_keyword_on_line(data, c.secret_start, specific_hits)
            && let Some(name) = m
                .key
                .and_then(proximity::provider_in)
                .or_else(|| proximity::provider_near(data, c.secret_start, c.secret_end))
            && assignment::judge_vouched(m) == Verdict::Keep
        {
            let provider = proximity::display(name);
            kept.tier = kept.tier.max(Tier::Medium);
            kept.note = Some(format!(
                "no rule knows this format; named for {provider} beside a random value, \
                 so most likely one of its credentials"
            ));
            kept.description = Some(format!("{provider} credential (name-matched)"));
            kept.provider = Some(provider);
            return true;
        }
        match classify::classify(classifier, m, rule.tier) {
            Verdict::Keep => true,
            Verdict::Reject => false,
            Verdict::Retier {
                tier,
                provider,
                note,
            } => {
                kept.tier = tier;
                kept.provider = provider.map(str::to_string);
                kept.note = Some(note);
                true
            }
        }
    }
}

/// A format's own checksum or structure, where it has one, as evidence: a
/// valid one is said in the note; an invalid one means the provider never
/// issued the value, so it is reported at low (seen, not blocking) rather
/// than dropped: scanners' and projects' test values are of this kind, and
/// a mistyped copy of a real token is still worth a look.
fn apply_checksum(kept: &mut Kept, secret: &[u8]) {
    match checksum::check(secret) {
        None => {}
        Some(checksum::Evidence::Valid(why)) => {
            kept.note = Some(match kept.note.take() {
                Some(note) => format!("{note}; {why}"),
                None => why.to_string(),
            });
        }
        Some(checksum::Evidence::Invalid(why)) => {
            kept.tier = Tier::Low;
            kept.note = Some(why.to_string());
        }
    }
}

/// Context: an opaque value (found by what surrounds it, not by a keyword
/// inside it) takes its rank from the name it is assigned to and the file;
/// test fixtures and documentation lower it. False when context drops it.
fn apply_context(rule: &Rule, data: &[u8], path: &str, kept: &mut Kept) -> bool {
    let c = &kept.candidate;
    let secret = &data[c.secret_start..c.secret_end];
    // Opaque formats (the rule found the value by what surrounds it, not
    // by a keyword inside it) take their rank from context.
    let opaque = is_opaque(rule, secret);
    if kept.note.is_none() && opaque {
        let name = context::assigned_name(data, kept.candidate.secret_start);
        (kept.tier, kept.note) = context::apply(kept.tier, name, path);
    }
    // A value that only surroundings vouch for is most likely a sample
    // in a test fixture or in documentation: one tier down, and gone if
    // already low. A value that carries its provider's own format
    // (`AKIA…`, `ghp_…` with its checksum, `sk_live_…`) stays: fixtures
    // of real formats are usually fake, but a live token in `tests/` is
    // just as live, and such formats are rarely mistaken. PEM armour
    // says nothing of whose key it is, so keys are lowered too.
    let self_evident = !rule.fallback && !opaque && rule.classify != Some(Classifier::PemKey);
    if !self_evident && let Some(why) = context::lowering(path) {
        if kept.tier == Tier::Low {
            return false;
        }
        kept.tier = kept.tier.lowered();
        kept.note = Some(match kept.note.take() {
            Some(prev) => format!("{prev}; {why}"),
            None => why.to_string(),
        });
    }
    true
}

/// Whether a specific rule's keyword lies on the line of the byte at `at`.
/// `hits` come in the keyword search's order, by the end of each keyword's
/// first nine bytes, so that end is what the search bisects on.
fn specific_keyword_on_line(data: &[u8], at: usize, hits: &[(usize, usize)]) -> bool {
    let from = memchr::memrchr(b'\n', &data[..at]).map_or(0, |p| p + 1);
    let to = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |p| at + p);
    let window_end = |&(s, e): &(usize, usize)| s + (e - s).min(9);
    let first = hits.partition_point(|h| window_end(h) < from);
    hits[first..]
        .iter()
        .take_while(|h| window_end(h) <= to + 9)
        .any(|&(s, _)| (from..to).contains(&s))
}

/// Whether none of `rule`'s keywords occurs inside `secret`: the rule found
/// the value by its surroundings, so the value alone says nothing of its scope.
fn is_opaque(rule: &Rule, secret: &[u8]) -> bool {
    let lower = secret.to_ascii_lowercase();
    !rule
        .keywords
        .iter()
        .any(|k| memchr::memmem::find(&lower, k.as_bytes()).is_some())
}

/// A kept candidate with its secret, and how it was decoded when it was
/// found in a decoding layer (its span then being the encoded text's).
struct Hit {
    kept: Kept,
    secret: Secret,
    decoded: Option<String>,
}

/// A candidate that passed the filters: its tier, the provider and note when
/// a classifier or context changed them, and whether its value is patterned.
struct Kept {
    candidate: Candidate,
    tier: Tier,
    provider: Option<String>,
    /// The description, when the finding is not what its rule describes
    /// (a provider named by [`proximity`]).
    description: Option<String>,
    note: Option<String>,
    patterned: bool,
}

impl Kept {
    /// What a classifier sees of this candidate.
    fn matched<'a>(&self, data: &'a [u8], path: &'a str) -> Matched<'a> {
        let c = &self.candidate;
        Matched {
            secret: &data[c.secret_start..c.secret_end],
            key: c.key.map(|(s, e)| &data[s..e]),
            quoted: c.secret_start > 0 && matches!(data[c.secret_start - 1], b'"' | b'\'' | b'`'),
            operator: c
                .key
                .filter(|(_, e)| *e <= c.secret_start)
                .map_or(&b""[..], |(_, e)| &data[e..c.secret_start]),
            path,
        }
    }

    fn span(&self) -> (usize, usize) {
        (self.candidate.secret_start, self.candidate.secret_end)
    }
}

/// Drops catch-all (`fallback`) findings that a specific rule explains, and
/// keeps one finding per identical secret span.
///
/// A catch-all finding goes when it overlaps a specific one, or, for the
/// secret-assignment catch-alls, when its value contains a specific rule's
/// provider keyword (`apify_api_...`: that provider's rule knows the format
/// and did not accept this value). Among findings of one span, a specific
/// rule beats a catch-all (a `ghp_` token in a URL is a GitHub token); among
/// specific rules, the one that matched more context wins (`clerk ...
/// sk_live_...` over a bare `sk_live_...` rule), then the higher tier; among
/// catch-alls, the higher tier; then the earlier rule.
fn drop_shadowed(rules: &RuleSet, kept: Vec<Kept>, specific_hits: &[(usize, usize)]) -> Vec<Kept> {
    let is_fallback = |k: &Kept| rules.get(k.candidate.rule as usize).fallback;
    let specific: Vec<(usize, usize)> = kept
        .iter()
        .filter(|k| !is_fallback(k))
        .map(Kept::span)
        .collect();
    let mut out: Vec<Kept> = Vec::with_capacity(kept.len());
    for k in kept {
        let rule = rules.get(k.candidate.rule as usize);
        let (start, end) = k.span();
        let explained = specific.iter().any(|&(s, e)| s < end && start < e)
            || (rule.classify == Some(Classifier::Assignment)
                && specific_hits.iter().any(|&(s, e)| {
                    // In a very long value a provider keyword turns up by
                    // chance; only one at its start says whose it is.
                    start <= s && e <= end && (end - start <= LONG_VALUE || s < start + 16)
                }));
        if rule.fallback && explained {
            continue;
        }
        // Between two catch-alls (a provider's "could be anything" rule and
        // the generic one) the higher tier wins: assume the worst.
        let rank = |c: &Kept| {
            if is_fallback(c) {
                (0, c.tier as usize, c.candidate.match_len)
            } else {
                (1, c.candidate.match_len, c.tier as usize)
            }
        };
        match out.iter_mut().find(|p| p.span() == (start, end)) {
            Some(prev) if rank(&k) > rank(prev) => *prev = k,
            Some(_) => {}
            None => out.push(k),
        }
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

/// Longest value a catch-all follows past its window: a generated key of a
/// few kilobytes is caught whole, a data blob is not followed forever.
const MAX_VALUE_RUN: usize = 64 * 1024;

/// Where a catch-all's value that reached the end of its window really
/// ends: the window is capped in bytes, so a 4,000-character `SECRET_KEY`
/// runs past it. Followed through the characters such values are made of.
fn run_end(data: &[u8], from: usize) -> usize {
    let limit = data.len().min(from + MAX_VALUE_RUN);
    data[from..limit]
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || b"+/=_-!@#%^&*.~".contains(b)))
        .map_or(limit, |p| from + p)
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
            None => return through_token(data, ceil),
        }
    }
    pos
}

/// Bytes a window capped inside a token may still grow by to reach the
/// token's end.
const TOKEN_OVERRUN: usize = 16 * 1024;

/// `end`, moved past the rest of a token it falls inside: a long credential
/// (a JWT with a 2,000-character payload, a 4,000-character key) must reach
/// its regex whole, not cut by a window's byte cap.
fn through_token(data: &[u8], end: usize) -> usize {
    let limit = (end + TOKEN_OVERRUN).min(data.len());
    let is_token =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'+' | b'/' | b'=');
    data[end..limit]
        .iter()
        .position(|&b| !is_token(b))
        .map_or(limit, |p| end + p)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load_rules_text;
    use std::path::Path;

    fn engine(rules_toml: &str) -> Engine {
        let rules = load_rules_text(Path::new("t.toml"), rules_toml, true).unwrap();
        Engine::new(rules, Allowlist::default())
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

    /// The built-in rules, as the product runs them.
    fn builtin() -> Engine {
        Engine::new(
            crate::rules::builtin().unwrap().to_vec(),
            Allowlist::default(),
        )
    }

    /// A generated token is found through every decoding layer, reported at
    /// the encoded text's line, with how it was decoded.
    #[test]
    fn generated_tokens_are_found_through_every_layer() {
        use base64::Engine as _;
        use base64::engine::general_purpose::STANDARD;
        let e = builtin();
        for seed in 1..4u64 {
            let ghp = super::checksum::tests::github_style("ghp_", seed);
            let escaped: String = ghp
                .chars()
                .map(|c| format!("\\x{:02x}", c as u32))
                .collect();
            let (head, tail) = ghp.split_at(11);
            let cases = [
                (
                    "k8s/secret.yaml",
                    format!("data:\n  token: {}\n", STANDARD.encode(&ghp)),
                    "base64-decoded",
                ),
                (
                    "notes.txt",
                    format!("x\ncb?t={}&y=1\n", ghp.replace('_', "%5F")),
                    "URL-decoded",
                ),
                (
                    "a.py",
                    format!("x\nt = \"{escaped}\"\n"),
                    "string escapes decoded",
                ),
                (
                    "a.js",
                    format!("x\nconst t = \"{head}\" +\n  \"{tail}\";\n"),
                    "string literals joined",
                ),
                (
                    "k8s/cm.yaml",
                    format!(
                        "a: 1\nurl: {}\n",
                        STANDARD.encode(format!("https://h/cb?t={}", ghp.replace('_', "%5F")))
                    ),
                    "base64-decoded, then URL-decoded",
                ),
            ];
            for (path, text, how) in cases {
                let f = e.scan(path, text.as_bytes()).unwrap();
                let hit = f.iter().find(|f| f.rule == "github-classic-pat");
                let hit = hit.unwrap_or_else(|| panic!("{path}: {text}\n{f:?}"));
                assert_eq!(hit.secret.expose(), ghp.as_bytes(), "{path}");
                assert_eq!(hit.decoded.as_deref(), Some(how), "{path}");
                assert_eq!(hit.line, 2, "{path}");
                assert_eq!(hit.tier, Tier::Critical, "{path}");
                let note = hit.note.as_deref().unwrap();
                assert!(
                    note.starts_with(how) && note.contains("checksum is valid"),
                    "{note}"
                );
            }
        }
    }

    #[test]
    fn yaml_block_value_is_read_with_its_key() {
        let e = builtin();
        let text = b"db:\n  password: >-\n    Zq8mR2xW4nT6yB1vK3cJ\n";
        let f = e.scan("config/app.yaml", text).unwrap();
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].decoded.as_deref(), Some("YAML block scalar joined"));
        assert_eq!(f[0].secret.expose(), b"Zq8mR2xW4nT6yB1vK3cJ");
        assert_eq!(f[0].line, 2);
    }

    #[test]
    fn decoding_can_be_turned_off_and_plain_hits_win_ties() {
        let mut e = builtin();
        let ghp = super::checksum::tests::github_style("ghp_", 9);
        // Found plainly: no decoding note even though the line has escapes.
        let plain = format!("t = \"{ghp}\\n\"\n");
        let f = e.scan("a.py", plain.as_bytes()).unwrap();
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].decoded, None);
        e.decode_layers = false;
        let hidden = format!("t = \"{}\"\n", ghp.replace('_', "\\x5f"));
        assert!(e.scan("a.py", hidden.as_bytes()).unwrap().is_empty());
    }
}
