//! `cdp_codegen::diff` and `cdp-codegen diff`: every kind of change is found at its path and
//! classed twice, on the wire (do bindings generated from the old protocol fit the new one?) and
//! in source (does code written against them compile after regenerating?); real protocol
//! versions give the changes Chromium actually made, with their classes; the CLI prints text,
//! Markdown and JSON and exits 0, 1 or 2.

mod common;

use std::path::{Path, PathBuf};

use cdp_codegen::diff::{
    diff, Bump, Change, ChangeKind, Class, Diff, DiffError, Direction, Format, Item,
};
use cdp_codegen::model::Model;
use cdp_codegen::Config;
use common::{run, stderr, stdout};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Synthetic schemas

/// A small protocol with one of each thing a change can touch.
fn base() -> Value {
    json!({
        "version": { "major": "1", "minor": "3" },
        "domains": [
            {
                "domain": "Shop",
                "types": [
                    { "id": "ItemId", "type": "string" },
                    { "id": "Color", "type": "string", "enum": ["red", "green"] },
                    { "id": "Item", "type": "object", "properties": [
                        { "name": "id", "$ref": "ItemId" },
                        { "name": "color", "$ref": "Color" },
                        { "name": "tags", "type": "array", "items": { "type": "string" } },
                        { "name": "note", "type": "string", "optional": true }
                    ] },
                    { "id": "Node", "type": "object", "properties": [
                        { "name": "leaf", "$ref": "Leaf" }
                    ] },
                    { "id": "Leaf", "type": "object", "properties": [
                        { "name": "size", "type": "integer" }
                    ] },
                    { "id": "Spare", "type": "string", "deprecated": true }
                ],
                "commands": [
                    { "name": "buy", "parameters": [
                        { "name": "item", "$ref": "Item" },
                        { "name": "count", "type": "integer" },
                        { "name": "gift", "type": "boolean", "optional": true },
                        { "name": "options", "type": "object", "optional": true, "properties": [
                            { "name": "fast", "type": "boolean" }
                        ] }
                    ], "returns": [
                        { "name": "orderId", "type": "string" },
                        { "name": "eta", "type": "number", "optional": true }
                    ] },
                    { "name": "close" }
                ],
                "events": [
                    { "name": "sold", "parameters": [
                        { "name": "item", "$ref": "Item" },
                        { "name": "at", "$ref": "Clock.Time" },
                        { "name": "channel", "type": "string", "enum": ["web", "store"] },
                        { "name": "discount", "type": "number", "optional": true }
                    ] },
                    { "name": "opened", "experimental": true }
                ]
            },
            {
                "domain": "Clock",
                "types": [
                    { "id": "Time", "type": "number" },
                    { "id": "Zone", "type": "string" }
                ],
                "commands": [
                    { "name": "now", "returns": [ { "name": "time", "$ref": "Time" } ] }
                ]
            },
            {
                "domain": "Toys",
                "types": [ { "id": "Ball", "type": "string" } ]
            }
        ]
    })
}

fn model(schema: &Value) -> Model {
    Config::new()
        .protocol_text("schema.json", schema.to_string())
        .model()
        .unwrap_or_else(|err| panic!("{err}"))
}

fn diff_of(old: &Value, new: &Value, domains: &[&str]) -> Diff {
    let domains: Vec<String> = domains.iter().map(|name| name.to_string()).collect();
    diff(&model(old), &model(new), &domains).unwrap()
}

/// The diff between the base schema and the base schema after `edit`.
fn after(edit: impl FnOnce(&mut Value)) -> Diff {
    let old = base();
    let mut new = old.clone();
    edit(&mut new);
    diff_of(&old, &new, &[])
}

/// The element of the array `list` whose `key` is `name`.
fn find<'a>(list: &'a mut Value, key: &str, name: &str) -> &'a mut Value {
    list.as_array_mut()
        .unwrap_or_else(|| panic!("not an array: {key} {name}"))
        .iter_mut()
        .find(|item| item[key] == name)
        .unwrap_or_else(|| panic!("no {key} {name}"))
}

fn remove(list: &mut Value, key: &str, name: &str) {
    let items = list.as_array_mut().unwrap();
    let before = items.len();
    items.retain(|item| item[key] != name);
    assert_eq!(items.len() + 1, before, "no {key} {name} to remove");
}

fn push(list: &mut Value, item: Value) {
    list.as_array_mut().unwrap().push(item);
}

fn domain<'a>(schema: &'a mut Value, name: &str) -> &'a mut Value {
    find(&mut schema["domains"], "domain", name)
}

fn ty<'a>(schema: &'a mut Value, domain_name: &str, id: &str) -> &'a mut Value {
    find(&mut domain(schema, domain_name)["types"], "id", id)
}

fn command<'a>(schema: &'a mut Value, name: &str) -> &'a mut Value {
    find(&mut domain(schema, "Shop")["commands"], "name", name)
}

fn event<'a>(schema: &'a mut Value, name: &str) -> &'a mut Value {
    find(&mut domain(schema, "Shop")["events"], "name", name)
}

/// The field `name` of `owner`'s `list` (`properties`, `parameters` or `returns`).
fn field<'a>(owner: &'a mut Value, list: &str, name: &str) -> &'a mut Value {
    find(&mut owner[list], "name", name)
}

/// What a change breaks: the wire, the source, both or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Breaks {
    wire: bool,
    source: bool,
}

/// Breaks neither: compatible on the wire and in source.
const NEITHER: Breaks = Breaks {
    wire: false,
    source: false,
};
/// Breaks code written against the old bindings, not the old bindings on the wire.
const SOURCE_ONLY: Breaks = Breaks {
    wire: false,
    source: true,
};
/// Breaks both.
const BOTH: Breaks = Breaks {
    wire: true,
    source: true,
};

fn breaks(change: &Change) -> Breaks {
    Breaks {
        wire: change.wire.breaking,
        source: change.source.breaking,
    }
}

/// Asserts that `diff` holds exactly one change, of this kind, path and classes.
fn assert_sole(diff: &Diff, kind: ChangeKind, path: &str, expected: Breaks) -> Change {
    assert_eq!(
        diff.changes.len(),
        1,
        "expected one change, got:\n{}",
        diff.render(Format::Text)
    );
    let change = diff.changes[0].clone();
    assert_eq!(
        (change.kind, change.path.as_str(), breaks(&change)),
        (kind, path, expected),
        "{change:?}"
    );
    assert!(!change.message.is_empty());
    assert!(!change.wire.reason.is_empty() && !change.source.reason.is_empty());
    change
}

/// The kind, path and classes of every change, in order.
fn found(diff: &Diff) -> Vec<(ChangeKind, &str, Breaks)> {
    diff.changes
        .iter()
        .map(|change| (change.kind, change.path.as_str(), breaks(change)))
        .collect()
}

/// The change of this kind at `path`.
fn change_at<'a>(diff: &'a Diff, kind: ChangeKind, path: &str) -> &'a Change {
    diff.changes
        .iter()
        .find(|change| change.kind == kind && change.path == path)
        .unwrap_or_else(|| panic!("no {kind} at {path} in:\n{}", diff.render(Format::Text)))
}

