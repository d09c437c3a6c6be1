//! Stage 2: the checked model of the protocol.
//!
//! Every named type gets its id before anything is converted, so a reference resolves wherever
//! its target stands, forwards or in a cycle. String enums and objects written inline in a
//! field are lifted into named types here, so later stages see only named types. Every problem
//! is reported with its place, the domains a selection names included.
//!
//! The model is built whole, with nothing left out: the passes then work on it, in the order
//! the crate's pipeline lists (see the [crate docs](crate)). Until they run, the fields they fill
//! in (`boxed`, [`Model::derives`]) keep their defaults.

use crate::derives::Derives;
use crate::diagnostics::{closest, Diagnostics};
use crate::parse;

/// A type's identity: its domain and its id, as in `Network.TimeSinceEpoch`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId {
    /// The domain, e.g. `Network`.
    pub domain: String,
    /// The id within the domain, e.g. `TimeSinceEpoch`.
    pub name: String,
}

impl std::fmt::Display for TypeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.domain, self.name)
    }
}

/// A set of type ids, kept sorted in a `Vec` and searched by halves.
///
/// Every pass keeps its sets of types in this one type rather than in `BTreeSet`s: build scripts
/// compile this crate, and a B-tree is some ten thousand lines of LLVM IR for each key type.
/// Types mostly arrive in order (domains are sorted), so an insert seldom moves much.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeSet(Vec<TypeId>);

impl TypeSet {
    /// Whether `id` is in the set.
    pub fn contains(&self, id: &TypeId) -> bool {
        self.0.binary_search(id).is_ok()
    }

    /// Adds `id`; whether it was new.
    pub fn insert(&mut self, id: TypeId) -> bool {
        match self.0.binary_search(&id) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, id);
                true
            }
        }
    }

    /// How many ids the set holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set holds no id.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The ids, sorted.
    pub fn iter(&self) -> std::slice::Iter<'_, TypeId> {
        self.0.iter()
    }
}

/// Adds `name` to `seen` (names met so far, few: a linear search); whether it was new.
fn first_time<'n>(seen: &mut Vec<&'n str>, name: &'n str) -> bool {
    if seen.contains(&name) {
        return false;
    }
    seen.push(name);
    true
}

/// The type of a field or of an alias.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    /// `string`.
    String,
    /// `integer`.
    Integer,
    /// `number`.
    Number,
    /// `boolean`.
    Boolean,
    /// `any`.
    Any,
    /// `object` without properties: a JSON map.
    Map,
    /// `binary` (PDL only): base64 in messages.
    Binary,
    /// `array` of the element type.
    Array(Box<Ty>),
    /// A named type.
    Named(TypeId),
}

/// Flags and documentation shared by every item.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Meta {
    /// The schema's description.
    pub description: Option<String>,
    /// Flagged experimental.
    pub experimental: bool,
    /// Flagged deprecated.
    pub deprecated: bool,
}

/// A field of an object, command or event.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The name in messages.
    pub name: String,
    /// Documentation and flags.
    pub meta: Meta,
    /// May be absent.
    pub optional: bool,
    /// The type.
    pub ty: Ty,
    /// Must be boxed, because the field closes a cycle of types that contain each other.
    pub boxed: bool,
}

/// What a named type is.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A string enum with its values.
    Enum(Vec<String>),
    /// An object with fields.
    Object(Vec<Field>),
    /// Another type under a new name (a primitive, an array, a map or `any`).
    Alias {
        /// The aliased type.
        ty: Ty,
        /// Must be boxed (the alias is part of a cycle).
        boxed: bool,
    },
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Its identity.
    pub id: TypeId,
    /// Documentation and flags.
    pub meta: Meta,
    /// Its shape.
    pub kind: TypeKind,
    /// For a type lifted out of a field: the field's schema path.
    pub lifted_from: Option<String>,
}

/// A command.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// The name within the domain.
    pub name: String,
    /// Documentation and flags.
    pub meta: Meta,
    /// The domain that implements it, when forwarded.
    pub redirect: Option<String>,
    /// Parameters.
    pub params: Vec<Field>,
    /// Return values.
    pub returns: Vec<Field>,
}

/// An event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The name within the domain.
    pub name: String,
    /// Documentation and flags.
    pub meta: Meta,
    /// Parameters.
    pub params: Vec<Field>,
    /// Held boxed by its domain's `Event`, because it is large (see [`crate::layout`]).
    pub boxed: bool,
}

