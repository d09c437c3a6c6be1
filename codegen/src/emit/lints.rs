//! The `#[allow(..)]` of a domain module: only the lints that something in it can trigger.

use crate::model::{Domain, Field, Model, Ty, TypeId, TypeKind};
use crate::naming;

/// `#[allow(..)]` with the lints the module of `domain` can trigger.
pub fn allow_attr(model: &Model, domain: &Domain) -> String {
    // The including crate decides: bindings included in a module named like one of theirs
    // (`mod quirks { include!(..) }` around `pub mod quirks`) nest a module in its namesake.
    let mut lints = vec!["clippy::module_inception"];
    if uses_deprecated(model, domain) {
        lints.push("deprecated");
    }
    if !domain.events.is_empty() {
        // Large events are boxed from an estimate of their size (`crate::layout`), with a
        // threshold above clippy's.
        lints.push("clippy::large_enum_variant");
    }
    if shouts(domain) {
        lints.push("clippy::upper_case_acronyms");
    }
    if enum_names_repeat(domain) {
        lints.push("clippy::enum_variant_names");
    }
    let built = built_fields(domain);
    if built
        .iter()
        .any(|fields| fields.iter().filter(|field| !field.optional).count() > 7)
    {
        lints.push("clippy::too_many_arguments");
    }
    // `new()` without arguments and without `Default` is no lint here: `object!` writes it, and
    // clippy leaves what a macro of another crate expands to alone, except for the argument
    // count of `new`.
    let setters: Vec<String> = built
        .iter()
        .flat_map(|fields| fields.iter())
        .filter(|field| field.optional)
        .map(|field| naming::field(&field.name))
        .collect();
    // A setter takes `self` and one argument, as these operator traits' methods do. Setters
    // come from `object!` too, but no protocol has a setter of such a name to show that clippy
    // leaves these two alone as well: they stay, for the modules that have one.
    const OPERATORS: &[&str] = &[
        "add", "sub", "mul", "div", "rem", "shl", "shr", "bitand", "bitor", "bitxor",
    ];
    if setters
        .iter()
        .any(|name| OPERATORS.contains(&name.as_str()))
    {
        lints.push("clippy::should_implement_trait");
    }
    // `as_*`, `is_*`, `to_*` and `from_*` methods are expected to borrow or not take `self`.
    if setters.iter().any(|name| {
        ["as_", "is_", "to_", "from_"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
    }) {
        lints.push("clippy::wrong_self_convention");
    }
    format!("#[allow({})]", lints.join(", "))
}

/// Whether a type or variant name of the module has no lowercase letter (`X2D`, spelled from
/// the bytes of a value made of punctuation), which clippy takes for an acronym.
fn shouts(domain: &Domain) -> bool {
    let shouting = |name: &str| !name.chars().any(|c| c.is_lowercase());
    domain.types.iter().any(|ty| {
        shouting(&naming::type_name(&ty.id.name))
            || matches!(&ty.kind, TypeKind::Enum(values)
                if values.iter().any(|value| shouting(&naming::variant(value))))
    }) || domain
        .events
        .iter()
        .any(|event| shouting(&naming::event_variant(&event.name)))
}

/// The fields of every struct of the domain that gets `new` and setters.
fn built_fields(domain: &Domain) -> Vec<&[Field]> {
    let types = domain.types.iter().filter_map(|ty| match &ty.kind {
        TypeKind::Object(fields) => Some(fields.as_slice()),
        _ => None,
    });
    let params = domain
        .commands
        .iter()
        .map(|command| command.params.as_slice());
    types.chain(params).collect()
}

/// Whether the module defines or names anything deprecated.
fn uses_deprecated(model: &Model, domain: &Domain) -> bool {
    let deprecated_type = |id: &TypeId| {
        model
            .domains
            .iter()
            .filter(|domain| domain.name == id.domain)
            .flat_map(|domain| &domain.types)
            .any(|ty| ty.id == *id && ty.meta.deprecated)
    };
    let names_deprecated = |ty: &Ty| -> bool {
        let mut ty = ty;
        while let Ty::Array(item) = ty {
            ty = item;
        }
        matches!(ty, Ty::Named(id) if deprecated_type(id))
    };
    let fields_deprecated = |fields: &[Field]| {
        fields
            .iter()
            .any(|field| field.meta.deprecated || names_deprecated(&field.ty))
    };
    domain.meta.deprecated
        || domain.types.iter().any(|ty| {
            ty.meta.deprecated
                || match &ty.kind {
                    TypeKind::Object(fields) => fields_deprecated(fields),
                    TypeKind::Alias { ty, .. } => names_deprecated(ty),
                    TypeKind::Enum(_) => false,
                }
        })
        || domain.commands.iter().any(|command| {
            command.meta.deprecated
                || fields_deprecated(&command.params)
                || fields_deprecated(&command.returns)
        })
        || domain
            .events
            .iter()
            .any(|event| event.meta.deprecated || fields_deprecated(&event.params))
}

/// Whether an enum of the module has variants that clippy's `enum_variant_names` finds
/// repetitive: a variant that starts or ends with the enum's name, or, from three variants on,
/// a first or last word that all share.
fn enum_names_repeat(domain: &Domain) -> bool {
    let mut enums: Vec<(String, Vec<String>)> = domain
        .types
        .iter()
        .filter_map(|ty| match &ty.kind {
            TypeKind::Enum(values) => {
                let mut variants: Vec<String> =
                    values.iter().map(|value| naming::variant(value)).collect();
                variants.push(naming::FALLBACK_VARIANT.to_owned());
                Some((naming::type_name(&ty.id.name), variants))
            }
            _ => None,
        })
        .collect();
    if !domain.events.is_empty() {
        let variants = domain
            .events
            .iter()
            .map(|event| naming::event_variant(&event.name))
            .collect();
        enums.push(("Event".to_owned(), variants));
    }
    enums.iter().any(|(name, variants)| {
        let named = variants
            .iter()
            .any(|variant| variant.starts_with(name.as_str()) || variant.ends_with(name.as_str()));
        let words: Vec<Vec<String>> = variants
            .iter()
            .map(|variant| camel_words(variant))
            .collect();
        let shared = |pick: fn(&Vec<String>) -> Option<&String>| {
            let first = words.first().and_then(pick);
            first.is_some() && words.iter().all(|w| pick(w) == first)
        };
        named || (variants.len() >= 3 && (shared(|w| w.first()) || shared(|w| w.last())))
    })
}

/// `BackgroundFetch` -> `["Background", "Fetch"]`.
fn camel_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        match words.last_mut() {
            Some(word) if !c.is_uppercase() => word.push(c),
            _ => words.push(c.to_string()),
        }
    }
    words
}
