//! The compiled form of a set of rules: one keyword searcher over every
//! rule's keywords, and each rule's regex compiled lazily, on the first
//! keyword hit that needs it, because a hook pays for start-up on every
//! commit and most rules never fire.

use super::keywords::KeywordSearcher;
use crate::rules::{CompiledRegex, Rule, compile_regex};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The rules a scan runs, ready to search.
pub struct RuleSet {
    rules: Vec<Rule>,
    compiled: Vec<OnceLock<Result<CompiledRegex, String>>>,
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
    /// Builds the keyword searcher over `rules`.
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
        let compiled = (0..rules.len()).map(|_| OnceLock::new()).collect();
        RuleSet {
            rules,
            compiled,
            keywords,
            keyword_rules,
            path_restricted,
        }
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

    /// Rule `index`'s regex, compiling it now if this is its first use.
    pub fn compiled(&self, index: usize) -> Result<&CompiledRegex, &str> {
        self.compiled[index]
            .get_or_init(|| compile_regex(&self.rules[index].pattern))
            .as_ref()
            .map_err(String::as_str)
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
