//! Structs: named object types, command params and returns, and event params share one shape.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::derives::derive_attr;
use super::{docs, Ctx};
use crate::derives::Shape;
use crate::model::{Command, Domain, Event, Field};
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
    /// A struct with `pub` fields, its derives and, for values users build, `new` and setters.
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
        let methods = (builder == Builder::Yes).then(|| self.builder(domain, name, fields));
        let slot_types: Vec<TokenStream> = fields
            .iter()
            .map(|field| self.slot_type(domain, field))
            .collect();
        let serde = super::serde_impls::struct_impls(name, fields, &slot_types, what);
        quote! {
            #docs
            #derive
            pub struct #name {
                #(#field_items)*
            }
            #serde
            #methods
        }
    }

    /// The type of a field as stored: boxed if it closes a cycle, optional if it may be absent.
    fn field_type(&self, domain: &str, field: &Field) -> TokenStream {
        let mut ty = self.rust_type(domain, &field.ty);
        if field.boxed {
            ty = quote!(__cdp::Box<#ty>);
        }
        if field.optional {
            ty = quote!(__cdp::Option<#ty>);
        }
        ty
    }

    /// The type a field's value is decoded as: its stored type without the `Option`.
    fn slot_type(&self, domain: &str, field: &Field) -> TokenStream {
        let ty = self.rust_type(domain, &field.ty);
        if field.boxed {
            quote!(__cdp::Box<#ty>)
        } else {
            ty
        }
    }

    fn field(&self, domain: &str, field: &Field) -> TokenStream {
        let ident = naming::ident(&naming::field(&field.name));
        let ty = self.field_type(domain, field);
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

    fn builder(&self, domain: &str, name: &Ident, fields: &[Field]) -> TokenStream {
        let (required, optional): (Vec<&Field>, Vec<&Field>) =
            fields.iter().partition(|field| !field.optional);
        let args = required.iter().map(|field| {
            let ident = naming::ident(&naming::field(&field.name));
            let ty = self.rust_type(domain, &field.ty);
            quote!(#ident: impl __cdp::Into<#ty>)
        });
        let inits = fields.iter().map(|field| {
            let ident = naming::ident(&naming::field(&field.name));
            if field.optional {
                quote!(#ident: __cdp::None)
            } else if field.boxed {
                quote!(#ident: __cdp::Box::new(#ident.into()))
            } else {
                quote!(#ident: #ident.into())
            }
        });
        let new_docs = if required.is_empty() {
            docs::doc_attrs("Creates a value with every optional field unset.")
        } else {
            let names: Vec<String> = required
                .iter()
                .map(|field| format!("`{}`", field.name))
                .collect();
            docs::doc_attrs(&format!(
                "Creates a value from the required fields ({}); the optional ones start unset.",
                names.join(", ")
            ))
        };
        let setters = optional.iter().map(|field| {
            let ident = naming::ident(&naming::field(&field.name));
            let ty = self.rust_type(domain, &field.ty);
            let value = if field.boxed {
                quote!(__cdp::Box::new(#ident.into()))
            } else {
                quote!(#ident.into())
            };
            let docs = docs::doc_attrs(&format!("Sets the optional field `{}`.", field.name));
            let deprecated = field.meta.deprecated.then(|| quote!(#[deprecated]));
            quote! {
                #docs
                #deprecated
                #[must_use]
                pub fn #ident(mut self, #ident: impl __cdp::Into<#ty>) -> Self {
                    self.#ident = __cdp::Some(#value);
                    self
                }
            }
        });
        quote! {
            impl #name {
                #new_docs
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits),* }
                }
                #(#setters)*
            }
        }
    }

    /// `XParams` with its builder and `Command` impl, and `XReturns`.
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
            impl __cdp::Command for #params {
                const METHOD: &'static str = #method;
                type Response = #returns;
            }
        }
    }

    /// `XEvent` with its `Event` impl.
    pub fn event(&self, domain: &Domain, event: &Event) -> TokenStream {
        let method = format!("{}.{}", domain.name, event.name);
        let name = format_ident!("{}", naming::event(&event.name));
        let docs = docs::item_docs(&event.meta, &[format!("Protocol event: `{method}`.")]);
        let item = self.struct_item(
            &domain.name,
            &name,
            docs,
            &event.params,
            Builder::No,
            &format!("the params of `{method}`"),
        );
        quote! {
            #item
            impl __cdp::Event for #name {
                const METHOD: &'static str = #method;
            }
        }
    }
}
