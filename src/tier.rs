//! Blast-radius tiers: the worst damage a credential can authorize.
//!
//! The scale is the one in the project's research notes: `critical` can destroy
//! production data or backups, take over an account, publish code that runs on
//! other people's machines or move money; `high` can write to or delete one
//! important resource; `medium` is limited write, spend or moderately sensitive
//! reads; `low` is public by design, test mode or narrow read-only access.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A blast-radius tier. Ordered, so `Tier::High >= Tier::Medium`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Low,
    Medium,
    /// The default block threshold.
    #[default]
    High,
    Critical,
}

impl Tier {
    /// Every tier, most dangerous first (the order reports use).
    pub const DESCENDING: [Tier; 4] = [Tier::Critical, Tier::High, Tier::Medium, Tier::Low];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Low => "low",
            Tier::Medium => "medium",
            Tier::High => "high",
            Tier::Critical => "critical",
        }
    }

    /// One step up, saturating at `critical`.
    pub fn raised(self) -> Tier {
        match self {
            Tier::Low => Tier::Medium,
            Tier::Medium => Tier::High,
            Tier::High | Tier::Critical => Tier::Critical,
        }
    }

    /// One step down, saturating at `low`.
    pub fn lowered(self) -> Tier {
        match self {
            Tier::Critical => Tier::High,
            Tier::High => Tier::Medium,
            Tier::Medium | Tier::Low => Tier::Low,
        }
    }

    /// SARIF `level` for a finding of this tier.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Tier::Critical | Tier::High => "error",
            Tier::Medium => "warning",
            Tier::Low => "note",
        }
    }

    /// GitHub code scanning's `security-severity` (a CVSS-like 0–10 score).
    pub fn security_severity(self) -> &'static str {
        match self {
            Tier::Critical => "9.5",
            Tier::High => "8.0",
            Tier::Medium => "5.5",
            Tier::Low => "2.0",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Tier {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Tier::Low),
            "medium" => Ok(Tier::Medium),
            "high" => Ok(Tier::High),
            "critical" => Ok(Tier::Critical),
            other => Err(format!(
                "unknown tier `{other}` (expected critical, high, medium or low)"
            )),
        }
    }
}

/// Counts of findings per tier, in the stable JSON shape
/// `{"critical":n,"high":n,"medium":n,"low":n}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TierCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl TierCounts {
    pub fn add(&mut self, tier: Tier) {
        *self.get_mut(tier) += 1;
    }

    pub fn get(&self, tier: Tier) -> usize {
        match tier {
            Tier::Critical => self.critical,
            Tier::High => self.high,
            Tier::Medium => self.medium,
            Tier::Low => self.low,
        }
    }

    fn get_mut(&mut self, tier: Tier) -> &mut usize {
        match tier {
            Tier::Critical => &mut self.critical,
            Tier::High => &mut self.high,
            Tier::Medium => &mut self.medium,
            Tier::Low => &mut self.low,
        }
    }

    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low
    }

    /// Number of findings at or above `tier`.
    pub fn at_or_above(&self, tier: Tier) -> usize {
        Tier::DESCENDING
            .iter()
            .filter(|t| **t >= tier)
            .map(|t| self.get(*t))
            .sum()
    }

    /// "1 critical, 0 high, 2 medium, 0 low".
    pub fn describe(&self) -> String {
        Tier::DESCENDING
            .iter()
            .map(|t| format!("{} {}", self.get(*t), t))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_order_by_danger() {
        assert!(
            Tier::Critical > Tier::High && Tier::High > Tier::Medium && Tier::Medium > Tier::Low
        );
        assert_eq!(
            Tier::Low.raised().raised().raised().raised(),
            Tier::Critical
        );
        assert_eq!(Tier::Critical.lowered(), Tier::High);
    }

    #[test]
    fn parse_rejects_unknown() {
        assert_eq!("HIGH".parse::<Tier>(), Ok(Tier::High));
        assert!("severe".parse::<Tier>().is_err());
    }

    #[test]
    fn counts_at_or_above() {
        let mut c = TierCounts::default();
        c.add(Tier::Critical);
        c.add(Tier::Low);
        c.add(Tier::Medium);
        assert_eq!(c.at_or_above(Tier::High), 1);
        assert_eq!(c.at_or_above(Tier::Low), 3);
        assert_eq!(c.describe(), "1 critical, 0 high, 1 medium, 1 low");
    }
}
