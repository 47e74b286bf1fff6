//! Rules: what a credential looks like, how dangerous it is, and how to shrink
//! its blast radius.
//!
//! The built-in rules live in `rules.toml` at the repository root and are
//! embedded in the binary. A repo's `.blastwall.toml` can add, disable and
//! re-tier rules ([`Changes`]). This module is data: the schema, loading and
//! validation, and each rule's self-test examples. The engine compiles rules
//! into its searchable form (`engine::RuleSet`); nothing here runs a scan.

pub mod format;
pub mod packed;
pub mod schema;
pub mod token_checksum;

use crate::error::LocatedError;
use crate::tier::Tier;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex_automata::PatternID;
use regex_automata::meta;
use regex_automata::util::syntax;
use schema::{Classifier, Example, RawRule};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

/// The built-in rules, embedded at compile time.
pub const BUILTIN_RULES: &str = include_str!("../../rules.toml");
/// The name under which built-in rule errors are reported.
pub const BUILTIN_RULES_NAME: &str = "rules.toml (built-in)";

/// A rule's regex, compiled, and the capture group that holds the secret.
#[derive(Debug, Clone)]
pub struct CompiledRegex {
    pub regex: meta::Regex,
    pub secret_group: usize,
    /// The group named `key`: the variable or field name the secret is
    /// assigned to, when the rule captures it (classifiers read it).
    pub key_group: Option<usize>,
}

/// One rule, validated. Its regex is compiled by the engine, on first use.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub provider: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub pattern: String,
    pub entropy: Option<f64>,
    pub tier: Tier,
    pub why: String,
    pub fix: String,
    pub examples: Vec<Example>,
    pub negative_examples: Vec<Example>,
    pub classify: Option<Classifier>,
    /// Globs limiting the files the rule applies to (matched at any depth).
    pub paths: Option<Vec<String>>,
    /// `paths`, compiled on first use: most runs never need most of them.
    path_globs: OnceLock<Option<GlobSet>>,
    pub window_lines: u32,
    pub fallback: bool,
    pub placeholder_filter: bool,
    pub references: Vec<String>,
    /// The token's documented shape, when the rule declares one (built-in
    /// rules: filled in with their examples, for the self-test).
    pub format: Option<format::FormatSpec>,
    /// A tier forced by the repo's config; wins over classifiers.
    pub tier_override: Option<Tier>,
}

impl Rule {
    /// Builds a rule from its validated raw form; its path globs are
    /// compiled now, so that a bad one is reported where it is written.
    pub fn from_raw(raw: RawRule) -> Result<Rule, String> {
        let (packed, examples) = packed::Packed::from_raw(raw);
        let unpack =
            |v: Vec<packed::PackedExample>| v.into_iter().map(packed::unpack_example).collect();
        let mut rule = Rule::new(
            packed,
            unpack(examples.examples),
            unpack(examples.negative_examples),
        );
        rule.format = examples.format;
        let globs = rule.paths.as_deref().map(anywhere_globs).transpose()?;
        let _ = rule.path_globs.set(globs);
        Ok(rule)
    }

    /// Builds a rule from its validated fields and examples.
    pub fn new(p: packed::Packed, examples: Vec<Example>, negative_examples: Vec<Example>) -> Rule {
        Rule {
            id: p.id,
            provider: p.provider,
            description: p.description,
            keywords: p.keywords,
            pattern: p.pattern,
            entropy: p.entropy,
            tier: p.tier,
            why: p.why,
            fix: p.fix,
            examples,
            negative_examples,
            classify: p.classify,
            paths: p.paths,
            path_globs: OnceLock::new(),
            window_lines: p.window_lines,
            fallback: p.fallback,
            placeholder_filter: p.placeholder_filter,
            references: p.references,
            format: None,
            tier_override: None,
        }
    }

    /// The tier the rule reports before classifiers and context: the
    /// repository's override, else the rule's own.
    pub fn effective_tier(&self) -> Tier {
        self.tier_override.unwrap_or(self.tier)
    }

    /// Whether the rule applies to a file at `path` (repo- or root-relative).
    pub fn applies_to(&self, path: &str) -> bool {
        let globs = self.path_globs.get_or_init(|| {
            // Validated when the rule was loaded; a failure here matches nothing.
            self.paths
                .as_deref()
                .map(|p| anywhere_globs(p).unwrap_or_else(|_| GlobSet::empty()))
        });
        globs.as_ref().is_none_or(|g| g.is_match(path))
    }
}

