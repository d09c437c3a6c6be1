//! Applying one patch to the parsed schemas: its target found, the change checked to be a
//! change, then made.

use super::{Op, Patch};
use crate::diagnostics::closest;
use crate::parse::{self, Property, Schema, Shape};

/// What `make_optional` and the other field ops accept as a target.
const FIELD_TARGETS: &str = "a field (`Domain.Type.field`, `Domain.command.param`, \
                             `Domain.command.returns.field` or `Domain.event.param`)";

/// What `open_enum`, `extend_enum` and `set_type` accept as a target.
const TYPE_OR_FIELD_TARGETS: &str = "a type (`Domain.Type`) or a field (`Domain.Type.field`, \
                                     `Domain.command.param`, `Domain.command.returns.field` or \
                                     `Domain.event.param`)";

/// What `add_field` accepts as a target.
const FIELD_LIST_TARGETS: &str = "an object type (`Domain.Type`), a command (`Domain.command`), \
                                  its return values (`Domain.command.returns`) or an event \
                                  (`Domain.event`)";

/// What `add_type`, `add_command` and `add_event` accept as a target.
const DOMAIN_TARGET: &str = "a domain (`Domain`)";

/// The tail of every message about a patch that changes nothing.
const STALE: &str = "the schema has caught up: remove the patch";

/// A member of a domain that holds fields.
#[derive(Debug, Clone, Copy)]
enum Member {
    /// A type (whose fields are its `properties`, when it is an object).
    Type(usize),
    /// A command (whose fields are its parameters).
    Command(usize),
    /// A command's return values.
    Returns(usize),
    /// An event (whose fields are its parameters).
    Event(usize),
}

/// Where in a domain a target points.
#[derive(Debug, Clone, Copy)]
enum Place {
    Domain,
    Member(Member),
    /// A field of a member, by index.
    Field(Member, usize),
}

/// A target, found: indices into the schemas, so that it can be read and then changed.
struct Found {
    schema: usize,
    domain: usize,
    place: Place,
}

impl Found {
    fn domain<'a>(&self, schemas: &'a [Schema]) -> &'a parse::Domain {
        &schemas[self.schema].domains[self.domain]
    }

    fn domain_mut<'a>(&self, schemas: &'a mut [Schema]) -> &'a mut parse::Domain {
        &mut schemas[self.schema].domains[self.domain]
    }
}

