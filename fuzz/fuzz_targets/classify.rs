//! The classifiers (JWT, Azure SAS, PyPI macaroon, PEM key, the assignment
//! judge) on arbitrary secrets and names: no panic, and a note never quotes
//! the whole secret.
#![no_main]
use blastwall::engine::classify::classify;
use blastwall::engine::verdict::{Matched, Verdict};
use blastwall::rules::schema::Classifier;
use blastwall::tier::Tier;
use libfuzzer_sys::fuzz_target;

const CLASSIFIERS: [Classifier; 5] = [
    Classifier::Assignment,
    Classifier::Jwt,
    Classifier::AzureSas,
    Classifier::PypiMacaroon,
    Classifier::PemKey,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    // Bytes before the first NUL are the name, the rest the secret.
    let (key, secret) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (Some(&rest[..i]), &rest[i + 1..]),
        None => (None, rest),
    };
    let m = Matched {
        secret,
        key,
        quoted: selector & 0x80 != 0,
        operator: b" = ",
        path: if selector & 0x40 != 0 {
            "src/app.py"
        } else {
            "tests/fixtures/app.py"
        },
    };
    let classifier = CLASSIFIERS[usize::from(selector) % CLASSIFIERS.len()];
    if let Verdict::Retier { note, .. } = classify(classifier, m, Tier::High) {
        blastwall_fuzz::assert_not_revealed(&note, secret);
    }
});
