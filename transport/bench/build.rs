//! Generates the bindings the flood needs and the transport's own protocol subset lacks:
//! `Runtime.consoleAPICalled` (with every type it reaches) and `Runtime.enable`, from
//! `schema/runtime_console.json`, which is the live protocol of Chromium 156
//! (`/json/protocol`) cut down to those (see README.md).

use std::path::PathBuf;

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo::rerun-if-changed=schema/runtime_console.json");
    let mut config = cdp_codegen::Config::new();
    config
        .protocol("schema/runtime_console.json")
        .experimental(true)
        .out_file(out_dir.join("console.rs"));
    if let Err(err) = config.generate() {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}