/// Applies `patch`, from the file called `file`; the error is the diagnostic's message.
pub(super) fn apply(schemas: &mut [Schema], patch: &Patch, file: &str) -> Result<(), String> {
    let note = note_line(patch, file);
    if let Op::AddDomain(domain) = &patch.op {
        return add_domain(schemas, domain, &note);
    }
    let target = patch.target.as_deref().unwrap_or_default();
    let found = resolve(schemas, target)?;
    let domain_name = found.domain(schemas).domain.clone();
    let wrong_target = |expected: &str| {
        format!(
            "`{target}` is {}; `{}` applies to {expected}",
            kind_of(found.place),
            patch.op.name()
        )
    };
    match &patch.op {
        Op::MakeOptional => {
            let field = field_mut(schemas, &found).ok_or_else(|| wrong_target(FIELD_TARGETS))?;
            if field.optional {
                return Err(format!(
                    "the field is optional already; expected a required one ({STALE})"
                ));
            }
            field.optional = true;
            annotate(&mut field.description, &note);
        }
        Op::OpenEnum => {
            let current = shape_mut(schemas, &found)
                .ok_or_else(|| wrong_target(TYPE_OR_FIELD_TARGETS))?
                .0
                .clone();
            let opened = open_enum(schemas, &domain_name, &found, &current)?;
            let (shape, description) = shape_mut(schemas, &found).expect("found above");
            *element_mut(shape) = opened;
            annotate(description, &note);
        }
        Op::ExtendEnum(values) => {
            let current = shape_mut(schemas, &found)
                .ok_or_else(|| wrong_target(TYPE_OR_FIELD_TARGETS))?
                .0
                .clone();
            let element = element(&current);
            if !is_enum(element) {
                let named_enum = element
                    .reference
                    .as_deref()
                    .filter(|_| matches!(found.place, Place::Field(..)))
                    .filter(|reference| {
                        type_def(schemas, &domain_name, reference)
                            .is_some_and(|named| is_enum(&named.shape))
                    });
                return Err(match named_enum {
                    Some(reference) => format!(
                        "the field's type is the enum `{0}`, whose values every field of that \
                         type shares; expected the type as the target: `{0}`",
                        qualify(reference, &domain_name)
                    ),
                    None => format!(
                        "`{target}` is {}, not a string enum; expected a string enum type or a \
                         field with an inline enum",
                        describe(element)
                    ),
                });
            }
            let (shape, description) = shape_mut(schemas, &found).expect("found above");
            let known = element_mut(shape).values.get_or_insert_with(Vec::new);
            let present: Vec<String> = values
                .iter()
                .filter(|value| known.contains(value))
                .map(|value| format!("`{value}`"))
                .collect();
            if !present.is_empty() {
                return Err(format!(
                    "the enum has {} already; expected only values it lacks ({STALE}, or \
                     drop the values it has)",
                    present.join(", ")
                ));
            }
            known.extend(values.iter().cloned());
            annotate(description, &note);
        }
        Op::SetType(to) => {
            let (shape, description) =
                shape_mut(schemas, &found).ok_or_else(|| wrong_target(TYPE_OR_FIELD_TARGETS))?;
            if qualified(shape, &domain_name) == qualified(to, &domain_name) {
                return Err(format!(
                    "`{target}` is {} already; expected another type ({STALE})",
                    describe(shape)
                ));
            }
            *shape = to.clone();
            annotate(description, &note);
        }
        Op::AddField(property) => {
            let Place::Member(member) = found.place else {
                return Err(wrong_target(FIELD_LIST_TARGETS));
            };
            let domain = found.domain_mut(schemas);
            let fields = match member {
                Member::Type(index) => {
                    let shape = &mut domain.types[index].shape;
                    if shape.reference.is_some() || shape.kind.as_deref() != Some("object") {
                        return Err(format!(
                            "`{target}` is {}, not an object; `add_field` applies to \
                             {FIELD_LIST_TARGETS}",
                            describe(shape)
                        ));
                    }
                    shape.properties.get_or_insert_with(Vec::new)
                }
                Member::Command(index) => &mut domain.commands[index].parameters,
                Member::Returns(index) => &mut domain.commands[index].returns,
                Member::Event(index) => &mut domain.events[index].parameters,
            };
            if fields.iter().any(|field| field.name == property.name) {
                return Err(format!(
                    "`{target}` has a field `{}` already; expected a new field ({STALE})",
                    property.name
                ));
            }
            let mut property = property.clone();
            annotate(&mut property.description, &note);
            fields.push(property);
        }
        Op::AddType(ty) => {
            let domain = domain_target(schemas, &found, &wrong_target)?;
            if domain.types.iter().any(|known| known.id == ty.id) {
                return Err(exists(&domain_name, "type", &ty.id));
            }
            let mut ty = ty.clone();
            annotate(&mut ty.description, &note);
            domain.types.push(ty);
        }
        Op::AddCommand(command) => {
            let domain = domain_target(schemas, &found, &wrong_target)?;
            if domain
                .commands
                .iter()
                .any(|known| known.name == command.name)
            {
                return Err(exists(&domain_name, "command", &command.name));
            }
            let mut command = command.clone();
            annotate(&mut command.description, &note);
            domain.commands.push(command);
        }
        Op::AddEvent(event) => {
            let domain = domain_target(schemas, &found, &wrong_target)?;
            if domain.events.iter().any(|known| known.name == event.name) {
                return Err(exists(&domain_name, "event", &event.name));
            }
            let mut event = event.clone();
            annotate(&mut event.description, &note);
            domain.events.push(event);
        }
        Op::AddDomain(_) => unreachable!("handled first"),
    }
    Ok(())
}

