//! A fresh directory that is removed when dropped: the browser's throwaway profile.

use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A directory created empty under the system's temporary directory, readable by its owner
/// only (mode 0700: a profile holds cookies and credentials), removed with all its content on
/// drop.
#[derive(Debug)]
pub(crate) struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates `cdp-<pid>-<n>-<nanos>` under [`std::env::temp_dir`].
    ///
    /// `create_dir` fails when the name exists, so a directory is never shared with another
    /// process; on such a clash the next name is tried.
    pub(crate) fn new() -> io::Result<TempDir> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let base = std::env::temp_dir();
        let mut last_error = None;
        for _ in 0..16 {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.subsec_nanos());
            let name = format!(
                "cdp-{}-{}-{nanos:09}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            let path = base.join(name);
            // Created private, not narrowed after the fact: no other user ever sees it open.
            match std::fs::DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => return Ok(TempDir { path }),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last_error = Some(err),
                Err(err) => return Err(err),
            }
        }
        Err(last_error.unwrap_or_else(|| io::Error::other("no free temporary directory name")))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the directory now; see [`remove_tree`].
    pub(crate) fn remove(&mut self) -> io::Result<()> {
        remove_tree(&self.path)
    }
}

/// Removes `path` and everything in it; a path that is gone already is fine. A process that is
/// still dying may create a file while the tree is being removed, so a failure is retried a
/// few times before it is reported.
pub(crate) fn remove_tree(path: &Path) -> io::Result<()> {
    let mut attempt = 0;
    loop {
        match std::fs::remove_dir_all(path) {
            Ok(()) => return Ok(()),
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(_) if attempt < 5 => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(20 * attempt));
            }
            Err(err) => return Err(err),
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Nothing to report to from a destructor; `remove` is the checked way.
        let _ = self.remove();
    }
}

#[cfg(test)]
mod tests {
    use super::TempDir;

    #[test]
    fn each_temp_dir_is_new_and_is_removed_on_drop() {
        let first = TempDir::new().unwrap();
        let second = TempDir::new().unwrap();
        assert_ne!(first.path(), second.path());
        std::fs::write(first.path().join("file"), b"x").unwrap();
        std::fs::create_dir(first.path().join("sub")).unwrap();
        let path = first.path().to_owned();
        drop(first);
        assert!(!path.exists());
    }

    #[test]
    fn a_temp_dir_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new().unwrap();
        let mode = dir.path().metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }
}
