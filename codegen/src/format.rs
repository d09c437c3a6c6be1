//! Stage 5: tokens to source text, without an external rustfmt.

use proc_macro2::TokenStream;

/// Formats the tokens of a sequence of items with prettyplease. Items formatted apart and
/// concatenated read exactly as if formatted together: prettyplease puts no separator between
/// top-level items.
pub fn format_items(tokens: TokenStream) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(tokens)?;
    Ok(prettyplease::unparse(&file))
}