/// A domain, as far as the selection keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    /// The name, e.g. `BackgroundService`.
    pub name: String,
    /// Documentation and flags.
    pub meta: Meta,
    /// Whether the domain was selected (commands and events kept) or only supplies types.
    pub selected: bool,
    /// Types, in schema order (lifted types follow their owner).
    pub types: Vec<TypeDef>,
    /// Commands, in schema order.
    pub commands: Vec<Command>,
    /// Events, in schema order.
    pub events: Vec<Event>,
}

/// The checked protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The protocol version, `major.minor`, when the schema gives one.
    pub version: Option<String>,
    /// Domains sorted by name.
    pub domains: Vec<Domain>,
    /// The optional traits every type derives, found by the [`crate::derives`] pass (empty
    /// before it runs).
    pub derives: Derives,
}

/// What to keep of the protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Domains to keep whole; with neither these nor commands or events, all are kept.
    pub domains: Vec<String>,
    /// Commands to keep, as `Domain.command`, beside the domains kept whole.
    pub commands: Vec<String>,
    /// Events to keep, as `Domain.event`, beside the domains kept whole.
    pub events: Vec<String>,
    /// Keep experimental items.
    pub experimental: bool,
    /// Keep deprecated items.
    pub deprecated: bool,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            domains: Vec::new(),
            commands: Vec::new(),
            events: Vec::new(),
            experimental: true,
            deprecated: true,
        }
    }
}

impl Model {
    /// Builds the model of one or more schemas (merged; a domain may appear once in all) and
    /// checks that the domains `selection` names exist; it keeps everything, for the passes to
    /// select from. Every problem is reported, not only the first: when the diagnostics are not
    /// empty, the model holds what did convert, so that later checks can add their problems to
    /// the same list.
    pub fn build(schemas: &[parse::Schema], selection: &Selection) -> (Model, Diagnostics) {
        let mut diagnostics = Diagnostics::default();
        let version = schemas
            .iter()
            .find_map(|schema| schema.version.as_ref())
            .map(|v| format!("{}.{}", v.major, v.minor));

        // Ids first: every type of every domain, so references resolve in one pass. The
        // domains are kept sorted by name, each name once, in a `Vec` searched by name.
        let mut domains: Vec<&parse::Domain> = Vec::new();
        let find = |domains: &[&parse::Domain], name: &str| {
            domains.binary_search_by(|known| known.domain.as_str().cmp(name))
        };
        let mut ids = TypeSet::default();
        for (index, domain) in schemas
            .iter()
            .flat_map(|schema| schema.domains.iter().enumerate())
        {
            if domain.domain.is_empty() {
                diagnostics.push(
                    format!("domains[{index}]"),
                    "a domain needs a non-empty `domain` name",
                );
                continue;
            }
            match find(&domains, &domain.domain) {
                // The first definition is the one checked further.
                Ok(_) => {
                    diagnostics.push(&domain.domain, "the domain is defined twice");
                    continue;
                }
                Err(at) => domains.insert(at, domain),
            }
            for (index, ty) in domain.types.iter().enumerate() {
                let id = TypeId {
                    domain: domain.domain.clone(),
                    name: ty.id.clone(),
                };
                if ty.id.is_empty() {
                    diagnostics.push(
                        format!("{}.types[{index}]", domain.domain),
                        "a type needs a non-empty `id`",
                    );
                } else if !ids.insert(id) {
                    diagnostics.push(
                        format!("{}.{}", domain.domain, ty.id),
                        "the type is defined twice",
                    );
                }
            }
        }
        for wanted in &selection.domains {
            if find(&domains, wanted).is_err() {
                let hint = closest(wanted, domains.iter().map(|known| known.domain.as_str()))
                    .map(|near| format!("; did you mean `{near}`?"))
                    .unwrap_or_default();
                diagnostics.push(
                    "<selection>",
                    format!("no domain `{wanted}` in the protocol{hint}"),
                );
            }
        }
        let commands: Vec<String> = domains
            .iter()
            .flat_map(|domain| {
                domain
                    .commands
                    .iter()
                    .map(|command| format!("{}.{}", domain.domain, command.name))
            })
            .collect();
        let events: Vec<String> = domains
            .iter()
            .flat_map(|domain| {
                domain
                    .events
                    .iter()
                    .map(|event| format!("{}.{}", domain.domain, event.name))
            })
            .collect();
        for (kind, wanted, known) in [
            ("command", &selection.commands, &commands),
            ("event", &selection.events, &events),
        ] {
            for wanted in wanted.iter().filter(|wanted| !known.contains(wanted)) {
                let hint = closest(wanted, known.iter().map(String::as_str))
                    .map(|near| format!("; did you mean `{near}`?"))
                    .unwrap_or_default();
                diagnostics.push(
                    "<selection>",
                    format!("no {kind} `{wanted}` in the protocol{hint}"),
                );
            }
        }

        let mut converter = Converter {
            ids: &ids,
            lifted: TypeSet::default(),
            diagnostics: &mut diagnostics,
        };
        let converted: Vec<Domain> = domains
            .iter()
            .map(|domain| converter.domain(domain))
            .collect();
        let model = Model {
            version,
            domains: converted,
            derives: Derives::default(),
        };
        (model, diagnostics)
    }

