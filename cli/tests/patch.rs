//! `--patch` end to end: `generate` writes the patched bindings, `check` compares with them,
//! and `diff` applies `--patch` to the old protocol and `--patch-new` to the new one. The errors
//! of bad patch files are in `patch_errors.rs`.

mod common;

use std::path::{Path, PathBuf};

use common::{run, stderr, stdout};

const PATCH: &str = r#"{
  "description": "Bindings that read what an older Chromium sent.",
  "patches": [
    {"op": "make_optional", "target": "BackgroundService.BackgroundServiceEvent.storageKey",
     "note": "Older Chromium did not send it."},
    {"op": "extend_enum", "target": "BackgroundService.ServiceName", "values": ["bluetooth"]}
  ]
}"#;

fn dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("patch-{test}"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the patch file into a directory of its own; returns its path.
fn patch_file(test: &str) -> String {
    let path = dir(test).join("fixes.json");
    std::fs::write(&path, PATCH).unwrap();
    path.to_str().unwrap().to_owned()
}

fn embedded_schema() -> &'static str {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../protocol/background_service.json"
    )
}

#[test]
fn generate_with_a_patch_prints_the_patched_bindings_with_the_note_in_the_docs() {
    let patch = patch_file("generate");
    let output = run(&["generate", "--patch", &patch]);
    assert!(output.status.success(), "{}", stderr(&output));
    let code = stdout(&output);
    let expected = cdp_codegen::Config::new()
        .patch(&patch)
        .generate_string()
        .unwrap();
    assert!(code == expected, "the CLI and the library disagree");
    assert!(
        code.lines().next().unwrap().ends_with(
            "from background_service.json, patched by fixes.json. Do not edit: regenerate instead."
        ),
        "{}",
        code.lines().next().unwrap()
    );
    assert!(
        code.contains(
            "/// Patched (`make_optional`, from `fixes.json`): Older Chromium did not send it.\n        pub storage_key: Option<String>,"
        ),
        "{code}"
    );
    assert!(code.contains("/// Patched (`extend_enum`, from `fixes.json`)."));
    assert!(code.contains("Bluetooth,"), "a variant for the new value");

    // Without the patch, the field is required again.
    let plain = stdout(&run(&["generate"]));
    assert!(plain.contains("pub storage_key: String,"), "{plain}");
}

#[test]
fn check_compares_with_the_bindings_the_same_patches_generate() {
    let patch = patch_file("check");
    let out = dir("check").join("cdp.rs");
    let out = out.to_str().unwrap();
    let written = run(&["generate", "--patch", &patch, "--out", out]);
    assert!(written.status.success(), "{}", stderr(&written));
    let fresh = run(&["check", "--patch", &patch, "--out", out]);
    assert_eq!(fresh.status.code(), Some(0), "{}", stderr(&fresh));
    let unpatched = run(&["check", "--out", out]);
    assert_eq!(unpatched.status.code(), Some(1));
    assert!(
        stderr(&unpatched).contains("is stale"),
        "{}",
        stderr(&unpatched)
    );
}

#[test]
fn diff_applies_patch_to_the_old_protocol_and_patch_new_to_the_new_one() {
    let patch = patch_file("diff");
    let schema = embedded_schema();
    let json = |args: &[&str]| {
        let output = run(args);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        value["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|change| {
                format!(
                    "{} {} {}",
                    change["kind"].as_str().unwrap(),
                    change["path"].as_str().unwrap(),
                    change["breaking"]
                )
            })
            .collect::<Vec<_>>()
    };
    // The bindings were generated with the patch; the browser now speaks the plain schema.
    assert_eq!(
        json(&["diff", schema, schema, "--patch", &patch, "--format", "json"]),
        [
            "field_became_required BackgroundService.BackgroundServiceEvent.storageKey true",
            "enum_value_removed BackgroundService.ServiceName.bluetooth true",
        ]
    );
    assert_eq!(
        json(&[
            "diff",
            schema,
            schema,
            "--patch-new",
            &patch,
            "--format",
            "json"
        ]),
        [
            "field_became_optional BackgroundService.BackgroundServiceEvent.storageKey true",
            "enum_value_added BackgroundService.ServiceName.bluetooth false",
        ]
    );
    // The same patches on both sides: nothing changes for the bindings.
    let same = run(&[
        "diff",
        schema,
        schema,
        "--patch",
        &patch,
        "--patch-new",
        &patch,
        "--fail-on-breaking",
    ]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert_eq!(stdout(&same), "No changes.\n");
}

#[test]
fn a_patch_that_has_become_stale_for_the_new_protocol_fails_the_diff_with_status_2() {
    // The new protocol already has what the patch adds: the patch must go before it is kept.
    let dir = dir("stale");
    let mut new: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(embedded_schema()).unwrap()).unwrap();
    new["domains"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|domain| domain["domain"] == "BackgroundService")
        .unwrap()["types"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|ty| ty["id"] == "ServiceName")
        .unwrap()["enum"]
        .as_array_mut()
        .unwrap()
        .push("bluetooth".into());
    let new_path = dir.join("new.json");
    std::fs::write(&new_path, new.to_string()).unwrap();
    let patch = patch_file("stale");
    let output = run(&[
        "diff",
        embedded_schema(),
        new_path.to_str().unwrap(),
        "--patch",
        &patch,
        "--patch-new",
        &patch,
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.starts_with("error: in the new protocol: 1 problem in the protocol schema:\n"),
        "{err}"
    );
    assert!(
        err.contains("fixes.json: patches[1] (extend_enum BackgroundService.ServiceName): the enum has `bluetooth` already"),
        "{err}"
    );
}