fn add_domain(schemas: &mut [Schema], domain: &parse::Domain, note: &str) -> Result<(), String> {
    if find_domain(schemas, &domain.domain).is_some() {
        return Err(format!(
            "the domain `{}` exists already; expected a new domain ({STALE})",
            domain.domain
        ));
    }
    let Some(schema) = schemas.last_mut() else {
        return Err("there is no schema to add the domain to".to_owned());
    };
    let mut domain = domain.clone();
    annotate(&mut domain.description, note);
    schema.domains.push(domain);
    Ok(())
}

/// The new enum element of the shape `open_enum` opens: a plain string.
fn open_enum(
    schemas: &[Schema],
    domain: &str,
    found: &Found,
    shape: &Shape,
) -> Result<Shape, String> {
    let element = element(shape);
    let plain = Shape {
        kind: Some("string".to_owned()),
        ..Shape::default()
    };
    if is_enum(element) {
        return Ok(plain);
    }
    let what = describe(element);
    match (&element.reference, found.place) {
        (Some(reference), Place::Field(..)) => match type_def(schemas, domain, reference) {
            Some(named) if is_enum(&named.shape) => Ok(plain),
            Some(named) => Err(format!(
                "the field's type `{}` is {}, not a string enum; expected a field whose type is \
                 one, inline or by `$ref`",
                qualify(reference, domain),
                describe(&named.shape)
            )),
            None => Err(format!(
                "the field's type `{}` is not in the schema; expected a string enum type",
                qualify(reference, domain)
            )),
        },
        _ => Err(format!(
            "the target is {what}, not a string enum; expected a string enum, inline or by \
             `$ref` ({STALE} if it was opened)"
        )),
    }
}

/// Finds a target, or says what is missing and what is near.
fn resolve(schemas: &[Schema], target: &str) -> Result<Found, String> {
    let parts: Vec<&str> = target.split('.').collect();
    let Some((schema, domain)) = find_domain(schemas, parts[0]) else {
        let names = schemas
            .iter()
            .flat_map(|schema| &schema.domains)
            .map(|domain| domain.domain.as_str());
        let hint = closest(parts[0], names)
            .map(|near| format!("; did you mean `{near}`?"))
            .unwrap_or_default();
        return Err(format!("no domain `{}` in the schema{hint}", parts[0]));
    };
    let found = |place| Found {
        schema,
        domain,
        place,
    };
    let Some(&name) = parts.get(1) else {
        return Ok(found(Place::Domain));
    };
    let d = &schemas[schema].domains[domain];
    let mut members = Vec::new();
    members.extend(d.types.iter().position(|t| t.id == name).map(Member::Type));
    members.extend(
        d.commands
            .iter()
            .position(|c| c.name == name)
            .map(Member::Command),
    );
    members.extend(
        d.events
            .iter()
            .position(|e| e.name == name)
            .map(Member::Event),
    );
    let member = match members.as_slice() {
        [member] => *member,
        [] => {
            let names = d
                .types
                .iter()
                .map(|t| t.id.as_str())
                .chain(d.commands.iter().map(|c| c.name.as_str()))
                .chain(d.events.iter().map(|e| e.name.as_str()));
            let hint = closest(name, names)
                .map(|near| format!("; did you mean `{}.{near}`?", d.domain))
                .unwrap_or_default();
            return Err(format!(
                "the domain `{}` has no type, command or event `{name}`{hint}",
                d.domain
            ));
        }
        [first, second, ..] => {
            return Err(format!(
                "`{}.{name}` is both {} and {}; a patch cannot tell them apart",
                d.domain,
                kind_of(Place::Member(*first)),
                kind_of(Place::Member(*second))
            ))
        }
    };
    let (list, field) = match (member, &parts[2..]) {
        (member, []) => return Ok(found(Place::Member(member))),
        (Member::Command(index), ["returns"]) => {
            return Ok(found(Place::Member(Member::Returns(index))))
        }
        (Member::Command(index), ["returns", field]) => (Member::Returns(index), *field),
        // The paths `diff` prints name parameters so.
        (Member::Command(_) | Member::Event(_), ["parameters"]) => {
            return Ok(found(Place::Member(member)))
        }
        (Member::Command(_) | Member::Event(_), ["parameters", field]) => (member, *field),
        (member, [field]) => (member, *field),
        _ => {
            return Err(format!(
                "`{target}` has too many parts; expected `Domain`, `Domain.Member`, \
                 `Domain.Member.field`, `Domain.command.returns.field` or \
                 `Domain.event.parameters.field`"
            ))
        }
    };
    let owner = format!("{}.{name}", d.domain);
    let Some(fields) = fields(d, list) else {
        let Member::Type(index) = list else {
            unreachable!("only a type may lack fields")
        };
        return Err(format!(
            "`{owner}` is {}, which has no fields; expected an object type",
            describe(&d.types[index].shape)
        ));
    };
    match fields.iter().position(|f| f.name == field) {
        Some(index) => Ok(found(Place::Field(list, index))),
        None => {
            let hint = closest(field, fields.iter().map(|f| f.name.as_str()))
                .map(|near| format!("; did you mean `{near}`?"))
                .unwrap_or_default();
            let what = match list {
                Member::Type(_) => format!("the type `{owner}` has no field"),
                Member::Command(_) => format!("the command `{owner}` has no parameter"),
                Member::Returns(_) => format!("the command `{owner}` returns no field"),
                Member::Event(_) => format!("the event `{owner}` has no parameter"),
            };
            Err(format!("{what} `{field}`{hint}"))
        }
    }
}