/// The paths of the changes of one kind, in order.
fn paths_of(diff: &Diff, kind: ChangeKind) -> Vec<&str> {
    diff.changes
        .iter()
        .filter(|change| change.kind == kind)
        .map(|change| change.path.as_str())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Additions and removals of whole items

#[test]
fn a_new_domain_is_not_breaking_and_a_removed_one_breaks_the_wire_if_it_had_commands() {
    let added = after(|s| push(&mut s["domains"], json!({ "domain": "Garden" })));
    let change = assert_sole(&added, ChangeKind::DomainAdded, "Garden", NEITHER);
    assert_eq!(change.item, Item::Domain);
    assert_eq!(change.direction, None);
    // `Toys` only lends types: no command of it can fail.
    let removed = after(|s| remove(&mut s["domains"], "domain", "Toys"));
    let change = assert_sole(&removed, ChangeKind::DomainRemoved, "Toys", SOURCE_ONLY);
    assert!(change.wire.reason.contains("no commands"), "{change:?}");
    let mut with_garden = base();
    push(
        &mut with_garden["domains"],
        json!({ "domain": "Garden", "commands": [ { "name": "water" } ] }),
    );
    let garden = diff_of(&with_garden, &base(), &[]);
    let change = assert_sole(&garden, ChangeKind::DomainRemoved, "Garden", BOTH);
    assert!(
        change.wire.reason.contains("method not found"),
        "{change:?}"
    );
}

#[test]
fn a_new_type_is_not_breaking_and_a_removed_one_is() {
    let added = after(|s| {
        push(
            &mut domain(s, "Shop")["types"],
            json!({ "id": "Price", "type": "number" }),
        )
    });
    let change = assert_sole(&added, ChangeKind::TypeAdded, "Shop.Price", NEITHER);
    assert_eq!(change.item, Item::Type);
    // A type is no message: the fields that used it show the change on the wire.
    let removed = after(|s| remove(&mut domain(s, "Shop")["types"], "id", "Spare"));
    assert_sole(&removed, ChangeKind::TypeRemoved, "Shop.Spare", SOURCE_ONLY);
}

#[test]
fn a_new_command_is_not_breaking_and_a_removed_one_breaks_both() {
    let added = after(|s| {
        push(
            &mut domain(s, "Shop")["commands"],
            json!({ "name": "refund" }),
        )
    });
    let change = assert_sole(&added, ChangeKind::CommandAdded, "Shop.refund", NEITHER);
    assert_eq!(change.item, Item::Command);
    let removed = after(|s| remove(&mut domain(s, "Shop")["commands"], "name", "close"));
    let change = assert_sole(&removed, ChangeKind::CommandRemoved, "Shop.close", BOTH);
    assert_eq!(
        change.wire.reason,
        "the browser answers it with an error (method not found)"
    );
}

#[test]
fn a_new_event_is_not_breaking_and_a_removed_one_breaks_only_the_source() {
    let added = after(|s| {
        push(
            &mut domain(s, "Shop")["events"],
            json!({ "name": "closed" }),
        )
    });
    let change = assert_sole(&added, ChangeKind::EventAdded, "Shop.closed", NEITHER);
    assert_eq!(change.item, Item::Event);
    let removed = after(|s| remove(&mut domain(s, "Shop")["events"], "name", "opened"));
    let change = assert_sole(
        &removed,
        ChangeKind::EventRemoved,
        "Shop.opened",
        SOURCE_ONLY,
    );
    assert_eq!(
        change.wire.reason,
        "the browser stops sending it; nothing fails to decode"
    );
}

// ---------------------------------------------------------------------------------------------
// Fields added and removed, by where they live

#[test]
fn a_new_required_param_breaks_because_new_gains_an_argument_and_the_browser_requires_it() {
    let diff = after(|s| {
        push(
            &mut command(s, "buy")["parameters"],
            json!({ "name": "coupon", "type": "string" }),
        )
    });
    let change = assert_sole(
        &diff,
        ChangeKind::RequiredFieldAdded,
        "Shop.buy.parameters.coupon",
        BOTH,
    );
    assert_eq!(change.item, Item::Field);
    assert_eq!(change.direction, Some(Direction::Sent));
    assert!(
        change.source.reason.contains("`new` gains an argument"),
        "{change:?}"
    );
    assert_eq!(
        change.wire.reason,
        "the browser requires the field, and the old bindings never send it"
    );
}

#[test]
fn a_new_optional_param_is_not_breaking_because_it_gets_a_setter() {
    let diff = after(|s| {
        push(
            &mut command(s, "buy")["parameters"],
            json!({ "name": "coupon", "type": "string", "optional": true }),
        )
    });
    let change = assert_sole(
        &diff,
        ChangeKind::OptionalFieldAdded,
        "Shop.buy.parameters.coupon",
        NEITHER,
    );
    assert!(change.source.reason.contains("setter"), "{change:?}");
}

#[test]
fn a_new_required_field_in_an_object_type_breaks_and_an_optional_one_does_not() {
    // `Shop.Item` is sent (in `Shop.buy`) and received (in `Shop.sold`): on the wire the
    // stricter direction decides.
    let required = after(|s| {
        push(
            &mut ty(s, "Shop", "Item")["properties"],
            json!({ "name": "price", "type": "string" }),
        )
    });
    let change = assert_sole(
        &required,
        ChangeKind::RequiredFieldAdded,
        "Shop.Item.price",
        BOTH,
    );
    assert_eq!(change.direction, Some(Direction::Both));
    assert!(
        change.wire.reason.starts_with(
            "the type is used both in command parameters and in what the browser sends"
        ),
        "{change:?}"
    );
    let optional = after(|s| {
        push(
            &mut ty(s, "Shop", "Item")["properties"],
            json!({ "name": "price", "type": "string", "optional": true }),
        )
    });
    assert_sole(
        &optional,
        ChangeKind::OptionalFieldAdded,
        "Shop.Item.price",
        NEITHER,
    );
}

#[test]
fn new_fields_in_results_and_events_do_not_break_readers_even_when_required() {
    let returns = after(|s| {
        push(
            &mut command(s, "buy")["returns"],
            json!({ "name": "total", "type": "number" }),
        )
    });
    assert_sole(
        &returns,
        ChangeKind::RequiredFieldAdded,
        "Shop.buy.returns.total",
        NEITHER,
    );
    let event_required = after(|s| {
        push(
            &mut event(s, "sold")["parameters"],
            json!({ "name": "by", "type": "string" }),
        )
    });
    assert_sole(
        &event_required,
        ChangeKind::RequiredFieldAdded,
        "Shop.sold.parameters.by",
        NEITHER,
    );
    let event_optional = after(|s| {
        push(
            &mut event(s, "sold")["parameters"],
            json!({ "name": "by", "type": "string", "optional": true }),
        )
    });
    assert_sole(
        &event_optional,
        ChangeKind::OptionalFieldAdded,
        "Shop.sold.parameters.by",
        NEITHER,
    );
}

#[test]
fn a_removed_optional_field_breaks_the_source_wherever_it_was_and_never_the_wire() {
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit); 4] = [
        ("Shop.buy.parameters.gift", |s| {
            remove(&mut command(s, "buy")["parameters"], "name", "gift")
        }),
        ("Shop.buy.returns.eta", |s| {
            remove(&mut command(s, "buy")["returns"], "name", "eta")
        }),
        ("Shop.sold.parameters.discount", |s| {
            remove(&mut event(s, "sold")["parameters"], "name", "discount")
        }),
        ("Shop.Item.note", |s| {
            remove(&mut ty(s, "Shop", "Item")["properties"], "name", "note")
        }),
    ];
    for (path, edit) in cases {
        let diff = after(edit);
        // `eta` was the result's only `number`, but a struct derives no `Eq` or `Hash` either
        // way: the removal is the only change.
        assert_sole(&diff, ChangeKind::FieldRemoved, path, SOURCE_ONLY);
    }
}

#[test]
fn a_removed_required_field_breaks_the_wire_where_the_browser_sent_it() {
    // The old bindings require `channel` in `Shop.sold`.
    let event = after(|s| remove(&mut event(s, "sold")["parameters"], "name", "channel"));
    let change = assert_sole(
        &event,
        ChangeKind::FieldRemoved,
        "Shop.sold.parameters.channel",
        BOTH,
    );
    assert_eq!(change.direction, Some(Direction::Received));
    assert_eq!(
        change.wire.reason,
        "the old bindings require the field, and the browser no longer sends it"
    );
    // The browser skips a key it no longer knows in what the old bindings send.
    let params = after(|s| remove(&mut command(s, "buy")["parameters"], "name", "count"));
    let change = assert_sole(
        &params,
        ChangeKind::FieldRemoved,
        "Shop.buy.parameters.count",
        SOURCE_ONLY,
    );
    assert!(
        change
            .wire
            .reason
            .starts_with("the browser skips keys it does not know"),
        "{change:?}"
    );
}

#[test]
fn a_new_field_in_an_inline_object_is_reported_under_the_field_that_holds_it() {
    let diff = after(|s| {
        let options = field(command(s, "buy"), "parameters", "options");
        push(
            &mut options["properties"],
            json!({ "name": "slow", "type": "boolean" }),
        );
    });
    assert_sole(
        &diff,
        ChangeKind::RequiredFieldAdded,
        "Shop.buy.parameters.options.slow",
        BOTH,
    );
    // The inline object travels the way its field does: to the browser.
    assert_eq!(diff.changes[0].direction, Some(Direction::Sent));
}

// ---------------------------------------------------------------------------------------------
// Optional <-> required

#[test]
fn optional_to_required_breaks_the_source_everywhere_and_the_wire_in_params() {
    let params =
        after(|s| field(command(s, "buy"), "parameters", "gift")["optional"] = false.into());
    assert_sole(
        &params,
        ChangeKind::FieldBecameRequired,
        "Shop.buy.parameters.gift",
        BOTH,
    );
    let returns = after(|s| field(command(s, "buy"), "returns", "eta")["optional"] = false.into());
    let change = assert_sole(
        &returns,
        ChangeKind::FieldBecameRequired,
        "Shop.buy.returns.eta",
        SOURCE_ONLY,
    );
    assert!(
        change.source.reason.contains("`Option<T>` to `T`"),
        "{change:?}"
    );
    assert!(change.wire.reason.contains("always `Some`"), "{change:?}");
}

#[test]
fn required_to_optional_breaks_the_source_everywhere_and_the_wire_in_what_the_browser_sends() {
    let params =
        after(|s| field(command(s, "buy"), "parameters", "count")["optional"] = true.into());
    assert_sole(
        &params,
        ChangeKind::FieldBecameOptional,
        "Shop.buy.parameters.count",
        SOURCE_ONLY,
    );
    let event = after(|s| field(event(s, "sold"), "parameters", "at")["optional"] = true.into());
    let change = assert_sole(
        &event,
        ChangeKind::FieldBecameOptional,
        "Shop.sold.parameters.at",
        BOTH,
    );
    assert!(change.source.reason.contains("`None`"), "{change:?}");
    assert_eq!(
        change.wire.reason,
        "the browser may leave the field out, and the old bindings require it"
    );
    let object =
        after(|s| field(ty(s, "Shop", "Item"), "properties", "color")["optional"] = true.into());
    assert_sole(
        &object,
        ChangeKind::FieldBecameOptional,
        "Shop.Item.color",
        BOTH,
    );
}

// ---------------------------------------------------------------------------------------------
// Enum values

#[test]
fn a_new_enum_value_is_not_breaking_thanks_to_the_fallback_variant() {
    let diff = after(|s| push(&mut ty(s, "Shop", "Color")["enum"], json!("blue")));
    let change = assert_sole(
        &diff,
        ChangeKind::EnumValueAdded,
        "Shop.Color.blue",
        NEITHER,
    );
    assert_eq!(change.item, Item::EnumValue);
    assert!(change.source.reason.contains("Unknown"), "{change:?}");
    assert!(change.wire.reason.contains("Unknown"), "{change:?}");
}

#[test]
fn a_removed_enum_value_breaks_the_wire_where_the_bindings_may_send_it() {
    // `Shop.Color` is held by `Shop.Item`, which `Shop.buy` sends.
    let diff = after(|s| ty(s, "Shop", "Color")["enum"] = json!(["red"]));
    let change = assert_sole(
        &diff,
        ChangeKind::EnumValueRemoved,
        "Shop.Color.green",
        BOTH,
    );
    assert_eq!(change.direction, Some(Direction::Both));
}

#[test]
fn values_of_an_inline_enum_are_reported_under_the_field_that_holds_it() {
    let added = after(|s| {
        field(event(s, "sold"), "parameters", "channel")["enum"] = json!(["web", "store", "phone"])
    });
    assert_sole(
        &added,
        ChangeKind::EnumValueAdded,
        "Shop.sold.parameters.channel.phone",
        NEITHER,
    );
    let removed =
        after(|s| field(event(s, "sold"), "parameters", "channel")["enum"] = json!(["web"]));
    assert_sole(
        &removed,
        ChangeKind::EnumValueRemoved,
        "Shop.sold.parameters.channel.store",
        SOURCE_ONLY,
    );
    // A value the browser no longer sends breaks no decoder.
    assert_eq!(removed.changes[0].direction, Some(Direction::Received));
}

// ---------------------------------------------------------------------------------------------
// Type changes

#[test]
fn a_primitive_type_change_breaks_the_source_and_the_wire_where_values_no_longer_fit() {
    // The browser takes the integers the old bindings send where it now wants a number.
    let diff = after(|s| field(command(s, "buy"), "parameters", "count")["type"] = "number".into());
    // An `f64` is neither `Eq` nor `Hash`, but `BuyParams`, a struct, derives neither anyway.
    let change = assert_sole(
        &diff,
        ChangeKind::TypeChanged,
        "Shop.buy.parameters.count",
        SOURCE_ONLY,
    );
    assert!(
        change.message.contains("from `integer` to `number`"),
        "{change:?}"
    );
    assert!(
        change
            .wire
            .reason
            .starts_with("what the old bindings send is still a value"),
        "{change:?}"
    );
    // The old bindings cannot decode a fraction where they want an integer.
    let with_code = |ty: &str| {
        let mut schema = base();
        command(&mut schema, "close")["returns"] =
            json!([{ "name": "code", "type": ty, "optional": true }]);
        schema
    };
    let to_number = diff_of(&with_code("integer"), &with_code("number"), &[]);
    let change = change_at(
        &to_number,
        ChangeKind::TypeChanged,
        "Shop.close.returns.code",
    );
    assert_eq!(breaks(change), BOTH);
    assert_eq!(change.direction, Some(Direction::Received));
    assert_eq!(
        change.wire.reason,
        "what the browser sends may no longer decode with the old bindings"
    );
}

