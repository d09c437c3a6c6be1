//! Damaged schemas give valid code or diagnostics, never a panic.
//!
//! The JSON property starts from real schema text, the embedded BackgroundService schema plus a
//! few whole domains of the pinned devtools-protocol package (Runtime with its recursive
//! types, IO, DOMStorage, Schema), and applies random damage: keys dropped, values of another
//! JSON type, references renamed, items duplicated, strings emptied, arrays truncated, names
//! that collide or are no identifier, types changed. The generator must then either return
//! code that parses as Rust or return at least one diagnostic. The PDL property does the same
//! to PDL text, line by line and character by character, for the PDL reader.
//!
//! The case counts keep the run to a few seconds in a debug build; set `PROPTEST_CASES` for
//! a longer hunt.

use cdp_test_support as common;

use std::sync::OnceLock;

use cdp_codegen::{Config, Error};
use common::{devtools_protocol, DEVTOOLS_PROTOCOL_VERSION};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Whole domains taken from the pinned package: a closed set (they refer only to each other).
const REAL_DOMAINS: [&str; 4] = ["Runtime", "IO", "DOMStorage", "Schema"];

/// The undamaged schema.
fn base() -> &'static Value {
    static BASE: OnceLock<Value> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut schema: Value =
            serde_json::from_str(cdp_codegen::EMBEDDED_SCHEMA).expect("the embedded schema");
        let Some(package) = devtools_protocol(DEVTOOLS_PROTOCOL_VERSION) else {
            println!("damaging the embedded BackgroundService schema only");
            return schema;
        };
        let domains = schema["domains"].as_array_mut().expect("domains");
        for file in ["json/browser_protocol.json", "json/js_protocol.json"] {
            let text = std::fs::read_to_string(package.join(file)).expect("the package's JSON");
            let real: Value = serde_json::from_str(&text).expect("the package's JSON parses");
            domains.extend(
                real["domains"]
                    .as_array()
                    .expect("domains")
                    .iter()
                    .filter(|domain| REAL_DOMAINS.contains(&domain["domain"].as_str().unwrap()))
                    .cloned(),
            );
        }
        schema
    })
}

/// One kind of damage. `at` picks the node among those the damage applies to, `choice` what
/// to do there; both wrap around.
#[derive(Debug, Clone)]
enum Damage {
    DropKey { at: usize, choice: usize },
    ChangeType { at: usize, choice: usize },
    RenameRef { at: usize, choice: usize },
    DuplicateItem { at: usize, choice: usize },
    EmptyString { at: usize },
    TruncateArray { at: usize, choice: usize },
    Rename { at: usize, choice: usize },
    ChangeKind { at: usize, choice: usize },
}

fn damage() -> impl Strategy<Value = Damage> {
    let at = any::<usize>();
    let choice = any::<usize>();
    prop_oneof![
        (at, choice).prop_map(|(at, choice)| Damage::DropKey { at, choice }),
        (at, choice).prop_map(|(at, choice)| Damage::ChangeType { at, choice }),
        (at, choice).prop_map(|(at, choice)| Damage::RenameRef { at, choice }),
        (at, choice).prop_map(|(at, choice)| Damage::DuplicateItem { at, choice }),
        at.prop_map(|at| Damage::EmptyString { at }),
        (at, choice).prop_map(|(at, choice)| Damage::TruncateArray { at, choice }),
        (at, choice).prop_map(|(at, choice)| Damage::Rename { at, choice }),
        (at, choice).prop_map(|(at, choice)| Damage::ChangeKind { at, choice }),
    ]
}

