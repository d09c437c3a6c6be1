//! Comparing two protocols: what changed, and what each change means for the bindings this
//! project generates, asked as two questions.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use cdp_codegen::diff::{Class, Format};
//!
//! let old = cdp_codegen::Config::new().protocol("protocol/old.json").model()?;
//! let new = cdp_codegen::Config::new().protocol("protocol/browser.json").model()?;
//! let diff = cdp_codegen::diff::diff(&old, &new, &[])?;
//! print!("{}", diff.render(Format::Markdown));
//! println!("next version: a {} bump", diff.semver_bump());
//! if diff.has_breaking(Class::Wire) {
//!     std::process::exit(1);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Both models should be built with the default selection (experimental and deprecated items
//! kept), so that flag changes are seen rather than items appearing or vanishing.
//!
//! # Two classes: wire and source
//!
//! Every [`Change`] carries two [`Verdict`]s, each with its reason:
//!
//! - **Wire** ([`Class::Wire`]): can bindings generated from the *old* protocol still talk to a
//!   browser that speaks the *new* one? That is, do they still decode what it sends, and does it
//!   still accept what they send? Generated decoders skip keys they do not know, string enums
//!   have an `Unknown(String)` variant for values they do not know, and optional fields are
//!   `Option`s; the browser skips keys it does not know too, but rejects a value it does not
//!   accept and a required parameter that is missing. So a required field added to an event is
//!   not wire-breaking, while a required parameter added to a command, a command removed, an
//!   enum value removed from what the bindings send, or a field the browser sends that becomes
//!   optional, is.
//! - **Source** ([`Class::Source`]): does code written against the old bindings still compile
//!   once they are regenerated from the new protocol? A required field added to an event
//!   breaks nothing there either, but one added to a command's parameters or to an object type
//!   gives `new` another argument, which is source-breaking.
//!
//! `cdp-codegen diff OLD --browser PATH` asks the first question ("do my bindings fit this
//! browser?"); a diff before regenerating asks the second, and [`Diff::semver_bump`] derives
//! the version bump of the bindings from it.
//!
//! ## Which way a value travels
//!
//! Whether a change to a field or an enum breaks on the wire depends on who sends the value:
//! the bindings (a command's parameters: [`Direction::Sent`]) or the browser (a command's
//! result, an event: [`Direction::Received`]). A named type has no place of its own, so its
//! direction comes from where it is used: a type reached (through fields, arrays and aliases)
//! only from command parameters is sent, one reached only from results and events is
//! received, and one reached from both, or from neither, is [`Direction::Both`], for which the
//! stricter of the two directions decides. The uses are looked up in both versions (a use in
//! either counts) and, with a domain filter, in the selected domains only. An enum or object
//! written inline travels the way the field that holds it does.
//!
//! ## Type changes on the wire
//!
//! A type change is always source-breaking (the Rust type changes). On the wire it is judged
//! by the JSON each side stands for, aliases followed: another domain's alias of the same
//! primitive carries the same messages; the browser takes an integer where it wants a number,
//! but the old bindings cannot decode a fraction where they want an integer; the old bindings
//! decode any string where they expect a string enum (as `Unknown(..)`), but the browser takes
//! only the values it lists. A value that becomes an array, a string that becomes an object,
//! or an object of another named type never fits.
//!
//! # What counts as source-breaking
//!
//! A change is source-breaking when code that compiled against the bindings generated from the
//! old schema may stop compiling against those generated from the new one, used as intended:
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
//! it there.
//!
//! The rule for each kind of change, in both classes and with its reason, is in one place: the
//! private `rules` module. Description-only changes are not reported, nor is a change of a
//! command's `redirect` (it only changes documentation).
//!
//! # Derived traits
//!
//! Every generated type derives `Debug`, `Clone` and `PartialEq`. A struct (an object type, an
//! inline object, `XParams`, `XReturns`, `XEvent`) also derives `Default` when its fields are
//! all optional, and never `Eq`, `Hash` or `Copy`. A string enum derives `Eq` and `Hash`. A
//! newtype derives `Eq` and `Hash` unless what it wraps holds a float, a JSON value or a struct,
//! and `Copy` when what it wraps is a number, a boolean or another `Copy` newtype (unboxed).
//! The diff runs the generator's own rule on both versions and reports, for every generated type,
//! the traits it loses ([`ChangeKind::DeriveLost`], source-breaking: a `HashSet<T>`, an `Eq`
//! bound, a copy or `Default::default()` stops compiling) and gains
//! ([`ChangeKind::DeriveGained`], not breaking). A struct's `Default` follows its own fields; a
//! newtype's `Eq`, `Hash` and `Copy` follow the types it holds, so one newtype that becomes a
//! `number` shows on every newtype over an array of it, each with the chain that explains it:
//!
//! ```text
//! `shop::Prices` (type `Shop.Prices`) no longer derives `Eq` and `Hash`: it wraps an array of
//! `Shop.Price`, which wraps `number` (`f64`).
//! ```
//!
//! A chain that reaches a struct ends there, whatever the struct's fields:
//!
//! ```text
//! `shop::Items` (type `Shop.Items`) no longer derives `Eq` and `Hash`: it wraps an array of
//! `Shop.Item`, a struct (structs derive neither `Eq`, `Hash` nor `Copy`).
//! ```
//!
//! A lost trait is explained with the new version, a gained one with the old. Gaining a trait
//! breaks only code in the crate that `include!`s the bindings and implements that trait for the
//! type itself. Traits are Rust only: no change to them is ever wire-breaking.

