//! Generates the bindings the examples use beyond the transport's own protocol: the console,
//! network and BackgroundService events and the commands that turn them on, selected from the
//! full protocol that cdp-schemas ships (nothing is fetched).

fn main() -> Result<(), cdp_codegen::Error> {
    cdp_codegen::Config::new()
        .full_protocol()
        .domain("BackgroundService")
        .command("Network.enable")
        .event("Network.requestWillBeSent")
        .event("Network.responseReceived")
        .event("Network.loadingFailed")
        .command("Runtime.enable")
        .event("Runtime.consoleAPICalled")
        .generate()?;
    Ok(())
}
