//! Each op on a small schema: what it changes, and the error when its target is missing or it
//! would change nothing.

use super::*;
use crate::parse::{parse_json, Schema, Shape};

const SHOP: &str = r#"{"domains": [{"domain": "Shop",
  "types": [
    {"id": "Color", "type": "string", "enum": ["red", "green"]},
    {"id": "Item", "type": "object", "properties": [
      {"name": "name", "type": "string"},
      {"name": "color", "$ref": "Color"},
      {"name": "size", "type": "string", "enum": ["s", "m"]},
      {"name": "tags", "type": "array", "items": {"type": "string", "enum": ["new", "old"]}},
      {"name": "price", "type": "number", "optional": true}]},
    {"id": "Sku", "type": "string"},
    {"id": "Extra", "type": "object"}],
  "commands": [{"name": "buy", "parameters": [{"name": "item", "$ref": "Item"}],
                "returns": [{"name": "receipt", "type": "string"}]}],
  "events": [{"name": "sold", "parameters": [{"name": "item", "$ref": "Item"},
                                             {"name": "at", "type": "number"}]}]}]}"#;

fn shop() -> Vec<Schema> {
    vec![parse_json(SHOP, "shop.json").expect("the schema parses")]
}

/// The schema after the patches, or the messages of the diagnostics.
fn patched(patches: &str) -> Result<Vec<Schema>, Vec<String>> {
    let messages =
        |found: Diagnostics| -> Vec<String> { found.0.iter().map(ToString::to_string).collect() };
    let text = format!(r#"{{"patches": {patches}}}"#);
    let file = PatchFile::parse(&text, "fixes.json").map_err(messages)?;
    let mut schemas = shop();
    file.apply(&mut schemas).map_err(messages)?;
    Ok(schemas)
}

fn error(patches: &str) -> String {
    let messages = patched(patches).expect_err("the patch is refused");
    assert_eq!(messages.len(), 1, "{messages:#?}");
    messages.into_iter().next().unwrap()
}

fn domain(schemas: &[Schema]) -> &crate::parse::Domain {
    &schemas[0].domains[0]
}

fn ty<'a>(schemas: &'a [Schema], id: &str) -> &'a crate::parse::TypeDef {
    domain(schemas).types.iter().find(|t| t.id == id).unwrap()
}

fn item_field<'a>(schemas: &'a [Schema], name: &str) -> &'a crate::parse::Property {
    ty(schemas, "Item")
        .shape
        .properties
        .as_ref()
        .unwrap()
        .iter()
        .find(|f| f.name == name)
        .unwrap()
}

fn string() -> Shape {
    Shape {
        kind: Some("string".to_owned()),
        ..Shape::default()
    }
}

#[test]
fn make_optional_reaches_fields_params_returns_and_event_params() {
    let schemas = patched(
        r#"[{"op": "make_optional", "target": "Shop.Item.name"},
            {"op": "make_optional", "target": "Shop.buy.item"},
            {"op": "make_optional", "target": "Shop.buy.returns.receipt"},
            {"op": "make_optional", "target": "Shop.sold.at", "note": "not sent any more"}]"#,
    )
    .unwrap();
    let d = domain(&schemas);
    assert!(item_field(&schemas, "name").optional);
    assert!(d.commands[0].parameters[0].optional);
    assert!(d.commands[0].returns[0].optional);
    let at = &d.events[0].parameters[1];
    assert!(at.optional);
    assert_eq!(
        at.description.as_deref(),
        Some("Patched (`make_optional`, from `fixes.json`): not sent any more")
    );
    assert_eq!(
        d.commands[0].parameters[0].description.as_deref(),
        Some("Patched (`make_optional`, from `fixes.json`).")
    );
}

#[test]
fn the_paths_diff_prints_name_parameters_too() {
    let schemas = patched(
        r#"[{"op": "make_optional", "target": "Shop.buy.parameters.item"},
            {"op": "make_optional", "target": "Shop.sold.parameters.at"},
            {"op": "add_field", "target": "Shop.sold.parameters", "field": {"name": "by", "type": "string"}}]"#,
    )
    .unwrap();
    let d = domain(&schemas);
    assert!(d.commands[0].parameters[0].optional);
    assert!(d.events[0].parameters[1].optional);
    assert_eq!(d.events[0].parameters[2].name, "by");
}

