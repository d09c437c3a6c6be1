//! The derive attribute of a generated type, from the traits the derives pass found.

use crate::derives::Traits;

/// `#[derive(Debug, Clone, PartialEq, ..)]` with `traits` after the three every generated type
/// derives. Derive macros live in the macro namespace, where no protocol type can shadow them, so
/// their names are written bare.
pub(crate) fn derive_attr(traits: Traits) -> String {
    let mut attr = "#[derive(Debug, Clone, PartialEq".to_owned();
    for tr in traits.iter() {
        attr.push_str(", ");
        attr.push_str(tr.name());
    }
    attr.push_str(")]");
    attr
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derives::Trait;

    #[test]
    fn the_derive_attribute_lists_the_traits_in_order() {
        let traits: Traits = [Trait::Copy, Trait::Eq].into_iter().collect();
        assert_eq!(
            derive_attr(traits),
            "#[derive(Debug, Clone, PartialEq, Eq, Copy)]"
        );
        let names: Vec<&str> = traits
            .without([Trait::Eq].into_iter().collect())
            .iter()
            .map(Trait::name)
            .collect();
        assert_eq!(names, ["Copy"]);
    }
}
