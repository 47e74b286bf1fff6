//! `.blastwall.toml`: any bytes parse into a config or a located error.
#![no_main]
use blastwall::config::Config;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    match Config::parse(Path::new(".blastwall.toml"), text.clone()) {
        Ok(config) => {
            // A config that parses must also build an engine or say why.
            if let Err(e) = blastwall::engine::Engine::for_config(&config) {
                blastwall_fuzz::check_error(&e, &text);
            }
        }
        Err(e) => blastwall_fuzz::check_error(&e, &text),
    }
});
