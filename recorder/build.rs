//! Generates the recorder's own bindings: the BackgroundService domain cdp-schemas ships, plus
//! the few ServiceWorker and Browser commands, events and types of `protocol.json` (the
//! triggers DevTools' Service Workers pane sends, and the permission grant).
//!
//! Both schemas define the `ServiceWorker` domain (the shipped one holds only
//! `RegistrationID`), and cdp-codegen takes each domain from one file only: the domains of
//! `protocol.json` replace those of the same name, which is why its `ServiceWorker` repeats
//! `RegistrationID`.

use cdp_codegen::Config;
use serde_json::Value;

const SCHEMA: &str = "protocol.json";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed={SCHEMA}");
    let ours: Value = serde_json::from_str(&std::fs::read_to_string(SCHEMA)?)?;
    let mut merged: Value = serde_json::from_str(cdp_schemas::BACKGROUND_SERVICE)?;
    let our_domains = domains(&ours)?;
    let replaced: Vec<&str> = our_domains
        .iter()
        .filter_map(|domain| domain["domain"].as_str())
        .collect();
    let shipped = merged["domains"]
        .as_array_mut()
        .ok_or("cdp_schemas::BACKGROUND_SERVICE has no `domains` array")?;
    shipped.retain(|domain| {
        !domain["domain"]
            .as_str()
            .is_some_and(|name| replaced.contains(&name))
    });
    shipped.extend(our_domains.iter().cloned());
    Config::new()
        .protocol_text(
            format!("{} + {SCHEMA}", cdp_schemas::BACKGROUND_SERVICE_NAME),
            merged.to_string(),
        )
        .generate()?;
    Ok(())
}

fn domains(schema: &Value) -> Result<&Vec<Value>, String> {
    schema["domains"]
        .as_array()
        .ok_or_else(|| format!("{SCHEMA} has no `domains` array"))
}
