//! Protocol JSON written the same way every time: two-space indentation, object keys in a fixed
//! order (the order Chromium's own files use, then any other key alphabetically), arrays in
//! their given order, and a top-level `"source"` saying where the schema came from.
//!
//! The same schema therefore gives the same bytes, whatever order the browser or the package
//! wrote its keys in, so a fetched file can be committed and diffed.

use serde_json::{Map, Value};

use super::FetchError;

/// Keys in the order they are written; keys not listed follow, alphabetically. One list serves
/// every level: no key means different things at different levels.
const KEY_ORDER: &[&str] = &[
    "source",
    "version",
    "major",
    "minor",
    "domain",
    "id",
    "name",
    "description",
    "experimental",
    "deprecated",
    "optional",
    "dependencies",
    "redirect",
    "$ref",
    "type",
    "enum",
    "items",
    "properties",
    "parameters",
    "returns",
    "types",
    "commands",
    "events",
    "domains",
];

/// Where a protocol came from, recorded as its top-level `"source"` object.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A browser's `/json/protocol`: `{"browser": .., "protocolVersion": ..}`.
    Browser {
        /// The `Browser` field of `/json/version`, e.g. `Chrome/156.0.8078.79`.
        product: String,
        /// The `Protocol-Version` field of `/json/version`, e.g. `1.3`.
        protocol_version: String,
    },
    /// The `devtools-protocol` npm package: `{"npm": "devtools-protocol@VERSION"}`.
    Npm {
        /// The package version, e.g. `0.0.1734725`.
        version: String,
    },
}

impl Origin {
    fn to_value(&self) -> Value {
        let mut source = Map::new();
        match self {
            Origin::Browser {
                product,
                protocol_version,
            } => {
                source.insert("browser".into(), Value::String(product.clone()));
                source.insert(
                    "protocolVersion".into(),
                    Value::String(protocol_version.clone()),
                );
            }
            Origin::Npm { version } => {
                source.insert(
                    "npm".into(),
                    Value::String(format!("{}@{version}", super::NPM_PACKAGE)),
                );
            }
        }
        Value::Object(source)
    }
}

/// Reads schema files given as `(name, json)` and merges them into one: the top-level keys of
/// the first (such as `version`) and the domains of all, in order. `name` stands for the text
/// in errors.
pub fn merge(schemas: &[(&str, &str)]) -> Result<Value, FetchError> {
    let mut merged: Option<Map<String, Value>> = None;
    for (name, text) in schemas {
        let mut schema = parse_schema(name, text)?;
        match &mut merged {
            None => merged = Some(schema),
            Some(merged) => {
                let mut domains = match schema.remove("domains") {
                    Some(Value::Array(domains)) => domains,
                    _ => Vec::new(),
                };
                if let Some(Value::Array(all)) = merged.get_mut("domains") {
                    all.append(&mut domains);
                }
            }
        }
    }
    merged
        .map(Value::Object)
        .ok_or_else(|| FetchError::NotAProtocol {
            what: "an empty list of schemas".into(),
            reason: "there is nothing to merge".into(),
        })
}

/// Parses `text` as a schema: an object with a `domains` array.
pub(crate) fn parse_schema(name: &str, text: &str) -> Result<Map<String, Value>, FetchError> {
    let not_a_protocol = |reason: String| FetchError::NotAProtocol {
        what: name.to_owned(),
        reason,
    };
    let value: Value =
        serde_json::from_str(text).map_err(|err| not_a_protocol(format!("bad JSON: {err}")))?;
    let Value::Object(schema) = value else {
        return Err(not_a_protocol("expected a JSON object".into()));
    };
    match schema.get("domains") {
        Some(Value::Array(_)) => Ok(schema),
        Some(_) => Err(not_a_protocol("`domains` is not an array".into())),
        None => Err(not_a_protocol("it has no `domains`".into())),
    }
}

/// The protocol as stable JSON text, with `origin` recorded as its top-level `"source"`
/// (replacing any `source` it had). Fails when `protocol` is not an object with a `domains`
/// array.
pub fn to_stable_json(protocol: &Value, origin: &Origin) -> Result<String, FetchError> {
    let Value::Object(schema) = protocol else {
        return Err(FetchError::NotAProtocol {
            what: "the protocol".into(),
            reason: "expected a JSON object".into(),
        });
    };
    if !matches!(schema.get("domains"), Some(Value::Array(_))) {
        return Err(FetchError::NotAProtocol {
            what: "the protocol".into(),
            reason: "it has no `domains` array".into(),
        });
    }
    let mut schema = schema.clone();
    schema.insert("source".into(), origin.to_value());
    let mut out = String::with_capacity(2 << 20);
    write_value(&mut out, &Value::Object(schema), 0);
    out.push('\n');
    Ok(out)
}

