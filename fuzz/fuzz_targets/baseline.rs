//! `.blastwall-baseline.json`: any bytes parse or give a located error, and
//! a parsed baseline written back parses to the same entries.
#![no_main]
use blastwall::baseline::Baseline;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let path = Path::new(".blastwall-baseline.json");
    match Baseline::parse(path, &text) {
        Ok(b) => {
            let again = String::from_utf8(b.to_bytes()).expect("baseline written as UTF-8");
            let reparsed = Baseline::parse(path, &again).expect("a written baseline parses");
            assert_eq!(reparsed.len(), b.len());
        }
        Err(e) => {
            blastwall_fuzz::check_error(&e, &text);
            assert!(e.line == 0 || e.column >= 1, "a line without a column: {e}");
        }
    }
});
