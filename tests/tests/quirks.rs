//! Behaviour of code generated from `schemas/quirks.json`: optional fields, keywords,
//! recursion, fallback variants, maps, and events without params.

use cdp_bindings::cdp_runtime::{decode_message, Command, Message};
use cdp_tests::quirks::{io, quirks, Event};

#[test]
fn optional_fields_are_omitted_when_unset_and_written_when_set() {
    let params = quirks::ConfigureParams::new(quirks::Options::new(quirks::OptionsMode::Fast));
    assert_eq!(
        serde_json::to_string(&params).unwrap(),
        r#"{"options":{"mode":"fast"}}"#
    );
    let params = params.label("x").count(3);
    assert_eq!(
        serde_json::to_string(&params).unwrap(),
        r#"{"options":{"mode":"fast"},"label":"x","count":3}"#
    );
    let back: quirks::ConfigureParams =
        serde_json::from_str(r#"{"options":{"mode":"slow"}}"#).unwrap();
    assert_eq!(back.label, None);
    assert_eq!(back.options.mode, quirks::OptionsMode::Slow);
}

#[test]
fn keyword_fields_keep_their_protocol_names() {
    let value = quirks::Keywords::new("t")
        .r#override(true)
        .self_(2)
        .base_url("u")
        .ip_address("1.2.3.4");
    assert_eq!(
        serde_json::to_string(&value).unwrap(),
        r#"{"type":"t","override":true,"self":2,"baseURL":"u","IPAddress":"1.2.3.4"}"#
    );
    assert_eq!(value.r#type, "t");
    let other_domain = io::Keywords::new("a");
    assert_eq!(
        serde_json::to_string(&other_domain).unwrap(),
        r#"{"as":"a"}"#
    );
}

#[test]
fn keyword_and_odd_enum_values_round_trip() {
    use quirks::Words;
    for (value, variant) in [
        ("Self", Words::Self_),
        ("continue", Words::Continue),
        ("return", Words::Return),
        ("no-referrer", Words::NoReferrer),
        ("ALL_CAPS", Words::AllCaps),
        ("unknown", Words::Unknown),
    ] {
        let json = format!("\"{value}\"");
        assert_eq!(serde_json::from_str::<Words>(&json).unwrap(), variant);
        assert_eq!(serde_json::to_string(&variant).unwrap(), json);
    }
    // `unknown` is a real value here, so the fallback takes another name.
    let other: Words = serde_json::from_str("\"brand-new\"").unwrap();
    assert_eq!(other, Words::UnknownValue("brand-new".into()));
}

#[test]
fn recursive_types_nest_through_boxes() {
    let tree: quirks::Node = serde_json::from_str(
        r#"{"id":1,"parent":{"id":0},"children":[{"id":2,"children":[{"id":3}]}]}"#,
    )
    .unwrap();
    assert_eq!(tree.parent.as_ref().unwrap().id, 0);
    assert_eq!(
        tree.children.as_ref().unwrap()[0]
            .children
            .as_ref()
            .unwrap()[0]
            .id,
        3
    );
    let ping = quirks::Ping::new().pong(quirks::Pong::new(1.5).ping(quirks::Ping::new()));
    assert_eq!(
        serde_json::to_string(&ping).unwrap(),
        r#"{"pong":{"ping":{},"score":1.5}}"#
    );
}

#[test]
fn maps_any_aliases_and_cross_domain_refs_hold_json() {
    let options: quirks::Options = serde_json::from_str(
        r#"{"mode":"fast","extra":[1,"two"],"headers":{"a":"b","n":1},"handle":"h"}"#,
    )
    .unwrap();
    assert_eq!(options.extra.unwrap()[1], "two");
    assert_eq!(options.headers.unwrap().0["n"], 1);
    assert_eq!(options.handle, Some(io::StreamHandle("h".into())));
    let ids: quirks::Ids = serde_json::from_str("[1,2]").unwrap();
    assert_eq!(ids, quirks::Ids(vec![1, 2]));
    let handle = quirks::Handle::from(io::StreamHandle::from("x"));
    assert_eq!(serde_json::to_string(&handle).unwrap(), "\"x\"");
}

#[test]
fn commands_without_params_or_returns_encode_as_empty_objects() {
    assert_eq!(quirks::ResetParams::METHOD, "Quirks.reset");
    assert_eq!(
        serde_json::to_string(&quirks::ResetParams::new()).unwrap(),
        "{}"
    );
    let _: quirks::ResetReturns = serde_json::from_str("{}").unwrap();
    let returns: quirks::ConfigureReturns =
        serde_json::from_str(r#"{"accepted":true,"warnings":["w"]}"#).unwrap();
    assert_eq!(returns.warnings, Some(vec!["w".to_owned()]));
}

#[test]
fn events_with_and_without_params_decode() {
    let Ok(Message::Event {
        event: Event::Quirks(quirks::Event::Ticked(_)),
        ..
    }) = decode_message::<Event>(r#"{"method":"Quirks.ticked","params":{}}"#)
    else {
        panic!("expected ticked");
    };
    let Ok(Message::Event {
        event: Event::Quirks(quirks::Event::NodeAdded(added)),
        ..
    }) = decode_message::<Event>(r#"{"method":"Quirks.nodeAdded","params":{"node":{"id":4}}}"#)
    else {
        panic!("expected nodeAdded");
    };
    assert_eq!(added.node.id, 4);
}

#[test]
#[allow(deprecated)]
fn deprecated_items_still_work() {
    let params = quirks::LegacyParams::new(quirks::Words::Return);
    assert_eq!(
        serde_json::to_string(&params).unwrap(),
        r#"{"words":"return"}"#
    );
    let options = quirks::Options::new(quirks::OptionsMode::Slow)
        .old("o")
        .future("f");
    assert_eq!(options.old.as_deref(), Some("o"));
}

#[test]
fn an_explicit_null_in_an_optional_any_field_survives_a_round_trip() {
    let text = r#"{"mode":"fast","extra":null}"#;
    let options: quirks::Options = serde_json::from_str(text).unwrap();
    assert_eq!(options.extra, Some(serde_json::Value::Null));
    assert_eq!(serde_json::to_string(&options).unwrap(), text);
    let absent: quirks::Options = serde_json::from_str(r#"{"mode":"fast"}"#).unwrap();
    assert_eq!(absent.extra, None);
}

/// A module that defines `String`, `Option`, `Vec`, `Box`, `None` and `Some` of its own names
/// the standard ones through `__cdp` where it needs them, and its own types work as any other.
#[test]
fn types_named_like_the_prelude_do_not_shadow_the_standard_ones() {
    use cdp_tests::quirks::prelude;
    let option = prelude::Option::new("n")
        .alias(prelude::String::from("a"))
        .sizes(vec![1, 2]);
    let params = prelude::PackParams::new(vec!["x".to_owned()])
        .option(option.clone())
        .r#box(prelude::Box::Large)
        .vec(prelude::Vec(vec!["v".to_owned()]));
    let text = serde_json::to_string(&params).unwrap();
    assert_eq!(
        text,
        r#"{"names":["x"],"option":{"name":"n","alias":"a","sizes":[1,2]},"box":"large","vec":["v"]}"#
    );
    assert_eq!(
        serde_json::from_str::<prelude::PackParams>(&text).unwrap(),
        params
    );
    assert_eq!(prelude::None(3), prelude::None::from(3));
    assert_eq!(prelude::Some::from("s").0, "s");
    let Ok(Message::Event {
        event: Event::Prelude(prelude::Event::Packed(packed)),
        ..
    }) = decode_message::<Event>(r#"{"method":"Prelude.packed","params":{"box":"small"}}"#)
    else {
        panic!("Prelude.packed decodes")
    };
    assert_eq!((packed.label, packed.r#box), (None, prelude::Box::Small));
}
