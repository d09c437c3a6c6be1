//! The round-trip property over every generated type: random JSON values that conform to the
//! schema decode into the generated type and encode back to the same JSON.
//!
//! This file is not compiled in the workspace: `tests/tests/protocol_versions.rs` copies it into
//! the scratch crate it writes under `target/protocol-versions/`, next to the generated
//! `schema.rs` (the types as data) and the `roundtrip` dispatch function.

use std::collections::{BTreeMap, HashMap, HashSet};

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{Map, Value};

/// The type of a field or an alias, as the model has it.
pub enum Ty {
    /// `string`.
    String,
    /// `integer`.
    Integer,
    /// `number`.
    Number,
    /// `boolean`.
    Boolean,
    /// `any`.
    Any,
    /// `object` without properties.
    Map,
    /// `binary`: base64. Only PDL schemas have it; the JSON ones tested here do not.
    #[allow(dead_code)]
    Binary,
    /// An array.
    Array(&'static Ty),
    /// A named type, by its key in the table (`Domain.RustName`).
    Named(&'static str),
}

/// A field of an object.
pub struct Field {
    /// The protocol name.
    pub name: &'static str,
    /// May be absent.
    pub optional: bool,
    /// Its type.
    pub ty: Ty,
}

/// What a named type is.
pub enum Shape {
    /// A string enum.
    Enum(&'static [&'static str]),
    /// An object (also command params and returns, and event params).
    Object(&'static [Field]),
    /// A newtype over another type.
    Alias(Ty),
}

/// How many named types deep a value goes; below that, objects carry only their required
/// fields and arrays are empty, so recursive types stay finite.
const MAX_DEPTH: u32 = 3;

/// Decodes `json` as the type named `key` and encodes it again.
pub type RoundTrip = fn(key: &str, json: &str) -> Result<String, String>;

/// Checks every type of `types` with `cases` random values each; panics listing every type that
/// does not round-trip.
pub fn check_every_type(types: &'static [(&'static str, Shape)], roundtrip: RoundTrip) {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(16);
    let mut strategies = Strategies::new(types);
    let mut failures = Vec::new();
    for (key, _) in types {
        let strategy = strategies.named(key, MAX_DEPTH);
        let config = Config {
            cases,
            failure_persistence: None,
            max_shrink_iters: 512,
            ..Config::default()
        };
        // A fixed seed: CI sees the same values every run. Set PROPTEST_CASES to explore more.
        let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
        let mut runner = TestRunner::new_with_rng(config, rng);
        let result = runner.run(&strategy, |value| check_one(key, &value, roundtrip));
        if let Err(err) = result {
            failures.push(format!("{key}: {err}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} types do not round-trip:\n{}",
        failures.len(),
        types.len(),
        failures.join("\n")
    );
    println!(
        "{} types round-tripped, {cases} random values each",
        types.len()
    );
}

fn check_one(key: &str, value: &Value, roundtrip: RoundTrip) -> Result<(), TestCaseError> {
    let json = value.to_string();
    let encoded = roundtrip(key, &json)
        .map_err(|err| TestCaseError::fail(format!("does not decode: {err}\n  input: {json}")))?;
    let back: Value = serde_json::from_str(&encoded)
        .map_err(|err| TestCaseError::fail(format!("encodes bad JSON: {err}: {encoded}")))?;
    if same(value, &back) {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!(
            "encodes differently\n  input:  {json}\n  output: {encoded}"
        )))
    }
}

/// JSON equality with numbers compared by value: `1` equals `1.0`, as a `number` field
/// decodes an integer and encodes a float.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| same(x, y)))
        }
        _ => a == b,
    }
}

/// Strategies for the named types, built once per type and depth.
struct Strategies {
    types: HashMap<&'static str, &'static Shape>,
    built: HashMap<(&'static str, u32), BoxedStrategy<Value>>,
    building: HashSet<(&'static str, u32)>,
}

impl Strategies {
    fn new(types: &'static [(&'static str, Shape)]) -> Strategies {
        Strategies {
            types: types.iter().map(|(key, shape)| (*key, shape)).collect(),
            built: HashMap::new(),
            building: HashSet::new(),
        }
    }

