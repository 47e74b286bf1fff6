//! Sets of line numbers: which lines of a text a change adds, and so which
//! findings in it are new.

/// Sorted, 1-based, inclusive line ranges.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineSet {
    ranges: Vec<(u32, u32)>,
}

impl LineSet {
    /// Every line of a text with `lines` lines.
    pub fn all(lines: u32) -> LineSet {
        LineSet {
            ranges: if lines == 0 {
                Vec::new()
            } else {
                vec![(1, lines)]
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Number of lines in the set.
    pub fn count(&self) -> u64 {
        self.ranges.iter().map(|(a, b)| u64::from(b - a + 1)).sum()
    }

    /// Whether any line in `start..=end` is in the set.
    pub fn intersects(&self, start: u32, end: u32) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= end && start <= b)
    }

    /// Lines in both sets.
    pub fn intersect(&self, other: &LineSet) -> LineSet {
        let mut out = Vec::new();
        for &(a, b) in &self.ranges {
            for &(c, d) in &other.ranges {
                let (s, e) = (a.max(c), b.min(d));
                if s <= e {
                    out.push((s, e));
                }
            }
        }
        out.sort_unstable();
        LineSet { ranges: out }
    }

    /// Adds `line`, which must not be below any line already in the set.
    pub fn push_line(&mut self, line: u32) {
        match self.ranges.last_mut() {
            Some(last) if last.1 + 1 >= line => last.1 = last.1.max(line),
            _ => self.ranges.push((line, line)),
        }
    }
}

/// Number of lines in `data` (a last line without a newline counts).
pub fn line_count(data: &[u8]) -> u32 {
    let newlines = memchr::memchr_iter(b'\n', data).count();
    let trailing = usize::from(!data.is_empty() && !data.ends_with(b"\n"));
    (newlines + trailing) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_sets_intersect() {
        let a = LineSet {
            ranges: vec![(1, 5), (9, 12)],
        };
        let b = LineSet {
            ranges: vec![(4, 10)],
        };
        assert_eq!(a.intersect(&b).ranges, vec![(4, 5), (9, 10)]);
        assert!(a.intersects(5, 7));
        assert!(!a.intersects(6, 8));
    }

    #[test]
    fn counts_lines() {
        assert_eq!(line_count(b""), 0);
        assert_eq!(line_count(b"a"), 1);
        assert_eq!(line_count(b"a\n"), 1);
        assert_eq!(line_count(b"a\nb"), 2);
    }
}
