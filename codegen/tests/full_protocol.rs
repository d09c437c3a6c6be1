//! The whole protocol of the pinned devtools-protocol version: counts, domain selection, and
//! leaving out experimental or deprecated items without leaving a path dangling.

use std::collections::BTreeSet;
use std::path::PathBuf;

use cdp_codegen::model::{Field, Model, Ty, TypeId};
use cdp_codegen::Config;

/// The full protocol cdp-schemas ships (always there: no fetch, no skip).
fn full() -> Config {
    let mut config = Config::new();
    config.full_protocol();
    config
}

fn fields(model: &Model) -> impl Iterator<Item = (String, &Field)> {
    model.domains.iter().flat_map(|domain| {
        let types = domain.types.iter().flat_map(move |ty| match &ty.kind {
            cdp_codegen::model::TypeKind::Object(fields) => fields
                .iter()
                .map(|f| (ty.id.to_string(), f))
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        });
        let commands = domain.commands.iter().flat_map(move |command| {
            command
                .params
                .iter()
                .chain(&command.returns)
                .map(move |f| (format!("{}.{}", domain.name, command.name), f))
        });
        let events = domain.events.iter().flat_map(move |event| {
            event
                .params
                .iter()
                .map(move |f| (format!("{}.{}", domain.name, event.name), f))
        });
        types.chain(commands).chain(events)
    })
}

/// Every named type a field or alias mentions exists in the model: nothing dangles.
fn assert_closed(model: &Model) {
    let ids: BTreeSet<&TypeId> = model
        .domains
        .iter()
        .flat_map(|domain| &domain.types)
        .map(|ty| &ty.id)
        .collect();
    let check = |owner: &str, ty: &Ty| {
        ty.named(&mut |id| assert!(ids.contains(id), "{owner} refers to missing {id}"));
    };
    for (owner, field) in fields(model) {
        check(&owner, &field.ty);
    }
    for ty in model.domains.iter().flat_map(|domain| &domain.types) {
        if let cdp_codegen::model::TypeKind::Alias { ty: alias, .. } = &ty.kind {
            check(&ty.id.to_string(), alias);
        }
    }
}

#[test]
fn the_full_protocol_has_every_domain_command_and_event() {
    let config = full();
    let model = config.model().unwrap();
    let commands: usize = model.domains.iter().map(|d| d.commands.len()).sum();
    let events: usize = model.domains.iter().map(|d| d.events.len()).sum();
    let declared: usize = model
        .domains
        .iter()
        .flat_map(|d| &d.types)
        .filter(|ty| ty.lifted_from.is_none())
        .count();
    assert_eq!(
        (model.domains.len(), declared, commands, events),
        (59, 611, 677, 232)
    );
    assert_closed(&model);
}

#[test]
fn background_service_alone_pulls_in_exactly_the_two_types_it_uses() {
    let mut config = full();
    let model = config.domain("BackgroundService").model().unwrap();
    let summary: Vec<(String, bool, Vec<String>, usize, usize)> = model
        .domains
        .iter()
        .map(|d| {
            (
                d.name.clone(),
                d.selected,
                d.types.iter().map(|ty| ty.id.name.clone()).collect(),
                d.commands.len(),
                d.events.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "BackgroundService".into(),
                true,
                vec![
                    "ServiceName".into(),
                    "EventMetadata".into(),
                    "BackgroundServiceEvent".into()
                ],
                4,
                2
            ),
            ("Network".into(), false, vec!["TimeSinceEpoch".into()], 0, 0),
            (
                "ServiceWorker".into(),
                false,
                vec!["RegistrationID".into()],
                0,
                0
            ),
        ]
    );
    let code = config.generate_string().unwrap();
    assert!(code.contains("pub mod network {"));
    assert!(code.contains("pub struct TimeSinceEpoch(pub f64);"));
    assert!(code.contains("pub struct RegistrationId(pub String);"));
    assert!(
        !code.contains("pub mod page"),
        "no unselected domain beyond the closure"
    );
    assert_eq!(code.matches("__cdp::command!(").count(), 4);
    assert_eq!(
        code.matches(") \"BackgroundService.").count(),
        2,
        "two events"
    );
}

#[test]
fn a_selection_keeps_only_what_it_reaches_and_nothing_dangles() {
    let mut config = full();
    let model = config.domain("Page").domain("Runtime").model().unwrap();
    for domain in &model.domains {
        let selected = domain.name == "Page" || domain.name == "Runtime";
        assert_eq!(domain.selected, selected, "{}", domain.name);
        if !selected {
            assert!(
                domain.commands.is_empty() && domain.events.is_empty(),
                "{}",
                domain.name
            );
            assert!(
                !domain.types.is_empty(),
                "{} is listed only for its types",
                domain.name
            );
        }
    }
    assert!(
        model
            .type_def(&TypeId {
                domain: "DOM".into(),
                name: "Rect".into()
            })
            .is_some()
            || model.domains.iter().any(|d| d.name == "Network")
    );
    assert!(model.domains.len() < 59);
    assert_closed(&model);
}

