//! Changes to the optional traits a generated type derives (`Eq`, `Hash`, `Copy`, `Default`),
//! each with the chain of fields and types that explains it.
//!
//! The traits come from the rule the emitter follows (the derives pass, whose result each model
//! holds), so a change deep in the type graph shows on every newtype that holds it, as the
//! generated code does; a chain that reaches a struct ends there (structs derive no `Eq`,
//! `Hash` or `Copy`, whatever their fields).
//! A lost trait is explained with the new version (what now blocks it), a gained one with the
//! old version (what blocked it then).

use std::collections::BTreeSet;

use super::compare::Index;
use crate::derives::{Obstacle, Shape, Trait, Traits};
use crate::model::{Ty, TypeId};

/// Traits one type lost or gained for the same reason.
pub(super) struct DeriveChange {
    /// Gained (the old version lacked them) rather than lost (the new version lacks them).
    pub gained: bool,
    /// The traits, in derive order.
    pub traits: Vec<Trait>,
    /// Why the version without them lacks them, as a clause:
    /// ``it wraps an array of `Shop.Price`, which wraps `number` (`f64`)``.
    pub why: String,
}

/// The traits a type lost and gained between its `old` and `new` shapes; `id` is the type's
/// own id, for a named type.
pub(super) fn derive_changes(
    old: &Index<'_>,
    old_shape: Shape<'_>,
    new: &Index<'_>,
    new_shape: Shape<'_>,
    id: Option<&TypeId>,
) -> Vec<DeriveChange> {
    let before = old.derives.traits(old_shape);
    let after = new.derives.traits(new_shape);
    let mut changes = group(before.without(after), false, |tr| {
        why_not(new, new_shape, tr, Tense::Present, id)
    });
    changes.extend(group(after.without(before), true, |tr| {
        why_not(old, old_shape, tr, Tense::Past, id)
    }));
    changes
}

/// `traits` grouped by reason: `Eq` and `Hash` always share theirs.
fn group(traits: Traits, gained: bool, why: impl Fn(Trait) -> String) -> Vec<DeriveChange> {
    let mut groups: Vec<DeriveChange> = Vec::new();
    for tr in traits.iter() {
        let why = why(tr);
        match groups.iter_mut().find(|group| group.why == why) {
            Some(group) => group.traits.push(tr),
            None => groups.push(DeriveChange {
                gained,
                traits: vec![tr],
                why,
            }),
        }
    }
    groups
}

/// `` `Eq` ``, `` `Eq` and `Hash` ``, `` `Eq`, `Hash` and `Copy` ``.
pub(super) fn trait_list(traits: &[Trait]) -> String {
    let names: Vec<String> = traits.iter().map(|tr| format!("`{tr}`")).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// What ends a chain at a struct, whatever the trait it lacks.
const A_STRUCT: &str = "a struct (structs derive neither `Eq`, `Hash` nor `Copy`)";

/// The explanation of a lost trait is about the new version, that of a gained one about the
/// old.
#[derive(Clone, Copy)]
enum Tense {
    Present,
    Past,
}

impl Tense {
    fn is(self) -> &'static str {
        match self {
            Tense::Present => "is",
            Tense::Past => "was",
        }
    }

    fn wraps(self) -> &'static str {
        match self {
            Tense::Present => "wraps",
            Tense::Past => "wrapped",
        }
    }
}

/// Why a type of `shape` does not derive `tr` in `index`'s version.
fn why_not(
    index: &Index<'_>,
    shape: Shape<'_>,
    tr: Trait,
    tense: Tense,
    id: Option<&TypeId>,
) -> String {
    let mut named = BTreeSet::new();
    named.extend(id.cloned());
    clause(index, shape, tr, tense, false, &mut named)
}

