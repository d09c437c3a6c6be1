//! The fuzz target's seed corpus (`runtime/fuzz/corpus/decode_message/`), replayed on the
//! stable compiler at every test run: each seed decodes or gives a `DecodeError`, without
//! panicking, and the real Chromium messages among them decode. A reproducer that fuzzing
//! finds is added there, and so is checked here from then on.

use std::path::Path;

use cdp_bindings::cdp_runtime::decode_message;
use cdp_bindings::Event;

#[test]
fn every_seed_decodes_or_gives_an_error_and_chromium_messages_decode() {
    let corpus =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/fuzz/corpus/decode_message");
    let mut seeds: Vec<_> = std::fs::read_dir(&corpus)
        .expect("the seed corpus exists")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 30, "only {} seeds", seeds.len());
    for seed in &seeds {
        let bytes = std::fs::read(seed).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let decoded = decode_message::<Event>(text);
        let name = seed.file_name().unwrap().to_string_lossy();
        if name.starts_with("chromium_") {
            assert!(decoded.is_ok(), "{name}: {decoded:?}");
        }
        if let Err(err) = decoded {
            assert!(!err.reason().is_empty(), "{name}");
        }
    }
}