#[test]
fn without_experimental_items_the_eleven_stable_uses_of_experimental_types_still_resolve() {
    let mut config = full();
    let model = config.experimental(false).model().unwrap();
    assert_closed(&model);
    for domain in &model.domains {
        for command in &domain.commands {
            assert!(
                !command.meta.experimental,
                "{}.{}",
                domain.name, command.name
            );
        }
        for event in &domain.events {
            assert!(!event.meta.experimental, "{}.{}", domain.name, event.name);
        }
    }
    // The stable fields of the pinned version whose type is experimental: each keeps its type.
    for (owner, field, ty) in [
        (
            "Browser.resetPermissions",
            "browserContextId",
            "Browser.BrowserContextID",
        ),
        (
            "Page.frameScheduledNavigation",
            "reason",
            "Page.ClientNavigationReason",
        ),
        (
            "Target.createBrowserContext",
            "browserContextId",
            "Browser.BrowserContextID",
        ),
        (
            "Target.getBrowserContexts",
            "browserContextIds",
            "Browser.BrowserContextID",
        ),
        ("Target.createTarget", "windowState", "Target.WindowState"),
        (
            "Target.disposeBrowserContext",
            "browserContextId",
            "Browser.BrowserContextID",
        ),
        ("Tracing.start", "streamFormat", "Tracing.StreamFormat"),
        (
            "Tracing.tracingComplete",
            "traceFormat",
            "Tracing.StreamFormat",
        ),
        (
            "Tracing.tracingComplete",
            "streamCompression",
            "Tracing.StreamCompression",
        ),
        (
            "Debugger.restartFrame",
            "asyncStackTraceId",
            "Runtime.StackTraceId",
        ),
        (
            "Debugger.setScriptSource",
            "asyncStackTraceId",
            "Runtime.StackTraceId",
        ),
    ] {
        let (domain, name) = ty.split_once('.').unwrap();
        let id = TypeId {
            domain: domain.into(),
            name: name.into(),
        };
        let kept = model
            .type_def(&id)
            .unwrap_or_else(|| panic!("{ty} used by {owner} is gone"));
        assert!(kept.meta.experimental, "{ty} is experimental");
        let mut found = false;
        for (place, f) in fields(&model) {
            if place == owner && f.name == field {
                f.ty.named(&mut |named| found |= *named == id);
            }
        }
        assert!(found, "{owner}.{field} is kept with type {ty}");
    }
    let code = config.generate_string().unwrap();
    assert!(
        code.contains("pub enum StreamFormat"),
        "an experimental type used by a stable field is kept"
    );
    assert!(
        !code.contains("pub mod background_service"),
        "an experimental domain is left out"
    );
}

#[test]
fn without_deprecated_items_none_is_generated_and_nothing_dangles() {
    let mut config = full();
    let model = config.deprecated(false).model().unwrap();
    assert_closed(&model);
    for domain in &model.domains {
        assert!(
            domain.commands.iter().all(|c| !c.meta.deprecated),
            "{}",
            domain.name
        );
        assert!(
            domain.events.iter().all(|e| !e.meta.deprecated),
            "{}",
            domain.name
        );
    }
    for (owner, field) in fields(&model) {
        assert!(
            !(field.optional && field.meta.deprecated),
            "{owner}.{}",
            field.name
        );
    }
}

/// The per-domain features of cdp-bindings are generated from the shipped protocol and written
/// between two marker lines in `generated/Cargo.toml` by `cdp-codegen update`; this keeps
/// them in sync.
#[test]
fn the_bindings_crate_has_one_feature_per_domain() {
    let config = full();
    let model = config.model().unwrap();
    let table = cdp_codegen::features::feature_table(&model);
    assert_eq!(table.lines().count(), model.domains.len());
    assert!(table.contains("\nbackground_service = []\n"), "{table}");
    assert!(table.contains("\ndom_debugger = []\n"), "{table}");

    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../generated/Cargo.toml");
    let manifest = std::fs::read_to_string(&path).unwrap();
    let updated = cdp_codegen::features::splice_table(&manifest, &table).unwrap();
    assert!(
        manifest == updated,
        "generated/Cargo.toml's domain features are stale: run \
         `cargo run -p cdp-codegen-cli -- update $(cat protocol/PINNED)`"
    );
}

