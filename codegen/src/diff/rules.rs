//! Every decision on what a change breaks, in both classes and with its reason, in one table.
//!
//! **Source** (does code written against the old bindings compile against the new ones?): the
//! generated API decides. Values users send (params and object types) get `new(required fields
//! in schema order)` and a setter per optional field; values the browser sends (command results
//! and events) are read only; optional fields are `Option<T>`, fields that close a cycle are
//! `Box<T>`; enums are `#[non_exhaustive]` with an `Unknown(String)` fallback, and so are the
//! per-domain and root `Event` enums; flagged items are kept by default.
//!
//! **Wire** (do bindings generated from the old protocol fit a browser that speaks the new
//! one?): the messages decide. The bindings' decoders skip keys they do not know, decode a
//! string enum value they do not know as `Unknown(..)`, a missing optional field as `None`, and
//! fail on a missing required field or a value of another shape. The browser's decoder skips
//! keys it does not know too (an unknown field is not an error for it), and fails on a missing
//! required parameter or a value of another shape; it answers a command it does not know with
//! an error, and rejects a string enum value it does not know. Which way a value travels is a
//! [`Direction`]; for [`Direction::Both`], the stricter of the two directions decides.

use super::wire::Fit;
use super::{ChangeKind, Direction, Verdict};

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

/// What the table needs to know of a change besides its kind; each kind reads only its own
/// facts (see [`classify`]).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Facts {
    /// For changes to fields (and the order of `new`'s arguments): the struct that holds them.
    pub container: Option<Container>,
    /// For changes to fields, enum values and types: which way the value travels.
    pub direction: Option<Direction>,
    /// For `FieldRemoved`: the field was required in the old version.
    pub was_required: bool,
    /// For `DomainRemoved`: the old domain had commands.
    pub had_commands: bool,
    /// For `TypeChanged`: whether values of the old type still fit the new one, each way.
    pub fit: Fit,
}

/// The verdicts of one change in both classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Classes {
    pub wire: Verdict,
    pub source: Verdict,
}

const fn breaking(reason: &'static str) -> Verdict {
    Verdict {
        breaking: true,
        reason,
    }
}

const fn fine(reason: &'static str) -> Verdict {
    Verdict {
        breaking: false,
        reason,
    }
}

/// The wire verdict of a change whose answer depends on which way the value travels: the one
/// for values the bindings send, for values the browser sends, and for values that travel both
/// ways (the stricter of the first two, said in its own words).
fn by_direction(
    direction: Option<Direction>,
    sent: Verdict,
    received: Verdict,
    both: Verdict,
) -> Verdict {
    match direction {
        Some(Direction::Sent) => sent,
        Some(Direction::Received) => received,
        Some(Direction::Both) | None => both,
    }
}

/// How the reason for a named type that travels both ways (or whose use is unknown) begins.
macro_rules! both_ways {
    ($rest:literal) => {
        concat!(
            "the type is used both in command parameters and in what the browser sends (or by no \
             command or event), so the stricter direction decides: ",
            $rest
        )
    };
}

