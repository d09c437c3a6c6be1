//! Stage 5: tokens to source text, without an external rustfmt.

use proc_macro2::TokenStream;

/// Formats the tokens of a whole file with prettyplease and puts `header` on top.
pub fn format(tokens: TokenStream, header: &str) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(tokens)?;
    let body = prettyplease::unparse(&file);
    let mut out = String::with_capacity(body.len() + header.len() + 1);
    out.push_str(header);
    out.push('\n');
    out.push_str(&body);
    Ok(out)
}
