//! Generates the bindings from the schema in `protocol/` at build time.

fn main() -> Result<(), cdp_codegen::Error> {
    cdp_codegen::Config::new()
        .protocol(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../protocol/background_service.json"
        ))
        .generate()?;
    Ok(())
}
