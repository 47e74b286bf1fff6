//! `blastwall hash`: the SHA-256 of a secret read from stdin, the form
//! `[allowlist] secrets` takes so the config never holds a secret.

use super::{Global, Outcome};
use anyhow::{Result, bail};
use sha2::{Digest, Sha256};
use std::io::Read;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(global: &Global, _args: &Args) -> Result<Outcome> {
    global.reject_config("hash")?;
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input)?;
    // A trailing newline from `echo` is almost never part of the secret.
    while input.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        input.pop();
    }
    if input.is_empty() {
        bail!("nothing on stdin: pipe the secret in, e.g. `printf %s \"$TOKEN\" | blastwall hash`");
    }
    println!("{}", crate::finding::hex(&Sha256::digest(&input)));
    Ok(Outcome::Clean)
}