/// Compiles a rule regex the way the engine runs it: over bytes, ASCII classes
/// (`\w`, `\b`, `(?i)`) because credentials are ASCII and Unicode word
/// boundaries would push the engine off its fast DFA path; `^` and `$` match
/// at line boundaries (`\n` or `\r\n`), because files are scanned whole.
pub fn compile_regex(pattern: &str) -> Result<CompiledRegex, String> {
    let regex = meta::Regex::builder()
        .syntax(
            syntax::Config::new()
                .unicode(false)
                .utf8(false)
                .multi_line(true)
                .crlf(true),
        )
        .configure(
            meta::Config::new()
                .utf8_empty(false)
                .nfa_size_limit(Some(20 << 20)),
        )
        .build(pattern)
        .map_err(|e| e.to_string())?;
    let info = regex.group_info();
    let secret_group = info
        .to_index(PatternID::ZERO, "secret")
        .or(if info.group_len(PatternID::ZERO) > 1 {
            Some(1)
        } else {
            None
        })
        .unwrap_or(0);
    let key_group = info.to_index(PatternID::ZERO, "key");
    Ok(CompiledRegex {
        regex,
        secret_group,
        key_group,
    })
}

/// A rule's path globs: each matches at any depth (`.railway/config.json`
/// in a home directory as in a repository).
fn anywhere_globs(globs: &[String]) -> Result<GlobSet, String> {
    let anywhere: Vec<String> = globs
        .iter()
        .map(|g| {
            if g.starts_with("**/") || g.starts_with('/') || !g.contains('/') {
                g.clone()
            } else {
                format!("**/{g}")
            }
        })
        .collect();
    compile_path_globs(&anywhere)
}

/// Compiles path globs; a glob without `/` matches the file name at any depth.
pub fn compile_path_globs(globs: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let pattern = if glob.contains('/') {
            glob.clone()
        } else {
            format!("**/{glob}")
        };
        let g = GlobBuilder::new(&pattern)
            .literal_separator(true)
            .case_insensitive(true)
            .build()
            .map_err(|e| format!("bad path glob `{glob}`: {e}"))?;
        builder.add(g);
    }
    builder.build().map_err(|e| e.to_string())
}

/// Parses the embedded rules.
pub fn load_builtin() -> Result<Vec<Rule>, LocatedError> {
    load_rules_text(Path::new(BUILTIN_RULES_NAME), BUILTIN_RULES, false)
}

/// The built-in rules as `build.rs` validated and packed them.
const PACKED_RULES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/rules.bin"));
/// Their examples, packed apart (only the self-test reads them).
const PACKED_EXAMPLES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/examples.bin"));
/// SHA-256 of `rules.toml`, computed by `build.rs`: part of cache keys, so
/// that new rules invalidate what was cached under the old ones.
pub const BUILTIN_RULES_SHA256: &str = include_str!(concat!(env!("OUT_DIR"), "/rules.sha256"));

