//! `blastwall agent-hook AGENT`: one event as JSON on stdin, one verdict in
//! the agent's format on stdout.
//!
//! Fail closed: malformed or unknown input, a broken config, an internal
//! error, a panic, or running out of time all answer *deny* (exit 2): the
//! agents run the tool anyway on any other failure.

use super::{Global, Outcome};
use crate::agent::event::{self, Agent, Event, Kind};
use crate::agent::judge::{Guard, Verdict};
use crate::agent::respond::{self, Answer};
use crate::cache::LazyCache;
use crate::config::{Config, project_root};
use crate::engine::Engine;
use crate::reach::cache_key;
use crate::source::gitdir::git_dirs;
use anyhow::{Context, Result, anyhow};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The agent whose hook this is (decides the answer's format).
    #[arg(value_enum)]
    pub agent: Agent,
}

/// The agent and event being answered, for the panic hook.
static ANSWERING: OnceLock<(Agent, String, Kind)> = OnceLock::new();

pub fn run(global: &Global, args: &Args) -> Result<Outcome> {
    install_panic_guard(args.agent);
    let mut input = String::new();
    let answer = match std::io::stdin().read_to_string(&mut input) {
        Err(e) => respond::fail_closed(args.agent, "", Kind::Tool, &format!("reading stdin: {e}")),
        Ok(_) => answer(global, args.agent, &input),
    };
    emit(&answer)?;
    if answer.code == 2 {
        // main exits 2; the reason is already on stderr.
        return Err(anyhow!(
            "the call was denied because it could not be checked"
        ));
    }
    Ok(Outcome::Clean)
}

fn emit(answer: &Answer) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(answer.stdout.as_bytes())?;
    out.flush()?;
    let mut err = std::io::stderr().lock();
    err.write_all(answer.stderr.as_bytes())?;
    Ok(())
}

/// Any panic, in any thread, answers deny and exits 2 at once.
fn install_panic_guard(agent: Agent) {
    std::panic::set_hook(Box::new(move |info| {
        let (agent, event, kind) =
            ANSWERING
                .get()
                .cloned()
                .unwrap_or((agent, String::new(), Kind::Tool));
        let a = respond::fail_closed(agent, &event, kind, &format!("internal error ({info})"));
        let _ = std::io::stdout().write_all(a.stdout.as_bytes());
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().write_all(a.stderr.as_bytes());
        std::process::exit(2);
    }));
}

fn answer(global: &Global, agent: Agent, input: &str) -> Answer {
    let event = match event::parse(input) {
        Ok(e) => e,
        Err(e) => return respond::fail_closed(agent, "", Kind::Tool, &e.to_string()),
    };
    let _ = ANSWERING.set((agent, event.name.clone(), event.kind));
    let config = match load_config(global, &event) {
        Ok(c) => c,
        Err(e) => return respond::fail_closed(agent, &event.name, event.kind, &format!("{e:#}")),
    };
    let deadline = Duration::from_secs_f64(config.agent.timeout);
    let (tx, rx) = std::sync::mpsc::channel();
    let job_event = event.clone();
    std::thread::spawn(move || {
        let _ = tx.send(decide(&config, &job_event));
    });
    match rx.recv_timeout(deadline) {
        Ok(Ok(Verdict::Allow)) => respond::allow(),
        Ok(Ok(Verdict::Deny(reason))) => respond::deny(agent, &event.name, event.kind, &reason),
        Ok(Err(e)) => respond::fail_closed(agent, &event.name, event.kind, &format!("{e:#}")),
        Err(_) => respond::fail_closed(
            agent,
            &event.name,
            event.kind,
            &format!(
                "the check did not finish within {:.1} s ([agent] timeout)",
                deadline.as_secs_f64()
            ),
        ),
    }
}

/// `--config`/`BLASTWALL_CONFIG`, else the `.blastwall.toml` of the
/// repository the agent works in.
fn load_config(global: &Global, event: &Event) -> Result<Config> {
    let explicit = global.explicit_config();
    Ok(Config::discover(explicit.as_deref(), &event.cwd)?)
}

fn decide(config: &Config, event: &Event) -> Result<Verdict> {
    let engine = Engine::for_config(config)?;
    let root = project_root(&event.cwd).filter(|r| r.join(".git").exists());
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    // The reach check's cache can vouch for files when it records findings
    // at the tier the guard denies from (or lower).
    let matters_from = config.reach.warn.min(config.reach.block);
    let cache_file = root
        .as_ref()
        .and_then(|r| git_dirs(r).pop())
        .map(|g| g.join("blastwall").join("reach-cache"))
        .filter(|_| config.agent.deny >= matters_from);
    let cache = LazyCache::new(cache_file, cache_key(config, &config.reach), matters_from);
    let guard = Guard {
        config,
        engine: &engine,
        deny: config.agent.deny,
        cwd: event.cwd.clone(),
        root,
        home,
        cache: &cache,
    };
    let verdict = guard.judge(event).context("judging the call")?;
    // A cache that cannot be written only costs speed next time.
    let _ = cache.save_merged();
    Ok(verdict)
}
