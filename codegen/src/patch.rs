//! Stage 1b: schema patches, the user's own corrections, applied to the parsed schemas before
//! the model is built.
//!
//! A browser and the schema that describes it drift apart: a field the schema calls required
//! is no longer sent, a string became an object. Until the schema catches up, a patch file says
//! what to change, and why. [`Config::patch`](crate::Config::patch) and `cdp-codegen generate
//! --patch FILE` read it after the schema; patches apply in order, each to what the ones before
//! it left, so a patch may use a type that an earlier one added.
//!
//! # The format
//!
//! ```json
//! {
//!   "description": "Optional: what the file is for.",
//!   "patches": [
//!     {"op": "make_optional", "target": "Network.ClientSecurityState.privateNetworkRequestPolicy",
//!      "note": "Chromium no longer sends it."},
//!     {"op": "set_type", "target": "Network.responseReceivedExtraInfo.cookiePartitionKey",
//!      "to": {"$ref": "Network.CookiePartitionKey"}}
//!   ]
//! }
//! ```
//!
//! Every patch has an `op`, a `target` (except `add_domain`), an optional `note`, and the key
//! its op needs:
//!
//! | op | target | key | effect |
//! |---|---|---|---|
//! | `make_optional` | a field | | the field may be absent (`Option<T>`) |
//! | `open_enum` | a string enum type, or a field whose type is one (inline, by `$ref`, or an array of them) | | a plain `string` instead of the enum |
//! | `extend_enum` | a string enum type, or a field with an inline enum | `values`: strings | the values are added |
//! | `set_type` | a type or a field | `to`: a type description (`$ref`, `type`, `enum`, `items`, `properties`) | the type is replaced |
//! | `add_field` | an object type, a command (its parameters), `Domain.command.returns`, an event | `field`: a property, as in the schema | the field is added |
//! | `add_type` | a domain | `type`: a type, as in the schema | the type is added |
//! | `add_command` | a domain | `command`: a command, as in the schema | the command is added |
//! | `add_event` | a domain | `event`: an event, as in the schema | the event is added |
//! | `add_domain` | none | `domain`: a domain, as in the schema | the domain is added |
//!
//! Targets are dotted paths: `Domain`, `Domain.Type`, `Domain.command`, `Domain.event`, and for
//! a field `Domain.Type.field`, `Domain.command.param`, `Domain.command.returns.field` or
//! `Domain.event.param`. The paths `cdp-codegen diff` prints, with `parameters` before a
//! parameter (`Domain.event.parameters.param`), name the same fields. A `$ref` in a patch
//! resolves in the target's domain, as in the schema.
//!
//! The `note` says why. It is kept in the generated documentation of the item the patch changed
//! or added, after the schema's description: ``Patched (`make_optional`, from `fixes.json`):
//! <note>``; without a note the line names the op and the file alone.
//!
//! # Stale patches are errors
//!
//! A patch whose target does not exist, or that would change nothing because the target already
//! is as the patch says (optional already, the values in the enum already, the same type, the
//! field, type, command, event or domain there already), is an error, as is a malformed file
//! (bad JSON, an unknown op or key, a missing key). Each is a [`Diagnostic`] placed at
//! `FILE: patches[INDEX] (OP TARGET)` that says what was expected, so a patch does not linger
//! once the schema has caught up.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::parse;

mod apply;
mod read;
#[cfg(test)]
mod tests;

/// A patch file, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchFile {
    /// The file as diagnostics name it (its path, or the name given with its text).
    pub name: String,
    /// The patches, in file order.
    pub patches: Vec<Patch>,
}

/// One patch.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    /// Its index in the file's `patches`, from 0.
    pub index: usize,
    /// The dotted path of what it changes; `None` for `add_domain`.
    pub target: Option<String>,
    /// What it does.
    pub op: Op,
    /// Why, kept in the generated documentation.
    pub note: Option<String>,
}

/// What a patch does.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `make_optional`: the field may be absent.
    MakeOptional,
    /// `open_enum`: the enum becomes a plain string.
    OpenEnum,
    /// `extend_enum`: these values are added to the enum.
    ExtendEnum(Vec<String>),
    /// `set_type`: the type becomes this one.
    SetType(parse::Shape),
    /// `add_field`: this field is added.
    AddField(parse::Property),
    /// `add_type`: this type is added to the domain.
    AddType(parse::TypeDef),
    /// `add_command`: this command is added to the domain.
    AddCommand(parse::Command),
    /// `add_event`: this event is added to the domain.
    AddEvent(parse::Event),
    /// `add_domain`: this domain is added.
    AddDomain(parse::Domain),
}

/// Every op's name, as the file spells it.
pub const OPS: [&str; 9] = [
    "make_optional",
    "open_enum",
    "extend_enum",
    "set_type",
    "add_field",
    "add_type",
    "add_command",
    "add_event",
    "add_domain",
];

impl Op {
    /// The op's name, as the file spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Op::MakeOptional => "make_optional",
            Op::OpenEnum => "open_enum",
            Op::ExtendEnum(_) => "extend_enum",
            Op::SetType(_) => "set_type",
            Op::AddField(_) => "add_field",
            Op::AddType(_) => "add_type",
            Op::AddCommand(_) => "add_command",
            Op::AddEvent(_) => "add_event",
            Op::AddDomain(_) => "add_domain",
        }
    }
}

impl Patch {
    /// What the patch applies to, for messages: its target, or the domain `add_domain` adds.
    pub fn subject(&self) -> &str {
        match (&self.target, &self.op) {
            (Some(target), _) => target,
            (None, Op::AddDomain(domain)) => &domain.domain,
            (None, _) => "",
        }
    }
}

impl PatchFile {
    /// Reads a patch file from its text; `name` stands for it in diagnostics and notes. Every
    /// problem of every patch is listed.
    pub fn parse(text: &str, name: &str) -> Result<PatchFile, Diagnostics> {
        read::parse(text, name)
    }

    /// Applies the patches in order to `schemas` (a domain is looked for in all of them; a new
    /// domain joins the last). A patch that cannot apply, or would change nothing, is a
    /// diagnostic; the others still apply, so one run lists every stale patch.
    pub fn apply(&self, schemas: &mut [parse::Schema]) -> Result<(), Diagnostics> {
        let mut diagnostics = Diagnostics::default();
        for patch in &self.patches {
            if let Err(message) = apply::apply(schemas, patch, self.short_name()) {
                diagnostics
                    .0
                    .push(Diagnostic::new(self.place(patch), message));
            }
        }
        diagnostics.into_result(())
    }

    /// `FILE: patches[INDEX] (OP TARGET)`, where diagnostics place a patch.
    fn place(&self, patch: &Patch) -> String {
        format!(
            "{}: patches[{}] ({} {})",
            self.name,
            patch.index,
            patch.op.name(),
            patch.subject()
        )
    }

    /// The file name without its directories, for generated notes: the output must not depend
    /// on where the checkout is.
    fn short_name(&self) -> &str {
        self.name
            .rsplit(['/', '\\'])
            .next()
            .filter(|name| !name.is_empty())
            .unwrap_or(&self.name)
    }
}
