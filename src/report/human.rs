//! The report people read: one block per finding, most dangerous first, with
//! the redacted secret, where it is, its id, why it is dangerous and how to
//! shrink its blast radius; what was not scanned; then one summary line.

use super::escape;
use super::{Report, Summary};
use crate::finding::{Finding, Origin};
use crate::source::{SkipReason, Skipped};
use crate::tier::Tier;
use std::io::{self, Write};

/// Skipped files named per reason before the rest are only counted.
const NAMED_SKIPS_PER_REASON: usize = 20;

/// Whether to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, s: &str, style: anstyle::Style) -> String {
        if self.color {
            format!("{style}{s}{style:#}")
        } else {
            s.to_string()
        }
    }

    fn tier(&self, tier: Tier) -> String {
        use anstyle::{AnsiColor, Style as S};
        let label = format!("{:<8}", tier.as_str());
        let style = match tier {
            Tier::Critical => S::new().fg_color(Some(AnsiColor::Red.into())).bold(),
            Tier::High => S::new().fg_color(Some(AnsiColor::Red.into())),
            Tier::Medium => S::new().fg_color(Some(AnsiColor::Yellow.into())),
            Tier::Low => S::new().fg_color(Some(AnsiColor::Blue.into())),
        };
        self.paint(&label, style)
    }

    pub fn dim(&self, s: &str) -> String {
        self.paint(s, anstyle::Style::new().dimmed())
    }

    pub fn bold(&self, s: &str) -> String {
        self.paint(s, anstyle::Style::new().bold())
    }
}

pub(super) fn write(
    report: &Report<'_>,
    style: Style,
    quiet: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    write_findings(report, report.findings, style, out)?;
    if !report.reach.is_empty() {
        writeln!(
            out,
            "blastwall {}: credentials an AI agent working here can read (the working tree, \
             ignored files included):\n",
            report.command
        )?;
        write_findings(report, report.reach, style, out)?;
    }
    let summary = report.summary;
    if let Some(r) = &summary.reach
        && r.accepted_critical > 0
    {
        writeln!(
            out,
            "blastwall {}: warning: {} accepted critical credential(s) are still in reach of \
             agents; `blastwall audit` lists them",
            report.command, r.accepted_critical
        )?;
    }
    if summary.blocked() {
        writeln!(out, "{}", style.dim(&blocked_help(report.command)))?;
    }
    write_skips(report.command, &summary.stats.skips, out)?;
    if let Some(r) = &summary.reach {
        // In the working tree, what could hide a credential is named; binary
        // files and symlinks are only counted (every commit would list them).
        let worth_naming: Vec<Skipped> = r
            .skipped_files
            .iter()
            .filter(|s| {
                matches!(
                    s.reason,
                    SkipReason::TooLarge | SkipReason::Unreadable | SkipReason::Special
                )
            })
            .cloned()
            .collect();
        write_skips(
            &format!("{} (working tree)", report.command),
            &worth_naming,
            out,
        )?;
    }
    if !quiet {
        writeln!(out, "{}", summary_line(report.command, summary))?;
    }
    Ok(())
}

/// Writes `findings`, most dangerous first.
fn write_findings(
    report: &Report<'_>,
    findings: &[Finding],
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut ordered: Vec<&Finding> = findings.iter().collect();
    sort_for_people(&mut ordered);
    for f in ordered {
        write_finding(report, style, f, out)?;
    }
    Ok(())
}

/// Most dangerous first, then by place.
pub fn sort_for_people(findings: &mut [&Finding]) {
    findings.sort_by(|a, b| {
        b.tier
            .cmp(&a.tier)
            .then((&a.path, a.line).cmp(&(&b.path, b.line)))
    });
}

