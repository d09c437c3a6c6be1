//! `cdp_codegen::diff` and `cdp-codegen diff`: every kind of change is found at its path and
//! classed as breaking or not for the generated bindings; real protocol versions give the
//! changes Chromium actually made; the CLI prints text, Markdown and JSON and exits 0, 1 or 2.

mod common;

use std::path::{Path, PathBuf};

use cdp_codegen::diff::{diff, Change, ChangeKind, Diff, DiffError, Format, Item};
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

/// Asserts that `diff` holds exactly one change, of this kind, path and class.
fn assert_sole(diff: &Diff, kind: ChangeKind, path: &str, breaking: bool) -> Change {
    assert_eq!(
        diff.changes.len(),
        1,
        "expected one change, got:\n{}",
        diff.render(Format::Text)
    );
    let change = diff.changes[0].clone();
    assert_eq!(
        (change.kind, change.path.as_str(), change.breaking),
        (kind, path, breaking),
        "{change:?}"
    );
    assert!(!change.message.is_empty() && !change.reason.is_empty());
    change
}

/// The kind, path and class of every change, in order.
fn found(diff: &Diff) -> Vec<(ChangeKind, &str, bool)> {
    diff.changes
        .iter()
        .map(|change| (change.kind, change.path.as_str(), change.breaking))
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
fn a_new_domain_is_not_breaking_and_a_removed_one_is() {
    let added = after(|s| push(&mut s["domains"], json!({ "domain": "Garden" })));
    let change = assert_sole(&added, ChangeKind::DomainAdded, "Garden", false);
    assert_eq!(change.item, Item::Domain);
    let removed = after(|s| remove(&mut s["domains"], "domain", "Toys"));
    assert_sole(&removed, ChangeKind::DomainRemoved, "Toys", true);
}

#[test]
fn a_new_type_is_not_breaking_and_a_removed_one_is() {
    let added = after(|s| {
        push(
            &mut domain(s, "Shop")["types"],
            json!({ "id": "Price", "type": "number" }),
        )
    });
    let change = assert_sole(&added, ChangeKind::TypeAdded, "Shop.Price", false);
    assert_eq!(change.item, Item::Type);
    let removed = after(|s| remove(&mut domain(s, "Shop")["types"], "id", "Spare"));
    assert_sole(&removed, ChangeKind::TypeRemoved, "Shop.Spare", true);
}

#[test]
fn a_new_command_is_not_breaking_and_a_removed_one_is() {
    let added = after(|s| {
        push(
            &mut domain(s, "Shop")["commands"],
            json!({ "name": "refund" }),
        )
    });
    let change = assert_sole(&added, ChangeKind::CommandAdded, "Shop.refund", false);
    assert_eq!(change.item, Item::Command);
    let removed = after(|s| remove(&mut domain(s, "Shop")["commands"], "name", "close"));
    assert_sole(&removed, ChangeKind::CommandRemoved, "Shop.close", true);
}

#[test]
fn a_new_event_is_not_breaking_and_a_removed_one_is() {
    let added = after(|s| {
        push(
            &mut domain(s, "Shop")["events"],
            json!({ "name": "closed" }),
        )
    });
    let change = assert_sole(&added, ChangeKind::EventAdded, "Shop.closed", false);
    assert_eq!(change.item, Item::Event);
    let removed = after(|s| remove(&mut domain(s, "Shop")["events"], "name", "opened"));
    assert_sole(&removed, ChangeKind::EventRemoved, "Shop.opened", true);
}

// ---------------------------------------------------------------------------------------------
// Fields added and removed, by where they live

#[test]
fn a_new_required_param_breaks_because_new_gains_an_argument() {
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
        true,
    );
    assert_eq!(change.item, Item::Field);
    assert!(
        change.reason.contains("`new` gains an argument"),
        "{change:?}"
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
        false,
    );
    assert!(change.reason.contains("setter"), "{change:?}");
}

#[test]
fn a_new_required_field_in_an_object_type_breaks_and_an_optional_one_does_not() {
    let required = after(|s| {
        push(
            &mut ty(s, "Shop", "Item")["properties"],
            json!({ "name": "price", "type": "string" }),
        )
    });
    assert_sole(
        &required,
        ChangeKind::RequiredFieldAdded,
        "Shop.Item.price",
        true,
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
        false,
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
        false,
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
        false,
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
        false,
    );
}

