//! Generates the bindings the fuzz target decodes into: every domain of the full protocol that
//! `cdp-schemas` ships (`Config::full_protocol()`: facts, no descriptions, which decoding does
//! not need), so it builds with no npm and no fetch.
//!
//! `CDP_FUZZ_PROTOCOL` (JSON schema files separated like `PATH`) fuzzes another schema instead,
//! a browser's `/json/protocol` say.

const PROTOCOL_ENV: &str = "CDP_FUZZ_PROTOCOL";

fn main() -> Result<(), cdp_codegen::Error> {
    println!("cargo:rerun-if-env-changed={PROTOCOL_ENV}");
    let mut config = cdp_codegen::Config::new();
    match std::env::var_os(PROTOCOL_ENV).filter(|paths| !paths.is_empty()) {
        Some(paths) => {
            for file in std::env::split_paths(&paths) {
                config.protocol(file);
            }
        }
        None => {
            config.full_protocol();
        }
    }
    config.generate()?;
    Ok(())
}
