//! `cdp-bindings` as a user gets it from the registry: a crate outside the workspace
//! (`[patch.crates-io]` path dependencies standing in for the registry) that asks for the
//! `page`, `network` and `runtime` features and sets no variable builds from the protocol the
//! packages ship, with no fetch, and encodes real requests. A feature whose domain the protocol
//! in use lacks, and a relative `CDP_BINDINGS_PROTOCOL`, stop the build with a message that says
//! what to do.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The published packages the crate reaches, by the folder that holds each.
const PATCHED: &[(&str, &str)] = &[
    ("cdp-bindings", "generated"),
    ("cdp-codegen", "codegen"),
    ("cdp-runtime", "runtime"),
    ("cdp-schemas", "protocol"),
    ("cdp-transport", "transport"),
];

const MAIN: &str = r#"use cdp_bindings::cdp_runtime::encode_request;
use cdp_bindings::{page, runtime};

fn main() {
    let navigate = page::NavigateParams::new("https://example.com/".to_owned())
        .transition_type(page::TransitionType::Typed);
    println!("{}", encode_request(1, None, &navigate));
    let evaluate = runtime::EvaluateParams::new("1 + 1".to_owned()).return_by_value(true);
    println!("{}", encode_request(2, Some("S1"), &evaluate));
    // Page's types from other domains come along; Network's own items too, with its feature.
    let _: Option<cdp_bindings::network::EnableParams> = None;
    let _: Option<cdp_bindings::dom::BackendNodeId> = None;
}
"#;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_owned()
}

/// A crate in `target/NAME` that depends on cdp-bindings with `features`, without its
/// default features.
fn user_crate(name: &str, features: &[&str], main: &str) -> PathBuf {
    let features: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
    let dependencies = format!(
        "[dependencies]\ncdp-bindings = {{ version = \"0.1\", default-features = false, features = [{}] }}\n",
        features.join(", ")
    );
    crate_with(name, &dependencies, main)
}

/// A crate in `target/NAME` with this `[dependencies]` section and this `main.rs`.
fn crate_with(name: &str, dependencies: &str, main: &str) -> PathBuf {
    let root = workspace();
    let dir = root.join("target").join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let mut manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         {dependencies}\n[patch.crates-io]\n"
    );
    // cdp-transport only where it is used: an unused patch is a warning.
    let used = |package: &str| package != "cdp-transport" || dependencies.contains(package);
    for (package, folder) in PATCHED.iter().filter(|(package, _)| used(package)) {
        manifest.push_str(&format!(
            "{package} = {{ path = {:?} }}\n",
            root.join(folder).display().to_string()
        ));
    }
    // Its own workspace: it lives under this one's target/, and must not join it.
    manifest.push_str("\n[workspace]\n");
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/main.rs"), main).unwrap();
    // The versions this workspace builds with, so that the build needs nothing new.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir
}

