//! A fresh directory that is removed when dropped: a browser's throwaway profile, or the place
//! an npm package is unpacked before it is renamed into the cache.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// A directory created empty, removed with all its content on drop unless it was
/// [kept](TempDir::keep).
#[derive(Debug)]
pub(crate) struct TempDir {
    path: Option<PathBuf>,
}

impl TempDir {
    /// Creates `<prefix>-<pid>-<n>` under `parent`.
    ///
    /// `create_dir` fails when the name exists, so a directory is never shared with another
    /// process or thread; on such a clash (a leftover of an earlier process with the same pid)
    /// the next name is tried. The name is short on purpose: a browser puts a Unix socket, whose
    /// path may not exceed 107 bytes, a few levels below it.
    pub(crate) fn new_in(parent: &Path, prefix: &str) -> io::Result<TempDir> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let mut last_error = None;
        for _ in 0..64 {
            let name = format!(
                "{prefix}-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            let path = parent.join(name);
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir { path: Some(path) }),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last_error = Some(err),
                Err(err) => return Err(err),
            }
        }
        Err(last_error.unwrap_or_else(|| io::Error::other("no free temporary directory name")))
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }

    /// Forgets the directory: it is no longer removed on drop (it was renamed away).
    pub(crate) fn keep(mut self) {
        self.path = None;
    }

    /// Removes the directory now. A process that is still dying may create a file while the
    /// tree is being removed, so a failure is retried a few times before it is reported.
    pub(crate) fn remove(mut self) -> io::Result<()> {
        match self.path.take() {
            Some(path) => remove_tree(&path),
            None => Ok(()),
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            // Nothing to report to from a drop; `remove` is for callers that care.
            let _ = remove_tree(&path);
        }
    }
}

fn remove_tree(path: &Path) -> io::Result<()> {
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
    use super::*;

    #[test]
    fn dropping_removes_the_directory_and_keeping_does_not() {
        let base = std::env::temp_dir();
        let dir = TempDir::new_in(&base, "cdp-codegen-test").expect("temp dir");
        let path = dir.path().to_owned();
        std::fs::write(path.join("file"), "x").expect("write");
        drop(dir);
        assert!(!path.exists());

        let dir = TempDir::new_in(&base, "cdp-codegen-test").expect("temp dir");
        let path = dir.path().to_owned();
        dir.keep();
        assert!(path.is_dir());
        std::fs::remove_dir(&path).expect("remove");
    }
}