#[test]
fn becoming_an_array_or_ceasing_to_be_one_breaks_both() {
    let to_array = after(|s| {
        *field(command(s, "buy"), "parameters", "count") =
            json!({ "name": "count", "type": "array", "items": { "type": "integer" } })
    });
    let change = assert_sole(
        &to_array,
        ChangeKind::TypeChanged,
        "Shop.buy.parameters.count",
        BOTH,
    );
    assert!(
        change
            .message
            .contains("from `integer` to array of `integer`"),
        "{change:?}"
    );
    let from_array = after(|s| {
        *field(ty(s, "Shop", "Item"), "properties", "tags") =
            json!({ "name": "tags", "type": "string" })
    });
    assert_sole(&from_array, ChangeKind::TypeChanged, "Shop.Item.tags", BOTH);
}

#[test]
fn a_reference_to_another_type_breaks_the_source_and_the_wire_only_if_the_json_differs() {
    // `Clock.Time` is a `number`, `Clock.Zone` a `string`.
    let diff = after(|s| field(event(s, "sold"), "parameters", "at")["$ref"] = "Clock.Zone".into());
    let change = assert_sole(
        &diff,
        ChangeKind::TypeChanged,
        "Shop.sold.parameters.at",
        BOTH,
    );
    assert!(
        change.message.contains("from `Clock.Time` to `Clock.Zone`"),
        "{change:?}"
    );
    // Another alias of a `number`: another Rust type, the same messages.
    let same_json = after(|s| {
        push(
            &mut domain(s, "Clock")["types"],
            json!({ "id": "Instant", "type": "number" }),
        );
        field(event(s, "sold"), "parameters", "at")["$ref"] = "Clock.Instant".into();
    });
    assert_eq!(
        found(&same_json),
        [
            (ChangeKind::TypeAdded, "Clock.Instant", NEITHER),
            (
                ChangeKind::TypeChanged,
                "Shop.sold.parameters.at",
                SOURCE_ONLY
            ),
        ]
    );
}

#[test]
fn an_alias_whose_inner_type_changes_breaks() {
    let diff = after(|s| ty(s, "Shop", "ItemId")["type"] = "integer".into());
    assert_eq!(
        found(&diff),
        [
            (ChangeKind::TypeChanged, "Shop.ItemId", BOTH),
            // A newtype over `i64` is `Copy`.
            (ChangeKind::DeriveGained, "Shop.ItemId", NEITHER),
        ]
    );
    assert_eq!(diff.changes[0].item, Item::Type);
}

#[test]
fn a_type_that_becomes_another_kind_of_type_breaks_the_source() {
    // An enum that becomes a plain string: the browser takes any string, and the old bindings
    // decode any string (as `Unknown(..)` when they do not know it).
    let diff = after(|s| {
        *ty(s, "Shop", "Color") = json!({ "id": "Color", "type": "string" });
    });
    let change = assert_sole(&diff, ChangeKind::TypeChanged, "Shop.Color", SOURCE_ONLY);
    assert!(
        change.message.contains("from an enum to an alias"),
        "{change:?}"
    );
    assert_eq!(change.direction, Some(Direction::Both));
    // The other way, the browser no longer takes any string the old bindings may send.
    let back = diff_of(&diff_schema_with_string_color(), &base(), &[]);
    let change = assert_sole(&back, ChangeKind::TypeChanged, "Shop.Color", BOTH);
    assert!(
        change.message.contains("from an alias to an enum"),
        "{change:?}"
    );
    // An enum that becomes an object breaks both.
    let object = after(|s| {
        *ty(s, "Shop", "Color") = json!({ "id": "Color", "type": "object", "properties": [
            { "name": "hue", "type": "integer" }
        ] });
    });
    assert_eq!(
        breaks(change_at(&object, ChangeKind::TypeChanged, "Shop.Color")),
        BOTH
    );
}

/// The base schema with `Shop.Color` a plain string.
fn diff_schema_with_string_color() -> Value {
    let mut schema = base();
    *ty(&mut schema, "Shop", "Color") = json!({ "id": "Color", "type": "string" });
    schema
}

#[test]
fn an_inline_enum_replaced_by_a_named_one_breaks() {
    let diff = after(|s| {
        *field(event(s, "sold"), "parameters", "channel") =
            json!({ "name": "channel", "$ref": "Color" })
    });
    let change = assert_sole(
        &diff,
        ChangeKind::TypeChanged,
        "Shop.sold.parameters.channel",
        SOURCE_ONLY,
    );
    assert!(change.message.contains("an inline enum"), "{change:?}");
    // The browser sends it: the old bindings decode any string into their inline enum.
    assert_eq!(change.direction, Some(Direction::Received));
}

#[test]
fn reordered_required_params_break_because_new_takes_them_in_schema_order() {
    let diff = after(|s| {
        let params = command(s, "buy")["parameters"].as_array_mut().unwrap();
        params.swap(0, 1);
    });
    let change = assert_sole(
        &diff,
        ChangeKind::ArgumentOrderChanged,
        "Shop.buy.parameters",
        SOURCE_ONLY,
    );
    assert!(
        change
            .message
            .contains("`item, count` became `count, item`"),
        "{change:?}"
    );
}

#[test]
fn reordered_fields_of_a_result_are_no_change() {
    let diff = after(|s| {
        let returns = command(s, "buy")["returns"].as_array_mut().unwrap();
        returns.swap(0, 1);
    });
    assert!(diff.is_empty(), "{}", diff.render(Format::Text));
}

#[test]
fn a_field_that_must_now_be_boxed_breaks() {
    // Leaf -> Node closes the cycle Node -> Leaf -> Node, so both of its edges are boxed.
    let diff = after(|s| {
        push(
            &mut ty(s, "Shop", "Leaf")["properties"],
            json!({ "name": "parent", "$ref": "Node", "optional": true }),
        )
    });
    assert_eq!(
        found(&diff),
        [
            (ChangeKind::OptionalFieldAdded, "Shop.Leaf.parent", NEITHER),
            // A `Box` is not `Copy`, but neither end of the cycle, both structs, was `Copy`: no
            // derive changes.
            (ChangeKind::BoxingChanged, "Shop.Node.leaf", SOURCE_ONLY),
        ]
    );
}

#[test]
fn an_event_that_grows_large_enough_to_be_boxed_breaks() {
    // `sold` holds an `Item` (three strings' worth, an enum and a `Vec`), a float, an enum and
    // an optional float: under the limit. Twelve more strings take it over.
    let grown = |s: &mut Value| {
        let params = &mut event(s, "sold")["parameters"];
        for index in 0..12 {
            push(
                params,
                json!({ "name": format!("extra{index}"), "type": "string", "optional": true }),
            );
        }
    };
    let diff = after(grown);
    let boxed = change_at(&diff, ChangeKind::BoxingChanged, "Shop.sold");
    assert_eq!(
        (boxed.item, breaks(boxed)),
        (Item::Event, SOURCE_ONLY),
        "{boxed:?}"
    );
    assert_eq!(
        boxed.message,
        format!(
            "Event `Shop.sold` is now boxed in `shop::Event`: it grew past or shrank below {} \
             bytes.",
            cdp_codegen::layout::BOX_EVENTS_OVER
        )
    );
    assert_eq!(paths_of(&diff, ChangeKind::OptionalFieldAdded).len(), 12);
    // And back.
    let mut old = base();
    grown(&mut old);
    let undone = diff_of(&old, &base(), &[]);
    let unboxed = change_at(&undone, ChangeKind::BoxingChanged, "Shop.sold");
    assert!(unboxed.message.contains("no longer boxed"), "{unboxed:?}");
}

// ---------------------------------------------------------------------------------------------
// Flags

#[test]
fn becoming_experimental_is_not_breaking_unless_experimental_items_are_left_out() {
    let diff = after(|s| command(s, "close")["experimental"] = true.into());
    let change = assert_sole(&diff, ChangeKind::BecameExperimental, "Shop.close", NEITHER);
    assert_eq!(change.item, Item::Command);
    assert!(
        change.source.reason.contains("experimental(false)"),
        "{change:?}"
    );
    let undone = after(|s| event(s, "opened")["experimental"] = false.into());
    assert_sole(
        &undone,
        ChangeKind::NoLongerExperimental,
        "Shop.opened",
        NEITHER,
    );
}

#[test]
fn becoming_deprecated_is_not_breaking_but_a_warning() {
    let field_flag = after(|s| {
        field(command(s, "buy"), "parameters", "gift")["deprecated"] = true.into();
    });
    let change = assert_sole(
        &field_flag,
        ChangeKind::BecameDeprecated,
        "Shop.buy.parameters.gift",
        NEITHER,
    );
    assert!(change.source.reason.contains("#[deprecated]"), "{change:?}");
    let domain_flag = after(|s| domain(s, "Shop")["deprecated"] = true.into());
    let change = assert_sole(&domain_flag, ChangeKind::BecameDeprecated, "Shop", NEITHER);
    assert_eq!(change.item, Item::Domain);
    let undone = after(|s| ty(s, "Shop", "Spare")["deprecated"] = false.into());
    assert_sole(
        &undone,
        ChangeKind::NoLongerDeprecated,
        "Shop.Spare",
        NEITHER,
    );
}

#[test]
fn description_changes_are_ignored() {
    let diff = after(|s| {
        command(s, "buy")["description"] = "Buys.".into();
        field(ty(s, "Shop", "Item"), "properties", "id")["description"] = "The id.".into();
    });
    assert!(diff.is_empty(), "{}", diff.render(Format::Text));
    assert_eq!(diff.render(Format::Text), "No changes.\n");
}

// ---------------------------------------------------------------------------------------------
// Derived traits

/// Asserts that every derive change of `diff` explains itself: a non-empty clause after the
/// colon (lost) or after "before," (gained), that does not end a chain on an empty clause.
fn assert_explained(diff: &Diff) {
    for change in &diff.changes {
        let separator = match change.kind {
            ChangeKind::DeriveLost => ": ",
            ChangeKind::DeriveGained => "; before, ",
            _ => continue,
        };
        let why = change
            .message
            .split_once(separator)
            .map(|(_, why)| why.trim_end_matches('.').trim())
            .unwrap_or_default();
        assert!(
            !why.is_empty() && !why.ends_with(',') && !change.message.contains(", ."),
            "{change:?}"
        );
    }
}

