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

use std::path::Path;

mod common;

use common::corpus::Corpus;

const CORPUS: Corpus = Corpus {
    folder: "schema_errors",
    overwrite_var: "SCHEMA_ERRORS",
    default_args,
};

/// A case without `.args`: generate --protocol its .json or .pdl.
fn default_args(dir: &Path, case: &str) -> Vec<String> {
    let input = ["json", "pdl"]
        .iter()
        .map(|ext| format!("{case}.{ext}"))
        .find(|file| dir.join(file).is_file())
        .unwrap_or_else(|| panic!("{case}: no {case}.json, {case}.pdl or {case}.args"));
    vec!["generate".into(), "--protocol".into(), input]
}

#[test]
fn every_malformed_schema_exits_with_its_status_and_prints_its_messages() {
    CORPUS.check();
}

#[test]
fn the_corpus_has_thirty_cases_and_every_kind_of_error() {
    let cases = CORPUS.cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let all = CORPUS.all_expected();
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
        .protocol(CORPUS.dir().join("36_every_error_listed.json"))
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
