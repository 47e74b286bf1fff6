//! An agent's hook input (JSON on stdin): any bytes give an event or an
//! error, never a panic; an event's paths and commands are then read for
//! the file paths they touch, which must not panic either.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = blastwall::agent::event::parse(&text);
    let _ = blastwall::agent::shell::path_tokens(&text);
    let _ = blastwall::agent::shell::parse(&text);
});