#[test]
fn make_optional_of_an_optional_field_is_a_stale_patch() {
    assert_eq!(
        error(r#"[{"op": "make_optional", "target": "Shop.Item.price"}]"#),
        "fixes.json: patches[0] (make_optional Shop.Item.price): the field is optional already; \
         expected a required one (the schema has caught up: remove the patch)"
    );
}

#[test]
fn make_optional_of_a_type_says_what_it_applies_to() {
    let message = error(r#"[{"op": "make_optional", "target": "Shop.Item"}]"#);
    assert!(
        message.ends_with(
            "`Shop.Item` is a type; `make_optional` applies to a field (`Domain.Type.field`, \
             `Domain.command.param`, `Domain.command.returns.field` or `Domain.event.param`)"
        ),
        "{message}"
    );
}

#[test]
fn open_enum_turns_enum_types_inline_enums_arrays_and_references_into_strings() {
    let schemas = patched(
        r#"[{"op": "open_enum", "target": "Shop.Color"},
            {"op": "open_enum", "target": "Shop.Item.size"},
            {"op": "open_enum", "target": "Shop.Item.tags"}]"#,
    )
    .unwrap();
    assert_eq!(ty(&schemas, "Color").shape, string());
    assert_eq!(item_field(&schemas, "size").shape, string());
    assert_eq!(
        item_field(&schemas, "tags").shape.items.as_deref(),
        Some(&string())
    );
    // The type stays an enum; the field that names it becomes a plain string.
    let schemas = patched(r#"[{"op": "open_enum", "target": "Shop.Item.color"}]"#).unwrap();
    assert_eq!(item_field(&schemas, "color").shape, string());
    assert!(ty(&schemas, "Color").shape.values.is_some());
}

#[test]
fn open_enum_of_a_plain_string_is_a_stale_patch() {
    assert_eq!(
        error(r#"[{"op": "open_enum", "target": "Shop.Item.name"}]"#),
        "fixes.json: patches[0] (open_enum Shop.Item.name): the target is `string`, not a string \
         enum; expected a string enum, inline or by `$ref` (the schema has caught up: remove the \
         patch if it was opened)"
    );
    let message = error(r#"[{"op": "open_enum", "target": "Shop.buy.item"}]"#);
    assert!(
        message.ends_with("the field's type `Shop.Item` is an object, not a string enum; expected a field whose type is one, inline or by `$ref`"),
        "{message}"
    );
}

#[test]
fn extend_enum_adds_values_to_a_type_and_to_an_inline_enum() {
    let schemas = patched(
        r#"[{"op": "extend_enum", "target": "Shop.Color", "values": ["blue", "black"]},
            {"op": "extend_enum", "target": "Shop.Item.tags", "values": ["used"]}]"#,
    )
    .unwrap();
    assert_eq!(
        ty(&schemas, "Color").shape.values.as_deref(),
        Some(&["red", "green", "blue", "black"].map(String::from)[..])
    );
    let tags = item_field(&schemas, "tags").shape.items.clone().unwrap();
    assert_eq!(
        tags.values.as_deref(),
        Some(&["new", "old", "used"].map(String::from)[..])
    );
}

#[test]
fn extend_enum_with_a_value_it_has_is_a_stale_patch() {
    assert_eq!(
        error(r#"[{"op": "extend_enum", "target": "Shop.Color", "values": ["blue", "red"]}]"#),
        "fixes.json: patches[0] (extend_enum Shop.Color): the enum has `red` already; expected \
         only values it lacks (the schema has caught up: remove the patch, or drop the values it \
         has)"
    );
}

#[test]
fn extend_enum_of_a_field_that_names_an_enum_type_points_to_the_type() {
    let message =
        error(r#"[{"op": "extend_enum", "target": "Shop.Item.color", "values": ["blue"]}]"#);
    assert!(
        message.ends_with(
            "the field's type is the enum `Shop.Color`, whose values every field of that type \
             shares; expected the type as the target: `Shop.Color`"
        ),
        "{message}"
    );
    let message = error(r#"[{"op": "extend_enum", "target": "Shop.Sku", "values": ["x"]}]"#);
    assert!(
        message.contains("`Shop.Sku` is `string`, not a string enum"),
        "{message}"
    );
}

#[test]
fn set_type_replaces_the_type_of_a_field_or_a_named_type() {
    let schemas = patched(
        r#"[{"op": "set_type", "target": "Shop.Item.name", "to": {"$ref": "Sku"}},
            {"op": "set_type", "target": "Shop.Sku", "to": {"type": "array", "items": {"type": "integer"}}}]"#,
    )
    .unwrap();
    let name = item_field(&schemas, "name");
    assert_eq!(name.shape.reference.as_deref(), Some("Sku"));
    assert!(!name.optional, "set_type leaves optional alone");
    assert_eq!(ty(&schemas, "Sku").shape.kind.as_deref(), Some("array"));
}

#[test]
fn set_type_to_the_same_type_is_stale_even_when_written_qualified() {
    assert_eq!(
        error(r#"[{"op": "set_type", "target": "Shop.Item.color", "to": {"$ref": "Shop.Color"}}]"#),
        "fixes.json: patches[0] (set_type Shop.Item.color): `Shop.Item.color` is `Color` \
         already; expected another type (the schema has caught up: remove the patch)"
    );
    let message = error(r#"[{"op": "set_type", "target": "Shop.sold", "to": {"type": "string"}}]"#);
    assert!(
        message.ends_with("`Shop.sold` is an event; `set_type` applies to a type (`Domain.Type`) or a field (`Domain.Type.field`, `Domain.command.param`, `Domain.command.returns.field` or `Domain.event.param`)"),
        "{message}"
    );
}

#[test]
fn add_field_adds_to_objects_params_returns_and_events() {
    let schemas = patched(
        r#"[{"op": "add_field", "target": "Shop.Item", "field": {"name": "weight", "type": "number", "optional": true}},
            {"op": "add_field", "target": "Shop.Extra", "field": {"name": "a", "type": "string"}},
            {"op": "add_field", "target": "Shop.buy", "field": {"name": "count", "type": "integer", "optional": true}},
            {"op": "add_field", "target": "Shop.buy.returns", "field": {"name": "total", "type": "number"}},
            {"op": "add_field", "target": "Shop.sold", "field": {"name": "by", "type": "string", "description": "Who."}, "note": "sent since 2024"}]"#,
    )
    .unwrap();
    let d = domain(&schemas);
    assert!(item_field(&schemas, "weight").optional);
    assert_eq!(
        ty(&schemas, "Extra").shape.properties.as_ref().unwrap()[0].name,
        "a"
    );
    assert_eq!(d.commands[0].parameters[1].name, "count");
    assert_eq!(d.commands[0].returns[1].name, "total");
    assert_eq!(
        d.events[0].parameters[2].description.as_deref(),
        Some("Who.\n\nPatched (`add_field`, from `fixes.json`): sent since 2024")
    );
}

#[test]
fn add_field_that_is_there_already_or_to_a_non_object_is_refused() {
    assert_eq!(
        error(
            r#"[{"op": "add_field", "target": "Shop.sold", "field": {"name": "at", "type": "number"}}]"#
        ),
        "fixes.json: patches[0] (add_field Shop.sold): `Shop.sold` has a field `at` already; \
         expected a new field (the schema has caught up: remove the patch)"
    );
    let message = error(
        r#"[{"op": "add_field", "target": "Shop.Sku", "field": {"name": "a", "type": "string"}}]"#,
    );
    assert!(
        message.contains("`Shop.Sku` is `string`, not an object"),
        "{message}"
    );
}

#[test]
fn add_type_command_event_and_domain_add_what_is_new_and_refuse_what_is_there() {
    let schemas = patched(
        r#"[{"op": "add_type", "target": "Shop", "type": {"id": "Size", "type": "integer"}},
            {"op": "add_command", "target": "Shop", "command": {"name": "refund"}},
            {"op": "add_event", "target": "Shop", "event": {"name": "refunded", "parameters": [{"name": "size", "$ref": "Size"}]}},
            {"op": "add_domain", "domain": {"domain": "Custom", "types": [{"id": "Id", "type": "string"}]}, "note": "ours"}]"#,
    )
    .unwrap();
    let d = domain(&schemas);
    assert_eq!(ty(&schemas, "Size").shape.kind.as_deref(), Some("integer"));
    assert_eq!(d.commands[1].name, "refund");
    assert_eq!(d.events[1].name, "refunded");
    let custom = &schemas[0].domains[1];
    assert_eq!(custom.domain, "Custom");
    assert_eq!(
        custom.description.as_deref(),
        Some("Patched (`add_domain`, from `fixes.json`): ours")
    );

    for (patch, message) in [
        (
            r#"{"op": "add_type", "target": "Shop", "type": {"id": "Sku", "type": "string"}}"#,
            "fixes.json: patches[0] (add_type Shop): the domain `Shop` has a type `Sku` already; expected a new type (the schema has caught up: remove the patch)",
        ),
        (
            r#"{"op": "add_command", "target": "Shop", "command": {"name": "buy"}}"#,
            "fixes.json: patches[0] (add_command Shop): the domain `Shop` has a command `buy` already; expected a new command (the schema has caught up: remove the patch)",
        ),
        (
            r#"{"op": "add_event", "target": "Shop", "event": {"name": "sold"}}"#,
            "fixes.json: patches[0] (add_event Shop): the domain `Shop` has an event `sold` already; expected a new event (the schema has caught up: remove the patch)",
        ),
        (
            r#"{"op": "add_domain", "domain": {"domain": "Shop"}}"#,
            "fixes.json: patches[0] (add_domain Shop): the domain `Shop` exists already; expected a new domain (the schema has caught up: remove the patch)",
        ),
        (
            r#"{"op": "add_type", "target": "Shop.Item", "type": {"id": "X", "type": "string"}}"#,
            "fixes.json: patches[0] (add_type Shop.Item): `Shop.Item` is a type; `add_type` applies to a domain (`Domain`)",
        ),
    ] {
        assert_eq!(error(&format!("[{patch}]")), message);
    }
}

#[test]
fn a_missing_target_is_named_with_the_nearest_name() {
    for (target, message) in [
        ("Shoop.Item", "no domain `Shoop` in the schema; did you mean `Shop`?"),
        (
            "Shop.Iten.name",
            "the domain `Shop` has no type, command or event `Iten`; did you mean `Shop.Item`?",
        ),
        (
            "Shop.Item.nam",
            "the type `Shop.Item` has no field `nam`; did you mean `name`?",
        ),
        (
            "Shop.buy.iten",
            "the command `Shop.buy` has no parameter `iten`; did you mean `item`?",
        ),
        (
            "Shop.buy.returns.recept",
            "the command `Shop.buy` returns no field `recept`; did you mean `receipt`?",
        ),
        (
            "Shop.sold.a",
            "the event `Shop.sold` has no parameter `a`; did you mean `at`?",
        ),
        (
            "Shop.Sku.value",
            "`Shop.Sku` is `string`, which has no fields; expected an object type",
        ),
        (
            "Shop.Item.name.first",
            "`Shop.Item.name.first` has too many parts; expected `Domain`, `Domain.Member`, `Domain.Member.field`, `Domain.command.returns.field` or `Domain.event.parameters.field`",
        ),
    ] {
        let patch = format!(r#"[{{"op": "make_optional", "target": "{target}"}}]"#);
        assert_eq!(
            error(&patch),
            format!("fixes.json: patches[0] (make_optional {target}): {message}")
        );
    }
}

#[test]
fn patches_apply_in_order_so_a_later_one_may_use_what_an_earlier_one_added() {
    let schemas = patched(
        r#"[{"op": "add_type", "target": "Shop", "type": {"id": "Key", "type": "object", "properties": [{"name": "site", "type": "string"}]}},
            {"op": "set_type", "target": "Shop.sold.at", "to": {"$ref": "Key"}},
            {"op": "add_field", "target": "Shop.Key", "field": {"name": "cross", "type": "boolean"}}]"#,
    )
    .unwrap();
    assert_eq!(
        domain(&schemas).events[0].parameters[1]
            .shape
            .reference
            .as_deref(),
        Some("Key")
    );
    assert_eq!(
        ty(&schemas, "Key").shape.properties.as_ref().unwrap().len(),
        2
    );
}

#[test]
fn every_stale_patch_is_listed_not_only_the_first() {
    let messages = patched(
        r#"[{"op": "make_optional", "target": "Shop.Item.price"},
            {"op": "make_optional", "target": "Shop.Item.name"},
            {"op": "open_enum", "target": "Shop.Sku"}]"#,
    )
    .unwrap_err();
    let places: Vec<&str> = messages
        .iter()
        .map(|message| message.split(": ").nth(1).unwrap())
        .collect();
    assert_eq!(
        places,
        [
            "patches[0] (make_optional Shop.Item.price)",
            "patches[2] (open_enum Shop.Sku)"
        ]
    );
}

#[test]
fn a_patched_field_is_an_option_and_carries_its_note_in_the_generated_docs() {
    let code = crate::Config::new()
        .protocol_text("shop.json", SHOP)
        .patch_text(
            "patches/fixes.json",
            r#"{"patches": [{"op": "make_optional", "target": "Shop.Item.name", "note": "Chromium stopped sending it."}]}"#,
        )
        .generate_string()
        .expect("the patched schema generates");
    assert!(
        code.starts_with(&format!(
            "// @generated by cdp-codegen {} from shop.json, patched by patches/fixes.json.",
            env!("CARGO_PKG_VERSION")
        )),
        "{}",
        code.lines().next().unwrap()
    );
    assert!(
        code.contains(
            "/// Patched (`make_optional`, from `fixes.json`): Chromium stopped sending it."
        ),
        "{code}"
    );
    let name = code
        .lines()
        .find(|line| line.contains("pub name:"))
        .expect("the field");
    assert!(name.contains("Option<"), "{name}");
}

#[test]
fn a_stale_patch_fails_generation_with_a_schema_error() {
    let err = crate::Config::new()
        .protocol_text("shop.json", SHOP)
        .patch_text(
            "fixes.json",
            r#"{"patches": [{"op": "make_optional", "target": "Shop.Item.price"}]}"#,
        )
        .generate_string()
        .expect_err("the patch changes nothing");
    assert!(matches!(err, crate::Error::Schema(_)), "{err}");
    assert!(
        err.to_string()
            .contains("fixes.json: patches[0] (make_optional Shop.Item.price)"),
        "{err}"
    );
}