    fn named(&mut self, key: &'static str, depth: u32) -> BoxedStrategy<Value> {
        if let Some(strategy) = self.built.get(&(key, depth)) {
            return strategy.clone();
        }
        assert!(
            self.building.insert((key, depth)),
            "{key} contains itself through required fields alone: it has no finite value"
        );
        let shape = *self
            .types
            .get(key)
            .unwrap_or_else(|| panic!("the table has no type {key}"));
        let strategy = match shape {
            Shape::Enum(values) => string_enum(values),
            Shape::Object(fields) => self.object(fields, depth),
            Shape::Alias(ty) => self.ty(ty, depth),
        };
        self.building.remove(&(key, depth));
        self.built.insert((key, depth), strategy.clone());
        strategy
    }

    /// Every required field, and each optional one half the time (none at depth 0).
    fn object(&mut self, fields: &'static [Field], depth: u32) -> BoxedStrategy<Value> {
        let members: Vec<BoxedStrategy<Option<(&'static str, Value)>>> = fields
            .iter()
            .filter(|field| !field.optional || depth > 0)
            .map(|field| {
                let name = field.name;
                let value = self.ty(&field.ty, depth);
                if field.optional {
                    proptest::option::of(value)
                        .prop_map(move |value| value.map(|value| (name, value)))
                        .boxed()
                } else {
                    value.prop_map(move |value| Some((name, value))).boxed()
                }
            })
            .collect();
        members
            .prop_map(|members| {
                Value::Object(
                    members
                        .into_iter()
                        .flatten()
                        .map(|(name, value)| (name.to_owned(), value))
                        .collect(),
                )
            })
            .boxed()
    }

    /// A value of `ty`. An optional `any` field may hold an explicit `null` too: it must
    /// survive the round trip as `null`, not vanish.
    fn ty(&mut self, ty: &'static Ty, depth: u32) -> BoxedStrategy<Value> {
        match ty {
            Ty::String => string().prop_map(Value::String).boxed(),
            Ty::Integer => integer().prop_map(Value::from).boxed(),
            Ty::Number => number(),
            Ty::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
            Ty::Any => any_json(depth),
            Ty::Map => json_map(depth),
            Ty::Binary => vec(any::<u8>(), 0..12)
                .prop_map(|bytes| Value::String(base64(&bytes)))
                .boxed(),
            Ty::Array(_) if depth == 0 => Just(Value::Array(Vec::new())).boxed(),
            Ty::Array(item) => vec(self.ty(item, depth), 0..3)
                .prop_map(Value::Array)
                .boxed(),
            Ty::Named(key) => self.named(key, depth.saturating_sub(1)),
        }
    }
}

/// Short strings of any characters: ASCII, controls, quotes, backslashes, non-BMP.
fn string() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-zA-Z0-9 _.-]{0,8}",
        vec(any::<char>(), 0..8).prop_map(|chars| chars.into_iter().collect()),
    ]
    .boxed()
}

fn integer() -> BoxedStrategy<i64> {
    prop_oneof![-1000i64..1000, any::<i64>()].boxed()
}

/// Finite numbers, sometimes written as integers (as browsers do for whole numbers).
fn number() -> BoxedStrategy<Value> {
    use proptest::num::f64;
    prop_oneof![
        (f64::NORMAL | f64::SUBNORMAL | f64::ZERO | f64::NEGATIVE | f64::POSITIVE)
            .prop_filter_map("finite", |x| serde_json::Number::from_f64(x)
                .map(Value::Number)),
        integer().prop_map(Value::from),
    ]
    .boxed()
}

/// A known value most of the time; otherwise one the schema does not know, which the fallback
/// variant must keep.
fn string_enum(values: &'static [&'static str]) -> BoxedStrategy<Value> {
    let known = proptest::sample::select(values).prop_map(|value| Value::String(value.to_owned()));
    let unknown = string()
        .prop_map(|value| format!("unknown-{value}"))
        .prop_filter("not a known value", move |value| {
            !values.contains(&value.as_str())
        })
        .prop_map(Value::String);
    prop_oneof![4 => known, 1 => unknown].boxed()
}

/// Small JSON values: scalars, and below `depth` 0 arrays and objects of them.
fn any_json(depth: u32) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        integer().prop_map(Value::from),
        number(),
        string().prop_map(Value::String),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(Value::Array),
            btree_map(string(), inner, 0..3).prop_map(object),
        ]
    })
    .boxed()
}

/// A JSON object of small values.
fn json_map(depth: u32) -> BoxedStrategy<Value> {
    btree_map(string(), any_json(depth.saturating_sub(1)), 0..3)
        .prop_map(object)
        .boxed()
}

fn object(members: BTreeMap<String, Value>) -> Value {
    Value::Object(members.into_iter().collect::<Map<String, Value>>())
}

/// Standard base64 with padding, as `cdp_runtime::Binary` writes it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
