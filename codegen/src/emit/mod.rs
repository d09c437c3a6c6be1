//! Stage 4: source text for the model, one unit per item kind.
//!
//! Each item is its definition, with docs, and one call of a macro of `cdp_runtime::__private`
//! (`object!`, `string_enum!`, `newtype!`, `command!`, `events!`) that expands to its impls.
//!
//! The text is written laid out, a line per attribute, field, statement and macro entry, with
//! blocks indented, so that a build script can hand it to the compiler as it is; the `format`
//! feature then lays it out as rustfmt would (`crate::format`). Identifiers come from
//! [`naming`], which escapes keywords, and string literals from [`lit`]: the rest is fixed text.
//!
//! Inside a domain module, outside items are named through `__cdp` (`use ::cdp_runtime::__private
//! as __cdp`), except the standard names the prelude gives (`String`, `Vec`, `Option`, `Box`):
//! those are written bare unless the module defines a type of the same name, where they are
//! written `__cdp::String` (see [`Ctx::std`]). Derive macros live in the macro namespace, which
//! no protocol type shares, and are always bare. At the root, where an import would leak into
//! the including crate, paths are full. The crate that holds the bindings needs `cdp_runtime`
//! alone.

mod derives;
mod docs;
mod events;
mod items;
mod lints;
mod types;

use std::fmt::Write as _;

use crate::derives::Derives;
use crate::model::{Domain, Model, Ty, TypeId};
use crate::naming;

/// Emits the output one unit at a time (the version constant, each domain module, the root
/// `Event`), so that units can be formatted independently and in parallel.
pub struct Emitter<'a> {
    ctx: Ctx<'a>,
}

impl<'a> Emitter<'a> {
    /// Prepares emission for `model`, on which every pass has run.
    pub fn new(model: &'a Model) -> Self {
        let mut shadowed = Vec::new();
        for domain in &model.domains {
            shadowed_std_names(domain, &mut shadowed);
        }
        Emitter {
            ctx: Ctx {
                model,
                derives: &model.derives,
                shadowed,
            },
        }
    }

    /// The items before the domain modules: the protocol version.
    pub fn prelude(&self) -> String {
        let mut code = Code::default();
        if let Some(version) = &self.ctx.model.version {
            code.line("/// The protocol version of the schema these bindings were generated from.");
            code.line(&format!(
                "pub const PROTOCOL_VERSION: &str = {};",
                lit(version)
            ));
        }
        code.out
    }

    /// The module of one domain.
    pub fn domain(&self, domain: &Domain) -> String {
        let mut code = Code::default();
        self.ctx.domain_module(&mut code, domain);
        code.out
    }

    /// The root `Event` and its impls.
    pub fn root(&self) -> String {
        let mut code = Code::default();
        events::root_event(&mut code, &self.ctx);
        code.out
    }
}

/// Source text being written, a line at a time, blocks indented by four spaces.
#[derive(Default)]
pub(crate) struct Code {
    out: String,
    indent: usize,
    /// Whether the next line continues the last one (see [`Code::join`]).
    joining: bool,
}

impl Code {
    /// `text` on a line of its own.
    pub fn line(&mut self, text: &str) {
        if self.joining {
            self.joining = false;
        } else {
            for _ in 0..self.indent {
                self.out.push_str("    ");
            }
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Makes the next line continue the last one: `} new {` after the `}` of a block.
    pub fn join(&mut self) {
        if self.out.ends_with('\n') {
            self.out.pop();
            self.joining = true;
        }
    }

    /// `text`, which ends by opening a block: the lines after it are indented one more level.
    pub fn open(&mut self, text: &str) {
        self.line(text);
        self.indent += 1;
    }

    /// `text`, which starts by closing a block (and may open another: `} else {`).
    pub fn close(&mut self, text: &str) {
        self.indent -= 1;
        self.line(text);
    }

    /// `head {` .. `}tail` with the lines `body` writes in between, or `head {}tail` if it
    /// writes none.
    pub fn block(&mut self, head: &str, tail: &str, body: impl FnOnce(&mut Code)) {
        let (start, joining) = (self.out.len(), self.joining);
        self.open(&format!("{head} {{"));
        let inside = self.out.len();
        body(self);
        self.indent -= 1;
        if self.out.len() == inside {
            self.out.truncate(start);
            self.joining = joining;
            self.line(&format!("{head} {{}}{tail}"));
        } else {
            self.line(&format!("}}{tail}"));
        }
    }
}

/// `text` as a Rust string literal, escaped as `proc_macro2` writes one (so the output is the
/// same whichever writes it): `char::escape_debug`, except that `'` stays as it is.
pub(crate) fn lit(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\0' if chars
                .as_str()
                .starts_with(|next: char| ('0'..='7').contains(&next)) =>
            {
                out.push_str("\\x00");
            }
            '\0' => out.push_str("\\0"),
            '\'' => out.push(c),
            _ => {
                let _ = write!(out, "{}", c.escape_debug());
            }
        }
    }
    out.push('"');
    out
}

