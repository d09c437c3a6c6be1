//! Pass: keeps the event enums small: estimates how large each event struct is in memory, and marks
//! the few large ones to be held boxed by their domain's `Event`.
//!
//! An enum is as large as its largest variant, and the root `Event` holds every event of the
//! protocol. Unboxed, one event (`Audits.issueAdded`, whose issue details hold some thirty
//! optional structs inline) makes every decoded event, however small, a value of several
//! kilobytes that is moved on each step out of the decoder. Boxing only the events above
//! [`BOX_EVENTS_OVER`] keeps the root `Event` near that size, so the cost of decoding an event
//! does not grow with the number of domains generated, and the common small events still
//! decode without an extra allocation.
//!
//! The estimate follows Rust's layout on 64-bit targets closely enough to rank types (a
//! `String` or `Vec` is 24 bytes, a JSON value 32, an `Option` of a float 16, an `Option` of
//! anything with a niche no more than the thing itself, fields rounded up to 8 bytes); it is a
//! fact of the schema, so the same protocol always boxes the same events.

use std::cell::RefCell;

use crate::model::{types_by_id, Field, Model, Ty, TypeId, TypeKind, TypesById};

/// The estimated size, in bytes, above which an event is held boxed in its domain's `Event`.
pub const BOX_EVENTS_OVER: usize = 256;

/// Sets `boxed` on every event whose estimated size is above [`BOX_EVENTS_OVER`].
pub fn mark_boxed_events(model: &mut Model) {
    let boxed: Vec<Vec<bool>> = {
        let sizes = Sizes::new(model);
        model
            .domains
            .iter()
            .map(|domain| {
                domain
                    .events
                    .iter()
                    .map(|event| sizes.fields(&event.params) > BOX_EVENTS_OVER)
                    .collect()
            })
            .collect()
    };
    for (domain, boxed) in model.domains.iter_mut().zip(boxed) {
        for (event, boxed) in domain.events.iter_mut().zip(boxed) {
            event.boxed = boxed;
        }
    }
}

/// Estimated sizes of the named types of a model, computed on demand and remembered.
pub struct Sizes<'a> {
    types: TypesById<'a>,
    /// The sizes of the objects estimated so far, by position in `types`.
    known: RefCell<Vec<Option<usize>>>,
}

impl<'a> Sizes<'a> {
    /// Prepares estimates for the types of `model`.
    pub fn new(model: &'a Model) -> Self {
        let types = types_by_id(&model.domains);
        let known = RefCell::new(vec![None; types.len()]);
        Sizes { types, known }
    }

    /// The estimated size of a struct with these fields.
    pub fn fields(&self, fields: &[Field]) -> usize {
        let bytes: usize = fields.iter().map(|field| self.field(field).0).sum();
        bytes.next_multiple_of(8)
    }

    /// A field's size, and whether it has a niche that makes an `Option` of it free.
    fn field(&self, field: &Field) -> (usize, bool) {
        let (size, niche) = if field.boxed {
            (8, true)
        } else {
            self.ty(&field.ty)
        };
        match (field.optional, niche) {
            (false, _) | (true, true) => (size, niche),
            (true, false) => (size + size.clamp(1, 8), true),
        }
    }

    /// A type's size, and whether it has a niche.
    fn ty(&self, ty: &Ty) -> (usize, bool) {
        match ty {
            Ty::String | Ty::Binary | Ty::Array(_) | Ty::Map => (24, true),
            Ty::Any => (32, true),
            Ty::Integer | Ty::Number => (8, false),
            Ty::Boolean => (1, true),
            Ty::Named(id) => self.named(id),
        }
    }

