//! Comparing two protocols: what changed, and whether the change breaks Rust code that uses the
//! bindings this project generates.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let old = cdp_codegen::Config::new().protocol("protocol/old.json").model()?;
//! let new = cdp_codegen::Config::new().protocol("protocol/browser.json").model()?;
//! let diff = cdp_codegen::diff::diff(&old, &new, &[])?;
//! print!("{}", diff.render(cdp_codegen::diff::Format::Markdown));
//! if diff.has_breaking() {
//!     std::process::exit(1);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Both models should be built with the default selection (experimental and deprecated items
//! kept), so that flag changes are seen rather than items appearing or vanishing.
//!
//! # What counts as breaking
//!
//! A change is *breaking* when code that compiled against the bindings generated from the old
//! schema may stop compiling against those generated from the new one, used as intended:
//!
//! - values users send (command params and object types) are built with `new(required..)` and
//!   the setters of optional fields;
//! - values the browser sends (command results and events) are read field by field, and
//!   enums are matched with a `_` arm (they are `#[non_exhaustive]`).
//!
//! Struct literals and exhaustive destructuring patterns break on any new field, as with any
//! struct whose fields are all `pub`; they are not part of that contract, so a new optional field
//! is not breaking. Note also that `#[non_exhaustive]` only binds *other* crates: code in the
//! crate that `include!`s the bindings can match an enum exhaustively, and a new variant breaks
//! it there. The rule for each kind of change, with its reason, is in one place: the private
//! `rules` module, and every [`Change`] carries its reason.
//!
//! Description-only changes are not reported, nor is a change of a command's `redirect` (it
//! only changes documentation).
//!
//! # Derived traits
//!
//! Every generated type derives `Debug`, `Clone` and `PartialEq`, and `Eq`, `Hash`, `Copy` and
//! `Default` where its contents allow: no float or JSON value for `Eq` and `Hash`, nothing but
//! numbers, booleans and `Copy` types (unboxed) for `Copy`, only optional fields for `Default`.
//! The diff runs the generator's own rule on both versions and reports, for every generated type
//! (named types, inline objects, `XParams`, `XReturns`, `XEvent`), the traits it loses
//! ([`ChangeKind::DeriveLost`], breaking: a `HashSet<T>`, an `Eq` bound or a copy stops
//! compiling) and gains ([`ChangeKind::DeriveGained`], not breaking). Since a type's traits
//! follow the types it holds, one field that becomes a `number` deep in the type graph shows on
//! every type that holds it, each with the chain that explains it:
//!
//! ```text
//! `shop::BuyParams` (the parameters of command `Shop.buy`) no longer derives `Eq` and `Hash`:
//! its field `item` is `Shop.Item`, whose field `price` is `number` (`f64`).
//! ```
//!
//! A lost trait is explained with the new version, a gained one with the old. Gaining a trait
//! breaks only code in the crate that `include!`s the bindings and implements that trait for the
//! type itself.

mod compare;
mod derives;
mod render;
mod rules;

use std::collections::BTreeSet;
use std::fmt;

use crate::diagnostics::closest;
use crate::model::Model;

pub use render::Format;

/// What changed between two protocols, in a fixed order: domains by name; within a domain, the
/// domain itself, then its types, commands and events, each by name; within an item, the item
/// itself, then its fields by name, then the traits its Rust type lost and gained (a command's
/// parameters, then its result).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diff {
    /// Every change.
    pub changes: Vec<Change>,
}

/// One change between two protocols.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What kind of change: stable, for tools.
    pub kind: ChangeKind,
    /// What kind of schema item changed.
    pub item: Item,
    /// Where, as a schema path: `BackgroundService` (domain),
    /// `BackgroundService.ServiceName` (type), `BackgroundService.startObserving` (command or
    /// event), `BackgroundService.BackgroundServiceEvent.storageKey` (field of a type),
    /// `BackgroundService.setRecording.parameters.shouldRecord` (command parameter),
    /// `Page.navigate.returns.frameId` (command result), `Page.frameNavigated.parameters.frame`
    /// (event parameter), `BackgroundService.ServiceName.backgroundFetch` (enum value). The
    /// values of an enum written inline in a field, and the fields of an inline object, hang
    /// off the field's path. Changes to a whole struct that is not a named type (the order of
    /// `new`'s arguments, derived traits) are at `Page.navigate.parameters`,
    /// `Page.navigate.returns` or `Page.frameNavigated.parameters`; those to an inline object
    /// at the field's path.
    pub path: String,
    /// The change as a sentence.
    pub message: String,
    /// Whether it may break code that uses the generated bindings (see the module docs).
    pub breaking: bool,
    /// Why it is, or is not, breaking.
    pub reason: &'static str,
}

