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
                let string = self.std(&domain.name, "String");
                string_enum(&name, docs, derive, values, &protocol_name, string)
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
        let stored = if boxed {
            let boxed = self.std(domain, "Box");
            quote!(#boxed<#rust>)
        } else {
            rust.clone()
        };
        // Over a primitive or an array, the inner type is the same in every set of bindings, so
        // the newtype converts back into it and, through `Newtype`, into another set's newtype.
        // Over a named type it is not, and a cycle of aliases would give two `From` impls.
        let unwrap = (!matches!(inner, Ty::Named(_))).then(|| quote!(, unwrap));
        let from_str = (*inner == Ty::String).then(|| quote!(, str));
        quote! {
            #docs
            #derive
            pub struct #name(pub #stored);
            __cdp::newtype!(#name: #rust #unwrap #from_str);
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
    string: TokenStream,
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
            #fallback(#string),
        }
        __cdp::string_enum!(#name #protocol_name #fallback { #(#variants #values,)* });
    }
}
