//! The library behind the `cdp-codegen` command: obtaining a protocol from a browser or from
//! the `devtools-protocol` npm package ([`fetch`]).
//!
//! Generation itself is [`cdp_codegen`], the lean library that build scripts use; this crate
//! adds what only the command needs (a browser launcher, an archive reader, a text diff).

#![deny(missing_docs)]

pub mod fetch;
