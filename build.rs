//! Prepares the built-in rules at build time.
//!
//! `rules.toml` is parsed and validated here, once: a rule that does not
//! validate fails the build with its file, line and column. The rules are
//! then embedded in a compact binary form (postcard) that the binary decodes
//! in well under a millisecond, instead of parsing half a megabyte of TOML
//! on every hook run; their examples go into a second blob that only the
//! self-test reads. The SHA-256 of `rules.toml` keys caches to the rules.
#![allow(dead_code)]

#[path = "src/error.rs"]
mod error;
#[path = "src/tier.rs"]
mod tier;
// As siblings here: `packed` refers to `super::schema`, as in src/rules/.
#[path = "src/rules/format.rs"]
mod format;
#[path = "src/rules/packed.rs"]
mod packed;
#[path = "src/rules/schema.rs"]
mod schema;
#[path = "src/rules/token_checksum.rs"]
mod token_checksum;

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

fn main() {
    for f in [
        "rules.toml",
        "src/rules/schema.rs",
        "src/rules/packed.rs",
        "src/rules/format.rs",
        "src/rules/token_checksum.rs",
        "src/tier.rs",
        "src/error.rs",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    let text = std::fs::read_to_string("rules.toml").expect("rules.toml is readable");
    let raws = match schema::parse_rules_file(Path::new("rules.toml"), &text) {
        Ok(r) => r,
        Err(e) => panic!("the built-in rules do not validate: {e}"),
    };
    let (rules, examples): (Vec<_>, Vec<_>) =
        raws.into_iter().map(packed::Packed::from_raw).unzip();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(out.join(name), bytes).unwrap_or_else(|e| panic!("writing {name}: {e}"))
    };
    write(
        "rules.bin",
        &postcard::to_allocvec(&rules).expect("rules encode"),
    );
    write(
        "examples.bin",
        &postcard::to_allocvec(&examples).expect("examples encode"),
    );
    let hash: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    write("rules.sha256", hash.as_bytes());
}