#[test]
fn splicing_the_feature_table_needs_both_markers() {
    use cdp_codegen::features::{splice_table, BEGIN_MARKER, END_MARKER};
    let manifest = format!("[features]\n{BEGIN_MARKER}old = []\n{END_MARKER}[deps]\n");
    assert_eq!(
        splice_table(&manifest, "new = []\n").unwrap(),
        format!("[features]\n{BEGIN_MARKER}new = []\n{END_MARKER}[deps]\n")
    );
    assert_eq!(
        splice_table("[features]\n", "").unwrap_err(),
        "no line `# BEGIN domain features (generated by cdp-codegen update)`"
    );
    assert_eq!(
        splice_table(&format!("{BEGIN_MARKER}x = []\n"), "").unwrap_err(),
        "no line `# END domain features` after the begin marker"
    );
}

#[test]
fn only_the_large_events_are_boxed_so_the_root_event_stays_small() {
    let config = full();
    let model = config.model().unwrap();
    let sizes = cdp_codegen::layout::Sizes::new(&model);
    let limit = cdp_codegen::layout::BOX_EVENTS_OVER;
    let mut boxed = Vec::new();
    let mut largest_inline = 0;
    for domain in &model.domains {
        for event in &domain.events {
            let size = sizes.fields(&event.params);
            assert_eq!(event.boxed, size > limit, "{}.{}", domain.name, event.name);
            if event.boxed {
                boxed.push(format!("{}.{}", domain.name, event.name));
            } else {
                largest_inline = largest_inline.max(size);
            }
        }
    }
    // The largest of the common events, and the one that made the root `Event` 3 KB.
    for name in [
        "Audits.issueAdded",
        "Network.requestWillBeSent",
        "Network.responseReceived",
        "Runtime.exceptionThrown",
        "Debugger.scriptParsed",
    ] {
        assert!(boxed.iter().any(|b| b == name), "{name} is not boxed");
    }
    // A few, not most: small events decode without an extra allocation.
    assert!(
        (20..=40).contains(&boxed.len()),
        "{} boxed: {boxed:?}",
        boxed.len()
    );
    assert!(
        largest_inline > limit - 32 && largest_inline <= limit,
        "{largest_inline}"
    );
    let bs = model
        .domains
        .iter()
        .find(|domain| domain.name == "BackgroundService")
        .expect("BackgroundService");
    assert!(bs.events.iter().all(|event| !event.boxed));
}

/// Every module, type, params, returns and event struct of the full protocol links to its page
/// in the protocol reference: the shipped facts have no descriptions, so the link is what a
/// reader follows.
#[test]
fn every_generated_item_links_to_the_protocol_reference() {
    const REFERENCE: &str = "https://chromedevtools.github.io/devtools-protocol/tot/";
    let code = full().generate_string().unwrap();
    let lines: Vec<&str> = code.lines().collect();
    let mut items = 0;
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let Some(rest) = ["pub struct ", "pub enum ", "pub mod "]
            .iter()
            .find_map(|prefix| trimmed.strip_prefix(prefix))
        else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // The root `Event` and the per-domain `Event` enums are ours, not the protocol's.
        if name == "Event" {
            continue;
        }
        items += 1;
        let docs: Vec<&str> = lines[..index]
            .iter()
            .rev()
            // Back to the end of the item before: docs and attributes (some span lines).
            .take_while(|line| !line.trim_end().ends_with(['{', '}', ';']))
            .copied()
            .collect();
        let linked = docs.iter().any(|line| line.contains(REFERENCE));
        assert!(
            linked,
            "`{name}` has no link to the protocol reference: {docs:?}"
        );
    }
    assert!(items > 2000, "only {items} items");
    for anchor in [
        "[`Page.navigate`](https://chromedevtools.github.io/devtools-protocol/tot/Page/#method-navigate)",
        "[`Page.FrameId`](https://chromedevtools.github.io/devtools-protocol/tot/Page/#type-FrameId)",
        "[`Page.loadEventFired`](https://chromedevtools.github.io/devtools-protocol/tot/Page/#event-loadEventFired)",
        "Protocol domain: [`Page`](https://chromedevtools.github.io/devtools-protocol/tot/Page/).",
    ] {
        assert!(code.contains(anchor), "no {anchor}");
    }
}

#[test]
fn domain_names_list_what_the_schemas_define_without_building_a_model() {
    let names = full().domain_names().unwrap();
    assert_eq!(names.len(), full().model().unwrap().domains.len());
    assert!(names.iter().any(|name| name == "Page"), "{names:?}");
    let embedded = Config::new().domain_names().unwrap();
    assert!(
        embedded.contains(&"BackgroundService".to_owned()),
        "{embedded:?}"
    );
    let err = Config::new()
        .protocol_text("bad.json", "{")
        .domain_names()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("bad.json:1:1: EOF while parsing an object"),
        "{err}"
    );
}
