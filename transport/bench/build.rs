//! Generates the bindings the flood needs and the transport's own protocol subset lacks:
//! `Runtime.consoleAPICalled` (with every type it reaches) and `Runtime.enable`, selected from
//! the full protocol that cdp-schemas ships.

use std::path::PathBuf;

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut config = cdp_codegen::Config::new();
    config
        .full_protocol()
        .command("Runtime.enable")
        .event("Runtime.consoleAPICalled")
        .out_file(out_dir.join("console.rs"));
    if let Err(err) = config.generate() {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}
