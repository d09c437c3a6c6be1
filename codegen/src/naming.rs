//! Every identifier decision, in one place, and the pass that checks them ([`check`]).
//!
//! Case conversion is heck's, which keeps acronyms together (`DOMDebugger` -> `dom_debugger`,
//! `baseURL` -> `base_url`, `RegistrationID` -> `RegistrationId`). Keywords of every edition are
//! escaped here and nowhere else: as `r#kw` where Rust allows a raw identifier, as `kw_` where it
//! does not (`self`, `Self`, `super`, `crate`).

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::diagnostics::Diagnostics;
use crate::model::{Field, Model, TypeKind};

/// Strict and reserved keywords of every edition up to 2024.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// The name of the fallback variant that keeps enum values the schema does not know.
pub const FALLBACK_VARIANT: &str = "Unknown";

/// A Rust identifier for `name`, as it appears in source: escaped if it is a keyword, as `r#kw`
/// or, where Rust has no raw form, `kw_`.
pub fn ident(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// Module name of a domain: `DOMDebugger` -> `dom_debugger`.
pub fn module(domain: &str) -> String {
    legal_start(domain.to_snake_case(), "m")
}

/// Type name of a schema id: `RegistrationID` -> `RegistrationId`.
pub fn type_name(id: &str) -> String {
    legal_start(id.to_upper_camel_case(), "T")
}

/// Field name: `baseURL` -> `base_url`.
pub fn field(name: &str) -> String {
    legal_start(name.to_snake_case(), "f")
}

/// Enum variant of a string value: `no-referrer` -> `NoReferrer`, `DOM` -> `Dom`.
pub fn variant(value: &str) -> String {
    let name = value.to_upper_camel_case();
    if name.is_empty() {
        // Values made only of punctuation still need a name; spell out their bytes.
        let spelled: String = value.bytes().map(|b| format!("X{b:02X}")).collect();
        return spelled;
    }
    legal_start(name, "V")
}

/// Params struct of a command: `startObserving` -> `StartObservingParams`.
pub fn params(command: &str) -> String {
    format!("{}Params", type_name(command))
}

/// Returns struct of a command: `startObserving` -> `StartObservingReturns`.
pub fn returns(command: &str) -> String {
    format!("{}Returns", type_name(command))
}

/// Event struct: `recordingStateChanged` -> `RecordingStateChangedEvent`.
pub fn event(event: &str) -> String {
    format!("{}Event", type_name(event))
}

/// Variant of an event in its domain's `Event` enum: `recordingStateChanged` ->
/// `RecordingStateChanged`.
pub fn event_variant(event: &str) -> String {
    type_name(event)
}

/// Variant of a domain in the root `Event` enum: `BackgroundService` -> `BackgroundService`.
pub fn domain_variant(domain: &str) -> String {
    type_name(domain)
}

/// Identifiers must not start with a digit: `3d` -> `V3d` (with the prefix for its kind).
fn legal_start(name: String, prefix: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{name}")
    } else {
        name
    }
}

