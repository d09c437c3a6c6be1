//! Generates the bindings the examples use beyond the transport's own protocol: the console,
//! network and BackgroundService events and the commands that turn them on, and the Profiler
//! commands, selected from the full protocol that cdp-schemas ships (nothing is fetched).

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
        // node_profile: a CPU profile of a Node.js script, from start to end.
        .command("Runtime.runIfWaitingForDebugger")
        .event("Runtime.executionContextDestroyed")
        .command("Profiler.enable")
        .command("Profiler.setSamplingInterval")
        .command("Profiler.start")
        .command("Profiler.stop")
        .generate()?;
    Ok(())
}
