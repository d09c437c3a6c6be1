//! The Chrome DevTools Protocol schemas the project ships, as text.
//!
//! Each is in the shape of Chromium's `browser_protocol.json` (`{"version": .., "domains":
//! [..]}`), written from the protocol's facts, and small: the full protocol is not shipped.
//! `cdp-codegen` generates from [`BACKGROUND_SERVICE`] when it is given no schema, and
//! `cdp-transport`'s `Browser`, `Target` and `Page` commands are generated from [`TRANSPORT`].

#![deny(missing_docs)]

/// The BackgroundService domain as today's Chromium ships it, plus the two types it uses from
/// other domains: `Network.TimeSinceEpoch` and `ServiceWorker.RegistrationID`.
pub const BACKGROUND_SERVICE: &str = include_str!("../background_service.json");

/// The file name [`BACKGROUND_SERVICE`] goes by in diagnostics and generated headers.
pub const BACKGROUND_SERVICE_NAME: &str = "background_service.json";

/// The few `Browser`, `Target` and `Page` commands, events and types `cdp-transport` needs to
/// open pages and drive them, with the fields Chromium sends.
pub const TRANSPORT: &str = include_str!("../transport.json");

/// The file name [`TRANSPORT`] goes by in diagnostics and generated headers.
pub const TRANSPORT_NAME: &str = "transport.json";
