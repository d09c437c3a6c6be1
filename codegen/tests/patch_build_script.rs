//! `Config::patch` as a build script uses it: this test binary runs itself as the build script
//! (with `OUT_DIR` set, as cargo sets it), and the "build script" must print
//! `cargo:rerun-if-changed` for every patch file beside the protocol file, and write bindings
//! with the patches applied, in order.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Set in the child process, which then plays the build script.
const CHILD: &str = "CDP_PATCH_BUILD_SCRIPT_CHILD";

const SCHEMA: &str = r#"{"domains": [{"domain": "Shop",
  "types": [{"id": "Item", "type": "object", "properties": [
    {"name": "name", "type": "string"},
    {"name": "key", "type": "string", "optional": true}]}],
  "events": [{"name": "sold", "parameters": [{"name": "item", "$ref": "Item"}]}]}]}"#;

/// The first file adds a type; the second uses it, so the two must apply in order.
const FIRST: &str = r#"{"patches": [
  {"op": "make_optional", "target": "Shop.Item.name", "note": "The shop stopped sending it."},
  {"op": "add_type", "target": "Shop", "type": {"id": "Key", "type": "object",
   "properties": [{"name": "site", "type": "string"}]}}]}"#;
const SECOND: &str = r#"{"patches": [
  {"op": "set_type", "target": "Shop.Item.key", "to": {"$ref": "Key"}}]}"#;

fn scratch() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("patch-build-script");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The build script's `main`, as the README writes one: a loop over the patch files works as
/// well as a chain.
#[test]
fn build_script_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let dir = scratch();
    let mut config = cdp_codegen::Config::new();
    config.protocol(dir.join("shop.json"));
    for patch in ["first.json", "second.json"] {
        config.patch(dir.join("patches").join(patch));
    }
    config.generate().expect("the patched schema generates");
}

#[test]
fn a_build_script_reruns_when_a_patch_changes_and_generates_the_patched_bindings() {
    let dir = scratch();
    let out_dir = dir.join("out");
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(dir.join("patches")).unwrap();
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(dir.join("shop.json"), SCHEMA).unwrap();
    std::fs::write(dir.join("patches/first.json"), FIRST).unwrap();
    std::fs::write(dir.join("patches/second.json"), SECOND).unwrap();

    let output = Command::new(std::env::current_exe().unwrap())
        .args(["build_script_child", "--exact", "--nocapture"])
        .env(CHILD, "1")
        .env("OUT_DIR", &out_dir)
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the build script failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let reruns: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("cargo:rerun-if-changed="))
        .collect();
    let expected: Vec<String> = ["shop.json", "patches/first.json", "patches/second.json"]
        .iter()
        .map(|file| dir.join(file).display().to_string())
        .collect();
    assert_eq!(reruns, expected, "{stdout}");

    let code = std::fs::read_to_string(out_dir.join(cdp_codegen::DEFAULT_OUT_FILE))
        .expect("the bindings are written to OUT_DIR");
    assert!(
        code.lines()
            .next()
            .unwrap()
            .contains("from shop.json, patched by first.json + second.json."),
        "{code}"
    );
    assert!(
        code.contains(
            "/// Patched (`make_optional`, from `first.json`): The shop stopped sending it."
        ),
        "{code}"
    );
    // One field per line, with or without the `format` feature.
    let field = |name: &str| {
        code.lines()
            .find(|line| line.contains(&format!("pub {name}:")))
            .unwrap_or_else(|| panic!("no field `{name}` in\n{code}"))
            .trim()
            .to_owned()
    };
    assert!(field("name").contains("Option<") && field("name").contains("String"));
    assert!(field("key").contains("Option<Key>"), "{}", field("key"));
    assert!(code.contains("pub struct Key"), "{code}");
}