fn write_finding(
    report: &Report<'_>,
    style: Style,
    f: &Finding,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rule = report.rule(&f.rule);
    writeln!(
        out,
        "{} {} {} {}",
        style.tier(f.tier),
        style.bold(&escape::text(&f.description)),
        style.dim(&format!("· {}", escape::text(&f.provider))),
        style.dim(&format!("[{}]", f.rule)),
    )?;
    writeln!(
        out,
        "  at    {}:{}:{}  {}{}",
        escape::path(&f.path),
        f.line,
        f.column,
        escape::text(&f.redacted()),
        origin_label(&f.origin)
    )?;
    writeln!(out, "  id    {}", f.fingerprint())?;
    if let Some(note) = &f.note {
        writeln!(out, "  note  {}", escape::text(note))?;
    }
    if let Some(rule) = rule {
        writeln!(out, "  why   {}", escape::text(rule.why.trim()))?;
        writeln!(out, "  fix   {}", escape::text(rule.fix.trim()))?;
    }
    writeln!(out)
}

fn origin_label(origin: &Origin) -> String {
    match origin {
        Origin::Commit { id, .. } => format!("  (commit {})", &id[..id.len().min(12)]),
        Origin::Ref { name } => format!("  (pushed ref {})", escape::text(name)),
        Origin::Staged => "  (staged)".to_string(),
        Origin::Worktree => "  (working tree, readable by an agent)".to_string(),
        Origin::Environment => "  (environment variable)".to_string(),
        Origin::Home => "  (home directory, readable by an agent)".to_string(),
        Origin::File => String::new(),
    }
}

/// Names what was not scanned: every skip but binary files and allowlisted
/// paths (counted in the summary, listed in JSON), and those too up to a cap.
fn write_skips(command: &str, skips: &[Skipped], out: &mut dyn Write) -> io::Result<()> {
    let mut shown: std::collections::BTreeMap<SkipReason, usize> = Default::default();
    let mut hidden: std::collections::BTreeMap<SkipReason, usize> = Default::default();
    for s in skips {
        let n = shown.entry(s.reason).or_default();
        if *n >= NAMED_SKIPS_PER_REASON {
            *hidden.entry(s.reason).or_default() += 1;
            continue;
        }
        *n += 1;
        let detail = s
            .detail
            .as_deref()
            .map(|d| format!(": {}", escape::text(d)))
            .unwrap_or_default();
        writeln!(
            out,
            "blastwall {command}: not scanned: {} ({}{detail})",
            escape::path(&s.path),
            s.reason.describe()
        )?;
    }
    for (reason, n) in hidden {
        writeln!(
            out,
            "blastwall {command}: not scanned: {n} more {} (`--format json` lists every one)",
            reason.describe()
        )?;
    }
    Ok(())
}

/// What to do about a blocked run.
fn blocked_help(command: &str) -> String {
    if command == "pre-receive" {
        return "blastwall pre-receive: this push is rejected, every ref in it. Remove the \
                credential from the commits that add it (`git rebase -i`, or `git commit --amend` \
                for the last one), rotate it, and push again. This server judges with its own \
                policy: a .blastwall.toml, baseline or allow marker inside the push changes \
                nothing; an accepted finding must be in the baseline of the default branch \
                already, or in the server's blastwall.toml."
            .to_string();
    }
    let action = match command {
        "pre-push" => "this push is blocked",
        "pre-commit" => "this commit is blocked",
        "pre-receive" => "this push is rejected",
        _ => "findings at or above the block tier",
    };
    format!(
        "blastwall {command}: {action}. Remove the credential (and rotate it if it was ever \
         shared); for one in the working tree, move it out of the repository into a secrets \
         manager, the OS keychain or the CI secret store, or replace it with the scoped token \
         named under fix. To accept one deliberately: `blastwall accept <id> --reason \"...\"` \
         records it in the baseline; a `blastwall:allow` comment on its line, or its SHA-256 \
         (`blastwall hash`) under [allowlist] secrets in .blastwall.toml, also work."
    )
}