/// What blocks `tr` in a type of `shape`: ``its field `x` is `number` (`f64`)`` at the top,
/// ``whose field `x` is ..`` or `which wraps ..` further down the chain. `named` holds the
/// types the chain went through, so that it never loops.
fn clause(
    index: &Index<'_>,
    shape: Shape<'_>,
    tr: Trait,
    tense: Tense,
    nested: bool,
    named: &mut BTreeSet<TypeId>,
) -> String {
    let (its_field, it) = if nested {
        ("whose field", "which")
    } else {
        ("its field", "it")
    };
    let is = tense.is();
    // A struct never derives `Eq`, `Hash` or `Copy`, whatever its fields: the chain ends here.
    if shape.never_derives(tr) {
        return format!("{it} {is} {A_STRUCT}");
    }
    let obstacles = index.derives.obstacles(shape, tr);
    // The first obstacle that does not lead back to a type already named: the chain then ends
    // where the trait is really blocked.
    let Some(obstacle) = obstacles
        .iter()
        .find(|obstacle| !leads_back(obstacle, named))
        .or(obstacles.first())
    else {
        // Unreachable with the rule of the derives pass (a type that lacks a trait either never
        // derives it or holds something that blocks it), but never an empty clause.
        return format!("{it} {is} kept from deriving it by the rule of the derives pass");
    };
    match *obstacle {
        Obstacle::Field(field) if tr == Trait::Copy && field.boxed => format!(
            "{its_field} `{}` {is} boxed (it closes a cycle of types)",
            field.name
        ),
        Obstacle::Field(field) => format!(
            "{its_field} `{}` {is} {}",
            field.name,
            ty_clause(index, &field.ty, tr, tense, named)
        ),
        Obstacle::Inner { boxed: true, .. } if tr == Trait::Copy => {
            format!("{it} {is} boxed (it closes a cycle of types)")
        }
        Obstacle::Inner { ty, .. } => format!(
            "{it} {} {}",
            tense.wraps(),
            ty_clause(index, ty, tr, tense, named)
        ),
        Obstacle::Required(field) => format!("{its_field} `{}` {is} required", field.name),
        Obstacle::Newtype => format!("{it} {is} a newtype"),
        Obstacle::Enum => format!("{it} {is} a string enum"),
    }
}

/// `ty`, which lacks `tr`, and why: a primitive says what Rust type it is, a named type
/// continues the chain.
fn ty_clause(
    index: &Index<'_>,
    ty: &Ty,
    tr: Trait,
    tense: Tense,
    named: &mut BTreeSet<TypeId>,
) -> String {
    let described = index.describe(ty);
    match ty {
        Ty::Array(_) if tr == Trait::Copy => format!("{described} (a `Vec`)"),
        Ty::Array(item) => format!("an array of {}", ty_clause(index, item, tr, tense, named)),
        Ty::Named(id) => {
            let Some(def) = index.types.get(id) else {
                return described;
            };
            let shape = Shape::of(&def.kind);
            // A struct ends the chain whether or not it was named before: its fields do not
            // matter.
            if shape.never_derives(tr) {
                return format!("{described}, {A_STRUCT}");
            }
            if !named.insert(id.clone()) {
                return described;
            }
            let rest = clause(index, shape, tr, tense, true, named);
            format!("{described}, {rest}")
        }
        Ty::Number => format!("{described} (`f64`)"),
        Ty::String => format!("{described} (`String`)"),
        Ty::Any => format!("{described} (`serde_json::Value`)"),
        Ty::Map => format!("{described} (a JSON map)"),
        Ty::Binary => format!("{described} (`Binary`, which holds a `Vec<u8>`)"),
        Ty::Integer | Ty::Boolean => described,
    }
}

/// Whether following `obstacle` names a type the chain went through already.
fn leads_back(obstacle: &Obstacle<'_>, named: &BTreeSet<TypeId>) -> bool {
    let mut ty = match obstacle {
        Obstacle::Field(field) => &field.ty,
        Obstacle::Inner { ty, .. } => *ty,
        _ => return false,
    };
    while let Ty::Array(item) = ty {
        ty = item;
    }
    matches!(ty, Ty::Named(id) if named.contains(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trait_lists_read_as_prose() {
        assert_eq!(trait_list(&[Trait::Copy]), "`Copy`");
        assert_eq!(trait_list(&[Trait::Eq, Trait::Hash]), "`Eq` and `Hash`");
        assert_eq!(
            trait_list(&[Trait::Eq, Trait::Hash, Trait::Copy]),
            "`Eq`, `Hash` and `Copy`"
        );
    }
}
