//! The engine on arbitrary bytes under an arbitrary path: no panic, every
//! finding inside the input, and the report for people reveals no secret
//! and no raw control character.
#![no_main]
use blastwall::engine::Engine;
use blastwall::report::{Style, write_table};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let config = blastwall::config::Config::defaults().expect("default config");
        Engine::for_config(&config).expect("built-in rules")
    })
}

fuzz_target!(|data: &[u8]| {
    // The first line names the file, so paths are fuzzed too.
    let (path, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) if i < 200 => (
            String::from_utf8_lossy(&data[..i]).into_owned(),
            &data[i + 1..],
        ),
        _ => ("config/.env".to_string(), data),
    };
    let findings = engine().scan(&path, body).expect("built-in rules compile");
    let lines = body.iter().filter(|&&b| b == b'\n').count() + 1;
    for f in &findings {
        assert!(
            f.line >= 1 && f.line <= lines,
            "line {} outside 1..={lines}",
            f.line
        );
        assert!(f.end_line >= f.line);
        assert!(f.column >= 1);
    }
    let mut out = Vec::new();
    write_table(&findings, Style { color: false }, &mut out).expect("writing to memory");
    let out = String::from_utf8(out).expect("the report is UTF-8");
    // A secret that is also in the file name is the funnel's to redact (it
    // scans names and masks them in every path it reports; the property
    // test and the hardening tests cover that): the engine alone shows
    // the path it was given.
    // A redaction shows the first third of a long secret by design; a
    // second, shorter match that is exactly that prefix (the same token
    // cut short elsewhere in the file) is shown by it and is not checked.
    let all: Vec<&[u8]> = findings.iter().map(|f| f.secret.expose()).collect();
    let secrets: Vec<&[u8]> = all
        .iter()
        .copied()
        .filter(|s| !path.as_bytes().windows(s.len().max(1)).any(|w| w == *s))
        .filter(|s| {
            !all.iter().any(|long| {
                long.len() > s.len() && long.len() / 3 >= s.len() && long.starts_with(s)
            })
        })
        .collect();
    blastwall_fuzz::check_output_for_people(&out, &secrets);
});