/// What every unit of emission needs.
pub(crate) struct Ctx<'a> {
    pub model: &'a Model,
    pub derives: &'a Derives,
    /// The standard names of [`STD_NAMES`] that a domain's module defines a type of, each as
    /// the domain and the name (few or none, so a list).
    pub shadowed: Vec<TypeId>,
}

/// The standard names [`Ctx::std`] writes, which a domain's module may define types of.
const STD_NAMES: [&str; 4] = ["String", "Vec", "Option", "Box"];

/// Adds to `shadowed` the names of [`STD_NAMES`] that `domain`'s module defines a type of,
/// among its types, params, returns and events (its `Event` is none of them).
fn shadowed_std_names(domain: &Domain, shadowed: &mut Vec<TypeId>) {
    let mut add = |name: String| {
        if STD_NAMES.contains(&name.as_str()) {
            shadowed.push(TypeId {
                domain: domain.name.clone(),
                name,
            });
        }
    };
    for ty in &domain.types {
        add(naming::type_name(&ty.id.name));
    }
    for command in &domain.commands {
        add(naming::params(&command.name));
        add(naming::returns(&command.name));
    }
    for event in &domain.events {
        add(naming::event(&event.name));
    }
}

impl Ctx<'_> {
    fn domain_module(&self, code: &mut Code, domain: &Domain) {
        let mut extra = vec![format!(
            "Protocol domain: {}.",
            docs::reference(&domain.name, &domain.name, None)
        )];
        if !domain.selected {
            extra.push(
                "Only what was selected, and the types it uses, is generated here.".to_owned(),
            );
        }
        docs::item_docs(code, &domain.meta, &extra);
        code.line(&lints::allow_attr(self.model, domain));
        code.open(&format!("pub mod {} {{", naming::module(&domain.name)));
        code.line("use ::cdp_runtime::__private as __cdp;");
        for ty in &domain.types {
            self.type_def(code, domain, ty);
        }
        for command in &domain.commands {
            self.command(code, domain, command);
        }
        for event in &domain.events {
            self.event(code, domain, event);
        }
        events::domain_event(code, domain);
        code.close("}");
    }

    /// The standard type `name` (`String`, `Vec`, `Option`, `Box`) as written inside the module
    /// of `domain`: bare, unless the module defines a type of that name.
    pub fn std(&self, domain: &str, name: &str) -> String {
        debug_assert!(STD_NAMES.contains(&name), "`{name}` is not in STD_NAMES");
        if self
            .shadowed
            .iter()
            .any(|id| id.domain == domain && id.name == name)
        {
            format!("__cdp::{name}")
        } else {
            name.to_owned()
        }
    }

    /// The Rust type of `ty`, as written inside the module of `domain`.
    pub fn rust_type(&self, domain: &str, ty: &Ty) -> String {
        match ty {
            Ty::String => self.std(domain, "String"),
            Ty::Integer => "i64".to_owned(),
            Ty::Number => "f64".to_owned(),
            Ty::Boolean => "bool".to_owned(),
            Ty::Any => "__cdp::serde_json::Value".to_owned(),
            Ty::Map => format!(
                "__cdp::serde_json::Map<{}, __cdp::serde_json::Value>",
                self.std(domain, "String")
            ),
            Ty::Binary => "__cdp::Binary".to_owned(),
            Ty::Array(item) => format!(
                "{}<{}>",
                self.std(domain, "Vec"),
                self.rust_type(domain, item)
            ),
            Ty::Named(id) => type_path(domain, id),
        }
    }
}

