//! A schema patch makes old bindings read what today's Chromium sends.
//!
//! Bindings of devtools-protocol 0.0.1200039 (autumn 2023) fail on 26 messages of the committed
//! Chromium session `fixtures/chromium_mix.jsonl`: two experimental Network fields changed since
//! (`Network.ClientSecurityState.privateNetworkRequestPolicy` is no longer sent, 12 messages;
//! `Network.responseReceivedExtraInfo`'s `cookiePartitionKey` became an object, 14 messages).
//! `protocol/patches/devtools-protocol-0.0.1200039.json` patches the two. This test generates
//! the bindings twice, with the patch (through `Config::patch`) and without, for every domain
//! the session has events of, and decodes all 288 messages with each, in a small scratch crate
//! built by cargo under `target/schema-patches/`: with the patch not one message fails and the
//! partition key decodes into the patched type; without it the same decoding fails on exactly
//! those 26 messages.
//!
//! Where npm cannot fetch the package the test prints `SKIPPED: ...`; under `CI` it fails.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The old protocol version the patch is for.
const OLD: &str = "0.0.1200039";

/// A real multi-domain session of Chromium 156 (`tests/fixtures/capture_mix.py` made it).
const MIX: &str = include_str!("../fixtures/chromium_mix.jsonl");

/// The decoder: decodes every line of the file it is given with both bindings, and prints a
/// line per message and bindings, tab-separated: `patched|unpatched`, the line's index, then
/// `response`, `typed`, `unknown` or `error` and the `DecodeError`. For a typed
/// `Network.responseReceivedExtraInfo` of the patched bindings it also prints `cookie` and the
/// partition key's `topLevelSite`, which only the patched type has.
const MAIN: &str = r#"
#[allow(dead_code, unused_imports, clippy::all)]
mod patched {
    include!("patched.rs");
}
#[allow(dead_code, unused_imports, clippy::all)]
mod unpatched {
    include!("unpatched.rs");
}

use cdp_runtime::Message;

fn main() {
    let path = std::env::args().nth(1).expect("the session file");
    let text = std::fs::read_to_string(path).expect("the session file reads");
    for (index, line) in text.lines().enumerate() {
        match patched::Event::decode_message(line) {
            Ok(Message::Event { event: patched::Event::Unknown(_), .. }) => {
                println!("patched\t{index}\tunknown")
            }
            Ok(Message::Event { event, .. }) => {
                println!("patched\t{index}\ttyped");
                if let patched::Event::Network(patched::network::Event::ResponseReceivedExtraInfo(event)) = event {
                    if let Some(key) = &event.cookie_partition_key {
                        println!("patched\t{index}\tcookie\t{}", key.top_level_site);
                    }
                }
            }
            Ok(_) => println!("patched\t{index}\tresponse"),
            Err(err) => println!("patched\t{index}\terror\t{err}"),
        }
        match unpatched::Event::decode_message(line) {
            Ok(Message::Event { event: unpatched::Event::Unknown(_), .. }) => {
                println!("unpatched\t{index}\tunknown")
            }
            Ok(Message::Event { .. }) => println!("unpatched\t{index}\ttyped"),
            Ok(_) => println!("unpatched\t{index}\tresponse"),
            Err(err) => println!("unpatched\t{index}\terror\t{err}"),
        }
    }
}
"#;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_owned()
}

/// Writes `text` to `path` unless it holds it already, so that cargo does not rebuild.
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|current| current == text) {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The method of every line that is an event, by line index.
fn event_methods() -> BTreeMap<usize, String> {
    MIX.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let message: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            message["method"]
                .as_str()
                .map(|method| (index, method.to_owned()))
        })
        .collect()
}

/// What the decoder said about each line, for one of the bindings: the outcome and its detail.
type Outcomes = BTreeMap<usize, Vec<(String, String)>>;

fn outcomes(stdout: &str, bindings: &str) -> Outcomes {
    let mut found = Outcomes::new();
    for line in stdout.lines() {
        let mut parts = line.splitn(4, '\t');
        let (Some(which), Some(index), Some(outcome)) = (parts.next(), parts.next(), parts.next())
        else {
            panic!("a line the decoder should not print: {line}");
        };
        if which == bindings {
            found
                .entry(index.parse().expect("a line index"))
                .or_default()
                .push((
                    outcome.to_owned(),
                    parts.next().unwrap_or_default().to_owned(),
                ));
        }
    }
    found
}

fn count(outcomes: &Outcomes, outcome: &str) -> usize {
    outcomes
        .values()
        .flatten()
        .filter(|(found, _)| found == outcome)
        .count()
}