fn write_value(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            // Scalars print the same in compact and pretty form.
            out.push_str(&value.to_string());
        }
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                out.push_str(if index == 0 { "\n" } else { ",\n" });
                push_indent(out, indent + 1);
                write_value(out, item, indent + 1);
            }
            out.push('\n');
            push_indent(out, indent);
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|(a, _), (b, _)| key_rank(a).cmp(&key_rank(b)));
            out.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                out.push_str(if index == 0 { "\n" } else { ",\n" });
                push_indent(out, indent + 1);
                out.push_str(&Value::String(key.clone()).to_string());
                out.push_str(": ");
                write_value(out, item, indent + 1);
            }
            out.push('\n');
            push_indent(out, indent);
            out.push('}');
        }
    }
}

/// Listed keys first, in list order; then the rest by name.
fn key_rank(key: &str) -> (usize, &str) {
    let rank = KEY_ORDER
        .iter()
        .position(|known| *known == key)
        .unwrap_or(KEY_ORDER.len());
    (rank, key)
}

fn push_indent(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npm() -> Origin {
        Origin::Npm {
            version: "1.2.3".into(),
        }
    }

    #[test]
    fn key_order_is_fixed_whatever_the_input_order() {
        let a = r#"{"domains": [{"types": [], "domain": "A", "zeta": 1, "alpha": {"b": 1, "a": []}}],
                    "version": {"minor": "3", "major": "1"}}"#;
        let b = r#"{"version": {"major": "1", "minor": "3"},
                    "domains": [{"alpha": {"a": [], "b": 1}, "domain": "A", "zeta": 1, "types": []}]}"#;
        let a = to_stable_json(&serde_json::from_str(a).expect("json"), &npm()).expect("a");
        let b = to_stable_json(&serde_json::from_str(b).expect("json"), &npm()).expect("b");
        assert_eq!(a, b);
        let expected = r#"{
  "source": {
    "npm": "devtools-protocol@1.2.3"
  },
  "version": {
    "major": "1",
    "minor": "3"
  },
  "domains": [
    {
      "domain": "A",
      "types": [],
      "alpha": {
        "a": [],
        "b": 1
      },
      "zeta": 1
    }
  ]
}
"#;
        assert_eq!(a, expected);
    }

    #[test]
    fn source_is_replaced_and_strings_are_escaped() {
        let input = r#"{"source": {"old": true}, "domains": [{"domain": "A", "description": "a \"q\"\n\u00e9\u0001"}]}"#;
        let origin = Origin::Browser {
            product: "Chrome/1.0".into(),
            protocol_version: "1.3".into(),
        };
        let text =
            to_stable_json(&serde_json::from_str(input).expect("json"), &origin).expect("stable");
        assert!(text.contains(r#""browser": "Chrome/1.0""#), "{text}");
        assert!(text.contains(r#""protocolVersion": "1.3""#), "{text}");
        assert!(!text.contains("old"), "{text}");
        assert!(text.contains(r#""a \"q\"\né\u0001""#), "{text}");
        let reread: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(reread["domains"][0]["domain"], "A");
    }

    #[test]
    fn merge_appends_domains_and_keeps_the_first_version() {
        let browser = r#"{"version": {"major": "1", "minor": "3"}, "domains": [{"domain": "A"}]}"#;
        let js = r#"{"version": {"major": "1", "minor": "2"}, "domains": [{"domain": "B"}]}"#;
        let merged = merge(&[("browser", browser), ("js", js)]).expect("merged");
        assert_eq!(merged["version"]["minor"], "3");
        assert_eq!(merged["domains"][1]["domain"], "B");
    }

    #[test]
    fn non_protocols_are_refused_with_the_reason() {
        let err = merge(&[("x.json", "[1]")]).expect_err("array");
        assert_eq!(
            err.to_string(),
            "x.json is not a protocol schema: expected a JSON object"
        );
        let err = merge(&[("y.json", "{}")]).expect_err("no domains");
        assert!(err.to_string().contains("no `domains`"), "{err}");
        let err = merge(&[("z.json", "{")]).expect_err("bad json");
        assert!(err.to_string().contains("bad JSON"), "{err}");
        let err = to_stable_json(&Value::Null, &npm()).expect_err("null");
        assert!(err.to_string().contains("expected a JSON object"), "{err}");
    }
}