/// The verdicts for `kind`, from the `facts` it reads.
pub(super) fn classify(kind: ChangeKind, facts: &Facts) -> Classes {
    let built = facts.container.is_some_and(Container::built_with_new);
    let direction = facts.direction;
    let (source, wire) = match kind {
        ChangeKind::DomainAdded => (
            fine(
                "adds a module, and at most a variant of the root `Event` enum, which is \
                 `#[non_exhaustive]`",
            ),
            fine("the old bindings never call it, and decode its events as `Event::Unknown`"),
        ),
        ChangeKind::DomainRemoved => (
            breaking("its module and everything in it disappear"),
            if facts.had_commands {
                breaking("the browser answers its commands with an error (method not found)")
            } else {
                fine("it had no commands: the browser only stops sending its events")
            },
        ),
        ChangeKind::TypeAdded => (
            fine("adds a Rust type; nothing existing changes"),
            fine("a type is not a message: the fields that use it are reported on their own"),
        ),
        ChangeKind::TypeRemoved => (
            breaking("the Rust type disappears"),
            fine("a type is not a message: the fields that used it are reported on their own"),
        ),
        ChangeKind::CommandAdded => (
            fine("adds `XParams` and `XReturns`; nothing existing changes"),
            fine("the old bindings never send it"),
        ),
        ChangeKind::CommandRemoved => (
            breaking("its `XParams` and `XReturns` disappear"),
            breaking("the browser answers it with an error (method not found)"),
        ),
        ChangeKind::EventAdded => (
            fine(
                "adds `XEvent` and a variant of the `#[non_exhaustive]` `Event` enums; the event \
                 used to decode as `Event::Unknown`",
            ),
            fine("the old bindings decode it as `Event::Unknown`"),
        ),
        ChangeKind::EventRemoved => (
            breaking("its `XEvent` and its `Event` variant disappear"),
            fine("the browser stops sending it; nothing fails to decode"),
        ),
        ChangeKind::RequiredFieldAdded => (
            if built {
                breaking("`new` gains an argument for the required field")
            } else {
                fine(
                    "a new field in a value only the browser sends; code that reads the others \
                     is unaffected",
                )
            },
            by_direction(
                direction,
                breaking("the browser requires the field, and the old bindings never send it"),
                fine("the old bindings' decoders skip the key they do not know"),
                breaking(both_ways!(
                    "the browser requires the field, and the old bindings never send it"
                )),
            ),
        ),
        ChangeKind::OptionalFieldAdded => (
            if built {
                fine(
                    "adds an `Option` field that `new` leaves unset, and its setter (struct \
                     literals are not supported construction)",
                )
            } else {
                fine(
                    "a new field in a value only the browser sends; code that reads the others \
                     is unaffected",
                )
            },
            fine(
                "an optional key: the browser does without it, and the old bindings' decoders \
                 skip it",
            ),
        ),
        ChangeKind::FieldRemoved => (
            if built {
                breaking("the Rust field disappears, with its `new` argument or setter")
            } else {
                breaking("the Rust field disappears from what code reads")
            },
            match (direction, facts.was_required) {
                (Some(Direction::Sent), _) => fine(
                    "the browser skips keys it does not know (though what the field asked for \
                     no longer happens)",
                ),
                (Some(Direction::Received), true) => breaking(
                    "the old bindings require the field, and the browser no longer sends it",
                ),
                (Some(Direction::Received), false) => {
                    fine("the old bindings hold the field as an `Option`: it decodes as `None`")
                }
                (_, true) => breaking(both_ways!(
                    "the old bindings require the field, and the browser no longer sends it"
                )),
                (_, false) => fine(both_ways!(
                    "the field was optional, so it decodes as `None`, and the browser skips it \
                     when sent"
                )),
            },
        ),
        ChangeKind::FieldBecameRequired => (
            if built {
                breaking(
                    "`new` gains an argument, the setter disappears and the field is no longer \
                     an `Option`",
                )
            } else {
                breaking("the field's type changes from `Option<T>` to `T`")
            },
            by_direction(
                direction,
                breaking(
                    "the old bindings may leave the field out (it is an `Option` there), and the \
                     browser now requires it",
                ),
                fine("the old bindings hold the field as an `Option`; it is now always `Some`"),
                breaking(both_ways!(
                    "the old bindings may leave the field out, and the browser now requires it"
                )),
            ),
        ),
        ChangeKind::FieldBecameOptional => (
            if built {
                breaking("`new` loses an argument and the field becomes `Option<T>`")
            } else {
                breaking(
                    "the field's type changes from `T` to `Option<T>`: readers must handle `None`",
                )
            },
            by_direction(
                direction,
                fine("the old bindings always send the field, and the browser still accepts it"),
                breaking("the browser may leave the field out, and the old bindings require it"),
                breaking(both_ways!(
                    "the browser may leave the field out, and the old bindings require it"
                )),
            ),
        ),
        ChangeKind::EnumValueAdded => (
            fine(
                "the enum is `#[non_exhaustive]` and has an `Unknown(..)` fallback, where the \
                 value used to land",
            ),
            fine(
                "the old bindings decode the value as `Unknown(..)`, and send only the values \
                 they know",
            ),
        ),
        ChangeKind::EnumValueRemoved => (
            breaking("its variant disappears (the value still decodes, as `Unknown(..)`)"),
            by_direction(
                direction,
                breaking(
                    "the old bindings may send the value, and the browser no longer accepts it",
                ),
                fine("the browser stops sending the value; nothing fails to decode"),
                breaking(both_ways!(
                    "the old bindings may send the value, and the browser no longer accepts it"
                )),
            ),
        ),
        ChangeKind::TypeChanged => (
            breaking("the Rust type changes"),
            by_direction(
                direction,
                if facts.fit.sent {
                    fine(
                        "what the old bindings send is still a value the browser accepts (the \
                         same JSON shape, or a narrower one)",
                    )
                } else {
                    breaking("what the old bindings send is no longer a value the browser accepts")
                },
                if facts.fit.received {
                    fine(
                        "what the browser sends still decodes with the old bindings (the same \
                         JSON shape, or a narrower one)",
                    )
                } else {
                    breaking("what the browser sends may no longer decode with the old bindings")
                },
                if facts.fit.sent && facts.fit.received {
                    fine(both_ways!(
                        "values still fit both ways (the same JSON shape, or one that fits)"
                    ))
                } else {
                    breaking(both_ways!(
                        "values no longer fit in at least one direction (another JSON shape)"
                    ))
                },
            ),
        ),
        ChangeKind::ArgumentOrderChanged => (
            breaking(
                "`new` takes required fields in schema order; arguments of the same type would \
                 swap silently",
            ),
            fine("messages key their fields by name: the order is Rust only"),
        ),
        ChangeKind::BoxingChanged => (
            breaking("the Rust type gains or loses a `Box`"),
            fine("a `Box` does not show in messages"),
        ),
        ChangeKind::BecameExperimental => (
            fine(
                "only the documentation changes by default; built with `experimental(false)` \
                 (`--no-experimental`) the item is left out, which breaks code that uses it",
            ),
            fine("flags are documentation: messages do not change"),
        ),
        ChangeKind::NoLongerExperimental => (
            fine(
                "only the documentation changes by default; built with `experimental(false)` the \
                 item appears",
            ),
            fine("flags are documentation: messages do not change"),
        ),
        ChangeKind::BecameDeprecated => (
            fine(
                "`#[deprecated]` makes uses warn (an error under `-D warnings`); built with \
                 `deprecated(false)` (`--no-deprecated`) the item is left out",
            ),
            fine("flags are documentation: messages do not change"),
        ),
        ChangeKind::NoLongerDeprecated => (
            fine("the `#[deprecated]` attribute goes away"),
            fine("flags are documentation: messages do not change"),
        ),
        ChangeKind::DeriveLost => (
            breaking(
                "code that uses the trait stops compiling: a `HashSet` or `HashMap` key, an `Eq` \
                 or `Hash` bound, a copy out of a reference, `Default::default()`",
            ),
            fine("derived traits are Rust only: messages do not change"),
        ),
        ChangeKind::DeriveGained => (
            fine("adds a trait impl; nothing existing changes"),
            fine("derived traits are Rust only: messages do not change"),
        ),
    };
    Classes { wire, source }
}

