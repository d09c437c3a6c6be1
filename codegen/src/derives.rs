//! Pass: which optional traits (`Eq`, `Hash`, `Copy`, `Default`) each generated type derives.
//!
//! Every generated type derives `Debug`, `Clone` and `PartialEq`. On top of those, a string enum
//! gets `Eq` and `Hash`; a newtype gets `Eq` and `Hash` unless what it wraps holds a float, a
//! JSON value or a struct, and `Copy` when what it wraps is `Copy` and not boxed; a struct gets
//! `Default` when its fields are all optional, and never `Eq`, `Hash` or `Copy` (they cost the
//! full protocol's crate more compile time than they are worth: DESIGN.md, 2026-12-03). The
//! answer for a newtype depends on the types it holds, cycles included, so it is found as a
//! fixed point over the whole model rather than type by type.
//!
//! The pipeline stores the answer on the model ([`Model::derives`]). [`Derives::traits`] is the
//! one rule: the emitter derives what it gives, and `diff` compares what it gives in two
//! versions, and follows what [`Derives::obstacles`] names to explain a change.

use std::fmt;

use crate::model::{types_by_id, Field, Model, Ty, TypeKind, TypeSet};

/// An optional trait that a generated type derives where it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Trait {
    /// `Eq`.
    Eq,
    /// `Hash`: wherever `Eq` is.
    Hash,
    /// `Copy`.
    Copy,
    /// `Default`.
    Default,
}

impl Trait {
    /// Every optional trait, in the order the derive lists them.
    pub const ALL: [Trait; 4] = [Trait::Eq, Trait::Hash, Trait::Copy, Trait::Default];

