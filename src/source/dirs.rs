//! Directory access for the walk: each directory is opened once, and its
//! entries are listed and stamped relative to that handle.
//!
//! On Unix a stat relative to an open directory (`fstatat`) resolves one
//! name instead of the whole path again, which is most of what an unchanged
//! file costs the reach check; `O_NOFOLLOW` keeps a directory swapped for a
//! symlink mid-walk from leading the walk outside its root. Elsewhere the
//! same calls go through paths.

use crate::cache::{Kind, Stamp};
use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Path, PathBuf};

/// An open directory and the path it was opened by.
pub struct Dir {
    path: PathBuf,
    #[cfg(unix)]
    handle: rustix::fs::Dir,
}

#[cfg(unix)]
impl Dir {
    /// Opens `path` (a symlink given as the root is followed).
    pub fn open_root(path: &Path) -> io::Result<Dir> {
        use rustix::fs::{CWD, Mode, OFlags};
        let fd = rustix::fs::openat(
            CWD,
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(Dir {
            path: path.to_path_buf(),
            handle: rustix::fs::Dir::new(fd)?,
        })
    }

    /// Opens the subdirectory `name`, never through a symlink.
    pub fn open_sub(&self, name: &OsStr) -> io::Result<Dir> {
        use rustix::fs::{Mode, OFlags};
        let fd = rustix::fs::openat(
            self.handle.fd()?,
            name,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(Dir {
            path: self.path.join(name),
            handle: rustix::fs::Dir::new(fd)?,
        })
    }

    /// The directory's own stamp (its modification time changes whenever an
    /// entry is created, deleted or renamed).
    pub fn stamp(&self) -> io::Result<Stamp> {
        Ok(stamp_of(&rustix::fs::fstat(self.handle.fd()?)?))
    }

    /// The stamp of entry `name`, not following a symlink.
    pub fn stat(&self, name: &OsStr) -> io::Result<Stamp> {
        let st = rustix::fs::statat(
            self.handle.fd()?,
            name,
            rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
        )?;
        Ok(stamp_of(&st))
    }

    /// Every entry but `.` and `..`, with its kind.
    pub fn list(&mut self) -> io::Result<Vec<(OsString, Kind)>> {
        use rustix::fs::FileType;
        use std::os::unix::ffi::OsStrExt;
        let mut out = Vec::new();
        while let Some(entry) = self.handle.read() {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            let name = OsStr::from_bytes(name).to_os_string();
            let kind = match entry.file_type() {
                FileType::RegularFile => Kind::File,
                FileType::Directory => Kind::Dir,
                FileType::Symlink => Kind::Symlink,
                FileType::Unknown => self.kind_of(&name)?,
                _ => Kind::Other,
            };
            out.push((name, kind));
        }
        Ok(out)
    }

    /// The kind of `name` where the listing does not tell (some file
    /// systems leave `d_type` unknown).
    fn kind_of(&self, name: &OsStr) -> io::Result<Kind> {
        use rustix::fs::FileType;
        let st = rustix::fs::statat(
            self.handle.fd()?,
            name,
            rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
        )?;
        Ok(match FileType::from_raw_mode(st.st_mode) {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Dir,
            FileType::Symlink => Kind::Symlink,
            _ => Kind::Other,
        })
    }
}

#[cfg(unix)]
fn stamp_of(st: &rustix::fs::Stat) -> Stamp {
    Stamp {
        size: st.st_size as u64,
        mtime_ns: i128::from(st.st_mtime) * 1_000_000_000 + i128::from(st.st_mtime_nsec),
        inode: st.st_ino,
    }
}

#[cfg(not(unix))]
impl Dir {
    pub fn open_root(path: &Path) -> io::Result<Dir> {
        std::fs::read_dir(path)?;
        Ok(Dir {
            path: path.to_path_buf(),
        })
    }

    pub fn open_sub(&self, name: &OsStr) -> io::Result<Dir> {
        let path = self.path.join(name);
        if std::fs::symlink_metadata(&path)?.is_symlink() {
            return Err(io::Error::other("a symlink, not a directory"));
        }
        Dir::open_root(&path)
    }

    pub fn stamp(&self) -> io::Result<Stamp> {
        Ok(Stamp::of(&std::fs::metadata(&self.path)?))
    }

    pub fn stat(&self, name: &OsStr) -> io::Result<Stamp> {
        Ok(Stamp::of(&std::fs::symlink_metadata(self.path.join(name))?))
    }

    pub fn list(&mut self) -> io::Result<Vec<(OsString, Kind)>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&self.path)? {
            let entry = entry?;
            let ft = entry.file_type()?;
            let kind = if ft.is_symlink() {
                Kind::Symlink
            } else if ft.is_dir() {
                Kind::Dir
            } else if ft.is_file() {
                Kind::File
            } else {
                Kind::Other
            };
            out.push((entry.file_name(), kind));
        }
        Ok(out)
    }
}

impl Dir {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_stats_relative_to_the_directory() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir(t.path().join("sub")).unwrap();
        std::fs::write(t.path().join("a.txt"), "hello").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("sub", t.path().join("link")).unwrap();
        let mut d = Dir::open_root(t.path()).unwrap();
        let mut names = d.list().unwrap();
        names.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(names[0], ("a.txt".into(), Kind::File));
        assert_eq!(names[1].1, Kind::Symlink);
        assert_eq!(names[2], ("sub".into(), Kind::Dir));
        assert_eq!(d.stat(OsStr::new("a.txt")).unwrap().size, 5);
        let meta = std::fs::metadata(t.path().join("a.txt")).unwrap();
        assert_eq!(d.stat(OsStr::new("a.txt")).unwrap(), Stamp::of(&meta));
        assert!(d.open_sub(OsStr::new("sub")).is_ok());
        // A symlink to a directory is not entered.
        assert!(d.open_sub(OsStr::new("link")).is_err());
    }
}
