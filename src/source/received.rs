//! What a push delivers to a server, from git's pre-receive input.
//!
//! git writes one `<old> <new> <ref>` line per updated ref. A deletion
//! delivers nothing; any other update delivers the commits reachable from
//! `new` and from no ref the repository already has (refs are not updated
//! until the hook accepts, so "already has" is every current ref: this
//! covers new refs and force pushes alike), the ref's name, what its tags
//! carry, and a tagged blob or tree whole. New objects may sit only in git's
//! quarantine during the hook; git points the hook's environment at it
//! (`GIT_OBJECT_DIRECTORY`, `GIT_ALTERNATE_OBJECT_DIRECTORIES`), which the
//! repository honours when it is opened.

use super::Item;
use super::commits::{PushedRef, commit_items, ref_items};
use crate::git::commit::Target;
use crate::git::{GitError, ObjectId, Objects, Repo};

/// One line of git's pre-receive input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub old: ObjectId,
    pub new: ObjectId,
    pub name: String,
}

impl Update {
    pub fn is_deletion(&self) -> bool {
        self.new.is_null()
    }
}

/// Parses git's pre-receive stdin; a malformed line is an error that names it.
pub fn parse(input: &str) -> Result<Vec<Update>, GitError> {
    let mut out = Vec::new();
    for (n, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let bad = |why: &str| {
            GitError::new(
                "reading the pre-receive input",
                format!(
                    "line {} is not `<old> <new> <ref>`: {why} ({:?})",
                    n + 1,
                    crate::report::escape::text(line)
                ),
            )
        };
        let [old, new, name] = fields[..] else {
            return Err(bad("expected three fields"));
        };
        let id = |s: &str| ObjectId::from_hex(s.as_bytes()).map_err(|_| bad("not an object id"));
        out.push(Update {
            old: id(old)?,
            new: id(new)?,
            name: name.to_string(),
        });
    }
    Ok(out)
}

/// What one ref's update delivers.
pub struct Delivery {
    pub update: Update,
    /// New commits reachable from this ref's new value, oldest first.
    pub commits: Vec<ObjectId>,
}

/// What a push delivers, ready for the funnel.
pub struct Received<'o> {
    pub items: Vec<Item<'o>>,
    pub deliveries: Vec<Delivery>,
    /// Distinct new commits across all refs.
    pub commits: u64,
}

/// Everything the `updates` deliver that the repository does not have.
pub fn delivered<'o>(
    repo: &Repo,
    objects: &'o Objects,
    updates: &[Update],
) -> Result<Received<'o>, GitError> {
    let existing = repo.ref_tips("")?;
    let mut refs = Vec::new();
    let mut deliveries = Vec::new();
    let mut all: Vec<ObjectId> = Vec::new();
    for u in updates.iter().filter(|u| !u.is_deletion()) {
        let peeled = repo.peel(u.new)?;
        let commits = match peeled.target {
            Target::Commit(c) => repo.commits_between(&[c], &existing)?,
            _ => Vec::new(),
        };
        for c in &commits {
            if !all.contains(c) {
                all.push(*c);
            }
        }
        refs.push(PushedRef {
            name: u.name.clone(),
            peeled,
        });
        deliveries.push(Delivery {
            update: u.clone(),
            commits,
        });
    }
    let mut items = ref_items(repo, objects, &refs)?;
    items.extend(commit_items(repo, objects, &all)?);
    Ok(Received {
        items,
        deliveries,
        commits: all.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_line_and_names_a_bad_one() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let u = parse(&format!(
            "{z} {a} refs/heads/new\n{a} {z} refs/heads/gone\n"
        ))
        .unwrap();
        assert_eq!(u.len(), 2);
        assert!(u[1].is_deletion());
        let e = parse("garbage here\n").unwrap_err().to_string();
        assert!(e.contains("line 1"), "{e}");
        assert!(parse(&format!("{z} nothex refs/x\n")).is_err());
    }
}