/// The JSON pointers of every node below `value` for which `wanted(key, node)` holds (`key`
/// is the object key the node sits under, if any), in document order.
fn nodes(value: &Value, wanted: &dyn Fn(Option<&str>, &Value) -> bool) -> Vec<String> {
    fn walk(
        value: &Value,
        key: Option<&str>,
        pointer: &mut String,
        wanted: &dyn Fn(Option<&str>, &Value) -> bool,
        found: &mut Vec<String>,
    ) {
        if wanted(key, value) {
            found.push(pointer.clone());
        }
        let length = pointer.len();
        match value {
            Value::Object(map) => {
                for (child_key, child) in map {
                    pointer.push('/');
                    pointer.push_str(&child_key.replace('~', "~0").replace('/', "~1"));
                    walk(child, Some(child_key), pointer, wanted, found);
                    pointer.truncate(length);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    pointer.push_str(&format!("/{index}"));
                    walk(child, None, pointer, wanted, found);
                    pointer.truncate(length);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(value, None, &mut String::new(), wanted, &mut found);
    found
}

/// The node `at` picks among those `wanted` selects, if there is one.
fn pick<'v>(
    schema: &'v mut Value,
    at: usize,
    wanted: &dyn Fn(Option<&str>, &Value) -> bool,
) -> Option<&'v mut Value> {
    let found = nodes(schema, wanted);
    if found.is_empty() {
        return None;
    }
    schema.pointer_mut(&found[at % found.len()])
}

/// Values of every JSON type, to put where another type was.
fn other_values() -> [Value; 9] {
    [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1.5),
        json!("x"),
        json!([]),
        json!({}),
        json!([1, "two"]),
        json!({"type": "string"}),
    ]
}

/// Names that are empty, not identifiers, keywords, or taken by generated items.
const NAMES: [&str; 14] = [
    "", "type", "self", "Self", "crate", "Event", "Unknown", "new", "a b", "é", "1x", "--", "_",
    "params",
];

/// `type` values, known and unknown.
const KINDS: [&str; 11] = [
    "string", "integer", "number", "boolean", "object", "array", "any", "binary", "strin", "",
    "Object",
];

fn apply(schema: &mut Value, damage: &Damage) {
    let all_ids: Vec<String> = nodes(schema, &|key, value| key == Some("id") && value.is_string())
        .iter()
        .filter_map(|pointer| schema.pointer(pointer)?.as_str().map(str::to_owned))
        .collect();
    match *damage {
        Damage::DropKey { at, choice } => {
            if let Some(Value::Object(map)) = pick(schema, at, &|_, value| {
                value.as_object().is_some_and(|map| !map.is_empty())
            }) {
                let key = map.keys().nth(choice % map.len()).cloned().unwrap();
                map.remove(&key);
            }
        }
        Damage::ChangeType { at, choice } => {
            if let Some(node) = pick(schema, at, &|_, _| true) {
                let values = other_values();
                *node = values[choice % values.len()].clone();
            }
        }
        Damage::RenameRef { at, choice } => {
            if let Some(Value::String(reference)) = pick(schema, at, &|key, _| key == Some("$ref"))
            {
                *reference = match choice % 5 {
                    0 => format!("{reference}x"),
                    1 => reference.chars().skip(1).collect(),
                    2 => format!("Nope.{reference}"),
                    3 => reference.to_uppercase(),
                    _ if !all_ids.is_empty() => all_ids[choice % all_ids.len()].clone(),
                    _ => String::new(),
                };
            }
        }
        Damage::DuplicateItem { at, choice } => {
            if let Some(Value::Array(items)) = pick(schema, at, &|_, value| {
                value.as_array().is_some_and(|items| !items.is_empty())
            }) {
                let item = items[choice % items.len()].clone();
                items.insert(choice % (items.len() + 1), item);
            }
        }
        Damage::EmptyString { at } => {
            if let Some(Value::String(text)) = pick(schema, at, &|_, value| value.is_string()) {
                text.clear();
            }
        }
        Damage::TruncateArray { at, choice } => {
            if let Some(Value::Array(items)) = pick(schema, at, &|_, value| {
                value.as_array().is_some_and(|items| !items.is_empty())
            }) {
                items.truncate(choice % items.len());
            }
        }
        Damage::Rename { at, choice } => {
            let named = |key: Option<&str>, value: &Value| {
                matches!(key, Some("name" | "id" | "domain")) && value.is_string()
            };
            if let Some(Value::String(name)) = pick(schema, at, &named) {
                *name = match choice % 4 {
                    // A name that differs only in case collides after Rust naming, often.
                    0 => name.to_uppercase(),
                    1 if !all_ids.is_empty() => all_ids[choice % all_ids.len()].clone(),
                    _ => NAMES[choice % NAMES.len()].to_owned(),
                };
            }
        }
        Damage::ChangeKind { at, choice } => {
            if let Some(Value::String(kind)) = pick(schema, at, &|key, _| key == Some("type")) {
                *kind = KINDS[choice % KINDS.len()].to_owned();
            }
        }
    }
}

/// Generates from `text` and checks the outcome: code that parses, or diagnostics.
fn check_generates_code_or_diagnostics(name: &str, text: &str) -> Result<(), TestCaseError> {
    match Config::new().protocol_text(name, text).generate_string() {
        Ok(code) => {
            if let Err(err) = syn::parse_file(&code) {
                return Err(TestCaseError::fail(format!(
                    "the generated code does not parse: {err}"
                )));
            }
        }
        Err(Error::Schema(diagnostics)) => {
            prop_assert!(
                !diagnostics.0.is_empty(),
                "a schema error with no diagnostic"
            );
            for diagnostic in &diagnostics.0 {
                prop_assert!(
                    !diagnostic.message.is_empty(),
                    "an empty message: {diagnostic:?}"
                );
            }
        }
        Err(other) => {
            return Err(TestCaseError::fail(format!(
                "neither code nor diagnostics: {other}"
            )))
        }
    }
    Ok(())
}

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        // A failing case is shrunk to its minimal damage; the print is the regression record.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

#[test]
fn the_undamaged_schema_generates_code() {
    let text = serde_json::to_string(base()).unwrap();
    let code = Config::new()
        .protocol_text("base.json", text)
        .generate_string()
        .unwrap_or_else(|err| panic!("{err}"));
    syn::parse_file(&code).unwrap();
}

proptest! {
    #![proptest_config(cases(64))]

    #[test]
    fn damaged_json_gives_code_or_diagnostics_and_never_panics(
        damages in proptest::collection::vec(damage(), 1..4)
    ) {
        let mut schema = base().clone();
        for damage in &damages {
            apply(&mut schema, damage);
        }
        let text = serde_json::to_string_pretty(&schema).unwrap();
        check_generates_code_or_diagnostics("damaged.json", &text)?;
    }
}

/// A PDL schema that uses every construct the reader knows.
const PDL: &str = "\
version
  major 1
  minor 3

# The example domain.
experimental domain Example
  depends on Other
  # An id.
  type Id extends string
  type Kind extends string
    enum
      first
      second-one
  deprecated type Thing extends object
    properties
      optional array of Id ids
      binary payload
      enum state
        on
        off
      Other.Handle handle
  command doIt
    redirect Other
    parameters
      Thing thing
      optional integer count
    returns
      array of Kind kinds
  event done
    parameters
      number at

domain Other
  type Handle extends integer
";

/// One change to PDL text.
#[derive(Debug, Clone)]
enum Edit {
    DropLine(usize),
    DuplicateLine(usize),
    Indent(usize, usize),
    Insert(usize, char),
    DropWord(usize, usize),
    SwapLines(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let line = any::<usize>();
    prop_oneof![
        line.prop_map(Edit::DropLine),
        line.prop_map(Edit::DuplicateLine),
        (line, 0..9usize).prop_map(|(line, spaces)| Edit::Indent(line, spaces)),
        (
            any::<usize>(),
            prop_oneof![
                Just(' '),
                Just('#'),
                Just('\t'),
                Just('é'),
                Just('\n'),
                any::<char>()
            ]
        )
            .prop_map(|(at, c)| Edit::Insert(at, c)),
        (line, any::<usize>()).prop_map(|(line, word)| Edit::DropWord(line, word)),
        (line, line).prop_map(|(a, b)| Edit::SwapLines(a, b)),
    ]
}

fn apply_edit(text: &str, edit: &Edit) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return text.to_owned();
    }
    let count = lines.len();
    match *edit {
        Edit::DropLine(line) => {
            lines.remove(line % count);
        }
        Edit::DuplicateLine(line) => {
            let copy = lines[line % count].clone();
            lines.insert(line % count, copy);
        }
        Edit::Indent(line, spaces) => {
            let trimmed = lines[line % count].trim_start().to_owned();
            lines[line % count] = format!("{}{trimmed}", " ".repeat(spaces));
        }
        Edit::Insert(at, c) => {
            let mut chars: Vec<char> = text.chars().collect();
            chars.insert(at % (chars.len() + 1), c);
            return chars.into_iter().collect();
        }
        Edit::DropWord(line, word) => {
            let current = &lines[line % count];
            let indent = current.len() - current.trim_start().len();
            let mut words: Vec<&str> = current.split_whitespace().collect();
            if !words.is_empty() {
                words.remove(word % words.len());
            }
            lines[line % count] = format!("{}{}", " ".repeat(indent), words.join(" "));
        }
        Edit::SwapLines(a, b) => lines.swap(a % count, b % count),
    }
    lines.join("\n") + "\n"
}

#[test]
fn the_unedited_pdl_generates_code() {
    check_generates_code_or_diagnostics("example.pdl", PDL).unwrap();
    Config::new()
        .protocol_text("example.pdl", PDL)
        .generate_string()
        .unwrap_or_else(|err| panic!("{err}"));
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn edited_pdl_gives_code_or_diagnostics_and_never_panics(
        edits in proptest::collection::vec(edit(), 1..5)
    ) {
        let text = edits.iter().fold(PDL.to_owned(), |text, edit| apply_edit(&text, edit));
        check_generates_code_or_diagnostics("edited.pdl", &text)?;
    }
}
