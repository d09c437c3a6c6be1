//! Stage 4: token streams for the model, one unit per item kind.
//!
//! Generated code names every outside item through one path that no protocol name can shadow:
//! inside a domain module, `__cdp` (`use ::cdp_runtime::codegen as __cdp`, which re-exports the
//! standard items too: `__cdp::Option`, `__cdp::serde::Serialize`); at the root, where an
//! import would leak into the including crate, full paths. The crate that holds the bindings
//! needs `cdp_runtime` alone.

mod derives;
mod docs;
mod events;
mod items;
mod serde_impls;
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
        Emitter {
            ctx: Ctx {
                model,
                derives: &model.derives,
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
        quote! {
            #docs
            #[allow(
                deprecated,
                clippy::large_enum_variant,
                clippy::too_many_arguments,
                clippy::enum_variant_names,
                clippy::should_implement_trait,
                clippy::wrong_self_convention,
                clippy::new_without_default,
                clippy::module_inception,
                clippy::upper_case_acronyms
            )]
            pub mod #module {
                use ::cdp_runtime::codegen as __cdp;
                #(#types)*
                #(#commands)*
                #(#events)*
                #event_enum
            }
        }
    }

    /// The Rust type of `ty`, as written inside the module of `domain`.
    pub fn rust_type(&self, domain: &str, ty: &Ty) -> TokenStream {
        match ty {
            Ty::String => quote!(__cdp::String),
            Ty::Integer => quote!(i64),
            Ty::Number => quote!(f64),
            Ty::Boolean => quote!(bool),
            Ty::Any => quote!(__cdp::serde_json::Value),
            Ty::Map => quote!(
                __cdp::serde_json::Map<
                    __cdp::String,
                    __cdp::serde_json::Value,
                >
            ),
            Ty::Binary => quote!(__cdp::Binary),
            Ty::Array(item) => {
                let item = self.rust_type(domain, item);
                quote!(__cdp::Vec<#item>)
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
