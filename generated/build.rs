//! Generates the bindings at build time, from the full protocol cdp-schemas ships (no fetch,
//! no network) or from the files `CDP_BINDINGS_PROTOCOL` names.
//!
//! Each domain feature that is on keeps its domain whole; the generator pulls in the types it
//! uses from other domains, and only those. With no domain feature on, every domain is kept.
//! A feature that names no domain of the protocol in use stops the build with its name.
//! (cdp-codegen is built here without its `pdl` feature: a `.pdl` file is an error that says
//! so.)

use std::path::{Path, PathBuf};

const PROTOCOL_ENV: &str = "CDP_BINDINGS_PROTOCOL";

/// Features of this crate that do not name a domain.
const OTHER_FEATURES: &[&str] = &["DEFAULT", "NODE20"];

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    println!("cargo:rerun-if-env-changed={PROTOCOL_ENV}");
    let mut config = cdp_codegen::Config::new();
    let protocol_files = protocol_files()?;
    let in_use = match &protocol_files {
        Some(files) => {
            for file in files {
                config.protocol(file);
            }
            format!(
                "the protocol {PROTOCOL_ENV} names ({})",
                std::env::var(PROTOCOL_ENV).unwrap_or_default()
            )
        }
        None => {
            config.full_protocol();
            format!(
                "the full protocol cdp-bindings ships (devtools-protocol {})",
                cdp_codegen::PINNED_PROTOCOL_VERSION
            )
        }
    };
    if std::env::var_os("CARGO_FEATURE_NODE20").is_some() {
        config.patch_text(cdp_schemas::NODE_20_PATCH_NAME, cdp_schemas::NODE_20_PATCH);
    }
    // The domains by name only: the schema is checked once, when the bindings are generated.
    let domains = config.domain_names().map_err(|err| err.to_string())?;
    let mut claimed: Vec<String> = Vec::new();
    for domain in &domains {
        let variable = cdp_codegen::features::feature_env_var(domain);
        if std::env::var_os(&variable).is_some() {
            config.domain(domain);
            claimed.push(variable);
        }
    }
    let mut unknown: Vec<String> = std::env::vars()
        .filter_map(|(name, _)| name.strip_prefix("CARGO_FEATURE_").map(str::to_owned))
        .filter(|name| !OTHER_FEATURES.contains(&name.as_str()))
        .filter(|name| !claimed.contains(&format!("CARGO_FEATURE_{name}")))
        .map(|name| format!("`{}`", name.to_lowercase()))
        .collect();
    if !unknown.is_empty() {
        unknown.sort();
        return Err(format!(
            "the cdp-bindings feature{} {} name{} no domain of {in_use}: turn {} off, or build \
             against a protocol that has {}",
            if unknown.len() == 1 { "" } else { "s" },
            unknown.join(", "),
            if unknown.len() == 1 { "s" } else { "" },
            if unknown.len() == 1 { "it" } else { "them" },
            if unknown.len() == 1 {
                "its domain"
            } else {
                "their domains"
            },
        ));
    }
    config.generate().map_err(|err| err.to_string())?;
    Ok(())
}

/// The files `CDP_BINDINGS_PROTOCOL` names (separated like `PATH`: `:` on Unix), or `None`
/// when it is unset or empty. A relative path is refused: this script runs in cdp-bindings'
/// own directory, not in the user's.
fn protocol_files() -> Result<Option<Vec<PathBuf>>, String> {
    let Some(paths) = std::env::var_os(PROTOCOL_ENV).filter(|paths| !paths.is_empty()) else {
        return Ok(None);
    };
    let files: Vec<PathBuf> = std::env::split_paths(&paths).collect();
    if let Some(relative) = files.iter().find(|file| file.is_relative()) {
        let here = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(PathBuf::new, PathBuf::from);
        return Err(relative_path_error(relative, &here));
    }
    Ok(Some(files))
}

fn relative_path_error(relative: &Path, here: &Path) -> String {
    format!(
        "{PROTOCOL_ENV} holds the relative path `{rel}`, which would be read as `{tried}`: \
         cdp-bindings' build script runs in its own package directory, not in yours. Give an \
         absolute path, or set it in your `.cargo/config.toml` relative to the directory that \
         holds `.cargo/`:\n\n    [env]\n    {PROTOCOL_ENV} = {{ value = \"{rel}\", relative = true }}\n",
        rel = relative.display(),
        tried = here.join(relative).display(),
    )
}
