//! `cdp_codegen::diff` and `cdp-codegen diff`: every kind of change is found at its path and
//! classed as breaking or not for the generated bindings; real protocol versions give the
//! changes Chromium actually made; the CLI prints text, Markdown and JSON and exits 0, 1 or 2.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cdp_codegen::diff::{diff, Change, ChangeKind, Diff, DiffError, Format, Item};
use cdp_codegen::model::Model;
use cdp_codegen::Config;
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
            json!({ "name": "price", "type": "number" }),
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
            json!({ "name": "price", "type": "number", "optional": true }),
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
        assert_sole(&after(edit), ChangeKind::FieldRemoved, path, true);
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
    let change = assert_sole(
        &diff,
        ChangeKind::TypeChanged,
        "Shop.buy.parameters.count",
        true,
    );
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
    let change = assert_sole(&diff, ChangeKind::TypeChanged, "Shop.ItemId", true);
    assert_eq!(change.item, Item::Type);
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
    let found: Vec<(ChangeKind, &str, bool)> = diff
        .changes
        .iter()
        .map(|change| (change.kind, change.path.as_str(), change.breaking))
        .collect();
    assert_eq!(
        found,
        [
            (ChangeKind::OptionalFieldAdded, "Shop.Leaf.parent", false),
            (ChangeKind::BoxingChanged, "Shop.Node.leaf", true),
        ]
    );
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
    assert_eq!(paths, ["Clock.Time", "Shop.Color.blue"]);

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
    assert_eq!(value["summary"]["non_breaking"], 5);
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
        common::devtools_protocol(OLD_VERSION),
        common::devtools_protocol(NEW_VERSION),
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

// ---------------------------------------------------------------------------------------------
// The CLI

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cdp-codegen"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cdp-codegen-diff-{}-{test}", std::process::id()));
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
    assert_eq!(value["changes"][0]["path"], "Clock.Time");
    assert_eq!(value["changes"].as_array().unwrap().len(), 1);
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