#[test]
fn the_committed_patch_makes_bindings_of_0_0_1200039_decode_all_of_todays_session() {
    let Some(package) = cdp_test_support::devtools_protocol(OLD) else {
        return;
    };
    let protocols = [
        package.join("json/browser_protocol.json"),
        package.join("json/js_protocol.json"),
    ];
    let patch = workspace().join("protocol/patches/devtools-protocol-0.0.1200039.json");
    let config = |patched: bool| {
        let mut config = cdp_codegen::Config::new();
        for file in &protocols {
            config.protocol(file);
        }
        if patched {
            config.patch(&patch);
        }
        config
    };

    // Every domain the session has events of, as far as the old protocol has it: each of their
    // events that the old protocol knows decodes typed.
    let old_model = config(true)
        .model()
        .expect("the patched old protocol is valid");
    let known_events: BTreeSet<String> = old_model
        .domains
        .iter()
        .flat_map(|domain| {
            domain
                .events
                .iter()
                .map(move |event| format!("{}.{}", domain.name, event.name))
        })
        .collect();
    let old_domains: BTreeSet<&str> = old_model.domains.iter().map(|d| d.name.as_str()).collect();
    let methods = event_methods();
    let domains: BTreeSet<&str> = methods
        .values()
        .filter_map(|method| method.split_once('.').map(|(domain, _)| domain))
        .filter(|domain| old_domains.contains(domain))
        .collect();
    assert!(domains.contains("Network"), "{domains:?}");

    let dir = workspace().join("target/schema-patches");
    for (patched, module) in [(true, "patched"), (false, "unpatched")] {
        let mut config = config(patched);
        for domain in &domains {
            config.domain(*domain);
        }
        let code = config.generate_string().expect("the bindings generate");
        write_if_changed(&dir.join(format!("src/{module}.rs")), &code);
    }
    write_if_changed(&dir.join("src/main.rs"), MAIN);
    write_if_changed(&dir.join("session.jsonl"), MIX);
    let runtime = workspace().join("runtime");
    write_if_changed(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"schema-patches\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\ncdp-runtime = {{ path = {:?} }}\n\n\
             # Its own workspace: it lives under this one's target/, and must not join it.\n\
             [workspace]\n\n[profile.dev]\ndebug = false\nincremental = false\n",
            runtime.display().to_string()
        ),
    );
    // The versions this workspace builds with, so that the build needs nothing new.
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let run = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["run", "--offline", "--quiet", "--", "session.jsonl"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the decoder did not build or run:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let lines = MIX.lines().count();
    assert_eq!(lines, 288);
    let patched = outcomes(&stdout, "patched");
    let unpatched = outcomes(&stdout, "unpatched");
    assert_eq!(patched.len(), lines, "every line decoded with the patch");
    assert_eq!(unpatched.len(), lines, "every line decoded without it");

    // With the patch: no message fails, and every event the old protocol knows is typed.
    let errors: Vec<String> = patched
        .iter()
        .flat_map(|(index, found)| {
            found
                .iter()
                .filter(|(outcome, _)| outcome == "error")
                .map(move |(_, detail)| format!("line {index}: {detail}"))
        })
        .collect();
    assert!(errors.is_empty(), "the patch leaves {errors:#?}");
    for (index, method) in &methods {
        let outcome = &patched[index][0].0;
        let expected = if known_events.contains(method) {
            "typed"
        } else {
            "unknown"
        };
        assert_eq!(outcome, expected, "line {index}: {method}");
    }
    assert!(count(&patched, "typed") > 200, "{stdout}");
    let cookies: Vec<&str> = patched
        .values()
        .flatten()
        .filter(|(outcome, _)| outcome == "cookie")
        .map(|(_, site)| site.as_str())
        .collect();
    assert_eq!(cookies, ["http://127.0.0.1"; 14]);

    // Without it: the same decoding fails on exactly the 26 messages the patch is for, each
    // error naming its field, and decodes every other line as the patched bindings do.
    let mut failed_fields = BTreeMap::<&str, usize>::new();
    for (index, found) in &unpatched {
        let (outcome, detail) = &found[0];
        if outcome == "error" {
            let field = ["privateNetworkRequestPolicy", "cookiePartitionKey"]
                .into_iter()
                .find(|field| detail.contains(field))
                .unwrap_or_else(|| panic!("line {index} fails for another reason: {detail}"));
            *failed_fields.entry(field).or_default() += 1;
        } else {
            assert_eq!(outcome, &patched[index][0].0, "line {index}");
        }
    }
    assert_eq!(
        failed_fields,
        BTreeMap::from([
            ("cookiePartitionKey", 14),
            ("privateNetworkRequestPolicy", 12)
        ])
    );
    assert_eq!(count(&unpatched, "error"), 26);
}