/// The built-in rules, decoded once per process (config validation and the
/// engine both need them). Without examples: see [`with_examples`].
pub fn builtin() -> Result<&'static [Rule], LocatedError> {
    static BUILTIN: OnceLock<Result<Vec<Rule>, LocatedError>> = OnceLock::new();
    BUILTIN
        .get_or_init(|| {
            let fail = |e: String| LocatedError::whole_file(Path::new(BUILTIN_RULES_NAME), e);
            let packed: Vec<packed::Packed> = postcard::from_bytes(PACKED_RULES)
                .map_err(|e| fail(format!("the packed built-in rules do not decode: {e}")))?;
            Ok(packed
                .into_iter()
                .map(|p| Rule::new(p, Vec::new(), Vec::new()))
                .collect())
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// `rules` with the examples of the built-in ones filled in, for the self-test.
pub fn with_examples(mut rules: Vec<Rule>) -> Vec<Rule> {
    let Ok(all) = postcard::from_bytes::<Vec<packed::PackedExamples>>(PACKED_EXAMPLES) else {
        return rules;
    };
    let by_id: std::collections::HashMap<String, packed::PackedExamples> =
        all.into_iter().map(|e| (e.id.clone(), e)).collect();
    for rule in &mut rules {
        if rule.examples.is_empty()
            && rule.negative_examples.is_empty()
            && rule.format.is_none()
            && let Some(e) = by_id.get(&rule.id)
        {
            rule.format = e.format.clone();
            rule.examples = e
                .examples
                .iter()
                .cloned()
                .map(packed::unpack_example)
                .collect();
            rule.negative_examples = e
                .negative_examples
                .iter()
                .cloned()
                .map(packed::unpack_example)
                .collect();
        }
    }
    rules
}

/// A repository's changes to the built-in rules, already validated against
/// them: rules it adds, rules it disables, tiers it forces.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub added: Vec<Rule>,
    pub disabled: HashSet<String>,
    pub tiers: BTreeMap<String, Tier>,
}

impl Changes {
    /// `base` with these changes applied: added rules appended, disabled
    /// ones removed, forced tiers recorded on the rules.
    pub fn apply(&self, base: &[Rule]) -> Vec<Rule> {
        let mut all: Vec<Rule> = base
            .iter()
            .chain(&self.added)
            .filter(|r| !self.disabled.contains(&r.id))
            .cloned()
            .collect();
        for rule in &mut all {
            if let Some(tier) = self.tiers.get(&rule.id) {
                rule.tier_override = Some(*tier);
            }
        }
        all
    }
}

/// Parses and validates rules from `text` (the content of `file`). With
/// `compile`, every regex is compiled now so that errors carry a position.
pub fn load_rules_text(file: &Path, text: &str, compile: bool) -> Result<Vec<Rule>, LocatedError> {
    let raws = schema::parse_rules_file(file, text)?;
    raws_to_rules(file, text, raws, compile)
}

/// Turns validated raw rules into rules, compiling regexes when asked.
pub fn raws_to_rules(
    file: &Path,
    text: &str,
    raws: Vec<RawRule>,
    compile: bool,
) -> Result<Vec<Rule>, LocatedError> {
    let mut out = Vec::with_capacity(raws.len());
    for raw in raws {
        let regex_at = raw.regex.span().start;
        let id_at = raw.id.span().start;
        let id = raw.id.get_ref().clone();
        let rule = Rule::from_raw(raw)
            .map_err(|e| LocatedError::at_offset(file, text, id_at, format!("rule `{id}`: {e}")))?;
        if compile && let Err(e) = compile_regex(&rule.pattern) {
            return Err(LocatedError::at_offset(
                file,
                text,
                regex_at,
                format!("rule `{id}`: regex does not compile: {}", first_line(&e)),
            ));
        }
        out.push(rule);
    }
    Ok(out)
}

fn first_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse() {
        let rules = load_builtin().expect("built-in rules.toml should parse and validate");
        assert!(rules.len() >= 200, "only {} built-in rules", rules.len());
    }

    #[test]
    fn secret_group_is_named_or_first() {
        assert_eq!(compile_regex("a(?P<secret>b)(c)").unwrap().secret_group, 1);
        assert_eq!(compile_regex("(a)(?P<secret>b)").unwrap().secret_group, 2);
        assert_eq!(compile_regex("x(b)").unwrap().secret_group, 1);
        assert_eq!(compile_regex("xb").unwrap().secret_group, 0);
    }

    #[test]
    fn regex_is_ascii_bytes() {
        let c = compile_regex(r"\w+").unwrap();
        let m = c.regex.find("é".as_bytes());
        assert!(m.is_none(), "\\w must be ASCII-only");
    }

    #[test]
    fn bad_regex_is_located() {
        let text = "[[rule]]\nid = \"x-y\"\nprovider = \"p\"\ndescription = \"d\"\nkeywords = [\"ab\"]\nregex = 'ab('\ntier = \"low\"\nwhy = \"w\"\nfix = \"f\"\n";
        let err = load_rules_text(Path::new("c.toml"), text, true).unwrap_err();
        assert_eq!((err.line, err.column), (6, 9), "{err}");
        assert!(err.message.contains("regex does not compile"), "{err}");
    }

    #[test]
    fn path_globs_match_names_at_any_depth() {
        let g = compile_path_globs(&["nuget.config".into(), "k8s/*.yaml".into()]).unwrap();
        assert!(g.is_match("a/b/NuGet.Config"));
        assert!(g.is_match("k8s/x.yaml"));
        assert!(!g.is_match("k8s/deep/x.yaml"));
    }
}
