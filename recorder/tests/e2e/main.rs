//! The `cdp-background-services` recorder, run as a process: against a real Chromium (one
//! test per background service, the background sync page as a table and as JSON lines, the
//! signals), and against a fake browser that misbehaves (`faults`).
//!
//! The recorder is the one cargo built for this test target, never a stale one. Without a
//! `chromium` binary the Chromium tests print `SKIPPED: ..` and return; under `CI=true` they
//! fail (see `cdp_test_support::chromium`).

mod background_sync;
mod fake_browser;
mod faults;
mod recording;
mod services;

/// Whether `text` holds nothing a terminal would act on, or that hides or reorders text: no
/// control character but the line feed, no bidi or zero-width character.
pub fn terminal_safe(text: &str) -> bool {
    !text.chars().any(|c| {
        (c.is_control() && c != '\n')
            || matches!(
                c,
                '\u{061C}'
                    | '\u{200B}'..='\u{200F}'
                    | '\u{2028}'..='\u{202E}'
                    | '\u{2060}'..='\u{2069}'
                    | '\u{FEFF}'
            )
    })
}
