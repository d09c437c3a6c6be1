//! The cargo features of a bindings crate: one per domain, implying the domains it uses.
//!
//! A crate that `include!`s bindings for the whole protocol can let its users compile only the
//! domains they drive. Cargo features are static, so the table is generated here, pasted into
//! the crate's `Cargo.toml`, and kept in sync by a test (see `cdp-bindings`).

use std::fmt::Write as _;

use crate::model::Model;
use crate::naming;

/// The `[features]` entries for `model`, one line per domain, sorted, named by module name:
/// `page = ["dom", "network", ..]`.
pub fn feature_table(model: &Model) -> String {
    let mut out = String::new();
    for (domain, used) in model.domain_dependencies() {
        let implied: Vec<String> = used
            .iter()
            .map(|other| format!("\"{}\"", naming::module(other)))
            .collect();
        let _ = writeln!(out, "{} = [{}]", naming::module(domain), implied.join(", "));
    }
    out
}

/// The cargo feature that selects `domain`: its module name.
pub fn feature_name(domain: &str) -> String {
    naming::module(domain)
}

/// The environment variable cargo sets in a build script when the feature of `domain` is on:
/// `CARGO_FEATURE_DOM_DEBUGGER` for `DOMDebugger`.
pub fn feature_env_var(domain: &str) -> String {
    format!(
        "CARGO_FEATURE_{}",
        feature_name(domain).to_uppercase().replace('-', "_")
    )
}
