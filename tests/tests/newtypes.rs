//! Generated newtypes over a primitive or an array convert into their inner type and, through
//! `cdp_runtime::Newtype`, into any other newtype over the same inner type: the same id of two
//! sets of bindings (here the golden output and cdp-bindings), or two ids of different names.

use cdp_runtime::Newtype;
use cdp_tests::{golden, quirks};

#[test]
fn an_id_converts_into_the_same_id_of_other_bindings_and_back() {
    let ours = golden::service_worker::RegistrationId::from("r-1");
    let theirs: cdp_bindings::service_worker::RegistrationId = ours.clone().convert();
    assert_eq!(theirs.0, "r-1");
    let back: golden::service_worker::RegistrationId = theirs.convert();
    assert_eq!(back, ours);

    let time = golden::network::TimeSinceEpoch(1_700_000_000.5);
    let theirs = time.convert::<cdp_bindings::network::TimeSinceEpoch>();
    assert_eq!(theirs.0, 1_700_000_000.5);
    assert_eq!(
        theirs.convert::<golden::network::TimeSinceEpoch>(),
        golden::network::TimeSinceEpoch(1_700_000_000.5)
    );
}

#[test]
fn newtypes_of_different_names_over_the_same_inner_type_convert_both_ways() {
    let registration = golden::service_worker::RegistrationId::from("shared");
    let handle: quirks::io::StreamHandle = registration.convert();
    assert_eq!(handle, quirks::io::StreamHandle::from("shared"));
    let registration: golden::service_worker::RegistrationId = handle.convert();
    assert_eq!(registration.0, "shared");
}

#[test]
fn a_newtype_converts_back_into_its_inner_value() {
    let id = golden::service_worker::RegistrationId::from("r-2");
    assert_eq!(String::from(id), "r-2");
    let seconds: f64 = golden::network::TimeSinceEpoch(3.25).into();
    assert_eq!(seconds, 3.25);
    let ids: Vec<i64> = quirks::quirks::Ids(vec![1, 2, 3]).into();
    assert_eq!(ids, [1, 2, 3]);
    let mut map = serde_json::Map::new();
    map.insert("k".to_owned(), serde_json::Value::from(1));
    let headers = quirks::quirks::Headers::from(map.clone());
    assert_eq!(serde_json::Map::from(headers), map);
}

#[test]
fn code_generic_over_newtypes_takes_an_id_of_either_bindings() {
    fn inner<T: Newtype<Inner = String>>(id: T) -> String {
        id.into()
    }
    assert_eq!(
        inner(golden::service_worker::RegistrationId::from("a")),
        "a"
    );
    assert_eq!(
        inner(cdp_bindings::service_worker::RegistrationId::from("b")),
        "b"
    );
    assert_eq!(inner(quirks::io::StreamHandle::from("c")), "c");
}
