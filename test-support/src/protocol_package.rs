//! The full protocol at the version the project pins, for the tests that read it.

use std::path::{Path, PathBuf};

/// The `devtools-protocol` npm package version the project pins, from `protocol/PINNED`.
pub const DEVTOOLS_PROTOCOL_VERSION: &str = include_str!("../../protocol/PINNED").trim_ascii();

/// The unpacked `devtools-protocol` npm package at `version` (the directory holding `json/`
/// and `pdl/`), fetched once by [`cdp_codegen_cli::fetch::npm_into`] and cached under the
/// workspace's `target/devtools-protocol/<version>/package/` (where
/// `cargo bench -p cdp-codegen --bench generate` looks for it too). For the tests that need
/// Chromium's schema as published, descriptions included; the facts ship in `cdp-schemas`.
///
/// Returns `None` when it cannot be fetched (no npm, no network) after printing
/// `SKIPPED: <why>`, so the calling test can return; with the `CI` variable set it panics
/// instead, because CI must not skip silently.
pub fn devtools_protocol(version: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/devtools-protocol")
        .join(version)
        .join("package");
    match cdp_codegen_cli::fetch::npm_into(version, &dir) {
        Ok(package) => Some(package.dir),
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("cannot get devtools-protocol@{version}: {why}")
        }
        Err(why) => {
            println!("SKIPPED: cannot get devtools-protocol@{version}: {why}");
            None
        }
    }
}
