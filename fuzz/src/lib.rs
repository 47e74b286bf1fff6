//! What every fuzz target checks beyond "no panic": the promises blastwall
//! makes about its output, whatever the input.

use blastwall::error::LocatedError;

/// An error is one line (the CLI escapes it, but a message must not need
/// that to stay one sentence) and names a position inside the text it read.
pub fn check_error(e: &LocatedError, text: &str) {
    let message = e.to_string();
    assert!(!message.is_empty(), "empty error message");
    assert!(
        !e.message.contains('\n'),
        "error message spans lines: {message:?}"
    );
    let lines = text.lines().count().max(1) + 1;
    assert!(
        e.line <= lines,
        "error line {} past the text's {lines} lines",
        e.line
    );
}

/// `out`, written for people, holds no control character but newlines and
/// never the whole of a secret long enough to be one.
pub fn check_output_for_people(out: &str, secrets: &[&[u8]]) {
    for c in out.chars() {
        assert!(
            c == '\n' || !c.is_control(),
            "raw control character {c:?} in output: {out:?}"
        );
    }
    for secret in secrets {
        assert_not_revealed(out, secret);
    }
}

/// A secret of eight bytes or more never appears whole in `out`.
pub fn assert_not_revealed(out: &str, secret: &[u8]) {
    if secret.len() < 8 {
        return;
    }
    let Ok(s) = std::str::from_utf8(secret) else {
        return;
    };
    assert!(!out.contains(s), "the whole secret appears in the output");
}
