//! Stage 4: token streams for the model, one unit per item kind.
//!
//! Generated code names every outside item by its full path (`::std::option::Option`,
//! `::cdp_runtime::codegen::serde`), so no type of the protocol can shadow it, and the crate that
//! holds the bindings needs `cdp_runtime` alone.

mod derives;
mod docs;
mod events;
mod items;
mod serde_impls;
mod types;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Domain, Model, Ty, TypeId};
use crate::naming;

use derives::Derives;

/// The whole output: every domain module and the root `Event`.
pub fn emit(model: &Model) -> TokenStream {
    let derives = Derives::analyse(model);
    let ctx = Ctx { model, derives };
    let modules = model.domains.iter().map(|domain| ctx.domain_module(domain));
    let version = model.version.as_ref().map(|version| {
        quote! {
            /// The protocol version of the schema these bindings were generated from.
            pub const PROTOCOL_VERSION: &str = #version;
        }
    });
    let root_event = events::root_event(&ctx);
    quote! {
        #version
        #(#modules)*
        #root_event
    }
}

/// What every unit of emission needs.
pub(crate) struct Ctx<'a> {
    pub model: &'a Model,
    pub derives: Derives,
}

impl Ctx<'_> {
    fn domain_module(&self, domain: &Domain) -> TokenStream {
        let module = format_ident!("{}", naming::module(&domain.name));
        let mut extra = vec![format!("Protocol domain: `{}`.", domain.name)];
        if !domain.selected {
            extra.push(
                "Only the types that the selected domains use are generated here.".to_owned(),
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
            Ty::String => quote!(::std::string::String),
            Ty::Integer => quote!(i64),
            Ty::Number => quote!(f64),
            Ty::Boolean => quote!(bool),
            Ty::Any => quote!(::cdp_runtime::codegen::serde_json::Value),
            Ty::Map => quote!(
                ::cdp_runtime::codegen::serde_json::Map<
                    ::std::string::String,
                    ::cdp_runtime::codegen::serde_json::Value,
                >
            ),
            Ty::Binary => quote!(::cdp_runtime::codegen::Binary),
            Ty::Array(item) => {
                let item = self.rust_type(domain, item);
                quote!(::std::vec::Vec<#item>)
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
