//! Named types: string enums with their fallback, objects, and aliases as newtypes.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::items::Builder;
use super::{docs, Ctx};
use crate::model::{Domain, Ty, TypeDef, TypeKind};
use crate::naming;

impl Ctx<'_> {
    pub fn type_def(&self, domain: &Domain, ty: &TypeDef) -> TokenStream {
        let mut extra = Vec::new();
        match &ty.lifted_from {
            Some(path) => extra.push(format!("The type of the protocol field `{path}`.")),
            None => extra.push(format!("Protocol type: `{}`.", ty.id)),
        }
        let docs = docs::item_docs(&ty.meta, &extra);
        let name = format_ident!("{}", naming::type_name(&ty.id.name));
        match &ty.kind {
            TypeKind::Enum(values) => string_enum(&name, docs, values),
            TypeKind::Object(fields) => self.struct_item(
                &domain.name,
                &name,
                docs,
                fields,
                Builder::Yes,
                &format!("an object: `{}`", ty.id),
            ),
            TypeKind::Alias { ty: inner, boxed } => {
                self.alias(&domain.name, &name, docs, inner, *boxed)
            }
        }
    }

    fn alias(
        &self,
        domain: &str,
        name: &proc_macro2::Ident,
        docs: TokenStream,
        inner: &Ty,
        boxed: bool,
    ) -> TokenStream {
        let rust = self.rust_type(domain, inner);
        let eq = self
            .derives
            .ty_eq(inner)
            .then(|| quote!(::std::cmp::Eq, ::std::hash::Hash,));
        let copy = (!boxed && self.derives.ty_copy(inner)).then(|| quote!(::std::marker::Copy,));
        let (stored, wrap) = if boxed {
            (
                quote!(::std::boxed::Box<#rust>),
                quote!(::std::boxed::Box::new(value)),
            )
        } else {
            (rust.clone(), quote!(value))
        };
        let serde = super::serde_impls::newtype_impls(name);
        let from_str = (*inner == Ty::String).then(|| {
            quote! {
                impl ::std::convert::From<&str> for #name {
                    fn from(value: &str) -> Self {
                        Self(::std::string::String::from(value))
                    }
                }
            }
        });
        quote! {
            #docs
            #[derive(
                ::std::fmt::Debug,
                ::std::clone::Clone,
                ::std::cmp::PartialEq,
                #eq
                #copy
            )]
            pub struct #name(pub #stored);
            #serde
            impl ::std::convert::From<#rust> for #name {
                fn from(value: #rust) -> Self {
                    Self(#wrap)
                }
            }
            #from_str
        }
    }
}

/// A string enum: a variant per value plus a fallback that keeps any other value, so a value
/// from a newer browser decodes and encodes again unchanged.
fn string_enum(name: &proc_macro2::Ident, docs: TokenStream, values: &[String]) -> TokenStream {
    let variants: Vec<_> = values
        .iter()
        .map(|value| naming::ident(&naming::variant(value)))
        .collect();
    let mut fallback = naming::FALLBACK_VARIANT.to_owned();
    while values
        .iter()
        .any(|value| naming::variant(value) == fallback)
    {
        fallback.push_str("Value");
    }
    let fallback = format_ident!("{fallback}");
    let variant_docs = values
        .iter()
        .map(|value| docs::doc_attrs(&format!("`{value}`")));
    quote! {
        #docs
        #[derive(
            ::std::fmt::Debug,
            ::std::clone::Clone,
            ::std::cmp::PartialEq,
            ::std::cmp::Eq,
            ::std::hash::Hash,
        )]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value these bindings do not know, kept as it was sent.
            #fallback(::std::string::String),
        }
        impl #name {
            /// Every value these bindings know, in schema order.
            pub const KNOWN: &'static [Self] = &[#(Self::#variants),*];
            /// The value as it is written in protocol messages.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::#fallback(value) => value,
                }
            }
            fn known(value: &str) -> ::std::option::Option<Self> {
                match value {
                    #(#values => ::std::option::Option::Some(Self::#variants),)*
                    _ => ::std::option::Option::None,
                }
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::#fallback(value.into()))
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match Self::known(&value) {
                    ::std::option::Option::Some(known) => known,
                    ::std::option::Option::None => Self::#fallback(value),
                }
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::cdp_runtime::codegen::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::cdp_runtime::codegen::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::cdp_runtime::codegen::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::cdp_runtime::codegen::serde::Deserializer<'de>,
            {
                ::cdp_runtime::codegen::deserialize_string_enum(deserializer)
            }
        }
    }
}