/// The path of a named type from inside the module of `domain`.
pub(crate) fn type_path(domain: &str, id: &TypeId) -> String {
    let name = naming::type_name(&id.name);
    if id.domain == domain {
        name
    } else {
        format!("super::{}::{name}", naming::module(&id.domain))
    }
}

/// Every unit written for the embedded schema and for the hard cases of
/// `tests/schemas/quirks.json`.
#[cfg(test)]
pub(crate) fn test_units() -> Vec<String> {
    let quirks = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/schemas/quirks.json");
    let mut quirks_config = crate::Config::new();
    quirks_config.protocol(quirks);
    let mut units = Vec::new();
    for config in [crate::Config::new(), quirks_config] {
        let model = config.model().unwrap();
        let emitter = Emitter::new(&model);
        units.extend([emitter.prelude(), emitter.root()]);
        units.extend(model.domains.iter().map(|domain| emitter.domain(domain)));
    }
    units
}

#[cfg(test)]
mod tests {
    use super::lit;

    #[test]
    fn literals_are_escaped_as_rust_reads_them() {
        assert_eq!(lit("plain"), "\"plain\"");
        assert_eq!(lit("a \"b\" \\c 'd'"), r#""a \"b\" \\c 'd'""#);
        assert_eq!(lit("tab\there\nline\r"), r#""tab\there\nline\r""#);
        assert_eq!(lit("\0x \u{0}7"), r#""\0x \x007""#);
        assert_eq!(lit("é \u{200b}"), "\"é \\u{200b}\"");
    }

    /// Every unit written for the hard cases of `tests/schemas/quirks.json` and the embedded
    /// schema parses as a file, and every block is indented one level in from its braces.
    #[test]
    fn every_unit_parses_and_is_indented_by_its_blocks() {
        for text in super::test_units() {
            syn::parse_file(&text).unwrap_or_else(|err| panic!("{err}:\n{text}"));
            let (mut depth, mut after_where) = (0usize, false);
            for line in text.lines() {
                let code = line.trim_start();
                if code.starts_with('}') {
                    depth -= 1;
                }
                // The bounds of a `where` clause are indented one level in from it.
                let expected = 4 * (depth + usize::from(after_where));
                assert_eq!(line.len() - code.len(), expected, "{line:?} in\n{text}");
                if code.ends_with('{') {
                    depth += 1;
                }
                after_where = code == "where";
            }
            assert_eq!(depth, 0);
        }
    }

    proptest::proptest! {
        /// Any text, written as a literal, reads back as the same text, and is written as
        /// `proc_macro2` writes it (the emitter's output with and without `format` agree).
        #[test]
        fn any_text_round_trips_through_a_literal(text in "\\PC*|[\\x00-\\x20'\"\\\\\u{300}\u{200b}\u{fffe}0-9]*") {
            let written = lit(&text);
            let read: syn::LitStr = syn::parse_str(&written)
                .map_err(|err| proptest::test_runner::TestCaseError::fail(format!("{written}: {err}")))?;
            proptest::prop_assert_eq!(read.value(), text.clone());
            #[cfg(feature = "format")]
            proptest::prop_assert_eq!(written, proc_macro2::Literal::string(&text).to_string());
        }
    }

    #[test]
    fn empty_blocks_stay_on_their_line() {
        let mut code = super::Code::default();
        code.block("struct A", "", |_| {});
        code.block("f!(B", "", |code| code.line("x,"));
        code.join();
        code.block(" new", ");", |_| {});
        code.block("mod c", "", |code| code.line("d"));
        assert_eq!(
            code.out,
            "struct A {}\nf!(B {\n    x,\n} new {});\nmod c {\n    d\n}\n"
        );
    }
}
