//! `Serialize` and `Deserialize` written out for each struct and newtype, instead of derived.
//!
//! serde's derive is the largest cost of compiling the bindings: for every struct it emits a
//! field enum with its own visitor, a sequence visitor and duplicate-field checks, and
//! `serde_json` instantiates all of it. Protocol objects need less: a map visitor that matches
//! each key as a string and skips the keys it does not know. The key type and the empty-object
//! cases are shared code in `cdp_runtime::codegen`, so each struct adds only its own `match`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::model::Field;
use crate::naming;

/// `Serialize` and `Deserialize` for a struct with `fields`; `what` describes it in errors
/// (`` an object: `Network.Cookie` ``).
pub fn struct_impls(name: &Ident, fields: &[Field], what: &str) -> TokenStream {
    if fields.is_empty() {
        return empty_impls(name, what);
    }
    let idents: Vec<Ident> = fields
        .iter()
        .map(|field| naming::ident(&naming::field(&field.name)))
        .collect();
    let slots: Vec<Ident> = (0..fields.len()).map(|i| format_ident!("f{i}")).collect();

    let writes = fields.iter().zip(&idents).map(|(field, ident)| {
        let key = &field.name;
        if field.optional {
            quote! {
                if let ::std::option::Option::Some(value) = &self.#ident {
                    map.serialize_entry(#key, value)?;
                }
            }
        } else {
            quote!(map.serialize_entry(#key, &self.#ident)?;)
        }
    });
    let reads = fields.iter().zip(&slots).map(|(field, slot)| {
        let key = &field.name;
        if field.optional {
            quote!(#key => #slot = map.next_value()?,)
        } else {
            quote!(#key => #slot = ::std::option::Option::Some(map.next_value()?),)
        }
    });
    let values = fields.iter().zip(&slots).map(|(field, slot)| {
        let key = &field.name;
        if field.optional {
            quote!(#slot)
        } else {
            quote!(::cdp_runtime::codegen::required::<_, A::Error>(#slot, #key)?)
        }
    });
    quote! {
        impl ::cdp_runtime::codegen::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::cdp_runtime::codegen::serde::Serializer,
            {
                use ::cdp_runtime::codegen::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                #(#writes)*
                map.end()
            }
        }
        impl<'de> ::cdp_runtime::codegen::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::cdp_runtime::codegen::serde::Deserializer<'de>,
            {
                struct Visitor;
                impl<'de> ::cdp_runtime::codegen::serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#what)
                    }
                    fn visit_map<A>(self, mut map: A) -> ::std::result::Result<#name, A::Error>
                    where
                        A: ::cdp_runtime::codegen::serde::de::MapAccess<'de>,
                    {
                        #(let mut #slots = ::std::option::Option::None;)*
                        while let ::std::option::Option::Some(key) =
                            map.next_key::<::cdp_runtime::codegen::FieldKey<'de>>()?
                        {
                            match key.as_str() {
                                #(#reads)*
                                _ => ::cdp_runtime::codegen::skip_value(&mut map)?,
                            }
                        }
                        ::std::result::Result::Ok(#name {
                            #(#idents: #values,)*
                        })
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    }
}

fn empty_impls(name: &Ident, what: &str) -> TokenStream {
    quote! {
        impl ::cdp_runtime::codegen::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::cdp_runtime::codegen::serde::Serializer,
            {
                ::cdp_runtime::codegen::serialize_empty(serializer)
            }
        }
        impl<'de> ::cdp_runtime::codegen::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::cdp_runtime::codegen::serde::Deserializer<'de>,
            {
                ::cdp_runtime::codegen::deserialize_empty(deserializer, #what).map(|()| #name {})
            }
        }
    }
}

/// `Serialize` and `Deserialize` for a newtype: exactly those of the wrapped type.
pub fn newtype_impls(name: &Ident) -> TokenStream {
    quote! {
        impl ::cdp_runtime::codegen::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::cdp_runtime::codegen::serde::Serializer,
            {
                ::cdp_runtime::codegen::serde::Serialize::serialize(&self.0, serializer)
            }
        }
        impl<'de> ::cdp_runtime::codegen::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::cdp_runtime::codegen::serde::Deserializer<'de>,
            {
                ::cdp_runtime::codegen::serde::Deserialize::deserialize(deserializer).map(Self)
            }
        }
    }
}
