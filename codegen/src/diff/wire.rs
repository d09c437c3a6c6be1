//! Whether values of a type that changed still fit on the wire, each way.
//!
//! A type change is always source-breaking (the Rust type changes), but not always
//! wire-breaking: a reference that moved to another domain's alias of the same primitive, an
//! `integer` the browser now takes as a `number`, or a string enum the old bindings decode from
//! any string (through `Unknown(..)`), all carry the same messages. Each side is reduced to the
//! JSON it stands for (aliases followed to what they alias), and a value fits when every message
//! of the sender's shape decodes as the receiver's. The two receivers differ: the old bindings
//! take any string where they expect an enum (their `Unknown(..)` fallback), the browser takes
//! only the values it lists.

use super::compare::Index;
use crate::model::{Ty, TypeId, TypeKind};

/// Whether values still fit, each way, after a type change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Fit {
    /// Every value of the old type that the old bindings send is one the browser accepts as
    /// the new type.
    pub sent: bool,
    /// Every value of the new type that the browser sends decodes with the old bindings as the
    /// old type.
    pub received: bool,
}

/// How far aliases are followed before a type counts as unknown (aliases of aliases are rare;
/// a loop of aliases is not a valid schema, but must not hang the diff).
const MAX_ALIAS_DEPTH: usize = 16;

/// A type as the JSON it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Json<'a> {
    Integer,
    Number,
    Boolean,
    String,
    /// Base64 text: any string on the way out, checked on the way in (by both sides).
    Binary,
    /// A string with one of these values.
    Enum(&'a [String]),
    /// Any JSON value.
    Any,
    /// Any JSON object.
    Map,
    /// An object with the fields of this named type (whose own changes are reported on it).
    Object(&'a TypeId),
    Array(Box<Json<'a>>),
    /// A reference that leads nowhere, or too far.
    Unknown,
}

/// Who decodes a value: the two sides differ only on string enums.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Receiver {
    /// The old bindings: an unknown enum value decodes as `Unknown(..)`.
    Bindings,
    /// The browser: it accepts only the enum values it lists.
    Browser,
}

/// Whether values of `old_ty` (in the old version) and `new_ty` (in the new one) fit each way.
pub(super) fn fit(old: &Index<'_>, old_ty: &Ty, new: &Index<'_>, new_ty: &Ty) -> Fit {
    let (before, after) = (json(old, old_ty, 0), json(new, new_ty, 0));
    Fit {
        sent: accepts(&after, &before, Receiver::Browser),
        received: accepts(&before, &after, Receiver::Bindings),
    }
}

fn json<'a>(index: &Index<'a>, ty: &'a Ty, depth: usize) -> Json<'a> {
    match ty {
        Ty::String => Json::String,
        Ty::Integer => Json::Integer,
        Ty::Number => Json::Number,
        Ty::Boolean => Json::Boolean,
        Ty::Any => Json::Any,
        Ty::Map => Json::Map,
        Ty::Binary => Json::Binary,
        Ty::Array(item) => Json::Array(Box::new(json(index, item, depth))),
        Ty::Named(id) => match index.types.get(id).map(|def| &def.kind) {
            Some(TypeKind::Enum(values)) => Json::Enum(values),
            Some(TypeKind::Object(_)) => Json::Object(id),
            Some(TypeKind::Alias { ty, .. }) if depth < MAX_ALIAS_DEPTH => {
                json(index, ty, depth + 1)
            }
            _ => Json::Unknown,
        },
    }
}

/// Whether `receiver`, expecting `expected`, decodes every value of shape `value`.
fn accepts(expected: &Json<'_>, value: &Json<'_>, receiver: Receiver) -> bool {
    match (expected, value) {
        (Json::Any, _) => true,
        (Json::Unknown, _) | (_, Json::Unknown) => false,
        // The browser's number decoder takes integers too, and so does an `f64`.
        (Json::Number, Json::Integer | Json::Number) => true,
        (Json::Integer, Json::Integer) | (Json::Boolean, Json::Boolean) => true,
        (Json::String, Json::String | Json::Binary | Json::Enum(_)) => true,
        (Json::Binary, Json::Binary) => true,
        (Json::Enum(_), Json::String | Json::Binary | Json::Enum(_))
            if receiver == Receiver::Bindings =>
        {
            true
        }
        (Json::Enum(allowed), Json::Enum(values)) => {
            values.iter().all(|value| allowed.contains(value))
        }
        (Json::Map, Json::Map | Json::Object(_)) => true,
        (Json::Object(expected), Json::Object(value)) => expected == value,
        (Json::Array(expected), Json::Array(value)) => accepts(expected, value, receiver),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(list: &[&str]) -> Vec<String> {
        list.iter().map(|value| value.to_string()).collect()
    }

    #[test]
    fn an_integer_fits_where_a_number_is_expected_and_not_the_reverse() {
        for receiver in [Receiver::Bindings, Receiver::Browser] {
            assert!(accepts(&Json::Number, &Json::Integer, receiver));
            assert!(!accepts(&Json::Integer, &Json::Number, receiver));
        }
    }

    #[test]
    fn only_the_bindings_take_any_string_where_they_expect_an_enum() {
        let (red, red_green) = (values(&["red"]), values(&["red", "green"]));
        let (narrow, wide) = (Json::Enum(&red), Json::Enum(&red_green));
        assert!(accepts(&narrow, &Json::String, Receiver::Bindings));
        assert!(!accepts(&narrow, &Json::String, Receiver::Browser));
        assert!(accepts(&narrow, &wide, Receiver::Bindings));
        assert!(!accepts(&narrow, &wide, Receiver::Browser));
        assert!(accepts(&wide, &narrow, Receiver::Browser));
        // Any string type takes an enum's values.
        assert!(accepts(&Json::String, &wide, Receiver::Browser));
    }

    #[test]
    fn arrays_objects_and_any_fit_by_their_contents() {
        let id = TypeId {
            domain: "Shop".to_owned(),
            name: "Item".to_owned(),
        };
        let other = TypeId {
            domain: "Shop".to_owned(),
            name: "Leaf".to_owned(),
        };
        let array = |item| Json::Array(Box::new(item));
        let receiver = Receiver::Browser;
        assert!(accepts(
            &array(Json::Number),
            &array(Json::Integer),
            receiver
        ));
        assert!(!accepts(&array(Json::String), &Json::String, receiver));
        assert!(!accepts(&Json::String, &array(Json::String), receiver));
        assert!(accepts(&Json::Object(&id), &Json::Object(&id), receiver));
        assert!(!accepts(
            &Json::Object(&id),
            &Json::Object(&other),
            receiver
        ));
        assert!(accepts(&Json::Map, &Json::Object(&id), receiver));
        assert!(!accepts(&Json::Object(&id), &Json::Map, receiver));
        assert!(accepts(&Json::Any, &Json::Object(&id), receiver));
        assert!(!accepts(&Json::String, &Json::Any, receiver));
        assert!(!accepts(&Json::Unknown, &Json::Unknown, receiver));
        // Base64 is a string going out, and checked coming in.
        assert!(accepts(&Json::String, &Json::Binary, receiver));
        assert!(!accepts(&Json::Binary, &Json::String, Receiver::Bindings));
    }
}