#[test]
fn a_removed_field_breaks_wherever_it_was() {
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
        if path == "Shop.buy.returns.eta" {
            // `eta` was the result's only `number`: the result becomes `Eq` and `Hash`.
            assert_eq!(
                found(&diff),
                [
                    (ChangeKind::FieldRemoved, path, true),
                    (ChangeKind::DeriveGained, "Shop.buy.returns", false),
                ]
            );
        } else {
            assert_sole(&diff, ChangeKind::FieldRemoved, path, true);
        }
    }
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
        true,
    );
}

// ---------------------------------------------------------------------------------------------
// Optional <-> required

#[test]
fn optional_to_required_breaks_in_params_and_in_results() {
    let params =
        after(|s| field(command(s, "buy"), "parameters", "gift")["optional"] = false.into());
    assert_sole(
        &params,
        ChangeKind::FieldBecameRequired,
        "Shop.buy.parameters.gift",
        true,
    );
    let returns = after(|s| field(command(s, "buy"), "returns", "eta")["optional"] = false.into());
    let change = assert_sole(
        &returns,
        ChangeKind::FieldBecameRequired,
        "Shop.buy.returns.eta",
        true,
    );
    assert!(change.reason.contains("`Option<T>` to `T`"), "{change:?}");
}

#[test]
fn required_to_optional_breaks_in_params_events_and_objects() {
    let params =
        after(|s| field(command(s, "buy"), "parameters", "count")["optional"] = true.into());
    assert_sole(
        &params,
        ChangeKind::FieldBecameOptional,
        "Shop.buy.parameters.count",
        true,
    );
    let event = after(|s| field(event(s, "sold"), "parameters", "at")["optional"] = true.into());
    let change = assert_sole(
        &event,
        ChangeKind::FieldBecameOptional,
        "Shop.sold.parameters.at",
        true,
    );
    assert!(change.reason.contains("`None`"), "{change:?}");
    let object =
        after(|s| field(ty(s, "Shop", "Item"), "properties", "color")["optional"] = true.into());
    assert_sole(
        &object,
        ChangeKind::FieldBecameOptional,
        "Shop.Item.color",
        true,
    );
}

// ---------------------------------------------------------------------------------------------
// Enum values

#[test]
fn a_new_enum_value_is_not_breaking_thanks_to_the_fallback_variant() {
    let diff = after(|s| push(&mut ty(s, "Shop", "Color")["enum"], json!("blue")));
    let change = assert_sole(&diff, ChangeKind::EnumValueAdded, "Shop.Color.blue", false);
    assert_eq!(change.item, Item::EnumValue);
    assert!(change.reason.contains("Unknown"), "{change:?}");
}

#[test]
fn a_removed_enum_value_breaks() {
    let diff = after(|s| ty(s, "Shop", "Color")["enum"] = json!(["red"]));
    assert_sole(
        &diff,
        ChangeKind::EnumValueRemoved,
        "Shop.Color.green",
        true,
    );
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
        false,
    );
    let removed =
        after(|s| field(event(s, "sold"), "parameters", "channel")["enum"] = json!(["web"]));
    assert_sole(
        &removed,
        ChangeKind::EnumValueRemoved,
        "Shop.sold.parameters.channel.store",
        true,
    );
}

// ---------------------------------------------------------------------------------------------
// Type changes

#[test]
fn a_primitive_type_change_breaks() {
    let diff = after(|s| field(command(s, "buy"), "parameters", "count")["type"] = "number".into());
    assert_eq!(
        found(&diff),
        [
            (ChangeKind::TypeChanged, "Shop.buy.parameters.count", true),
            // An `f64` is neither `Eq` nor `Hash`.
            (ChangeKind::DeriveLost, "Shop.buy.parameters", true),
        ]
    );
    let change = &diff.changes[0];
    assert!(
        change.message.contains("from `integer` to `number`"),
        "{change:?}"
    );
}

