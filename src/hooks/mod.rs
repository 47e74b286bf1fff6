//! Git hooks: installing them without clobbering anything, and the check
//! they run (what is published, plus what sits in an agent's reach, judged
//! by the repository's policy).

pub mod check;
pub mod install;
