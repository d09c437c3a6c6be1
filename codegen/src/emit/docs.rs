//! Doc comments: schema descriptions made safe for rustdoc, plus the notes every item carries.
//!
//! Descriptions are written for the DevTools front end, not for rustdoc: they hold `[..]` that
//! rustdoc would take for links, bare URLs, HTML-like `<tags>`, indented lines that Markdown
//! would turn into doc tests, and backticks that do not always pair up. Each is neutralised here
//! so the generated crate documents without a warning.

use super::{lit, Code};
use crate::model::Meta;

/// The doc comment of an item: its description, its flags and any extra paragraphs (the
/// protocol name, for example); then `#[deprecated]` if the protocol deprecates it.
pub fn item_docs(code: &mut Code, meta: &Meta, extra: &[String]) {
    let mut paragraphs: Vec<String> = Vec::new();
    if let Some(description) = &meta.description {
        let cleaned = clean(description);
        if !cleaned.is_empty() {
            paragraphs.push(cleaned);
        }
    }
    if meta.deprecated {
        paragraphs.push("**Deprecated** in the protocol.".to_owned());
    }
    if meta.experimental {
        paragraphs
            .push("**Experimental:** may change or disappear in any Chromium release.".to_owned());
    }
    paragraphs.extend(extra.iter().cloned());
    doc_lines(code, &paragraphs.join("\n\n"));
    if meta.deprecated {
        code.line("#[deprecated]");
    }
}

/// Where the protocol reference documents every domain, type, command and event.
pub const REFERENCE: &str = "https://chromedevtools.github.io/devtools-protocol/tot/";

/// `name` in code, linked to its page in the protocol reference: the domain's page, or the
/// item's place on it (`anchor`: `type-FrameId`, `method-navigate`, `event-loadEventFired`).
pub fn reference(name: &str, domain: &str, anchor: Option<&str>) -> String {
    match anchor {
        Some(anchor) => format!("[`{name}`]({REFERENCE}{domain}/#{anchor})"),
        None => format!("[`{name}`]({REFERENCE}{domain}/)"),
    }
}

/// A `///` line for every line of `text`. A line holding a carriage return, which a doc
/// comment cannot, is written `#[doc = ".."]` instead (rustdoc reads both the same).
pub fn doc_lines(code: &mut Code, text: &str) {
    for line in text.lines() {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        if line.contains('\r') {
            code.line(&format!("#[doc = {}]", lit(&line)));
        } else {
            code.line(&format!("///{line}"));
        }
    }
}

/// Makes a schema description safe Markdown for rustdoc.
pub fn clean(description: &str) -> String {
    let text = description.replace("\r\n", "\n");
    // Backticks that do not pair up would swallow the rest of the text into code.
    let balanced = text.matches('`').count() % 2 == 0;
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_code = false;
    let mut in_fence = false;
    // The content indent of the list item the previous lines belong to, if any.
    let mut list_indent: Option<usize> = None;
    for (index, line) in text.lines().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        // Leading spaces would make an indented code block, which rustdoc runs as a test.
        let line = line.trim();
        if !in_fence && !in_code {
            if line.is_empty() {
                list_indent = None;
            } else if let Some(indent) = list_marker_width(line) {
                list_indent = Some(indent);
            } else if let Some(indent) = list_indent {
                // A line that continues a list item is indented to the item's text, so
                // Markdown keeps it inside the item.
                out.push_str(&" ".repeat(indent));
            }
        }
        if line.starts_with("```") {
            // A fenced block in a description is never Rust.
            out.push_str(if in_fence { "```" } else { "```text" });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push_str(line);
            continue;
        }
        let mut rest = line;
        while !rest.is_empty() {
            if !in_code && (rest.starts_with("https://") || rest.starts_with("http://")) {
                let end = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '`' | '"'))
                    .unwrap_or(rest.len());
                // A URL ends a sentence more often than it ends in a full stop.
                let url = rest[..end].trim_end_matches(['.', ',', ';', ')', ':']);
                out.push('<');
                out.push_str(url);
                out.push('>');
                rest = &rest[url.len()..];
                continue;
            }
            let mut chars = rest.chars();
            let c = chars.next().unwrap_or_default();
            match c {
                '`' if balanced => {
                    in_code = !in_code;
                    out.push(c);
                }
                '`' => out.push_str("\\`"),
                '[' | ']' | '<' | '>' | '|' | '\\' if !in_code => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
            rest = chars.as_str();
        }
    }
    out.trim().to_owned()
}

/// The width of a Markdown list marker that starts `line` (`- `, `* `, `1. `), if any.
fn list_marker_width(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
}

#[cfg(test)]
mod tests {
    use super::{clean, doc_lines};
    use crate::emit::Code;

    #[test]
    fn doc_lines_are_comments_unless_a_carriage_return_needs_an_attribute() {
        let mut code = Code::default();
        doc_lines(
            &mut code,
            "First line.\n\nA \"quote\" and a \\[x\\].\nBare\rreturn.",
        );
        let text = code.out;
        assert_eq!(
            text,
            "/// First line.\n///\n/// A \"quote\" and a \\[x\\].\n#[doc = \" Bare\\rreturn.\"]\n"
        );
        let item: syn::ItemStruct = syn::parse_str(&format!("{text}struct S;")).unwrap();
        let docs: Vec<String> = item
            .attrs
            .iter()
            .map(|attr| match &attr.meta {
                syn::Meta::NameValue(doc) => match &doc.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) => text.value(),
                    _ => panic!("a doc attribute holds a string"),
                },
                _ => panic!("every attribute is a doc attribute"),
            })
            .collect();
        assert_eq!(
            docs,
            [
                " First line.",
                "",
                " A \"quote\" and a \\[x\\].",
                " Bare\rreturn."
            ]
        );
    }

    #[test]
    fn brackets_and_html_outside_code_are_escaped() {
        assert_eq!(
            clean("See [Exposed] and <iframe>."),
            "See \\[Exposed\\] and \\<iframe\\>."
        );
        assert_eq!(clean("`a[0] <b>`"), "`a[0] <b>`");
    }

    #[test]
    fn bare_urls_are_wrapped_without_their_full_stop() {
        assert_eq!(
            clean("Read https://example.com/a_b. Then go."),
            "Read <https://example.com/a_b>. Then go."
        );
    }

    #[test]
    fn indentation_and_fences_cannot_become_doc_tests() {
        assert_eq!(clean("Example:\n    let x = 1;"), "Example:\nlet x = 1;");
        assert_eq!(clean("```\n  code\n```"), "```text\ncode\n```");
    }

    #[test]
    fn unpaired_backticks_are_escaped() {
        assert_eq!(clean("a ` b"), "a \\` b");
    }

    #[test]
    fn lines_that_continue_a_list_item_are_indented_into_it() {
        assert_eq!(
            clean("Maps to:\n1. First\nmore on first\n\n- second\n  its tail\nAfter"),
            "Maps to:\n1. First\n   more on first\n\n- second\n  its tail\n  After"
        );
    }

    #[test]
    fn pipes_are_escaped() {
        assert_eq!(clean("|x| is the size"), "\\|x\\| is the size");
    }
}
