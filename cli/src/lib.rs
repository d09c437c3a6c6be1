//! The library behind the `cdp-codegen` command: obtaining a protocol from a browser or from
//! the `devtools-protocol` npm package ([`fetch`]), selection files ([`select`]), and moving a
//! project to another protocol version ([`update`]).
//!
//! Generation itself is [`cdp_codegen`], the lean library that build scripts use; this crate
//! adds what only the command needs (a browser launcher, an archive reader, a text diff).
//! Install the command with `cargo install cdp-codegen-cli`; its subcommands (`generate`,
//! `check`, `fetch`, `diff`, `update`) explain themselves with `--help`.
//!
//! # Features
//!
//! None: the library and the command always have everything, including `cdp-codegen`'s `pdl`,
//! `patch`, `format` and `diff` features.
//!
//! # Example
//!
//! Fetch the protocol a browser speaks (one file, browser and JavaScript domains merged), then
//! generate what a selection file lists from it:
//!
//! ```no_run
//! use std::time::Duration;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let json = cdp_codegen_cli::fetch::browser("chromium".as_ref(), Duration::from_secs(30))?;
//! std::fs::write("protocol/chromium.json", json)?;
//!
//! let mut config = cdp_codegen::Config::new();
//! config.protocol("protocol/chromium.json");
//! let selection = "command Page.navigate\nevent Page.loadEventFired\ndomain Runtime\n";
//! cdp_codegen_cli::select::apply(selection, "app.select", &mut config)?;
//! std::fs::write("src/cdp.rs", config.generate_string()?)?;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

pub mod fetch;
pub mod select;
pub mod update;
