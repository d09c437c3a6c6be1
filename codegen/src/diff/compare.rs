//! The walk over two models that finds every change, in a fixed order.
//!
//! Only declared types are compared as types. A type lifted out of a field (an enum or object
//! written inline) has a name that depends on its owner, so it is compared through the field
//! that holds it, and its changes are reported under that field's path.
//!
//! Each change is pushed with the facts the rules table needs (see `rules::Facts`): the struct
//! that holds a field, which way its values travel, and so on.

use std::collections::{BTreeMap, BTreeSet};

use super::derives::{derive_changes, trait_list};
use super::rules::{classify, Container, Facts};
use super::wire::fit;
use super::{Change, ChangeKind, Direction, Item};
use crate::derives::{Derives, Shape};
use crate::model::{
    types_by_id, Command, Domain, Event, Field, Meta, Model, Ty, TypeDef, TypeId, TypeKind,
    TypeSet, TypesById,
};
use crate::naming;

pub(super) fn compare(old: &Model, new: &Model, domains: &[String]) -> Vec<Change> {
    let scope = Scope::new(old, new, domains);
    let mut uses = Uses::default();
    uses.add(old, &scope);
    uses.add(new, &scope);
    let mut walk = Walk {
        old: Index::new(old),
        new: Index::new(new),
        uses,
        changes: Vec::new(),
    };
    for (name, old, new) in pairs(&old.domains, &new.domains, |domain| &domain.name) {
        match (old, new) {
            (Some(old), Some(new)) => walk.domain(old, new, &scope),
            (Some(old), None) if scope.selected(name) => walk.push(
                ChangeKind::DomainRemoved,
                Item::Domain,
                name.to_owned(),
                format!("Domain `{name}` was removed."),
                Facts {
                    had_commands: !old.commands.is_empty(),
                    ..Facts::default()
                },
            ),
            (None, Some(_)) if scope.selected(name) => walk.push(
                ChangeKind::DomainAdded,
                Item::Domain,
                name.to_owned(),
                format!("Domain `{name}` was added."),
                Facts::default(),
            ),
            // A domain that is not selected only lends types: report those alone.
            (old, new) => walk.types(old, new, &scope),
        }
    }
    walk.changes
}

/// Which domains and types are compared.
struct Scope {
    /// Selected domains; empty selects all.
    selected: BTreeSet<String>,
    /// Types of other domains that selected domains use, in either version.
    used: BTreeSet<TypeId>,
}

impl Scope {
    fn new(old: &Model, new: &Model, domains: &[String]) -> Scope {
        let mut selected = BTreeSet::new();
        selected.extend(domains.iter().cloned());
        let mut used = BTreeSet::new();
        if !selected.is_empty() {
            used_types(old, &selected, &mut used);
            used_types(new, &selected, &mut used);
        }
        Scope { selected, used }
    }

    fn selected(&self, domain: &str) -> bool {
        self.selected.is_empty() || self.selected.contains(domain)
    }

    fn has_type(&self, id: &TypeId) -> bool {
        self.selected(&id.domain) || self.used.contains(id)
    }
}

/// Adds to `used` every type reachable from the selected domains of `model`. Each model is
/// walked on its own: a type the other model reached may use other types in this one.
fn used_types(model: &Model, selected: &BTreeSet<String>, used: &mut BTreeSet<TypeId>) {
    used.extend(
        model
            .types_reached_from(|domain| selected.contains(&domain.name))
            .iter()
            .cloned(),
    );
}

/// Which way the named types travel: those reached from the parameters of the commands in
/// scope are sent, those reached from their results and from the events in scope are received
/// (through fields, arrays and aliases, lifted types included), in either version.
#[derive(Default)]
struct Uses {
    sent: TypeSet,
    received: TypeSet,
}

