//! Generates bindings for the synthetic schema `schemas/quirks.json`, so that tests can check
//! the generated code's behaviour (optional fields, keywords, recursion) by compiling it.

fn main() -> Result<(), cdp_codegen::Error> {
    cdp_codegen::Config::new()
        .protocol(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/quirks.json"))
        .out_file(
            std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
                .join("quirks.rs"),
        )
        .generate()?;
    Ok(())
}
