//! Finds the field path at a byte offset of a JSON text.
//!
//! serde_json reports where decoding failed as a line and column. Turning that position into
//! a path (`params.backgroundServiceEvent.eventMetadata[0].key`) after the fact keeps the
//! decoding itself free of any bookkeeping: the cost is paid only when a message is bad.

enum Frame {
    Object { key: Option<String> },
    Array { index: usize },
}

/// The path of the value that contains, or ends at, byte `offset` of `text`.
pub(crate) fn path_at(text: &str, offset: usize) -> String {
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    // True between `{`/`,` and the next key inside an object.
    let mut expect_key = false;
    let mut pushed_at: Option<usize> = None;
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key {
                    if let Some(Frame::Object { key }) = stack.last_mut() {
                        let raw = &text[start..(i + 1).min(text.len())];
                        *key = Some(
                            serde_json::from_str::<String>(raw)
                                .unwrap_or_else(|_| raw.trim_matches('"').to_owned()),
                        );
                    }
                    expect_key = false;
                }
            }
            b'{' => {
                stack.push(Frame::Object { key: None });
                expect_key = true;
                pushed_at = Some(i);
            }
            b'[' => {
                stack.push(Frame::Array { index: 0 });
                expect_key = false;
                pushed_at = Some(i);
            }
            b'}' | b']' => {
                stack.pop();
                expect_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { .. }) => expect_key = true,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    // A container opened by the very byte the error points at is the value at fault, not a
    // place inside it.
    if pushed_at.is_some_and(|at| at + 1 == end) && !stack.is_empty() {
        stack.pop();
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key) } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None } => {}
            Frame::Array { index } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::path_at;

    fn path_of_error<T: serde::de::DeserializeOwned>(text: &str) -> String {
        let err = serde_json::from_str::<T>(text)
            .err()
            .expect("the text must fail to decode");
        let line_start: usize = text
            .split('\n')
            .take(err.line() - 1)
            .map(|line| line.len() + 1)
            .sum();
        path_at(text, line_start + err.column())
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        key: String,
        value: String,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        flag: bool,
        list: Vec<Inner>,
        nested: Option<Box<Outer>>,
    }

    #[test]
    fn wrong_scalar_type_points_at_its_key() {
        assert_eq!(
            path_of_error::<Outer>(r#"{"flag":"yes","list":[]}"#),
            "flag"
        );
        assert_eq!(path_of_error::<Outer>(r#"{"list":[], "flag": 12}"#), "flag");
    }

    #[test]
    fn wrong_type_inside_an_array_names_the_index() {
        let text = r#"{"flag":true,"list":[{"key":"a","value":"b"},{"key":"a","value":7}]}"#;
        assert_eq!(path_of_error::<Outer>(text), "list[1].value");
    }

    #[test]
    fn container_where_a_scalar_belongs_points_at_the_key() {
        assert_eq!(path_of_error::<Outer>(r#"{"flag":{"x":1}}"#), "flag");
        assert_eq!(path_of_error::<Outer>(r#"{"flag":[1]}"#), "flag");
    }

    #[test]
    fn missing_field_points_at_the_object_that_lacks_it() {
        let text = r#"{"flag":true,"list":[],"nested":{"flag":true}}"#;
        assert_eq!(path_of_error::<Outer>(text), "nested");
        assert_eq!(path_of_error::<Outer>(r#"{"flag":true}"#), "");
    }

    #[test]
    fn any_offset_in_any_text_is_safe() {
        for text in ["", "{", "[", "\"", "{\"a\":[1,{\"b\"", "}}]]", "\\"] {
            for offset in 0..=text.len() + 2 {
                let _ = path_at(text, offset);
            }
        }
    }

    #[test]
    fn escaped_keys_and_strings_do_not_confuse_the_scan() {
        let text = "{\"li\\\"st\":\"[{,\\\"\",\n \"flag\": \"x\"}";
        assert_eq!(path_of_error::<Outer>(text), "flag");
    }
}