#[test]
fn a_new_number_field_in_a_struct_changes_no_derive_since_structs_have_no_eq_or_hash() {
    let diff = after(|s| {
        push(
            &mut ty(s, "Shop", "Item")["properties"],
            json!({ "name": "price", "type": "number", "optional": true }),
        )
    });
    // Neither `Shop.Item` nor `BuyParams`, which holds it, derived `Eq` or `Hash` before.
    assert_sole(
        &diff,
        ChangeKind::OptionalFieldAdded,
        "Shop.Item.price",
        NEITHER,
    );
}

/// The base schema with a newtype `Shop.Price` over `inner`, a newtype `Shop.Prices` over an
/// array of it, and a field `Shop.Item.price` of it.
fn with_price(inner: &str) -> Value {
    let mut schema = base();
    let types = &mut domain(&mut schema, "Shop")["types"];
    push(types, json!({ "id": "Price", "type": inner }));
    push(
        types,
        json!({ "id": "Prices", "type": "array", "items": { "$ref": "Price" } }),
    );
    push(
        &mut ty(&mut schema, "Shop", "Item")["properties"],
        json!({ "name": "price", "$ref": "Price", "optional": true }),
    );
    schema
}

#[test]
fn a_newtype_that_becomes_a_number_loses_eq_and_hash_on_it_and_on_newtypes_over_arrays_of_it() {
    let diff = diff_of(&with_price("string"), &with_price("number"), &[]);
    // `Shop.Item`, the struct that holds a `Price`, had no `Eq` or `Hash` to lose. An `f64` is
    // `Copy` where a `String` is not: `Price` gains `Copy`, not `Prices` (a `Vec`).
    assert_eq!(
        found(&diff),
        [
            (ChangeKind::TypeChanged, "Shop.Price", BOTH),
            (ChangeKind::DeriveLost, "Shop.Price", SOURCE_ONLY),
            (ChangeKind::DeriveGained, "Shop.Price", NEITHER),
            (ChangeKind::DeriveLost, "Shop.Prices", SOURCE_ONLY),
        ]
    );
    assert_eq!(
        change_at(&diff, ChangeKind::DeriveGained, "Shop.Price").message,
        "`shop::Price` (type `Shop.Price`) now derives `Copy`; before, it wrapped `string` \
         (`String`)."
    );
    let price = change_at(&diff, ChangeKind::DeriveLost, "Shop.Price");
    assert_eq!(price.item, Item::Type);
    assert_eq!(
        price.message,
        "`shop::Price` (type `Shop.Price`) no longer derives `Eq` and `Hash`: it wraps `number` \
         (`f64`)."
    );
    assert!(price.source.reason.contains("`HashSet`"), "{price:?}");
    assert_eq!(
        price.wire.reason,
        "derived traits are Rust only: messages do not change"
    );
    assert_eq!(
        change_at(&diff, ChangeKind::DeriveLost, "Shop.Prices").message,
        "`shop::Prices` (type `Shop.Prices`) no longer derives `Eq` and `Hash`: it wraps an \
         array of `Shop.Price`, which wraps `number` (`f64`)."
    );
    assert_explained(&diff);
}

#[test]
fn a_newtype_over_structs_derives_none_of_eq_hash_and_copy_and_says_structs_have_none() {
    // `Shop.Spare` goes from a string to an array of `Shop.Item`, and `Toys.Ball` from a string
    // to an object.
    let to_structs = |s: &mut Value| {
        *ty(s, "Shop", "Spare") = json!({
            "id": "Spare", "type": "array", "items": { "$ref": "Item" }, "deprecated": true
        });
        *ty(s, "Toys", "Ball") = json!({
            "id": "Ball", "type": "object", "properties": [{ "name": "size", "type": "integer" }]
        });
    };
    let diff = after(to_structs);
    assert_eq!(
        paths_of(&diff, ChangeKind::DeriveLost),
        ["Shop.Spare", "Toys.Ball"]
    );
    assert!(paths_of(&diff, ChangeKind::DeriveGained).is_empty());
    assert_eq!(
        change_at(&diff, ChangeKind::DeriveLost, "Shop.Spare").message,
        "`shop::Spare` (type `Shop.Spare`) no longer derives `Eq` and `Hash`: it wraps an array \
         of `Shop.Item`, a struct (structs derive neither `Eq`, `Hash` nor `Copy`)."
    );
    assert_eq!(
        change_at(&diff, ChangeKind::DeriveLost, "Toys.Ball").message,
        "`toys::Ball` (type `Toys.Ball`) no longer derives `Eq` and `Hash`: it is a struct \
         (structs derive neither `Eq`, `Hash` nor `Copy`)."
    );
    assert_explained(&diff);
    // The other way round, the gain is explained with the old version, the struct.
    let mut new = base();
    to_structs(&mut new);
    let back = diff_of(&new, &base(), &[]);
    assert_eq!(
        paths_of(&back, ChangeKind::DeriveGained),
        ["Shop.Spare", "Toys.Ball"]
    );
    assert_eq!(
        change_at(&back, ChangeKind::DeriveGained, "Shop.Spare").message,
        "`shop::Spare` (type `Shop.Spare`) now derives `Eq` and `Hash`; before, it wrapped an \
         array of `Shop.Item`, a struct (structs derive neither `Eq`, `Hash` nor `Copy`)."
    );
    assert_explained(&back);
}

/// The base schema with `Shop.Leaf.size` of a new newtype `Shop.Count` over `inner`.
fn with_count(inner: &str) -> Value {
    let mut schema = base();
    push(
        &mut domain(&mut schema, "Shop")["types"],
        json!({ "id": "Count", "type": inner }),
    );
    *field(ty(&mut schema, "Shop", "Leaf"), "properties", "size") =
        json!({ "name": "size", "$ref": "Count" });
    schema
}

#[test]
fn a_newtype_over_an_integer_that_becomes_a_string_loses_copy_but_its_struct_holders_had_none() {
    let diff = diff_of(&with_count("integer"), &with_count("string"), &[]);
    // `Shop.Leaf` and `Shop.Node`, which hold a `Count`, are structs: never `Copy`.
    assert_eq!(
        found(&diff),
        [
            (ChangeKind::TypeChanged, "Shop.Count", BOTH),
            (ChangeKind::DeriveLost, "Shop.Count", SOURCE_ONLY),
        ]
    );
    assert_eq!(
        change_at(&diff, ChangeKind::DeriveLost, "Shop.Count").message,
        "`shop::Count` (type `Shop.Count`) no longer derives `Copy`: it wraps `string` \
         (`String`)."
    );
    assert_explained(&diff);
}

#[test]
fn the_reverse_change_gains_what_the_forward_one_loses_and_breaks_nothing_by_it() {
    let (integer, string) = (with_count("integer"), with_count("string"));
    let forward = diff_of(&integer, &string, &[]);
    let backward = diff_of(&string, &integer, &[]);
    assert_eq!(
        paths_of(&forward, ChangeKind::DeriveLost),
        paths_of(&backward, ChangeKind::DeriveGained)
    );
    assert!(paths_of(&forward, ChangeKind::DeriveGained).is_empty());
    assert!(paths_of(&backward, ChangeKind::DeriveLost).is_empty());
    assert_eq!(
        found(&backward),
        [
            (ChangeKind::TypeChanged, "Shop.Count", BOTH),
            (ChangeKind::DeriveGained, "Shop.Count", NEITHER),
        ]
    );
    // A gain is explained with the old version: what kept the trait away then.
    assert_eq!(
        change_at(&backward, ChangeKind::DeriveGained, "Shop.Count").message,
        "`shop::Count` (type `Shop.Count`) now derives `Copy`; before, it wrapped `string` \
         (`String`)."
    );
    // The same for `Eq` and `Hash` through a newtype over an array.
    let (string, number) = (with_price("string"), with_price("number"));
    let forward = diff_of(&string, &number, &[]);
    let backward = diff_of(&number, &string, &[]);
    assert_eq!(
        paths_of(&backward, ChangeKind::DeriveGained),
        ["Shop.Price", "Shop.Prices"]
    );
    assert_eq!(
        paths_of(&forward, ChangeKind::DeriveLost),
        paths_of(&backward, ChangeKind::DeriveGained)
    );
    assert!(backward
        .changes
        .iter()
        .all(|change| { change.kind != ChangeKind::DeriveGained || breaks(change) == NEITHER }));
    assert_eq!(
        change_at(&backward, ChangeKind::DeriveGained, "Shop.Prices").message,
        "`shop::Prices` (type `Shop.Prices`) now derives `Eq` and `Hash`; before, it wrapped an \
         array of `Shop.Price`, which wrapped `number` (`f64`)."
    );
    assert_explained(&backward);
}

#[test]
fn a_required_field_in_a_result_loses_default_though_readers_are_fine() {
    // `close` returns nothing: `CloseReturns` is empty and derives `Default`.
    let diff = after(|s| {
        command(s, "close")["returns"] = json!([{ "name": "closedAt", "type": "string" }])
    });
    assert_eq!(
        found(&diff),
        [
            (
                ChangeKind::RequiredFieldAdded,
                "Shop.close.returns.closedAt",
                NEITHER
            ),
            (ChangeKind::DeriveLost, "Shop.close.returns", SOURCE_ONLY),
        ]
    );
    assert_eq!(
        diff.changes[1].message,
        "`shop::CloseReturns` (the result of command `Shop.close`) no longer derives `Default`: \
         its field `closedAt` is required."
    );
    assert_explained(&diff);
}

#[test]
fn an_inline_object_reports_its_traits_under_the_field_that_holds_it() {
    // `fast` was the inline object's only required field: it gains `Default`. `BuyParams`,
    // which holds it, still has required fields.
    let diff = after(|s| {
        let options = field(command(s, "buy"), "parameters", "options");
        field(options, "properties", "fast")["optional"] = true.into();
    });
    assert_eq!(
        paths_of(&diff, ChangeKind::DeriveGained),
        ["Shop.buy.parameters.options"]
    );
    assert!(paths_of(&diff, ChangeKind::DeriveLost).is_empty());
    let inline = change_at(
        &diff,
        ChangeKind::DeriveGained,
        "Shop.buy.parameters.options",
    );
    assert_eq!(inline.item, Item::Field);
    assert_eq!(breaks(inline), NEITHER);
    assert!(
        inline.message.ends_with(
            "(the inline object of `Shop.buy.parameters.options`) now derives `Default`; \
             before, its field `fast` was required."
        ),
        "{inline:?}"
    );
    assert_explained(&diff);
}

