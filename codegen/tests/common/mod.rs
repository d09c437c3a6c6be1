//! Test helpers shared by the integration tests.

// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The `devtools-protocol` npm package version the tests pin.
pub const DEVTOOLS_PROTOCOL_VERSION: &str = "0.0.1734725";

/// The unpacked `devtools-protocol` npm package at `version` (its `package` directory, holding
/// `json/` and `pdl/`), fetched once with `npm pack` and cached under the workspace's
/// `target/devtools-protocol/<version>/`.
///
/// Returns `None` when it cannot be fetched (no npm, no network) after printing
/// `SKIPPED: <why>`, so the calling test can return; with the `CI` variable set it panics
/// instead, because CI must not skip silently.
pub fn devtools_protocol(version: &str) -> Option<PathBuf> {
    match fetch(version) {
        Ok(package) => Some(package),
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("cannot get devtools-protocol@{version}: {why}")
        }
        Err(why) => {
            println!("SKIPPED: cannot get devtools-protocol@{version}: {why}");
            None
        }
    }
}

fn fetch(version: &str) -> Result<PathBuf, String> {
    let cache = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/devtools-protocol")
        .join(version);
    let package = cache.join("package");
    if package.join("json").is_dir() && package.join("pdl").is_dir() {
        return Ok(package);
    }
    // Unpack beside the cache and rename it into place: a rename is atomic, so tests that race
    // here each see either nothing or a whole package.
    let parent = cache.parent().ok_or("the cache directory has no parent")?;
    std::fs::create_dir_all(parent).map_err(|err| format!("cannot create {parent:?}: {err}"))?;
    static ATTEMPT: AtomicUsize = AtomicUsize::new(0);
    let attempt = ATTEMPT.fetch_add(1, Ordering::Relaxed);
    let staging = parent.join(format!(
        "{version}.partial-{}-{attempt}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|err| format!("cannot create {staging:?}: {err}"))?;
    let result = unpack(version, &staging).and_then(|()| {
        match std::fs::rename(&staging, &cache) {
            Ok(()) => Ok(()),
            // Another test got there first.
            Err(_) if package.join("json").is_dir() => Ok(()),
            Err(err) => Err(format!("cannot move {staging:?} to {cache:?}: {err}")),
        }
    });
    let _ = std::fs::remove_dir_all(&staging);
    result.map(|()| package)
}

fn unpack(version: &str, staging: &Path) -> Result<(), String> {
    let spec = format!("devtools-protocol@{version}");
    run(Command::new("npm")
        .args(["pack", "--silent", &spec])
        .current_dir(staging))?;
    let tarball = std::fs::read_dir(staging)
        .map_err(|err| format!("cannot list {staging:?}: {err}"))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "tgz"))
        .ok_or("`npm pack` wrote no .tgz")?;
    run(Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .current_dir(staging))?;
    std::fs::remove_file(&tarball).map_err(|err| format!("cannot remove {tarball:?}: {err}"))
}

fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .map_err(|err| format!("cannot run {shown}: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{shown} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
