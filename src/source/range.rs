//! The range of commits a CI job judges: given explicitly, or read from
//! the CI's own environment.
//!
//! - `--base REV --head REV` (or `BLASTWALL_BASE` / `BLASTWALL_HEAD`);
//! - GitHub Actions: the event file at `GITHUB_EVENT_PATH`; `pull_request`
//!   gives the PR's base and head, `push` gives `before` and `after` (an
//!   all-zero `before`, a new branch, means "the commits on no other
//!   branch"; an all-zero `after`, a deletion, means nothing to scan);
//! - GitLab CI: `CI_MERGE_REQUEST_DIFF_BASE_SHA` for merge requests, else
//!   `CI_COMMIT_BEFORE_SHA` (all zeros: no base known) up to the source
//!   branch's head or `CI_COMMIT_SHA`.
//!
//! The range is the commits reachable from the head and not from the base,
//! which is the merge base's range for a pull request without computing it.

use crate::git::{GitError, ObjectId, Repo};

/// Where a range starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// Commits reachable from this one are not in the range.
    Commit(String),
    /// No base: the commits on no other branch (a branch's first push).
    OtherBranches,
}

/// A range as the CI names it, before it is resolved in the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub base: Base,
    pub head: String,
    /// Where the range came from, for the summary.
    pub from: String,
}

/// Why no range could be worked out.
#[derive(Debug, thiserror::Error)]
pub enum RangeError {
    #[error(
        "no range to scan: pass --base REV --head REV, set BLASTWALL_BASE and BLASTWALL_HEAD, \
         or run in GitHub Actions or GitLab CI"
    )]
    Unknown,
    #[error("reading the CI event file {path}: {message}")]
    Event { path: String, message: String },
    #[error(
        "the base commit {base} is not in this clone{shallow}; fetch the history the range \
         needs (GitHub Actions: `fetch-depth: 0` in actions/checkout; GitLab CI: `GIT_DEPTH: 0`; \
         by hand: `git fetch --unshallow` or `git fetch origin {base}`)"
    )]
    MissingBase { base: String, shallow: &'static str },
    #[error("the head {head} is not in this clone; check out the commit the job is for")]
    MissingHead { head: String },
    #[error(transparent)]
    Git(#[from] GitError),
}

fn is_zeros(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b == b'0')
}

