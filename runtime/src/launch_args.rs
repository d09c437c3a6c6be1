//! The arguments a browser is launched with by default: one list for every launcher in the
//! workspace, the transports' and `cdp-codegen fetch`'s alike.

/// The arguments a browser is launched with by default, in this order: headless and quiet on a
/// closed network. `--no-sandbox` because Chromium's sandbox cannot start as root or in most
/// containers.
///
/// Available without features, so that a tool that launches the browser its own way (as
/// `cdp-codegen fetch` does, to read `/json/protocol`) launches it as the transports do; with a
/// transport feature, `transport::DEFAULT_ARGS` is this list.
pub const DEFAULT_BROWSER_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
