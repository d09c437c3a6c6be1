//! Obtaining a protocol: from the `devtools-protocol` npm package, from a browser binary
//! launched headless, or from a browser that is already running; and writing it as stable JSON.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! # fn main() -> Result<(), cdp_codegen_cli::fetch::FetchError> {
//! // The protocol the local Chromium speaks, with its `source` recorded.
//! let json = cdp_codegen_cli::fetch::browser("/usr/bin/chromium".as_ref(), Duration::from_secs(30))?;
//! std::fs::write("protocol.json", json).expect("writable");
//!
//! // A pinned package, unpacked once into a cache.
//! let package = cdp_codegen_cli::fetch::npm("0.0.1734725", "target/npm-cache".as_ref())?;
//! let json = package.to_stable_json()?;
//! # let _ = json;
//! # Ok(())
//! # }
//! ```
//!
//! Nothing here panics: every failure is a [`FetchError`] that says what was attempted and
//! why it failed.

mod browser;
mod npm;
mod stable;

use std::io;
use std::path::PathBuf;
use std::time::Duration;

pub use browser::{browser, url, BROWSER_FLAGS};
pub use npm::{default_cache_dir, npm, npm_into, validate_version, NpmProtocol, NPM_PACKAGE};
pub use stable::{merge, to_facts_json, to_stable_json, Origin};

/// Why a protocol could not be obtained.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The npm version is not digits separated by dots.
    #[error(
        "bad devtools-protocol version `{version}`: expected digits separated by dots, \
         e.g. `0.0.1734725`"
    )]
    BadVersion {
        /// The version as given.
        version: String,
    },
    /// The address of a running browser is not `http://HOST:PORT`.
    #[error("bad browser address `{url}`: {reason}; expected e.g. `http://127.0.0.1:9222`")]
    BadUrl {
        /// The address as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `npm` could not be started.
    #[error("cannot run npm: {}", io_reason(source))]
    NpmMissing {
        /// The error from starting it.
        source: io::Error,
    },
    /// `npm pack` ran and failed.
    #[error("npm pack {spec} failed ({status}): {stderr}")]
    NpmFailed {
        /// The package spec, `devtools-protocol@VERSION`.
        spec: String,
        /// How npm exited.
        status: String,
        /// The last lines npm wrote to its standard error.
        stderr: String,
    },
    /// The package lacks a file every `devtools-protocol` version has.
    #[error("{spec} has no `{file}`; is it really the devtools-protocol package?")]
    MissingFile {
        /// The package spec.
        spec: String,
        /// The path inside the package.
        file: String,
    },
    /// The browser binary could not be started.
    #[error("cannot launch {}: {}", binary.display(), io_reason(source))]
    Launch {
        /// The binary.
        binary: PathBuf,
        /// The error from starting it.
        source: io::Error,
    },
    /// The browser exited before it said where its DevTools server listens.
    #[error(
        "{} exited ({status}) before it opened its DevTools port; its last output:\n{stderr}",
        binary.display()
    )]
    BrowserExited {
        /// The binary.
        binary: PathBuf,
        /// How it exited.
        status: String,
        /// The last lines it wrote to its standard error.
        stderr: String,
    },
    /// A step did not finish in time.
    #[error("{what} did not finish within {after:?}{detail}")]
    Timeout {
        /// What was waited for.
        what: String,
        /// The time limit.
        after: Duration,
        /// More context (e.g. the browser's last output), empty or starting with a separator.
        detail: String,
    },
    /// An HTTP request failed or was answered with something other than a 200.
    #[error("GET {url} failed: {reason}")]
    Http {
        /// The URL asked.
        url: String,
        /// Why it failed.
        reason: String,
    },
    /// The browser could not be launched or closed for another reason than those above
    /// (e.g. it closed its standard error before it opened its DevTools port).
    #[error(transparent)]
    Browser(cdp_transport::Error),
    /// Asking the browser failed for another reason than those above.
    #[error(transparent)]
    Discovery(cdp_transport::discovery::DiscoveryError),
    /// What was read is not a protocol schema.
    #[error("{what} is not a protocol schema: {reason}")]
    NotAProtocol {
        /// Where it came from.
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A file system operation failed.
    #[error("{what}: {}", io_reason(source))]
    Io {
        /// What was being done, e.g. `cannot create /tmp/x`.
        what: String,
        /// The I/O error.
        source: io::Error,
    },
}

impl FetchError {
    /// Whether the error comes from a bad argument (a version or an address that cannot be
    /// right) rather than from a failure to fetch: the CLI exits with 2 for those, 1 otherwise.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            FetchError::BadVersion { .. } | FetchError::BadUrl { .. }
        )
    }

    fn io(what: impl Into<String>, source: io::Error) -> FetchError {
        FetchError::Io {
            what: what.into(),
            source,
        }
    }
}

/// A short reason for an I/O error: "no such file" rather than "No such file or directory (os
/// error 2)".
fn io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => err.to_string(),
    }
}

/// The last `lines` non-empty lines of `text`, joined by newlines.
fn tail(text: &str, lines: usize) -> String {
    let kept: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty())
        .collect();
    kept[kept.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_error_says_no_such_file() {
        let err = FetchError::Launch {
            binary: PathBuf::from("/x/y"),
            source: io::Error::from(io::ErrorKind::NotFound),
        };
        assert_eq!(err.to_string(), "cannot launch /x/y: no such file");
        assert!(!err.is_bad_input());
    }

    #[test]
    fn tail_keeps_the_last_non_empty_lines() {
        assert_eq!(tail("a\n\nb\nc\n\n", 2), "b\nc");
        assert_eq!(tail("", 3), "");
    }
}