/// The first schema and domain index of the domain called `name`.
fn find_domain(schemas: &[Schema], name: &str) -> Option<(usize, usize)> {
    schemas.iter().enumerate().find_map(|(schema, s)| {
        s.domains
            .iter()
            .position(|domain| domain.domain == name)
            .map(|domain| (schema, domain))
    })
}

/// The type a `$ref` written in `domain` names.
fn type_def<'a>(
    schemas: &'a [Schema],
    domain: &str,
    reference: &str,
) -> Option<&'a parse::TypeDef> {
    let (domain, id) = reference.split_once('.').unwrap_or((domain, reference));
    let (schema, index) = find_domain(schemas, domain)?;
    schemas[schema].domains[index]
        .types
        .iter()
        .find(|ty| ty.id == id)
}

/// The fields of a member: `None` for a type that is not an object with properties.
fn fields(domain: &parse::Domain, member: Member) -> Option<&Vec<Property>> {
    match member {
        Member::Type(index) => domain.types[index].shape.properties.as_ref(),
        Member::Command(index) => Some(&domain.commands[index].parameters),
        Member::Returns(index) => Some(&domain.commands[index].returns),
        Member::Event(index) => Some(&domain.events[index].parameters),
    }
}

fn fields_mut(domain: &mut parse::Domain, member: Member) -> Option<&mut Vec<Property>> {
    match member {
        Member::Type(index) => domain.types[index].shape.properties.as_mut(),
        Member::Command(index) => Some(&mut domain.commands[index].parameters),
        Member::Returns(index) => Some(&mut domain.commands[index].returns),
        Member::Event(index) => Some(&mut domain.events[index].parameters),
    }
}

/// The field a target names, if it names one.
fn field_mut<'a>(schemas: &'a mut [Schema], found: &Found) -> Option<&'a mut Property> {
    let Place::Field(member, index) = found.place else {
        return None;
    };
    fields_mut(found.domain_mut(schemas), member).map(|fields| &mut fields[index])
}

/// The shape of the type or field a target names, if it names one of them, with the
/// description the patch's note joins.
fn shape_mut<'a>(
    schemas: &'a mut [Schema],
    found: &Found,
) -> Option<(&'a mut Shape, &'a mut Option<String>)> {
    match found.place {
        Place::Member(Member::Type(index)) => {
            let ty = &mut found.domain_mut(schemas).types[index];
            Some((&mut ty.shape, &mut ty.description))
        }
        Place::Field(..) => {
            let field = field_mut(schemas, found)?;
            Some((&mut field.shape, &mut field.description))
        }
        _ => None,
    }
}