impl Uses {
    /// Adds the uses in `model`'s domains that `scope` selects.
    fn add(&mut self, model: &Model, scope: &Scope) {
        let by_id = types_by_id(&model.domains);
        let mut sent = Vec::new();
        let mut received = Vec::new();
        for domain in model.domains.iter().filter(|d| scope.selected(&d.name)) {
            for command in &domain.commands {
                for field in &command.params {
                    field.ty.named(&mut |id| sent.push(id.clone()));
                }
                for field in &command.returns {
                    field.ty.named(&mut |id| received.push(id.clone()));
                }
            }
            for field in domain.events.iter().flat_map(|event| &event.params) {
                field.ty.named(&mut |id| received.push(id.clone()));
            }
        }
        for (mut queue, reached) in [(sent, &mut self.sent), (received, &mut self.received)] {
            while let Some(id) = queue.pop() {
                if let Some(ty) = by_id.get(&id) {
                    if !reached.contains(&id) {
                        ty.kind.named(&mut |next| queue.push(next.clone()));
                    }
                }
                reached.insert(id);
            }
        }
    }

    /// Which way values of the named type `id` travel; a type used both ways, or by no command
    /// or event in scope, counts as both.
    fn direction(&self, id: &TypeId) -> Direction {
        match (self.sent.contains(id), self.received.contains(id)) {
            (true, false) => Direction::Sent,
            (false, true) => Direction::Received,
            _ => Direction::Both,
        }
    }
}

/// Every type of a model by id, lifted ones included, and the traits the derives pass found
/// for them.
pub(super) struct Index<'a> {
    pub(super) types: TypesById<'a>,
    pub(super) derives: &'a Derives,
}

impl<'a> Index<'a> {
    fn new(model: &'a Model) -> Index<'a> {
        Index {
            types: types_by_id(&model.domains),
            derives: &model.derives,
        }
    }

    /// The type lifted out of a field, when `id` is one.
    fn lifted(&self, id: &TypeId) -> Option<&'a TypeDef> {
        self.types.get(id).filter(|ty| ty.lifted_from.is_some())
    }

    /// A type as a message shows it.
    pub(super) fn describe(&self, ty: &Ty) -> String {
        match ty {
            Ty::String => "`string`".to_owned(),
            Ty::Integer => "`integer`".to_owned(),
            Ty::Number => "`number`".to_owned(),
            Ty::Boolean => "`boolean`".to_owned(),
            Ty::Any => "`any`".to_owned(),
            Ty::Map => "`object`".to_owned(),
            Ty::Binary => "`binary`".to_owned(),
            Ty::Array(item) => format!("array of {}", self.describe(item)),
            Ty::Named(id) => match self.lifted(id).map(|ty| &ty.kind) {
                Some(TypeKind::Enum(_)) => format!("an inline enum (`{}`)", id.name),
                Some(_) => format!("an inline object (`{}`)", id.name),
                None => format!("`{id}`"),
            },
        }
    }
}

/// The fields of one struct: where they are, and how messages name them.
struct Owner {
    container: Container,
    /// Which way the struct's values travel.
    direction: Direction,
    /// The item the struct belongs to, for changes to the struct as a whole.
    item: Item,
    /// The schema path that field names are appended to.
    path: String,
    /// How a message names the struct: `type `Network.Cookie``.
    what: String,
    /// The generated Rust type, as `module::Name`.
    rust: String,
}

struct Walk<'a> {
    old: Index<'a>,
    new: Index<'a>,
    uses: Uses,
    changes: Vec<Change>,
}

