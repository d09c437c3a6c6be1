//! The `cdp-codegen` command: output, staleness checks, exit codes and messages.

mod common;

use std::path::PathBuf;

use common::{run, stderr, stdout};

/// A path under cargo's scratch space for tests (in the target directory, so runs leave nothing
/// behind in the system's temporary directory).
fn temp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn generate_without_arguments_prints_the_embedded_background_service_bindings() {
    let output = run(&["generate"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let expected = cdp_codegen::Config::new().generate_string().unwrap();
    assert!(
        stdout(&output) == expected,
        "the CLI and the library disagree"
    );
    assert!(stdout(&output).contains("pub mod background_service"));
}

#[test]
fn generate_with_a_domain_and_a_file_gives_the_same_bindings() {
    let schema = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../protocol/background_service.json"
    );
    let output = run(&[
        "generate",
        "--protocol",
        schema,
        "--domain",
        "BackgroundService",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let expected = cdp_codegen::Config::new()
        .protocol(schema)
        .domain("BackgroundService")
        .generate_string()
        .unwrap();
    assert!(
        stdout(&output) == expected,
        "the CLI and the library disagree"
    );
    assert!(stdout(&output).contains("Only what was selected, and the types it uses"));
}

#[test]
fn check_passes_on_fresh_output_and_fails_with_a_diff_on_stale_output() {
    let out = temp("check.rs");
    let path = out.to_str().unwrap();
    assert!(run(&["generate", "--out", path]).status.success());
    let fresh = run(&["check", "--out", path]);
    assert_eq!(fresh.status.code(), Some(0), "{}", stderr(&fresh));
    assert!(stdout(&fresh).contains("is up to date"));

    let text = std::fs::read_to_string(&out).unwrap();
    std::fs::write(&out, text.replace("BackgroundFetch,", "BackgroundFetched,")).unwrap();
    let stale = run(&["check", "--out", path]);
    assert_eq!(stale.status.code(), Some(1));
    let err = stderr(&stale);
    assert!(err.contains("is stale"), "{err}");
    assert!(err.contains("-        BackgroundFetched,"), "{err}");
    assert!(err.contains("+        BackgroundFetch,"), "{err}");
    assert!(err.lines().count() < 50, "the diff is short: {err}");
}

#[test]
fn check_of_a_missing_file_is_an_io_error() {
    let output = run(&["check", "--out", "/nonexistent/dir/cdp.rs"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("cannot read `/nonexistent/dir/cdp.rs`"));
}

#[test]
fn a_missing_protocol_file_is_an_io_error() {
    let output = run(&["generate", "--protocol", "/nonexistent/protocol.json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("cannot read the protocol file `/nonexistent/protocol.json`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_schema_that_is_not_json_reports_file_line_and_column_with_status_2() {
    let schema = temp("broken.json");
    std::fs::write(
        &schema,
        "{\n  \"domains\": [\n    {\"domain\": \"A\",}\n  ]\n}\n",
    )
    .unwrap();
    let output = run(&["generate", "--protocol", schema.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains(&format!("{}:3:20: trailing comma\n", schema.display())),
        "{err}"
    );
    assert!(err.contains("trailing comma"), "{err}");
}

#[test]
fn a_dangling_reference_is_named_with_its_place_and_the_closest_type() {
    let schema = temp("dangling.json");
    let text = cdp_codegen::EMBEDDED_SCHEMA.replace(
        "\"$ref\": \"Network.TimeSinceEpoch\"",
        "\"$ref\": \"Network.TimeSinceEpok\"",
    );
    std::fs::write(&schema, text).unwrap();
    let output = run(&["generate", "--protocol", schema.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains(
        "BackgroundService.BackgroundServiceEvent.timestamp: unknown type `Network.TimeSinceEpok`; did you mean `Network.TimeSinceEpoch`?"
    ), "{}", stderr(&output));
}

#[test]
fn an_unknown_domain_is_a_schema_error_with_a_suggestion() {
    let output = run(&["generate", "--domain", "BackgroundServices"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "no domain `BackgroundServices` in the protocol; did you mean `BackgroundService`?"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn bad_arguments_exit_with_status_2_and_usage() {
    for args in [
        &["generate", "--bogus"][..],
        &["frobnicate"],
        &["check"],
        &[],
    ] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains("Usage:"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn every_subcommand_has_help() {
    for command in ["generate", "check"] {
        let output = run(&[command, "--help"]);
        assert!(output.status.success());
        let text = stdout(&output);
        for flag in ["--protocol", "--domain", "--out", "--no-experimental"] {
            assert!(text.contains(flag), "{command} --help lacks {flag}");
        }
    }
    assert!(stdout(&run(&["--help"])).contains("generate"));
}

/// The transport's protocol module is generated from the shipped full protocol and checked in:
/// `check` is its freshness gate, in CI and here.
#[test]
fn the_transports_checked_in_protocol_is_what_generate_writes() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let select = format!("{root}/transport/protocol.select");
    let out = format!("{root}/transport/src/protocol.rs");
    let output = run(&[
        "check",
        "--full-protocol",
        "--select",
        &select,
        "--out",
        &out,
    ]);
    assert!(
        output.status.success(),
        "transport/src/protocol.rs is stale; regenerate it with `cargo run -p cdp-codegen-cli -- \
         generate --full-protocol --select transport/protocol.select --out transport/src/protocol.rs`:\n{}",
        stderr(&output)
    );
    // The gate can fail: a selection that differs from the checked-in one is stale.
    let output = run(&[
        "check",
        "--full-protocol",
        "--command",
        "Page.navigate",
        "--out",
        &out,
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("is stale"), "{}", stderr(&output));
}

#[test]
fn selection_files_pick_items_and_bad_lines_are_named() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("select");
    std::fs::create_dir_all(&dir).unwrap();
    let select = dir.join("ok.select");
    std::fs::write(
        &select,
        "# what we use\ncommand Page.navigate\n\nevent Page.loadEventFired # and this\n",
    )
    .unwrap();
    let output = run(&[
        "generate",
        "--full-protocol",
        "--select",
        select.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let code = stdout(&output);
    assert!(code.contains("pub struct NavigateParams {"), "{code}");
    assert!(code.contains("pub struct LoadEventFiredEvent {"), "{code}");
    assert!(!code.contains("pub struct ReloadParams {"), "{code}");
    assert!(code.contains("from full_protocol.json."), "{code}");

    let bad = dir.join("bad.select");
    std::fs::write(&bad, "command Page.navigate\nmethod Page.reload\n").unwrap();
    let output = run(&[
        "generate",
        "--full-protocol",
        "--select",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "error: {}:2: `method Page.reload` is not a selection; expected `domain NAME`, \
             `command DOMAIN.NAME` or `event DOMAIN.NAME`\n",
            bad.display()
        )
    );

    let output = run(&[
        "generate",
        "--full-protocol",
        "--select",
        "/nonexistent/x.select",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("error: cannot read the selection `/nonexistent/x.select`:"),
        "{}",
        stderr(&output)
    );

    let output = run(&["generate", "--full-protocol", "--protocol", "x.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot be used with"),
        "{}",
        stderr(&output)
    );
}
