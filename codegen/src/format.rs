//! Stage 5: the emitted text as it is, or, with the `format` feature, laid out as rustfmt
//! would lay it out, without an external rustfmt.
//!
//! The emitter already writes a line per attribute, field, statement and macro entry, blocks
//! indented, which is what a build script that only feeds the output to the compiler needs:
//! without the feature, syn and prettyplease (most of the time it takes to build and run such a
//! build script) are not compiled. With it, the text is parsed and formatted by prettyplease.

/// Formats the text of a sequence of items with prettyplease. Items formatted apart and
/// concatenated read exactly as if formatted together: prettyplease puts no separator between
/// top-level items.
///
/// prettyplease fills the body of a macro call like a paragraph; the calls of the generated
/// code (`__cdp::object!(..)`) list a field or a value per entry, so they are printed by the
/// plain printer instead, an entry per line, in place of a marker item that prettyplease lays
/// out.
#[cfg(feature = "format")]
pub fn format_items(text: String) -> Result<String, String> {
    let mut file = syn::parse_file(&text).map_err(|err| err.to_string())?;
    let mut calls = Vec::new();
    take_macro_calls(&mut file.items, &mut calls);
    let formatted = prettyplease::unparse(&file);
    if calls.is_empty() {
        return Ok(formatted);
    }
    let mut out = String::with_capacity(formatted.len() + calls.len() * 64);
    for line in formatted.split_inclusive('\n') {
        let trimmed = line.trim_start();
        match trimmed
            .strip_prefix(MARKER)
            .and_then(|rest| rest.split(':').next())
            .and_then(|index| index.parse::<usize>().ok())
        {
            Some(index) => {
                let indent = (line.len() - trimmed.len()) / 4;
                let mut printer = plain::Printer::indented(indent);
                printer.body(std::mem::take(&mut calls[index]));
                printer.newline();
                out.push_str(&printer.out);
            }
            None => out.push_str(line),
        }
    }
    Ok(out)
}

/// The name of the marker items that stand for macro calls while prettyplease formats.
#[cfg(feature = "format")]
const MARKER: &str = "const __CDP_MACRO_CALL_";

