//! Generates the bindings at build time.
//!
//! By default from the schema cdp-codegen embeds (`cdp_schemas::BACKGROUND_SERVICE`). Set
//! `CDP_BINDINGS_PROTOCOL` to a list of JSON schema files (separated like `PATH`: `:` on Unix)
//! to build against another protocol, for example the full one that `protocol/fetch-full.sh`
//! writes. (cdp-codegen is built here without its `pdl` feature: a `.pdl` file is an error that
//! says so.) Each enabled cargo feature selects the domain of the same module name; with no
//! domain feature, every domain is kept.

use std::collections::BTreeSet;

const PROTOCOL_ENV: &str = "CDP_BINDINGS_PROTOCOL";

/// Features of this crate that do not name a domain.
const OTHER_FEATURES: &[&str] = &["DEFAULT"];

fn main() -> Result<(), cdp_codegen::Error> {
    println!("cargo:rerun-if-env-changed={PROTOCOL_ENV}");
    let mut config = cdp_codegen::Config::new();
    let custom = std::env::var_os(PROTOCOL_ENV).filter(|paths| !paths.is_empty());
    // Without a protocol, cdp-codegen uses the one it embeds.
    for path in custom.iter().flat_map(std::env::split_paths) {
        config.protocol(path);
    }
    let model = config.model()?;
    let mut claimed: BTreeSet<String> = BTreeSet::new();
    for domain in &model.domains {
        let variable = cdp_codegen::features::feature_env_var(&domain.name);
        if std::env::var_os(&variable).is_some() {
            config.domain(&domain.name);
            claimed.insert(variable);
        }
    }
    if custom.is_some() {
        // With a protocol of the user's choosing, a feature that names no domain of it is
        // almost certainly a mistake: say so rather than ignore it.
        let unknown: Vec<String> = std::env::vars()
            .filter_map(|(name, _)| name.strip_prefix("CARGO_FEATURE_").map(str::to_owned))
            .filter(|name| !OTHER_FEATURES.contains(&name.as_str()))
            .filter(|name| !claimed.contains(&format!("CARGO_FEATURE_{name}")))
            .map(|name| name.to_lowercase())
            .collect();
        if !unknown.is_empty() {
            println!(
                "cargo:warning=features with no domain in {PROTOCOL_ENV}: {}",
                unknown.join(", ")
            );
        }
    }
    config.generate()?;
    Ok(())
}
