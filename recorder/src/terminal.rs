//! Text from the browser, made safe to print: a page chooses its events' names, tags, titles
//! and metadata, and the browser passes them on as they are. Written raw to a terminal, an
//! escape sequence would act on it, a carriage return or a line break would forge rows, and a
//! bidi override (U+202E) would show text in another order than it has.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: a control character (C0, DEL, C1), a
/// bidi control, a zero-width or invisible format character, or a line or paragraph
/// separator.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// `text` with every [unsafe](is_unsafe) character written as a Rust-style escape
/// (`\u{1b}`, `\u{202e}`), so that it prints on one line, in its own order, and acts on
/// nothing. Borrowed when there is nothing to replace, which is the usual case.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            safe.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

/// JSON text as the browser sent it, made safe to print as one line: inside strings, every
/// [unsafe](is_unsafe) character JSON allows raw (DEL, C1 controls, bidi and format
/// characters, U+2028 and U+2029) becomes a `\uXXXX` escape, and line breaks between tokens
/// become spaces. Both keep the JSON value the same; text with none of them (Chromium escapes
/// everything outside ASCII) is returned as it is.
///
/// `json` must be valid JSON (a `RawValue`): then a raw C0 control can only be whitespace
/// between tokens.
pub fn one_line_json(json: &str) -> Cow<'_, str> {
    if json.bytes().all(|byte| (0x20..0x7f).contains(&byte)) {
        return Cow::Borrowed(json);
    }
    let mut safe = String::with_capacity(json.len() + 16);
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            } else if is_unsafe(c) {
                // Every unsafe character is in the Basic Multilingual Plane: one escape each.
                safe.push_str(&format!("\\u{:04x}", u32::from(c)));
                continue;
            }
            safe.push(c);
        } else if c == '"' {
            in_string = true;
            safe.push(c);
        } else if c.is_ascii_whitespace() {
            safe.push(' ');
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\u{1b}[2J\rb\nc\u{202e}d\u{7f}e\u{9b}f\u{200b}g\u{2028}h\ti";

    #[test]
    fn printable_text_escapes_controls_and_bidi_characters_and_keeps_the_rest() {
        assert!(matches!(printable("Sync completed é ✓"), Cow::Borrowed(_)));
        assert_eq!(
            printable(HOSTILE),
            "a\\u{1b}[2J\\u{d}b\\u{a}c\\u{202e}d\\u{7f}e\\u{9b}f\\u{200b}g\\u{2028}h\\u{9}i"
        );
        assert!(!printable(HOSTILE).chars().any(is_unsafe));
    }

    #[test]
    fn one_line_json_keeps_the_value_and_leaves_nothing_unsafe() {
        let value = serde_json::json!({
            "eventName": HOSTILE,
            "quote\"and\\backslash": "\u{202e}\"\\",
            "n": [1, 2.5, null, true],
        });
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        assert!(pretty.contains('\n') && pretty.contains('\u{202e}'));
        let safe = one_line_json(&pretty);
        assert!(!safe.chars().any(is_unsafe), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn json_in_plain_ascii_is_passed_on_byte_for_byte() {
        let raw = r#"{"eventName":"a\u001b\u202e","x" : 1}"#;
        assert!(matches!(one_line_json(raw), Cow::Borrowed(text) if text == raw));
    }
}
