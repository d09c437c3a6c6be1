//! Generates the bindings the fuzz target decodes into: the full protocol when it can be found,
//! else the embedded BackgroundService schema (the same bindings as `cdp-bindings`).
//!
//! Where the full protocol is looked for: `CDP_FUZZ_PROTOCOL` (schema files separated like
//! `PATH`), else the pinned `devtools-protocol` npm package where the workspace caches it, else
//! `protocol/full/` (see `protocol/full_protocol.rs`, shared with the other build scripts that
//! need it). Nothing is downloaded here: `run.sh` fetches the package before it builds.

use std::path::Path;

include!("../../protocol/full_protocol.rs");

const PROTOCOL_ENV: &str = "CDP_FUZZ_PROTOCOL";

fn main() -> Result<(), cdp_codegen::Error> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut config = cdp_codegen::Config::new();
    match full_protocol(&root, PROTOCOL_ENV) {
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
        }
    }
    config.generate()?;
    Ok(())
}
