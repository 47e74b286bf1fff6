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

/// A directory of the walk and the path it is shown by: opened, or (on
/// Unix) reached by a short relative path from an opened ancestor. Opening
/// costs two system calls, so a directory is opened only when it is listed
/// or has several files to stamp; a small one (most of a package tree) is
/// stamped through its parent.
pub struct Dir<'p> {
    path: PathBuf,
    #[cfg(unix)]
    at: At<'p>,
    #[cfg(not(unix))]
    _parent: std::marker::PhantomData<&'p ()>,
}

#[cfg(unix)]
enum At<'p> {
    Open(rustix::fs::Dir),
    /// `rel` (`depth` names) below the open directory `base`.
    Under {
        base: std::os::fd::BorrowedFd<'p>,
        rel: PathBuf,
        depth: u8,
    },
}

/// How many names a relative path may have before the directory at its end
/// is opened (each stat through it resolves them all).
#[cfg(unix)]
const MAX_DEPTH: u8 = 2;

#[cfg(unix)]
fn open_flags() -> rustix::fs::OFlags {
    use rustix::fs::OFlags;
    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC
}

#[cfg(unix)]
impl<'p> Dir<'p> {
    /// Opens `path` (a symlink given as the root is followed).
    pub fn open_root(path: &Path) -> io::Result<Dir<'static>> {
        use rustix::fs::{CWD, Mode, OFlags};
        let fd = rustix::fs::openat(
            CWD,
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(Dir {
            path: path.to_path_buf(),
            at: At::Open(rustix::fs::Dir::new(fd)?),
        })
    }

    /// The subdirectory `name`, never through a symlink: reached through
    /// this directory, or opened when the relative path would grow too long.
    pub fn sub<'s>(&'s self, name: &OsStr) -> io::Result<Dir<'s>> {
        let path = self.path.join(name);
        let at = match &self.at {
            At::Open(d) => At::Under {
                base: d.fd()?,
                rel: PathBuf::from(name),
                depth: 1,
            },
            At::Under { base, rel, depth } if *depth < MAX_DEPTH => At::Under {
                base: *base,
                rel: rel.join(name),
                depth: depth + 1,
            },
            At::Under { base, rel, .. } => {
                let fd = rustix::fs::openat(
                    base,
                    rel.join(name),
                    open_flags(),
                    rustix::fs::Mode::empty(),
                )?;
                At::Open(rustix::fs::Dir::new(fd)?)
            }
        };
        Ok(Dir { path, at })
    }

    /// Opens the directory if it is not yet (before listing it, or before
    /// stamping many of its files).
    pub fn open(&mut self) -> io::Result<()> {
        if let At::Under { base, rel, .. } = &self.at {
            let fd = rustix::fs::openat(base, rel, open_flags(), rustix::fs::Mode::empty())?;
            self.at = At::Open(rustix::fs::Dir::new(fd)?);
        }
        Ok(())
    }

    /// The directory's own stamp (its modification time changes whenever an
    /// entry is created, deleted or renamed).
    pub fn stamp(&self) -> io::Result<Stamp> {
        match &self.at {
            At::Open(d) => Ok(stamp_of(&rustix::fs::fstat(d.fd()?)?)),
            At::Under { base, rel, .. } => {
                let st = rustix::fs::statat(base, rel, rustix::fs::AtFlags::SYMLINK_NOFOLLOW)?;
                if rustix::fs::FileType::from_raw_mode(st.st_mode)
                    != rustix::fs::FileType::Directory
                {
                    return Err(io::Error::other("no longer a directory"));
                }
                Ok(stamp_of(&st))
            }
        }
    }

    /// The stamp of entry `name`, not following a symlink.
    pub fn stat(&self, name: &OsStr) -> io::Result<Stamp> {
        Ok(stamp_of(&self.stat_raw(name)?))
    }

    fn stat_raw(&self, name: &OsStr) -> io::Result<rustix::fs::Stat> {
        let flags = rustix::fs::AtFlags::SYMLINK_NOFOLLOW;
        Ok(match &self.at {
            At::Open(d) => rustix::fs::statat(d.fd()?, name, flags)?,
            At::Under { base, rel, .. } => rustix::fs::statat(base, rel.join(name), flags)?,
        })
    }

    /// Every entry but `.` and `..`, with its kind (opening the directory).
    pub fn list(&mut self) -> io::Result<Vec<(OsString, Kind)>> {
        use rustix::fs::FileType;
        use std::os::unix::ffi::OsStrExt;
        self.open()?;
        let mut out = Vec::new();
        let At::Open(handle) = &mut self.at else {
            unreachable!("opened above")
        };
        let mut unknown = Vec::new();
        while let Some(entry) = handle.read() {
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
                FileType::Unknown => {
                    unknown.push(out.len());
                    Kind::Other
                }
                _ => Kind::Other,
            };
            out.push((name, kind));
        }
        // Some file systems leave `d_type` unknown: ask for those.
        for i in unknown {
            out[i].1 = kind_of(&self.stat_raw(&out[i].0)?);
        }
        Ok(out)
    }
}

#[cfg(unix)]
fn kind_of(st: &rustix::fs::Stat) -> Kind {
    use rustix::fs::FileType;
    match FileType::from_raw_mode(st.st_mode) {
        FileType::RegularFile => Kind::File,
        FileType::Directory => Kind::Dir,
        FileType::Symlink => Kind::Symlink,
        _ => Kind::Other,
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
impl<'p> Dir<'p> {
    pub fn open_root(path: &Path) -> io::Result<Dir<'static>> {
        std::fs::read_dir(path)?;
        Ok(Dir {
            path: path.to_path_buf(),
            _parent: std::marker::PhantomData,
        })
    }

    pub fn sub<'s>(&'s self, name: &OsStr) -> io::Result<Dir<'s>> {
        let path = self.path.join(name);
        if std::fs::symlink_metadata(&path)?.is_symlink() {
            return Err(io::Error::other("a symlink, not a directory"));
        }
        Ok(Dir {
            path,
            _parent: std::marker::PhantomData,
        })
    }

    pub fn open(&mut self) -> io::Result<()> {
        Ok(())
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

impl Dir<'_> {
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
        let mut sub = d.sub(OsStr::new("sub")).unwrap();
        assert!(sub.stamp().is_ok());
        assert!(sub.list().unwrap().is_empty());
        let sub = d.sub(OsStr::new("sub")).unwrap();
        // A symlink to a directory is not entered.
        assert!(d.sub(OsStr::new("link")).and_then(|l| l.stamp()).is_err());
        // Deeper than a relative path goes: opened on the way.
        std::fs::create_dir_all(t.path().join("sub/a/b/c")).unwrap();
        std::fs::write(t.path().join("sub/a/b/c/f"), "xy").unwrap();
        let a = sub.sub(OsStr::new("a")).unwrap();
        let b = a.sub(OsStr::new("b")).unwrap();
        let mut c = b.sub(OsStr::new("c")).unwrap();
        assert_eq!(c.stat(OsStr::new("f")).unwrap().size, 2);
        assert_eq!(c.list().unwrap().len(), 1);
        assert!(c.path().ends_with("sub/a/b/c"));
    }
}