#[test]
fn becoming_an_array_or_ceasing_to_be_one_breaks() {
    let to_array = after(|s| {
        *field(command(s, "buy"), "parameters", "count") =
            json!({ "name": "count", "type": "array", "items": { "type": "integer" } })
    });
    let change = assert_sole(
        &to_array,
        ChangeKind::TypeChanged,
        "Shop.buy.parameters.count",
        true,
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
    assert_sole(&from_array, ChangeKind::TypeChanged, "Shop.Item.tags", true);
}

#[test]
fn a_reference_to_another_type_breaks_even_when_both_are_strings_on_the_wire() {
    let diff = after(|s| field(event(s, "sold"), "parameters", "at")["$ref"] = "Clock.Zone".into());
    let change = assert_sole(
        &diff,
        ChangeKind::TypeChanged,
        "Shop.sold.parameters.at",
        true,
    );
    assert!(
        change.message.contains("from `Clock.Time` to `Clock.Zone`"),
        "{change:?}"
    );
}

#[test]
fn an_alias_whose_inner_type_changes_breaks() {
    let diff = after(|s| ty(s, "Shop", "ItemId")["type"] = "integer".into());
    assert_eq!(
        found(&diff),
        [
            (ChangeKind::TypeChanged, "Shop.ItemId", true),
            // A newtype over `i64` is `Copy`.
            (ChangeKind::DeriveGained, "Shop.ItemId", false),
        ]
    );
    assert_eq!(diff.changes[0].item, Item::Type);
}

#[test]
fn a_type_that_becomes_another_kind_of_type_breaks() {
    let diff = after(|s| {
        *ty(s, "Shop", "Color") = json!({ "id": "Color", "type": "string" });
    });
    let change = assert_sole(&diff, ChangeKind::TypeChanged, "Shop.Color", true);
    assert!(
        change.message.contains("from an enum to an alias"),
        "{change:?}"
    );
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
        true,
    );
    assert!(change.message.contains("an inline enum"), "{change:?}");
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
        true,
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
            (ChangeKind::OptionalFieldAdded, "Shop.Leaf.parent", false),
            // A `Box` is not `Copy`: both ends of the cycle lose it.
            (ChangeKind::DeriveLost, "Shop.Leaf", true),
            (ChangeKind::BoxingChanged, "Shop.Node.leaf", true),
            (ChangeKind::DeriveLost, "Shop.Node", true),
        ]
    );
    let node = change_at(&diff, ChangeKind::DeriveLost, "Shop.Node");
    assert_eq!(
        node.message,
        "`shop::Node` (type `Shop.Node`) no longer derives `Copy`: its field `leaf` is boxed (it \
         closes a cycle of types)."
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
        (boxed.item, boxed.breaking),
        (Item::Event, true),
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
    let change = assert_sole(&diff, ChangeKind::BecameExperimental, "Shop.close", false);
    assert_eq!(change.item, Item::Command);
    assert!(change.reason.contains("experimental(false)"), "{change:?}");
    let undone = after(|s| event(s, "opened")["experimental"] = false.into());
    assert_sole(
        &undone,
        ChangeKind::NoLongerExperimental,
        "Shop.opened",
        false,
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
        false,
    );
    assert!(change.reason.contains("#[deprecated]"), "{change:?}");
    let domain_flag = after(|s| domain(s, "Shop")["deprecated"] = true.into());
    let change = assert_sole(&domain_flag, ChangeKind::BecameDeprecated, "Shop", false);
    assert_eq!(change.item, Item::Domain);
    let undone = after(|s| ty(s, "Shop", "Spare")["deprecated"] = false.into());
    assert_sole(&undone, ChangeKind::NoLongerDeprecated, "Shop.Spare", false);
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

#[test]
fn a_new_number_field_loses_eq_and_hash_on_its_type_and_on_what_holds_it() {
    let diff = after(|s| {
        push(
            &mut ty(s, "Shop", "Item")["properties"],
            json!({ "name": "price", "type": "number", "optional": true }),
        )
    });
    // `Shop.sold` holds an `Item` too, but its own `discount` is a `number` already.
    assert_eq!(
        found(&diff),
        [
            (ChangeKind::OptionalFieldAdded, "Shop.Item.price", false),
            (ChangeKind::DeriveLost, "Shop.Item", true),
            (ChangeKind::DeriveLost, "Shop.buy.parameters", true),
        ]
    );
    let item = change_at(&diff, ChangeKind::DeriveLost, "Shop.Item");
    assert_eq!(item.item, Item::Type);
    assert_eq!(
        item.message,
        "`shop::Item` (type `Shop.Item`) no longer derives `Eq` and `Hash`: its field `price` is \
         `number` (`f64`)."
    );
    assert!(item.reason.contains("`HashSet`"), "{item:?}");
    let params = change_at(&diff, ChangeKind::DeriveLost, "Shop.buy.parameters");
    assert_eq!(params.item, Item::Command);
    assert_eq!(
        params.message,
        "`shop::BuyParams` (the parameters of command `Shop.buy`) no longer derives `Eq` and \
         `Hash`: its field `item` is `Shop.Item`, whose field `price` is `number` (`f64`)."
    );
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
fn a_newtype_over_an_integer_that_becomes_a_string_loses_copy_through_every_holder() {
    let diff = diff_of(&with_count("integer"), &with_count("string"), &[]);
    assert_eq!(
        found(&diff),
        [
            (ChangeKind::TypeChanged, "Shop.Count", true),
            (ChangeKind::DeriveLost, "Shop.Count", true),
            (ChangeKind::DeriveLost, "Shop.Leaf", true),
            (ChangeKind::DeriveLost, "Shop.Node", true),
        ]
    );
    assert_eq!(
        change_at(&diff, ChangeKind::DeriveLost, "Shop.Count").message,
        "`shop::Count` (type `Shop.Count`) no longer derives `Copy`: it wraps `string` \
         (`String`)."
    );
    assert_eq!(
        change_at(&diff, ChangeKind::DeriveLost, "Shop.Node").message,
        "`shop::Node` (type `Shop.Node`) no longer derives `Copy`: its field `leaf` is \
         `Shop.Leaf`, whose field `size` is `Shop.Count`, which wraps `string` (`String`)."
    );
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
            (ChangeKind::TypeChanged, "Shop.Count", true),
            (ChangeKind::DeriveGained, "Shop.Count", false),
            (ChangeKind::DeriveGained, "Shop.Leaf", false),
            (ChangeKind::DeriveGained, "Shop.Node", false),
        ]
    );
    // A gain is explained with the old version: what kept the trait away then.
    assert_eq!(
        change_at(&backward, ChangeKind::DeriveGained, "Shop.Node").message,
        "`shop::Node` (type `Shop.Node`) now derives `Copy`; before, its field `leaf` was \
         `Shop.Leaf`, whose field `size` was `Shop.Count`, which wrapped `string` (`String`)."
    );
}

