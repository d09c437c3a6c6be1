//! A fresh directory that is removed when dropped: a browser's throwaway profile, or any other
//! scratch space (the CLI unpacks npm packages in one before renaming them into its cache).

use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A directory created empty, readable by its owner only (mode 0700: a profile holds cookies
/// and credentials), and removed with all its content on drop unless it was
/// [kept](TempDir::keep).
///
/// ```
/// let dir = cdp_transport::TempDir::new()?;
/// std::fs::write(dir.path().join("file"), "x")?;
/// let path = dir.path().to_owned();
/// dir.remove()?;
/// assert!(!path.exists());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct TempDir {
    /// `None` once kept or removed.
    path: Option<PathBuf>,
}

impl TempDir {
    /// Creates `cdp-<pid>-<n>-<nanos>` under [`std::env::temp_dir`] (`$TMPDIR`, else `/tmp`).
    pub fn new() -> io::Result<TempDir> {
        TempDir::new_in(&std::env::temp_dir(), "cdp")
    }

    /// Creates `<prefix>-<pid>-<n>-<nanos>` under `parent`, which must exist.
    ///
    /// `create_dir` fails when the name exists, so a directory is never shared with another
    /// process or thread; on such a clash (a leftover of an earlier process with the same pid)
    /// the next name is tried. The name is short on purpose: a browser puts a Unix socket, whose
    /// path may not exceed 107 bytes, a few levels below its temporary directory.
    pub fn new_in(parent: &Path, prefix: &str) -> io::Result<TempDir> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let mut last_error = None;
        for _ in 0..64 {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.subsec_nanos());
            let name = format!(
                "{prefix}-{}-{}-{nanos:09}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            let path = parent.join(name);
            // Created private, not narrowed after the fact: no other user ever sees it open.
            match std::fs::DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => return Ok(TempDir { path: Some(path) }),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last_error = Some(err),
                Err(err) => return Err(err),
            }
        }
        Err(last_error.unwrap_or_else(|| io::Error::other("no free temporary directory name")))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }

    /// Forgets the directory, which is then no longer removed (e.g. because it was renamed
    /// into its final place), and returns its path.
    pub fn keep(mut self) -> PathBuf {
        self.path.take().unwrap_or_default()
    }

    /// Removes the directory and everything in it now, reporting a failure that a drop would
    /// ignore. A process that is still dying may create a file while the tree is being
    /// removed, so a failure is retried a few times before it is reported.
    pub fn remove(mut self) -> io::Result<()> {
        match self.path.take() {
            Some(path) => remove_tree(&path),
            None => Ok(()),
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            // Nothing to report to from a destructor; `remove` is the checked way.
            let _ = remove_tree(&path);
        }
    }
}

/// Removes `path` and everything in it; a path that is gone already is fine. Failures are
/// retried a few times (see [`TempDir::remove`]).
pub(crate) fn remove_tree(path: &Path) -> io::Result<()> {
    let mut attempt = 0;
    loop {
        match std::fs::remove_dir_all(path) {
            Ok(()) => return Ok(()),
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(_) if attempt < 5 => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(20 * attempt));
            }
            Err(err) => return Err(err),
        }
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
    fn a_kept_temp_dir_stays_and_a_removed_one_goes() {
        let base = std::env::temp_dir();
        let kept = TempDir::new_in(&base, "cdp-test").unwrap();
        let path = kept.keep();
        assert!(path.is_dir());
        std::fs::remove_dir(&path).unwrap();

        let removed = TempDir::new_in(&base, "cdp-test").unwrap();
        let path = removed.path().to_owned();
        std::fs::write(path.join("file"), b"x").unwrap();
        removed.remove().unwrap();
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
