//! Generates bindings for the synthetic schema `schemas/quirks.json`, so that tests can check
//! the generated code's behaviour (optional fields, keywords, recursion) by compiling it; and,
//! from the full protocol cdp-schemas ships, the bindings the session tests and the Node.js
//! inspector tests use (each included by its own test only).

use std::path::PathBuf;

fn main() -> Result<(), cdp_codegen::Error> {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    cdp_codegen::Config::new()
        .protocol(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/quirks.json"))
        .out_file(out_dir.join("quirks.rs"))
        .generate()?;
    // tests/sessions.rs: console messages of frames and workers, and a crash on demand.
    cdp_codegen::Config::new()
        .full_protocol()
        .command("Runtime.enable")
        .event("Runtime.consoleAPICalled")
        .command("Page.crash")
        .out_file(out_dir.join("sessions.rs"))
        .generate()?;
    // tests/node_inspector.rs: the domains a Node.js inspector has.
    cdp_codegen::Config::new()
        .full_protocol()
        .patch_text(cdp_schemas::NODE_20_PATCH_NAME, cdp_schemas::NODE_20_PATCH)
        .domain("Runtime")
        .domain("Debugger")
        .domain("Profiler")
        .domain("HeapProfiler")
        .out_file(out_dir.join("node.rs"))
        .generate()?;
    Ok(())
}