#[test]
fn a_required_field_in_a_result_loses_default_and_copy_though_readers_are_fine() {
    // `close` returns nothing: `CloseReturns` is empty and derives every optional trait.
    let diff = after(|s| {
        command(s, "close")["returns"] = json!([{ "name": "closedAt", "type": "string" }])
    });
    assert_eq!(
        found(&diff),
        [
            (
                ChangeKind::RequiredFieldAdded,
                "Shop.close.returns.closedAt",
                false
            ),
            (ChangeKind::DeriveLost, "Shop.close.returns", true),
            (ChangeKind::DeriveLost, "Shop.close.returns", true),
        ]
    );
    let messages: Vec<&str> = diff.changes[1..]
        .iter()
        .map(|change| change.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "`shop::CloseReturns` (the result of command `Shop.close`) no longer derives `Copy`: \
             its field `closedAt` is `string` (`String`).",
            "`shop::CloseReturns` (the result of command `Shop.close`) no longer derives \
             `Default`: its field `closedAt` is required.",
        ]
    );
}

#[test]
fn an_inline_object_reports_its_traits_under_the_field_that_holds_it() {
    let diff = after(|s| {
        let options = field(command(s, "buy"), "parameters", "options");
        push(
            &mut options["properties"],
            json!({ "name": "ratio", "type": "number", "optional": true }),
        );
    });
    assert_eq!(
        found(&diff),
        [
            (
                ChangeKind::OptionalFieldAdded,
                "Shop.buy.parameters.options.ratio",
                false
            ),
            (ChangeKind::DeriveLost, "Shop.buy.parameters.options", true),
            (ChangeKind::DeriveLost, "Shop.buy.parameters", true),
        ]
    );
    let inline = change_at(&diff, ChangeKind::DeriveLost, "Shop.buy.parameters.options");
    assert_eq!(inline.item, Item::Field);
    assert!(
        inline
            .message
            .contains("(the inline object of `Shop.buy.parameters.options`) no longer derives"),
        "{inline:?}"
    );
    let params = change_at(&diff, ChangeKind::DeriveLost, "Shop.buy.parameters");
    assert!(
        params
            .message
            .contains("its field `options` is an inline object ("),
        "{params:?}"
    );
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
            "Clock.now.returns",
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
    assert_sole(&toys, ChangeKind::DomainRemoved, "Toys", true);
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
    let rendered = many_changes().render(Format::Json);
    let value: Value = serde_json::from_str(&rendered).unwrap();
    assert_eq!(value["format_version"], 1);
    assert_eq!(value["summary"]["breaking"], 5);
    assert_eq!(value["summary"]["non_breaking"], 7);
    let first = &value["changes"][0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = ["kind", "item", "path", "breaking", "message", "reason"];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(first["kind"], "type_changed");
    assert_eq!(first["item"], "type");
    assert_eq!(first["path"], "Clock.Time");
    assert_eq!(first["breaking"], true);
    assert!(rendered.ends_with("}\n"));
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
        // The case from the issue: users build BackgroundServiceEvent with `new`.
        (
            ChangeKind::RequiredFieldAdded,
            "BackgroundService.BackgroundServiceEvent.storageKey",
            true,
        ),
        // Required in an event: readers are unaffected.
        (
            ChangeKind::RequiredFieldAdded,
            "Storage.cacheStorageContentUpdated.parameters.storageKey",
            false,
        ),
        (
            ChangeKind::OptionalFieldAdded,
            "Accessibility.AXNode.chromeRole",
            false,
        ),
        // A reference that moved to another domain's type of the same wire shape.
        (
            ChangeKind::TypeChanged,
            "Fetch.requestPaused.parameters.networkId",
            true,
        ),
        // An inline enum replaced by a named one.
        (
            ChangeKind::TypeChanged,
            "Page.setSPCTransactionMode.parameters.mode",
            true,
        ),
        (
            ChangeKind::FieldBecameOptional,
            "CacheStorage.requestCacheNames.parameters.securityOrigin",
            true,
        ),
        (
            ChangeKind::FieldBecameOptional,
            "Page.fileChooserOpened.parameters.backendNodeId",
            true,
        ),
        (
            ChangeKind::EnumValueRemoved,
            "Emulation.DisabledImageType.jxl",
            true,
        ),
        (
            ChangeKind::EnumValueAdded,
            "Network.ResourceType.Prefetch",
            false,
        ),
        (
            ChangeKind::CommandRemoved,
            "Profiler.startTypeProfile",
            true,
        ),
        (
            ChangeKind::EventRemoved,
            "Page.prerenderAttemptCompleted",
            true,
        ),
        (ChangeKind::DomainAdded, "Preload", false),
        (ChangeKind::BecameDeprecated, "Network.getAllCookies", false),
        (
            ChangeKind::NoLongerExperimental,
            "Runtime.evaluate.parameters.generateWebDriverValue",
            false,
        ),
        // A new field in an event breaks no reader, but the event is no longer `Copy`.
        (
            ChangeKind::DeriveLost,
            "Runtime.executionContextDestroyed.parameters",
            true,
        ),
        // `Target.TargetFilter` is new, and holds a `Vec`.
        (ChangeKind::DeriveLost, "Target.getTargets.parameters", true),
        // A required field in a result: no more `Default`.
        (
            ChangeKind::DeriveLost,
            "Debugger.setScriptSource.returns",
            true,
        ),
        // `securityOrigin` became optional: every field is, so `Default` comes.
        (
            ChangeKind::DeriveGained,
            "CacheStorage.requestCacheNames.parameters",
            false,
        ),
    ];
    for (kind, path, breaking) in expected {
        let change = find_change(&diff, kind, path);
        assert_eq!(change.breaking, breaking, "{change:?}");
    }
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
    let filter = find_change(
        &diff,
        ChangeKind::DeriveLost,
        "Target.getTargets.parameters",
    );
    assert_eq!(
        filter.message,
        "`target::GetTargetsParams` (the parameters of command `Target.getTargets`) no longer \
         derives `Copy`: its field `filter` is `Target.TargetFilter`, which wraps array of \
         `Target.FilterEntry` (a `Vec`)."
    );

    // With a filter, only BackgroundService and the two types it uses are compared.
    let background = cdp_codegen::diff::diff(
        &npm_model(&old),
        &npm_model(&new),
        &["BackgroundService".to_owned()],
    )
    .unwrap();
    assert_sole(
        &background,
        ChangeKind::RequiredFieldAdded,
        "BackgroundService.BackgroundServiceEvent.storageKey",
        true,
    );
}

