//! Generates the bindings the examples use beyond the transport's own protocol: the console,
//! network and BackgroundService events and the commands that turn them on, from the small
//! schema `protocol.json` (facts from Chromium's `/json/protocol`, fields trimmed to those the
//! examples read and those the protocol requires).

fn main() -> Result<(), cdp_codegen::Error> {
    cdp_codegen::Config::new()
        .protocol("protocol.json")
        .generate()?;
    Ok(())
}
