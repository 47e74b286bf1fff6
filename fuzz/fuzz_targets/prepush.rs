//! git's pre-push and pre-receive stdin: any text parses into ref updates
//! or an error that names the line, without quoting raw control characters.
#![no_main]
use libfuzzer_sys::fuzz_target;

fn check(message: &str) {
    for c in message.chars() {
        assert!(
            !c.is_control(),
            "raw control character {c:?} in {message:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = blastwall::git::push::parse_updates(&text) {
        check(&e.to_string());
    }
    if let Err(e) = blastwall::source::received::parse(&text) {
        check(&e.to_string());
    }
});