    /// Looks a type up by id.
    pub fn type_def(&self, id: &TypeId) -> Option<&TypeDef> {
        self.domains
            .iter()
            .find(|domain| domain.name == id.domain)?
            .types
            .iter()
            .find(|ty| ty.id == *id)
    }

    /// For every domain, in the model's order (sorted by name), the other domains whose types
    /// it uses (in its types, commands and events), sorted. Cycles are common (DOM, Page and
    /// Network use each other).
    pub fn domain_dependencies(&self) -> Vec<(&str, Vec<&str>)> {
        let mut dependencies = Vec::with_capacity(self.domains.len());
        for domain in &self.domains {
            let mut used: Vec<&str> = Vec::new();
            let mut add = |id: &TypeId| {
                if id.domain != domain.name {
                    if let Some(other) = self.domains.iter().find(|d| d.name == id.domain) {
                        if let Err(at) = used.binary_search(&other.name.as_str()) {
                            used.insert(at, other.name.as_str());
                        }
                    }
                }
            };
            for ty in &domain.types {
                ty.kind.named(&mut add);
            }
            for field in domain.item_fields() {
                field.ty.named(&mut add);
            }
            dependencies.push((domain.name.as_str(), used));
        }
        dependencies
    }

    /// The ids of every type reached from the domains `root` accepts: their own types and the
    /// types their commands and events use, followed transitively through fields and aliases.
    /// References that lead nowhere are included too, so callers can tell them apart.
    pub fn types_reached_from(&self, root: impl Fn(&Domain) -> bool) -> TypeSet {
        self.reach(&root, &root)
    }

    /// The types that the kept commands and events of every domain use, and those that the
    /// types of the domains for which `whole` holds use, with those types themselves.
    pub fn types_used(&self, whole: impl Fn(&Domain) -> bool) -> TypeSet {
        self.reach(&whole, &|_| true)
    }

    /// The types of the domains for which `whole` holds, the types that the commands and
    /// events of the domains for which `items` holds use, and all that those types use.
    fn reach(&self, whole: &dyn Fn(&Domain) -> bool, items: &dyn Fn(&Domain) -> bool) -> TypeSet {
        let by_id = types_by_id(&self.domains);
        let mut reached = TypeSet::default();
        let mut queue: Vec<TypeId> = Vec::new();
        for domain in &self.domains {
            if whole(domain) {
                queue.extend(domain.types.iter().map(|ty| ty.id.clone()));
            }
            if !items(domain) {
                continue;
            }
            for field in domain.item_fields() {
                field.ty.named(&mut |id| queue.push(id.clone()));
            }
        }
        while let Some(id) = queue.pop() {
            if let Some(ty) = by_id.get(&id).filter(|_| !reached.contains(&id)) {
                ty.kind.named(&mut |next| queue.push(next.clone()));
            }
            reached.insert(id);
        }
        reached
    }
}

/// Every type of `domains` by id, lifted ones included; of types with the same id, the last.
pub(crate) fn types_by_id(domains: &[Domain]) -> TypesById<'_> {
    let mut by_id = TypesById {
        types: Vec::new(),
        index: Vec::new(),
    };
    for ty in domains.iter().flat_map(|domain| &domain.types) {
        let position = by_id.types.len();
        match by_id.find(&ty.id) {
            Ok(at) => by_id.index[at].1 = position,
            Err(at) => by_id.index.insert(at, (&ty.id, position)),
        }
        by_id.types.push(ty);
    }
    by_id
}

