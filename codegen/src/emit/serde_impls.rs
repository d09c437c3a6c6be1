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
/// `slot_types` holds, per field, the type its value is read as: the field's type without the
/// `Option` of an optional field.
pub fn struct_impls(
    name: &Ident,
    fields: &[Field],
    slot_types: &[TokenStream],
    what: &str,
) -> TokenStream {
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
                if let __cdp::Some(value) = &self.#ident {
                    map.serialize_entry(#key, value)?;
                }
            }
        } else {
            quote!(map.serialize_entry(#key, &self.#ident)?;)
        }
    });
    let reads = fields.iter().zip(&slots).map(|(field, slot)| {
        let key = &field.name;
        // An optional `any` keeps an explicit `null` as `Some(Value::Null)`, so it encodes back
        // as `null` rather than disappearing; other optional fields read `null` as absent.
        if field.optional && field.ty != crate::model::Ty::Any {
            quote!(#key => __cdp::optional_field(&mut map, &mut #slot),)
        } else {
            quote!(#key => __cdp::field(&mut map, &mut #slot),)
        }
    });
    // Required fields are checked with `let .. else`: plain control flow, which costs the
    // compiler less than a `?` per field.
    let checks = fields
        .iter()
        .zip(&slots)
        .filter(|(field, _)| !field.optional)
        .map(|(field, slot)| {
            let key = &field.name;
            quote! {
                let __cdp::Some(#slot) = #slot else {
                    return __cdp::Err(__cdp::missing_field(#key));
                };
            }
        });
    quote! {
        impl __cdp::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> __cdp::Result<S::Ok, S::Error>
            where
                S: __cdp::serde::Serializer,
            {
                use __cdp::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(__cdp::None)?;
                #(#writes)*
                map.end()
            }
        }
        impl<'de> __cdp::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> __cdp::Result<Self, D::Error>
            where
                D: __cdp::serde::Deserializer<'de>,
            {
                struct Visitor;
                impl<'de> __cdp::serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut __cdp::Formatter<'_>) -> __cdp::FmtResult {
                        f.write_str(#what)
                    }
                    fn visit_map<A>(self, mut map: A) -> __cdp::Result<#name, A::Error>
                    where
                        A: __cdp::serde::de::MapAccess<'de>,
                    {
                        #(let mut #slots: __cdp::Option<#slot_types> = __cdp::None;)*
                        while let __cdp::Some(key) =
                            map.next_key::<__cdp::FieldKey<'de>>()?
                        {
                            match key.as_str() {
                                #(#reads)*
                                _ => __cdp::skip_value(&mut map, #what, key.as_str()),
                            }?;
                        }
                        #(#checks)*
                        __cdp::Ok(#name {
                            #(#idents: #slots,)*
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
        impl __cdp::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> __cdp::Result<S::Ok, S::Error>
            where
                S: __cdp::serde::Serializer,
            {
                __cdp::serialize_empty(serializer)
            }
        }
        impl<'de> __cdp::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> __cdp::Result<Self, D::Error>
            where
                D: __cdp::serde::Deserializer<'de>,
            {
                __cdp::deserialize_empty(deserializer, #what).map(|()| #name {})
            }
        }
    }
}

/// `Serialize` and `Deserialize` for a newtype: exactly those of the wrapped type.
pub fn newtype_impls(name: &Ident) -> TokenStream {
    quote! {
        impl __cdp::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> __cdp::Result<S::Ok, S::Error>
            where
                S: __cdp::serde::Serializer,
            {
                __cdp::serde::Serialize::serialize(&self.0, serializer)
            }
        }
        impl<'de> __cdp::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> __cdp::Result<Self, D::Error>
            where
                D: __cdp::serde::Deserializer<'de>,
            {
                __cdp::serde::Deserialize::deserialize(deserializer).map(Self)
            }
        }
    }
}
