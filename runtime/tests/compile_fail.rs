//! Programs that `object!` must refuse: a union, and a struct whose field list names a field
//! twice or leaves one out. Each `.stderr` beside them holds the error it must fail with.
//!
//! After a change of the compiler's messages, `TRYBUILD=overwrite cargo test -p cdp-runtime
//! --test compile_fail` writes them again: read the diff before keeping it.

#[test]
fn object_refuses_what_it_cannot_decode_safely() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile-fail/*.rs");
}