/// The types of a model by id ([`types_by_id`]), each with its position among all the types.
///
/// The passes that look types up, or keep something per type, share this one map type (rather
/// than each keying what it needs), which the compiler then instantiates once.
pub(crate) struct TypesById<'a> {
    /// Every type, in the order of the model.
    types: Vec<&'a TypeDef>,
    /// Every id with its position in `types`, sorted by id (a sorted `Vec`, for the reason
    /// [`TypeSet`] gives).
    index: Vec<(&'a TypeId, usize)>,
}

impl<'a> TypesById<'a> {
    /// Where `id` is in `index`, or where it would go.
    fn find(&self, id: &TypeId) -> Result<usize, usize> {
        self.index.binary_search_by(|(known, _)| (*known).cmp(id))
    }

    /// The type of this id.
    pub(crate) fn get(&self, id: &TypeId) -> Option<&'a TypeDef> {
        self.position(id).map(|at| self.types[at])
    }

    /// The position of the type of this id among all the types of the model (of types with the
    /// same id, the last).
    pub(crate) fn position(&self, id: &TypeId) -> Option<usize> {
        self.find(id).ok().map(|at| self.index[at].1)
    }

    /// The type at a [`position`](Self::position).
    pub(crate) fn at(&self, position: usize) -> &'a TypeDef {
        self.types[position]
    }

    /// The number of types, those with the same id as another included.
    pub(crate) fn len(&self) -> usize {
        self.types.len()
    }

    /// Every id with its type, sorted by id.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'a TypeId, &'a TypeDef)> + '_ {
        self.index.iter().map(|&(id, at)| (id, self.types[at]))
    }
}

impl Domain {
    /// The fields of the domain's commands (parameters, then returns) and events.
    pub(crate) fn item_fields(&self) -> impl Iterator<Item = &Field> {
        self.commands
            .iter()
            .flat_map(|command| command.params.iter().chain(&command.returns))
            .chain(self.events.iter().flat_map(|event| &event.params))
    }
}

impl Ty {
    /// Calls `visit` with every named type this type mentions.
    pub fn named(&self, visit: &mut impl FnMut(&TypeId)) {
        match self {
            Ty::Named(id) => visit(id),
            Ty::Array(item) => item.named(visit),
            _ => {}
        }
    }
}

impl TypeKind {
    /// Calls `visit` with every named type this type's fields or alias mention.
    pub fn named(&self, visit: &mut impl FnMut(&TypeId)) {
        match self {
            TypeKind::Enum(_) => {}
            TypeKind::Object(fields) => fields.iter().for_each(|field| field.ty.named(visit)),
            TypeKind::Alias { ty, .. } => ty.named(visit),
        }
    }
}

/// The values `type` may take.
const KINDS: [&str; 8] = [
    "string", "integer", "number", "boolean", "object", "array", "any", "binary",
];

struct Converter<'a> {
    ids: &'a TypeSet,
    lifted: TypeSet,
    diagnostics: &'a mut Diagnostics,
}

fn meta(description: &Option<String>, experimental: bool, deprecated: bool) -> Meta {
    Meta {
        description: description.clone(),
        experimental,
        deprecated,
    }
}

