//! Test helpers shared by the integration tests.

// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `devtools-protocol` npm package version the project pins, from `protocol/PINNED`.
pub const DEVTOOLS_PROTOCOL_VERSION: &str = include_str!("../../../protocol/PINNED").trim_ascii();

/// The unpacked `devtools-protocol` npm package at `version` (the directory holding `json/`
/// and `pdl/`), fetched once by [`cdp_codegen::fetch::npm_into`] and cached under the
/// workspace's `target/devtools-protocol/<version>/package/`, where `protocol/npm-package.sh`
/// and the build scripts look for it too.
///
/// Returns `None` when it cannot be fetched (no npm, no network) after printing
/// `SKIPPED: <why>`, so the calling test can return; with the `CI` variable set it panics
/// instead, because CI must not skip silently.
pub fn devtools_protocol(version: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/devtools-protocol")
        .join(version)
        .join("package");
    match cdp_codegen::fetch::npm_into(version, &dir) {
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

/// Runs the `cdp-codegen` binary with `args`.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cdp-codegen"))
        .args(args)
        .output()
        .expect("the binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}