/// Whether a change of `kind` adds to the API of the bindings, for [`super::Diff::semver_bump`]:
/// something new to name or use, or an item newly deprecated (SemVer asks for a minor version
/// there too).
pub(super) fn adds_api(kind: ChangeKind) -> bool {
    match kind {
        ChangeKind::DomainAdded
        | ChangeKind::TypeAdded
        | ChangeKind::CommandAdded
        | ChangeKind::EventAdded
        | ChangeKind::RequiredFieldAdded
        | ChangeKind::OptionalFieldAdded
        | ChangeKind::EnumValueAdded
        | ChangeKind::DeriveGained
        | ChangeKind::NoLongerExperimental
        | ChangeKind::BecameDeprecated => true,
        ChangeKind::DomainRemoved
        | ChangeKind::TypeRemoved
        | ChangeKind::CommandRemoved
        | ChangeKind::EventRemoved
        | ChangeKind::FieldRemoved
        | ChangeKind::FieldBecameRequired
        | ChangeKind::FieldBecameOptional
        | ChangeKind::EnumValueRemoved
        | ChangeKind::TypeChanged
        | ChangeKind::ArgumentOrderChanged
        | ChangeKind::BoxingChanged
        | ChangeKind::BecameExperimental
        | ChangeKind::NoLongerDeprecated
        | ChangeKind::DeriveLost => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTAINERS: [Container; 4] = [
        Container::Params,
        Container::Returns,
        Container::Event,
        Container::Object,
    ];

    /// Where a container's values go when nothing else is known: params are sent, results and
    /// events received, objects (named types) either way.
    fn direction_of(container: Container) -> Direction {
        match container {
            Container::Params => Direction::Sent,
            Container::Returns | Container::Event => Direction::Received,
            Container::Object => Direction::Both,
        }
    }

    fn field_facts(container: Container) -> Facts {
        Facts {
            container: Some(container),
            direction: Some(direction_of(container)),
            ..Facts::default()
        }
    }

    fn wire(kind: ChangeKind, facts: Facts) -> Verdict {
        classify(kind, &facts).wire
    }

    fn source(kind: ChangeKind, facts: Facts) -> Verdict {
        classify(kind, &facts).source
    }

    /// The wire verdicts of `kind` for a value sent, received and both.
    fn each_way(kind: ChangeKind, facts: Facts) -> [bool; 3] {
        [Direction::Sent, Direction::Received, Direction::Both].map(|direction| {
            wire(
                kind,
                Facts {
                    direction: Some(direction),
                    ..facts
                },
            )
            .breaking
        })
    }

    #[test]
    fn a_required_field_breaks_only_values_users_build_in_source() {
        let rule = |container| source(ChangeKind::RequiredFieldAdded, field_facts(container));
        assert!(rule(Container::Params).breaking);
        assert!(rule(Container::Object).breaking);
        assert!(!rule(Container::Returns).breaking);
        assert!(!rule(Container::Event).breaking);
    }

    #[test]
    fn a_required_field_breaks_only_what_the_bindings_send_on_the_wire() {
        let facts = Facts::default();
        // Sent, received, both.
        assert_eq!(
            each_way(ChangeKind::RequiredFieldAdded, facts),
            [true, false, true]
        );
        let received = wire(
            ChangeKind::RequiredFieldAdded,
            field_facts(Container::Event),
        );
        assert!(received.reason.contains("skip"), "{received:?}");
        let both = wire(
            ChangeKind::RequiredFieldAdded,
            field_facts(Container::Object),
        );
        assert!(both.reason.starts_with("the type is used both"), "{both:?}");
    }

    #[test]
    fn optionality_changes_break_every_container_in_source() {
        for container in CONTAINERS {
            assert!(source(ChangeKind::FieldBecameRequired, field_facts(container)).breaking);
            assert!(source(ChangeKind::FieldBecameOptional, field_facts(container)).breaking);
        }
    }

    #[test]
    fn optionality_changes_break_one_direction_each_on_the_wire() {
        let facts = Facts::default();
        // The browser now requires what the old bindings may leave out.
        assert_eq!(
            each_way(ChangeKind::FieldBecameRequired, facts),
            [true, false, true]
        );
        // The browser may now leave out what the old bindings require.
        assert_eq!(
            each_way(ChangeKind::FieldBecameOptional, facts),
            [false, true, true]
        );
    }

    #[test]
    fn a_removed_field_breaks_the_wire_only_where_the_old_bindings_required_it() {
        let required = Facts {
            was_required: true,
            ..Facts::default()
        };
        assert_eq!(
            each_way(ChangeKind::FieldRemoved, required),
            [false, true, true]
        );
        assert_eq!(
            each_way(ChangeKind::FieldRemoved, Facts::default()),
            [false, false, false]
        );
        for container in CONTAINERS {
            assert!(source(ChangeKind::FieldRemoved, field_facts(container)).breaking);
        }
    }

    #[test]
    fn a_removed_enum_value_breaks_the_wire_only_where_the_bindings_send_it() {
        assert_eq!(
            each_way(ChangeKind::EnumValueRemoved, Facts::default()),
            [true, false, true]
        );
        assert_eq!(
            each_way(ChangeKind::EnumValueAdded, Facts::default()),
            [false, false, false]
        );
        assert!(source(ChangeKind::EnumValueRemoved, Facts::default()).breaking);
    }

    #[test]
    fn a_type_change_breaks_the_wire_where_values_no_longer_fit() {
        let fit = |sent, received| Facts {
            fit: Fit { sent, received },
            ..Facts::default()
        };
        assert_eq!(
            each_way(ChangeKind::TypeChanged, fit(false, false)),
            [true, true, true]
        );
        assert_eq!(
            each_way(ChangeKind::TypeChanged, fit(true, true)),
            [false, false, false]
        );
        // `integer` to `number`: the browser takes an integer where it wants a number, but the
        // old bindings cannot decode a fraction where they want an integer.
        assert_eq!(
            each_way(ChangeKind::TypeChanged, fit(true, false)),
            [false, true, true]
        );
        assert!(source(ChangeKind::TypeChanged, fit(true, true)).breaking);
    }

    #[test]
    fn commands_break_the_wire_when_removed_and_events_do_not() {
        let none = Facts::default();
        assert!(wire(ChangeKind::CommandRemoved, none).breaking);
        assert!(!wire(ChangeKind::EventRemoved, none).breaking);
        assert!(!wire(ChangeKind::CommandAdded, none).breaking);
        assert!(!wire(ChangeKind::EventAdded, none).breaking);
        // Both are source-breaking: their Rust types disappear.
        assert!(source(ChangeKind::CommandRemoved, none).breaking);
        assert!(source(ChangeKind::EventRemoved, none).breaking);
        let with_commands = Facts {
            had_commands: true,
            ..none
        };
        assert!(wire(ChangeKind::DomainRemoved, with_commands).breaking);
        assert!(!wire(ChangeKind::DomainRemoved, none).breaking);
    }

    #[test]
    fn rust_only_changes_never_break_the_wire() {
        for kind in [
            ChangeKind::DeriveLost,
            ChangeKind::DeriveGained,
            ChangeKind::ArgumentOrderChanged,
            ChangeKind::BoxingChanged,
            ChangeKind::TypeRemoved,
            ChangeKind::BecameExperimental,
            ChangeKind::BecameDeprecated,
        ] {
            for container in CONTAINERS {
                let verdicts = classify(kind, &field_facts(container));
                assert!(!verdicts.wire.breaking, "{kind}: {verdicts:?}");
            }
        }
        assert!(source(ChangeKind::DeriveLost, Facts::default()).breaking);
        assert!(source(ChangeKind::ArgumentOrderChanged, Facts::default()).breaking);
    }

    #[test]
    fn every_reason_is_a_clause() {
        let kinds = [
            ChangeKind::DomainAdded,
            ChangeKind::DomainRemoved,
            ChangeKind::TypeAdded,
            ChangeKind::TypeRemoved,
            ChangeKind::CommandAdded,
            ChangeKind::CommandRemoved,
            ChangeKind::EventAdded,
            ChangeKind::EventRemoved,
            ChangeKind::RequiredFieldAdded,
            ChangeKind::OptionalFieldAdded,
            ChangeKind::FieldRemoved,
            ChangeKind::FieldBecameRequired,
            ChangeKind::FieldBecameOptional,
            ChangeKind::EnumValueAdded,
            ChangeKind::EnumValueRemoved,
            ChangeKind::TypeChanged,
            ChangeKind::ArgumentOrderChanged,
            ChangeKind::BoxingChanged,
            ChangeKind::BecameExperimental,
            ChangeKind::NoLongerExperimental,
            ChangeKind::BecameDeprecated,
            ChangeKind::NoLongerDeprecated,
            ChangeKind::DeriveLost,
            ChangeKind::DeriveGained,
        ];
        for kind in kinds {
            for container in CONTAINERS {
                let verdicts = classify(kind, &field_facts(container));
                for verdict in [verdicts.wire, verdicts.source] {
                    let reason = verdict.reason;
                    assert!(
                        !reason.is_empty()
                            && !reason.ends_with('.')
                            && reason.starts_with(|c: char| !c.is_uppercase()),
                        "{kind}: {reason:?}"
                    );
                }
            }
        }
        assert!(adds_api(ChangeKind::EnumValueAdded));
        assert!(!adds_api(ChangeKind::EnumValueRemoved));
    }
}
