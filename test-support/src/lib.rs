//! Support shared by the workspace's tests: a crate of its own (`publish = false`) rather than
//! a module each test borrows by path.
//!
//! - Finding Chromium or skipping ([`chromium`]), pages served by the test itself, and the
//!   background sync scenario the transports and the recorder run.
//! - A site whose service worker exercises every background service ([`ServiceSite`]).
//! - The `devtools-protocol` npm package at the pinned version ([`devtools_protocol`]).
//! - Finding Node.js or skipping ([`node`]), and a Node.js process with its inspector on
//!   ([`NodeInspector`]).

mod browser;
mod node;
mod protocol_package;
mod service_site;

pub use browser::*;
pub use node::{node, NodeInspector, NODE_ENV};
pub use protocol_package::{devtools_protocol, DEVTOOLS_PROTOCOL_VERSION};
pub use service_site::ServiceSite;
