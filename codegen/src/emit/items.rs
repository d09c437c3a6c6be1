//! Structs: named object types, command params and returns, and event params share one shape:
//! the definition with its docs, then one `object!` call that expands to the serde impls and,
//! for values users build, `new` and the setters.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::derives::derive_attr;
use super::{docs, Ctx};
use crate::derives::Shape;
use crate::model::{Command, Domain, Event, Field, Ty};
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
    /// A struct with `pub` fields, its derives and its `object!` call.
    pub fn struct_item(
        &self,
        domain: &str,
        name: &Ident,
        docs: TokenStream,
        fields: &[Field],
        builder: Builder,
        what: &str,
    ) -> TokenStream {
        let derive = derive_attr(self.derives.traits(Shape::Struct(fields)));
        let field_items = fields.iter().map(|field| self.field(domain, field));
        let serde = fields.iter().map(|field| {
            let ident = field_ident(field);
            let key = &field.name;
            // An optional `any` keeps an explicit `null` as `Some(Value::Null)`, so it encodes
            // back as `null` rather than disappearing; other optional fields read `null` as
            // absent.
            let kind = match (field.optional, &field.ty) {
                (false, _) => quote!(req),
                (true, Ty::Any) => quote!(any),
                (true, _) => quote!(opt),
            };
            quote!(#kind #ident #key,)
        });
        let methods = (builder == Builder::Yes).then(|| self.builder(domain, fields));
        quote! {
            #docs
            #derive
            pub struct #name {
                #(#field_items)*
            }
            __cdp::object!(#name #what { #(#serde)* } #methods);
        }
    }

    /// The type a field's value is given and read as: boxed if it closes a cycle.
    fn slot_type(&self, domain: &str, field: &Field) -> TokenStream {
        let ty = self.rust_type(domain, &field.ty);
        if field.boxed {
            let boxed = self.std(domain, "Box");
            quote!(#boxed<#ty>)
        } else {
            ty
        }
    }

    fn field(&self, domain: &str, field: &Field) -> TokenStream {
        let ident = field_ident(field);
        let mut ty = self.slot_type(domain, field);
        if field.optional {
            let option = self.std(domain, "Option");
            ty = quote!(#option<#ty>);
        }
        let extra = if field.meta.description.is_none() {
            vec![format!("Protocol field `{}`.", field.name)]
        } else {
            Vec::new()
        };
        let docs = docs::item_docs(&field.meta, &extra);
        quote! {
            #docs
            pub #ident: #ty,
        }
    }

    /// `new { required: Type, .. } set { optional "name": Type, .. }` of an `object!` call.
    fn builder(&self, domain: &str, fields: &[Field]) -> TokenStream {
        let required = fields.iter().filter(|field| !field.optional).map(|field| {
            let ident = field_ident(field);
            let ty = self.slot_type(domain, field);
            quote!(#ident: #ty,)
        });
        let setters: Vec<TokenStream> = fields
            .iter()
            .filter(|field| field.optional)
            .map(|field| {
                let ident = field_ident(field);
                let key = &field.name;
                let ty = self.slot_type(domain, field);
                let deprecated = field.meta.deprecated.then(|| quote!(#[deprecated]));
                quote!(#deprecated #ident #key: #ty,)
            })
            .collect();
        let set = (!setters.is_empty()).then(|| quote!(set { #(#setters)* }));
        quote!(new { #(#required)* } #set)
    }

    /// `XParams` and `XReturns`, and the `command!` call that implements `Command`.
    pub fn command(&self, domain: &Domain, command: &Command) -> TokenStream {
        let method = format!("{}.{}", domain.name, command.name);
        let params = format_ident!("{}", naming::params(&command.name));
        let returns = format_ident!("{}", naming::returns(&command.name));
        let mut extra = vec![format!("Protocol method: `{method}`.")];
        if let Some(redirect) = &command.redirect {
            extra.push(format!("The `{redirect}` domain carries this command out."));
        }
        let params_docs = docs::item_docs(&command.meta, &extra);
        let returns_meta = crate::model::Meta {
            description: None,
            ..command.meta.clone()
        };
        let returns_docs = docs::item_docs(&returns_meta, &[format!("What `{method}` returns.")]);
        let params_item = self.struct_item(
            &domain.name,
            &params,
            params_docs,
            &command.params,
            Builder::Yes,
            &format!("the params of `{method}`"),
        );
        let returns_item = self.struct_item(
            &domain.name,
            &returns,
            returns_docs,
            &command.returns,
            Builder::No,
            &format!("the result of `{method}`"),
        );
        quote! {
            #params_item
            #returns_item
            __cdp::command!(#params -> #returns #method);
        }
    }

    /// `XEvent`; its `Event` impl comes with its domain's `events!` call.
    pub fn event(&self, domain: &Domain, event: &Event) -> TokenStream {
        let method = format!("{}.{}", domain.name, event.name);
        let name = format_ident!("{}", naming::event(&event.name));
        let docs = docs::item_docs(&event.meta, &[format!("Protocol event: `{method}`.")]);
        self.struct_item(
            &domain.name,
            &name,
            docs,
            &event.params,
            Builder::No,
            &format!("the params of `{method}`"),
        )
    }
}

fn field_ident(field: &Field) -> Ident {
    naming::ident(&naming::field(&field.name))
}