/// Upper camel case of a schema name, for lifted types: `eventMetadata` -> `EventMetadata`.
fn upper_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Converter<'_> {
    fn domain(&mut self, domain: &parse::Domain) -> Domain {
        let name = &domain.domain;
        let mut types = Vec::new();
        let mut lifted = Vec::new();
        for ty in &domain.types {
            let path = format!("{name}.{}", ty.id);
            let kind = self.type_kind(name, &ty.id, &path, &ty.shape, &mut lifted);
            types.push(TypeDef {
                id: TypeId {
                    domain: name.clone(),
                    name: ty.id.clone(),
                },
                meta: meta(&ty.description, ty.experimental, ty.deprecated),
                kind,
                lifted_from: None,
            });
            types.append(&mut lifted);
        }
        let mut seen = Vec::new();
        let commands = domain
            .commands
            .iter()
            .enumerate()
            .map(|(index, command)| {
                let path = format!("{name}.{}", command.name);
                let place = format!("{name}.commands[{index}]");
                self.check_member_name(&path, &place, &command.name, "command", &mut seen);
                let owner = upper_first(&command.name);
                let params = self.fields(
                    name,
                    &owner,
                    &format!("{path}.parameters"),
                    &command.parameters,
                    None,
                    &mut types,
                );
                let returns = self.fields(
                    name,
                    &owner,
                    &format!("{path}.returns"),
                    &command.returns,
                    None,
                    &mut types,
                );
                Command {
                    name: command.name.clone(),
                    meta: meta(
                        &command.description,
                        command.experimental,
                        command.deprecated,
                    ),
                    redirect: command.redirect.clone(),
                    params,
                    returns,
                }
            })
            .collect();
        let mut seen = Vec::new();
        let events = domain
            .events
            .iter()
            .enumerate()
            .map(|(index, event)| {
                let path = format!("{name}.{}", event.name);
                let place = format!("{name}.events[{index}]");
                self.check_member_name(&path, &place, &event.name, "event", &mut seen);
                let owner = upper_first(&event.name);
                Event {
                    name: event.name.clone(),
                    meta: meta(&event.description, event.experimental, event.deprecated),
                    params: self.fields(
                        name,
                        &owner,
                        &format!("{path}.parameters"),
                        &event.parameters,
                        None,
                        &mut types,
                    ),
                    boxed: false,
                }
            })
            .collect();
        Domain {
            name: name.clone(),
            meta: meta(&domain.description, domain.experimental, domain.deprecated),
            selected: true,
            types,
            commands,
            events,
        }
    }

    /// Reports an empty or repeated name. `path` places a named member, `unnamed` one
    /// without a name (by its index).
    fn check_member_name<'n>(
        &mut self,
        path: &str,
        unnamed: &str,
        name: &'n str,
        what: &str,
        seen: &mut Vec<&'n str>,
    ) {
        if name.is_empty() {
            let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            self.diagnostics.push(
                unnamed,
                format!("{article} {what} needs a non-empty `name`"),
            );
        } else if !first_time(seen, name) {
            self.diagnostics
                .push(path, format!("the {what} is defined twice"));
        }
    }

    fn type_kind(
        &mut self,
        domain: &str,
        owner: &str,
        path: &str,
        shape: &parse::Shape,
        lifted: &mut Vec<TypeDef>,
    ) -> TypeKind {
        match (shape.kind.as_deref(), &shape.values, &shape.properties) {
            (Some("string"), Some(values), _) if shape.reference.is_none() => {
                TypeKind::Enum(self.enum_values(path, values))
            }
            (Some("object"), _, Some(properties)) if shape.reference.is_none() => TypeKind::Object(
                self.fields(domain, owner, path, properties, Some("properties"), lifted),
            ),
            _ => TypeKind::Alias {
                ty: self.ty(domain, owner, path, shape, lifted),
                boxed: false,
            },
        }
    }

    fn enum_values(&mut self, path: &str, values: &[String]) -> Vec<String> {
        let mut seen = Vec::new();
        for value in values {
            if value.is_empty() {
                self.diagnostics
                    .push(path, "an enum value is empty; expected a non-empty string");
            } else if !first_time(&mut seen, value) {
                self.diagnostics
                    .push(path, format!("the enum value `{value}` is listed twice"));
            }
        }
        values.to_vec()
    }

    /// The fields of an object or a command's or event's list. `path` places them (a field
    /// is `path.name`); `list_key` is the schema key that holds them when `path` does not end
    /// in it (`properties` of an object), to place a field without a name by its index.
    fn fields(
        &mut self,
        domain: &str,
        owner: &str,
        path: &str,
        properties: &[parse::Property],
        list_key: Option<&str>,
        lifted: &mut Vec<TypeDef>,
    ) -> Vec<Field> {
        let mut seen = Vec::new();
        properties
            .iter()
            .enumerate()
            .map(|(index, property)| {
                let field_path = format!("{path}.{}", property.name);
                let unnamed = match list_key {
                    Some(key) => format!("{path}.{key}[{index}]"),
                    None => format!("{path}[{index}]"),
                };
                self.check_member_name(&field_path, &unnamed, &property.name, "field", &mut seen);
                let lifted_owner = format!("{owner}{}", upper_first(&property.name));
                Field {
                    name: property.name.clone(),
                    meta: meta(
                        &property.description,
                        property.experimental,
                        property.deprecated,
                    ),
                    optional: property.optional,
                    ty: self.ty(domain, &lifted_owner, &field_path, &property.shape, lifted),
                    boxed: false,
                }
            })
            .collect()
    }

    /// The type of a field. An inline enum or object becomes a named type called `owner`.
    fn ty(
        &mut self,
        domain: &str,
        owner: &str,
        path: &str,
        shape: &parse::Shape,
        lifted: &mut Vec<TypeDef>,
    ) -> Ty {
        self.check_stray_keys(path, shape);
        if let Some(reference) = &shape.reference {
            if shape.kind.is_some() {
                self.diagnostics.push(
                    path,
                    "a value has both `$ref` and `type`; expected one of them",
                );
            }
            return self.reference(domain, path, reference);
        }
        let Some(kind) = shape.kind.as_deref() else {
            self.diagnostics.push(
                path,
                "a value has neither `type` nor `$ref`; expected one of them",
            );
            return Ty::Any;
        };
        match kind {
            "string" if shape.values.is_some() => {
                let kind = self.type_kind(domain, owner, path, shape, lifted);
                self.lift(domain, owner, path, kind, lifted)
            }
            "object" if shape.properties.as_ref().is_some_and(|p| !p.is_empty()) => {
                let kind = self.type_kind(domain, owner, path, shape, lifted);
                self.lift(domain, owner, path, kind, lifted)
            }
            "string" => Ty::String,
            "integer" => Ty::Integer,
            "number" => Ty::Number,
            "boolean" => Ty::Boolean,
            "any" => Ty::Any,
            "object" => Ty::Map,
            "binary" => Ty::Binary,
            "array" => match &shape.items {
                Some(items) => Ty::Array(Box::new(self.ty(domain, owner, path, items, lifted))),
                None => {
                    self.diagnostics
                        .push(path, "an `array` needs `items` to say what it holds");
                    Ty::Array(Box::new(Ty::Any))
                }
            },
            other => {
                let hint = closest(other, KINDS)
                    .map(|near| format!("; did you mean `{near}`?"))
                    .unwrap_or_default();
                self.diagnostics.push(
                    path,
                    format!(
                        "unknown type `{other}` (expected one of {}){hint}",
                        KINDS.join(", ")
                    ),
                );
                Ty::Any
            }
        }
    }

    /// Reports `enum`, `items` or `properties` given to a type they do not apply to, where
    /// they would otherwise be dropped without a word.
    fn check_stray_keys(&mut self, path: &str, shape: &parse::Shape) {
        let kind = match (&shape.reference, shape.kind.as_deref()) {
            (Some(_), _) => "a `$ref`".to_owned(),
            (None, Some(kind)) => format!("`type: {kind}`"),
            (None, None) => return,
        };
        let stray = [
            ("enum", "string", shape.values.is_some()),
            ("items", "array", shape.items.is_some()),
            ("properties", "object", shape.properties.is_some()),
        ];
        for (key, owner, present) in stray {
            if present && (shape.reference.is_some() || shape.kind.as_deref() != Some(owner)) {
                self.diagnostics.push(
                    path,
                    format!("`{key}` belongs to `type: {owner}`, not to {kind}"),
                );
            }
        }
    }

    fn lift(
        &mut self,
        domain: &str,
        owner: &str,
        path: &str,
        kind: TypeKind,
        lifted: &mut Vec<TypeDef>,
    ) -> Ty {
        let mut id = TypeId {
            domain: domain.to_owned(),
            name: owner.to_owned(),
        };
        // A lifted name must not take the place of a declared type or of another lifted one.
        while self.ids.contains(&id) || self.lifted.contains(&id) {
            id.name.push_str("Value");
        }
        self.lifted.insert(id.clone());
        lifted.push(TypeDef {
            id: id.clone(),
            meta: Meta::default(),
            kind,
            lifted_from: Some(path.to_owned()),
        });
        Ty::Named(id)
    }

    fn reference(&mut self, domain: &str, path: &str, reference: &str) -> Ty {
        let id = match reference.split_once('.') {
            Some((other, name)) => TypeId {
                domain: other.to_owned(),
                name: name.to_owned(),
            },
            None => TypeId {
                domain: domain.to_owned(),
                name: reference.to_owned(),
            },
        };
        if !self.ids.contains(&id) {
            let names: Vec<String> = self.ids.iter().map(TypeId::to_string).collect();
            let hint = closest(&id.to_string(), names.iter().map(String::as_str))
                .map(|near| format!("; did you mean `{near}`?"))
                .unwrap_or_default();
            self.diagnostics
                .push(path, format!("unknown type `{id}`{hint}"));
        }
        Ty::Named(id)
    }
}
