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
        let mut shadowed = Vec::new();
        for domain in &model.domains {
            shadowed_std_names(domain, &mut shadowed);
        }
        Emitter {
            ctx: Ctx {
                model,
                derives: &model.derives,
                shadowed,
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
    /// The standard names of [`STD_NAMES`] that a domain's module defines a type of, each as
    /// the domain and the name (few or none, so a list).
    pub shadowed: Vec<TypeId>,
}

/// The standard names [`Ctx::std`] writes, which a domain's module may define types of.
const STD_NAMES: [&str; 4] = ["String", "Vec", "Option", "Box"];

/// Adds to `shadowed` the names of [`STD_NAMES`] that `domain`'s module defines a type of,
/// among its types, params, returns and events (its `Event` is none of them).
fn shadowed_std_names(domain: &Domain, shadowed: &mut Vec<TypeId>) {
    let mut add = |name: String| {
        if STD_NAMES.contains(&name.as_str()) {
            shadowed.push(TypeId {
                domain: domain.name.clone(),
                name,
            });
        }
    };
    for ty in &domain.types {
        add(naming::type_name(&ty.id.name));
    }
    for command in &domain.commands {
        add(naming::params(&command.name));
        add(naming::returns(&command.name));
    }
    for event in &domain.events {
        add(naming::event(&event.name));
    }
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
        debug_assert!(STD_NAMES.contains(&name), "`{name}` is not in STD_NAMES");
        let ident = format_ident!("{name}");
        if self
            .shadowed
            .iter()
            .any(|id| id.domain == domain && id.name == name)
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
