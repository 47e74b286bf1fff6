//! Writing a user's files: all at once or not at all.
//!
//! Baselines, the reach cache, installed hooks and agent configs are written
//! to a temporary file beside the target, flushed to disk, then renamed over
//! it, and the directory is synced so the rename itself survives a crash. A
//! reader sees the old file or the new one, never half of either; a full
//! disk or a kill leaves the old file as it was.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically; with `mode` (Unix), sets those
/// permission bits on the new file (e.g. `0o755` for a hook).
pub fn write(path: &Path, bytes: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        // Not every filesystem lets a directory be synced; the data is.
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/f.txt");
        super::write(&p, b"one", None).unwrap();
        super::write(&p, b"two", Some(0o755)).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o755);
        }
    }
}
