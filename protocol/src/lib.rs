//! The Chrome DevTools Protocol schemas the project ships, as text.
//!
//! Each is in the shape of Chromium's `browser_protocol.json` (`{"version": .., "domains":
//! [..]}`) and holds facts only where Chromium's prose would be: names, types, values and flags.
//!
//! - [`FULL_PROTOCOL`]: the whole protocol (browser and JavaScript domains) of the
//!   `devtools-protocol` npm package at version [`PINNED_VERSION`], without descriptions.
//!   `cdp_codegen::Config::full_protocol()` and the domain features of `cdp-bindings` generate
//!   from it.
//! - [`BACKGROUND_SERVICE`]: the BackgroundService domain and the two types it uses, with
//!   descriptions of our own. `cdp-codegen` generates from it when it is given no schema.
//!
//! ```
//! assert!(cdp_schemas::FULL_PROTOCOL.contains(r#""domain": "Page""#));
//! assert!(cdp_schemas::PINNED_VERSION.starts_with("0.0."));
//! ```

#![deny(missing_docs)]

/// The BackgroundService domain as today's Chromium ships it, plus the two types it uses from
/// other domains: `Network.TimeSinceEpoch` and `ServiceWorker.RegistrationID`.
pub const BACKGROUND_SERVICE: &str = include_str!("../background_service.json");

/// The file name [`BACKGROUND_SERVICE`] goes by in diagnostics and generated headers.
pub const BACKGROUND_SERVICE_NAME: &str = "background_service.json";

/// The whole protocol at [`PINNED_VERSION`], browser and JavaScript domains in one schema:
/// every domain, type, command, event, field, enum value, `$ref`, and the optional,
/// experimental and deprecated flags, with no `description`. `cdp-codegen fetch --npm VERSION
/// --facts` writes it from the `devtools-protocol` npm package; its top-level `"source"` names
/// the package and version.
pub const FULL_PROTOCOL: &str = include_str!("../full_protocol.json");

/// The file name [`FULL_PROTOCOL`] goes by in diagnostics and generated headers.
pub const FULL_PROTOCOL_NAME: &str = "full_protocol.json";

/// The `devtools-protocol` npm version [`FULL_PROTOCOL`] was written from (`protocol/PINNED`).
pub const PINNED_VERSION: &str = include_str!("../PINNED").trim_ascii();

/// A schema patch (the format of `cdp_codegen::patch`) that makes the shipped protocol read what
/// the inspector of Node.js 20 (V8 11.3) sends: it makes optional the `buildId` that later V8
/// versions added to `Debugger.scriptParsed` and `Debugger.scriptFailedToParse`. Apply it with
/// `Config::patch_text(NODE_20_PATCH_NAME, NODE_20_PATCH)` (cdp-codegen's `patch` feature), or
/// turn on the `node20` feature of `cdp-bindings`.
pub const NODE_20_PATCH: &str = include_str!("../patches/node20.json");

/// The file name [`NODE_20_PATCH`] goes by in diagnostics and generated headers.
pub const NODE_20_PATCH_NAME: &str = "node20.json";