/// The domain a target names, for the ops that add to one.
fn domain_target<'a>(
    schemas: &'a mut [Schema],
    found: &Found,
    wrong_target: &impl Fn(&str) -> String,
) -> Result<&'a mut parse::Domain, String> {
    match found.place {
        Place::Domain => Ok(found.domain_mut(schemas)),
        _ => Err(wrong_target(DOMAIN_TARGET)),
    }
}

fn exists(domain: &str, what: &str, name: &str) -> String {
    let article = if what.starts_with('e') { "an" } else { "a" };
    format!(
        "the domain `{domain}` has {article} {what} `{name}` already; expected a new {what} \
         ({STALE})"
    )
}

/// What kind of thing a place is, with its article.
fn kind_of(place: Place) -> &'static str {
    match place {
        Place::Domain => "a domain",
        Place::Member(Member::Type(_)) => "a type",
        Place::Member(Member::Command(_)) => "a command",
        Place::Member(Member::Returns(_)) => "the return values of a command",
        Place::Member(Member::Event(_)) => "an event",
        Place::Field(..) => "a field",
    }
}

/// The shape itself, or the innermost element of an array (of arrays).
fn element(shape: &Shape) -> &Shape {
    match &shape.items {
        Some(items) if shape.reference.is_none() && shape.kind.as_deref() == Some("array") => {
            element(items)
        }
        _ => shape,
    }
}

fn element_mut(shape: &mut Shape) -> &mut Shape {
    if shape.reference.is_some() || shape.kind.as_deref() != Some("array") {
        return shape;
    }
    match shape.items {
        Some(ref mut items) => element_mut(items),
        None => shape,
    }
}

fn is_enum(shape: &Shape) -> bool {
    shape.reference.is_none() && shape.kind.as_deref() == Some("string") && shape.values.is_some()
}

/// A type description in words, for messages: `` `integer` ``, `an array of `string``, ..
fn describe(shape: &Shape) -> String {
    if let Some(reference) = &shape.reference {
        return format!("`{reference}`");
    }
    match (shape.kind.as_deref(), &shape.items) {
        (Some("array"), Some(items)) => format!("an array of {}", describe(items)),
        (Some("string"), _) if shape.values.is_some() => "a string enum".to_owned(),
        (Some("object"), _) if shape.properties.is_some() => "an object".to_owned(),
        (Some(kind), _) => format!("`{kind}`"),
        (None, _) => "untyped".to_owned(),
    }
}

/// `Domain.Type` for a reference written in `domain`.
fn qualify(reference: &str, domain: &str) -> String {
    if reference.contains('.') {
        reference.to_owned()
    } else {
        format!("{domain}.{reference}")
    }
}

/// The shape with every reference qualified, so that `CookiePartitionKey` and
/// `Network.CookiePartitionKey` compare equal in `Network`.
fn qualified(shape: &Shape, domain: &str) -> Shape {
    Shape {
        reference: shape.reference.as_deref().map(|r| qualify(r, domain)),
        kind: shape.kind.clone(),
        values: shape.values.clone(),
        items: shape
            .items
            .as_ref()
            .map(|items| Box::new(qualified(items, domain))),
        properties: shape.properties.as_ref().map(|properties| {
            properties
                .iter()
                .map(|property| Property {
                    shape: qualified(&property.shape, domain),
                    ..property.clone()
                })
                .collect()
        }),
    }
}

/// The line a patch adds to the documentation of what it changed or added.
fn note_line(patch: &Patch, file: &str) -> String {
    let op = patch.op.name();
    match &patch.note {
        Some(note) => format!("Patched (`{op}`, from `{file}`): {note}"),
        None => format!("Patched (`{op}`, from `{file}`)."),
    }
}

/// Adds the note's line to a description, as a paragraph of its own.
fn annotate(description: &mut Option<String>, line: &str) {
    match description {
        Some(text) if !text.trim().is_empty() => {
            text.push_str("\n\n");
            text.push_str(line);
        }
        _ => *description = Some(line.to_owned()),
    }
}