mod compare;
mod derives;
mod render;
mod rules;
mod wire;

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
    /// Which way the values the change is about travel (see
    /// [Which way a value travels](self#which-way-a-value-travels)): set for changes to
    /// fields, to the order of `new`'s arguments, to enum values, and to what a named type is
    /// or aliases (the changes whose wire class may depend on it); `None` for domains, types,
    /// commands and events added or removed, an event's `Box`, flags and derived traits.
    pub direction: Option<Direction>,
    /// Whether bindings generated from the old protocol still fit a browser that speaks the new
    /// one, and why.
    pub wire: Verdict,
    /// Whether code written against the old bindings still compiles against bindings
    /// regenerated from the new protocol, and why.
    pub source: Verdict,
}

impl Change {
    /// The verdict of one class.
    pub fn verdict(&self, class: Class) -> &Verdict {
        match class {
            Class::Wire => &self.wire,
            Class::Source => &self.source,
        }
    }

    /// Whether the change breaks in `class`.
    pub fn is_breaking(&self, class: Class) -> bool {
        self.verdict(class).breaking
    }
}

/// Whether a change breaks, in one [`Class`], and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Verdict {
    /// Whether it breaks.
    pub breaking: bool,
    /// Why it does, or does not: a clause, without a final period.
    pub reason: &'static str,
}

/// The two questions a diff answers (see [Two classes](self#two-classes-wire-and-source)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// `wire`: do bindings generated from the old protocol still decode what a browser that
    /// speaks the new one sends, and send what it accepts?
    Wire,
    /// `source`: does code written against the old bindings still compile after they are
    /// regenerated from the new protocol?
    Source,
}

impl Class {
    /// The stable name: `wire` or `source`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Wire => "wire",
            Class::Source => "source",
        }
    }

    /// The other class.
    pub fn other(self) -> Class {
        match self {
            Class::Wire => Class::Source,
            Class::Source => Class::Wire,
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which way the values a change is about travel between the bindings and the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// `sent`: the bindings send them (command parameters, and named types used only there).
    Sent,
    /// `received`: the browser sends them (command results, events, and named types used only
    /// there).
    Received,
    /// `both`: a named type used both ways, or by no command or event; the stricter of the two
    /// directions decides.
    Both,
}

impl Direction {
    /// The stable name: `sent`, `received` or `both`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Sent => "sent",
            Direction::Received => "received",
            Direction::Both => "both",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A [SemVer](https://semver.org) version bump, smallest first (see [`Diff::semver_bump`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// `patch`: nothing added, nothing broken.
    Patch,
    /// `minor`: API added (or deprecated), nothing broken.
    Minor,
    /// `major`: code written against the old bindings may not compile.
    Major,
}

impl Bump {
    /// The stable name: `major`, `minor` or `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Major => "major",
            Bump::Minor => "minor",
            Bump::Patch => "patch",
        }
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// The changes that break in `class`, in order.
    pub fn breaking(&self, class: Class) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(move |change| change.is_breaking(class))
    }

    /// The changes that do not break in `class`, in order.
    pub fn non_breaking(&self, class: Class) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(move |change| !change.is_breaking(class))
    }

    /// Whether any change breaks in `class`.
    pub fn has_breaking(&self, class: Class) -> bool {
        self.breaking(class).next().is_some()
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The version bump the generated bindings need, by [SemVer](https://semver.org), judged
    /// by the **source** class (a crate that ships the bindings is versioned by what its users'
    /// code can rely on, not by what travels on the wire):
    ///
    /// - [`Bump::Major`] when any change is source-breaking;
    /// - else [`Bump::Minor`] when any change adds API: a domain, type, command, event, field or
    ///   enum value added, a derived trait gained, an item no longer experimental (it appears in
    ///   builds without experimental items), or an item newly deprecated (SemVer asks for a
    ///   minor bump there);
    /// - else [`Bump::Patch`], no changes included.
    ///
    /// For a `0.y.z` crate, Cargo reads `y` as the major version: apply the bump one place
    /// further right.
    pub fn semver_bump(&self) -> Bump {
        if self.has_breaking(Class::Source) {
            Bump::Major
        } else if self
            .changes
            .iter()
            .any(|change| rules::adds_api(change.kind))
        {
            Bump::Minor
        } else {
            Bump::Patch
        }
    }

    /// The changes as text, Markdown or JSON (see [`Format`]), source-breaking changes first:
    /// the report for regenerating the bindings. Same as
    /// [`render_led_by`](Diff::render_led_by)`(format, Class::Source)`.
    pub fn render(&self, format: Format) -> String {
        self.render_led_by(format, Class::Source)
    }

    /// The changes as text, Markdown or JSON (see [`Format`]), led by one class: text and
    /// Markdown count its breaking changes first and group the changes by it (every change
    /// shows both verdicts either way). `Class::Wire` answers "do bindings generated from the
    /// old protocol fit a browser that speaks the new one?". JSON is the same for both.
    pub fn render_led_by(&self, format: Format, lead: Class) -> String {
        render::render(self, format, lead)
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