/// Reports every pair of schema names that would become the same Rust name, and every name
/// that gives no usable Rust identifier.
pub fn check(model: &Model) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    let mut modules = Names::default();
    // The root `Event` has a variant per domain with events, beside its own `Unknown`.
    let mut root_variants = Names::default();
    root_variants.reserve("Unknown", "the root `Event`'s variant for unknown events");
    for domain in &model.domains {
        let name = &domain.name;
        modules.add(module(name), name, name, "domain", &mut diagnostics);
        if !domain.events.is_empty() {
            root_variants.add(domain_variant(name), name, name, "domain", &mut diagnostics);
        }
        let mut items = Names::default();
        if !domain.events.is_empty() {
            items.reserve("Event", "the domain's `Event` enum");
        }
        for ty in &domain.types {
            let place = ty.id.to_string();
            let id = &ty.id.name;
            items.add(type_name(id), id, &place, "type", &mut diagnostics);
            match &ty.kind {
                TypeKind::Object(fields) => check_fields(&place, fields, true, &mut diagnostics),
                TypeKind::Enum(values) => {
                    let mut variants = Names::default();
                    for value in values {
                        variants.add(
                            variant(value),
                            value,
                            &format!("{place}.{value}"),
                            "enum value",
                            &mut diagnostics,
                        );
                    }
                }
                TypeKind::Alias { .. } => {}
            }
        }
        for command in &domain.commands {
            let place = format!("{name}.{}", command.name);
            let schema_name = &command.name;
            items.add(
                params(schema_name),
                schema_name,
                &place,
                "command",
                &mut diagnostics,
            );
            items.add(
                returns(schema_name),
                schema_name,
                &place,
                "command",
                &mut diagnostics,
            );
            check_fields(
                &format!("{place}.parameters"),
                &command.params,
                true,
                &mut diagnostics,
            );
            check_fields(
                &format!("{place}.returns"),
                &command.returns,
                false,
                &mut diagnostics,
            );
        }
        for item in &domain.events {
            let place = format!("{name}.{}", item.name);
            items.add(
                event(&item.name),
                &item.name,
                &place,
                "event",
                &mut diagnostics,
            );
            check_fields(
                &format!("{place}.parameters"),
                &item.params,
                false,
                &mut diagnostics,
            );
        }
    }
    diagnostics
}

fn check_fields(place: &str, fields: &[Field], builder: bool, diagnostics: &mut Diagnostics) {
    let mut names = Names::default();
    if builder {
        names.reserve("new", "the constructor");
    }
    for member in fields {
        let rust = field(&member.name);
        // A required field is no method, so it cannot clash with `new`.
        if builder && !member.optional && rust == "new" {
            continue;
        }
        names.add(
            rust,
            &member.name,
            &format!("{place}.{}", member.name),
            "field",
            diagnostics,
        );
    }
}

/// Rust names taken so far in one namespace, with what took each, sorted by name (a `Vec`
/// searched by name rather than one more map type).
#[derive(Default)]
struct Names(Vec<(String, Taker)>);

enum Taker {
    /// The schema place of a name.
    Schema(String),
    /// Something the generator writes itself, described.
    Generator(&'static str),
}

impl Names {
    /// Where `rust` is, or would go.
    fn find(&self, rust: &str) -> Result<usize, usize> {
        self.0
            .binary_search_by(|(taken, _)| taken.as_str().cmp(rust))
    }

    /// Takes `rust` for something the generator writes itself.
    fn reserve(&mut self, rust: &str, what: &'static str) {
        let taker = Taker::Generator(what);
        match self.find(rust) {
            Ok(at) => self.0[at].1 = taker,
            Err(at) => self.0.insert(at, (rust.to_owned(), taker)),
        }
    }