    /// The trait's name, as derived.
    pub fn name(self) -> &'static str {
        match self {
            Trait::Eq => "Eq",
            Trait::Hash => "Hash",
            Trait::Copy => "Copy",
            Trait::Default => "Default",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for Trait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of optional traits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Traits(u8);

impl Traits {
    /// Whether `tr` is in the set.
    pub fn contains(self, tr: Trait) -> bool {
        self.0 & tr.bit() != 0
    }

    /// The traits of `self` that `other` lacks.
    pub fn without(self, other: Traits) -> Traits {
        Traits(self.0 & !other.0)
    }

    /// The traits, in derive order.
    pub fn iter(self) -> impl Iterator<Item = Trait> {
        Trait::ALL.into_iter().filter(move |tr| self.contains(*tr))
    }
}

impl FromIterator<Trait> for Traits {
    fn from_iter<I: IntoIterator<Item = Trait>>(iter: I) -> Self {
        Traits(iter.into_iter().fold(0, |bits, tr| bits | tr.bit()))
    }
}

/// What decides the traits of a generated type.
#[derive(Debug, Clone, Copy)]
pub enum Shape<'a> {
    /// A struct: an object type, a command's params or returns, an event.
    Struct(&'a [Field]),
    /// A newtype over `ty`, boxed when it closes a cycle.
    Newtype {
        /// The inner type.
        ty: &'a Ty,
        /// Whether it is boxed.
        boxed: bool,
    },
    /// A string enum, with its fallback variant that holds a `String`.
    Enum,
}

impl<'a> Shape<'a> {
    /// Whether a type of this shape never derives `tr`, whatever it holds: a struct never derives
    /// `Eq`, `Hash` or `Copy`.
    pub fn never_derives(self, tr: Trait) -> bool {
        matches!(
            (self, tr),
            (Shape::Struct(_), Trait::Eq | Trait::Hash | Trait::Copy)
        )
    }

    /// The shape of a named type.
    pub fn of(kind: &'a TypeKind) -> Shape<'a> {
        match kind {
            TypeKind::Enum(_) => Shape::Enum,
            TypeKind::Object(fields) => Shape::Struct(fields),
            TypeKind::Alias { ty, boxed } => Shape::Newtype { ty, boxed: *boxed },
        }
    }
}

/// Why a type does not derive a trait: the first thing in it that does not allow the trait.
#[derive(Debug, Clone, Copy)]
pub enum Obstacle<'a> {
    /// A struct field, boxed or of a type without the trait (`Eq`, `Hash`, `Copy`).
    Field(&'a Field),
    /// A newtype's inner type, boxed or without the trait (`Eq`, `Hash`, `Copy`).
    Inner {
        /// The inner type.
        ty: &'a Ty,
        /// Whether it is boxed.
        boxed: bool,
    },
    /// A required field: only a struct whose fields are all optional derives `Default`.
    Required(&'a Field),
    /// A newtype never derives `Default`.
    Newtype,
    /// A string enum derives neither `Copy` (its fallback variant holds a `String`) nor
    /// `Default`.
    Enum,
}

/// The optional traits of every named type, and through them of any struct's fields.
///
/// Empty (no named type derives anything optional) until the pass has run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Derives {
    /// The named types that can derive `Eq` and `Hash` (string enums and newtypes).
    eq: TypeSet,
    /// The named types that can derive `Copy` (newtypes).
    copy: TypeSet,
}

/// Finds the optional traits of every named type of `model`, whose boxed fields are marked.
pub fn analyse(model: &Model) -> Derives {
    let types = types_by_id(&model.domains);
    // Start from "yes" everywhere and withdraw until nothing changes: the greatest fixed
    // point, so that a cycle of types that are all `Eq` stays `Eq`. Each round keeps, of the
    // types that derive a trait, those that still can (sets are only added to, in order of
    // id, so every insert is a push).
    let mut derives = Derives::default();
    for (id, _) in types.iter() {
        derives.eq.insert(id.clone());
        derives.copy.insert(id.clone());
    }
    loop {
        let mut next = Derives::default();
        for (id, ty) in types.iter() {
            let traits = derives.traits(Shape::of(&ty.kind));
            if traits.contains(Trait::Eq) && derives.eq.contains(id) {
                next.eq.insert(id.clone());
            }
            if traits.contains(Trait::Copy) && derives.copy.contains(id) {
                next.copy.insert(id.clone());
            }
        }
        // `next` holds no more than `derives`, so the same sizes are the same sets.
        if next.eq.len() == derives.eq.len() && next.copy.len() == derives.copy.len() {
            return derives;
        }
        derives = next;
    }
}

impl Derives {
    /// The optional traits a type of this shape derives: those it may derive
    /// ([`Shape::never_derives`]) and that nothing in it keeps from deriving.
    pub fn traits(&self, shape: Shape<'_>) -> Traits {
        Trait::ALL
            .into_iter()
            .filter(|tr| !shape.never_derives(*tr) && self.obstacle(shape, *tr).is_none())
            .collect()
    }

    /// What keeps a type of this shape from deriving `tr`, or `None` when nothing in it does
    /// (a struct still never derives `Eq`, `Hash` or `Copy`: [`Shape::never_derives`]).
    pub fn obstacle<'a>(&self, shape: Shape<'a>, tr: Trait) -> Option<Obstacle<'a>> {
        self.obstacles(shape, tr).into_iter().next()
    }

    /// Everything in a type of this shape that keeps it from deriving `tr`, fields in schema
    /// order; empty when nothing in it does (see [`Derives::obstacle`]).
    pub fn obstacles<'a>(&self, shape: Shape<'a>, tr: Trait) -> Vec<Obstacle<'a>> {
        match (shape, tr) {
            (Shape::Struct(fields), Trait::Eq | Trait::Hash) => fields
                .iter()
                .filter(|field| !self.ty_eq(&field.ty))
                .map(Obstacle::Field)
                .collect(),
            (Shape::Struct(fields), Trait::Copy) => fields
                .iter()
                .filter(|field| field.boxed || !self.ty_copy(&field.ty))
                .map(Obstacle::Field)
                .collect(),
            (Shape::Struct(fields), Trait::Default) => fields
                .iter()
                .filter(|field| !field.optional)
                .map(Obstacle::Required)
                .collect(),
            (Shape::Newtype { ty, boxed }, Trait::Eq | Trait::Hash) => (!self.ty_eq(ty))
                .then_some(Obstacle::Inner { ty, boxed })
                .into_iter()
                .collect(),
            (Shape::Newtype { ty, boxed }, Trait::Copy) => (boxed || !self.ty_copy(ty))
                .then_some(Obstacle::Inner { ty, boxed })
                .into_iter()
                .collect(),
            (Shape::Newtype { .. }, Trait::Default) => vec![Obstacle::Newtype],
            (Shape::Enum, Trait::Eq | Trait::Hash) => Vec::new(),
            (Shape::Enum, Trait::Copy | Trait::Default) => vec![Obstacle::Enum],
        }
    }

    /// `Eq` and `Hash` are possible.
    fn ty_eq(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Number | Ty::Any | Ty::Map => false,
            Ty::String | Ty::Integer | Ty::Boolean | Ty::Binary => true,
            Ty::Array(item) => self.ty_eq(item),
            Ty::Named(id) => self.eq.contains(id),
        }
    }

    /// `Copy` is possible.
    fn ty_copy(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Integer | Ty::Number | Ty::Boolean => true,
            Ty::String | Ty::Any | Ty::Map | Ty::Binary | Ty::Array(_) => false,
            Ty::Named(id) => self.copy.contains(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Meta;

    fn field(name: &str, ty: Ty, optional: bool) -> Field {
        Field {
            name: name.to_owned(),
            meta: Meta::default(),
            optional,
            ty,
            boxed: false,
        }
    }

    fn names(traits: Traits) -> Vec<&'static str> {
        traits.iter().map(Trait::name).collect()
    }

    #[test]
    fn each_shape_gets_what_its_contents_allow() {
        let derives = Derives {
            eq: TypeSet::default(),
            copy: TypeSet::default(),
        };
        // A struct derives `Default` at most, whatever its fields.
        let ints = [field("a", Ty::Integer, true), field("b", Ty::Boolean, true)];
        assert_eq!(names(derives.traits(Shape::Struct(&ints))), ["Default"]);
        for tr in [Trait::Eq, Trait::Hash, Trait::Copy] {
            assert!(Shape::Struct(&ints).never_derives(tr));
            assert!(derives.obstacles(Shape::Struct(&ints), tr).is_empty());
        }
        assert!(!Shape::Struct(&ints).never_derives(Trait::Default));
        let mixed = [field("a", Ty::Number, false), field("b", Ty::String, true)];
        assert_eq!(derives.traits(Shape::Struct(&mixed)), Traits::default());
        assert!(matches!(
            derives.obstacle(Shape::Struct(&mixed), Trait::Default),
            Some(Obstacle::Required(f)) if f.name == "a"
        ));
        let newtype = Shape::Newtype {
            ty: &Ty::Integer,
            boxed: false,
        };
        assert_eq!(names(derives.traits(newtype)), ["Eq", "Hash", "Copy"]);
        assert_eq!(names(derives.traits(Shape::Enum)), ["Eq", "Hash"]);
        assert_eq!(names(derives.traits(Shape::Struct(&[]))), ["Default"]);
    }

    #[test]
    fn a_newtype_over_structs_is_not_eq_and_one_over_enums_is() {
        let schema = r#"{"version": {"major": "1", "minor": "3"}, "domains": [{"domain": "D",
            "types": [
                {"id": "Entry", "type": "object", "properties": [{"name": "n", "type": "integer"}]},
                {"id": "Kind", "type": "string", "enum": ["a", "b"]},
                {"id": "Entries", "type": "array", "items": {"$ref": "Entry"}},
                {"id": "Kinds", "type": "array", "items": {"$ref": "Kind"}},
                {"id": "Count", "type": "integer"}
            ]}]}"#;
        let model = crate::Config::new()
            .protocol_text("d.json", schema)
            .model()
            .unwrap();
        let types = types_by_id(&model.domains);
        let traits = |name: &str| {
            let (_, def) = types
                .iter()
                .find(|(id, _)| id.name == name)
                .expect("the type is in the model");
            names(model.derives.traits(Shape::of(&def.kind)))
        };
        assert_eq!(traits("Entry"), Vec::<&str>::new());
        assert_eq!(traits("Entries"), Vec::<&str>::new());
        assert_eq!(traits("Kind"), ["Eq", "Hash"]);
        assert_eq!(traits("Kinds"), ["Eq", "Hash"]);
        assert_eq!(traits("Count"), ["Eq", "Hash", "Copy"]);
    }
}
