//! A rules file (`rules.toml` schema, `--rules FILE`): any bytes load into
//! rules or a located error; loaded rules scan their own examples.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match blastwall::rules::load_rules_text(Path::new("rules.toml"), &text, true) {
        Ok(rules) => {
            let engine = blastwall::engine::Engine::new(rules, Default::default());
            let _ = engine.scan("file.txt", data);
        }
        Err(e) => blastwall_fuzz::check_error(&e, &text),
    }
});
