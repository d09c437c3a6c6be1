//! Every decision on what breaks generated code, with its reason, in one table.
//!
//! The generated API decides the answers: values users send (params and object types) get
//! `new(required fields in schema order)` and a setter per optional field; values the browser
//! sends (command results and events) are read only; optional fields are `Option<T>`, fields that
//! close a cycle are `Box<T>`; enums are `#[non_exhaustive]` with an `Unknown(String)` fallback,
//! and so are the per-domain and root `Event` enums; flagged items are kept by default.

use super::ChangeKind;

/// Where a field lives, which decides how generated code uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Container {
    /// A command's `XParams`: users build it with `new` and setters.
    Params,
    /// A command's `XReturns`: only read.
    Returns,
    /// An event's `XEvent`: only read.
    Event,
    /// A named object type (declared or written inline): it has `new` and setters too, and is
    /// read where the browser sends it.
    Object,
}

impl Container {
    fn built_with_new(self) -> bool {
        matches!(self, Container::Params | Container::Object)
    }
}

/// Whether a change breaks generated code, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rule {
    pub breaking: bool,
    pub reason: &'static str,
}

const fn breaking(reason: &'static str) -> Rule {
    Rule {
        breaking: true,
        reason,
    }
}

const fn fine(reason: &'static str) -> Rule {
    Rule {
        breaking: false,
        reason,
    }
}

/// The rule for `kind`; `container` is where the field is, for changes to fields.
pub(super) fn classify(kind: ChangeKind, container: Option<Container>) -> Rule {
    let built = container.is_some_and(Container::built_with_new);
    match kind {
        ChangeKind::DomainAdded => fine(
            "adds a module, and at most a variant of the root `Event` enum, which is \
             `#[non_exhaustive]`",
        ),
        ChangeKind::DomainRemoved => breaking("its module and everything in it disappear"),
        ChangeKind::TypeAdded => fine("adds a Rust type; nothing existing changes"),
        ChangeKind::TypeRemoved => breaking("the Rust type disappears"),
        ChangeKind::CommandAdded => fine("adds `XParams` and `XReturns`; nothing existing changes"),
        ChangeKind::CommandRemoved => breaking("its `XParams` and `XReturns` disappear"),
        ChangeKind::EventAdded => fine(
            "adds `XEvent` and a variant of the `#[non_exhaustive]` `Event` enums; the event \
             used to decode as `Event::Unknown`",
        ),
        ChangeKind::EventRemoved => breaking("its `XEvent` and its `Event` variant disappear"),
        ChangeKind::RequiredFieldAdded if built => {
            breaking("`new` gains an argument for the required field")
        }
        ChangeKind::RequiredFieldAdded => fine(
            "a new field in a value only the browser sends; code that reads the others is \
             unaffected",
        ),
        ChangeKind::OptionalFieldAdded if built => fine(
            "adds an `Option` field that `new` leaves unset, and its setter (struct literals \
             are not supported construction)",
        ),
        ChangeKind::OptionalFieldAdded => fine(
            "a new field in a value only the browser sends; code that reads the others is \
             unaffected",
        ),
        ChangeKind::FieldRemoved if built => {
            breaking("the Rust field disappears, with its `new` argument or setter")
        }
        ChangeKind::FieldRemoved => breaking("the Rust field disappears from what code reads"),
        ChangeKind::FieldBecameRequired if built => breaking(
            "`new` gains an argument, the setter disappears and the field is no longer an \
             `Option`",
        ),
        ChangeKind::FieldBecameRequired => {
            breaking("the field's type changes from `Option<T>` to `T`")
        }
        ChangeKind::FieldBecameOptional if built => {
            breaking("`new` loses an argument and the field becomes `Option<T>`")
        }
        ChangeKind::FieldBecameOptional => {
            breaking("the field's type changes from `T` to `Option<T>`: readers must handle `None`")
        }
        ChangeKind::EnumValueAdded => fine(
            "the enum is `#[non_exhaustive]` and has an `Unknown(..)` fallback, where the value \
             used to land",
        ),
        ChangeKind::EnumValueRemoved => {
            breaking("its variant disappears (the value still decodes, as `Unknown(..)`)")
        }
        ChangeKind::TypeChanged => breaking("the Rust type changes"),
        ChangeKind::ArgumentOrderChanged => breaking(
            "`new` takes required fields in schema order; arguments of the same type would \
             swap silently",
        ),
        ChangeKind::BoxingChanged => breaking("the Rust type gains or loses a `Box`"),
        ChangeKind::BecameExperimental => fine(
            "only the documentation changes by default; built with `experimental(false)` \
             (`--no-experimental`) the item is left out, which breaks code that uses it",
        ),
        ChangeKind::NoLongerExperimental => fine(
            "only the documentation changes by default; built with `experimental(false)` the \
             item appears",
        ),
        ChangeKind::BecameDeprecated => fine(
            "`#[deprecated]` makes uses warn (an error under `-D warnings`); built with \
             `deprecated(false)` (`--no-deprecated`) the item is left out",
        ),
        ChangeKind::NoLongerDeprecated => fine("the `#[deprecated]` attribute goes away"),
        ChangeKind::DeriveLost => breaking(
            "code that uses the trait stops compiling: a `HashSet` or `HashMap` key, an `Eq` or \
             `Hash` bound, a copy out of a reference, `Default::default()`",
        ),
        ChangeKind::DeriveGained => fine("adds a trait impl; nothing existing changes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_required_field_breaks_only_values_users_build() {
        let rule = |container| classify(ChangeKind::RequiredFieldAdded, Some(container)).breaking;
        assert!(rule(Container::Params));
        assert!(rule(Container::Object));
        assert!(!rule(Container::Returns));
        assert!(!rule(Container::Event));
    }

    #[test]
    fn optionality_changes_break_in_every_container() {
        for container in [
            Container::Params,
            Container::Returns,
            Container::Event,
            Container::Object,
        ] {
            assert!(classify(ChangeKind::FieldBecameRequired, Some(container)).breaking);
            assert!(classify(ChangeKind::FieldBecameOptional, Some(container)).breaking);
        }
    }
}
