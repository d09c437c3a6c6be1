//! The corpus of bad patch files in `tests/patch_errors/`: each goes through the `cdp-codegen`
//! binary, which must exit with the expected status and print exactly the expected messages,
//! naming the file, the patch's index, op and target, and what was expected.
//!
//! A case is a file `NN_name.expected`. Its first line is `# exit N`; the rest is the whole
//! standard error the command must print. The command is `cdp-codegen generate --patch
//! NN_name.json` (on the embedded BackgroundService schema), or the arguments listed one per
//! line in `NN_name.args`, run in the corpus directory so that the file names in messages do
//! not depend on the checkout.
//!
//! After a deliberate change of wording, rewrite every `.expected` file from what the binary
//! prints with `PATCH_ERRORS=overwrite cargo test -p cdp-codegen-cli --test patch_errors`, and
//! read the diff.

use std::path::Path;

mod common;

use common::corpus::Corpus;

const CORPUS: Corpus = Corpus {
    folder: "patch_errors",
    overwrite_var: "PATCH_ERRORS",
    default_args,
};

/// A case without `.args`: generate --patch its .json, on the embedded schema.
fn default_args(dir: &Path, case: &str) -> Vec<String> {
    let patch = format!("{case}.json");
    assert!(
        dir.join(&patch).is_file(),
        "{case}: no {case}.json or {case}.args"
    );
    vec!["generate".into(), "--patch".into(), patch]
}

#[test]
fn every_bad_patch_file_exits_with_its_status_and_prints_its_messages() {
    CORPUS.check();
}

#[test]
fn the_corpus_shows_every_kind_of_patch_error() {
    let cases = CORPUS.cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let all = CORPUS.all_expected();
    for (kind, text) in [
        (
            "JSON syntax, with line and column",
            "01_json_trailing_comma.json:2:91: trailing comma",
        ),
        (
            "an unknown op, with the closest",
            "did you mean `make_optional`?",
        ),
        ("an unknown key, with the closest", "did you mean `values`?"),
        ("a missing key", "missing key `target`"),
        (
            "a missing domain, with the closest",
            "did you mean `BackgroundService`?",
        ),
        (
            "a missing field, with the closest",
            "has no field `storagekey`; did you mean `storageKey`?",
        ),
        (
            "the patch's file, index, op and target",
            "24_stale_make_optional.json: patches[1] (make_optional \
             BackgroundService.BackgroundServiceEvent.storageKey)",
        ),
        ("a stale make_optional", "the field is optional already"),
        (
            "a stale extend_enum",
            "the enum has `periodicBackgroundSync` already",
        ),
        ("a stale set_type", "already; expected another type"),
        ("a stale add_field", "has a field `storageKey` already"),
        ("a stale add_domain", "the domain `Network` exists already"),
        (
            "the wrong kind of target",
            "`make_optional` applies to a field",
        ),
        (
            "a bad schema item in a patch",
            "invalid type: string \"yes\", expected a boolean",
        ),
        (
            "a patched schema checked like any other",
            "unknown type `Network.TimeSinceEpok`; did you mean `Network.TimeSinceEpoch`?",
        ),
        ("the old side of a diff", "error: in the old protocol:"),
        ("the new side of a diff", "error: in the new protocol:"),
        (
            "an unreadable patch file",
            "# exit 1\nerror: cannot read the patch file",
        ),
        ("bad input", "# exit 2\n"),
    ] {
        assert!(all.contains(text), "no case shows {kind} (`{text}`)");
    }
}

#[test]
fn a_build_script_gets_the_patch_diagnostics_as_a_schema_error() {
    let err = cdp_codegen::Config::new()
        .patch(CORPUS.dir().join("30_every_problem_listed.json"))
        .generate_string()
        .expect_err("the patches are stale");
    assert_eq!(format!("{err:?}"), err.to_string());
    let found = err.diagnostics().expect("a schema error");
    assert_eq!(found.0.len(), 3, "{err}");
    assert!(
        found.0[0]
            .place
            .ends_with("30_every_problem_listed.json: patches[1] (make_optional BackgroundService.BackgroundServiceEvent.storageKey)"),
        "{err}"
    );
}
