//! Generates the bindings the fuzz target decodes into: the full protocol when it can be found,
//! else the embedded BackgroundService schema (the same bindings as `cdp-bindings`).
//!
//! Where the full protocol is looked for, first to last:
//!
//! 1. `CDP_FUZZ_PROTOCOL`: schema files separated like `PATH` (`:` on Unix), JSON or PDL;
//! 2. the unpacked `devtools-protocol` npm package at the version in `protocol/PINNED`, where
//!    the workspace's tests and `run.sh` cache it: `target/devtools-protocol/<version>/package`;
//! 3. `protocol/full/devtools-protocol-<version>.json`, written by `protocol/fetch-full.sh npm`.
//!
//! Nothing is downloaded here: `run.sh` fetches the package before it builds.

use std::path::{Path, PathBuf};

const PROTOCOL_ENV: &str = "CDP_FUZZ_PROTOCOL";

fn main() -> Result<(), cdp_codegen::Error> {
    println!("cargo:rerun-if-env-changed={PROTOCOL_ENV}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut config = cdp_codegen::Config::new();
    match full_protocol(&root) {
        Some(files) => {
            for file in &files {
                config.protocol(file);
            }
        }
        None => {
            println!(
                "cargo:warning=no full protocol found (set {PROTOCOL_ENV} or run runtime/fuzz/run.sh): \
                 fuzzing the BackgroundService bindings only"
            );
            // Notice the package when it arrives.
            let cache = root.join("target/devtools-protocol");
            if cache.is_dir() {
                println!("cargo:rerun-if-changed={}", cache.display());
            }
        }
    }
    config.generate()?;
    Ok(())
}

fn full_protocol(root: &Path) -> Option<Vec<PathBuf>> {
    if let Some(paths) = std::env::var_os(PROTOCOL_ENV).filter(|paths| !paths.is_empty()) {
        return Some(std::env::split_paths(&paths).collect());
    }
    let pinned = root.join("protocol/PINNED");
    println!("cargo:rerun-if-changed={}", pinned.display());
    let version = std::fs::read_to_string(pinned).ok()?.trim().to_owned();
    let package = root
        .join("target/devtools-protocol")
        .join(&version)
        .join("package/json");
    let files = [
        package.join("browser_protocol.json"),
        package.join("js_protocol.json"),
    ];
    if files.iter().all(|file| file.is_file()) {
        return Some(files.to_vec());
    }
    let fetched = root
        .join("protocol/full")
        .join(format!("devtools-protocol-{version}.json"));
    fetched.is_file().then(|| vec![fetched])
}