/// `cargo build --offline` of the crate in `dir`, with `CDP_BINDINGS_PROTOCOL` set to
/// `protocol` or unset.
fn build(dir: &Path, protocol: Option<&str>) -> Output {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .args(["build", "--offline", "--message-format", "short"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CDP_BINDINGS_PROTOCOL");
    if let Some(protocol) = protocol {
        command.env("CDP_BINDINGS_PROTOCOL", protocol);
    }
    command.output().expect("cargo runs")
}

#[test]
fn page_network_and_runtime_build_from_the_shipped_protocol_and_encode_requests() {
    let dir = user_crate("bindings-features", &["page", "network", "runtime"], MAIN);
    let output = build(&dir, None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the crate does not build:\n{stderr}"
    );
    assert!(
        !stderr.lines().any(|line| line.contains("warning")),
        "the crate builds with warnings:\n{stderr}"
    );
    let run = Command::new(dir.join("target/debug/bindings-features"))
        .output()
        .expect("the crate's binary runs");
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        concat!(
            r#"{"id":1,"method":"Page.navigate","params":{"url":"https://example.com/","transitionType":"typed"}}"#,
            "\n",
            r#"{"id":2,"method":"Runtime.evaluate","params":{"expression":"1 + 1","returnByValue":true},"sessionId":"S1"}"#,
            "\n"
        )
    );

    // A protocol without Page: the feature that asks for it is named, and the build stops.
    let background_service = workspace().join("protocol/background_service.json");
    let output = build(&dir, Some(background_service.to_str().unwrap()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "built without a Page domain:\n{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "error: the cdp-bindings features `page`, `runtime` name no domain of the protocol \
             CDP_BINDINGS_PROTOCOL names ({})",
            background_service.display()
        )),
        "{stderr}"
    );

    // A relative path: the error says where it would have been read, and how to say it.
    let output = build(&dir, Some("protocol/browser.json"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "built from a relative path:\n{stderr}"
    );
    let tried = workspace().join("generated/protocol/browser.json");
    assert!(
        stderr.contains(&format!(
            "error: CDP_BINDINGS_PROTOCOL holds the relative path `protocol/browser.json`, which \
             would be read as `{}`",
            tried.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            r#"CDP_BINDINGS_PROTOCOL = { value = "protocol/browser.json", relative = true }"#
        ),
        "{stderr}"
    );
}

/// What Node.js 20's inspector sends (V8 11.3): `Debugger.scriptParsed` without the `buildId`
/// that the shipped protocol requires.
const NODE_MAIN: &str = r##"use cdp_bindings::cdp_runtime::Message;
use cdp_bindings::{debugger, Event};

fn main() {
    let text = r#"{"method":"Debugger.scriptParsed","params":{"scriptId":"7","url":"node:internal/main","startLine":0,"startColumn":0,"endLine":9,"endColumn":1,"executionContextId":1,"hash":"3f2a","isLiveEdit":false,"sourceMapURL":"","hasSourceURL":false,"isModule":false,"length":310,"scriptLanguage":"JavaScript","embedderName":"node:internal/main"}}"#;
    match Event::decode_message(text) {
        Ok(Message::Event { event: Event::Debugger(debugger::Event::ScriptParsed(event)), .. }) => {
            let build_id: Option<String> = event.build_id;
            println!("{} {:?}", event.url, build_id);
        }
        other => println!("not decoded: {other:?}"),
    }
}
"##;

#[test]
fn the_node20_feature_reads_what_node_20_sends() {
    let dir = user_crate("bindings-node20", &["debugger", "node20"], NODE_MAIN);
    let output = build(&dir, None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the crate does not build:\n{stderr}"
    );
    let run = Command::new(dir.join("target/debug/bindings-node20"))
        .output()
        .expect("the crate's binary runs");
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "node:internal/main None\n"
    );
}

/// The README's async page example, with the dependency lines above it, builds as a crate
/// outside the workspace (so that its features do not change the workspace's own
/// `cdp-bindings`) without a warning.
#[test]
fn the_readme_page_example_builds_as_a_user_crate() {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let start = readme
        .find("\n## Drive a page (async, on tokio)\n")
        .expect("the README has the section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 3)];
    let block = |language: &str| -> String {
        let open = format!("```{language}\n");
        let at = section
            .find(&open)
            .unwrap_or_else(|| panic!("no {language} block"))
            + open.len();
        section[at..at + section[at..].find("```\n").unwrap()].to_owned()
    };
    let (toml, main) = (block("toml"), block("rust"));
    assert!(!main.contains("cdp_examples"), "{main}");
    // Versions as the README gives them; the registry's stand-ins are patched in.
    let dir = crate_with("readme-page", toml.trim_end(), &main);
    let output = build(&dir, None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the README's page example does not build:\n{stderr}"
    );
    assert!(
        !stderr.lines().any(|line| line.contains("warning")),
        "the README's page example builds with warnings:\n{stderr}"
    );
}
