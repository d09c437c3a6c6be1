//! Selection finer than domains: `Config::command` and `Config::event` keep the items named
//! and the types they use, alone or beside whole domains; a name the protocol lacks is a
//! diagnostic with a suggestion.

use cdp_codegen::Config;

fn full() -> Config {
    let mut config = Config::new();
    config.full_protocol();
    config
}

fn items(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let rest = line
                .strip_prefix("pub struct ")
                .or_else(|| line.strip_prefix("pub enum "))
                .or_else(|| line.strip_prefix("pub mod "))?;
            Some(
                rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_command_and_an_event_bring_only_the_types_they_use() {
    let code = full()
        .command("Page.navigate")
        .event("Page.loadEventFired")
        .generate_string()
        .unwrap();
    let items = items(&code);
    for wanted in [
        "network",
        "LoaderId",
        "MonotonicTime",
        "page",
        "FrameId",
        "NavigateParams",
        "NavigateReturns",
        "LoadEventFiredEvent",
        "Event",
    ] {
        assert!(
            items.iter().any(|item| item == wanted),
            "{wanted} missing: {items:?}"
        );
    }
    for unwanted in [
        "runtime",
        "target",
        "browser",
        "EnableParams",
        "CaptureScreenshotParams",
        "LifecycleEventEvent",
    ] {
        assert!(
            !items.iter().any(|item| item == unwanted),
            "{unwanted} kept: {items:?}"
        );
    }
}

#[test]
fn picked_items_combine_with_whole_domains() {
    let code = full()
        .domain("Browser")
        .command("Runtime.evaluate")
        .generate_string()
        .unwrap();
    let items = items(&code);
    for wanted in [
        "browser",
        "GetVersionParams",
        "CloseParams",
        "EvaluateParams",
        "RemoteObject",
    ] {
        assert!(
            items.iter().any(|item| item == wanted),
            "{wanted} missing: {items:?}"
        );
    }
    assert!(
        !items.iter().any(|item| item == "EnableParams"),
        "{items:?}"
    );
    // `page` holds only the types Browser uses from it (`FrameId`): none of Page's commands.
    assert!(
        !items.iter().any(|item| item == "NavigateParams"),
        "{items:?}"
    );
}

#[test]
fn an_unknown_command_or_event_is_a_diagnostic_with_a_suggestion() {
    let err = full()
        .command("Runtime.evaluat")
        .event("Page.loadEventFire")
        .generate_string()
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("<selection>: no command `Runtime.evaluat` in the protocol; did you mean `Runtime.evaluate`?"),
        "{text}"
    );
    assert!(
        text.contains("<selection>: no event `Page.loadEventFire` in the protocol; did you mean `Page.loadEventFired`?"),
        "{text}"
    );
}