    fn named(&self, id: &TypeId) -> (usize, bool) {
        let Some(at) = self.types.position(id) else {
            // Not generated, so never held inline.
            return (8, true);
        };
        let def = self.types.at(at);
        match &def.kind {
            // The fallback variant holds a `String`, whose capacity leaves a niche for the rest.
            TypeKind::Enum(_) => (24, true),
            TypeKind::Alias { boxed: true, .. } => (8, true),
            TypeKind::Alias { ty, boxed: false } => self.ty(ty),
            TypeKind::Object(fields) => {
                if let Some(size) = self.known.borrow()[at] {
                    return (size, true);
                }
                // Fields that close a cycle are boxed, so this recursion ends.
                let size = self.fields(fields).max(8);
                self.known.borrow_mut()[at] = Some(size);
                (size, true)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::mem::size_of;

    use super::{Sizes, BOX_EVENTS_OVER};
    use crate::model::Model;
    use crate::Config;

    fn model(domain: serde_json::Value) -> Model {
        let schema = serde_json::json!({
            "version": { "major": "1", "minor": "3" },
            "domains": [domain],
        });
        Config::new()
            .protocol_text("layout.json", schema.to_string())
            .model()
            .unwrap_or_else(|err| panic!("{err}"))
    }

    /// What the generated code holds, in the Rust types it generates them as.
    #[allow(dead_code)]
    enum Color {
        Red,
        Green,
        Unknown(String),
    }

    #[allow(dead_code)]
    struct Leaf {
        size: i64,
        weight: Option<f64>,
        color: Option<Color>,
        fresh: bool,
    }

    #[allow(dead_code)]
    struct Tree {
        name: String,
        leaf: Leaf,
        more: Option<Leaf>,
        tags: Vec<String>,
        data: serde_json::Value,
        parent: Option<Box<Tree>>,
        count: Option<i64>,
        origin: Option<String>,
        notes: Option<Vec<String>>,
    }

    fn shop() -> Model {
        model(serde_json::json!({
            "domain": "Shop",
            "types": [
                { "id": "Color", "type": "string", "enum": ["red", "green"] },
                { "id": "Leaf", "type": "object", "properties": [
                    { "name": "size", "type": "integer" },
                    { "name": "weight", "type": "number", "optional": true },
                    { "name": "color", "$ref": "Color", "optional": true },
                    { "name": "fresh", "type": "boolean" }
                ] },
                { "id": "Tree", "type": "object", "properties": [
                    { "name": "name", "type": "string" },
                    { "name": "leaf", "$ref": "Leaf" },
                    { "name": "more", "$ref": "Leaf", "optional": true },
                    { "name": "tags", "type": "array", "items": { "type": "string" } },
                    { "name": "data", "type": "any" },
                    { "name": "parent", "$ref": "Tree", "optional": true },
                    { "name": "count", "type": "integer", "optional": true },
                    { "name": "origin", "type": "string", "optional": true },
                    { "name": "notes", "type": "array", "items": { "type": "string" },
                      "optional": true }
                ] }
            ],
            "events": [
                { "name": "grown", "parameters": [ { "name": "tree", "$ref": "Tree" } ] },
                { "name": "planted", "parameters": [
                    { "name": "trees", "type": "array", "items": { "$ref": "Tree" } },
                    { "name": "leaf", "$ref": "Leaf" }
                ] },
                { "name": "cleared" }
            ]
        }))
    }

    #[test]
    fn estimates_match_the_layout_rust_gives_the_generated_types() {
        let model = shop();
        let sizes = Sizes::new(&model);
        let domain = &model.domains[0];
        let fields = |name: &str| match &domain.types.iter().find(|ty| ty.id.name == name) {
            Some(ty) => match &ty.kind {
                crate::model::TypeKind::Object(fields) => fields.clone(),
                other => panic!("{name} is {other:?}"),
            },
            None => panic!("no {name}"),
        };
        assert_eq!(sizes.fields(&fields("Leaf")), size_of::<Leaf>());
        assert_eq!(sizes.fields(&fields("Tree")), size_of::<Tree>());
        assert_eq!(sizes.fields(&domain.events[0].params), size_of::<Tree>());
        assert_eq!(sizes.fields(&domain.events[2].params), 0);
    }

    #[test]
    fn only_events_above_the_limit_are_boxed() {
        let model = shop();
        let boxed: Vec<(&str, bool)> = model.domains[0]
            .events
            .iter()
            .map(|event| (event.name.as_str(), event.boxed))
            .collect();
        // `Tree` is above the limit; a `Vec` of trees and a leaf are not.
        assert!(size_of::<Tree>() > BOX_EVENTS_OVER);
        assert!(size_of::<(Vec<Tree>, Leaf)>() <= BOX_EVENTS_OVER);
        assert_eq!(
            boxed,
            [("grown", true), ("planted", false), ("cleared", false)]
        );
    }
}