/// An inventory for people (`blastwall audit`): one line per credential,
/// grouped by tier, with where it is and any note under it.
pub fn write_table(findings: &[Finding], style: Style, out: &mut dyn Write) -> io::Result<()> {
    let mut ordered: Vec<&Finding> = findings.iter().collect();
    sort_for_people(&mut ordered);
    for tier in Tier::DESCENDING {
        let group: Vec<&&Finding> = ordered.iter().filter(|f| f.tier == tier).collect();
        if group.is_empty() {
            continue;
        }
        let title = format!("{} ({})", tier.as_str().to_uppercase(), group.len());
        writeln!(out, "{}", style.bold(&title))?;
        for f in group {
            let (label, place) = match f.origin {
                Origin::Environment => ("env", escape::text(&f.path).into_owned()),
                Origin::Home => ("home", format!("{}:{}", escape::path(&f.path), f.line)),
                _ => ("tree", format!("{}:{}", escape::path(&f.path), f.line)),
            };
            writeln!(
                out,
                "  {:<5} {:<44} {:<40} {}  id {}",
                label,
                place,
                escape::text(&f.description),
                escape::text(&f.redacted()),
                f.fingerprint()
            )?;
            if let Some(note) = &f.note {
                writeln!(out, "        {}", escape::text(note))?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// `1.2 MB`, `340 B`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1000.0;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// The one-line summary every run ends with.
pub fn summary_line(command: &str, s: &Summary) -> String {
    let mut parts = Vec::new();
    let mut read = format!("{} files", s.stats.files);
    if let Some(c) = s.commits {
        read = format!("{c} commits, {read}");
    }
    if s.lines {
        read.push_str(&format!(", {} lines", s.stats.lines));
    }
    read.push_str(&format!(", {} scanned", human_bytes(s.stats.bytes)));
    parts.push(read);
    let skipped = s.stats.skipped.total();
    if skipped > 0 {
        parts.push(format!(
            "{skipped} skipped ({})",
            s.stats.skipped.describe()
        ));
    }
    parts.push(format!("findings: {}", s.by_tier.describe()));
    if s.baselined > 0 {
        parts.push(format!("{} accepted by the baseline", s.baselined));
    }
    if let Some(r) = &s.reach {
        let mut reach = format!(
            "in reach of agents: {} blocking, {} warning",
            r.blocking, r.warning
        );
        if r.accepted > 0 {
            reach.push_str(&format!(", {} accepted", r.accepted));
        }
        reach.push_str(&format!(" ({} files read, {} unchanged", r.files, r.cached));
        if r.skipped.total() > 0 {
            reach.push_str(&format!(
                ", {} skipped: {}",
                r.skipped.total(),
                r.skipped.describe()
            ));
        }
        reach.push(')');
        parts.push(reach);
    }
    let verdict = if s.by_tier.at_or_above(s.block) > 0 {
        format!("BLOCKED (findings at or above {})", s.block)
    } else if s.blocked() {
        "BLOCKED (a credential in reach of agents)".to_string()
    } else {
        format!("ok (nothing at or above {})", s.block)
    };
    parts.push(verdict);
    format!(
        "blastwall {command}: {} [{:.2} s]",
        parts.join("; "),
        s.elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_human() {
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(human_bytes(56_700_000), "56.7 MB");
    }

    #[test]
    fn summary_says_what_was_read_and_skipped() {
        let mut s = Summary {
            block: Tier::High,
            ..Default::default()
        };
        s.stats.files = 3;
        s.stats.bytes = 2048;
        s.stats.skip("a.png", SkipReason::Binary, None);
        s.stats.skip("b.png", SkipReason::Binary, None);
        s.by_tier.add(Tier::Critical);
        let line = summary_line("scan", &s);
        assert!(line.contains("3 files, 2.0 KB scanned"), "{line}");
        assert!(line.contains("2 skipped (2 binary)"), "{line}");
        assert!(
            line.contains("1 critical, 0 high, 0 medium, 0 low"),
            "{line}"
        );
        assert!(line.contains("BLOCKED"), "{line}");
    }
}