/// Replaces every macro call among `items`, in modules too, by a marker item, keeping its
/// tokens in `calls` at the marker's number.
#[cfg(feature = "format")]
fn take_macro_calls(items: &mut [syn::Item], calls: &mut Vec<proc_macro2::TokenStream>) {
    for item in items {
        match item {
            syn::Item::Macro(call) if call.ident.is_none() => {
                let marker = quote::format_ident!("__CDP_MACRO_CALL_{}", calls.len());
                calls.push(quote::ToTokens::to_token_stream(call));
                *item = syn::parse_quote!(const #marker: () = (););
            }
            syn::Item::Mod(module) => {
                if let Some((_, content)) = &mut module.content {
                    take_macro_calls(content, calls);
                }
            }
            _ => {}
        }
    }
}

/// The text as the emitter laid it out.
#[cfg(not(feature = "format"))]
pub fn format_items(text: String) -> Result<String, String> {
    Ok(text)
}

/// Prints macro calls from their tokens, an entry per line, as the emitter writes them.
#[cfg(feature = "format")]
mod plain {
    use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

    /// What was printed last, for the spacing of the next token.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Last {
        /// The start of a line or of a group's contents: no space.
        Open,
        /// A word: an identifier, a literal, a closed group or a closing `>` of generics.
        Word,
        /// A keyword that a space always follows (`let (a, b)`, `use ::x`).
        Keyword,
        /// A punctuation mark that joins the next one (the `-` of `->`).
        Joint(char),
        /// Any other punctuation mark.
        Punct(char),
    }

    /// Keywords that a space always follows.
    const KEYWORDS: &[&str] = &[
        "as", "dyn", "for", "if", "impl", "in", "let", "match", "mut", "pub", "return", "use",
        "where", "while",
    ];

    pub struct Printer {
        pub out: String,
        indent: usize,
        last: Last,
        /// How many `<` of generics are open on this line: a `,` inside them stays inline.
        angles: usize,
    }

    impl Default for Printer {
        fn default() -> Self {
            Printer {
                out: String::new(),
                indent: 0,
                last: Last::Open,
                angles: 0,
            }
        }
    }

    impl Printer {
        /// A printer whose lines start `indent` levels in.
        pub fn indented(indent: usize) -> Self {
            Printer {
                indent,
                ..Printer::default()
            }
        }

        pub fn newline(&mut self) {
            if !self.out.is_empty() && !self.out.ends_with('\n') {
                self.out.push('\n');
            }
            self.last = Last::Open;
            self.angles = 0;
        }

        /// Writes `text` (`punct` if it is a punctuation mark), after a space unless the two
        /// tokens read better together. A space is only left out where the tokens cannot run
        /// into one: after an opening delimiter, before `,` `;` `.` `?`, around `::` and
        /// the angle brackets of generics, after `&`, `#`, `!` and `.`.
        fn put(&mut self, text: &str, punct: Option<char>) {
            if self.out.ends_with('\n') || self.out.is_empty() {
                for _ in 0..self.indent {
                    self.out.push_str("    ");
                }
            } else {
                let tight = match (self.last, punct) {
                    (Last::Open | Last::Joint(_), _) => true,
                    (Last::Keyword, punct) => punct == Some('<') && self.out.ends_with("impl"),
                    (_, Some(',' | ';' | '.' | '?')) => true,
                    (Last::Punct('.' | '&' | '#' | '!' | '<'), None | Some('\'')) => true,
                    (Last::Punct(':'), _) => self.out.ends_with("::"),
                    (Last::Word, Some(':')) => true,
                    // Generated code negates nothing: a `!` after a word calls a macro.
                    (Last::Word, Some('!')) => true,
                    // Generated code compares nothing: a `<` after a word opens generics.
                    (Last::Word, Some('<')) => true,
                    (Last::Word, Some('>')) => self.angles > 0,
                    (Last::Word, None) => text == "(",
                    _ => false,
                };
                if !tight {
                    self.out.push(' ');
                }
            }
            self.out.push_str(text);
        }

        /// The contents of a brace block or the top level: statements, items, fields and arms
        /// on lines of their own.
        pub fn body(&mut self, tokens: TokenStream) {
            let mut tokens = tokens.into_iter().peekable();
            while let Some(token) = tokens.next() {
                match token {
                    TokenTree::Punct(punct) if punct.as_char() == '#' => {
                        if let Some(TokenTree::Group(attr)) = tokens.peek() {
                            if attr.delimiter() == Delimiter::Bracket {
                                let attr = attr.clone();
                                tokens.next();
                                self.attribute(&attr);
                                continue;
                            }
                        }
                        self.token(TokenTree::Punct(punct));
                    }
                    TokenTree::Punct(punct) if punct.as_char() == ';' => {
                        self.token(TokenTree::Punct(punct));
                        self.newline();
                    }
                    TokenTree::Punct(punct) if punct.as_char() == ',' => {
                        self.token(TokenTree::Punct(punct));
                        if self.angles == 0 {
                            self.newline();
                        }
                    }
                    TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                        self.block(group.stream());
                        let continues = match tokens.peek() {
                            Some(TokenTree::Punct(next)) => {
                                matches!(next.as_char(), ',' | ';' | '.' | '?')
                            }
                            Some(TokenTree::Ident(next)) => next == "else",
                            _ => false,
                        };
                        if !continues {
                            self.newline();
                        }
                    }
                    other => self.token(other),
                }
            }
        }

        /// An outer attribute on a line of its own; a doc attribute whose text needs no
        /// escapes as a `///` comment.
        fn attribute(&mut self, attr: &proc_macro2::Group) {
            let mut parts = attr.stream().into_iter();
            if let (
                Some(TokenTree::Ident(name)),
                Some(TokenTree::Punct(eq)),
                Some(TokenTree::Literal(text)),
                None,
            ) = (parts.next(), parts.next(), parts.next(), parts.next())
            {
                let text = text.to_string();
                let raw = text.strip_prefix('r');
                let plain =
                    if raw.is_some() { None } else { Some(&text) }.filter(|t| !t.contains('\\'));
                if name == "doc" && eq.as_char() == '=' {
                    if let Some(line) = raw
                        .or(plain.map(String::as_str))
                        .and_then(|t| t.strip_prefix('"'))
                        .and_then(|t| t.strip_suffix('"'))
                    {
                        self.newline();
                        self.put(&format!("///{line}"), None);
                        self.newline();
                        return;
                    }
                }
            }
            self.newline();
            self.put("#", Some('#'));
            self.last = Last::Punct('#');
            self.token(TokenTree::Group(attr.clone()));
            self.newline();
        }

        fn block(&mut self, contents: TokenStream) {
            if contents.is_empty() {
                self.put("{}", None);
                self.last = Last::Word;
                return;
            }
            self.put("{", None);
            self.indent += 1;
            self.newline();
            self.body(contents);
            self.indent -= 1;
            self.newline();
            self.put("}", None);
            self.last = Last::Word;
        }

        /// One token inside a line; groups other than blocks stay on the line.
        fn token(&mut self, token: TokenTree) {
            match token {
                TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        Delimiter::Brace => return self.block(group.stream()),
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::None => ("", ""),
                    };
                    self.put(open, None);
                    self.last = Last::Open;
                    for inner in group.stream() {
                        match inner {
                            TokenTree::Group(block) if block.delimiter() == Delimiter::Brace => {
                                self.block(block.stream());
                            }
                            other => self.token(other),
                        }
                    }
                    self.out.push_str(close);
                    self.last = Last::Word;
                }
                TokenTree::Punct(punct) => {
                    let ch = punct.as_char();
                    let after = self.last;
                    self.put(&ch.to_string(), Some(ch));
                    self.last = if punct.spacing() == Spacing::Joint {
                        Last::Joint(ch)
                    } else {
                        Last::Punct(ch)
                    };
                    match ch {
                        '<' if matches!(after, Last::Word | Last::Keyword | Last::Punct(':')) => {
                            self.angles += 1;
                        }
                        // `->` and `=>` close nothing.
                        '>' if self.angles > 0 && !matches!(after, Last::Joint('-' | '=')) => {
                            self.angles -= 1;
                            self.last = Last::Word;
                        }
                        _ => {}
                    }
                }
                TokenTree::Ident(ident) => {
                    let text = ident.to_string();
                    self.put(&text, None);
                    self.last = if KEYWORDS.contains(&text.as_str()) {
                        Last::Keyword
                    } else {
                        Last::Word
                    };
                }
                TokenTree::Literal(literal) => {
                    self.put(&literal.to_string(), None);
                    self.last = Last::Word;
                }
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::Printer;
        use quote::quote;

        fn print(tokens: proc_macro2::TokenStream) -> String {
            let mut printer = Printer::default();
            printer.body(tokens);
            printer.newline();
            printer.out
        }

        #[test]
        fn items_statements_and_attributes_get_lines_of_their_own() {
            let printed = print(quote! {
                #[doc = " A thing."]
                #[derive(Debug, Clone)]
                pub struct Thing { pub a: ::std::option::Option<u8>, pub b: Vec<Vec<u8>> }
                impl<'de> Thing {
                    fn f(&self, x: &str) -> u8 { let y = x.len(); match y { 0 => 1, _ => { 2 } } }
                }
            });
            assert_eq!(
                printed,
                "/// A thing.\n\
                 #[derive(Debug, Clone)]\n\
                 pub struct Thing {\n    \
                     pub a: ::std::option::Option<u8>,\n    \
                     pub b: Vec<Vec<u8>>\n\
                 }\n\
                 impl<'de> Thing {\n    \
                     fn f(&self, x: &str) -> u8 {\n        \
                         let y = x.len();\n        \
                         match y {\n            \
                             0 => 1,\n            \
                             _ => {\n                \
                                 2\n            \
                             }\n        \
                         }\n    \
                     }\n\
                 }\n"
            );
        }

        /// The tokens, without their spacing (which a printer may choose).
        fn flat(tokens: proc_macro2::TokenStream) -> Vec<String> {
            let mut out = Vec::new();
            for token in tokens {
                match token {
                    proc_macro2::TokenTree::Group(group) => {
                        out.push(format!("{:?}", group.delimiter()));
                        out.extend(flat(group.stream()));
                        out.push("end".to_owned());
                    }
                    // `r" x"` and `" x"` are the same doc text (`///` reads back as the latter).
                    proc_macro2::TokenTree::Literal(literal) => {
                        let text = literal.to_string();
                        match text.strip_prefix('r') {
                            Some(raw) if !raw.contains('\\') => out.push(raw.to_owned()),
                            _ => out.push(text),
                        }
                    }
                    other => out.push(other.to_string()),
                }
            }
            out
        }

        /// Every unit the emitter writes, from the hard cases of `tests/schemas/quirks.json`
        /// and the embedded schema, formats as a file of the same syntax as it was written
        /// (prettyplease prints both alike): with or without the `format` feature, the output
        /// is the same code.
        #[test]
        fn formatting_keeps_the_tokens_of_every_unit() {
            for text in crate::emit::test_units() {
                let formatted = super::super::format_items(text.clone()).unwrap();
                let file =
                    syn::parse_file(&formatted).unwrap_or_else(|err| panic!("{err}:\n{formatted}"));
                assert!(!file.items.is_empty());
                let written = syn::parse_file(&text).unwrap();
                assert_eq!(
                    prettyplease::unparse(&file),
                    prettyplease::unparse(&written)
                );
            }
        }

        #[test]
        fn the_printed_text_is_the_same_tokens() {
            let tokens = quote! {
                #[doc = "needs \"escapes\""]
                pub fn f<'a>(x: &'a str) -> ::std::result::Result<(), &'a str> {
                    if let Some(y) = x.strip_prefix("a") { return Err(y); } else { x.len(); }
                    let z = 1..=2; let w = a::<b>(|c| { c }); w?;
                    Ok(())
                }
            };
            let printed = print(tokens.clone());
            let reparsed: proc_macro2::TokenStream = printed.parse().unwrap();
            assert_eq!(flat(reparsed), flat(tokens), "{printed}");
        }
    }
}