impl Walk<'_> {
    fn push(&mut self, kind: ChangeKind, item: Item, path: String, message: String, facts: Facts) {
        let classes = classify(kind, &facts);
        self.changes.push(Change {
            kind,
            item,
            path,
            message,
            direction: facts.direction,
            wire: classes.wire,
            source: classes.source,
        });
    }

    /// The optional traits (`Eq`, `Hash`, `Copy`, `Default`) that the Rust type of an item lost
    /// or gained; `id` is the type's own, for a named type.
    fn derives(
        &mut self,
        old: Shape<'_>,
        new: Shape<'_>,
        id: Option<&TypeId>,
        item: Item,
        path: &str,
        subject: &str,
    ) {
        for change in derive_changes(&self.old, old, &self.new, new, id) {
            let traits = trait_list(&change.traits);
            let (kind, message) = if change.gained {
                (
                    ChangeKind::DeriveGained,
                    format!("{subject} now derives {traits}; before, {}.", change.why),
                )
            } else {
                (
                    ChangeKind::DeriveLost,
                    format!("{subject} no longer derives {traits}: {}.", change.why),
                )
            };
            self.push(kind, item, path.to_owned(), message, Facts::default());
        }
    }

    fn domain(&mut self, old: &Domain, new: &Domain, scope: &Scope) {
        if !scope.selected(&old.name) {
            self.types(Some(old), Some(new), scope);
            return;
        }
        let subject = format!("Domain `{}`", old.name);
        self.flags(&old.meta, &new.meta, Item::Domain, &old.name, &subject);
        let domain = old.name.as_str();
        self.types(Some(old), Some(new), scope);

        for (name, old_command, new_command) in
            pairs(&old.commands, &new.commands, |command| &command.name)
        {
            let path = format!("{}.{name}", old.name);
            match (old_command, new_command) {
                (Some(old), Some(new)) => self.command(old, new, domain, path),
                (Some(_), None) => self.push(
                    ChangeKind::CommandRemoved,
                    Item::Command,
                    path.clone(),
                    format!("Command `{path}` was removed."),
                    Facts::default(),
                ),
                (None, _) => self.push(
                    ChangeKind::CommandAdded,
                    Item::Command,
                    path.clone(),
                    format!("Command `{path}` was added."),
                    Facts::default(),
                ),
            }
        }

        for (name, old_event, new_event) in pairs(&old.events, &new.events, |event| &event.name) {
            let path = format!("{}.{name}", old.name);
            match (old_event, new_event) {
                (Some(old), Some(new)) => self.event(old, new, domain, path),
                (Some(_), None) => self.push(
                    ChangeKind::EventRemoved,
                    Item::Event,
                    path.clone(),
                    format!("Event `{path}` was removed."),
                    Facts::default(),
                ),
                (None, _) => self.push(
                    ChangeKind::EventAdded,
                    Item::Event,
                    path.clone(),
                    format!("Event `{path}` was added."),
                    Facts::default(),
                ),
            }
        }
    }

    /// The declared types in scope of a domain present in either version or both.
    fn types(&mut self, old: Option<&Domain>, new: Option<&Domain>, scope: &Scope) {
        for (_, old, new) in pairs(declared(old, scope), declared(new, scope), |ty| &ty.id.name) {
            match (old, new) {
                (Some(old), Some(new)) => self.type_def(old, new),
                (Some(old), None) => self.push(
                    ChangeKind::TypeRemoved,
                    Item::Type,
                    old.id.to_string(),
                    format!("Type `{}` was removed.", old.id),
                    Facts::default(),
                ),
                (None, Some(new)) => self.push(
                    ChangeKind::TypeAdded,
                    Item::Type,
                    new.id.to_string(),
                    format!("Type `{}` was added.", new.id),
                    Facts::default(),
                ),
                (None, None) => {}
            }
        }
    }

    fn type_def(&mut self, old: &TypeDef, new: &TypeDef) {
        let path = old.id.to_string();
        let direction = self.uses.direction(&old.id);
        self.flags(
            &old.meta,
            &new.meta,
            Item::Type,
            &path,
            &format!("Type `{path}`"),
        );
        match (&old.kind, &new.kind) {
            (TypeKind::Enum(old_values), TypeKind::Enum(new_values)) => {
                let what = format!("enum `{path}`");
                self.enum_values(old_values, new_values, &path, &what, direction);
            }
            (TypeKind::Object(old_fields), TypeKind::Object(new_fields)) => {
                let owner = Owner {
                    container: Container::Object,
                    direction,
                    item: Item::Type,
                    what: format!("type `{path}`"),
                    path,
                    rust: rust_type(&old.id),
                };
                self.fields(old_fields, new_fields, &owner);
            }
            (
                TypeKind::Alias {
                    ty: old_ty,
                    boxed: old_boxed,
                },
                TypeKind::Alias {
                    ty: new_ty,
                    boxed: new_boxed,
                },
            ) => {
                if !self.same_ty(old_ty, new_ty, &path, direction) {
                    let message = format!(
                        "Type `{path}` changed from {} to {}.",
                        self.old.describe(old_ty),
                        self.new.describe(new_ty)
                    );
                    let facts = self.type_change(old_ty, new_ty, direction);
                    self.push(ChangeKind::TypeChanged, Item::Type, path, message, facts);
                } else if old_boxed != new_boxed {
                    let message = format!(
                        "Type `{path}` is {} boxed.",
                        if *new_boxed { "now" } else { "no longer" }
                    );
                    let facts = Facts {
                        direction: Some(direction),
                        ..Facts::default()
                    };
                    self.push(ChangeKind::BoxingChanged, Item::Type, path, message, facts);
                }
            }
            (old_kind, new_kind) => {
                let message = format!(
                    "Type `{path}` changed from {} to {}.",
                    kind_name(old_kind),
                    kind_name(new_kind)
                );
                let ty = Ty::Named(old.id.clone());
                let facts = self.type_change(&ty, &ty, direction);
                self.push(ChangeKind::TypeChanged, Item::Type, path, message, facts);
            }
        }
        let subject = format!("`{}` (type `{}`)", rust_type(&old.id), old.id);
        self.derives(
            Shape::of(&old.kind),
            Shape::of(&new.kind),
            Some(&old.id),
            Item::Type,
            &old.id.to_string(),
            &subject,
        );
    }

    fn command(&mut self, old: &Command, new: &Command, domain: &str, path: String) {
        self.flags(
            &old.meta,
            &new.meta,
            Item::Command,
            &path,
            &format!("Command `{path}`"),
        );
        let params = Owner {
            container: Container::Params,
            direction: Direction::Sent,
            item: Item::Command,
            path: format!("{path}.parameters"),
            what: format!("the parameters of command `{path}`"),
            rust: rust_path(domain, &naming::params(&old.name)),
        };
        self.struct_fields(&old.params, &new.params, &params);
        let returns = Owner {
            container: Container::Returns,
            direction: Direction::Received,
            item: Item::Command,
            path: format!("{path}.returns"),
            what: format!("the result of command `{path}`"),
            rust: rust_path(domain, &naming::returns(&old.name)),
        };
        self.struct_fields(&old.returns, &new.returns, &returns);
    }

    fn event(&mut self, old: &Event, new: &Event, domain: &str, path: String) {
        self.flags(
            &old.meta,
            &new.meta,
            Item::Event,
            &path,
            &format!("Event `{path}`"),
        );
        if old.boxed != new.boxed {
            let message = format!(
                "Event `{path}` is {} boxed in `{}::Event`: it grew past or shrank below {} \
                 bytes.",
                if new.boxed { "now" } else { "no longer" },
                naming::module(domain),
                crate::layout::BOX_EVENTS_OVER,
            );
            self.push(
                ChangeKind::BoxingChanged,
                Item::Event,
                path.clone(),
                message,
                Facts::default(),
            );
        }
        let owner = Owner {
            container: Container::Event,
            direction: Direction::Received,
            item: Item::Event,
            path: format!("{path}.parameters"),
            what: format!("event `{path}`"),
            rust: rust_path(domain, &naming::event(&old.name)),
        };
        self.struct_fields(&old.params, &new.params, &owner);
    }

    /// The fields of a struct that is not a named type (params, returns, an event), then the
    /// traits it derives.
    fn struct_fields(&mut self, old: &[Field], new: &[Field], owner: &Owner) {
        self.fields(old, new, owner);
        let subject = format!("`{}` ({})", owner.rust, owner.what);
        self.derives(
            Shape::Struct(old),
            Shape::Struct(new),
            None,
            owner.item,
            &owner.path,
            &subject,
        );
    }

    fn fields(&mut self, old: &[Field], new: &[Field], owner: &Owner) {
        if matches!(owner.container, Container::Params | Container::Object) {
            self.argument_order(old, new, owner);
        }
        for (name, old, new) in pairs(old, new, |field| &field.name) {
            let path = format!("{}.{name}", owner.path);
            match (old, new) {
                (Some(old), Some(new)) => self.field(old, new, path, owner),
                (Some(old), None) => self.push(
                    ChangeKind::FieldRemoved,
                    Item::Field,
                    path,
                    format!("Field `{name}` was removed from {}.", owner.what),
                    Facts {
                        was_required: !old.optional,
                        ..owner.facts()
                    },
                ),
                (None, Some(new)) => {
                    let (kind, adjective) = if new.optional {
                        (ChangeKind::OptionalFieldAdded, "Optional")
                    } else {
                        (ChangeKind::RequiredFieldAdded, "Required")
                    };
                    let message =
                        format!("{adjective} field `{name}` was added to {}.", owner.what);
                    self.push(kind, Item::Field, path, message, owner.facts());
                }
                (None, None) => {}
            }
        }
    }

    /// `new` takes the required fields in schema order: a reordering of those present in both
    /// versions changes its signature even when no field was added or removed.
    fn argument_order(&mut self, old: &[Field], new: &[Field], owner: &Owner) {
        let required_in = |fields: &[Field], name: &str| {
            fields
                .iter()
                .any(|field| field.name == name && !field.optional)
        };
        let kept = |fields: &[Field], other: &[Field]| -> Vec<String> {
            fields
                .iter()
                .filter(|field| !field.optional && required_in(other, &field.name))
                .map(|field| field.name.clone())
                .collect()
        };
        let (before, after) = (kept(old, new), kept(new, old));
        if before != after {
            let message = format!(
                "The required fields of {} changed order, and so did the arguments of `new`: \
                 `{}` became `{}`.",
                owner.what,
                before.join(", "),
                after.join(", ")
            );
            self.push(
                ChangeKind::ArgumentOrderChanged,
                owner.item,
                owner.path.clone(),
                message,
                owner.facts(),
            );
        }
    }

    fn field(&mut self, old: &Field, new: &Field, path: String, owner: &Owner) {
        let subject = format!("Field `{}` of {}", old.name, owner.what);
        self.flags(&old.meta, &new.meta, Item::Field, &path, &subject);
        if old.optional != new.optional {
            let (kind, state) = if new.optional {
                (ChangeKind::FieldBecameOptional, "optional")
            } else {
                (ChangeKind::FieldBecameRequired, "required")
            };
            let message = format!("{subject} became {state}.");
            self.push(kind, Item::Field, path.clone(), message, owner.facts());
        }
        if !self.same_ty(&old.ty, &new.ty, &path, owner.direction) {
            let message = format!(
                "The type of field `{}` of {} changed from {} to {}.",
                old.name,
                owner.what,
                self.old.describe(&old.ty),
                self.new.describe(&new.ty)
            );
            let facts = Facts {
                container: Some(owner.container),
                ..self.type_change(&old.ty, &new.ty, owner.direction)
            };
            self.push(ChangeKind::TypeChanged, Item::Field, path, message, facts);
        } else if old.boxed != new.boxed {
            let message = format!(
                "{subject} is {} boxed.",
                if new.boxed { "now" } else { "no longer" }
            );
            self.push(
                ChangeKind::BoxingChanged,
                Item::Field,
                path,
                message,
                owner.facts(),
            );
        }
    }

    /// The facts of a change of type from `old` to `new`, for values that travel `direction`.
    fn type_change(&self, old: &Ty, new: &Ty, direction: Direction) -> Facts {
        Facts {
            direction: Some(direction),
            fit: fit(&self.old, old, &self.new, new),
            ..Facts::default()
        }
    }

    /// Whether two types give the same Rust type. An inline enum or object is compared by its
    /// contents, whose changes are reported under `path`; its values travel `direction`, as
    /// those of the field that holds it.
    fn same_ty(&mut self, old: &Ty, new: &Ty, path: &str, direction: Direction) -> bool {
        match (old, new) {
            (Ty::Array(old), Ty::Array(new)) => self.same_ty(old, new, path, direction),
            (Ty::Named(old_id), Ty::Named(new_id)) if old_id == new_id => {
                match (self.old.lifted(old_id), self.new.lifted(new_id)) {
                    (None, None) => true,
                    (Some(old), Some(new)) => {
                        let what = match (&old.kind, &new.kind) {
                            (TypeKind::Enum(old_values), TypeKind::Enum(new_values)) => {
                                let what = format!("the inline enum of `{path}`");
                                self.enum_values(old_values, new_values, path, &what, direction);
                                what
                            }
                            (TypeKind::Object(old_fields), TypeKind::Object(new_fields)) => {
                                let owner = Owner {
                                    container: Container::Object,
                                    direction,
                                    item: Item::Field,
                                    path: path.to_owned(),
                                    what: format!("the inline object of `{path}`"),
                                    rust: rust_type(old_id),
                                };
                                self.fields(old_fields, new_fields, &owner);
                                owner.what
                            }
                            _ => return false,
                        };
                        let subject = format!("`{}` ({what})", rust_type(old_id));
                        self.derives(
                            Shape::of(&old.kind),
                            Shape::of(&new.kind),
                            Some(old_id),
                            Item::Field,
                            path,
                            &subject,
                        );
                        true
                    }
                    // A declared type took the place of an inline one, or the reverse.
                    _ => false,
                }
            }
            (old, new) => old == new,
        }
    }

    fn enum_values(
        &mut self,
        old: &[String],
        new: &[String],
        path: &str,
        what: &str,
        direction: Direction,
    ) {
        let (mut old_set, mut new_set) = (BTreeSet::new(), BTreeSet::new());
        old_set.extend(old.iter().map(String::as_str));
        new_set.extend(new.iter().map(String::as_str));
        for value in old_set.union(&new_set) {
            let (kind, message) = match (old_set.contains(value), new_set.contains(value)) {
                (true, false) => (
                    ChangeKind::EnumValueRemoved,
                    format!("Value `{value}` was removed from {what}."),
                ),
                (false, true) => (
                    ChangeKind::EnumValueAdded,
                    format!("Value `{value}` was added to {what}."),
                ),
                _ => continue,
            };
            let facts = Facts {
                direction: Some(direction),
                ..Facts::default()
            };
            self.push(
                kind,
                Item::EnumValue,
                format!("{path}.{value}"),
                message,
                facts,
            );
        }
    }

    /// The experimental and deprecated flags of an item; `subject` names it in a sentence.
    fn flags(&mut self, old: &Meta, new: &Meta, item: Item, path: &str, subject: &str) {
        let flags = [
            (
                old.experimental,
                new.experimental,
                ChangeKind::BecameExperimental,
                ChangeKind::NoLongerExperimental,
                "experimental",
            ),
            (
                old.deprecated,
                new.deprecated,
                ChangeKind::BecameDeprecated,
                ChangeKind::NoLongerDeprecated,
                "deprecated",
            ),
        ];
        for (before, after, became, no_longer, flag) in flags {
            if before == after {
                continue;
            }
            let (kind, message) = if after {
                (became, format!("{subject} is now {flag}."))
            } else {
                (no_longer, format!("{subject} is no longer {flag}."))
            };
            self.push(kind, item, path.to_owned(), message, Facts::default());
        }
    }
}