/// The kinds of change, each with a stable `snake_case` name ([`ChangeKind::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ChangeKind {
    /// `domain_added`
    DomainAdded,
    /// `domain_removed`
    DomainRemoved,
    /// `type_added`
    TypeAdded,
    /// `type_removed`
    TypeRemoved,
    /// `command_added`
    CommandAdded,
    /// `command_removed`
    CommandRemoved,
    /// `event_added`
    EventAdded,
    /// `event_removed`
    EventRemoved,
    /// `required_field_added`
    RequiredFieldAdded,
    /// `optional_field_added`
    OptionalFieldAdded,
    /// `field_removed`
    FieldRemoved,
    /// `field_became_required`
    FieldBecameRequired,
    /// `field_became_optional`
    FieldBecameOptional,
    /// `enum_value_added`
    EnumValueAdded,
    /// `enum_value_removed`
    EnumValueRemoved,
    /// `type_changed`: a field's type (primitive, reference target, array-ness), an alias's
    /// aliased type, or what a named type is (enum, object, alias).
    TypeChanged,
    /// `argument_order_changed`: required fields kept in both versions appear in another
    /// order, and `new` takes them in schema order.
    ArgumentOrderChanged,
    /// `boxing_changed`: a field or alias gains or loses its `Box` (a cycle of types appeared
    /// or went away), or an event gains or loses its `Box` in its domain's `Event` (it grew
    /// past or shrank below [`crate::layout::BOX_EVENTS_OVER`] bytes).
    BoxingChanged,
    /// `became_experimental`
    BecameExperimental,
    /// `no_longer_experimental`
    NoLongerExperimental,
    /// `became_deprecated`
    BecameDeprecated,
    /// `no_longer_deprecated`
    NoLongerDeprecated,
    /// `derive_lost`: the Rust type no longer derives one or more of `Eq`, `Hash`, `Copy` and
    /// `Default`, because of what it holds now (see [Derived traits](self#derived-traits)).
    DeriveLost,
    /// `derive_gained`: the Rust type now derives one or more of `Eq`, `Hash`, `Copy` and
    /// `Default`.
    DeriveGained,
}

impl ChangeKind {
    /// The stable name, e.g. `required_field_added`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::DomainAdded => "domain_added",
            ChangeKind::DomainRemoved => "domain_removed",
            ChangeKind::TypeAdded => "type_added",
            ChangeKind::TypeRemoved => "type_removed",
            ChangeKind::CommandAdded => "command_added",
            ChangeKind::CommandRemoved => "command_removed",
            ChangeKind::EventAdded => "event_added",
            ChangeKind::EventRemoved => "event_removed",
            ChangeKind::RequiredFieldAdded => "required_field_added",
            ChangeKind::OptionalFieldAdded => "optional_field_added",
            ChangeKind::FieldRemoved => "field_removed",
            ChangeKind::FieldBecameRequired => "field_became_required",
            ChangeKind::FieldBecameOptional => "field_became_optional",
            ChangeKind::EnumValueAdded => "enum_value_added",
            ChangeKind::EnumValueRemoved => "enum_value_removed",
            ChangeKind::TypeChanged => "type_changed",
            ChangeKind::ArgumentOrderChanged => "argument_order_changed",
            ChangeKind::BoxingChanged => "boxing_changed",
            ChangeKind::BecameExperimental => "became_experimental",
            ChangeKind::NoLongerExperimental => "no_longer_experimental",
            ChangeKind::BecameDeprecated => "became_deprecated",
            ChangeKind::NoLongerDeprecated => "no_longer_deprecated",
            ChangeKind::DeriveLost => "derive_lost",
            ChangeKind::DeriveGained => "derive_gained",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of schema item a change is about, each with a stable name ([`Item::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Item {
    /// `domain`
    Domain,
    /// `type`
    Type,
    /// `command`
    Command,
    /// `event`
    Event,
    /// `field`: of an object type, of a command's parameters or result, or of an event.
    Field,
    /// `enum_value`
    EnumValue,
}

impl Item {
    /// The stable name, e.g. `enum_value`.
    pub fn as_str(self) -> &'static str {
        match self {
            Item::Domain => "domain",
            Item::Type => "type",
            Item::Command => "command",
            Item::Event => "event",
            Item::Field => "field",
            Item::EnumValue => "enum_value",
        }
    }
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why two protocols cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiffError {
    /// A domain asked for is in neither protocol.
    UnknownDomain {
        /// The domain asked for.
        name: String,
        /// A known domain with a close name.
        hint: Option<String>,
    },
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiffError::UnknownDomain { name, hint } => {
                write!(f, "no domain `{name}` in either protocol")?;
                match hint {
                    Some(near) => write!(f, "; did you mean `{near}`?"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for DiffError {}

impl Diff {
    /// The breaking changes, in order.
    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|change| change.breaking)
    }

    /// The changes that are not breaking, in order.
    pub fn non_breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|change| !change.breaking)
    }

    /// Whether any change is breaking.
    pub fn has_breaking(&self) -> bool {
        self.breaking().next().is_some()
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The changes as text, Markdown or JSON (see [`Format`]).
    pub fn render(&self, format: Format) -> String {
        render::render(self, format)
    }
}

/// Compares `old` with `new`.
///
/// With `domains` empty, every domain is compared. Otherwise only the named domains are, with
/// the types they use from other domains (in either version), since those are what
/// [`Config::domain`](crate::Config::domain) generates for them. A domain that exists in one
/// version only is reported as added or removed; one in neither is an error.
pub fn diff(old: &Model, new: &Model, domains: &[String]) -> Result<Diff, DiffError> {
    let mut known = BTreeSet::new();
    known.extend(
        old.domains
            .iter()
            .chain(&new.domains)
            .map(|domain| domain.name.as_str()),
    );
    if let Some(missing) = domains.iter().find(|name| !known.contains(name.as_str())) {
        return Err(DiffError::UnknownDomain {
            name: missing.clone(),
            hint: closest(missing, known.iter().copied()).map(str::to_owned),
        });
    }
    Ok(Diff {
        changes: compare::compare(old, new, domains),
    })
}
