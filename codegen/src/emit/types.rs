//! Named types: string enums with their fallback, objects, and aliases as newtypes.

use super::derives::derive_attr;
use super::items::Builder;
use super::{docs, lit, Code, Ctx};
use crate::derives::Shape;
use crate::model::{Domain, Ty, TypeDef, TypeKind};
use crate::naming;

impl Ctx<'_> {
    pub fn type_def(&self, code: &mut Code, domain: &Domain, ty: &TypeDef) {
        let extra = match &ty.lifted_from {
            Some(path) => format!(
                "The type of the protocol field `{path}` ({}).",
                docs::reference(&ty.id.domain, &ty.id.domain, None)
            ),
            None => format!(
                "Protocol type: {}.",
                docs::reference(
                    &ty.id.to_string(),
                    &ty.id.domain,
                    Some(&format!("type-{}", ty.id.name))
                )
            ),
        };
        docs::item_docs(code, &ty.meta, &[extra]);
        let name = naming::type_name(&ty.id.name);
        match &ty.kind {
            TypeKind::Enum(values) => {
                code.line(&derive_attr(self.derives.traits(Shape::Enum)));
                let protocol_name = match &ty.lifted_from {
                    Some(path) => path.clone(),
                    None => ty.id.to_string(),
                };
                let string = self.std(&domain.name, "String");
                string_enum(code, &name, values, &protocol_name, &string);
            }
            TypeKind::Object(fields) => self.struct_item(
                code,
                &domain.name,
                &name,
                fields,
                Builder::Yes,
                &format!("an object: `{}`", ty.id),
            ),
            TypeKind::Alias { ty: inner, boxed } => {
                self.alias(code, &domain.name, &name, inner, *boxed)
            }
        }
    }

    fn alias(&self, code: &mut Code, domain: &str, name: &str, inner: &Ty, boxed: bool) {
        let rust = self.rust_type(domain, inner);
        code.line(&derive_attr(
            self.derives.traits(Shape::Newtype { ty: inner, boxed }),
        ));
        if boxed {
            code.line(&format!(
                "pub struct {name}(pub {}<{rust}>);",
                self.std(domain, "Box")
            ));
        } else {
            code.line(&format!("pub struct {name}(pub {rust});"));
        }
        // Over a primitive or an array, the inner type is the same in every set of bindings, so
        // the newtype converts back into it and, through `Newtype`, into another set's newtype.
        // Over a named type it is not, and a cycle of aliases would give two `From` impls.
        let unwrap = if matches!(inner, Ty::Named(_)) {
            ""
        } else {
            ", unwrap"
        };
        let from_str = if *inner == Ty::String { ", str" } else { "" };
        code.line(&format!(
            "__cdp::newtype!({name}: {rust}{unwrap}{from_str});"
        ));
    }
}

/// A string enum: a variant per value plus a fallback that keeps any other value, so a value
/// from a newer browser decodes and encodes again unchanged.
fn string_enum(code: &mut Code, name: &str, values: &[String], protocol_name: &str, string: &str) {
    let variants: Vec<String> = values
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
    code.line("#[non_exhaustive]");
    code.open(&format!("pub enum {name} {{"));
    for (value, variant) in values.iter().zip(&variants) {
        docs::doc_lines(code, &format!("`{value}`"));
        code.line(&format!("{variant},"));
    }
    code.line("/// A value these bindings do not know, kept as it was sent.");
    code.line(&format!("{fallback}({string}),"));
    code.close("}");
    code.block(
        &format!(
            "__cdp::string_enum!({name} {} {fallback}",
            lit(protocol_name)
        ),
        ");",
        |code| {
            for (value, variant) in values.iter().zip(&variants) {
                code.line(&format!("{variant} {},", lit(value)));
            }
        },
    );
}