impl Owner {
    /// The facts of a change to one of the struct's fields.
    fn facts(&self) -> Facts {
        Facts {
            container: Some(self.container),
            direction: Some(self.direction),
            ..Facts::default()
        }
    }
}

/// The declared types of a domain that are in scope.
fn declared<'a>(domain: Option<&'a Domain>, scope: &'a Scope) -> impl Iterator<Item = &'a TypeDef> {
    domain
        .into_iter()
        .flat_map(|domain| &domain.types)
        .filter(|ty| ty.lifted_from.is_none() && scope.has_type(&ty.id))
}

/// The generated Rust type of a named type, as `module::Name`.
fn rust_type(id: &TypeId) -> String {
    rust_path(&id.domain, &naming::type_name(&id.name))
}

fn rust_path(domain: &str, name: &str) -> String {
    format!("{}::{name}", naming::module(domain))
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Enum(_) => "an enum",
        TypeKind::Object(_) => "an object",
        TypeKind::Alias { .. } => "an alias",
    }
}

/// The items of two versions paired by name, in name order, each with the item of that name in
/// the old version and in the new one (of items with the same name in one version, the last).
fn pairs<'a, T: 'a>(
    old: impl IntoIterator<Item = &'a T>,
    new: impl IntoIterator<Item = &'a T>,
    name: impl Fn(&'a T) -> &'a str,
) -> impl Iterator<Item = (&'a str, Option<&'a T>, Option<&'a T>)> {
    let old: Vec<&T> = old.into_iter().collect();
    let new: Vec<&T> = new.into_iter().collect();
    // Positions rather than the items: one map type serves every kind of item, and the
    // compiler instantiates the map's code once.
    let mut by_name: BTreeMap<&str, (Option<usize>, Option<usize>)> = BTreeMap::new();
    for (index, item) in old.iter().enumerate() {
        by_name.entry(name(item)).or_default().0 = Some(index);
    }
    for (index, item) in new.iter().enumerate() {
        by_name.entry(name(item)).or_default().1 = Some(index);
    }
    by_name
        .into_iter()
        .map(move |(name, (in_old, in_new))| (name, in_old.map(|i| old[i]), in_new.map(|i| new[i])))
}