#[test]
fn real_versions_show_a_number_that_costs_eq_and_hash_everywhere_it_is_held() {
    let (Some(old), Some(new)) = (
        cdp_test_support::devtools_protocol(NEW_VERSION),
        cdp_test_support::devtools_protocol(cdp_test_support::DEVTOOLS_PROTOCOL_VERSION),
    ) else {
        return;
    };
    let diff = diff(&npm_model(&old), &npm_model(&new), &[]).unwrap();
    // `WebAuthn.Credential.signCount` went from `integer` to `number`.
    let credential = find_change(&diff, ChangeKind::DeriveLost, "WebAuthn.Credential");
    assert_eq!(
        credential.message,
        "`web_authn::Credential` (type `WebAuthn.Credential`) no longer derives `Eq` and `Hash`: \
         its field `signCount` is `number` (`f64`)."
    );
    let holders = [
        "WebAuthn.addCredential.parameters",
        "WebAuthn.getCredential.returns",
        "WebAuthn.getCredentials.returns",
        "WebAuthn.credentialAdded.parameters",
        "WebAuthn.credentialAsserted.parameters",
    ];
    for path in holders {
        let change = find_change(&diff, ChangeKind::DeriveLost, path);
        assert!(change.breaking, "{change:?}");
        assert!(
            change
                .message
                .contains("`WebAuthn.Credential`, whose field `signCount` is `number` (`f64`)"),
            "{change:?}"
        );
    }
    // The same pair the other way round gains what this way loses.
    let back = cdp_codegen::diff::diff(&npm_model(&new), &npm_model(&old), &[]).unwrap();
    assert_eq!(
        paths_of(&diff, ChangeKind::DeriveLost),
        paths_of(&back, ChangeKind::DeriveGained)
    );
    assert_eq!(
        paths_of(&diff, ChangeKind::DeriveGained),
        paths_of(&back, ChangeKind::DeriveLost)
    );
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

/// Writes the base schema and a new version with one breaking change (a removed field) and one
/// that is not (a new enum value); returns their paths.
fn cli_pair(test: &str) -> (String, String) {
    let dir = temp_dir(test);
    let old = base();
    let mut new = old.clone();
    remove(
        &mut ty(&mut new, "Shop", "Item")["properties"],
        "name",
        "note",
    );
    push(&mut ty(&mut new, "Shop", "Color")["enum"], json!("blue"));
    let (old_path, new_path) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(&old_path, old.to_string()).unwrap();
    std::fs::write(&new_path, new.to_string()).unwrap();
    (
        old_path.to_str().unwrap().to_owned(),
        new_path.to_str().unwrap().to_owned(),
    )
}

#[test]
fn cli_text_lists_breaking_changes_first() {
    let (old, new) = cli_pair("text");
    let output = run(&["diff", &old, &new]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("2 changes: 1 breaking, 1 not breaking.\n"),
        "{text}"
    );
    let breaking = text
        .find("BREAKING (1)\n  Shop.Item.note  [field_removed]")
        .unwrap();
    let fine = text
        .find("NOT BREAKING (1)\n  Shop.Color.blue  [enum_value_added]")
        .unwrap();
    assert!(breaking < fine, "{text}");
    assert!(text.contains("    why: "), "{text}");
}

#[test]
fn cli_markdown_has_a_heading_and_a_table_per_group() {
    let (old, new) = cli_pair("markdown");
    let output = run(&["diff", &old, &new, "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("## Protocol changes\n\n**1 breaking**"),
        "{text}"
    );
    assert!(text.contains("### Breaking (1)\n\n| Path | Change | What | Why it breaks |\n|---|---|---|---|\n| `Shop.Item.note` | `field_removed` |"), "{text}");
    assert!(text.contains("### Not breaking (1)"), "{text}");
    assert!(
        text.contains("| `Shop.Color.blue` | `enum_value_added` |"),
        "{text}"
    );
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
    // Unlike text and Markdown, JSON keeps the diff's order: types by name.
    assert_eq!(value["changes"][0]["path"], "Shop.Color.blue");
    assert_eq!(value["changes"][1]["kind"], "field_removed");
}

#[test]
fn cli_fail_on_breaking_exits_1_only_when_a_change_breaks() {
    let (old, new) = cli_pair("fail");
    let failing = run(&["diff", &old, &new, "--fail-on-breaking"]);
    assert_eq!(failing.status.code(), Some(1), "{}", stderr(&failing));
    assert!(stdout(&failing).contains("field_removed"));
    assert!(
        stderr(&failing).contains("1 breaking change"),
        "{}",
        stderr(&failing)
    );

    let same = run(&["diff", &old, &old, "--fail-on-breaking"]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert_eq!(stdout(&same), "No changes.\n");

    // Only a new enum value: nothing breaks.
    let dir = temp_dir("fail-fine");
    let mut fine = base();
    push(&mut ty(&mut fine, "Shop", "Color")["enum"], json!("blue"));
    let fine_path = dir.join("fine.json");
    std::fs::write(&fine_path, fine.to_string()).unwrap();
    let output = run(&[
        "diff",
        &old,
        fine_path.to_str().unwrap(),
        "--fail-on-breaking",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn cli_fail_on_breaking_exits_1_when_only_a_derive_is_lost() {
    // A required `number` in an event breaks no reader, but the event loses `Eq`, `Hash` and
    // `Default`.
    let dir = temp_dir("derive");
    let old = base();
    let mut new = old.clone();
    event(&mut new, "opened")["parameters"] = json!([{ "name": "at", "type": "number" }]);
    let (old_path, new_path) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(&old_path, old.to_string()).unwrap();
    std::fs::write(&new_path, new.to_string()).unwrap();
    let (old, new) = (old_path.to_str().unwrap(), new_path.to_str().unwrap());

    let failing = run(&["diff", old, new, "--fail-on-breaking"]);
    assert_eq!(failing.status.code(), Some(1), "{}", stderr(&failing));
    assert!(
        stderr(&failing).contains("2 breaking change"),
        "{}",
        stderr(&failing)
    );
    let text = stdout(&failing);
    assert!(
        text.starts_with("3 changes: 2 breaking, 1 not breaking.\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "BREAKING (2)\n  Shop.opened.parameters  [derive_lost]\n    `shop::OpenedEvent` \
             (event `Shop.opened`) no longer derives `Eq` and `Hash`: its field `at` is `number` \
             (`f64`).\n    why: "
        ),
        "{text}"
    );
    assert!(
        text.contains("no longer derives `Default`: its field `at` is required."),
        "{text}"
    );
    assert!(
        text.contains("NOT BREAKING (1)\n  Shop.opened.parameters.at  [required_field_added]"),
        "{text}"
    );

    let markdown = stdout(&run(&["diff", old, new, "--format", "markdown"]));
    assert!(
        markdown.contains("| `Shop.opened.parameters` | `derive_lost` | `shop::OpenedEvent`"),
        "{markdown}"
    );
    let json: Value =
        serde_json::from_str(&stdout(&run(&["diff", old, new, "--format", "json"]))).unwrap();
    assert_eq!(json["summary"]["breaking"], 2);
    let lost = &json["changes"][1];
    assert_eq!(lost["kind"], "derive_lost");
    assert_eq!(lost["item"], "event");
    assert_eq!(lost["path"], "Shop.opened.parameters");
    assert_eq!(lost["breaking"], true);

    // Without the flag the diff is printed and the exit status is 0.
    let output = run(&["diff", old, new]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn cli_domain_filter_leaves_other_domains_out() {
    let (old, new) = cli_pair("domain");
    let output = run(&["diff", &old, &new, "--domain", "Toys", "--fail-on-breaking"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "No changes.\n");
    let shop = run(&["diff", &old, &new, "--domain", "Shop", "--format", "json"]);
    let value: Value = serde_json::from_str(&stdout(&shop)).unwrap();
    assert_eq!(value["summary"]["breaking"], 1);
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
            ("type_changed", "Clock.Time"),
            ("derive_gained", "Clock.Time"),
            ("derive_gained", "Clock.now.returns"),
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
    let one_file = run(&["diff", &old]);
    assert_eq!(one_file.status.code(), Some(2));
    let mixed = run(&["diff", "--old", &old, &new]);
    assert_eq!(mixed.status.code(), Some(2));
}
