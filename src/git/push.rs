//! What `git push` is about to publish: every commit of every pushed ref
//! that the remote does not have yet, each judged by the lines it adds.
//!
//! Peers get this wrong in public: reading only the first line of the hook's
//! stdin, scanning the tip's files (so a secret added then deleted slips
//! through), or nothing at all under the pre-commit framework. Here every
//! ref is read; a deletion scans nothing; every other ref scans the commits
//! not reachable from the remote's tracking refs nor from the sha the remote
//! reports for that ref (`remote..local`, minus what the remote already has
//! through other branches). Each commit is compared with its first parent,
//! and a merge contributes only the lines new to every parent.

use super::{GitError, Repo, WithContext};
use gix::ObjectId;
use std::collections::HashSet;

/// One line of git's pre-push input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    pub local_ref: String,
    /// All zeros when the ref is being deleted.
    pub local: ObjectId,
    pub remote_ref: String,
    /// All zeros when the remote does not have the ref yet.
    pub remote: ObjectId,
}

/// Parses git's pre-push stdin: `<local ref> <local sha> <remote ref> <remote sha>` per line.
pub fn parse_updates(input: &str) -> Result<Vec<RefUpdate>, GitError> {
    let mut out = Vec::new();
    for (n, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [local_ref, local, remote_ref, remote] = fields[..] else {
            return Err(GitError::new(
                "reading the pre-push input",
                format!(
                    "line {} is not `<local ref> <local sha> <remote ref> <remote sha>`: {:?}",
                    n + 1,
                    crate::report::escape::text(line)
                ),
            ));
        };
        let id = |s: &str| {
            ObjectId::from_hex(s.as_bytes()).map_err(|_| {
                GitError::new(
                    "reading the pre-push input",
                    format!(
                        "line {}: `{}` is not an object id",
                        n + 1,
                        crate::report::escape::text(s)
                    ),
                )
            })
        };
        out.push(RefUpdate {
            local_ref: local_ref.to_string(),
            local: id(local)?,
            remote_ref: remote_ref.to_string(),
            remote: id(remote)?,
        });
    }
    Ok(out)
}

impl Repo {
    /// Commits (oldest first) that pushing the commits `tips` to `remote`
    /// publishes, where `remote_has` are commits the remote reports having
    /// for the pushed refs. `remote` may be a configured remote's name or,
    /// for `git push URL`, anything else: then nothing is known to be on
    /// the remote but what it reports.
    pub fn commits_to_push(
        &self,
        remote: &str,
        tips: &[ObjectId],
        remote_has: &[ObjectId],
    ) -> Result<Vec<ObjectId>, GitError> {
        // What the remote is known to have: its tracking refs, and the shas
        // it reports when this clone has those commits. A commit reachable
        // from either was published already.
        let mut hidden: Vec<ObjectId> = self.remote_tips(remote)?;
        for id in remote_has {
            if !id.is_null() && self.has_object(*id) {
                hidden.push(self.peel_to_commit(*id)?);
            }
        }
        self.commits_between(tips, &hidden)
    }

    /// Commits (oldest first) reachable from `tips` and from none of `hidden`.
    pub fn commits_between(
        &self,
        tips: &[ObjectId],
        hidden: &[ObjectId],
    ) -> Result<Vec<ObjectId>, GitError> {
        let mut seen: HashSet<ObjectId> = HashSet::new();
        let mut out = Vec::new();
        for &tip in tips {
            let walk = self
                .repo
                .rev_walk([tip])
                .with_hidden(hidden.iter().copied())
                .all()
                .ctx(|| format!("listing the commits of {tip}"))?;
            let mut these = Vec::new();
            for info in walk {
                let info = info.ctx(|| format!("walking the commits of {tip}"))?;
                if seen.insert(info.id) {
                    these.push(info.id);
                }
            }
            these.reverse();
            out.extend(these);
        }
        Ok(out)
    }

    /// Commits at the tips of `refs/remotes/<remote>/*`: what a configured
    /// remote is known to have. A URL or path (`git push URL`) names no
    /// configured remote, so nothing is known.
    pub fn remote_tips(&self, remote: &str) -> Result<Vec<ObjectId>, GitError> {
        let configured = self
            .repo
            .remote_names()
            .iter()
            .any(|n| n.as_ref() as &[u8] == remote.as_bytes());
        if !configured {
            return Ok(Vec::new());
        }
        self.ref_tips(&format!("refs/remotes/{remote}/"))
    }

    /// Commits at the tips of every ref under `prefix` (all refs when empty).
    pub fn ref_tips(&self, prefix: &str) -> Result<Vec<ObjectId>, GitError> {
        let refs = self
            .repo
            .references()
            .ctx(|| "reading references".to_string())?;
        let iter = if prefix.is_empty() {
            refs.all().ctx(|| "reading references".to_string())?
        } else {
            refs.prefixed(prefix).ctx(|| format!("reading {prefix}*"))?
        };
        let mut out = Vec::new();
        for r in iter {
            let mut r = r.ctx(|| format!("reading {prefix}*"))?;
            if let Ok(id) = r.peel_to_id()
                && let Ok(c) = self.peel_to_commit(id.detach())
            {
                out.push(c);
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_line() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let input = format!(
            "refs/heads/main {a} refs/heads/main {z}\nrefs/heads/old {z} refs/heads/old {a}\n"
        );
        let u = parse_updates(&input).unwrap();
        assert_eq!(u.len(), 2);
        assert!(u[0].remote.is_null());
        assert!(u[1].local.is_null());
        assert!(parse_updates("garbage\n").is_err());
        assert!(parse_updates("").unwrap().is_empty());
    }

    #[test]
    fn a_bad_line_is_quoted_without_raw_control_characters() {
        let a = "a".repeat(40);
        for input in [
            format!("refs/heads/main \x1b]0;t\x07{a} refs/heads/main {a}\n"),
            format!("refs/heads/main {a} refs/heads/main \x1b[2J\n"),
        ] {
            let message = parse_updates(&input).unwrap_err().to_string();
            assert!(!message.chars().any(char::is_control), "{message:?}");
        }
    }
}