// ---------------------------------------------------------------------------------------------
// Order, filter, errors

fn many_changes() -> Diff {
    after(|s| {
        push(&mut s["domains"], json!({ "domain": "Garden" }));
        remove(&mut s["domains"], "domain", "Toys");
        ty(s, "Clock", "Time")["type"] = "integer".into();
        push(&mut ty(s, "Shop", "Color")["enum"], json!("blue"));
        push(&mut ty(s, "Shop", "Color")["enum"], json!("amber"));
        remove(&mut ty(s, "Shop", "Item")["properties"], "name", "note");
        command(s, "close")["deprecated"] = true.into();
        push(
            &mut command(s, "buy")["parameters"],
            json!({ "name": "coupon", "type": "string" }),
        );
        remove(&mut domain(s, "Shop")["events"], "name", "opened");
        push(
            &mut domain(s, "Clock")["commands"],
            json!({ "name": "reset" }),
        );
    })
}

#[test]
fn changes_come_in_a_fixed_order_domains_then_types_commands_events_by_name() {
    let diff = many_changes();
    let paths: Vec<&str> = diff
        .changes
        .iter()
        .map(|change| change.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "Clock.Time",
            "Clock.Time",
            "Clock.reset",
            "Garden",
            "Shop.Color.amber",
            "Shop.Color.blue",
            "Shop.Item.note",
            "Shop.buy.parameters.coupon",
            "Shop.close",
            "Shop.opened",
            "Toys",
        ]
    );
    assert_eq!(diff, many_changes());
    for format in [Format::Text, Format::Markdown, Format::Json] {
        assert_eq!(diff.render(format), many_changes().render(format));
    }
}

#[test]
fn a_domain_filter_keeps_the_domain_and_the_types_it_uses_from_others() {
    let old = base();
    let mut new = old.clone();
    ty(&mut new, "Clock", "Time")["type"] = "integer".into(); // used by Shop.sold
    ty(&mut new, "Clock", "Zone")["type"] = "integer".into(); // used by nothing in Shop
    push(
        &mut domain(&mut new, "Clock")["commands"],
        json!({ "name": "reset" }),
    );
    push(&mut ty(&mut new, "Shop", "Color")["enum"], json!("blue"));
    remove(&mut new["domains"], "domain", "Toys");

    let shop = diff_of(&old, &new, &["Shop"]);
    let paths: Vec<&str> = shop.changes.iter().map(|c| c.path.as_str()).collect();
    // `Clock.Time` changes type and becomes `Eq` (an `i64`); `Clock.now`, which returns it, is
    // not compared.
    assert_eq!(paths, ["Clock.Time", "Clock.Time", "Shop.Color.blue"]);

    let toys = diff_of(&old, &new, &["Toys"]);
    assert_sole(&toys, ChangeKind::DomainRemoved, "Toys", SOURCE_ONLY);
}

#[test]
fn a_domain_filter_naming_no_domain_is_an_error_with_a_hint() {
    let err = diff(&model(&base()), &model(&base()), &["Shopp".to_owned()]).unwrap_err();
    assert_eq!(
        err,
        DiffError::UnknownDomain {
            name: "Shopp".to_owned(),
            hint: Some("Shop".to_owned()),
        }
    );
    assert_eq!(
        err.to_string(),
        "no domain `Shopp` in either protocol; did you mean `Shop`?"
    );
}

#[test]
fn json_output_follows_the_documented_schema() {
    let diff = many_changes();
    let rendered = diff.render(Format::Json);
    // JSON has no lead: it is the same whichever class leads the other formats.
    assert_eq!(rendered, diff.render_led_by(Format::Json, Class::Wire));
    let value: Value = serde_json::from_str(&rendered).unwrap();
    assert_eq!(value["format_version"], 1);
    assert_eq!(
        value["summary"],
        json!({
            "breaking": 5,
            "non_breaking": 6,
            "changes": 11,
            "wire_breaking": 1,
            "source_breaking": 5,
            "semver_bump": "major"
        })
    );
    // `Clock.Time` became an integer: another Rust type, but an `f64` decodes integers.
    assert_eq!(
        value["changes"][0],
        json!({
            "kind": "type_changed",
            "item": "type",
            "path": "Clock.Time",
            "breaking": true,
            "message": "Type `Clock.Time` changed from `number` to `integer`.",
            "reason": "the Rust type changes",
            "direction": "received",
            "wire": {
                "breaking": false,
                "reason": "what the browser sends still decodes with the old bindings (the same \
                           JSON shape, or a narrower one)"
            },
            "source": { "breaking": true, "reason": "the Rust type changes" }
        })
    );
    let coupon = value["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|change| change["path"] == "Shop.buy.parameters.coupon")
        .unwrap();
    assert_eq!(coupon["direction"], "sent");
    assert_eq!(coupon["wire"]["breaking"], true);
    assert_eq!(coupon["source"]["breaking"], true);
    // A change that no direction decides says so with `null`.
    assert_eq!(value["changes"][2]["path"], "Clock.reset");
    assert_eq!(value["changes"][2]["direction"], Value::Null);
    // The keys come in the documented order: those of the format's first version (whose
    // `breaking` and `reason` are the source class's), then the two classes.
    let first_change = &rendered[rendered.find("\"changes\": [").unwrap()..];
    let positions: Vec<usize> = [
        "\"kind\"",
        "\"item\"",
        "\"path\"",
        "\"breaking\"",
        "\"message\"",
        "\"reason\"",
        "\"direction\"",
        "\"wire\"",
        "\"source\"",
    ]
    .iter()
    .map(|key| first_change.find(key).unwrap())
    .collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "{rendered}"
    );
    assert!(rendered.ends_with("}\n"));
}

#[test]
fn the_semver_bump_follows_the_source_class() {
    // Source-breaking, though compatible on the wire: major.
    let removed_event = after(|s| remove(&mut domain(s, "Shop")["events"], "name", "opened"));
    assert!(!removed_event.has_breaking(Class::Wire));
    assert!(removed_event.has_breaking(Class::Source));
    assert_eq!(removed_event.semver_bump(), Bump::Major);
    // Something added: minor, whatever it is.
    let added = [
        after(|s| push(&mut ty(s, "Shop", "Color")["enum"], json!("blue"))),
        after(|s| {
            push(
                &mut domain(s, "Shop")["events"],
                json!({ "name": "closed" }),
            )
        }),
        after(|s| {
            push(
                &mut command(s, "buy")["returns"],
                json!({ "name": "total", "type": "number" }),
            )
        }),
        // SemVer asks for a minor version when something becomes deprecated.
        after(|s| command(s, "close")["deprecated"] = true.into()),
    ];
    for diff in added {
        assert!(!diff.has_breaking(Class::Source), "{diff:?}");
        assert_eq!(diff.semver_bump(), Bump::Minor, "{diff:?}");
    }
    // Documentation only, or nothing: patch.
    let flag = after(|s| command(s, "close")["experimental"] = true.into());
    assert_eq!(flag.semver_bump(), Bump::Patch);
    assert_eq!(after(|_| {}).semver_bump(), Bump::Patch);
    assert_eq!(
        [Bump::Major, Bump::Minor, Bump::Patch].map(Bump::as_str),
        ["major", "minor", "patch"]
    );
    assert!(Bump::Patch < Bump::Minor && Bump::Minor < Bump::Major);
}

#[test]
fn a_named_type_travels_the_way_the_commands_and_events_that_use_it_do() {
    // A required field added to a type only events hold breaks no decoder; added to one only
    // command parameters hold, the browser requires what the old bindings never send. Both are
    // source-breaking: users build either type with `new`.
    let schema = |receipt: Value, order: Value| {
        json!({
            "version": { "major": "1", "minor": "3" },
            "domains": [ {
                "domain": "Till",
                "types": [
                    { "id": "Receipt", "type": "object", "properties": receipt },
                    { "id": "Order", "type": "object", "properties": order },
                    { "id": "Line", "type": "object", "properties": [
                        { "name": "sku", "type": "string" }
                    ] }
                ],
                "commands": [ { "name": "place", "parameters": [
                    { "name": "order", "$ref": "Order" }
                ] } ],
                "events": [ { "name": "printed", "parameters": [
                    { "name": "receipt", "$ref": "Receipt" }
                ] } ]
            } ]
        })
    };
    let lines = json!([{ "name": "lines", "type": "array", "items": { "$ref": "Line" } }]);
    let old = schema(lines.clone(), lines.clone());
    let with_total = json!([
        { "name": "lines", "type": "array", "items": { "$ref": "Line" } },
        { "name": "total", "type": "integer" }
    ]);
    let receipt = diff_of(&old, &schema(with_total.clone(), lines.clone()), &[]);
    let change = assert_sole(
        &receipt,
        ChangeKind::RequiredFieldAdded,
        "Till.Receipt.total",
        SOURCE_ONLY,
    );
    assert_eq!(change.direction, Some(Direction::Received));
    let order = diff_of(&old, &schema(lines.clone(), with_total), &[]);
    let change = assert_sole(
        &order,
        ChangeKind::RequiredFieldAdded,
        "Till.Order.total",
        BOTH,
    );
    assert_eq!(change.direction, Some(Direction::Sent));
    // `Line` is reached from both (through an array): both ways, the stricter decides.
    let mut new = old.clone();
    push(
        &mut ty(&mut new, "Till", "Line")["properties"],
        json!({ "name": "count", "type": "integer" }),
    );
    let change = assert_sole(
        &diff_of(&old, &new, &[]),
        ChangeKind::RequiredFieldAdded,
        "Till.Line.count",
        BOTH,
    );
    assert_eq!(change.direction, Some(Direction::Both));
}

// ---------------------------------------------------------------------------------------------
// Real protocol versions

const OLD_VERSION: &str = "0.0.999451";
const NEW_VERSION: &str = "0.0.1200039";

fn npm_model(package: &Path) -> Model {
    let mut config = Config::new();
    for file in ["browser_protocol.json", "js_protocol.json"] {
        config.protocol(package.join("json").join(file));
    }
    config.model().unwrap_or_else(|err| panic!("{err}"))
}

fn find_change<'a>(diff: &'a Diff, kind: ChangeKind, path: &str) -> &'a Change {
    diff.changes
        .iter()
        .find(|change| change.kind == kind && change.path == path)
        .unwrap_or_else(|| panic!("no {kind} at {path}"))
}

