//! Stage 4: token streams for the model, one unit per item kind.
//!
//! Each item is its definition, with docs, and one call of a macro of `cdp_runtime::codegen`
//! (`object!`, `string_enum!`, `newtype!`, `command!`, `events!`) that expands to its impls.
//!
//! Inside a domain module, outside items are named through `__cdp` (`use ::cdp_runtime::codegen
//! as __cdp`), except the standard names the prelude gives (`String`, `Vec`, `Option`, `Box`):
//! those are written bare unless the module defines a type of the same name, where they are
//! written `__cdp::String` (see [`Ctx::std`]). Derive macros live in the macro namespace, which
//! no protocol type shares, and are always bare. At the root, where an import would leak into
//! the including crate, paths are full. The crate that holds the bindings needs `cdp_runtime`
//! alone.

mod derives;
mod docs;
mod events;
mod items;
mod lints;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::derives::Derives;
use crate::model::{Domain, Model, Ty, TypeId};
use crate::naming;

/// Emits the output one unit at a time (the version constant, each domain module, the root
/// `Event`), so that units can be formatted independently and in parallel.
pub struct Emitter<'a> {
    ctx: Ctx<'a>,
}

impl<'a> Emitter<'a> {
    /// Prepares emission for `model`, on which every pass has run.
    pub fn new(model: &'a Model) -> Self {
        let mut defined = BTreeMap::new();
        for domain in &model.domains {
            defined.insert(domain.name.clone(), defined_names(domain));
        }
        Emitter {
            ctx: Ctx {
                model,
                derives: &model.derives,
                defined,
            },
        }
    }

    /// The items before the domain modules: the protocol version.
    pub fn prelude(&self) -> TokenStream {
        match &self.ctx.model.version {
            Some(version) => quote! {
                /// The protocol version of the schema these bindings were generated from.
                pub const PROTOCOL_VERSION: &str = #version;
            },
            None => TokenStream::new(),
        }
    }

    /// The module of one domain.
    pub fn domain(&self, domain: &Domain) -> TokenStream {
        self.ctx.domain_module(domain)
    }

    /// The root `Event` and its impls.
    pub fn root(&self) -> TokenStream {
        events::root_event(&self.ctx)
    }
}

/// What every unit of emission needs.
pub(crate) struct Ctx<'a> {
    pub model: &'a Model,
    pub derives: &'a Derives,
    /// The type names each domain's module defines, by domain.
    pub defined: BTreeMap<String, BTreeSet<String>>,
}

/// Every type name a domain's module defines: its types, params, returns and events, and its
/// `Event`.
fn defined_names(domain: &Domain) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for ty in &domain.types {
        names.insert(naming::type_name(&ty.id.name));
    }
    for command in &domain.commands {
        names.insert(naming::params(&command.name));
        names.insert(naming::returns(&command.name));
    }
    for event in &domain.events {
        names.insert(naming::event(&event.name));
    }
    names.insert("Event".to_owned());
    names
}

impl Ctx<'_> {
    fn domain_module(&self, domain: &Domain) -> TokenStream {
        let module = format_ident!("{}", naming::module(&domain.name));
        let mut extra = vec![format!("Protocol domain: `{}`.", domain.name)];
        if !domain.selected {
            extra.push(
                "Only what was selected, and the types it uses, is generated here.".to_owned(),
            );
        }
        let docs = docs::item_docs(&domain.meta, &extra);
        let types = domain.types.iter().map(|ty| self.type_def(domain, ty));
        let commands = domain
            .commands
            .iter()
            .map(|command| self.command(domain, command));
        let events = domain.events.iter().map(|event| self.event(domain, event));
        let event_enum = events::domain_event(domain);
        let allow = lints::allow_attr(self.model, domain);
        quote! {
            #docs
            #allow
            pub mod #module {
                use ::cdp_runtime::codegen as __cdp;
                #(#types)*
                #(#commands)*
                #(#events)*
                #event_enum
            }
        }
    }

    /// The standard type `name` (`String`, `Vec`, `Option`, `Box`) as written inside the module
    /// of `domain`: bare, unless the module defines a type of that name.
    pub fn std(&self, domain: &str, name: &str) -> TokenStream {
        let ident = format_ident!("{name}");
        if self
            .defined
            .get(domain)
            .is_some_and(|names| names.contains(name))
        {
            quote!(__cdp::#ident)
        } else {
            quote!(#ident)
        }
    }

    /// The Rust type of `ty`, as written inside the module of `domain`.
    pub fn rust_type(&self, domain: &str, ty: &Ty) -> TokenStream {
        match ty {
            Ty::String => self.std(domain, "String"),
            Ty::Integer => quote!(i64),
            Ty::Number => quote!(f64),
            Ty::Boolean => quote!(bool),
            Ty::Any => quote!(__cdp::serde_json::Value),
            Ty::Map => {
                let string = self.std(domain, "String");
                quote!(__cdp::serde_json::Map<#string, __cdp::serde_json::Value>)
            }
            Ty::Binary => quote!(__cdp::Binary),
            Ty::Array(item) => {
                let item = self.rust_type(domain, item);
                let vec = self.std(domain, "Vec");
                quote!(#vec<#item>)
            }
            Ty::Named(id) => type_path(domain, id),
        }
    }
}

/// The path of a named type from inside the module of `domain`.
pub(crate) fn type_path(domain: &str, id: &TypeId) -> TokenStream {
    let name = format_ident!("{}", naming::type_name(&id.name));
    if id.domain == domain {
        quote!(#name)
    } else {
        let module = format_ident!("{}", naming::module(&id.domain));
        quote!(super::#module::#name)
    }
}
