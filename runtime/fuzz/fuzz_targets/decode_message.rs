//! Arbitrary bytes, read as a message from the browser, must decode or give a `DecodeError`:
//! never a panic, a stack overflow or a hang (run with `-timeout`), whatever the input.

#![no_main]

use cdp_runtime::{decode_message, EventSet, Message};
use libfuzzer_sys::fuzz_target;

/// The bindings `build.rs` generated: the full protocol, or BackgroundService alone.
#[allow(dead_code, missing_docs)]
mod bindings {
    include!(concat!(env!("OUT_DIR"), "/cdp.rs"));
}

fuzz_target!(|data: &[u8]| {
    // Messages are text; bytes that are not UTF-8 never reach the decoder.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match decode_message::<bindings::Event>(text) {
        Ok(Message::Event { event, .. }) => {
            let _ = event.method();
        }
        Ok(Message::Response(response)) => {
            let _ = response.result.map(|raw| raw.get().len());
        }
        Err(err) => {
            // The error's text, path and kept message must be usable too.
            assert!(!err.reason().is_empty());
            let _ = err.to_string();
            assert!(err.raw().len() <= text.len());
        }
    }
});