#[test]
fn real_versions_show_the_changes_chromium_made_with_their_class() {
    let (Some(old), Some(new)) = (
        cdp_test_support::devtools_protocol(OLD_VERSION),
        cdp_test_support::devtools_protocol(NEW_VERSION),
    ) else {
        return;
    };
    let diff = diff(&npm_model(&old), &npm_model(&new), &[]).unwrap();
    let expected = [
        // The case from the issue: users build BackgroundServiceEvent with `new`, but only the
        // browser sends it (in `backgroundServiceEventReceived`), and the old bindings skip
        // the new key.
        (
            ChangeKind::RequiredFieldAdded,
            "BackgroundService.BackgroundServiceEvent.storageKey",
            SOURCE_ONLY,
        ),
        // Required in an event: readers are unaffected.
        (
            ChangeKind::RequiredFieldAdded,
            "Storage.cacheStorageContentUpdated.parameters.storageKey",
            NEITHER,
        ),
        (
            ChangeKind::OptionalFieldAdded,
            "Accessibility.AXNode.chromeRole",
            NEITHER,
        ),
        // A reference that moved to another domain's type of the same wire shape.
        (
            ChangeKind::TypeChanged,
            "Fetch.requestPaused.parameters.networkId",
            SOURCE_ONLY,
        ),
        // A named enum replaced by a plain string, in what the browser sends.
        (
            ChangeKind::TypeChanged,
            "Audits.DeprecationIssueDetails.type",
            SOURCE_ONLY,
        ),
        // An inline enum replaced by a named one whose values are spelled otherwise
        // (`autoaccept` became `autoAccept`): the browser rejects what the old bindings send.
        (
            ChangeKind::TypeChanged,
            "Page.setSPCTransactionMode.parameters.mode",
            BOTH,
        ),
        // Optional in what the bindings send: they always send it, and it is still accepted.
        (
            ChangeKind::FieldBecameOptional,
            "CacheStorage.requestCacheNames.parameters.securityOrigin",
            SOURCE_ONLY,
        ),
        // Optional in what the browser sends: the old bindings require it.
        (
            ChangeKind::FieldBecameOptional,
            "Page.fileChooserOpened.parameters.backendNodeId",
            BOTH,
        ),
        // `Emulation.DisabledImageType` is only ever sent, in `setDisabledImageTypes`.
        (
            ChangeKind::EnumValueRemoved,
            "Emulation.DisabledImageType.jxl",
            BOTH,
        ),
        // `Network.TrustTokenParams` is only ever received, in `Network.Request`.
        (
            ChangeKind::FieldRemoved,
            "Network.TrustTokenParams.type",
            BOTH,
        ),
        (
            ChangeKind::EnumValueAdded,
            "Network.ResourceType.Prefetch",
            NEITHER,
        ),
        (
            ChangeKind::CommandRemoved,
            "Profiler.startTypeProfile",
            BOTH,
        ),
        (
            ChangeKind::EventRemoved,
            "Page.prerenderAttemptCompleted",
            SOURCE_ONLY,
        ),
        (ChangeKind::DomainAdded, "Preload", NEITHER),
        (
            ChangeKind::BecameDeprecated,
            "Network.getAllCookies",
            NEITHER,
        ),
        (
            ChangeKind::NoLongerExperimental,
            "Runtime.evaluate.parameters.generateWebDriverValue",
            NEITHER,
        ),
        // A required field in a result: no more `Default`.
        (
            ChangeKind::DeriveLost,
            "Debugger.setScriptSource.returns",
            SOURCE_ONLY,
        ),
        // `securityOrigin` became optional: every field is, so `Default` comes.
        (
            ChangeKind::DeriveGained,
            "CacheStorage.requestCacheNames.parameters",
            NEITHER,
        ),
    ];
    for (kind, path, expected) in expected {
        let change = find_change(&diff, kind, path);
        assert_eq!(breaks(change), expected, "{change:?}");
    }
    let directions = [
        (
            "BackgroundService.BackgroundServiceEvent.storageKey",
            Direction::Received,
        ),
        ("Emulation.DisabledImageType.jxl", Direction::Sent),
        ("Network.TrustTokenParams.type", Direction::Received),
        (
            "Page.setSPCTransactionMode.parameters.mode",
            Direction::Sent,
        ),
    ];
    for (path, direction) in directions {
        let change = diff
            .changes
            .iter()
            .find(|change| change.path == path)
            .unwrap();
        assert_eq!(change.direction, Some(direction), "{change:?}");
    }
    // Three years of changes: most of what breaks code breaks no message.
    assert_eq!(
        (
            diff.changes.len(),
            diff.breaking(Class::Source).count(),
            diff.breaking(Class::Wire).count()
        ),
        (384, 70, 9)
    );
    let wire: Vec<&str> = diff
        .breaking(Class::Wire)
        .map(|change| change.path.as_str())
        .collect();
    assert_eq!(
        wire,
        [
            "DOMStorage.StorageId.securityOrigin",
            "Emulation.DisabledImageType.jxl",
            "Network.TrustTokenParams.type",
            "Page.setSPCTransactionMode.parameters.mode",
            "Page.fileChooserOpened.parameters.backendNodeId",
            "Profiler.startTypeProfile",
            "Profiler.stopTypeProfile",
            "Profiler.takeTypeProfile",
            "Runtime.RemoteObject.webDriverValue",
        ]
    );
    assert_eq!(diff.semver_bump(), Bump::Major);
    let networkid = find_change(
        &diff,
        ChangeKind::TypeChanged,
        "Fetch.requestPaused.parameters.networkId",
    );
    assert!(
        networkid
            .message
            .contains("from `Fetch.RequestId` to `Network.RequestId`"),
        "{networkid:?}"
    );
    // Structs derive no `Eq`, `Hash` or `Copy`: of the derived traits, only `Default` moved
    // (a new field in `Runtime.executionContextDestroyed`, a new `Target.TargetFilter` in
    // `Target.getTargets` cost nothing).
    let derives: Vec<(ChangeKind, &str)> = diff
        .changes
        .iter()
        .filter(|change| {
            matches!(
                change.kind,
                ChangeKind::DeriveLost | ChangeKind::DeriveGained
            )
        })
        .map(|change| (change.kind, change.path.as_str()))
        .collect();
    assert_eq!(
        derives,
        [
            (
                ChangeKind::DeriveGained,
                "CacheStorage.requestCacheNames.parameters"
            ),
            (ChangeKind::DeriveLost, "Debugger.setScriptSource.returns"),
            (
                ChangeKind::DeriveGained,
                "IndexedDB.requestDatabaseNames.parameters"
            ),
        ]
    );
    assert_eq!(
        find_change(
            &diff,
            ChangeKind::DeriveLost,
            "Debugger.setScriptSource.returns"
        )
        .message,
        "`debugger::SetScriptSourceReturns` (the result of command `Debugger.setScriptSource`) \
         no longer derives `Default`: its field `status` is required."
    );
    assert_explained(&diff);

    // With a filter, only BackgroundService and the two types it uses are compared.
    let background = cdp_codegen::diff::diff(
        &npm_model(&old),
        &npm_model(&new),
        &["BackgroundService".to_owned()],
    )
    .unwrap();
    let change = assert_sole(
        &background,
        ChangeKind::RequiredFieldAdded,
        "BackgroundService.BackgroundServiceEvent.storageKey",
        SOURCE_ONLY,
    );
    assert_eq!(
        change.source.reason,
        "`new` gains an argument for the required field"
    );
    assert_eq!(
        change.wire.reason,
        "the old bindings' decoders skip the key they do not know"
    );
    assert_eq!(change.direction, Some(Direction::Received));
    assert!(!background.has_breaking(Class::Wire));
    assert!(background.has_breaking(Class::Source));
}

#[test]
fn real_versions_class_wire_and_source_apart() {
    let (Some(old), Some(new)) = (
        cdp_test_support::devtools_protocol(NEW_VERSION),
        cdp_test_support::devtools_protocol(cdp_test_support::DEVTOOLS_PROTOCOL_VERSION),
    ) else {
        return;
    };
    let diff = diff(&npm_model(&old), &npm_model(&new), &[]).unwrap();
    let expected = [
        // `Browser.PermissionType` is only sent (`grantPermissions`, `setPermission`): a value
        // the old bindings may send that the browser no longer knows.
        (
            ChangeKind::EnumValueRemoved,
            "Browser.PermissionType.flash",
            BOTH,
            Some(Direction::Sent),
        ),
        (
            ChangeKind::EnumValueRemoved,
            "Overlay.InspectMode.showDistances",
            BOTH,
            Some(Direction::Sent),
        ),
        // The other way, a value the browser stops sending.
        (
            ChangeKind::EnumValueRemoved,
            "Network.CorsError.InsecurePrivateNetwork",
            SOURCE_ONLY,
            Some(Direction::Received),
        ),
        // A parameter that became optional: `new` loses an argument, the message is the same.
        (
            ChangeKind::FieldBecameOptional,
            "Network.setBlockedURLs.parameters.urls",
            SOURCE_ONLY,
            Some(Direction::Sent),
        ),
        // The browser takes the integers the old bindings send where it now wants a number.
        (
            ChangeKind::TypeChanged,
            "Input.dispatchMouseEvent.parameters.tiltX",
            SOURCE_ONLY,
            Some(Direction::Sent),
        ),
        // `WebAuthn.Credential` travels both ways, and the old bindings cannot decode a
        // `number` where they want an `integer`.
        (
            ChangeKind::TypeChanged,
            "WebAuthn.Credential.signCount",
            BOTH,
            Some(Direction::Both),
        ),
        // An alias of a `string` moved from CSS to DOM: the same messages.
        (
            ChangeKind::TypeChanged,
            "CSS.addRule.parameters.styleSheetId",
            SOURCE_ONLY,
            Some(Direction::Sent),
        ),
        (
            ChangeKind::TypeChanged,
            "CSS.styleSheetRemoved.parameters.styleSheetId",
            SOURCE_ONLY,
            Some(Direction::Received),
        ),
        // A string that became an object, in what the bindings send.
        (
            ChangeKind::TypeChanged,
            "Network.setCookie.parameters.partitionKey",
            BOTH,
            Some(Direction::Sent),
        ),
        // A single value that became an array, in what the browser sends.
        (
            ChangeKind::TypeChanged,
            "Debugger.scriptParsed.parameters.debugSymbols",
            BOTH,
            Some(Direction::Received),
        ),
        // A required field the browser no longer sends (`FedCm.Account` is only received).
        (
            ChangeKind::FieldRemoved,
            "FedCm.Account.idpSigninUrl",
            BOTH,
            Some(Direction::Received),
        ),
        // And one that became required in what it sends: always `Some` now.
        (
            ChangeKind::FieldBecameRequired,
            "Audits.AffectedRequest.url",
            SOURCE_ONLY,
            Some(Direction::Received),
        ),
        (
            ChangeKind::RequiredFieldAdded,
            "Page.getAppManifest.returns.manifest",
            NEITHER,
            Some(Direction::Received),
        ),
        // A domain with commands: they would fail.
        (ChangeKind::DomainRemoved, "Database", BOTH, None),
        (ChangeKind::CommandRemoved, "Page.getCookies", BOTH, None),
    ];
    for (kind, path, classes, direction) in expected {
        let change = find_change(&diff, kind, path);
        assert_eq!(
            (breaks(change), change.direction),
            (classes, direction),
            "{change:?}"
        );
    }
    assert_eq!(
        (
            diff.changes.len(),
            diff.breaking(Class::Source).count(),
            diff.breaking(Class::Wire).count()
        ),
        (872, 197, 42)
    );
    assert_explained(&diff);
    // Nothing breaks on the wire that does not break in source too.
    assert!(diff
        .breaking(Class::Wire)
        .all(|change| change.source.breaking));
}

