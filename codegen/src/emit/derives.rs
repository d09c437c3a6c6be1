//! Which optional traits (`Eq`, `Hash`, `Copy`, `Default`) each type can derive.
//!
//! A type gets `Eq` and `Hash` unless it holds a float or a JSON value, and `Copy` when all it
//! holds is `Copy`. The answer for a type depends on the types it holds, cycles included, so it
//! is found as a fixed point over the whole model rather than type by type.

use std::collections::BTreeMap;

use crate::model::{Field, Model, Ty, TypeId, TypeKind};

/// The optional traits of every named type.
pub struct Derives {
    eq: BTreeMap<TypeId, bool>,
    copy: BTreeMap<TypeId, bool>,
}

impl Derives {
    pub fn analyse(model: &Model) -> Derives {
        let kinds: BTreeMap<&TypeId, &TypeKind> = model
            .domains
            .iter()
            .flat_map(|domain| &domain.types)
            .map(|ty| (&ty.id, &ty.kind))
            .collect();
        // Start from "yes" everywhere and withdraw until nothing changes: the greatest fixed
        // point, so that a cycle of types that are all `Eq` stays `Eq`.
        let mut derives = Derives {
            eq: kinds.keys().map(|id| ((*id).clone(), true)).collect(),
            copy: kinds.keys().map(|id| ((*id).clone(), true)).collect(),
        };
        loop {
            let mut changed = false;
            for (id, kind) in &kinds {
                let (eq, copy) = match kind {
                    // The fallback variant holds a `String`.
                    TypeKind::Enum(_) => (true, false),
                    TypeKind::Object(fields) => (
                        derives.fields_eq(fields),
                        fields.iter().all(|f| !f.boxed && derives.ty_copy(&f.ty)),
                    ),
                    TypeKind::Alias { ty, boxed } => {
                        (derives.ty_eq(ty), !boxed && derives.ty_copy(ty))
                    }
                };
                if derives.eq[*id] && !eq {
                    derives.eq.insert((*id).clone(), false);
                    changed = true;
                }
                if derives.copy[*id] && !copy {
                    derives.copy.insert((*id).clone(), false);
                    changed = true;
                }
            }
            if !changed {
                return derives;
            }
        }
    }

    /// `Eq` and `Hash` are possible.
    pub fn ty_eq(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Number | Ty::Any | Ty::Map => false,
            Ty::String | Ty::Integer | Ty::Boolean | Ty::Binary => true,
            Ty::Array(item) => self.ty_eq(item),
            Ty::Named(id) => self.eq.get(id).copied().unwrap_or(false),
        }
    }

    /// `Copy` is possible.
    pub fn ty_copy(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Integer | Ty::Number | Ty::Boolean => true,
            Ty::String | Ty::Any | Ty::Map | Ty::Binary | Ty::Array(_) => false,
            Ty::Named(id) => self.copy.get(id).copied().unwrap_or(false),
        }
    }

    pub fn fields_eq(&self, fields: &[Field]) -> bool {
        fields.iter().all(|field| self.ty_eq(&field.ty))
    }

    pub fn fields_copy(&self, fields: &[Field]) -> bool {
        fields
            .iter()
            .all(|field| !field.boxed && self.ty_copy(&field.ty))
    }
}
