//! Detection quality, measured: the engine runs over the labelled dev corpus
//! (`../shared/corpus/dev-cases.jsonl`, positives and negatives from public
//! scanners' rule suites) and must keep recall and false positives within
//! bounds. The corpus is data only; no rule may special-case its strings.
//!
//! Each case is written to its own directory in a temp tree (under the file
//! name the case gives, else `snippet.txt`) and the whole tree is scanned
//! once, as `blastwall scan` would.

use blastwall::config::Config;
use blastwall::scan::{ScanOptions, scan_paths};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Share of positives that must be found.
const MIN_RECALL: f64 = 0.90;
/// Share of negatives that may be flagged (by any rule, at any tier).
const MAX_FLAGGED_NEGATIVES: f64 = 0.10;

struct Case {
    provider: String,
    kind: String,
    positive: bool,
    text: String,
    path: Option<String>,
}

fn corpus_path() -> PathBuf {
    if let Some(p) = std::env::var_os("BLASTWALL_CORPUS") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/dev-cases.jsonl")
}

fn load() -> Vec<Case> {
    let path = corpus_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the labelled corpus is needed for this test: cannot read {} ({e}); \
             set BLASTWALL_CORPUS to its path",
            path.display()
        )
    });
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("corpus lines are JSON");
            let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
            Case {
                provider: s("provider").expect("provider"),
                kind: s("kind").unwrap_or_default(),
                positive: s("label").as_deref() == Some("positive"),
                text: s("text").expect("text"),
                path: s("path"),
            }
        })
        .collect()
}

#[test]
fn corpus_recall_and_false_positives() {
    let cases = load();
    assert!(
        cases.len() > 500,
        "corpus looks truncated: {} cases",
        cases.len()
    );
    let dir = tempfile::tempdir().unwrap();
    for (i, c) in cases.iter().enumerate() {
        let case_dir = dir.path().join(format!("c{i:04}"));
        std::fs::create_dir_all(&case_dir).unwrap();
        let name = c.path.as_deref().unwrap_or("snippet.txt");
        std::fs::write(case_dir.join(name), &c.text).unwrap();
    }
    let config = Config::defaults().unwrap();
    let opts = ScanOptions {
        skip_dirs: Vec::new(),
        max_file_size: config.max_file_size,
        threads: 0,
    };
    let outcome = scan_paths(&config.engine, &[dir.path().to_path_buf()], &opts).unwrap();
    assert_eq!(
        outcome.stats.files as usize,
        cases.len(),
        "every case file is scanned"
    );

    let mut flagged = vec![false; cases.len()];
    for f in &outcome.findings {
        let index: usize = f.path.split('/').next().unwrap()[1..].parse().unwrap();
        flagged[index] = true;
    }
    let positives = cases.iter().filter(|c| c.positive).count();
    let negatives = cases.len() - positives;
    let found = cases
        .iter()
        .zip(&flagged)
        .filter(|(c, f)| c.positive && **f)
        .count();
    let false_pos = cases
        .iter()
        .zip(&flagged)
        .filter(|(c, f)| !c.positive && **f)
        .count();
    let recall = found as f64 / positives as f64;
    let fp_rate = false_pos as f64 / negatives as f64;

    let mut misses: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut fps: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (c, f) in cases.iter().zip(&flagged) {
        if c.positive && !*f {
            misses.entry(&c.provider).or_default().push(&c.kind);
        } else if !c.positive && *f {
            fps.entry(&c.provider).or_default().push(&c.kind);
        }
    }
    println!(
        "corpus: {} cases ({positives} positive, {negatives} negative)",
        cases.len()
    );
    println!("recall {found}/{positives} = {recall:.3} (bound {MIN_RECALL})");
    println!(
        "flagged negatives {false_pos}/{negatives} = {fp_rate:.3} (bound {MAX_FLAGGED_NEGATIVES})"
    );
    println!("misses by provider:");
    for (p, kinds) in &misses {
        println!("  {p}: {} ({})", kinds.len(), kinds.join(", "));
    }
    println!("flagged negatives by provider:");
    for (p, kinds) in &fps {
        println!("  {p}: {} ({})", kinds.len(), kinds.join(", "));
    }
    assert!(
        recall >= MIN_RECALL,
        "recall {recall:.3} is below {MIN_RECALL}"
    );
    assert!(
        fp_rate <= MAX_FLAGGED_NEGATIVES,
        "flagged negatives {fp_rate:.3} exceed {MAX_FLAGGED_NEGATIVES}"
    );
}
