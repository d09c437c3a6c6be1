//! Structs: named object types, command params and returns, and event params share one shape:
//! the definition with its docs, then one `object!` call that expands to the serde impls and,
//! for values users build, `new` and the setters.

use super::derives::derive_attr;
use super::{docs, lit, Code, Ctx};
use crate::derives::Shape;
use crate::model::{Command, Domain, Event, Field, Meta, Ty};
use crate::naming;

/// Which methods a struct gets besides its derives.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Builder {
    /// `new(required..)` and a setter per optional field: for values users build.
    Yes,
    /// Nothing: for values only the browser builds.
    No,
}

impl Ctx<'_> {
    /// A struct with `pub` fields, its derives and its `object!` call, after its docs.
    pub fn struct_item(
        &self,
        code: &mut Code,
        domain: &str,
        name: &str,
        fields: &[Field],
        builder: Builder,
        what: &str,
    ) {
        code.line(&derive_attr(self.derives.traits(Shape::Struct(fields))));
        code.block(&format!("pub struct {name}"), "", |code| {
            for field in fields {
                self.field(code, domain, field);
            }
        });
        code.block(
            &format!("__cdp::object!({name} {}", lit(what)),
            if builder == Builder::Yes { "" } else { ");" },
            |code| {
                for (index, field) in fields.iter().enumerate() {
                    // An optional `any` keeps an explicit `null` as `Some(Value::Null)`, so it
                    // encodes back as `null` rather than disappearing; other optional fields
                    // read `null` as absent.
                    let kind = match (field.optional, &field.ty) {
                        (false, _) => "req",
                        (true, Ty::Any) => "any",
                        (true, _) => "opt",
                    };
                    code.line(&format!(
                        "{kind} {index} {} {},",
                        field_ident(field),
                        lit(&field.name)
                    ));
                }
            },
        );
        if builder == Builder::Yes {
            self.builder(code, domain, fields);
        }
    }

    /// The type a field's value is given and read as: boxed if it closes a cycle.
    fn slot_type(&self, domain: &str, field: &Field) -> String {
        let ty = self.rust_type(domain, &field.ty);
        if field.boxed {
            format!("{}<{ty}>", self.std(domain, "Box"))
        } else {
            ty
        }
    }

    fn field(&self, code: &mut Code, domain: &str, field: &Field) {
        let mut ty = self.slot_type(domain, field);
        if field.optional {
            ty = format!("{}<{ty}>", self.std(domain, "Option"));
        }
        let extra = if field.meta.description.is_none() {
            vec![format!("Protocol field `{}`.", field.name)]
        } else {
            Vec::new()
        };
        docs::item_docs(code, &field.meta, &extra);
        code.line(&format!("pub {}: {ty},", field_ident(field)));
    }

    /// `new { required: Type, .. } set { optional "name": Type, .. }` of an `object!` call,
    /// which the call's field list has left open.
    fn builder(&self, code: &mut Code, domain: &str, fields: &[Field]) {
        let has_setters = fields.iter().any(|field| field.optional);
        let tail = if has_setters { "" } else { ");" };
        code.join();
        code.block(" new", tail, |code| {
            for field in fields.iter().filter(|field| !field.optional) {
                let ty = self.slot_type(domain, field);
                code.line(&format!("{}: {ty},", field_ident(field)));
            }
        });
        if has_setters {
            code.join();
            code.block(" set", ");", |code| {
                for field in fields.iter().filter(|field| field.optional) {
                    if field.meta.deprecated {
                        code.line("#[deprecated]");
                    }
                    let ty = self.slot_type(domain, field);
                    code.line(&format!(
                        "{} {}: {ty},",
                        field_ident(field),
                        lit(&field.name)
                    ));
                }
            });
        }
    }

    /// `XParams` and `XReturns`, and the `command!` call that implements `Command`.
    pub fn command(&self, code: &mut Code, domain: &Domain, command: &Command) {
        let method = format!("{}.{}", domain.name, command.name);
        let params = naming::params(&command.name);
        let returns = naming::returns(&command.name);
        let link = docs::reference(
            &method,
            &domain.name,
            Some(&format!("method-{}", command.name)),
        );
        let mut extra = vec![format!("Protocol method: {link}.")];
        if let Some(redirect) = &command.redirect {
            extra.push(format!("The `{redirect}` domain carries this command out."));
        }
        docs::item_docs(code, &command.meta, &extra);
        self.struct_item(
            code,
            &domain.name,
            &params,
            &command.params,
            Builder::Yes,
            &format!("the params of `{method}`"),
        );
        let returns_meta = Meta {
            description: None,
            ..command.meta.clone()
        };
        docs::item_docs(code, &returns_meta, &[format!("What {link} returns.")]);
        self.struct_item(
            code,
            &domain.name,
            &returns,
            &command.returns,
            Builder::No,
            &format!("the result of `{method}`"),
        );
        code.line(&format!(
            "__cdp::command!({params} -> {returns} {});",
            lit(&method)
        ));
    }

    /// `XEvent`; its `Event` impl comes with its domain's `events!` call.
    pub fn event(&self, code: &mut Code, domain: &Domain, event: &Event) {
        let method = format!("{}.{}", domain.name, event.name);
        let link = docs::reference(
            &method,
            &domain.name,
            Some(&format!("event-{}", event.name)),
        );
        docs::item_docs(code, &event.meta, &[format!("Protocol event: {link}.")]);
        self.struct_item(
            code,
            &domain.name,
            &naming::event(&event.name),
            &event.params,
            Builder::No,
            &format!("the params of `{method}`"),
        );
    }
}

fn field_ident(field: &Field) -> String {
    naming::ident(&naming::field(&field.name))
}
