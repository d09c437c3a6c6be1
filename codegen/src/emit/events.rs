//! The event enums: one per domain, and the root `Event` that decodes any event by method.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Ctx;
use crate::model::Domain;
use crate::naming;

/// `Event` inside a domain module, one variant per event of the domain, through one `events!`
/// call that also implements `Event`, `From` and `EventOf` for each event struct.
pub fn domain_event(domain: &Domain) -> Option<TokenStream> {
    if domain.events.is_empty() {
        return None;
    }
    let in_root = format_ident!("{}", naming::domain_variant(&domain.name));
    let prefix = format!("{}.", domain.name);
    let events = domain.events.iter().map(|event| {
        let variant = format_ident!("{}", naming::event_variant(&event.name));
        let name = format_ident!("{}", naming::event(&event.name));
        // Large events are boxed, so that the enum stays small (see `crate::layout`).
        let held = if event.boxed {
            quote!(boxed)
        } else {
            quote!(inline)
        };
        let method = format!("{}.{}", domain.name, event.name);
        quote!(#variant(#held #name) #method,)
    });
    Some(quote! {
        __cdp::events!(#in_root #prefix { #(#events)* });
    })
}

/// The root `Event`: a variant per domain with events, plus `Unknown` for any other method.
///
/// Decoding matches the domain first and the event name second, so the cost of finding an
/// event grows with the size of its domain, not with the size of the protocol.
pub fn root_event(ctx: &Ctx<'_>) -> TokenStream {
    let domains: Vec<&Domain> = ctx
        .model
        .domains
        .iter()
        .filter(|domain| !domain.events.is_empty())
        .collect();
    let variants: Vec<_> = domains
        .iter()
        .map(|domain| format_ident!("{}", naming::domain_variant(&domain.name)))
        .collect();
    let modules: Vec<_> = domains
        .iter()
        .map(|domain| format_ident!("{}", naming::module(&domain.name)))
        .collect();
    let names: Vec<&str> = domains.iter().map(|domain| domain.name.as_str()).collect();
    let variant_docs = names.iter().map(|name| {
        let text = format!(" An event of the `{name}` domain.");
        quote!(#[doc = #text])
    });
    let arms = domains.iter().zip(&variants).zip(&modules).map(|((domain, variant), module)| {
        let domain_name = &domain.name;
        let inner = domain.events.iter().map(|event| {
            let event_name = &event.name;
            let event_variant = format_ident!("{}", naming::event_variant(&event.name));
            let event_struct = format_ident!("{}", naming::event(&event.name));
            let held = if event.boxed {
                quote!(::std::boxed::Box::new(event))
            } else {
                quote!(event)
            };
            quote! {
                #event_name => <#module::#event_struct as ::cdp_runtime::codegen::serde::Deserialize>::deserialize(params)
                    .map(|event| Self::#variant(#module::Event::#event_variant(#held))),
            }
        });
        quote! {
            #domain_name => match name {
                #(#inner)*
                _ => ::cdp_runtime::codegen::unknown_event(method, params),
            },
        }
    });
    let allow_deprecated = quote!(#[allow(deprecated)]);
    let dispatch = if domains.is_empty() {
        quote!(::cdp_runtime::codegen::unknown_event(method, params))
    } else {
        quote! {
            let (domain, name) = method.split_once('.').unwrap_or((method, ""));
            match domain {
                #(#arms)*
                _ => ::cdp_runtime::codegen::unknown_event(method, params),
            }
        }
    };
    quote! {
        /// Every event of the protocol, decoded by its method.
        ///
        /// An event whose method these bindings do not know becomes [`Event::Unknown`] with its
        /// params kept as they arrived, so no message is lost.
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        #[non_exhaustive]
        #[allow(deprecated, clippy::large_enum_variant)]
        pub enum Event {
            #(#variant_docs #variants(#modules::Event),)*
            /// An event these bindings do not know.
            Unknown(::cdp_runtime::UnknownEvent),
        }
        #allow_deprecated
        impl Event {
            /// Decodes one message from the browser into a response or an [`Event`].
            ///
            /// The same as [`cdp_runtime::decode_message`] for this set, compiled once here so
            /// that crates using the bindings do not instantiate the decoder again.
            pub fn decode_message(
                text: &str,
            ) -> ::std::result::Result<::cdp_runtime::Message<Self>, ::cdp_runtime::DecodeError> {
                ::cdp_runtime::decode_message(text)
            }
        }
        #allow_deprecated
        impl ::cdp_runtime::EventSet for Event {
            fn deserialize_event<'de, D>(method: &str, params: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::cdp_runtime::codegen::serde::Deserializer<'de>,
            {
                #dispatch
            }

            fn method(&self) -> &str {
                match self {
                    #(Self::#variants(event) => event.method(),)*
                    Self::Unknown(event) => &event.method,
                }
            }

            fn decode_message(
                text: &str,
            ) -> ::std::result::Result<::cdp_runtime::Message<Self>, ::cdp_runtime::DecodeError> {
                ::cdp_runtime::decode_message(text)
            }
        }
        impl ::std::convert::From<::cdp_runtime::UnknownEvent> for Event {
            fn from(event: ::cdp_runtime::UnknownEvent) -> Self {
                Self::Unknown(event)
            }
        }
    }
}