#[test]
fn real_versions_show_a_number_in_a_struct_costs_no_derive_and_default_still_moves() {
    let (Some(old), Some(new)) = (
        cdp_test_support::devtools_protocol(NEW_VERSION),
        cdp_test_support::devtools_protocol(cdp_test_support::DEVTOOLS_PROTOCOL_VERSION),
    ) else {
        return;
    };
    let diff = diff(&npm_model(&old), &npm_model(&new), &[]).unwrap();
    // `WebAuthn.Credential.signCount` went from `integer` to `number`: `Credential` and what
    // holds it are structs, which had no `Eq` or `Hash` to lose.
    find_change(
        &diff,
        ChangeKind::TypeChanged,
        "WebAuthn.Credential.signCount",
    );
    let holders = [
        "WebAuthn.Credential",
        "WebAuthn.addCredential.parameters",
        "WebAuthn.getCredential.returns",
        "WebAuthn.getCredentials.returns",
        "WebAuthn.credentialAdded.parameters",
        "WebAuthn.credentialAsserted.parameters",
    ];
    for path in holders {
        assert!(
            !diff.changes.iter().any(|change| change.path == path
                && matches!(
                    change.kind,
                    ChangeKind::DeriveLost | ChangeKind::DeriveGained
                )),
            "{path}"
        );
    }
    // The one derive change: `urls` became optional, so `Default` comes.
    assert_eq!(paths_of(&diff, ChangeKind::DeriveLost), Vec::<&str>::new());
    assert_eq!(
        paths_of(&diff, ChangeKind::DeriveGained),
        ["Network.setBlockedURLs.parameters"]
    );
    let blocked = find_change(
        &diff,
        ChangeKind::DeriveGained,
        "Network.setBlockedURLs.parameters",
    );
    assert_eq!(breaks(blocked), NEITHER);
    assert_eq!(
        blocked.message,
        "`network::SetBlockedUrLsParams` (the parameters of command `Network.setBlockedURLs`) \
         now derives `Default`; before, its field `urls` was required."
    );
    assert_explained(&diff);
    // The same pair the other way round loses what this way gains.
    let back = cdp_codegen::diff::diff(&npm_model(&new), &npm_model(&old), &[]).unwrap();
    assert_eq!(
        paths_of(&diff, ChangeKind::DeriveLost),
        paths_of(&back, ChangeKind::DeriveGained)
    );
    assert_eq!(
        paths_of(&diff, ChangeKind::DeriveGained),
        paths_of(&back, ChangeKind::DeriveLost)
    );
    assert_explained(&back);
}

// ---------------------------------------------------------------------------------------------
// The CLI

/// A directory of this test's own under cargo's scratch space for tests (in the target
/// directory, so runs leave nothing behind in the system's temporary directory).
fn temp_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("diff-{test}"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `old` and `new` to this test's directory; returns their paths.
fn write_pair(test: &str, old: &Value, new: &Value) -> (String, String) {
    let dir = temp_dir(test);
    let (old_path, new_path) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(&old_path, old.to_string()).unwrap();
    std::fs::write(&new_path, new.to_string()).unwrap();
    (
        old_path.to_str().unwrap().to_owned(),
        new_path.to_str().unwrap().to_owned(),
    )
}

/// Writes the base schema and a new version with three changes, one of each class: a field
/// removed that was optional (source-breaking only), a parameter that became required (both)
/// and a new enum value (neither); returns their paths.
fn cli_pair(test: &str) -> (String, String) {
    let old = base();
    let mut new = old.clone();
    remove(
        &mut ty(&mut new, "Shop", "Item")["properties"],
        "name",
        "note",
    );
    push(&mut ty(&mut new, "Shop", "Color")["enum"], json!("blue"));
    field(command(&mut new, "buy"), "parameters", "gift")["optional"] = false.into();
    write_pair(test, &old, &new)
}

/// What `diff` prints for [`cli_pair`] as text, led by the source class.
const CLI_PAIR_TEXT: &str = "\
3 changes: 2 source-breaking, 1 wire-breaking; semver bump: major.
source-breaking: code written against the old bindings may not compile once they are \
regenerated from the new protocol.
wire-breaking: bindings generated from the old protocol may fail to decode what a browser that \
speaks the new one sends, or send what it rejects.

SOURCE-BREAKING (2)
  Shop.Item.note  [field_removed]
    Field `note` was removed from type `Shop.Item`.
    source: breaking: the Rust field disappears, with its `new` argument or setter
    wire (both ways): compatible: the type is used both in command parameters and in what the \
browser sends (or by no command or event), so the stricter direction decides: the field was \
optional, so it decodes as `None`, and the browser skips it when sent
  Shop.buy.parameters.gift  [field_became_required]
    Field `gift` of the parameters of command `Shop.buy` became required.
    source: breaking: `new` gains an argument, the setter disappears and the field is no longer \
an `Option`
    wire (sent): breaking: the old bindings may leave the field out (it is an `Option` there), \
and the browser now requires it

NOT SOURCE-BREAKING (1)
  Shop.Color.blue  [enum_value_added]
    Value `blue` was added to enum `Shop.Color`.
    source: compatible: the enum is `#[non_exhaustive]` and has an `Unknown(..)` fallback, \
where the value used to land
    wire (both ways): compatible: the old bindings decode the value as `Unknown(..)`, and send \
only the values they know
";

#[test]
fn cli_text_groups_by_the_source_class_and_shows_both() {
    let (old, new) = cli_pair("text");
    let output = run(&["diff", &old, &new]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), CLI_PAIR_TEXT);
}

#[test]
fn text_led_by_the_wire_counts_and_groups_by_it() {
    let (old, new) = cli_pair("text-wire");
    let diff = diff(
        &Config::new().protocol(&old).model().unwrap(),
        &Config::new().protocol(&new).model().unwrap(),
        &[],
    )
    .unwrap();
    let text = diff.render_led_by(Format::Text, Class::Wire);
    assert!(
        text.starts_with(
            "3 changes: 1 wire-breaking, 2 source-breaking; semver bump: major.\n\
             wire-breaking: bindings generated from the old protocol"
        ),
        "{text}"
    );
    let wire = text
        .find(
            "\nWIRE-BREAKING (1)\n  Shop.buy.parameters.gift  [field_became_required]\n    \
             Field `gift` of the parameters of command `Shop.buy` became required.\n    \
             wire (sent): breaking: ",
        )
        .unwrap_or_else(|| panic!("{text}"));
    let rest = text
        .find("\nNOT WIRE-BREAKING (2)\n  Shop.Color.blue  [enum_value_added]\n")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(wire < rest, "{text}");
    assert!(
        text.contains(
            "  Shop.Item.note  [field_removed]\n    Field `note` was removed from type \
             `Shop.Item`.\n    wire (both ways): compatible: "
        ),
        "{text}"
    );
    assert_eq!(diff.render(Format::Text), CLI_PAIR_TEXT);
}

