//! The recorder's end-to-end tests live with the recorder, in cdp-bindings
//! (`generated/src/bin/cdp-background-services/e2e.rs`, in the `recorder_cli` test target):
//! there, cargo builds the recorder binary they run afresh, which it does not for another
//! package's tests. Run them with
//! `cargo test -p cdp-bindings --features recorder --test recorder_cli`.
//!
//! This target stays, empty, so that commands naming `--test e2e_recorder` still work.
