//! Named types: string enums with their fallback, objects, and aliases as newtypes.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::derives::derive_attr;
use super::items::Builder;
use super::{docs, Ctx};
use crate::derives::Shape;
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
            TypeKind::Enum(values) => {
                let derive = derive_attr(self.derives.traits(Shape::Enum));
                let protocol_name = match &ty.lifted_from {
                    Some(path) => path.clone(),
                    None => ty.id.to_string(),
                };
                string_enum(&name, docs, derive, values, &protocol_name)
            }
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
        let derive = derive_attr(self.derives.traits(Shape::Newtype { ty: inner, boxed }));
        let (stored, wrap) = if boxed {
            (quote!(__cdp::Box<#rust>), quote!(__cdp::Box::new(value)))
        } else {
            (rust.clone(), quote!(value))
        };
        let serde = super::serde_impls::newtype_impls(name);
        let from_str = (*inner == Ty::String).then(|| {
            quote! {
                impl __cdp::From<&str> for #name {
                    fn from(value: &str) -> Self {
                        Self(__cdp::String::from(value))
                    }
                }
            }
        });
        // Over a primitive or an array, the inner type is the same in every set of bindings, so
        // the newtype converts back into it and, through `Newtype`, into another set's newtype.
        // Over a named type it is not, and a cycle of aliases would give two `From` impls.
        let unwrap = (!matches!(inner, Ty::Named(_))).then(|| {
            quote! {
                impl __cdp::From<#name> for #rust {
                    fn from(value: #name) -> Self {
                        value.0
                    }
                }
                impl __cdp::Newtype for #name {
                    type Inner = #rust;
                }
            }
        });
        quote! {
            #docs
            #derive
            pub struct #name(pub #stored);
            #serde
            impl __cdp::From<#rust> for #name {
                fn from(value: #rust) -> Self {
                    Self(#wrap)
                }
            }
            #unwrap
            #from_str
        }
    }
}

/// A string enum: a variant per value plus a fallback that keeps any other value, so a value
/// from a newer browser decodes and encodes again unchanged.
fn string_enum(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    derive: TokenStream,
    values: &[String],
    protocol_name: &str,
) -> TokenStream {
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
        #derive
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value these bindings do not know, kept as it was sent.
            #fallback(__cdp::String),
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
            fn known(value: &str) -> __cdp::Option<Self> {
                match value {
                    #(#values => __cdp::Some(Self::#variants),)*
                    _ => __cdp::None,
                }
            }
        }
        impl __cdp::From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::#fallback(value.into()))
            }
        }
        impl __cdp::From<__cdp::String> for #name {
            fn from(value: __cdp::String) -> Self {
                match Self::known(&value) {
                    __cdp::Some(known) => known,
                    __cdp::None => Self::#fallback(value),
                }
            }
        }
        impl __cdp::FromStr for #name {
            type Err = __cdp::Infallible;
            fn from_str(value: &str) -> __cdp::Result<Self, Self::Err> {
                __cdp::Ok(Self::from(value))
            }
        }
        impl __cdp::Display for #name {
            fn fmt(&self, f: &mut __cdp::Formatter<'_>) -> __cdp::FmtResult {
                f.write_str(self.as_str())
            }
        }
        impl __cdp::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> __cdp::Result<S::Ok, S::Error>
            where
                S: __cdp::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> __cdp::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> __cdp::Result<Self, D::Error>
            where
                D: __cdp::serde::Deserializer<'de>,
            {
                __cdp::deserialize_string_enum(deserializer, #protocol_name, Self::known)
            }
        }
    }
}