#[test]
fn cli_markdown_is_a_changelog_body_with_both_classes() {
    let (old, new) = cli_pair("markdown");
    let output = run(&["diff", &old, &new, "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "\
### Protocol changes

3 changes: **2 source-breaking**, **1 wire-breaking**; semver bump: **major**.

- *Source-breaking*: code written against the old bindings may not compile once they are \
regenerated from the new protocol.
- *Wire-breaking*: bindings generated from the old protocol may fail to decode what a browser \
that speaks the new one sends, or send what it rejects.

#### Source-breaking (2)

- `Shop.Item.note` (`field_removed`): Field `note` was removed from type `Shop.Item`.
  - Source: **breaking**: the Rust field disappears, with its `new` argument or setter.
  - Wire (both ways): compatible: the type is used both in command parameters and in what the \
browser sends (or by no command or event), so the stricter direction decides: the field was \
optional, so it decodes as `None`, and the browser skips it when sent.
- `Shop.buy.parameters.gift` (`field_became_required`): Field `gift` of the parameters of \
command `Shop.buy` became required.
  - Source: **breaking**: `new` gains an argument, the setter disappears and the field is no \
longer an `Option`.
  - Wire (sent): **breaking**: the old bindings may leave the field out (it is an `Option` \
there), and the browser now requires it.

#### Not source-breaking (1)

- `Shop.Color.blue` (`enum_value_added`): Value `blue` was added to enum `Shop.Color`.
  - Source: compatible: the enum is `#[non_exhaustive]` and has an `Unknown(..)` fallback, \
where the value used to land.
  - Wire (both ways): compatible: the old bindings decode the value as `Unknown(..)`, and send \
only the values they know.
"
    );
    let same = run(&["diff", &old, &old, "--format", "markdown"]);
    assert_eq!(stdout(&same), "### Protocol changes\n\nNo changes.\n");
}

#[test]
fn cli_json_is_the_library_rendering() {
    let (old, new) = cli_pair("json");
    let output = run(&["diff", &old, &new, "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected = diff(
        &Config::new().protocol(&old).model().unwrap(),
        &Config::new().protocol(&new).model().unwrap(),
        &[],
    )
    .unwrap()
    .render(Format::Json);
    assert_eq!(stdout(&output), expected);
    let value: Value = serde_json::from_str(&expected).unwrap();
    // Unlike text and Markdown, JSON keeps the diff's order: types by name, then commands.
    let classes: Vec<(&str, &Value, &Value, &Value)> = value["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| {
            (
                change["path"].as_str().unwrap(),
                &change["direction"],
                &change["wire"]["breaking"],
                &change["source"]["breaking"],
            )
        })
        .collect();
    assert_eq!(
        classes,
        [
            (
                "Shop.Color.blue",
                &json!("both"),
                &json!(false),
                &json!(false)
            ),
            (
                "Shop.Item.note",
                &json!("both"),
                &json!(false),
                &json!(true)
            ),
            (
                "Shop.buy.parameters.gift",
                &json!("sent"),
                &json!(true),
                &json!(true)
            ),
        ]
    );
    assert_eq!(
        value["summary"],
        json!({
            "breaking": 2,
            "non_breaking": 1,
            "changes": 3,
            "wire_breaking": 1,
            "source_breaking": 2,
            "semver_bump": "major"
        })
    );
}

#[test]
fn cli_fail_on_exits_1_only_when_a_change_breaks_in_that_class() {
    // Only a field removed that was optional: source-breaking, compatible on the wire.
    let old = base();
    let mut new = old.clone();
    remove(
        &mut ty(&mut new, "Shop", "Item")["properties"],
        "name",
        "note",
    );
    let (old, new) = write_pair("fail-on", &old, &new);

    let wire = run(&["diff", &old, &new, "--fail-on", "wire"]);
    assert_eq!(wire.status.code(), Some(0), "{}", stderr(&wire));
    assert_eq!(stderr(&wire), "");
    assert!(stdout(&wire).contains("field_removed"));

    for args in [
        &["--fail-on", "source"][..],
        &["--fail-on-breaking"],
        &["--fail-on", "wire,source"],
        &["--fail-on", "wire", "--fail-on", "source"],
    ] {
        let failing = run(&[&["diff", old.as_str(), new.as_str()][..], args].concat());
        assert_eq!(
            failing.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&failing)
        );
        assert!(stdout(&failing).contains("field_removed"), "{args:?}");
        let flag = if args == ["--fail-on-breaking"] {
            "--fail-on-breaking"
        } else {
            "--fail-on source"
        };
        assert_eq!(
            stderr(&failing),
            format!("error: 1 source-breaking change(s) ({flag})\n"),
            "{args:?}"
        );
    }

    // A required parameter added breaks both: each class asked for is reported.
    let mut both = base();
    push(
        &mut command(&mut both, "buy")["parameters"],
        json!({ "name": "coupon", "type": "string" }),
    );
    let (old, both) = write_pair("fail-on-both", &base(), &both);
    let failing = run(&["diff", &old, &both, "--fail-on", "source,wire"]);
    assert_eq!(failing.status.code(), Some(1));
    assert_eq!(
        stderr(&failing),
        "error: 1 wire-breaking change(s) (--fail-on wire)\n\
         error: 1 source-breaking change(s) (--fail-on source)\n"
    );

    let same = run(&["diff", &old, &old, "--fail-on", "wire,source"]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert_eq!(stdout(&same), "No changes.\n");

    // Only a new enum value: nothing breaks.
    let mut fine = base();
    push(&mut ty(&mut fine, "Shop", "Color")["enum"], json!("blue"));
    let (old, fine) = write_pair("fail-on-fine", &base(), &fine);
    let output = run(&[
        "diff",
        &old,
        &fine,
        "--fail-on",
        "source",
        "--fail-on",
        "wire",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn cli_fail_on_source_exits_1_when_only_a_derive_is_lost() {
    // A required field in an event breaks no reader, but the event loses `Default` (a struct,
    // it had no `Eq` or `Hash` to lose to the `number`). None of it shows on the wire.
    let old = base();
    let mut new = old.clone();
    event(&mut new, "opened")["parameters"] = json!([{ "name": "at", "type": "number" }]);
    let (old, new) = write_pair("derive", &old, &new);
    let (old, new) = (old.as_str(), new.as_str());

    let failing = run(&["diff", old, new, "--fail-on-breaking"]);
    assert_eq!(failing.status.code(), Some(1), "{}", stderr(&failing));
    assert_eq!(
        stderr(&failing),
        "error: 1 source-breaking change(s) (--fail-on-breaking)\n"
    );
    let text = stdout(&failing);
    assert!(
        text.starts_with("2 changes: 1 source-breaking, 0 wire-breaking; semver bump: major.\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "SOURCE-BREAKING (1)\n  Shop.opened.parameters  [derive_lost]\n    \
             `shop::OpenedEvent` (event `Shop.opened`) no longer derives `Default`: its field \
             `at` is required.\n    source: breaking: code that uses the trait stops compiling"
        ),
        "{text}"
    );
    assert!(!text.contains("derives `Eq`"), "{text}");
    assert!(
        text.contains(
            "    wire: compatible: derived traits are Rust only: messages do not change\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "NOT SOURCE-BREAKING (1)\n  Shop.opened.parameters.at  [required_field_added]"
        ),
        "{text}"
    );

    let markdown = stdout(&run(&["diff", old, new, "--format", "markdown"]));
    assert!(
        markdown.contains("- `Shop.opened.parameters` (`derive_lost`): `shop::OpenedEvent`"),
        "{markdown}"
    );
    let json: Value =
        serde_json::from_str(&stdout(&run(&["diff", old, new, "--format", "json"]))).unwrap();
    assert_eq!(json["summary"]["source_breaking"], 1);
    assert_eq!(json["summary"]["wire_breaking"], 0);
    let lost = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|change| change["kind"] == "derive_lost")
        .unwrap();
    assert_eq!(lost["kind"], "derive_lost");
    assert_eq!(lost["item"], "event");
    assert_eq!(lost["path"], "Shop.opened.parameters");
    assert_eq!(lost["direction"], Value::Null);
    assert_eq!(lost["source"]["breaking"], true);
    assert_eq!(lost["wire"]["breaking"], false);

    // Without the flag, or asking about the wire, the diff is printed and the status is 0.
    for args in [&[][..], &["--fail-on", "wire"]] {
        let output = run(&[&["diff", old, new][..], args].concat());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
}

#[test]
fn cli_domain_filter_leaves_other_domains_out() {
    let (old, new) = cli_pair("domain");
    let output = run(&["diff", &old, &new, "--domain", "Toys", "--fail-on-breaking"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "No changes.\n");
    let shop = run(&["diff", &old, &new, "--domain", "Shop", "--format", "json"]);
    let value: Value = serde_json::from_str(&stdout(&shop)).unwrap();
    assert_eq!(value["summary"]["source_breaking"], 2);
    assert_eq!(value["summary"]["wire_breaking"], 1);
}

#[test]
fn cli_merges_repeated_old_and_new_files() {
    // Split each version into two files, as Chromium splits browser and JS protocols.
    let dir = temp_dir("merge");
    let split = |schema: &Value, name: &str| -> (String, String) {
        let mut first = schema.clone();
        let mut second = schema.clone();
        first["domains"]
            .as_array_mut()
            .unwrap()
            .retain(|d| d["domain"] != "Clock");
        second["domains"]
            .as_array_mut()
            .unwrap()
            .retain(|d| d["domain"] == "Clock");
        let (a, b) = (
            dir.join(format!("{name}-a.json")),
            dir.join(format!("{name}-b.json")),
        );
        std::fs::write(&a, first.to_string()).unwrap();
        std::fs::write(&b, second.to_string()).unwrap();
        (
            a.to_str().unwrap().to_owned(),
            b.to_str().unwrap().to_owned(),
        )
    };
    let old = base();
    let mut new = old.clone();
    ty(&mut new, "Clock", "Time")["type"] = "integer".into();
    let (old_a, old_b) = split(&old, "old");
    let (new_a, new_b) = split(&new, "new");
    let output = run(&[
        "diff", "--old", &old_a, "--old", &old_b, "--new", &new_a, "--new", &new_b, "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let value: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let changes: Vec<(&str, &str)> = value["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| {
            (
                change["kind"].as_str().unwrap(),
                change["path"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            // `Clock.Time`, a newtype, gains `Eq`, `Hash` and `Copy`; `NowReturns`, the struct
            // that holds it, gains nothing.
            ("type_changed", "Clock.Time"),
            ("derive_gained", "Clock.Time"),
        ]
    );
}

#[test]
fn cli_reads_pdl_and_json_alike() {
    let dir = temp_dir("pdl");
    let pdl = dir.join("old.pdl");
    std::fs::write(
        &pdl,
        "version\n  major 1\n  minor 3\n\ndomain Tiny\n  type Mood extends string\n    enum\n      \
         calm\n      busy\n  command rest\n    parameters\n      integer minutes\n",
    )
    .unwrap();
    let json_path = dir.join("new.json");
    let new = json!({
        "version": { "major": "1", "minor": "3" },
        "domains": [ {
            "domain": "Tiny",
            "types": [ { "id": "Mood", "type": "string", "enum": ["calm", "busy", "sleepy"] } ],
            "commands": [ { "name": "rest", "parameters": [
                { "name": "minutes", "type": "integer" }
            ] } ]
        } ]
    });
    std::fs::write(&json_path, new.to_string()).unwrap();
    let output = run(&[
        "diff",
        pdl.to_str().unwrap(),
        json_path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let value: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(value["changes"].as_array().unwrap().len(), 1, "{value}");
    assert_eq!(value["changes"][0]["path"], "Tiny.Mood.sleepy");
}

#[test]
fn cli_bad_input_exits_2_and_says_what_is_wrong() {
    let (old, new) = cli_pair("bad");
    let missing = run(&["diff", &old, "/nonexistent/new.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("in the new protocol: cannot read the protocol file"),
        "{}",
        stderr(&missing)
    );

    let dir = temp_dir("bad-schema");
    let mut broken = base();
    field(event(&mut broken, "sold"), "parameters", "at")["$ref"] = "Clock.Tme".into();
    let broken_path = dir.join("broken.json");
    std::fs::write(&broken_path, broken.to_string()).unwrap();
    let invalid = run(&["diff", broken_path.to_str().unwrap(), &new]);
    assert_eq!(invalid.status.code(), Some(2));
    let err = stderr(&invalid);
    assert!(err.contains("in the old protocol"), "{err}");
    assert!(err.contains("did you mean `Clock.Time`?"), "{err}");

    let unknown = run(&["diff", &old, &new, "--domain", "Shopp"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("did you mean `Shop`?"),
        "{}",
        stderr(&unknown)
    );

    let format = run(&["diff", &old, &new, "--format", "yaml"]);
    assert_eq!(format.status.code(), Some(2));
    // Clap says what it expected.
    let class = run(&["diff", &old, &new, "--fail-on", "breaking"]);
    assert_eq!(class.status.code(), Some(2));
    let err = stderr(&class);
    assert!(
        err.starts_with(
            "error: invalid value 'breaking' for '--fail-on <CLASS>'
"
        ),
        "{err}"
    );
    assert!(err.contains("[possible values: wire, source]"), "{err}");
    let empty = run(&["diff", &old, &new, "--fail-on"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(
        stderr(&empty).contains("a value is required for '--fail-on <CLASS>'"),
        "{}",
        stderr(&empty)
    );
    let one_file = run(&["diff", &old]);
    assert_eq!(one_file.status.code(), Some(2));
    let mixed = run(&["diff", "--old", &old, &new]);
    assert_eq!(mixed.status.code(), Some(2));
}
