//! The event enums: one per domain, and the root `Event` that decodes any event by method.

use super::{lit, Code, Ctx};
use crate::model::Domain;
use crate::naming;

/// `Event` inside a domain module, one variant per event of the domain, through one `events!`
/// call that also implements `Event`, `From` and `EventOf` for each event struct.
pub fn domain_event(code: &mut Code, domain: &Domain) {
    if domain.events.is_empty() {
        return;
    }
    let head = format!(
        "__cdp::events!({} {}",
        naming::domain_variant(&domain.name),
        lit(&format!("{}.", domain.name))
    );
    code.block(&head, ");", |code| {
        for event in &domain.events {
            // Large events are boxed, so that the enum stays small (see `crate::layout`).
            let held = if event.boxed { "boxed" } else { "inline" };
            code.line(&format!(
                "{}({held} {}) {},",
                naming::event_variant(&event.name),
                naming::event(&event.name),
                lit(&format!("{}.{}", domain.name, event.name))
            ));
        }
    });
}

/// The root `Event`: a variant per domain with events, plus `Unknown` for any other method.
///
/// Decoding matches the domain first and the event name second, so the cost of finding an
/// event grows with the size of its domain, not with the size of the protocol.
pub fn root_event(code: &mut Code, ctx: &Ctx<'_>) {
    // Each domain with events, as its name, its variant and its module.
    let domains: Vec<(&Domain, String, String)> = ctx
        .model
        .domains
        .iter()
        .filter(|domain| !domain.events.is_empty())
        .map(|domain| {
            let variant = naming::domain_variant(&domain.name);
            (domain, variant, naming::module(&domain.name))
        })
        .collect();
    for line in [
        "/// Every event of the protocol, decoded by its method.",
        "///",
        "/// An event whose method these bindings do not know becomes [`Event::Unknown`] with its",
        "/// params kept as they arrived, so no message is lost.",
        "#[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]",
        "#[non_exhaustive]",
        "#[allow(deprecated, clippy::large_enum_variant)]",
    ] {
        code.line(line);
    }
    code.open("pub enum Event {");
    for (domain, variant, module) in &domains {
        code.line(&format!("/// An event of the `{}` domain.", domain.name));
        code.line(&format!("{variant}({module}::Event),"));
    }
    code.line("/// An event these bindings do not know.");
    code.line("Unknown(::cdp_runtime::UnknownEvent),");
    code.close("}");
    const DECODE: &str = "(text: &str) -> ::std::result::Result<::cdp_runtime::Message<Self>, \
                          ::cdp_runtime::DecodeError> {";
    code.line("#[allow(deprecated)]");
    code.open("impl Event {");
    for line in [
        "/// Decodes one message from the browser into a response or an [`Event`].",
        "///",
        "/// The same as [`cdp_runtime::decode_message`] for this set, compiled once here so",
        "/// that crates using the bindings do not instantiate the decoder again.",
    ] {
        code.line(line);
    }
    code.open(&format!("pub fn decode_message{DECODE}"));
    code.line("::cdp_runtime::decode_message(text)");
    code.close("}");
    code.close("}");
    code.line("#[allow(deprecated)]");
    code.open("impl ::cdp_runtime::EventSet for Event {");
    code.open(
        "fn decode_event(method: &str, params: &mut ::cdp_runtime::__private::Reader<'_>) -> \
         ::cdp_runtime::__private::Read<Self> {",
    );
    const UNKNOWN: &str = "::cdp_runtime::__private::unknown_event(method, params)";
    if domains.is_empty() {
        code.line(UNKNOWN);
    } else {
        code.line("let (domain, name) = method.split_once('.').unwrap_or((method, \"\"));");
        code.open("match domain {");
        for (domain, variant, module) in &domains {
            code.open(&format!("{} => match name {{", lit(&domain.name)));
            for event in &domain.events {
                let held = if event.boxed {
                    "::std::boxed::Box::new(event)"
                } else {
                    "event"
                };
                code.line(&format!(
                    "{} => <{module}::{} as ::cdp_runtime::__private::Decode>::\
                     decode(params).map(|event| Self::{variant}({module}::Event::{}({held}))),",
                    lit(&event.name),
                    naming::event(&event.name),
                    naming::event_variant(&event.name),
                ));
            }
            code.line(&format!("_ => {UNKNOWN},"));
            code.close("},");
        }
        code.line(&format!("_ => {UNKNOWN},"));
        code.close("}");
    }
    code.close("}");
    code.open("fn method(&self) -> &str {");
    code.open("match self {");
    for (_, variant, _) in &domains {
        code.line(&format!("Self::{variant}(event) => event.method(),"));
    }
    code.line("Self::Unknown(event) => &event.method,");
    code.close("}");
    code.close("}");
    code.open(&format!("fn decode_message{DECODE}"));
    code.line("::cdp_runtime::decode_message(text)");
    code.close("}");
    code.close("}");
    code.open("impl ::std::convert::From<::cdp_runtime::UnknownEvent> for Event {");
    code.open("fn from(event: ::cdp_runtime::UnknownEvent) -> Self {");
    code.line("Self::Unknown(event)");
    code.close("}");
    code.close("}");
}
