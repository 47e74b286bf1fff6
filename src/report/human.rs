//! The report people read: one block per finding, most dangerous first, with
//! the redacted secret, where it is, why it is dangerous and how to shrink its
//! blast radius; then one summary line.

use super::{Report, Summary};
use crate::finding::{Finding, Origin};
use crate::tier::Tier;
use owo_colors::OwoColorize;
use std::io::{self, Write};

/// Whether to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn tier(&self, tier: Tier) -> String {
        let label = format!("{:<8}", tier.as_str());
        if !self.color {
            return label;
        }
        match tier {
            Tier::Critical => label.red().bold().to_string(),
            Tier::High => label.red().to_string(),
            Tier::Medium => label.yellow().to_string(),
            Tier::Low => label.blue().to_string(),
        }
    }

    fn dim(&self, s: &str) -> String {
        if self.color {
            s.dimmed().to_string()
        } else {
            s.to_string()
        }
    }

    fn bold(&self, s: &str) -> String {
        if self.color {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }
}

pub(super) fn write_findings(
    report: &Report<'_>,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut ordered: Vec<&Finding> = report.findings.iter().collect();
    ordered.sort_by(|a, b| {
        b.tier
            .cmp(&a.tier)
            .then((&a.path, a.line).cmp(&(&b.path, b.line)))
    });
    for f in &ordered {
        write_finding(report, style, f, out)?;
    }
    Ok(())
}

pub(super) fn write(report: &Report<'_>, style: Style, out: &mut dyn Write) -> io::Result<()> {
    write_findings(report, style, out)?;
    if report.summary.blocked() {
        writeln!(
            out,
            "{}",
            style.dim(
                "To accept a finding deliberately: put `blastwall:allow` in a comment on its line, \
                 or add its SHA-256 (`blastwall hash`) to [allowlist] secrets in .blastwall.toml."
            )
        )?;
    }
    writeln!(out, "{}", summary_line(report.command, report.summary))?;
    Ok(())
}

fn write_finding(
    report: &Report<'_>,
    style: Style,
    f: &Finding,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rule = report.rules.find(&f.rule);
    writeln!(
        out,
        "{} {} {} {}",
        style.tier(f.tier),
        style.bold(&f.description),
        style.dim(&format!("· {}", f.provider)),
        style.dim(&format!("[{}]", f.rule)),
    )?;
    let origin = match &f.origin {
        Origin::Commit { id, .. } => format!("  (commit {})", &id[..id.len().min(12)]),
        Origin::Staged => "  (staged)".to_string(),
        Origin::Worktree => "  (working tree, readable by an agent)".to_string(),
        Origin::Environment => "  (environment variable)".to_string(),
        Origin::Home => "  (home directory, readable by an agent)".to_string(),
        Origin::File => String::new(),
    };
    writeln!(
        out,
        "  at    {}:{}:{}  {}{origin}",
        f.path,
        f.line,
        f.column,
        f.redacted()
    )?;
    if let Some(note) = &f.note {
        writeln!(out, "  note  {note}")?;
    }
    if let Some(rule) = rule {
        writeln!(out, "  why   {}", rule.why.trim())?;
        writeln!(out, "  fix   {}", rule.fix.trim())?;
    }
    writeln!(out)
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
    let mut read = format!("{} files", s.files);
    if let Some(c) = s.commits {
        read = format!("{c} commits, {read}");
    }
    if let Some(l) = s.lines {
        read.push_str(&format!(", {l} lines"));
    }
    read.push_str(&format!(", {} scanned", human_bytes(s.bytes)));
    parts.push(read);
    let skipped = s.skipped.total();
    if skipped > 0 {
        parts.push(format!("{skipped} skipped ({})", s.skipped.describe()));
    }
    parts.push(format!("findings: {}", s.by_tier.describe()));
    if s.baselined > 0 {
        parts.push(format!("{} accepted by the baseline", s.baselined));
    }
    if !s.errors.is_empty() {
        parts.push(format!("{} errors", s.errors.len()));
    }
    if let Some(r) = &s.reach {
        let mut reach = format!(
            "in reach of agents: {} blocking, {} warning",
            r.blocking, r.warning
        );
        if r.accepted > 0 {
            reach.push_str(&format!(", {} accepted", r.accepted));
        }
        reach.push_str(&format!(
            " ({} files read, {} unchanged)",
            r.files, r.cached
        ));
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
            files: 3,
            bytes: 2048,
            block: Tier::High,
            ..Default::default()
        };
        s.skipped.binary = 2;
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
