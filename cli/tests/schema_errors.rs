//! The corpus of malformed schemas in `tests/schema_errors/`: each goes through the
//! `cdp-codegen` binary, which must exit with the expected status and print exactly the
//! expected messages.
//!
//! A case is a file `NN_name.expected`. Its first line is `# exit N`; the rest is the whole
//! standard error the command must print. The command is `cdp-codegen generate --protocol
//! NN_name.json` (or `.pdl`), or the arguments listed one per line in `NN_name.args`, run in
//! the corpus directory so that the file names in messages do not depend on the checkout.
//!
//! After a deliberate change of wording, rewrite every `.expected` file from what the binary
//! prints with `SCHEMA_ERRORS=overwrite cargo test -p cdp-codegen --test schema_errors`, and
//! read the diff.

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schema_errors")
}

/// Every case name (`NN_name`), sorted.
fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus())
        .expect("the corpus directory exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "expected"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The command-line arguments of a case.
fn arguments(case: &str) -> Vec<String> {
    let dir = corpus();
    if let Ok(args) = std::fs::read_to_string(dir.join(format!("{case}.args"))) {
        return args.lines().map(str::to_owned).collect();
    }
    let input = ["json", "pdl"]
        .iter()
        .map(|ext| format!("{case}.{ext}"))
        .find(|file| dir.join(file).is_file())
        .unwrap_or_else(|| panic!("{case}: no {case}.json, {case}.pdl or {case}.args"));
    vec!["generate".into(), "--protocol".into(), input]
}

/// Runs a case: its exit status and standard error.
fn run(case: &str) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cdp-codegen"))
        .args(arguments(case))
        .current_dir(corpus())
        .output()
        .expect("the binary runs");
    (
        output.status.code(),
        String::from_utf8(output.stderr).expect("standard error is UTF-8"),
    )
}

fn expected_text(status: Option<i32>, stderr: &str) -> String {
    format!("# exit {}\n{stderr}", status.map_or(-1, |code| code))
}

#[test]
fn every_malformed_schema_exits_with_its_status_and_prints_its_messages() {
    let overwrite = std::env::var("SCHEMA_ERRORS").is_ok_and(|mode| mode == "overwrite");
    let mut failures = Vec::new();
    for case in cases() {
        let (status, stderr) = run(&case);
        assert!(
            !stderr.contains("panicked"),
            "{case}: the binary panicked:\n{stderr}"
        );
        let actual = expected_text(status, &stderr);
        let path = corpus().join(format!("{case}.expected"));
        if overwrite {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap();
        if actual != expected {
            failures.push(format!(
                "--- {case}: expected\n{expected}--- {case}: got\n{actual}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ (rewrite with SCHEMA_ERRORS=overwrite after a deliberate change):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_corpus_has_thirty_cases_and_every_kind_of_error() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let all: String = cases
        .iter()
        .map(|case| std::fs::read_to_string(corpus().join(format!("{case}.expected"))).unwrap())
        .collect();
    for (kind, text) in [
        (
            "JSON syntax, with line and column",
            ".json:3:20: trailing comma",
        ),
        ("PDL syntax, with what was expected", ".pdl:2:3: expected"),
        (
            "a dangling $ref, with the closest name",
            "did you mean `Network.TimeSinceEpoch`?",
        ),
        ("a duplicate domain", "the domain is defined twice"),
        ("a duplicate type", "the type is defined twice"),
        ("a duplicate command", "the command is defined twice"),
        ("a duplicate event", "the event is defined twice"),
        ("a duplicate field", "the field is defined twice"),
        ("an unknown type", "unknown type `strin`"),
        ("an array without items", "an `array` needs `items`"),
        ("an empty enum value", "an enum value is empty"),
        ("a duplicate enum value", "is listed twice"),
        (
            "a collision after Rust naming",
            "which `A.FrameID` already has",
        ),
        ("a missing domain", "missing field `domain`"),
        ("a missing id", "missing field `id`"),
        (
            "a wrong JSON type",
            "invalid type: string \"yes\", expected a boolean",
        ),
        ("an I/O error", "# exit 1\n"),
    ] {
        assert!(all.contains(text), "no case shows {kind} (`{text}`)");
    }
}

#[test]
fn a_build_script_prints_the_diagnostics_themselves_not_a_struct_dump() {
    // `fn main() -> Result<(), cdp_codegen::Error>` in build.rs prints the error with `Debug`.
    let err = cdp_codegen::Config::new()
        .protocol(corpus().join("36_every_error_listed.json"))
        .generate_string()
        .expect_err("the schema is broken");
    let printed = format!("{err:?}");
    assert_eq!(printed, err.to_string());
    assert!(
        printed.starts_with(
            "7 problems in the protocol schema:\n  Network.Headers: unknown type `objct`"
        ),
        "{printed}"
    );
    assert_eq!(err.diagnostics().map(|found| found.0.len()), Some(7));
}