    /// Takes `rust`, the Rust name of the schema name `name` (a `what`) at `place`, or
    /// reports why it cannot.
    fn add(
        &mut self,
        rust: String,
        name: &str,
        place: &str,
        what: &str,
        diagnostics: &mut Diagnostics,
    ) {
        if name.is_empty() {
            return; // The model reports the empty name.
        }
        if let Some(problem) = not_an_identifier(&rust, what) {
            diagnostics.push(place, format!("this {what} becomes `{rust}`, {problem}"));
            return;
        }
        let at = match self.find(&rust) {
            Ok(at) => at,
            Err(at) => {
                self.0.insert(at, (rust, Taker::Schema(place.to_owned())));
                return;
            }
        };
        match &self.0[at].1 {
            // The same schema name twice: the model reports it as defined twice.
            Taker::Schema(first) if first == place => {}
            Taker::Schema(first) => diagnostics.push(
                place,
                format!(
                    "this {what} becomes the Rust name `{rust}`, which `{first}` already has; \
                     rename one of them"
                ),
            ),
            Taker::Generator(generated) => diagnostics.push(
                place,
                format!(
                    "this {what} becomes the Rust name `{rust}`, which {generated} has; rename it"
                ),
            ),
        }
    }
}

/// Why `rust`, the name of a `what`, cannot be written as an identifier, if it cannot. Fields
/// and enum values go through [`ident`], which escapes keywords; the others are written as
/// they are.
fn not_an_identifier(rust: &str, what: &str) -> Option<&'static str> {
    let mut chars = rust.chars();
    let Some(first) = chars.next() else {
        return Some("an empty name; use a name with letters in it");
    };
    if !rust.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Some("which is not a Rust identifier; expected only ASCII letters, digits and `_`");
    }
    if !(first.is_ascii_alphabetic() || first == '_') || rust == "_" {
        return Some("which is not a Rust identifier; use a name that starts with a letter");
    }
    let escaped = matches!(what, "field" | "enum value");
    if !escaped && KEYWORDS.contains(&rust) {
        return Some("a Rust keyword; rename it");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_become_acronym_aware_snake_case_modules() {
        for (domain, expected) in [
            ("BackgroundService", "background_service"),
            ("DOMDebugger", "dom_debugger"),
            ("IO", "io"),
            ("IndexedDB", "indexed_db"),
            ("CSS", "css"),
            ("PWA", "pwa"),
            ("DOMStorage", "dom_storage"),
            ("WebAuthn", "web_authn"),
        ] {
            assert_eq!(module(domain), expected, "{domain}");
        }
    }

    #[test]
    fn ids_become_upper_camel_case() {
        assert_eq!(type_name("RegistrationID"), "RegistrationId");
        assert_eq!(type_name("IPAddress"), "IpAddress");
        assert_eq!(type_name("Animation"), "Animation");
        assert_eq!(type_name("TimeSinceEpoch"), "TimeSinceEpoch");
    }

    #[test]
    fn fields_become_snake_case() {
        assert_eq!(field("baseURL"), "base_url");
        assert_eq!(
            field("serviceWorkerRegistrationId"),
            "service_worker_registration_id"
        );
        assert_eq!(field("IPAddress"), "ip_address");
    }

    #[test]
    fn every_keyword_is_escaped_and_parses_as_an_identifier() {
        for keyword in KEYWORDS {
            let text = ident(keyword);
            assert_ne!(text, *keyword, "{keyword} must be escaped");
            let parsed: syn::Ident = syn::parse_str(&text)
                .unwrap_or_else(|err| panic!("{text} is not an identifier: {err}"));
            assert_eq!(parsed.to_string(), text);
        }
        assert_eq!(ident("type"), "r#type");
        assert_eq!(ident("override"), "r#override");
        assert_eq!(ident("self"), "self_");
        assert_eq!(ident("Self"), "Self_");
        assert_eq!(ident("crate"), "crate_");
        assert_eq!(ident("super"), "super_");
    }

    #[test]
    fn enum_values_become_variants() {
        assert_eq!(variant("backgroundFetch"), "BackgroundFetch");
        assert_eq!(
            variant("no-referrer-when-downgrade"),
            "NoReferrerWhenDowngrade"
        );
        assert_eq!(variant("DOM"), "Dom");
        assert_eq!(ident(&variant("Self")), "Self_");
        assert_eq!(ident(&variant("continue")), "Continue");
        assert_eq!(variant("3d"), "V3d");
        assert_eq!(variant("-"), "X2D");
    }

    #[test]
    fn an_object_may_have_more_than_64_fields() {
        // The runtime once kept which fields it had read in a `u64`, and the generator refused
        // wider objects; it keeps a bit per field now, on the heap past 128, and takes any
        // number.
        let schema = |fields: usize| {
            let properties: Vec<String> = (0..fields)
                .map(|at| format!(r#"{{"name": "f{at}", "type": "string"}}"#))
                .collect();
            format!(
                r#"{{"version": {{"major": "1", "minor": "3"}}, "domains": [{{"domain": "Wide",
                "types": [{{"id": "Row", "type": "object", "properties": [{}]}}]}}]}}"#,
                properties.join(",")
            )
        };
        let code = crate::Config::new()
            .protocol_text("wide.json", schema(100))
            .generate_string()
            .unwrap();
        assert!(code.contains("pub f99: String,"), "{code}");
        assert!(code.contains(r#"req 99 f99 "f99","#), "{code}");
    }
}