/// The range from explicit arguments or the environment (`env` looks up a
/// variable). `Ok(None)`: the event says there is nothing to scan (a
/// branch deletion).
pub fn spec(
    base: Option<&str>,
    head: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Spec>, RangeError> {
    let var = |k: &str| env(k).filter(|v| !v.is_empty());
    if base.is_some() || head.is_some() {
        return Ok(Some(explicit(
            base.map(str::to_string),
            head,
            "--base/--head",
        )));
    }
    if var("BLASTWALL_BASE").is_some() || var("BLASTWALL_HEAD").is_some() {
        let head = var("BLASTWALL_HEAD");
        return Ok(Some(explicit(
            var("BLASTWALL_BASE"),
            head.as_deref(),
            "BLASTWALL_BASE/BLASTWALL_HEAD",
        )));
    }
    if let Some(event) = var("GITHUB_EVENT_NAME") {
        return github(&event, var("GITHUB_EVENT_PATH"), var("GITHUB_SHA"));
    }
    if var("GITLAB_CI").is_some() {
        return Ok(Some(gitlab(&var)));
    }
    Err(RangeError::Unknown)
}

fn explicit(base: Option<String>, head: Option<&str>, from: &str) -> Spec {
    Spec {
        base: match base {
            Some(b) if !is_zeros(&b) => Base::Commit(b),
            _ => Base::OtherBranches,
        },
        head: head.unwrap_or("HEAD").to_string(),
        from: from.to_string(),
    }
}

fn github(
    event: &str,
    path: Option<String>,
    sha: Option<String>,
) -> Result<Option<Spec>, RangeError> {
    let Some(path) = path else {
        return Err(RangeError::Unknown);
    };
    let fail = |message: String| RangeError::Event {
        path: path.clone(),
        message,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| fail(e.to_string()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
    let field = |p: &str| json.pointer(p).and_then(|v| v.as_str()).map(str::to_string);
    let (base, head) = match event {
        "pull_request" | "pull_request_target" => (
            field("/pull_request/base/sha"),
            field("/pull_request/head/sha"),
        ),
        "merge_group" => (
            field("/merge_group/base_sha"),
            field("/merge_group/head_sha"),
        ),
        "push" => {
            if field("/after").is_some_and(|a| is_zeros(&a)) || json["deleted"] == true {
                return Ok(None);
            }
            (field("/before"), field("/after").or(sha))
        }
        other => {
            return Err(fail(format!(
                "a `{other}` event names no range; pass --base and --head"
            )));
        }
    };
    let head = head.ok_or_else(|| fail(format!("the {event} event has no head commit")))?;
    Ok(Some(Spec {
        base: match base {
            Some(b) if !is_zeros(&b) => Base::Commit(b),
            _ => Base::OtherBranches,
        },
        head,
        from: format!("GitHub Actions {event} event"),
    }))
}

fn gitlab(var: &dyn Fn(&str) -> Option<String>) -> Spec {
    let head = var("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA")
        .or_else(|| var("CI_COMMIT_SHA"))
        .unwrap_or_else(|| "HEAD".to_string());
    if let Some(base) = var("CI_MERGE_REQUEST_DIFF_BASE_SHA") {
        return Spec {
            base: Base::Commit(base),
            head,
            from: "GitLab CI merge request".to_string(),
        };
    }
    Spec {
        base: match var("CI_COMMIT_BEFORE_SHA") {
            Some(b) if !is_zeros(&b) => Base::Commit(b),
            _ => Base::OtherBranches,
        },
        head,
        from: "GitLab CI pipeline".to_string(),
    }
}

/// A range resolved in the repository.
#[derive(Debug)]
pub struct Resolved {
    pub head: ObjectId,
    /// The base commit, when there is one.
    pub base: Option<ObjectId>,
    /// The commits in the range, oldest first.
    pub commits: Vec<ObjectId>,
}

/// Resolves `spec`: both ends must be in the clone (a shallow clone that
/// lacks the base is an error that says how to fetch it, never a pass).
pub fn resolve(repo: &Repo, spec: &Spec) -> Result<Resolved, RangeError> {
    let head = repo
        .resolve(&spec.head)
        .map_err(|_| RangeError::MissingHead {
            head: spec.head.clone(),
        })
        .and_then(|id| repo.peel_to_commit(id).map_err(RangeError::from))?;
    let (base, hidden) = match &spec.base {
        Base::Commit(b) => {
            let id = repo
                .resolve(b)
                .ok()
                .filter(|id| repo.has_object(*id))
                .ok_or_else(|| RangeError::MissingBase {
                    base: b.clone(),
                    shallow: if repo.is_shallow() {
                        " (a shallow clone)"
                    } else {
                        ""
                    },
                })?;
            let id = repo.peel_to_commit(id)?;
            (Some(id), vec![id])
        }
        Base::OtherBranches => {
            let mut tips = repo.ref_tips("refs/heads/")?;
            tips.extend(repo.ref_tips("refs/remotes/")?);
            tips.retain(|t| *t != head);
            (None, tips)
        }
    };
    let commits = repo.commits_between(&[head], &hidden)?;
    Ok(Resolved {
        head,
        base,
        commits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| map.get(k).cloned()
    }

    #[test]
    fn explicit_wins_and_zero_base_means_other_branches() {
        let s = spec(Some("abc"), Some("def"), &env_of(&[]))
            .unwrap()
            .unwrap();
        assert_eq!(s.base, Base::Commit("abc".into()));
        let z = "0".repeat(40);
        let s = spec(
            None,
            None,
            &env_of(&[("BLASTWALL_BASE", &z), ("BLASTWALL_HEAD", "h")]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(s.base, Base::OtherBranches);
        assert!(matches!(
            spec(None, None, &env_of(&[])),
            Err(RangeError::Unknown)
        ));
    }

    #[test]
    fn gitlab_merge_requests_use_the_diff_base() {
        let s = spec(
            None,
            None,
            &env_of(&[
                ("GITLAB_CI", "true"),
                ("CI_COMMIT_SHA", "merge"),
                ("CI_MERGE_REQUEST_DIFF_BASE_SHA", "base"),
                ("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", "src"),
            ]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (s.base, s.head.as_str()),
            (Base::Commit("base".into()), "src")
        );
    }
}
