//! Rules: what a credential looks like, how dangerous it is, and how to shrink
//! its blast radius.
//!
//! The built-in rules live in `rules.toml` at the repository root and are
//! embedded in the binary. A repo's `.blastwall.toml` can add, disable and
//! re-tier rules (see [`crate::config`]). A [`RuleSet`] is the compiled form:
//! one keyword searcher over every rule's keywords, and each rule's regex
//! compiled lazily, on the first keyword hit that needs it, because a hook pays
//! for start-up on every commit.

pub mod schema;
pub mod selftest;

use crate::engine::keywords::KeywordSearcher;
use crate::error::LocatedError;
use crate::tier::Tier;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex_automata::PatternID;
use regex_automata::meta;
use regex_automata::util::syntax;
use schema::{Classifier, Example, RawRule};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The built-in rules, embedded at compile time.
pub const BUILTIN_RULES: &str = include_str!("../../rules.toml");
/// The name under which built-in rule errors are reported.
pub const BUILTIN_RULES_NAME: &str = "rules.toml (built-in)";

/// Where a rule came from; user rules are reported with their file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleSource {
    Builtin,
    File(PathBuf),
}

/// A rule's regex, compiled, and the capture group that holds the secret.
#[derive(Debug, Clone)]
pub struct CompiledRegex {
    pub regex: meta::Regex,
    pub secret_group: usize,
    /// The group named `key`: the variable or field name the secret is
    /// assigned to, when the rule captures it (classifiers read it).
    pub key_group: Option<usize>,
}

/// One rule, validated, with its regex compiled on first use.
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
    pub paths: Option<GlobSet>,
    pub window_lines: u32,
    pub fallback: bool,
    pub placeholder_filter: bool,
    pub references: Vec<String>,
    pub source: RuleSource,
    /// A tier forced by the repo's config; wins over classifiers.
    pub tier_override: Option<Tier>,
    compiled: OnceLock<Result<CompiledRegex, String>>,
}

impl Rule {
    /// Builds a rule from its validated raw form.
    pub fn from_raw(raw: RawRule, source: RuleSource) -> Result<Rule, String> {
        // A rule's path globs match at any depth (`.railway/config.json`
        // in a home directory as in a repository).
        let paths = match &raw.paths {
            Some(globs) => {
                let anywhere: Vec<String> = globs
                    .get_ref()
                    .iter()
                    .map(|g| {
                        if g.starts_with("**/") || g.starts_with('/') || !g.contains('/') {
                            g.clone()
                        } else {
                            format!("**/{g}")
                        }
                    })
                    .collect();
                Some(compile_path_globs(&anywhere)?)
            }
            None => None,
        };
        Ok(Rule {
            id: raw.id.into_inner(),
            provider: raw.provider,
            description: raw.description,
            keywords: raw.keywords.into_inner(),
            pattern: raw.regex.into_inner(),
            entropy: raw.entropy.map(|e| e.into_inner()),
            tier: raw.tier,
            why: raw.why,
            fix: raw.fix,
            examples: raw.examples,
            negative_examples: raw.negative_examples,
            classify: raw.classify,
            paths,
            window_lines: raw.window_lines.unwrap_or(0),
            fallback: raw.fallback,
            placeholder_filter: raw.placeholder_filter,
            references: raw.references,
            source,
            tier_override: None,
            compiled: OnceLock::new(),
        })
    }

    /// The compiled regex, compiling it now if this is its first use.
    pub fn compiled(&self) -> Result<&CompiledRegex, &str> {
        self.compiled
            .get_or_init(|| compile_regex(&self.pattern))
            .as_ref()
            .map_err(|e| e.as_str())
    }

    /// Whether the rule applies to a file at `path` (repo- or root-relative).
    pub fn applies_to(&self, path: &str) -> bool {
        self.paths.as_ref().is_none_or(|g| g.is_match(path))
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

/// The compiled set of rules a scan runs.
pub struct RuleSet {
    rules: Vec<Rule>,
    keywords: KeywordSearcher,
    /// Keyword pattern index → the rules that keyword triggers.
    keyword_rules: Vec<Vec<u32>>,
    /// Indexes of rules restricted to some paths (checked once per file).
    path_restricted: Vec<u32>,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("rules", &self.rules.len())
            .finish()
    }
}

impl RuleSet {
    /// Builds the keyword automaton over `rules`.
    pub fn new(rules: Vec<Rule>) -> RuleSet {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut patterns: Vec<&str> = Vec::new();
        let mut keyword_rules: Vec<Vec<u32>> = Vec::new();
        for (ri, rule) in rules.iter().enumerate() {
            for kw in &rule.keywords {
                let pi = *index.entry(kw.as_str()).or_insert_with(|| {
                    patterns.push(kw.as_str());
                    keyword_rules.push(Vec::new());
                    patterns.len() - 1
                });
                if !keyword_rules[pi].contains(&(ri as u32)) {
                    keyword_rules[pi].push(ri as u32);
                }
            }
        }
        let keywords = KeywordSearcher::new(&patterns);
        let path_restricted = rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.paths.is_some())
            .map(|(i, _)| i as u32)
            .collect();
        RuleSet {
            rules,
            keywords,
            keyword_rules,
            path_restricted,
        }
    }

    /// The built-in rules only (no repo config).
    pub fn builtin() -> Result<RuleSet, LocatedError> {
        Ok(RuleSet::new(load_builtin()?))
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn get(&self, index: usize) -> &Rule {
        &self.rules[index]
    }

    pub fn find(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub(crate) fn keyword_searcher(&self) -> &KeywordSearcher {
        &self.keywords
    }

    pub(crate) fn rules_for_keyword(&self, pattern: usize) -> &[u32] {
        &self.keyword_rules[pattern]
    }

    pub(crate) fn path_restricted(&self) -> &[u32] {
        &self.path_restricted
    }
}

/// Parses the embedded rules.
pub fn load_builtin() -> Result<Vec<Rule>, LocatedError> {
    load_rules_text(
        Path::new(BUILTIN_RULES_NAME),
        BUILTIN_RULES,
        RuleSource::Builtin,
        false,
    )
}

/// Parses and validates rules from `text` (the content of `file`). With
/// `compile`, every regex is compiled now so that errors carry a position.
pub fn load_rules_text(
    file: &Path,
    text: &str,
    source: RuleSource,
    compile: bool,
) -> Result<Vec<Rule>, LocatedError> {
    let raws = schema::parse_rules_file(file, text)?;
    raws_to_rules(file, text, raws, source, compile)
}

/// Turns validated raw rules into rules, compiling regexes when asked.
pub fn raws_to_rules(
    file: &Path,
    text: &str,
    raws: Vec<RawRule>,
    source: RuleSource,
    compile: bool,
) -> Result<Vec<Rule>, LocatedError> {
    let mut out = Vec::with_capacity(raws.len());
    for raw in raws {
        let regex_at = raw.regex.span().start;
        let id_at = raw.id.span().start;
        let id = raw.id.get_ref().clone();
        let rule = Rule::from_raw(raw, source.clone())
            .map_err(|e| LocatedError::at_offset(file, text, id_at, format!("rule `{id}`: {e}")))?;
        if compile && let Err(e) = rule.compiled() {
            return Err(LocatedError::at_offset(
                file,
                text,
                regex_at,
                format!("rule `{id}`: regex does not compile: {}", first_line(e)),
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
        let err =
            load_rules_text(Path::new("c.toml"), text, RuleSource::Builtin, true).unwrap_err();
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
